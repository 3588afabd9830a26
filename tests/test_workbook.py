"""The Excel template: laid out as the report, filled in with openpyxl, imported back by label."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import SEED_RECORD, gongkai
from gongkai.errors import InputError
from gongkai.format import FORMAT_2019, FORMAT_2021, Format, Kind
from gongkai.format.model import leaves
from gongkai.importers import Trouble, import_file
from gongkai.records.record import from_mapping, load_record
from gongkai.workbook import Layout, paragraphs, write_template

PLACE = {
    "body": "胡集乡人民政府",
    "province": "河南省",
    "city": "商丘市",
    "county": "民权县",
    "township": "胡集乡",
    "level": "乡",
}


def figure(kind: Kind, n: int) -> int | float:
    if kind is Kind.AMOUNT:
        return 1.2345 + n
    if kind is Kind.CHANGE:
        return n % 7 - 3
    return n % 50


def fill(path: Path, layout: Layout, fmt: Format, typed_over: dict[str, object] | None = None) -> dict:
    """Type into the template as staff would (openpyxl standing in for Excel); return what was typed."""
    book = openpyxl.load_workbook(path)

    def put(ref: str, value: object) -> None:
        sheet, cell = ref.split("!")
        book[sheet][cell] = value

    typed: dict = {}
    for n, cell in enumerate(fmt.cells()):
        typed[cell.key] = figure(cell.kind, n)
        put(layout.cells[cell.key], typed[cell.key])
    for key, value in PLACE.items():
        put(layout.fields[key], value)
    seed = load_record(SEED_RECORD)
    for key, refs in layout.parts.items():
        rows = paragraphs(seed.parts[key])
        assert len(refs) >= len(rows)
        for ref, row in zip(refs, rows, strict=False):
            put(ref, row)
    for ref, value in (typed_over or {}).items():
        put(ref, value)
    book.save(path)
    return typed


@pytest.mark.parametrize(("fmt", "year"), [(FORMAT_2021, 2022), (FORMAT_2019, 2020)])
def test_template_filled_in_imports_to_the_expected_record(tmp_path: Path, fmt: Format, year: int):
    path = tmp_path / "t.xlsx"
    layout = write_template(path, fmt, year)
    typed = fill(path, layout, fmt)
    result = import_file(path)
    assert result.kind == "xlsx"
    assert result.complete, [str(p) for p in result.problems]
    record = from_mapping(result.data)
    assert (record.format, record.year) == (fmt, year)
    assert {k: getattr(record, k) for k in PLACE} == PLACE
    expected = {k: Decimal(str(v)) if isinstance(v, float) else v for k, v in typed.items()}
    assert dict(record.cells) == expected
    assert record.parts == load_record(SEED_RECORD).parts


def test_the_layout_is_the_reports(tmp_path: Path):
    path = tmp_path / "t.xlsx"
    layout = write_template(path, FORMAT_2021, 2022)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["封面", "一", "表二", "表三", "表四", "五、六"]
    t3 = book["表三"]
    merged = {str(r) for r in t3.merged_cells.ranges}
    assert "A2:C4" in merged  # the corner note over the label columns and header rows
    assert "D2:J2" in merged  # 申请人情况 over the seven columns
    assert t3["A2"].value == FORMAT_2021.table("table3").corner
    assert t3["A7"].value == "三、本年度办理结果"
    assert any(r.startswith("A7:A") for r in merged)  # 三、 spans its 22 rows down the left
    texts = {c.value for row in t3.iter_rows() for c in row if isinstance(c.value, str)}
    for node in FORMAT_2021.table("table3").row_nodes():
        assert node.text in texts
    assert layout.cells[("table3", "received", "natural_person")] == "表三!D5"
    assert len(layout.cells) == len(list(FORMAT_2021.cells()))
    t4 = book["表四"]
    assert [t4.cell(row=2, column=c).value for c in (1, 6)] == ["行政复议", "行政诉讼"]


def test_only_input_cells_are_unlocked_and_checks_are_formulas(tmp_path: Path):
    path = tmp_path / "t.xlsx"
    layout = write_template(path, FORMAT_2021)
    book = openpyxl.load_workbook(path)
    inputs = {*layout.cells.values(), *layout.fields.values(), *(r for refs in layout.parts.values() for r in refs)}
    for sheet in book.worksheets:
        assert sheet.protection.sheet
        for row in sheet.iter_rows():
            for cell in row:
                ref = f"{sheet.title}!{cell.coordinate}"
                if cell.value is not None or ref in inputs:
                    assert cell.protection.locked == (ref not in inputs), ref
    sheet, cell = layout.checks["received.total"].split("!")
    assert book[sheet][cell].value == "=SUM(D5:I5)"  # 总计 = 自然人 + … + 其他, beside the stated J5
    sheet, cell = layout.checks["review.total"].split("!")
    assert book[sheet][cell].value == "=SUM(A5:D5)"
    assert book["封面"][layout.fields["format"].split("!")[1]].value == "2021"


def test_text_in_a_number_cell_names_that_cell(tmp_path: Path):
    path = tmp_path / "t.xlsx"
    layout = write_template(path, FORMAT_2021, 2022)
    ref = layout.cells[("table3", "refused_third_party", "commercial")]
    fill(path, layout, FORMAT_2021, {ref: "两件"})
    result = import_file(path)
    (problem,) = [p for p in result.problems if p.kind is not Trouble.NOTE]
    assert problem.where == ref == "表三!E12"
    assert problem.kind is Trouble.INVALID and "「两件」" in problem.what
    assert result.data["table3"]["refused_third_party"]["commercial"] is None


def test_a_cell_left_empty_is_blank_not_zero_and_named(tmp_path: Path):
    path = tmp_path / "t.xlsx"
    layout = write_template(path, FORMAT_2021, 2022)
    fill(path, layout, FORMAT_2021, {layout.cells[("table4", "review", "pending")]: None})
    result = import_file(path)
    assert result.missing_cells() == {("table4", "review", "pending")}
    (problem,) = [p for p in result.problems if p.kind is not Trouble.NOTE]
    assert problem.kind is Trouble.BLANK and problem.where == "表四!D5"


def test_an_untouched_template_lists_every_row_and_field(tmp_path: Path):
    path = tmp_path / "t.xlsx"
    write_template(path, FORMAT_2021, 2022)
    result = import_file(path)
    assert result.missing_cells() == {c.key for c in FORMAT_2021.cells()}
    assert result.data["year"] == 2022 and result.data["format"] == "2021"
    rows = sum(len(leaves(t.rows)) + sum(len(leaves(b.rows)) for b in t.blocks) for t in FORMAT_2021.tables)
    assert len([p for p in result.problems if p.kind is Trouble.BLANK]) == rows
    fields = {p.field for p in result.problems if p.field}
    assert fields == {*PLACE, "parts.overview", "parts.problems", "parts.other"}


def test_template_refuses_to_overwrite(tmp_path: Path):
    path = tmp_path / "t.xlsx"
    write_template(path, FORMAT_2021)
    with pytest.raises(InputError):
        write_template(path, FORMAT_2021)


def test_cli_template_then_import(tmp_path: Path):
    out = tmp_path / "t.xlsx"
    made = gongkai("template", "--year", "2020", "-o", str(out))
    assert made.returncode == 0, made.stderr
    assert "2019" in openpyxl.load_workbook(out)["封面"]["B4"].value
    empty = gongkai("import", str(out), "-o", str(tmp_path / "r.yaml"))
    assert empty.returncode == 1 and "表三!D5" in empty.stdout
    assert gongkai("template", "-o", str(tmp_path / "x.xlsx")).returncode == 0


@pytest.mark.parametrize("fmt", [FORMAT_2021, FORMAT_2019], ids=["2021", "2019"])
def test_each_sheet_prints_on_one_a4_page_in_libreoffice(tmp_path: Path, fmt: Format):
    """Print areas, fit to page, landscape where wide, rows tall enough: as LibreOffice prints it."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("optional component missing: LibreOffice (soffice), installed by make test")
    path = tmp_path / "t.xlsx"
    write_template(path, fmt, 2022 if fmt is FORMAT_2021 else 2020)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "t.pdf"
    book = openpyxl.load_workbook(path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == len(book.worksheets)
    for n, ws in enumerate(book.worksheets, start=1):
        text = (
            subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True, check=True
            )
            .stdout.replace("\n", "")
            .replace(" ", "")
        )
        first = str(ws["A1"].value).replace(" ", "")
        assert first[:12] in text, (ws.title, first)
    table3 = fmt.table("table3")
    page = book.sheetnames.index("表三") + 1
    for row in table3.row_nodes():  # every label of table 三, whole (wrapped, not cut or overprinted)
        assert row.text.replace(" ", "") in subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.replace("\n", "").replace(" ", ""), row.text


