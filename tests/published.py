"""Published reports made from bundled records, some with a planted defect: the audit's corpus.

Every kind the importer reads, as offices publish them: a web page (the
report's parts as HTML), the project's Word file (production/word.py), the
project's PDF (the published parts printed by its Chromium printer) and plain
text (what copying the web page gives: one line a paragraph, table cells
separated by tabs).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from gongkai.pages import markdown
from gongkai.pages.tables import table_html
from gongkai.records.record import Record

KINDS = ("html", "docx", "pdf", "txt")


def published_html(record: Record) -> str:
    out = [f"<h1>{record.title}</h1>"]
    for part in record.format.parts:
        out.append(f"<h2>{part.heading}</h2>")
        out.append(
            markdown.to_html(record.parts[part.narrative]) if part.narrative else table_html(record, part.table or "")
        )
    body = "\n".join(out)
    return f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>\n"


class _Copied(HTMLParser):
    """The text a browser's select-all and copy gives: blocks on lines, cells joined by tabs."""

    BLOCKS = frozenset({"h1", "h2", "h3", "h4", "h5", "p", "li", "tr", "div"})

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.line: list[str] = []
        self.cells: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.cells = []
        elif tag in ("td", "th") and self.cells is not None:
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self.cells is not None:
            self.lines.append("\t".join(c.strip() for c in self.cells))
            self.cells = None
        elif tag in self.BLOCKS and self.cells is None and "".join(self.line).strip():
            self.lines.append("".join(self.line).strip())
            self.line = []

    def handle_data(self, data: str) -> None:
        if self.cells is not None:
            if self.cells:
                self.cells[-1] += " ".join(data.split())
        else:
            self.line.append(data.replace("\n", ""))


def published_text(record: Record) -> str:
    copied = _Copied()
    copied.feed(published_html(record))
    return "\n".join(copied.lines) + "\n"


def scraped_text(record: Record, date: str = "2022-01-20") -> str:
    """The page as a site archiver saves it: one line, cell borders gone (figures run together), chrome around."""
    body = "".join(line.replace("\t", "") for line in published_text(record).splitlines())
    chrome = f"当前位置： 首页政务公开政府信息公开年报 来源：{record.body} 时间：{date} 10:30 微信 微博 QQ空间 "
    return chrome + body + " 附件下载\n"


def published_docx(record: Record) -> bytes:
    from gongkai.production.word import report_docx

    return report_docx(record)


def published_pdfs(records: Sequence[Record]) -> list[bytes]:
    """Each record's web page (published_html) printed by one Chromium of the project's printer, A4."""
    from gongkai.production.render import Printer, stylesheet

    head = f"<meta charset='utf-8'><style>{stylesheet()}</style></head>"
    with Printer() as printer:
        return [
            printer.pdf(
                published_html(r).replace("</head>", head, 1), header=f"{r.body}{r.year}年政府信息公开工作年度报告"
            )
            for r in records
        ]


def _bump(record: Record, *keys: tuple[str, str, str]) -> Record:
    for key in keys:
        record = record.with_value(key, int(record.cells[key] or 0) + 1)
    return record


def _text(record: Record, key: str, text: str) -> Record:
    return replace(record, parts={**record.parts, key: text})


def _applications(record: Record) -> int:
    return int(record.cells[("table3", "received", "total")] or 0) + int(
        record.cells[("table3", "carried_in", "total")] or 0
    )


def _states_lawsuits(record: Record) -> bool:
    from gongkai.checks.text import statements
    from gongkai.format.phrases import FIGURES

    figure = next(f for f in FIGURES if f.id == "litigation")
    return any(True for text in record.parts.values() for _ in statements(figure, text))


def _copied(record: Record, previous: Record | None) -> bool:
    """Whether W9 would call the record's text copied from last year's."""
    from gongkai.checks.text import copied_share
    from gongkai.format.rules import CopiedRule, text_rules

    rule = next(r for r in text_rules() if isinstance(r, CopiedRule))
    if previous is None:
        return False
    same, total = copied_share(record, previous, rule.parts)
    return total >= rule.min_sentences and same / total >= rule.threshold


