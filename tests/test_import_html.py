"""Importing report HTML: every record survives render → import; published pages are read too.

Narratives are compared by what they render to (`gongkai.pages.markdown.to_html`,
whitespace runs collapsed): the renderer shifts heading levels so the first
narrative heading is <h3>, and Markdown has several spellings of one document,
so "the same narrative" means "renders to the same HTML".
"""

from __future__ import annotations

import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import DATA, SEED_RECORD
from gongkai.errors import NotAReport
from gongkai.format import FORMAT_2019, FORMAT_2021, Format, Kind
from gongkai.importers import Overrides, Trouble, import_file
from gongkai.pages import markdown
from gongkai.pages.report import Report
from gongkai.pages.tables import table_html
from gongkai.records.record import Record, Value, from_mapping, load_record

RECORDS = sorted(p for p in DATA.glob("*/*/*.yaml") if p.stem.isdigit())


def report_html(record: Record) -> str:
    """A report body rendered without a kernel: the cover and the six parts."""
    report = Report(record)
    body = report.cover().html + "".join(report.part(n) for n in range(1, 7))
    return f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def rendered(text: str) -> str:
    """The one narrative normalizer: what the Markdown renders to, whitespace collapsed."""
    return re.sub(r"\s+", " ", markdown.to_html(text)).strip()


def import_html(
    tmp_path: Path, html: str, name: str = "report.html", overrides: Overrides | None = None
) -> tuple[dict, list]:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    result = import_file(path, overrides) if overrides else import_file(path)
    return result.data, result.problems


def assert_same_record(imported: Record, original: Record) -> None:
    assert imported.format is original.format
    assert imported.cells == original.cells
    for key, text in original.parts.items():
        assert rendered(imported.parts[key]) == rendered(text), key
    names = ("year", "body", "province", "city", "county", "township", "level", "synthetic")
    assert {k: getattr(imported, k) for k in names} == {k: getattr(original, k) for k in names}


@pytest.mark.parametrize("path", RECORDS, ids=[str(p.relative_to(DATA)) for p in RECORDS])
def test_every_bundled_record_survives_render_and_import(tmp_path: Path, path: Path):
    original = load_record(path)
    # The official document names no province, city or county: they come from --county, as a user gives it.
    county = Overrides(county=path.parents[1].name, data_dir=DATA)
    data, problems = import_html(tmp_path, report_html(original), overrides=county)
    blanks = {k for k, v in original.cells.items() if v is None}
    assert {k for p in problems for k in p.cells} == blanks  # only what was blank, listed as blank
    assert all(p.kind in (Trouble.BLANK, Trouble.NOTE) for p in problems), problems
    imported = from_mapping(data)
    assert_same_record(imported, original)


def test_seed_narrative_comes_back_byte_for_byte(tmp_path: Path):
    seed = load_record(SEED_RECORD)
    data, _ = import_html(tmp_path, report_html(seed))
    assert data["parts"] == dict(seed.parts)


def varied(fmt: Format, seed: int, blanks: int = 3) -> dict[tuple[str, str, str], Value]:
    """Non-zero figures of every kind, a few cells left blank."""
    rnd = random.Random(seed)
    cells: dict[tuple[str, str, str], Value] = {}
    for cell in fmt.cells():
        if cell.kind is Kind.CHANGE:
            cells[cell.key] = rnd.choice([-7, -1, 2, 15])
        elif cell.kind is Kind.AMOUNT:
            cells[cell.key] = Decimal(rnd.choice(["0.0001", "12.5", "3", "1234.5678"]))
        else:
            cells[cell.key] = rnd.randint(1, 300)
    for key in rnd.sample(sorted(cells), blanks):
        cells[key] = None
    return cells


NARRATIVE = {
    "overview": (
        "# 总体情况\n\n本年度*共*公开信息 [12] 条，其中_重点_领域 3 条。\n\n"
        "## 主动公开\n\n1. 第一项\n2. 第二项\n\n"
        "- 要点甲\n  - 要点乙\n\n"
        "1\\. 这一段以数字开头但不是列表。\n"
    ),
    "problems": "**问题一**：公开不及时。\n\n改进：按月更新。\n",
    "other": "本年度未收取信息处理费。\n",
}


@pytest.mark.parametrize(("fmt", "year"), [(FORMAT_2019, 2020), (FORMAT_2021, 2023)])
def test_a_record_with_varied_figures_survives_in_both_formats(tmp_path: Path, fmt: Format, year: int):
    seed = load_record(SEED_RECORD)
    original = Record(
        **{**seed.__dict__, "format": fmt, "year": year, "cells": varied(fmt, year), "path": None},
    )
    original = Record(**{**original.__dict__, "parts": NARRATIVE, "synthetic": True})
    data, problems = import_html(tmp_path, report_html(original), overrides=Overrides(county="minquan", data_dir=DATA))
    assert {p.kind for p in problems} <= {Trouble.BLANK, Trouble.NOTE}
    assert_same_record(from_mapping(data), original)


