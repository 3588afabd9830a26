"""A text PDF (as WPS, Word, LibreOffice or Chromium print them), read from its geometry.

pdfplumber gives the words with their boxes and the ruled tables' cells.
A ruled table becomes rows of cells as the HTML grid does: a cell covered by a
merge is a layout filler, so the shared row reader sees each label followed
by its own figures. Everything else is read line by line from the word
positions (words far apart are separate cells), page numbers dropped, and
lines that run on to the next one joined back into paragraphs. Places are
「第 3 页第 12 行」, counted from the top of the page as a reader counts.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.errors import ImageOnly, NotAReport
from gongkai.format.ordinals import HEAD, di
from gongkai.importers import running
from gongkai.importers.base import Document, Line, Slot, escape_markdown, is_blank, is_number
from gongkai.importers.pdfguard import check_page, survey

MAX_PAGES = 60  # a township's report is 3–10 pages
_PAGE_NUMBER = re.compile(r"^[-—–－~·\s]*(?:第\s*)?\d{1,3}(?:\s*页)?(?:\s*[/／共]\s*\d{1,3}\s*页?)?[-—–－~·\s]*$")
_ASCII = re.compile(r"[0-9A-Za-z.,%]")
_STARTS = re.compile(rf"^\s*(?:{HEAD}|{di()})")


class PdfParser:
    name: str = "pdf"
    suffixes: tuple[str, ...] = (".pdf",)

    def sniff(self, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]

    def parse(self, path: Path) -> Document:
        return parse_pdf(path)


@dataclass
class _Row:
    """One visual line (or one table row) of a page before it becomes a `Line`."""

    top: float
    bottom: float
    x0: float
    x1: float
    words: list[dict[str, Any]]
    cells: list[str | None] | None = None  # a ruled table row: one entry per grid column
    where: str = ""
    page: int = 0
    margins: tuple[float, float, float] = (0.0, 0.0, 10.0)  # the page's text left, right, font size
    edge: bool = False  # in the page's top or bottom margin, where running headers and footers stand

    @property
    def text(self) -> str:
        return join(self.words)


# Radicals a PDF font maps some ideographs to (Noto CJK through Chromium: 民 → ⺠): folded back.
_RADICALS = str.maketrans(
    "⺠⺟⻓⻔⻜⻢⻛⻅⻆⻘⻝⻥⻦⻬⻮⻚⻉⻋⻄⻈⻩⻨⻰⻳⻙",
    "民母长门飞马风见角青食鱼鸟齐齿页贝车西讠黄麦龙龟韦",
)
_KANGXI = re.compile(r"[\u2e80-\u2fdf]")


def fold(text: str) -> str:
    """Ideographs a font stored as radicals (⺠, ⼈) read as the characters they are."""
    if not _KANGXI.search(text):
        return text
    text = text.translate(_RADICALS)
    return _KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


def join(words: list[dict[str, Any]]) -> str:
    """Words in reading order as one text: no space between Chinese characters, one between Latin."""
    out = ""
    for w in words:
        t = str(w["text"])
        if out and _ASCII.match(out[-1]) and _ASCII.match(t[0]):
            out += " "
        out += t
    return out


def parse_pdf(path: Path) -> Document:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings about Type 3 fonts, not ours to fix
    survey(path, MAX_PAGES)  # loops, bombs and deep trees refused before pdfplumber meets them
    try:
        pdf = pdfplumber.open(path)
    except Exception as e:  # not a PDF after all, encrypted, damaged
        raise NotAReport(f"{path.name}：无法读取的 PDF：文件已损坏或加密（{type(e).__name__}）") from None
    with pdf:
        rows: list[_Row] = []
        chars = 0
        try:
            if len(pdf.pages) > MAX_PAGES:
                raise NotAReport(f"{path.name}：PDF 有 {len(pdf.pages)} 页，超过上限 {MAX_PAGES} 页，不像一份年度报告")
            for number, page in enumerate(pdf.pages, 1):
                check_page(page, number, path)
                chars += len(page.chars)
                rows += _page_rows(page, number)
        except NotAReport:
            raise
        except RecursionError:
            raise NotAReport(f"{path.name}：无法读取的 PDF：结构嵌套过深") from None
        except Exception as e:  # a damaged content stream
            if isinstance(e.__cause__ or e.__context__, MemoryError):  # pdfplumber wraps it: the worker's limit
                raise MemoryError from None
            raise NotAReport(f"{path.name}：无法读取的 PDF：内容无法解析（{type(e).__name__}）") from None
    dropped = running.furniture([(r.page, r.text, r.edge and r.cells is None) for r in rows])
    rows = [r for n, r in enumerate(rows) if n not in dropped]
    if chars == 0:
        raise ImageOnly(
            f"{path.name}：PDF 没有文字层（可能是扫描件或图片），无法读取；请找文字版，或先用 OCR 软件转为文字"
        )
    return Document(path.name, _lines(rows))


def _page_rows(page: Any, number: int) -> list[_Row]:
    """The page's visual lines and table rows, top to bottom, page numbers dropped."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
    if not words:
        return []
    for w in words:
        w["text"] = fold(str(w["text"]))
    size = _median([w["bottom"] - w["top"] for w in words]) or 10.0
    rows: list[_Row] = []
    taken: set[int] = set()
    objects = page.objects  # parsed once per page; words, rulings and chars all come from it
    if any(objects.get(kind) for kind in ("rect", "line", "curve")):  # no rulings, no ruled table to look for
        for table in page.find_tables():
            rows += _table_rows(table, words, taken)
    rows += _text_rows([w for i, w in enumerate(words) if i not in taken])
    rows.sort(key=lambda r: (r.top, r.x0))
    height = float(page.height)
    rows = [r for r in rows if not (r.cells is None and _is_page_number(r, height))]
    left = min((r.x0 for r in rows if r.cells is None), default=0.0)
    right = max((r.x1 for r in rows if r.cells is None), default=0.0)
    for n, row in enumerate(rows, 1):
        row.where = f"第 {number} 页第 {n} 行"
        row.page = number
        row.margins = (left, right, size)
        row.edge = row.top < running.EDGE * height or row.bottom > (1 - running.EDGE) * height
    return rows


