"""output/index.html: every report on one page, sortable and filterable, offline.

Its only script is the one below, allowed by hash in the page's
Content-Security-Policy, so nothing that came from a record can run even
if it slipped past escaping.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape
from pathlib import Path

from gongkai.build.manifest import CRASHED, INVALID, RENDERED, Entry

SCRIPT = """
(function () {
  var table = document.getElementById("reports");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var filter = document.getElementById("filter");
  var only = document.getElementById("only-failing");
  function apply() {
    var q = filter.value.trim();
    rows.forEach(function (r) {
      var hit = !q || r.textContent.indexOf(q) >= 0;
      var bad = r.getAttribute("data-ok") !== "1";
      r.hidden = !hit || (only.checked && !bad);
    });
  }
  filter.addEventListener("input", apply);
  only.addEventListener("change", apply);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    th.addEventListener("click", function () {
      var dir = th.getAttribute("data-dir") === "asc" ? "desc" : "asc";
      th.setAttribute("data-dir", dir);
      rows.sort(function (a, b) {
        var x = a.cells[i].getAttribute("data-sort") || a.cells[i].textContent;
        var y = b.cells[i].getAttribute("data-sort") || b.cells[i].textContent;
        var c = x.localeCompare(y, "zh-CN", {numeric: true});
        return dir === "asc" ? c : -c;
      });
      rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
    });
  });
})();
"""

STYLE = """
body { font-family: "Noto Sans CJK SC", sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; }
table { border-collapse: collapse; width: 100%; font-size: 0.95em; }
th, td { border: 1px solid #bbb; padding: 0.35em 0.6em; text-align: left; }
th { background: #f2f2f2; cursor: pointer; user-select: none; }
tr.fail td.outcome { color: #8a0018; font-weight: bold; }
tr.pass td.outcome { color: #145220; }
tr.broken td { background: #fdecee; }
.tag { font-size: 0.8em; padding: 0 0.4em; border: 1px solid #b26a00; color: #7a4800; border-radius: 3px; }
.controls { margin: 1em 0; display: flex; gap: 1.5em; align-items: center; }
input[type=search] { font-size: 1em; padding: 0.3em; width: 20em; }
"""

STATUS = {RENDERED: "已生成", INVALID: "记录无效", CRASHED: "执行出错", "refused": "未生成（--strict）"}


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    return f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; img-src data:"


def _row(e: Entry) -> str:
    if e.status == RENDERED:
        verdict = "通过" if e.passed else "未通过"
        settled = f"，已确认 {e.accepted}" if e.accepted else ""
        settled += f"，经确认放行的错误 {e.allowed}" if e.allowed else ""
        outcome = f"{verdict}（错误 {e.errors}，警告 {e.warnings}{settled}）"
        css = "pass" if e.passed else "fail"
    else:
        outcome, css = STATUS.get(e.status, e.status), "fail broken"
    links = []
    for name, label in (
        ("report.html", "网页"),
        ("report.pdf", "PDF"),
        ("report.review.html", "审阅版"),
        ("report.ipynb", "笔记本"),
        ("checks.json", "校验"),
    ):
        if name in e.files:
            links.append(f'<a href="{escape(e.key)}/{name}">{label}</a>')
    message = f"<br><small>{escape(e.message)}</small>" if e.message else ""
    tag = ' <span class="tag">示例数据</span>' if e.synthetic else ""
    ok = "1" if e.ok else "0"
    return (
        f'<tr class="{css}" data-ok="{ok}" data-key="{escape(e.key)}"><td>{escape(e.county)}</td>'
        f"<td>{escape(e.township)}{tag}</td><td>{e.year}</td>"
        f'<td class="outcome" data-sort="{0 if e.ok else 1}{e.errors:04d}">{escape(outcome)}{message}</td>'
        f"<td>{escape(STATUS.get(e.status, e.status))}</td><td>{' · '.join(links)}</td></tr>"
    )


def _summaries(out_dir: Path, entries: Sequence[Entry]) -> str:
    """Links to the county summaries on disk, named by their county."""
    names = {e.key.split("/")[1]: e.county for e in entries}
    links = []
    for page in sorted(out_dir.glob("*/*/summary.html")):
        year, county = page.parent.parent.name, page.parent.name
        pdf = page.with_suffix(".pdf")
        extra = f'（<a href="{escape(year)}/{escape(county)}/summary.pdf">PDF</a>）' if pdf.exists() else ""
        label = f"{names.get(county, county)} {year} 年汇总"
        links.append(f'<li><a href="{escape(year)}/{escape(county)}/summary.html">{escape(label)}</a>{extra}</li>')
    return f"<h2>县级汇总</h2>\n<ul>{''.join(links)}</ul>\n" if links else ""


def render_index(entries: Sequence[Entry], out_dir: Path | None = None) -> str:
    ordered = sorted(entries, key=lambda e: (e.year, e.county, e.key))
    summaries = _summaries(out_dir, entries) if out_dir is not None else ""
    failing = sum(1 for e in ordered if not e.ok)
    rows = "\n".join(_row(e) for e in ordered)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_csp()}">
<title>政府信息公开工作年度报告 · 索引</title>
<style>{STYLE}</style>
</head>
<body>
<h1>政府信息公开工作年度报告 · 索引</h1>
<p>共 {len(ordered)} 份报告，其中 {failing} 份未通过校验或未能生成。点击表头排序。</p>
{summaries}
<div class="controls">
<label>筛选：<input id="filter" type="search" placeholder="县、乡镇或年度"></label>
<label><input id="only-failing" type="checkbox"> 只看有问题的</label>
</div>
<table id="reports">
<thead><tr><th>县（区）</th><th>乡镇（街道）</th><th>年度</th><th>校验</th><th>状态</th><th>文件</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<script>{SCRIPT}</script>
</body>
</html>
"""
