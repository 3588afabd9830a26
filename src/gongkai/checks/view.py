"""The check outcome as HTML: a verdict near the top, every rule in the appendix."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from gongkai.checks.report import FAIL, PASS, SKIPPED, CheckReport, Finding
from gongkai.format.rules import text_rules

if TYPE_CHECKING:
    from gongkai.checks.arithmetic import Line
    from gongkai.records.record import Record

STATUS = {PASS: "通过", FAIL: "未通过", SKIPPED: "未检查"}
SEVERITY = {"error": "错误", "warning": "警告"}


def _text_rule_ids() -> str:
    ids = [r.id for r in text_rules()]
    return f"{ids[0]}–{ids[-1]}"


def banner(report: CheckReport) -> str:
    css = "gk-pass" if report.passed else "gk-fail"
    text = escape(report.summary())
    hint = "" if report.passed else "（表中标红的单元格不符合勾稽关系，详见附录；修正前不应发布）"
    if report.allowed:
        rules = "、".join(sorted({f.rule for f in report.allowed}))
        hint += f"（含经审阅者确认放行的错误：{escape(rules)}，理由见附录）"
    return f'<p class="gk-banner {css}" data-checks="{"pass" if report.passed else "fail"}">{text}{hint}</p>'


FINDINGS_SHOWN = 12  # the list at the top stays short; the appendix has every one


def cell_anchor(key: tuple[str, ...]) -> str:
    """The id of a value cell in the report's tables (pages/tables.py), the target of a finding's link."""
    return "cell-" + ".".join(key)


def rule_anchor(rule: str) -> str:
    return f"rule-{rule}"


def check_anchor(key: str) -> str:
    return f"check-{key}"


def _first_cell(report: CheckReport, rule: str, finding: Finding) -> str | None:
    """The first of this year's cells the table highlights for the finding: where its link goes."""
    for cell in finding.cells:
        if cell.year == report.year and rule in report.marked.get(".".join(cell.key), []):
            return cell_anchor(cell.key)
    return None


def findings_list(report: CheckReport, line_keys: set[str] | None = None) -> str:
    """The findings at the top of the page, each linking to its cell and, on the review page, to 附录一.

    `line_keys`: the findings with a line of their own in 附录一's 计算过程 (`appendix_keys`);
    None where the page has no appendix (the preview). Errors first; accepted ones say so.
    Empty when every rule holds.
    """
    appendix = line_keys is not None
    ordered = [(o, f) for o in report.outcomes for f in o.findings if f.severity == "error"]
    ordered += [(o, f) for o in report.outcomes for f in o.findings if f.severity != "error"]
    if not ordered:
        return ""
    items = []
    for o, f in ordered[:FINDINGS_SHOWN]:
        links = []
        cell = _first_cell(report, o.rule, f)
        if cell:
            links.append(f'<a href="#{escape(cell)}">表中位置</a>')
        if appendix:
            target = check_anchor(f.key) if line_keys and f.key in line_keys else rule_anchor(o.rule)
            links.append(f'<a href="#{escape(target)}">附录一</a>')
        note = f"（{escape(f.review_note())}）" if f.decision else ""
        go = f'<span class="gk-finding-links">{" · ".join(links)}</span>' if links else ""
        items.append(
            f'<li class="gk-finding gk-finding-{escape(f.severity)}"><b>{escape(o.rule)}</b> '
            f"{SEVERITY.get(f.severity, f.severity)}：{escape(f.message)}{note} {go}</li>"
        )
    more = len(ordered) - FINDINGS_SHOWN
    rest = f'<p class="gk-findings-more">……另有 {more} 条，见附录一</p>' if more > 0 and appendix else ""
    rest = rest or (f'<p class="gk-findings-more">……另有 {more} 条</p>' if more > 0 else "")
    return (
        f'<nav class="gk-findings" aria-label="校验发现">'
        f'<p class="gk-findings-head">校验发现（{len(ordered)} 条）：</p>'
        f"<ol>{''.join(items)}</ol>{rest}</nav>\n"
    )


def arithmetic_lines(report: CheckReport, record: Record, previous: Record | None) -> list[Line]:
    """计算过程's lines for this outcome: the costliest part of a report's pages, so a page computes them once."""
    from gongkai.checks.arithmetic import lines

    return lines(record, previous, {f.key for o in report.outcomes for f in o.findings})


def appendix_keys(
    report: CheckReport, record: Record, previous: Record | None, computed: list[Line] | None = None
) -> set[str]:
    """The finding keys 计算过程 has a line for (the others link to their rule's row in 附录一).

    `computed`: `arithmetic_lines` of the same report, when the caller has them already.
    """
    found = {f.key for o in report.outcomes for f in o.findings}
    computed = arithmetic_lines(report, record, previous) if computed is None else computed
    return {line.key for line in computed} & found


