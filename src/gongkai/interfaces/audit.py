"""`gongkai audit FOLDER…`: import every published report found, check them all, one table.

Importing is per file and runs on a process pool; checking runs once in the
parent over all records (great-expectations costs per validation, not per
row). A file that is not a report, or that breaks the importer, is a row
saying so; it never stops the rest.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai import importers
from gongkai.errors import GongkaiError, ImageOnly, OldFormat
from gongkai.format import FORMATS
from gongkai.format.bodies import kind_of_body
from gongkai.format.rules import PROFILES, CopiedRule, document_rules, text_rules, with_profile
from gongkai.importers import partial_record
from gongkai.importers.files import present
from gongkai.importers.guarded import unreadable
from gongkai.interfaces.audit_facts import (
    Given,
    block_of,
    check_pattern,
    from_name,
    previous_of,
    sidecar,
    with_document,
)
from gongkai.interfaces.audit_read import in_batches, listed, read_all
from gongkai.outputs import write_atomic
from gongkai.procs import Limits
from gongkai.records import catalog
from gongkai.records.review import Decision, load_decisions, merged, review_path
from gongkai.shown import shown

if TYPE_CHECKING:
    from gongkai.records.catalog import Entry

REPORT, NOT_A_REPORT, FAILED, SKIPPED = "report", "not-a-report", "failed", "skipped"
OLD, IMAGE = "pre-2019", "image-only"  # recognised, not checked against the tables: said once per file


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
    unsplit: int = 0  # cells whose digits ran together and could not be cut one way only
    message: str = ""
    level: str = ""  # the body's kind from its name (format/bodies): decides W2 and the deadline
    missing: list[str] = field(default_factory=list)  # 机关未识别, 年度未识别: what the user may give
    published: str = ""  # the date the report carries, or the one the user gave
    deadline: str = ""
    previous: str = ""  # the same body's report on the year before, when it is among the files
    share: float | None = None  # sentences of parts 一 and 五 also in last year's report
    findings: list[dict[str, Any]] = field(default_factory=list)
    settled: int = 0  # findings a reviewer accepted (an error only with --allow): shown, not open
    stale: list[str] = field(default_factory=list)  # decisions whose finding no longer occurs
    decisions: list[str] = field(default_factory=list)  # the review files that applied
    data: dict[str, Any] = field(default_factory=dict, repr=False)  # the imported record, until checked


def files_in(folders: Sequence[Path]) -> list[Path]:
    """Every file under the folders, in a stable order; hidden files, and links leading outside, left out."""
    return [p for p, why in listed(folders) if not why]


def beside(paths: Sequence[Path]) -> dict[Path, list[Decision]]:
    """The review files beside the audited files, read (and validated) before any import starts."""
    out = {}
    for path in paths:
        review = review_path(path)
        if present(review):  # a long name's review name may be longer than a name can be
            out[path] = load_decisions(review)
    return out


def on_record(data_dir: Path) -> dict[tuple[str, int], list[Entry]]:
    """(township name, year) → the records on file under `data_dir`: read before any import starts."""
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


def import_one(path: Path, given: Given | None = None) -> Row:
    """Import one file into a row; never raises (a sidecar's errors are found before, by `facts_for`)."""
    given = given or Given()
    row = Row(shown(str(path)))
    told = {**from_name(path, given.pattern), **sidecar(path)}  # a bad sidecar stopped `audit` before
    try:
        result = importers.import_file(path)
    except OldFormat as e:
        row.status, row.message = OLD, str(e)
        row.body, row.year = str(told.get("body") or e.body), told.get("year") or e.year
        return row
    except ImageOnly as e:
        row.status, row.message, row.kind = IMAGE, str(e), "pdf"
        row.body, row.year = str(told.get("body") or ""), told.get("year") or given.year
        row.data = {"image_only": True, **told}
        return row
    except GongkaiError as e:
        row.status, row.message = NOT_A_REPORT, shown(str(e))
        return row
    except MemoryError:
        raise  # the reading worker says so, and is replaced
    except Exception as e:  # one bad file must not stop the audit
        row.status, row.message = FAILED, shown(f"导入时出错：{type(e).__name__}: {e}")
        return row
    data = result.data
    fmt = FORMATS.get(str(data.get("format")))
    data["body"] = told.get("body") or data.get("body") or ""
    data["year"] = told.get("year") or data.get("year") or given.year
    row.kind, row.body, row.year = result.kind, str(data["body"]), data["year"]
    row.missing = [what for what, ok in (("机关未识别", row.body), ("年度未识别", row.year)) if not ok]
    row.level = str(told.get("kind") or kind_of_body(row.body))
    row.published = str(told.get("published") or result.published)
    if result.kind == "ocr":  # a scan: said on its row, with the time OCR took (importers/scanned.py)
        row.message = next((p.what for p in result.problems if p.what.startswith("图片版")), "")
    row.format = fmt.id if fmt else ""
    if fmt is not None:
        row.cells = sum(1 for _ in fmt.cells())
    blank = {k for p in result.problems if p.kind is importers.Trouble.BLANK for k in p.cells}
    unsplit = {k for p in result.problems if p.kind is importers.Trouble.UNSPLIT for k in p.cells}
    missing = result.missing_cells()
    row.blank = len(blank & missing)
    row.unsplit = len(unsplit & missing)
    row.unreadable = len(missing - blank - unsplit)
    row.read = row.cells - len(missing)
    doubt = (importers.Trouble.UNSPLIT, importers.Trouble.AMBIGUOUS)
    unsure = {k for p in result.problems if p.kind in doubt for k in p.cells}
    unsure |= {k for k in missing if k[0] in result.bare}  # a table shown as an image: not read, not blank
    data["_facts"] = {
        "order": list(result.order),
        "where": "" if "published" in told else result.published_where,
        "unsure": sorted(unsure & missing),  # printed, but not read for sure: blank here is not blank there
        "unsplit": [p.what for p in result.problems if p.kind is importers.Trouble.UNSPLIT],
        "bare": [fmt.table(t).number for t in result.bare] if fmt else [],
    }
    row.data = data
    return row


def _record(row: Row) -> Any:
    return partial_record(row.data, FORMATS[row.format])


def settled(finding: Any) -> bool:
    """Accepted by a reviewer; an error only when also let through (as `check` and `render` count it)."""
    return bool(finding.accepted and (finding.severity != "error" or finding.allowed))


def check_rows(
    rows: list[Row],
    decisions: dict[int, tuple[list[str], list[Decision]]] | None = None,
    profile: str = "默认",
) -> None:
    """Check every imported report in one batch, with the same body's report on the year before when present.

    `decisions`: row index → (the review files, their decisions), applied to that row's findings.
    A report whose body or year was not found is checked all the same; the row says what is missing.
    """
    from gongkai.checks import check_many
    from gongkai.checks.decisions import apply
    from gongkai.checks.document import Facts, deadline, evaluate
    from gongkai.checks.text import copied_share

    decisions = decisions or {}
    index = {id(r): n for n, r in enumerate(rows)}
    for row in rows:
        if row.status == IMAGE:
            facts = Facts(body=row.body, year=row.year, image_only=True)
            row.findings = [_finding(f) for f in evaluate(facts) if f.rule == "W12"]
    readable = [r for r in rows if r.status == REPORT and r.format]
    if not readable:  # nothing to check: great-expectations is not even imported
        for r in rows:
            r.data = {}
        return
    records = [_record(r) for r in readable]
    before = previous_of([r.body for r in readable], [r.year for r in readable], [r.file for r in readable])
    pairs = [(rec, records[k] if k is not None else None) for rec, k in zip(records, before, strict=True)]
    for row, k, (rec, prev) in zip(readable, before, pairs, strict=True):
        if k is not None and prev is not None:
            row.previous = readable[k].file
            same, total = copied_share(rec, prev, ("overview", "problems"))
            row.share = round(same / total, 3) if total else None
    for row, report, record in zip(
        readable, in_batches(functools.partial(check_many, profile=profile), pairs), records, strict=True
    ):
        facts = Facts(
            body=row.body,
            kind=row.level,
            year=row.year,
            published=row.published,
            published_where=row.data["_facts"]["where"],
            order=tuple(row.data["_facts"]["order"]),
            overview=record.parts.get("overview", ""),
            format=row.format,
            unsplit=tuple(row.data["_facts"]["unsplit"]),
            bare=tuple(row.data["_facts"]["bare"]),
            image_only=row.kind == "ocr",  # read by OCR, but still not searchable: W12 as for any scan
            ocr=row.kind == "ocr",
        )
        if row.year:
            row.deadline = deadline(row.level, row.year).isoformat()
        report = with_document(report, evaluate(facts), document_rules())
        sources, chosen = decisions.get(index[id(row)], ([], []))
        if sources:
            report = apply(report, chosen)
            row.decisions, row.stale = sources, list(report.stale)
        found = [f for o in report.outcomes for f in o.findings]
        if not row.year:  # with no year, a format-year or other-year finding says nothing
            found = [f for f in found if f.rule not in ("W3", "W4")]
        unsure = {tuple(k) for k in row.data["_facts"]["unsure"]}
        if unsure:  # R5 on cells the report printed but that could not be read for sure is not the report's fault
            found = [f for f in found if not (f.rule == "R5" and f.cells and {c.key for c in f.cells} <= unsure)]
        row.findings = [_finding(f) for f in found]
        row.settled = sum(1 for f in found if settled(f))
    for r in rows:
        r.data = {}


def _finding(f: Any) -> dict[str, Any]:
    cells = [{"key": list(c.key)} for c in f.cells]
    return {
        "rule": f.rule,
        "severity": f.severity,
        "key": f.key,
        "message": f.message,
        "decision": f.decision,
        "note": f.review_note(),
        "settled": settled(f),
        "block": block_of(f.rule, cells),
    }


def overran(path: Path, reason: str) -> Row:  # its reading worker ran out of time or memory, or died
    return Row(shown(str(path)), FAILED, message=shown(unreadable(path, reason)))


def audit(
    folders: Sequence[Path],
    jobs: int = 2,
    decisions_dir: Path | None = None,
    given: Given | None = None,
    profile: str = "默认",
    budget: Limits | None = None,
) -> list[Row]:
    """Import, check and settle every file under the folders; `decisions_dir` is a records folder (data).

    Each file is read in a worker under `budget` (time, memory): no file can stop or exhaust the run.

    `given`: a year and a file-name pattern for what documents do not say; `profile`: the thresholds (考核).
    """
    given = given or Given()
    check_pattern(given.pattern)
    if profile not in PROFILES:
        raise GongkaiError(f"没有名为「{profile}」的校验设置；可用：{'、'.join(PROFILES)}")
    entries = listed(folders)
    if not entries:
        return []
    skipped = {p: why for p, why in entries if why}
    paths = [p for p, why in entries if not why]
    near = beside(paths)
    for path in paths:  # a sidecar with a mistake stops the audit before any import, as a review file does
        sidecar(path)
    records = on_record(decisions_dir) if decisions_dir is not None else {}
    read = iter(read_all(import_one, paths, jobs, budget, overran, given=given))
    rows = [Row(shown(str(p)), SKIPPED, message=skipped[p]) if p in skipped else next(read) for p, _ in entries]
    paths = [p for p, _ in entries]
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
    check_rows(rows, chosen, profile)
    return rows


def tally(rows: Sequence[Row], *, settled: bool = False) -> Counter[str]:
    """How many reports break each rule with an open finding (a report counts once per rule).

    With settled=True: how many have a finding of the rule a reviewer settled.
    """
    return Counter(rule for r in rows for rule in sorted({f["rule"] for f in r.findings if f["settled"] == settled}))


def write_audit(rows: list[Row], out_dir: Path, profile: str = "默认") -> Path:
    """index.html, audit.json and audit.csv in `out_dir` (output/audit)."""
    copied = next(r.threshold for r in with_profile(text_rules(), profile) if isinstance(r, CopiedRule))
    from gongkai.pages.audit import audit_csv, audit_html

    counts = tally(rows)
    listed = [{k: v for k, v in asdict(r).items() if k != "data"} for r in rows]
    data = {
        "files": len(rows),
        "profile": profile,
        "copied_threshold": copied,
        "exit_code": exit_code(rows),
        "tally": dict(sorted(counts.items())),
        "settled": dict(sorted(tally(rows, settled=True).items())),
        "rows": listed,
    }
    write_atomic(out_dir / "audit.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    write_atomic(out_dir / "audit.csv", "\ufeff" + audit_csv(rows))  # BOM: Excel opens it as UTF-8
    write_atomic(out_dir / "index.html", audit_html(rows, counts, tally(rows, settled=True), copied))
    return out_dir / "index.html"


def failing(rows: Sequence[Row]) -> list[Row]:
    """Reports with an open error finding: what makes the audit exit 1."""
    return [r for r in rows if any(f["severity"] == "error" and not f["settled"] for f in r.findings)]


def exit_code(rows: Sequence[Row]) -> int:
    return 1 if failing(rows) else 0


def summary_lines(rows: Sequence[Row]) -> Iterator[str]:
    reports = [r for r in rows if r.status in (REPORT, IMAGE)]
    old = sum(1 for r in rows if r.status == OLD)
    image = sum(1 for r in rows if r.status == IMAGE)
    others = len(rows) - len(reports) - old
    bad = failing(rows)
    extra = (f"，{image} 份为图片版" if image else "") + (
        f"，{old} 份为 2019 年以前的格式（未按现行表格校验）" if old else ""
    )
    yield f"共 {len(rows)} 个文件：{len(reports)} 份报告（{len(bad)} 份有错误）{extra}，{others} 个不是报告或读不出"
    unknown = [r for r in rows if r.missing]
    if unknown:
        yield (
            f"{len(unknown)} 份报告的机关或年度未识别（仍已校验）：可用 --name-pattern、与文件同名的 .info.yaml "
            "旁注文件或 --year 给出"
        )
    done = tally(rows, settled=True)
    for rule in sorted(tally(rows).keys() | done.keys(), key=_rule_order):
        extra = f"（另有 {done[rule]} 份已由审阅者确认）" if done[rule] else ""
        yield f"  {rule}：{tally(rows)[rule]} 份{extra}"
    settled = sum(r.settled for r in rows)
    stale = sum(len(r.stale) for r in rows)
    if settled or stale:
        yield f"审阅决定：{settled} 条发现已确认，{stale} 条决定已过时"
    if bad:
        yield f"退出码 1：{len(bad)} 份报告有未解决的错误"
    else:
        yield "退出码 0：没有报告有未解决的错误"


def _rule_order(rule: str) -> tuple[str, int]:
    """R2 before R10: by letter, then number."""
    return rule[:1], int(rule[1:]) if rule[1:].isdigit() else 0
