"""Data-quality checks: rules from the format, great-expectations suites, one CheckReport."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from gongkai.checks.decisions import apply
from gongkai.checks.instances import Instance, instances
from gongkai.checks.report import CheckReport, Finding, Outcome, assemble
from gongkai.checks.suites import failing
from gongkai.checks.text import text_instances
from gongkai.format.rules import rules_for
from gongkai.records.record import Record
from gongkai.records.review import load_decisions, review_path
from gongkai.resources import EXPECTATIONS


def check(record: Record, previous: Record | None = None, *, suites: Path = EXPECTATIONS) -> CheckReport:
    """Run every rule of the record's format; `previous` is last year's record, if any."""
    return check_many([(record, previous)], suites=suites)[0]


def check_many(pairs: Sequence[tuple[Record, Record | None]], *, suites: Path = EXPECTATIONS) -> list[CheckReport]:
    """Check many records in one validation per suite: GX costs per run, not per row."""
    per_record: list[list[Instance]] = []
    read: dict[str, set[str]] = {}  # the text rules' failures, decided in Python
    for n, (record, previous) in enumerate(pairs):
        rules = rules_for(record.format)
        items = instances(record, previous, rules)
        texts, bad = text_instances(record, previous, rules)
        per_record.append([replace(i, id=f"{n}|{i.id}") for i in items + texts])
        for rule_id, bad_ids in bad.items():
            read.setdefault(rule_id, set()).update(f"{n}|{i}" for i in bad_ids)
    failed = failing([i for items in per_record for i in items], suites)
    for rule_id, text_ids in read.items():
        failed.setdefault(rule_id, set()).update(text_ids)
    reports = []
    for n, ((record, _), items) in enumerate(zip(pairs, per_record, strict=True)):
        mine = {rule: {i for i in ids if i.startswith(f"{n}|")} for rule, ids in failed.items()}
        ids = (record.county_id, record.township_id)
        report = assemble(record.title, record.year, ids, rules_for(record.format), items, mine)
        if record.path is not None:  # a reviewer's decisions beside the record
            report = apply(report, load_decisions(review_path(record.path)))
        reports.append(report)
    return reports


__all__ = ["CheckReport", "Finding", "Outcome", "check", "check_many"]
