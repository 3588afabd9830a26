"""Turn rules and a record into instances: one equation or bound per row of a frame (types in instance.py).

Great-expectations decides which instances fail; the instance already knows
how to say so in Chinese, naming its cells and their values, so no result
is formatted twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import singledispatch

from gongkai.checks.blanks import blank_instances, old_layout_instances
from gongkai.checks.instance import (
    DOCUMENT,
    CellRef,
    Instance,
    _exact,
    _fmt,
    num,
    qualified,
    ref,
    short,
    total,
)
from gongkai.format import Kind, format_for_year
from gongkai.format.bodies import DEPARTMENT, TOWNSHIP, kind_of_body
from gongkai.format.model import leaves
from gongkai.format.rules import (
    CarryRule,
    CellRule,
    FormatYearRule,
    OtherYearRule,
    Rule,
    StockRule,
    SumRule,
    TextRule,
    ZeroRule,
)
from gongkai.records.record import LEVELS, CellKey, Record

__all__ = ["DOCUMENT", "CellRef", "Instance", "instances", "num", "qualified", "ref", "short", "total"]

OTHER_YEAR = re.compile(r"(\d{4})\s*年度?\s*政府信息公开(?:工作)?年度报告")


def _sum_instances(rule: SumRule, record: Record) -> Iterator[Instance]:
    table = record.format.table(rule.table)
    if rule.per == "column":
        lines = [(c.id, f"「{qualified(table, c.id, column=True)}」列") for c in leaves(table.columns)]

        def key(term: str, line: str) -> CellKey:
            return (table.id, term, line)

        def name(term: str) -> str:
            return short(table.row(term))
    else:
        suffix = "" if table.transposed else "行"  # table 四's record rows print as column groups
        lines = [(r.id, f"「{qualified(table, r.id, column=False)}」{suffix}") for r in table.row_nodes()]

        def key(term: str, line: str) -> CellKey:
            return (table.id, line, term)

        def name(term: str) -> str:
            return next(c.label for c in leaves(table.columns) if c.id == term)

    for line, where in lines:
        left = [key(t, line) for t in rule.left]
        right = [key(t, line) for t in rule.right]
        stated, computed = total(record, left), total(record, right)
        left_text = "＋".join(name(t) for t in rule.left)
        right_text = rule.right_text or "＋".join(name(t) for t in rule.right)
        message = f"表{table.number}{where}：{left_text}＝{_fmt(stated)}，但{right_text}＝{_fmt(computed)}"
        marked = tuple(left + (right if len(right) <= 2 else []))
        yield Instance(
            rule,
            rule.id,
            f"{rule.id}:{line}",
            table.id,
            stated,
            computed,
            message,
            tuple(ref(record, k) for k in left + right),
            marked,
            "有空白单元格，未计算" if stated is None or computed is None else "",
        )


def _cell_instances(rule: CellRule, record: Record) -> Iterator[Instance]:
    """Sign and precision of every filled cell; blanks are blanks.py's (grouped)."""
    yield from blank_instances(rule, record)
    for cell, value in record.iter_cells():
        key = cell.key
        r = ref(record, key)
        base = f"R5:{'.'.join(key)}"
        if value is None:
            continue
        if cell.kind is not Kind.CHANGE:
            yield Instance(
                rule,
                "R5.sign",
                f"{base}:sign",
                cell.table.id,
                num(value),
                None,
                f"{r.label}＝{r.value}：不能为负数",
                (r,),
                (key,),
            )
        if cell.kind is Kind.AMOUNT:
            continue  # an amount keeps the precision it was written with (records/display.py): no limit
        exact = _exact(value)
        rounded = _exact(Decimal(int(exact))) if isinstance(exact, Decimal) else exact
        what = "件数应为整数"
        yield Instance(
            rule,
            "R5.precision",
            f"{base}:precision",
            cell.table.id,
            exact,
            rounded,
            f"{r.label}＝{exact}：{what}",
            (r,),
            (key,),
        )


def _carry_instances(rule: CarryRule, record: Record, previous: Record | None) -> Iterator[Instance]:
    table = record.format.table(rule.table)
    for col in leaves(table.columns):
        key = (table.id, rule.row, col.id)
        this = ref(record, key)
        if previous is None:
            yield Instance(
                rule,
                rule.id,
                f"{rule.id}:{col.id}",
                table.id,
                None,
                None,
                "",
                (this,),
                skip=f"没有 {record.year - 1} 年的记录，跨年规则未检查",
            )
            continue
        prev_key = (table.id, rule.previous_row, col.id)
        if prev_key not in previous.cells:
            continue
        before = ref(previous, prev_key)
        row, prev_row = table.row(rule.row), table.row(rule.previous_row)
        message = (
            f"表{table.number}「{qualified(table, col.id, column=True)}」列：本年「{row.text}」＝{this.value}，"
            f"但{previous.year}年「{prev_row.text}」＝{before.value}"
        )
        stated, computed = num(record.cells[key]), num(previous.cells[prev_key])
        skip = "有空白单元格，未计算" if stated is None or computed is None else ""
        yield Instance(
            rule,
            rule.id,
            f"{rule.id}:{col.id}",
            table.id,
            stated,
            computed,
            message,
            (this, before),
            (key,),
            skip,
        )


