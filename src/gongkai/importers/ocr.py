"""A scanned report (a PDF of page images, or PNG/JPEG pages) read through OCR into a `Document`.

The pages are cleaned (`raster`), their ruled tables found from the rulings
(`scan_tables`), the text lines found by the detection model and read by the
recognition model (`ocr_engine`). Each recognised piece is placed by position:
into the table cell that holds it, or onto its visual line of text. The rows
then go through the text-PDF reader's own line builder (`pdf._lines`), so a
scan and its text twin give the same `Document` structure and the same
assembly. Every figure keeps its `Reading` (confidence, runner-up), looked up
by its cell's place, for `doubt.settle` after assembly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.errors import ImageOnly
from gongkai.importers.base import Document
from gongkai.importers.ocr_engine import EXTRA, MISSING, Engine, OcrMissing, Reading, engine
from gongkai.importers.pdf import MAX_PAGES, _is_page_number, _lines, _Row, _text_rows, fold
from gongkai.importers.raster import IMAGE_SUFFIXES, Page, pages
from gongkai.importers.scan_tables import Box, ScanTable, find_tables

LIGHT, DARK = 200, 150  # grey levels of a stroke's edge and of ink itself


@dataclass
class Scan:
    """A scanned report as read: the document, each cell's reading, and what it cost."""

    document: Document
    readings: dict[str, Reading] = field(default_factory=dict)  # cell place (「第 3 页第 5 行第 4 列」) → reading
    pages: int = 0
    seconds: float = 0.0  # CPU seconds of this process
    tilts: list[float] = field(default_factory=list)


class ImageParser:
    """Page images (PNG, JPEG, TIFF): read by OCR when the `ocr` extra is installed."""

    name: str = "ocr"
    suffixes: tuple[str, ...] = IMAGE_SUFFIXES

    def sniff(self, head: bytes) -> bool:
        return head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM"))

    def parse(self, path: Path) -> Document:
        return read_scan(path).document


def missing_message(path: Path) -> str:
    return (
        f"{path.name}：{MISSING}。这是图片版（扫描件），没有文字层；要读取它，请安装文字识别组件："
        f"{EXTRA}（离线运行，模型随组件安装）"
    )


def read_scan(path: Path) -> Scan:
    """Every page of a scanned PDF or a page image, read by OCR: a plain function of the path.

    Raises `ImageOnly` (a `NotAReport`, naming the install command) when the `ocr` extra is missing.
    """
    try:
        models = engine()
    except OcrMissing:
        raise ImageOnly(missing_message(path)) from None
    start = time.process_time()
    scan = Scan(Document(path.name, []))
    rows: list[_Row] = []
    for page in pages(path, MAX_PAGES):
        rows += _page_rows(models, page, scan)
        scan.pages = page.number
        scan.tilts.append(page.tilt)
    scan.document = Document(path.name, _lines(rows))
    scan.seconds = time.process_time() - start
    return scan


