"""Property: records that satisfy the rules pass; any single-cell change is caught — by both evaluators alike.

`gongkai check` evaluates the suite files directly (checks/quick.py), `render` and `check --gx` through
great-expectations: the same generated records go through both, and their reports must be equal.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED_RECORD
from gongkai.checks.many import checker
from gongkai.format import FORMAT_2021
from gongkai.format.model import leaves
from gongkai.records.record import CellKey, Record, Value, load_record

SEED = load_record(SEED_RECORD)
T2, T3, T4 = FORMAT_2021.table("table2"), FORMAT_2021.table("table3"), FORMAT_2021.table("table4")
OUTCOME = next(n for n in T3.rows if n.id == "outcome")
HANDLED = [n.id for n in leaves(OUTCOME.children) if n.id != "outcome_total"]
APPLICANTS = [c.id for c in leaves(T3.columns) if c.id != "total"]
SMALL = st.integers(0, 3) | st.just(0)


@st.composite
def consistent(draw: st.DrawFn) -> Record:
    """A 2021-format record built to satisfy R1–R5 (and W2)."""
    cells: dict[CellKey, Value] = {}
    for row in T2.row_nodes():
        for col in T2.columns_of(row.id):
            key = (T2.id, row.id, col.id)
            if row.id == "regulations":
                cells[key] = 0
            elif col.id == "amount":
                cells[key] = Decimal(draw(st.integers(0, 99999))).scaleb(-4)
            else:
                cells[key] = draw(st.integers(0, 50))
    for col in APPLICANTS:
        handled = {r: draw(SMALL) for r in HANDLED}
        over = draw(SMALL)
        done = sum(handled.values())
        carried_in = draw(st.integers(0, done + over))
        column = {**handled, "outcome_total": done, "carried_over": over}
        column |= {"carried_in": carried_in, "received": done + over - carried_in}
        for row, value in column.items():
            cells[(T3.id, row, col)] = value
    for row in T3.row_nodes():
        cells[(T3.id, row.id, "total")] = sum(cells[(T3.id, row.id, c)] or 0 for c in APPLICANTS)
    for row in T4.row_nodes():
        parts = {c.id: draw(SMALL) for c in leaves(T4.columns) if c.id != "total"}
        for col, value in {**parts, "total": sum(parts.values())}.items():
            cells[(T4.id, row.id, col)] = value
    parts = {**SEED.parts, "overview": "本年度政府信息公开工作平稳开展。", "other": "本年度未收取信息处理费。"}
    return Record(**{**SEED.__dict__, "cells": cells, "parts": parts, "path": None})


@st.composite
def perturbed(draw: st.DrawFn, record: Record) -> Record:
    """One cell of tables 三/四 changed by a non-zero amount, or any cell left blank."""
    if draw(st.booleans()):
        key = draw(st.sampled_from([c.key for c in FORMAT_2021.cells()]))
        return record.with_value(key, None)
    key = draw(st.sampled_from([c.key for c in FORMAT_2021.cells() if c.table.id in ("table3", "table4")]))
    old = record.cells[key]
    assert isinstance(old, int)
    delta = draw(st.integers(-old, 5).filter(lambda d: d != 0))
    return record.with_value(key, old + delta)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(consistent(), min_size=12, max_size=12), st.data())
def test_consistent_records_pass_and_any_single_change_is_caught(records, data):
    changed = [data.draw(perturbed(r)) for r in records]
    pairs = [(r, None) for r in records + changed]
    reports = checker(gx=True)(pairs)
    quick = checker(gx=False)(pairs)
    assert [q.to_dict() for q in quick] == [r.to_dict() for r in reports], "the two evaluators disagree"
    for report in reports[: len(records)]:
        assert report.passed, report.to_text()
        assert not report.warnings, report.to_text()
    for report, record in zip(reports[len(records) :], changed, strict=True):
        assert not report.passed, record.cells
