"""What every importer produces: the document as read, the result, and figures.

Each parser (text, HTML, xlsx) turns its input into the same `Document`: lines
in reading order, each with its Markdown and its cells, each cell with the
place a person can find it again (「第 62 行」, 「表三!D12」). Everything after
that is shared (`assemble`, `rows`), so a label variant added to the format
definition once is understood in every kind of input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from gongkai.errors import NotAReport
from gongkai.format import Kind
from gongkai.records.record import CellKey, Value


@dataclass(frozen=True)
class Slot:
    """One table cell as found; `text` is None where a merged neighbour covers it."""

    text: str | None
    where: str
    entry: bool = False  # a cell made for a figure (a workbook's unlocked input), even if empty
    run: bool = False  # digits of several cells printed without borders (a scraped page): cut by `together`


@dataclass(frozen=True)
class Line:
    """One line of the document: a heading, a paragraph or a table row."""

    where: str
    markdown: str = ""  # how the line reads in a narrative part
    cells: tuple[Slot, ...] = ()
    heading: int = 0  # heading level (Markdown # count, HTML h1–h6); 0 for body text
    table: bool = False  # a row of a table (as opposed to a paragraph)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.cells if s.text and s.text.strip())


@dataclass
class Document:
    """A report as read, before anything is interpreted."""

    source: str
    lines: list[Line]
    meta: dict[str, tuple[str, str]] = field(default_factory=dict)  # field → (value, where)
    synthetic: bool = False


class Parser(Protocol):
    """One kind of input; registered by name in `gongkai.importers`."""

    name: str
    suffixes: tuple[str, ...]

    def sniff(self, head: bytes) -> bool:
        """Whether the first bytes of a file look like this kind."""
        ...

    def parse(self, path: Path) -> Document: ...


class Trouble(StrEnum):
    """Why something is not in the record; all but NOTE leave it incomplete."""

    MISSING = "缺少"
    BLANK = "空白"
    INVALID = "无法读取"
    AMBIGUOUS = "不确定"
    UNSPLIT = "数字连写，无法唯一拆分"
    NOTE = "提示"


@dataclass(frozen=True)
class Problem:
    where: str  # 「第 62 行」, 「表三!D12」, or "" when the whole document was looked at
    what: str
    kind: Trouble
    cells: tuple[CellKey, ...] = ()
    field: str = ""  # a header field or `parts.<key>`, when not about cells

    def __str__(self) -> str:
        prefix = f"{self.where}：" if self.where else ""
        return f"{prefix}[{self.kind.value}] {self.what}"


@dataclass
class ImportResult:
    """The record as far as it could be read, and everything that could not."""

    data: dict[str, Any]  # for gongkai.records.record.from_mapping; None where missing or blank
    problems: list[Problem]
    kind: str  # which parser read it
    county_id: str | None = None
    township_id: str | None = None
    published: str = ""  # ISO date the report carries (落款, or the page's date), "" if none
    published_where: str = ""
    order: tuple[str, ...] = ()  # the parts' numbers in the order the document has them
    bare: tuple[str, ...] = ()  # tables whose part has a heading and nothing under it (put up as images)

    @property
    def complete(self) -> bool:
        return not any(p.kind is not Trouble.NOTE for p in self.problems)

    def missing_cells(self) -> set[CellKey]:
        return {
            (t, r, c)
            for t in ("table2", "table3", "table4")
            for r, cols in self.data.get(t, {}).items()
            for c, v in cols.items()
            if v is None
        }


# --- figures -------------------------------------------------------------------------

BLANK_MARKS = frozenset({"", "-", "--", "—", "——", "–", "－", "/", "／", "\\"})
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def clean(text: str) -> str:
    """Full-width digits and &nbsp; folded, spaces dropped: 「１２ 」 → 「12」."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# What XML and YAML cannot hold, listed rather than complemented: the complement's
# wide ranges cost 10 ms to compile, a tenth of everything else an import loads.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """Without the control characters a copy from a page can carry and YAML cannot hold."""
    return _UNPRINTABLE.sub("", text.replace("\ufeff", ""))


_INLINE = re.compile(r"([\\`*_\[\]<|]|&(?=#?\w+;))")
_LINE_START = re.compile(r"^(\s*)([#>+*-])")


def escape_markdown(text: str, line_start: bool = True) -> str:
    """Text from a PDF or Word paragraph as Markdown that renders as the same text.

    A 「*」「_」「#」「<」「[…]」 typed in the source is a character there, not
    formatting; escaped here, when the importer writes the part, the record
    stays readable and the page shows what the source showed. Numbered items
    (「1. 」) are left alone: they read as the list they are. `line_start` off
    for text joined onto a line already begun.
    """
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(r"\1\\\2", text) if line_start else text


def is_blank(text: str | None) -> bool:
    return text is not None and clean(text) in BLANK_MARKS


def is_number(text: str | None) -> bool:
    return text is not None and _NUMBER.fullmatch(clean(text)) is not None


def read_value(text: str, kind: Kind) -> tuple[Value, str | None]:
    """A cell's figure, or None and why not; blanks are None without complaint."""
    t = clean(text)
    if t in BLANK_MARKS:
        return None, None
    if not _NUMBER.fullmatch(t):
        return None, f"应为数字，实际为「{text.strip()[:40]}」"
    try:
        number = Decimal(t.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None, f"应为数字，实际为「{text.strip()[:40]}」"
    integral = number == number.to_integral_value()
    if kind is Kind.AMOUNT:
        if number < 0:
            return None, f"金额不能为负，实际为 {t}"
        # as printed: 96171.6, 4166.241619, 0 (records/display.py); a printed -0 is 0
        return (number.copy_abs() if number.is_zero() else number), None
    if not integral:
        return None, f"应为整数，实际为 {t}"
    if kind is Kind.COUNT and number < 0:
        return None, f"件数不能为负，实际为 {t}"
    return int(number), None


# --- zip containers (xlsx, docx) -------------------------------------------------------

MAX_UNZIPPED = 100_000_000  # bytes once inflated: a report's workbook or Word file is a few MB


def zip_kind(path: Path) -> str:
    """「docx」 or 「xlsx」 from a zip's directory, refused before anything is inflated if it would be huge.

    The sizes come from the central directory, so a 1.5 MB file that would
    inflate to 1.5 GB is refused without reading its contents.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "xlsx"  # the workbook reader names the damage
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED:
        raise NotAReport(
            f"{path.name}：解压后共 {total} 字节，超过上限 {MAX_UNZIPPED // 1_000_000} MB，"
            "不像一份年度报告的工作簿或 Word 文件"
        )
    names = {i.filename for i in infos}
    return "docx" if "word/document.xml" in names else "xlsx"


def office_lock(path: Path) -> str | None:
    """The document an Office lock file stands for, or None: Word/WPS write `~$x.docx`, LibreOffice `.~lock.x.docx#`.

    They appear beside a document while it is open and hold no report, so
    folders skip them and a lock file named on its own is refused in Chinese.
    """
    name = path.name
    if name.startswith("~$"):
        return name[2:]
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock.") : -1]
    return None
