"""The command line helps a person: Chinese help, near-miss suggestions, what a render did."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA, gongkai


@pytest.mark.parametrize("typed", ["胡集", "胡集镇", "hujxiang", "胡集乡人民政府"])
def test_unknown_township_suggests_the_nearest(typed: str):
    result = gongkai("check", typed, "2021", "--data", str(DATA))
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.endswith("是不是：胡集乡（hujixiang）？"), line


def test_far_off_township_suggests_nothing():
    result = gongkai("check", "不存在乡", "2021", "--data", str(DATA))
    assert result.returncode == 2
    assert "未知的乡镇" in result.stderr and "是不是" not in result.stderr


def test_unknown_county_suggests_the_nearest():
    result = gongkai("check", "胡集乡", "2021", "--county", "minquan2", "--data", str(DATA))
    assert result.returncode == 2
    assert "是不是：民权县（minquan）？" in result.stderr


def test_missing_year_lists_the_years_on_record_and_how_to_add_one():
    result = gongkai("check", "胡集乡", "2030", "--data", str(DATA))
    assert result.returncode == 2
    assert "已有的年度：2021、2022、2023" in result.stderr
    assert "gongkai import" in result.stderr and "gongkai template" in result.stderr


def test_records_without_county_file_say_so(tmp_path: Path):
    township = tmp_path / "minquan" / "hujixiang"
    township.mkdir(parents=True)
    shutil.copy(DATA / "minquan" / "hujixiang" / "2021.yaml", township)
    result = gongkai("render", "胡集乡", "2021", "--data", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"没有 {tmp_path / 'minquan' / 'county.yaml'}" in result.stderr
    assert "未知的乡镇" not in result.stderr
    assert not (tmp_path / "out").exists()


ENGLISH = re.compile(r"usage:|options:|positional arguments|show this help|\{render,")


@pytest.mark.parametrize("args", [(), ("render",), ("check",), ("import",), ("template",), ("new",)])
def test_help_is_chinese(args: tuple[str, ...]):
    result = gongkai(*args, "--help")
    assert result.returncode == 0
    assert not ENGLISH.search(result.stdout), result.stdout
    assert result.stdout.startswith("用法：gongkai")


def test_top_help_lists_each_command_on_one_line():
    text = gongkai("--help").stdout
    for command in ("render", "check", "import", "template", "new"):
        (line,) = [ln for ln in text.splitlines() if ln.split()[:1] == [command]]
        assert len(line.split(maxsplit=1)) == 2, line  # the command and its one-line help


def test_argument_errors_are_one_chinese_line():
    result = gongkai("render", "--bogus")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "无法识别的参数：--bogus" in line and "unrecognized" not in line


def test_template_makes_the_workbook(tmp_path: Path):
    path = tmp_path / "胡集乡2022.xlsx"
    result = gongkai("template", "--year", "2022", "-o", str(path))
    assert result.returncode == 0, result.stderr
    assert path.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("argv", [("template", "--xlsx", "-o", "x.xlsx"), ("check", "胡集乡", "2021", "--quick")])
def test_options_that_did_nothing_are_refused(argv: tuple[str, ...]):
    result = gongkai(*argv)
    assert result.returncode == 2 and "无法识别的参数" in result.stderr, result.stderr


def test_argparse_is_translated_for_our_parser_only():
    """Chinese for gongkai's own messages, without patching argparse for other programs in the process."""
    import argparse

    from gongkai.cli import build_parser, translate

    build_parser()
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]
    message = "argument --jobs: invalid choice: 'x' (choose from 'a', 'b')"
    assert translate(message) == "参数 --jobs：无效的选择：'x'（可选：'a', 'b'）"
    assert translate("something argparse never said") == "something argparse never said"


@pytest.mark.slow
def test_render_says_what_it_wrote_with_warnings_counted_and_no_english_noise(tmp_path: Path):
    result = gongkai("render", "胡集乡", "2021", "--data", str(DATA), "--out", str(tmp_path), "--no-pdf")
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert re.search(r"（[0-9.]+ 秒）：校验通过，0 个错误，1 个警告$", first), first
    assert any(line.strip().startswith("W3 ") for line in rest)
    assert any("report.html" in line for line in rest)
    assert result.stderr == "", result.stderr  # no kernel warning, no papermill/nbclient log lines
