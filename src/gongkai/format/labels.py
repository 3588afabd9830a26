"""Matching labels as published against the official ones and their variants."""

from __future__ import annotations

import re
import unicodedata

from gongkai.format.model import Node
from gongkai.format.ordinals import HEAD

_ORDINAL = re.compile(f"^{HEAD}")
_DROP = re.compile(r"[\s\u3000:：,，、。;；\"“”'‘’()（）\[\]【】]")


def normalize(text: str) -> str:
    """Fold width, drop ordinals, spaces and punctuation: 「(二) 部分公开」 ≈ 「（二）部分公开」."""
    text = unicodedata.normalize("NFKC", text).strip()
    while True:
        stripped = _ORDINAL.sub("", text.strip())
        if stripped == text.strip():
            break
        text = stripped
    return _DROP.sub("", text)


def spellings(node: Node) -> list[str]:
    """Every normalized way `node` may be written, longest first."""
    found = {normalize(node.label), *(normalize(v) for v in node.variants)}
    return sorted(found, key=len, reverse=True)


def matches(node: Node, text: str) -> bool:
    """Whether `text` (a whole cell or label) names `node`."""
    return normalize(text) in spellings(node)


def close(a: str, b: str) -> bool:
    """Two normalized titles equal, or one with a character or two added or lost in print (「行政法复议」)."""
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 6 or len(long) - len(short) > 2:
        return False
    it = iter(long)
    return all(ch in it for ch in short)
