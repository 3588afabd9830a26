"""What each report was built from and how it ended: build.json beside it, manifest.json over all.

build.json is written last, after the products, so a run killed half-way
leaves every finished report recognisable as finished. manifest.json is the
readable summary of all of them, rewritten at the end of every run.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gongkai.outputs import write_atomic

BUILD = "build.json"
MANIFEST = "manifest.json"

RENDERED, INVALID, CRASHED = "rendered", "invalid", "crashed"


@dataclass
class Entry:
    """One report's last outcome."""

    key: str  # year/county/township
    status: str  # rendered / invalid / crashed
    fingerprint: str
    inputs: dict[str, str] = field(default_factory=dict)
    title: str = ""
    county: str = ""
    township: str = ""
    year: int = 0
    passed: bool | None = None
    errors: int = 0
    warnings: int = 0
    findings: list[str] = field(default_factory=list)  # rule id + short message, errors first
    accepted: int = 0  # findings a reviewer settled (已确认)
    allowed: int = 0  # errors a reviewer let through
    synthetic: bool = False
    files: list[str] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == RENDERED and bool(self.passed)


def read_build(folder: Path) -> Entry | None:
    try:
        return Entry(**json.loads((folder / BUILD).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def write_build(folder: Path, entry: Entry) -> None:
    write_atomic(folder / BUILD, json.dumps(asdict(entry), ensure_ascii=False, indent=1) + "\n")


def read_manifest(out_dir: Path) -> dict[str, Entry]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {r["key"]: Entry(**r) for r in data.get("reports", [])}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def write_manifest(out_dir: Path, entries: dict[str, Entry], run: dict[str, Any]) -> Path:
    path = out_dir / MANIFEST
    data = {"run": run, "reports": [asdict(entries[k]) for k in sorted(entries)]}
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return path
