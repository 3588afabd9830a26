"""Real published reports (tests/fixtures/real/, sources in SOURCES.md), read as found: every printed cell right
or listed as not readable, nothing invented, each recognised for what it is.

The expected cells (`*.expected.yaml`) were written by hand from each file's text; `?` marks a run of digits that
even a reader cannot cut one way, which the importer must leave blank and list.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from gongkai import importers
from gongkai.errors import OldFormat
from gongkai.format import FORMATS

REAL = Path(__file__).parent / "fixtures" / "real"
READ = [
    "05_pingtan_2019.txt",
    "07_pingtan_2021.txt",
    "08_pingtan_2022.txt",
    "13_shanghai_kewei_2024_extracted.md",
    "18_shanwei_haifeng_lianan_2025_EXCERPT.txt",
]


def expected(name: str) -> dict[str, Any]:
    path = REAL / f"{name.split('.')[0]}.expected.yaml"
    assert path.is_file(), path
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def measure(name: str) -> tuple[dict[str, int], list[str]]:
    """(cells right, printed, blank, unsplit; what went wrong) for one real file."""
    path = REAL / name
    assert path.is_file(), path
    want = expected(name)
    result = importers.import_file(path)
    fmt = FORMATS[want["format"]]
    listed = {k for p in result.problems if p.kind is not importers.Trouble.NOTE for k in p.cells}
    unsplit = {k for p in result.problems if p.kind is importers.Trouble.UNSPLIT for k in p.cells}
    counts = dict.fromkeys(("right", "printed", "blank", "unsplit"), 0)
    wrong: list[str] = []
    for table in fmt.tables:
        for row in table.row_nodes():
            values = (want.get(table.id) or {}).get(row.id)
            for n, col in enumerate(table.columns_of(row.id)):
                key = (table.id, row.id, col.id)
                want_value = values[n] if values else None
                got = result.data[table.id][row.id][col.id]
                if want_value is None:
                    if got is not None:
                        wrong.append(f"{key}: 原文没有印出，却读出 {got}")
                    continue
                counts["printed"] += 1
                if got is None:
                    if key not in listed:
                        wrong.append(f"{key}: 空着却没有列出原因")
                    counts["unsplit" if key in unsplit else "blank"] += 1
                elif want_value == "?" or Decimal(str(got)) != Decimal(str(want_value)):
                    wrong.append(f"{key}: 读出 {got}，原文为 {want_value}")
                else:
                    counts["right"] += 1
    for field in ("body", "year"):
        if result.data[field] != want[field]:
            wrong.append(f"{field}: {result.data[field]!r}，应为 {want[field]!r}")
    if result.published != want["published"]:
        wrong.append(f"published: {result.published!r}，应为 {want['published']!r}")
    if result.data["format"] != want["format"]:
        wrong.append(f"format: {result.data['format']}，应为 {want['format']}")
    return counts, wrong


# The least each file must give (measured when these tests were written): a fall is a regression to look at.
FLOOR = {"05": 179, "07": 196, "08": 197, "13": 136, "18": 0}


@pytest.mark.parametrize("name", READ)
def test_a_real_report_gives_every_printed_cell_right_or_listed_and_invents_none(name: str):
    counts, wrong = measure(name)
    assert not wrong, "\n".join(wrong)
    assert counts["right"] >= FLOOR[name[:2]], counts
    assert counts["right"] + counts["blank"] + counts["unsplit"] == counts["printed"]


def test_the_digit_runs_of_the_scraped_pages_are_cut_where_the_rules_allow_one_cut_only():
    """07: table 四 as 「10203120001200000」 and 表三 rows as 「640020470」 are read; 「693665」 stays blank."""
    counts, wrong = measure("07_pingtan_2021.txt")
    assert not wrong and counts["unsplit"] == 3  # 行政规范性文件's three cells, and nothing else
    result = importers.import_file(REAL / "07_pingtan_2021.txt")
    assert result.data["table4"]["litigation_direct"] == {
        "upheld": 12,
        "corrected": 0,
        "other": 0,
        "pending": 0,
        "total": 12,
    }
    run = [p for p in result.problems if p.kind is importers.Trouble.UNSPLIT]
    assert len(run) == 1 and "数字连写" in run[0].what and "693665" in run[0].what


def test_a_report_before_the_2019_format_is_said_once_to_be_so_and_not_read_as_todays_tables():
    want = expected("04_pingtan_2018_pre2019format.txt")
    with pytest.raises(OldFormat) as caught:
        importers.import_file(REAL / "04_pingtan_2018_pre2019format.txt")
    assert (caught.value.body, caught.value.year) == (want["body"], want["year"])
    assert "2019 年以前" in str(caught.value)


def test_a_year_first_title_broken_over_two_lines_and_parts_out_of_order_are_recognised():
    result = importers.import_file(REAL / "13_shanghai_kewei_2024_extracted.md")
    assert (result.data["body"], result.data["year"]) == ("上海市科委", 2024)
    assert result.order == ("一", "二", "三", "四", "六")  # renumbered 一…五 after six parts of its own; 五 lost
