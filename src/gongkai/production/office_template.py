"""Which Word template a report takes: `--docx-template PATH`, else `docx_template:` in its county.yaml.

A relative path in county.yaml is read from the county's folder, so the
template travels with the data. None: the official look (production/word.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from gongkai.errors import RecordError
from gongkai.records import yamlio
from gongkai.records.catalog import COUNTY_FILE

KEY = "docx_template"


def template_path(county_folder: Path, given: Path | None = None) -> Path | None:
    """The template for a county's reports; a named file that is missing is an error naming where it was named."""
    if given is not None:
        if not given.is_file():
            raise RecordError(given, None, "--docx-template", "Word 模板文件不存在：应为 .docx 或 .dotx 文件的路径")
        return given
    return _from_county(county_folder / COUNTY_FILE)


@cache
def _from_county(path: Path) -> Path | None:
    data, lines = yamlio.load(path, limits=yamlio.COUNTY)
    value = data.get(KEY) if isinstance(data, dict) else None
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise RecordError(path, lines.get((KEY,)), KEY, f"应为 Word 模板文件的路径（.docx 或 .dotx），实际为 {value!r}")
    found = (path.parent / value.strip()).resolve()
    if not found.is_file():
        raise RecordError(
            path, lines.get((KEY,)), KEY, f"找不到 Word 模板 {found}：应为相对于本文件夹的 .docx/.dotx 路径"
        )
    return found
