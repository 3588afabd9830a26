"""What a report depends on, hashed: a report is rebuilt when any of it changes.

Record, earlier years (cross-year rules, trend chart), the county file, the
notebook, the suites, the templates, the package (version, code and the
versions of what it runs on) and the options. Not the git commit: a report
is not rebuilt by a commit that changed none of its inputs, and its page
names the commit it was rendered at.
Hashing is all a no-op rerun does, so it reads each file once and imports
nothing heavy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import gongkai
from gongkai.records.catalog import COUNTY_FILE, Entry
from gongkai.records.review import review_path

PACKAGE = Path(gongkai.__file__).resolve().parent


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cache
def file_hash(path: Path) -> str:
    """SHA-256 of a file, or "absent"; cached: a run hashes each record at most once."""
    try:
        return _sha(path.read_bytes())
    except FileNotFoundError:
        return "absent"
    except OSError as e:  # unreadable: the loader says so for this record; the others still render
        return f"unreadable:{e.errno}"


def tree_hash(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def environment(notebook: Path, suites: Path) -> dict[str, str]:
    """The inputs every report shares, hashed once per run."""
    from gongkai.pages.provenance import versions
    from gongkai.resources import TEMPLATES

    return {
        "notebook": file_hash(notebook),
        "suites": tree_hash(suites.glob("*.json"), suites),
        "templates": tree_hash((p for p in TEMPLATES.rglob("*") if p.is_file()), TEMPLATES),
        "package": f"{gongkai.__version__}:{tree_hash(PACKAGE.rglob('*.py'), PACKAGE)}",
        "versions": versions(),
    }


def history(entry: Entry) -> str:
    """Earlier years of the township: the trend chart draws them."""
    earlier = sorted(p for p in entry.path.parent.glob("*.yaml") if p.stem.isdigit() and int(p.stem) < entry.year)
    return _sha("".join(f"{p.name}:{file_hash(p)}" for p in earlier).encode())


def inputs(entry: Entry, options: dict[str, object], shared: dict[str, str]) -> dict[str, str]:
    return {
        "record": file_hash(entry.path),
        "review": file_hash(review_path(entry.path)),  # a reviewer's decisions change the checks
        "previous": file_hash(entry.previous),
        "history": history(entry),
        "county": file_hash(entry.county.folder / COUNTY_FILE),
        "options": json.dumps(options, sort_keys=True, ensure_ascii=False),
        **shared,
    }


def digest(parts: dict[str, str]) -> str:
    return _sha(json.dumps(parts, sort_keys=True).encode())
