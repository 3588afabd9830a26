"""What a report depends on, hashed: a report is rebuilt when any of it changes.

Record, earlier years (cross-year rules, trend chart), the county file, the
notebook, the suites, the templates, the package (version, code and the
versions of what it runs on) and the options. Not the git commit: a report
is not rebuilt by a commit that changed none of its inputs, and its page
names the commit it was rendered at.
Hashing is all a no-op rerun does, so it reads each file once and imports
nothing heavy; with a `Cache` opened on the output folder, a file whose
stat has not changed since the last run is not read at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import gongkai
from gongkai.records import catalog
from gongkai.records.catalog import COUNTY_FILE, Entry

PACKAGE = Path(gongkai.__file__).resolve().parent
CACHE_FILE = ".fingerprints.json"  # beside manifest.json; safe to delete


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signature(st: os.stat_result) -> list[int]:
    """What changes whenever the content can have: size, mtime, ctime (no one can set it back), inode."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _settled(st: os.stat_result) -> bool:
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > catalog.RACY_NS  # see there


class Cache:
    """Hashes of files and checks of output folders, by stat signature, kept between runs.

    `files`: path → [size, mtime_ns, ctime_ns, inode, sha256].
    `folders`: output folder → [mtime_ns, ctime_ns, inode, its files]: a folder's
    mtime changes whenever a file in it is created, deleted or renamed.
    `counties`: county.yaml → signature and the parsed county (catalog.REMEMBERED).
    Everything is dropped when the package's code changes.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.files: dict[str, list[Any]] = {}
        self.folders: dict[str, list[Any]] = {}
        # manifest.json's stat, and what a no-op needs of each report in it (see `outcomes`)
        self.manifest: list[Any] = []
        self.seen: dict[str, str] = {}  # this run: each path hashed at most once
        self.dirty = False

    @classmethod
    def open(cls, out_dir: Path) -> Cache:
        """The cache of an output folder; an unreadable or outdated one is an empty one."""
        found = cls(out_dir / CACHE_FILE)
        try:
            data = json.loads(found.path.read_bytes())  # type: ignore[union-attr]
            if data.get("code") == code_hash():
                found.files, found.folders, found.manifest = data["files"], data["folders"], data["manifest"]
                catalog.REMEMBERED.update(
                    {k: (tuple(v[0]), catalog.county_from_json(v[1])) for k, v in data["counties"].items()}
                )
                catalog.LISTINGS.update({k: (tuple(v[0]), v[1]) for k, v in data["listings"].items()})
        except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError):
            found.files, found.folders, found.manifest = {}, {}, []
            found.dirty = True
        return found

    def hash(self, path: str) -> str:
        """SHA-256 of a file, or "absent" / "unreadable:<errno>"; read only if its stat changed."""
        if path in self.seen:
            return self.seen[path]
        try:
            st = os.stat(path)
            sig = _signature(st)
            hit = self.files.get(path)
            if hit is not None and hit[:4] == sig:
                digest: str = hit[4]
            else:
                with open(path, "rb") as f:
                    digest = _sha(f.read())
                if _settled(st):
                    self.files[path] = [*sig, digest]
                    self.dirty = True
        except FileNotFoundError:
            digest = "absent"
        except OSError as e:  # unreadable: the loader says so for this record; the others still render
            digest = f"unreadable:{e.errno}"
        self.seen[path] = digest
        return digest

    def has_files(self, folder: str, names: list[str]) -> bool:
        """Whether every one of `names` is a file in `folder`, without a stat each when the folder is unchanged."""
        try:
            st = os.stat(folder)
        except OSError:
            return False
        sig = [st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        listed = "\n".join(names)
        hit = self.folders.get(folder)
        if hit is not None and hit[:3] == sig and hit[3] == listed:
            return True
        if not all(os.path.isfile(os.path.join(folder, name)) for name in names):
            return False
        if _settled(st):
            self.folders[folder] = [*sig, listed]
            self.dirty = True
        return True

    def outcomes(self, out_dir: Path) -> dict[str, Any] | None:
        """The manifest's reports as far as a no-op reads them (no inputs, findings or title), or None.

        Only while manifest.json is as it was when they were taken; reading the
        whole manifest is most of a no-op over a nation's records.
        """
        from gongkai.build.manifest import MANIFEST, Entry

        try:
            sig = _signature(os.stat(out_dir / MANIFEST))
        except OSError:
            return None
        if not self.manifest or self.manifest[0] != sig:
            return None
        return {
            k: Entry(k, st, fp, passed=ok, errors=n, files=f, message=m, county=c, township=t, year=y)
            for k, (st, fp, ok, n, f, m, c, t, y) in self.manifest[1].items()
        }

    def remember(self, out_dir: Path, known: dict[str, Any]) -> None:
        """Take `outcomes` from the manifest just read or written (this run holds the output folder's lock)."""
        from gongkai.build.manifest import MANIFEST

        try:
            sig = _signature(os.stat(out_dir / MANIFEST))
        except OSError:
            return
        compact = {
            k: [e.status, e.fingerprint, e.passed, e.errors, e.files, e.message, e.county, e.township, e.year]
            for k, e in known.items()
        }
        self.manifest = [sig, compact]
        self.dirty = True

    def save(self) -> None:
        """Written atomically; the counties parsed this run go with it."""
        if self.path is None or not (self.dirty or catalog.REMEMBERED_DIRTY):
            return
        from gongkai.outputs import write_atomic

        counties = {k: [list(sig), catalog.county_to_json(c)] for k, (sig, c) in catalog.REMEMBERED.items()}
        listings = {k: [list(sig), names] for k, (sig, names) in catalog.LISTINGS.items()}
        data = {"code": code_hash(), "files": self.files, "folders": self.folders, "counties": counties}
        data["manifest"] = self.manifest
        data["listings"] = listings
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        self.dirty = catalog.REMEMBERED_DIRTY = False


CACHE = Cache()  # without an output folder: hashes this run only


def use(out_dir: Path) -> Cache:
    """Open the output folder's cache for a run (before listing the records: it holds the counties too)."""
    global CACHE
    if CACHE.path != out_dir / CACHE_FILE:
        CACHE = Cache.open(out_dir)
    CACHE.seen.clear()  # a new run: stat every file again
    return CACHE


def file_hash(path: Path | str) -> str:
    """SHA-256 of a file, or "absent"; a run hashes each file at most once."""
    return CACHE.hash(str(path))


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


def history(entry: Entry, names: list[str] | None = None) -> str:
    """Earlier years of the township: the trend chart draws them."""
    folder = f"{entry.county.folder}/{entry.township.id}"
    names = _listed(folder) if names is None else names
    years = sorted(n for n in names if n.endswith(".yaml") and n[:-5].isdigit() and int(n[:-5]) < entry.year)
    return _sha("".join(f"{n}:{file_hash(f'{folder}/{n}')}" for n in years).encode())


def inputs(entry: Entry, options: dict[str, object] | str, shared: dict[str, str]) -> dict[str, str]:
    """`options` as a dict, or already as `options_text` gives it (once per run, not per record).

    A file the township folder's listing lacks is absent without a stat of its own.
    """
    folder = f"{entry.county.folder}/{entry.township.id}"
    names = _listed(folder)
    listed = set(names)

    def hashed(name: str) -> str:
        return file_hash(f"{folder}/{name}") if name in listed else "absent"

    return {
        "record": hashed(f"{entry.year}.yaml"),
        "review": hashed(f"{entry.year}.review.yaml"),  # a reviewer's decisions change the checks
        "previous": hashed(f"{entry.year - 1}.yaml"),
        "history": history(entry, names),
        "county": file_hash(f"{entry.county.folder}/{COUNTY_FILE}"),
        "options": options if isinstance(options, str) else options_text(options),
        **shared,
    }


def options_text(options: dict[str, object]) -> str:
    return json.dumps(options, sort_keys=True, ensure_ascii=False)


def digest(parts: dict[str, str]) -> str:
    """One hash of all of them (keys are fixed names, values hashes or one-line texts)."""
    return _sha("\n".join(f"{k}={parts[k]}" for k in sorted(parts)).encode())
