"""One report's input: what its pages show, read once by the caller and written as one file.

The kernel that runs the report notebook reads this file and nothing else: no
record file, no data folder, no environment variable. The checks were run on
the very record whose tables the pages draw (one read of its bytes), and the
saved notebook names the file, and its hash, it ran on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai.errors import GongkaiError
from gongkai.pages import provenance
from gongkai.records import yamlio
from gongkai.records.history import earlier_paths
from gongkai.records.ids import report_key
from gongkai.records.record import Record, parse_record
from gongkai.resources import EXPECTATIONS, NOTEBOOK

if TYPE_CHECKING:
    from gongkai.checks.report import CheckReport

INPUT_NAME = "input.json"  # beside the executed notebook, and in the kernel's working folder
FORMAT = 1  # the layout of the file; a kernel refuses another


@dataclass(frozen=True)
class Source:
    """One record file as read: its path under the data folder, its text, the SHA-256 of its bytes."""

    path: str  # county/township/year.yaml
    text: str
    sha256: str

    def record(self) -> Record:
        """The record again, from the text read (its folder was checked when it was read).

        A warm kernel renders a township's years one after another: the record
        of one report is the previous year of the next, and every earlier year is
        in the trend chart, so a parse is remembered (records are immutable).
        """
        return _parsed(self)


@lru_cache(maxsize=16)
def _parsed(source: Source) -> Record:
    """`source`'s record, keyed by path, text and hash alike: a different text is another record."""
    return parse_record(Path(source.path), source.text, placed=False)


@dataclass(frozen=True)
class Read:
    """What the caller read for one report, before its checks: the record and its township's earlier years."""

    record: Record
    source: Source
    earlier: tuple[tuple[Record, Source], ...]  # the earlier years that load, oldest first
    previous_note: str  # why there is no previous year's record ("" when there is one)

    @property
    def previous(self) -> Record | None:
        """Last year's record, for the cross-year rules and the comparison."""
        last = self.earlier[-1][0] if self.earlier else None
        return last if last is not None and last.year == self.record.year - 1 else None


class Reader:
    """Reads record files, each once while its township is at hand.

    Reports are rendered township by township, year by year: the record read
    for 2021 is the one 2022 is compared with. Only one township's files are held.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._held: dict[str, tuple[Record, Source] | GongkaiError] = {}

    def _load(self, path: Path) -> tuple[Record, Source]:
        if path.parent != self._folder:
            self._folder, self._held = path.parent, {}
        held = self._held.get(path.name)
        if held is None:
            try:
                raw = yamlio.read_bytes(path)
                text = yamlio.decode(path, raw)
                source = Source("/".join(path.parts[-3:]), text, hashlib.sha256(raw).hexdigest())
                held = (parse_record(path, text), source)
            except GongkaiError as e:
                held = e
            self._held[path.name] = held
        if isinstance(held, GongkaiError):
            raise held
        return held

    def read(self, path: Path) -> Read:
        """The record at `path` (a bad one raises) and the earlier years beside it that load."""
        record, source = self._load(path)
        earlier, note = [], f"没有 {record.year - 1} 年的记录"
        for other in earlier_paths(path, record.year):
            try:
                earlier.append(self._load(other))
            except GongkaiError as e:  # an invalid earlier year is reported by its own render
                if other.name == f"{record.year - 1}.yaml":
                    note = f"{record.year - 1} 年的记录无效（{e}）"
        if earlier and earlier[-1][0].year == record.year - 1:
            note = ""
        return Read(record, source, tuple(earlier), note)


@dataclass(frozen=True)
class ReportInput:
    """Everything one report's pages show, as one value; `to_json` is the file the kernel reads."""

    record: Source
    earlier: tuple[Source, ...]
    previous_note: str
    checks: str  # CheckReport.to_json(): also the bytes of the report's checks.json
    meta: dict[str, Any]  # the cover's facts: title, verdict, counts (what the PDF header and the index say)
    origin: dict[str, Any]  # provenance: parameters, git, the suites', notebook's and packages' versions

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "record": vars(self.record),
            "earlier": [vars(s) for s in self.earlier],
            "previous_note": self.previous_note,
            "checks": self.checks,
            "meta": self.meta,
            "origin": self.origin,
        }
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ReportInput:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise GongkaiError(f"报告输入文件的格式不是本版本的（应为 {FORMAT}）：请用 gongkai render 重新生成")
        return cls(
            Source(**data["record"]),
            tuple(Source(**s) for s in data["earlier"]),
            data["previous_note"],
            data["checks"],
            data["meta"],
            data["origin"],
        )

    @property
    def key(self) -> str:
        p = self.origin["parameters"]
        return report_key(p["year"], p["county"], p["township"])

    def report(self) -> CheckReport:
        """The checks as a value (the checks package is imported only here: planning a run needs none of it)."""
        from gongkai.checks.report import CheckReport

        return CheckReport.from_dict(json.loads(self.checks))


def meta_of(record: Record, checks: CheckReport) -> dict[str, Any]:
    """The cover's facts, which the caller needs for the PDF's header, the manifest and the index."""
    return {
        "title": record.title,
        "body": record.body,
        "county": record.county,
        "township": record.township,
        "county_id": record.county_id,
        "township_id": record.township_id,
        "year": record.year,
        "format": record.format.id,
        "synthetic": record.synthetic,
        "passed": checks.passed,
        "errors": len(checks.errors),
        "warnings": len(checks.warnings),
        "accepted": len(checks.accepted),
        "allowed": len(checks.allowed),  # errors a reviewer let through: every PDF page says so
        "drafts": list(checks.drafts),  # parts still last year's text: every page says so
    }


def make(read: Read, checks: CheckReport, git: str) -> ReportInput:
    """The input of the report on `read`, checked as `checks` says; `git`: the data folder's commit."""
    r = read.record
    parameters = {"township": r.township_id, "county": r.county_id, "year": r.year}
    origin = {"parameters": parameters, "git": git, **provenance.environment(EXPECTATIONS, NOTEBOOK)}
    earlier = tuple(source for _, source in read.earlier)
    return ReportInput(read.source, earlier, read.previous_note, checks.to_json(), meta_of(r, checks), origin)


def build(path: Path, data_dir: Path, reader: Reader | None = None) -> ReportInput:
    """One report's input, checked here: a by-hand run of the notebook, or a single render."""
    from gongkai.checks import check

    read = (reader or Reader()).read(path)
    return make(read, check(read.record, read.previous), provenance.git_state(data_dir.resolve()))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(path: Path, sha256: str | None = None) -> ReportInput:
    """The input file at `path`; refused when its bytes do not hash to `sha256` (what the notebook was given)."""
    try:
        raw = path.read_bytes()  # read once: what is verified is what is used
    except OSError as e:
        raise GongkaiError(f"找不到报告输入文件 {path}（{e.strerror or e}）：请用 gongkai render 生成") from None
    if sha256 is not None and hashlib.sha256(raw).hexdigest() != sha256:
        raise GongkaiError(f"报告输入文件 {path} 被改动过（内容与参数 input_sha256 不符）：拒绝使用")
    return ReportInput.from_json(raw.decode("utf-8"))
