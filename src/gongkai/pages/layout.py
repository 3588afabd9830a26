"""A table as the official format lays it out: rows of cells with their spans, roles and widths.

Derived once per table from the header trees in the format definition: a
group spans its children (across in a header, down the label columns), a
leaf fills the remaining depth. One value, drawn as HTML by pages/tables.py
and as a Word table by production/word.py, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gongkai.format import Kind, Node, Table
from gongkai.format.model import depth, leaves
from gongkai.records.record import CellKey


class Role(StrEnum):
    """What a cell is to the reader; the renderers style each role their own way."""

    CORNER = "corner"  # the note over the row labels (表三's 勾稽关系, 表二's 信息内容)
    HEADER = "header"  # a column heading
    ITEM = "item"  # a block heading of 表二 across the whole width (第二十条第（一）项)
    GROUP = "group"  # a row group beside its rows, set vertically (三、本年度办理结果, （三）不予公开)
    LABEL = "label"  # a row's own label
    FIGURE = "figure"  # a cell of the record


@dataclass(frozen=True)
class Slot:
    """One cell of the laid-out table: a heading's text, or the record cell a figure shows."""

    role: Role
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    key: CellKey | None = None  # a figure's (table, row, column)
    kind: Kind = Kind.COUNT  # a figure's kind: how its value is printed


@dataclass(frozen=True)
class Layout:
    """A table's rows of slots; `head` rows repeat as the table's header, `widths` share the width."""

    table: str
    widths: tuple[float, ...]  # each grid column's share of the width in percent, to two decimals
    head: tuple[tuple[Slot, ...], ...]
    body: tuple[tuple[Slot, ...], ...]

    @property
    def rows(self) -> tuple[tuple[Slot, ...], ...]:
        return self.head + self.body

    def placed(self) -> list[list[tuple[int, Slot]]]:
        """Each row's slots with the grid column each starts in (HTML's table algorithm: spans from above skip)."""
        taken: set[tuple[int, int]] = set()
        out: list[list[tuple[int, Slot]]] = []
        for r, row in enumerate(self.rows):
            here, c = [], 0
            for slot in row:
                while (r, c) in taken:
                    c += 1
                here.append((c, slot))
                taken.update((r + dr, c + dc) for dr in range(slot.rowspan) for dc in range(slot.colspan))
                c += slot.colspan
            out.append(here)
        return out


_MADE: dict[int, tuple[Table, Layout]] = {}


def layout(table: Table) -> Layout:
    """The table's layout, made once per process (the format's tables never change)."""
    made = _MADE.get(id(table))
    if made is None or made[0] is not table:
        if table.blocks:
            found = _blocks(table)
        elif table.transposed:
            found = _transposed(table)
        else:
            found = _grid(table)
        made = _MADE[id(table)] = (table, found)
    return made[1]


def _figure(table: Table, row: Node, col: Node, colspan: int = 1) -> Slot:
    kind = col.kind if col.kind is not Kind.COUNT else row.kind
    return Slot(Role.FIGURE, colspan=colspan, key=(table.id, row.id, col.id), kind=kind)


def _widths(label_columns: int, value_columns: int, label_share: float = 38.0) -> tuple[float, ...]:
    """Fixed widths: nested label columns stay narrow, value columns share the rest."""
    widths = [4.0] * (label_columns - 1) + [label_share - 4.0 * (label_columns - 1)]
    widths += [(100.0 - label_share) / value_columns] * value_columns
    return tuple(round(w, 2) for w in widths)


def _header_rows(nodes: tuple[Node, ...]) -> list[list[Slot]]:
    """Header cells level by level: groups span their leaves, leaves fill down."""
    height = depth(nodes)
    rows: list[list[Slot]] = [[] for _ in range(height)]

    def walk(node: Node, level: int) -> None:
        if node.children:
            rows[level].append(Slot(Role.HEADER, node.text, colspan=len(list(node.leaves()))))
            for child in node.children:
                walk(child, level + 1)
        else:
            rows[level].append(Slot(Role.HEADER, node.text, rowspan=height - level))

    for node in nodes:
        walk(node, 0)
    return rows


def _label_slots(nodes: tuple[Node, ...]) -> dict[str, list[Slot]]:
    """For each leaf row, the label slots that start on it (groups span down their rows)."""
    width = depth(nodes)
    out: dict[str, list[Slot]] = {}

    def walk(node: Node, level: int, pending: list[Slot]) -> None:
        if node.children:
            first = True
            for child in node.children:
                group = Slot(Role.GROUP, node.text, rowspan=len(list(node.leaves())))
                walk(child, level + 1, [*pending, group] if first else [])
                first = False
        else:
            out[node.id] = [*pending, Slot(Role.LABEL, node.text, colspan=width - level)]

    for node in nodes:
        walk(node, 0, [])
    return out


def _grid(table: Table) -> Layout:
    label_width = depth(table.rows)
    head = _header_rows(table.columns)
    if table.header:
        head.insert(0, [Slot(Role.HEADER, table.header, colspan=len(leaves(table.columns)))])
    head[0].insert(0, Slot(Role.CORNER, table.corner, rowspan=len(head), colspan=label_width))
    labels = _label_slots(table.rows)
    body = [labels[r.id] + [_figure(table, r, col) for col in table.columns_of(r.id)] for r in table.row_nodes()]
    widths = _widths(label_width, len(leaves(table.columns)))
    return Layout(table.id, widths, tuple(map(tuple, head)), tuple(map(tuple, body)))


def _transposed(table: Table) -> Layout:
    """Table 四: the record's rows become column groups over one printed row."""

    def graft(node: Node) -> Node:
        children = tuple(graft(c) for c in node.children) if node.children else table.columns
        return Node(node.id, node.label, node.number, children=children)

    tree = tuple(graft(n) for n in table.rows)
    columns = len(table.row_nodes()) * len(leaves(table.columns))
    figures = tuple(_figure(table, row, col) for row in table.row_nodes() for col in leaves(table.columns))
    head = tuple(map(tuple, _header_rows(tree)))
    return Layout(table.id, (round(100 / columns, 2),) * columns, head, (figures,))


def _blocks(table: Table) -> Layout:
    """Table 二: blocks one under another, each with its item heading."""
    width = 1 + max(len(leaves(b.columns)) for b in table.blocks)
    body: list[tuple[Slot, ...]] = []
    for block in table.blocks:
        cols = leaves(block.columns)
        spans = [1] * (len(cols) - 1) + [width - len(cols)]
        body.append((Slot(Role.ITEM, block.item, colspan=width),))
        heads = [Slot(Role.HEADER, c.text, colspan=s) for c, s in zip(cols, spans, strict=True)]
        body.append((Slot(Role.CORNER, block.corner), *heads))
        for row in leaves(block.rows):
            figures = [_figure(table, row, c, s) for c, s in zip(cols, spans, strict=True)]
            body.append((Slot(Role.LABEL, row.text), *figures))
    return Layout(table.id, _widths(1, width - 1, label_share=28.0), (), tuple(body))
