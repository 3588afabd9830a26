"""A reviewer's decisions on findings, kept beside the record (`<year>.review.yaml`), in git.

A warning settled once (「2022 年开展了规范性文件清理，W1 不成立属正常」) stays
settled: the checks mark it 已确认 with the reason instead of raising it
afresh. The file is read as strictly as a record, with line-numbered errors.

    decisions:
      - key: W3:overview:0
        decision: accepted      # accepted / to-fix
        reason: 原文保留了 2020 年报告的标题，照录
        who: 张三
        date: 2026-11-27
        allow: false            # only for an error: publish it anyway, marked on every page
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from gongkai.errors import InputError, RecordError
from gongkai.outputs import write_atomic
from gongkai.records import yamlio

DECISIONS = ("accepted", "to-fix")
FIELDS = ("key", "decision", "reason", "who", "date")
KEY = re.compile(r"[A-Z][0-9]{1,2}(?::[^\s:]{1,200}){0,4}")
MAX_DECISIONS = 1000
MAX_TEXT = 1000


@dataclass(frozen=True)
class Decision:
    key: str
    decision: str
    reason: str
    who: str
    date: str
    allow: bool = False

    @property
    def accepted(self) -> bool:
        return self.decision == "accepted"


def review_path(record_path: Path) -> Path:
    """`data/<county>/<township>/2021.yaml` → `2021.review.yaml` beside it."""
    return record_path.with_name(f"{record_path.stem}.review.yaml")


def load_decisions(path: Path) -> list[Decision]:
    """The decisions in a review file; none when there is no file."""
    if not path.exists():
        return []
    return load_decisions_text(path, yamlio.read_text(path))


def load_decisions_text(path: Path, text: str) -> list[Decision]:
    """Decisions from a review file's text; `path` names it in errors."""
    data, lines = yamlio.load(path, text)

    def fail(at: tuple[Any, ...], message: str) -> RecordError:
        line = next((lines[at[:n]] for n in range(len(at), -1, -1) if at[:n] in lines), None)
        return RecordError(path, line, ".".join(str(p) for p in at), message)

    if not isinstance(data, dict) or set(data) != {"decisions"}:
        raise fail((), "审阅文件应只有一个键 `decisions:`，其下是决定的列表（- key: …）")
    items = data["decisions"]
    if not isinstance(items, list):
        raise fail(("decisions",), "应为列表：每项以 `- key: …` 开始")
    if len(items) > MAX_DECISIONS:
        raise fail(("decisions",), f"决定过多（{len(items)} 条）：上限 {MAX_DECISIONS} 条")
    out: list[Decision] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(items):
        at = ("decisions", n)
        if not isinstance(item, dict):
            raise fail(at, "每项应为 key、decision、reason、who、date 的映射")
        for name in item:
            if name not in (*FIELDS, "allow"):
                raise fail((*at, name), f"未知字段 {name!r}：应为 {', '.join(FIELDS)} 或 allow")
        for name in FIELDS:
            if name not in item:
                raise fail(at, f"缺少必填字段：应写出 `{name}: …`")
        values: dict[str, str] = {}
        for name in FIELDS:
            value = item[name]
            if name == "date" and isinstance(value, dt.date):
                value = value.isoformat()
            if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
                raise fail((*at, name), f"应为一行非空文字（不超过 {MAX_TEXT} 字），实际为 {value!r}")
            values[name] = value.strip()
        if not KEY.fullmatch(values["key"]):
            raise fail((*at, "key"), f"发现的标识应形如 W3:overview:0（规则号:位置），实际为 {values['key']!r}")
        if values["decision"] not in DECISIONS:
            raise fail(
                (*at, "decision"), f"应为 accepted（确认无误）或 to-fix（待修正），实际为 {values['decision']!r}"
            )
        try:
            dt.date.fromisoformat(values["date"])
        except ValueError:
            raise fail((*at, "date"), f"日期应形如 2026-11-27，实际为 {values['date']!r}") from None
        allow = item.get("allow", False)
        if not isinstance(allow, bool):
            raise fail((*at, "allow"), f"应为 true 或 false，实际为 {allow!r}")
        if values["key"] in seen:
            raise fail((*at, "key"), f"同一发现重复决定（第 {seen[values['key']]} 行已有）：每个发现只写一条")
        seen[values["key"]] = lines.get((*at, "key"), 0)
        out.append(Decision(**values, allow=allow))
    return out


def dump_decisions(decisions: list[Decision]) -> str:
    s = yamlio.dump_scalar
    out = ["decisions:"]
    for d in decisions:
        out.append(f"  - key: {s(d.key)}")
        out += [f"    {name}: {s(getattr(d, name))}" for name in FIELDS[1:]]
        if d.allow:
            out.append("    allow: true")
    return "\n".join(out) + "\n"


def merged(old: list[Decision], new: list[Decision]) -> list[Decision]:
    """Old decisions with the new ones replacing any on the same finding, in key order."""
    by_key = {d.key: d for d in old} | {d.key: d for d in new}
    return sorted(by_key.values(), key=lambda d: d.key)


class Finding(Protocol):
    """What a decision is taken on (a checks finding): its stable key, its rule and its severity."""

    @property
    def key(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...


def decide(
    findings: list[Finding], key: str, *, accept: bool, allow: bool, reason: str, who: str, date: str, title: str
) -> list[Decision]:
    """The decisions a reviewer takes on `key` (a finding's key, or a rule: all its findings).

    An error accepted without `allow` is refused: an accepted error still may not be published, unless the
    reviewer says so explicitly (every page then says so too).
    """
    chosen = [f for f in findings if key in (f.key, f.rule)]
    if not chosen:
        keys = "、".join(f.key for f in findings) or "（没有任何发现）"
        raise InputError(f"{title} 没有发现 {key}：现有的发现是 {keys}")
    errors = [f.key for f in chosen if f.severity == "error"]
    if accept and errors and not allow:
        raise InputError(
            f"{'、'.join(errors)} 是错误，确认后仍不能发布；若确需照此发布，请加 --allow（每页都会注明经确认放行）"
        )
    decision = "accepted" if accept else "to-fix"
    return [Decision(f.key, decision, reason, who, date, allow=allow and f.severity == "error") for f in chosen]


def record_decisions(record_path: Path, new: list[Decision]) -> tuple[Path, int]:
    """Merge `new` into the review file beside the record; what is written must read back. (path, count)"""
    path = review_path(record_path)
    decisions = merged(load_decisions(path), new)
    text = dump_decisions(decisions)
    load_decisions_text(path, text)
    write_atomic(path, text)
    return path, len(decisions)
