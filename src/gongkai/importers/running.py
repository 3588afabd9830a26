"""Running headers and footers: the lines a PDF repeats at the top or bottom of every page.

They are page furniture, not the report: a body name that absorbed them
(「未通过校验(2个错误)示例数据(虚构)北关镇人民政府」) would not pair with the
same body's other years. A line in a page's top or bottom margin is dropped
when the same text (figures aside) stands in the margin of another page, or
when it is one of the marks our own PDFs print there.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

# The marks production/run.py prints in every page's header (and their ASCII-bracket forms as text layers give them).
OWN_MARKS = re.compile(
    r"^(?:[\s·|｜/、,，]*(?:未通过校验[（(]\s*\d+\s*个错误[)）]|含\s*\d+\s*个经确认放行的错误|示例数据[（(]虚构[)）]))+[\s·|｜/、,，]*$"
)
EDGE = 0.1  # of the page's height: a running header or footer stands this close to the edge


def _shape(text: str) -> str:
    """The text with its figures folded: 「第 3 页」 and 「第 4 页」 are the same footer."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def furniture(lines: Sequence[tuple[int, str, bool]]) -> set[int]:
    """Indices of running headers/footers among (page, text, in the margin) lines."""
    pages: dict[str, set[int]] = {}
    for page, text, edge in lines:
        if edge and text.strip():
            pages.setdefault(_shape(text), set()).add(page)
    repeated = Counter({shape: len(p) for shape, p in pages.items()})
    out = set()
    for n, (_page, text, edge) in enumerate(lines):
        if not edge or not text.strip():
            continue
        plain = unicodedata.normalize("NFKC", text)
        if OWN_MARKS.match(plain) or OWN_MARKS.match(text) or repeated[_shape(text)] >= 2:
            out.add(n)
    return out
