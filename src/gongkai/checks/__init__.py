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
from gongkai.records.record import Record, carried_drafts
from gongkai.records.review import load_decisions, review_path
from gongkai.resources import EXPECTATIONS


def renamed(item: Instance, new_id: str) -> Instance:
    """`replace(item, id=new_id)` without re-running __init__: a national check makes millions."""
    copy = object.__new__(Instance)
    copy.__dict__.update(item.__dict__, id=new_id)
    return copy


def check(record: Record, previous: Record | None = None, *, suites: Path = EXPECTATIONS) -> CheckReport:
    """Run every rule of the record's format; `previous` is last year's record, if any."""
    return check_many([(record, previous)], suites=suites)[0]


def check_many(
    pairs: Sequence[tuple[Record, Record | None]], *, suites: Path = EXPECTATIONS, profile: str = "默认"
) -> list[CheckReport]:
    """Check many records in one validation per suite: GX costs per run, not per row.

    `profile` names a set of thresholds (format/rules.PROFILES: 考核 takes W9 down to 50%).
    """
    per_record, read = prepare(pairs, profile)
    failed = failing([i for items in per_record for i in items], suites)
    return conclude(pairs, per_record, failed, read, profile)


def prepare(
    pairs: Sequence[tuple[Record, Record | None]], profile: str = "默认"
) -> tuple[list[list[Instance]], dict[str, set[str]]]:
    """Every record's instances, keyed apart by record, and the text rules' failures (decided in Python)."""
    per_record: list[list[Instance]] = []
    read: dict[str, set[str]] = {}
    for n, (record, previous) in enumerate(pairs):
        rules = rules_for(record.format, profile)
        items = instances(record, previous, rules)
        texts, bad = text_instances(record, previous, rules)
        per_record.append([renamed(i, f"{n}|{i.id}") for i in items + texts])
        for rule_id, bad_ids in bad.items():
            read.setdefault(rule_id, set()).update(f"{n}|{i}" for i in bad_ids)
    return per_record, read


def conclude(
    pairs: Sequence[tuple[Record, Record | None]],
    per_record: list[list[Instance]],
    failed: dict[str, set[str]],
    read: dict[str, set[str]],
    profile: str = "默认",
) -> list[CheckReport]:
    """One report per record from what the suites (whichever engine ran them) and the text rules rejected."""
    for rule_id, text_ids in read.items():
        failed.setdefault(rule_id, set()).update(text_ids)
    reports = []
    for n, ((record, _), items) in enumerate(zip(pairs, per_record, strict=True)):
        mine = {rule: {i for i in ids if i.startswith(f"{n}|")} for rule, ids in failed.items()}
        ids = (record.county_id, record.township_id)
        report = assemble(record.title, record.year, ids, rules_for(record.format, profile), items, mine)
        drafts = carried_drafts(record)
        if drafts:
            headings = tuple(p.heading for p in record.format.parts if p.narrative in drafts)
            report = replace(report, drafts=headings)
        if record.path is not None:  # a reviewer's decisions beside the record
            report = apply(report, load_decisions(review_path(record.path)))
        reports.append(report)
    return reports


__all__ = ["CheckReport", "Finding", "Outcome", "check", "check_many"]
