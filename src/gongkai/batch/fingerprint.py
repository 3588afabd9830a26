"""What a report depends on, hashed: a report is rebuilt when any of it changes.

Record, earlier years (cross-year rules, trend chart), the county file, the
notebook, the suites, the templates, the package (version, code and the
versions of what it runs on) and the options. Not the git commit: a report
is not rebuilt by a commit that changed none of its inputs, and its page
names the commit it was rendered at.
Hashing is all a no-op rerun does, so it reads each file once and imports
nothing heavy; with a `Cache` opened on the output folder (build.statcache),
a file whose stat has not changed since the last run is not read at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import gongkai
from gongkai.batch import statcache
from gongkai.batch.statcache import Cache
from gongkai.records import catalog
from gongkai.records.catalog import COUNTY_FILE, Entry

PACKAGE = Path(gongkai.__file__).resolve().parent
CACHE_FILE = statcache.CACHE_FILE


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


CACHE = Cache()  # without an output folder: hashes this run only


def use(out_dir: Path) -> Cache:
    """Open the output folder's cache for a run (before listing the records: it holds the counties too)."""
    global CACHE
    if CACHE.path != out_dir / CACHE_FILE:
        CACHE = Cache.open(out_dir, code_hash())
    CACHE.seen.clear()  # a new run: stat every file again
    catalog.ENTER = CACHE.enter  # the catalog brings in a county's remembered stats as it reaches it
    return CACHE


def file_hash(path: Path | str, keep: bool = False) -> str:
    """SHA-256 of a file, or "absent"; a run hashes each file at most once (`Cache.hash`)."""
    return CACHE.hash(str(path), keep)


def tree_hash(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def code_hash() -> str:
    return f"{gongkai.__version__}:{tree_hash(PACKAGE.rglob('*.py'), PACKAGE)}"


@cache
def environment(notebook: Path, suites: Path) -> dict[str, str]:
    """The inputs every report shares, hashed once per run."""
    from gongkai.pages.provenance import versions
    from gongkai.resources import TEMPLATES

    return {
        "notebook": _sha(notebook.read_bytes()),
        "suites": tree_hash(suites.glob("*.json"), suites),
        "templates": tree_hash((p for p in TEMPLATES.rglob("*") if p.is_file()), TEMPLATES),
        "package": code_hash(),
        "versions": versions(),
    }


def _listed(folder: str) -> list[str]:
    try:
        return catalog.listing(folder)
    except OSError:
        return []


NO_HISTORY = hashlib.sha256(b"").hexdigest()


def history(entry: Entry, names: list[str] | None = None, folder: str | None = None) -> str:
    """Earlier years of the township: the trend chart draws them."""
    folder = f"{entry.county.folder}/{entry.township.id}" if folder is None else folder
    names = _listed(folder) if names is None else names
    years = sorted(n for n in names if n.endswith(".yaml") and n[:-5].isdigit() and int(n[:-5]) < entry.year)
    if not years:
        return NO_HISTORY  # a first year: no hashing a national run's worth of empty texts
    return _sha("".join(f"{n}:{file_hash(f'{folder}/{n}')}" for n in years).encode())


def inputs(entry: Entry, options: dict[str, object] | str, shared: dict[str, str]) -> dict[str, str]:
    """`options` as a dict, or already as `options_text` gives it (once per run, not per record).

    A file the township folder's listing lacks is absent without a stat of its own.
    """
    CACHE.enter(entry.county.id)  # its county's lines of the cache (the county id is its folder's name)
    folder = f"{entry.county.folder}/{entry.township.id}"
    names = _listed(folder) if entry.names is None else entry.names  # a list is searched as quickly as a set made

    def hashed(name: str) -> str:
        return file_hash(f"{folder}/{name}") if name in names else "absent"

    return {
        "record": hashed(f"{entry.year}.yaml"),
        "review": hashed(f"{entry.year}.review.yaml"),  # a reviewer's decisions change the checks
        "previous": hashed(f"{entry.year - 1}.yaml"),
        "history": history(entry, names, folder),
        "county": file_hash(f"{entry.county.folder}/{COUNTY_FILE}", keep=True),
        "options": options if isinstance(options, str) else options_text(options),
        **shared,
    }


def options_text(options: dict[str, object]) -> str:
    return json.dumps(options, sort_keys=True, ensure_ascii=False)


def digest(parts: dict[str, str]) -> str:
    """One hash of all of them (keys are fixed names, values hashes or one-line texts)."""
    return _sha("\n".join(f"{k}={parts[k]}" for k in sorted(parts)).encode())
