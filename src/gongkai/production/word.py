"""The official document as a Word file, for offices that edit in Word or WPS before publishing.

The tables come from the layout value of pages/layout.py, which the HTML
tables are drawn from too: its rows, spans, roles and widths become real Word
tables with merged cells (gridSpan, vMerge). Fonts carry their
East-Asian names (宋体 text, 黑体 headings) so Word and WPS pick Chinese faces.
The bytes depend on the record alone: fixed core properties, fixed zip dates.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from html import escape
from typing import Any

from gongkai.format import Part
from gongkai.format.page import PAGE
from gongkai.pages import markdown
from gongkai.pages.layout import Role, Slot, layout
from gongkai.production import docx_props, docx_styles
from gongkai.production.docx_styles import BODY, HEADING, ITEM, TABLE, TITLE
from gongkai.records import narrative
from gongkai.records.display import show
from gongkai.records.record import Record

# GB/T 9704: title 方正小标宋简体 2号, body 仿宋_GB2312 3号, headings 黑体, second level 楷体_GB2312;
# fontTable.xml names the face Word/WPS use where one is missing (production/docx_styles.py).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"  # the second level of an official document: （一） in 楷体
LATIN_FONT = "Times New Roman"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TEXT_WIDTH_MM = PAGE.text_width
TWIPS_PER_MM = 1440 / 25.4
# The narrative's sub-headings, by level: real headings (an outline level) that the importer reads back.
SUBHEADINGS = ("GKSubheading1", "GKSubheading2", "GKSubheading3")
BODY_MARK = "GK-BODY-7f3a"  # the paragraph replaced by each report's body
MARKER_PARAGRAPH = re.compile(r"<w:p>(?:(?!<w:p>).)*?" + BODY_MARK + r".*?</w:p>", re.S)


def _fonts(element: Any, east_asia: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set a style's or run's fonts, East-Asian name included (python-docx sets only the Latin one)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    element.font.name = LATIN_FONT
    rpr = element.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    if size is not None:
        element.font.size = Pt(size)
    if bold is not None:
        element.font.bold = bold


def _styles(document: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    normal = document.styles["Normal"]
    _fonts(normal, BODY_FONT, 16)
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(0)
    for name, font, size, centre in (
        ("GK Title", TITLE_FONT, 22, True),
        ("GK Heading", HEADING_FONT, 16, False),
        ("GK Table", BODY_FONT, 9, True),
    ):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _fonts(style, font, size, bold=name not in ("GK Table",))
        fmt = style.paragraph_format
        if centre:
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if name == "GK Table":
            fmt.line_spacing = 1.0
        else:
            fmt.keep_with_next = True
            fmt.space_before = Pt(6)
            fmt.space_after = Pt(6 if name == "GK Title" else 0)
    body = document.styles.add_style("GK Body", WD_STYLE_TYPE.PARAGRAPH)
    body.base_style = normal
    body.paragraph_format.first_line_indent = Pt(32)  # two characters of 3号
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _narrative_styles(document)


def _narrative_styles(document: Any) -> None:
    """Sub-headings with outline levels (Word's navigation pane lists them; import reads them back), list items."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    body = document.styles["GK Body"]
    for level, (font, bold) in enumerate(((SUBHEADING_FONT, False), (BODY_FONT, True), (BODY_FONT, True)), 1):
        style = document.styles.add_style(f"GK Subheading {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = body
        _fonts(style, font, 12, bold=bold)
        style.paragraph_format.keep_with_next = True
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level))  # 0 would be the part headings' level
        style.element.get_or_add_pPr().append(outline)
    item = document.styles.add_style("GK List Item", WD_STYLE_TYPE.PARAGRAPH)
    item.base_style = document.styles["List Paragraph"]
    item.paragraph_format.left_indent = Pt(0)
    item.paragraph_format.first_line_indent = Pt(32)


