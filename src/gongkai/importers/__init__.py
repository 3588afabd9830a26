"""Published reports and filled-in workbooks → records.

A registry of parsers, one per kind of input, all producing the same
`Document`; `assemble` then reads it through the format definition. The
registry is the seam: a new kind of input is a new parser, not an edit here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gongkai.errors import ImageOnly, InputError, NotAReport, RecordError
from gongkai.format import FORMAT_2021, FORMATS, Format
from gongkai.importers.assemble import Overrides, assemble
from gongkai.importers.base import (
    Document,
    ImportResult,
    Parser,
    Problem,
    Trouble,
    office_lock,
    printable,
    zip_kind,
)
from gongkai.importers.docx import DocParser, DocxParser
from gongkai.importers.html import HtmlParser
from gongkai.importers.ocr import ImageParser
from gongkai.importers.ours import read_ours
from gongkai.importers.pdf import PdfParser
from gongkai.importers.scanned import import_scan
from gongkai.importers.text import TextParser
from gongkai.importers.xlsx import XlsxParser
from gongkai.outputs import write_atomic
from gongkai.records import yamlio
from gongkai.records.record import DRAFT_HASH, MAX_TEXT, NAMES, Record, dump_record, from_mapping
from gongkai.shown import shown

MAX_BYTES = 20_000_000  # a report page is well under 1 MB; a workbook a few hundred KB

PARSERS: dict[str, Parser] = {}


def register(parser: Parser) -> None:
    PARSERS[parser.name] = parser


for _parser in (XlsxParser(), DocxParser(), DocParser(), PdfParser(), ImageParser(), HtmlParser(), TextParser()):
    register(_parser)


def parser_for(path: Path, head: bytes) -> Parser:
    """The content decides where it can (a zip, a page starting with a tag), then the suffix.

    A `.txt` holding a page's source is read as HTML, an `.html` holding
    plain text as text, a `.xlsx` that is no zip is refused as a workbook.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as Windows saves "Unicode" text
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    html, xlsx = PARSERS["html"], PARSERS["xlsx"]
    for name in ("pdf", "doc", "ocr"):
        if PARSERS[name].sniff(head):
            return PARSERS[name]
    if xlsx.sniff(head):
        return PARSERS[zip_kind(path)]
    if html.sniff(head) and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return html
    suffix = path.suffix.lower()
    for parser in PARSERS.values():
        if suffix in parser.suffixes and (parser.sniff(head) or parser.name in ("xlsx", "docx")):
            return parser
    return PARSERS["text"]


