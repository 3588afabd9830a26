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
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, cast

import gongkai
from gongkai.records import catalog
from gongkai.records.catalog import COUNTY_FILE, Entry

PACKAGE = Path(gongkai.__file__).resolve().parent
CACHE_FILE = ".fingerprints.json"  # beside manifest.json; safe to delete
# What a no-op's entries lack, one object for all of them (an entry is changed by `replace`, never in place).
NO_INPUTS: dict[str, str] = {}
NO_FINDINGS: list[str] = []


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signature(st: os.stat_result) -> list[int]:
    """What changes whenever the content can have: size, mtime, ctime (no one can set it back), inode."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _settled(st: os.stat_result) -> bool:
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > catalog.RACY_NS  # see there


class Cache:
    """Hashes of files and checks of output folders, by stat signature, kept between runs.

    `files`: path → "size:mtime_ns:ctime_ns:inode sha256".
    `folders`: output folder → "mtime_ns:ctime_ns:inode" and its files, "/" between:
    a folder's mtime changes whenever a file in it is created, deleted or renamed.
    `counties`: county.yaml → signature and the parsed county (catalog.REMEMBERED).
    One text a value, not lists of ints: a nation's records hold four of them each.
    On disk one entry a line, tab-separated (JSON where a text holds a tab or a
    line break), read a line at a time: never a whole nation's text in memory.
    Everything is dropped when the package's code changes.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.files: dict[str, str] = {}
        self.folders: dict[str, str] = {}
        # manifest.json's stat, and what a no-op needs of each report in it (see `outcomes`)
        self.manifest: list[Any] = []
        self.reports: dict[str, Any] = {}
        self.seen: dict[str, str] = {}  # this run: each path hashed at most once
        self.dirty = False

    @classmethod
    def open(cls, out_dir: Path) -> Cache:
        """The cache of an output folder; an unreadable or outdated one is an empty one."""
        found = cls(out_dir / CACHE_FILE)
        try:
            found._read(out_dir / CACHE_FILE)
        except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError):
            found.files, found.folders, found.manifest, found.reports = {}, {}, [], {}
            found.dirty = True
        return found

    def _read(self, path: Path) -> None:
        from gongkai.build.manifest import Entry as Outcome
        from gongkai.build.manifest import _Shared

        shared = _Shared()
        years = cache(int)  # one int object a year, not one a report
        counties: dict[str, Any] = {}
        listings: dict[str, Any] = {}
        with open(path, encoding="utf-8", newline="\n") as f:
            head = json.loads(f.readline())
            if head.get("format") != 2 or head.get("code") != code_hash():
                raise ValueError("another version of the package or of this file")
            simple = {"f": self.files, "d": self.folders, "l": listings}  # kind → key and one text
            for line in f:
                into = simple.get(line[0])
                if into is not None and line[1] == "\t":  # most lines: split and store, nothing more
                    _, key, value = line.removesuffix("\n").split("\t")
                    into[key] = value
                    continue
                parts: list[Any]
                if line[0] == "[":  # a line with a tab or line break in a text: JSON
                    parts = json.loads(line)
                else:  # tab-separated, several times quicker to split than JSON to parse
                    parts = cast(list[Any], line.removesuffix("\n").split("\t"))
                    if parts[0] == "m":
                        parts[4], parts[5] = PASSED[parts[4]], int(parts[5])
                        parts[6], parts[10] = parts[6].split("/") if parts[6] else [], years(parts[10])
                kind, key, *rest = parts
                if kind == "f":
                    self.files[key] = rest[0]
                elif kind == "d":
                    self.folders[key] = rest[0]
                elif kind == "m":
                    st, fp, ok, n, names, m, c, t, y = rest
                    self.reports[key] = Outcome(
                        key, shared.text(st), fp, passed=ok, errors=n, files=shared.files(names), message=m,
                        county=shared.text(c), township=t, year=y, inputs=NO_INPUTS, findings=NO_FINDINGS,
                    )  # fmt: skip
                elif kind == "c":
                    counties[key] = (tuple(rest[0]), catalog.county_from_json(rest[1]))
                elif kind == "l":
                    listings[key] = rest[0]
        self.manifest = head["manifest"]
        catalog.REMEMBERED.update(counties)
        catalog.LISTINGS.update(listings)

    def hash(self, path: str, keep: bool = False) -> str:
        """SHA-256 of a file, or "absent" / "unreadable:<errno>"; read only if its stat changed.

        A file read this run is not read again (`seen`); one whose stat matches the cache is
        only stat'ed again when asked again, so a no-op keeps nothing a path for this run.
        """
        if path in self.seen:
            return self.seen[path]
        try:
            st = os.stat(path)
            sig = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino} "
            hit = self.files.get(path)
            if hit is not None and hit.startswith(sig):
                digest = hit[len(sig) :]
                if keep:  # a file many reports share (county.yaml): one stat a run
                    self.seen[path] = digest
                return digest
            with open(path, "rb") as f:
                digest = _sha(f.read())
            if _settled(st):
                self.files[path] = sig + digest
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
        seen = "/".join([f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}", *names])  # no name holds a "/"
        if self.folders.get(folder) == seen:
            return True
        if not all(os.path.isfile(os.path.join(folder, name)) for name in names):
            return False
        if _settled(st):
            self.folders[folder] = seen
            self.dirty = True
        return True

    def outcomes(self, out_dir: Path) -> dict[str, Any] | None:
        """The manifest's reports as far as a no-op reads them (no inputs, findings or title), or None.

        Only while manifest.json is as it was when they were taken; reading the
        whole manifest is most of a no-op over a nation's records.
        """
        from gongkai.build.manifest import MANIFEST

        try:
            sig = _signature(os.stat(out_dir / MANIFEST))
        except OSError:
            return None
        if self.manifest != sig:
            return None
        return dict(self.reports)

    def remember(self, out_dir: Path, known: dict[str, Any]) -> None:
        """Take `outcomes` from the manifest just read or written (this run holds the output folder's lock)."""
        from gongkai.build.manifest import MANIFEST

        try:
            self.manifest = _signature(os.stat(out_dir / MANIFEST))
        except OSError:
            return
        self.reports = dict(known)  # the entries themselves: written as outcomes only (`save`)
        self.dirty = True

    def _lines(self) -> Iterator[str]:
        head = {"format": 2, "code": code_hash(), "manifest": self.manifest}
        yield json.dumps(head, separators=(",", ":")) + "\n"
        for path, (sig, county) in catalog.REMEMBERED.items():
            yield _json_line("c", path, list(sig), catalog.county_to_json(county))
        for path, listed in catalog.LISTINGS.items():
            yield _line("l", path, listed)
        for path, value in self.files.items():
            yield _line("f", path, value)
        for folder, value in self.folders.items():
            yield _line("d", folder, value)
        for k, e in self.reports.items():
            yield _line("m", k, e.status, e.fingerprint, e.passed, e.errors, e.files, e.message, e.county, e.township,
                        e.year)  # fmt: skip

    def save(self) -> None:
        """Written atomically, a line at a time; the counties parsed this run go with it."""
        if self.path is None or not (self.dirty or catalog.REMEMBERED_DIRTY):
            return
        from gongkai.outputs import write_atomic_lines

        write_atomic_lines(self.path, self._lines())
        self.dirty = catalog.REMEMBERED_DIRTY = False


PASSED = {"1": True, "0": False, "": None}


def _json_line(*parts: object) -> str:
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":")) + "\n"


def _line(kind: str, *parts: object) -> str:
    """Tab-separated texts ("/" between file names, which no name holds); JSON if a text holds a tab or break."""
    texts = [kind]
    for part in parts:
        if isinstance(part, list):
            texts.append("/".join(part))
        elif part is None or isinstance(part, bool):
            texts.append({True: "1", False: "0", None: ""}[part])
        else:
            texts.append(str(part))
    if any("\t" in t or "\n" in t or "\r" in t for t in texts):
        return _json_line(kind, *parts)
    return "\t".join(texts) + "\n"


CACHE = Cache()  # without an output folder: hashes this run only


def use(out_dir: Path) -> Cache:
    """Open the output folder's cache for a run (before listing the records: it holds the counties too)."""
    global CACHE
    if CACHE.path != out_dir / CACHE_FILE:
        CACHE = Cache.open(out_dir)
    CACHE.seen.clear()  # a new run: stat every file again
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
    folder = f"{entry.county.folder}/{entry.township.id}"
    names = _listed(folder)  # a few names: a list is searched as quickly as a set is made

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
