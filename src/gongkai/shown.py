"""Names that came from outside (a downloaded file's name) as they may be printed or written.

A control character in a file name reaches the terminal raw (ESC sequences
can retitle the window or rewrite the line) and a bidi override makes a name
read as another; both are shown escaped (「\\x1b」, 「\\u202e」), everywhere a
name is printed or written.
"""

from __future__ import annotations

import re

HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # marks and overrides of writing direction


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """The text with every control and direction character written as an escape."""
    return HIDDEN.sub(_escape, text)
