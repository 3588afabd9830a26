"""Table rows → record cells: the one place figures are read, for every kind of input.

Rows are found by their labels through the format definition (official
labels and variants, ordinals, spaces and brackets folded by
`gongkai.format.labels`), and figures are taken from the cells after the
label, so a shifted column does not shift the numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gongkai.format import Kind, Node, Table
from gongkai.format.labels import normalize, spellings
from gongkai.importers.base import Line, Problem, Slot, Trouble, clean, is_blank, is_number, read_value
from gongkai.records.record import CellKey, Value

_ORDINAL_TAIL = re.compile(r"(?:\d+[.、．]|[一二三四五六七八九十]+、)$")
_ORDINAL_HEAD = re.compile(r"^(?:\d+[.、．]|[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def row_name(table: Table, leaf: Node) -> str:
    """「表三「（三）不予公开 2.其他法律行政法规禁止公开」行」: the leaf with its group."""
    parent = _parents(table).get(leaf.id)
    text = f"{parent.text} {leaf.text}" if parent else leaf.text
    return f"表{table.number}「{text}」行"


def _parents(table: Table) -> dict[str, Node]:
    out: dict[str, Node] = {}

    def walk(node: Node) -> None:
        for child in node.children:
            out[child.id] = node
            walk(child)

    for node in (*table.rows, *(r for b in table.blocks for r in b.rows)):
        walk(node)
    return out


def _ancestors(table: Table, leaf: Node) -> list[Node]:
    parents = _parents(table)
    out: list[Node] = []
    node = parents.get(leaf.id)
    while node is not None:
        out.append(node)
        node = parents.get(node.id)
    return out


@dataclass(frozen=True)
class _Vocabulary:
    """The spellings one table's rows and headers can be recognised by."""

    leaves: dict[str, Node]  # spelling → leaf row
    groups: dict[str, Node]  # spelling → group row (a node with children)
    own: dict[str, set[str]]  # leaf id → its own and its groups' spellings
    rows: set[str]  # every row spelling, leaves and groups
    headers: set[str]  # column headers, corner notes, block items

    @classmethod
    def of(cls, table: Table) -> _Vocabulary:
        tops = (*table.rows, *(r for b in table.blocks for r in b.rows))
        by_spelling: dict[str, Node] = {}
        groups: dict[str, Node] = {}
        own: dict[str, set[str]] = {}
        every: set[str] = set()

        def walk(node: Node, above: set[str]) -> None:
            names = set(spellings(node))
            every.update(names)
            if node.children:
                for s in names:
                    groups.setdefault(s, node)
                for child in node.children:
                    walk(child, above | names)
                return
            own[node.id] = above | names
            for s in names:
                by_spelling.setdefault(s, node)

        for node in tops:
            walk(node, set())
        headers: set[str] = set()

        def columns(node: Node) -> None:
            headers.update(spellings(node))
            for child in node.children:
                columns(child)

        for node in (*table.columns, *(c for b in table.blocks for c in b.columns)):
            columns(node)
        for text in (table.corner, table.header, *(x for b in table.blocks for x in (b.item, b.corner))):
            if text:
                headers.add(normalize(text))
        if table.transposed:  # its rows are printed as column groups
            headers.update(every)
        return cls(by_spelling, groups, own, every, headers)

    def exact(self, text: str) -> Node | None:
        return self.leaves.get(normalize(text))

    def suffix(self, text: str) -> Node | None:
        """A leaf written after its groups in one cell: 「三、本年度办理结果（一）予以公开」.

        What comes before the leaf's name must name one of its groups, so a
        note that merely ends in 「其他」 is not taken for the row 「3.其他」.
        """
        norm = normalize(text)
        best: list[tuple[int, Node]] = []
        for s, leaf in self.leaves.items():
            if len(s) < 2 or not norm.endswith(s):
                continue
            before = _ORDINAL_TAIL.sub("", norm[: -len(s)])
            groups = self.own[leaf.id] - set(spellings(leaf))
            if not before or any(g in before for g in groups) or any(before in g for g in groups):
                best.append((len(s), leaf))  # pieces of a vertical group label count too: 「本」「法提供」
        return max(best, key=lambda x: x[0])[1] if best else None

    def near(self, text: str) -> Node | None:
        """A label with a character or two lost or added in print (「2.其他法律行政止公开」).

        One spelling must be the other with characters left out, covering at
        least 70% of it, the printed ordinal must agree, and only one row may fit.
        """
        norm = normalize(text)
        if len(norm) < 4:
            return None
        number = _ORDINAL_HEAD.match(unicodedata.normalize("NFKC", text).strip())
        fits: dict[str, Node] = {}
        for s, leaf in self.leaves.items():
            short, long = (norm, s) if len(norm) <= len(s) else (s, norm)
            if len(short) < 0.7 * len(long) or not _subsequence(short, long):
                continue
            if number and leaf.number and unicodedata.normalize("NFKC", leaf.number) != number.group(0):
                continue
            fits[leaf.id] = leaf
        return next(iter(fits.values())) if len(fits) == 1 else None

    def is_column(self, text: str) -> bool:
        """A column header's name written without a row's ordinal."""
        return normalize(text) in self.headers and not _ORDINAL_HEAD.match(unicodedata.normalize("NFKC", text).strip())

    def is_header(self, text: str, leaf: Node) -> bool:
        norm = normalize(text)
        if norm in self.own[leaf.id]:
            return False
        return norm in self.headers or norm in self.rows


