"""Near misses: when a township, county or year is not on record, say what is.

A person types 「胡集」 or 「胡集镇」 for 胡集乡 (乡 become 镇 over the years) or
misspells a pinyin id; difflib over names with and without their level suffix,
and over ids, finds the intended one without a dictionary.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

SUFFIXES = ("街道办事处", "人民政府", "街道", "乡", "镇")
CUTOFF = 0.6  # below this, a guess misleads more than it helps
MARGIN = 0.15  # only guesses nearly as good as the best one


def _core(name: str) -> str:
    """A name without the words that vary between spellings of one place."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _score(typed: str, name: str, ident: str) -> float:
    typed_core = _core(_core(typed))
    if typed_core and (typed_core == _core(name) or typed.lower() == ident):
        return 1.0
    contained = 0.9 if typed_core and (typed_core in name or _core(name) in typed) else 0.0
    return max(
        contained,
        difflib.SequenceMatcher(None, typed, name).ratio(),
        difflib.SequenceMatcher(None, typed_core, _core(name)).ratio(),
        difflib.SequenceMatcher(None, typed.lower(), ident).ratio(),
    )


def nearest(typed: str, candidates: Iterable[tuple[str, str, str]], limit: int = 3) -> list[str]:
    """Up to `limit` labels of (label, name, id) candidates close to what was typed, best first."""
    scored = sorted(
        ((_score(typed, name, ident), label) for label, name, ident in candidates),
        key=lambda pair: -pair[0],
    )
    seen: list[str] = []
    floor = max(CUTOFF, scored[0][0] - MARGIN) if scored else CUTOFF
    for score, label in scored:
        if score < floor or len(seen) == limit:
            break
        if label not in seen:
            seen.append(label)
    return seen


def did_you_mean(labels: Sequence[str]) -> str:
    return f"；是不是：{'、'.join(labels)}？" if labels else ""
