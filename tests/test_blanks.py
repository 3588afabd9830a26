"""Blank cells in the checks: grouped by block, rare and loud; rules with their cells present still evaluated."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import DATA
from gongkai.checks import check_many
from gongkai.checks.quick import check_quick
from gongkai.checks.report import CheckReport
from gongkai.records.record import CellKey, Record, load_record

RECORD = DATA / "minquan" / "renhezhen" / "2023.yaml"  # table 三 has figures in several rows and columns


def blanked(record: Record, keys: set[CellKey]) -> Record:
    return replace(record, cells={k: (None if k in keys else v) for k, v in record.cells.items()})


def zeros_left_blank(record: Record) -> Record:
    """What an Excel user does: every 0 left empty."""
    return blanked(record, {k for k, v in record.cells.items() if v == 0})


def r5(report: CheckReport) -> list[str]:
    return [f.key for f in report.errors if f.rule == "R5"]


@pytest.fixture(scope="module")
def pair() -> tuple[Record, Record]:
    record = load_record(RECORD)
    return record, load_record(RECORD.with_name("2022.yaml"))


def quick(record: Record, previous: Record | None) -> CheckReport:
    (report,) = check_quick([(record, previous)]) or [None]
    assert report is not None
    return report


def test_zeros_left_blank_are_a_few_findings_not_one_per_cell(pair):
    record, previous = pair
    report = quick(zeros_left_blank(record), previous)
    blank = sum(1 for v in zeros_left_blank(record).cells.values() if v is None)
    keys = r5(report)
    assert blank > 120 and len(keys) <= blank // 6, (blank, len(keys))
    assert "R5:table3.*.organisation:blank" in keys  # the five 法人或其他组织 columns, every row
    assert "R5:table4:blank" in keys  # the whole table, as before
    named = {c.key for f in report.errors if f.rule == "R5" for c in f.cells}
    assert named == {k for k, v in zeros_left_blank(record).cells.items() if v is None}  # each blank cell named once
    assert sum(len(f.cells) for f in report.errors if f.rule == "R5") == len(named)
    whole = next(f for f in report.errors if f.key == "R5:table3.*.organisation:blank")
    assert whole.message.startswith("表三各行「法人或其他组织」各列的 125 个单元格全部空白")


def test_a_single_blank_cell_keeps_its_own_id(pair):
    record, previous = pair
    key = ("table3", "granted", "natural_person")
    report = quick(blanked(record, {key}), previous)
    assert r5(report) == ["R5:table3.granted.natural_person:blank"]
    assert report.errors[-1].message == "表三「（一）予以公开」行「自然人」列未填写（空白不等于 0，请填写数字）"


def test_a_whole_row_is_one_finding_naming_the_row(pair):
    record, previous = pair
    row = {k for k in record.cells if k[:2] == ("table3", "refused_secret")}
    report = quick(blanked(record, row), previous)
    (finding,) = [f for f in report.errors if f.rule == "R5"]
    assert finding.key == "R5:table3.refused_secret.*:blank"
    assert finding.message.startswith("表三「（三）不予公开 1.属于国家秘密」行的 7 个单元格全部空白")
    assert {c.key for c in finding.cells} == row


def test_old_layout_other_handling_is_one_w4_warning_not_21_blanks(pair):
    record, previous = pair
    rows = {k for k in record.cells if k[0] == "table3" and k[1].startswith("other_")}
    assert len(rows) == 21
    report = quick(blanked(record, rows), previous)
    assert r5(report) == []
    (w4,) = [f for f in report.warnings if f.rule == "W4"]
    assert w4.key == "W4:table3.other_handling" and "印成一行" in w4.message
    assert {c.key for c in w4.cells} == rows


def test_a_wrong_total_is_found_beside_blanks(pair):
    """Blanks elsewhere never hide a rule whose cells are all present."""
    record, previous = pair
    wrong = zeros_left_blank(record).with_value(("table3", "received", "total"), 99)
    report = quick(wrong, previous)
    first = report.errors[0]
    assert first.key == "R1:total" and ("table3", "received", "total") in {c.key for c in first.cells}
    r1 = next(o for o in report.outcomes if o.rule == "R1")
    assert r1.status == "fail" and r1.unchecked > 0 and r1.reason == "单元格空白"  # other columns have blanks
    assert "部分未计算：R1 5 项、R6 5 项（单元格空白）" in report.summary()


def test_summary_names_rules_skipped_and_why(pair):
    record, _ = pair
    report = quick(record, None)
    assert report.summary().endswith("3 条规则未检查（无上年记录：R6、W1、W9）")
    assert (
        "6 条规则未检查（单元格空白：R2、R3、R4；无上年记录：R6、W1、W9）"
        in quick(zeros_left_blank(record), None).summary()
    )


def test_quick_and_great_expectations_agree_on_blanks(pair):
    record, previous = pair
    rows = {k for k in record.cells if k[0] == "table3" and k[1].startswith("other_")}
    cases = [
        (zeros_left_blank(record), previous),
        (blanked(record, rows), previous),
        (blanked(record, {("table2", "fees", "amount")}), None),
        (blanked(record, set(record.cells)), previous),
    ]
    fast = check_quick(cases)
    assert fast is not None
    slow = check_many(cases)
    for a, b in zip(fast, slow, strict=True):
        assert a.to_dict() == b.to_dict()
    assert r5(fast[-1]) == ["R5:table2:blank", "R5:table3:blank", "R5:table4:blank"]
