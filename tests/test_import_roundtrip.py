"""Round trips: record → Word (python-docx) → import, → our PDF (Chromium) → import, → LibreOffice PDF → import.

The Word writer here is the test's own, laid out as offices lay the official
tables out (merged group labels down the side, merged headers); every figure
must come back. Word goes through every bundled record (all in the 2021
format); the PDF round trips (slow: a browser or LibreOffice per file) through
a sample: the seed and one 2023 record.
"""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, SEED_RECORD
from gongkai.format import Format, Node, Table
from gongkai.importers import Trouble, import_file
from gongkai.records.record import Record, Value, from_mapping, load_record

RECORDS = sorted(p for p in DATA.glob("*/*/*.yaml") if p.stem.isdigit())
Grid = list[list[tuple[str, int, int] | None]]  # (text, rowspan, colspan) at a merge's origin


def figure(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return str(value)


def depth_rows(table: Table) -> list[tuple[list[Node], Node]]:
    """Each leaf row with the groups above it."""
    out: list[tuple[list[Node], Node]] = []

    def walk(node: Node, above: list[Node]) -> None:
        if node.children:
            for child in node.children:
                walk(child, [*above, node])
        else:
            out.append((above, node))

    for node in table.rows:
        walk(node, [])
    return out


def table_grid(record: Record, table: Table) -> Grid:
    """The official table as a grid of merged cells."""
    cells = record.cells
    if table.blocks:  # table 二: each block its item, header and rows; 4 columns wide
        grid: Grid = []
        for block in table.blocks:
            width = len(block.columns)
            grid.append([(block.item, 1, 4), None, None, None])
            span = 3 // width
            header: list[tuple[str, int, int] | None] = [(block.corner, 1, 1)]
            for col in block.columns:
                header += [(col.label, 1, span)] + [None] * (span - 1)
            grid.append(header)
            for row in block.rows:
                line: list[tuple[str, int, int] | None] = [(row.label, 1, 1)]
                for col in block.columns:
                    line += [(figure(cells[(table.id, row.id, col.id)]), 1, span)] + [None] * (span - 1)
                grid.append(line)
        return grid
    columns = [leaf for c in table.columns for leaf in c.leaves()]
    if table.transposed:  # table 四: three header rows, one row of figures
        top: list[tuple[str, int, int] | None] = []
        mid: list[tuple[str, int, int] | None] = []
        low: list[tuple[str, int, int] | None] = []
        for node in table.rows:
            width = len(list(node.leaves())) * len(table.columns)
            top += [(node.label, 1 if node.children else 2, width)] + [None] * (width - 1)
            for leaf in node.leaves():
                if node.children:
                    mid += [(leaf.label, 1, len(table.columns))] + [None] * (len(table.columns) - 1)
                else:
                    mid += [None] * len(table.columns)
                low += [(c.label, 1, 1) for c in table.columns]
        figures: list[tuple[str, int, int] | None] = [
            (figure(cells[(table.id, r.id, c.id)]), 1, 1) for r in table.row_nodes() for c in table.columns
        ]
        return [top, mid, low, figures]
    # table 三: corner 3×3, applicant headers, then rows with group labels down the side
    head: Grid = [[(table.corner or "", 3, 3), None, None, (table.header or "", 1, len(columns))]]
    head[0] += [None] * (len(columns) - 1)
    second: list[tuple[str, int, int] | None] = [None, None, None]
    third: list[tuple[str, int, int] | None] = [None, None, None]
    for c in table.columns:
        if c.children:
            second += [(c.label, 1, len(c.children))] + [None] * (len(c.children) - 1)
            third += [(k.label, 1, 1) for k in c.children]
        else:
            second.append((c.label, 2, 1))
            third.append(None)
    grid = [*head, second, third]
    leaves = depth_rows(table)
    placed: set[str] = set()
    for above, leaf in leaves:
        line: list[tuple[str, int, int] | None] = []
        for group in above:  # group labels down the side, merged over their rows
            if group.id in placed:
                line.append(None)
            else:
                placed.add(group.id)
                line.append((group.text, sum(1 for a, _ in leaves if group in a), 1))
        width = 3 - len(above)
        line += [(leaf.text, 1, width)] + [None] * (width - 1)
        line += [(figure(cells[(table.id, leaf.id, c.id)]), 1, 1) for c in columns]
        grid.append(line)
    return grid


def write_docx(record: Record, path: Path, headings: bool = True) -> None:
    """The record as a Word report: title, six parts, the tables with merged cells."""
    import docx

    document = docx.Document()
    document.add_paragraph(f"{record.body}{record.year}年政府信息公开工作年度报告", style="Title")
    fmt: Format = record.format
    for part in fmt.parts:
        heading = f"{part.number}、{part.title}"
        if headings:
            document.add_heading(heading, level=2)
        else:
            document.add_paragraph().add_run(heading).bold = True
        if part.narrative:
            for text in (record.parts.get(part.narrative) or "").split("\n"):
                if text.strip():
                    document.add_paragraph(text.strip())
        if part.table:
            grid = table_grid(record, fmt.table(part.table))
            width = max(len(r) for r in grid)
            table = document.add_table(rows=len(grid), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(grid):
                for c, cell in enumerate(row):
                    if cell is None:
                        continue
                    text, rows, cols = cell
                    target = table.cell(r, c)
                    if rows > 1 or cols > 1:
                        target = target.merge(table.cell(r + rows - 1, c + cols - 1))
                    target.text = text
    document.save(str(path))


def cells_of(data: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    return {
        (t, r, c): v for t in ("table2", "table3", "table4") for r, cols in data[t].items() for c, v in cols.items()
    }


def assert_figures_back(path: Path, original: Record) -> None:
    result = import_file(path)
    imported = cells_of(result.data)
    want = {
        k: (
            float(v)
            if isinstance(v, Decimal) and v != v.to_integral_value()
            else (int(v) if isinstance(v, Decimal) else v)
        )
        for k, v in original.cells.items()
    }
    wrong = {k: (imported.get(k), v) for k, v in want.items() if imported.get(k) != v}
    assert not wrong, (path.name, list(wrong.items())[:8], len(wrong))
    blanks = {k for k, v in original.cells.items() if v is None}
    listed = {k for p in result.problems if p.kind is not Trouble.NOTE for k in p.cells}
    assert listed == blanks, listed ^ blanks
    assert all(p.kind is Trouble.BLANK for p in result.problems if p.cells), [p for p in result.problems if p.cells][:3]
    assert result.data["year"] == original.year and result.data["format"] == original.format.id
    assert result.data["body"] == original.body
    from_mapping(
        {**result.data, **{k: getattr(original, k) for k in ("province", "city", "county", "township", "level")}}
    ) if not blanks else None


@pytest.mark.parametrize("path", RECORDS, ids=[str(p.relative_to(DATA)) for p in RECORDS])
def test_every_bundled_record_survives_word_and_import(tmp_path: Path, path: Path):
    original = load_record(path)
    out = tmp_path / "report.docx"
    write_docx(original, out, headings=path.stem != "2020")
    assert_figures_back(out, original)


def sample() -> list[Path]:
    """The seed and the first record of another year (the bundled records are all in the 2021 format)."""
    chosen = [SEED_RECORD, *[p for p in RECORDS if p.stem == "2019"][:1], *[p for p in RECORDS if p.stem == "2023"][:1]]
    return list(dict.fromkeys(chosen))


def test_word_cells_keep_their_places_in_messages(tmp_path: Path):
    original = load_record(SEED_RECORD)
    key = ("table3", "granted", "natural_person")
    blanked = Record(**{**original.__dict__, "cells": {**original.cells, key: None}, "path": None})
    out = tmp_path / "blank.docx"
    write_docx(blanked, out)
    result = import_file(out)
    blank = [p for p in result.problems if key in p.cells]
    assert len(blank) == 1 and blank[0].kind is Trouble.BLANK
    assert blank[0].where.startswith("第 ") and "个表格第" in blank[0].where and "列" in blank[0].where


def our_pdf_many(records: list[Record], folder: Path, prefix: str) -> list[Path]:
    """Each record's published parts (cover and parts 一–六) printed by the project's own Chromium printer."""
    from gongkai.pages.report import Report
    from gongkai.production.render import Printer, stylesheet

    out = []
    with Printer() as printer:
        for k, record in enumerate(records):
            report = Report(record)
            body = report.cover().html + "".join(report.part(n) for n in range(1, 7))
            head = f"<meta charset='utf-8'><style>{stylesheet()}</style>"
            html = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
            path = folder / f"{prefix}{k:03d}.pdf"
            path.write_bytes(printer.pdf(html, header=f"{record.body}{record.year}年政府信息公开工作年度报告"))
            out.append(path)
    return out


def our_pdf(record: Record, path: Path) -> None:
    our_pdf_many([record], path.parent, "printed")[0].replace(path)


@pytest.mark.parametrize("path", sample(), ids=lambda p: str(p.relative_to(DATA)))
def test_records_survive_our_pdf_and_import(tmp_path: Path, path: Path):
    original = load_record(path)
    out = tmp_path / "report.pdf"
    our_pdf(original, out)
    assert_figures_back(out, original)


def libreoffice_pdf(docx_path: Path, out_dir: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("optional component missing: LibreOffice (soffice)")
    profile = out_dir / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out_dir), str(docx_path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out_dir / f"{docx_path.stem}.pdf"


@pytest.mark.parametrize("path", sample(), ids=lambda p: str(p.relative_to(DATA)))
def test_records_survive_libreoffice_pdf_and_import(tmp_path: Path, path: Path):
    original = load_record(path)
    docx_path = tmp_path / "report.docx"
    write_docx(original, docx_path)
    assert_figures_back(libreoffice_pdf(docx_path, tmp_path), original)
