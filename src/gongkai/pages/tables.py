"""A record's tables as HTML in the official layout.

The layout is derived from the header trees in the format definition: a
group spans its children (colspan in a header, rowspan down the label
columns), a leaf fills the remaining depth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape

from gongkai.checks.view import cell_anchor
from gongkai.format import Kind, Node, Table
from gongkai.format.model import depth, leaves
from gongkai.records.display import show
from gongkai.records.record import CellKey, Record

Marks = Mapping[CellKey, tuple[str, str]]  # cell → (css class, tooltip)
Content = Callable[[CellKey], str]  # cell → its inner HTML, already escaped


def table_html(
    record: Record, table_id: str, marks: Marks | None = None, content: Content | None = None, anchors: bool = False
) -> str:
    """The table as the official format draws it; `content` may replace what each cell shows.

    `anchors`: each value cell gets an id, the target of the findings' links (checks/view.py): the
    report's own tables only, since a page may show a table twice (附录二).
    """
    table = record.format.table(table_id)
    cells = _Cells(record, table, marks or {}, content, anchors)
    if table.blocks:
        body = _blocks(cells)
    elif table.transposed:
        body = _transposed(cells)
    else:
        body = _grid(cells)
    return f'<table class="gk-table gk-{table.id}">\n{body}</table>\n'


@dataclass(frozen=True)
class _Cells:
    """How to draw the value cells of one table."""

    record: Record
    table: Table
    marks: Marks
    content: Content | None
    anchors: bool = False

    def td(self, row: Node, col: Node, colspan: int = 1) -> str:
        key = (self.table.id, row.id, col.id)
        value = self.record.cells[key]
        kind = col.kind if col.kind is not Kind.COUNT else row.kind
        classes = ["num"] + (["blank"] if value is None else [])
        tip = ""
        if key in self.marks:
            css, message = self.marks[key]
            classes.append(css)
            tip = f' title="{escape(message)}"'
        span = f' colspan="{colspan}"' if colspan > 1 else ""
        inner = self.content(key) if self.content else escape(show(value, kind))
        anchor = f' id="{cell_anchor(key)}"' if self.anchors else ""
        return f'<td{anchor} class="{" ".join(classes)}" data-cell="{".".join(key)}"{span}{tip}>{inner}</td>'


def _th(text: str, rowspan: int = 1, colspan: int = 1, css: str = "") -> str:
    attrs = ""
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    if css:
        attrs += f' class="{css}"'
    return f"<th{attrs}>{escape(text)}</th>"


def _colgroup(label_columns: int, value_columns: int, label_share: float = 38.0) -> str:
    """Fixed widths: nested label columns stay narrow, value columns share the rest."""
    widths = [4.0] * (label_columns - 1) + [label_share - 4.0 * (label_columns - 1)]
    widths += [(100.0 - label_share) / value_columns] * value_columns
    return "<colgroup>" + "".join(f'<col style="width:{w:.2f}%">' for w in widths) + "</colgroup>\n"


def _header_rows(nodes: tuple[Node, ...]) -> list[list[str]]:
    """Header cells level by level: groups span their leaves, leaves fill down."""
    height = depth(nodes)
    rows: list[list[str]] = [[] for _ in range(height)]

    def walk(node: Node, level: int) -> None:
        if node.children:
            rows[level].append(_th(node.text, colspan=len(list(node.leaves()))))
            for child in node.children:
                walk(child, level + 1)
        else:
            rows[level].append(_th(node.text, rowspan=height - level))

    for node in nodes:
        walk(node, 0)
    return rows


def _label_cells(nodes: tuple[Node, ...]) -> dict[str, list[str]]:
    """For each leaf row, the label cells that start on it (rowspans down)."""
    width = depth(nodes)
    out: dict[str, list[str]] = {}

    def walk(node: Node, level: int, pending: list[str]) -> None:
        if node.children:
            first = True
            for child in node.children:
                here = [*pending, _th(node.text, rowspan=len(list(node.leaves())), css="group")] if first else []
                walk(child, level + 1, here)
                first = False
        else:
            out[node.id] = [*pending, _th(node.text, colspan=width - level, css="label")]

    for node in nodes:
        walk(node, 0, [])
    return out


def _grid(cells: _Cells) -> str:
    table = cells.table
    label_width = depth(table.rows)
    header = _header_rows(table.columns)
    if table.header:
        header.insert(0, [_th(table.header, colspan=len(leaves(table.columns)))])
    header[0].insert(0, _th(table.corner, rowspan=len(header), colspan=label_width, css="corner"))
    colgroup = _colgroup(label_width, len(leaves(table.columns)))
    lines = [colgroup + "<thead>"] + [f"<tr>{''.join(r)}</tr>" for r in header] + ["</thead>", "<tbody>"]
    labels = _label_cells(table.rows)
    for row in table.row_nodes():
        tds = [cells.td(row, col) for col in table.columns_of(row.id)]
        lines.append(f"<tr>{''.join(labels[row.id] + tds)}</tr>")
    return "\n".join([*lines, "</tbody>", ""])


def _transposed(cells: _Cells) -> str:
    """Table 四: the record's rows become column groups over one printed row."""
    table = cells.table

    def graft(node: Node) -> Node:
        children = tuple(graft(c) for c in node.children) if node.children else table.columns
        return Node(node.id, node.label, node.number, children=children)

    tree = tuple(graft(n) for n in table.rows)
    columns = len(table.row_nodes()) * len(leaves(table.columns))
    colgroup = "<colgroup>" + f'<col style="width:{100 / columns:.2f}%">' * columns + "</colgroup>\n"
    lines = [colgroup + "<thead>"] + [f"<tr>{''.join(r)}</tr>" for r in _header_rows(tree)] + ["</thead>"]
    tds = [cells.td(row, col) for row in table.row_nodes() for col in leaves(table.columns)]
    lines += ["<tbody>", f"<tr>{''.join(tds)}</tr>", "</tbody>", ""]
    return "\n".join(lines)


def _blocks(cells: _Cells) -> str:
    """Table 二: blocks one under another, each with its item heading."""
    table = cells.table
    width = 1 + max(len(leaves(b.columns)) for b in table.blocks)
    lines = [_colgroup(1, width - 1, label_share=28.0) + "<tbody>"]
    for block in table.blocks:
        cols = leaves(block.columns)
        spans = [1] * (len(cols) - 1) + [width - len(cols)]
        lines.append(f"<tr>{_th(block.item, colspan=width, css='item')}</tr>")
        head = [_th(block.corner, css="corner")] + [_th(c.text, colspan=s) for c, s in zip(cols, spans, strict=True)]
        lines.append(f"<tr>{''.join(head)}</tr>")
        for row in leaves(block.rows):
            tds = [cells.td(row, c, s) for c, s in zip(cols, spans, strict=True)]
            lines.append(f"<tr>{_th(row.text, css='label')}{''.join(tds)}</tr>")
    return "\n".join([*lines, "</tbody>", ""])
