"""A record's value as every page prints it: one rule for the checks' messages, the tables and Word."""

from __future__ import annotations

from decimal import Decimal

from gongkai.format import Kind
from gongkai.records.record import Value


def show(value: Value, kind: Kind) -> str:
    """A cell as printed: blank stays blank, amounts with 4 decimals."""
    if value is None:
        return ""
    if kind is Kind.AMOUNT:
        return f"{Decimal(value):.4f}"
    return str(value)
