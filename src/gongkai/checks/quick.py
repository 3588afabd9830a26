"""The same suites, evaluated without great-expectations: `gongkai check`'s and the preview's answer.

Importing great-expectations costs 5–7 s cold and a warm validation of one record about a
second of CPU. The suites use three expectation types on a four-column frame; this module
reads the very same suite documents (expectations/*.json) and evaluates those three types
directly. Anything else in a suite (another type, an unknown argument) makes it decline,
and the caller uses great-expectations. `gongkai check` (unless `--gx`), `review` and the
preview's first answer use this; `render`, bulk runs and `check --gx` use great-expectations.
The property test (tests/test_checks_property.py) holds the two equal on generated records.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from gongkai.checks import conclude, prepare
from gongkai.checks.instances import Instance
from gongkai.checks.report import CheckReport
from gongkai.checks.suites import PAIR, SUITES
from gongkai.records.record import Record
from gongkai.resources import EXPECTATIONS


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def _test(kind: str, kwargs: dict[str, Any]) -> Any:
    """A predicate `failed(instance)` for one expectation, or None when this module cannot evaluate it."""
    rest = {k: v for k, v in kwargs.items() if k != "row_condition"}
    if kind == "expect_column_values_to_not_be_null" and rest == {"column": "stated"}:
        return lambda i: _missing(i.stated)
    if kind == "expect_column_values_to_be_between" and set(rest) <= {"column", "min_value", "max_value"}:
        if rest.get("column") != "stated":
            return None
        low, high = rest.get("min_value"), rest.get("max_value")
        # like great-expectations: missing values are not judged by a bound
        return lambda i: (
            not _missing(i.stated) and ((low is not None and i.stated < low) or (high is not None and i.stated > high))
        )
    if kind == "expect_column_pair_values_to_be_equal" and rest == PAIR:
        return lambda i: not _missing(i.stated) and not _missing(i.computed) and i.stated != i.computed
    return None


def _selector(kwargs: dict[str, Any]) -> str | None:
    cond = kwargs.get("row_condition")
    if not isinstance(cond, dict) or (cond.get("type"), cond.get("operator")) != ("comparison", "=="):
        return None
    return str(cond["parameter"]) if cond.get("column") == {"name": "rule"} else None


@cache
def _plan(folder: Path) -> dict[str, list[tuple[str, str, Any]]] | None:
    """Per suite: (selector, rule id, predicate) for every expectation, or None if any is unknown."""
    plan: dict[str, list[tuple[str, str, Any]]] = {}
    for name in SUITES:
        doc = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        plan[name] = []
        for e in doc.get("expectations", []):
            kwargs = e.get("kwargs", {})
            test, selector = _test(e.get("type", ""), kwargs), _selector(kwargs)
            if test is None or selector is None or "rule" not in e.get("meta", {}):
                return None
            plan[name].append((selector, e["meta"]["rule"], test))
    return plan


def failing(items: list[Instance], folder: Path = EXPECTATIONS) -> dict[str, set[str]] | None:
    """What `suites.failing` returns for these instances, or None if the suites need great-expectations."""
    plan = _plan(folder)
    if plan is None:
        return None
    failed: dict[str, set[str]] = {}
    for name, expectations in plan.items():
        rows = [i for i in items if i.suite == name and not i.skip]
        for selector, rule, test in expectations:
            bad = {i.id for i in rows if i.selector == selector and test(i)}
            if bad:
                failed.setdefault(rule, set()).update(bad)
    return failed


def check_quick(pairs: Sequence[tuple[Record, Record | None]], folder: Path = EXPECTATIONS) -> list[CheckReport] | None:
    """`check_many` without great-expectations, or None when a suite holds something it cannot evaluate."""
    per_record, read = prepare(pairs)
    failed = failing([i for items in per_record for i in items], folder)
    if failed is None:
        return None
    return conclude(pairs, per_record, failed, read)
