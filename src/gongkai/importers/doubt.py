"""After a scan is assembled: figures OCR was not sure of are left blank and listed, never guessed.

A figure is kept when the recognizer was sure of every character. One it was
not sure of is blank (「识别不确定」) unless the table's own sums (the format's
`SumRule`s) choose: the recognizer's reading and its runner-up are tried, and
when exactly one of them makes every rule it takes part in hold (with the
other cells of those rules read surely), that one is taken and the record's
source note says so. A surely read figure that still breaks a rule, while
it is the one least sure cell of that rule, is blank too: one misread digit
is likelier than a report that does not add up only there. Where every cell
of a broken rule was read surely, the report itself does not add up, and the
checks say so as they would for its text twin.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from gongkai.format import FORMATS, Format, Kind
from gongkai.format.rules import SumRule, rules_for
from gongkai.importers.assemble import Overrides, assemble
from gongkai.importers.base import Document, ImportResult, Line, Problem, Trouble, is_number, read_value
from gongkai.importers.ocr import Scan
from gongkai.importers.ocr_engine import Reading
from gongkai.importers.vocabulary import row_name
from gongkai.records.record import CellKey, Value

LOW = 0.90  # below this, a figure's least sure character makes it uncertain
SURE = 0.995  # at or above this, a figure is trusted even against a rule
_MALFORMED = re.compile(r"[+-]?0[0-9,]+(?:\.[0-9]+)?")  # a leading zero before other digits
_PROBE = 7_000_000  # figure ids in the tracing pass: larger than any count a township reports


def settle(result: ImportResult, scan: Scan, overrides: Overrides) -> list[str]:
    """Blank and list uncertain figures, let the rules choose where they can; returns the choices made."""
    fmt = FORMATS.get(str(result.data.get("format")))
    if fmt is None:
        return []
    places = _trace(scan.document, overrides)
    confidence: dict[CellKey, float] = {}
    readings: dict[CellKey, list[Value]] = {}
    for key, where in places.items():
        reading = scan.readings.get(where)
        if reading is None or _get(result.data, key) is None:
            continue
        # 「01」: no report prints a count so; a speck beside a 0 read as a digit
        confidence[key] = 0.0 if _MALFORMED.fullmatch(reading.text.strip()) else reading.confidence
        kind = _kind(fmt, key)
        if not reading.alternative or reading.alternative == reading.text:
            readings[key] = []  # one reading only: nothing for the rules to choose between
            continue
        options = [read_value(t, kind)[0] for t in (reading.text, reading.alternative) if t and is_number(t)]
        readings[key] = list(dict.fromkeys(v for v in options if v is not None))
    doubtful = {k for k, c in confidence.items() if c < LOW}
    instances = list(_instances(fmt, result.data))
    chosen: list[str] = []
    for key in sorted(doubtful):
        value = _choose(key, readings.get(key, []), instances, result.data, doubtful)
        if value is None:
            continue
        doubtful.discard(key)
        _set(result.data, key, value)
        reading = scan.readings[places[key]]
        other = reading.alternative if str(value) == reading.text.replace(",", "") else reading.text
        choice = f"{_name(fmt, key)}读作「{value}」（另一读法「{other}」不合勾稽关系）"
        chosen.append(choice)
        result.problems.append(Problem(places[key], f"{choice}，按勾稽关系选定", Trouble.NOTE, (key,)))
    for items in instances:  # a surely read figure breaking a rule, alone in being less than sure
        values = [_get(result.data, k) for k in (*items[0], *items[1])]
        if any(v is None for v in values) or any(k in doubtful for k in (*items[0], *items[1])):
            continue
        if _holds(items, result.data):
            continue
        unsure = [k for k in (*items[0], *items[1]) if confidence.get(k, 1.0) < SURE]
        if len(unsure) == 1:
            doubtful.add(unsure[0])
    for k, problem in enumerate(result.problems):  # 「Q」 where a figure stands: a shape misread, not text
        misread = scan.readings.get(problem.where)
        if problem.kind is Trouble.INVALID and problem.cells and misread is not None and misread.confidence < SURE:
            result.problems[k] = _uncertain(fmt, problem.cells[0], problem.where, misread)
    for key in sorted(doubtful):
        _set(result.data, key, None)
        result.problems.append(_uncertain(fmt, key, places[key], scan.readings[places[key]]))
    return chosen


def _uncertain(fmt: Format, key: CellKey, where: str, reading: Reading) -> Problem:
    what = f"{_name(fmt, key)}：识别不确定（读作「{reading.text}」，把握 {reading.confidence:.2f}），请对照原件补填"
    return Problem(where, what, Trouble.AMBIGUOUS, (key,))


def _choose(
    key: CellKey,
    options: list[Value],
    instances: list[tuple[list[CellKey], list[CellKey]]],
    data: Any,
    doubtful: set[CellKey],
) -> Value:
    """The one reading that makes every rule through `key` hold, its other cells sure; else None."""
    mine = [i for i in instances if key in (*i[0], *i[1])]
    usable = [
        i for i in mine if all(k == key or (k not in doubtful and _get(data, k) is not None) for k in (*i[0], *i[1]))
    ]
    if not usable or not options:
        return None
    saved = _get(data, key)
    fits = []
    for value in options:
        _set(data, key, value)
        if all(_holds(i, data) for i in usable):
            fits.append(value)
    _set(data, key, saved)
    return fits[0] if len(fits) == 1 else None


def _instances(fmt: Format, data: dict[str, Any]) -> Iterator[tuple[list[CellKey], list[CellKey]]]:
    """Every sum the format's rules state, as (left cells, right cells)."""
    for rule in rules_for(fmt):
        if not isinstance(rule, SumRule):
            continue
        rows = data.get(rule.table) or {}
        if rule.per == "column":
            columns = {c for r in rows.values() for c in r}
            for col in sorted(columns):
                yield [(rule.table, r, col) for r in rule.left], [(rule.table, r, col) for r in rule.right]
        else:
            for row in rows:
                yield [(rule.table, row, c) for c in rule.left], [(rule.table, row, c) for c in rule.right]


