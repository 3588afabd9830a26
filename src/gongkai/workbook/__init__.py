"""The Excel workbook township staff fill in instead of retyping figures.

Laid out as the report prints its tables (merged headers, the row hierarchy
of table 三), derived entirely from the format definition. Only the figure,
header-field and narrative cells are unlocked; beside the stated totals sit
formulas giving the totals the checks expect, so a mismatch shows while
typing. Made from a record (`write_workbook`), it arrives filled in: body,
figures, narrative (one row per paragraph). `gongkai import` reads a
workbook made here by its layout (workbook/read.py), exactly.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.errors import InputError
from gongkai.format import Format
from gongkai.outputs import write_atomic
from gongkai.records.record import NAMES, Record
from gongkai.workbook.layout import COVER, LINE_HEIGHT, Layout, fit_rows, print_setup, width_of
from gongkai.workbook.narrative import NarrativeSheet, paragraphs
from gongkai.workbook.tables import TableSheet

MARK = "gongkai"  # the custom document property saying how the workbook was laid out


def write_template(path: Path, fmt: Format, year: int | None = None, force: bool = False) -> Layout:
    """Write the empty template for `fmt` (and `year`, if known) to `path`."""
    return _write(path, *build(fmt, year), force)


def write_workbook(path: Path, record: Record, force: bool = False) -> Layout:
    """Write the workbook of one record: everything the record holds, ready to edit and import back."""
    return _write(path, *build(record.format, record.year, record=record), force)


def _write(path: Path, book: Any, layout: Layout, force: bool) -> Layout:
    if path.exists() and not force:
        raise InputError(f"{path} 已存在，未覆盖；确认要覆盖请加 --force")
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
    return layout


def build(
    fmt: Format, year: int | None = None, *, record: Record | None = None, rows: dict[str, int] | None = None
) -> tuple[Any, Layout]:
    """The workbook and where everything is in it: cover, 一, one sheet per table, 五、六.

    `rows`: how many narrative rows each part has (the reader rebuilds a
    filled workbook's layout from it); by default as many as the text needs.
    """
    from openpyxl import Workbook

    book = Workbook()
    layout = Layout()
    cover = NarrativeSheet(book.active, COVER, layout)
    cover.cover(fmt, year)
    tables = [p for p in fmt.parts if p.table]
    before = fmt.parts.index(tables[0])
    first = [p for p in fmt.parts[:before] if p.narrative]
    last = [p for p in fmt.parts[before:] if p.narrative]
    texts = dict(record.parts) if record is not None else {}
    narrative_sheets = []

    def narrative_sheet(parts: list[Any]) -> None:
        sheet = NarrativeSheet(book.create_sheet("、".join(p.number for p in parts)), "", layout)
        for part in parts:
            sheet.narrative(part, texts.get(part.narrative, ""), (rows or {}).get(part.narrative))
        narrative_sheets.append(sheet.ws)

    narrative_sheet(first)
    for part in tables:
        assert part.table is not None
        table = fmt.table(part.table)
        sheet = TableSheet(book.create_sheet(f"表{table.number}"), f"表{table.number}", layout)
        sheet.heading(part, width_of(table))
        if table.blocks:
            sheet.blocks(table)
        elif table.transposed:
            sheet.transposed(table)
        else:
            sheet.grid(table)
    narrative_sheet(last)
    if record is not None:
        _fill(book, layout, record)
    _mark(book, fmt, layout, record)
    for ws in book.worksheets:
        ws.protection.sheet = True
        fit_rows(ws)
        print_setup(ws, tall=ws in narrative_sheets)
    return book, layout


def _fill(book: Any, layout: Layout, record: Record) -> None:
    """The record's header fields and figures in their cells (the narrative is written with its rows)."""

    def put(ref: str, value: Any) -> None:
        sheet, cell = ref.split("!")
        book[sheet][cell].value = value

    for key in ("body", *NAMES[1:], "level"):
        put(layout.fields[key], getattr(record, key))
    for cell_key, ref in layout.cells.items():
        value = record.cells[cell_key]
        put(ref, value)  # Decimal as Excel's number; ~ stays empty
        exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
        if isinstance(exponent, int) and exponent < 0:  # 0.3690 keeps its written places, shown and read back
            sheet, cell = ref.split("!")
            book[sheet][cell].number_format = "0." + "0" * -exponent


def _mark(book: Any, fmt: Format, layout: Layout, record: Record | None) -> None:
    """What the reader needs to rebuild the layout, and what the record holds that nobody types."""
    from openpyxl.packaging.custom import StringProperty

    mark: dict[str, Any] = {"format": fmt.id, "rows": {k: len(v) for k, v in layout.parts.items()}}
    if record is not None:
        mark |= {"county": record.county_id, "township": record.township_id}
        mark |= {"synthetic": record.synthetic, "source": record.source, "drafts": dict(record.drafts)}
    book.custom_doc_props.append(StringProperty(name=MARK, value=json.dumps(mark, ensure_ascii=False)))


__all__ = ["COVER", "LINE_HEIGHT", "MARK", "Layout", "build", "paragraphs", "write_template", "write_workbook"]
