"""Scanned copies of reports, made here as a scanner and an office would make them.

A text PDF (the project's own print of a bundled record, or the real published
fixture) is rasterised by `pdftoppm` in grey, then given what a scanner and a
seal add: a slight tilt, blur, JPEG compression and a red round stamp over
part of the text and of a table. The pages go back into a PDF without a text
layer (img2pdf), or are kept as page images.
"""

from __future__ import annotations

import io
import math
import random
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont


def page_images(pdf: Path, dpi: int, first: int | None = None, last: int | None = None) -> list[Image.Image]:
    """The PDF's pages as grey images, as `pdftoppm -r DPI -gray` draws them."""
    with tempfile.TemporaryDirectory() as tmp:
        args = ["pdftoppm", "-r", str(dpi), "-gray", "-png"]
        if first is not None:
            args += ["-f", str(first)]
        if last is not None:
            args += ["-l", str(last)]
        subprocess.run([*args, str(pdf), f"{tmp}/p"], check=True, capture_output=True)
        return [Image.open(p).copy() for p in sorted(Path(tmp).glob("p*.png"))]


def _stamp(size: int) -> Image.Image:
    """A red round seal with a star and a ring of text, as a transparent image."""
    seal = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    red = (215, 30, 35, 200)
    width = max(3, size // 40)
    draw.ellipse((width, width, size - width, size - width), outline=red, width=width)
    c, r = size / 2, size * 0.14
    star = [
        (
            c + (r if k % 2 == 0 else r * 0.4) * math.sin(k * math.pi / 5),
            c - (r if k % 2 == 0 else r * 0.4) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=red)
    try:
        font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", size // 9)
    except OSError:
        font = ImageFont.load_default()
    text = "民权县人民政府办公室"
    for k, ch in enumerate(text):
        angle = -110 + k * 220 / (len(text) - 1)
        x = c + size * 0.34 * math.sin(math.radians(angle))
        y = c - size * 0.34 * math.cos(math.radians(angle))
        glyph = Image.new("RGBA", (size // 7, size // 7), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((0, 0), ch, font=font, fill=red)
        glyph = glyph.rotate(-angle, expand=True)
        seal.alpha_composite(glyph, (int(x - glyph.width / 2), int(y - glyph.height / 2)))
    return seal


def scanner_noise(page: Image.Image, seed: int, stamp: tuple[float, float] | None = None) -> Image.Image:
    """The page as a scanner gives it: tilted 0.5–1.5°, blurred, a red seal at `stamp` (fractions of the page)."""
    rng = random.Random(seed)
    image = page.convert("RGB")
    if stamp is not None:
        size = int(image.width * 0.24)
        x, y = int(stamp[0] * image.width - size / 2), int(stamp[1] * image.height - size / 2)
        seal = Image.new("RGBA", image.size, (255, 255, 255, 0))
        seal.alpha_composite(_stamp(size), (x, y))
        paper = Image.new("RGB", image.size, (255, 255, 255))
        paper.paste(seal, mask=seal.getchannel("A"))
        image = ImageChops.multiply(image, paper)  # ink on ink: black stays black under the red, as on paper
    angle = rng.choice((-1, 1)) * rng.uniform(0.5, 1.5)
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    image = image.filter(ImageFilter.GaussianBlur(0.7))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return Image.open(io.BytesIO(out.getvalue()))


def scan(
    pdf: Path, out: Path, dpi: int, noise: bool = True, pages: tuple[int, int] | None = None, seed: int = 1
) -> Path:
    """A scanned copy of `pdf` (grey, noisy, stamped on its first and third pages), no text layer."""
    import img2pdf

    first, last = pages if pages else (None, None)
    images = page_images(pdf, dpi, first, last)
    blobs = []
    for k, page in enumerate(images):
        if noise:
            stamp = {0: (0.7, 0.16), 2: (0.6, 0.45)}.get(k)  # over the title, and over table 三's figures
            page = scanner_noise(page, seed + k, stamp)
        out_image = io.BytesIO()
        page.save(out_image, "JPEG", quality=70 if noise else 92, dpi=(dpi, dpi))
        blobs.append(out_image.getvalue())
    out.write_bytes(img2pdf.convert(blobs))
    return out
