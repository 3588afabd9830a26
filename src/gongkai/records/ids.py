"""What names a county, township and year in a data folder: below the record and the catalog, which both check them."""

from __future__ import annotations

import re

from gongkai.errors import RecordError

LEVELS = ("乡", "镇", "街道")
YEARS = (2008, 2100)
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # fullmatch: `$` would allow a newline
MAX_NAME = 100  # characters in a name (body, county, …)


def check_id(kind: str, value: str) -> str:
    """An ASCII folder name: never a path, never `..`."""
    if not ID_PATTERN.fullmatch(value):
        raise RecordError(None, None, kind, f"标识 {value!r} 无效：应为拼音文件夹名，只用小写字母、数字、- 和 _")
    return value


def report_key(year: int, county: str, township: str) -> str:
    """A report's key, `<year>/<county>/<township>`: its folder under output/ and its name in manifest.json.

    Built only here and read back only by split_key and county_of, so the order of its parts is written once.
    """
    return f"{year}/{county}/{township}"


def split_key(key: str) -> tuple[int, str, str]:
    """A report's key read back: (year, county, township)."""
    year, county, township = key.split("/")
    return int(year), county, township


def county_of(key: str) -> str:
    """The county of a report's key, without parsing the year (the manifest groups its lines by county)."""
    return key.split("/", 2)[1]
