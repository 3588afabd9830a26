"""Plain text as copied from a report page or converted from Word.

Headings may be Markdown (`## 二、…`) or bare lines; tables come as
tab-separated rows (columns shifted, blank or padded), Markdown pipe rows
(`| 规章 | 0 | - | |`) or words separated by spaces. Every line keeps its raw
text as Markdown, so narrative parts come back exactly as written.
"""

from __future__ import annotations

import re
from pathlib import Path

from gongkai.errors import NotAReport
from gongkai.importers.base import Document, Line, Slot, is_blank, is_number

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_DELIMITER = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_EMPHASIS = re.compile(r"^(\*\*|__)(.+)\1$")
ENCODINGS = ("utf-8-sig", "gb18030")  # Chinese government pages are still often GBK


class TextParser:
    name: str = "text"
    suffixes: tuple[str, ...] = (".txt", ".md", ".markdown", ".text")

    def sniff(self, head: bytes) -> bool:
        return True  # the fallback: anything that decodes as text

    def parse(self, path: Path) -> Document:
        return parse_text(decode(path.read_bytes(), path.name), path.name)


_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def decode(raw: bytes, source: str, encodings: tuple[str, ...] = ENCODINGS) -> str:
    """The file's text; a binary file is not a report, whatever its name."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        controls = len(_CONTROLS.findall(text))  # category Cc but tab, line ends, form feed: at C speed
        if "\x00" in text or controls > max(2, len(text) // 100):
            break
        return text
    raise NotAReport(f"{source}：不是文本文件，也不是 HTML 或 Excel 工作簿")


_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,3}(?:\s*页)?[-—–－\s]*$")
_BREAKS = re.compile(r"\r\n|\r|\n")


def parse_text(text: str, source: str) -> Document:
    """Lines numbered as an editor numbers them: a form feed (a page break in text
    converted from PDF or Word) is not a line, and a page number is not a row."""
    lines = []
    for n, raw in enumerate(_BREAKS.split(text.removesuffix("\n")), 1):
        raw = raw.replace("\f", "").replace("\v", "")
        where = f"第 {n} 行"
        if _PAGE_NUMBER.match(raw) and re.search(r"[-—–－页]", raw):
            lines.append(Line(where))
        else:
            lines.append(line_of(raw, where))
    return Document(source, lines)


def line_of(raw: str, where: str) -> Line:
    """One line: a heading, a table row (tabs or pipes), or words."""
    m = _HEADING.match(raw)
    if m:
        return Line(where, raw, (Slot(_plain(m.group(2)), where),), heading=len(m.group(1)))
    if "\t" in raw:
        return Line(where, raw, tuple(Slot(c.strip(), where) for c in raw.split("\t")), table=True)
    stripped = raw.strip()
    if stripped.startswith("|") or stripped.count("|") >= 2:
        if _DELIMITER.match(stripped):
            return Line(where, raw, table=True)
        inner = stripped.removeprefix("|")
        inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
        cells = re.split(r"(?<!\\)\|", inner)
        return Line(where, raw, tuple(Slot(c.strip().replace("\\|", "|"), where) for c in cells), table=True)
    if not stripped:
        return Line(where, raw)
    return Line(where, raw, _words(stripped, where))


def _words(text: str, where: str) -> tuple[Slot, ...]:
    """「规章 0 0 0」 → label and figures; any other line is one cell."""
    tokens = text.split()
    k = 0
    while k < len(tokens) and (is_number(tokens[-1 - k]) or is_blank(tokens[-1 - k])):
        k += 1
    if k == 0:
        return (Slot(_plain(text), where),)
    head = " ".join(tokens[: len(tokens) - k])
    return ((Slot(head, where),) if head else ()) + tuple(Slot(t, where) for t in tokens[len(tokens) - k :])


def _plain(text: str) -> str:
    """A heading's text without the bold marks editors wrap it in."""
    m = _EMPHASIS.match(text.strip())
    return m.group(2).strip() if m else text.strip()
