"""Write the pages that span reports: the county summaries and the index (what they say lives in pages/)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from gongkai.build.manifest import Entry
from gongkai.build.run import Page, alert_for
from gongkai.outputs import publish, write_atomic_lines
from gongkai.pages.index import iter_index
from gongkai.pages.summary import build
from gongkai.records import catalog


def write_summaries(
    out_dir: Path,
    data_dir: Path,
    touched: set[tuple[int, str]],
    built: dict[str, Entry],
    print_pages: Callable[[list[Page]], list[bytes]] | None,
) -> list[Path]:
    """Rebuild the summary of every (year, county id) in `touched`; `print_pages` makes the PDFs."""
    made: list[tuple[Path, Page]] = []
    for year, county in sorted(touched):
        entries = list(catalog.entries(data_dir, year=year, county=county, missing=[]))
        found = build(entries[0].county.name, year, entries, built) if entries else None
        if found is not None:
            alert = alert_for({"passed": found.passed, "errors": found.errors})
            made.append((out_dir / str(year) / county, Page(found.html, found.title, alert)))
    pdfs = print_pages([page for _, page in made]) if print_pages and made else []
    for n, (folder, page) in enumerate(made):
        files: dict[str, bytes | str] = {"summary.html": page.html}
        if pdfs:
            files["summary.pdf"] = pdfs[n]
        publish(folder, files)
    return [folder / "summary.html" for folder, _ in made]


def write_index(out_dir: Path, entries: Sequence[Entry]) -> Path:
    path = out_dir / "index.html"
    write_atomic_lines(path, iter_index(entries, out_dir))  # a piece at a time: a nation's rows
    return path
