"""output/index.html: every report, grouped by year and county, searchable and sortable offline.

A province (tens of thousands of reports) must stay quick: the rows travel as
one JSON data block and the page's only script draws the matching rows a
page at a time, so a keystroke or a sort touches an array, not 40,000 table
rows. The script (templates/table.js, shared with the audit page) is allowed
by hash in the Content-Security-Policy; every value from a record reaches the
page as JSON and is shown with textContent, so nothing that came from a record
can run even if it slipped past escaping. templates/pages/index.html.j2 lays
the page out from the values built here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from gongkai.pages import templating
from gongkai.pages.outcomes import (
    CHECKS,
    CRASHED,
    DOCX,
    EXECUTED,
    HTML,
    INVALID,
    PDF,
    REFUSED,
    RENDERED,
    REVIEW,
    REVIEW_PDF,
    Outcome,
)
from gongkai.pages.style import sheet
from gongkai.records.ids import county_of

# Outcome of a report, in the order "worst first" sorts them.
BROKEN, FAILED, WARNED, PASSED = 0, 1, 2, 3
OUTCOMES = {BROKEN: "未能生成", FAILED: "未通过", WARNED: "通过（有警告）", PASSED: "通过"}
STATUS = {INVALID: "记录无效", CRASHED: "执行出错", REFUSED: "未生成（--strict）"}
FILES = (
    (HTML, "网页"),
    (PDF, "PDF"),
    (DOCX, "Word"),
    (REVIEW, "审阅版"),
    (REVIEW_PDF, "审阅版 PDF"),
    (EXECUTED, "笔记本"),
    (CHECKS, "校验"),
)
PAGE = 200  # rows drawn at a time; "显示更多" draws the next ones

# The reports' table: heading, its name for a sort, and the field of the rows' JSON it sorts by (templates/table.js).
COLUMNS = (
    ("县（区）", "county", "c", ""),
    ("乡镇（街道）", "township", "t", ""),
    ("年度", "year", "y", ""),
    ("校验", "outcome", "o", ""),
    ("问题", "", "", ""),
    ("文件", "", "", ""),
)


def outcome(e: Outcome) -> int:
    if e.status != RENDERED:
        return BROKEN
    if not e.passed:
        return FAILED
    return WARNED if e.warnings else PASSED


def _label(e: Outcome) -> str:
    o = outcome(e)
    if o == BROKEN:
        return STATUS.get(e.status, e.status)
    settled = f"，已确认 {e.accepted}" if e.accepted else ""
    settled += f"，经确认放行的错误 {e.allowed}" if e.allowed else ""
    if o == FAILED:
        return f"未通过（{e.errors} 个错误{f'，{e.warnings} 个警告' if e.warnings else ''}{settled}）"
    return f"通过（{e.warnings} 个警告{settled}）" if o == WARNED else f"通过{f'（{settled[1:]}）' if settled else ''}"


def _row(e: Outcome) -> dict[str, object]:
    return {
        "k": e.key,
        "c": e.county,
        "t": e.township,
        "y": e.year,
        "o": outcome(e),
        "s": _label(e),
        "f": e.findings,
        "m": e.message,
        "x": 1 if e.synthetic else 0,
        "l": sum(1 << n for n, (name, _) in enumerate(FILES) if name in e.files),
    }


def _groups(entries: Sequence[Outcome], out_dir: Path | None) -> list[dict[str, object]]:
    """Per year, its counties with their counts and summary pages (a collapsible table each)."""
    by_group: dict[tuple[int, str], Counter[int]] = {}
    names: dict[tuple[int, str], str] = {}
    for e in entries:
        group = (e.year, county_of(e.key))
        by_group.setdefault(group, Counter())[outcome(e)] += 1
        names[group] = e.county
    found = []
    years = sorted({year for year, _ in by_group}, reverse=True)
    for n, year in enumerate(years):
        groups = sorted((g for g in by_group if g[0] == year), key=lambda g: names[g])
        total: Counter[int] = Counter()
        counties = []
        for group in groups:
            c = by_group[group]
            total += c
            summary = f"{year}/{group[1]}/summary.html"
            counties.append(
                {
                    "name": names[group],
                    "find": f"{year} {group[1]}",
                    "counts": (sum(c.values()), c[PASSED] + c[WARNED], c[WARNED], c[FAILED], c[BROKEN]),
                    "summary": summary if out_dir is not None and (out_dir / summary).exists() else "",
                }
            )
        head = (
            f"{year} 年：{len(groups)} 个县（区），{sum(total.values())} 份报告，"
            f"通过 {total[PASSED] + total[WARNED]}（有警告 {total[WARNED]}），"
            f"未通过 {total[FAILED]}，未能生成 {total[BROKEN]}"
        )
        found.append({"head": head, "open": n == 0 and len(groups) <= 50, "counties": counties})
    return found


def render_index(entries: Sequence[Outcome], out_dir: Path | None = None) -> str:
    return "".join(iter_index(entries, out_dir))


def iter_index(entries: Sequence[Outcome], out_dir: Path | None = None) -> Iterator[str]:
    """The page in pieces, for a writer that never holds it whole (batch/publish.py): rows one by one."""
    ordered = sorted(entries, key=lambda e: (-e.year, e.county, e.key))
    counts = Counter(outcome(e) for e in ordered)
    return templating.stream(
        "index.html.j2",
        **templating.table_page(),
        title="政府信息公开工作年度报告 · 索引",
        style=sheet("lists.css"),
        total=len(ordered),
        passed=counts[PASSED] + counts[WARNED],
        warned=counts[WARNED],
        failed=counts[FAILED],
        broken=counts[BROKEN],
        years=_groups(ordered, out_dir),
        search="搜索",
        placeholder="县、乡镇（中文或拼音）、年度，空格分隔",
        kind="index",
        widths=(),
        columns=COLUMNS,
        noscript="列表要用本页自带的脚本显示；各报告也可直接在 output/年/县/乡镇/ 中打开。",
        batches=templating.json_rows(map(_row, ordered)),
        config={
            "files": [list(f) for f in FILES],
            "page": PAGE,
            "fine": WARNED,
            "count": {"all": "共 {all} 份", "found": "找到 {shown} 份（共 {all} 份）", "first": "，显示前 {limit} 份"},
        },
    )
