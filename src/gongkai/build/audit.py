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
from typing import Any

from gongkai.errors import GongkaiError
from gongkai.outputs import write_atomic

REPORT, NOT_A_REPORT, FAILED = "report", "not-a-report", "failed"


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
    findings: list[dict[str, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict, repr=False)  # the imported record, until checked


def files_in(folders: Sequence[Path]) -> list[Path]:
    """Every file under the folders, in a stable order; hidden files and folders left out."""
    found: set[Path] = set()
    for folder in folders:
        if folder.is_file():
            found.add(folder)
            continue
        if not folder.is_dir():
            raise GongkaiError(f"不是文件夹：{folder}")
        for path in folder.rglob("*"):
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(folder).parts):
                found.add(path)
    return sorted(found)


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


def check_rows(rows: list[Row]) -> None:
    """Check every imported report in one batch; last year's report by the same body, when present."""
    from gongkai.checks import check_many

    readable = [r for r in rows if r.status == REPORT and r.format and r.year]
    for r in rows:
        if r.status == REPORT and r not in readable:
            r.status, r.message = NOT_A_REPORT, "读不出年度或格式，无法校验"
    records = [_record(r) for r in readable]
    by_body = {(rec.body, rec.year): rec for rec in records if rec.body}
    pairs = [(rec, by_body.get((rec.body, rec.year - 1))) for rec in records]
    for row, report in zip(readable, check_many(pairs), strict=True):
        row.findings = [
            {"rule": f.rule, "severity": f.severity, "key": f.key, "message": f.message}
            for o in report.outcomes
            for f in o.findings
        ]
    for r in rows:
        r.data = {}


def audit(folders: Sequence[Path], jobs: int = 2) -> list[Row]:
    paths = files_in(folders)
    if jobs <= 1 or len(paths) < 4:
        rows = [import_one(p) for p in paths]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            rows = list(pool.map(import_one, paths, chunksize=max(1, len(paths) // (jobs * 8))))
    check_rows(rows)
    return rows


def tally(rows: Sequence[Row]) -> Counter[str]:
    """How many reports break each rule (a report counts once per rule)."""
    return Counter(rule for r in rows for rule in sorted({f["rule"] for f in r.findings}))


def _csv(rows: Sequence[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["文件", "状态", "机关", "年度", "格式", "读出", "空白", "无法读取", "规则", "级别", "标识", "说明"]
    )
    for r in rows:
        head = [r.file, r.status, r.body, r.year or "", r.format, r.read, r.blank, r.unreadable]
        if not r.findings:
            writer.writerow([*head, "", "", "", r.message])
        for f in r.findings:
            writer.writerow([*head, f["rule"], f["severity"], f["key"], f["message"]])
    return out.getvalue()


def write_audit(rows: list[Row], out_dir: Path) -> Path:
    """index.html, audit.json and audit.csv in `out_dir` (output/audit)."""
    from gongkai.pages.audit import audit_html

    counts = tally(rows)
    listed = [{k: v for k, v in asdict(r).items() if k != "data"} for r in rows]
    data = {"files": len(rows), "tally": dict(sorted(counts.items())), "rows": listed}
    write_atomic(out_dir / "audit.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    write_atomic(out_dir / "audit.csv", "\ufeff" + _csv(rows))  # BOM: Excel opens it as UTF-8
    write_atomic(out_dir / "index.html", audit_html(rows, counts))
    return out_dir / "index.html"


def summary_lines(rows: Sequence[Row]) -> Iterator[str]:
    reports = [r for r in rows if r.status == REPORT]
    failing = [r for r in reports if any(f["severity"] == "error" for f in r.findings)]
    others = len(rows) - len(reports)
    yield f"共 {len(rows)} 个文件：{len(reports)} 份报告（{len(failing)} 份有错误），{others} 个不是报告或读不出"
    for rule, n in sorted(tally(rows).items()):
        yield f"  {rule}：{n} 份"
