"""One township-year: the schema, loading with located errors, and saving.

Totals are kept as the body stated them, never recomputed: the checks exist
to compare them. A blank cell is `None`, not 0.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.errors import RecordError
from gongkai.format import FORMATS, Cell, Format, Kind
from gongkai.format.common import TITLE
from gongkai.records import yamlio
from gongkai.records.catalog import COUNTY_FILE, county_of
from gongkai.records.fields import label_of
from gongkai.records.ids import ID_PATTERN as ID_PATTERN  # re-exported: where the record's fields are
from gongkai.records.ids import LEVELS as LEVELS
from gongkai.records.ids import MAX_NAME as MAX_NAME
from gongkai.records.ids import YEARS as YEARS
from gongkai.records.ids import check_id as check_id
from gongkai.shown import BIDI

Value = int | Decimal | None
CellKey = tuple[str, str, str]  # (table id, row id, column id)

MAX_TEXT = 200_000  # characters in one narrative part
NAMES = ("body", "province", "city", "county", "township")
REQUIRED = ("format", "year", *NAMES, "level", "parts", "table2", "table3", "table4")
OPTIONAL = ("synthetic", "source", "drafts")
DRAFT_HASH = re.compile(r"[0-9a-f]{12}")


@dataclass(frozen=True)
class Record:
    format: Format
    year: int
    body: str
    province: str
    city: str
    county: str
    township: str
    level: str
    parts: Mapping[str, str]
    cells: Mapping[CellKey, Value]
    synthetic: bool = False
    source: str = ""
    drafts: Mapping[str, str] = field(default_factory=dict)  # narrative key → hash of last year's text carried
    path: Path | None = None
    lines: Mapping[tuple[Any, ...], int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def title_lines(self) -> tuple[str, str]:
        """The title as a published report sets it, on two lines: the body, then 「2021年政府信息公开工作年度报告」."""
        return self.body, f"{self.year}年{TITLE.label}"

    @property
    def title(self) -> str:
        return "".join(self.title_lines)

    @property
    def county_id(self) -> str:
        return self.path.parent.parent.name if self.path else ""

    @property
    def township_id(self) -> str:
        return self.path.parent.name if self.path else ""

    def value(self, table: str, row: str, column: str) -> Value:
        return self.cells[(table, row, column)]

    def iter_cells(self) -> Iterator[tuple[Cell, Value]]:
        for cell in self.format.cells():
            yield cell, self.cells[cell.key]

    def line_of(self, key: CellKey) -> int | None:
        return self.lines.get(key)

    def with_value(self, key: CellKey, value: Value) -> Record:
        """A copy with one cell changed (tests, what-if checks)."""
        if key not in self.cells:
            raise KeyError(key)
        return replace(self, cells={**self.cells, key: value})


def load_record(path: Path | str) -> Record:
    """Read and validate `data/<county>/<township>/<year>.yaml`."""
    path = Path(path)
    return parse_record(path, yamlio.read_text(path))


def parse_record(path: Path, text: str, *, placed: bool = True) -> Record:
    """A record from the text read from `path`; `placed`: check it against its data folder's county file.

    A report's pages parse the text their input carries (pages/inputs.py), with `placed=False`:
    the folder was checked when the input was built, and the kernel reads no file.
    """
    try:
        data, lines = yamlio.load(path, text)
    except RecordError as e:  # found while parsing: named as the format names it, when the file says its format
        if e.field and not e.label:
            said = re.search(r"^format:\s*['\"]?(\d{4})", text, re.M)
            e.label = label_of(FORMATS.get(said.group(1)) if said else None, tuple(e.field.split(".")))
            e.args = (str(e),)
        raise
    record = from_mapping(data, path=path, lines=lines)
    if path.stem.isdigit() and int(path.stem) != record.year:
        raise RecordError(
            path, lines.get(("year",)), "year", f"应为 {path.stem}（与文件名 {path.name} 一致），实际为 {record.year}"
        )
    if placed:
        _check_placement(record, path)
    return record


def _check_placement(record: Record, path: Path) -> None:
    """A record filed under data/<county>/<township>/ must say it is that township.

    A load error, not a check: the folder decides where the report is
    published, the index row and the county summary, while the record decides
    its title; a mismatch would publish one township's report as another's.
    """
    folder = path.parent.parent
    if not (folder / COUNTY_FILE).is_file():
        return  # a record outside a data folder (a draft, an import)
    county = county_of(folder)
    township = next((t for t in county.townships if t.id == path.parent.name), None)
    stated = {"county": county.name, "province": county.province, "city": county.city}
    if township is not None:
        stated |= {"township": township.name, "level": township.level}
    for key, expected in stated.items():
        actual = getattr(record, key)
        if actual != expected:
            raise RecordError(
                path,
                record.lines.get((key,)),
                key,
                f"应为 {expected}（{folder / COUNTY_FILE} 对文件夹 {path.parent.name}/ 的说明），实际为 {actual}；"
                "记录放错了文件夹，或 county.yaml 需要更正",
            )


def from_mapping(data: Any, *, path: Path | None = None, lines: Mapping[tuple[Any, ...], int] | None = None) -> Record:
    """Validate a parsed record; the first problem found raises RecordError."""
    lines = lines or {}
    columns: Mapping[tuple[Any, ...], int] = getattr(lines, "columns", {})
    fmt: Format | None = None

    def fail(at: tuple[Any, ...], message: str) -> RecordError:
        line = None
        for n in range(len(at), -1, -1):
            if at[:n] in lines:
                line = lines[at[:n]]
                break
        label = label_of(fmt, at)
        return RecordError(path, line, ".".join(str(p) for p in at), message, column=columns.get(at), label=label)

    if not isinstance(data, dict):
        raise fail((), "记录应是键值映射（形如 `year: 2021`）")
    _keys(data, (*REQUIRED, *OPTIONAL), REQUIRED, (), fail)

    fmt_raw = data["format"]
    found = FORMATS.get(str(fmt_raw)) if isinstance(fmt_raw, (str, int)) and not isinstance(fmt_raw, bool) else None
    if found is None:
        raise fail(("format",), f"应为 {' 或 '.join(FORMATS)}，实际为 {fmt_raw!r}")
    fmt = found
    year = data["year"]
    if type(year) is not int or not YEARS[0] <= year <= YEARS[1]:
        raise fail(("year",), f"应为 {YEARS[0]}–{YEARS[1]} 之间的整数年份，实际为 {year!r}")
    names = {}
    for key in (*NAMES, "level"):
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise fail((key,), f"应为非空文本，实际为 {value!r}{_bool_hint(value)}")
        if "\n" in value or len(value) > MAX_NAME:
            raise fail((key,), f"名称应为一行、不超过 {MAX_NAME} 字")
        bidi = BIDI.search(value)
        if bidi:  # 「\u202e」 shows the name reversed: the title would read as another body's
            raise fail(
                (key,), f"含有不可见的文字方向控制字符 U+{ord(bidi.group()):04X}：名称应为普通文字，请删去该字符"
            )
        names[key] = value.strip()
    if names["level"] not in LEVELS:
        raise fail(("level",), f"应为 {'、'.join(LEVELS)} 之一，实际为 {names['level']!r}")
    synthetic = data.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise fail(("synthetic",), f"应为 true 或 false，实际为 {synthetic!r}")
    source = data.get("source", "")
    if not isinstance(source, str):
        raise fail(("source",), f"应为文本，实际为 {source!r}{_bool_hint(source)}")
    if BIDI.search(source):
        raise fail(("source",), "含有不可见的文字方向控制字符：应为普通文字，请删去")
    if len(source) > MAX_NAME * 10:
        raise fail(("source",), f"应不超过 {MAX_NAME * 10} 字，实际 {len(source)} 字")

    drafts = _drafts(data.get("drafts", {}), fmt, fail)
    parts_raw = data["parts"]
    if not isinstance(parts_raw, dict):
        raise fail(("parts",), "应为各部分文字的映射（overview、problems、other）")
    keys = fmt.narrative_keys()
    _keys(parts_raw, keys, keys, ("parts",), fail)
    parts: dict[str, str] = {}
    for key in keys:
        text = parts_raw[key]
        if not isinstance(text, str):
            raise fail(("parts", key), f"应为 Markdown 文本，实际为 {text!r}{_bool_hint(text)}")
        if len(text) > MAX_TEXT:
            raise fail(("parts", key), f"文字过长（{len(text)} 字）：应不超过 {MAX_TEXT} 字")
        parts[key] = text

    cells: dict[CellKey, Value] = {}
    for table in fmt.tables:
        rows = data[table.id]
        if not isinstance(rows, dict):
            raise fail((table.id,), "应为 行 → 列 → 数值 的映射")
        row_ids = [r.id for r in table.row_nodes()]
        _keys(rows, row_ids, row_ids, (table.id,), fail, fmt)
        for row in table.row_nodes():
            cols = rows[row.id]
            if not isinstance(cols, dict):
                raise fail((table.id, row.id), "应为 列 → 数值 的映射")
            col_ids = [c.id for c in table.columns_of(row.id)]
            _keys(cols, col_ids, col_ids, (table.id, row.id), fail, fmt)
    for cell in fmt.cells():
        at = cell.key
        cells[at] = _value(data[at[0]][at[1]][at[2]], cell, lambda m, at=at: fail(at, m))
    return Record(
        format=fmt,
        year=year,
        synthetic=synthetic,
        source=source,
        drafts=drafts,
        parts=parts,
        cells=cells,
        path=path,
        lines=dict(lines),
        **names,
    )


def _drafts(raw: Any, fmt: Format, fail: Any) -> dict[str, str]:
    """`drafts: {overview: 1a2b3c4d5e6f}`: the parts `gongkai new` carried over, by the hash of the text carried."""
    if not isinstance(raw, dict):
        raise fail(("drafts",), "应为 部分 → 上年文字的哈希 的映射（由 gongkai new 写出；改写后可删去此项）")
    keys = fmt.narrative_keys()
    _keys(raw, keys, (), ("drafts",), fail)
    for key, value in raw.items():
        if not isinstance(value, str) or not DRAFT_HASH.fullmatch(value):
            raise fail(("drafts", key), f"应为 12 位十六进制的哈希（由 gongkai new 写出），实际为 {value!r}")
    return {k: raw[k] for k in keys if k in raw}


def text_hash(text: str) -> str:
    """What `drafts:` stores for a part: enough to tell whether the text is still the one carried."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def carried_drafts(record: Record) -> list[str]:
    """The narrative parts still exactly as carried from last year (unedited drafts), in report order."""
    return [
        k
        for k in record.format.narrative_keys()
        if k in record.drafts and record.drafts[k] == text_hash(record.parts[k])
    ]


