"""The report's stylesheet, shared by the report pages and the county summaries."""

from __future__ import annotations

from functools import cache

from gongkai.format.page import PAGE
from gongkai.resources import TEMPLATES


@cache
def stylesheet() -> str:
    """The published page's styles; the @page rule comes from the page geometry (format/page.py)."""
    css = "".join((TEMPLATES / name).read_text(encoding="utf-8") for name in ("report.css", "parts.css"))
    return css.replace("/* @page */", PAGE.css_rule(), 1)