def _lines(rows: list[_Row]) -> list[Line]:
    """Rows as `Line`s, the visual lines of one paragraph joined (across pages too)."""
    out: list[Line] = []
    previous: _Row | None = None
    last_table: _Row | None = None
    for row in rows:
        if row.cells is not None and last_table is not None and out and out[-1].table and _continues(last_table, row):
            assert last_table.cells is not None and row.cells is not None
            last_table.cells = [a if not b else (a or "") + b for a, b in zip(last_table.cells, row.cells, strict=True)]
            row = last_table
            out.pop()
        if row.cells is not None:
            last_table = row
            slots = tuple(Slot(c, f"{row.where}第 {k + 1} 列") for k, c in enumerate(row.cells))
            md = "| " + " | ".join(escape_markdown(c or "", line_start=False) for c in row.cells) + " |"
            out.append(Line(row.where, md, slots, table=True))
            previous = None
            continue
        line = _text_line(row)
        last = out[-1] if out else None
        if previous is not None and last is not None and len(line.cells) == 1 and _runs_on(previous, row):
            md = last.markdown + escape_markdown(row.text, line_start=False)
            out[-1] = Line(last.where, md, (Slot(last.text + row.text, last.where),))
        else:
            if last is not None and not last.table and len(last.cells) == 1 and len(line.cells) == 1:
                out.append(Line(row.where))  # paragraphs apart, as Markdown separates them
            out.append(line)
        previous = row if len(line.cells) == 1 else None
    return out


