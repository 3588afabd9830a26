"""From a parsed `Document` to an `ImportResult`: parts, header facts, format, figures.

Shared by every parser, so the rules for finding the six parts, the title and
the format are the same whether the report came as text, HTML or a workbook.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.errors import NotAReport
from gongkai.format import FIELDS, FORMATS, Format, Part, Table, format_for_year, ordinals
from gongkai.format.common import PARTS
from gongkai.format.labels import close, normalize, spellings
from gongkai.importers import leftovers, recognise, scraped
from gongkai.importers.base import Document, ImportResult, Line, Problem, Trouble, printable
from gongkai.importers.rows import map_table
from gongkai.importers.title import find_title, level_of, township_of
from gongkai.records import catalog
from gongkai.records.narrative import mark_subheadings
from gongkai.records.record import ID_PATTERN, LEVELS, NAMES, YEARS, Value

_ORDINAL = re.compile(rf"^\s*{ordinals.PART}\s*")
_PLACE = re.compile(
    r"(?P<province>[\u4e00-\u9fff]{2,7}?(?:省|自治区))"
    r"(?P<city>[\u4e00-\u9fff]{2,9}?(?:市|自治州|地区|盟))"
    r"(?P<county>[\u4e00-\u9fff]{1,9}?(?:县|区|市|旗))"
)
MAX_HEADING = 40  # characters: a longer line is a sentence, not a part heading


@dataclass(frozen=True)
class Overrides:
    """What the command line says; it wins over what the document says."""

    county: str | None = None  # an id (minquan) or a Chinese name (民权县)
    township: str | None = None  # likewise
    year: int | None = None
    format: str | None = None
    data_dir: Path | None = None  # where data/<county>/county.yaml lives


@dataclass
class Sections:
    """The document cut at the first heading of each part, in order."""

    preamble: list[Line]
    headings: dict[str, Line] = field(default_factory=dict)  # part number → heading line
    bodies: dict[str, list[Line]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # the parts' numbers in the order the document has them


def heading_text(line: Line) -> str | None:
    """The text of a line that could be a heading: one short piece of text."""
    texts = [s.text for s in line.cells if s.text and s.text.strip()]
    if len(texts) != 1 or len(texts[0].strip()) > MAX_HEADING:
        return None
    return texts[0].strip()


def is_part_heading(line: Line, part: Part, renumbered: bool = False) -> bool:
    """「## 二、主动公开政府信息情况」, 「二、主动公开…」 or a bare title marked as a heading.

    A numbered line must carry the part's own number, so the seed's nested
    「1、主动公开政府信息情况」 is not taken for part 二; a character lost or
    added in print (「行政法复议」) is forgiven only on a line so numbered.
    `renumbered`: a report that numbers its parts its own way (「一、主动公开
    政府信息情况」 for part 二) — the title must then be exact.
    """
    text = heading_text(line)
    if text is None or text.startswith(("（", "(")):
        return False
    m = _ORDINAL.match(unicodedata.normalize("NFKC", text))
    titles = [normalize(t) for t in (part.title, *part.variants)]
    if m:
        text = unicodedata.normalize("NFKC", text)[m.end() :]
        if m.group("number") != part.number:
            return renumbered and m.group("number") in ordinals.NUMERALS and normalize(text) in titles
        return any(close(normalize(text), t) for t in titles)
    return bool(line.heading) and normalize(text) in titles


def split(lines: list[Line]) -> Sections:
    """Cut at the FIRST heading of each part after the previous one, so headings
    nested inside a part (the seed's copy of its 2020 report) stay in it.

    A part not found so is then looked for anywhere, numbered the report's own
    way (parts out of order, or renumbered): `Sections.order` says the order found.
    """
    found: dict[str, int] = {}
    start = 0
    for part in PARTS:
        for i in range(start, len(lines)):
            if is_part_heading(lines[i], part):
                found[part.number] = i
                start = i + 1
                break
    if len(found) < len(PARTS):
        taken = set(found.values())
        for part in PARTS:
            if part.number in found:
                continue
            at = next((k for k in range(len(lines)) if k not in taken and is_part_heading(lines[k], part, True)), None)
            if at is not None:
                found[part.number] = at
                taken.add(at)
    ordered = sorted(found.items(), key=lambda x: x[1])
    sections = Sections(preamble=lines[: ordered[0][1]] if ordered else list(lines))
    for k, (number, i) in enumerate(ordered):
        end = ordered[k + 1][1] if k + 1 < len(ordered) else len(lines)
        sections.headings[number] = lines[i]
        sections.bodies[number] = lines[i + 1 : end]
    sections.order = [number for number, _ in ordered]
    return sections


def narrative(lines: list[Line]) -> str:
    """A part's Markdown as written, blank lines around it dropped, a plain line shaped like a sub-heading made one."""
    rows = mark_subheadings([printable(x.markdown) for x in lines], [not (x.heading or x.table) for x in lines])
    while rows and not rows[0].strip():
        rows.pop(0)
    while rows and not rows[-1].strip():
        rows.pop()
    return "\n".join(rows) + "\n" if rows else ""


def choose_format(sections: Sections, lines: list[Line], year: int | None) -> tuple[Format, list[Problem]]:
    """The format whose own labels table 二 uses (then table 三); the year only breaks a tie."""
    problems: list[Problem] = []
    preamble = normalize("".join(line.text for line in sections.preamble))
    named = [f for f in FORMATS.values() if normalize(f.name) in preamble]
    seen = {normalize(s.text) for line in lines for s in line.cells if s.text}
    best: Format | None = None
    for table_id in ("table2", "table3"):
        own = {f.id: _labels(f.table(table_id)) for f in FORMATS.values()}
        score = {
            f.id: len(seen & (own[f.id] - set().union(*(v for k, v in own.items() if k != f.id))))
            for f in FORMATS.values()
        }
        ranked = sorted(FORMATS.values(), key=lambda f: score[f.id], reverse=True)
        if score[ranked[0].id] > score[ranked[1].id]:
            best = ranked[0]
            break
    if named:
        fmt = named[0]
    elif best is not None:
        fmt = best
    elif year is not None:
        fmt = format_for_year(year)
    else:
        fmt = FORMATS["2021"]
        problems.append(Problem("", f"无法从表头判断格式，按 {fmt.id} 格式读取", Trouble.NOTE))
    if year is not None and not fmt.fits_year(year):
        should = format_for_year(year)
        what = f"表格是 {fmt.id} 格式（{fmt.name}），但报告年度为 {year}，该年应使用 {should.id} 格式"
        problems.append(Problem("", what, Trouble.NOTE))
    return fmt, problems


def _labels(table: Table) -> set[str]:
    out: set[str] = set()
    stack = [*table.rows, *table.columns, *(n for b in table.blocks for n in (*b.rows, *b.columns))]
    while stack:
        node = stack.pop()
        out.update(spellings(node))
        stack.extend(node.children)
    return out


def assemble(doc: Document, overrides: Overrides) -> ImportResult:
    """Interpret a parsed document: every figure by label, every gap listed."""
    if not any(line.text for line in doc.lines):
        raise NotAReport(f"{doc.source}：文件是空的")
    doc = scraped.unflatten(doc)
    sections = split(doc.lines)
    problems: list[Problem] = []
    facts, used = _facts(doc, sections)
    county = _county(overrides)
    year = overrides.year if overrides.year is not None else _year(facts, problems)
    fmt_id = overrides.format or _format_id(facts)
    notes: list[Problem] = []
    if fmt_id is not None and fmt_id in FORMATS:
        fmt = FORMATS[fmt_id]
    else:
        fmt, notes = choose_format(sections, doc.lines, year)
    problems += notes
    ending = sections.bodies[sections.order[-1]] if sections.order else doc.lines
    date = recognise.published(doc, list(ending))
    problems += leftovers.signature(fmt, sections.bodies, sections.order)
    problems += leftovers.beyond_parts(fmt, sections.bodies)
    problems += leftovers.in_tables(fmt, sections.bodies, set().union(*(_labels(t) for t in fmt.tables)))

    data: dict[str, Any] = {"format": fmt.id, "year": year}
    tables_found = 0
    for part in fmt.parts:
        if part.table is None:
            continue
        table = fmt.table(part.table)
        if part.number in sections.bodies:
            lines = sections.bodies[part.number]
        else:
            lines = _outside(sections, fmt, doc.lines)
            if sections.headings:
                problems.append(Problem("", f"未找到「{part.heading}」的标题，在全文中按行名查找", Trouble.NOTE))
        cells, found = map_table(table, lines, figure_row=part.number in sections.bodies)
        problems += found
        tables_found += sum(v is not None for v in cells.values())
        rows: dict[str, dict[str, Any]] = {}
        for (_, row, col), value in cells.items():
            rows.setdefault(row, {})[col] = _plain(value)
        data[table.id] = rows
    recognise.old_format(doc, year, tables_found, facts["body"][0] if "body" in facts else "")
    if "title" not in facts and len(sections.headings) < 2 and tables_found < 3:
        raise NotAReport(f"{doc.source}：不是政府信息公开工作年度报告（没有找到报告标题、各部分标题或表格）")

    data["parts"] = _narratives(fmt, sections, problems)
    names, county_id, township_id = _names(facts, overrides, county, problems)
    data.update(names)
    data["source"] = f"导入自 {doc.source}"
    if doc.synthetic:
        data["synthetic"] = True
    if sections.headings:
        problems += leftovers.preamble(sections.preamble, used)
    _order_fields(data)
    result = ImportResult(data, problems, kind="", county_id=county_id, township_id=township_id)
    result.published, result.published_where = date or ("", "")
    result.order, result.bare = tuple(sections.order), recognise.bare_tables(fmt, sections.headings, sections.bodies)
    return result


def _narratives(fmt: Format, sections: Sections, problems: list[Problem]) -> dict[str, str | None]:
    """Each narrative part as Markdown; a part not found, or found empty, is listed."""
    parts: dict[str, str | None] = {}
    for part in fmt.parts:
        if part.narrative is None:
            continue
        text = narrative(sections.bodies.get(part.number, []))
        parts[part.narrative] = text or None
        at = f"parts.{part.narrative}"
        if part.number not in sections.headings:
            problems.append(Problem("", f"未找到「{part.heading}」部分", Trouble.MISSING, field=at))
        elif not text:
            where = sections.headings[part.number].where
            problems.append(Problem(where, f"「{part.heading}」部分没有文字", Trouble.MISSING, field=at))
    return parts


def _plain(value: Value) -> int | float | None:
    """As YAML would give it, so the mapping goes through `from_mapping` as a record file does."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _outside(sections: Sections, fmt: Format, lines: list[Line]) -> list[Line]:
    """Lines not under another table's heading: where a table without its own heading may be."""
    others = {id(x) for p in fmt.parts if p.table for x in sections.bodies.get(p.number, [])}
    return [line for line in lines if id(line) not in others]


def _facts(doc: Document, sections: Sections) -> tuple[dict[str, tuple[str, str]], set[int]]:
    """Header facts the document states: field → (value, where), and the lines used."""
    facts = dict(doc.meta)
    used: set[int] = set()
    title = find_title(sections.preamble) if sections.headings else find_title(doc.lines[:10])
    if title is not None:
        body, year, line = title
        used.add(id(line))
        facts.setdefault("title", (line.text, line.where))
        if body:
            facts.setdefault("body", (body, line.where))
        facts.setdefault("year", (str(year), line.where))
    used.update(id(line) for line in sections.preamble if find_title([line]) is not None)  # <title> and <h1>
    texts = [k for k, line in enumerate(sections.preamble) if line.text]
    for k, n in itertools.pairwise(texts):  # a title split over two lines
        line, after = sections.preamble[k], sections.preamble[n]
        if find_title([line]) is None:
            pair = find_title([line, after])
            if pair is not None and pair[2] is line and pair[0]:
                used.update((id(line), id(after)))
    for line in sections.preamble:
        m = _PLACE.search(line.text)
        if m:
            used.add(id(line))
            for key in ("province", "city", "county"):
                facts.setdefault(key, (m.group(key), line.where))
            rest = line.text[m.end() :].split()[0] if line.text[m.end() :].split() else ""
            if rest and level_of(rest) and "township" not in facts:
                facts["township"] = (rest, line.where)
            break
    return facts, used


def _year(facts: dict[str, tuple[str, str]], problems: list[Problem]) -> int | None:
    if "year" not in facts:
        problems.append(Problem("", "未找到报告年度：请用 --year 指定", Trouble.MISSING, field="year"))
        return None
    text, where = facts["year"]
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    if digits.isdigit() and YEARS[0] <= int(digits) <= YEARS[1]:
        return int(digits)
    problems.append(Problem(where, f"报告年度「{text}」无法识别：请用 --year 指定", Trouble.INVALID, field="year"))
    return None


def _format_id(facts: dict[str, tuple[str, str]]) -> str | None:
    if "format" not in facts:
        return None
    text = normalize(facts["format"][0])
    for f in FORMATS.values():
        if text in (f.id, normalize(f.name)):
            return f.id
    return None


def _county(overrides: Overrides) -> catalog.County | None:
    """The county named on the command line, from data/<county>/county.yaml if it is there."""
    key, data_dir = overrides.county, overrides.data_dir
    if not key or data_dir is None or not data_dir.is_dir():
        return None
    for county in catalog.counties(data_dir):
        if key in (county.id, county.name):
            return county
    return None


def _names(
    facts: dict[str, tuple[str, str]],
    overrides: Overrides,
    county: catalog.County | None,
    problems: list[Problem],
) -> tuple[dict[str, str | None], str | None, str | None]:
    """Body, place names and level: command line, then document, then county.yaml."""
    out: dict[str, str | None] = {key: facts[key][0] if key in facts else None for key in (*NAMES, "level")}
    if out["body"] and not out["township"]:
        prefix, township = township_of(out["body"])
        out["township"] = township if level_of(township) else None
        if prefix and not out["county"]:
            out["county"] = prefix
    county_id: str | None = None
    if overrides.county and ID_PATTERN.match(overrides.county):
        county_id = overrides.county
    stated = [overrides.county] if overrides.county and not county_id else []
    if county is not None:
        county_id = county.id
        stated = [county.name]
    for name in stated:  # the document's own place names come first
        if out["county"] and out["county"] != name:
            where = facts["county"][1] if "county" in facts else ""
            what = f"文档中的县（区）为「{out['county']}」，与 --county 指定的「{name}」不同；按文档填写"
            problems.append(Problem(where, what, Trouble.NOTE))
        out["county"] = out["county"] or name
    if county is not None:
        out["province"] = out["province"] or county.province
        out["city"] = out["city"] or county.city
    township_id: str | None = None
    if overrides.township:
        if ID_PATTERN.match(overrides.township):
            township_id = overrides.township
        else:
            out["township"] = overrides.township
    known = county.township(township_id or out["township"] or "") if county else None
    if known is not None:
        township_id = known.id
        out["township"] = out["township"] or known.name
        out["level"] = out["level"] or known.level
    if out["township"] and not out["level"]:
        out["level"] = level_of(out["township"])
    if out["level"] not in (None, *LEVELS):
        where = facts["level"][1] if "level" in facts else ""
        problems.append(Problem(where, f"级别「{out['level']}」应为 {'、'.join(LEVELS)} 之一", Trouble.INVALID))
        out["level"] = None
    catalog_hint = "请在记录中填写，或用 --county 指定 data/ 下已有的县（读取其 county.yaml）"
    hints = {
        "body": "文档中没有报告标题（《……年政府信息公开工作年度报告》），工作簿封面也没有填写",
        "province": catalog_hint,
        "city": catalog_hint,
        "county": catalog_hint,
        "township": "请在记录中填写，或用 --township 指定",
        "level": "无法从乡镇名判断是乡、镇还是街道，请在记录中填写",
    }
    for key, hint in hints.items():
        if not out[key]:
            label = next((f.label for f in FIELDS if f.id == key), key)
            problems.append(Problem("", f"未找到{label}：{hint}", Trouble.MISSING, field=key))
    return out, county_id, township_id


def _order_fields(data: dict[str, Any]) -> None:
    """The keys in the record's own order, so the mapping reads like a record."""
    order = ["format", "year", *NAMES, "level", "synthetic", "source", "parts", "table2", "table3", "table4"]
    items = {k: data[k] for k in order if k in data}
    data.clear()
    data.update(items)
