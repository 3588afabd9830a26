"""The spellings a table's rows and headers are recognised by, from the format definition.

Official labels and variants, ordinals, spaces and brackets folded by
`gongkai.format.labels`; plus the fuzzy matches print needs (a label written
after its groups, a character lost), each careful not to take a note or a
column header for a row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gongkai.format import Node, Table
from gongkai.format.labels import normalize, spellings
from gongkai.format.ordinals import HEAD

_ORDINAL_TAIL = re.compile(f"{HEAD}$")  # of a group's label, before the leaf's (in normalized text)
ORDINAL_HEAD = re.compile(f"^{HEAD}")


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


def ancestors(table: Table, leaf: Node) -> list[Node]:
    parents = _parents(table)
    out: list[Node] = []
    node = parents.get(leaf.id)
    while node is not None:
        out.append(node)
        node = parents.get(node.id)
    return out


@dataclass(frozen=True)
class Vocabulary:
    """The spellings one table's rows and headers can be recognised by."""

    leaves: dict[str, Node]  # spelling → leaf row
    groups: dict[str, Node]  # spelling → group row (a node with children)
    own: dict[str, set[str]]  # leaf id → its own and its groups' spellings
    rows: set[str]  # every row spelling, leaves and groups
    headers: set[str]  # column headers, corner notes, block items

    @classmethod
    def of(cls, table: Table) -> Vocabulary:
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
        number = ORDINAL_HEAD.match(unicodedata.normalize("NFKC", text).strip())
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
        return normalize(text) in self.headers and not ORDINAL_HEAD.match(unicodedata.normalize("NFKC", text).strip())

    def is_header(self, text: str, leaf: Node) -> bool:
        norm = normalize(text)
        if norm in self.own[leaf.id]:
            return False
        return norm in self.headers or norm in self.rows