def _continues(above: _Row, row: _Row) -> bool:
    """A table row broken by a page break: its rest on top of the next page, no figures in it.

    A header row repeated on the new page has text where the row above has
    figures, so it is not taken for a continuation.
    """
    if row.page != above.page + 1 or above.cells is None or row.cells is None or len(row.cells) != len(above.cells):
        return False
    if not any(row.cells) or any(c and is_number(c) for c in row.cells):
        return False  # a row with figures (table 四's figures under headers left on the page before) stands alone
    return all(
        not b or (a is not None and not is_number(a) and not is_blank(a))
        for a, b in zip(above.cells, row.cells, strict=True)
    )


def _runs_on(previous: _Row, row: _Row) -> bool:
    """Whether `row` continues the paragraph of the line before it, which filled its width."""
    left, _, size = row.margins
    if previous.x1 < previous.margins[1] - 2 * size or row.x0 > left + 1.5 * size:
        return False
    return _STARTS.match(row.text) is None


def _text_line(row: _Row) -> Line:
    """A visual line: words far apart are separate cells, a trailing run of figures a table row."""
    size = row.margins[2]
    chunks: list[list[dict[str, Any]]] = []
    for w in sorted(row.words, key=lambda w: w["x0"]):
        if chunks and w["x0"] - chunks[-1][-1]["x1"] < 0.9 * size and not _figure(chunks[-1][-1], w):
            chunks[-1].append(w)
        else:
            chunks.append([w])
    texts = [join(c) for c in chunks]
    md = escape_markdown(row.text)
    if len(texts) > 1 and any(is_number(t) or is_blank(t) for t in texts[1:]):
        return Line(row.where, md, tuple(Slot(t, row.where) for t in texts))
    return Line(row.where, md, (Slot(md, row.where),))


def _figure(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two words that are separate figures however close they stand (「0 0」)."""
    return is_number(str(a["text"])) and is_number(str(b["text"]))


def _table_rows(table: Any, words: list[dict[str, Any]], taken: set[int]) -> list[_Row]:
    """The rows of a ruled table with two or more cells; a one-cell row is text in a frame."""
    out: list[_Row] = []
    centres = [(i, (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2) for i, w in enumerate(words)]
    for row in table.rows:
        boxes = list(row.cells)
        real = [b for b in boxes if b is not None]
        if len(real) < 2:
            continue
        cells: list[str | None] = []
        inside: list[dict[str, Any]] = []
        rx0, rtop, rx1, rbottom = row.bbox  # only the words of this row are looked at for its cells
        near = [c for c in centres if rx0 <= c[1] <= rx1 and rtop <= c[2] <= rbottom]
        for box in boxes:
            if box is None:
                cells.append(None)
                continue
            x0, top, x1, bottom = box
            mine = []
            for i, cx, cy in near:
                if i not in taken and x0 <= cx <= x1 and top <= cy <= bottom:
                    mine.append(words[i])
                    taken.add(i)
            mine.sort(key=lambda w: (round(w["top"] / 3), w["x0"]))
            cells.append(join(mine))
            inside += mine
        x0, top, x1, bottom = row.bbox
        out.append(_Row(top, bottom, x0, x1, inside, cells))
    return out


def _text_rows(words: list[dict[str, Any]]) -> list[_Row]:
    """Words grouped into visual lines: a word joins a line it overlaps vertically by half."""
    rows: list[_Row] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        for row in reversed(rows[-3:]):
            overlap = min(row.bottom, w["bottom"]) - max(row.top, w["top"])
            if overlap > 0.5 * min(row.bottom - row.top, w["bottom"] - w["top"]):
                row.words.append(w)
                row.x0, row.x1 = min(row.x0, w["x0"]), max(row.x1, w["x1"])
                row.bottom = max(row.bottom, w["bottom"])
                break
        else:
            rows.append(_Row(w["top"], w["bottom"], w["x0"], w["x1"], [w]))
    for row in rows:
        row.words.sort(key=lambda w: w["x0"])
    return rows


def _is_page_number(row: _Row, height: float) -> bool:
    in_margin = row.top > 0.85 * height or row.bottom < 0.12 * height
    return in_margin and _PAGE_NUMBER.match(row.text) is not None


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2] if values else 0.0
