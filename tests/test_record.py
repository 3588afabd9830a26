"""Loading a record: the seed loads; bad files fail naming file, line and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SEED_RECORD
from gongkai.errors import RecordError
from gongkai.records.record import dump_record, load_record


def test_seed_loads_with_chinese_names_and_ascii_ids():
    r = load_record(SEED_RECORD)
    assert (r.body, r.county, r.township, r.level, r.year, r.format.id) == (
        "胡集乡人民政府",
        "民权县",
        "胡集乡",
        "乡",
        2021,
        "2021",
    )
    assert (r.county_id, r.township_id) == ("minquan", "hujixiang")
    assert r.title == "胡集乡人民政府2021年政府信息公开工作年度报告"
    assert r.value("table2", "fees", "amount") == Decimal(0)


def test_dump_then_load_gives_the_same_record(tmp_path):
    r = load_record(SEED_RECORD)
    path = tmp_path / "minquan" / "hujixiang" / "2021.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(dump_record(r), encoding="utf-8")
    again = load_record(path)
    assert again.cells == r.cells
    assert again.parts == r.parts
    assert path.read_text(encoding="utf-8") == SEED_RECORD.read_text(encoding="utf-8")


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED_RECORD.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "2021.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_unknown_key_names_file_line_field_and_suggests(tmp_path):
    path = edited(tmp_path, "level: 乡", "level: 乡\nlevle: 乡")
    with pytest.raises(RecordError) as e:
        load_record(path)
    assert e.value.path == path
    assert e.value.line == line_of(path, "levle:")
    assert e.value.field == "levle"
    assert "'level'" in str(e.value)  # did-you-mean
    assert str(path) in str(e.value)


def test_wrong_type_in_a_count(tmp_path):
    path = edited(tmp_path, "received: {natural_person: 0", 'received: {natural_person: "3"')
    with pytest.raises(RecordError) as e:
        load_record(path)
    assert e.value.field == "table3.received.natural_person"
    assert e.value.line == line_of(path, "received:")
    assert "应为数字" in e.value.message


def test_negative_count(tmp_path):
    path = edited(tmp_path, "review: {upheld: 0", "review: {upheld: -1")
    with pytest.raises(RecordError) as e:
        load_record(path)
    assert e.value.field == "table4.review.upheld"
    assert "不能为负" in e.value.message


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(RecordError) as e:
        load_record(tmp_path / "2021.yaml")
    assert "不存在" in str(e.value)


def test_blank_cell_is_none_not_zero(tmp_path):
    path = edited(tmp_path, "licensing: {decisions: 0}", "licensing: {decisions: ~}")
    assert load_record(path).value("table2", "licensing", "decisions") is None


@pytest.mark.parametrize("written", ["0", "96171.6", "4166.241619", "0.10", "12345678901234567.123456789"])
def test_fee_is_kept_as_written_a_decimal_never_a_float(tmp_path, written):
    path = edited(tmp_path, "fees: {amount: 0}", f"fees: {{amount: {written}}}")
    amount = load_record(path).value("table2", "fees", "amount")
    assert isinstance(amount, (int, Decimal)) and format(amount, "f") == written
    assert f"fees: {{amount: {written}}}" in dump_record(load_record(path))  # and written back the same


def test_a_signed_zero_fee_is_refused_clearly(tmp_path):
    path = edited(tmp_path, "fees: {amount: 0}", "fees: {amount: -0.0}")
    with pytest.raises(RecordError, match="带有负号：没有收费请写 0") as e:
        load_record(path)
    assert e.value.line and e.value.field == "table2.fees.amount"


def test_table_keys_of_the_other_format_are_named(tmp_path):
    path = edited(tmp_path, "regulations: {issued: 0", "regulations: {made: 0")
    with pytest.raises(RecordError) as e:
        load_record(path)
    assert e.value.field == "table2.regulations.made"
    assert "format: 2021" in e.value.message
