"""Where things are in a workbook, and the sizes and print settings every sheet shares."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from gongkai.format import Kind, Node, Table
from gongkai.format.model import depth, leaves

COVER = "封面"
NARRATIVE_WIDTH = 8  # columns a narrative cell spans on its sheet
NUMBER_FORMATS = {Kind.COUNT: "0", Kind.CHANGE: "+0;-0;0", Kind.AMOUNT: "General"}  # an amount as written: 0, 96171.6


@dataclass
class Layout:
    """Where each thing went: record cell / header field / narrative rows → 「sheet!A1」."""

    cells: dict[tuple[str, str, str], str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    parts: dict[str, list[str]] = field(default_factory=dict)  # one cell per paragraph, in order
    checks: dict[str, str] = field(default_factory=dict)  # formula cells, by what they check


LINE_HEIGHT = 15.0  # points per line of 11-point text, as Excel and LibreOffice lay it out
PRINT_MARGIN = 0.5  # inches, every side


def text_width(text: str) -> int:
    """Width in column units: a Chinese character is two, like the '0' a column width counts."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_rows(ws: Any) -> None:
    """Tall enough rows for wrapped labels: spreadsheets do not grow rows for merged or wrapped cells."""
    spans = {r.min_row * 100_000 + r.min_col: r for r in ws.merged_cells.ranges}
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            span = spans.get(cell.row * 100_000 + cell.column)
            if span is not None and span.max_row > span.min_row:
                continue  # a group label down several rows has their height
            last = span.max_col if span is not None else cell.column
            width = sum(ws.column_dimensions[letter(c)].width or 8.43 for c in range(cell.column, last + 1))
            lines = sum(max(1, math.ceil(text_width(part) / max(width - 1, 1))) for part in cell.value.split("\n"))
            current = ws.row_dimensions[cell.row].height or LINE_HEIGHT
            ws.row_dimensions[cell.row].height = max(current, lines * LINE_HEIGHT)


def print_setup(ws: Any, *, tall: bool = False) -> None:
    """A4, one page wide, one page in all (`tall`: as many as the text needs), landscape where wide."""
    from openpyxl.worksheet.properties import PageSetupProperties

    columns = ws.max_column
    width = sum(ws.column_dimensions[letter(c)].width or 8.43 for c in range(1, columns + 1))
    ws.print_area = f"A1:{letter(columns)}{ws.max_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > 100 and not tall else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=not tall)  # text: its own width, many pages
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.page_margins.left = ws.page_margins.right = PRINT_MARGIN
    ws.page_margins.top = ws.page_margins.bottom = PRINT_MARGIN
    ws.print_options.horizontalCentered = True


def width_of(table: Table) -> int:
    if table.blocks:
        return 1 + max(len(leaves(b.columns)) for b in table.blocks)
    if table.transposed:
        return len(table.row_nodes()) * len(leaves(table.columns))
    return depth(table.rows) + len(leaves(table.columns))


def kind_of(row: Node, col: Node) -> Kind:
    return col.kind if col.kind is not Kind.COUNT else row.kind


def letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))
