"""A narrative part's structure (sub-headings, items, paragraphs) through every path in and out."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import pytest

from conftest import DATA, FIXTURES
from gongkai.checks.text import text_instances
from gongkai.format.rules import text_rules
from gongkai.importers import import_file
from gongkai.pages.markdown import to_html
from gongkai.production.word import report_docx
from gongkai.records import narrative
from gongkai.records.narrative import Block, Kind
from gongkai.records.record import Record, from_mapping, load_record

RECORDS = sorted(p for p in DATA.glob("*/*/*.yaml") if p.stem.isdigit())
TYPED = "（一）主动公开情况\n本年度主动公开政府信息20条。\n（二）依申请公开情况\n本年度收到申请1件，已办结。"


def shape_of(markdown: str) -> list[tuple[Kind, int, str]]:
    """What a reader sees of the structure: kinds, levels and text, not the markup."""
    return [(b.kind, b.level, " ".join(b.plain.split())) for b in narrative.parse(markdown)]


def test_every_bundled_part_goes_to_rows_and_back_exactly():
    parts = [text for p in RECORDS for text in load_record(p).parts.values()]
    assert len(parts) == 3 * len(RECORDS) > 150
    for text in parts:
        assert narrative.to_markdown(narrative.parse(text)) == text
        assert narrative.from_rows(narrative.rows(text)) == text
    seed = load_record(DATA / "minquan" / "hujixiang" / "2021.yaml")
    kinds = [k for k, _ in narrative.rows(seed.parts["overview"])]
    assert kinds[:3] == ["小标题", "二级小标题", "三级小标题"] and kinds.count("段落") == 8
    assert {k for k, _ in narrative.rows(seed.parts["problems"])} == {"条目"}


def test_lines_typed_in_a_cell_keep_their_sub_headings():
    blocks = narrative.from_lines(TYPED)
    assert [b.kind for b in blocks] == [Kind.SUBHEADING, Kind.PARAGRAPH, Kind.SUBHEADING, Kind.PARAGRAPH]
    assert narrative.lines_to_markdown(TYPED).startswith("### （一）主动公开情况\n\n本年度")
    # numbered sentences alike are paragraphs, not headings; 「1. 」 is an item; 「1、」 under （一） is one level down
    mixed = narrative.from_lines("（一）情况\n1、要点\n1、第一件事。\n2、第二件事。\n1. 条目一")
    assert [(b.kind, b.level) for b in mixed] == [
        (Kind.SUBHEADING, 1),
        (Kind.PARAGRAPH, 0),
        (Kind.PARAGRAPH, 0),
        (Kind.PARAGRAPH, 0),
        (Kind.ITEM, 0),
    ]
    rows = [("小标题", "（一）情况"), (None, "本年度无。\n（二）其他\n无。"), ("条目", "1. 一项")]
    assert narrative.from_rows(rows) == "### （一）情况\n\n本年度无。\n\n### （二）其他\n\n无。\n\n1. 一项\n"


def test_workbook_cell_typed_with_alt_enter_is_not_one_paragraph(tmp_path: Path):
    import openpyxl

    from gongkai.format import FORMAT_2021
    from gongkai.workbook import write_template

    path = tmp_path / "胡集乡2024.xlsx"
    layout = write_template(path, FORMAT_2021, 2024)
    book = openpyxl.load_workbook(path)
    sheet, cell = layout.parts["overview"][0].split("!")  # the part's first row: all of it typed in one cell
    book[sheet][cell] = TYPED
    book.save(path)
    overview = import_file(path).data["parts"]["overview"]
    assert shape_of(overview) == shape_of(narrative.lines_to_markdown(TYPED))
    assert "<h3>（一）主动公开情况</h3>" in to_html(overview) and "<h3>（二）依申请公开情况</h3>" in to_html(overview)


def test_text_import_keeps_sub_headings_on_lines_of_their_own(tmp_path: Path):
    seed = (FIXTURES / "hujixiang-2021-published.txt").read_text(encoding="utf-8")
    path = tmp_path / "plain.txt"
    path.write_text(seed.replace("##### ", "").replace("#### ", "").replace("### ", ""), encoding="utf-8")
    overview = import_file(path).data["parts"]["overview"]
    headings = [b.plain for b in narrative.parse(overview) if b.kind is Kind.SUBHEADING]
    assert headings[:3] == ["一、总体情况", "1、主动公开政府信息情况", "2、依申请公开政府信息办理情况"]
    assert len(headings) == 7


def docx_round_trip(record: Record, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / f"{record.township}{record.year}.docx"
    path.write_bytes(report_docx(record))
    parts: dict[str, str] = import_file(path).data["parts"]
    return parts


@pytest.mark.parametrize("path", RECORDS[::4], ids=lambda p: str(p.relative_to(DATA)))
def test_our_word_file_imports_back_to_the_same_structure(tmp_path: Path, path: Path):
    record = load_record(path)
    parts = docx_round_trip(record, tmp_path)
    for key, text in record.parts.items():
        assert shape_of(parts[key]) == shape_of(text), key


def test_every_bundled_record_keeps_its_structure_through_word(tmp_path: Path):
    wrong = []
    for path in RECORDS:
        record = load_record(path)
        parts = docx_round_trip(record, tmp_path)
        wrong += [f"{path}:{k}" for k, text in record.parts.items() if shape_of(parts[k]) != shape_of(text)]
    assert not wrong


def test_word_writes_sub_headings_as_headings_and_items_as_list_items():
    record = load_record(DATA / "minquan" / "hujixiang" / "2021.yaml")
    with zipfile.ZipFile(io.BytesIO(report_docx(record))) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
    assert xml.count('w:val="GKSubheading1"') == 1 and xml.count('w:val="GKSubheading2"') == 1
    assert xml.count('w:val="GKSubheading3"') == 6 and xml.count('w:val="GKListItem"') == 3
    assert 'w:eastAsia="楷体' in styles and '<w:outlineLvl w:val="1"/>' in styles


def test_copied_text_is_still_seen_after_a_word_round_trip(tmp_path: Path):
    """W9 compares the text: last year's words come back from Word as last year's words."""
    before = load_record(DATA / "minquan" / "baiyunsizhen" / "2022.yaml")
    copied = dataclasses.replace(before, year=2023, path=None)
    rules = [r for r in text_rules() if r.id == "W9"]

    def w9(record: Record) -> set[str]:
        return text_instances(record, before, rules)[1].get("W9", set())

    assert w9(copied)  # the copy itself is seen
    parts = docx_round_trip(copied, tmp_path)
    assert any(b.kind is Kind.SUBHEADING for b in narrative.parse(parts["overview"]))
    imported = from_mapping({**yaml_of(copied), "parts": parts})
    assert w9(imported)
    # and with the sub-headings flattened to plain lines (another office's Word file), still the same text
    flat = {k: "\n\n".join(b.plain for b in narrative.parse(t)) + "\n" for k, t in parts.items()}
    assert w9(from_mapping({**yaml_of(copied), "parts": flat}))


def yaml_of(record: Record) -> dict[str, object]:
    import yaml

    from gongkai.records.record import dump_record

    data: dict[str, object] = yaml.safe_load(dump_record(record))
    return data


def test_blocks_are_values():
    assert Block(Kind.SUBHEADING, "（一）**主动**公开", 1).plain == "（一）主动公开"
    assert narrative.subheading_rank("（一）主动公开情况") == 2 and narrative.subheading_rank("1、情况") == 3
    assert narrative.subheading_rank("1、本乡没有收到申请。") is None and narrative.subheading_rank("1. 条目") is None


def test_rendered_report_shows_sub_headings_as_headings(seed_render: Path):
    """HTML, PDF (printed from the HTML) and Word of the seed: its 「1、…」 sub-headings are headings on their own."""
    import subprocess

    html = (seed_render / "report.html").read_text(encoding="utf-8")
    assert "<h5>1、主动公开政府信息情况</h5>" in html and "<h4>一、总体情况</h4>" in html
    text = subprocess.run(
        ["pdftotext", "-layout", str(seed_render / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "1、主动公开政府信息情况" in [line.strip() for line in text.splitlines()]
    overview = load_record(DATA / "minquan" / "hujixiang" / "2021.yaml").parts["overview"]
    word = import_file(seed_render / "report.docx").data["parts"]["overview"]
    assert shape_of(word) == shape_of(overview)
    # the PDF read back: every sub-heading shaped like one (「一、」「1、」) is a sub-heading again
    pdf = import_file(seed_render / "report.pdf").data["parts"]["overview"]
    shaped = [b.plain for b in narrative.parse(overview) if b.kind is Kind.SUBHEADING and narrative.shape(b.plain)]
    assert [b.plain for b in narrative.parse(pdf) if b.kind is Kind.SUBHEADING] == shaped and len(shaped) == 7
