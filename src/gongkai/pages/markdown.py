"""Narrative Markdown to HTML that cannot carry markup from the record.

Raw HTML is off in the parser and the result goes through an allow-list
sanitizer as well, so neither a parser quirk nor a crafted link gets through.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import nh3
from markdown_it import MarkdownIt

from gongkai.format.ordinals import ARABIC, MARKS, NUMERALS, bracketed, dotted, dun

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "ul": {"class"}, "th": {"style"}, "td": {"style"}}
# An item that carries its own number (「1、」「1)」「(2)」「（三）」「一、」): the list must not add a bullet.
# The text is not folded by NFKC, so full-width digits are named.
OWN_NUMBER = re.compile(
    rf"^\s*(?:{dotted(f'[{ARABIC}]+', MARKS + ')）')}|{bracketed(f'[{ARABIC}{NUMERALS}]+')}|{dun()})"
)


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def to_html(text: str, top: int = 3) -> str:
    """Render `text`, shifting its headings so the highest becomes <h{top}>.

    Published narratives use whatever heading levels their editor chose; the
    report's own part headings are <h2>, so the narrative's must sit below.
    """
    md = _parser()
    tokens = md.parse(text)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = top - min(levels) if levels else 0
    for t in tokens:
        if t.type in ("heading_open", "heading_close"):
            t.tag = f"h{min(6, int(t.tag[1]) + shift)}"
    _mark_numbered_lists(tokens)
    html = md.renderer.render(tokens, md.options, {})
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _mark_numbered_lists(tokens: list[Any]) -> None:
    """Bullet lists whose every item starts with its own number get class gk-numbered (no bullets)."""
    for i, token in enumerate(tokens):
        if token.type != "bullet_list_open":
            continue
        level, firsts, seen = token.level, [], False
        for t in tokens[i + 1 :]:
            if t.type == "bullet_list_close" and t.level == level:
                break
            if t.type == "list_item_open" and t.level == level + 1:
                seen = True
            elif t.type == "inline" and seen:
                firsts.append(t.content)
                seen = False
        if firsts and all(OWN_NUMBER.match(text) for text in firsts):
            token.attrSet("class", "gk-numbered")


def own_number(text: str) -> bool:
    """Whether a list item's text starts with its own numbering."""
    return OWN_NUMBER.match(text) is not None


def parse(text: str) -> list[Any]:
    """The narrative's tokens, for writers other than HTML (the Word document)."""
    return list(_parser().parse(text))


def parse_inline(text: str) -> list[Any]:
    """One block's inline tokens (emphasis, breaks), for writers other than HTML."""
    return list(_parser().parseInline(text))
