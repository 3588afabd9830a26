"""A workbook `gongkai template` made, read back by its layout rather than by its labels.

The workbook says how it was laid out (its `gongkai` document property:
format and narrative rows), so every figure, field and paragraph is read
from the very cell it was written to, and a record → workbook → record
round trip is exact. What the property also carries (county and township
ids, source, synthetic, drafts) is what nobody types. A merge a person made
over cells to be filled would shift figures if read by position: it is
refused, naming the range.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from gongkai.errors import InputError
from gongkai.format import FIELDS, FORMATS, Format, Kind, format_for_year
from gongkai.importers.assemble import Overrides
from gongkai.importers.base import ImportResult, Problem, Trouble, printable, read_value
from gongkai.importers.vocabulary import row_name
from gongkai.importers.xlsx import cell_text
from gongkai.records.record import NAMES, YEARS, Value
from gongkai.workbook import MARK, Layout, build
from gongkai.workbook.narrative import joined


def mark_of(book: Any) -> dict[str, Any] | None:
    """The layout a workbook says it has, or None for a workbook not made by gongkai."""
    prop = next((p for p in book.custom_doc_props if p.name == MARK), None)
    if prop is None:
        return None
    try:
        mark = json.loads(prop.value)
    except (TypeError, ValueError):
        return None
    ok = isinstance(mark, dict) and mark.get("format") in FORMATS and isinstance(mark.get("rows"), dict)
    return mark if ok and all(isinstance(v, int) and 0 <= v <= 10_000 for v in mark["rows"].values()) else None


def read_ours(path: Path, overrides: Overrides) -> ImportResult | None:
    """The record a gongkai workbook holds, or None when the workbook is not one (read it by labels)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path)
    except Exception:  # a damaged file: the label reader names the damage
        return None
    mark = mark_of(book)
    if mark is None:
        return None
    fmt = FORMATS[mark["format"]]
    merges, layout = _template(fmt.id, tuple(sorted(mark["rows"].items())))
    if set(book.sheetnames) != set(merges):
        return None  # sheets renamed or removed: read it by its labels
    _refuse_merges(path, book, merges, layout)
    problems: list[Problem] = []
    reader = _Reader(path, book)
    data: dict[str, Any] = {"format": fmt.id, "year": overrides.year or _year(reader, layout, problems)}
    for key in (*NAMES, "level"):
        data[key] = reader.text(layout.fields[key]).strip() or None
        if data[key] is None:
            label = next(f.label for f in FIELDS if f.id == key)
            problems.append(Problem(layout.fields[key], f"未填写{label}", Trouble.MISSING, field=key))
    if mark.get("synthetic"):
        data["synthetic"] = True
    data["source"] = str(mark["source"]) if "source" in mark else f"导入自 {path.name}"
    if mark.get("drafts"):
        data["drafts"] = dict(mark["drafts"])
    data["parts"] = {}
    for part in fmt.parts:
        if part.narrative:
            refs = layout.parts[part.narrative]
            text = printable(joined(reader.text(ref) for ref in refs))
            data["parts"][part.narrative] = text or None
            if not text:
                where = f"{refs[0]}–{refs[-1]}" if refs else ""
                what = f"「{part.heading}」部分没有文字"
                problems.append(Problem(where, what, Trouble.MISSING, field=f"parts.{part.narrative}"))
    for table in fmt.tables:
        data[table.id] = _table(reader, layout, fmt, table.id, problems)
    if isinstance(data["year"], int) and not fmt.fits_year(data["year"]):
        should = format_for_year(data["year"])
        what = f"工作簿是 {fmt.id} 格式，但报告年度为 {data['year']}，该年应使用 {should.id} 格式"
        problems.append(Problem("", what, Trouble.NOTE))
    county = overrides.county if overrides.county and overrides.county.isascii() else mark.get("county") or None
    township = overrides.township if overrides.township and overrides.township.isascii() else None
    return ImportResult(data, problems, "xlsx", county, township or mark.get("township") or None)


@cache
def _template(fmt_id: str, rows: tuple[tuple[str, int], ...]) -> tuple[dict[str, set[str]], Layout]:
    """The merges of each sheet and the layout of the workbook as made (the same for every workbook of a shape)."""
    book, layout = build(FORMATS[fmt_id], rows=dict(rows))
    return {ws.title: {str(r) for r in ws.merged_cells.ranges} for ws in book.worksheets}, layout


PLACES = re.compile(r"0\.(0+)")  # a number format with fixed decimal places


