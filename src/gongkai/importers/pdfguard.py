"""A PDF's structure looked over before pdfplumber reads it: what would loop, recurse or inflate is refused.

The reading worker's deadline and memory limit stop anything in the end
(`importers.guarded`); these checks say why, at once: an object that is a
reference to itself (pdfminer resolves it forever), a page tree nested
thousands deep (recursion), a stream that inflates to gigabytes, a page ruled
into a grid of millions of cells (table finding is quadratic in its lines).
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from gongkai.errors import NotAReport

MAX_OBJECTS = 200_000  # a report has a few hundred; with embedded fonts a few thousand
MAX_TREE_DEPTH = 32  # a page tree is 1–3 deep
MAX_INFLATED = 64 << 20  # one stream: a report page's content is ~100 KB, a full CJK font ~20 MB
MAX_INFLATED_TOTAL = 256 << 20
MAX_PAGE_OBJECTS = 100_000  # characters, lines, boxes and curves on one page
MAX_GRID = 10_000  # distinct ruled rows × columns on one page (a report: ~35 × 33; table finding grows steeply)


def refuse(path: Path, why: str) -> NotAReport:
    return NotAReport(f"{path.name}：无法读取的 PDF：{why}")


def survey(path: Path, max_pages: int) -> None:
    """Raise `NotAReport` for a structure no report has and the parser would not survive."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    with path.open("rb") as f:
        try:
            doc = PDFDocument(PDFParser(f))
        except Exception:
            return  # pdfplumber says what is wrong, as before
        _pages(doc, path, max_pages)  # first: a deep tree is found in its first 32 objects
        ids: set[int] = set()
        for xref in doc.xrefs:
            ids.update(xref.get_objids())
            if len(ids) > MAX_OBJECTS:
                raise refuse(path, f"对象超过 {MAX_OBJECTS} 个，不像一份年度报告")
        inflated = 0
        for objid in sorted(ids):
            obj = _follow(doc, objid, path)
            inflated += _inflated(obj, path, inflated)


def _get(doc: Any, objid: int) -> Any:
    try:
        return doc.getobj(objid)
    except Exception:  # a missing or damaged object: pdfminer reads around it
        return None


def _follow(doc: Any, objid: int, path: Path) -> Any:
    """The object, a chain of bare references followed; a chain that comes back is refused."""
    from pdfminer.pdftypes import PDFObjRef

    seen = {objid}
    obj = _get(doc, objid)
    while isinstance(obj, PDFObjRef):
        if obj.objid in seen:
            raise refuse(path, f"对象 {objid} 经引用又回到自身（循环引用），文件已损坏或被刻意构造")
        seen.add(obj.objid)
        obj = _get(doc, obj.objid)
    return obj


def _inflated(obj: Any, path: Path, before: int) -> int:
    """How many bytes the stream inflates to, counted in bounded pieces; a bomb refused on the way."""
    from pdfminer.pdftypes import PDFStream

    if not isinstance(obj, PDFStream) or obj.rawdata is None:
        return 0
    try:
        filters = obj.get_filters()
    except Exception:
        return 0
    if not filters or str(getattr(filters[0][0], "name", filters[0][0])) not in ("FlateDecode", "Fl"):
        return 0
    inflate = zlib.decompressobj()
    data, size = bytes(obj.rawdata), 0
    try:
        while data:
            size += len(inflate.decompress(data, 1 << 20))
            data = inflate.unconsumed_tail
            if size > MAX_INFLATED or before + size > MAX_INFLATED_TOTAL:
                raise refuse(path, f"压缩的内容解压后超过 {MAX_INFLATED_TOTAL >> 20} MB（单个对象上限 "
                             f"{MAX_INFLATED >> 20} MB），不像一份年度报告")  # fmt: skip
    except zlib.error:
        pass  # pdfminer reads what it can of a damaged stream
    return size


def _pages(doc: Any, path: Path, max_pages: int) -> None:
    """Walk the page tree without recursion: too deep or too many pages is refused."""
    from pdfminer.pdftypes import PDFObjRef

    root = doc.catalog.get("Pages") if isinstance(doc.catalog, dict) else None
    stack: list[tuple[Any, int]] = [(root, 1)]
    seen: set[int] = set()
    pages = 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, PDFObjRef):
            if node.objid in seen:
                continue
            seen.add(node.objid)
            node = _follow(doc, node.objid, path)
        if not isinstance(node, dict):
            continue
        if depth > MAX_TREE_DEPTH:
            raise refuse(path, f"页面树嵌套超过 {MAX_TREE_DEPTH} 层，不像一份年度报告")
        kids = node.get("Kids")
        if isinstance(kids, PDFObjRef):
            kids = _follow(doc, kids.objid, path)
        if isinstance(kids, list):
            stack += [(k, depth + 1) for k in kids]
        else:
            pages += 1
            if pages > max_pages:
                raise refuse(path, f"超过 {max_pages} 页，不像一份年度报告")


def check_page(page: Any, number: int, path: Path) -> None:
    """Refuse a page with more drawn objects, or a finer ruled grid, than any report page has."""
    objects = page.objects
    count = sum(len(objects.get(k, ())) for k in ("char", "line", "rect", "curve"))
    if count > MAX_PAGE_OBJECTS:
        raise refuse(path, f"第 {number} 页有 {count} 个文字和图形对象，超过上限 {MAX_PAGE_OBJECTS}")
    rows: set[int] = set()
    columns: set[int] = set()
    for edge in page.edges:
        if edge.get("orientation") == "h":
            rows.add(round(float(edge["top"])))
        elif edge.get("orientation") == "v":
            columns.add(round(float(edge["x0"])))
    if len(rows) * len(columns) > MAX_GRID:
        raise refuse(path, f"第 {number} 页画有 {len(rows)} 条横线、{len(columns)} 条竖线的网格，远超一份报告的表格")