def plant(record: Record, defect: str, previous: Record | None = None) -> Record | None:
    """The record with one defect, or None when this record cannot carry it alone.

    `previous` is last year's record: emptying part 五 must not leave a text W9 calls copied.
    """
    if defect == "R3":
        return _bump(record, ("table3", "granted", "natural_person"), ("table3", "granted", "total"))
    if defect == "R4":
        return _bump(record, ("table4", "review", "total"))
    if defect == "R5":  # table 四 left blank whole: one finding
        for key in [k for k in record.cells if k[0] == "table4"]:
            record = record.with_value(key, None)
        return record
    if defect == "W5":
        text, n = re.subn(
            r"行政许可决定(\d+)件", lambda m: f"行政许可决定{int(m.group(1)) + 7}件", record.parts["overview"]
        )
        return _text(record, "overview", text) if n == 1 else None
    if defect == "W6":
        record = _text(record, "problems", "无\n")
        return None if _copied(record, previous) else record
    if defect == "W7":  # with a fee in table 二, 「无」 in part 六 is W8 as well
        if not _applications(record) or record.cells[("table2", "fees", "amount")]:
            return None
        return _text(record, "other", "无其他需要报告的事项。\n")
    if defect == "W8":
        record = record.with_value(("table2", "fees", "amount"), Decimal("0.35"))
        return _text(record, "other", "本年度未收取任何费用，包括信息处理费。\n")
    if defect == "W10":  # 「诉讼…均获维持」 while one lawsuit is still pending
        if _states_lawsuits(record):
            return None
        record = _bump(record, ("table4", "litigation_direct", "pending"), ("table4", "litigation_direct", "total"))
        return _text(record, "overview", record.parts["overview"].rstrip() + "\n\n本年度行政诉讼案件均获维持。\n")
    raise ValueError(defect)


DEFECTS = ("R3", "R4", "R5", "W5", "W6", "W7", "W8", "W10")
# Defects of the published document rather than its figures, each in the one kind where it occurs, once per copy:
# name → what the audit must report. 「run」: a scraped page whose 行政规范性文件 row is an ambiguous digit run (its
# cells stay blank, W15 says so; not R5: the report did print them); 「late」: signed after the deadline;
# 「copied」: parts 一 and 五 as last year's (W9); 「order」: part 六 printed before part 五; 「scan」: a PDF of
# page images, no text layer. Last year's part 一 copied
# may state last year's figures: W5 is then expected as well (a true finding).
DOCUMENT_DEFECTS: dict[str, set[str]] = {
    "run": {"W15"},
    "late": {"W11"},
    "copied": {"W9"},
    "order": {"W13"},
    "scan": {"W12"},
}


def signed(record: Record, date: str) -> Record:
    """The record with its 落款 (body and date) closing part 六, as published reports end."""
    y, m, d = (int(x) for x in date.split("-"))
    return _text(record, "other", record.parts["other"].rstrip() + f"\n\n{record.body}\n\n{y}年{m}月{d}日\n")


def on_time(record: Record) -> str:
    return f"{record.year + 1}-01-20"


