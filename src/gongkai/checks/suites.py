"""The great-expectations suites: built from the rules, stored in expectations/, run on frames.

The JSON files are what runs; `python -m gongkai.checks` rewrites them
from the format definition, and a test keeps the two equal. GX drops an
expectation it cannot parse without failing, so loading counts them.
"""

from __future__ import annotations

import json
import os
import sys
from functools import cache, singledispatch
from pathlib import Path
from typing import Any

from gongkai.checks.instances import DOCUMENT, Instance
from gongkai.errors import GongkaiError
from gongkai.format import FORMATS
from gongkai.format.rules import (
    CarryRule,
    CellRule,
    FormatYearRule,
    OtherYearRule,
    Rule,
    Severity,
    StockRule,
    SumRule,
    TextRule,
    ZeroRule,
    rules_for,
)
from gongkai.resources import EXPECTATIONS

SUITES = ("table2", "table3", "table4", DOCUMENT)
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["instance"]}


class SuiteError(GongkaiError):
    """A suite file that does not load whole."""


def _all_rules() -> list[Rule]:
    """Rules of every format, each id once (they share ids and tables)."""
    seen: dict[str, Rule] = {}
    for fmt in FORMATS.values():
        for rule in rules_for(fmt):
            seen.setdefault(rule.id, rule)
    return list(seen.values())


@singledispatch
def _suites_of(rule: Rule) -> list[str]:
    """The suites a rule's expectations go into: one handler registered per rule kind."""
    raise TypeError(f"no suite for {type(rule).__name__}: register a handler for it")


_suites_of.register(TextRule, lambda rule: [])  # read in plain Python (checks/text.py): no expectation
_suites_of.register(CellRule, lambda rule: ["table2", "table3", "table4"])
_suites_of.register(OtherYearRule, lambda rule: [DOCUMENT])
_suites_of.register(FormatYearRule, lambda rule: [DOCUMENT])
for _table_rule in (SumRule, CarryRule, StockRule, ZeroRule):
    _suites_of.register(_table_rule, lambda rule: [rule.table])


def _expectation(kind: str, selector: str, rule: Rule, **kwargs: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "kwargs": {
            # GX's Condition form of Column("rule") == selector (string conditions are deprecated)
            "row_condition": {
                "type": "comparison",
                "column": {"name": "rule"},
                "operator": "==",
                "parameter": selector,
            },
            **kwargs,
        },
        "meta": {"rule": rule.id, "check": selector, "title": rule.title, "severity": rule.severity.value},
        "severity": "critical" if rule.severity is Severity.ERROR else "warning",
    }


PAIR = {"column_A": "stated", "column_B": "computed", "ignore_row_if": "either_value_is_missing"}


@singledispatch
def _expectations(rule: Rule) -> list[dict[str, Any]]:
    """A rule's expectations; by default stated = computed, per instance (one handler per rule kind)."""
    return [_expectation("expect_column_pair_values_to_be_equal", rule.id, rule, **PAIR)]


@_expectations.register
def _cell_expectations(rule: CellRule) -> list[dict[str, Any]]:
    return [
        _expectation("expect_column_values_to_not_be_null", "R5.blank", rule, column="stated"),
        _expectation("expect_column_values_to_be_between", "R5.sign", rule, column="stated", min_value=0),
        _expectation("expect_column_pair_values_to_be_equal", "R5.precision", rule, **PAIR),
    ]


@_expectations.register
def _zero_expectations(rule: ZeroRule) -> list[dict[str, Any]]:
    return [
        _expectation("expect_column_values_to_be_between", rule.id, rule, column="stated", min_value=0, max_value=0)
    ]


def suite_documents() -> dict[str, dict[str, Any]]:
    """What expectations/*.json should hold, derived from the format definition."""
    docs: dict[str, dict[str, Any]] = {
        name: {"name": f"gongkai.{name}", "expectations": [], "meta": {}} for name in SUITES
    }
    for rule in _all_rules():
        for name in _suites_of(rule):
            docs[name]["expectations"] += _expectations(rule)
    return docs


def write_suites(folder: Path = EXPECTATIONS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, doc in suite_documents().items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


@cache
def _context() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # jsonschema, imported by GX, imports rfc3987_syntax when it is installed
    # (jupyter brings it), which compiles a Lark grammar: about 1.5 s of the
    # ~5 s `import great_expectations` takes here, for an IRI format checker
    # nothing in gongkai uses. jsonschema treats the module as optional.
    if "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def load_suite(name: str, folder: Path = EXPECTATIONS) -> Any:
    """One suite from its JSON, refusing to run if GX dropped any expectation."""
    _context()  # first: it imports great_expectations the cheap way
    import great_expectations as gx

    path = folder / f"{name}.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SuiteError(f"无法读取校验套件 {path}：{e}") from None
    suite = gx.ExpectationSuite(**doc)
    if len(suite.expectations) != len(doc.get("expectations", [])):
        raise SuiteError(
            f"校验套件 {path} 有 {len(doc['expectations'])} 条期望，"
            f"great-expectations 只读出 {len(suite.expectations)} 条：有期望无法解析"
        )
    return suite


@cache
def _suites(folder: Path) -> dict[str, Any]:
    return {name: load_suite(name, folder) for name in SUITES}


@cache
def _batch_definition() -> Any:
    source = _context().data_sources.add_pandas("gongkai")
    return source.add_dataframe_asset("instances").add_batch_definition_whole_dataframe("all")


def failing(items: list[Instance], folder: Path = EXPECTATIONS) -> dict[str, set[str]]:
    """Validate every suite on its instances; return failing instance ids per rule id."""
    import pandas as pd

    suites = _suites(folder)
    failed: dict[str, set[str]] = {}
    for name in SUITES:
        rows = [i for i in items if i.suite == name and not i.skip]
        frame = pd.DataFrame(
            {
                "rule": pd.Series([i.selector for i in rows], dtype="str"),
                "instance": pd.Series([i.id for i in rows], dtype="str"),
                # Python ints and Decimals, compared exactly (float64 cannot tell 10**17 from 10**17 + 1)
                "stated": pd.Series([i.stated for i in rows], dtype="object"),
                "computed": pd.Series([i.computed for i in rows], dtype="object"),
            }
        )
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suites[name], result_format=RESULT_FORMAT)
        for r in result.results:
            if r.exception_info and r.exception_info.get("raised_exception"):
                raise SuiteError(f"校验套件 {name} 执行出错：{r.exception_info.get('exception_message')}")
            if not r.success:
                rule = r.expectation_config.meta["rule"]
                ids = {row["instance"] for row in r.result.get("unexpected_index_list") or []}
                failed.setdefault(rule, set()).update(ids)
    return failed
