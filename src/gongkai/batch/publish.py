"""Write the pages that span reports: the county summaries and the index (what they say lives in pages/)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from gongkai.checks import check_many
from gongkai.checks.report import CheckReport
from gongkai.outputs import publish, write_atomic_lines
from gongkai.pages.index import iter_index
from gongkai.pages.outcomes import CHECKS, RENDERED, Outcome
from gongkai.pages.summary import County, Saved, Township, gather, page, township_reports
from gongkai.production.run import Page, alert_for
from gongkai.records import catalog
from gongkai.records.ids import report_key

SUMMARY_BATCH = 50  # county-years checked in one validation, printed and written together


def write_summaries(
    out_dir: Path,
    data_dir: Path,
    touched: set[tuple[int, str]],
    built: dict[str, Outcome],
    print_pages: Callable[[list[Page]], list[bytes]] | None,
    memo: catalog.Memo | None = None,
) -> list[Path]:
    """Rebuild the summary of every (year, county id) in `touched`; `print_pages` makes the PDFs.

    County totals are checked a batch at a time (great-expectations costs per
    validation, not per row), and a township's own findings come from the
    checks.json its report saved: nothing is checked twice. A batch is
    written before the next is read, so memory does not grow with the country.
    """
    written: list[Path] = []
    ordered = sorted(touched)
    for start in range(0, len(ordered), SUMMARY_BATCH):
        written += _write_batch(out_dir, data_dir, ordered[start : start + SUMMARY_BATCH], built, print_pages, memo)
    return written


def _write_batch(
    out_dir: Path,
    data_dir: Path,
    batch: list[tuple[int, str]],
    built: dict[str, Outcome],
    print_pages: Callable[[list[Page]], list[bytes]] | None,
    memo: catalog.Memo | None,
) -> list[Path]:
    counties: list[tuple[Path, County]] = []
    for year, county_id in batch:
        entries = list(catalog.entries(data_dir, year=year, county=county_id, missing=[], memo=memo))
        gathered = gather(entries[0].county.name, year, entries, built) if entries else None
        if gathered is not None:
            counties.append((out_dir / str(year) / county_id, gathered))
    reports = check_many([(c.combined, c.previous) for _, c in counties]) if counties else []
    saved = _saved_checks(out_dir)
    made: list[tuple[Path, Page]] = []
    for (folder, county), report in zip(counties, reports, strict=True):
        found = page(county, report, township_reports(county, saved) if not report.passed else [])
        alert = alert_for({"passed": found.passed, "errors": found.errors})
        made.append((folder, Page(found.html, found.title, alert)))
    pdfs = print_pages([p for _, p in made]) if print_pages and made else []
    for n, (folder, made_page) in enumerate(made):
        files: dict[str, bytes | str] = {"summary.html": made_page.html}
        if pdfs:
            files["summary.pdf"] = pdfs[n]
        publish(folder, files)
    return [folder / "summary.html" for folder, _ in made]


def _saved_checks(out_dir: Path) -> Saved:
    """A township's checks as its current report saved them (None: not rendered, or unreadable)."""
    import json

    def saved(township: Township) -> CheckReport | None:
        built = township.built
        if built is None or built.status != RENDERED or CHECKS not in built.files:
            return None
        entry = township.entry
        path = out_dir / report_key(entry.year, entry.county.id, entry.township.id) / CHECKS
        try:
            return CheckReport.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    return saved


def write_index(out_dir: Path, entries: Sequence[Outcome]) -> Path:
    path = out_dir / "index.html"
    write_atomic_lines(path, iter_index(entries, out_dir))  # a piece at a time: a nation's rows
    return path
