"""A workbook made by `gongkai template --xlsx` and filled in by township staff.

Read as the same lines as any report: each sheet row a line, each cell named
by sheet and address (「表三!D12」). Merged cells are layout; locked formula
cells are the template's own checks, not figures. Header facts come from the
labelled rows of the cover sheet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from gongkai.errors import InputError, NotAReport
from gongkai.format import FIELDS, FORMATS
from gongkai.format.common import PARTS
from gongkai.format.labels import normalize, spellings
from gongkai.importers.assemble import is_part_heading
from gongkai.importers.base import Document, Line, Slot
from gongkai.importers.zipguard import check_zip
from gongkai.workbook import build

MAX_ROWS = 2_000
MAX_COLUMNS = 80


class XlsxParser:
    name: str = "xlsx"
    suffixes: tuple[str, ...] = (".xlsx", ".xlsm")

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"PK\x03\x04")

    def parse(self, path: Path) -> Document:
        import openpyxl

        check_zip(path, " Excel 工作簿")
        try:
            book = openpyxl.load_workbook(path, data_only=False)
            cached = openpyxl.load_workbook(path, data_only=True)
        except Exception as e:  # a zip that is not a workbook, a damaged file: not a report
            raise NotAReport(f"{path.name}：不是可读取的 Excel 工作簿（{type(e).__name__}）") from None
        doc = Document(path.name, [])
        started = False
        for sheet in book.worksheets:
            for line in _lines(sheet, cached[sheet.title], path.name):
                started = started or any(is_part_heading(line, p) for p in PARTS)
                field = None if started else _field(line)
                if field is not None and field[0] not in doc.meta:
                    doc.meta[field[0]] = field[1]
                elif started:
                    doc.lines.append(line)
        return doc


def _lines(sheet: Any, cached: Any, source: str = "") -> list[Line]:
    _refuse_merged_entries(sheet, source)
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
                slots.append(Slot(cell_text(value if value is not None else cell.value), where, entry=True))
            else:
                slots.append(Slot(cell_text(cell.value), where, entry=not _locked(cell)))
        texts = [s for s in slots if s.text and s.text.strip()]
        where = texts[0].where if texts else f"{sheet.title}!A{r}"
        if len(texts) != 1:
            lines.append(Line(where, " | ".join(s.text or "" for s in texts), tuple(slots), table=bool(texts)))
            continue
        # each narrative cell is a paragraph of its own, and so is each line typed in it (Alt+Enter)
        paragraphs = [p for p in (texts[0].text or "").replace("\r\n", "\n").split("\n") if p.strip()]
        for n, paragraph in enumerate(paragraphs):
            lines.append(Line(where, paragraph, tuple(slots) if n == 0 else ()))
            lines.append(Line(where))
    return lines


@cache
def _template_merges() -> dict[str, set[str]]:
    """The merges our templates' table sheets have (either format): layout, not a person's doing."""
    out: dict[str, set[str]] = {}
    for fmt in FORMATS.values():
        book, _ = build(fmt)
        for ws in book.worksheets:
            if ws.title.startswith("表"):
                out.setdefault(ws.title, set()).update(str(r) for r in ws.merged_cells.ranges)
    return out


def _refuse_merged_entries(sheet: Any, source: str) -> None:
    """On a template's table sheet, a merge over cells made for typing (unlocked) would shift a row's figures."""
    if not sheet.title.startswith("表") or not sheet.merged_cells.ranges:
        return
    own = _template_merges().get(sheet.title)
    if own is None:
        return
    for rng in sheet.merged_cells.ranges:
        if str(rng) in own or rng.max_row > MAX_ROWS or rng.max_col > MAX_COLUMNS:
            continue
        rows, cols = range(rng.min_row, rng.max_row + 1), range(rng.min_col, rng.max_col + 1)
        if any(not _locked(sheet.cell(row=r, column=c)) for r in rows for c in cols):
            raise InputError(
                f"{source}：{sheet.title}!{rng} 是合并单元格，盖住了要填写数字的格子：合并后数字会错位。"
                "请取消合并，每格填一个数字后再导入"
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


def cell_text(value: Any) -> str:
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
