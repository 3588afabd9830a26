"""What the last run learnt by stat'ing and hashing, kept beside manifest.json: a no-op reads no record.

For each county (its folder name, which is its id) the file holds a group of
lines: its parsed county.yaml, its township folders' listings and its record
files' hashes, each with the stat signature it was taken at; its output
folders' checks; and what a no-op needs of each of its reports in
manifest.json. Groups are written in sorted order, and a run visits the
counties in that order (the catalog lists them sorted), so only the group of
the county at hand is in memory: a window that moves forward through the file,
and the parent's memory does not grow with the number of records. A group
asked for out of order is looked for from the start again: slower, never
wrong, since every value is checked against a fresh stat before it is used.
The file is safe to delete; it is dropped whole when the package's code changes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from gongkai.pages.outcomes import Outcome, Shared
from gongkai.records import catalog
from gongkai.records.ids import county_of

CACHE_FILE = ".fingerprints.json"  # beside manifest.json
FORMAT = 3  # one group of lines a county
GROUP = "g"  # the line that opens a county's group
PASSED = {"1": True, "0": False, "": None}
# What a no-op's outcomes lack, one object for all of them (an entry is changed by `replace`, never in place).
NO_INPUTS: dict[str, str] = {}
NO_FINDINGS: list[str] = []


def signature(st: os.stat_result) -> list[int]:
    """What changes whenever the content can have: size, mtime, ctime (no one can set it back), inode."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class _Groups:
    """The groups of a cache file, read forward; one asked for behind the cursor starts over."""

    def __init__(self, path: Path, head: str) -> None:
        self.path, self.head = path, head  # the file's first line as read or written: another is another file
        self.file: IO[str] | None = None
        self.at: str | None = None  # the group whose opening line was read last, not yet taken
        self.last = ""  # the last group taken or passed; "" before the first

    def _open(self) -> None:
        self.close()
        self.file = open(self.path, encoding="utf-8", newline="\n")  # noqa: SIM115 - held across calls, closed by close()
        if self.file.readline() != self.head:  # rewritten by another run since: nothing of it is ours
            self.close()
            return
        self.at, self.last = self._next_group(), ""

    def _next_group(self) -> str | None:
        assert self.file is not None
        for line in self.file:
            if line.startswith(GROUP + "\t"):
                return line[2:].removesuffix("\n")
        return None

    def take(self, group: str) -> list[str]:
        """The lines of `group`, or none if the file has no such group."""
        if self.file is None or group <= self.last:
            self._open()
        while self.file is not None and self.at is not None and self.at < group:
            self.last, self.at = self.at, self._next_group()
        if self.file is None or self.at != group:
            return []
        lines: list[str] = []
        for line in self.file:
            if line.startswith(GROUP + "\t"):
                self.last, self.at = group, line[2:].removesuffix("\n")
                return lines
            lines.append(line)
        self.last, self.at = group, None
        return lines

    def each(self) -> Iterator[tuple[str, list[str]]]:
        """Every group as the file has it, once, from the start (in order, unless someone edited the file)."""
        self._open()
        while self.file is not None and self.at is not None:
            group, lines, self.at = self.at, [], None
            for line in self.file:
                if line.startswith(GROUP + "\t"):
                    self.at = line[2:].removesuffix("\n")
                    break
                lines.append(line)
            self.last = group
            yield group, lines

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        self.file, self.at = None, None