def _page(document: Any, alert: str) -> None:
    """A4, the margins of printed government documents, `- 1 -` centred in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE.width), Mm(PAGE.height)
    section.top_margin, section.bottom_margin = Mm(PAGE.top), Mm(PAGE.bottom)
    section.left_margin, section.right_margin = Mm(PAGE.left), Mm(PAGE.right)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" -")
    if alert:  # a failing or invented report says so on every page, as its PDF does
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run(alert)
        run.font.bold = True
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)


def _run(text: str, bold: bool = False, size: float | None = None) -> str:
    props = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{round(size * 2)}"/>' if size else "")
    props = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text, quote=False)}</w:t></w:r>'


def _p(style: str, runs: str, keep: bool = False, align: str = "") -> str:
    """One paragraph as WordprocessingML (python-docx's object API costs seconds on tables this size)."""
    extra = ("<w:keepNext/>" if keep else "") + (f'<w:jc w:val="{align}"/>' if align else "")
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra}</w:pPr>{runs}</w:p>'


def _narrative(text: str) -> list[str]:
    """The part's blocks as paragraphs: sub-headings in their levels' styles, items with their numbers."""
    out: list[str] = []
    for block in narrative.parse(text):
        if block.kind is narrative.Kind.SUBHEADING:
            style = SUBHEADINGS[min(block.level, len(SUBHEADINGS)) - 1]
            out.append(_p(style, _inline(_inline_tokens(block.text)), keep=True))
        elif block.kind is narrative.Kind.ITEM:
            prefix = "" if markdown.own_number(block.plain) else "· "
            out.append(_p(ITEM, (_run(prefix) if prefix else "") + _inline(_inline_tokens(block.text))))
        else:  # a paragraph; a table or quote kept in the Markdown gives one paragraph per line of text
            out += [_p(BODY, _inline(t.children or [])) for t in markdown.parse(block.text) if t.type == "inline"]
    return out


def _inline_tokens(text: str) -> list[Any]:
    return [child for t in markdown.parse_inline(text) for child in (t.children or [])]


def _inline(children: list[Any]) -> str:
    runs, bold = [], False
    for child in children:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type in ("softbreak", "hardbreak"):
            runs.append("<w:r><w:br/></w:r>")
        elif child.content:
            runs.append(_run(child.content, bold))
    return "".join(runs)


def _tc(width: int, span: int, merge: str, slot: Slot | None, text: str, size: float, keep: bool) -> str:
    """One table cell; `merge` is "restart", "continue" or "" (python-docx's vMerge vocabulary)."""
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if merge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        props += "<w:vMerge/>"
    if slot is not None and slot.role is Role.GROUP:  # table 三's vertical 三、本年度办理结果 and （三）–（六）
        props += '<w:textDirection w:val="tbRlV"/>'
    props += '<w:vAlign w:val="center"/>'
    runs = ""
    align = ""
    if slot is not None:
        runs = _run(text, bold=slot.role is Role.ITEM, size=size)
        align = "left" if slot.role in (Role.LABEL, Role.ITEM) else ""
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(TABLE, runs, keep=keep, align=align)}</w:tc>"


