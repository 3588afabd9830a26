"""The printed page of a government document (GB/T 9704—2012): A4 and its margins, in millimetres.

Defined once: the PDF's print margins and its @page rule, the page number and running header boxes,
and the Word section all take their geometry from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    width: float = 210.0
    height: float = 297.0
    top: float = 37.0
    right: float = 26.0
    bottom: float = 35.0
    left: float = 28.0

    @property
    def text_width(self) -> float:
        """The width of the text column."""
        return self.width - self.left - self.right

    def css_margins(self) -> dict[str, str]:
        """The margins as CSS lengths, by side (Playwright's `margin=` and the @page rule)."""
        return {side: f"{getattr(self, side):g}mm" for side in ("top", "bottom", "left", "right")}

    def css_rule(self) -> str:
        m = self.css_margins()
        return f"@page {{ size: A4; margin: {m['top']} {m['right']} {m['bottom']} {m['left']}; }}"


PAGE = Page()
