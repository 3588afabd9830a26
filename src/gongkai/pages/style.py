"""The report's stylesheet, shared by the report pages and the county summaries."""

from __future__ import annotations

from functools import cache

from gongkai.resources import TEMPLATES


@cache
def stylesheet() -> str:
    return "".join((TEMPLATES / name).read_text(encoding="utf-8") for name in ("report.css", "parts.css"))
