"""The numerals and ordinals of Chinese official documents, spelled once.

Reports number their parts 「一、」, sub-headings 「（一）」, items 「1.」,
「第一」「第一部分」 or 「一是」, and date themselves 「二〇二四年一月二十日」.
The pieces below are regular-expression sources (not compiled) so each
importer, check and page composes the shape it means from them; a site that
needs another shape says why beside it.
"""

from __future__ import annotations

NINE = "一二三四五六七八九"  # 1–9, the one spelling of the digits
NUMERALS = NINE + "十"  # what ordinals, months and days are written in: 三, 十一, 二十
COUNT_DIGITS = "零〇两" + NINE  # counts add a placeholder and 两: 一百零五件, 两件
COUNT = COUNT_DIGITS + "十百千万"  # every character of a count: 三十二, 一千二百
YEAR_DIGITS = "〇○零" + NINE  # a year digit by digit: 二〇二四 (○ is the circle some fonts print for 〇)
ARABIC = "0-9０-９"  # Arabic digits, half and full width (for a class, in text not folded by NFKC)
MARKS = ".、．"  # what follows an Arabic ordinal: 1. 1、 1．

NUMERAL = f"[{NUMERALS}]"  # one character: a part's number 「二」
RUN = f"{NUMERAL}+"  # any length: 十一, 二十
SMALL = f"{NUMERAL}{{1,3}}"  # 一 … 九十九: a month, a day, a sub-heading's number
YEAR = f"[{YEAR_DIGITS}]{{4}}"  # 二〇二四


def dun(number: str = RUN) -> str:
    """「一、」: a part's head (the enumeration comma 顿号)."""
    return f"{number}、"


def bracketed(number: str = RUN) -> str:
    """「（一）」「(一)」: a sub-heading's head, full- or half-width brackets."""
    return f"[（(]{number}[)）]"


def dotted(number: str = r"\d+", marks: str = MARKS) -> str:
    """「1.」「1、」「1．」: an item's head."""
    return f"{number}[{marks}]"


def di(number: str = RUN) -> str:
    """「第一」: an ordinal said in words."""
    return f"第{number}"


def shi(number: str = NUMERAL) -> str:
    """「一是」: a point of a list in running text (一是…，二是…)."""
    return f"{number}是"


# 「一、」「第一部分：」「1.」 before a part's title; the group is the part's number.
PART = rf"第?(?P<number>{RUN}|\d+)\s*(?:部分)?\s*[{MARKS}:：]?"
# The head of a label or a row (「三、」「（二）」「1.」), in text folded by NFKC.
HEAD = f"(?:{dun()}|{bracketed()}|{dotted()})"
# 「二〇二四年一月二十日」; the groups are the year, month and day.
DATE = f"({YEAR})年({SMALL})月({SMALL})日"

_UNITS = {"十": 10, "百": 100, "千": 1000}
_DIGIT_VALUES = {c: i for i, c in enumerate(NINE, start=1)} | {"两": 2}
_YEAR_VALUES = str.maketrans(YEAR_DIGITS, "000123456789")


def chinese_number(text: str) -> int | None:
    """三十二 → 32, 一百零五 → 105, 两 → 2; None if it is not a plain numeral."""
    total, section, number = 0, 0, None
    for char in text:
        if char in "零〇":
            if number is not None:  # 二〇二一 is a year, not a count
                return None
            continue  # 一百零五: a placeholder
        if char in _DIGIT_VALUES:
            if number is not None:  # two digits in a row (二〇二一) is a year, not a count
                return None
            number = _DIGIT_VALUES[char]
        elif char in _UNITS:
            section += (1 if number is None else number) * _UNITS[char]
            number = None
        elif char == "万":
            total += (section + (number or 0)) * 10_000
            section, number = 0, None
        else:
            return None
    return total + section + (number or 0)


def year_number(text: str) -> int:
    """二〇二四 → 2024: a year is read digit by digit (`text` matches YEAR)."""
    return int(text.translate(_YEAR_VALUES))
