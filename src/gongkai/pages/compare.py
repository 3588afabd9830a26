"""Year over year: every figure beside last year's, and the largest changes.

The official tables stay as published; the comparison is a twin of each
table in the appendix, drawn by the same layout code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from gongkai.checks.instances import ref
from gongkai.checks.text import copied_share
from gongkai.format.rules import CopiedRule, text_rules
from gongkai.pages.tables import table_html
from gongkai.records.display import show
from gongkai.records.record import CellKey, Record, Value


@dataclass(frozen=True)
class Change:
    key: CellKey
    label: str
    before: Value
    after: Value

    @property
    def delta(self) -> Decimal:
        return Decimal(self.after or 0) - Decimal(self.before or 0)


def changes(record: Record, previous: Record) -> list[Change]:
    """Cells both years have, with a figure on each side, that moved."""
    out = []
    for cell, value in record.iter_cells():
        if cell.key not in previous.cells:
            continue
        before = previous.cells[cell.key]
        if value is None or before is None or value == before:
            continue
        out.append(Change(cell.key, ref(record, cell.key).label, before, value))
    return out


def largest(record: Record, previous: Record, n: int = 8) -> list[Change]:
    """The n biggest moves, totals first when equal: what a reviewer asks about."""
    ranked = sorted(changes(record, previous), key=lambda c: (-abs(c.delta), c.key[2] != "total", c.key))
    return ranked[:n]


def twin_cell(record: Record, previous: Record, key: CellKey) -> str:
    """A cell's figure with last year's under it: 5 / 上年 3（+2）."""
    cell = record.format.cell(key)
    now = show(record.cells[key], cell.kind)
    if key not in previous.cells:
        return f'{escape(now)}<span class="yoy">上年无此项</span>'
    before = previous.cells[key]
    then = show(before, cell.kind)
    if record.cells[key] is None or before is None:
        return f'{escape(now)}<span class="yoy">上年 {escape(then) or "空"}</span>'
    delta = Decimal(record.cells[key] or 0) - Decimal(before or 0)
    if not delta:
        return f'{escape(now)}<span class="yoy">上年 {escape(then)}</span>'
    moved = f"{'+' if delta > 0 else ''}{show(delta, cell.kind)}"
    css = "yoy up" if delta > 0 else "yoy down"
    return f'{escape(now)}<span class="{css}">上年 {escape(then)}（{escape(moved)}）</span>'


def comparison_html(record: Record, previous: Record | None, why: str = "") -> str:
    head = '<section class="gk-appendix gk-compare">\n<h2>附录二　与上年比较</h2>\n'
    if previous is None:
        return f"{head}<p>{escape(why or '没有上年记录')}，不作同比比较。</p>\n</section>\n"
    changed = previous.format.id != record.format.id
    formats = f"（格式 {escape(previous.format.name)} → {escape(record.format.name)}）" if changed else ""
    intro = f"<p>各表中每个数字下方为 {previous.year} 年的数字及变化{formats}。</p>\n"
    moves = largest(record, previous)
    if moves:
        items = "".join(
            f"<li>{escape(c.label)}：{escape(show(c.before, record.format.cell(c.key).kind))} → "
            f"{escape(show(c.after, record.format.cell(c.key).kind))}"
            f"（{'+' if c.delta > 0 else ''}{escape(show(c.delta, record.format.cell(c.key).kind))}）</li>"
            for c in moves
        )
        summary = f"<h3>变化最大的数字</h3>\n<ol>{items}</ol>\n"
    else:
        summary = "<p>与上年相比，各表数字均无变化。</p>\n"
    summary += _copied_html(record, previous)
    tables = "".join(
        f'<h3 class="gk-twin-{t.id}">表{t.number}　{escape(t.title)}（同比）</h3>\n'
        + table_html(record, t.id, content=lambda key: twin_cell(record, previous, key))
        for t in record.format.tables
    )
    return f"{head}{intro}{summary}{tables}</section>\n"


def _copied_html(record: Record, previous: Record) -> str:
    """How much of parts 一 and 五 repeats last year's sentences (W9 warns above its threshold)."""
    rule = next(r for r in text_rules() if isinstance(r, CopiedRule))
    same, total = copied_share(record, previous, rule.parts)
    share = f"{same / total:.0%}" if total else "—"
    return (
        f'<p class="gk-copied">文字沿用：第一、五部分共 {total} 句，'
        f"其中 {same} 句（{share}）与 {previous.year} 年报告相同"
        f"（数字、年份除外；达到 {rule.threshold:.0%} 时 {rule.id} 警告）。</p>\n"
    )
