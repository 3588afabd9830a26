"""The vocabulary the official formats are written in.

Everything that knows about labels, cells or rules (record schema, tables,
checks, importers, the Excel template) reads these objects; nothing else
spells a label.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class Kind(StrEnum):
    """What a cell may hold, which is what R5 checks."""

    COUNT = "count"  # a non-negative whole number
    CHANGE = "change"  # a signed whole number (本年增/减)
    AMOUNT = "amount"  # a non-negative sum in 万元, kept and printed with the precision it was written with


@dataclass(frozen=True)
class Node:
    """A row or column header: a leaf holds figures, a group spans its children.

    `number` is the ordinal printed before the label (一、 （三） 1.), kept apart
    so that matching can ignore it and rendering can print it.
    """

    id: str
    label: str
    number: str = ""
    variants: tuple[str, ...] = ()
    children: tuple[Node, ...] = ()
    kind: Kind = Kind.COUNT

    @property
    def text(self) -> str:
        return f"{self.number}{self.label}"

    def leaves(self) -> Iterator[Node]:
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


def leaves(nodes: tuple[Node, ...]) -> list[Node]:
    return [leaf for n in nodes for leaf in n.leaves()]


def depth(nodes: tuple[Node, ...]) -> int:
    return max(n.depth() for n in nodes)


@dataclass(frozen=True)
class Block:
    """One block of table 二: an item of article 20 with its own columns."""

    item: str  # 第二十条第（一）项
    rows: tuple[Node, ...]
    columns: tuple[Node, ...]
    corner: str = "信息内容"


@dataclass(frozen=True)
class Table:
    """A table as the record stores it: rows × columns of cells.

    Table 二 is a list of blocks with their own columns; tables 三 and 四 have
    one row tree and one column tree. Table 四's record rows are its three
    groups, drawn side by side in one printed row (`transposed`).
    """

    id: str  # table2 … table4: the record key
    number: str  # 二 … 四
    title: str
    rows: tuple[Node, ...] = ()
    columns: tuple[Node, ...] = ()
    blocks: tuple[Block, ...] = ()
    corner: str = ""
    header: str = ""  # a caption spanning all columns (申请人情况)
    transposed: bool = False

    @cached_property
    def _layout(self) -> dict[str, tuple[Node, list[Node]]]:
        """Row id → (row, its leaf columns), in order; the trees never change."""
        if self.blocks:
            return {r.id: (r, leaves(b.columns)) for b in self.blocks for r in leaves(b.rows)}
        return {r.id: (r, leaves(self.columns)) for r in leaves(self.rows)}

    @cached_property
    def _cells(self) -> list[Cell]:
        out = []
        for row, columns in self._layout.values():
            for col in columns:
                kind = col.kind if col.kind is not Kind.COUNT else row.kind
                out.append(Cell(self, row, col, kind))
        return out

    def row_nodes(self) -> list[Node]:
        return [row for row, _ in self._layout.values()]

    def columns_of(self, row_id: str) -> list[Node]:
        """The leaf columns a row has cells in."""
        return list(self._layout[row_id][1])

    def cells(self) -> Iterator[Cell]:
        yield from self._cells

    def row(self, row_id: str) -> Node:
        return self._layout[row_id][0]


@dataclass(frozen=True)
class Cell:
    table: Table
    row: Node
    column: Node
    kind: Kind

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table.id, self.row.id, self.column.id)

    @property
    def label(self) -> str:
        """How a person names this cell: 表三 自然人 列 / 一、本年新收… 行."""
        return f"表{self.table.number}「{self.row.text}」行「{self.column.label}」列"


@dataclass(frozen=True)
class Part:
    """One of the six parts; narrative parts have a record key, table parts a table."""

    number: str  # 一 … 六
    title: str
    narrative: str | None = None  # key under `parts:` in the record
    table: str | None = None
    variants: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


@dataclass(frozen=True)
class Format:
    id: str  # "2021" or "2019"
    name: str
    years: tuple[int, int]  # first and last report year it is meant for
    parts: tuple[Part, ...]
    tables: tuple[Table, ...]
    notes: dict[str, str] = field(default_factory=dict)

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def cells(self) -> Iterator[Cell]:
        for t in self.tables:
            yield from t.cells()

    @cached_property
    def _cell_map(self) -> dict[tuple[str, str, str], Cell]:
        return {c.key: c for c in self.cells()}

    def cell(self, key: tuple[str, str, str]) -> Cell:
        return self._cell_map[key]

    def narrative_keys(self) -> list[str]:
        return [p.narrative for p in self.parts if p.narrative]

    def fits_year(self, year: int) -> bool:
        return self.years[0] <= year <= self.years[1]
