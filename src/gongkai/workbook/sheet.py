"""One worksheet being laid out: fixed and entry cells, checks, the cover's header fields."""

from __future__ import annotations

from typing import Any

from gongkai.format import FIELDS, TITLE, Format, Kind, Part
from gongkai.records.record import LEVELS
from gongkai.workbook.layout import NARRATIVE_WIDTH, NUMBER_FORMATS, Layout


class Sheet:
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
            dv.error = "件数应为非负整数（没有填 0，不知道留空）"
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
            "填写说明：只在白色格子中填写。没有的数字填 0（官方表格以 0 表示没有）；不知道的数字留空"
            "（导入后为 ~，会被列为待补）。文字每段（每个小标题）一行，写不下时可在格子里换行（Alt+Enter）。"
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
