"""`gongkai new`: next year's record from last year's — carried, defaulted, drafts marked, nothing overwritten."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from conftest import DATA, copy_data, gongkai
from gongkai.checks.quick import check_quick
from gongkai.errors import InputError
from gongkai.format import FORMAT_2019, FORMAT_2021
from gongkai.records.newyear import start_year, write_new
from gongkai.records.record import carried_drafts, dump_record, from_mapping, load_record

LAST = DATA / "minquan" / "renhezhen" / "2023.yaml"


@pytest.fixture(scope="module")
def last():
    return load_record(LAST)


def test_carried_figures_and_zeros(last):
    started = start_year(last, 2024)
    record = started.record
    assert (record.year, record.format, record.body, record.township) == (2024, FORMAT_2021, last.body, last.township)
    for col in ("natural_person", "commercial", "total"):
        assert record.value("table3", "carried_in", col) == last.value("table3", "carried_over", col)
    for row in ("regulations", "normative_docs"):
        assert record.value("table2", row, "in_force") == last.value("table2", row, "in_force")
        assert record.value("table2", row, "issued") == record.value("table2", row, "repealed") == 0
    carried = set(started.carried)
    assert carried == {k for k in record.cells if k[1] == "carried_in" or k[2] == "in_force"}
    assert set(started.zeros) == set(record.cells) - carried
    assert all(record.cells[k] == 0 for k in started.zeros)
    assert record.parts == last.parts and record.source == ""


def test_a_blank_last_year_stays_blank(last):
    key = ("table3", "carried_over", "research")
    started = start_year(last.with_value(key, None), 2024)
    assert started.record.value("table3", "carried_in", "research") is None
    assert started.blank == [("table3", "carried_in", "research")]


def test_the_format_follows_the_year():
    old = replace(load_record(LAST), format=FORMAT_2019, year=2020, cells={c.key: 1 for c in FORMAT_2019.cells()})
    started = start_year(old, 2021)
    assert started.record.format is FORMAT_2021
    assert started.record.value("table3", "carried_in", "total") == 1  # 结转 exists in both formats
    assert started.record.value("table2", "normative_docs", "in_force") == 0  # the old format had no 现行有效件数


def test_written_yaml_loads_and_lists_what_was_carried(last, tmp_path: Path):
    started = start_year(last, 2024)
    path = tmp_path / "2024.yaml"
    write_new(started, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 由 2023 年的记录")
    assert "#   沿用上年：表三「二、上年结转政府信息公开申请数量」行：自然人" in text
    assert "#   默认为 0：表三 除「二、上年结转政府信息公开申请数量」外的全部 24 行" in text
    again = load_record(path)
    assert dump_record(again) == dump_record(started.record)
    with pytest.raises(InputError, match="已存在"):
        write_new(started, path)


def test_drafts_are_marked_until_edited(last):
    record = start_year(last, 2024).record
    assert carried_drafts(record) == ["overview", "problems", "other"]
    (report,) = check_quick([(record, last)]) or [None]
    assert report is not None
    assert report.drafts == ("一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
    assert "草稿：第一、五、六部分仍是上年的文字" in report.to_text()
    assert any(f.rule == "W9" for f in report.warnings)  # W9 still says how much is unchanged
    edited = replace(record, parts={**record.parts, "problems": "1. 本年新写的问题。\n"})
    assert carried_drafts(edited) == ["overview", "other"]
    (again,) = check_quick([(edited, last)]) or [None]
    assert again is not None and "第一、六部分" in again.summary()


def test_drafts_field_is_checked_when_read(last):
    data = {**_mapping(last), "drafts": {"overview": "not-a-hash"}}
    with pytest.raises(Exception, match="12 位十六进制"):
        from_mapping(data)


def _mapping(record):
    import yaml

    return yaml.safe_load(dump_record(record))


def test_cli_new_one_and_all_and_no_overwrite(tmp_path: Path):
    data = copy_data(tmp_path / "data")
    one = gongkai("new", "人和镇", "2024", "--data", str(data))
    assert one.returncode == 0, one.stderr
    assert "沿用上年：表三「二、上年结转政府信息公开申请数量」行" in one.stdout
    path = data / "minquan" / "renhezhen" / "2024.yaml"
    before = path.read_bytes()
    again = gongkai("new", "人和镇", "2024", "--data", str(data))
    assert again.returncode == 2 and "已存在" in again.stderr and path.read_bytes() == before
    every = gongkai("new", "--all", "--county", "minquan", "--year", "2024", "--data", str(data))
    assert every.returncode == 2  # renhezhen was there: not overwritten, said so
    assert "写入 20 份，已存在未覆盖 1 份" in every.stdout
    assert "沿用上年 9 格，默认为 0 的 191 格" in every.stdout  # the details are in each record's comment
    assert len(list(data.glob("minquan/*/2024.yaml"))) == 21
    forced = gongkai("new", "--all", "--county", "minquan", "--year", "2024", "--data", str(data), "--force")
    assert forced.returncode == 0, forced.stderr
    check = gongkai("check", "人和镇", "2024", "--data", str(data))
    assert "草稿：第一、五、六部分仍是上年的文字" in check.stdout
    missing = gongkai("new", "人和镇", "2030", "--data", str(data))
    assert missing.returncode == 2 and "2029" in missing.stderr
