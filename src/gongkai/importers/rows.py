"""Table rows → record cells: the one place figures are read, for every kind of input.

Rows are found by their labels through the format definition (`vocabulary`),
and figures are taken from the cells after the label (`slots.align`), so a
shifted column does not shift the numbers. What could not be read is listed
by `gaps`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gongkai.format import Node, Table
from gongkai.format.labels import normalize, spellings
from gongkai.importers import together
from gongkai.importers.base import Line, Problem, Slot, Trouble
from gongkai.importers.gaps import table_cells
from gongkai.importers.slots import FIGURES, Found, align, kind_of
from gongkai.importers.vocabulary import ORDINAL_HEAD, Vocabulary, row_name
from gongkai.records.record import CellKey, Value


class Rows:
    """The state of one pass over a table's lines (see `map_table`)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.vocab = Vocabulary.of(table)
        self.found: dict[str, Found] = {}
        self.conflicts: set[str] = set()
        self.problems: list[Problem] = []
        self.headers: list[Line] = []
        self.figure_lines: list[Line] = []
        self.group_rows: dict[str, tuple[Node, Line]] = {}  # a group printed as one row, as before 2021
        self.group_hit: Node | None = None

    def store(self, leaf: Node, line: Line, after: Sequence[Slot], replace: bool = False) -> None:
        slots, surplus = align(after, len(self.table.columns_of(leaf.id)))
        new = Found(line, slots, surplus)
        old = self.found.get(leaf.id)
        if old is None or replace or not any(s is not None for s in old.slots):
            self.found[leaf.id] = new
        elif old.figures() != new.figures() and leaf.id not in self.conflicts:
            keys = tuple((self.table.id, leaf.id, c.id) for c in self.table.columns_of(leaf.id))
            what = f"{row_name(self.table, leaf)}出现两次，数字不同（另见 {old.line.where}）"
            self.problems.append(Problem(line.where, what, Trouble.AMBIGUOUS, keys))
            self.conflicts.add(leaf.id)

    def short_row(self, leaf: Node | None) -> list[Slot] | None:
        """The figures a row has so far, if it has fewer than its columns and nothing left over."""
        found = self.found.get(leaf.id) if leaf is not None else None
        if found is None or found.surplus or all(s is not None for s in found.slots):
            return None
        return [s for s in found.slots if s is not None]

    def label(
        self, slots: list[Slot], kinds: list[str], carry: Sequence[str] = (), tail: str = ""
    ) -> tuple[Node | None, int]:
        """The row a line is about, and the index of its label cell.

        `carry` are the label-only lines just above (a label wrapped over
        lines, the figures on its last or middle line), `tail` the label-only
        line just below.
        """
        texts = [i for i, k in enumerate(kinds) if k == "text"]
        values = [i for i, k in enumerate(kinds) if k in FIGURES]
        for i in reversed(texts):
            leaf = self.vocab.exact(slots[i].text or "")
            if leaf is not None and not values and self.vocab.is_column(slots[i].text or ""):
                continue  # 「其他」「总计」 alone on a line are column headers, not rows 3.其他 and （七）总计
            if leaf is not None:
                first = next((v for v in values if v > i), None)
                if first is not None and any(i < t < first and not slots[t].entry for t in texts):
                    return None, -1  # the figures follow a row label this format does not have
                return leaf, i
        if not values:
            return None, -1
        before = [i for i in texts if i < values[0]]
        head = "".join(slots[i].text or "" for i in before)
        at = before[-1] if before else -1
        heads = [head, *("".join(carry[-k:]) + head for k in range(1, len(carry) + 1))]
        if not head:  # a column header alone on the line above (「其他」) is not the row 「3.其他」
            heads = [h for h in heads if normalize(h) not in self.vocab.headers or ORDINAL_HEAD.match(h.strip())]
        if tail:
            heads = [h + tail for h in heads]
        for find in (self.vocab.exact, self.vocab.suffix, self.vocab.near):
            for h in heads:
                if h and (leaf := find(h)) is not None:
                    return leaf, at
        self.group_hit = next((g for h in heads if h and (g := self.vocab.groups.get(normalize(h)))), None)
        return None, at


