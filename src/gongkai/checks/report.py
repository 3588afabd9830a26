"""`CheckReport`: every rule's outcome for one record, the one thing everyone reads.

The notebook, the CLI (text and --json), checks.json and the bulk index all
take it from here; nothing formats results twice.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from gongkai.checks.instances import CellRef, Instance
from gongkai.format.rules import Severity
from gongkai.records.record import CellKey

PASS, FAIL, SKIPPED = "pass", "fail", "skipped"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    cells: tuple[CellRef, ...] = ()
    key: str = ""  # stable across runs: the rule id and the cells or place (W3:overview:0)
    decision: str = ""  # a reviewer's: accepted / to-fix (records/review.py)
    reason: str = ""
    who: str = ""
    date: str = ""
    allowed: bool = False  # an accepted error the reviewer lets through, marked on every page

    @property
    def accepted(self) -> bool:
        return self.decision == "accepted"

    def review_note(self) -> str:
        """已确认（reason；who，date） or 待修正（…）: how every view shows the decision."""
        if not self.decision:
            return ""
        what = ("经确认放行" if self.allowed else "已确认") if self.accepted else "待修正"
        return f"{what}（{self.reason}；{self.who}，{self.date}）"


@dataclass(frozen=True)
class Outcome:
    rule: str
    severity: str
    title: str
    status: str  # pass / fail / skipped
    findings: tuple[Finding, ...] = ()
    note: str = ""
    reason: str = ""  # why instances were not computed, in two to five words (「无上年记录」「单元格空白」)
    unchecked: int = 0  # how many instances were not computed


@dataclass(frozen=True)
class CheckReport:
    title: str
    year: int
    county_id: str
    township_id: str
    outcomes: tuple[Outcome, ...]
    marked: dict[str, list[str]] = field(default_factory=dict)  # "table.row.col" → rule ids
    stale: tuple[str, ...] = ()  # decisions whose finding no longer occurs, as sentences
    drafts: tuple[str, ...] = ()  # headings of the parts still as carried from last year (gongkai new)

    @property
    def errors(self) -> list[Finding]:
        """The errors that block publication: all but those a reviewer let through (--allow)."""
        return [f for o in self.outcomes for f in o.findings if f.severity == Severity.ERROR and not f.allowed]

    @property
    def allowed(self) -> list[Finding]:
        return [f for o in self.outcomes for f in o.findings if f.allowed]

    @property
    def accepted(self) -> list[Finding]:
        return [f for o in self.outcomes for f in o.findings if f.accepted]

    @property
    def warnings(self) -> list[Finding]:
        return [f for o in self.outcomes for f in o.findings if f.severity == Severity.WARNING]

    @property
    def passed(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verdict = "校验通过" if self.passed else "未通过校验"
        extra = self.unchecked()
        accepted = sum(1 for f in self.warnings if f.accepted)
        warned = f"{len(self.warnings)} 个警告" + (f"（{accepted} 个已确认）" if accepted else "")
        if self.allowed:
            extra += f"，{len(self.allowed)} 个错误经审阅者确认放行"
        if self.stale:
            extra += f"，{len(self.stale)} 条审阅决定已过时"
        if self.drafts:
            extra += f"，{draft_note(self.drafts)}"
        return f"{verdict}：{len(self.errors)} 个错误，{warned}{extra}"

    def unchecked(self) -> str:
        """「，3 条规则未检查（无上年记录：R6、W1、W9），部分未计算：R2 3 项（单元格空白）」, or ""."""
        skipped = [o for o in self.outcomes if o.status == SKIPPED]
        partial = [o for o in self.outcomes if o.status != SKIPPED and o.unchecked]
        out = ""
        if skipped:
            out += f"，{len(skipped)} 条规则未检查（{_by_reason(skipped)}）"
        if partial:
            out += f"，部分未计算：{'、'.join(f'{o.rule} {o.unchecked} 项' for o in partial)}"
            out += f"（{'；'.join(dict.fromkeys(o.reason for o in partial))}）"
        return out

    def failed_rules(self) -> list[str]:
        return [o.rule for o in self.outcomes if o.status == FAIL]

    def marks(self) -> dict[CellKey, tuple[str, str]]:
        """This year's cells to highlight: css class and the messages that name them."""
        out: dict[CellKey, tuple[str, str]] = {}
        for o in self.outcomes:
            for f in o.findings:
                for cell in f.cells:
                    dotted = ".".join(cell.key)
                    if cell.year != self.year or o.rule not in self.marked.get(dotted, []):
                        continue
                    css = "error" if f.severity == Severity.ERROR else "warning"
                    old = out.get(cell.key)
                    if old:
                        css = "error" if "error" in (css, old[0]) else css
                        out[cell.key] = (css, f"{old[1]}\n{f.rule} {f.message}")
                    else:
                        out[cell.key] = (css, f"{f.rule} {f.message}")
        return out

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        data["errors"] = len(self.errors)
        data["warnings"] = len(self.warnings)
        data["accepted"] = len(self.accepted)
        data["allowed"] = len(self.allowed)
        data["summary"] = self.summary()
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckReport:
        outcomes = tuple(
            Outcome(
                **{
                    **o,
                    "findings": tuple(
                        Finding(
                            **{
                                **f,
                                "cells": tuple(CellRef(**{**c, "key": tuple(c["key"])}) for c in f["cells"]),
                            }
                        )
                        for f in o["findings"]
                    ),
                }
            )
            for o in data["outcomes"]
        )
        keep = {"title", "year", "county_id", "township_id", "marked"}
        stale, drafts = tuple(data.get("stale", ())), tuple(data.get("drafts", ()))
        return cls(outcomes=outcomes, stale=stale, drafts=drafts, **{k: v for k, v in data.items() if k in keep})

    def headlines(self, limit: int = 4, width: int = 60) -> list[str]:
        """The findings in a few short lines (rule id first), errors before warnings: for the index and summaries."""
        ordered = self.errors + self.warnings
        lines = [f"{f.rule} {f.message if len(f.message) <= width else f.message[: width - 1] + '…'}" for f in ordered]
        if len(lines) > limit:
            lines = [*lines[: limit - 1], f"……另有 {len(lines) - limit + 1} 条"]
        return lines

    def to_text(self) -> str:
        """What `gongkai check` prints: each rule that does not hold, then one summary line."""
        lines = []
        for o in self.outcomes:
            for f in o.findings:
                tag = "错误" if f.severity == Severity.ERROR else "警告"
                note = f" {f.review_note()}" if f.decision else ""
                lines.append(f"{f.rule} {tag} {f.message}［{f.key}］{note}")
        lines += [f"过时的审阅决定：{s}" for s in self.stale]
        if self.drafts:
            lines.append(f"草稿：{draft_note(self.drafts)}（gongkai new 沿用），改写后不再标记")
        lines.append(f"{self.title}：{self.summary()}")
        return "\n".join(lines) + "\n"


