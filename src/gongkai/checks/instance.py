"""One checked equation or bound, and how it names its cells: what every rule's instances are made of.

Great-expectations decides which instances fail; the instance already knows
how to say so in Chinese, naming its cells and their values, so no result
is formatted twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from gongkai.format import Node, Table
from gongkai.format.model import leaves
from gongkai.format.rules import Rule
from gongkai.records.display import show
from gongkai.records.record import CellKey, Record, Value

DOCUMENT = "document"  # the suite for rules about the text, not a table


@dataclass(frozen=True)
class CellRef:
    """A cell as a reader needs it: which year's record, where, and its value."""

    key: CellKey
    year: int
    label: str
    value: str


@dataclass(frozen=True)
class Instance:
    rule: Rule
    selector: str  # the frame's `rule` column; R5 has three kinds of check
    id: str
    suite: str
    stated: Value  # exact: ints stay ints, amounts stay decimals (10**17 vs 10**17 + 1 must differ)
    computed: Value
    message: str = ""
    cells: tuple[CellRef, ...] = ()
    marked: tuple[CellKey, ...] = ()  # this year's cells to highlight
    skip: str = ""  # why it could not be evaluated


_QUALIFIED: dict[tuple[int, str, bool], str] = {}


def qualified(table: Table, node_id: str, *, column: bool) -> str:
    """A leaf's label with its group where the leaf alone is ambiguous (其他).

    Memoized by the table's identity (formats are module-level constants): a
    national `check --all` asks this ~250 times per record.
    """
    key = (id(table), node_id, column)
    if key not in _QUALIFIED:
        _QUALIFIED[key] = _qualified(table, node_id, column=column)
    return _QUALIFIED[key]


def _qualified(table: Table, node_id: str, *, column: bool) -> str:
    if table.blocks:  # table 二: columns belong to blocks and have no groups
        nodes = [c for b in table.blocks for c in (leaves(b.columns) if column else leaves(b.rows))]
        return next(n.text for n in nodes if n.id == node_id)
    tree = table.columns if column else table.rows
    for top in tree:
        for leaf in top.leaves():
            if leaf.id == node_id:
                prefix = f"{top.label}·" if top is not leaf and not top.number else ""
                return prefix + leaf.text
    return table.row(node_id).text if not column else node_id


def short(node: Node) -> str:
    """一 for 「一、本年新收…」, （七）总计 for 「（七）总计」: how the corner note names rows."""
    number = node.number.rstrip("、")
    return f"{number}{node.label}" if len(node.label) <= 3 or not number else number


def num(value: Value) -> Value:
    """A cell's value for comparing: the value itself, never a float."""
    return value


def ref(record: Record, key: CellKey) -> CellRef:
    cell = record.format.cell(key)
    col_label = qualified(cell.table, key[2], column=True)
    label = f"表{cell.table.number}「{cell.row.text}」行「{col_label}」列"
    return CellRef(key, record.year, label, show(record.cells[key], cell.kind))


def total(record: Record, keys: Iterable[CellKey]) -> Value:
    """The exact sum: an int when every term is one, else a Decimal."""
    values = [record.cells[k] for k in keys]
    if any(v is None for v in values):
        return None
    return _exact(sum((v for v in values if v is not None), start=0))


def _exact(value: int | Decimal) -> int | Decimal:
    """An integral Decimal as an int; Python's ints and Decimals never round (beyond 28 digits, Decimal would)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _fmt(value: Value) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, int):
        return str(value)
    return f"{value:f}" if value.as_tuple().exponent >= -4 else f"{value:.4f}"  # type: ignore[operator]
