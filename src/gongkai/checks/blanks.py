"""Blank cells, rare and loud: one finding per block left wholly blank, not one per cell.

A block is a part of a table's grid the format names: the whole table, a
row group × a column group (「（三）不予公开」 × 「法人或其他组织」), a row,
a column. The largest wholly blank blocks are taken first, each cell in one
finding at most (a block overlapping one already taken names the rest of
its cells); a blank cell in no blank block is a finding of its own.
The ids extend the cell ids (R5:table3.received.natural_person:blank) with
`*` for every row or column and a group's id for its members, so a
reviewer's decision keeps naming the same cells run after run.

A 2021-format table 三 whose （六）其他处理 sub-rows are all blank is the old
layout printed in the new format (one row for （六）): one W4 finding names
the cells, instead of 21 blanks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from gongkai.checks.instance import DOCUMENT, Instance, num, qualified, ref
from gongkai.format import Node, Table
from gongkai.format.model import leaves
from gongkai.format.rules import CellRule, Rule
from gongkai.records.record import CellKey, Record

ALL = "*"
OLD_LAYOUT_GROUP = "other_handling"  # the row the 2019 format prints whole and the 2021 format splits


@dataclass(frozen=True)
class Block:
    id: str  # 「table3.refused.organisation」, 「table3」 for the whole table
    rows: str  # how a message names its rows
    columns: str  # … and its columns
    keys: tuple[CellKey, ...]


def _nodes(tree: tuple[Node, ...]) -> list[Node]:
    out: list[Node] = []

    def walk(node: Node) -> None:
        out.append(node)
        for child in node.children:
            walk(child)

    for node in tree:
        walk(node)
    return out


@cache
def blocks(table: Table) -> tuple[Block, ...]:
    """Every block of a table the format names, largest first (ties in reading order).

    Remembered per table: it depends on the format alone and costs 5 ms for table 三, every report twice.
    """
    found: list[Block] = [Block(table.id, "", "", tuple(c.key for c in table.cells()))]
    grids: list[tuple[list[tuple[str, str, list[Node]]], list[tuple[str, str, list[Node]]]]] = []
    if table.blocks:
        for block in table.blocks:
            rows = leaves(block.rows)
            row_sets = [(r.id, f"「{r.text}」行", [r]) for r in rows]
            if len(rows) > 1:
                row_sets.insert(0, ("+".join(r.id for r in rows), f"「{block.item}」各行", rows))
            cols = leaves(block.columns)
            col_sets = [(ALL, "", cols)] + ([(c.id, f"「{c.text}」列", [c]) for c in cols] if len(cols) > 1 else [])
            grids.append((row_sets, col_sets))
    else:
        row_word = "" if table.transposed else "行"
        row_sets = [(ALL, "各行" if row_word else "", leaves(table.rows))]
        row_sets += [(n.id, _rows_text(table, n, row_word), list(n.leaves())) for n in _nodes(table.rows)]
        col_sets = [(ALL, "", leaves(table.columns))]
        col_sets += [
            (n.id, f"「{n.text}」{'各列' if n.children else '列'}", list(n.leaves())) for n in _nodes(table.columns)
        ]
        grids.append((row_sets, col_sets))
    for row_sets, col_sets in grids:
        for row_id, row_text, rows in row_sets:
            for col_id, col_text, cols in col_sets:
                keys = tuple((table.id, r.id, c.id) for r in rows for c in cols if c in table.columns_of(r.id))
                if len(keys) > 1 and (row_id, col_id) != (ALL, ALL):
                    found.append(Block(f"{table.id}.{row_id}.{col_id}", row_text, col_text, keys))
    order = {b.id: n for n, b in enumerate(found)}
    return tuple(sorted(found, key=lambda b: (-len(b.keys), order[b.id])))


def _rows_text(table: Table, node: Node, word: str) -> str:
    """「（一）予以公开」行, 「（三）不予公开」1.至8.各行, 「行政诉讼·复议后起诉」."""
    if not node.children:
        parent = next((n for n in _nodes(table.rows) if node in n.children), None)
        if parent is not None and parent.number and node.number:  # 「（三）不予公开 1.属于国家秘密」
            return f"「{parent.text} {node.text}」{word}"
        return f"「{qualified(table, node.id, column=False)}」{word}"
    members = list(node.leaves())
    if word and members[0].number and members[-1].number:
        return f"「{node.text}」{members[0].number}至{members[-1].number}各{word}"
    return f"「{node.text}」各{word or '项'}"


def _old_layout(record: Record) -> tuple[CellKey, ...]:
    """The cells of （六）其他处理's sub-rows, when all are blank in a 2021-format table 三 that is not all blank."""
    table = record.format.table("table3")
    group = next((n for n in _nodes(table.rows) if n.id == OLD_LAYOUT_GROUP), None)
    if group is None or not group.children:
        return ()
    keys = tuple((table.id, r.id, c.id) for r in group.leaves() for c in table.columns_of(r.id))
    others = [c.key for c in table.cells() if c.key not in keys]
    # only these blank, every other cell filled: the importer's trace of a single printed （六） row
    if all(record.cells[k] is None for k in keys) and all(record.cells[k] is not None for k in others):
        return keys
    return ()


