"""A township's workbook made from its record: filled in, read back exactly, narrative one row per paragraph."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from conftest import DATA, copy_data, gongkai
from gongkai.errors import InputError
from gongkai.importers import import_file
from gongkai.records.record import dump_record, from_mapping, load_record
from gongkai.workbook import paragraphs, write_workbook
from gongkai.workbook.narrative import joined

RECORDS = sorted(p for p in DATA.glob("*/*/*.yaml") if p.stem.isdigit())


def test_there_are_63_bundled_records():
    assert len(RECORDS) == 63


@pytest.mark.parametrize("path", RECORDS, ids=[str(p.relative_to(DATA)) for p in RECORDS])
def test_record_workbook_record_is_exact(tmp_path: Path, path: Path):
    original = load_record(path)
    book = tmp_path / "t.xlsx"
    write_workbook(book, original)
    result = import_file(book)
    assert result.complete, [str(p) for p in result.problems][:5]
    assert (result.county_id, result.township_id) == (original.county_id, original.township_id)
    assert dump_record(from_mapping(result.data)) == dump_record(original)


def test_each_paragraph_and_sub_heading_is_a_row(tmp_path: Path):
    record = load_record(DATA / "minquan" / "hujixiang" / "2022.yaml")
    path = tmp_path / "t.xlsx"
    layout = write_workbook(path, record)
    sheet = openpyxl.load_workbook(path)["一"]
    rows = [sheet[ref.split("!")[1]].value for ref in layout.parts["overview"]]
    assert rows[0] == "### 1、主动公开政府信息情况" and sheet[layout.parts["overview"][0].split("!")[1]].font.b
    assert rows[1].startswith("胡集乡人民政府坚持以公开为常态")
    assert [r for r in rows if r] == paragraphs(record.parts["overview"])
    assert len(rows) >= len(paragraphs(record.parts["overview"])) + 10  # room to add paragraphs


def test_rows_typed_by_a_person_become_paragraphs_and_lists():
    typed = ["（一）主动公开情况\n本年主动公开信息 12 条。", "1. 第一项", "2. 第二项", "", "结尾一段。"]
    # the short line led by 「（一）」 is a sub-heading (records/narrative.py: as every import reads it)
    want = "#### （一）主动公开情况\n\n本年主动公开信息 12 条。\n\n1. 第一项\n2. 第二项\n\n结尾一段。\n"
    assert joined(typed) == want


def test_a_merge_over_figures_is_refused_naming_it(tmp_path: Path):
    record = load_record(DATA / "minquan" / "renhezhen" / "2023.yaml")
    path = tmp_path / "t.xlsx"
    write_workbook(path, record)
    book = openpyxl.load_workbook(path)
    book["表三"].merge_cells("E6:F6")
    book.save(path)
    with pytest.raises(InputError, match=r"表三!E6:F6 是合并单元格，盖住了要填写的格子 表三!E6、表三!F6"):
        import_file(path)


def test_a_merge_in_an_old_template_is_refused_too(tmp_path: Path):
    """A workbook without gongkai's layout property is read by labels: a merge over figures is still refused."""
    record = load_record(DATA / "minquan" / "renhezhen" / "2023.yaml")
    path = tmp_path / "t.xlsx"
    write_workbook(path, record)
    book = openpyxl.load_workbook(path)
    book.custom_doc_props = openpyxl.packaging.custom.CustomPropertyList()
    book.save(path)
    assert import_file(path).complete  # read by labels, whole
    book["表三"].merge_cells("E6:F6")
    book.save(path)
    with pytest.raises(InputError, match=r"表三!E6:F6 是合并单元格"):
        import_file(path)


def test_cli_template_from_record_and_import_back(tmp_path: Path):
    data = copy_data(tmp_path / "data")
    made = gongkai("template", "胡集乡", "2023", "--data", str(data), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    path = tmp_path / "胡集乡2023.xlsx"
    assert path.is_file() and "gongkai import" in made.stdout
    again = gongkai("template", "胡集乡", "2023", "--data", str(data), cwd=tmp_path)
    assert again.returncode == 2 and "已存在" in again.stderr
    record = data / "minquan" / "hujixiang" / "2023.yaml"
    before = load_record(record)
    back = gongkai("import", str(path), "--data", str(data), "--force", cwd=tmp_path)
    assert back.returncode == 0, back.stdout + back.stderr
    assert dump_record(load_record(record)) == dump_record(before)


def test_a_draft_keeps_its_marks_through_the_workbook_even_with_a_gap(tmp_path: Path):
    from gongkai.importers import record_yaml
    from gongkai.records.newyear import start_year
    from gongkai.records.record import carried_drafts

    draft = start_year(load_record(DATA / "minquan" / "renhezhen" / "2023.yaml"), 2024).record
    path = tmp_path / "t.xlsx"
    layout = write_workbook(path, draft)
    book = openpyxl.load_workbook(path)
    sheet, cell = layout.cells[("table4", "review", "pending")].split("!")
    book[sheet][cell] = None
    book.save(path)
    result = import_file(path)
    assert [p.where for p in result.problems] == ["表四!D5"]
    (tmp_path / "r.yaml").write_text(record_yaml(result), encoding="utf-8")
    back = load_record(tmp_path / "r.yaml")
    assert (
        carried_drafts(back) == ["overview", "problems", "other"] and back.value("table4", "review", "pending") is None
    )
