"""The report's title: which body reports on which year, and what kind of body it is.

《胡集乡人民政府2021年政府信息公开工作年度报告》 gives both; so does a title
that puts the year first and breaks over two lines (「2025 年上海市人民政府
办公厅政府信息公开」 / 「工作年度报告」). A title inside a sentence gives the
year only.
"""

from __future__ import annotations

import re
import unicodedata

from gongkai.format import BODY_SUFFIXES, TITLE
from gongkai.format.labels import spellings
from gongkai.importers.base import Line
from gongkai.records.record import LEVELS

MAX_HEADING = 40  # characters: a longer line is a sentence, not a title
_COUNTY_PREFIX = re.compile(r"^(?P<county>[\u4e00-\u9fff]{2,9}?[县区旗])(?P<township>[\u4e00-\u9fff]{2,})$")
# What else a body's name ends with: a government's office, a department, a committee, a zone.
ORGAN_SUFFIXES = ("委员会", "管委会", "办公厅", "办公室", "厅", "局", "委", "办", "署", "院", "中心", "会")


def find_title(lines: list[Line]) -> tuple[str, int, Line] | None:
    """Body and year from 《胡集乡人民政府2021年政府信息公开工作年度报告》.

    The title may be split over two lines (the body on one, 「2023 年政府信息
    公开工作年度报告」 on the next), or stand inside a sentence (「现将本镇2023年
    政府信息公开工作年度报告公布如下」): then only the year is taken, and the
    body is left to the command line.
    """
    names = "|".join(re.escape(s) for s in spellings(TITLE))
    after = re.compile(rf"^(?P<body>.{{2,40}}?)(?P<year>(?:19|20)\d\d)年度?(?:{names})")
    before = re.compile(rf"^(?P<year>(?:19|20)\d\d)年度?(?P<body>.{{2,40}}?)(?:{names})")
    inside = re.compile(rf"(?P<year>(?:19|20)\d\d)年度?(?:{names})")
    texts = [re.sub(r"[\s《》〈〉\"“”#]", "", unicodedata.normalize("NFKC", line.text)) for line in lines]
    following = [""] * len(lines)  # the next line with text after each line
    for k in range(len(lines) - 2, -1, -1):
        following[k] = texts[k + 1] or following[k + 1]
    for k, line in enumerate(lines):
        candidates = [texts[k]]
        if following[k] and texts[k] and len(texts[k]) <= MAX_HEADING:
            candidates.append(texts[k] + following[k])
        for text in candidates:
            m = after.match(text) or before.match(text)
            if m and _is_body(m.group("body")):
                return m.group("body"), int(m.group("year")), line
    for k, line in enumerate(lines):
        m = inside.search(texts[k])
        if m:
            return "", int(m.group("year")), line
    return None


def _is_body(name: str) -> bool:
    """A body's name (洪泽区人民政府, 胡集乡), not the start of a sentence (现将本镇)."""
    if re.search(r"[，。；：,;:]|现将|特此|本(?:镇|乡|街道|单位|机关)|我(?:镇|乡|街道)", name):
        return False
    return name.endswith((*BODY_SUFFIXES, *LEVELS, "县", "区", "市", "旗", *ORGAN_SUFFIXES))


def township_of(body: str) -> tuple[str | None, str]:
    """(county, township) from a body's name: 民权县胡集乡人民政府 → (民权县, 胡集乡)."""
    name = body
    for suffix in sorted(BODY_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    m = _COUNTY_PREFIX.match(name)
    if m and level_of(m.group("township")) and len(m.group("township")) > len(level_of(name) or ""):
        return m.group("county"), m.group("township")
    return None, name


def level_of(township: str) -> str | None:
    for level in sorted(LEVELS, key=len, reverse=True):
        if township.endswith(level) and len(township) > len(level):
            return level
    return None
