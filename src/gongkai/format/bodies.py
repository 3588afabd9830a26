"""What kind of body publishes a report, from its name, and by when it must publish (条例第四十九条).

The kind decides which rules apply: a 乡、镇、街道 or a department makes no
规章 (W2), while a city government may; departments and townships publish by
1月31日, governments at and above county level by 3月31日 of the following
year. Deadlines are data: a province that sets earlier ones edits DEADLINES.
"""

from __future__ import annotations

import re
import unicodedata

TOWNSHIP, DEPARTMENT, GOVERNMENT = "乡镇街道", "部门", "县级以上政府"
KINDS = (TOWNSHIP, DEPARTMENT, GOVERNMENT)

# (month, day) of the year after the report's year.
DEADLINES: dict[str, tuple[int, int]] = {TOWNSHIP: (1, 31), DEPARTMENT: (1, 31), GOVERNMENT: (3, 31)}

_GOVERNMENT_ENDS = ("人民政府", "政府", "办事处")
_TOWNSHIP = re.compile(r"(?:乡|镇|街道)(?:人民政府|政府|办事处)?$")
_PLACE = re.compile(r"(?:省|自治区|市|州|盟|地区|县|区|旗|实验区|新区|开发区)(?:人民政府|政府|管委会|管理委员会)?$")
_DEPARTMENT = re.compile(r"(?:局|委|委员会|办|办公室|办公厅|厅|中心|院|署|所|站|队|处)$")
_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,8}?(?:省|自治区|特别行政区|市|自治州|州|盟|地区))")


def kind_of_body(name: str) -> str:
    """乡镇街道, 部门 or 县级以上政府 from a body's name; "" when the name does not say."""
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    if not name:
        return ""
    if _TOWNSHIP.search(name):
        return TOWNSHIP
    if _DEPARTMENT.search(name) and not name.endswith(_GOVERNMENT_ENDS):
        return DEPARTMENT
    if _PLACE.search(name):
        return GOVERNMENT
    return ""


def link_name(name: str) -> str:
    """A body's name as two years' reports are compared: widths folded, spaces gone, 人民政府 as 政府."""
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    return name.replace("人民政府", "政府")


def same_body(a: str, b: str) -> bool:
    """The same body, named with or without the province/city prefix the other lacks.

    「淮安市洪泽区人民政府」 and 「洪泽区政府」 are the same; 「洪泽区政府」 and
    「洪泽区教育局」 are not. One name must be the other with place prefixes
    (省, 市, 州 …) added in front.
    """
    a, b = link_name(a), link_name(b)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if not long.endswith(short) or len(short) < 3:
        return False
    head = long[: -len(short)]
    while head:
        m = _PREFIX.match(head)
        if m is None:
            return False
        head = head[m.end() :]
    return True
