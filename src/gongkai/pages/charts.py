"""Charts as SVG text: same input, same bytes, Chinese glyphs in Chinese forms.

Figures are built without pyplot (no global state in a kernel that renders
hundreds of reports). Text stays text, in the page's own Noto CJK font.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from html import escape
from typing import Any

from gongkai.format import APPLICATION_FIGURES
from gongkai.format.model import leaves
from gongkai.records.record import Record

STYLE: dict[Any, Any] = {
    "font.family": ["Noto Sans CJK SC", "Noto Sans CJK JP", "sans-serif"],
    "axes.unicode_minus": False,  # CJK fonts lack U+2212
    "svg.hashsalt": "gongkai",  # fixed ids: byte-identical SVG
    "svg.fonttype": "none",  # text stays text: 5x faster, and the page names the font
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
COLOURS = ["#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646", "#7f7f7f"]


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog and doctype: the SVG sits inside HTML


def _figure(width: float, height: float, left: float = 0.08, bottom: float = 0.14) -> Any:
    """Fixed margins: constrained layout measures every label and costs half the chart."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    figure.subplots_adjust(left=left, right=0.97, top=0.88, bottom=bottom)
    return figure


def bars(title: str, labels: Sequence[str], values: Sequence[float], *, horizontal: bool = False) -> str:
    """One series as bars, each labelled with its value."""
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(STYLE):
        widest = max((len(label) for label in labels), default=1)
        if horizontal:
            height = 0.32 * len(labels) + 1.0
            fig = _figure(6.2, height, left=min(0.5, 0.04 + 0.026 * widest), bottom=0.55 / height)
        else:
            fig = _figure(6.2, 3.0)
        ax = fig.add_subplot()
        positions = list(range(len(labels)))
        if horizontal:
            drawn = ax.barh(positions, values, color=COLOURS[0])
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
            ax.set_xlim(0, max([*values, 1]) * 1.15)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            drawn = ax.bar(positions, values, color=COLOURS[0])
            ax.set_xticks(positions, labels)
            ax.set_ylim(0, max([*values, 1]) * 1.2)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.bar_label(drawn, fmt="%g", padding=2)
        ax.set_title(title)
        return _svg(fig)


def grouped_bars(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]]) -> str:
    """Several series side by side per label, horizontal, with a legend: figures that must not be added up."""
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(STYLE):
        widest = max((len(label) for label in labels), default=1)
        height = 0.45 * len(labels) + 1.2
        fig = _figure(6.2, height, left=min(0.5, 0.04 + 0.026 * widest), bottom=0.55 / height)
        ax = fig.add_subplot()
        step = 0.8 / max(1, len(series))
        top = max([v for values in series.values() for v in values] + [1])
        for n, (colour, (name, values)) in enumerate(zip(COLOURS, series.items(), strict=False)):
            positions = [i - 0.4 + step * (n + 0.5) for i in range(len(labels))]
            drawn = ax.barh(positions, values, height=step, color=colour, label=name)
            ax.bar_label(drawn, fmt="%g", padding=2, fontsize=7)
        ax.set_yticks(list(range(len(labels))), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="lower right", frameon=False)
        ax.set_title(title)
        return _svg(fig)


def figure_html(title: str, values: Sequence[float], draw: Callable[[], str]) -> str:
    """The chart in a <figure>, or one line saying there is nothing to draw (no empty frame)."""
    if not any(values):
        return f'<p class="gk-chart-empty">{escape(title)}：各项均为 0，不绘制图表。</p>'
    return f'<figure class="gk-chart">{draw()}</figure>'


def lines(title: str, xs: Sequence[int], series: Mapping[str, Sequence[float]]) -> str:
    """Several series over the years, with markers (a single year shows as points)."""
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(STYLE):
        fig = _figure(6.2, 3.0)
        ax = fig.add_subplot()
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        for colour, (name, ys) in zip(COLOURS, series.items(), strict=False):
            ax.plot(xs, ys, marker="o", color=colour, label=name)
        ax.set_xticks(list(xs), [f"{x}年" for x in xs])
        top = max([v for ys in series.values() for v in ys] + [1])
        ax.set_ylim(0, top * 1.2)
        ax.legend(loc="upper left", frameon=False, ncols=min(3, len(series)))
        ax.set_title(title)
        return _svg(fig)


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
