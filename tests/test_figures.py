"""行政事业性收费 as the office wrote it, in every product: HTML, PDF, Word and the workbook.

Through the real CLI: a record whose fee has six decimals, rendered to all three formats.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from conftest import copy_data, gongkai
from gongkai.format import FORMAT_2021
from gongkai.workbook import write_template

FEE = "4166.241619"  # as a real report prints it: no rounding to 4 places, no float noise


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))


def test_the_fee_prints_as_written_in_html_pdf_and_word(tmp_path: Path, seed_render: Path):
    # the seed's 0 prints as 「0」, as the published seed does, not 「0.0000」
    for text in ((seed_render / "report.html").read_text("utf-8"), _docx_text(seed_render / "report.docx")):
        assert "0.0000" not in text
    assert re.search(r'data-cell="table2\.fees\.amount"[^>]*>0</td>', (seed_render / "report.html").read_text())

    data = copy_data(tmp_path / "data")
    record = data / "minquan" / "hujixiang" / "2021.yaml"
    record.write_text(record.read_text("utf-8").replace("fees: {amount: 0}", f"fees: {{amount: {FEE}}}"), "utf-8")
    out = tmp_path / "out"
    done = gongkai("render", "hujixiang", "2021", "--data", str(data), "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    folder = out / "2021" / "minquan" / "hujixiang"
    assert f">{FEE}</td>" in (folder / "report.html").read_text("utf-8")
    pdf = subprocess.run(["pdftotext", "-layout", str(folder / "report.pdf"), "-"], capture_output=True, text=True)
    assert FEE in pdf.stdout
    assert FEE in _docx_text(folder / "report.docx")
    assert "R5" not in done.stdout  # six decimals are no error: the precision it was written with


def test_the_workbook_shows_an_amount_as_typed_and_reads_it_back(tmp_path: Path):
    book = tmp_path / "t.xlsx"
    layout = write_template(book, FORMAT_2021, 2021)
    sheet, cell = layout.cells[("table2", "fees", "amount")].split("!")
    wb = load_workbook(book)
    assert wb[sheet][cell].number_format == "General"  # 0 shows 「0」, 96171.6 as typed; not 0.0000
    wb[sheet][cell] = 96171.6
    wb.save(book)
    out = tmp_path / "r.yaml"
    done = gongkai("import", str(book), "-o", str(out), "--county", "minquan", "--township", "hujixiang")
    assert done.returncode in (0, 1), done.stdout + done.stderr  # the rest of the workbook is blank: gaps
    assert "fees: {amount: 96171.6}" in out.read_text("utf-8")
