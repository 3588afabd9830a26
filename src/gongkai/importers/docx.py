"""A Word report (.docx) read through python-docx; an old binary .doc converted or refused.

Paragraphs and tables in document order. A table becomes rows of cells with
merges expanded as the HTML grid does (a position a merge covers is a layout
filler), so rows are found by label whatever the merges. Places are 「第 12 段」
for paragraphs and 「第 2 个表格第 5 行第 3 列」 for cells.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from gongkai.errors import NotAReport
from gongkai.importers.base import Document, Line, Slot, escape_markdown
from gongkai.records import narrative

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Office container (.doc, .xls)
CONVERT_SECONDS = 120
MAX_TABLE_ROWS = 2_000


class DocxParser:
    name: str = "docx"
    suffixes: tuple[str, ...] = (".docx", ".docm")

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"PK\x03\x04")

    def parse(self, path: Path) -> Document:
        return parse_docx(path, path.name)


class DocParser:
    """Old binary Word: converted through LibreOffice when it is installed, else refused."""

    name: str = "doc"
    suffixes: tuple[str, ...] = (".doc", ".wps")

    def sniff(self, head: bytes) -> bool:
        return head.startswith(OLE)

    def parse(self, path: Path) -> Document:
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise NotAReport(
                f"{path.name}：旧版 Word 文件（.doc）无法直接读取；请用 Word 或 WPS 另存为 .docx 后再导入"
                "（或安装 LibreOffice，本工具会自动转换）"
            )
        with tempfile.TemporaryDirectory(prefix="gongkai-doc-") as tmp:
            profile = Path(tmp) / "profile"
            try:
                subprocess.run(
                    [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "docx",
                     "--outdir", tmp, str(path.resolve())],
                    capture_output=True, timeout=CONVERT_SECONDS, check=False,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                raise NotAReport(f"{path.name}：LibreOffice 转换超过 {CONVERT_SECONDS} 秒，已放弃") from None
            out = Path(tmp) / f"{path.stem}.docx"
            if not out.is_file():
                raise NotAReport(f"{path.name}：不是可读取的 Word 文件（LibreOffice 无法转换为 .docx）")
            return parse_docx(out, f"{path.name}（经 LibreOffice 转换为 .docx）")


def parse_docx(path: Path, source: str) -> Document:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as e:  # a zip that is not a Word file, a damaged one
        raise NotAReport(f"{source}：不是可读取的 Word 文件（{type(e).__name__}）") from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[Line] = []
    paragraphs = tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs += 1
            _paragraph(block, f"第 {paragraphs} 段", lines)
        elif isinstance(block, Table):
            tables += 1
            lines += _table(block, tables)
    return Document(source, lines)


def _paragraph(paragraph: Any, where: str, lines: list[Line]) -> None:
    text = paragraph.text.replace("\t", " ").strip()
    if not text:
        return
    style = str(getattr(paragraph.style, "name", "") or "")
    level = int(style[-1]) if style.startswith(("Heading", "标题")) and style[-1:].isdigit() else 0
    if style == "Title":
        level = 1
    level = level or _outline_level(paragraph)
    item = not level and _is_list(paragraph.style) and "\n" not in text
    if item:
        markdown = escape_markdown(text) if narrative.ORDERED.match(text) else f"- {_item_text(text)}"
    else:
        markdown = f"{'#' * level} {escape_markdown(text)}" if level else escape_markdown(text)
    if lines and lines[-1].markdown and not (item and lines[-1].markdown.startswith(_ITEM_STARTS)):
        lines.append(Line(where))  # paragraphs apart, as Markdown separates them; a list's items together
    for k, part in enumerate(text.split("\n")):  # a line break inside a paragraph
        part = part.strip()
        if part:
            plain = escape_markdown(part)
            md = markdown if k == 0 and "\n" not in text else (f"{'#' * level} {plain}" if level else plain)
            lines.append(Line(where, md, (Slot(part, where),), heading=level))


_ITEM_STARTS = ("- ", *(f"{n}." for n in range(10)), *(f"{n})" for n in range(10)))


def _item_text(text: str) -> str:
    for bullet in narrative.BULLETS:
        if text.startswith(bullet):
            return escape_markdown(text[len(bullet) :].strip(), line_start=False)
    return escape_markdown(text, line_start=False)


def _outline_level(paragraph: Any) -> int:
    """A heading by its outline level (its own or its style's): how Word itself knows a heading."""
    from docx.oxml.ns import qn

    elements = [paragraph._p]
    style = paragraph.style
    while style is not None and len(elements) < 10:
        elements.append(style.element)
        style = style.base_style
    for element in elements:
        ppr = element.find(qn("w:pPr"))
        found = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
        if found is not None:
            value = found.get(qn("w:val"), "")
            return int(value) + 1 if value.isdigit() and int(value) < 9 else 0
    return 0


def _is_list(style: Any) -> bool:
    """A paragraph styled as a list item (List Paragraph, List Number, 列表段落 and styles built on them)."""
    for _ in range(10):
        if style is None:
            return False
        if str(style.name or "").startswith(("List", "列表")):
            return True
        style = style.base_style
    return False


def _table(table: Any, number: int) -> list[Line]:
    """Rows of cells; a position covered by a merge (across or down) is None."""
    out: list[Line] = []
    above: list[Any] = []
    for r, row in enumerate(table.rows):
        if r >= MAX_TABLE_ROWS:
            break
        cells = list(row.cells)
        tcs = [c._tc for c in cells]
        texts: list[str | None] = []
        for c, cell in enumerate(cells):
            covered = (c > 0 and tcs[c - 1] is tcs[c]) or (c < len(above) and above[c] is tcs[c])
            texts.append(None if covered else " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        above = tcs
        where = f"第 {number} 个表格第 {r + 1} 行"
        slots = tuple(Slot(t, f"{where}第 {c + 1} 列") for c, t in enumerate(texts))
        md = "| " + " | ".join(escape_markdown(t or "", line_start=False) for t in texts) + " |"
        if r == 0:
            md += "\n|" + " --- |" * max(1, len(texts))
        out.append(Line(where, md, slots, table=True))
    return out
