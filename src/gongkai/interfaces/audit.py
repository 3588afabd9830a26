"""`gongkai audit FOLDER…`: import every published report found, check them all, one table.

Importing is per file and runs on a process pool; checking runs once in the
parent over all records (great-expectations costs per validation, not per
row). A file that is not a report, or that breaks the importer, is a row
saying so; it never stops the rest.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai.errors import GongkaiError
from gongkai.importers.base import office_lock
from gongkai.outputs import write_atomic
from gongkai.records.review import Decision, load_decisions, merged, review_path

if TYPE_CHECKING:
    from gongkai.records.catalog import Entry

REPORT, NOT_A_REPORT, FAILED = "report", "not-a-report", "failed"
REVIEW_SUFFIX = ".review.yaml"  # a reviewer's decisions, not a report to audit


@dataclass
class Row:
    """One file's outcome: what was read, and every finding."""

    file: str
    status: str = REPORT
    kind: str = ""  # which importer read it
    body: str = ""
    year: int | None = None
    format: str = ""
    cells: int = 0
    read: int = 0
    blank: int = 0
    unreadable: int = 0
    message: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    settled: int = 0  # findings a reviewer accepted (an error only with --allow): shown, not open
    stale: list[str] = field(default_factory=list)  # decisions whose finding no longer occurs
    decisions: list[str] = field(default_factory=list)  # the review files that applied
    data: dict[str, Any] = field(default_factory=dict, repr=False)  # the imported record, until checked


def files_in(folders: Sequence[Path]) -> list[Path]:
    """Every file under the folders, in a stable order; hidden files and folders, Office lock files left out."""
    found: set[Path] = set()
    for folder in folders:
        if folder.is_file():
            found.add(folder)
            continue
        if not folder.is_dir():
            raise GongkaiError(f"不是文件夹：{folder}")
        for path in folder.rglob("*"):
            hidden = any(p.startswith(".") for p in path.relative_to(folder).parts)
            if path.is_file() and not hidden and not path.name.endswith(REVIEW_SUFFIX) and not office_lock(path):
                found.add(path)
    return sorted(found)


def beside(paths: Sequence[Path]) -> dict[Path, list[Decision]]:
    """The review files beside the audited files, read (and validated) before any import starts."""
    out = {}
    for path in paths:
        review = review_path(path)
        if review.is_file():
            out[path] = load_decisions(review)
    return out


def on_record(data_dir: Path) -> dict[tuple[str, int], list[Entry]]:
    """(township name, year) → the records on file under `data_dir`: read before any import starts."""
    from gongkai.records import catalog

    out: dict[tuple[str, int], list[Entry]] = {}
    for e in catalog.entries(data_dir):
        out.setdefault((e.township.name, e.year), []).append(e)
    return out


def recorded_decisions(row: Row, records: dict[tuple[str, int], list[Entry]]) -> tuple[Path, list[Decision]] | None:
    """The review file of the one record on file for the row's township and year, if it has one.

    A township name found in more than one county (and no county read to tell
    them apart) is not guessed: the row says so.
    """
    township = str(row.data.get("township") or "")
    found = records.get((township, row.year or 0), [])
    county = str(row.data.get("county") or "")
    if len(found) > 1 and county:
        found = [e for e in found if county in (e.county.name, e.county.id)]
    if len(found) > 1:
        row.message = f"{township}{row.year} 年有多条记录（不同的县），未采用其审阅决定"
        return None
    review = review_path(found[0].path) if found else None
    return (review, load_decisions(review)) if review is not None and review.is_file() else None


def import_one(path: Path) -> Row:
    """Import one file into a row; never raises."""
    from gongkai import importers
    from gongkai.errors import NotAReport
    from gongkai.format import FORMATS

    row = Row(str(path))
    try:
        result = importers.import_file(path)
    except NotAReport as e:
        row.status, row.message = NOT_A_REPORT, str(e)
        return row
    except GongkaiError as e:
        row.status, row.message = NOT_A_REPORT, str(e)
        return row
    except Exception as e:  # one bad file must not stop the audit
        row.status, row.message = FAILED, f"导入时出错：{type(e).__name__}: {e}"
        return row
    data = result.data
    fmt = FORMATS.get(str(data.get("format")))
    row.kind, row.body, row.year = result.kind, str(data.get("body") or ""), data.get("year")
    row.format = fmt.id if fmt else ""
    if fmt is not None:
        row.cells = sum(1 for _ in fmt.cells())
    blank = {k for p in result.problems if p.kind is importers.Trouble.BLANK for k in p.cells}
    missing = result.missing_cells()
    row.blank = len(blank & missing)
    row.unreadable = len(missing - blank)
    row.read = row.cells - len(missing)
    row.data = data
    return row


def _record(row: Row) -> Any:
    from gongkai.format import FORMATS
    from gongkai.importers import partial_record

    return partial_record(row.data, FORMATS[row.format])


def settled(finding: Any) -> bool:
    """Accepted by a reviewer; an error only when also let through (as `check` and `render` count it)."""
    return bool(finding.accepted and (finding.severity != "error" or finding.allowed))