def test_long_labels_get_rows_tall_enough_to_wrap():
    from gongkai.workbook import LINE_HEIGHT, build

    book, _ = build(FORMAT_2021)
    ws = book["表三"]
    heights = {c.value: ws.row_dimensions[c.row].height for row in ws.iter_rows() for c in row if c.value}
    long_label = next(k for k in heights if isinstance(k, str) and k.startswith("1.申请人无正当理由逾期不补正"))
    assert heights[long_label] >= 2 * LINE_HEIGHT
    assert heights["1.属于国家秘密"] in (None, LINE_HEIGHT)


def test_figure_cells_merged_by_hand_are_a_clear_error_naming_them(tmp_path):
    """Merging 自然人 and 商业企业 of 一、 would shift the row's figures (the total landed in 其他)."""
    from openpyxl import load_workbook

    from conftest import gongkai
    from gongkai.format import FORMAT_2021
    from gongkai.workbook import write_template

    book = tmp_path / "填报.xlsx"
    layout = write_template(book, FORMAT_2021, 2021)
    sheet, first = layout.cells[("table3", "received", "natural_person")].split("!")
    _, second = layout.cells[("table3", "received", "commercial")].split("!")
    wb = load_workbook(book)
    wb[sheet][first] = 3
    wb[sheet].merge_cells(f"{first}:{second}")
    wb.save(book)
    out = tmp_path / "r.yaml"
    done = gongkai("import", str(book), "-o", str(out))
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{sheet}!{first}:{second}" in done.stderr and "合并" in done.stderr
    assert not out.exists()  # nothing half-read is written
