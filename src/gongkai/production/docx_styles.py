"""The Word file's look: the official document style by default, or an office's own template.

GB/T 9704《党政机关公文格式》: title in 方正小标宋简体 2号 (22 pt), body in
仿宋_GB2312 3号 (16 pt), first-level headings 黑体, second-level 楷体_GB2312,
each 3号; the styles themselves are made in production/word.py. Few machines
outside an office have those faces, so the font table names the one Word and
WPS fall back to (w:altName: 宋体, 仿宋, 楷体); LibreOffice maps them by its own table.

An office's template (a .docx or .dotx, as pandoc's reference documents) gives
its styles instead: our paragraphs use its 「Title」「heading 1」「heading 2」
「Body Text」 (or 「Normal」) where it has them, matched by style name, so
Chinese Word's numeric style ids work too. The template's page set-up and
text are not taken: the page is the format's (format/page.py).
"""

from __future__ import annotations

import re
import zipfile
from functools import cache
from io import BytesIO
from pathlib import Path

from gongkai.errors import InputError

LATIN = "Times New Roman"
# Style ids of our paragraph styles (production/word.py defines the styles; python-docx drops their names' spaces).
TITLE, HEADING, TABLE, BODY, ITEM = "GKTitle", "GKHeading", "GKTable", "GKBody", "GKListItem"


# What Word/WPS use when an official face is not installed (fontTable.xml's altName).
FALLBACK = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "黑体": "黑体"}
# Our style → the name of the template's own style it becomes (lower case, as Word stores built-in names).
TEMPLATE_NAMES = {
    TITLE: ("title",),
    HEADING: ("heading 1",),
    "GKSubheading1": ("heading 2",),
    "GKSubheading2": ("heading 3",),
    "GKSubheading3": ("heading 4",),
    BODY: ("body text", "normal"),
}


def font_table(fonts_xml: str) -> str:
    """fontTable.xml naming each official face and the one to use where it is missing."""
    added = "".join(
        f'<w:font w:name="{face}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        for face, alt in FALLBACK.items()
        if alt != face
    )
    added += '<w:font w:name="黑体"><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
    return fonts_xml.replace("</w:fonts>", added + "</w:fonts>")


def read_template(path: Path) -> dict[str, bytes]:
    """The parts of an office's .docx/.dotx that carry its look: styles, theme, font table."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "word/styles.xml" not in names:
                raise InputError(f"Word 模板 {path} 中没有样式（word/styles.xml）：请给出 .docx 或 .dotx 文件")
            parts = ("word/styles.xml", "word/theme/theme1.xml", "word/fontTable.xml")
            return {name: z.read(name) for name in parts if name in names}
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError(f"无法读取 Word 模板 {path}：不是 .docx/.dotx 文件（{e.__class__.__name__}）") from None


def template_bytes(path: Path) -> bytes:
    """The template's look as one small zip, for a job to carry to any worker (no shared folder needed)."""
    st = path.stat()
    return _template_bytes(path.resolve(), st.st_mtime_ns, st.st_size)


@cache
def _template_bytes(path: Path, mtime_ns: int, size: int) -> bytes:
    """Read once per run and per version of the file (a bulk run asks for each report)."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in sorted(read_template(path).items()):
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def apply_template(entries: dict[str, bytes], document: str, template: bytes) -> str:
    """Take the template's styles, theme and fonts; point our paragraphs at its styles. Returns document.xml."""
    with zipfile.ZipFile(BytesIO(template)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    styles = re.sub(r"<w:numPr>.*?</w:numPr>", "", parts["word/styles.xml"].decode("utf-8"), flags=re.S)
    by_name = {
        m.group(2).lower(): m.group(1)
        for m in re.finditer(
            r'<w:style\b[^>]*w:type="paragraph"[^>]*w:styleId="([^"]+)"[^>]*>\s*<w:name w:val="([^"]+)"', styles
        )
    }
    missing = []
    for ours, names in TEMPLATE_NAMES.items():
        theirs = next((by_name[n] for n in names if n in by_name), None)
        if theirs is None:
            missing.append(ours)
            continue
        document = document.replace(f'<w:pStyle w:val="{ours}"/>', f'<w:pStyle w:val="{theirs}"/>')
    normal = by_name.get("normal", "Normal")
    table = (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{TABLE}"><w:name w:val="GK Table"/>'
        f'<w:basedOn w:val="{normal}"/><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr></w:style>'
    )
    own = entries["word/styles.xml"].decode("utf-8")  # our definitions, for what the template lacks
    found = [re.search(rf'<w:style\b[^>]*w:styleId="{sid}".*?</w:style>', own, re.S) for sid in [*missing, ITEM]]
    ours = "".join(m.group() for m in found if m)
    ours = ours.replace('<w:basedOn w:val="Normal"/>', f'<w:basedOn w:val="{normal}"/>')
    entries["word/styles.xml"] = styles.replace("</w:styles>", table + ours + "</w:styles>").encode("utf-8")
    for name in ("word/theme/theme1.xml", "word/fontTable.xml"):
        if name in parts and name in entries:
            entries[name] = parts[name]
    return document
