"""The tables in the official layout: a golden file makes a layout change a visible diff."""

from __future__ import annotations

import re
from decimal import Decimal

from conftest import SEED_RECORD, check_golden, normalize_html
from gongkai.format import FORMAT_2019, FORMAT_2021, Kind
from gongkai.pages import tables
from gongkai.pages.layout import Role, layout
from gongkai.pages.tables import show, table_html
from gongkai.production.word import report_docx
from gongkai.records.record import Record, load_record


def test_seed_tables_match_golden():
    record = load_record(SEED_RECORD)
    html = "".join(table_html(record, t.id) for t in record.format.tables)
    check_golden("hujixiang-2021-tables.html", normalize_html(html))


def older_record() -> Record:
    seed = load_record(SEED_RECORD)
    cells = {c.key: 0 for c in FORMAT_2019.cells()}
    return Record(**{**seed.__dict__, "format": FORMAT_2019, "year": 2020, "cells": cells, "path": None})


def test_older_format_tables_match_golden():
    record = older_record()
    html = "".join(table_html(record, t.id) for t in record.format.tables)
    check_golden("format-2019-tables.html", normalize_html(html))


def test_table3_row_hierarchy_spans():
    html = table_html(load_record(SEED_RECORD), "table3")
    assert '<th rowspan="22" class="group">三、本年度办理结果</th>' in html
    assert '<th rowspan="8" class="group">（三）不予公开</th>' in html
    assert '<th colspan="3" class="label">四、结转下年度继续办理</th>' in html
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in html


def test_table4_two_level_header():
    html = table_html(load_record(SEED_RECORD), "table4")
    assert '<th colspan="5">行政复议</th><th colspan="10">行政诉讼</th>' in html
    assert '<th colspan="5">未经复议直接起诉</th><th colspan="5">复议后起诉</th>' in html
    assert html.count("data-cell=") == 15


def test_fee_keeps_its_own_precision_and_blank_stays_blank():
    record = load_record(SEED_RECORD).with_value(("table2", "fees", "amount"), Decimal("1.50"))
    record = record.with_value(("table2", "licensing", "decisions"), None)
    html = table_html(record, "table2")
    assert 'data-cell="table2.fees.amount" colspan="3">1.50</td>' in html
    assert 'data-cell="table2.fees.amount" colspan="3">0</td>' in table_html(load_record(SEED_RECORD), "table2")
    assert '<td class="num blank" data-cell="table2.licensing.decisions" colspan="3"></td>' in html
    assert show(None, Kind.COUNT) == ""


def test_marked_cells_carry_class_and_escaped_message():
    record = load_record(SEED_RECORD)
    html = table_html(record, "table3", {("table3", "received", "total"): ("error", "R2 <b>")})
    assert 'class="num error" data-cell="table3.received.total" title="R2 &lt;b&gt;"' in html


def test_every_layout_row_fills_the_grid_and_the_widths_the_page():
    for fmt in (FORMAT_2021, FORMAT_2019):
        for table in fmt.tables:
            laid = layout(table)
            covered: dict[tuple[int, int], int] = {}
            for r, row in enumerate(laid.placed()):
                for c, slot in row:
                    for dr in range(slot.rowspan):
                        for dc in range(slot.colspan):
                            covered[(r + dr, c + dc)] = covered.get((r + dr, c + dc), 0) + 1
            grid = {(r, c) for r in range(len(laid.rows)) for c in range(len(laid.widths))}
            assert set(covered) == grid and set(covered.values()) == {1}, (fmt.id, table.id)  # no gap, no overlap
            assert abs(sum(laid.widths) - 100) < 0.01 * len(laid.widths), (fmt.id, table.id)  # to two decimals
            figures = [s.key for row in laid.rows for s in row if s.role is Role.FIGURE]
            assert figures == [c.key for c in table.cells()], (fmt.id, table.id)  # every cell once, in order


def test_table3_groups_are_the_format_groups_set_vertically_in_html_and_word():
    record = load_record(SEED_RECORD)
    table = record.format.table("table3")
    groups = [s.text for row in layout(table).rows for s in row if s.role is Role.GROUP]
    nodes = []
    stack = list(table.rows)
    while stack:
        node = stack.pop(0)
        if node.children:
            nodes.append(node.text)
            stack[:0] = node.children
    assert groups == nodes and groups  # 三、本年度办理结果, （三）–（六）
    assert re.findall(r'<th rowspan="\d+" class="group">([^<]+)</th>', table_html(record, "table3")) == groups
    assert _vertical_texts(report_docx(record)) == groups


def test_word_tables_do_not_depend_on_the_pages_class_names(monkeypatch):
    """Word reads the layout value, not our HTML: renaming a class in the page changes nothing in Word."""
    record = load_record(SEED_RECORD)
    before = report_docx(record), table_html(record, "table3")
    monkeypatch.setattr(tables, "CLASSES", {role: f"renamed-{role}" for role in tables.CLASSES})
    assert table_html(record, "table3") != before[1]
    assert report_docx(record) == before[0]


def _vertical_texts(docx: bytes) -> list[str]:
    """The texts of the cells set vertically (tbRlV) in the Word file, in order."""
    import io
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    cells = re.findall(r"<w:tc>.*?</w:tc>", xml)
    return ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", c)) for c in cells if "tbRlV" in c]