def map_table(
    table: Table, lines: Sequence[Line], figure_row: bool = True
) -> tuple[dict[CellKey, Value], list[Problem]]:
    """Read one table's figures by row label, never by position.

    A row is the rightmost cell naming a leaf row (through the format's labels
    and variants), followed by its figures. Header rows are recognised by
    naming columns or other rows and skipped. A label alone on a line takes the
    figures of the next line; a label split over two lines is joined. Table
    四, printed as one unlabelled row of figures under its headers, is read in
    the format's column order (unless `figure_row` is off: a table searched for
    in the whole document, where an unlabelled row could be anything).
    """
    state = Rows(table)
    pending: Node | None = None
    carry: list[str] = []
    orphans: list[str] = []  # every label-only line since the last figures
    filling: Node | None = None  # the last row stored, which later figure-only lines may complete
    skip = -1
    for n, line in enumerate(lines):
        if n == skip:
            continue
        slots = list(line.cells)
        kinds = [kind_of(s) for s in slots]
        has_values = any(k in FIGURES for k in kinds)
        has_text = "text" in kinds
        if not has_values and not has_text and not (table.transposed and any(s.entry for s in slots)):
            continue
        state.group_hit = None
        leaf, at = state.label(slots, kinds, carry)
        if leaf is None and has_values and has_text and n + 1 < len(lines) and _label_only(lines[n + 1]):
            leaf, at = state.label(slots, kinds, carry, lines[n + 1].text)
            skip = n + 1 if leaf is not None else skip
        if leaf is None:
            short = state.short_row(filling)
            width = len(table.columns_of(filling.id)) if filling is not None else 0
            full = sum(1 for k in kinds if k in FIGURES) >= width
            if has_values and not has_text and short is not None and full:  # a whole row under a stray figure
                assert filling is not None
                stray = " ".join(s.text or "" for s in short)
                what = f"{row_name(table, filling)}：行名下单独的「{stray}」之后是一整行数字，按整行读取"
                what += f"；「{stray}」没有导入"
                state.problems.append(Problem(state.found[filling.id].line.where, what, Trouble.NOTE))
                state.store(filling, line, slots, replace=True)
            elif has_values and not has_text and short is not None:  # one cell per line: the row goes on
                assert filling is not None
                state.store(filling, state.found[filling.id].line, [*short, *slots], replace=True)
            elif has_values and not has_text and pending is not None:
                state.store(pending, line, slots, replace=True)
                filling = pending
            elif (has_values or any(s.entry for s in slots)) and not has_text and table.transposed:
                state.figure_lines.append(line)
            elif has_values and state.group_hit is not None:
                state.group_rows.setdefault(state.group_hit.id, (state.group_hit, line))
            elif has_values:
                what = f"表{table.number}中未能识别的一行：「{line.text[:60]}」"
                state.problems.append(Problem(line.where, what, Trouble.NOTE))
            else:
                state.headers.append(line)
            carry = [*carry[-2:], line.text] if has_text and not has_values else []
            orphans = [*orphans[-7:], line.text] if has_text and not has_values else []
            filling = filling if has_values and not has_text else None
            pending = None
            continue
        named = _named(state.vocab, orphans) if has_values and at < 0 else set()
        several = len(named) > 1 or (has_values and at < 0 and len(_ordinals(orphans)) > 1)
        carry, orphans = [], []
        if several:  # two row labels above one line of figures: whose they are cannot be told
            _two_labels(state, line, named | {leaf.id})
            pending = filling = None
            continue
        others = [i for i, k in enumerate(kinds) if k == "text" and i != at]
        if any(state.vocab.is_header(slots[i].text or "", leaf) for i in others):
            state.headers.append(line)
            pending = None
            continue
        state.store(leaf, line, slots[at + 1 :])
        filling = leaf
        pending = None if any(k != "filler" and k != "empty" for k in kinds[at + 1 :]) else leaf
    if (
        figure_row
        and table.transposed
        and state.figure_lines
        and not any(f.has_figures() for f in state.found.values())
    ):
        _read_figure_row(state)
    together.resolve(state)
    return table_cells(state, lines)


