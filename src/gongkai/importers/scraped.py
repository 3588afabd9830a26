"""A report page as a scraper saved it: the whole page on one line, with the site's chrome around it.

Archives of government sites keep a page's text with every line break and
table border gone: breadcrumbs (「当前位置：首页…」), 「来源：… 时间：…」, share
buttons, then the report with its headings and table rows run on. Here such a
line is cut back into lines — the title, the six parts' headings, the
sub-headings of the narrative, one line per table row (label, then its
figures marked as run together) — so the shared reader can read it. The chrome
is dropped (and named once); a date the page shows is kept as the report's
publication date.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from gongkai.format import FORMATS, Table
from gongkai.format.common import PARTS
from gongkai.format.labels import close, normalize, spellings
from gongkai.format.ordinals import MARKS, NUMERAL, SMALL, bracketed, dotted, dun
from gongkai.importers.base import Document, Line, Slot

LONG = 300  # characters: a line this long holding two part headings is a flattened page
_PART_START = re.compile(dun(rf"{NUMERAL}\s*"))  # one numeral, as parts are numbered; print may space it
_SUB = re.compile(rf"(?<=[。；;：:！!])\s*(?={bracketed(SMALL)})")
_TITLE = re.compile(r"\S{0,40}?(?:19|20)\d\d\s*年度?\s*政府信息公开(?:工作)?年度报告")
_DATE = re.compile(r"(?:发布)?(?:时间|日期)\s*[:：]\s*(?P<date>(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?)")
_CHROME = re.compile(
    r"当前位置\s*[:：]|您现在所在的位置\s*[:：]?|来源\s*[:：]\s*\S+|(?:发布)?时间\s*[:：]\s*[\d\-/: ]+"
    r"|分享到\s*[:：]?|微信|微博|QQ空间|全真版|文字版|文件下载|相关链接\s*[:：]?\s*(?:-->)?"
    r"|【?打印本页】?|【?关闭窗口】?|附件下载|字号\s*[:：]?\s*[大中小 ]*|【字体\s*[:：][^】]*】"
)
_RUN = re.compile(r"\d+(?:\.\d+)?(?:[ \u3000\xa0]+\d+(?:\.\d+)?)*")
_ORDINAL_AFTER = re.compile(rf"[{MARKS}](?=[\u4e00-\u9fff“\"])")
# One digit only before the mark: the figures ahead of a row run into its ordinal (「00000002.其他」).
_LABEL_ORDINAL = re.compile("(?:" + "|".join((dun(), bracketed(), dotted(r"\d"))) + ")$")
_HEADER_FORM = re.compile(r"^(?:标题|题目|名称)\s*[:：]\s*")


@dataclass(frozen=True)
class Piece:
    start: int
    text: str
    kind: str  # "title", "chrome", "heading", "narrative", "table"
    table: str = ""


def _parts_titles() -> list[tuple[str, str, str]]:
    """(number, table id or "", normalized title) for every part's title and variant."""
    out = []
    for part in PARTS:
        for title in (part.title, *part.variants):
            out.append((part.number, part.table or "", normalize(title)))
    return out


