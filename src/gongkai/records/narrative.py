"""A narrative part's structure: sub-headings, numbered items and paragraphs.

The record keeps each part as Markdown; every path in and out (the workbook's
rows, Word, text and PDF import, HTML and Word output, the copied-text rule)
reads and writes the same list of blocks defined here, so a 「（一）主动公开情况」
typed on its own line stays a sub-heading wherever the text goes.

`parse` is faithful to the Markdown (a heading is a sub-heading, a list item an
item); `from_lines` reads plain text typed line by line (a workbook cell with
Alt+Enter, a Word paragraph without a style), where a sub-heading is known by
its shape: a short line led by an ordinal, with no sentence ending.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from markdown_it import MarkdownIt

from gongkai.format.ordinals import ARABIC, SMALL, bracketed, dotted, dun


class Kind(StrEnum):
    SUBHEADING = "小标题"
    ITEM = "条目"
    PARAGRAPH = "段落"


@dataclass(frozen=True)
class Block:
    """One sub-heading, item or paragraph; `text` is its inline Markdown, as written."""

    kind: Kind
    text: str
    level: int = 0  # sub-headings: 1 for the part's highest, 2 for the next below …

    @property
    def plain(self) -> str:
        """The text a reader sees: emphasis marks and escapes gone."""
        return plain(self.text)


# The ordinals of Chinese official documents, highest first: 一、 （一） 1、 （1）.
SHAPES = tuple(
    re.compile(f"^{shape}")
    for shape in (dun(SMALL), bracketed(SMALL), dotted(rf"[{ARABIC}]{{1,2}}\s*"), bracketed(f"[{ARABIC}]{{1,2}}"))
)
SENTENCE_END = re.compile(r"[。！？；!?;]")
MAX_SUBHEADING = 40  # characters: a longer line is a sentence, whatever leads it
ORDERED = re.compile(r"^[0-9]{1,9}[.)](?:\s|$)")  # how Markdown writes an ordered item
BULLETS = ("· ", "• ", "●", "▪")  # what writers print before an unnumbered item
LEVEL_NAMES = ("小标题", "二级小标题", "三级小标题", "四级小标题")


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def shape(text: str) -> int | None:
    """1–4 for a line led by an ordinal 「一、」「（一）」「1、」「（1）」, whatever follows."""
    text = text.strip()
    for rank, pattern in enumerate(SHAPES, 1):
        m = pattern.match(text)
        if m and text[m.end() :].strip():
            return rank
    return None


def subheading_rank(text: str) -> int | None:
    """The shape's rank for a line that reads as a sub-heading: short, with no sentence ending.

    「1. 」 as Markdown writes an ordered item stays an item.
    """
    text = text.strip()
    if len(text) > MAX_SUBHEADING or SENTENCE_END.search(text) or ORDERED.match(text):
        return None
    return shape(text)


def parse(markdown: str) -> list[Block]:
    """The blocks of a part's Markdown; tables and other blocks are paragraphs kept verbatim."""
    source = markdown.split("\n")
    tokens = _parser().parse(markdown)
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.level != 0 or token.type.endswith("_close"):
            i += 1
            continue
        end = _close(tokens, i)
        if token.type == "heading_open":
            blocks.append(Block(Kind.SUBHEADING, tokens[i + 1].content, int(token.tag[1])))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            blocks += _items(tokens[i + 1 : end])
        elif token.map:
            lines = source[token.map[0] : token.map[1]]
            blocks.append(Block(Kind.PARAGRAPH, "\n".join(lines).strip()))
        i = end + 1
    return _relative(blocks)


def _close(tokens: Sequence[Any], i: int) -> int:
    """The index of the token closing the block opened at `i` (itself for a single token)."""
    if not tokens[i].type.endswith("_open"):
        return i
    for k in range(i + 1, len(tokens)):
        if tokens[k].level == tokens[i].level and tokens[k].type.endswith("_close"):
            return k
    return len(tokens) - 1


def _items(tokens: Sequence[Any]) -> list[Block]:
    out: list[Block] = []
    marker = ""
    texts: list[str] = []
    for token in tokens:
        if token.type == "list_item_open" and token.level == 1:
            marker = f"{token.info}{token.markup} " if token.info else ""
            texts = []
        elif token.type == "inline":
            texts.append(token.content)
        elif token.type == "list_item_close" and token.level == 1:
            out.append(Block(Kind.ITEM, marker + "\n".join(texts)))
    return out


def _relative(blocks: list[Block]) -> list[Block]:
    """Sub-heading levels counted from the part's highest: its editor's choice of `###` does not matter."""
    levels = [b.level for b in blocks if b.kind is Kind.SUBHEADING]
    if not levels:
        return blocks
    top = min(levels)
    return [Block(b.kind, b.text, b.level - top + 1) if b.kind is Kind.SUBHEADING else b for b in blocks]


