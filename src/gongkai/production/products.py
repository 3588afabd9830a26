"""Which product files `--formats` asks for, and what to do with the others.

The formats are not an input of a report's content (every product is made
from the same executed notebook), so they are not in its fingerprint. A run
with other formats than the last one instead (1) makes only the products
now missing, from the notebook saved beside them, without running it again,
and (2) removes the products no longer asked for, once the report's new run
has succeeded: a file left behind would look current, and nothing is
removed from a report whose run failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# --formats name → file; the notebook, the review page and checks.json are always made.
OPTIONAL = {"html": "report.html", "pdf": "report.pdf", "docx": "report.docx", "review-pdf": "report.review.pdf"}
ALWAYS = ("report.ipynb", "report.review.html", "checks.json")
NOTEBOOK = "report.ipynb"


def missing(folder: Path, formats: Iterable[str]) -> frozenset[str]:
    """The formats asked for whose file is not in the folder."""
    return frozenset(f for f in formats if not (folder / OPTIONAL[f]).is_file())


def unwanted(folder: Path, formats: Iterable[str]) -> list[str]:
    """Product files in the folder that the formats no longer ask for."""
    asked = {OPTIONAL[f] for f in formats}
    return sorted(name for name in OPTIONAL.values() if name not in asked and (folder / name).is_file())


def remove_unwanted(folder: Path, formats: Iterable[str]) -> list[str]:
    """Remove those files (each unlink is atomic); their paths, for the run's summary."""
    removed = []
    for name in unwanted(folder, formats):
        (folder / name).unlink(missing_ok=True)
        removed.append(str(folder / name))
    return removed


def present(folder: Path, names: Iterable[str]) -> list[str]:
    """The files of a report as they are now: for build.json and the manifest after a change of formats."""
    return sorted(name for name in names if (folder / name).is_file())
