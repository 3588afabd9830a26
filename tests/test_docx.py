"""report.docx: the official document for Word/WPS, read back through a real renderer (LibreOffice)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA
from gongkai.format.model import Node, leaves
from gongkai.pages.tables import show
from gongkai.production.word import report_docx
from gongkai.records.record import Record, load_record

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEED = DATA / "minquan" / "hujixiang" / "2021.yaml"
FIGURES = DATA / "minquan" / "renhezhen" / "2023.yaml"  # synthetic, with non-zero figures


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("optional component missing: LibreOffice (soffice), needed to read the Word file back")
    return found


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The seed's and a synthetic record's .docx, converted to PDF by LibreOffice, as text."""
    folder = tmp_path_factory.mktemp("docx")
    paths = []
    for record_path in (SEED, FIGURES):
        record = load_record(record_path)
        path = folder / f"{record_path.parent.name}.docx"
        path.write_bytes(report_docx(record, "示例数据（虚构）" if record.synthetic else ""))
        paths.append(path)
    profile = folder / "profile"
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(folder), *map(str, paths)],
        capture_output=True, check=True, timeout=240,
    )  # fmt: skip
    texts = {}
    for path in paths:
        pdf = path.with_suffix(".pdf")
        text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        texts[path.stem] = flat(text)
    return texts


def flat(text: str) -> str:
    """No spaces or line breaks; curly quotes dropped (the fallback font's quotes come out of order)."""
    return "".join(text.split()).replace("“", "").replace("”", "")


def _labels(record: Record) -> list[str]:
    found = [p.heading for p in record.format.parts]
    for table in record.format.tables:
        nodes = [*table.rows, *table.columns]
        for block in table.blocks:
            nodes += [*block.rows, *block.columns]
            found.append(block.item)
        found += [n.text for top in nodes for n in _walk(top)]
    return found


def _walk(node: Node) -> list[Node]:
    return [node, *(n for child in node.children for n in _walk(child))]


@pytest.mark.parametrize("record_path", [SEED, FIGURES], ids=["seed", "synthetic"])
def test_libreoffice_reads_every_label_and_figure(converted: dict[str, str], record_path: Path):
    record = load_record(record_path)
    text = converted[record_path.parent.name]
    assert record.body in text and f"{record.year}年政府信息公开工作年度报告" in text
    missing = [label for label in _labels(record) if flat(label) not in text]
    assert not missing, missing
    for cell in record.format.cells():
        value = record.cells[cell.key]
        if value is not None:
            assert show(value, cell.kind) in text, cell.key
    assert "-1-" in text  # the page number in the footer
    if record.synthetic:
        assert "示例数据" in text


def _tables(docx: bytes) -> list[list[list[tuple[str, int, str | None]]]]:
    """Every table as rows of (text, gridSpan, vMerge) per cell."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    tables = []
    for tbl in root.iter(f"{W}tbl"):
        rows = []
        for tr in tbl.iter(f"{W}tr"):
            cells = []
            for tc in tr.iter(f"{W}tc"):
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                merge = tc.find(f"{W}tcPr/{W}vMerge")
                text = "".join(t.text or "" for t in tc.iter(f"{W}t"))
                vmerge = None if merge is None else (merge.get(f"{W}val") or "continue")
                cells.append((text, int(span.get(f"{W}val")) if span is not None else 1, vmerge))
            rows.append(cells)
        tables.append(rows)
    return tables


def _vertical_runs(rows: list[list[tuple[str, int, str | None]]]) -> dict[str, int]:
    """For each vertically merged cell, its text and how many rows it covers."""
    runs: dict[tuple[int, int], list[str | int]] = {}
    open_at: dict[int, tuple[int, int]] = {}
    for r, row in enumerate(rows):
        column = 0
        for text, span, vmerge in row:
            if vmerge == "restart":
                open_at[column] = (r, column)
                runs[(r, column)] = [text, 1]
            elif vmerge == "continue" and column in open_at:
                run = runs[open_at[column]]
                run[1] = int(run[1]) + 1
            column += span
    return {str(text): int(n) for text, n in runs.values()}


def test_merged_cells_follow_the_format_definition():
    record = load_record(SEED)
    t2, t3, t4 = _tables(report_docx(record))
    fmt3 = record.format.table("table3")
    vertical = _vertical_runs(t3)
    groups = [n for top in fmt3.rows for n in _walk(top) if n.children]
    assert groups  # 三、本年度办理结果 and （三）–（六）
    for node in groups:
        assert vertical.get(node.text) == len(list(node.leaves())), node.text
    spans = {text: span for row in t3 for text, span, _ in row if span > 1}
    for node in (n for top in fmt3.columns for n in _walk(top) if n.children):
        assert spans[node.text] == len(list(node.leaves())), node.text
    assert any(text.startswith("（本列数据的勾稽关系为") for row in t3 for text, _, _ in row)  # the corner note
    fmt4 = record.format.table("table4")
    spans4 = {text: span for row in t4 for text, span, _ in row if span > 1}
    per_group = len(leaves(fmt4.columns))
    for node in (n for top in fmt4.rows for n in _walk(top)):
        assert spans4[node.text] == per_group * len(list(node.leaves())), node.text
    width = 1 + max(len(leaves(b.columns)) for b in record.format.table("table2").blocks)
    items = {text: span for row in t2 for text, span, _ in row if text.startswith("第二十条")}
    assert set(items) == {b.item for b in record.format.table("table2").blocks}
    assert set(items.values()) == {width}


def test_fonts_page_and_bytes():
    record = load_record(SEED)
    docx = report_docx(record)
    assert docx == report_docx(record)  # fixed core properties and zip dates
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        styles = z.read("word/styles.xml").decode()
        document = z.read("word/document.xml").decode()
        core = z.read("docProps/core.xml").decode()
        footer = next(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="黑体"' in styles  # GB/T 9704 (test_word_publish)
    assert 'w:w="11906"' in document and 'w:h="16838"' in document  # A4 in twentieths of a point
    assert "PAGE" in footer
    assert "2022-01-01" in core and "2000-01-01" not in core  # the report's date, the same every time
