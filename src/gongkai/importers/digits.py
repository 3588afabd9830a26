"""Digits run together (「640020470」 for seven cells): every way to cut them that the table's rules allow.

A scraper that drops the cell borders of a published table leaves a row's
figures as one run of digits. The run can be cut into the row's cells in many
ways, but few of them satisfy the table's own 勾稽 rules (a row's total is the
sum of its cells; each group of table 四 ends with its total). This is a small
constraint search: cells are cut without leading zeros, never across a space
(a space the page kept is a border), and a total is checked the moment its
terms are known, so a long run is pruned early. The caller accepts a cut only
when exactly one is left; otherwise the cells stay blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

MAX_DIGITS = 9  # one cell: a province's count of decisions stays below a billion
LIMIT = 200  # cuts listed for one run; more than this and the run is called ambiguous anyway
NODES = 50_000  # steps of the search for one run: a long run is given up, not searched for minutes


@dataclass(frozen=True)
class Total:
    """cells[total] = Σ cells[terms], indices into the run's cells."""

    total: int
    terms: tuple[int, ...]


def _tokens(texts: Sequence[str]) -> list[tuple[str, str]]:
    """(digits, decimal tail) per space-separated piece: 「24252.3110」 → ('24252', '.3110')."""
    out = []
    for text in texts:
        for piece in text.split():
            whole, dot, tail = piece.partition(".")
            out.append((whole, dot + tail))
    return out


def is_run(text: str) -> bool:
    """Only digits, spaces and at most one decimal point per piece: something this module can cut."""
    pieces = text.split()
    return bool(pieces) and all(p.replace(".", "", 1).isdigit() for p in pieces)


def cuts(
    texts: Sequence[str], width: int, totals: Sequence[Total] = (), limit: int = LIMIT
) -> list[tuple[Decimal, ...]] | None:
    """Every way to cut the texts into `width` cells that satisfies `totals`; None if too many to list.

    A cell ends where a piece ends or anywhere inside a piece; a piece's
    decimal tail stays with the last cell cut from it.
    """
    tokens = _tokens(texts)
    if not tokens or any(not d.isdigit() for d, _ in tokens):
        return []
    remaining = [sum(len(d) for d, _ in tokens[k:]) for k in range(len(tokens) + 1)]
    closing: dict[int, list[Total]] = {}
    for t in totals:
        closing.setdefault(max(t.total, *t.terms), []).append(t)
    forced = {t.total: t for t in totals if all(i < t.total for i in t.terms)}
    found: list[tuple[Decimal, ...]] = []
    cells: list[Decimal] = []
    budget = [NODES]

    def holds(index: int) -> bool:
        return all(cells[t.total] == sum((cells[i] for i in t.terms), Decimal(0)) for t in closing.get(index, ()))

    def walk(k: int, offset: int) -> bool:
        """False once the search must stop (too many cuts, or too many steps)."""
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if len(cells) == width:
            if k == len(tokens):
                found.append(tuple(cells))
            return len(found) <= limit
        left = width - len(cells)
        digits = remaining[k] - offset
        if k == len(tokens) or digits < left or digits > left * MAX_DIGITS:
            return True
        whole, tail = tokens[k]
        ends = range(offset + 1, min(len(whole), offset + MAX_DIGITS) + 1)
        rule = forced.get(len(cells))
        if rule is not None and not tail:  # a total whose terms are cut already: only its own digits can follow
            expected = sum((cells[i] for i in rule.terms), Decimal(0))
            plain = str(int(expected)) if expected == expected.to_integral_value() else "."
            ends = range(offset + len(plain), offset + len(plain) + 1 if whole.startswith(plain, offset) else 0)
        for end in ends:
            piece = whole[offset:end]
            if len(piece) > 1 and piece[0] == "0":
                break  # a figure is not printed with a leading zero
            last = end == len(whole)
            cells.append(Decimal(piece + tail) if last and tail else Decimal(piece))
            going = True
            if holds(len(cells) - 1):
                going = walk(k + 1, 0) if last else walk(k, end)
            cells.pop()
            if not going:
                return False
        return True

    return found if walk(0, 0) else None


@dataclass(frozen=True)
class ColumnSum:
    """Σ left rows = Σ right rows, cell by cell (R1, R3 of table 三)."""

    left: tuple[str, ...]
    right: tuple[str, ...]


MAX_STATES = 20_000  # partial sums kept while narrowing one rule; beyond that the rule is not used


def narrow(
    candidates: dict[str, list[tuple[Decimal, ...]]], rules: Sequence[ColumnSum]
) -> dict[str, list[tuple[Decimal, ...]]]:
    """Drop each row's cuts that no choice of the other rows' cuts can satisfy a column rule with.

    `candidates` holds every row a rule may name: a row read normally has one
    candidate, a row that could not be read is absent (rules naming it are not
    used). A rule that no combination satisfies — the report breaks it
    whatever the cut — is not used either: it cannot tell cuts apart.
    """
    out = dict(candidates)
    for _ in range(3):
        changed = False
        for rule in rules:
            rows = [*rule.left, *rule.right]
            if any(r not in out for r in rows) or all(len(out[r]) == 1 for r in rows):
                continue
            kept = _support(out, rule)
            if kept is None or any(not v for v in kept.values()):
                continue
            for r, v in kept.items():
                if len(v) != len(out[r]):
                    out[r], changed = v, True
        if not changed:
            break
    return out


def _support(
    cands: dict[str, list[tuple[Decimal, ...]]], rule: ColumnSum
) -> dict[str, list[tuple[Decimal, ...]]] | None:
    signed = [(r, 1) for r in rule.left] + [(r, -1) for r in rule.right]
    kept: dict[str, list[tuple[Decimal, ...]]] = {}
    for n, (row, sign) in enumerate(signed):
        if len(cands[row]) == 1:
            continue
        sums: set[tuple[Decimal, ...]] = {tuple(Decimal(0) for _ in cands[row][0])}
        for m, (other, s) in enumerate(signed):
            if m == n:
                continue
            sums = {tuple(a + s * b for a, b in zip(acc, c, strict=True)) for acc in sums for c in cands[other]}
            if len(sums) > MAX_STATES:
                return None
        kept[row] = [c for c in cands[row] if tuple(-sign * x for x in c) in sums]
    return kept
