"""What the audit knows of a file besides its figures: what the user gives, last year's file, the document rules.

A file whose body or year the importer cannot find is still checked; the
user can give them by a pattern over file names (`--name-pattern`), a
sidecar file beside it (`x.pdf.info.yaml` or `x.info.yaml`: 机关, 年度,
发布日期, 机关类别) or `--year`. Two years of one body are linked even when
the names differ in a province/city prefix, 人民政府/政府 or width.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.errors import InputError, RecordError
from gongkai.format.bodies import KINDS, same_body
from gongkai.importers.base import office_lock
from gongkai.importers.files import present
from gongkai.records import yamlio

INFO_SUFFIX = ".info.yaml"
KEYS = {"机关": "body", "body": "body", "年度": "year", "year": "year", "发布日期": "published"}
KEYS |= {"published": "published", "机关类别": "kind", "kind": "kind"}


@dataclass(frozen=True)
class Given:
    """What the command line gives for every file: a year, and a pattern over file names."""

    year: int | None = None
    pattern: str = ""  # a regular expression with (?P<body>…) and/or (?P<year>…), searched in the file's name


def info_paths(path: Path) -> list[Path]:
    return [path.with_name(path.name + INFO_SUFFIX), path.with_name(path.stem + INFO_SUFFIX)]


def is_info(path: Path) -> bool:
    """A file beside the reports, not one: a sidecar of facts, or an Office lock file (~$x.docx, .~lock.x.docx#)."""
    return path.name.endswith(INFO_SUFFIX) or office_lock(path) is not None


def sidecar(path: Path) -> dict[str, Any]:
    """The facts a sidecar file gives (validated: a wrong key or value stops the audit before it starts)."""
    found = next((p for p in info_paths(path) if present(p)), None)
    if found is None:
        return {}
    data, lines = yamlio.load(found)
    if not isinstance(data, dict):
        raise RecordError(
            found, 1, "", "旁注文件应为「键: 值」的列表，如 机关: 某某镇人民政府 / 年度: 2024 / 发布日期: 2025-01-20"
        )
    out: dict[str, Any] = {}
    for key, value in data.items():
        field = KEYS.get(str(key))
        line = lines.get((key,))
        if field is None:
            raise RecordError(found, line, str(key), f"不认识的键；可用：{'、'.join(sorted(set(KEYS)))}")
        if field == "year" and not (isinstance(value, int) and 1990 <= value <= 2100):
            raise RecordError(found, line, str(key), f"年度应为四位数字，如 2024，实际为 {value!r}")
        if field == "published":
            if isinstance(value, datetime.date):
                value = value.isoformat()
            try:
                datetime.date.fromisoformat(str(value))
            except ValueError:
                raise RecordError(found, line, str(key), f"日期应写作 2025-01-20，实际为 {value!r}") from None
        if field == "kind" and value not in KINDS:
            raise RecordError(found, line, str(key), f"机关类别应为 {'、'.join(KINDS)} 之一，实际为 {value!r}")
        out[field] = str(value) if field != "year" else value
    return out


def from_name(path: Path, pattern: str) -> dict[str, Any]:
    """Body and year from the file's name by the user's pattern."""
    if not pattern:
        return {}
    try:
        m = re.search(pattern, path.stem)
    except re.error as e:
        raise InputError(f"--name-pattern 不是有效的正则表达式：{e}") from None
    if m is None:
        return {}
    found = {k: v for k, v in m.groupdict().items() if v and k in ("body", "year")}
    if "year" in found:
        found["year"] = int(found["year"]) if found["year"].isdigit() else None
    return {k: v for k, v in found.items() if v}


def check_pattern(pattern: str) -> None:
    if not pattern:
        return
    try:
        groups = re.compile(pattern).groupindex
    except re.error as e:
        raise InputError(f"--name-pattern 不是有效的正则表达式：{e}") from None
    if not {"body", "year"} & set(groups):
        raise InputError("--name-pattern 应含命名分组 (?P<body>…) 或 (?P<year>…)，如 (?P<body>.+?)(?P<year>\\d{4})")


def previous_of(bodies: Sequence[str], years: Sequence[int | None], files: Sequence[str]) -> list[int | None]:
    """For each report, the index of the same body's report on the year before (the nearest file first)."""
    out: list[int | None] = []
    for n, (body, year) in enumerate(zip(bodies, years, strict=True)):
        if not body or not year:
            out.append(None)
            continue
        folder = str(Path(files[n]).parent)
        found = [k for k, (b, y) in enumerate(zip(bodies, years, strict=True)) if y == year - 1 and same_body(body, b)]
        found.sort(key=lambda k: (str(Path(files[k]).parent) != folder, files[k]))
        out.append(found[0] if found else None)
    return out


DOCUMENT_RULES = ("W11", "W12", "W13", "W14", "W15")


def block_of(rule: str, cells: Sequence[Any]) -> str:
    """Where a finding belongs on the page: its table, the narrative, or the document as a whole."""
    if cells:
        key = cells[0]["key"] if isinstance(cells[0], dict) else cells[0].key
        return {"table2": "表二", "table3": "表三", "table4": "表四"}.get(str(key[0]), "表格")
    if rule in DOCUMENT_RULES:
        return "文档"
    if rule in ("R6", "W1", "W9"):
        return "跨年"
    return "正文" if rule.startswith("W") else "表格"


def with_document(report: Any, findings: list[Any], rules: list[Any]) -> Any:
    """The report with the document rules' outcomes added, so reviewers' decisions apply to them too."""
    from dataclasses import replace

    from gongkai.checks.report import FAIL, PASS, Outcome

    extra = []
    for rule in rules:
        mine = tuple(f for f in findings if f.rule == rule.id)
        extra.append(Outcome(rule.id, rule.severity.value, rule.title, FAIL if mine else PASS, mine))
    return replace(report, outcomes=(*report.outcomes, *extra))