def _table(record: Record, table_id: str) -> str:
    """A Word table of the table's layout (pages/layout.py): the cells, spans and column shares the HTML has."""
    laid = layout(record.format.table(table_id))
    rows = laid.placed()
    widths = [round(TEXT_WIDTH_MM * share / 100 * TWIPS_PER_MM) for share in laid.widths]
    size = 8.0 if table_id == "table3" else 9.0
    starts = {(r, c): slot for r, row in enumerate(rows) for c, slot in row}
    below: dict[tuple[int, int], int] = {}  # grid slots covered by a cell from a row above → its colspan
    for (r, c), slot in starts.items():
        for k in range(1, slot.rowspan):
            below[(r + k, c)] = slot.colspan
    heights = _vertical_label_heights(rows, size)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    xml = [
        "<w:tbl>"
        f'<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
    ]
    head = _header_rows(rows)
    for r in range(len(rows)):
        # the heading (keepNext) holds on to the header rows, they to the first two rows of figures;
        # the rest may break between pages, where Word repeats the header rows (tblHeader)
        keep = r <= head and r < len(rows) - 1
        height = f'<w:trHeight w:val="{round(heights[r] * 20)}" w:hRule="atLeast"/>' if heights[r] else ""
        height += "<w:tblHeader/>" if r < head else ""
        cells, c = [], 0
        while c < len(widths):
            if (r, c) in starts:
                slot = starts[(r, c)]
                merge = "restart" if slot.rowspan > 1 else ""
                span = slot.colspan
                text = show(record.cells[slot.key], slot.kind) if slot.key is not None else slot.text
                cells.append(_tc(sum(widths[c : c + span]), span, merge, slot, text, size, keep))
            else:
                span = below.get((r, c), 1)
                cells.append(_tc(sum(widths[c : c + span]), span, "continue", None, "", size, keep))
            c += span
        xml.append(f"<w:tr><w:trPr><w:cantSplit/>{height}</w:trPr>{''.join(cells)}</w:tr>")
    xml.append("</w:tbl>")
    return "".join(xml)


def _header_rows(rows: list[list[tuple[int, Slot]]]) -> int:
    """How many rows at the top hold column headings only: they repeat on each page the table spans.

    A block's own heading row (表二's 第二十条第（一）项, an item) or a row label is no column header.
    """
    count = 0
    for row in rows:
        if not row or any(slot.role not in (Role.HEADER, Role.CORNER) for _, slot in row):
            break
        count += 1
    return count


def _vertical_label_heights(rows: list[list[tuple[int, Slot]]], size: float) -> list[float]:
    """Row heights (pt) tall enough for the vertical group labels: Word and LibreOffice clip them otherwise."""
    least = [0.0] * len(rows)
    for r, row in enumerate(rows):
        for _, slot in row:
            if slot.role is Role.GROUP:
                need = (len(slot.text) * 1.15 + 1) * size
                for k in range(r, r + slot.rowspan):
                    least[k] = max(least[k], need / slot.rowspan)
    return least


def report_docx(record: Record, alert: str = "", template: bytes = b"") -> bytes:
    """The six official parts with their four tables, as .docx bytes."""
    body = [
        *(_p(TITLE, _run(line), keep=True) for line in record.title_lines),
    ]
    if alert:
        body.append(_p(TABLE, _run(f"【{alert}】", bold=True)))
    part: Part
    for part in record.format.parts:
        body.append(_p(HEADING, _run(part.heading), keep=True))
        if part.narrative:
            body += _narrative(record.parts[part.narrative])
        else:
            assert part.table is not None
            body.append(_table(record, part.table))
    names, entries = _skeleton(alert)
    document = entries["word/document.xml"].decode("utf-8")
    document = MARKER_PARAGRAPH.sub(lambda _: "".join(body), document, count=1)
    changed = dict(entries)
    if template:  # an office's look (production/docx_styles.py)
        document = docx_styles.apply_template(changed, document, template)
    changed["word/document.xml"] = document.encode("utf-8")
    names = tuple(docx_props.set_properties(list(names), changed, record))  # the report's own properties
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, changed.get(name, entries[name]), compresslevel=1)
    return out.getvalue()


@lru_cache(maxsize=16)
def _skeleton(alert: str) -> tuple[tuple[str, ...], dict[str, bytes]]:
    """The package around the body, built once per alert: styles, page, footer, fixed core properties.

    Loading python-docx's template and compressing its 800 KB of styles for
    every report would cost more than the rest of the Word file.
    """
    from docx import Document

    document = Document()
    _styles(document)
    _page(document, alert)
    document.add_paragraph(BODY_MARK)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        names = tuple(info.filename for info in source.infolist())
        entries = {name: source.read(name) for name in names}
    entries["word/fontTable.xml"] = docx_styles.font_table(entries["word/fontTable.xml"].decode("utf-8")).encode()
    return names, entries
