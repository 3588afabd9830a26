"""A workbook made by `gongkai template --xlsx` and filled in by township staff.

Read as the same lines as any report: each sheet row a line, each cell named
by sheet and address (「表三!D12」). Merged cells are layout; locked formula
cells are the template's own checks, not figures. Header facts come from the
labelled rows of the cover sheet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.errors import InputError, NotAReport
from gongkai.format import FIELDS
from gongkai.format.common import PARTS
from gongkai.format.labels import normalize, spellings
from gongkai.importers.assemble import is_part_heading
from gongkai.importers.base import Document, Line, Slot

MAX_ROWS = 2_000
MAX_COLUMNS = 80


class XlsxParser:
    name: str = "xlsx"
    suffixes: tuple[str, ...] = (".xlsx", ".xlsm")

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"PK\x03\x04")

    def parse(self, path: Path) -> Document:
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, data_only=False)
            cached = openpyxl.load_workbook(path, data_only=True)
        except Exception as e:  # a zip that is not a workbook, a damaged file: not a report
            raise NotAReport(f"{path.name}：不是可读取的 Excel 工作簿（{type(e).__name__}）") from None
        doc = Document(path.name, [])
        started = False
        for sheet in book.worksheets:
            for line in _lines(sheet, cached[sheet.title]):
                started = started or any(is_part_heading(line, p) for p in PARTS)
                field = None if started else _field(line)
                if field is not None and field[0] not in doc.meta:
                    doc.meta[field[0]] = field[1]
                elif started:
                    doc.lines.append(line)
        return doc


def _lines(sheet: Any, cached: Any) -> list[Line]:
    _no_merged_figures(sheet)
    covered = {
        (r, c)
        for rng in sheet.merged_cells.ranges
        for r in range(rng.min_row, min(rng.max_row, MAX_ROWS) + 1)
        for c in range(rng.min_col, min(rng.max_col, MAX_COLUMNS) + 1)
        if (r, c) != (rng.min_row, rng.min_col)
    }
    lines: list[Line] = []
    for r in range(1, min(sheet.max_row, MAX_ROWS) + 1):
        slots: list[Slot] = []
        for c in range(1, min(sheet.max_column, MAX_COLUMNS) + 1):
            cell = sheet.cell(row=r, column=c)
            where = f"{sheet.title}!{cell.coordinate}"
            if (r, c) in covered:
                slots.append(Slot(None, where))
            elif cell.data_type == "f" and _locked(cell):
                slots.append(Slot(None, where))  # the template's own check
            elif cell.data_type == "f":
                value = cached.cell(row=r, column=c).value
                slots.append(Slot(_text(value if value is not None else cell.value), where, entry=True))
            else:
                slots.append(Slot(_text(cell.value), where, entry=not _locked(cell)))
        texts = [s for s in slots if s.text and s.text.strip()]
        where = texts[0].where if texts else f"{sheet.title}!A{r}"
        markdown = texts[0].text or "" if len(texts) == 1 else " | ".join(s.text or "" for s in texts)
        lines.append(Line(where, markdown.strip("\n"), tuple(slots), table=len(texts) > 1))
        if len(texts) == 1:
            lines.append(Line(where))  # each narrative cell is a paragraph of its own
    return lines


def _no_merged_figures(sheet: Any) -> None:
    """Refuse cells merged inside the figure area: the merge would move a row's figures one column over.

    Figure cells are those the template validates as numbers (whole or decimal). Its own
    merges hold at most one (a figure spanning columns, headings, row labels, text boxes);
    a merge taking in two figure cells was made by hand.
    """
    figures = {
        (r, c)
        for dv in sheet.data_validations.dataValidation
        if dv.type in ("whole", "decimal")
        for rng in dv.sqref.ranges
        for r in range(rng.min_row, min(rng.max_row, MAX_ROWS) + 1)
        for c in range(rng.min_col, min(rng.max_col, MAX_COLUMNS) + 1)
    }
    for merged in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        inside = {(r, c) for r, c in figures if merged.min_row <= r <= merged.max_row}
        if len({(r, c) for r, c in inside if merged.min_col <= c <= merged.max_col}) > 1:
            raise InputError(
                f"{sheet.title}!{merged.coord} 是合并的单元格：填数字的格子不能合并（合并后这一行的数字会错位）。"
                "请在 Excel 中选中它，取消「合并单元格」，把每个数字填回各自的格子后重新导入"
            )


def _locked(cell: Any) -> bool:
    return cell.protection is None or bool(cell.protection.locked)


def _field(line: Line) -> tuple[str, tuple[str, str]] | None:
    """A cover-sheet row 「机关名称 | 胡集乡人民政府」 → ("body", (value, where))."""
    texts = [s for s in line.cells if s.text and s.text.strip()]
    if len(texts) != 2:
        return None
    name = normalize(texts[0].text or "")
    for field in FIELDS:
        if name in spellings(field):
            return field.id, ((texts[1].text or "").strip(), texts[1].where)
    return None


def _text(value: Any) -> str:
    """A cell's value as the text a reader would see, numbers without float noise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
