"""The checks appendix shows how each checked figure was made: one line per rule instance, both formats."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from conftest import DATA
from gongkai.checks import CheckReport
from gongkai.checks.arithmetic import lines
from gongkai.checks.instances import instances
from gongkai.checks.quick import check_quick
from gongkai.checks.view import appendix
from gongkai.format import FORMAT_2019
from gongkai.format.model import leaves
from gongkai.format.rules import CellRule, SumRule, TextRule, rules_for
from gongkai.records.history import load_previous
from gongkai.records.record import Record, load_record

FAILING = DATA / "minquan" / "renhezhen" / "2022.yaml"  # a bundled record broken on purpose (R1, R2)


def _old_format(seed: Record) -> Record:
    """A 2019-format record with random figures: most sums break."""
    rng = random.Random(7)
    cells = {c.key: rng.randint(0, 3) for c in FORMAT_2019.cells()}
    return replace(seed, format=FORMAT_2019, year=2020, cells=cells, path=None)


BLANK = ("table3", "received", "natural_person")


@pytest.fixture(scope="module")
def checked() -> list[tuple[Record, Record | None, CheckReport]]:
    """The failing record, an old-format one and the failing one with a blank cell.

    Checked by checks/quick.py: the same suite documents without great-expectations' start-up
    (test_preview holds the two to the same answers); this file tests the view, not GX.
    """
    record = load_record(FAILING)
    previous = load_previous(record)[0]
    blanked = replace(record, cells={**record.cells, BLANK: None})
    pairs = [(record, previous), (_old_format(record), None), (blanked, previous)]
    reports = check_quick(pairs)
    assert reports is not None, "the quick checker declined the shipped suites"
    return [(r, p, report) for (r, p), report in zip(pairs, reports, strict=True)]


def _failed(report: CheckReport) -> set[str]:
    return {f.key for o in report.outcomes for f in o.findings}


@pytest.fixture(scope="module")
def cases(checked) -> list[tuple[Record, Record | None, set[str]]]:
    return [(r, p, _failed(report)) for r, p, report in checked[:2]]


def test_every_instance_of_every_figure_rule_has_a_line(cases):
    for record, previous, failed in cases:
        rules = rules_for(record.format)
        shown = {line.key for line in lines(record, previous, failed)}
        for item in instances(record, previous, rules):
            if not isinstance(item.rule, CellRule | TextRule):
                assert item.id in shown, f"{record.format.id}: {item.id} has no arithmetic"
        t3 = record.format.table("table3")
        r1 = [k for k in shown if k.startswith("R1:")]
        assert len(r1) == len(leaves(t3.columns))  # one per column of table 三, from the format
        r5 = [k for k in shown if k.startswith("R5:")]
        assert len(r5) == len(record.format.tables)  # R5 counted per table


def test_the_numbers_shown_are_the_record_s_and_the_verdict_matches_the_checks(cases):
    for record, previous, failed in cases:
        t3 = record.format.table("table3")
        rule = next(r for r in rules_for(record.format) if r.id == "R1")
        assert isinstance(rule, SumRule)
        for line in lines(record, previous, failed):
            if line.rule in ("R1", "R2", "R3", "R4", "R6", "W1", "W2"):
                assert ("≠" in line.arithmetic) == (line.key in failed), line
                if line.holds is not None:  # None: not computed (no last year)
                    assert line.holds is (line.key not in failed), line
            if line.rule == "R1":
                col = line.key.split(":", 1)[1]
                left = [record.cells[("table3", r, col)] for r in rule.left]
                right = [record.cells[("table3", r, col)] for r in rule.right]
                names = [f"{t3.row(r).number.rstrip('、')}" for r in rule.left]
                expected = f"{names[0]} {left[0]} + {names[1]} {left[1]} = {sum(left)}"  # type: ignore[arg-type]
                assert line.arithmetic.startswith(expected), line
                assert f"= {sum(right)}" in line.arithmetic  # type: ignore[arg-type]


def test_the_appendix_table_marks_exactly_the_findings(checked):
    record, previous, report = checked[0]
    soup = BeautifulSoup(appendix(report, record, previous), "html.parser")
    rows = soup.select("table.gk-arith tr[data-instance]")
    bad = {tr["data-instance"] for tr in rows if tr["data-outcome"] in ("error", "warning")}
    assert bad == {f.key for o in report.outcomes for f in o.findings} and bad
    row = soup.select_one('tr[data-instance="R1:total"]')
    assert row is not None and "≠" in row.get_text() and "✗" in row.get_text()
    assert "≠" not in soup.select_one('tr[data-instance="R1:natural_person"]').get_text()
    # the outcomes table stays as it was: only its rows carry data-rule
    assert len(soup.select("tr[data-rule]")) == len(report.outcomes)
    assert "计算过程" not in appendix(report)  # without the record (county summaries) no arithmetic


def test_a_blank_cell_is_counted_by_r5_and_its_sums_are_not_computed(checked):
    blanked, previous, report = checked[2]
    assert blanked.cells[BLANK] is None
    failed = _failed(report)
    found = {line.key: line for line in lines(blanked, previous, failed)}
    assert "空白 1" in found["R5:table3"].arithmetic and found["R5:table3"].holds is False
    assert "空白 0" in found["R5:table2"].arithmetic and found["R5:table2"].holds
    assert found["R1:natural_person"].holds is None and "（空）" in found["R1:natural_person"].arithmetic
    soup = BeautifulSoup(appendix(report, blanked, previous), "html.parser")
    assert soup.select_one('tr[data-instance="R5:table3"]')["data-outcome"] == "error"
    assert soup.select_one('tr[data-instance="R1:natural_person"]')["data-outcome"] == "skipped"


def test_old_format_names_its_single_other_row(cases):
    record, _, failed = cases[1]
    assert record.format is FORMAT_2019
    r3 = next(line for line in lines(record, None, failed) if line.key == "R3:total")
    assert "（六） " in r3.arithmetic or "其余" in r3.arithmetic  # （六） is one row in the older format
    assert "（六）1项" not in r3.arithmetic