def word_table(record: Record, table_id: str) -> str:
    """The rendered table as a word processor would publish it: td only, nested spans,
    full-width digits, &nbsp; in empty cells, a padding cell after each label."""
    html = table_html(record, table_id)
    html = re.sub(r"<th\b", "<td", html).replace("</th>", "</td>")
    html = re.sub(r'(<td[^>]*class="[^"]*label[^"]*"[^>]*>.*?</td>)', r"\1<td>&nbsp;</td>", html)
    html = re.sub(r"(<td[^>]*>)([^<]*)(</td>)", r'\1<p style="x"><span>\2</span></p>\3', html)
    html = re.sub(r"<span>(\d+)</span>", lambda m: f"<span>{m.group(1).translate(FULL_WIDTH)}</span>", html)
    return html.replace("<span></span>", "<span>&nbsp;</span>")


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_a_published_page_with_chrome_spans_and_full_width_digits(tmp_path: Path):
    seed = load_record(SEED_RECORD)
    original = Record(**{**seed.__dict__, "cells": varied(FORMAT_2021, 7, blanks=0), "path": None})
    t4 = table_html(original, "table4")
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>胡集乡人民政府2021年政府信息公开工作年度报告_民权县人民政府</title>
<script>var x = "<p>一、总体情况</p>";</script></head>
<body><div class="nav"><a href="/">首页</a> &gt; <a href="/gk">政务公开</a></div>
<table width="100%"><tr><td><div class="content">
<h1 style="text-align:center">胡集乡人民政府2021年政府信息公开工作年度报告</h1>
<p>&nbsp;&nbsp;根据《中华人民共和国政府信息公开条例》编制本报告。</p>
<p><strong>&nbsp;一、总体情况</strong></p>
<p>　　2021年，我乡认真贯彻落实<span>政务公开</span>工作要点。</p>
<p><b>二、主动公开政府信息情况</b></p>
{word_table(original, "table2")}
<p><b>三、收到和处理政府信息公开申请情况</b></p>
{word_table(original, "table3")}
<p><b>四、政府信息公开行政复议、行政诉讼情况</b></p>
{t4}
<p><b>五、存在的主要问题及改进情况</b></p>
<p>　　一是公开不够及时。</p><p>　　二是形式单一。</p>
<p><b>六、其他需要报告的事项</b></p>
<p>　　无。</p>
</div></td></tr></table>
<div class="footer">版权所有：民权县人民政府</div></body></html>"""
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("gb18030"))
    result = import_file(path)
    record = from_mapping({**result.data, "province": "河南省", "city": "商丘市", "county": "民权县"})
    assert record.cells == original.cells
    assert record.parts == {
        "overview": "2021年，我乡认真贯彻落实政务公开工作要点。\n",
        "problems": "一是公开不够及时。\n\n二是形式单一。\n",
        "other": "无。\n",
    }
    assert (record.body, record.year, record.township) == ("胡集乡人民政府", 2021, "胡集乡")
    (note,) = [p for p in result.problems if p.kind is Trouble.NOTE]
    assert "1 段文字没有导入" in note.what and "根据" in note.what  # the preamble is not silently dropped
    assert {p.field for p in result.problems if p.kind is not Trouble.NOTE} == {"province", "city", "county"}


def test_a_blank_cell_stays_blank_and_is_located(tmp_path: Path):
    seed = load_record(SEED_RECORD).with_value(("table3", "granted", "research"), None)
    data, problems = import_html(tmp_path, report_html(seed))
    assert data["table3"]["granted"]["research"] is None
    (problem,) = [p for p in problems if p.cells]
    assert problem.kind is Trouble.BLANK and problem.cells == (("table3", "granted", "research"),)
    assert re.fullmatch(r"第 \d+ 行第 \d+ 列", problem.where)


def test_a_missing_row_is_listed_with_the_lines_looked_at(tmp_path: Path):
    html = report_html(load_record(SEED_RECORD))
    html = re.sub(r"<tr><th[^>]*>3\.危及“三安全一稳定”</th>.*?</tr>", "", html)
    data, problems = import_html(tmp_path, html)
    assert set(data["table3"]["refused_security"].values()) == {None}
    (problem,) = [p for p in problems if p.cells]
    assert problem.kind is Trouble.MISSING and "危及" in problem.what and "–" in problem.where


def test_table_four_with_groups_in_another_order_is_ambiguous(tmp_path: Path):
    html = report_html(load_record(SEED_RECORD))
    html = html.replace('<th colspan="5">未经复议直接起诉</th><th colspan="5">复议后起诉</th>',
                        '<th colspan="5">复议后起诉</th><th colspan="5">未经复议直接起诉</th>')  # fmt: skip
    data, problems = import_html(tmp_path, html)
    assert set(data["table4"]["review"].values()) == {None}
    assert any(p.kind is Trouble.AMBIGUOUS and "表头顺序" in p.what for p in problems)


def test_an_ordinary_web_page_is_not_a_report(tmp_path: Path):
    page = (
        "<html><body><h1>民权县召开安全生产会议</h1><p>会议要求……</p><table><tr><td>1</td></tr></table></body></html>"
    )
    with pytest.raises(NotAReport):
        import_html(tmp_path, page)
