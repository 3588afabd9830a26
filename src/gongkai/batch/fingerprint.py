"""What a report depends on, hashed: a report is rebuilt when any of it changes.

Record, earlier years (cross-year rules, trend chart), the county file, the
notebook, the suites, the templates, the package (version, code and the
versions of what it runs on) and the options. Not the git commit: a report
is not rebuilt by a commit that changed none of its inputs, and its page
names the commit it was rendered at.
Hashing is all a no-op rerun does, so it reads each file once and imports
nothing heavy; the caller's `Cache` (batch.statcache), opened on the output
folder, is passed in: a file whose stat has not changed since the last run is
not read at all. Nothing here keeps state between calls.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import gongkai
from gongkai.batch.statcache import Cache
from gongkai.production.notebook import code_digest
from gongkai.records import catalog
from gongkai.records.catalog import COUNTY_FILE, Entry
from gongkai.resources import TEMPLATES

PACKAGE = Path(gongkai.__file__).resolve().parent


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_cache(out_dir: Path) -> Cache:
    """The output folder's cache for a run: open it before listing the records (it holds the counties too)."""
    return Cache.open(out_dir, code_hash())


def tree_hash(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def code_hash(package: Path = PACKAGE) -> str:
    return f"{gongkai.__version__}:{tree_hash(package.rglob('*.py'), package)}"


def environment(notebook: Path, suites: Path, templates: Path = TEMPLATES, package: Path = PACKAGE) -> dict[str, str]:
    """The inputs every report shares: hashed once per run, by its plan (batch.plan)."""
    from gongkai.pages.provenance import versions

    return {
        "notebook": code_digest(notebook),  # its cells alone: outputs and metadata a front-end saves do not count
        "suites": tree_hash(suites.glob("*.json"), suites),
        "templates": tree_hash((p for p in templates.rglob("*") if p.is_file()), templates),
        "package": code_hash(package),
        "versions": versions(),
    }


def _listed(folder: str, cache: Cache) -> list[str]:
    try:
        return catalog.listing(folder, cache)
    except OSError:
        return []


NO_HISTORY = hashlib.sha256(b"").hexdigest()


def history(entry: Entry, cache: Cache, names: list[str] | None = None, folder: str | None = None) -> str:
    """Earlier years of the township: the trend chart draws them."""
    folder = f"{entry.county.folder}/{entry.township.id}" if folder is None else folder
    names = _listed(folder, cache) if names is None else names
    years = sorted(n for n in names if n.endswith(".yaml") and n[:-5].isdigit() and int(n[:-5]) < entry.year)
    if not years:
        return NO_HISTORY  # a first year: no hashing a national run's worth of empty texts
    return _sha("".join(f"{n}:{cache.hash(f'{folder}/{n}')}" for n in years).encode())


def inputs(entry: Entry, options: dict[str, object] | str, shared: dict[str, str], cache: Cache) -> dict[str, str]:
    """`options` as a dict, or already as `options_text` gives it (once per run, not per record).

    A file the township folder's listing lacks is absent without a stat of its own; `cache`
    hashes each file at most once a run, and not at all while its stat is unchanged.
    """
    cache.enter(entry.county.id)  # its county's lines of the cache (the county id is its folder's name)
    folder = f"{entry.county.folder}/{entry.township.id}"
    names = _listed(folder, cache) if entry.names is None else entry.names  # a list is searched as fast as a set

    def hashed(name: str) -> str:
        return cache.hash(f"{folder}/{name}") if name in names else "absent"

    return {
        "record": hashed(f"{entry.year}.yaml"),
        "review": hashed(f"{entry.year}.review.yaml"),  # a reviewer's decisions change the checks
        "previous": hashed(f"{entry.year - 1}.yaml"),
        "history": history(entry, cache, names, folder),
        "county": cache.hash(f"{entry.county.folder}/{COUNTY_FILE}", keep=True),
        "options": options if isinstance(options, str) else options_text(options),
        **shared,
    }


def options_text(options: dict[str, object]) -> str:
    return json.dumps(options, sort_keys=True, ensure_ascii=False)


def digest(parts: dict[str, str]) -> str:
    """One hash of all of them (keys are fixed names, values hashes or one-line texts)."""
    return _sha("\n".join(f"{k}={parts[k]}" for k in sorted(parts)).encode())
