"""Importing PDF reports: the real published one cell by cell, scanned and broken PDFs refused.

The expected record of the real fixture was typed from its pages
(tests/fixtures/hongze-2023-expected.yaml), so a wrong figure here is a wrong
reading of the PDF, not a changed golden file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, HONGZE_PDF, gongkai
from gongkai.errors import NotAReport
from gongkai.format import FORMAT_2021
from gongkai.importers import Trouble, import_file

EXPECTED = FIXTURES / "hongze-2023-expected.yaml"


def expected_cells() -> dict[tuple[str, str, str], object]:
    """Every cell of the expected record, lists expanded in the format's column order."""
    data = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    out: dict[tuple[str, str, str], object] = {}
    for table in FORMAT_2021.tables:
        for row in table.row_nodes():
            given = data[table.id][row.id]
            columns = table.columns_of(row.id)
            values = given if isinstance(given, list) else [given[c.id] for c in columns]
            assert len(values) == len(columns), (table.id, row.id)
            out.update({(table.id, row.id, c.id): v for c, v in zip(columns, values, strict=True)})
    return out


def test_the_published_pdf_imports_with_every_cell_right():
    result = import_file(HONGZE_PDF)
    expected = expected_cells()
    got = {
        (t, r, c): v
        for t in ("table2", "table3", "table4")
        for r, cols in result.data[t].items()
        for c, v in cols.items()
    }
    wrong = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
    assert not wrong, wrong
    assert set(got) == set(expected)
    present = [k for k, v in expected.items() if v is not None]
    assert len(present) == 10 + 22 * 7 + 15  # every cell the source prints: tables 二, 三, 四
    data = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    assert (result.data["year"], result.data["body"], result.data["format"]) == (2023, "洪泽区人民政府", "2021")
    for key, (start, end) in data["parts"].items():
        text = result.data["parts"][key]
        assert text.startswith(start) and text.rstrip().endswith(end), (key, text[:80], text[-80:])
    assert "- 3 -" not in result.data["parts"]["problems"] and "-4-" not in result.data["parts"]["problems"]


def test_the_published_pdf_lists_exactly_the_rows_its_source_lacks():
    result = import_file(HONGZE_PDF)
    cells = {k for p in result.problems if p.kind is not Trouble.NOTE for k in p.cells}
    lacking = {k for k, v in expected_cells().items() if v is None}
    assert cells == lacking
    old = [p for p in result.problems if p.cells and "旧格式" in p.what]
    assert len(old) == 3 and all(p.where == "第 4 页第 7 行" for p in old), old
    assert not [p for p in result.problems if p.kind is Trouble.NOTE and "未能识别" in p.what]


def test_the_published_pdf_through_the_command_line(tmp_path: Path):
    out = tmp_path / "hongze.yaml"
    run = gongkai("import", str(HONGZE_PDF), "-o", str(out))
    assert run.returncode == 1, run.stderr  # three rows are not in the source
    assert "读自 pdf" in run.stdout and "第 4 页第 7 行" in run.stdout
    text = out.read_text(encoding="utf-8")
    assert "fees: {amount: 7730.28}" in text
    assert "review: {upheld: 10, corrected: 1, other: 0, pending: 0, total: 0}" in text


# A scanned PDF (pages as pictures) is read by OCR: tests/test_ocr.py, with and without the `ocr` extra.


@pytest.mark.parametrize("cut", [200, 5000, 100_000])
def test_a_truncated_pdf_is_refused_not_crashed(tmp_path: Path, cut: int):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(HONGZE_PDF.read_bytes()[:cut])
    try:
        result = import_file(broken)
    except NotAReport as e:
        assert "broken.pdf" in str(e)
    else:  # pdfminer may recover the pages it has: then the record says what is missing
        assert not result.complete
