"""What a person types wrong in a YAML file, said in Chinese: where (line and column), what, and what to type.

Each case edits a private copy of 胡集乡 2021 and runs the real `gongkai check`:
one line on stderr, exit 2, no traceback; the line and column are those of the
value in the file as written, found in the text, never typed in.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import GONGKAI, REPO
from test_bad_input import Edit, county, line_of, params, private_data, record, said

CHECK = ("check", "hujixiang", "2021")
RECEIVED = "received: {natural_person: 0,"
REGULATIONS = "regulations: {issued: 0, repealed: 0, in_force: 0}"
T3_NATURAL = "表三「一、本年新收政府信息公开申请数量」行「自然人」列"


def run(root: Path, edit: Edit, *argv: str) -> tuple[subprocess.CompletedProcess[str], Path | None, Path]:
    data = private_data(root)
    target = edit(data)
    args = [a.replace("{root}", str(root)) for a in (argv or CHECK)]
    result = subprocess.run(
        [*GONGKAI, *args, "--data", str(data)], capture_output=True, text=True, cwd=REPO, timeout=60, check=False
    )
    return result, target, data


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def column_of(path: Path, needle: str, line: int) -> int:
    text = path.read_text(encoding="utf-8").split("\n")[line - 1]
    assert needle in text, (needle, text)
    return text.index(needle) + 1


@pytest.mark.parametrize(
    ("typed", "expect"),
    [("1，234", "应写成 1234"), ("1,234", "应写成 1234"), ("1 234", "应写成 1234")],
    ids=["chinese-thousands", "ascii-thousands", "space-thousands"],
)
def test_a_figure_with_thousands_separators(tmp_path: Path, typed: str, expect: str):
    result, path, _ = run(tmp_path, record(RECEIVED, f"received: {{natural_person: {typed},"))
    line = one_line(result)
    m = said(line)
    assert m and path is not None and expect in line and "数字不写千位分隔符" in line, line
    assert m["path"] == str(path) and int(m["line"] or 0) == line_of(path, "  received:")
    start = column_of(path, typed, int(m["line"] or 0))
    assert start <= int(m["column"] or 0) < start + len(typed), line  # at the number, or the part after its comma
    assert m.label.startswith("表三「一、本年新收政府信息公开申请数量」行"), line  # Chinese, not table3.received


def test_full_width_digits_are_read_as_the_number(tmp_path: Path):
    result, _, _ = run(tmp_path, record("penalty: {decisions: 0}", "penalty: {decisions: ０}"))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    result, _, _ = run(tmp_path / "b", record(RECEIVED, "received: {natural_person: １２,"))
    assert result.returncode == 1 and result.stderr == ""  # read as 12: the row's total no longer adds up
    assert "自然人" in result.stdout and "12" in result.stdout and "应为数字" not in result.stdout


def test_a_chinese_comma_between_items(tmp_path: Path):
    result, path, _ = run(tmp_path, record(REGULATIONS, REGULATIONS.replace("0, repealed", "0， repealed")))
    line = one_line(result)
    m = said(line)
    assert m and path is not None and "中文逗号" in line and "," in line, line
    assert int(m["line"] or 0) == line_of(path, "  regulations:")
    assert int(m["column"] or 0) == column_of(path, "，", int(m["line"] or 0))


def test_a_tab_before_a_value_is_fine_but_a_tab_indent_is_named(tmp_path: Path):
    result, _, _ = run(tmp_path, record("penalty: {decisions: 0}", "penalty: {decisions:\t0}"))
    assert result.returncode == 0, result.stderr
    result, path, _ = run(tmp_path / "b", record("\n  penalty:", "\n\tpenalty:"))
    line = one_line(result)
    m = said(line)
    assert m and path is not None and "Tab" in line and "空格" in line
    assert int(m["line"] or 0) == line_of(path, "\tpenalty:") and m["column"] == "1"


def test_a_gbk_file_names_line_and_column(tmp_path: Path):
    def gbk(data: Path) -> Path:
        path = data / "minquan" / "hujixiang" / "2021.yaml"
        path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
        return path

    line = one_line(run(tmp_path, gbk)[0])
    m = said(line)
    assert m and "GBK" in line and "UTF-8" in line and "另存为" in line
    assert m["line"] == "3" and m["column"] == "7"  # `body: 胡集乡…`: the first Chinese character


def test_a_field_is_named_by_its_chinese_label(tmp_path: Path):
    result, _, _ = run(tmp_path, record(RECEIVED, "received: {natural_person: many,"))
    line = one_line(result)
    assert f"{T3_NATURAL}（table3.received.natural_person）" in line, line
    result, _, _ = run(tmp_path / "b", record("  other: |\n    无\n", "  other: 7\n"))
    assert "六、其他需要报告的事项（parts.other）" in one_line(result)


DATES = [
    ("record", record("source: ", "source: 2021-13-45\nx: "), "source: 2021-13-45", CHECK),
    ("record-cell", record(RECEIVED, "received: {natural_person: 2021-13-45,"), "2021-13-45", CHECK),
    ("county", county("name: 民权县", "name: 2021-13-45"), "name: 2021-13-45", CHECK),
    (
        "params",
        params("reports:\n  - {county: minquan, township: hujixiang, year: 2021-13-45}\n"),
        "2021-13-45",
        ("render", "--params", "{root}/batch.yaml", "--no-pdf", "--out", "{root}/out"),
    ),
]


def review(data: Path) -> Path:
    path = data / "minquan" / "hujixiang" / "2021.review.yaml"
    path.write_text(
        "decisions:\n  - key: W3:overview:0\n    decision: accepted\n    reason: 照录\n    who: 张三\n"
        "    date: 2021-13-45\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("edit", "needle", "argv"),
    [(e, n, a) for _, e, n, a in DATES] + [(review, "date: 2021-13-45", CHECK)],
    ids=[*(i for i, *_ in DATES), "review"],
)
def test_a_date_that_is_no_day_is_one_line_anywhere(tmp_path: Path, edit: Edit, needle: str, argv: tuple[str, ...]):
    result, path, _ = run(tmp_path, edit, *argv)
    line = one_line(result)
    m = said(line)
    assert m and path is not None and m["path"] == str(path), line
    assert "2021-13-45" in line and "YYYY-MM-DD" in line and "引号" in line
    assert int(m["line"] or 0) == line_of(path, needle)
    assert int(m["column"] or 0) == column_of(path, "2021-13-45", int(m["line"] or 0))
