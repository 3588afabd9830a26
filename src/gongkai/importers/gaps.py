"""Every cell of a table once its rows are found: a figure, or None with the reason listed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gongkai.format import Kind, Node, Table
from gongkai.importers.base import Line, Problem, Slot, Trouble, read_value
from gongkai.importers.slots import FIGURES, kind_of, nonzero
from gongkai.importers.vocabulary import ancestors, row_name
from gongkai.records.record import CellKey, Value

if TYPE_CHECKING:
    from gongkai.importers.rows import Rows


def table_cells(state: Rows, lines: Sequence[Line]) -> tuple[dict[CellKey, Value], list[Problem]]:
    """Every cell of the table: a figure, or None with the reason listed."""
    table, problems = state.table, state.problems
    cells: dict[CellKey, Value] = {}
    looked = f"{lines[0].where}–{lines[-1].where}" if lines else ""
    for leaf in table.row_nodes():
        columns = table.columns_of(leaf.id)
        keys = tuple((table.id, leaf.id, c.id) for c in columns)
        cells.update(dict.fromkeys(keys))
        f = state.found.get(leaf.id)
        if leaf.id in state.conflicts:
            continue
        group = next((state.group_rows[p.id] for p in ancestors(table, leaf) if p.id in state.group_rows), None)
        if f is None and group is not None:
            figures = " ".join(s.text.strip() for s in group[1].cells if s.text and kind_of(s) in FIGURES)
            what = (
                f"{row_name(table, leaf)}：源文件按旧格式把「{group[0].text}」印为一行（{figures}），"
                "没有分列其下各行；请按原始台账补填"
            )
            problems.append(Problem(group[1].where, what, Trouble.MISSING, keys))
            continue
        if f is None:
            what = f"{row_name(table, leaf)}：未找到该行" + ("" if looked else "（文档中没有这张表）")
            problems.append(Problem(looked, what, Trouble.MISSING, keys))
            continue
        if any(nonzero(s) for s in f.surplus):
            read = " ".join((s.text or "").strip() if s else "" for s in [*f.slots, *f.surplus])
            what = (
                f"{row_name(table, leaf)}有 {len(f.slots) + len(f.surplus)} 个数（应为 {len(columns)} 个），"
                f"无法确定哪些属于本行：{read}"
            )
            problems.append(Problem(f.line.where, what, Trouble.AMBIGUOUS, keys))
            continue
        short = [c for c, s in zip(columns, f.slots, strict=True) if s is None]
        if short:
            what = f"{row_name(table, leaf)}缺少「{'、'.join(c.label for c in short)}」列的数字"
            problems.append(
                Problem(f.line.where, what, Trouble.MISSING, tuple((table.id, leaf.id, c.id) for c in short))
            )
        blanks: list[tuple[Node, Slot]] = []
        for col, slot in zip(columns, f.slots, strict=True):
            if slot is None or slot.text is None:
                continue
            kind = col.kind if col.kind is not Kind.COUNT else leaf.kind
            value, error = read_value(slot.text, kind)
            key = (table.id, leaf.id, col.id)
            cells[key] = value
            if error:
                what = f"{row_name(table, leaf)}「{col.label}」列：{error}"
                problems.append(Problem(slot.where, what, Trouble.INVALID, (key,)))
            elif value is None:
                blanks.append((col, slot))
        if blanks:
            problems.append(_blank(table, leaf, f.line, blanks))
    return cells, problems


def _blank(table: Table, leaf: Node, line: Line, blanks: list[tuple[Node, Slot]]) -> Problem:
    """One entry per row for its blank cells, naming each cell where cells have names."""
    names = "、".join(c.label for c, _ in blanks)
    places = [s.where for _, s in blanks]
    if all(p == line.where for p in places):  # text: the line is all there is to name
        places = []
    where = places[0] if len(places) == 1 else line.where
    what = f"{row_name(table, leaf)}「{names}」列是空白"
    if len(places) > 1:
        what += f"（{'、'.join(places)}）"
    keys = tuple((table.id, leaf.id, c.id) for c, _ in blanks)
    return Problem(where, what, Trouble.BLANK, keys)
