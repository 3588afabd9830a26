"""Data-quality checks: rules from the format, great-expectations suites, one CheckReport."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gongkai.checks.instances import Instance, instances
from gongkai.checks.report import CheckReport, Finding, Outcome, assemble
from gongkai.checks.suites import failing
from gongkai.format.rules import rules_for
from gongkai.records.record import Record
from gongkai.resources import EXPECTATIONS


def renamed(item: Instance, new_id: str) -> Instance:
    """`replace(item, id=new_id)` without re-running __init__: a national check makes millions."""
    copy = object.__new__(Instance)
    copy.__dict__.update(item.__dict__, id=new_id)
    return copy


def check(record: Record, previous: Record | None = None, *, suites: Path = EXPECTATIONS) -> CheckReport:
    """Run every rule of the record's format; `previous` is last year's record, if any."""
    return check_many([(record, previous)], suites=suites)[0]


def check_many(pairs: Sequence[tuple[Record, Record | None]], *, suites: Path = EXPECTATIONS) -> list[CheckReport]:
    """Check many records in one validation per suite: GX costs per run, not per row."""
    per_record: list[list[Instance]] = []
    for n, (record, previous) in enumerate(pairs):
        items = instances(record, previous, rules_for(record.format))
        per_record.append([renamed(i, f"{n}|{i.id}") for i in items])
    failed = failing([i for items in per_record for i in items], suites)
    reports = []
    for n, ((record, _), items) in enumerate(zip(pairs, per_record, strict=True)):
        mine = {rule: {i for i in ids if i.startswith(f"{n}|")} for rule, ids in failed.items()}
        ids = (record.county_id, record.township_id)
        reports.append(assemble(record.title, record.year, ids, rules_for(record.format), items, mine))
    return reports


__all__ = ["CheckReport", "Finding", "Outcome", "check", "check_many"]