def to_markdown(blocks: Iterable[Block]) -> str:
    """The part's Markdown: sub-headings `###` and below, items one a line, paragraphs apart."""
    out: list[str] = []
    previous: Kind | None = None
    for block in blocks:
        text = block.text.strip("\n")
        if not text.strip():
            continue
        if out and not (block.kind is Kind.ITEM and previous is Kind.ITEM):
            out.append("")
        if block.kind is Kind.SUBHEADING:
            out.append(f"{'#' * min(6, block.level + 2)} {' '.join(text.split())}")
        elif block.kind is Kind.ITEM:
            out.append(text if ORDERED.match(text) else f"- {text}")
        else:
            out.append(text)
        previous = block.kind
    return "\n".join(out) + "\n" if out else ""


def from_lines(text: str) -> list[Block]:
    """Plain text typed line by line: each line a block, sub-headings known by their shape.

    A short line led by 「1、」 is a sub-heading, unless another line led the same
    way is a sentence: then they are numbered paragraphs alike.
    """
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
    sentences = {shape(plain(ln)) for ln in lines if SENTENCE_END.search(ln)} - {None}
    found: list[Block] = []
    for line in lines:
        heading = _HEADING.match(line)
        rank = subheading_rank(line)
        if heading:  # typed as Markdown: its own level
            found.append(Block(Kind.SUBHEADING, heading.group(2).strip(), len(heading.group(1))))
        elif rank is not None and rank not in sentences:  # 一、 （一） 1、 （1） as ### #### ##### ######
            found.append(Block(Kind.SUBHEADING, line, rank + 2))
        elif ORDERED.match(line):
            found.append(Block(Kind.ITEM, line))
        elif line.startswith(("- ", "* ", "+ ", *BULLETS)):
            found.append(Block(Kind.ITEM, _unbullet(line)))
        else:
            found.append(Block(Kind.PARAGRAPH, line))
    return _relative(found)


def mark_subheadings(rows: list[str], body: list[bool]) -> list[str]:
    """Lines of Markdown as an importer read them, each body line shaped like a sub-heading made one (`###`…)."""
    plains = [row.strip() if is_body else "" for row, is_body in zip(rows, body, strict=True)]
    sentences = {shape(p) for p in plains if SENTENCE_END.search(p)} - {None}
    out = []
    for row, text in zip(rows, plains, strict=True):
        rank = subheading_rank(text) if text and "\n" not in row else None
        out.append(f"{'#' * (rank + 2)} {row.strip()}" if rank is not None and rank not in sentences else row)
    return out


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")


def _unbullet(text: str) -> str:
    for bullet in ("- ", "* ", "+ ", *BULLETS):
        if text.startswith(bullet):
            return text[len(bullet) :].strip()
    return text


def lines_to_markdown(text: str) -> str:
    """A cell or paragraph typed with line breaks, as a part's Markdown that keeps its lines apart."""
    return to_markdown(from_lines(text))


# --- rows: one block per row, for the workbook's narrative sheet ------------------------

Row = tuple[str, str]  # (kind as the sheet names it, text)


def kind_name(block: Block) -> str:
    if block.kind is Kind.SUBHEADING:
        return LEVEL_NAMES[min(block.level, len(LEVEL_NAMES)) - 1]
    return block.kind.value


def rows(markdown: str) -> list[Row]:
    """A part's text as rows (one block a row): 「小标题」「二级小标题」…「条目」「段落」 and the text."""
    return [(kind_name(b), b.text) for b in parse(markdown)]


def from_rows(given: Iterable[tuple[str | None, str | None]]) -> str:
    """Rows back to the part's Markdown; a row without a kind, or with several lines, is read by shape."""
    blocks: list[Block] = []
    for kind, text in given:
        text = (text or "").strip()
        if not text:
            continue
        name = (kind or "").strip()
        if name in LEVEL_NAMES and "\n" not in text:
            blocks.append(Block(Kind.SUBHEADING, text, LEVEL_NAMES.index(name) + 1))
        elif name == Kind.ITEM.value and "\n" not in text:
            blocks.append(Block(Kind.ITEM, text))
        elif name == Kind.PARAGRAPH.value and not any(b.kind is not Kind.PARAGRAPH for b in from_lines(text)):
            blocks.append(Block(Kind.PARAGRAPH, text))
        else:
            blocks += from_lines(text)
    return to_markdown(blocks)


# --- plain text ----------------------------------------------------------------------------


def plain(inline: str) -> str:
    """Inline Markdown as the reader sees it (no emphasis marks, no escapes)."""
    tokens = _parser().parseInline(inline)
    out: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                out.append("\n")
            elif child.type in ("text", "code_inline"):
                out.append(child.content)
    return "".join(out)


def text_blocks(markdown: str) -> list[Block]:
    """The blocks a reader reads as text, sub-headings left out whether marked up or only shaped like one.

    The copied-text rule compares these: a docx round trip that turns a `###`
    heading into a plain line must not change what counts as a sentence.
    """
    return [
        b
        for b in parse(markdown)
        if b.kind is not Kind.SUBHEADING and not (b.kind is Kind.PARAGRAPH and subheading_rank(b.plain) is not None)
    ]
