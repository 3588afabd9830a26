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
