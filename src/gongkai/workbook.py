"""The Excel workbook township staff fill in instead of retyping figures.

Laid out as the report prints its tables (merged headers, the row hierarchy
of table 三), derived entirely from the format definition. Only the figure,
header-field and narrative cells are unlocked; beside the stated totals sit
formulas giving the totals the checks expect, so a mismatch shows while
typing. `gongkai import` reads the filled workbook back by its labels.
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.errors import InputError
from gongkai.format import FIELDS, TITLE, Format, Kind, Node, Part, Table
from gongkai.format.model import depth, leaves
from gongkai.outputs import write_atomic
from gongkai.records.record import LEVELS

COVER = "封面"
NARRATIVE_WIDTH = 8  # columns a narrative cell spans on its sheet
NUMBER_FORMATS = {Kind.COUNT: "0", Kind.CHANGE: "+0;-0;0", Kind.AMOUNT: "General"}  # an amount as written: 0, 96171.6


@dataclass
class Layout:
    """Where each thing went: record cell / header field / narrative → 「sheet!A1」."""

    cells: dict[tuple[str, str, str], str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)
    checks: dict[str, str] = field(default_factory=dict)  # formula cells, by what they check


def write_template(path: Path, fmt: Format, year: int | None = None, force: bool = False) -> Layout:
    """Write the template for `fmt` (and `year`, if known) to `path`."""
    if path.exists() and not force:
        raise InputError(f"{path} 已存在；确认要覆盖请加 --force")
    book, layout = build(fmt, year)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
    return layout


def build(fmt: Format, year: int | None = None) -> tuple[Any, Layout]:
    """The workbook and where everything is in it: cover, one sheet per table, the last parts."""
    from openpyxl import Workbook

    book = Workbook()
    layout = Layout()
    cover = _Sheet(book.active, COVER, layout)
    cover.cover(fmt, year)
    tables = [p for p in fmt.parts if p.table]
    before = fmt.parts.index(tables[0])
    first = [p for p in fmt.parts[:before] if p.narrative]
    last = [p for p in fmt.parts[before:] if p.narrative]
    for part in first:
        cover.narrative(part)
    for part in tables:
        assert part.table is not None
        table = fmt.table(part.table)
        sheet = _Sheet(book.create_sheet(f"表{table.number}"), f"表{table.number}", layout)
        sheet.heading(part, _width(table))
        if table.blocks:
            sheet.blocks(table)
        elif table.transposed:
            sheet.transposed(table)
        else:
            sheet.grid(table)
    ending = _Sheet(book.create_sheet("、".join(p.number for p in last)), "", layout)
    for part in last:
        ending.narrative(part)
    for ws in book.worksheets:
        ws.protection.sheet = True
        _fit_rows(ws)
        _print_setup(ws)
    return book, layout


LINE_HEIGHT = 15.0  # points per line of 11-point text, as Excel and LibreOffice lay it out
PRINT_MARGIN = 0.5  # inches, every side


def _text_width(text: str) -> int:
    """Width in column units: a Chinese character is two, like the '0' a column width counts."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit_rows(ws: Any) -> None:
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
            width = sum(ws.column_dimensions[_letter(c)].width or 8.43 for c in range(cell.column, last + 1))
            lines = sum(max(1, math.ceil(_text_width(part) / max(width - 1, 1))) for part in cell.value.split("\n"))
            current = ws.row_dimensions[cell.row].height or LINE_HEIGHT
            ws.row_dimensions[cell.row].height = max(current, lines * LINE_HEIGHT)


def _print_setup(ws: Any) -> None:
    """A4, one page wide (one page in all for the tables), landscape where the table is wide."""
    from openpyxl.worksheet.properties import PageSetupProperties

    columns = ws.max_column
    width = sum(ws.column_dimensions[_letter(c)].width or 8.43 for c in range(1, columns + 1))
    ws.print_area = f"A1:{_letter(columns)}{ws.max_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > 100 else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.page_margins.left = ws.page_margins.right = PRINT_MARGIN
    ws.page_margins.top = ws.page_margins.bottom = PRINT_MARGIN
    ws.print_options.horizontalCentered = True


