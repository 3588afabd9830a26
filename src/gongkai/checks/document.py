"""The rules evaluators apply to the published document itself (W11–W14): date, text layer, parts.

A record has no publication date and no order of parts; a published file
has. `gongkai audit` gathers these facts per file and asks here; the findings
are the same `Finding`s every other rule gives, so they are listed, counted
and settled by reviewers the same way.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from gongkai.checks.report import Finding
from gongkai.format.bodies import DEADLINES, GOVERNMENT
from gongkai.format.common import PARTS
from gongkai.format.rules import (
    DeadlineRule,
    ImageOnlyRule,
    PartsRule,
    Rule,
    TopicsRule,
    UnsplitRule,
    document_rules,
)


@dataclass(frozen=True)
class Facts:
    """What a published file says about itself, beyond its figures."""

    body: str = ""
    kind: str = ""  # format/bodies: 乡镇街道, 部门, 县级以上政府, or "" when the name does not say
    year: int | None = None
    published: str = ""  # ISO date: the 落款, the page's date, or what the user gave
    published_where: str = ""
    order: tuple[str, ...] = ()  # the parts' numbers as the document has them; () when nothing was read
    overview: str = ""
    image_only: bool = False
    ocr: bool = False  # an image-only file whose figures were read by OCR (importers/scanned.py)
    format: str = ""  # the five topics of part 一 are the 2021 format's (国办公开办函〔2021〕30号)
    unsplit: tuple[str, ...] = ()  # the importer's words for each run of digits it could not cut one way
    bare: tuple[str, ...] = ()  # numbers of the tables printed as a heading alone (an image on the page)


def deadline(kind: str, year: int) -> datetime.date:
    """The last day to publish the report on `year` (a body whose kind is unknown: the latest deadline)."""
    month, day = DEADLINES.get(kind) or DEADLINES[GOVERNMENT]
    return datetime.date(year + 1, month, day)


def evaluate(facts: Facts, rules: list[Rule] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for rule in rules if rules is not None else document_rules():
        sev = rule.severity.value
        if isinstance(rule, ImageOnlyRule) and facts.image_only:
            message = "图片版，无法检索：PDF 没有文字层（扫描件或图片），读者无法检索、复制" + (
                "；本工具经文字识别读取了其中的数字" if facts.ocr else "，本工具也无法核对其中的数字"
            )
            out.append(Finding(rule.id, sev, message, key=f"{rule.id}:document"))
        elif isinstance(rule, ImageOnlyRule) and facts.bare:
            names = "、".join(f"表{n}" for n in facts.bare)
            message = f"图片版，无法检索：{names}只有标题，下面没有表格的文字（可能放的是图片），其中的数字未能核对"
            out.append(Finding(rule.id, sev, message, key=f"{rule.id}:tables"))
        elif isinstance(rule, UnsplitRule) and facts.unsplit:
            shown = "；".join(facts.unsplit[:3]) + (f"……共 {len(facts.unsplit)} 处" if len(facts.unsplit) > 3 else "")
            message = f"表格的数字连写（页面丢了表格线），按表的勾稽关系无法唯一拆分：{shown}"
            out.append(Finding(rule.id, sev, message, key=f"{rule.id}:tables"))
        elif isinstance(rule, DeadlineRule) and facts.year:
            out += _late(rule, facts)
        elif isinstance(rule, PartsRule) and facts.order and not facts.image_only:
            out += _parts(rule, facts.order)
        elif isinstance(rule, TopicsRule) and facts.overview.strip() and facts.format in ("", "2021"):
            missing = [name for name, words in rule.topics if not any(w in facts.overview for w in words)]
            if missing:
                message = (
                    f"「一、总体情况」没有写到{'、'.join(missing)}（应涵盖{'、'.join(n for n, _ in rule.topics)}）"
                )
                out.append(Finding(rule.id, sev, message, key=f"{rule.id}:overview"))
    return out


def _late(rule: DeadlineRule, facts: Facts) -> list[Finding]:
    assert facts.year is not None
    due = deadline(facts.kind, facts.year)
    who = facts.kind or "机关类别不明，按最晚的期限"
    if not facts.published:
        message = (
            f"未找到发布日期（文末落款或网页上的日期）：无法确认是否在 {due:%Y年%m月%d日} 前（{who}）发布；"
            "可在旁注文件（与报告同名的 .info.yaml）中写明 发布日期"
        )
        return [Finding(rule.id, rule.severity.value, message, key=f"{rule.id}:undated")]
    try:
        day = datetime.date.fromisoformat(facts.published)
    except ValueError:
        return [
            Finding(rule.id, rule.severity.value, f"发布日期「{facts.published}」无法识别", key=f"{rule.id}:undated")
        ]
    if day <= due:
        return []
    where = f"（{facts.published_where}）" if facts.published_where else ""
    message = (
        f"{day:%Y年%m月%d日}发布{where}，晚于期限 {due:%Y年%m月%d日}（{who}，条例第四十九条）{(day - due).days} 天"
    )
    return [Finding(rule.id, rule.severity.value, message, key=f"{rule.id}:late")]


def _parts(rule: PartsRule, order: tuple[str, ...]) -> list[Finding]:
    out = []
    names = {p.number: p.heading for p in PARTS}
    missing = [names[p.number] for p in PARTS if p.number not in order]
    if missing:
        message = f"缺少{'、'.join(f'「{m}」' for m in missing)}"
        out.append(Finding(rule.id, rule.severity.value, message, key=f"{rule.id}:missing"))
    official = [p.number for p in PARTS if p.number in order]
    if list(order) != official:
        shown = "、".join(order)
        out.append(
            Finding(
                rule.id,
                rule.severity.value,
                f"各部分的顺序为 {shown}，与官方顺序（一至六）不同",
                key=f"{rule.id}:order",
            )
        )
    return out