def _keys(
    given: dict[Any, Any],
    allowed: Any,
    required: Any,
    at: tuple[Any, ...],
    fail: Any,
    fmt: Format | None = None,
) -> None:
    allowed = list(allowed)
    other = (
        f"（记录声明 format: {fmt.id}；若为另一格式请改为 {'/'.join(sorted(FORMATS.keys() - {fmt.id}))}）"
        if fmt
        else ""
    )
    for key in given:
        if key not in allowed and isinstance(key, int) and not isinstance(key, bool) and given[key] is None:
            raise fail((*at, key), f"「{key}」不是字段：数字里写了逗号（如 1,234）？数字不写千位分隔符，应写成 1234")
        if key not in allowed:
            name = repr(key) if len(str(key)) <= 40 else repr(f"{str(key)[:40]}…")
            hint = difflib.get_close_matches(str(key)[:100], [str(a) for a in allowed], n=1)
            msg = f"未知字段 {name}"
            if hint:
                msg += f"，是否应为 {hint[0]!r}？"
            else:
                msg += f"；此处应为：{', '.join(allowed)}"
            raise fail((*at, key), msg + other)
    for key in required:
        if key not in given:
            raise fail((*at, key) if at else (key,), f"缺少必填字段：应写出 `{key}: …`{other}")


