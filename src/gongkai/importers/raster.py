"""Page images of a scanned report, cleaned for reading: grey, red stamps faded out, straightened.

A PDF's pages are rasterised by pdfium (pypdfium2, which pdfplumber
brings) at 200 dpi in this process, in colour: the red of an official seal is what lets us
fade it out, as the red channel of a grey page. A page image (PNG, JPEG) is
read as it is. A scanner tilts pages by a degree or so; the tilt is found
from the page's ink (the angle at which its rows of ink are sharpest) and
undone, so ruling lines are level and cells are boxes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.errors import NotAReport

DPI = 200  # the resolution pages are read at; coordinates are turned into points (1/72 in) from it
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
MAX_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 Mpx; a larger image is not a page


@dataclass
class Page:
    number: int
    grey: Any  # uint8, ink dark on white, straightened
    dpi: float
    tilt: float  # degrees undone


def pages(path: Path, max_pages: int) -> Iterator[Page]:
    """Each page of a PDF or a page image, cleaned; one at a time, so memory holds one page."""
    import cv2

    if path.suffix.lower() in IMAGE_SUFFIXES:
        yield _page(1, _read_image(path), _image_dpi(path))
        return
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as e:
        raise NotAReport(f"{path.name}：无法读取的 PDF（{e}）") from None
    try:
        if len(pdf) > max_pages:
            raise NotAReport(f"{path.name}：PDF 有 {len(pdf)} 页，超过上限 {max_pages} 页，不像一份年度报告")
        for number in range(1, len(pdf) + 1):
            page = pdf[number - 1]
            bitmap = page.render(scale=DPI / 72, may_draw_forms=False)
            image = cv2.cvtColor(bitmap.to_numpy(), cv2.COLOR_BGRA2BGR) if bitmap.n_channels == 4 else bitmap.to_numpy()
            page.close()
            yield _page(number, image.copy(), float(DPI))
    finally:
        pdf.close()


def _read_image(path: Path) -> Any:
    import cv2
    from PIL import Image

    try:
        with Image.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                raise NotAReport(f"{path.name}：图片有 {im.width}×{im.height} 像素，超过一页的上限，未读取")
    except (OSError, Image.DecompressionBombError) as e:
        raise NotAReport(f"{path.name}：无法读取的图片（{type(e).__name__}）") from None
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise NotAReport(f"{path.name}：无法读取的图片")
    return image


def _image_dpi(path: Path) -> float:
    """The resolution a page image states, else guessed from its width as an A4 page."""
    from PIL import Image

    with Image.open(path) as im:
        stated = im.info.get("dpi")
        width = im.width
    if stated and 72 <= float(stated[0]) <= 1200:
        return float(stated[0])
    return max(72.0, width / 8.27)


def _page(number: int, image: Any, dpi: float) -> Page:
    grey = fade_red(image)
    angle = tilt(grey)
    return Page(number, rotate(grey, angle) if abs(angle) >= 0.05 else grey, dpi, angle)


def fade_red(image: Any) -> Any:
    """Grey page with red ink (a seal) faded: the red channel, where red is as light as the paper."""
    import numpy as np

    if image.ndim == 2:
        return image
    blue, green, red = image[:, :, 0], image[:, :, 1], image[:, :, 2]
    grey: Any = np.minimum(np.minimum(blue, green), red)
    reddish = (red.astype(np.int16) - np.maximum(blue, green).astype(np.int16)) > 40
    grey[reddish] = red[reddish]
    return grey


def tilt(grey: Any) -> float:
    """The scanner's tilt in degrees: the angle whose rows of ink have the sharpest profile."""
    import cv2
    import numpy as np

    scale = 800 / max(grey.shape[1], 1)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = (255 - small).astype(np.float32)
    ink[ink < 60] = 0

    def sharpness(angle: float) -> float:
        rows = rotate(ink, angle, border=0).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-3.0, 3.01, 0.25), key=sharpness)
    fine = max(np.arange(best - 0.25, best + 0.26, 0.05), key=sharpness)
    return float(round(fine, 2))


def rotate(image: Any, angle: float, border: int = 255) -> Any:
    import cv2

    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )
