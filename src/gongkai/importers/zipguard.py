"""A Word file or workbook's zip looked over before its library opens it.

python-docx and openpyxl read a member whole, inflating it in one call however
large, before checking it against the size the zip's directory states; a zip
whose directory understates its sizes so costs gigabytes. Here every member
is inflated in bounded pieces first: a directory that lies, or contents
larger than any report, are refused with the reason.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from gongkai.errors import NotAReport
from gongkai.importers.base import MAX_UNZIPPED

MAX_MEMBERS = 10_000  # a .docx has ~20, a workbook ~40
MAX_INFLATED = MAX_UNZIPPED  # all members together, as counted, not as the directory states
PIECE = 1 << 20


def check_zip(path: Path, what: str) -> None:
    """Raise `NotAReport` for a zip no report comes as; silent for a good one or one that is no zip."""

    def refuse(why: str) -> NotAReport:
        return NotAReport(f"{path.name}：无法读取的{what}：{why}")

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the library says it is no Word file or workbook, as before
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise refuse(f"压缩包内有 {len(members)} 个文件，超过上限 {MAX_MEMBERS}")
        stated = sum(m.file_size for m in members)
        if stated > MAX_INFLATED:
            limit = MAX_INFLATED // 1_000_000
            raise refuse(f"解压后有 {stated // 1_000_000} MB，超过上限 {limit} MB，不像一份年度报告")
        total = 0
        for member in members:
            try:
                with archive.open(member) as f:
                    while piece := f.read(PIECE):
                        total += len(piece)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as e:
                raise refuse(f"压缩包已损坏或目录与内容不符（{member.filename}：{type(e).__name__}）") from None
            if total > MAX_INFLATED:
                raise refuse(f"解压后超过 {MAX_INFLATED // 1_000_000} MB，不像一份年度报告")
