"""What a run over many reports did: the counts and the reports with problems, as the summary prints them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gongkai.pages.outcomes import INVALID, RENDERED, Outcome


@dataclass
class Summary:
    # Every matched report, in order: a run that renders reads them all; a no-op only counts them (batch/noop.py).
    reports: list[Outcome] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)  # keys rendered by this run
    attempted: list[str] = field(default_factory=list)  # keys this run tried, whatever came of it
    seconds: float = 0.0
    index: Path | None = None
    completed: list[str] = field(default_factory=list)  # current reports given the products newly asked for
    kept: list[str] = field(default_factory=list)  # product files not made again but still valid (products.py)
    removed: list[str] = field(default_factory=list)  # product files of earlier inputs, removed (products.py)
    total: int = 0  # matched reports
    statuses: dict[str, int] = field(default_factory=dict)  # matched reports by status
    failing: list[Outcome] = field(default_factory=list)  # rendered, but failed their checks
    unrendered: list[Outcome] = field(default_factory=list)  # crashed, invalid, refused

    def count(self, report: Outcome) -> None:
        """Tally one matched report; the ones with problems are kept to be named."""
        self.total += 1
        self.statuses[report.status] = self.statuses.get(report.status, 0) + 1
        if report.status != RENDERED:
            self.unrendered.append(report)
        elif report.passed is False:
            self.failing.append(report)

    def with_status(self, status: str) -> int:
        return self.statuses.get(status, 0)

    @property
    def skipped(self) -> int:
        return self.total - len(self.attempted)

    @property
    def exit_code(self) -> int:
        """2 when a record is unusable (as for any bad input), 1 when a report failed or crashed."""
        if self.with_status(INVALID):
            return 2
        return 1 if self.failing or self.unrendered else 0