def _holds(items: tuple[list[CellKey], list[CellKey]], data: Any) -> bool:
    left = sum((Decimal(str(_get(data, k) or 0)) for k in items[0]), Decimal(0))
    right = sum((Decimal(str(_get(data, k) or 0)) for k in items[1]), Decimal(0))
    return left == right


def _trace(document: Document, overrides: Overrides) -> dict[CellKey, str]:
    """Which cell of the scan each figure of the record came from.

    The document is assembled once more with every figure replaced by a
    number naming its cell: the shared reader places figures by their labels,
    so where each id lands is where that cell's figure went.
    """
    ids: dict[int, str] = {}
    lines: list[Line] = []
    for line in document.lines:
        if not line.table:
            lines.append(line)
            continue
        slots = []
        for slot in line.cells:
            if slot.text is not None and is_number(slot.text):
                ids[_PROBE + len(ids)] = slot.where
                slot = dataclasses.replace(slot, text=str(_PROBE + len(ids) - 1))
            slots.append(slot)
        lines.append(dataclasses.replace(line, cells=tuple(slots)))
    probe = assemble(Document(document.source, lines, dict(document.meta)), overrides)
    out: dict[CellKey, str] = {}
    for table in ("table2", "table3", "table4"):
        for row, cols in (probe.data.get(table) or {}).items():
            for col, value in cols.items():
                if isinstance(value, int) and value in ids:
                    out[(table, row, col)] = ids[value]
    return out


def _get(data: dict[str, Any], key: CellKey) -> Any:
    return ((data.get(key[0]) or {}).get(key[1]) or {}).get(key[2])


def _set(data: dict[str, Any], key: CellKey, value: Value) -> None:
    plain: Any = int(value) if isinstance(value, Decimal) and value == value.to_integral_value() else value
    if isinstance(plain, Decimal):
        plain = float(plain)
    data.setdefault(key[0], {}).setdefault(key[1], {})[key[2]] = plain


def _kind(fmt: Format, key: CellKey) -> Any:
    table = fmt.table(key[0])
    col = next(c for c in table.columns_of(key[1]) if c.id == key[2])
    leaf = next(r for r in table.row_nodes() if r.id == key[1])
    return col.kind if col.kind is not Kind.COUNT else leaf.kind


def _name(fmt: Format, key: CellKey) -> str:
    table = fmt.table(key[0])
    leaf = next(r for r in table.row_nodes() if r.id == key[1])
    col = next(c for c in table.columns_of(key[1]) if c.id == key[2])
    return f"{row_name(table, leaf)}「{col.label}」列"