def _width(table: Table) -> int:
    if table.blocks:
        return 1 + max(len(leaves(b.columns)) for b in table.blocks)
    if table.transposed:
        return len(table.row_nodes()) * len(leaves(table.columns))
    return depth(table.rows) + len(leaves(table.columns))


class _Sheet:
    """One worksheet being laid out, row by row."""

    def __init__(self, ws: Any, title: str, layout: Layout) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        if title:
            ws.title = title
        self.ws = ws
        self.layout = layout
        self.row = 1
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.fixed = PatternFill("solid", fgColor="EDEDED")
        self.check = PatternFill("solid", fgColor="FFF2CC")
        self.bold = Font(bold=True)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.top = Alignment(horizontal="left", vertical="top", wrap_text=True)

    def where(self, row: int, col: int) -> str:
        return f"{self.ws.title}!{self.ws.cell(row=row, column=col).coordinate}"

    def put(self, row: int, col: int, text: Any, rows: int = 1, cols: int = 1, *, head: bool = True) -> Any:
        """A fixed (locked, grey) cell, merged over rows × cols."""
        cell = self.ws.cell(row=row, column=col, value=text)
        if rows > 1 or cols > 1:
            self.ws.merge_cells(start_row=row, start_column=col, end_row=row + rows - 1, end_column=col + cols - 1)
        for r in range(row, row + rows):
            for c in range(col, col + cols):
                self.ws.cell(row=r, column=c).border = self.border
        cell.alignment = self.center if head else self.left
        cell.fill = self.fixed
        return cell

    def entry(self, row: int, col: int, kind: Kind | None, cols: int = 1) -> Any:
        """An unlocked cell to type into; numbers are validated as they are typed."""
        from openpyxl.styles import Protection

        cell = self.put(row, col, None, cols=cols)
        cell.fill = self.fill_none()
        cell.protection = Protection(locked=False)
        if kind is not None:
            cell.number_format = NUMBER_FORMATS[kind]
            self.validation(kind).add(cell.coordinate)
        return cell

    def fill_none(self) -> Any:
        from openpyxl.styles import PatternFill

        return PatternFill(fill_type=None)

    def validation(self, kind: Kind) -> Any:
        from openpyxl.worksheet.datavalidation import DataValidation

        found = getattr(self, f"_dv_{kind.value}", None)
        if found is not None:
            return found
        if kind is Kind.AMOUNT:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
            dv.error = "金额应为非负数（万元）"
        elif kind is Kind.CHANGE:
            dv = DataValidation(type="whole", operator="between", formula1="-1000000", formula2="1000000")
            dv.error = "应为整数（可为负数）"
        else:
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
            dv.error = "件数应为非负整数；不知道时留空，不要填 0"
        dv.showErrorMessage = True
        self.ws.add_data_validation(dv)
        setattr(self, f"_dv_{kind.value}", dv)
        return dv

    def formula(self, row: int, col: int, text: str, what: str, stated: str) -> None:
        """A locked check cell; the stated total it checks turns red when they differ."""
        from openpyxl.formatting.rule import FormulaRule
        from openpyxl.styles import PatternFill

        cell = self.put(row, col, text)
        cell.fill = self.check
        cell.number_format = "0.####"
        self.layout.checks[what] = self.where(row, col)
        red = PatternFill("solid", fgColor="F4CCCC")
        rule = FormulaRule(formula=[f"AND(ISNUMBER({stated}),{stated}<>{cell.coordinate})"], fill=red)
        self.ws.conditional_formatting.add(stated, rule)

    def heading(self, part: Part, width: int) -> None:
        self.put(self.row, 1, part.heading, cols=width, head=False).font = self.bold
        self.row += 1

    # --- the cover and the narrative parts --------------------------------------------

    def cover(self, fmt: Format, year: int | None) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        self.put(1, 1, f"{TITLE.label}（填报用，{fmt.name}）", cols=NARRATIVE_WIDTH).font = self.bold
        note = (
            "填写说明：只在白色格子中填写。数字不知道时留空，不要填 0（空格导入后为 ~，会被列为待补）。"
            "黄色格子是按勾稽关系算出的应有合计，与填报的合计不符时请核对。"
            "填好后运行：gongkai import 本文件 -o data/<县>/<乡镇>/<年度>.yaml"
        )
        self.put(2, 1, note, cols=NARRATIVE_WIDTH, head=False)
        self.ws.row_dimensions[2].height = 48
        self.row = 4
        prefill: dict[str, Any] = {"format": fmt.id, "year": year}
        for node in FIELDS:
            self.put(self.row, 1, node.label)
            cell = self.entry(self.row, 2, None, cols=NARRATIVE_WIDTH - 1)
            cell.value = prefill.get(node.id)
            if node.id == "level":
                dv = DataValidation(type="list", formula1='"' + ",".join(LEVELS) + '"')
                self.ws.add_data_validation(dv)
                dv.add(cell.coordinate)
            self.layout.fields[node.id] = self.where(self.row, 2)
            self.row += 1
        self.ws.column_dimensions["A"].width = 16
        for col in "BCDEFGH":
            self.ws.column_dimensions[col].width = 14
        self.row += 1

    def narrative(self, part: Part) -> None:
        assert part.narrative is not None
        self.heading(part, NARRATIVE_WIDTH)
        cell = self.entry(self.row, 1, None, cols=NARRATIVE_WIDTH)
        cell.alignment = self.top
        self.ws.row_dimensions[self.row].height = 240
        self.layout.parts[part.narrative] = self.where(self.row, 1)
        self.row += 2
        for col in "ABCDEFGH":
            self.ws.column_dimensions[col].width = max(self.ws.column_dimensions[col].width or 0, 14)

    # --- the tables --------------------------------------------------------------------

    def blocks(self, table: Table) -> None:
        """Table 二: each block under its item, as in the report."""
        width = _width(table)
        for block in table.blocks:
            self.put(self.row, 1, block.item, cols=width, head=False)
            self.row += 1
            cols = leaves(block.columns)
            spans = [1] * (len(cols) - 1) + [width - len(cols)]
            self.put(self.row, 1, block.corner)
            at = 2
            for col, span in zip(cols, spans, strict=True):
                self.put(self.row, at, col.text, cols=span)
                at += span
            self.row += 1
            for row in leaves(block.rows):
                self.put(self.row, 1, row.text, head=False)
                at = 2
                for col, span in zip(cols, spans, strict=True):
                    self.entry(self.row, at, _kind(row, col), cols=span)
                    self.layout.cells[(table.id, row.id, col.id)] = self.where(self.row, at)
                    at += span
                self.row += 1
        self.ws.column_dimensions["A"].width = 24
        for c in range(2, width + 1):
            self.ws.column_dimensions[_letter(c)].width = 16

    def headers(self, nodes: tuple[Node, ...], top: int, left: int) -> None:
        """A column tree: groups span their leaves, leaves fill down to the last header row."""
        height = depth(nodes)

        def walk(node: Node, level: int, col: int) -> int:
            span = len(list(node.leaves()))
            if node.children:
                self.put(top + level, col, node.text, cols=span)
                at = col
                for child in node.children:
                    at = walk(child, level + 1, at)
            else:
                self.put(top + level, col, node.text, rows=height - level)
            return col + span

        at = left
        for node in nodes:
            at = walk(node, 0, at)

    def grid(self, table: Table) -> None:
        """Table 三: corner, two-level columns, the row hierarchy down the left, checks beside."""
        label_width = depth(table.rows)
        cols = leaves(table.columns)
        height = depth(table.columns) + (1 if table.header else 0)
        top = self.row
        self.put(top, 1, table.corner, rows=height, cols=label_width)
        if table.header:
            self.put(top, label_width + 1, table.header, cols=len(cols))
        self.headers(table.columns, top + height - depth(table.columns), label_width + 1)
        total_col = cols[-1]
        check_col = label_width + len(cols) + 2
        self.put(top, check_col, f"核对：{total_col.label}应为各列之和", rows=height)
        first = top + height
        rows = table.row_nodes()
        at_row = {row.id: first + i for i, row in enumerate(rows)}

        def labels(node: Node, level: int) -> None:
            start = at_row[next(node.leaves()).id]
            if node.children:
                self.put(start, level + 1, node.text, rows=len(list(node.leaves())))
                for child in node.children:
                    labels(child, level + 1)
            else:
                self.put(start, level + 1, node.text, cols=label_width - level, head=False)

        for node in table.rows:
            labels(node, 0)
        for row in rows:
            r = at_row[row.id]
            for i, col in enumerate(cols):
                self.entry(r, label_width + 1 + i, _kind(row, col))
                self.layout.cells[(table.id, row.id, col.id)] = self.where(r, label_width + 1 + i)
            a, b = _letter(label_width + 1), _letter(label_width + len(cols) - 1)
            stated = f"{_letter(label_width + len(cols))}{r}"
            self.formula(r, check_col, f"=SUM({a}{r}:{b}{r})", f"{row.id}.{total_col.id}", stated)
        self.row = first + len(rows) + 1
        self.outcome_checks(table, at_row, label_width, cols)
        self.ws.column_dimensions[_letter(label_width)].width = 40
        for c in range(label_width + 1, check_col + 1):
            self.ws.column_dimensions[_letter(c)].width = 11
        self.ws.column_dimensions[_letter(check_col)].width = 16

    def outcome_checks(self, table: Table, at_row: dict[str, int], label_width: int, cols: list[Node]) -> None:
        """Under table 三: its outcome total as the sum of the outcomes, and as 一 + 二 − 四."""
        group = next(n for n in table.rows if n.children)
        outcomes = list(group.leaves())
        total, parts = outcomes[-1], outcomes[:-1]
        tops = [n for n in table.rows if not n.children]
        received, carried_in, carried_over = tops[0], tops[1], tops[-1]
        number = [n.number.rstrip("、") for n in (received, carried_in, carried_over)]

        def summed(c: str) -> str:
            return f"=SUM({c}{at_row[parts[0].id]}:{c}{at_row[parts[-1].id]})"

        def balance(c: str) -> str:
            return f"={c}{at_row[received.id]}+{c}{at_row[carried_in.id]}-{c}{at_row[carried_over.id]}"

        checks = [
            (f"核对：{total.text}应为以上各项之和", summed),
            (f"核对：{total.text}应为第{number[0]}项加第{number[1]}项减第{number[2]}项", balance),
        ]
        for n, (caption, formula) in enumerate(checks):
            self.put(self.row, 1, caption, cols=label_width, head=False)
            for i, col in enumerate(cols):
                c = _letter(label_width + 1 + i)
                what, stated = f"{total.id}.{col.id}.{n + 1}", f"{c}{at_row[total.id]}"
                self.formula(self.row, label_width + 1 + i, formula(c), what, stated)
            self.row += 1

    def transposed(self, table: Table) -> None:
        """Table 四: groups side by side over one row of figures; each group's total checked below."""

        def graft(node: Node) -> Node:
            children = tuple(graft(c) for c in node.children) if node.children else table.columns
            return Node(node.id, node.label, node.number, children=children)

        tree = tuple(graft(n) for n in table.rows)
        top = self.row
        self.headers(tree, top, 1)
        figures = top + depth(tree)
        cols = leaves(table.columns)
        at = 1
        for row in table.row_nodes():
            start = at
            for col in cols:
                self.entry(figures, at, _kind(row, col))
                self.layout.cells[(table.id, row.id, col.id)] = self.where(figures, at)
                at += 1
            check = figures + 2
            caption = f"核对：{cols[-1].label}应为前{len(cols) - 1}项之和"
            self.put(check, start, caption, cols=len(cols) - 1, head=False)
            a, b = _letter(start), _letter(start + len(cols) - 2)
            stated = f"{_letter(start + len(cols) - 1)}{figures}"
            self.formula(check, start + len(cols) - 1, f"=SUM({a}{figures}:{b}{figures})", f"{row.id}.total", stated)
        self.row = figures + 3
        for c in range(1, at):
            self.ws.column_dimensions[_letter(c)].width = 11


def _kind(row: Node, col: Node) -> Kind:
    return col.kind if col.kind is not Kind.COUNT else row.kind


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))