def _bool_hint(value: Any) -> str:
    if isinstance(value, bool):
        return "（YAML 把 yes/no/on/off/true/false 读作是非值，文字请加引号）"
    return ""


def _value(raw: Any, cell: Cell, fail: Any) -> Value:
    """A cell as stated: ints for counts, ints or decimals for amounts, never coerced.

    A total typed as "5", 5.0 or yes would compare equal after coercion and
    pass the checks it should fail, so such values are refused here.
    """
    if raw is None:
        return None  # left blank in the published report
    if isinstance(raw, bool):
        raise fail(f"应为数字，实际为是非值 {raw!r}{_bool_hint(raw)}；留空请写 ~")
    if isinstance(raw, str):
        return _typed_number(raw, cell, fail)
    if isinstance(raw, (dt.date, dt.datetime)):
        raise fail(f"应为数字，实际为日期 {raw}：数字请写成 17 这样的十进制数，留空请写 ~")
    if not isinstance(raw, (int, float, Decimal)):
        raise fail(f"应为数字，实际为 {raw!r}（{type(raw).__name__}）；留空请写 ~")
    written = format(raw, "f") if isinstance(raw, Decimal) else repr(raw)
    if cell.kind is Kind.AMOUNT:
        # kept as written (yamlio reads a decimal as a Decimal, never a float): printed with its own precision
        amount = raw if isinstance(raw, Decimal) else Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if not amount.is_finite() or amount < 0:
            raise fail(f"金额应为不小于 0 的数（万元），实际为 {written}")
        if amount.is_signed():
            raise fail(f"金额 {written} 带有负号：没有收费请写 0")
        return amount
    if isinstance(raw, (float, Decimal)):
        raise fail(f"应为整数（件数），实际为 {written}：不要写小数点")
    if cell.kind is Kind.COUNT and raw < 0:
        raise fail(f"件数不能为负：应为 0 或正整数，实际为 {raw}")
    return raw


