"""The official report formats, defined once as data."""

from __future__ import annotations

from gongkai.format.common import (
    APPLICATION_FIGURES,
    BODY_SUFFIXES,
    DECISION_FIGURES,
    FIELDS,
    KEY_FIGURES,
    TITLE,
)
from gongkai.format.model import Block, Cell, Format, Kind, Node, Part, Table
from gongkai.format.official2019 import FORMAT_2019
from gongkai.format.official2021 import FORMAT_2021

FORMATS: dict[str, Format] = {f.id: f for f in (FORMAT_2021, FORMAT_2019)}


def format_for_year(year: int) -> Format:
    """The format a report on `year` should use (W4 compares against this)."""
    return FORMAT_2021 if year >= 2021 else FORMAT_2019


__all__ = [
    "APPLICATION_FIGURES",
    "BODY_SUFFIXES",
    "DECISION_FIGURES",
    "FIELDS",
    "FORMATS",
    "FORMAT_2019",
    "FORMAT_2021",
    "KEY_FIGURES",
    "TITLE",
    "Block",
    "Cell",
    "Format",
    "Kind",
    "Node",
    "Part",
    "Table",
    "format_for_year",
]
