"""What a report is, beyond its cells: printed before 2019, and when it was published.

The date matters to evaluators (条例第四十九条 sets deadlines): it is the
落款日期 at the end of the report, or the date the page shows (「时间：
2026-03-10」, a scraper's 「发布时间」), whichever the document has.
"""

from __future__ import annotations

import re
import unicodedata

from gongkai.errors import OldFormat
from gongkai.format import Format
from gongkai.format.ordinals import DATE, chinese_number, year_number
from gongkai.importers.base import Document, Line

_OLD_TABLE = re.compile(r"政府信息公开情况统计表|指标名称.{0,6}计量单位")
_CN_DATE = re.compile(DATE)
_PAGE_DATE = re.compile(r"(?:发布)?(?:时间|日期)\s*[:：]\s*(?P<date>(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2})")
_DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def old_format(doc: Document, year: int | None, cells_read: int, body: str) -> None:
    """Raise `OldFormat` for a report in the layout used before 2019 (its statistics table, no 2019 tables)."""
    if cells_read >= 3 or (year is not None and year >= 2019):
        return
    text = "".join(line.text for line in doc.lines)
    if _OLD_TABLE.search(text):
        on = f"{year} 年" if year else "年度不明"
        raise OldFormat(
            f"{doc.source}：2019 年以前格式的报告（{on}，附「政府信息公开情况统计表」），不按现行表格校验",
            body,
            year,
        )


def iso_date(text: str) -> str | None:
    """「2022-02-08 16:34」「2024年1月20日」「二〇二四年一月二十日」 → 2024-01-20; None if no date."""
    plain = unicodedata.normalize("NFKC", text)
    m = _DATE.search(plain)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        c = _CN_DATE.search(plain)
        if c is None:
            return None
        # a month or day that is no numeral (「一二月」) reads as 0: no date
        y, mo, d = year_number(c.group(1)), chinese_number(c.group(2)) or 0, chinese_number(c.group(3)) or 0
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def published(doc: Document, last: list[Line]) -> tuple[str, str] | None:
    """(ISO date, where) of the report: its 落款 at the end first, then a date the page showed."""
    tail = [line for line in last if line.text][-4:]
    for line in reversed(tail):
        text = re.sub(r"\s+", "", line.text)
        if len(text) <= 20:
            date = iso_date(text)
            if date:
                return date, line.where
    if "published" in doc.meta:
        value, where = doc.meta["published"]
        date = iso_date(value)
        if date:
            return date, where
    for line in doc.lines[:20]:  # a page saved line by line: 「来源：某镇 时间：2026-03-10」 above the report
        m = _PAGE_DATE.search(line.text)
        if m:
            date = iso_date(m.group("date"))
            if date:
                return date, line.where
    return None


def bare_tables(fmt: Format, headings: dict[str, Line], bodies: dict[str, list[Line]]) -> tuple[str, ...]:
    """The table parts printed as a heading with nothing under it: on a web page, a table put up as an image."""
    return tuple(
        p.table
        for p in fmt.parts
        if p.table and p.number in headings and not any(line.text for line in bodies.get(p.number, []))
    )
