"""Mangled input never crashes the importer: a record with an exact list of what is missing, or a clear error.

The invariant checked after every import: the cells left empty (None) are
exactly the cells the problem list names, and the record can be written.
"""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED_RECORD, SEED_TEXT
from gongkai.errors import GongkaiError
from gongkai.format import FORMAT_2021, Kind
from gongkai.format.labels import normalize, spellings
from gongkai.importers import ImportResult, import_file, record_yaml
from gongkai.pages.report import Report
from gongkai.records.record import CellKey, from_mapping, load_record
from gongkai.workbook import write_template

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NUMBER = re.compile(r"\d+(?:\.\d+)?")
SEED = load_record(SEED_RECORD)


def listed(result: ImportResult) -> set[CellKey]:
    return {k for p in result.problems for k in p.cells}


def check_invariants(result: ImportResult) -> None:
    """Nothing missing goes unlisted, nothing listed is filled in, and the record can be written."""
    assert listed(result) == result.missing_cells()
    assert yaml.safe_load(record_yaml(result))["format"] in ("2021", "2019")
    if result.complete:
        from_mapping(result.data)


def run(content: bytes | str, suffix: str = ".txt") -> ImportResult | None:
    """Import from a real file; a clean refusal (GongkaiError) is a fine outcome."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report{suffix}"
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        try:
            result = import_file(path)
        except GongkaiError as e:
            assert str(e)
            return None
    check_invariants(result)
    return result


# --- the seed text, its data lines known -------------------------------------------------


def data_lines() -> dict[int, tuple[str, str, list[int]]]:
    """Seed line index → (table, row, indices of the figure cells after its label)."""
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    out: dict[int, tuple[str, str, list[int]]] = {}
    for i, line in enumerate(lines):
        cells = line.split("\t")
        figures = [j for j, c in enumerate(cells) if NUMBER.fullmatch(c.strip())]
        if not figures:
            continue
        if len(figures) == len([c for c in cells if c.strip()]):
            out[i] = ("table4", "*", figures)
            continue
        for table in FORMAT_2021.tables[:2]:
            for row in table.row_nodes():
                at = [j for j, c in enumerate(cells) if normalize(c) in spellings(row)]
                if at:
                    out[i] = (table.id, row.id, [j for j in figures if j > at[-1]])
    return out


LINES = SEED_TEXT.read_text(encoding="utf-8").splitlines()
DATA = data_lines()
CELLS = {c.key: c for c in FORMAT_2021.cells()}
ORDER = {key: n for n, key in enumerate(CELLS)}


def keys_of(index: int) -> set[CellKey]:
    table, row, _ = DATA[index]
    return {c.key for c in FORMAT_2021.cells() if c.table.id == table and (row == "*" or c.row.id == row)}


def test_the_seed_data_lines_cover_every_cell():
    assert set().union(*(keys_of(i) for i in DATA)) == {c.key for c in FORMAT_2021.cells()}


@SETTINGS
@given(st.sets(st.sampled_from(sorted(DATA))))
def test_dropped_rows_are_exactly_what_is_missing(dropped: set[int]):
    text = "\n".join(line for i, line in enumerate(LINES) if i not in dropped)
    result = run(text)
    assert result is not None
    expected = set().union(set(), *(keys_of(i) for i in dropped))
    assert result.missing_cells() == expected
    for key in {c.key for c in FORMAT_2021.cells()} - expected:
        assert result.data[key[0]][key[1]][key[2]] == SEED.cells[key]


@st.composite
def figures_and_shifts(draw: st.DrawFn) -> tuple[list[str], dict[CellKey, int | Decimal]]:
    """The seed with random figures, each data line padded by empty cells at its start or after its label."""
    lines = list(LINES)
    expected: dict[CellKey, int | Decimal] = {}
    for i, (table, _, figures) in DATA.items():
        cells = lines[i].split("\t")
        keys = sorted(keys_of(i), key=ORDER.__getitem__)
        for j, key in zip(figures, keys, strict=False):
            if CELLS[key].kind is Kind.AMOUNT:
                value: int | Decimal = Decimal(draw(st.sampled_from(["0", "1.5", "0.0001", "12.3456"])))
            else:
                value = draw(st.integers(min_value=0, max_value=10_000))
            cells[j] = str(value)
            expected[key] = value
        pad = [""] * draw(st.integers(min_value=0, max_value=3))
        label = figures[0] - 1 if table != "table4" else -1
        where = draw(st.sampled_from(["start", "after-label"]))
        cells = pad + cells if where == "start" else cells[: label + 1] + pad + cells[label + 1 :]
        lines[i] = "\t".join(cells)
    return lines, expected


@SETTINGS
@given(figures_and_shifts())
def test_shifted_cells_do_not_shift_the_figures(case: tuple[list[str], dict[CellKey, int | Decimal]]):
    lines, expected = case
    result = run("\n".join(lines))
    assert result is not None and not result.missing_cells()
    record = from_mapping({**result.data, "province": "x", "city": "x", "county": "x"})
    assert {k: record.cells[k] for k in expected} == expected


def variants() -> dict[str, list[str]]:
    """Each official label printed in the seed → other ways to write it."""
    out: dict[str, list[str]] = {}
    for table in FORMAT_2021.tables:
        stack = [*table.rows, *table.columns, *(n for b in table.blocks for n in (*b.rows, *b.columns))]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            ways = [
                node.label,
                *node.variants,
                f" {node.label} ",
                node.label.replace("（", "(").replace("）", ")"),
            ]
            if node.number:
                ways += [f"{node.number}{node.label}", f"{node.number} {node.label}"]
            out[node.label] = ways
    return out


VARIANTS = {normalize(label): ways for label, ways in variants().items()}


@SETTINGS
@given(st.data())
def test_swapped_label_variants_read_the_same(data: st.DataObject):
    lines = []
    for line in LINES:
        cells = line.split("\t")
        for j, cell in enumerate(cells):
            ways = VARIANTS.get(normalize(cell)) if "\t" in line else None
            if ways:
                cells[j] = data.draw(st.sampled_from(ways))
        lines.append("\t".join(cells))
    result = run("\n".join(lines))
    assert result is not None and not result.missing_cells()
    assert from_mapping({**result.data, "province": "x", "city": "x", "county": "x"}).cells == SEED.cells


# --- anything at all -------------------------------------------------------------------------


@SETTINGS
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".html", ".xlsx", ".bin", ".md"]))
def test_random_bytes_are_refused_or_read_never_crash(content: bytes, suffix: str):
    run(content, suffix)


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=60)), max_size=80))
def test_random_mixtures_of_report_lines_and_junk_never_crash(lines: list[str]):
    run("\n".join(lines))


@SETTINGS
@given(st.lists(st.sampled_from(LINES), max_size=120), st.sampled_from(["", "\t", "|", " "]))
def test_shuffled_and_resplit_lines_never_crash(lines: list[str], sep: str):
    run("\n".join(line.replace("\t", sep) if sep else line for line in lines))


def test_empty_and_non_report_files_are_refused():
    for content in (b"", b"\n\n", "<html><body><p>\u901a\u77e5</p></body></html>".encode()):
        assert run(content, ".html") is None
        assert run(content, ".txt") is None


# --- rendered HTML with rows torn out ----------------------------------------------------------

HTML = "<html><body>" + Report(SEED).cover().html + "".join(Report(SEED).part(n) for n in range(1, 7))
HTML += "</body></html>"
ROWS = [m.group(0) for m in re.finditer(r"<tr>(?:(?!</tr>).)*data-cell=(?:(?!</tr>).)*</tr>", HTML, re.S)]


@SETTINGS
@given(st.sets(st.sampled_from(range(len(ROWS)))))
def test_html_rows_torn_out_are_exactly_what_is_missing(dropped: set[int]):
    html = HTML
    for i in dropped:
        html = html.replace(ROWS[i], "", 1)
    result = run(html, ".html")
    assert result is not None
    expected = {tuple(m.split(".")) for i in dropped for m in re.findall(r'data-cell="([^"]+)"', ROWS[i])}
    assert result.missing_cells() == expected


@SETTINGS
@given(st.lists(st.sampled_from(["</td>", "<td>", "<tr>", "rowspan=9", "colspan=0", "&nbsp;", "<table>"]),
                max_size=20), st.randoms())  # fmt: skip
def test_broken_html_markup_never_crashes(junk: list[str], rnd):
    html = HTML
    for piece in junk:
        at = rnd.randrange(len(html))
        html = html[:at] + piece + html[at:]
    run(html, ".html")


# --- workbooks typed over --------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[CellKey, str]]:
    path = tmp_path_factory.mktemp("wb") / "t.xlsx"
    layout = write_template(path, FORMAT_2021, 2021)
    return path, layout.cells


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_workbook_cells_typed_over_are_named(template: tuple[Path, dict[CellKey, str]], data: st.DataObject):
    path, cells = template
    book = openpyxl.load_workbook(path)
    typed: dict[CellKey, object] = {}
    for key, ref in cells.items():
        value = data.draw(st.one_of(st.integers(0, 99), st.none(), st.sampled_from(["三", "1,0", "x"])))
        sheet, at = ref.split("!")
        book[sheet][at] = value
        typed[key] = value
    with tempfile.TemporaryDirectory() as folder:
        filled = Path(folder) / "filled.xlsx"
        book.save(filled)
        result = import_file(filled)
    check_invariants(result)
    bad = {k for k, v in typed.items() if not isinstance(v, int)}
    assert result.missing_cells() == bad
    for problem in result.problems:
        if problem.cells and len(problem.cells) == 1:
            assert problem.where == cells[problem.cells[0]]
