"""Digits run together (a scraper dropped the cell borders): cut by the table's own rules, or left blank.

`gongkai.importers.digits` lists every cut; a row is filled only when exactly one cut satisfies every rule
that applies (its total, the columns' sums). An ambiguous run stays blank with 「数字连写，无法唯一拆分」.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from gongkai import importers
from gongkai.importers.digits import ColumnSum, Total, cuts, narrow
from gongkai.records import catalog
from gongkai.records.record import load_record
from gongkai.synthetic import BROKEN
from published import scraped_text

ROW_TOTAL = [Total(6, (0, 1, 2, 3, 4, 5))]  # 表三: 总计 = the six applicants' columns (R2)
DATA = Path(__file__).resolve().parents[1] / "data"


def values(*numbers: int) -> tuple[Decimal, ...]:
    return tuple(Decimal(n) for n in numbers)


def test_a_row_of_table_three_run_together_is_cut_the_one_way_its_total_allows():
    assert cuts(["640020470"], 7, ROW_TOTAL) == [values(64, 0, 0, 2, 0, 4, 70)]
    assert cuts(["230 000023"], 7, ROW_TOTAL) == [values(23, 0, 0, 0, 0, 0, 23)]  # a kept space is a border


def test_table_four_run_together_is_cut_by_the_total_of_each_group():
    totals = [Total(4 + 5 * g, tuple(range(5 * g, 5 * g + 4))) for g in range(3)]
    assert cuts(["10203120001200000"], 15, totals) == [values(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)]


def test_a_run_no_rule_decides_has_several_cuts_and_none_is_chosen():
    found = cuts(["693665"], 3)
    assert found is not None and len(found) > 1
    assert cuts(["000"], 3) == [values(0, 0, 0)]  # no figure is printed with a leading zero: one cut only


def test_the_columns_sums_narrow_a_row_its_own_total_leaves_open():
    """「220000325」 is 2|20|…|25 or 22|0|…|25 by its total; R3 over the column keeps one."""
    row = cuts(["220000325"], 7, ROW_TOTAL)
    assert row is not None and len(row) == 2
    known = {"granted": [values(3, 0, 0, 0, 0, 0, 3)], "outcome_total": [values(25, 0, 0, 0, 0, 3, 28)]}
    rule = ColumnSum(("outcome_total",), ("granted", "not_held"))
    assert narrow({**known, "not_held": row}, [rule])["not_held"] == [values(22, 0, 0, 0, 0, 3, 25)]
    broken = {"granted": [values(9, 9, 9, 9, 9, 9, 54)], "outcome_total": known["outcome_total"]}
    assert len(narrow({**broken, "not_held": row}, [rule])["not_held"]) == 2  # a rule nothing satisfies decides nothing


def test_a_long_run_is_given_up_quickly_not_searched_for_minutes():
    start = time.perf_counter()
    assert cuts(["12345678912345678912345678912345"], 7, ROW_TOTAL) is None
    assert time.perf_counter() - start < 5


def test_an_ambiguous_run_in_a_page_stays_blank_and_says_so(tmp_path: Path):
    record = load_record(DATA / "minquan" / "hujixiang" / "2021.yaml")
    page = scraped_text(record).replace("行政规范性文件000", "行政规范性文件693665")
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    result = importers.import_file(path)
    assert result.data["table2"]["normative_docs"] == {"issued": None, "repealed": None, "in_force": None}
    found = [p for p in result.problems if p.kind is importers.Trouble.UNSPLIT]
    assert len(found) == 1 and "无法唯一拆分" in found[0].what and "693665" in found[0].what


@pytest.mark.parametrize("township", ["hujixiang", "beiguanzhen", "longtangzhen", "lvzhoujiedao"])
def test_bundled_records_saved_as_scraped_pages_come_back_right_or_blank_never_wrong(township: str, tmp_path: Path):
    entries = [e for e in catalog.entries(DATA) if e.township.id == township and (e.township.id, e.year) not in BROKEN]
    assert entries, township
    for entry in entries:
        record = load_record(entry.path)
        path = tmp_path / f"{township}-{entry.year}.txt"
        path.write_text(scraped_text(record), encoding="utf-8")
        result = importers.import_file(path)
        assert (result.data["year"], result.published) == (record.year, "2022-01-20")
        listed = {k for p in result.problems if p.kind is not importers.Trouble.NOTE for k in p.cells}
        read = 0
        for key, value in record.cells.items():
            got = result.data[key[0]][key[1]][key[2]]
            if got is None:
                assert value is None or key in listed, (entry.path, key)
                continue
            assert Decimal(str(got)) == Decimal(str(value)), (entry.path, key, got, value)
            read += 1
        assert read >= len(record.cells) // 2, (entry.path, read)  # most rows are cut one way only
