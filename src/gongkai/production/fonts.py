"""TrueType subsets of Noto CJK SC for printing: Chromium embeds them as small CID TrueType fonts.

Noto CJK's outlines are CFF; Chromium embeds CFF text as one Type 3 font per
few hundred glyphs, which costs more than half of its printing time and makes
PDFs other tools read poorly. A TrueType face (quadratic outlines, `glyf`) is
embedded as a `CIDFontType2` subset instead, as the PDFs published by
government offices embed 宋体 and 黑体.

The four faces the printed pages use (serif and sans, regular and bold) are
subset to GB2312, ASCII and the symbols the pages print, converted to TrueType
and renamed ("Gongkai Serif SC", "Gongkai Sans SC": the fonts are OFL, whose
modified versions must not carry the original names; the copyright and licence
records are kept). Characters outside the subset fall back to Noto per
character. The result is cached outside the repository, keyed by the source
files and this converter's version, so every clone and venv shares it:
`python -m gongkai.production.fonts` (run by `make fonts`) builds it once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gongkai.errors import GongkaiError
from gongkai.procs import Workers

# Bump when the output of convert() changes: the cache key includes it.
CONVERTER_VERSION = "1"
CONF_NAME = "fonts.conf"
SYSTEM_CONF = "/etc/fonts/fonts.conf"

# What horizontal Chinese text needs (composition, Chinese forms, Latin
# ligatures and kerning, marks, the half-width punctuation Chromium's
# text-spacing-trim asks for). Leaving out the rest (aalt, vert, fwid, ...)
# makes subsetting several times faster and the fonts smaller.
LAYOUT_FEATURES = ("ccmp", "locl", "liga", "calt", "kern", "mark", "halt", "palt")

# Unicode blocks kept besides GB2312 (only what the source face has is kept):
# ASCII, Latin-1, punctuation, letterlike symbols, number forms, arrows, maths,
# enclosed numbers, box drawing, shapes, symbols (⚠), dingbats (✓ ✗), CJK
# punctuation, enclosed CJK, full-width forms.
EXTRA_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x2010, 0x206F),
    (0x2100, 0x218F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x2460, 0x24FF),
    (0x2500, 0x257F),
    (0x25A0, 0x25FF),
    (0x2600, 0x26FF),
    (0x2700, 0x27BF),
    (0x3000, 0x303F),
    (0x3200, 0x32FF),
    (0xFF00, 0xFFEF),
)


@dataclass(frozen=True)
class Face:
    """One converted face: the Noto face it comes from and the names it gets."""

    source_family: str
    family: str
    style: str  # "Regular" or "Bold"

    @property
    def file_name(self) -> str:
        return f"{self.family.replace(' ', '')}-{self.style}.ttf"


FACES = (
    Face("Noto Serif CJK SC", "Gongkai Serif SC", "Regular"),
    Face("Noto Serif CJK SC", "Gongkai Serif SC", "Bold"),
    Face("Noto Sans CJK SC", "Gongkai Sans SC", "Regular"),
    Face("Noto Sans CJK SC", "Gongkai Sans SC", "Bold"),
)
# What the print path puts in front of each Noto family it finds in a page's styles.
PRINT_FAMILIES = {face.source_family: face.family for face in FACES}


@cache
def charset() -> frozenset[int]:
    """GB2312 (all 7,445 characters: hanzi, punctuation, symbols) plus EXTRA_RANGES."""
    chars = {c for lo, hi in EXTRA_RANGES for c in range(lo, hi + 1)}
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes((b1, b2)).decode("gb2312")))
    return frozenset(chars)


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gongkai" / "fonts"


def _source(face: Face) -> tuple[str, int]:
    """The file and collection index fontconfig gives for the Noto face; a clear error when it is missing."""
    pattern = f"{face.source_family}:style={face.style}"
    try:
        done = subprocess.run(
            ["fc-match", "--format=%{file}\n%{index}\n%{family}\n%{style}", pattern],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        raise FontsMissing("找不到 fc-match（fontconfig）：无法定位 Noto CJK 字体") from None
    lines = done.stdout.split("\n")
    if len(lines) < 4 or face.source_family not in lines[2].split(",") or face.style not in lines[3].split(","):
        raise FontsMissing(f"系统中没有字体 {face.source_family} {face.style}：请安装 Debian 软件包 fonts-noto-cjk")
    return lines[0], int(lines[1] or 0)


class FontsMissing(Exception):
    """The Noto CJK source faces are not installed."""


def sources() -> dict[Face, tuple[str, int]]:
    return {face: _source(face) for face in FACES}


def cache_key(found: dict[Face, tuple[str, int]]) -> str:
    """Source files (path, size, mtime, index), converter version, features and character set."""
    digest = hashlib.sha256(f"{CONVERTER_VERSION}|{','.join(LAYOUT_FEATURES)}".encode())
    digest.update(hashlib.sha256(",".join(map(str, sorted(charset()))).encode()).digest())
    for face, (path, index) in found.items():
        st = os.stat(path)
        digest.update(f"|{face.file_name}|{os.path.realpath(path)}|{st.st_size}|{st.st_mtime_ns}|{index}".encode())
    return digest.hexdigest()[:16]


def installed() -> Path | None:
    """The cache folder of converted fonts for the installed Noto faces, or None when not built."""
    try:
        folder = cache_root() / cache_key(sources())
    except (FontsMissing, OSError):
        return None
    if (folder / CONF_NAME).is_file() and all((folder / face.file_name).is_file() for face in FACES):
        return folder
    return None


def _names(font: Any, face: Face) -> None:
    """Rename the family (OFL: a modified font drops the original names); keep copyright and licence."""
    postscript = face.file_name.removesuffix(".ttf")
    new = {
        1: face.family,
        2: face.style,
        3: f"{postscript};gongkai-{CONVERTER_VERSION}",
        4: f"{face.family} {face.style}" if face.style != "Regular" else face.family,
        6: postscript,
    }
    table = font["name"]
    table.names = [rec for rec in table.names if rec.nameID not in (16, 17, 18, 20, 21, 22, 25)]
    for rec in table.names:
        if rec.nameID in new:
            rec.string = new[rec.nameID]


def convert(source: str, index: int, face: Face, out: str) -> float:
    """Subset, convert CFF to TrueType (cu2qu, 1 unit tolerance), rename, save; seconds taken."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    start = time.perf_counter()
    font = TTFont(source, fontNumber=index, recalcTimestamp=False)
    outlines = TTFont(source, fontNumber=index).getGlyphSet()
    font.getGlyphOrder()
    # The subsetter never sees the CFF table: its CFF pass (closure, hint and
    # subroutine removal) takes minutes and its result would be thrown away.
    del font["CFF "]
    options = subset.Options()
    options.layout_features = list(LAYOUT_FEATURES)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "BASE"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=charset())
    subsetter.subset(font)

    order = font.getGlyphOrder()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        outlines[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    font.sfntVersion = "\x00\x01\x00\x00"
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: nothing reads them, and they would double the size
    _names(font, face)
    font.save(out)
    return time.perf_counter() - start


def _conf(folder: Path) -> str:
    """The system configuration plus the cache folder: Chromium finds the fonts without installing them."""
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{SYSTEM_CONF}</include>\n'
        f"  <dir>{folder}</dir>\n</fontconfig>\n"
    )