class Cache(catalog.Memo):
    """Hashes of files and checks of output folders, by stat signature, kept between runs (see the module).

    Created by the caller of a run and passed to the catalog (as its `Memo`) and
    to the run's plan (batch.plan); nothing holds it between runs but the file.
    The loaded county's lines are in `files` (path → "size:mtime:ctime:inode sha256"),
    `folders` (output folder → "mtime:ctime:inode/name/name"), `reports` (key → the
    outcome a no-op needs) and the memo's `counties` and `listings`. A county left
    with something changed keeps its lines in `pending` until `save`.
    """

    def __init__(self, path: Path | None = None, code: str = "") -> None:
        super().__init__()
        self.path, self.code = path, code
        self.group: str | None = None  # the county whose lines are loaded
        self.files: dict[str, str] = {}
        self.folders: dict[str, str] = {}
        self.reports: dict[str, Outcome] = {}
        self.manifest: list[int] = []  # manifest.json's stat when `reports` were taken from it
        self.trusted = False  # this run: manifest.json is as it was, so `reports` are its outcomes
        self.seen: dict[str, str] = {}  # this run: each path hashed at most once
        self.pending: dict[str, list[str]] = {}  # counties left with changes: their lines
        self.outcomes: dict[str, Outcome] | None = None  # every report's outcome, once a run wrote manifest.json
        self.stale = False  # the file on disk is of another version or unreadable: rewrite it
        self._groups: _Groups | None = None

    @property
    def head(self) -> str:
        return (
            json.dumps({"format": FORMAT, "code": self.code, "manifest": self.manifest}, separators=(",", ":")) + "\n"
        )

    @classmethod
    def open(cls, out_dir: Path, code: str) -> Cache:
        """The cache of an output folder; an unreadable or outdated one is an empty one."""
        found = cls(out_dir / CACHE_FILE, code)
        try:
            with open(out_dir / CACHE_FILE, encoding="utf-8", newline="\n") as f:
                first = f.readline()
            head = json.loads(first)
            if head.get("format") != FORMAT or head.get("code") != code:
                raise ValueError("another version of the package or of this file")
            found.manifest = [int(n) for n in head["manifest"]]
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            found.stale = True
            return found
        found._groups = _Groups(out_dir / CACHE_FILE, first)
        return found

    # the window
    def enter(self, group: str) -> None:
        """Load a county's lines (its folder name), leaving the one loaded before."""
        if group == self.group or self.path is None:  # without a file behind it, a cache keeps everything
            return
        self._leave()
        lines = self.pending.pop(group, None)
        if lines is None:
            lines = self._groups.take(group) if self._groups is not None else []
        self._load(lines)
        self.group = group

    def _leave(self) -> None:
        if self.group is not None and self.dirty:
            self.pending[self.group] = list(self._window())
        self.files, self.folders, self.reports = {}, {}, {}
        self.seen.clear()  # no file of a county is asked for after the run has left it
        self.counties, self.listings = {}, {}
        self.dirty = False
        self.group = None

    def _load(self, lines: list[str]) -> None:
        shared = Shared()
        simple = {"f": self.files, "d": self.folders, "l": self.listings}  # kind → key and one text
        for line in lines:
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
                    parts[6], parts[10] = parts[6].split("/") if parts[6] else [], int(parts[10])
            kind, key, *rest = parts
            if kind in simple:
                simple[kind][key] = rest[0]
            elif kind == "m":
                st, fp, ok, n, names, m, c, t, y = rest
                self.reports[key] = Outcome(
                    key, shared.text(st), fp, passed=ok, errors=n, files=shared.files(names), message=m,
                    county=shared.text(c), township=t, year=y, inputs=NO_INPUTS, findings=NO_FINDINGS,
                )  # fmt: skip
            elif kind == "c":
                self.counties[key] = (tuple(rest[0]), catalog.county_from_json(rest[1]))

    def _window(self, reports: bool = True) -> Iterator[str]:
        for path, (sig, county) in self.counties.items():
            yield _json_line("c", path, list(sig), catalog.county_to_json(county))
        for path, listed in self.listings.items():
            yield _line("l", path, listed)
        for path, value in self.files.items():
            yield _line("f", path, value)
        for folder, value in self.folders.items():
            yield _line("d", folder, value)
        if reports:
            yield from (_outcome_line(e) for e in self.reports.values())

    # files and folders
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
                digest = hashlib.sha256(f.read()).hexdigest()
            if catalog.settled(st):
                self.files[path] = sig + digest
                self.dirty = True
        except FileNotFoundError:
            digest = "absent"
        except OSError as e:  # unreadable: the loader says so for this record; the others still render
            digest = f"unreadable:{e.errno}"
        self.seen[path] = digest
        return digest

    def has_files(self, folder: str, names: list[str], county: str) -> bool:
        """Whether every one of `names` is a file in `folder` (of `county`), without a stat each when unchanged."""
        self.enter(county)
        try:
            st = os.stat(folder)
        except OSError:
            return False
        seen = "/".join([f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}", *names])  # no name holds a "/"
        if self.folders.get(folder) == seen:
            return True
        if not all(os.path.isfile(os.path.join(folder, name)) for name in names):
            return False
        if catalog.settled(st):
            self.folders[folder] = seen
            self.dirty = True
        return True

    # what a no-op needs of manifest.json
    def trust(self, manifest: Path) -> bool:
        """Whether manifest.json is as it was when the outcomes were taken (once a run: it is read whole otherwise)."""
        try:
            self.trusted = self.manifest == signature(os.stat(manifest))
        except OSError:
            self.trusted = False
        return self.trusted

    def outcome(self, key: str) -> Outcome | None:
        """The report's outcome in manifest.json as far as a no-op reads it, or None."""
        if not self.trusted:
            return None
        self.enter(county_of(key))
        return self.reports.get(key)

    def remember(self, manifest: Path, known: dict[str, Outcome]) -> None:
        """Take every report's outcome from the manifest just written (this run holds the folder's lock)."""
        try:
            self.manifest = signature(os.stat(manifest))
        except OSError:
            return
        self.outcomes, self.trusted = known, False

    @property
    def changed(self) -> bool:
        return bool(self.stale or self.pending or self.outcomes is not None or self.dirty)

    def save(self) -> None:
        """Written atomically, a county at a time: the unchanged ones copied from the file as they are."""
        if self.path is None or not self.changed:
            return
        from gongkai.outputs import write_atomic_lines

        self._leave()
        write_atomic_lines(self.path, self._merged())
        if self._groups is not None:
            self._groups.close()
        self._groups = _Groups(self.path, self.head)
        self.pending, self.outcomes, self.stale = {}, None, False

    def _merged(self) -> Iterator[str]:
        yield self.head
        outcomes: dict[str, list[Outcome]] = {}
        for e in (self.outcomes or {}).values():
            outcomes.setdefault(county_of(e.key), []).append(e)
        on_disk = self._groups.each() if self._groups is not None else iter(())
        fresh = sorted(set(self.pending) | set(outcomes))
        for group, lines in _merge(on_disk, fresh):
            lines = self.pending.get(group, lines)
            if self.outcomes is not None:
                lines = [line for line in lines if not _is_outcome(line)]
                lines += [_outcome_line(e) for e in outcomes.get(group, [])]
            if lines:
                yield f"{GROUP}\t{group}\n"
                yield from lines


def _merge(on_disk: Iterator[tuple[str, list[str]]], fresh: list[str]) -> Iterator[tuple[str, list[str]]]:
    """The file's groups and the groups only this run has, in sorted order (the fresh ones with no lines)."""
    i = 0
    for group, lines in on_disk:
        while i < len(fresh) and fresh[i] < group:
            yield fresh[i], []
            i += 1
        if i < len(fresh) and fresh[i] == group:
            i += 1
        yield group, lines
    yield from ((group, []) for group in fresh[i:])


def _is_outcome(line: str) -> bool:
    return line.startswith(("m\t", '["m",'))


def _outcome_line(e: Outcome) -> str:
    return _line("m", e.key, e.status, e.fingerprint, e.passed, e.errors, e.files, e.message, e.county, e.township,
                 e.year)  # fmt: skip


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
