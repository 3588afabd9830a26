"""The numerals and ordinal heads of Chinese official documents, defined once in format/ordinals.py."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from gongkai.format import ordinals
from gongkai.format.ordinals import (
    DATE,
    HEAD,
    PART,
    SMALL,
    YEAR,
    bracketed,
    chinese_number,
    di,
    dotted,
    dun,
    shi,
    year_number,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "gongkai"

# (block, accepted, rejected): each is matched against the whole text.
BLOCKS = [
    (
        "dun",
        dun(),
        ["一、", "十、", "十一、", "二十、", "九十九、"],
        ["1、", "一", "一,", "一，", "（一）", "、", "一是"],
    ),
    (
        "bracketed",
        bracketed(),
        ["（一）", "(一)", "（一)", "(一）", "（十一）", "(二十)"],
        ["（1）", "一）", "（一", "（）", "【一】", "（一、）", "（零）"],
    ),
    (
        "dotted",
        dotted(),
        ["1.", "1、", "1．", "12.", "１．"],
        ["1", "一.", "1:", "1，", "a.", ".", "1)", "1.2"],
    ),
    ("di", di(), ["第一", "第十", "第十一", "第二十"], ["第", "第1", "一", "第一部分", "第零"]),
    ("shi", shi(), ["一是", "九是", "十是"], ["是", "十一是", "1是", "一时"]),
    ("SMALL", SMALL, ["一", "十一", "二十", "九十九"], ["", "一二三四", "〇", "零", "两", "1"]),
    (
        "YEAR",
        YEAR,
        ["二〇二四", "二○二四", "二零二四", "一九九九"],
        ["二〇二", "二〇二四五", "2024", "二〇二十", "两〇二四"],
    ),
]


@pytest.mark.parametrize(("name", "block", "accepted", "rejected"), BLOCKS, ids=[b[0] for b in BLOCKS])
def test_each_block_accepts_its_shapes_and_nothing_else(name, block, accepted, rejected):
    whole = re.compile(f"(?:{block})")
    assert [t for t in accepted if not whole.fullmatch(t)] == []
    assert [t for t in rejected if whole.fullmatch(t)] == []


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("三、本年度办理结果", "三、"),
        ("（二）部分公开", "（二）"),
        ("(二)部分公开", "(二)"),
        ("1.其他法律行政法规禁止公开", "1."),
        ("１．其他", "１．"),  # full width: folded by NFKC before HEAD is applied
        ("12、其他", "12、"),
        ("十一、附表", "十一、"),
    ],
)
def test_a_label_head_is_found_in_folded_text(text, head):
    m = re.match(HEAD, unicodedata.normalize("NFKC", text))
    assert m is not None and m.group(0) == unicodedata.normalize("NFKC", head)


@pytest.mark.parametrize(
    "text",
    ["一般情况", "十分重要", "三十二件", "二〇二四年度", "第一时间", "一是", "总体情况", "其他1."],
)
def test_a_numeral_run_into_text_is_no_head(text):
    assert re.match(HEAD, text) is None


@pytest.mark.parametrize(
    ("text", "number", "rest"),
    [
        ("第一部分：总体情况", "一", "总体情况"),
        ("第一部分 总体情况", "一", "总体情况"),
        ("二、主动公开政府信息情况", "二", "主动公开政府信息情况"),
        ("六．其他需要报告的事项", "六", "其他需要报告的事项"),
        ("1.主动公开政府信息情况", "1", "主动公开政府信息情况"),
        ("第三 收到和处理", "三", "收到和处理"),
    ],
)
def test_a_part_heading_gives_its_number(text, number, rest):
    m = re.match(rf"^\s*{PART}\s*", text)
    assert m is not None and m.group("number") == number and text[m.end() :] == rest


def test_a_chinese_date_gives_year_month_and_day():
    m = re.search(DATE, "某镇人民政府 二〇二四年一月二十日")
    assert m is not None and m.groups() == ("二〇二四", "一", "二十")
    assert re.search(DATE, "二〇二四年一二三四月一日") is None  # a month has three characters at most


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三十二", 32),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("一百零五", 105),
        ("一百〇五", 105),
        ("两", 2),
        ("零", 0),
        ("一千二百", 1200),
        ("三万零六", 30006),
        ("二〇二一", None),  # a year, not a count
        ("一二", None),  # two digits in a row
        ("三件", None),
        ("", 0),
    ],
)
def test_chinese_numerals_are_read(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    ("text", "value"), [("二〇二四", 2024), ("二○二四", 2024), ("二零二一", 2021), ("一九九九", 1999)]
)
def test_a_year_is_read_digit_by_digit(text, value):
    assert re.fullmatch(YEAR, text) and year_number(text) == value


def test_the_digits_are_spelled_once():
    """Every numeral set is built from the one spelling of 一…九."""
    for chars in (ordinals.NUMERALS, ordinals.COUNT_DIGITS, ordinals.YEAR_DIGITS, ordinals.COUNT):
        assert ordinals.NINE in chars


def test_no_module_retypes_the_numerals():
    """A class of numerals (「[一二三四五六七八九十]」「[七八九]」) is composed from format/ordinals.py."""
    retyped = re.compile(r"\[[^\]\n]*[一二三四五六七八九十〇○零两]{3}")
    modules = sorted(SRC.rglob("*.py"))
    assert len(modules) > 50  # the package is where this test thinks it is
    found = []
    for path in modules:
        if path == SRC / "format" / "ordinals.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "一二三四五六七八九" in text or retyped.search(text):
            found.append(str(path.relative_to(SRC)))
    assert found == []
    outside_format = [p for p in modules if "format" not in p.relative_to(SRC).parts]
    assert [p.name for p in outside_format if "[一二三四五六七八九十" in p.read_text(encoding="utf-8")] == []
