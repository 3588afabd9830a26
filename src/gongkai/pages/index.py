"""output/index.html: every report, grouped by year and county, searchable and sortable offline.

A province (tens of thousands of reports) must stay quick: the rows travel as
one JSON data block and the page's only script draws the matching rows a
page at a time, so a keystroke or a sort touches an array, not 40,000 table
rows. The script is allowed by hash in the Content-Security-Policy; every
value from a record reaches the page as JSON and is shown with textContent,
so nothing that came from a record can run even if it slipped past escaping.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from html import escape
from pathlib import Path

from gongkai.pages import policy
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
from gongkai.records.ids import county_of
from gongkai.resources import TEMPLATES

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

SCRIPT = (TEMPLATES / "index.js").read_text(encoding="utf-8")

STYLE = """
body { font-family: "Noto Sans CJK SC", sans-serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } th[data-sort] { cursor: pointer; user-select: none; }
td.num { text-align: right; }
.wrap { overflow-x: auto; }
tr.o0 td, tr.o1 td.outcome { color: #8a0018; } tr.o0 td { background: #fdecee; } tr.o1 td.outcome { font-weight: bold; }
tr.o2 td.outcome { color: #7a4800; } tr.o3 td.outcome { color: #145220; }
td.why { font-size: 0.85em; color: #444; max-width: 28em; }
td.files a { margin-right: 0.6em; white-space: nowrap; }
.tag { font-size: 0.8em; margin-left: 0.3em; padding: 0 0.3em; border: 1px solid #b26a00; color: #7a4800; }
.controls { margin: 1em 0; display: flex; flex-wrap: wrap; gap: 0.6em 1.5em; align-items: center; }
.controls label { white-space: nowrap; }
input[type=search] { font-size: 1em; padding: 0.3em; width: 22em; max-width: 100%; box-sizing: border-box; }
details { margin: 0.4em 0; } summary { cursor: pointer; }
#more { margin: 0.8em 0; font-size: 1em; }
@media (max-width: 600px) {
  body { margin: 0.6em; } .controls label:first-child { display: flex; align-items: center; width: 100%; }
  input[type=search] { flex: 1; min-width: 0; width: auto; }
  table.groups th { word-break: keep-all; }
  td.why { max-width: 14em; }
}
"""


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


def _data(name: str, value: object) -> str:
    """A JSON data block: never executed, and `<` escaped so no record can close it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return f'<script type="application/json" id="{name}">{text}</script>'


def _groups(entries: Sequence[Outcome], out_dir: Path | None) -> str:
    """Per year, a collapsible table of its counties with their counts and summary pages."""
    by_group: dict[tuple[int, str], Counter[int]] = {}
    names: dict[tuple[int, str], str] = {}
    for e in entries:
        group = (e.year, county_of(e.key))
        by_group.setdefault(group, Counter())[outcome(e)] += 1
        names[group] = e.county
    parts = []
    years = sorted({year for year, _ in by_group}, reverse=True)
    for n, year in enumerate(years):
        groups = sorted((g for g in by_group if g[0] == year), key=lambda g: names[g])
        total: Counter[int] = Counter()
        rows = []
        for group in groups:
            c = by_group[group]
            total += c
            county = names[group]
            link = ""
            if out_dir is not None and (out_dir / str(year) / group[1] / "summary.html").exists():
                link = f'<a href="{year}/{escape(group[1])}/summary.html">汇总</a>'
            find = escape(f"{year} {group[1]}")
            rows.append(
                f'<tr><td><a href="#reports" data-find="{find}">{escape(county)}</a></td>'
                f'<td class="num">{sum(c.values())}</td><td class="num">{c[PASSED] + c[WARNED]}</td>'
                f'<td class="num">{c[WARNED]}</td><td class="num">{c[FAILED]}</td>'
                f'<td class="num">{c[BROKEN]}</td><td>{link}</td></tr>'
            )
        head = (
            f"{year} 年：{len(groups)} 个县（区），{sum(total.values())} 份报告，"
            f"通过 {total[PASSED] + total[WARNED]}（有警告 {total[WARNED]}），"
            f"未通过 {total[FAILED]}，未能生成 {total[BROKEN]}"
        )
        parts.append(
            f"<details{' open' if n == 0 and len(groups) <= 50 else ''}><summary>{escape(head)}</summary>"
            '<div class="wrap"><table class="groups"><thead><tr><th>县（区）</th><th>报告</th><th>通过</th>'
            "<th>有警告</th><th>未通过</th><th>未能生成</th><th>汇总页</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></details>"
        )
    return "\n".join(parts)


def _rows(name: str, entries: Sequence[Outcome]) -> Iterator[str]:
    """`_data(name, rows)` a row at a time: a nation's rows are never one list or one text."""
    yield f'<script type="application/json" id="{name}">['
    for n, e in enumerate(entries):
        text = json.dumps(_row(e), ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
        yield f",{text}" if n else text
    yield "]</script>"


def render_index(entries: Sequence[Outcome], out_dir: Path | None = None) -> str:
    return "".join(iter_index(entries, out_dir))


def iter_index(entries: Sequence[Outcome], out_dir: Path | None = None) -> Iterator[str]:
    """The page in pieces, for a writer that never holds it whole (batch/publish.py)."""
    ordered = sorted(entries, key=lambda e: (-e.year, e.county, e.key))
    counts = Counter(outcome(e) for e in ordered)
    yield f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{policy.with_script(SCRIPT)}">
<title>政府信息公开工作年度报告 · 索引</title>
<style>{STYLE}</style>
</head>
<body>
<h1>政府信息公开工作年度报告 · 索引</h1>
<p>共 {len(ordered)} 份报告：通过 {counts[PASSED] + counts[WARNED]}（其中有警告 {counts[WARNED]}），
未通过校验 {counts[FAILED]}，未能生成 {counts[BROKEN]}。</p>
<h2>按年度和县（区）</h2>
{_groups(ordered, out_dir)}
<h2>报告</h2>
<div class="controls">
<label>搜索：<input id="filter" type="search" placeholder="县、乡镇（中文或拼音）、年度，空格分隔"></label>
<label><input id="only-failing" type="checkbox"> 只看有问题的</label>
<span id="count"></span>
</div>
<div class="wrap">
<table id="reports">
<thead><tr><th data-sort="county">县（区）</th><th data-sort="township">乡镇（街道）</th><th data-sort="year">年度</th>
<th data-sort="outcome">校验</th><th>问题</th><th>文件</th></tr></thead>
<tbody></tbody>
</table>
</div>
<button id="more" type="button" hidden>显示更多</button>
<noscript><p>列表要用本页自带的脚本显示；各报告也可直接在 output/年/县/乡镇/ 中打开。</p></noscript>
"""
    yield from _rows("gk-rows", ordered)
    yield f"""
{_data("gk-config", {"files": [list(f) for f in FILES], "page": PAGE, "fine": WARNED})}
<script>{SCRIPT}</script>
</body>
</html>
"""
