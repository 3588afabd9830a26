"""How each report's last run ended: the value the batch records and the index and summaries show.

Below the batch code on purpose: the pages that list outcomes (index,
county summary) read it without importing the code that produces reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A report's files, each named here once: production makes them, the batch keeps them, the index links them.
HTML, PDF, DOCX = "report.html", "report.pdf", "report.docx"
REVIEW, REVIEW_PDF = "report.review.html", "report.review.pdf"
EXECUTED, CHECKS = "report.ipynb", "checks.json"  # the executed notebook; its checks

RENDERED, INVALID, CRASHED = "rendered", "invalid", "crashed"
REFUSED = "refused"  # failed its checks under --strict: not rendered


@dataclass(slots=True)
class Outcome:
    """One report's last outcome (slots: a nation's worth are held at once)."""

    key: str  # year/county/township
    status: str  # rendered / invalid / crashed / refused
    fingerprint: str
    inputs: dict[str, str] = field(default_factory=dict)
    title: str = ""
    county: str = ""
    township: str = ""
    year: int = 0
    passed: bool | None = None
    errors: int = 0
    warnings: int = 0
    findings: list[str] = field(default_factory=list)  # rule id + short message, errors first
    accepted: int = 0  # findings a reviewer settled (已确认)
    allowed: int = 0  # errors a reviewer let through
    synthetic: bool = False
    files: list[str] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == RENDERED and bool(self.passed)


class Shared:
    """One copy of the texts that repeat across outcomes (statuses, county names, file lists)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.lists: dict[tuple[str, ...], list[str]] = {}

    def text(self, value: str) -> str:
        return self.texts.setdefault(value, value)

    def files(self, names: list[str]) -> list[str]:
        """Shared list objects: nothing changes an outcome's files in place (a change is a `replace`)."""
        return self.lists.setdefault(tuple(names), [self.text(n) for n in names])

    def outcome(self, data: dict[str, Any]) -> Outcome:
        data.pop("inputs", None)  # manifests of earlier versions carried them: see manifest.NAMES
        found = Outcome(**data)
        found.status, found.county = self.text(found.status), self.text(found.county)
        found.files = self.files(found.files)
        return found