def part_headings(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, part number, table id) of each part heading in a run-on text, first of each part only."""
    found: list[tuple[int, int, str, str]] = []
    seen: set[str] = set()
    titles = _parts_titles()
    for m in _PART_START.finditer(text):
        after = text[m.end() : m.end() + 40]
        exact: tuple[int, str, str] | None = None
        fuzzy: tuple[int, str, str] | None = None
        for number, table, title in titles:
            if number in seen or number != m.group(0)[0]:
                continue
            for size in range(max(2, len(title) - 2), len(title) + 6):
                window = normalize(after[:size])
                if window == title and (exact is None or size > exact[0]):
                    exact = (size, number, table)  # the longest: spaces after the title go with it
                elif close(window, title) and (fuzzy is None or size < fuzzy[0]):
                    fuzzy = (size, number, table)  # the shortest: the text after the title is not taken
        while exact is not None and not after[exact[0] - 1].isspace() and _same(after, exact[0]):
            exact = (exact[0] - 1, exact[1], exact[2])  # a bracket after the title opens the text that follows
        best = exact or fuzzy
        if best is not None:
            found.append((m.start(), m.end() + best[0], best[1], best[2]))
            seen.add(best[1])
    return found


def _same(text: str, size: int) -> bool:
    return normalize(text[: size - 1]) == normalize(text[:size])


def is_flattened(line: Line) -> bool:
    text = line.markdown or line.text
    return len(text) > LONG and len(part_headings(text)) >= 2


def unflatten(doc: Document) -> Document:
    """The document with each flattened page line cut back into lines; others as they were."""
    if not any(is_flattened(line) for line in doc.lines):
        return doc
    lines: list[Line] = []
    meta = dict(doc.meta)
    for line in doc.lines:
        if not is_flattened(line):
            m = _DATE.search(line.text)
            if m and len(line.text) < 60 and "published" not in meta:
                meta["published"] = (m.group("date"), line.where)
            head = _HEADER_FORM.sub("", line.markdown) if _HEADER_FORM.match(line.markdown) else None
            lines.append(Line(line.where, head, (Slot(head, line.where),)) if head is not None else line)
            continue
        for piece in _pieces(line.markdown or line.text):
            where = f"{line.where}第 {piece.start + 1} 字"
            if piece.kind == "chrome":
                m = _DATE.search(piece.text)
                if m and "published" not in meta:
                    meta["published"] = (m.group("date"), where)
                meta.setdefault("chrome", (piece.text.strip(), where))
                continue
            if piece.kind == "table":
                lines += _table_lines(piece, where)
                continue
            text = piece.text.strip()
            lines.append(Line(where, text, (Slot(text, where),), heading=2 if piece.kind == "heading" else 0))
    return Document(doc.source, lines, meta, doc.synthetic)


def _pieces(text: str) -> list[Piece]:
    heads = part_headings(text)
    out: list[Piece] = []
    first = heads[0][0] if heads else len(text)
    out += _preamble(text[:first])
    for k, (start, end, _number, table) in enumerate(heads):
        out.append(Piece(start, text[start:end], "heading"))
        stop = heads[k + 1][0] if k + 1 < len(heads) else len(text)
        body = text[end:stop]
        if table:
            out.append(Piece(end, body, "table", table))
        else:
            out += _narrative(body, end)
    return [p for p in out if p.text.strip()]


def _preamble(text: str) -> list[Piece]:
    """Chrome, the title and the opening text before part 一."""
    out: list[Piece] = []
    cuts = sorted(
        {0, len(text)}
        | {x for m in _CHROME.finditer(text) for x in (m.start(), m.end())}
        | {x for m in _TITLE.finditer(text) for x in (m.start(), m.end())}
    )
    chrome = {(m.start(), m.end()) for m in _CHROME.finditer(text)}
    for a, b in itertools.pairwise(cuts):
        piece = text[a:b]
        if (a, b) in chrome or any(x <= a and b <= y for x, y in chrome):
            out.append(Piece(a, piece, "chrome"))
        elif _TITLE.fullmatch(piece.strip()):
            out.append(Piece(a, piece, "title"))
        else:
            out += _narrative(piece, a)
    return out


def _narrative(text: str, offset: int) -> list[Piece]:
    """A narrative part cut before its sub-headings (「（一）主动公开方面」), and its trailing chrome dropped."""
    out = []
    marks = [0, *(m.end() for m in _SUB.finditer(text)), len(text)]
    for a, b in itertools.pairwise(marks):
        piece = text[a:b]
        tail = re.search(r"(?:\s*(?:" + _CHROME.pattern + r"))+\s*$", piece)
        if tail and tail.start() > 0:
            out.append(Piece(offset + a, piece[: tail.start()], "narrative"))
            out.append(Piece(offset + a + tail.start(), piece[tail.start() :], "chrome"))
        else:
            out.append(Piece(offset + a, piece, "narrative"))
    return out


def _spellings(table_id: str) -> tuple[set[str], list[str]]:
    """Row spellings (normalized) of a table in either format, and its header words as printed."""
    rows: set[str] = set()
    words: set[str] = set()
    for fmt in FORMATS.values():
        table: Table = fmt.table(table_id)
        nodes = [*table.rows, *(r for b in table.blocks for r in b.rows)]
        while nodes:
            node = nodes.pop()
            nodes.extend(node.children)
            if not node.children and not table.transposed:
                rows.update(spellings(node))
            if table.transposed:
                words.update((node.label, *node.variants))
        stack = [*table.columns, *(c for b in table.blocks for c in b.columns)]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            words.update((node.label, *node.variants))
    return rows, sorted(words, key=len, reverse=True)


def _table_lines(piece: Piece, where: str) -> list[Line]:
    """One line per row: the label (headers before it on a line of their own), then its figures."""
    rows, words = _spellings(piece.table)
    text = piece.text
    runs = []
    for m in _RUN.finditer(text):
        start, end = m.start(), m.end()
        after = _ORDINAL_AFTER.match(text, end)
        if after is not None:  # 「00000002.其他…」: the last digit is the next row's ordinal
            end -= 1
        if end > start and text[start:end].strip():
            runs.append((start, end))
    out: list[Line] = []
    at = 0
    for start, end in [*runs, (len(text), len(text))]:
        label = text[at:start].strip()
        figures = text[start:end].split()
        at = end
        if not label and not figures:
            continue
        cut = _label_start(label, rows)
        head, label = label[:cut].strip(), label[cut:].strip()
        if head:
            cells = _words(head, words) if not rows else [head]
            out.append(Line(where, head, tuple(Slot(c, where) for c in cells), table=True))
        slots = ([Slot(label, where)] if label else []) + [Slot(f, where, run=True) for f in figures]
        if slots:
            out.append(Line(where, " ".join(s.text or "" for s in slots), tuple(slots), table=True))
    return out


def _label_start(text: str, rows: set[str]) -> int:
    """Where the row label a text ends with begins (with its ordinal); len(text) when none."""
    if not rows:
        return len(text)
    for i in range(len(text)):
        if normalize(text[i:]) in rows:
            m = _LABEL_ORDINAL.search(text[:i])
            return m.start() if m else i
    return 0


def _words(text: str, words: list[str]) -> list[str]:
    """A header run on (「行政复议行政诉讼结果维持…」) cut into the table's own header words, longest first."""
    out: list[str] = []
    rest = ""
    i = 0
    plain = unicodedata.normalize("NFKC", text)
    while i < len(plain):
        hit = next((w for w in words if plain.startswith(w, i)), None)
        if hit is None:
            rest += plain[i]
            i += 1
            continue
        if rest.strip():
            out.append(rest.strip())
        rest = ""
        out.append(hit)
        i += len(hit)
    if rest.strip():
        out.append(rest.strip())
    return out
