"""output/audit/index.html: one row per audited file, a per-rule tally on top.

Built like the index page (pages/index.py): the rows travel as one JSON data
block and the page's one script (templates/audit.js) sorts, filters and draws
a page of rows at a time, so 2,000 files sort and filter as quickly as 20.
The script is allowed by hash in the Content-Security-Policy; every text that
came from a file is shown with textContent, never parsed as HTML.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Any

from gongkai.pages import policy
from gongkai.pages.index import STYLE, _data
from gongkai.resources import TEMPLATES

STATUS = {
    "report": "报告",
    "not-a-report": "不是报告",
    "failed": "导入出错",
    "pre-2019": "2019 年以前的报告",
    "image-only": "图片版",
}
CODES = {status: n for n, status in enumerate(STATUS)}
WIDTHS = (17, 6, 10, 5, 5, 6, 4, 5, 42)  # per cent: a fixed layout is computed once, not per drawn row
COLUMNS = "".join(f'<col style="width:{w}%">' for w in WIDTHS)
PAGE = 100  # rows drawn at a time (findings make rows tall: a screenful is ~15); "显示更多" draws the next ones
SCRIPT = (TEMPLATES / "audit.js").read_text(encoding="utf-8")
EXTRA_STYLE = """
.tally td, .tally th { text-align: center; }
td ul { margin: 0; padding-left: 1.2em; }
li.error { color: #8a0018; }
li.warning { color: #7a5200; }
li.settled { color: #555; }
li.stale { color: #555; font-style: italic; }
li.block { list-style: none; margin-left: -1.2em; font-weight: bold; color: #333; }
div.facts { color: #444; font-size: 0.9em; }
span.note { margin-left: 0.5em; padding: 0 0.3em; border: 1px solid #888; font-size: 0.85em; }
tr.bad td:first-child { border-left: 4px solid #8a0018; }
tr.warn td:first-child { border-left: 4px solid #b26a00; }
tr.other td { color: #666; }
#reports { table-layout: fixed; }  /* one layout pass for the widths, not one per drawn row */
#reports td { overflow-wrap: anywhere; }
"""


def _row(row: Any) -> dict[str, object]:
    open_ = [f for f in row.findings if not f["settled"]]
    return {
        "f": row.file,
        "s": CODES.get(row.status, len(CODES)),
        "b": row.body,
        "y": row.year or 0,
        "m": row.format,
        "r": row.read,
        "c": row.cells,
        "l": row.blank,
        "u": row.unreadable,
        "k": row.unsplit,
        "v": row.level,
        "x": row.message,
        "n": list(row.missing),
        "p": row.published,
        "d": row.deadline,
        "q": row.previous,
        "h": row.share,
        "e": sum(1 for f in open_ if f["severity"] == "error"),
        "o": sum(1 for f in open_ if f["severity"] != "error"),
        "g": [
            [
                f["rule"],
                0 if f["severity"] == "error" else 1,
                f["message"],
                f["note"],
                1 if f["settled"] else 0,
                f.get("block", ""),
            ]
            for f in row.findings
        ],
        "t": list(row.stale),
    }


def _tally(tally: Counter[str], settled: Counter[str]) -> str:
    rules = sorted(tally.keys() | settled.keys(), key=lambda r: (r[:1], int(r[1:]) if r[1:].isdigit() else 0))
    if not rules:
        return "<p>没有任何发现。</p>"
    head = "".join(f'<th><a href="#reports" data-find="{escape(r)}">{escape(r)}</a></th>' for r in rules)
    counts = "".join(f"<td>{tally[r]}</td>" for r in rules)
    done = ""
    if settled:
        done = "<tr><th>已确认</th>" + "".join(f"<td>{settled[r] or ''}</td>" for r in rules) + "</tr>"
    return f'<table class="tally"><tr><th>规则</th>{head}</tr><tr><th>报告数</th>{counts}</tr>{done}</table>'


def audit_html(
    rows: Sequence[Any], tally: Counter[str], settled: Counter[str] | None = None, copied: float | None = None
) -> str:
    """The page; `copied` is the W9 threshold in force (a profile such as 考核 lowers it)."""
    reports = sum(1 for r in rows if r.status == "report")
    threshold = f"与上年相同的文字达到 {copied:.0%} 时提示（W9）。" if copied is not None else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{policy.with_script(SCRIPT)}">
<title>已发布报告核查</title>
<style>{STYLE}{EXTRA_STYLE}</style>
</head>
<body>
<h1>已发布报告核查</h1>
<p>共 {len(rows)} 个文件，其中 {reports} 份年度报告。下表为各规则有未确认发现的报告数（审阅者已确认的另列）；
点击规则号筛选，点击表头排序。{threshold}每行写明读作什么（格式、机关类别）、格子读出/空白/数字连写无法唯一拆分/无法读取的数目、
发布日期与期限、上年报告及与之相同的文字比例；发现按所在部分（表二、表三、表四、正文、跨年、文档）分组。</p>
{_tally(tally, settled or Counter())}
<div class="controls">
<label>筛选：<input id="filter" type="search" placeholder="文件、机关、年度或规则号，空格分隔"></label>
<label><input id="only-failing" type="checkbox"> 只看有问题的</label>
<span id="count"></span>
</div>
<div class="wrap">
<table id="reports">
<colgroup>{COLUMNS}</colgroup>
<thead><tr><th data-sort="file">文件</th><th data-sort="status">类型</th><th data-sort="body">机关</th>
<th data-sort="year">年度</th><th>格式</th><th data-sort="read">读出</th><th data-sort="blank">空白</th>
<th data-sort="unreadable">无法读取</th><th data-sort="findings">发现</th></tr></thead>
<tbody></tbody>
</table>
</div>
<button id="more" type="button" hidden>显示更多</button>
<noscript><p>列表要用本页自带的脚本显示；同样的内容见 audit.csv 和 audit.json。</p></noscript>
{_data("gk-rows", [_row(r) for r in rows])}
{_data("gk-config", {"page": PAGE, "status": [*STATUS.values(), "其他"]})}
<script>{SCRIPT}</script>
</body>
</html>
"""


def audit_csv(rows: Sequence[Any]) -> str:
    """audit.csv: one line per finding (one per file without any), for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            *("文件", "状态", "机关", "类别", "年度", "格式", "读出", "空白", "无法唯一拆分", "无法读取"),
            *("发布日期", "期限", "上年报告", "与上年相同", "部分", "规则", "级别", "标识", "说明", "审阅"),
        ]
    )
    for r in rows:
        head = [r.file, r.status, r.body, r.level, r.year or "", r.format, r.read, r.blank, r.unsplit, r.unreadable]
        head += [r.published, r.deadline, r.previous, "" if r.share is None else f"{r.share:.0%}"]
        if not r.findings:
            writer.writerow([*head, "", "", "", "", r.message, ""])
        for f in r.findings:
            writer.writerow([*head, f["block"], f["rule"], f["severity"], f["key"], f["message"], f["note"]])
    return out.getvalue()
