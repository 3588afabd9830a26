"""Text a record has no place for is reported with its place, and source characters stay characters.

Small fixtures of one shape in three kinds: plain text and Word written here,
and tests/fixtures/leftovers-libreoffice.pdf (the same Word file printed by
LibreOffice, see tests/fixtures/README.md; `write_leftovers_docx` makes it).
"""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES
from gongkai.format import FORMATS
from gongkai.importers import Problem, Trouble, import_file, partial_record, record_yaml
from gongkai.importers.base import escape_markdown
from gongkai.pages.markdown import to_html

PDF = FIXTURES / "leftovers-libreoffice.pdf"
MARKUP = "重点*工作*与_专项_行动 <b>公开</b> [见附件](x) a|b &amp;"
TITLE = "某镇人民政府2023年政府信息公开工作年度报告"


def write_leftovers_docx(path: Path) -> None:
    """Parts 一–六 without tables; a note under table 二, a heading and text after 六, a signature."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    body = {
        "一、总体情况": ["总体文字：" + MARKUP, "# 不是标题", "1. 第一项"],
        "二、主动公开政府信息情况": ["注：本表数据截至当年12月31日。"],
        "三、收到和处理政府信息公开申请情况": [],
        "四、政府信息公开行政复议、行政诉讼情况": [],
        "五、存在的主要问题及改进情况": ["问题文字。"],
        "六、其他需要报告的事项": ["其他文字。"],
        "七、附件": ["附件的说明文字。"],
    }
    for heading, paragraphs in body.items():
        document.add_heading(heading, level=2)
        for text in paragraphs:
            document.add_paragraph(text)
    for text in ("某镇人民政府", "2024年1月20日"):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(str(path))


def notes(problems: list[Problem]) -> dict[str, str]:
    """What each note is about → where it was found."""
    out = {}
    for p in problems:
        if p.kind is not Trouble.NOTE:
            continue
        for key in ("落款", "七、附件", "注：本表", "标题与第一部分"):
            if key in p.what:
                out[key] = p.where
    return out


def assert_leftovers(parts: dict[str, str | None], problems: list[Problem]) -> dict[str, str]:
    found = notes(problems)
    assert set(found) == {"落款", "七、附件", "注：本表"}, [str(p) for p in problems]
    assert parts["other"] == "其他文字。\n"  # neither the appendix nor the signature
    assert "附件" not in (parts["problems"] or "")
    return found


def test_text_after_part_six_and_notes_under_tables_are_reported_by_line(tmp_path: Path):
    lines = [
        TITLE, "一、总体情况", "总体文字。", "二、主动公开政府信息情况", "注：本表数据截至当年12月31日。",
        "规章 0 0 0", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况", "问题文字。", "六、其他需要报告的事项", "其他文字。", "",
        "七、附件", "附件的说明文字。", "某镇人民政府", "2024年1月20日",
    ]  # fmt: skip
    path = tmp_path / "report.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = import_file(path)
    found = assert_leftovers(result.data["parts"], result.problems)
    assert found == {"注：本表": "第 5 行", "七、附件": "第 14 行", "落款": "第 16 行"}


def test_a_signature_without_a_date_stays_in_the_part(tmp_path: Path):
    path = tmp_path / "report.txt"
    path.write_text(f"{TITLE}\n一、总体情况\n总体文字。\n六、其他需要报告的事项\n本镇人民政府", encoding="utf-8")
    result = import_file(path)
    assert result.data["parts"]["other"] == "本镇人民政府\n"
    assert "落款" not in notes(result.problems)


def test_word_leftovers_are_reported_by_paragraph(tmp_path: Path):
    path = tmp_path / "report.docx"
    write_leftovers_docx(path)
    result = import_file(path)
    found = assert_leftovers(result.data["parts"], result.problems)
    assert found == {"注：本表": "第 7 段", "七、附件": "第 14 段", "落款": "第 16 段"}


def test_pdf_leftovers_are_reported_by_page_and_line():
    result = import_file(PDF)
    found = assert_leftovers(result.data["parts"], result.problems)
    assert all(where.startswith("第 1 页第 ") and where.endswith(" 行") for where in found.values()), found


def rendered(markdown: str) -> str:
    return to_html(markdown)


def test_word_and_pdf_text_is_escaped_so_it_renders_as_written(tmp_path: Path):
    path = tmp_path / "report.docx"
    write_leftovers_docx(path)
    for source in (path, PDF):
        overview = import_file(source).data["parts"]["overview"]
        html = rendered(overview).replace(" ", "")  # the PDF's words lose the spaces between them
        assert "<em>" not in html and "<b>" not in html and "<a" not in html, html
        # only the short numbered line on its own may read as a sub-heading, never the escaped 「#」
        assert "<h" not in html.replace("<h3>1.第一项</h3>", ""), html
        assert "重点*工作*与_专项_行动&lt;b&gt;公开&lt;/b&gt;[见附件](x)a|b&amp;amp;" in html, html
        assert "<p>#不是标题</p>" in html
        assert "<ol>" in html or "1.第一项" in html  # a numbered item may stay a list
        assert "\\*工作\\*" in overview  # the record shows the escape, nothing more


def test_escape_leaves_chinese_and_numbered_items_alone():
    assert escape_markdown("1. 第一项，（二）第二项") == "1. 第一项，（二）第二项"
    assert escape_markdown("- 列表") == "\\- 列表" and escape_markdown("-3 -", line_start=False) == "-3 -"


def test_partial_record_has_every_cell_and_part_of_its_format():
    fmt = FORMATS["2021"]
    record = partial_record({"year": 2023, "table2": {"regulations": {"issued": 3}}, "parts": {"other": "无"}}, fmt)
    assert set(record.cells) == {c.key for c in fmt.cells()}
    assert record.cells[("table2", "regulations", "issued")] == 3
    assert sum(v is not None for v in record.cells.values()) == 1
    assert record.parts == {"overview": "", "problems": "", "other": "无"} and record.body == ""


def test_record_yaml_of_a_gappy_import_keeps_its_gaps(tmp_path: Path):
    path = tmp_path / "report.txt"
    path.write_text(f"{TITLE}\n一、总体情况\n文字\n二、主动公开政府信息情况\n规章 1 2 3\n", encoding="utf-8")
    text = record_yaml(import_file(path))
    assert "regulations: {issued: 1, repealed: 2, in_force: 3}" in text
    assert "normative_docs: {issued: ~, repealed: ~, in_force: ~}" in text and "province: ~" in text


def test_importing_a_pdf_loads_no_heavy_library(tmp_path: Path):
    """`gongkai import x.pdf` loads no great-expectations, pandas, Word or browser code (a worker reads the PDF)."""
    import subprocess
    import sys

    code = (
        "import sys; from gongkai.cli import main; "
        f"code = main(['import', {str(PDF)!r}, '-o', {str(tmp_path / 'x.yaml')!r}]); "
        "heavy = ('great_expectations', 'pandas', 'numpy', 'docx', 'openpyxl', 'playwright', 'dask', 'matplotlib'); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), 'pdfplumber' in sys.modules, code)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    line = run.stdout.strip().splitlines()[-1]
    assert line.startswith("[] ") and line.endswith(" 1"), run.stdout + run.stderr
