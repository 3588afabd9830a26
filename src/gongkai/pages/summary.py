"""A county-year at a glance: the townships' tables summed and checked, each township's outcome, charts.

Written to output/<year>/<county>/summary.html (and .pdf) by `render --all`
for every county-year it touched; templates/pages/summary.html.j2 lays out
the values built here. The summed tables go through the same
rules as any report, so a county total that does not add up is flagged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from markupsafe import Markup

from gongkai.checks import check, check_many
from gongkai.checks.report import CheckReport
from gongkai.checks.view import appendix, banner
from gongkai.errors import GongkaiError
from gongkai.format import APPLICATION_FIGURES, DECISION_FIGURES, KEY_FIGURES, Kind
from gongkai.pages import charts, policy, templating
from gongkai.pages.outcomes import RENDERED
from gongkai.pages.outcomes import Outcome as Built
from gongkai.pages.style import stylesheet
from gongkai.pages.tables import table_html
from gongkai.records.catalog import Entry
from gongkai.records.history import load_previous
from gongkai.records.ids import report_key
from gongkai.records.record import Record, Value, load_record


@dataclass(frozen=True)
class Township:
    entry: Entry
    record: Record
    built: Built | None


def total(records: Sequence[Record]) -> Record:
    """The county's tables: every cell summed; a blank anywhere leaves the sum blank."""
    first = records[0]
    cells: dict[tuple[str, str, str], Value] = {}
    for key in first.cells:
        values = [r.cells.get(key) for r in records]
        cells[key] = None if any(v is None for v in values) else sum((Decimal(v or 0) for v in values), Decimal(0))
        if cells[key] is not None and first.format.cell(key).kind is not Kind.AMOUNT:
            cells[key] = int(cells[key] or 0)
    return replace(
        first,
        body=f"{first.county}各乡镇（街道）合计",
        township="",
        level="县",
        cells=cells,
        parts=dict.fromkeys(first.parts, ""),
        source="",
        path=None,
    )


def load_townships(entries: Sequence[Entry], built: dict[str, Built]) -> list[Township]:
    """The county-year's records that load; a bad record is listed by its own report, not summed."""
    found = []
    for entry in entries:
        try:
            record = load_record(entry.path)
        except GongkaiError:
            continue
        found.append(Township(entry, record, built.get(report_key(entry.year, entry.county.id, entry.township.id))))
    return found


WIDTHS = (16, 6, 8, 8, 8, 8, 8, 26, 12)  # per cent, of the townships' table