def _page_rows(models: Engine, page: Page, scan: Scan) -> list[_Row]:
    """One page's table rows and text lines, top to bottom, in points as the text reader has them."""
    grey, dpi = page.grey, page.dpi
    pt = 72.0 / dpi
    tables = find_tables(grey, dpi)
    boxes = _joined(models.lines(grey))  # as detected, with the detector's margin: cells clip them
    crops: list[Any] = []
    owners: list[tuple[str, Any]] = []  # ("cell", (table, row, col)) or ("text", box)
    table_rows: list[tuple[ScanTable, int, list[Box | None]]] = []
    inside: set[int] = set()
    for t, table in enumerate(tables):
        for r, row in enumerate(table.rows):
            real = [c for c in row if c is not None]
            table_rows.append((table, r, row))
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                mine = _pieces(cell, boxes, inside, grey, dpi)
                if len(real) < 2:
                    for piece in mine:
                        crops.append(_crop(grey, piece))
                        owners.append(("text", piece))
                    continue
                for piece in mine:
                    crops.append(_crop(grey, piece))
                    owners.append(("cell", (t, r, c, piece)))
    for k, box in enumerate(boxes):
        dark = _dark(grey, box)
        if dark is not None and k not in inside and not any(_centre_in(dark, tb.box) for tb in tables):
            crops.append(_crop(grey, dark))
            owners.append(("text", dark))
    readings = models.read(crops)
    cells: dict[tuple[int, int, int], list[tuple[Box, Reading]]] = {}
    words: list[dict[str, Any]] = []
    for (kind, what), reading in zip(owners, readings, strict=True):
        if kind == "cell":
            t, r, c, piece = what
            cells.setdefault((t, r, c), []).append((piece, reading))
        elif reading.text.strip():
            x0, y0, x1, y1 = what
            words.append({"text": fold(reading.text), "x0": x0 * pt, "x1": x1 * pt, "top": y0 * pt, "bottom": y1 * pt})
    out: list[_Row] = []
    pending: dict[int, list[tuple[int, Reading | None]]] = {}
    for table, r, row in table_rows:
        t = tables.index(table)
        if len([c for c in row if c is not None]) < 2:
            continue
        texts: list[str | None] = []
        marks: list[tuple[int, Reading | None]] = []
        for c, cell in enumerate(row):
            if cell is None:
                texts.append(None)
                continue
            found = sorted(cells.get((t, r, c), []), key=lambda p: (round(p[0][1] / (dpi * 0.08)), p[0][0]))
            texts.append(fold("".join(p[1].text for p in found)).strip())
            marks.append((c, _merged([p[1] for p in found])))
        top = min(c[1] for c in row if c is not None) * pt
        bottom = max(c[3] for c in row if c is not None) * pt
        x0 = min(c[0] for c in row if c is not None) * pt
        x1 = max(c[2] for c in row if c is not None) * pt
        out.append(_Row(top, bottom, x0, x1, [], texts))
        pending[id(out[-1])] = marks
    out += _text_rows(_specks_dropped(words))
    out.sort(key=lambda row: (row.top, row.x0))
    height = grey.shape[0] * pt
    out = [row for row in out if not (row.cells is None and _is_page_number(row, height))]
    left = min((row.x0 for row in out if row.cells is None), default=0.0)
    right = max((row.x1 for row in out if row.cells is None), default=0.0)
    sizes = sorted(w["bottom"] - w["top"] for w in words)
    size = sizes[len(sizes) // 2] if sizes else 10.0
    for n, line in enumerate(out, 1):
        line.where = f"第 {page.number} 页第 {n} 行"
        line.page = page.number
        line.margins = (left, right, size)
        for c, mark in pending.get(id(line), []):
            if mark is not None:
                scan.readings[f"{line.where}第 {c + 1} 列"] = mark
    return out


def _specks_dropped(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Without lone dots and dashes much smaller than the text: dust, JPEG noise, a seal's remains."""
    heights = sorted(w["bottom"] - w["top"] for w in words)
    if not heights:
        return words
    size = heights[len(heights) // 2]
    return [w for w in words if w["bottom"] - w["top"] >= 0.5 * size or any(ch.isalnum() for ch in w["text"])]


def _merged(readings: list[Reading]) -> Reading | None:
    """One cell's pieces as one reading: its least sure character; a runner-up only for a single piece."""
    if not readings:
        return None
    if len(readings) == 1:
        return readings[0]
    text = "".join(r.text for r in readings)
    return Reading(text, min(r.confidence for r in readings), None, tuple(c for r in readings for c in r.chars))


def _pieces(cell: Box, boxes: list[Box], taken: set[int], grey: Any, dpi: float) -> list[Box]:
    """The text pieces in a cell: detected lines clipped to it, or its ink when detection saw none."""
    inset = max(3, round(dpi * 0.015))
    x0, y0, x1, y1 = cell[0] + inset, cell[1] + inset, cell[2] - inset, cell[3] - inset
    if x1 <= x0 or y1 <= y0:
        return []
    out: list[Box] = []
    for k, (bx0, by0, bx1, by1) in enumerate(boxes):
        ix0, iy0, ix1, iy1 = max(x0, bx0), max(y0, by0), min(x1, bx1), min(y1, by1)
        if ix1 - ix0 <= 2 or iy1 - iy0 <= 2:
            continue
        if (iy1 - iy0) < 0.5 * (by1 - by0):
            continue  # a line of a neighbouring row grazing this cell
        taken.add(k)
        piece = _tight(grey, (ix0, iy0, ix1, iy1))
        if piece is not None:
            out.append(piece)
    if out:
        return out
    piece = _tight(grey, (x0, y0, x1, y1))
    if piece is None or (piece[2] - piece[0]) * (piece[3] - piece[1]) < (dpi * 0.03) ** 2:
        return []  # an empty cell (a speck is not a figure)
    return [piece]


def _joined(boxes: list[Box]) -> list[Box]:
    """Pieces of one line the detector cut with an overlap (「四、政」 and 「政府……」) as one box."""
    out: list[Box] = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        for k, other in enumerate(out):
            overlap_y = min(box[3], other[3]) - max(box[1], other[1])
            if overlap_y > 0.6 * min(box[3] - box[1], other[3] - other[1]) and box[0] < other[2] and other[0] < box[2]:
                out[k] = (min(box[0], other[0]), min(box[1], other[1]), max(box[2], other[2]), max(box[3], other[3]))
                break
        else:
            out.append(box)
    return out


def _dark(grey: Any, box: Box) -> Box | None:
    """A detected line shrunk to its dark ink: where a PDF would place its glyphs, and the crop to read."""
    import numpy as np

    x0, y0, x1, y1 = box
    part = grey[y0:y1, x0:x1] < DARK
    rows, cols = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
    if len(rows) == 0:
        return None
    return (x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1)


def _tight(grey: Any, box: Box) -> Box | None:
    """The box shrunk to the ink inside it: light strokes count where they touch dark ones.

    A serif's thin strokes, blurred at 150 dpi, are light grey; a threshold
    dark enough to ignore the haze beside a ruling would cut a 「4」 down to
    its stem and read it as 「1」. So the light pixels are grouped, and a group
    counts when it holds a dark pixel.
    """
    import cv2
    import numpy as np

    x0, y0, x1, y1 = box
    part = grey[y0:y1, x0:x1]
    if part.size == 0:
        return None
    light = (part < LIGHT).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(light, connectivity=8)
    if count <= 1:
        return None
    inked = np.unique(labels[part < DARK])
    inked = inked[inked > 0]
    if len(inked) == 0:
        return None
    rows = np.flatnonzero((part < DARK).any(axis=1))
    margin = max(1, round(0.15 * (rows[-1] + 1 - rows[0])))  # the haze of a ruling above or below stays out
    left = int(stats[inked, cv2.CC_STAT_LEFT].min())
    top = max(int(stats[inked, cv2.CC_STAT_TOP].min()), int(rows[0]) - margin)
    right = int((stats[inked, cv2.CC_STAT_LEFT] + stats[inked, cv2.CC_STAT_WIDTH]).max())
    bottom = min(
        int((stats[inked, cv2.CC_STAT_TOP] + stats[inked, cv2.CC_STAT_HEIGHT]).max()), int(rows[-1]) + 1 + margin
    )
    return (x0 + left, y0 + top, x0 + right, y0 + bottom)


def _crop(grey: Any, box: Box) -> Any:
    """A piece with a margin of paper around it, as the recognizer was trained on."""
    import numpy as np

    x0, y0, x1, y1 = box
    pad = max(3, (y1 - y0) // 4)
    crop = np.full((y1 - y0 + 2 * pad, x1 - x0 + 2 * pad), 255, dtype=np.uint8)
    crop[pad : pad + y1 - y0, pad : pad + x1 - x0] = grey[y0:y1, x0:x1]
    return crop


def _centre_in(box: Box, outer: Box) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


__all__ = ["MISSING", "ImageParser", "Scan", "missing_message", "read_scan"]
