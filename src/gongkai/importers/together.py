"""Rows whose figures were printed run together, cut into cells by the table's own rules.

`digits` finds every cut of a run; here the cuts meet the table: a row's
totals (R2 for table 三, R4 for each group of table 四) prune the cuts of one
row, and the column rules (R1, R3) then narrow the rows of table 三 against
each other. A row is filled only when exactly one cut is left; otherwise its
cells stay blank and the problem says 「数字连写，无法唯一拆分」. Never a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from gongkai.format import FORMATS, Table
from gongkai.format.rules import SumRule, rules_for
from gongkai.importers.base import Line, Problem, Slot, Trouble, clean, is_number
from gongkai.importers.digits import ColumnSum, Total, cuts, narrow
from gongkai.importers.slots import Found
from gongkai.importers.vocabulary import row_name

if TYPE_CHECKING:
    from gongkai.importers.rows import Rows


def _sum_rules(table: Table) -> list[SumRule]:
    fmt = next((f for f in FORMATS.values() if table in f.tables), None)
    rules = rules_for(fmt) if fmt is not None else []
    return [r for r in rules if isinstance(r, SumRule) and r.table == table.id]


def row_totals(table: Table, row_id: str, offset: int = 0) -> list[Total]:
    """The row's own totals (a rule `per="row"`) as positions among its cells."""
    index = {c.id: offset + n for n, c in enumerate(table.columns_of(row_id))}
    out = []
    for rule in _sum_rules(table):
        terms = (*rule.left, *rule.right)
        if rule.per == "row" and len(rule.left) == 1 and all(t in index for t in terms):
            out.append(Total(index[rule.left[0]], tuple(index[t] for t in rule.right)))
    return out


def column_sums(table: Table) -> list[ColumnSum]:
    return [ColumnSum(r.left, r.right) for r in _sum_rules(table) if r.per == "column"]


def is_run(found: Found, width: int) -> bool:
    present = [s for s in found.slots if s is not None]
    return bool(present) and len(present) < width and not found.surplus and any(s.run for s in present)


def _shown(values: Sequence[Decimal]) -> str:
    return " ".join(str(v) for v in values)


def resolve(state: Rows) -> None:
    """Cut every run-together row of the table, or leave it blank and say why."""
    table = state.table
    runs: dict[str, list[tuple[Decimal, ...]] | None] = {}
    known: dict[str, list[tuple[Decimal, ...]]] = {}
    for leaf in table.row_nodes():
        f = state.found.get(leaf.id)
        if f is None or leaf.id in state.conflicts:
            continue
        width = len(table.columns_of(leaf.id))
        if is_run(f, width):
            texts = [s.text or "" for s in f.slots if s is not None]
            runs[leaf.id] = cuts(texts, width, row_totals(table, leaf.id))
        elif all(s is not None and is_number(s.text) for s in f.slots):
            known[leaf.id] = [tuple(Decimal(clean(s.text or "").replace(",", "")) for s in f.slots if s is not None)]
    if not runs:
        return
    candidates = {**known, **{k: v for k, v in runs.items() if v}}
    candidates = narrow(candidates, column_sums(table))
    cut: list[str] = []
    first = ""
    for row_id, listed in runs.items():
        leaf = table.row(row_id)
        f = state.found[row_id]
        text = " ".join((s.text or "") for s in f.slots if s is not None)
        options = candidates.get(row_id, []) if listed else listed
        keys = tuple((table.id, row_id, c.id) for c in table.columns_of(row_id))
        if options is not None and len(options) == 1:
            where = next(s.where for s in f.slots if s is not None)
            state.found[row_id] = Found(f.line, [Slot(str(v), where) for v in options[0]], [])
            cut.append(f"「{text}」→ {_shown(options[0])}")
            if len(cut) == 1:
                first = f.line.where
            continue
        state.conflicts.add(row_id)
        what = _unsplit(row_name(table, leaf), text, options)
        state.problems.append(Problem(f.line.where, what, Trouble.UNSPLIT, keys))
    if cut:  # one note for the table (it names no cell: every cell of these rows was read)
        shown = "；".join(cut[:3]) + ("……" if len(cut) > 3 else "")
        what = f"表{table.number}有 {len(cut)} 行数字连写，按表的勾稽关系各只有一种拆法，已拆开：{shown}"
        state.problems.append(Problem(first, what, Trouble.NOTE))


def _unsplit(name: str, text: str, options: list[tuple[Decimal, ...]] | None) -> str:
    if options is None:
        why = "拆法太多"
    elif not options:
        why = "没有一种拆法符合表的勾稽关系"
    else:
        why = f"有 {len(options)} 种拆法都符合表的勾稽关系（如 {_shown(options[0])}；{_shown(options[1])}）"
    return f"{name}：数字连写为「{text}」，无法唯一拆分（{why}）；请按原件补填"


def figure_row(table: Table, line: Line, cells: list[Slot], width: int) -> tuple[list[Slot] | None, Problem | None]:
    """Table 四's one row of figures run together: its groups cut by R4 together, or a problem."""
    if not cells or len(cells) >= width or not any(s.run for s in cells):
        return cells, None
    totals: list[Total] = []
    offset = 0
    for row in table.row_nodes():
        totals += row_totals(table, row.id, offset)
        offset += len(table.columns_of(row.id))
    text = " ".join(s.text or "" for s in cells)
    options = cuts([s.text or "" for s in cells], width, totals)
    if options is not None and len(options) == 1:
        return [Slot(str(v), cells[0].where) for v in options[0]], Problem(
            line.where,
            f"表{table.number}的数字连写为「{text}」，按各组总计只有一种拆法：{_shown(options[0])}",
            Trouble.NOTE,
        )
    keys = tuple(c.key for c in table.cells())
    return None, Problem(line.where, _unsplit(f"表{table.number}", text, options), Trouble.UNSPLIT, keys)
