"""How the format definition names a place in a record file, for messages a person reads.

`table3.received.natural_person` is where the value is in the file; the
message also says what it is: 表三「一、本年新收政府信息公开申请数量」行「自然人」列.
"""

from __future__ import annotations

from typing import Any

from gongkai.format import FIELDS, Format


def label_of(fmt: Format | None, at: tuple[Any, ...]) -> str:
    """How the format definition names a key path: 表三「一、本年新收…」行「自然人」列, 一、总体情况, 报告年度."""
    if not at:
        return ""
    if len(at) == 1:
        return next((f.label for f in FIELDS if f.id == at[0]), "")
    if fmt is None:
        return ""
    if at[0] == "parts" and len(at) == 2:
        return next((p.heading for p in fmt.parts if p.narrative == at[1]), "")
    table = next((t for t in fmt.tables if t.id == at[0]), None)
    if table is None or at[1] not in {r.id for r in table.row_nodes()}:
        return ""
    if len(at) == 3 and (table.id, at[1], at[2]) in {c.key for c in table.cells()}:
        return fmt.cell((table.id, str(at[1]), str(at[2]))).label
    return f"表{table.number}「{table.row(str(at[1])).text}」行"