def arithmetic(report: CheckReport, record: Record, previous: Record | None, computed: list[Line] | None = None) -> str:
    """计算过程: each rule instance with its terms and numbers, and the checks' verdict on it."""
    found = {f.key: f for o in report.outcomes for f in o.findings}
    computed = arithmetic_lines(report, record, previous) if computed is None else computed
    rows = []
    for line in computed:
        finding = found.get(line.key)
        if finding is not None or (line.judged and line.holds is False):
            severity = finding.severity if finding else "error"
            mark, css = ("✗", "gk-rule-error") if severity == "error" else ("⚠", "gk-rule-warning")
            note = finding.review_note() if finding and finding.decision else ""
            outcome = f"{mark} {SEVERITY.get(severity, severity)}" + (f"<br>{escape(note)}" if note else "")
        elif line.holds is None:
            css, outcome = "gk-rule-skipped", escape(line.skip or "未计算")
        else:
            css, outcome = "gk-rule-pass", "✓"
        verdict = css.removeprefix("gk-rule-")
        fail = ' class="gk-arith-fail"' if verdict in ("error", "warning") else ""
        rows.append(
            f'<tr{fail} id="{escape(check_anchor(line.key))}" data-instance="{escape(line.key)}" '
            f'data-outcome="{verdict}"><td>{escape(line.rule)}</td>'
            f'<td>{escape(line.place)}</td><td>{escape(line.arithmetic)}</td><td class="{css}">{outcome}</td></tr>'
        )
    return (
        '<h3>计算过程</h3>\n<p class="gk-arith-note">每条规则在本记录中的每一处：参与计算的单元格（按表中的序号称呼）、'
        "它们的数字和两边的结果。R5 按表统计不符合的单元格数；只读正文的规则（如第五、六部分的写法）见上表。</p>\n"
        '<table class="gk-arith"><colgroup><col style="width:6%"><col style="width:33%"><col style="width:47%">'
        '<col style="width:14%"></colgroup>\n'
        "<thead><tr><th>规则</th><th>位置</th><th>计算</th><th>结果</th></tr></thead>\n"
        f"<tbody>\n{chr(10).join(rows)}\n</tbody></table>\n"
    )


def appendix(
    report: CheckReport,
    record: Record | None = None,
    previous: Record | None = None,
    computed: list[Line] | None = None,
) -> str:
    """附录一: every rule's outcome; with the record, also how each checked figure was made."""
    rows = []
    for o in report.outcomes:
        css = f"gk-rule-{o.status if o.status != FAIL else o.severity}"
        details = "".join(
            f"<li>{escape(f.message)}"
            + (
                f'<span class="gk-decision gk-{escape(f.decision)}">{escape(f.review_note())}</span>'
                if f.decision
                else ""
            )
            + "</li>"
            for f in o.findings
        )
        note = f"<p>{escape(o.note)}</p>" if o.note else ""
        body = f"<ul>{details}</ul>" if details else ""
        rows.append(
            f'<tr class="{css}" id="{escape(rule_anchor(o.rule))}" data-rule="{escape(o.rule)}" '
            f'data-status="{o.status}">'
            f"<td>{escape(o.rule)}</td><td>{SEVERITY.get(o.severity, o.severity)}</td>"
            f"<td>{escape(o.title)}</td><td>{STATUS[o.status]}</td><td>{body}{note}</td></tr>"
        )
    stale = "".join(f"<li>{escape(s)}</li>" for s in report.stale)
    stale_html = f'<p class="gk-stale">过时的审阅决定：</p><ul class="gk-stale">{stale}</ul>\n' if stale else ""
    return (
        '<section class="gk-appendix gk-checks">\n<h2>附录一　校验结果</h2>\n'
        f"<p>{escape(report.summary())}。表格的规则由 great-expectations 校验套件（expectations/）逐条检查，"
        f"正文的规则（{_text_rule_ids()}）由程序按 format/phrases.py 中的句式读取正文检查。</p>\n"
        '<table><colgroup><col style="width:7%"><col style="width:7%"><col style="width:33%">'
        '<col style="width:9%"><col style="width:44%"></colgroup>\n'
        "<thead><tr><th>规则</th><th>级别</th><th>内容</th><th>结果</th><th>说明</th></tr></thead>\n"
        f"<tbody>\n{chr(10).join(rows)}\n</tbody></table>\n{stale_html}"
        f"{arithmetic(report, record, previous, computed) if record is not None else ''}</section>\n"
    )
