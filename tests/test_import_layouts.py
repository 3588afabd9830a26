"""Real layouts that failed: each a small report of that shape, written here from a record.

`plain(record)` prints a record as text copied from a PDF would read (label,
then the figures separated by spaces); each test bends one thing the way
published reports do and checks the figures still come back, or the gap is
reported where it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SEED_RECORD, gongkai
from gongkai.format import FORMAT_2021, Table
from gongkai.importers import ImportResult, Trouble, import_file
from gongkai.records.record import Record, load_record

SEED = load_record(SEED_RECORD)


def figures(record: Record, table: Table, row: str) -> list[str]:
    return [str(record.cells[(table.id, row, c.id)]) for c in table.columns_of(row)]


def plain(record: Record, title: str | None = None) -> list[str]:
    """The report as lines of text: headings, narrative, tables as 「label n n n」 lines."""
    fmt = record.format
    lines = [title if title is not None else f"{record.body}{record.year}年政府信息公开工作年度报告", ""]
    for part in fmt.parts:
        lines.append(part.heading)
        if part.narrative:
            lines += [x for x in record.parts[part.narrative].splitlines() if x.strip()]
            continue
        table = fmt.table(part.table or "")
        if table.transposed:
            lines.append("行政复议 行政诉讼")
            lines.append("未经复议直接起诉 复议后起诉")
            lines.append(" ".join(c.label for _ in table.row_nodes() for c in table.columns))
            lines.append(" ".join(v for r in table.row_nodes() for v in figures(record, table, r.id)))
            continue
        for row in table.row_nodes():
            lines.append(f"{row.number}{row.label} " + " ".join(figures(record, table, row.id)))
    return lines


def run(tmp_path: Path, lines: list[str], name: str = "report.txt") -> ImportResult:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return import_file(path)


def cells(result: ImportResult) -> dict[tuple[str, str, str], object]:
    return {
        (t, r, c): v
        for t in ("table2", "table3", "table4")
        for r, cols in result.data[t].items()
        for c, v in cols.items()
    }


def row_of(result: ImportResult, table: str, row: str) -> list[object]:
    return list(result.data[table][row].values())


def seed_row(row: str) -> list[object]:
    table = FORMAT_2021.table("table3")
    return [SEED.cells[("table3", row, c.id)] for c in table.columns_of(row)]


def replace(lines: list[str], start: str, new: list[str]) -> list[str]:
    k = next(i for i, x in enumerate(lines) if x.startswith(start))
    return [*lines[:k], *new, *lines[k + 1 :]]


def test_the_plain_rendering_itself_reads_back_whole(tmp_path: Path):
    result = run(tmp_path, plain(SEED))
    assert cells(result) == {k: v for k, v in SEED.cells.items()}
    assert result.data["body"] == SEED.body and result.data["year"] == SEED.year


def test_a_label_wrapped_over_three_lines_with_the_figures_on_the_middle_one(tmp_path: Path):
    line = next(x for x in plain(SEED) if x.startswith("5.要求行政机关确认"))
    numbers = line.split(" ", 1)[1]
    lines = replace(plain(SEED), "5.要求行政机关确认", ["5.要求行政机关确认或重", f"新出具 {numbers}", "已获取信息"])
    result = run(tmp_path, lines)
    assert row_of(result, "table3", "np_confirm") == seed_row("np_confirm")
    assert not [p for p in result.problems if p.cells]


@pytest.mark.parametrize(
    ("piece", "row", "label"),
    [("本", "refused_by_law", "2.其他法律行政法规禁止公开"), ("果", "refused_process", "6.属于四类过程性信息"),
     ("法提供", "unavailable_needs_making", "2.没有现成信息需要另行制作")],
)  # fmt: skip
def test_pieces_of_a_vertical_group_label_before_the_row_label(tmp_path: Path, piece: str, row: str, label: str):
    lines = plain(SEED)
    k = next(i for i, x in enumerate(lines) if x.startswith(label))
    lines[k] = f"{piece} {lines[k]}"
    result = run(tmp_path, lines)
    assert row_of(result, "table3", row) == seed_row(row)
    assert not [p for p in result.problems if p.cells]


def test_the_column_header_other_is_not_the_row_other(tmp_path: Path):
    lines = plain(SEED)
    k = next(i for i, x in enumerate(lines) if x.startswith("一、本年新收"))
    header = ["自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    number = lines[k].split(" ", 1)[1]
    lines = [*lines[:k], *header, "一、本年新收政府信息公开申请数量", number, *lines[k + 1 :]]
    result = run(tmp_path, lines)
    assert row_of(result, "table3", "received") == seed_row("received")
    assert row_of(result, "table3", "other_misc") == seed_row("other_misc")
    assert not [p for p in result.problems if p.cells]


def test_page_numbers_and_form_feeds_are_neither_rows_nor_lines(tmp_path: Path):
    lines = plain(SEED)
    k = next(i for i, x in enumerate(lines) if x.startswith("2.重复申请"))
    lines = [*lines[:k], "- 3 -", "\f" + lines[k], *lines[k + 1 :]]
    t4 = next(i for i, x in enumerate(lines) if x.startswith("行政复议 行政诉讼"))
    lines.insert(t4, "— 4 —\f")
    result = run(tmp_path, lines)
    assert cells(result) == dict(SEED.cells)
    bad = lines.index("3.要求提供公开出版物 " + " ".join(str(v) for v in seed_row("np_publication")))
    lines[bad] = "3.要求提供公开出版物 — " + " ".join(["0"] * 6)
    result = run(tmp_path, lines)
    where = {p.where for p in result.problems if ("table3", "np_publication", "natural_person") in p.cells}
    assert where == {f"第 {bad + 1} 行"}  # counted as an editor counts: the form feeds add no line


def test_a_title_split_over_two_lines(tmp_path: Path):
    lines = plain(SEED)
    lines[0:1] = [SEED.body, f"{SEED.year} 年政府信息公开工作年度报告"]
    result = run(tmp_path, lines)
    assert (result.data["body"], result.data["year"]) == (SEED.body, SEED.year)
    assert not [p for p in result.problems if "标题与第一部分之间" in p.what]


def test_the_title_inside_a_sentence_gives_the_year_and_asks_for_the_township(tmp_path: Path):
    lines = plain(SEED, title=f"现将本镇{SEED.year}年政府信息公开工作年度报告公布如下。")
    result = run(tmp_path, lines)
    assert result.data["year"] == SEED.year and result.data["body"] is None
    run_ = gongkai("import", str(tmp_path / "report.txt"))
    assert run_.returncode == 2 and "--township" in run_.stderr + run_.stdout


def test_a_missing_title_asks_for_the_year(tmp_path: Path):
    result = run(tmp_path, plain(SEED, title=""))
    assert result.data["year"] is None
    assert any(p.field == "year" and "--year" in p.what for p in result.problems)


def test_one_cell_per_line(tmp_path: Path):
    lines: list[str] = []
    for x in plain(SEED):
        head, *rest = x.split(" ")
        if rest and all(r.replace(".", "").isdigit() for r in rest) and not x.startswith(("行政复议", "未经")):
            lines += [head, *rest]
        else:
            lines.append(x)
    result = run(tmp_path, lines)
    assert cells(result) == dict(SEED.cells)


def test_pipe_rows_ending_in_an_empty_cell_and_double_pipes_between_groups(tmp_path: Path):
    lines = plain(SEED)
    t4 = FORMAT_2021.table("table4")
    groups = [" | ".join(figures(SEED, t4, r.id)) for r in t4.row_nodes()]
    k = lines.index(" ".join(v for r in t4.row_nodes() for v in figures(SEED, t4, r.id)))
    lines[k] = "| " + " || ".join(groups) + " |"
    j = next(i for i, x in enumerate(lines) if x.startswith("（二）部分公开"))
    number = lines[j].split(" ", 1)[1]
    lines[j : j + 1] = [
        "| （二）部分公开（区分处理的，只计这一情形， | |",
        "| 不计其他情形） | " + " | ".join(number.split()) + " |",
    ]
    result = run(tmp_path, lines)
    assert cells(result) == dict(SEED.cells)


def older(lines: list[str]) -> list[str]:
    lines = replace(lines, "四、政府信息公开行政复议", ["四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"])
    return replace(lines, "五、存在的主要问题", ["五、政府信息公开工作存在的主要问题及改进情况"])


def test_older_headings_of_parts_four_and_five(tmp_path: Path):
    result = run(tmp_path, older(plain(SEED)))
    assert cells(result) == dict(SEED.cells)
    assert (
        result.data["parts"]["problems"] and result.data["parts"]["problems"].split("\n")[0] in SEED.parts["problems"]
    )
    assert not [p for p in result.problems if p.field.startswith("parts.")]


def test_a_2021_report_printing_other_handling_as_one_row(tmp_path: Path):
    lines = plain(SEED)
    k = next(i for i, x in enumerate(lines) if x.startswith("1.申请人无正当理由"))
    total = [
        sum(int(v) for v in col)
        for col in zip(*(seed_row(r) for r in ("other_no_correction", "other_unpaid", "other_misc")), strict=True)
    ]
    lines = [*lines[:k], "（六）其他处理 " + " ".join(map(str, total)), *lines[k + 3 :]]
    result = run(tmp_path, lines)
    missing = {k for p in result.problems if p.kind is Trouble.MISSING for k in p.cells}
    assert {r for _, r, _ in missing} == {"other_no_correction", "other_unpaid", "other_misc"}
    assert all("旧格式" in p.what and p.where == f"第 {k + 1} 行" for p in result.problems if p.cells)
    rest = {
        key: v for key, v in SEED.cells.items() if key[1] not in {"other_no_correction", "other_unpaid", "other_misc"}
    }
    assert {key: v for key, v in cells(result).items() if key in rest} == rest


def test_a_pdf_without_ruling_lines_is_read_from_word_positions(tmp_path: Path):
    """The plain text (a group-label piece and a label wrapped round its figures included) printed by LibreOffice."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("optional component missing: LibreOffice (soffice)")
    lines = plain(SEED)
    k = next(i for i, x in enumerate(lines) if x.startswith("2.其他法律行政法规禁止公开"))
    lines[k] = f"本 {lines[k]}"
    numbers = next(x for x in lines if x.startswith("5.要求行政机关确认")).split(" ", 1)[1]
    lines = replace(lines, "5.要求行政机关确认", ["5.要求行政机关确认或重", f"新出具 {numbers}", "已获取信息"])
    spaced = [x.replace(" ", "    ") if x[-1:].isdigit() else x for x in lines]
    (tmp_path / "plain.txt").write_text("\n".join(spaced) + "\n", encoding="utf-8")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(tmp_path / "plain.txt")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    result = import_file(tmp_path / "plain.pdf")
    assert result.kind == "pdf"
    assert cells(result) == dict(SEED.cells)
    assert (result.data["body"], result.data["year"]) == (SEED.body, SEED.year)
