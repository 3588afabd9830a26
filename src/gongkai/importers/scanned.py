"""A scanned report imported as a text one is: read by OCR, assembled by the shared reader, then settled.

The record, its gaps and the exit code follow the text twin's; what OCR adds
is said in the record's source note and the import summary: that the file was
read by OCR, how many pages, how long it took, which figures were left blank
as uncertain and which the table's sums chose.
"""

from __future__ import annotations

from pathlib import Path

from gongkai.errors import ImageOnly, NotAReport
from gongkai.importers.assemble import Overrides, assemble
from gongkai.importers.base import ImportResult, Problem, Trouble
from gongkai.importers.doubt import settle
from gongkai.importers.ocr import read_scan

KIND = "ocr"
ENGINE = "PP-OCRv4（rapidocr-onnxruntime）"


def import_scan(path: Path, overrides: Overrides) -> ImportResult:
    """A page-image PDF or a page image → the record as far as OCR could read it surely."""
    scan = read_scan(path)
    try:
        result = assemble(scan.document, overrides)
    except NotAReport as e:  # pictures, but OCR found no report in them: still an image-only file
        raise ImageOnly(f"{path.name}：图片版（没有文字层），经文字识别也未读出报告（{e}）") from None
    chosen = settle(result, scan, overrides)
    result.kind = KIND
    uncertain = sum(1 for p in result.problems if p.kind is Trouble.AMBIGUOUS and "识别不确定" in p.what)
    note = (
        f"图片版，经文字识别（OCR，{ENGINE}）读取：{scan.pages} 页，用时 {scan.seconds:.1f} 秒（CPU）"
        f"{f'；{uncertain} 个数字识别不确定，留空' if uncertain else ''}"
        f"{f'；{len(chosen)} 个数字在两种读法中按勾稽关系选定' if chosen else ''}"
    )
    said = "：" + "；".join(chosen) if chosen else ""
    result.data["source"] = f"{result.data.get('source', '')}（{note}{said}）"
    result.problems.insert(0, Problem("", note, Trouble.NOTE))
    return result
