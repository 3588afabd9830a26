"""The page number and the running header as CSS margin boxes: escaping, placement, and a real print."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from gongkai.production import pagebox
from gongkai.production.render import Printer

HOSTILE = [
    'say "hi"',
    "back\\slash\\",
    "line\nbreak\r\ncarriage\fform",
    "</style><style>@page{@top-left{content:'pwned'}}</style>",
    '"; } @page { @bottom-center { content: "x',
    '\\"\\22 \\\n',
    "nul\x00 tab\t bell\x07 del\x7f c1\x85",
    "lone\ud800surrogate",
    "CJK 人和镇（审阅版）　全角空格 ⚠ ✓",
    "\\a\\A \\3000 ",
    "",
]
A4_WIDTH_PT = 595.28
# Where Playwright's header and footer templates put the text before (measured with pdfplumber on
# the seed's and a failing report's PDFs): the header's glyphs from 52.0 pt below the top edge,
# the page number's down to 788.4 pt; both centred on the page.
HEADER_TOP_PT = 52.04
FOOTER_BOTTOM_PT = 788.39


def css_read(token: str) -> str:
    """What a CSS parser reads from a string token (CSS Syntax 3, §4.3.5 and §4.3.7), strictly."""
    assert token[0] == token[-1] == '"' and len(token) >= 2
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        char = body[i]
        assert char not in '"\n\r\f', f"raw {char!r} would end the string or the token: {token!r}"
        if char == "\\":
            hexa = re.match(r"[0-9a-fA-F]{1,6}[ \t\n]?", body[i + 1 :])
            assert hexa or body[i + 1 :], "a backslash may not end the string"
            if hexa:
                code = int(hexa.group(0).strip(), 16)
                out.append("\ufffd" if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code))
                i += 1 + len(hexa.group(0))
            else:
                out.append(body[i + 1])
                i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


@pytest.mark.parametrize("text", HOSTILE)
def test_css_string_reads_back_as_the_text_and_cannot_close_the_style(text: str) -> None:
    token = pagebox.css_string(text)
    expected = re.sub("[\x00\ud800-\udfff]", "\ufffd", text)
    assert css_read(token) == expected
    assert "<" not in token and ">" not in token and "&" not in token
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]", token)
    token.encode("utf-8")  # no lone surrogate reaches the browser


def test_header_split_centres_the_pair_and_keeps_it_in_the_row() -> None:
    split = pagebox.header_split(40, 60, 156, 77)
    assert split == 67  # the line runs from 27 to 127: centred on 77
    assert pagebox.header_split(100, 55, 156, 77) == 100  # would start before the row: starts at its edge
    assert pagebox.header_split(50, 105, 156, 80) == 51  # would end after it: ends at its edge
    assert pagebox.header_split(60, 200, 156, 77) == 60  # too long: the warning alone, the title wraps
    assert pagebox.header_split(120, 200, 156, 77) == 78  # at most half the row for the warning


def test_inject_puts_the_rules_at_the_end_of_the_head_or_in_front() -> None:
    page = "<html><head><title>t</title></head><body>x</body></html>"
    assert (
        pagebox.inject(page, "X") == "<html><head><title>t</title><style>@page{X}</style></head><body>x</body></html>"
    )
    assert pagebox.inject("<p>x</p>", "X") == "<style>@page{X}</style><p>x</p>"
    with pytest.raises(ValueError):
        pagebox.mm("1in")


def _page_text(pdf: Any, number: int, top: float, bottom: float) -> tuple[str, list[dict[str, Any]]]:
    chars = [c for c in pdf.pages[number].chars if top <= c["top"] < bottom]
    return "".join(c["text"] for c in chars), chars


def _centre(chars: list[dict[str, Any]]) -> float:
    return (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2


def test_a_printed_alert_and_hostile_title_stay_text_on_every_page_where_they_were() -> None:
    """One browser: a two-page document with a warning and a title that tries to break out, then one without."""
    import pdfplumber

    alert = "未通过校验（2 个错误）　示例数据（虚构）"
    title = 'A"B\\C</style><b>D</b>\n第二行'
    html = (
        '<html><head><meta charset="utf-8"><title>t</title></head><body>'
        '<p>第一页正文</p><p style="break-before:page">第二页正文</p></body></html>'
    )
    with Printer() as printer:
        warned, plain = printer.pdf(html, header=title, alert=alert), printer.pdf(html, header=title)
    with pdfplumber.open(io.BytesIO(warned)) as pdf:
        assert len(pdf.pages) == 2
        for n in range(2):
            head, chars = _page_text(pdf, n, 0, 100)
            assert head == f"{alert}　{title.replace(chr(10), ' ')}", head  # a line break reads as a space
            assert abs(min(c["top"] for c in chars) - HEADER_TOP_PT) < 1
            assert abs(_centre(chars) - A4_WIDTH_PT / 2) < 1.5
            warning = chars[: len(alert)]
            assert all("Bold" in c["fontname"] for c in warning), {c["fontname"] for c in warning}
            assert all(c["non_stroking_color"][0] > 0.6 > c["non_stroking_color"][1] for c in warning)
            assert not any("Bold" in c["fontname"] for c in chars[len(alert) + 1 :])
            foot, numbers = _page_text(pdf, n, 700, 842)
            assert foot == f"- {n + 1} -"
            assert abs(max(c["bottom"] for c in numbers) - FOOTER_BOTTOM_PT) < 1
            assert abs(_centre(numbers) - A4_WIDTH_PT / 2) < 1
            assert abs(numbers[0]["size"] - 11) < 0.1 and abs(chars[0]["size"] - 8) < 0.1
            assert "正文" in pdf.pages[n].extract_text()
    with pdfplumber.open(io.BytesIO(plain)) as pdf:
        for n in range(2):
            assert _page_text(pdf, n, 0, 100)[0] == ""  # nothing to warn of: no running header
            assert _page_text(pdf, n, 700, 842)[0] == f"- {n + 1} -"