def check_rows(rows: list[Row], decisions: dict[int, tuple[list[str], list[Decision]]] | None = None) -> None:
    """Check every imported report in one batch; last year's report by the same body, when present.

    `decisions`: row index → (the review files, their decisions), applied to that row's findings.
    """
    from gongkai.checks import check_many
    from gongkai.checks.decisions import apply

    decisions = decisions or {}
    index = {id(r): n for n, r in enumerate(rows)}

    readable = [r for r in rows if r.status == REPORT and r.format and r.year]
    for r in rows:
        if r.status == REPORT and r not in readable:
            r.status, r.message = NOT_A_REPORT, "读不出年度或格式，无法校验"
    if not readable:  # nothing to check: great-expectations is not even imported
        for r in rows:
            r.data = {}
        return
    records = [_record(r) for r in readable]
    by_body = {(rec.body, rec.year): rec for rec in records if rec.body}
    pairs = [(rec, by_body.get((rec.body, rec.year - 1))) for rec in records]
    for row, report in zip(readable, check_many(pairs), strict=True):
        sources, chosen = decisions.get(index[id(row)], ([], []))
        if sources:
            report = apply(report, chosen)
            row.decisions, row.stale = sources, list(report.stale)
        found = [f for o in report.outcomes for f in o.findings]
        row.findings = [
            {
                "rule": f.rule,
                "severity": f.severity,
                "key": f.key,
                "message": f.message,
                "decision": f.decision,
                "note": f.review_note(),
                "settled": settled(f),
            }
            for f in found
        ]
        row.settled = sum(1 for f in found if settled(f))
    for r in rows:
        r.data = {}


def audit(folders: Sequence[Path], jobs: int = 2, decisions_dir: Path | None = None) -> list[Row]:
    """Import, check and settle every file under the folders; `decisions_dir` is a records folder (data)."""
    paths = files_in(folders)
    if not paths:
        return []
    near = beside(paths)
    records = on_record(decisions_dir) if decisions_dir is not None else {}
    if jobs <= 1 or len(paths) < 4:
        rows = [import_one(p) for p in paths]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            rows = list(pool.map(import_one, paths, chunksize=max(1, len(paths) // (jobs * 8))))
    chosen: dict[int, tuple[list[str], list[Decision]]] = {}
    for n, (path, row) in enumerate(zip(paths, rows, strict=True)):
        sources: list[str] = []
        found: list[Decision] = []
        recorded = recorded_decisions(row, records) if records and row.status == REPORT else None
        if recorded is not None:  # the record's decisions first; the file's own replace them on the same finding
            sources.append(str(recorded[0]))
            found = recorded[1]
        if path in near:
            sources.append(str(review_path(path)))
            found = merged(found, near[path])
        if sources:
            chosen[n] = (sources, found)
    check_rows(rows, chosen)
    return rows


def tally(rows: Sequence[Row], *, settled: bool = False) -> Counter[str]:
    """How many reports break each rule with an open finding (a report counts once per rule).

    With settled=True: how many have a finding of the rule a reviewer settled.
    """
    return Counter(rule for r in rows for rule in sorted({f["rule"] for f in r.findings if f["settled"] == settled}))


def _csv(rows: Sequence[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["文件", "状态", "机关", "年度", "格式", "读出", "空白", "无法读取", "规则", "级别", "标识", "说明", "审阅"]
    )
    for r in rows:
        head = [r.file, r.status, r.body, r.year or "", r.format, r.read, r.blank, r.unreadable]
        if not r.findings:
            writer.writerow([*head, "", "", "", r.message, ""])
        for f in r.findings:
            writer.writerow([*head, f["rule"], f["severity"], f["key"], f["message"], f["note"]])
    return out.getvalue()


def write_audit(rows: list[Row], out_dir: Path) -> Path:
    """index.html, audit.json and audit.csv in `out_dir` (output/audit)."""
    from gongkai.pages.audit import audit_html

    counts = tally(rows)
    listed = [{k: v for k, v in asdict(r).items() if k != "data"} for r in rows]
    data = {
        "files": len(rows),
        "tally": dict(sorted(counts.items())),
        "settled": dict(sorted(tally(rows, settled=True).items())),
        "rows": listed,
    }
    write_atomic(out_dir / "audit.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    write_atomic(out_dir / "audit.csv", "\ufeff" + _csv(rows))  # BOM: Excel opens it as UTF-8
    write_atomic(out_dir / "index.html", audit_html(rows, counts, tally(rows, settled=True)))
    return out_dir / "index.html"


def summary_lines(rows: Sequence[Row]) -> Iterator[str]:
    reports = [r for r in rows if r.status == REPORT]
    failing = [r for r in reports if any(f["severity"] == "error" and not f["settled"] for f in r.findings)]
    others = len(rows) - len(reports)
    yield f"共 {len(rows)} 个文件：{len(reports)} 份报告（{len(failing)} 份有错误），{others} 个不是报告或读不出"
    done = tally(rows, settled=True)
    for rule in sorted(tally(rows).keys() | done.keys(), key=_rule_order):
        extra = f"（另有 {done[rule]} 份已由审阅者确认）" if done[rule] else ""
        yield f"  {rule}：{tally(rows)[rule]} 份{extra}"
    settled = sum(r.settled for r in rows)
    stale = sum(len(r.stale) for r in rows)
    if settled or stale:
        yield f"审阅决定：{settled} 条发现已确认，{stale} 条决定已过时"


def _rule_order(rule: str) -> tuple[str, int]:
    """R2 before R10: by letter, then number."""
    return rule[:1], int(rule[1:]) if rule[1:].isdigit() else 0