def old_layout_instances(rule: Rule, record: Record) -> Iterator[Instance]:
    """W4: table 三 printed the old way, （六） as one row; its sub-rows' cells named in one finding."""
    keys = _old_layout(record)
    if not keys:
        return
    table = record.format.table("table3")
    group = table.row(next(iter(keys))[1])
    parent = next(n for n in _nodes(table.rows) if n.id == OLD_LAYOUT_GROUP)
    rows = "、".join(r.number.rstrip(".") for r in parent.leaves())
    message = (
        f"表三按旧版式把「{parent.text}」印成一行：2021 格式分列其下 {rows} 三行，"
        f"这 {len(keys)} 个单元格全部空白（自「{group.text}」起）；请按原始台账分行填写"
    )
    yield Instance(
        rule,
        rule.id,
        f"{rule.id}:table3.{OLD_LAYOUT_GROUP}",
        DOCUMENT,
        2019,
        int(record.format.id),
        message,
        tuple(ref(record, k) for k in keys),
        keys,
    )


def blank_instances(rule: CellRule, record: Record) -> Iterator[Instance]:
    """R5's blank test: a finding per wholly blank block, then per remaining blank cell; present cells pass."""
    covered: set[CellKey] = set(_old_layout(record))
    for table in record.format.tables:
        for block in blocks(table):
            fresh = tuple(k for k in block.keys if k not in covered)
            if len(fresh) < 2 or any(record.cells[k] is not None for k in block.keys):
                continue
            covered.update(fresh)
            rest = "其余 " if len(fresh) < len(block.keys) else ""
            if block.id == table.id:
                what = f"表{table.number}「{table.title}」整张表未填写（{len(fresh)} 个单元格全部空白；"
                iid = f"{rule.id}:{table.id}:blank"
            else:
                where = f"{block.rows}{block.columns}" or "全部"
                what = f"表{table.number}{where}的{rest or ' '}{len(fresh)} 个单元格全部空白（"
                iid = f"{rule.id}:{block.id}:blank"
            yield Instance(
                rule,
                "R5.blank",
                iid,
                table.id,
                None,
                None,
                f"{what}空白不等于 0：没有的请填 0，不知道的请补填）",
                tuple(ref(record, k) for k in fresh),
                fresh,
            )
        yield from _singles(rule, record, table, covered)


def _singles(rule: CellRule, record: Record, table: Table, covered: set[CellKey]) -> Iterator[Instance]:
    """Each cell of the table in no blank block: its own blank test (a present value passes)."""
    for cell in table.cells():
        if cell.key in covered:
            continue
        value = record.cells[cell.key]
        r = ref(record, cell.key)
        yield Instance(
            rule,
            "R5.blank",
            f"{rule.id}:{'.'.join(cell.key)}:blank",
            cell.table.id,
            num(value),
            None,
            f"{r.label}未填写（空白不等于 0，请填写数字）",
            (r,),
            (cell.key,),
        )
