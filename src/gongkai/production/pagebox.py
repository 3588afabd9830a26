"""The page number and the running header as CSS `@page` margin boxes, for the print path only.

Playwright's header and footer templates make Chromium lay out and paint a
separate little document for every page's header and every page's footer;
margin boxes are laid out with the page itself (benchmarks/print.py --boxes
measures the difference). The boxes are placed where those templates put the
text: `- N -` centred on the page near its foot, and, when there is something
to warn of, the red bold warning and the title as one centred line at the top.

A margin box holds text of one style, so the header is two boxes that meet:
the warning, right-aligned, in `@top-left`, the title, left-aligned, in
`@top-right`; their widths come from the two texts' widths (measured by the
browser, see MEASURE_JS) so that the pair reads as one centred line.
"""

from __future__ import annotations

import re

from gongkai.format.page import PAGE

PAGE_WIDTH_MM = PAGE.width
HEADER_PT = 8
FOOTER_PT = 11
RED = "#b00020"
# Where Playwright's templates put the text (12 mm and 14 mm of padding inside their own
# documents, which sit 15 pt further in): measured with pdfplumber against PDFs printed that way.
HEADER_TOP = "17.29mm"
FOOTER_BOTTOM = "19.29mm"
SEPARATOR = "\u3000"  # an ideographic space between the warning and the title, as before

# The widths, in CSS px, of texts in a font: a canvas shapes as the page does (text-spacing-trim
# included) without laying out the document.
MEASURE_JS = """([texts, family]) => {
  const context = new OffscreenCanvas(1, 1).getContext('2d');
  return texts.map(([text, weight, size]) => {
    context.font = `${weight} ${size}pt ${family}`;
    return context.measureText(text).width;
  });
}"""

_UNSAFE = re.compile(r'[\\"<>&\x00-\x1f\x7f-\x9f\ud800-\udfff]')


def css_string(text: str) -> str:
    """`text` as a double-quoted CSS string that means exactly that text, safe inside a <style> element.

    Backslashes and quotes are escaped; so are line breaks and other control
    characters (a raw line break would end the string), and `<`, `>` and `&`
    (so that no `</style>` can appear). A NUL or a lone surrogate becomes
    U+FFFD, as CSS itself would read it. Each escape is a code point in hex
    ended by a space, which the CSS parser consumes.
    """

    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        if char == "\x00" or "\ud800" <= char <= "\udfff":
            return "\ufffd"
        return f"\\{ord(char):x} "

    return f'"{_UNSAFE.sub(escape, text)}"'


def mm(length: str) -> float:
    """'28mm' → 28.0: the margins are given in millimetres."""
    if not length.endswith("mm"):
        raise ValueError(f"margin not in mm: {length!r}")
    return float(length[:-2])


def header_split(left: float, right: float, width: float, centre: float) -> float:
    """The width of the left box so that `left` then `right` (text widths) read as one line centred at `centre`.

    All in the same unit, measured from the left edge of the boxes' row of
    `width`. A line too long for the row: the left box holds its text alone
    (at most half the row) and the right one wraps.
    """
    if left + right <= width:
        return min(max(centre + (left - right) / 2, left), width - right)
    return min(left, width / 2)


def footer_css(family: str, margins: dict[str, str]) -> str:
    """`- N -` centred on the page (not on the text column, whose margins differ by 2 mm)."""
    shift = mm(margins["left"]) - mm(margins["right"])
    pad = f"padding-right:{shift:.3f}mm;" if shift > 0 else f"padding-left:{-shift:.3f}mm;"
    return (
        '@bottom-center{content:"- " counter(page) " -";'
        f"font-family:{family};font-size:{FOOTER_PT}pt;font-weight:normal;color:#000;"
        f"text-align:center;vertical-align:bottom;padding-bottom:{FOOTER_BOTTOM};{pad}}}"
    )


def header_css(alert: str, title: str, family: str, margins: dict[str, str], widths: tuple[float, float]) -> str:
    """The warning (red, bold) and the title on one line centred on the page, at the top of every page.

    `widths` are those of the warning with its separator (bold) and of the
    title, in CSS px, as MEASURE_JS gives them.
    """
    row = PAGE_WIDTH_MM - mm(margins["left"]) - mm(margins["right"])
    centre = PAGE_WIDTH_MM / 2 - mm(margins["left"])
    left_mm, right_mm = (w * 25.4 / 96 for w in widths)
    split = round(header_split(left_mm, right_mm, row, centre), 3)
    # The warning is not wrapped when it fits, so that its trailing separator does not hang.
    space = "pre" if left_mm <= split + 0.01 else "normal"
    common = (
        f"font-family:{family};font-size:{HEADER_PT}pt;vertical-align:top;padding-top:{HEADER_TOP};"
        "padding-left:0;padding-right:0;"
    )
    return (
        f"@top-left{{content:{css_string(alert + SEPARATOR)};width:{split:.3f}mm;text-align:right;"
        f"white-space:{space};color:{RED};font-weight:bold;{common}}}"
        f"@top-right{{content:{css_string(title)};width:{row - split:.3f}mm;text-align:left;"
        f"color:#000;font-weight:normal;{common}}}"
    )


def measured(alert: str, title: str) -> list[tuple[str, str, int]]:
    """The texts MEASURE_JS is given for a header: the warning with its separator (bold) and the title."""
    return [(alert + SEPARATOR, "bold", HEADER_PT), (title, "normal", HEADER_PT)]


def inject(html: str, rules: str) -> str:
    """The page with `@page { rules }` in a <style> at the end of its <head> (or in front, without one)."""
    style = f"<style>@page{{{rules}}}</style>"
    at = html.find("</head>")
    return f"{style}{html}" if at < 0 else f"{html[:at]}{style}{html[at:]}"