def _township_rows(townships: Sequence[Township]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for t in townships:
        r, b = t.record, t.built
        if b is None or b.status != RENDERED:
            outcome, link = ("未生成" if b is None else b.message or b.status), ""
        else:
            outcome = f"{'通过' if b.passed else '未通过'}（错误 {b.errors}，警告 {b.warnings}）"
            link = f"{t.entry.township.id}/report.html"
        rows.append(
            {
                "name": r.township,
                "synthetic": r.synthetic,
                "level": r.level,
                "figures": ["" if r.cells[key] is None else r.cells[key] for _, key in KEY_FIGURES],
                "outcome": outcome,
                "link": link,
                "failing": b is None or not b.ok,
            }
        )
    return rows


def sources(townships: Sequence[Township], report: CheckReport, own: Sequence[CheckReport]) -> list[dict[str, object]]:
    """For each rule the county totals break, the townships whose own figures break it (and how)."""
    return [
        {
            "rule": rule,
            "found": [
                (t.record.township, next(f.message for f in r.errors if f.rule == rule))
                for t, r in zip(townships, own, strict=True)
                if any(f.rule == rule for f in r.errors)
            ],
        }
        for rule in sorted({f.rule for f in report.errors})
    ]


def summary_html(
    county: str,
    year: int,
    townships: Sequence[Township],
    combined: Record,
    report: CheckReport,
    own: Sequence[CheckReport] = (),
) -> str:
    title = f"{county}{year}年各乡镇（街道）政府信息公开工作年度报告汇总"
    names = [t.record.township for t in townships]
    received = [float(t.record.cells[APPLICATION_FIGURES[0][1]] or 0) for t in townships]
    decisions = {name: [float(t.record.cells[key] or 0) for t in townships] for name, key in DECISION_FIGURES}
    marks = report.marks()
    first = f"{year}年各乡镇（街道）新收申请（件）"
    second = f"{year}年各乡镇（街道）行政许可与行政处罚决定（件）"
    figures = charts.figure_html(
        first, received, lambda: charts.bars(first, names, received, horizontal=True)
    ) + charts.figure_html(
        second, [v for vs in decisions.values() for v in vs], lambda: charts.grouped_bars(second, names, decisions)
    )
    # the sources go inside 附录一's section, after its rule table (checks/view.py writes the section whole)
    inside, _, after = appendix(report).rpartition("</section>")
    return templating.render(
        "summary.html.j2",
        csp=Markup(policy.STATIC),  # ours: its quotes stay quotes
        style=Markup(stylesheet()),
        title=title,
        place=combined.province + combined.city + county,
        year=year,
        synthetic=any(t.record.synthetic for t in townships),
        banner=Markup(banner(report)),
        widths=WIDTHS,
        heads=("乡镇（街道）", "类别", *(name for name, _ in KEY_FIGURES), "校验", "报告"),
        townships=_township_rows(townships),
        tables=[
            {"number": t.number, "title": t.title, "html": Markup(table_html(combined, t.id, marks))}
            for t in combined.format.tables
        ],
        figures=Markup(figures),
        appendix=Markup(inside),
        sources=sources(townships, report, own),
        after_appendix=Markup(after),
    )


@dataclass(frozen=True)
class Summary:
    """The page, its title, and what its PDF header must say."""

    html: str
    title: str
    passed: bool
    errors: int


@dataclass(frozen=True)
class County:
    """A county-year's townships of one format and their sum, before checking."""

    name: str
    year: int
    townships: list[Township]
    combined: Record
    previous: Record | None  # last year's sum, when every township has last year's record


def gather(county_name: str, year: int, entries: Sequence[Entry], built: dict[str, Built]) -> County | None:
    """The county-year's records summed, or None when none of them loads."""
    townships = load_townships(entries, built)
    same = [t for t in townships if t.record.format is (townships[0].record.format if townships else None)]
    if not same:
        return None
    before = load_townships(_previous_entries(entries), {})
    previous = total([t.record for t in before]) if before and len(before) == len(same) else None
    return County(county_name, year, same, total([t.record for t in same]), previous)


Saved = Callable[[Township], CheckReport | None]


def township_reports(county: County, saved: Saved) -> list[CheckReport]:
    """Each township's own checks: as its report saved them, else checked here (in one batch)."""
    reports = [saved(t) for t in county.townships]
    missing = [n for n, r in enumerate(reports) if r is None]
    pairs = [(county.townships[n].record, load_previous(county.townships[n].record)[0]) for n in missing]
    for n, report in zip(missing, check_many(pairs) if pairs else [], strict=True):
        reports[n] = report
    return [r for r in reports if r is not None]


def page(county: County, report: CheckReport, own: Sequence[CheckReport]) -> Summary:
    html = summary_html(county.name, county.year, county.townships, county.combined, report, own)
    return Summary(html, f"{county.name}{county.year}年汇总", report.passed, len(report.errors))


def build(
    county_name: str, year: int, entries: Sequence[Entry], built: dict[str, Built], saved: Saved = lambda _: None
) -> Summary | None:
    """The summary page of one county-year, or None when no record of it loads."""
    county = gather(county_name, year, entries, built)
    if county is None:
        return None
    report = check(county.combined, county.previous)
    return page(county, report, township_reports(county, saved) if not report.passed else [])


def _previous_entries(entries: Sequence[Entry]) -> list[Entry]:
    return [Entry(e.county, e.township, e.year - 1) for e in entries if e.previous.exists()]
