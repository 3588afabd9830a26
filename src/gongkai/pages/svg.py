"""The few SVG pieces our charts need, written as text: same input, same bytes.

No ids, no scripts, no styles: only elements and presentation attributes, so
the charts pass the pages' strict Content-Security-Policy and parse as XML.
Label widths are estimated from character classes (no font is measured), which
is enough to size margins for Chinese labels and numbers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from html import escape

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans CJK JP', sans-serif"  # without SC, browsers pick Japanese forms
TEXT = "#222"
MUTED = "#555"
GRID = "#e0e0e0"
AXIS = "#777"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def esc(text: str) -> str:
    """Text or attribute value, safe in HTML and in XML (labels are user input)."""
    return escape(_NOT_XML.sub("", text), quote=True)


def num(value: float) -> str:
    """A coordinate: one decimal at most, no "-0"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def value_label(value: float) -> str:
    """Whole numbers exactly (no 1e+06), anything else as %g."""
    return str(int(value)) if value == int(value) else f"{value:g}"


def char_width(char: str) -> float:
    """Width in em: full width for CJK and other wide forms, about half for the rest."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in "il.,:;'|!()[] ":
        return 0.32
    return 0.58


def text_width(text: str, size: float) -> float:
    return sum(char_width(c) for c in text) * size


def fit(text: str, width: float, size: float) -> str:
    """The text, cut with an ellipsis if it is wider than width."""
    if text_width(text, size) <= width:
        return text
    kept = ""
    for char in text:
        if text_width(kept + char + "…", size) > width:
            break
        kept += char
    return kept + "…"


def wrap(text: str, width: float, size: float, lines: int = 3) -> list[str]:
    """Break a label (Chinese breaks anywhere) into at most `lines` lines of `width`; the last one cut."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines - 1:
        line = ""
        for char in rest:
            if line and text_width(line + char, size) > width:
                break
            line += char
        if line == rest:
            break
        out.append(line)
        rest = rest[len(line) :]
    if rest:
        out.append(fit(rest, width, size))
    return out or [""]


def ticks(low: float, high: float, count: int = 8) -> list[int]:
    """Integer ticks at the smallest nice step (1, 2 or 5 × 10^k) giving about `count` intervals or fewer,
    covering [min(low, 0), max(high, 1)]."""
    low, high = min(low, 0.0), max(high, 1.0)
    raw = max((high - low) / count, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [int(k * step) for k in range(first, last + 1)]


def text(
    x: float, y: float, content: str, *, size: float = 12, anchor: str = "start", tip: str = "", **attributes: str
) -> str:
    """A label; `tip` is the full text shown on hover when the label had to be cut."""
    extra = "".join(f' {name.replace("_", "-")}="{esc(value)}"' for name, value in attributes.items())
    middle = "" if anchor == "start" else f' text-anchor="{anchor}"'
    inner = esc(content) + (f"<title>{esc(tip)}</title>" if tip and tip != content else "")
    return f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}"{middle}{extra}>{inner}</text>'


def rect(x: float, y: float, width: float, height: float, fill: str, tip: str = "") -> str:
    inner = f"<title>{esc(tip)}</title>" if tip else ""
    attributes = f'x="{num(x)}" y="{num(y)}" width="{num(max(width, 0))}" height="{num(max(height, 0))}"'
    return f'<rect {attributes} fill="{fill}">{inner}</rect>' if inner else f'<rect {attributes} fill="{fill}"/>'


def line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1) -> str:
    return (
        f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" stroke="{stroke}"'
        f' stroke-width="{num(width)}"/>'
    )


def marker(x: float, y: float, colour: str, tip: str = "") -> str:
    inner = f"<title>{esc(tip)}</title>" if tip else ""
    return f'<circle cx="{num(x)}" cy="{num(y)}" r="4" fill="{colour}" stroke="#fff" stroke-width="1">{inner}</circle>'


def legend(
    items: Sequence[tuple[str, str]], x: float, y: float, right: float, *, lines: bool = False, size: float = 12
) -> tuple[str, float]:
    """A swatch (a square, or a line with its marker) and the name per series, left to right, wrapping at
    `right`; returns the markup and the y below it."""
    parts: list[str] = []
    at, row = x, y
    swatch = 22 if lines else 12
    for colour, name in items:
        width = swatch + 5 + text_width(name, size) + 16
        if at > x and at + width > right:
            at, row = x, row + size * 1.6
        middle = row - size * 0.35
        if lines:
            parts.append(line(at, middle, at + swatch, middle, colour, 2))
            parts.append(marker(at + swatch / 2, middle, colour))
        else:
            parts.append(rect(at, middle - 5, swatch, 10, colour))
        parts.append(text(at + swatch + 5, row, name, size=size))
        at += width
    return "".join(parts), row + size * 1.6


def document(title: str, width: float, height: float, body: Iterable[str]) -> str:
    """The <svg> element: scales to its container, names itself to screen readers, carries the CJK font."""
    label = esc(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(width)} {num(height)}" width="100%"'
        f' role="img" aria-label="{label}" font-family="{FONT_FAMILY}" fill="{TEXT}">'
        f"<title>{label}</title>" + "".join(body) + "</svg>\n"
    )
