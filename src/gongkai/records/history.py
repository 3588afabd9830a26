"""A township's earlier records, as the cross-year rules and the report read them."""

from __future__ import annotations

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
