"""The print faces: TrueType subsets of Noto CJK SC that Chromium embeds as CID TrueType fonts, not Type 3."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import DATA, REPO
from gongkai.importers.pdf import parse_pdf
from gongkai.production import fonts
from gongkai.production.render import Printer

# What the pages print besides hanzi: checks' marks, comparisons, full-width punctuation (✗ is in no Noto
# CJK face: it comes from a fallback font either way).
SYMBOLS = "✓⚠≠≤≥（）、；：，。“”《》·—−〇①％～±×÷"
RARE = "堃𠮷"  # outside GB2312: printed with Noto, per character


@pytest.fixture(scope="module")
def folder() -> Path:
    found = fonts.installed()
    assert found is not None, "the print faces are not built: run `make fonts`"
    return found


def test_faces_are_truetype_subsets_covering_gb2312_and_symbols(folder: Path) -> None:
    from fontTools.ttLib import TTFont

    gb2312 = {c for c in fonts.charset() if chr(c).isprintable() and _in_gb2312(chr(c))}
    assert len(gb2312) > 7400
    for face in fonts.FACES:
        font = TTFont(folder / face.file_name, lazy=True)
        assert "glyf" in font and "CFF " not in font, face
        cmap = set(font.getBestCmap())
        assert gb2312 - cmap == set(), face
        assert {ord(c) for c in SYMBOLS} - cmap == set(), face
        assert ord("堃") not in cmap  # a subset: rarer characters come from Noto
        names = {rec.nameID: rec.toUnicode() for rec in font["name"].names if rec.platformID == 3}
        assert names[1] == face.family and names[2] == face.style
        assert "Adobe" in names[0] and "Open Font License" in names[13]  # OFL: copyright and licence kept
        assert "Noto" not in names[1] + names[4] + names[6]  # a modified OFL font drops the original names


def test_every_character_the_pages_and_records_print_is_covered(folder: Path) -> None:
    """A symbol added to the official format, the templates or the bundled records must be in the subset."""
    from fontTools.ttLib import TTFont

    cmap = set(TTFont(folder / fonts.FACES[0].file_name, lazy=True).getBestCmap())
    sources = [*(REPO / "src/gongkai/format").rglob("*.*"), *(REPO / "src/gongkai/templates").rglob("*.*")]
    sources += [*(REPO / "src/gongkai/pages").glob("*.py"), *DATA.rglob("*.yaml")]
    text = "".join(p.read_text(encoding="utf-8") for p in sources if p.suffix in {".py", ".yaml", ".css", ".j2"})
    missing = {c for c in text if ord(c) > 0x7F and c.isprintable() and ord(c) not in cmap}
    assert missing == set()


def test_print_css_prepends_gongkai_families_in_styles_only() -> None:
    html = '<style>body { font-family: "Noto Serif CJK SC", serif; }</style><p>"Noto Serif CJK SC"</p>'
    printed = fonts.print_css(html)
    assert '<style>body { font-family: "Gongkai Serif SC", "Noto Serif CJK SC", serif; }</style>' in printed
    assert printed.endswith('<p>"Noto Serif CJK SC"</p>')


def test_without_a_build_the_fonts_are_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert fonts.installed() is None
    assert fonts.cache_root() == tmp_path / "gongkai" / "fonts"


def test_printed_pdf_embeds_truetype_and_extracts_text(folder: Path, seed_render: Path, tmp_path: Path) -> None:
    html = (seed_render / "report.html").read_text(encoding="utf-8")
    township = f"<p>测试{RARE}村委会</p>"
    rare = html.replace("</main>", f"{township}</main>", 1)
    assert rare != html
    with Printer() as printer:
        plain, with_rare = printer.pdf(html, "胡集乡"), printer.pdf(rare, "胡集乡")
    kinds = _font_types(plain, tmp_path / "plain.pdf")
    assert kinds.get("CID TrueType", 0) >= 3, kinds  # serif, serif bold, sans bold (headings)
    assert kinds.get("Type 3", 0) == 0, kinds
    text = _text(plain, tmp_path / "plain.pdf")
    assert "胡集乡人民政府2021年政府信息公开工作年度报告" in text
    assert "通过民权网公开各类活动、传达会议精神等共计154条" in text
    assert "-1-" in text  # the footer's page number prints too
    # One character per glyph: Noto's Type 3 glyphs read back as 戶 and as vertical forms ︵︶︑.
    assert "户籍管理" in text and "第二十条第（一）项" in text
    assert not set(text) & set("戶︵︶︑")
    # Noto's glyph for 堃 sits 3 pt higher in pdfminer's boxes than ours: the importer still reads one line.
    (tmp_path / "rare.pdf").write_bytes(with_rare)
    lines = [re.sub(r"\s+", "", line.text) for line in parse_pdf(tmp_path / "rare.pdf").lines]
    assert f"测试{RARE}村委会" in lines


def _in_gb2312(c: str) -> bool:
    try:
        c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return ord(c) > 0x7F


def _font_types(pdf: bytes, path: Path) -> dict[str, int]:
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    kinds: dict[str, int] = {}
    for line in out.splitlines()[2:]:
        match = re.search(r"(CID TrueType|TrueType|Type 3|CID Type 0C|Type 1C|Type 1)\b", line)
        kind = match.group(1) if match else line
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def _text(pdf: bytes, path: Path) -> str:
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)
