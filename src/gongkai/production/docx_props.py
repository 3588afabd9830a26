"""The Word file's document properties: what Word's 「属性」 and a website's file list show.

Title and author are the report's own (the body publishes it), the dates are
the report's: 1 January of the year after it reports on, the day its figures
are final (the 条例 has it published by 31 January). No time of rendering,
so identical inputs give identical bytes; no 「python-docx」 or 「Microsoft
Macintosh Word」 left over from the library's template, and no thumbnail of
another document.
"""

from __future__ import annotations

import re
from html import escape

from gongkai.records.record import Record

CORE = "docProps/core.xml"
APP = "docProps/app.xml"
THUMBNAIL = "docProps/thumbnail.jpeg"


def core_xml(record: Record) -> str:
    when = f"{record.year + 1}-01-01T00:00:00Z"
    title, body = escape(record.title, quote=False), escape(record.body, quote=False)
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:subject>{record.year}年政府信息公开工作年度报告</dc:subject>"
        f"<dc:creator>{body}</dc:creator><cp:lastModifiedBy>{body}</cp:lastModifiedBy>"
        f"<cp:keywords>政府信息公开;年度报告;{escape(record.township, quote=False)};{record.year}</cp:keywords>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_xml(record: Record) -> str:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>gongkai</Application><DocSecurity>0</DocSecurity>"
        f"<Company>{escape(record.body, quote=False)}</Company>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc></Properties>"
    )


def set_properties(names: list[str], entries: dict[str, bytes], record: Record) -> list[str]:
    """The package's properties for `record`; the names left in the package (the thumbnail dropped)."""
    entries[CORE] = core_xml(record).encode("utf-8")
    entries[APP] = app_xml(record).encode("utf-8")
    rels = entries["_rels/.rels"].decode("utf-8")
    entries["_rels/.rels"] = re.sub(r"<Relationship [^>]*Target=\"docProps/thumbnail\.jpeg\"/>", "", rels).encode()
    types = entries["[Content_Types].xml"].decode("utf-8")
    entries["[Content_Types].xml"] = re.sub(r'<Default Extension="jpeg"[^>]*/>', "", types).encode("utf-8")
    return [name for name in names if name != THUMBNAIL]
