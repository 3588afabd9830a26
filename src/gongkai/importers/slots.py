"""What a cell holds (a figure, a blank mark, text, a merge's filler), and the figures after a label."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gongkai.importers.base import Line, Slot, clean, is_blank, is_number


@dataclass
class Found:
    line: Line
    slots: list[Slot | None]  # one per column; None where the row ran short
    surplus: list[Slot]

    def figures(self) -> list[str | None]:
        return [clean(s.text) if s is not None and s.text is not None else None for s in self.slots]

    def has_figures(self) -> bool:
        return any(s is not None and kind_of(s) in FIGURES for s in self.slots)


FIGURES = ("number", "mark", "invalid")  # kinds of cell that stand where a figure goes


def kind_of(slot: Slot) -> str:
    if slot.text is None:
        return "filler"
    if is_number(slot.text):
        return "number"
    if is_blank(slot.text):
        return "empty" if clean(slot.text) == "" else "mark"
    return "invalid" if slot.entry else "text"  # text typed into an input cell is a bad figure


def nonzero(slot: Slot) -> bool:
    kind = kind_of(slot)
    return kind in ("text", "invalid") or (kind == "number" and Decimal(clean(slot.text or "").replace(",", "")) != 0)


def align(after: Sequence[Slot], n: int) -> tuple[list[Slot | None], list[Slot]]:
    """The figures after a label: n cells, and what is left over.

    Cells covered by a merge are layout, not values. Empty cells beyond the n
    expected are layout too (published text pads labels and rows with them),
    trailing ones first; an empty cell within the n stays a blank.
    """
    cells = [s for s in after if s.text is not None]
    while len(cells) > n and kind_of(cells[-1]) == "empty":
        cells.pop()
    while len(cells) > n and kind_of(cells[0]) == "empty":
        cells.pop(0)
    slots: list[Slot | None] = [*cells[:n]]
    slots += [None] * (n - len(slots))
    return slots, cells[n:]
