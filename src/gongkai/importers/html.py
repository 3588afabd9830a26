"""The HTML of a report page, as published or as gongkai renders it.

Tables are expanded into a grid first (rowspan/colspan), cells a merge covers
becoming layout fillers, so the shared row reader sees each label followed by
its own figures. Narrative blocks are turned back into Markdown: headings keep
their level, list items their marks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gongkai.errors import NotAReport
from gongkai.importers.base import Document, Line, Slot
from gongkai.importers.text import decode

_SNIFF = re.compile(rb"<(?:!doctype\s+html|html|body|head|table|p|div|h[1-6])[\s>]", re.IGNORECASE)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
SKIP = {
    "script", "style", "noscript", "template", "head", "title", "iframe", "svg", "nav", "select",
    "button", "input", "textarea", "object", "embed", "canvas", "meta", "link", "map", "footer",
}  # fmt: skip
CHROME = re.compile(
    r"(?:^|[-_])(?:footer|foot|nav|navbar|breadcrumb|crumb|menu|sidebar|copyright|share)(?:$|[-_])"
)  # class or id of a site's navigation and footer around the report
BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "body", "html", "center",
    "table", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "hr", "form", "fieldset",
    "figure", "figcaption", "address", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
}  # fmt: skip
MAX_TAGS = 300_000
MAX_CELLS = 30_000
_CELL = re.compile(r"<t[dh][\s>/]", re.IGNORECASE)
MAX_SPAN = 200  # a rowspan/colspan beyond this is an error in the page, not a layout
_MARKER = re.compile(r"^(\s*)([#>+*-]|\d+[.)])(\s|$)")


class HtmlParser:
    name: str = "html"
    suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml")

    def sniff(self, head: bytes) -> bool:
        return _SNIFF.search(head[:4096]) is not None

    def parse(self, path: Path) -> Document:
        raw = path.read_bytes()
        m = _CHARSET.search(raw[:4096])
        encodings = ("utf-8-sig", m.group(1).decode("ascii"), "gb18030") if m else ("utf-8-sig", "gb18030")
        return parse_html(decode(raw, path.name, encodings), path.name)


def parse_html(text: str, source: str) -> Document:
    from bs4 import BeautifulSoup

    _bounded(text, source)
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as e:  # lxml gives up on some binary junk; that is not a report
        raise NotAReport(f"{source}：无法解析的 HTML（{type(e).__name__}）") from None
    try:
        walker = _Walker(_source_lines(text, soup))
        own = _own_report(soup)
        title = soup.find("title")
        if title is not None and title.get_text(strip=True):
            walker.emit(Line("<title>", "", (Slot(title.get_text(" ", strip=True), "<title>"),)))
        if own is not None:  # gongkai's own page: only the official parts, not the reviewer's appendices
            for node in own:
                walker.block(node)
        else:
            walker.block(soup.body or soup)
        walker.flush()
    except RecursionError:
        raise NotAReport(f"{source}：HTML 嵌套过深（标签层层嵌套数百层以上），不像一份年度报告的网页") from None
    return Document(source, walker.lines, synthetic=walker.synthetic)


def _bounded(text: str, source: str) -> None:
    """Refuse, before parsing, a page with more tags or table cells than any report's page.

    The parsed tree costs about a kilobyte a tag: a 19 MB table would take minutes and gigabytes.
    """
    tags = text.count("<")
    if tags > MAX_TAGS:
        raise NotAReport(
            f"{source}：无法读取的网页：约有 {tags} 个标签，超过上限 {MAX_TAGS}（一份报告的网页只有几千个），"
            "不像一份年度报告"
        )
    cells = sum(1 for _ in _CELL.finditer(text))
    if cells > MAX_CELLS:
        raise NotAReport(
            f"{source}：无法读取的网页：表格共有 {cells} 个单元格，超过上限 {MAX_CELLS}（一份报告约 300 个），"
            "不像一份年度报告"
        )


def _own_report(soup: Any) -> list[Any] | None:
    """The official parts of a page gongkai rendered (cover and parts 一–六), or None for any other page.

    Our report.html marks the published document apart from the reviewer's
    appendices (checks, comparison, provenance); imported whole, those would
    run on into part 六.
    """
    appendices = soup.select(".gk-appendix")
    if not appendices:
        return None
    for node in appendices:
        node.decompose()
    return [soup.body or soup]


def _source_lines(text: str, soup: Any) -> dict[int, int]:
    """Each tag's line in the source, where lxml and BeautifulSoup agree on the tags."""
    import lxml.html  # type: ignore[import-untyped]

    try:
        root = lxml.html.document_fromstring(text)
    except Exception:  # line numbers are only a nicety for messages
        return {}
    out: dict[int, int] = {}
    for name in ("tr", "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "table", "td", "th"):
        ours = soup.find_all(name)
        theirs = [e.sourceline for e in root.iter(name)]
        if len(ours) == len(theirs):
            out.update({id(tag): line for tag, line in zip(ours, theirs, strict=True) if line})
    return out


def _hidden(node: Any) -> bool:
    """Not part of the report: hidden, or the site's navigation and footer around it."""
    if "display:none" in str(node.get("style", "")).replace(" ", "").lower():
        return True
    names = [*(node.get("class") or []), str(node.get("id") or "")]
    return any(CHROME.search(str(n).lower()) for n in names)


def _text(node: Any) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def _escape(text: str) -> str:
    """Plain text that reads back as itself when taken for Markdown."""
    text = re.sub(r"([\\`*_\[\]<])", r"\\\1", text)
    return "\n".join(_MARKER.sub(lambda m: f"{m.group(1)}{_unmark(m.group(2))}{m.group(3)}", line)
                     for line in text.split("\n"))  # fmt: skip


def _unmark(marker: str) -> str:
    return marker[:-1] + "\\" + marker[-1] if marker[-1] in ".)" else "\\" + marker


class _Walker:
    """Walks the page in reading order, turning blocks into `Line`s."""

    def __init__(self, lines_of: dict[int, int]) -> None:
        self.lines: list[Line] = []
        self.inline: list[tuple[str, str]] = []  # (markdown, plain) of the paragraph being read
        self.lines_of = lines_of
        self.tables = 0
        self.synthetic = False
        self.where = "第 1 行"

    def at(self, node: Any) -> str:
        line = self.lines_of.get(id(node))
        if line:
            self.where = f"第 {line} 行"
        return self.where

    def emit(self, line: Line) -> None:
        self.lines.append(line)

    def paragraph(self, markdown: str, plain: str, where: str, heading: int = 0) -> None:
        if not plain.strip():
            return
        if self.lines and self.lines[-1].markdown:
            self.emit(Line(where))
        self.emit(Line(where, markdown, (Slot(plain.strip(), where),), heading=heading))

    def flush(self) -> None:
        md = "".join(m for m, _ in self.inline).strip()
        plain = "".join(p for _, p in self.inline).strip()
        self.inline = []
        md = "\n".join(part.strip() for part in md.split("\n"))
        self.paragraph(md, plain, self.where)

    def block(self, node: Any) -> None:
        """A container: inline runs become paragraphs, blocks are handled by kind."""
        for child in node.children:
            name = getattr(child, "name", None)
            if name is None:
                if type(child).__name__ == "NavigableString":
                    text = re.sub(r"\s+", " ", str(child))
                    self.inline.append((_escape(text), text))
                continue
            if name in SKIP or _hidden(child):
                continue
            if "gk-synthetic" in (child.get("class") or []):
                self.synthetic = True
                continue
            if name == "br":
                self.flush()
            elif name not in BLOCKS and not child.find(BLOCKS):
                self.inline.append(self.inline_of(child))
            else:
                self.flush()
                self.at(child)
                self.element(child, name)
        self.flush()

    def element(self, node: Any, name: str) -> None:
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            md, plain = self.inline_of(node)
            level = int(name[1])
            self.paragraph(f"{'#' * level} {md.replace(chr(10), ' ').strip()}", plain, self.where, level)
        elif name == "p" and not node.find(BLOCKS - {"p"}):
            md, plain = self.inline_of(node)
            self.paragraph("\n".join(x.strip() for x in md.strip().split("\n")), plain, self.where)
        elif name in ("ul", "ol"):
            self.list(node, name == "ol", "")
        elif name == "table":
            self.table(node)
        elif name == "pre":
            text = node.get_text()
            self.paragraph(f"```\n{text.strip(chr(10))}\n```", text, self.where)
        elif name == "hr":
            self.paragraph("---", "---", self.where)
        else:
            self.block(node)

    def inline_of(self, node: Any) -> tuple[str, str]:
        """Markdown and plain text of inline content."""
        md: list[str] = []
        plain: list[str] = []
        for child in node.children:
            name = getattr(child, "name", None)
            if name is None:
                if type(child).__name__ == "NavigableString":
                    text = re.sub(r"\s+", " ", str(child))
                    md.append(_escape(text))
                    plain.append(text)
                continue
            if name in SKIP:
                continue
            if name == "br":
                md.append("\n")
                plain.append("\n")
                continue
            inner_md, inner_plain = self.inline_of(child)
            plain.append(inner_plain)
            core = inner_md.strip()
            if name in ("strong", "b") and core:
                md.append(f"**{core}**")
            elif name in ("em", "i") and core:
                md.append(f"*{core}*")
            elif name == "code" and core:
                md.append(f"`{inner_plain.strip()}`")
            elif name == "a" and core and str(child.get("href", "")).startswith(("http://", "https://")):
                md.append(f"[{core}]({child['href']})")
            else:
                md.append(inner_md)
        return "".join(md), "".join(plain)

    def list(self, node: Any, ordered: bool, indent: str) -> None:
        number = int(node.get("start", 1)) if str(node.get("start", "1")).isdigit() else 1
        first = True
        for item in node.find_all("li", recursive=False):
            marker = f"{number}." if ordered else "-"
            nested = [c for c in item.find_all(["ul", "ol"], recursive=False)]
            for sub in nested:
                sub.extract()
            md, plain = self.inline_of(item)
            md = " ".join(x.strip() for x in md.strip().split("\n"))
            where = self.at(item)
            if first and not indent and self.lines and self.lines[-1].markdown:
                self.emit(Line(where))
            self.emit(Line(where, f"{indent}{marker} {md}", (Slot(plain.strip(), where),)))
            for sub in nested:
                self.list(sub, sub.name == "ol", indent + " " * (len(marker) + 1))
            number += 1
            first = False

    def table(self, node: Any) -> None:
        """A data table becomes rows of cells; a layout table is read as blocks."""
        if node.find(["table", "h1", "h2", "h3", "h4", "h5", "h6"]):
            for cell in node.find_all(["td", "th"]):
                if cell.find_parent("table") is node:
                    self.block(cell)
            return
        self.tables += 1
        rows = [tr for tr in node.find_all("tr") if tr.find_parent("table") is node]
        grid = _grid(rows)
        if self.lines and self.lines[-1].markdown:
            self.emit(Line(self.where))
        for r, (tr, cells) in enumerate(zip(rows, grid, strict=True)):
            line = self.lines_of.get(id(tr))
            where = f"第 {line} 行" if line else f"第 {self.tables} 个表格第 {r + 1} 行"
            slots = tuple(Slot(text, f"{where}第 {c + 1} 列") for c, text in enumerate(cells))
            md = "| " + " | ".join((t or "").replace("|", "\\|") for t in cells) + " |"
            if r == 0:
                md += "\n|" + " --- |" * max(1, len(cells))
            self.emit(Line(where, md, slots, table=True))


def _grid(rows: list[Any]) -> list[list[str | None]]:
    """Rows of cells with spans expanded: a covered position is None (layout)."""
    taken: dict[tuple[int, int], str | None] = {}
    widths: dict[int, int] = {}  # per row, so the grid costs its cells, not rows × cells
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in taken:
                c += 1
            rowspan = _span(cell.get("rowspan"), len(rows) - r)
            colspan = _span(cell.get("colspan"), MAX_SPAN)
            text = _text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, c + dc)] = text if dr == dc == 0 else None
                widths[r + dr] = max(widths.get(r + dr, 0), c + colspan)
            c += colspan
    out: list[list[str | None]] = []
    for r in range(len(rows)):
        width = widths.get(r, 0)
        out.append([taken.get((r, c), "") for c in range(width)])
    return out


def _span(value: Any, limit: int) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        return 1
    if n == 0:  # HTML: to the end of the table
        return max(1, limit)
    return max(1, min(n, limit, MAX_SPAN))
