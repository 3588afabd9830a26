"""A record's tables as HTML in the official layout (pages/layout.py: spans, roles, widths)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape

from gongkai.checks.view import cell_anchor
from gongkai.pages.layout import Role, Slot, layout
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
    laid = layout(table)
    draw = _Cells(record, marks or {}, content, anchors)
    colgroup = "<colgroup>" + "".join(f'<col style="width:{w:.2f}%">' for w in laid.widths) + "</colgroup>\n"
    head = [colgroup + "<thead>", *map(draw.row, laid.head), "</thead>", "<tbody>"]
    lines = head if laid.head else [colgroup + "<tbody>"]
    lines += [*map(draw.row, laid.body), "</tbody>", ""]
    body = "\n".join(lines)
    return f'<table class="gk-table gk-{table.id}">\n{body}</table>\n'


# The class each heading role carries in the page (parts.css styles them; a column heading has none).
CLASSES = {Role.CORNER: "corner", Role.ITEM: "item", Role.GROUP: "group", Role.LABEL: "label", Role.HEADER: ""}


@dataclass(frozen=True)
class _Cells:
    """How to draw the slots of one table."""

    record: Record
    marks: Marks
    content: Content | None
    anchors: bool = False

    def row(self, slots: tuple[Slot, ...]) -> str:
        return f"<tr>{''.join(self.td(s) if s.role is Role.FIGURE else _th(s) for s in slots)}</tr>"

    def td(self, slot: Slot) -> str:
        assert slot.key is not None
        key = slot.key
        value = self.record.cells[key]
        classes = ["num"] + (["blank"] if value is None else [])
        tip = ""
        if key in self.marks:
            css, message = self.marks[key]
            classes.append(css)
            tip = f' title="{escape(message)}"'
        span = f' colspan="{slot.colspan}"' if slot.colspan > 1 else ""
        inner = self.content(key) if self.content else escape(show(value, slot.kind))
        anchor = f' id="{cell_anchor(key)}"' if self.anchors else ""
        return f'<td{anchor} class="{" ".join(classes)}" data-cell="{".".join(key)}"{span}{tip}>{inner}</td>'


def _th(slot: Slot) -> str:
    attrs = ""
    if slot.rowspan > 1:
        attrs += f' rowspan="{slot.rowspan}"'
    if slot.colspan > 1:
        attrs += f' colspan="{slot.colspan}"'
    if CLASSES[slot.role]:
        attrs += f' class="{CLASSES[slot.role]}"'
    return f"<th{attrs}>{escape(slot.text)}</th>"