REASONS = (  # an instance's `skip` → the short reason the summary gives
    ("旧格式", "上年为旧格式"),
    ("年的记录", "无上年记录"),
    ("没有上年", "无上年记录"),
    ("空白", "单元格空白"),
    ("句", "文字太短"),
)


def short_reason(skip: str) -> str:
    return next((short for key, short in REASONS if key in skip), skip)


def _by_reason(outcomes: list[Outcome]) -> str:
    groups: dict[str, list[str]] = {}
    for o in outcomes:
        groups.setdefault(o.reason or o.note, []).append(o.rule)
    return "；".join(f"{reason}：{'、'.join(rules)}" for reason, rules in groups.items())


def draft_note(headings: tuple[str, ...] | list[str]) -> str:
    """「第一、五部分仍是上年的文字」: what the check, the cover and every page say of carried drafts."""
    numbers = "、".join(h.split("、", 1)[0] for h in headings)
    return f"第{numbers}部分仍是上年的文字"


def assemble(
    title: str,
    year: int,
    ids: tuple[str, str],
    rules: list[Any],
    items: list[Instance],
    failed: dict[str, set[str]],
) -> CheckReport:
    """Rule outcomes from the instances and the ids great-expectations rejected."""
    outcomes = []
    marked: dict[str, list[str]] = {}
    for rule in rules:
        mine = [i for i in items if i.rule.id == rule.id]
        bad = [i for i in mine if i.id in failed.get(rule.id, set())]
        findings = tuple(Finding(rule.id, rule.severity.value, i.message, i.cells, i.id.split("|", 1)[-1]) for i in bad)
        for i in bad:
            for key in i.marked:
                marked.setdefault(".".join(key), []).append(rule.id)
        skipped = [i for i in mine if i.skip]
        reason = short_reason(skipped[0].skip) if skipped else ""
        if mine and len(skipped) == len(mine) and not bad:
            status, note = SKIPPED, skipped[0].skip
        elif not mine:
            status, note = PASS, "无适用项"
        else:  # what could be computed was: a wrong total is never hidden behind blanks elsewhere
            status = FAIL if bad else PASS
            note = f"{len(skipped)} 项因{reason}未计算" if skipped else ""
        outcomes.append(Outcome(rule.id, rule.severity.value, rule.title, status, findings, note, reason, len(skipped)))
    return CheckReport(title, year, ids[0], ids[1], tuple(outcomes), marked)
