"""The stylesheets in templates/, read once: the report's (shared by the county summaries) and the list pages'."""

from __future__ import annotations

from functools import cache

from markupsafe import Markup

from gongkai.format.page import PAGE
from gongkai.resources import TEMPLATES


@cache
def sheet(*names: str) -> Markup:
    """The named stylesheets, joined, for a page's <style> (ours: never escaped)."""
    return Markup("".join((TEMPLATES / name).read_text(encoding="utf-8") for name in names))


@cache
def stylesheet() -> str:
    """The published page's styles; the @page rule comes from the page geometry (format/page.py)."""
    return str(sheet("report.css", "parts.css")).replace("/* @page */", PAGE.css_rule(), 1)