Task = tuple[str, int, Face, str]  # source file, face index in it, the face, where its TrueType goes


def _convert(task: Task) -> float:
    return convert(*task)


def _lost(task: Task, reason: str) -> float:
    raise GongkaiError(f"字体 {task[2].file_name} 转换失败：{reason}")


def build(*, workers: int | None = None) -> tuple[Path, dict[str, float]]:
    """Convert the faces in parallel processes into a fresh folder, then rename it into place.

    Returns the folder and the seconds each face took (empty when it was already built).
    """
    found = sources()
    root = cache_root()
    folder = root / cache_key(found)
    if installed() == folder:
        return folder, {}
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=root))
    try:
        jobs = workers or min(len(FACES), os.cpu_count() or 1)
        tasks = [(path, index, face, str(tmp / face.file_name)) for face, (path, index) in found.items()]
        with Workers[Task, float](jobs, role="字体转换") as pool:  # the project's one pool (gongkai.procs)
            took = {task[2].file_name: s for task, s in zip(tasks, pool.map(_convert, tasks, _lost), strict=True)}
        (tmp / CONF_NAME).write_text(_conf(folder), encoding="utf-8")
        tmp.chmod(0o755)
        try:
            tmp.rename(folder)
        except OSError:
            if installed() != folder:  # another build won the race: theirs is as good as ours
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder, took


def print_css(html: str) -> str:
    """The page with the Gongkai families put in front of the Noto ones inside its <style> blocks.

    Only the print path does this: the published page stays as it is (a reader's
    browser has no Gongkai fonts). Characters the subset lacks fall back to Noto.
    """
    import re

    def swap(match: re.Match[str]) -> str:
        block = match.group(0)
        for noto, ours in PRINT_FAMILIES.items():
            block = block.replace(f'"{noto}"', f'"{ours}", "{noto}"')
        return block

    return re.sub(r"<style[^>]*>.*?</style>", swap, html, flags=re.DOTALL)


def main() -> int:
    """`make fonts`: build once (about a minute on two cores), seconds when present."""
    start = time.perf_counter()
    try:
        folder, took = build()
    except FontsMissing as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"错误：无法写入字体缓存目录 {cache_root()}：{e.strerror or e}", file=sys.stderr)
        return 1
    if took:
        faces = "，".join(f"{name} {seconds:.0f} 秒" for name, seconds in took.items())
        print(f"已生成打印用 TrueType 字体（{faces}；共 {time.perf_counter() - start:.0f} 秒）：{folder}")
    else:
        print(f"打印用 TrueType 字体已就绪：{folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
