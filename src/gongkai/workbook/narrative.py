"""The narrative parts in a workbook: one row per paragraph, sub-heading or list item.

A part's Markdown is written as its lines without the blank lines between
paragraphs, each in a cell of its own row; reading joins rows as paragraphs
(a blank line between them), consecutive list items as one list. A cell with
line breaks typed in it (Alt+Enter) is read as that many rows, so a
sub-heading on its own line stays a paragraph of its own instead of running
into the next. For the Markdown the records hold (paragraphs separated by one
blank line, list items on consecutive lines) the round trip is exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gongkai.errors import InputError
from gongkai.format import Part
from gongkai.records.narrative import mark_subheadings
from gongkai.workbook.sheet import Sheet

TEXT_WIDTH = 80  # the one column of a narrative sheet: within an A4 page's width, upright
MIN_ROWS = 20  # rows to type into, for a part with little or no text yet
SPARE_ROWS = 10  # empty rows after a part's text, to add paragraphs
MAX_CELL = 32_767  # characters Excel keeps in one cell
_ITEM = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")


def paragraphs(text: str) -> list[str]:
    """The rows a part's Markdown is written as: its lines that hold text."""
    return [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def joined(rows: Iterable[str]) -> str:
    """A part's Markdown from its rows: paragraphs apart, list items together, a line per row."""
    lines = [line for row in rows for line in row.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line.strip()]
    # 「（一）主动公开情况」 typed on a row (or line) of its own is a sub-heading, as in every other import
    lines = mark_subheadings(lines, [not (_ITEM.match(line) or _HEADING.match(line)) for line in lines])
    out: list[str] = []
    for n, line in enumerate(lines):
        if n:
            out.append("\n" if _ITEM.match(line) and _ITEM.match(lines[n - 1]) else "\n\n")
        out.append(line)
    return "".join(out) + "\n" if out else ""


class NarrativeSheet(Sheet):
    """A sheet of narrative parts, each under its heading."""

    def narrative(self, part: Part, text: str = "", count: int | None = None) -> None:
        from openpyxl.styles import Font

        assert part.narrative is not None
        self.heading(part, 1)
        rows = paragraphs(text)
        refs: list[str] = []
        for n in range(count if count is not None else max(MIN_ROWS, len(rows) + SPARE_ROWS)):
            cell = self.entry(self.row, 1, None)  # one wide column: no merges to slow every reader
            cell.alignment = self.top
            if n < len(rows):
                line = rows[n]
                if len(line) > MAX_CELL:
                    raise InputError(
                        f"「{part.heading}」有一段 {len(line)} 字，超过 Excel 一个格子的上限 {MAX_CELL} 字："
                        "请分段后再生成工作簿"
                    )
                cell.value = line
                cell.data_type = "s"  # text, even when it starts with 「=」
                if _HEADING.match(line):
                    cell.font = Font(bold=True)
            refs.append(self.where(self.row, 1))
            self.row += 1
        self.layout.parts[part.narrative] = refs
        self.row += 1
        self.ws.column_dimensions["A"].width = TEXT_WIDTH