def import_file(path: Path | str, overrides: Overrides | None = None) -> ImportResult:
    """Read a published report (PDF, Word, HTML, text) or a filled-in template (xlsx).

    Stable interface (the audit command calls it too): a path and optional
    overrides in, an `ImportResult` out; `NotAReport`/`InputError` for files
    that cannot be read at all.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"文件不存在：{path}")
    held = office_lock(path)
    if held is not None:
        raise NotAReport(
            f"{path.name}：这是 Office 的锁定文件（{held} 正在 Word、WPS 或 LibreOffice 中打开时生成），"
            f"不是报告；请导入 {held} 本身"
        )
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise NotAReport(
            f"{path.name}：文件过大（{size} 字节，上限 {MAX_BYTES // 1_000_000} MB），不像一份年度报告；未读取"
        )
    with path.open("rb") as f:
        head = f.read(4096)
    parser = parser_for(path, head)
    if parser.name == "xlsx":  # a workbook gongkai made: read by its layout, exactly
        ours = read_ours(path, overrides or Overrides())
        if ours is not None:
            return ours
    if parser.name == "ocr":
        return import_scan(path, overrides or Overrides())
    try:
        document = parser.parse(path)
    except ImageOnly:  # a scan: its pages are pictures, read by OCR (or a message naming the extra)
        return import_scan(path, overrides or Overrides())
    result = assemble(document, overrides or Overrides())
    result.kind = parser.name
    if "source" in result.data:  # a file name's control characters, escaped
        result.data["source"] = shown(str(result.data["source"]))
    return result


def default_path(result: ImportResult, data_dir: Path) -> Path:
    """data/<county-id>/<township-id>/<year>.yaml, when the ids are known."""
    year = result.data.get("year")
    missing = []
    if not result.county_id:
        missing.append("县的拼音标识（--county，如 minquan）")
    if not result.township_id:
        missing.append("乡镇的拼音标识（--township，如 hujixiang）")
    if year is None:
        missing.append("报告年度（--year）")
    if missing:
        names = "".join(str(result.data.get(k) or "") for k in ("county", "township"))
        raise InputError(
            f"无法确定记录的保存位置：文档{'只给出中文名「' + names + '」' if names else '中没有乡镇名'}，"
            f"缺少{'、'.join(missing)}；请用 -o 指定文件，或补上这些选项"
        )
    return data_dir / str(result.county_id) / str(result.township_id) / f"{year}.yaml"


def partial_record(data: dict[str, Any], fmt: Format) -> Record:
    """Imported data as a `Record` without validation: every cell of the format (None where
    missing), every narrative part ("" where missing), "" for names not found.

    For what must work on a record with gaps: writing it with ~ (`record_yaml`)
    and checking it anyway (`gongkai audit`).
    """
    read = {(t.id, r, c): v for t in fmt.tables for r, cols in data.get(t.id, {}).items() for c, v in cols.items()}
    names = {k: str(data.get(k) or "") for k in (*NAMES, "level")}
    parts = data.get("parts") or {}
    return Record(
        format=fmt,
        year=data.get("year") or 0,
        body=names["body"],
        province=names["province"],
        city=names["city"],
        county=names["county"],
        township=names["township"],
        level=names["level"],
        parts={k: str(parts.get(k) or "") for k in fmt.narrative_keys()},
        cells={c.key: read.get(c.key) for c in fmt.cells()},
        synthetic=bool(data.get("synthetic")),
        source=str(data.get("source", "")),
        drafts={  # a workbook made from a draft keeps its marks, even while it has gaps
            k: v
            for k, v in (data.get("drafts") or {}).items()
            if k in fmt.narrative_keys() and isinstance(v, str) and DRAFT_HASH.fullmatch(v)
        },
    )


def record_yaml(result: ImportResult) -> str:
    """The record as YAML: validated when complete; otherwise with ~ where it has gaps."""
    data = result.data
    if result.complete:
        try:
            return dump_record(from_mapping(data))
        except RecordError as e:
            result.problems.append(Problem("", f"记录未通过校验：{e.message}（{e.field}）", Trouble.INVALID))
    fmt = FORMATS.get(str(data.get("format")), FORMAT_2021)
    record = partial_record(data, fmt)
    names = {k: str(data.get(k) or "") for k in (*NAMES, "level")}
    lines = dump_record(record).split("\n")
    blank = {"year"} if data.get("year") is None else set()
    blank |= {k for k, v in names.items() if not v}
    lines = [f"{line.split(':')[0]}: ~" if line.split(":")[0] in blank else line for line in lines]
    header = ["# 导入时未能读取以下内容，请补填（记录中为 ~ 或空）："]
    header += [f"#   {printable(str(p))}".replace("\n", " ") for p in result.problems if p.kind is not Trouble.NOTE]
    return "\n".join([*header, *lines])


def write_result(result: ImportResult, path: Path, force: bool = False) -> None:
    """Write the record, refusing to replace an existing file unless asked."""
    if path.exists() and not force:
        raise InputError(f"{path} 已存在；确认要覆盖请加 --force")
    write_atomic(path, loadable(result, record_yaml(result)))


def loadable(result: ImportResult, text: str) -> str:
    """The record text, refused if the loader would refuse it: never write what cannot be read back."""
    source = str(result.data.get("source", "")).removeprefix("导入自 ")
    for key, part in (result.data.get("parts") or {}).items():
        if part and len(part) > MAX_TEXT:
            raise NotAReport(
                f"{source}：导入后「{key}」部分有 {len(part)} 字，超过一份记录的上限 {MAX_TEXT} 字，"
                "不像一份年度报告；未写入"
            )
    size = len(text.encode("utf-8"))
    if size > yamlio.MAX_BYTES:
        raise NotAReport(
            f"{source}：导入后的记录有 {size} 字节，超过记录文件的上限 {yamlio.MAX_BYTES} 字节，"
            "不像一份年度报告；未写入"
        )
    return text


__all__ = [
    "PARSERS",
    "Document",
    "ImportResult",
    "Overrides",
    "Parser",
    "Problem",
    "Trouble",
    "default_path",
    "import_file",
    "partial_record",
    "record_yaml",
    "register",
    "write_result",
]
