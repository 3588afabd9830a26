"""Ruled tables in a page image: ruling lines by morphology, cells as the paper they enclose.

Long thin runs of ink, horizontal and vertical, are the table's rulings (text
strokes are shorter than the opening kernels). Each group of connected
rulings is one table; its outline is drawn in, so a table printed without an
outer border (a page break cut it) still closes. The paper regions the
rulings enclose are the cells; their edges, clustered, are the grid, and a
cell spanning several grid rows or columns is a merge — as pdfplumber
reports a text PDF's table: each row lists, per grid column, the cell that
starts there or None where a merge covers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels


@dataclass
class ScanTable:
    box: Box
    rows: list[list[Box | None]]  # grid rows top to bottom; per grid column the cell starting there


def find_tables(grey: Any, dpi: float) -> list[ScanTable]:
    """The ruled tables of a straightened grey page, top to bottom."""
    import cv2
    import numpy as np

    ink = (grey < 170).astype(np.uint8) * 255
    long_h = max(20, round(dpi * 0.35))
    long_v = max(12, round(dpi * 0.2))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_h, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long_v)))
    gap = max(3, round(dpi * 0.02))  # bridge small breaks in a ruling (JPEG, blur)
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap)))
    rulings = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(rulings, connectivity=8)
    tables: list[ScanTable] = []
    for k in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[k])
        if w < grey.shape[1] * 0.2 or h < dpi * 0.2:
            continue
        h_lines = _runs(horizontal[y : y + h, x : x + w].any(axis=1))
        v_lines = _runs(vertical[y : y + h, x : x + w].any(axis=0))
        if h_lines < 2 or v_lines < 2:
            continue  # a rule under a heading, a box around a paragraph: not a grid
        table = _cells(rulings[y : y + h, x : x + w].copy(), (x, y), dpi)
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda t: t.box[1])
    return tables


def _runs(mask: Any) -> int:
    """How many separate runs of True a 1-D mask has."""
    import numpy as np

    values = np.asarray(mask, dtype=np.int8)
    return int(((values[1:] == 1) & (values[:-1] == 0)).sum() + (values[0] == 1 if len(values) else 0))


def _cells(rulings: Any, origin: tuple[int, int], dpi: float) -> ScanTable | None:
    import cv2

    h, w = rulings.shape
    cv2.rectangle(rulings, (0, 0), (w - 1, h - 1), 255, 3)  # an outline the print may lack
    paper = 255 - rulings
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(paper, connectivity=4)
    small = dpi * 0.06
    ox, oy = origin
    boxes: list[Box] = []
    for k in range(1, count):
        x, y, bw, bh, _area = (int(v) for v in stats[k])
        if bw < small or bh < small:
            continue
        boxes.append((ox + x, oy + y, ox + x + bw, oy + y + bh))
    if len(boxes) < 2:
        return None
    tolerance = max(4, dpi * 0.03)
    xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes], tolerance)
    ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes], tolerance)
    grid: dict[int, dict[int, Box]] = {}
    for box in boxes:
        row, col = _nearest(ys, box[1]), _nearest(xs, box[0])
        grid.setdefault(row, {})[col] = box
    columns = sorted({c for r in grid.values() for c in r})
    rows = [[grid[r].get(c) for c in columns] for r in sorted(grid)]
    return ScanTable((ox, oy, ox + w, oy + h), rows)


def _cluster(values: list[int], tolerance: float) -> list[float]:
    """Edges within `tolerance` of each other are one grid line; each line at its mean."""
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _nearest(lines: list[float], value: int) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - value))
