"""The three tables laid out as the report prints them, with the checks beside their totals."""

from __future__ import annotations

from gongkai.format import Node, Table
from gongkai.format.model import depth, leaves
from gongkai.workbook.layout import kind_of, letter, width_of
from gongkai.workbook.sheet import Sheet


class TableSheet(Sheet):
    """A sheet holding one table."""

    # --- the tables --------------------------------------------------------------------

    def blocks(self, table: Table) -> None:
        """Table 二: each block under its item, as in the report."""
        width = width_of(table)
        for block in table.blocks:
            self.put(self.row, 1, block.item, cols=width, head=False)
            self.row += 1
            cols = leaves(block.columns)
            spans = [1] * (len(cols) - 1) + [width - len(cols)]
            self.put(self.row, 1, block.corner)
            at = 2
            for col, span in zip(cols, spans, strict=True):
                self.put(self.row, at, col.text, cols=span)
                at += span
            self.row += 1
            for row in leaves(block.rows):
                self.put(self.row, 1, row.text, head=False)
                at = 2
                for col, span in zip(cols, spans, strict=True):
                    self.entry(self.row, at, kind_of(row, col), cols=span)
                    self.layout.cells[(table.id, row.id, col.id)] = self.where(self.row, at)
                    at += span
                self.row += 1
        self.ws.column_dimensions["A"].width = 24
        for c in range(2, width + 1):
            self.ws.column_dimensions[letter(c)].width = 16

    def headers(self, nodes: tuple[Node, ...], top: int, left: int) -> None:
        """A column tree: groups span their leaves, leaves fill down to the last header row."""
        height = depth(nodes)

        def walk(node: Node, level: int, col: int) -> int:
            span = len(list(node.leaves()))
            if node.children:
                self.put(top + level, col, node.text, cols=span)
                at = col
                for child in node.children:
                    at = walk(child, level + 1, at)
            else:
                self.put(top + level, col, node.text, rows=height - level)
            return col + span

        at = left
        for node in nodes:
            at = walk(node, 0, at)

    def grid(self, table: Table) -> None:
        """Table 三: corner, two-level columns, the row hierarchy down the left, checks beside."""
        label_width = depth(table.rows)
        cols = leaves(table.columns)
        height = depth(table.columns) + (1 if table.header else 0)
        top = self.row
        self.put(top, 1, table.corner, rows=height, cols=label_width)
        if table.header:
            self.put(top, label_width + 1, table.header, cols=len(cols))
        self.headers(table.columns, top + height - depth(table.columns), label_width + 1)
        total_col = cols[-1]
        check_col = label_width + len(cols) + 2
        self.put(top, check_col, f"核对：{total_col.label}应为各列之和", rows=height)
        first = top + height
        rows = table.row_nodes()
        at_row = {row.id: first + i for i, row in enumerate(rows)}

        def labels(node: Node, level: int) -> None:
            start = at_row[next(node.leaves()).id]
            if node.children:
                self.put(start, level + 1, node.text, rows=len(list(node.leaves())))
                for child in node.children:
                    labels(child, level + 1)
            else:
                self.put(start, level + 1, node.text, cols=label_width - level, head=False)

        for node in table.rows:
            labels(node, 0)
        for row in rows:
            r = at_row[row.id]
            for i, col in enumerate(cols):
                self.entry(r, label_width + 1 + i, kind_of(row, col))
                self.layout.cells[(table.id, row.id, col.id)] = self.where(r, label_width + 1 + i)
            a, b = letter(label_width + 1), letter(label_width + len(cols) - 1)
            stated = f"{letter(label_width + len(cols))}{r}"
            self.formula(r, check_col, f"=SUM({a}{r}:{b}{r})", f"{row.id}.{total_col.id}", stated)
        self.row = first + len(rows) + 1
        self.outcome_checks(table, at_row, label_width, cols)
        self.ws.column_dimensions[letter(label_width)].width = 40
        for c in range(label_width + 1, check_col + 1):
            self.ws.column_dimensions[letter(c)].width = 11
        self.ws.column_dimensions[letter(check_col)].width = 16

    def outcome_checks(self, table: Table, at_row: dict[str, int], label_width: int, cols: list[Node]) -> None:
        """Under table 三: its outcome total as the sum of the outcomes, and as 一 + 二 − 四."""
        group = next(n for n in table.rows if n.children)
        outcomes = list(group.leaves())
        total, parts = outcomes[-1], outcomes[:-1]
        tops = [n for n in table.rows if not n.children]
        received, carried_in, carried_over = tops[0], tops[1], tops[-1]
        number = [n.number.rstrip("、") for n in (received, carried_in, carried_over)]

        def summed(c: str) -> str:
            return f"=SUM({c}{at_row[parts[0].id]}:{c}{at_row[parts[-1].id]})"

        def balance(c: str) -> str:
            return f"={c}{at_row[received.id]}+{c}{at_row[carried_in.id]}-{c}{at_row[carried_over.id]}"

        checks = [
            (f"核对：{total.text}应为以上各项之和", summed),
            (f"核对：{total.text}应为第{number[0]}项加第{number[1]}项减第{number[2]}项", balance),
        ]
        for n, (caption, formula) in enumerate(checks):
            self.put(self.row, 1, caption, cols=label_width, head=False)
            for i, col in enumerate(cols):
                c = letter(label_width + 1 + i)
                what, stated = f"{total.id}.{col.id}.{n + 1}", f"{c}{at_row[total.id]}"
                self.formula(self.row, label_width + 1 + i, formula(c), what, stated)
            self.row += 1

    def transposed(self, table: Table) -> None:
        """Table 四: groups side by side over one row of figures; each group's total checked below."""

        def graft(node: Node) -> Node:
            children = tuple(graft(c) for c in node.children) if node.children else table.columns
            return Node(node.id, node.label, node.number, children=children)

        tree = tuple(graft(n) for n in table.rows)
        top = self.row
        self.headers(tree, top, 1)
        figures = top + depth(tree)
        cols = leaves(table.columns)
        at = 1
        for row in table.row_nodes():
            start = at
            for col in cols:
                self.entry(figures, at, kind_of(row, col))
                self.layout.cells[(table.id, row.id, col.id)] = self.where(figures, at)
                at += 1
            check = figures + 2
            caption = f"核对：{cols[-1].label}应为前{len(cols) - 1}项之和"
            self.put(check, start, caption, cols=len(cols) - 1, head=False)
            a, b = letter(start), letter(start + len(cols) - 2)
            stated = f"{letter(start + len(cols) - 1)}{figures}"
            self.formula(check, start + len(cols) - 1, f"=SUM({a}{figures}:{b}{figures})", f"{row.id}.total", stated)
        self.row = figures + 3
        for c in range(1, at):
            self.ws.column_dimensions[letter(c)].width = 11
