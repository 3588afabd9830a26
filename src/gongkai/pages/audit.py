"""output/audit/index.html: one row per audited file, a per-rule tally on top.

It reuses the index page's one script (sort by header, filter, only the
failing), allowed by the same hash in the Content-Security-Policy; every
text from a file is escaped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Any

from gongkai.pages.index import SCRIPT, STYLE, _csp

STATUS = {"report": "报告", "not-a-report": "不是报告", "failed": "导入出错"}
EXTRA_STYLE = """
.tally td, .tally th { text-align: center; }
td ul { margin: 0; padding-left: 1.2em; }
li.error { color: #8a0018; }
li.warning { color: #7a5200; }
"""


def _findings(row: Any) -> str:
    if not row.findings:
        return escape(row.message) if row.message else "—"
    items = "".join(
        f'<li class="{escape(f["severity"])}"><b>{escape(f["rule"])}</b> {escape(f["message"])}</li>'
        for f in row.findings
    )
    return f"<ul>{items}</ul>"


def _row(row: Any) -> str:
    errors = sum(1 for f in row.findings if f["severity"] == "error")
    ok = "1" if row.status == "report" and not row.findings else "0"
    rules = " ".join(sorted({f["rule"] for f in row.findings}))
    return (
        f'<tr data-ok="{ok}" data-status="{escape(row.status)}" data-rules="{escape(rules)}">'
        f"<td>{escape(row.file)}</td><td>{STATUS.get(row.status, row.status)}</td>"
        f"<td>{escape(row.body)}</td><td>{row.year or ''}</td><td>{escape(row.format)}</td>"
        f'<td data-sort="{row.read:05d}">{row.read}/{row.cells}</td>'
        f'<td data-sort="{row.blank:05d}">{row.blank}</td><td data-sort="{row.unreadable:05d}">{row.unreadable}</td>'
        f'<td data-sort="{errors:04d}{len(row.findings):04d}">{_findings(row)}</td></tr>'
    )


def audit_html(rows: Sequence[Any], tally: Counter[str]) -> str:
    reports = sum(1 for r in rows if r.status == "report")
    head = "".join(f"<th>{escape(rule)}</th>" for rule in sorted(tally))
    counts = "".join(f"<td>{tally[rule]}</td>" for rule in sorted(tally))
    table = (
        f'<table class="tally"><tr><th>规则</th>{head}</tr><tr><th>报告数</th>{counts}</tr></table>'
        if tally
        else "<p>没有任何发现。</p>"
    )
    body = "\n".join(_row(r) for r in rows)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_csp()}">
<title>已发布报告核查</title>
<style>{STYLE}{EXTRA_STYLE}</style>
</head>
<body>
<h1>已发布报告核查</h1>
<p>共 {len(rows)} 个文件，其中 {reports} 份年度报告。下表为各规则不成立的报告数；点击表头排序。</p>
{table}
<div class="controls">
<label>筛选：<input id="filter" type="search" placeholder="文件、机关、年度或规则号"></label>
<label><input id="only-failing" type="checkbox"> 只看有问题的</label>
</div>
<table id="reports">
<thead><tr><th>文件</th><th>类型</th><th>机关</th><th>年度</th><th>格式</th><th>读出</th><th>空白</th><th>无法读取</th>
<th>发现</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
<script>{SCRIPT}</script>
</body>
</html>
"""