def _named(vocab: Vocabulary, texts: Sequence[str]) -> set[str]:
    """The leaf rows named by the label-only lines (each label may be wrapped over up to three lines)."""
    found = set()
    for i in range(len(texts)):
        for j in range(i + 1, min(len(texts), i + 3) + 1):
            leaf = vocab.exact("".join(texts[i:j]))
            if leaf is not None:
                found.add(leaf.id)
    return found


_ROW_ORDINAL = re.compile(r"(?<![\d.])(\d{1,2})\s*[.．、](?=[\u4e00-\u9fff])")


def _ordinals(texts: Sequence[str]) -> set[str]:
    """The rows' numbers (「2.」「3.」) printed in label-only lines: more than one, more than one row."""
    return {m.group(1) for text in texts for m in _ROW_ORDINAL.finditer(text)}


def _two_labels(state: Rows, line: Line, named: set[str]) -> None:
    table = state.table
    leaves = [table.row(r) for r in sorted(named)]
    keys = tuple((table.id, leaf.id, c.id) for leaf in leaves for c in table.columns_of(leaf.id))
    names = "、".join(row_name(table, leaf) for leaf in leaves)
    what = f"{names}的行名之后只有一行数字（「{line.text[:40]}」），无法确定属于哪一行"
    state.problems.append(Problem(line.where, what, Trouble.AMBIGUOUS, keys))
    state.conflicts.update(named)


def _label_only(line: Line) -> bool:
    """A line of label text only, with no figure: the end of a label wrapped below its figures."""
    kinds = [kind_of(s) for s in line.cells]
    text = line.text
    return "text" in kinds and not any(k in FIGURES for k in kinds) and 0 < len(text) <= 30 and not line.heading


def _read_figure_row(state: Rows) -> None:
    """Table 四 as printed: its figures in one row, in the order of its header groups."""
    table = state.table
    rows = table.row_nodes()
    line = state.figure_lines[0]
    total = sum(len(table.columns_of(r.id)) for r in rows)
    used = 1
    while len([s for s in line.cells if s.text is not None]) < total and used < len(state.figure_lines):
        more = state.figure_lines[used]  # one cell per line: the figures go on over the next lines
        line = Line(line.where, line.markdown, (*line.cells, *more.cells), table=True)
        used += 1
    columns: list[int] = []  # where each row's group heading sits, left to right
    for row in rows:
        names = set(spellings(row))
        places = [i for h in state.headers for i, s in enumerate(h.cells) if s.text and normalize(s.text) in names]
        columns.append(min(places, default=-1))
    seen = [c for c in columns if c >= 0]
    if seen != sorted(seen) or len(set(seen)) != len(seen):
        what = f"表{table.number}的表头顺序与官方格式不同，无法确定各数字所属的列"
        keys = tuple(c.key for c in table.cells())
        state.problems.append(Problem(line.where, what, Trouble.AMBIGUOUS, keys))
        state.conflicts.update(r.id for r in rows)
        return
    width = [len(table.columns_of(r.id)) for r in rows]
    cells = [s for s in line.cells if s.text is not None]
    filled = [s for s in cells if kind_of(s) != "empty"]
    if len(cells) > sum(width) and len(filled) == sum(width):  # 「… 0 || 0 …」: empty cells between groups
        cells = filled
    cut, problem = together.figure_row(table, line, cells, sum(width))
    if problem is not None:
        state.problems.append(problem)
    if cut is None:
        state.conflicts.update(r.id for r in rows)
        return
    cells = cut
    slots, surplus = align(cells, sum(width))
    start = 0
    for row, w in zip(rows, width, strict=True):
        state.found[row.id] = Found(line, slots[start : start + w], surplus if row is rows[-1] else [])
        start += w
    for extra in state.figure_lines[used:]:
        what = f"表{table.number}中多出的一行数字：「{extra.text[:60]}」"
        state.problems.append(Problem(extra.where, what, Trouble.NOTE))