def _stock_instances(rule: StockRule, record: Record, previous: Record | None) -> Iterator[Instance]:
    table = record.format.table(rule.table)
    for row_id in rule.rows:
        keys = [(table.id, row_id, c) for c in (rule.stock, rule.added, rule.removed)]
        cells = tuple(ref(record, k) for k in keys)
        iid = f"{rule.id}:{row_id}"
        prev_key = (table.id, row_id, rule.stock)
        if previous is None or prev_key not in previous.cells:
            why = f"没有 {record.year - 1} 年的记录" if previous is None else "上年记录为旧格式，没有现行有效件数"
            yield Instance(rule, rule.id, iid, table.id, None, None, "", cells, skip=f"{why}，跨年规则未检查")
            continue
        stock, added, removed = (record.cells[k] for k in keys)
        before = previous.cells[prev_key]
        parts = (stock, added, removed, before)
        computed = None if None in parts else _exact((before or 0) + (added or 0) - (removed or 0))
        names = [
            next(c.label for c in table.columns_of(row_id) if c.id == i) for i in (rule.stock, rule.added, rule.removed)
        ]
        message = (
            f"表{table.number}「{table.row(row_id).text}」：{names[0]}＝{_fmt(num(stock))}，但上年{names[0]} "
            f"{_fmt(num(before))}＋{names[1]} {_fmt(num(added))}－{names[2]} {_fmt(num(removed))}＝{_fmt(computed)}"
        )
        skip = "有空白单元格，未计算" if computed is None else ""
        yield Instance(
            rule,
            rule.id,
            iid,
            table.id,
            num(stock),
            computed,
            message,
            (*cells, ref(previous, prev_key)),
            (keys[0],),
            skip,
        )


def _zero_instances(rule: ZeroRule, record: Record) -> Iterator[Instance]:
    """Only for bodies that make no 规章: a township (its level) or a department (its name)."""
    kind = TOWNSHIP if record.level in LEVELS else kind_of_body(record.body)
    if kind not in (TOWNSHIP, DEPARTMENT):
        return
    table = record.format.table(rule.table)
    for row_id in rule.rows:
        for col in table.columns_of(row_id):
            key = (table.id, row_id, col.id)
            r = ref(record, key)
            yield Instance(
                rule,
                rule.id,
                f"{rule.id}:{row_id}.{col.id}",
                table.id,
                num(record.cells[key]),
                None,
                f"{r.label}＝{r.value}：{record.level or kind}不制定规章，应为 0",
                (r,),
                (key,),
            )


def _text_instances(rule: OtherYearRule, record: Record) -> Iterator[Instance]:
    for part in record.format.parts:
        if not part.narrative:
            continue
        for n, match in enumerate(OTHER_YEAR.finditer(record.parts[part.narrative])):
            named = int(match.group(1))
            message = (
                f"正文「{part.heading}」中出现了「{match.group(0)}」，而本报告是 {record.year} 年度"
                "（是否沿用了其他年度的报告？）"
            )
            yield Instance(
                rule,
                rule.id,
                f"{rule.id}:{part.narrative}:{n}",
                DOCUMENT,
                named,
                record.year,
                message,
            )


def _format_instances(rule: FormatYearRule, record: Record) -> Iterator[Instance]:
    expected = format_for_year(record.year)
    message = (
        f"记录使用 {record.format.id} 格式（{record.format.name}），"
        f"但 {record.year} 年度的报告应使用 {expected.id} 格式（{expected.name}）"
    )
    yield Instance(rule, rule.id, f"{rule.id}:format", DOCUMENT, int(record.format.id), int(expected.id), message)


@singledispatch
def rule_instances(rule: Rule, record: Record, previous: Record | None) -> Iterable[Instance]:
    """The instances of one rule on a record: one handler registered per rule kind."""
    raise TypeError(f"no instances for {type(rule).__name__}: register a handler for it")


rule_instances.register(SumRule, lambda rule, record, previous: _sum_instances(rule, record))
rule_instances.register(CellRule, lambda rule, record, previous: _cell_instances(rule, record))
rule_instances.register(CarryRule, lambda rule, record, previous: _carry_instances(rule, record, previous))
rule_instances.register(StockRule, lambda rule, record, previous: _stock_instances(rule, record, previous))
rule_instances.register(ZeroRule, lambda rule, record, previous: _zero_instances(rule, record))
rule_instances.register(OtherYearRule, lambda rule, record, previous: _text_instances(rule, record))
rule_instances.register(
    FormatYearRule,
    lambda rule, record, previous: [*_format_instances(rule, record), *old_layout_instances(rule, record)],
)
rule_instances.register(TextRule, lambda rule, record, previous: ())  # evaluated in plain Python: checks/text.py


def instances(record: Record, previous: Record | None, rules: Iterable[Rule]) -> list[Instance]:
    """Every instance of every rule, in rule order."""
    return [item for rule in rules for item in rule_instances(rule, record, previous)]