def scanned_pdf() -> bytes:
    """A PDF of a page image (a scan): no text layer at all."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    for y in range(80, 800, 24):
        draw.line((60, y, 560, y), fill=40, width=3)  # lines of "text" as a scanner sees them
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=72)
    return out.getvalue()


def _order_swapped(text: str) -> str:
    """Part 六 (heading and text) moved before part 五."""
    five = text.index("五、存在的主要问题及改进情况")
    six = text.index("六、其他需要报告的事项")
    start = text.rfind("\n", 0, five) + 1
    six_start = text.rfind("\n", 0, six) + 1
    return text[:start] + text[six_start:].rstrip("\n") + "\n" + text[start:six_start]


def plant_document(record: Record, defect: str, previous: Record | None) -> tuple[str, bytes] | None:
    """(suffix, file contents) for a document defect, or None when this record cannot carry it alone."""
    if defect == "scan":
        return "pdf", scanned_pdf()
    if defect == "late":
        return "txt", published_text(signed(record, f"{record.year + 1}-04-15")).encode()
    if defect == "order":
        y, m, d = (int(x) for x in on_time(record).split("-"))
        return "txt", (_order_swapped(published_text(record)) + f"\n{record.body}\n{y}年{m}月{d}日\n").encode()
    if defect == "run":
        page = scraped_text(signed(record, on_time(record)), on_time(record))
        cells = [record.cells[("table2", "normative_docs", c)] for c in ("issued", "repealed", "in_force")]
        printed = "行政规范性文件" + "".join(str(v) for v in cells)
        if printed not in page:
            return None
        return "txt", page.replace(printed, "行政规范性文件693665", 1).encode()
    if defect == "copied":
        if previous is None:
            return None
        copied = replace(record, parts={**record.parts, **{k: previous.parts[k] for k in ("overview", "problems")}})
        from gongkai.checks.quick import check_quick

        found = check_quick([(copied, previous)])
        rules = {f.rule for o in found[0].outcomes for f in o.findings} if found else set()
        if "W9" not in rules or not rules <= {"W9", "W5"}:
            return None
        return "txt" + ("+W5" if "W5" in rules else ""), published_text(signed(copied, on_time(record))).encode()
    raise ValueError(defect)


def write_document_defects(records: list[Record], folder: Path, copies: int = 1) -> dict[str, set[str]]:
    """Each document defect `copies` times (on different records); file name → the rules the audit should report."""
    expected: dict[str, set[str]] = {}
    by_year = {(r.path.parent if r.path else None, r.year): r for r in records}
    k = 0
    for defect, rules in DOCUMENT_DEFECTS.items():
        made = 0
        for record in records[k:] + records[:k]:
            if made == copies:
                break
            previous = by_year.get((record.path.parent if record.path else None, record.year - 1))
            planted = plant_document(record, defect, previous)
            if planted is None:
                continue
            suffix, data = planted
            suffix, _, also = suffix.partition("+")
            name = f"doc{made:02d}-{record.path.parent.name if record.path else 'x'}-{record.year}-{defect}.{suffix}"
            (folder / name).write_bytes(data)
            expected[name] = rules | ({also} if also else set())
            made += 1
            k += 1
    return expected


NOT_REPORTS = {
    "empty.txt": b"",
    "notice.txt": "关于召开会议的通知\n请各单位准时参加。\n".encode(),
    "blob.bin": bytes(range(256)) * 8,
}


def write_corpus(
    records: list[Record],
    folder: Path,
    copies: int = 1,
    every: int = 3,
    kinds: Sequence[str] = KINDS,
    documents: bool = True,
) -> dict[str, set[str]]:
    """Write published reports (every `every`-th with a defect, in turn; the kinds in turn) and a few non-reports.

    Returns file name → the rules the audit should report for it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, set[str]] = {}
    pdfs: list[tuple[str, Record]] = []
    n, turn, clean = 0, 0, 0
    by_year = {(r.path.parent if r.path else None, r.body, r.year): r for r in records}
    for copy in range(copies):
        for record in records:
            defect = DEFECTS[turn % len(DEFECTS)] if n % every == 0 else ""
            previous = by_year.get((record.path.parent if record.path else None, record.body, record.year - 1))
            planted = plant(record, defect, previous) if defect else record
            if planted is None:  # this record cannot carry it: the next one will
                planted, defect = record, ""
            elif defect:
                turn += 1
            planted = signed(planted, on_time(record))  # every report ends with its 落款, published on time
            # a planted defect moves on by one kind each round, so every defect comes in every kind
            if defect:
                kind = kinds[(turn - 1 + (turn - 1) // len(DEFECTS)) % len(kinds)]
            else:
                kind, clean = kinds[clean % len(kinds)], clean + 1
            stem = f"{copy:02d}-{record.path.parent.name if record.path else 'x'}-{record.year}"
            name = f"{stem}-{defect}.{kind}" if defect else f"{stem}.{kind}"
            if kind == "html":
                (folder / name).write_text(published_html(planted), encoding="utf-8")
            elif kind == "txt":
                (folder / name).write_text(published_text(planted), encoding="utf-8")
            elif kind == "docx":
                (folder / name).write_bytes(published_docx(planted))
            else:
                pdfs.append((name, planted))
            expected[name] = {defect} if defect else set()
            n += 1
    for (name, _), data in zip(pdfs, published_pdfs([r for _, r in pdfs]), strict=True):
        (folder / name).write_bytes(data)
    for name, data in NOT_REPORTS.items():
        (folder / name).write_bytes(data)
    if documents:
        expected |= write_document_defects(records, folder, copies)
    return expected
