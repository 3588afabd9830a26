"""A township's earlier records, as the cross-year rules and the report read them."""

from __future__ import annotations

from pathlib import Path

from gongkai.errors import GongkaiError
from gongkai.records.record import Record, load_record


def load_previous(record: Record) -> tuple[Record | None, str]:
    """Last year's record for the cross-year rules, or why there is none."""
    if record.path is None:
        return None, "没有上年记录"
    path = record.path.with_name(f"{record.year - 1}.yaml")
    if not path.exists():
        return None, f"没有 {record.year - 1} 年的记录"
    try:
        return load_record(path), ""
    except GongkaiError as e:
        return None, f"{record.year - 1} 年的记录无效（{e}）"


def earlier_paths(path: Path, year: int) -> list[Path]:
    """The record files of the years before `year` beside `path`, oldest first."""
    return [p for p in sorted(path.parent.glob("*.yaml")) if p.stem.isdigit() and int(p.stem) < year]


def load_history(record: Record) -> list[Record]:
    """Every earlier year on record that loads, oldest first (the trend chart); an invalid one is skipped."""
    if record.path is None:
        return []
    found = []
    for path in earlier_paths(record.path, record.year):
        try:
            found.append(load_record(path))
        except GongkaiError:
            continue  # an invalid earlier year is reported by its own render
    return found
