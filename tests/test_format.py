"""The format definition is the single source of labels: it must be consistent."""

from __future__ import annotations

import pytest

from gongkai.format import FORMAT_2019, FORMAT_2021, FORMATS, Kind, format_for_year


@pytest.mark.parametrize("fmt", FORMATS.values(), ids=FORMATS.keys())
def test_ids_are_unique_within_each_table(fmt):
    for table in fmt.tables:
        rows = [r.id for r in table.row_nodes()]
        assert len(rows) == len(set(rows)), table.id
        for row in rows:
            cols = [c.id for c in table.columns_of(row)]
            assert len(cols) == len(set(cols)), (table.id, row)


@pytest.mark.parametrize("fmt", FORMATS.values(), ids=FORMATS.keys())
def test_six_parts_in_official_order(fmt):
    assert [p.number for p in fmt.parts] == list("一二三四五六")
    assert [p.table for p in fmt.parts if p.table] == ["table2", "table3", "table4"]
    assert fmt.narrative_keys() == ["overview", "problems", "other"]


def test_cell_counts_match_the_official_tables():
    t3 = FORMAT_2021.table("table3")
    assert len(t3.row_nodes()) == 25  # 一, 二, （一）（二）, 8 + 3 + 5 + 3, （七）, 四
    assert len(FORMAT_2019.table("table3").row_nodes()) == 23  # （六） has no sub-items
    assert len(list(FORMAT_2021.table("table4").cells())) == 15
    assert [c.kind for c in FORMAT_2021.table("table2").cells() if c.row.id == "fees"] == [Kind.AMOUNT]


def test_the_older_format_has_procurement_and_signed_changes():
    t2 = FORMAT_2019.table("table2")
    assert t2.row("procurement").label == "政府集中采购"
    kinds = {c.column.id: c.kind for c in t2.cells() if c.row.id == "licensing"}
    assert kinds == {"prior_items": Kind.COUNT, "change": Kind.CHANGE, "decisions": Kind.COUNT}


def test_known_label_variants_are_carried():
    t3 = FORMAT_2021.table("table3")
    assert "其他法律法规禁止公开" in t3.row("refused_by_law").variants
    in_force = next(c.column for c in FORMAT_2021.table("table2").cells() if c.column.id == "in_force")
    assert "现行有效件" in in_force.variants


@pytest.mark.parametrize(("year", "fmt"), [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2030, "2021")])
def test_format_for_year(year, fmt):
    assert format_for_year(year).id == fmt