class _Reader:
    """Cell text as a reader sees it: a formula someone typed is read by its value as last calculated."""

    def __init__(self, path: Path, book: Any) -> None:
        self.path, self.book = path, book
        self.cached: Any = None

    def text(self, ref: str) -> str:
        sheet, at = ref.split("!")
        cell = self.book[sheet][at]
        places = PLACES.fullmatch(cell.number_format or "")
        if isinstance(cell.value, float) and places:  # an amount written with its places (0.3690): kept
            return format(Decimal(repr(cell.value)).quantize(Decimal(1).scaleb(-len(places.group(1)))), "f")
        if cell.data_type != "f":
            return cell_text(cell.value)
        if self.cached is None:
            import openpyxl

            self.cached = openpyxl.load_workbook(self.path, data_only=True)
        return cell_text(self.cached[sheet][at].value)


def _year(reader: _Reader, layout: Layout, problems: list[Problem]) -> int | None:
    ref = layout.fields["year"]
    text = reader.text(ref).strip()
    if text.isdigit() and YEARS[0] <= int(text) <= YEARS[1]:
        return int(text)
    what = "未填写报告年度" if not text else f"报告年度「{text}」无法识别：应为 4 位年份，如 2024"
    problems.append(Problem(ref, what, Trouble.MISSING if not text else Trouble.INVALID, field="year"))
    return None


def _table(reader: _Reader, layout: Layout, fmt: Format, table_id: str, problems: list[Problem]) -> dict[str, Any]:
    """Every cell of one table by its address; one entry per row for its blank cells."""
    table = fmt.table(table_id)
    rows: dict[str, Any] = {}
    for leaf in table.row_nodes():
        rows[leaf.id] = {}
        blanks: list[tuple[str, str]] = []
        for col in table.columns_of(leaf.id):
            key = (table.id, leaf.id, col.id)
            ref = layout.cells[key]
            kind = col.kind if col.kind is not Kind.COUNT else leaf.kind
            value, error = read_value(reader.text(ref), kind)
            rows[leaf.id][col.id] = _plain(value)
            if error:
                problems.append(
                    Problem(ref, f"{row_name(table, leaf)}「{col.label}」列：{error}", Trouble.INVALID, (key,))
                )
            elif value is None:
                blanks.append((col.id, ref))
        if blanks:
            names = "、".join(next(c.label for c in table.columns_of(leaf.id) if c.id == cid) for cid, _ in blanks)
            what = f"{row_name(table, leaf)}「{names}」列是空白"
            if len(blanks) > 1:
                what += f"（{'、'.join(ref for _, ref in blanks)}）"
            keys = tuple((table.id, leaf.id, cid) for cid, _ in blanks)
            problems.append(Problem(blanks[0][1], what, Trouble.BLANK, keys))
    return rows


def _plain(value: Value) -> Any:
    """As YAML gives it (from_mapping takes ints and floats), without losing an amount's digits."""
    if isinstance(value, Decimal):  # a count as an int; an amount as written (0.3690 stays 0.3690)
        return int(value) if value.as_tuple().exponent == 0 else value
    return value


def _refuse_merges(path: Path, book: Any, merges: dict[str, set[str]], layout: Layout) -> None:
    """A merge the template did not have, over cells to be filled: named, never read by a shifted position."""
    inputs: dict[str, dict[str, str]] = {}
    for key, ref in layout.cells.items():
        sheet, at = ref.split("!")
        inputs.setdefault(sheet, {})[at] = "、".join(key)
    for group in (layout.fields, {k: r for k, refs in layout.parts.items() for r in refs}):
        for what, ref in group.items():
            sheet, at = ref.split("!")
            inputs.setdefault(sheet, {})[at] = what
    for ws in book.worksheets:
        own = merges[ws.title]
        for rng in ws.merged_cells.ranges:
            if str(rng) in own:
                continue
            covered = [
                f"{ws.title}!{ws.cell(row=r, column=c).coordinate}"
                for r in range(rng.min_row, rng.max_row + 1)
                for c in range(rng.min_col, rng.max_col + 1)
                if ws.cell(row=r, column=c).coordinate in inputs.get(ws.title, {})
            ]
            if covered:
                raise InputError(
                    f"{path.name}：{ws.title}!{rng} 是合并单元格，盖住了要填写的格子 {'、'.join(covered[:6])}"
                    f"{' 等' if len(covered) > 6 else ''}：合并后数字会错位。"
                    "请取消合并，每格填一个数字（或一段文字）后再导入"
                )
