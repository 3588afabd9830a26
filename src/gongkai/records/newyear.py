"""Next year's record from last year's: what an analyst would otherwise retype.

Body and place are carried; the narrative is carried as a draft (`drafts:`
holds the hash of each part as carried, so the report says 「草稿」 until the
text is edited); 上年结转 is last year's 结转下年度继续办理 and 现行有效件数
starts from last year's, so only 制发/废止 need typing; every other figure is
0, which is how the official tables print nothing. A figure last year left
blank stays blank: nothing is invented.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from gongkai.errors import InputError
from gongkai.format import Cell, Format, format_for_year
from gongkai.outputs import write_atomic
from gongkai.records.record import CellKey, Record, Value, dump_record, text_hash

# (table, row, column) of this year ← (table, row, column) of last year, per leaf column.
CARRY_ROWS = (("table3", "carried_in", "carried_over"),)  # 上年结转 ← 结转下年度继续办理
STOCK_COLUMN = ("table2", "in_force")  # 现行有效件数 ← last year's, rows the format has


@dataclass
class NewYear:
    """The record started, and what was carried, defaulted or left blank (for the command and the YAML)."""

    record: Record
    previous: Record
    carried: dict[CellKey, Value] = field(default_factory=dict)  # figures taken from last year
    blank: list[CellKey] = field(default_factory=list)  # last year's source cell was blank: left ~
    zeros: list[CellKey] = field(default_factory=list)  # defaulted to 0

    def notes(self) -> list[str]:
        """What `gongkai new` says and the YAML's top comment repeats: one line per row."""
        fmt = self.record.format
        out = [
            f"由 {self.previous.year} 年的记录（{self.previous.path or '上年记录'}）生成 {self.record.year} 年的初稿："
        ]
        out.append(
            f"  文字：第{'、'.join(_numbers(fmt, list(self.record.drafts)))}部分沿用上年文字，标为草稿，改写后不再标记"
        )
        rows: dict[tuple[str, str], list[str]] = {}
        for key, value in self.carried.items():
            rows.setdefault(key[:2], []).append(f"{fmt.cell(key).column.label} {value}")
        for (table_id, row_id), values in rows.items():
            table = fmt.table(table_id)
            out.append(f"  沿用上年：表{table.number}「{table.row(row_id).text}」行：{'，'.join(values)}")
        for key in self.blank:
            out.append(f"  上年空白，仍为空（~）：{_label(fmt.cell(key))}，请填写")
        out += [f"  默认为 0：{line}" for line in _rows(fmt, self.zeros)]
        out.append("  只需填写本年的数字（0 表示没有）；不知道的数字请改为 ~（空白），不要留 0")
        return out

    def yaml(self) -> str:
        header = [f"# {line}" for line in self.notes()]
        return "\n".join([*header, dump_record(self.record)])


def start_year(previous: Record, year: int) -> NewYear:
    """Year `year`'s record from `previous` (normally year − 1), in the format `year` should use."""
    if year <= previous.year:
        raise InputError(f"新年度 {year} 应晚于上年记录的年度 {previous.year}")
    fmt = format_for_year(year)
    started = NewYear(record=previous, previous=previous)
    cells: dict[CellKey, Value] = {}
    for cell in fmt.cells():
        source = _source(cell, fmt, previous)
        if source is None:
            cells[cell.key] = 0
            started.zeros.append(cell.key)
            continue
        value = previous.cells[source]
        cells[cell.key] = value
        if value is None:
            started.blank.append(cell.key)
        else:
            started.carried[cell.key] = value
    parts = {key: previous.parts.get(key, "") for key in fmt.narrative_keys()}
    started.record = replace(
        previous,
        format=fmt,
        year=year,
        parts=parts,
        cells=cells,
        source="",
        drafts={key: text_hash(text) for key, text in parts.items() if text.strip()},
        path=previous.path.with_name(f"{year}.yaml") if previous.path else None,
        lines={},
    )
    return started


def _source(cell: Cell, fmt: Format, previous: Record) -> CellKey | None:
    """Last year's cell this one starts from, or None (it starts at 0)."""
    table, row, column = cell.key
    for t, this_row, last_row in CARRY_ROWS:
        if (table, row) == (t, this_row) and (t, last_row, column) in previous.cells:
            return (t, last_row, column)
    if (table, column) == STOCK_COLUMN and (table, row, column) in previous.cells:
        return (table, row, column)
    return None


def write_new(started: NewYear, path: Path, *, force: bool = False) -> None:
    """Write the started record, never over an existing one unless forced."""
    if path.exists() and not force:
        raise InputError(f"{path} 已存在，未覆盖：它可能已有填写的内容；确认要重新生成请加 --force")
    write_atomic(path, started.yaml())


def _label(cell: Cell) -> str:
    return f"表{cell.table.number}「{cell.row.text}」行「{cell.column.label}」列"


def _numbers(fmt: Format, keys: list[str]) -> list[str]:
    return [p.number for p in fmt.parts if p.narrative in keys] or ["（无）"]


def _rows(fmt: Format, keys: list[CellKey]) -> Iterator[str]:
    """Cells grouped by table and row (「表三 除「二、…」外的全部 24 行」), not one line per cell."""
    chosen = set(keys)
    for table in fmt.tables:
        whole: list[str] = []
        other: list[str] = []
        some: list[str] = []
        for row in table.row_nodes():
            columns = table.columns_of(row.id)
            mine = [c for c in columns if (table.id, row.id, c.id) in chosen]
            if len(mine) == len(columns):
                whole.append(row.text)
            else:
                other.append(f"「{row.text}」")
                if mine:
                    some.append(f"「{row.text}」行的{'、'.join(c.label for c in mine)}")
        said = []
        if whole and len(other) < len(whole) and other:
            said.append(f"除{'、'.join(other)}外的全部 {len(whole)} 行")
        elif whole and not other:
            said.append(f"全部 {len(whole)} 行")
        elif whole:
            said.append("、".join(f"「{w}」" for w in whole) + "行")
        said += some
        if said:
            yield f"表{table.number} " + "；".join(said)