@dataclass
class _Found:
    line: Line
    slots: list[Slot | None]  # one per column; None where the row ran short
    surplus: list[Slot]

    def figures(self) -> list[str | None]:
        return [clean(s.text) if s is not None and s.text is not None else None for s in self.slots]

    def has_figures(self) -> bool:
        return any(s is not None and _kind(s) in FIGURES for s in self.slots)


FIGURES = ("number", "mark", "invalid")  # kinds of cell that stand where a figure goes


def _kind(slot: Slot) -> str:
    if slot.text is None:
        return "filler"
    if is_number(slot.text):
        return "number"
    if is_blank(slot.text):
        return "empty" if clean(slot.text) == "" else "mark"
    return "invalid" if slot.entry else "text"  # text typed into an input cell is a bad figure


def _nonzero(slot: Slot) -> bool:
    kind = _kind(slot)
    return kind in ("text", "invalid") or (kind == "number" and Decimal(clean(slot.text or "").replace(",", "")) != 0)


def align(after: Sequence[Slot], n: int) -> tuple[list[Slot | None], list[Slot]]:
    """The figures after a label: n cells, and what is left over.

    Cells covered by a merge are layout, not values. Empty cells beyond the n
    expected are layout too (published text pads labels and rows with them),
    trailing ones first; an empty cell within the n stays a blank.
    """
    cells = [s for s in after if s.text is not None]
    while len(cells) > n and _kind(cells[-1]) == "empty":
        cells.pop()
    while len(cells) > n and _kind(cells[0]) == "empty":
        cells.pop(0)
    slots: list[Slot | None] = [*cells[:n]]
    slots += [None] * (n - len(slots))
    return slots, cells[n:]


