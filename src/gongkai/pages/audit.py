"""output/audit/index.html: one row per audited file, a per-rule tally on top.

Built like the index page (pages/index.py): the rows travel as one JSON data
block and the list pages' one script (templates/table.js) sorts, filters and
draws a page of rows at a time, so 2,000 files sort and filter as quickly as
20. templates/pages/audit.html.j2 lays the page out from the values built here.
The script is allowed by hash in the Content-Security-Policy; every text that
came from a file is shown with textContent, never parsed as HTML.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from typing import Any

from gongkai.pages import templating
from gongkai.pages.style import sheet

STATUS = {
    "report": "报告",
    "not-a-report": "不是报告",
    "failed": "导入出错",
    "pre-2019": "2019 年以前的报告",
    "image-only": "图片版",
    "skipped": "未读取",
}
CODES = {status: n for n, status in enumerate(STATUS)}
WIDTHS = (17, 6, 10, 5, 5, 6, 4, 5, 42)  # per cent: a fixed layout is computed once, not per drawn row
# The files' table: heading, its name for a sort, the field of the rows' JSON it sorts by (templates/table.js),
# and "down" where the first click sorts descending (the most findings first).
COLUMNS = (
    ("文件", "file", "f", ""),
    ("类型", "status", "s", ""),
    ("机关", "body", "b", ""),
    ("年度", "year", "y", ""),
    ("格式", "", "", ""),
    ("读出", "read", "r", ""),
    ("空白", "blank", "l", ""),
    ("无法读取", "unreadable", "u", ""),
    ("发现", "findings", "w", "down"),
)
PAGE = 100  # rows drawn at a time (findings make rows tall: a screenful is ~15); "显示更多" draws the next ones


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


def audit_html(
    rows: Sequence[Any], tally: Counter[str], settled: Counter[str] | None = None, copied: float | None = None
) -> str:
    """The page; `copied` is the W9 threshold in force (a profile such as 考核 lowers it)."""
    settled = settled or Counter()
    rules = sorted(tally.keys() | settled.keys(), key=lambda r: (r[:1], int(r[1:]) if r[1:].isdigit() else 0))
    return templating.render(
        "audit.html.j2",
        **templating.table_page(),
        title="已发布报告核查",
        style=sheet("lists.css", "audit.css"),
        files=len(rows),
        reports=sum(1 for r in rows if r.status == "report"),
        copied=f"{copied:.0%}" if copied is not None else "",
        rules=rules,
        tally=tally,
        settled=settled,
        search="筛选",
        placeholder="文件、机关、年度或规则号，空格分隔",
        kind="audit",
        widths=WIDTHS,
        columns=COLUMNS,
        noscript="列表要用本页自带的脚本显示；同样的内容见 audit.csv 和 audit.json。",
        batches=templating.json_rows(map(_row, rows)),
        config={
            "page": PAGE,
            "status": [*STATUS.values(), "其他"],
            "count": {
                "all": "共 {all} 个文件",
                "found": "找到 {shown} 个（共 {all} 个）",
                "first": "，显示前 {limit} 个",
            },
        },
    )


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
