"""What each report was built from and how it ended: build.json beside it, manifest.json over all.

build.json is written last, after the products, so a run killed half-way
leaves every finished report recognisable as finished. manifest.json is the
readable summary of all of them, rewritten at the end of every run; the
hashed inputs of each report are in its build.json only.

manifest.json stays one JSON document, laid out one report a line (sorted by
key): a nation's 38,000 reports are written and read a line at a time, never
held as one text, and a change shows in `git diff` as the lines of the
reports it touched. The indented layout of earlier versions is still read.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from gongkai.errors import GongkaiError
from gongkai.outputs import write_atomic, write_atomic_lines
from gongkai.pages.outcomes import Outcome, Shared

BUILD = "build.json"
MANIFEST = "manifest.json"
FORMAT = 2  # one report a line
HEAD = '{"format": 2, "run": '
END = "]}"

# In build.json, not manifest.json: eleven hashes a report that only build.json's reader needs.
NAMES = tuple(f.name for f in fields(Outcome) if f.name != "inputs")


class ManifestError(GongkaiError):
    """manifest.json cannot be read: which line, and why."""


def read_build(folder: Path) -> Outcome | None:
    try:
        return Outcome(**json.loads((folder / BUILD).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def write_build(folder: Path, entry: Outcome) -> None:
    write_atomic(folder / BUILD, json.dumps(asdict(entry), ensure_ascii=False, indent=1) + "\n")


def iter_manifest(path: Path) -> Iterator[Outcome]:
    """The reports of a manifest.json a line at a time; ManifestError names a bad line."""
    shared = Shared()
    with open(path, encoding="utf-8") as f:
        first = f.readline()
        if not first.startswith(HEAD):  # the indented layout of earlier versions: read whole, once
            f.seek(0)
            try:
                old = json.load(f)
                reports = old.get("reports", [])
                for data in reports:
                    yield shared.outcome(data)
            except (ValueError, TypeError, AttributeError) as e:
                raise ManifestError(f"{path}：不是可读的 JSON（{e}）") from None
            return
        for number, line in enumerate(f, start=2):
            text = line.rstrip("\n")
            if text == END:
                return
            try:
                yield shared.outcome(json.loads(text.removesuffix(",")))
            except (ValueError, TypeError) as e:
                raise ManifestError(f"{path} 第 {number} 行：应为一份报告的 JSON 记录（{e}）") from None
    raise ManifestError(f"{path}：文件不完整，缺少结尾的 {END}")


def read_manifest(out_dir: Path) -> dict[str, Outcome]:
    """Every report's last outcome; an unreadable manifest is an empty one (each build.json still counts)."""
    try:
        return {e.key: e for e in iter_manifest(out_dir / MANIFEST)}
    except OSError:
        return {}
    except ManifestError as e:
        print(f"警告：{e}；改为逐份核对 build.json", file=sys.stderr)
        return {}


def _line(entry: Outcome) -> str:
    return json.dumps({name: getattr(entry, name) for name in NAMES}, ensure_ascii=False, separators=(",", ":"))


def write_manifest(out_dir: Path, entries: dict[str, Outcome], run: dict[str, Any]) -> Path:
    """Written a line at a time into a temporary file renamed over the last one: a killed write changes nothing."""
    path = out_dir / MANIFEST

    def lines() -> Iterator[str]:
        yield f'{HEAD}{json.dumps(run, ensure_ascii=False)}, "reports": [\n'
        keys = sorted(entries)
        for n, key in enumerate(keys, start=1):
            yield _line(entries[key]) + (",\n" if n < len(keys) else "\n")
        yield END + "\n"

    write_atomic_lines(path, lines())
    return path