class _Rows:
    """The state of one pass over a table's lines (see `map_table`)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.vocab = _Vocabulary.of(table)
        self.found: dict[str, _Found] = {}
        self.conflicts: set[str] = set()
        self.problems: list[Problem] = []
        self.headers: list[Line] = []
        self.figure_lines: list[Line] = []
        self.group_rows: dict[str, tuple[Node, Line]] = {}  # a group printed as one row, as before 2021
        self.group_hit: Node | None = None

    def store(self, leaf: Node, line: Line, after: Sequence[Slot], replace: bool = False) -> None:
        slots, surplus = align(after, len(self.table.columns_of(leaf.id)))
        new = _Found(line, slots, surplus)
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
            heads = [h for h in heads if normalize(h) not in self.vocab.headers or _ORDINAL_HEAD.match(h.strip())]
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
    state = _Rows(table)
    pending: Node | None = None
    carry: list[str] = []
    filling: Node | None = None  # the last row stored, which later figure-only lines may complete
    skip = -1
    for n, line in enumerate(lines):
        if n == skip:
            continue
        slots = list(line.cells)
        kinds = [_kind(s) for s in slots]
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
            if has_values and not has_text and short is not None:  # one cell per line: the row goes on
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
            filling = filling if has_values and not has_text else None
            pending = None
            continue
        carry = []
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
    return _cells(state, lines)


def _label_only(line: Line) -> bool:
    """A line of label text only, with no figure: the end of a label wrapped below its figures."""
    kinds = [_kind(s) for s in line.cells]
    text = line.text
    return "text" in kinds and not any(k in FIGURES for k in kinds) and 0 < len(text) <= 30 and not line.heading


def _read_figure_row(state: _Rows) -> None:
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
    filled = [s for s in cells if _kind(s) != "empty"]
    if len(cells) > sum(width) and len(filled) == sum(width):  # 「… 0 || 0 …」: empty cells between groups
        cells = filled
    slots, surplus = align(cells, sum(width))
    start = 0
    for row, w in zip(rows, width, strict=True):
        state.found[row.id] = _Found(line, slots[start : start + w], surplus if row is rows[-1] else [])
        start += w
    for extra in state.figure_lines[used:]:
        what = f"表{table.number}中多出的一行数字：「{extra.text[:60]}」"
        state.problems.append(Problem(extra.where, what, Trouble.NOTE))


def _cells(state: _Rows, lines: Sequence[Line]) -> tuple[dict[CellKey, Value], list[Problem]]:
    """Every cell of the table: a figure, or None with the reason listed."""
    table, problems = state.table, state.problems
    cells: dict[CellKey, Value] = {}
    looked = f"{lines[0].where}–{lines[-1].where}" if lines else ""
    for leaf in table.row_nodes():
        columns = table.columns_of(leaf.id)
        keys = tuple((table.id, leaf.id, c.id) for c in columns)
        cells.update(dict.fromkeys(keys))
        f = state.found.get(leaf.id)
        if leaf.id in state.conflicts:
            continue
        group = next((state.group_rows[p.id] for p in _ancestors(table, leaf) if p.id in state.group_rows), None)
        if f is None and group is not None:
            figures = " ".join(s.text.strip() for s in group[1].cells if s.text and _kind(s) in FIGURES)
            what = (
                f"{row_name(table, leaf)}：源文件按旧格式把「{group[0].text}」印为一行（{figures}），"
                "没有分列其下各行；请按原始台账补填"
            )
            problems.append(Problem(group[1].where, what, Trouble.MISSING, keys))
            continue
        if f is None:
            what = f"{row_name(table, leaf)}：未找到该行" + ("" if looked else "（文档中没有这张表）")
            problems.append(Problem(looked, what, Trouble.MISSING, keys))
            continue
        if any(_nonzero(s) for s in f.surplus):
            read = " ".join((s.text or "").strip() if s else "" for s in [*f.slots, *f.surplus])
            what = (
                f"{row_name(table, leaf)}有 {len(f.slots) + len(f.surplus)} 个数（应为 {len(columns)} 个），"
                f"无法确定哪些属于本行：{read}"
            )
            problems.append(Problem(f.line.where, what, Trouble.AMBIGUOUS, keys))
            continue
        short = [c for c, s in zip(columns, f.slots, strict=True) if s is None]
        if short:
            what = f"{row_name(table, leaf)}缺少「{'、'.join(c.label for c in short)}」列的数字"
            problems.append(
                Problem(f.line.where, what, Trouble.MISSING, tuple((table.id, leaf.id, c.id) for c in short))
            )
        blanks: list[tuple[Node, Slot]] = []
        for col, slot in zip(columns, f.slots, strict=True):
            if slot is None or slot.text is None:
                continue
            kind = col.kind if col.kind is not Kind.COUNT else leaf.kind
            value, error = read_value(slot.text, kind)
            key = (table.id, leaf.id, col.id)
            cells[key] = value
            if error:
                what = f"{row_name(table, leaf)}「{col.label}」列：{error}"
                problems.append(Problem(slot.where, what, Trouble.INVALID, (key,)))
            elif value is None:
                blanks.append((col, slot))
        if blanks:
            problems.append(_blank(table, leaf, f.line, blanks))
    return cells, problems


def _blank(table: Table, leaf: Node, line: Line, blanks: list[tuple[Node, Slot]]) -> Problem:
    """One entry per row for its blank cells, naming each cell where cells have names."""
    names = "、".join(c.label for c, _ in blanks)
    places = [s.where for _, s in blanks]
    if all(p == line.where for p in places):  # text: the line is all there is to name
        places = []
    where = places[0] if len(places) == 1 else line.where
    what = f"{row_name(table, leaf)}「{names}」列是空白"
    if len(places) > 1:
        what += f"（{'、'.join(places)}）"
    keys = tuple((table.id, leaf.id, c.id) for c, _ in blanks)
    return Problem(where, what, Trouble.BLANK, keys)
