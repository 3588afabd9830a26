"""A reviewer's decisions applied to a CheckReport: the finding stays, marked, with the reason.

An accepted error still blocks publication unless the reviewer allowed it
(`allow: true`, written by `gongkai review … --allow`); a decision whose
finding no longer occurs is reported as stale, never silently dropped.
"""

from __future__ import annotations

from dataclasses import replace

from gongkai.checks.report import CheckReport, Finding
from gongkai.format.rules import Severity
from gongkai.records.review import Decision


def apply(report: CheckReport, decisions: list[Decision]) -> CheckReport:
    by_key = {d.key: d for d in decisions}
    used: set[str] = set()

    def mark(f: Finding) -> Finding:
        d = by_key.get(f.key)
        if d is None:
            return f
        used.add(d.key)
        allowed = d.accepted and d.allow and f.severity == Severity.ERROR
        return replace(f, decision=d.decision, reason=d.reason, who=d.who, date=d.date, allowed=allowed)

    outcomes = tuple(replace(o, findings=tuple(mark(f) for f in o.findings)) for o in report.outcomes)
    stale = tuple(
        f"{d.key}（{d.who} {d.date} 的决定「{d.reason}」）：这条发现已不再出现，请从审阅文件中删去"
        for d in decisions
        if d.key not in used
    )
    return replace(report, outcomes=outcomes, stale=stale)