def _typed_number(raw: str, cell: Cell, fail: Any) -> Value:
    """A figure YAML read as text: full-width digits accepted (as the importers do), the rest explained."""
    folded = unicodedata.normalize("NFKC", raw).strip()
    if folded != raw.strip() and re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", folded):
        return _value(int(folded) if folded.isdigit() else Decimal(folded), cell, fail)  # １２ → 12
    digits = re.sub(r"[,，、\s]", "", folded)
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", digits) and digits != folded:
        raise fail(f"数字 {raw} 里有逗号或空格：数字不写千位分隔符，应写成 {digits}")
    if "，" in raw:
        raise fail(f"应为数字，实际为文本 {raw!r}：各项之间应用英文逗号 , 加空格分隔，不用中文逗号「，」")
    raise fail(f"应为数字，实际为文本 {raw!r}：数字不要加引号，留空请写 ~")


def dump_record(record: Record) -> str:
    """The canonical YAML of a record: narrative as blocks, one line per row."""
    s = yamlio.dump_scalar
    out = [f"format: {s(record.format.id)}", f"year: {record.year}"]
    out += [f"{k}: {s(getattr(record, k))}" for k in (*NAMES, "level")]
    if record.synthetic:
        out.append("synthetic: true")
    if record.source:
        out.append(f"source: {s(record.source)}")
    if record.drafts:
        out.append("drafts:  # 沿用上年文字的部分（草稿）：文字改写后不再标为草稿，此项可删去")
        out += [f"  {k}: {s(v)}" for k, v in record.drafts.items()]
    out.append("parts:")
    for key in record.format.narrative_keys():
        out += _block(key, record.parts[key])
    for table in record.format.tables:
        out.append(f"{table.id}:")
        for row in table.row_nodes():
            values = ", ".join(
                f"{c.id}: {_dump_value(record.cells[(table.id, row.id, c.id)])}" for c in table.columns_of(row.id)
            )
            out.append(f"  {row.id}: {{{values}}}")
    return "\n".join(out) + "\n"


def _block(key: str, text: str) -> list[str]:
    """A literal block scalar that reads back as exactly `text`."""
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    indent = "2" if body[:1] in (" ", "\t") else ""
    lines = [f"  {key}: |{indent}{chomp}"]
    lines += [f"    {line}" if line else "" for line in body.split("\n")]
    lines += [""] * max(0, trailing - 1)
    return lines


def _dump_value(value: Value) -> str:
    if value is None:
        return "~"
    return format(value, "f") if isinstance(value, Decimal) else str(value)  # never 0E-7: YAML reads that as text
