"""The checks, with real great-expectations: each rule catches what it should, and only that."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import DATA, SEED_RECORD, gongkai
from gongkai.checks import check, check_many
from gongkai.checks.suites import SUITES, SuiteError, load_suite, suite_documents
from gongkai.records.record import Record, dump_record, load_record
from gongkai.resources import EXPECTATIONS
from gongkai.synthetic import BROKEN, TRIPS

SEED = load_record(SEED_RECORD)


def errors(record: Record, previous: Record | None = None) -> set[str]:
    return {f.rule for f in check(record, previous).errors}


def test_seed_passes_the_error_rules_and_gets_w3():
    report = check(SEED)
    assert report.passed
    assert report.failed_rules() == ["W3"]
    assert {o.rule: o.status for o in report.outcomes} == {
        "R1": "pass", "R2": "pass", "R3": "pass", "R4": "pass", "R5": "pass",
        "R6": "skipped", "W1": "skipped", "W2": "pass", "W3": "fail", "W4": "pass",
        # its text says 「本乡没有收到政府信息公开申请」 and table 三 is all zero: W5 checks it and agrees;
        # no application, so no 信息处理费 to report (W7); no previous record (W9)
        "W5": "pass", "W6": "pass", "W7": "pass", "W8": "pass", "W9": "skipped", "W10": "pass",
    }  # fmt: skip
    assert "2020年政府信息公开工作年度报告" in report.warnings[0].message


def test_r1_names_column_and_both_sides():
    record = SEED.with_value(("table3", "carried_over", "natural_person"), 1)
    record = record.with_value(("table3", "carried_over", "total"), 1)
    report = check(record)
    assert report.failed_rules() == ["R1", "W3"]
    messages = [f.message for f in report.errors]
    assert "表三「自然人」列：一＋二＝0，但（七）总计＋四＝1" in messages
    cells = {c.key for f in report.errors for c in f.cells}
    assert ("table3", "carried_over", "natural_person") in cells


def test_r2_a_stated_row_total_alone_trips_r2_and_r3_only():
    record = SEED.with_value(("table3", "granted", "total"), 4)
    report = check(record)
    assert {f.rule for f in report.errors} == {"R2", "R3"}
    assert "表三「（一）予以公开」行：总计＝4，但自然人与各类法人或其他组织之和＝0" in [
        f.message for f in report.errors
    ]
    assert report.marks()[("table3", "granted", "total")][0] == "error"


def test_r3_outcome_rows_must_add_up():
    record = SEED.with_value(("table3", "np_repeated", "commercial"), 2)
    record = record.with_value(("table3", "np_repeated", "total"), 2)
    assert errors(record) == {"R3"}
    messages = [f.message for f in check(record).errors]
    assert "表三「法人或其他组织·商业企业」列：（七）总计＝0，但（一）至（六）各项之和＝2" in messages


def test_r4_each_group_of_table4():
    record = SEED.with_value(("table4", "litigation_after_review", "pending"), 3)
    report = check(record)
    assert {f.rule for f in report.errors} == {"R4"}
    assert report.errors[0].message == (
        "表四「行政诉讼·复议后起诉」：总计＝0，但结果维持＋结果纠正＋其他结果＋尚未审结＝3"
    )


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        (("table2", "licensing", "decisions"), None, "未填写"),
        (("table2", "penalty", "decisions"), -2, "不能为负数"),
        (("table2", "coercion", "decisions"), Decimal("1.5"), "件数应为整数"),
        (("table2", "fees", "amount"), Decimal("-0.5"), "不能为负数"),
    ],
)
def test_r5_blank_negative_and_precision(key, value, words):
    report = check(SEED.with_value(key, value))
    assert {f.rule for f in report.errors} == {"R5"}
    assert words in report.errors[0].message
    assert report.errors[0].cells[0].key == key


def test_r5_keeps_an_amount_of_any_precision():
    """DESIGN R5: the fee is kept and printed with the precision it was written with (4166.241619)."""
    report = check(SEED.with_value(("table2", "fees", "amount"), Decimal("4166.241619")))
    assert not [f for f in report.errors + report.warnings if f.rule == "R5"]


def write_year(folder: Path, record: Record) -> Record:
    path = folder / "minquan" / "hujixiang" / f"{record.year}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_record(record), encoding="utf-8")
    return load_record(path)


def test_r6_carry_over_across_consecutive_years(tmp_path):
    first = SEED.with_value(("table3", "received", "natural_person"), 2)
    first = first.with_value(("table3", "received", "total"), 2)
    first = first.with_value(("table3", "carried_over", "natural_person"), 2)
    first = first.with_value(("table3", "carried_over", "total"), 2)
    assert errors(first) == set()
    second = replace(first, year=2022, parts={**first.parts, "overview": "本年度无特别事项。"})
    second = second.with_value(("table3", "carried_over", "natural_person"), 0)
    second = second.with_value(("table3", "carried_over", "total"), 0)
    second = second.with_value(("table3", "carried_in", "natural_person"), 1)  # should be 2
    second = second.with_value(("table3", "carried_in", "total"), 1)
    second = second.with_value(("table3", "received", "natural_person"), 1)
    second = second.with_value(("table3", "received", "total"), 1)
    second = second.with_value(("table3", "granted", "natural_person"), 2)
    second = second.with_value(("table3", "granted", "total"), 2)
    second = second.with_value(("table3", "outcome_total", "natural_person"), 2)
    second = second.with_value(("table3", "outcome_total", "total"), 2)
    before, after = write_year(tmp_path, first), write_year(tmp_path, second)
    report = check(after, before)
    assert {f.rule for f in report.errors} == {"R6"}
    assert (
        "本年「二、上年结转政府信息公开申请数量」＝1，但2021年「四、结转下年度继续办理」＝2" in report.errors[0].message
    )
    assert {c.year for c in report.errors[0].cells} == {2021, 2022}
    assert check(after, None).outcomes[5].status == "skipped"


def test_w1_w2_w4_are_warnings_not_errors():
    previous = SEED.with_value(("table2", "normative_docs", "in_force"), 10)
    current = replace(SEED, year=2022).with_value(("table2", "normative_docs", "issued"), 2)
    report = check(current.with_value(("table2", "regulations", "issued"), 1), previous)
    assert report.passed
    assert {f.rule for f in report.warnings} >= {"W1", "W2"}
    w1 = next(f for f in report.warnings if f.rule == "W1" and "行政规范性文件" in f.message)
    assert "现行有效件数＝0，但上年现行有效件数 10＋本年制发件数 2－本年废止件数 0＝12" in w1.message
    old_year = replace(SEED, year=2020)
    assert "W4" in {f.rule for f in check(old_year).warnings}


def test_bundled_broken_records_trip_exactly_their_rules():
    records = [load_record(p) for p in sorted(DATA.glob("*/*/*.yaml"))]
    by_path = {(r.township_id, r.year): r for r in records}
    pairs = [(r, by_path.get((r.township_id, r.year - 1))) for r in records]
    for report in check_many(pairs):
        expected = (
            set(TRIPS[BROKEN[(report.township_id, report.year)]])
            if (report.township_id, report.year) in BROKEN
            else set()
        )
        assert {f.rule for f in report.errors} == expected, report.title


def test_check_many_equals_one_by_one():
    records = [SEED, SEED.with_value(("table3", "granted", "total"), 1), SEED]
    together = check_many([(r, None) for r in records])
    assert [r.to_dict() for r in together] == [check(r).to_dict() for r in records]


def test_report_round_trips_through_json():
    report = check(SEED.with_value(("table3", "granted", "total"), 1))
    again = type(report).from_dict(json.loads(report.to_json()))
    assert again == report


def test_suites_on_disk_are_the_ones_the_format_defines():
    for name, doc in suite_documents().items():
        assert json.loads((EXPECTATIONS / f"{name}.json").read_text(encoding="utf-8")) == doc, name


def test_every_suite_loads_whole():
    for name in SUITES:
        doc = json.loads((EXPECTATIONS / f"{name}.json").read_text(encoding="utf-8"))
        assert len(load_suite(name).expectations) == len(doc["expectations"]) > 0
        assert all(e["meta"]["rule"] and e["meta"]["title"] for e in doc["expectations"])


def test_a_suite_gx_cannot_parse_fails_loudly(tmp_path):
    doc = json.loads((EXPECTATIONS / "table4.json").read_text(encoding="utf-8"))
    doc["expectations"].append({"type": "expect_column_values_to_be_sorted_nicely", "kwargs": {"column": "stated"}})
    (tmp_path / "table4.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SuiteError, match="只读出"):
        load_suite("table4", tmp_path)


def test_cli_check_seed_text_and_exit_code():
    result = gongkai("check", "胡集乡", "2021", "--data", str(DATA))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("W3 警告 正文「一、总体情况」")
    assert result.stdout.splitlines()[-1].endswith(
        "校验通过：0 个错误，1 个警告，3 条规则未检查（无上年记录：R6、W1、W9）"
    )


def test_cli_check_broken_record_exits_1_and_json():
    township, year = next(k for k, v in BROKEN.items() if v == "R2")
    result = gongkai("check", township, str(year), "--data", str(DATA), "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["passed"] is False and data["errors"] >= 1
    assert {o["rule"] for o in data["outcomes"] if o["status"] == "fail"} >= {"R2"}


def test_cli_check_bad_input_exits_2(tmp_path):
    result = gongkai("check", "不存在乡", "2021", "--data", str(DATA))
    assert result.returncode == 2 and "未知的乡镇" in result.stderr
