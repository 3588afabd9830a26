"""How each checked figure was made: one line of arithmetic per rule instance, with the record's numbers.

A reviewer should not have to trust 「通过」: the checks appendix shows, for
every instance of every rule, the terms (named as the table prints them),
their values and both sides, e.g. 「一 12 + 二 3 = 15；（七）总计 13 + 四 2 = 15」.
Everything is derived from the rule objects of format/rules.py and the
instances the checks evaluated, so a new rule of a known kind needs no code here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import singledispatch

from gongkai.checks.instances import CellRef, Instance, instances, qualified, short
from gongkai.checks.text import text_instances
from gongkai.format import phrases
from gongkai.format.model import Node, Table, leaves
from gongkai.format.rules import (
    CarryRule,
    CellRule,
    CopiedRule,
    FiguresRule,
    FormatYearRule,
    OtherYearRule,
    Rule,
    StockRule,
    SumRule,
    ZeroRule,
    rules_for,
)
from gongkai.records.record import Record, Value

PLACE = 16  # characters of a row label in the places column
LONG = 4  # a sum of more terms than this shows its zero terms as 「其余 N 项 0」


@dataclass(frozen=True)
class Line:
    """One instance as the reviewer reads it."""

    rule: str
    key: str  # the instance id, as findings carry it (R1:natural)
    place: str
    arithmetic: str
    holds: bool | None  # what the numbers say; None: not computed (blank cells, no last year)
    skip: str = ""
    judged: bool = False  # `holds` is the checks' verdict (R5's counts), not the numbers'


def _fmt(value: Value | Decimal) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, Decimal):
        value = value.normalize() if value == value.to_integral_value() else value
        return f"{value:f}"
    return str(value)


def _path(nodes: Sequence[Node], node_id: str) -> list[Node]:
    for node in nodes:
        if node.id == node_id:
            return [node]
        below = _path(node.children, node_id)
        if below:
            return [node, *below]
    return []


def _row_name(table: Table, row_id: str) -> str:
    """（三）1 for 「1.属于国家秘密」 under （三）; 一 and （七）总计 as the corner note names them."""
    path = _path(table.rows, row_id)
    leaf = path[-1] if path else table.row(row_id)
    if len(path) >= 3 and path[-2].number:
        return f"{path[-2].number}{leaf.number.rstrip('.、')}项"  # 项: 「（六）1项 1」, not 「（六）1 1」
    return short(leaf)


def _row_place(table: Table, row_id: str) -> str:
    """A row as the places column names it: （三）1.属于国家秘密, long labels cut."""
    if table.transposed:
        return qualified(table, row_id, column=False)
    path = _path(table.rows, row_id)
    text = table.row(row_id).text
    if len(path) >= 3 and path[-2].number:
        text = path[-2].number + text
    return text if len(text) <= PLACE else text[: PLACE - 1] + "…"


def _column_name(table: Table, column_id: str) -> str:
    return next(c.label for c in leaves(table.columns) if c.id == column_id)


def _terms(names: Sequence[str], cells: Sequence[CellRef]) -> str:
    """「自然人 5 + 其余 5 项 0」: every term, or the non-zero ones of a long sum."""
    pairs = [(n, c.value) for n, c in zip(names, cells, strict=True)]
    if len(pairs) > LONG:
        zeros = [p for p in pairs if p[1] in ("0", "0.0000")]
        if len(zeros) == len(pairs):
            return f"{len(pairs)} 项均为 0"
        if len(zeros) > 1:
            kept = [p for p in pairs if p not in zeros]
            return " + ".join([*(f"{n} {v}" for n, v in kept), f"其余 {len(zeros)} 项 0"])
    return " + ".join(f"{n} {v}" for n, v in pairs)


def _side(names: Sequence[str], cells: Sequence[CellRef], value: Value) -> str:
    text = _terms(names, cells)
    return f"{text} = {_fmt(value)}" if len(cells) > 1 and not text.endswith("均为 0") else text


def _holds(item: Instance) -> bool | None:
    if item.skip or item.stated is None or item.computed is None:
        return None
    return bool(item.stated == item.computed)


def _sum_line(rule: SumRule, item: Instance, record: Record) -> Line:
    table = record.format.table(rule.table)
    left, right = item.cells[: len(rule.left)], item.cells[len(rule.left) :]
    if rule.per == "column":
        names = [_row_name(table, t) for t in (*rule.left, *rule.right)]
        place = f"表{table.number}「{qualified(table, item.cells[0].key[2], column=True)}」列"
    else:
        names = [_column_name(table, t) for t in (*rule.left, *rule.right)]
        place = f"表{table.number}「{_row_place(table, item.cells[0].key[1])}」" + ("" if table.transposed else "行")
    holds = _holds(item)
    text = f"{_side(names[: len(left)], left, item.stated)}；{_side(names[len(left) :], right, item.computed)}"
    if holds is False:
        text += f" ≠ {_fmt(item.stated)}"
    return Line(rule.id, item.id, place, text, holds, item.skip)


def _carry_line(rule: CarryRule, item: Instance, record: Record) -> Line:
    table = record.format.table(rule.table)
    this = item.cells[0]
    place = f"表{table.number}「{qualified(table, this.key[2], column=True)}」列"
    text = f"本年 {_row_name(table, rule.row)} {this.value}"
    if len(item.cells) > 1:
        before = item.cells[1]
        sign = "≠" if _holds(item) is False else "="
        text += f" {sign} {before.year} 年 {_row_name(table, rule.previous_row)} {before.value}"
    return Line(rule.id, item.id, place, text, _holds(item), item.skip)


def _stock_line(rule: StockRule, item: Instance, record: Record) -> Line:
    table = record.format.table(rule.table)
    row = item.cells[0].key[1]
    names = {c.id: c.label for c in table.columns_of(row)}
    place = f"表{table.number}「{table.row(row).text}」行"
    stock, added, removed = (c.value for c in item.cells[:3])
    if len(item.cells) < 4:
        return Line(rule.id, item.id, place, f"{names[rule.stock]} {stock}", None, item.skip)
    before = item.cells[3]
    holds = _holds(item)
    text = (
        f"上年{names[rule.stock]} {before.value} + {names[rule.added]} {added} − {names[rule.removed]} {removed}"
        f" = {_fmt(item.computed)} {'≠' if holds is False else '='} {names[rule.stock]} {stock}"
    )
    return Line(rule.id, item.id, place, text, holds, item.skip)


def _zero_line(rule: ZeroRule, item: Instance, record: Record) -> Line:
    table = record.format.table(rule.table)
    _, row, col = item.cells[0].key
    place = f"表{table.number}「{table.row(row).text}」行「{qualified(table, col, column=True)}」列"
    value = item.cells[0].value
    holds = None if item.stated is None else item.stated == 0
    return Line(rule.id, item.id, place, f"{value} {'=' if holds or holds is None else '≠'} 0", holds)


def _cell_lines(rule: CellRule, items: Sequence[Instance], record: Record, failed: set[str]) -> Iterator[Line]:
    """R5 is three tests per cell: one line per table, counting the cells each test rejected."""
    for table in record.format.tables:
        mine = [i for i in items if i.suite == table.id]
        if not mine:
            continue
        cells = len(list(table.cells()))
        bad = {  # a blank finding is a block of cells (blanks.py): count its cells
            "blank": sum(len(i.marked) for i in mine if i.selector == "R5.blank" and i.id in failed),
            "sign": sum(1 for i in mine if i.selector == "R5.sign" and i.id in failed),
            "precision": sum(1 for i in mine if i.selector == "R5.precision" and i.id in failed),
        }
        blank = bad["blank"]
        text = f"{cells} 个单元格：空白 {blank}，负数 {bad['sign']}，小数位不符 {bad['precision']}"
        ok = not (blank or bad["sign"] or bad["precision"])
        yield Line(rule.id, f"R5:{table.id}", f"表{table.number}「{table.title}」", text, ok, judged=True)


def _figure_line(rule: FiguresRule, item: Instance, record: Record) -> Line | None:
    figure_id = item.id.split(":", 1)[1].split("@", 1)[0]
    figure = next((f for f in phrases.FIGURES if f.id == figure_id), None)
    if figure is None:
        return None
    part = next(p.heading for p in record.format.parts if p.narrative == rule.part)
    tables = record.format
    names = [f"表{tables.cell(k).table.number} {_row_name(tables.cell(k).table, k[1])}" for k in figure.cells]
    values = [CellRef(k, record.year, "", _fmt(record.cells[k])) for k in figure.cells]
    holds = _holds(item)
    said = f"正文所述{figure.name} {_fmt(item.stated)}" if item.stated is not None else "正文所述"
    text = f"{said} {'≠' if holds is False else '='} {_side(names, values, item.computed)}"
    return Line(rule.id, item.id, f"「{part}」", text, holds, item.skip)


def _copied_line(rule: CopiedRule, item: Instance, record: Record) -> Line:
    names = "、".join(p.number for p in record.format.parts if p.narrative in rule.parts)
    place = f"第{names}部分"
    if item.stated is None or not isinstance(item.stated, Decimal):
        return Line(rule.id, item.id, place, "", None, item.skip)
    share = f"{item.stated:.0%}" if item.stated else "0%"
    holds = item.stated < Decimal(str(rule.threshold))
    return Line(
        rule.id, item.id, place, f"与上年相同的句子占 {share} {'<' if holds else '≥'} {rule.threshold:.0%}", holds
    )


def lines(record: Record, previous: Record | None, failed: set[str]) -> list[Line]:
    """Every instance of every rule with figures to show, in the report's rule order.

    `failed` are the instance ids the checks rejected (findings' keys): R5's
    per-cell tests are counted from them, since a cell's sign or precision is no sum.
    """
    rules = rules_for(record.format)
    items = instances(record, previous, rules) + text_instances(record, previous, rules)[0]
    out: list[Line] = []
    for rule in rules:
        mine = [i for i in items if i.rule.id == rule.id]
        if isinstance(rule, CellRule):
            out += _cell_lines(rule, mine, record, failed)
            continue
        for item in mine:
            line = _line(rule, item, record)
            if line is not None:
                out.append(line)
    return out


@singledispatch
def _line(rule: Rule, item: Instance, record: Record) -> Line | None:
    """The figures behind one instance, for 附录一: one handler registered per rule kind."""
    return None  # W6–W8 read the text for a statement: no figure to show


def _other_year_line(rule: OtherYearRule, item: Instance, record: Record) -> Line:
    holds = _holds(item)
    text = f"正文提到 {item.stated} 年度报告 {'≠' if holds is False else '='} 本报告 {item.computed} 年度"
    return Line(rule.id, item.id, "正文", text, holds)


def _format_line(rule: FormatYearRule, item: Instance, record: Record) -> Line:
    sign = "≠" if _holds(item) is False else "="
    text = f"记录所用格式 {item.stated} {sign} {record.year} 年度应用的格式 {item.computed}"
    return Line(rule.id, item.id, "记录", text, _holds(item))


for _kind, _handler in (
    (SumRule, _sum_line),
    (CarryRule, _carry_line),
    (StockRule, _stock_line),
    (ZeroRule, _zero_line),
    (OtherYearRule, _other_year_line),
    (FormatYearRule, _format_line),
    (FiguresRule, _figure_line),
    (CopiedRule, _copied_line),
):
    _line.register(_kind, _handler)
