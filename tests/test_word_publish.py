"""report.docx as an office publishes it: header rows on every page, the official look or the office's own
template, the report's own properties. Printed through LibreOffice as a reader would see it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import DATA, OPTIONAL, copy_data, gongkai

HEADING_3 = "三、收到和处理政府信息公开申请情况"


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels"))}


def _larger(source: Path, target: Path, half_points: int = 28) -> None:
    """The same document with its tables' text at 14 pt: table 三 can no longer fit on one page."""
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "word/document.xml":
                data = re.sub(rb'<w:sz w:val="(16|18)"/>', b'<w:sz w:val="%d"/>' % half_points, data)
            out.writestr(info, data)


def _pdf_pages(docx: Path) -> list[str]:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip(f"{OPTIONAL} LibreOffice (soffice)")
    profile = docx.parent / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", docx.name],
        cwd=docx.parent,
        capture_output=True,
        timeout=300,
        check=True,
    )
    pdf = docx.with_suffix(".pdf")
    count = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        ).group(1)
    )
    return [
        subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True).stdout
        for n in range(1, count + 1)
    ]


def test_table_three_keeps_its_header_on_every_page_it_spans(seed_render: Path, tmp_path: Path):
    document = _parts(seed_render / "report.docx")["word/document.xml"]
    rows = re.findall(r"<w:tr>.*?</w:tr>", document, re.S)
    assert rows and all("<w:cantSplit/>" in r for r in rows)  # a row never breaks inside
    assert document.count("<w:tblHeader/>") >= 3 + 2  # table 三's three header rows, table 四's two
    kept = sum(r.count("<w:keepNext/>") for r in rows)
    assert kept < len(re.findall(r"<w:p>", "".join(rows))) // 4  # only the first rows hold on to the next

    big = tmp_path / "big.docx"
    _larger(seed_render / "report.docx", big)
    pages = _pdf_pages(big)
    start = next(i for i, p in enumerate(pages) if HEADING_3 in p)
    end = next(i for i, p in enumerate(pages) if "四、结转下年度继续办理" in p)
    assert end > start, "table 三 should span pages at 14 pt"
    assert "本年新收" in pages[start]  # the heading is not left alone on its page
    for page in pages[start : end + 1]:
        assert "申请人情况" in page and "法人或其他组织" in page, page[:400]


def test_the_official_look_and_the_reports_own_properties(seed_render: Path):
    parts = _parts(seed_render / "report.docx")
    styles = parts["word/styles.xml"]
    for style, face, size in (
        ("GKTitle", "方正小标宋简体", 44),
        ("GKHeading", "黑体", 32),
        ("Normal", "仿宋_GB2312", 32),  # the body's style is based on it
    ):
        found = re.search(rf'w:styleId="{style}".*?</w:style>', styles, re.S)
        assert found and f'w:eastAsia="{face}"' in found.group() and f'<w:sz w:val="{size}"/>' in found.group()
    fonts = parts["word/fontTable.xml"]
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', fonts)
    core = parts["docProps/core.xml"]
    assert "<dc:title>胡集乡人民政府2021年政府信息公开工作年度报告</dc:title>" in core
    assert "<dc:creator>胡集乡人民政府</dc:creator>" in core and "2022-01-01T00:00:00Z" in core
    package = "".join(parts.values())
    for noise in ("python-docx", "Macintosh", "2000-01-01", "thumbnail"):
        assert noise not in package, noise


def _template(path: Path) -> None:
    """An office's own template, made as an office would: a Word document whose styles are changed."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    for name, face, size in (("Title", "华文中宋", 26), ("Heading 1", "微软雅黑", 15), ("Normal", "华文仿宋", 15)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)
    document.add_paragraph("模板正文（不会出现在报告中）")
    document.save(str(path))


@pytest.mark.parametrize("where", ["option", "county.yaml"])
def test_an_office_template_gives_the_report_its_styles(tmp_path: Path, where: str):
    data = copy_data(tmp_path / "data")
    template = data / "minquan" / "县政府模板.docx"
    _template(template)
    args = ["render", "胡集乡", "2021", "--formats", "docx", "--data", str(data), "--out", str(tmp_path / "out")]
    if where == "option":
        args += ["--docx-template", str(template)]
    else:
        county = data / "minquan" / "county.yaml"
        county.write_text(county.read_text("utf-8") + "docx_template: 县政府模板.docx\n", "utf-8")
    done = gongkai(*args)
    assert done.returncode == 0, done.stdout + done.stderr
    parts = _parts(tmp_path / "out" / "2021" / "minquan" / "hujixiang" / "report.docx")
    styles, document = parts["word/styles.xml"], parts["word/document.xml"]
    assert "华文中宋" in styles and "微软雅黑" in styles and "华文仿宋" in styles  # the template's faces
    assert '<w:pStyle w:val="Title"/>' in document and '<w:pStyle w:val="Heading1"/>' in document
    assert "GKTitle" not in document and "方正小标宋简体" not in styles  # not the default look
    assert "模板正文" not in document  # its styles, not its text


def test_a_template_that_is_no_word_file_is_refused_clearly(tmp_path: Path):
    bad = tmp_path / "模板.docx"
    bad.write_text("不是 Word 文件", encoding="utf-8")
    done = gongkai(
        "render",
        "胡集乡",
        "2021",
        "--formats",
        "docx",
        "--data",
        str(DATA),
        "--out",
        str(tmp_path / "o"),
        "--docx-template",
        str(bad),
    )
    assert done.returncode == 2 and "模板" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").rglob("report.docx"))
