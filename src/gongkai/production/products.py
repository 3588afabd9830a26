"""Which product files `--formats` asks for, and which of the others stay.

The formats are not an input of a report's content (every product is made
from the same executed notebook), so they are not in its fingerprint. A run
with other formats than the last one instead (1) makes only the products
now missing, from the notebook saved beside them, without running it again,
and (2) keeps every product that still matches its inputs: a report.pdf
made from the same record and code is as valid as a new one, whether or not
this run asked for it. A product is removed only when the report was made
again from other inputs (the record or the code changed) and this run did
not make that product anew: left behind, it would look current. A failed
run removes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from gongkai.pages.inputs import INPUT_NAME
from gongkai.pages.outcomes import CHECKS, DOCX, EXECUTED, HTML, PDF, REVIEW, REVIEW_PDF

# --formats name → file; the notebook, its input, the review page and checks.json are always made.
OPTIONAL = {"html": HTML, "pdf": PDF, "docx": DOCX, "review-pdf": REVIEW_PDF}
ALWAYS = (EXECUTED, INPUT_NAME, REVIEW, CHECKS)  # INPUT_NAME: what the notebook ran on, beside it


def missing(folder: Path, formats: Iterable[str]) -> frozenset[str]:
    """The formats asked for whose file is not in the folder."""
    return frozenset(f for f in formats if not (folder / OPTIONAL[f]).is_file())


def settle(folder: Path, made: Iterable[str], still_valid: Iterable[str]) -> tuple[list[str], list[str]]:
    """The optional products in the folder this run did not make: (kept, stale).

    `still_valid` lists the files of the last run whose inputs were the same as
    this run's (empty when the record or code changed): those are kept.
    """
    made, valid = set(made), set(still_valid)
    others = sorted(n for n in OPTIONAL.values() if n not in made and (folder / n).is_file())
    return [n for n in others if n in valid], [n for n in others if n not in valid]


def remove(folder: Path, names: Iterable[str]) -> list[str]:
    """Remove those files (each unlink is atomic); their paths, for the run's summary."""
    removed = []
    for name in names:
        (folder / name).unlink(missing_ok=True)
        removed.append(str(folder / name))
    return removed


def present(folder: Path, names: Iterable[str]) -> list[str]:
    """The files of a report as they are now: for build.json and the manifest after a change of formats."""
    return sorted(set(name for name in names if (folder / name).is_file()))
