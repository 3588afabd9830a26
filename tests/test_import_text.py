"""Importing published text: the seed comes back as its record; gaps are listed, never zero."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, SEED_RECORD, SEED_TEXT, copy_data, gongkai
from gongkai.errors import NotAReport
from gongkai.format import FORMAT_2021
from gongkai.importers import Overrides, Trouble, import_file, record_yaml
from gongkai.records import narrative
from gongkai.records.record import from_mapping, load_record


def seed_lines() -> list[str]:
    return SEED_TEXT.read_text(encoding="utf-8").splitlines()


def write(tmp_path: Path, lines: list[str], name: str = "report.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line_index(lines: list[str], start: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(start))


def test_seed_imports_to_exactly_the_figures_and_narrative_of_its_record():
    seed = load_record(SEED_RECORD)
    result = import_file(SEED_TEXT)
    record = from_mapping({**result.data, "province": "x", "city": "x", "county": "x"})
    assert record.cells == seed.cells
    assert record.parts == seed.parts  # byte for byte, the nested 2020 headings included
    nested = "### 胡集乡人民政府2020年政府信息公开工作年度报告\n\n#### 一、总体情况"
    assert record.parts["overview"].startswith(nested)
    assert (record.body, record.year, record.township, record.level, record.format.id) == (
        "胡集乡人民政府",
        2021,
        "胡集乡",
        "乡",
        "2021",
    )


def test_seed_lists_only_the_place_names_it_does_not_state():
    result = import_file(SEED_TEXT)
    assert {p.field for p in result.problems} == {"province", "city", "county"}
    assert all(p.kind is Trouble.MISSING for p in result.problems)
    assert not result.missing_cells()


def test_seed_with_its_county_is_the_whole_record(tmp_path: Path):
    result = import_file(SEED_TEXT, Overrides(county="minquan", data_dir=DATA))
    assert result.complete and (result.county_id, result.township_id) == ("minquan", "hujixiang")
    seed = load_record(SEED_RECORD)
    record = from_mapping(result.data)
    assert record == type(seed)(**{**seed.__dict__, "source": record.source, "path": None})
    assert record_yaml(result).splitlines()[9:] == SEED_RECORD.read_text(encoding="utf-8").splitlines()[9:]


def test_a_dropped_row_is_listed_and_left_blank_never_zero(tmp_path: Path):
    lines = seed_lines()
    del lines[line_index(lines, "\t\t2.其他法律法规禁止公开")]
    result = import_file(write(tmp_path, lines))
    keys = {c.key for c in FORMAT_2021.cells() if c.row.id == "refused_by_law"}
    assert result.missing_cells() == keys
    (problem,) = [p for p in result.problems if p.cells]
    assert problem.kind is Trouble.MISSING and "其他法律行政法规禁止公开" in problem.what
    assert problem.where.startswith("第 ") and "未找到该行" in problem.what


def test_extra_trailing_zero_is_layout_but_an_extra_figure_is_ambiguous(tmp_path: Path):
    lines = seed_lines()
    at = line_index(lines, "(七) 总计")
    assert lines[at].split("\t")[2:10] == ["0"] * 8  # the seed's own quirk: 8 figures for 7 columns
    assert not import_file(SEED_TEXT).missing_cells()
    lines[at] = "(七) 总计\t\t0\t0\t0\t0\t0\t0\t0\t5\t"
    result = import_file(write(tmp_path, lines))
    (problem,) = [p for p in result.problems if p.kind is Trouble.AMBIGUOUS]
    assert problem.where == f"第 {at + 1} 行" and "8 个数" in problem.what
    assert result.missing_cells() == {c.key for c in FORMAT_2021.cells() if c.row.id == "outcome_total"}


def test_figures_follow_the_label_however_far_the_row_is_shifted(tmp_path: Path):
    lines = seed_lines()
    at = line_index(lines, "一、本年新收")
    lines[at] = "\t\t\t一、本年新收政府信息公开申请数量\t\t\t1\t2\t3\t4\t5\t6\t21"
    result = import_file(write(tmp_path, lines))
    row = result.data["table3"]["received"]
    assert list(row.values()) == [1, 2, 3, 4, 5, 6, 21]


def test_markdown_pipe_tables_with_dash_blanks(tmp_path: Path):
    lines = seed_lines()
    lines[line_index(lines, "规章\t")] = "| 规章 | 0 | - | 3 |"
    lines[line_index(lines, "行政规范性文件\t")] = "| 行政规范性文件 | — |  | 7 |"
    lines[line_index(lines, "行政许可\t")] = "|行政许可|１２|"  # full-width digits
    result = import_file(write(tmp_path, lines))
    t2 = result.data["table2"]
    assert t2["regulations"] == {"issued": 0, "repealed": None, "in_force": 3}
    assert t2["normative_docs"] == {"issued": None, "repealed": None, "in_force": 7}
    assert t2["licensing"] == {"decisions": 12}
    blanks = [p for p in result.problems if p.kind is Trouble.BLANK]
    assert {k for p in blanks for k in p.cells} == {
        ("table2", "regulations", "repealed"),
        ("table2", "normative_docs", "issued"),
        ("table2", "normative_docs", "repealed"),
    }


def test_label_variants_spaces_and_brackets(tmp_path: Path):
    lines = seed_lines()
    lines[line_index(lines, "信息内容\t本年制发件数")] = "信息内容\t本年新制发件数\t本年废止件数\t现行有效件"
    lines[line_index(lines, "行政规范性文件\t")] = "规范性文件\t1\t2\t3"
    at = line_index(lines, "\t(二) 部分公开")
    lines[at] = "\t（二）部分公开\t\t1\t0\t0\t0\t0\t0\t1"
    at = line_index(lines, "\t\t3.危及")
    lines[at] = '\t\t3. 危及 "三安全一稳定"\t\t2\t0\t0\t0\t0\t0\t2'
    result = import_file(write(tmp_path, lines))
    assert result.data["table2"]["normative_docs"] == {"issued": 1, "repealed": 2, "in_force": 3}
    assert result.data["table3"]["partly_granted"]["total"] == 1
    assert result.data["table3"]["refused_security"]["total"] == 2
    assert not result.missing_cells()


def test_label_alone_takes_the_figures_on_the_next_line_and_split_labels_join(tmp_path: Path):
    lines = seed_lines()
    at = line_index(lines, "行政处罚\t")
    lines[at : at + 1] = ["行政处罚", "\t4"]
    at = line_index(lines, "\t\t5.要求行政机关确认")
    lines[at : at + 1] = ["\t\t5.要求行政机关确认或重新", "出具已获取信息\t\t1\t0\t0\t0\t0\t0\t1"]
    result = import_file(write(tmp_path, lines))
    assert result.data["table2"]["penalty"] == {"decisions": 4}
    assert result.data["table3"]["np_confirm"]["total"] == 1
    assert not result.missing_cells()


def test_rows_separated_by_spaces(tmp_path: Path):
    lines = seed_lines()
    lines[line_index(lines, "规章\t")] = "规章 1 2 3"
    assert import_file(write(tmp_path, lines)).data["table2"]["regulations"] == {
        "issued": 1,
        "repealed": 2,
        "in_force": 3,
    }


def test_text_in_a_figure_cell_is_named(tmp_path: Path):
    lines = seed_lines()
    at = line_index(lines, "行政强制\t")
    lines[at] = "行政强制\t无"
    result = import_file(write(tmp_path, lines))
    (problem,) = [p for p in result.problems if p.kind is Trouble.INVALID]
    assert problem.where == f"第 {at + 1} 行" and "「无」" in problem.what
    assert result.data["table2"]["coercion"] == {"decisions": None}


OLDER_TABLE2 = """第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t1\t1\t9
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t5\t-2\t30
其他对外管理服务事项\t0\t0\t0
第二十条第（六）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t3\t+1\t12
行政强制\t0\t0\t0
第二十条第（八）项
信息内容\t上一年项目数量\t本年增/减
行政事业性收费\t1\t0
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t2\t13.5""".splitlines()


def test_older_table_two_means_the_older_format_and_a_mismatched_year_is_noted(tmp_path: Path):
    lines = seed_lines()
    start, end = line_index(lines, "第二十条第（一）项"), line_index(lines, "### 三、")
    lines[start:end] = [*OLDER_TABLE2, ""]
    result = import_file(write(tmp_path, lines))
    assert result.data["format"] == "2019"
    assert result.data["table2"]["licensing"] == {"prior_items": 5, "change": -2, "decisions": 30}
    assert result.data["table2"]["procurement"] == {"items": 2, "amount": 13.5}
    assert result.data["table3"]["other_handling"] == dict.fromkeys(result.data["table3"]["received"])
    assert any(p.kind is Trouble.NOTE and "2021" in p.what for p in result.problems)


def test_options_override_the_document(tmp_path: Path):
    result = import_file(SEED_TEXT, Overrides(year=2022, township="胡集镇"))
    assert (result.data["year"], result.data["township"], result.data["level"]) == (2022, "胡集镇", "镇")


def test_gbk_text_is_read(tmp_path: Path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(SEED_TEXT.read_text(encoding="utf-8").replace("“", '"').replace("”", '"').encode("gbk"))
    assert not import_file(path).missing_cells()


@pytest.mark.parametrize("content", ["", "   \n\n", "hello\nworld\n", "<p>not a report</p>", "\x00\x01\x02binary"])
def test_what_is_not_a_report_is_refused(tmp_path: Path, content: str):
    path = tmp_path / "x.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NotAReport):
        import_file(path)


def test_cli_exit_codes_and_messages(tmp_path: Path):
    data = copy_data(tmp_path / "data")
    (data / "minquan" / "hujixiang" / "2021.yaml").unlink()
    ok = gongkai("import", str(SEED_TEXT), "--county", "minquan", "--data", str(data))
    assert ok.returncode == 0, ok.stderr
    assert load_record(data / "minquan" / "hujixiang" / "2021.yaml").cells == load_record(SEED_RECORD).cells
    again = gongkai("import", str(SEED_TEXT), "--county", "minquan", "--data", str(data))
    assert again.returncode == 2 and "--force" in again.stderr
    partial = gongkai("import", str(SEED_TEXT), "-o", str(tmp_path / "x.yaml"))
    assert partial.returncode == 1 and "未找到省" in partial.stdout
    assert "province: ~" in (tmp_path / "x.yaml").read_text(encoding="utf-8")
    where = gongkai("import", str(SEED_TEXT), "--data", str(data))
    assert where.returncode == 2 and "-o" in where.stderr and "胡集乡" in where.stderr
    junk = tmp_path / "junk.txt"
    junk.write_text("今天天气很好。\n", encoding="utf-8")
    refused = gongkai("import", str(junk), "-o", str(tmp_path / "j.yaml"))
    assert refused.returncode == 2 and "不是政府信息公开工作年度报告" in refused.stderr
    assert not (tmp_path / "j.yaml").exists()


@pytest.mark.parametrize(
    ("title", "body", "year"),
    [
        ("# 胡集乡人民政府2021年政府信息公开工作年度报告", "胡集乡人民政府", 2021),
        ("《城关街道办事处2020年政府信息公开工作年度报告》", "城关街道办事处", 2020),
        ("2022年度 王桥镇人民政府 政府信息公开年度报告", "王桥镇人民政府", 2022),
    ],
)
def test_title_gives_body_and_year(title: str, body: str, year: int):
    from gongkai.importers.text import parse_text
    from gongkai.importers.title import find_title

    found = find_title(parse_text(title, "t").lines)
    assert found is not None and found[:2] == (body, year)


@pytest.mark.parametrize(
    ("body", "county", "township", "level"),
    [
        ("胡集乡人民政府", None, "胡集乡", "乡"),
        ("民权县胡集乡人民政府", "民权县", "胡集乡", "乡"),
        ("城关街道办事处", None, "城关街道", "街道"),
        ("北关镇政府", None, "北关镇", "镇"),
    ],
)
def test_township_and_level_from_the_body(body: str, county: str | None, township: str, level: str):
    from gongkai.importers.title import level_of, township_of

    assert township_of(body) == (county, township)
    assert level_of(township) == level


def test_content_beats_the_suffix(tmp_path: Path):
    from conftest import SEED_RECORD as record_path
    from gongkai.pages.report import Report

    report = Report(load_record(record_path))
    page = "<!doctype html><html><body>" + report.cover().html + "".join(report.part(n) for n in range(1, 7))
    as_text = tmp_path / "page.txt"
    as_text.write_text(page + "</body></html>", encoding="utf-8")
    assert import_file(as_text).kind == "html"
    as_html = tmp_path / "copied.html"
    as_html.write_text(SEED_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    result = import_file(as_html)
    assert result.kind == "text" and not result.missing_cells()


def test_utf16_text_is_read(tmp_path: Path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(SEED_TEXT.read_text(encoding="utf-8").encode("utf-16"))
    assert not import_file(path).missing_cells()


def test_a_county_option_never_overrides_the_document_silently(tmp_path: Path):
    lines = seed_lines()
    lines.insert(1, "河南省商丘市民权县胡集乡")
    result = import_file(write(tmp_path, lines), Overrides(county="睢县"))
    assert result.data["county"] == "民权县"
    assert any(p.kind is Trouble.NOTE and "睢县" in p.what for p in result.problems)
    assert result.complete


def test_headings_without_markdown_marks_split_the_same(tmp_path: Path):
    lines = [line.lstrip("#").lstrip() if line.startswith("#") else line for line in seed_lines()]
    result = import_file(write(tmp_path, lines))
    assert not result.missing_cells()
    seed = load_record(SEED_RECORD)

    def unmarked(text: str) -> str:
        return "\n".join(x.lstrip("#").lstrip() for x in text.split("\n"))

    for key, text in seed.parts.items():
        got = result.data["parts"][key]
        assert unmarked(got) == unmarked(text)
        # 「一、总体情况」「1、主动公开政府信息情况」 on lines of their own are sub-headings again; the title is not
        shaped = [
            b.plain for b in narrative.parse(text) if b.kind is narrative.Kind.SUBHEADING and narrative.shape(b.plain)
        ]
        assert [b.plain for b in narrative.parse(got) if b.kind is narrative.Kind.SUBHEADING] == shaped
        assert len(shaped) == (7 if key == "overview" else 0)


def test_a_label_written_with_its_group_in_one_cell_but_not_a_note_ending_in_a_label(tmp_path: Path):
    lines = seed_lines()
    at = line_index(lines, "三、本年度办理结果\t(一) 予以公开")
    lines[at] = "三、本年度办理结果（一）予以公开\t\t3\t0\t0\t0\t0\t0\t3"
    at = line_index(lines, "\t\t3.其他")
    lines.insert(at + 1, "注：本表不含其他\t1")
    result = import_file(write(tmp_path, lines))
    assert result.data["table3"]["granted"]["total"] == 3
    assert result.data["table3"]["other_misc"]["total"] == 0
    assert any(p.kind is Trouble.NOTE and "未能识别" in p.what for p in result.problems)
