"""A record's value as every page prints it: one rule for the checks' messages, the tables, Word and the workbook.

An amount (行政事业性收费, in 万元) is kept as a Decimal exactly as the office
wrote it and printed with that precision: 0 as 「0」, 96171.6 as 「96171.6」,
4166.241619 as written. Counts are integers. Blank stays blank.
"""

from __future__ import annotations

from decimal import Decimal

from gongkai.format import Kind
from gongkai.records.record import Value


def show(value: Value, kind: Kind) -> str:
    """A cell as printed: blank stays blank, an amount with the digits it was written with."""
    if value is None:
        return ""
    if kind is Kind.AMOUNT or isinstance(value, Decimal):
        return format(Decimal(value), "f")
    return str(value)
