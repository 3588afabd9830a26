"""Published reports made from bundled records, some with a planted defect: the audit's corpus.

The HTML is what the report's parts render to (part headings, the official
tables, the narrative), the way an office's web page carries them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from gongkai.pages import markdown
from gongkai.pages.tables import table_html
from gongkai.records.record import Record


def published_html(record: Record) -> str:
    out = [f"<h1>{record.title}</h1>"]
    for part in record.format.parts:
        out.append(f"<h2>{part.heading}</h2>")
        out.append(
            markdown.to_html(record.parts[part.narrative]) if part.narrative else table_html(record, part.table or "")
        )
    body = "\n".join(out)
    return f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>\n"


def _bump(record: Record, *keys: tuple[str, str, str]) -> Record:
    for key in keys:
        record = record.with_value(key, int(record.cells[key] or 0) + 1)
    return record


def _text(record: Record, key: str, text: str) -> Record:
    return replace(record, parts={**record.parts, key: text})


def _applications(record: Record) -> int:
    return int(record.cells[("table3", "received", "total")] or 0) + int(
        record.cells[("table3", "carried_in", "total")] or 0
    )


def plant(record: Record, defect: str) -> Record | None:
    """The record with one defect, or None when this record cannot carry it cleanly."""
    if defect == "R3":
        return _bump(record, ("table3", "granted", "natural_person"), ("table3", "granted", "total"))
    if defect == "R4":
        return _bump(record, ("table4", "review", "total"))
    if defect == "R5":  # table 四 left blank whole: one finding
        for key in [k for k in record.cells if k[0] == "table4"]:
            record = record.with_value(key, None)
        return record
    if defect == "W5":
        text, n = re.subn(
            r"行政许可决定(\d+)件", lambda m: f"行政许可决定{int(m.group(1)) + 7}件", record.parts["overview"]
        )
        return _text(record, "overview", text) if n == 1 else None
    if defect == "W6":
        return _text(record, "problems", "无\n")
    if defect == "W7":
        return _text(record, "other", "无其他需要报告的事项。\n") if _applications(record) else None
    if defect == "W8":
        record = record.with_value(("table2", "fees", "amount"), Decimal("0.35"))
        return _text(record, "other", "本年度未收取任何费用，包括信息处理费。\n")
    raise ValueError(defect)


DEFECTS = ("R3", "R4", "R5", "W5", "W6", "W7", "W8")
NOT_REPORTS = {
    "empty.txt": b"",
    "notice.txt": "关于召开会议的通知\n请各单位准时参加。\n".encode(),
    "blob.bin": bytes(range(256)) * 8,
}


def write_corpus(records: list[Record], folder: Path, copies: int = 1) -> dict[str, set[str]]:
    """Write published reports (every third with a defect, in turn) and a few non-reports.

    Returns file name → the rules the audit should report for it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, set[str]] = {}
    n, turn = 0, 0
    for copy in range(copies):
        for record in records:
            defect = DEFECTS[turn % len(DEFECTS)] if n % 3 == 0 else ""
            planted = plant(record, defect) if defect else record
            if planted is None:  # this record cannot carry it: the next one will
                planted, defect = record, ""
            elif defect:
                turn += 1
            stem = f"{copy:02d}-{record.path.parent.name if record.path else 'x'}-{record.year}"
            name = f"{stem}-{defect}.html" if defect else f"{stem}.html"
            (folder / name).write_text(published_html(planted), encoding="utf-8")
            expected[name] = {defect} if defect else set()
            n += 1
    for name, data in NOT_REPORTS.items():
        (folder / name).write_bytes(data)
    return expected
