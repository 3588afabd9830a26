"""Charts as SVG text of our own: same input, same bytes, Chinese glyphs in Chinese forms.

Three kinds are enough for the reviewer's page and the county summary: bars
(upright or lying, one series), lying bars in groups (figures that must not be
added up) and lines over the years. Drawing them ourselves costs microseconds
where a plotting library cost a fifth of a second per report, and keeps the
markup small, id-free and inert (see gongkai.pages.svg).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from html import escape

from gongkai.format import APPLICATION_FIGURES
from gongkai.format.model import leaves
from gongkai.pages import svg
from gongkai.records.record import Record

COLOURS = ["#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646", "#7f7f7f"]
WIDTH = 600
SIZE = 12  # labels; the title is a little larger, values in groups a little smaller
TITLE_SIZE = 14
SMALL = 10
PLOT_HEIGHT = 180  # upright bars and lines


def _title(title: str) -> str:
    return svg.text(WIDTH / 2, 22, svg.fit(title, WIDTH - 16, TITLE_SIZE), size=TITLE_SIZE, anchor="middle", tip=title)


def _series(series: Mapping[str, Sequence[float]]) -> list[tuple[str, str, list[float]]]:
    return [
        (name, COLOURS[n % len(COLOURS)], [float(v) for v in values]) for n, (name, values) in enumerate(series.items())
    ]


def _lying(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]], *, named: bool) -> str:
    """Lying bars, one row per label, one bar per series in each row; a legend when the series are named."""
    drawn = _series(series)
    size = SIZE if len(drawn) == 1 else SMALL
    thickness = 16.0 if len(drawn) == 1 else 12.0
    row = thickness * len(drawn) + (8 if len(drawn) == 1 else 10)
    values = [v for _, _, vs in drawn for v in vs]
    scale = svg.ticks(min(values, default=0), max(values, default=0))
    low, high = scale[0], scale[-1]
    left = min(WIDTH * 0.45, max((svg.text_width(label, SIZE) for label in labels), default=0)) + 18
    right = WIDTH - max(svg.text_width(svg.value_label(max(values, default=0)), size) + 16, 20)
    parts = [_title(title)]
    top = 36.0
    if named:
        markup, top = svg.legend([(colour, name) for name, colour, _ in drawn], left, 44, WIDTH - 8)
        parts.append(markup)
        top -= 8

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    bottom = top + row * len(labels)
    for tick in scale:
        parts.append(svg.line(x(tick), top, x(tick), bottom, svg.GRID))
        parts.append(svg.text(x(tick), bottom + 16, str(tick), anchor="middle", fill=svg.MUTED))
    parts.append(svg.line(x(0), top, x(0), bottom, svg.AXIS))
    for i, label in enumerate(labels):
        middle = top + row * (i + 0.5)
        shown = svg.fit(label, left - 18, SIZE)
        parts.append(svg.text(left - 8, middle + SIZE * 0.35, shown, anchor="end", tip=label))
        for n, (name, colour, vs) in enumerate(drawn):
            value = vs[i] if i < len(vs) else 0.0
            y = middle - thickness * len(drawn) / 2 + thickness * n
            tip = f"{label}{'　' + name if named else ''}：{svg.value_label(value)}"
            gap = 0 if len(drawn) == 1 else 1
            parts.append(svg.rect(min(x(0), x(value)), y, abs(x(value) - x(0)), thickness - gap, colour, tip))
            at, anchor = (x(value) + 4, "start") if value >= 0 else (x(value) - 4, "end")
            baseline = y + (thickness - gap) / 2 + size * 0.35
            parts.append(svg.text(at, baseline, svg.value_label(value), size=size, anchor=anchor))
    return svg.document(title, WIDTH, bottom + 26, parts)


def _upright_axis(low: float, high: float) -> tuple[list[int], float]:
    """Integer ticks and the left margin their labels need."""
    scale = svg.ticks(low, high)
    return scale, max(svg.text_width(str(t), SIZE) for t in scale) + 16


def _grid(scale: Sequence[int], y: Callable[[float], float], left: float, right: float) -> list[str]:
    parts = []
    for tick in scale:
        parts.append(svg.line(left, y(tick), right, y(tick), svg.GRID))
        parts.append(svg.text(left - 6, y(tick) + SIZE * 0.35, str(tick), anchor="end", fill=svg.MUTED))
    parts.append(svg.line(left, y(0), right, y(0), svg.AXIS))
    return parts


def _upright(title: str, labels: Sequence[str], values: Sequence[float]) -> str:
    """Upright bars, one series; long labels wrap under their bar."""
    vs = [float(v) for v in values]
    scale, left = _upright_axis(min(vs, default=0), max(vs, default=0))
    right = WIDTH - 12
    bottom = 54.0 + PLOT_HEIGHT  # 54: the title, and room above the tallest bar for its value

    def y(value: float) -> float:
        return bottom - (value - scale[0]) / (scale[-1] - scale[0]) * PLOT_HEIGHT

    column = (right - left) / max(len(labels), 1)
    width = min(column * 0.6, 56)
    wrapped = [svg.wrap(label, column - 12, SIZE) for label in labels]
    parts = [_title(title), *_grid(scale, y, left, right)]
    for i, (label, value) in enumerate(zip(labels, vs, strict=False)):
        middle = left + column * (i + 0.5)
        tip = f"{label}：{svg.value_label(value)}"
        parts.append(svg.rect(middle - width / 2, min(y(0), y(value)), width, abs(y(0) - y(value)), COLOURS[0], tip))
        at = y(value) - 4 if value >= 0 else y(value) + SIZE + 2
        parts.append(svg.text(middle, at, svg.value_label(value), anchor="middle"))
        for n, part in enumerate(wrapped[i]):
            parts.append(svg.text(middle, bottom + 6 + SIZE * (1.25 * n + 1), part, anchor="middle", tip=label))
    lines = max((len(w) for w in wrapped), default=1)
    return svg.document(title, WIDTH, bottom + 14 + SIZE * 1.25 * lines, parts)


def bars(title: str, labels: Sequence[str], values: Sequence[float], *, horizontal: bool = False) -> str:
    """One series as bars, each labelled with its value (0 too): lying bars suit long Chinese labels."""
    if horizontal:
        return _lying(title, labels, {title: values}, named=False)
    return _upright(title, labels, values)


def grouped_bars(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]]) -> str:
    """Several series side by side per label, lying, with a legend: figures that must not be added up."""
    return _lying(title, labels, series, named=True)


def figure_html(title: str, values: Sequence[float], draw: Callable[[], str]) -> str:
    """The chart in a <figure>, or one line saying there is nothing to draw (no empty frame)."""
    if not any(values):
        return f'<p class="gk-chart-empty">{escape(title)}：各项均为 0，不绘制图表。</p>'
    return f'<figure class="gk-chart">{draw()}</figure>'


def lines(title: str, xs: Sequence[int], series: Mapping[str, Sequence[float]]) -> str:
    """Several series over the years, with markers (a single year shows as points)."""
    drawn = _series(series)
    values = [v for _, _, vs in drawn for v in vs]
    scale, left = _upright_axis(min(values, default=0), max(values, default=0))
    right = WIDTH - 12
    markup, top = svg.legend([(colour, name) for name, colour, _ in drawn], left, 44, right, lines=True)
    bottom = top + PLOT_HEIGHT

    def y(value: float) -> float:
        return bottom - (value - scale[0]) / (scale[-1] - scale[0]) * PLOT_HEIGHT

    first, last = min(xs, default=0), max(xs, default=0)
    pad = 40.0

    def x(year: int) -> float:
        if last == first:
            return (left + right) / 2
        return left + pad + (year - first) / (last - first) * (right - left - 2 * pad)

    parts = [_title(title), markup, *_grid(scale, y, left, right)]
    for year in xs:
        parts.append(svg.line(x(year), bottom, x(year), bottom + 4, svg.AXIS))
        parts.append(svg.text(x(year), bottom + 18, f"{year}年", anchor="middle"))
    for name, colour, ys in drawn:
        points = list(zip(xs, ys, strict=False))
        if len(points) > 1:
            path = " ".join(f"{svg.num(x(a))},{svg.num(y(b))}" for a, b in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for year, value in points:
            parts.append(svg.marker(x(year), y(value), colour, f"{year}年　{name}：{svg.value_label(value)}"))
    return svg.document(title, WIDTH, bottom + 28, parts)


def _n(value: int | Decimal | None) -> float:
    return float(value or 0)


def outcome_totals(record: Record) -> dict[str, float]:
    """（一）…（六） of table 三, each group summed over its items, for all applicants."""
    t3 = record.format.table("table3")
    outcome = next(n for n in t3.rows if n.children)
    return {
        node.number + min([node.label, *node.variants], key=len): sum(
            _n(record.value("table3", leaf.id, "total")) for leaf in node.leaves()
        )
        for node in outcome.children
        if node.id != "outcome_total"
    }


def applicant_totals(record: Record) -> dict[str, float]:
    t3 = record.format.table("table3")
    return {c.label: _n(record.value("table3", "received", c.id)) for c in leaves(t3.columns) if c.id != "total"}


def report_charts(record: Record, history: Sequence[Record]) -> list[str]:
    """The reviewer's three charts (outcomes, applicants, the trend over the years on record), as HTML."""
    outcomes = outcome_totals(record)
    applicants = applicant_totals(record)
    years = sorted({r.year: r for r in [*history, record]}.values(), key=lambda r: r.year)
    trend = {name: [_n(r.cells[key]) for r in years] for name, key in APPLICATION_FIGURES}
    first = f"{record.year}年申请办理结果（件）"
    second = f"{record.year}年新收申请的申请人（件）"
    third = "历年申请情况（件）"
    return [
        figure_html(
            first,
            list(outcomes.values()),
            lambda: bars(first, list(outcomes), list(outcomes.values()), horizontal=True),
        ),
        figure_html(
            second, list(applicants.values()), lambda: bars(second, list(applicants), list(applicants.values()))
        ),
        figure_html(
            third, [v for ys in trend.values() for v in ys], lambda: lines(third, [r.year for r in years], trend)
        ),
    ]
