"""Many published reports at once: one line per file, a summary, the worst exit code.

A county's reports arrive as a folder of PDFs, Word files and saved pages.
Each is imported on its own (one bad file does not stop the others) and
written under the output folder; an existing record is never replaced
without --force.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gongkai.errors import GongkaiError
from gongkai.importers import write_result
from gongkai.importers.assemble import Overrides
from gongkai.importers.base import ImportResult, Trouble, office_lock
from gongkai.importers.files import found_in
from gongkai.importers.guarded import limits, read_many
from gongkai.procs import Limits

SUFFIXES = (".pdf", ".docx", ".doc", ".html", ".htm", ".txt", ".md", ".xlsx", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
COMPLETE, GAPS, NOT_A_REPORT, KEPT, SKIPPED = "完整读取", "有缺漏", "不是报告", "已存在，未覆盖", "未读取"
EXIT = {COMPLETE: 0, GAPS: 1, NOT_A_REPORT: 2, KEPT: 2, SKIPPED: 2}


@dataclass
class Outcome:
    source: Path
    status: str
    message: str
    output: Path | None = None
    result: ImportResult | None = None


def expand(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Files as given; a folder gives its report files (sorted, subfolders included, no Office lock files),
    each with "" or the reason it is skipped (a link leading outside the folder)."""
    out: dict[Path, str] = {}
    for path in paths:
        if path.is_dir():
            out.update(
                found_in([path], lambda name: Path(name).suffix.lower() in SUFFIXES and not office_lock(Path(name)))
            )
        else:
            out.setdefault(path, "")
    return list(out.items())


def target(result: ImportResult, source: Path, out_dir: Path) -> Path:
    """<out-dir>/<township-id>/<year>.yaml when known, else <out-dir>/<file name>.yaml; always inside out-dir."""
    year = result.data.get("year")
    if result.township_id and year:
        path = out_dir / result.township_id / f"{year}.yaml"
    else:
        path = out_dir / f"{fitting(source.stem)}.yaml"
    if not path.resolve().is_relative_to(out_dir.resolve()):
        raise GongkaiError(f"{source.name}：记录路径 {path} 不在输出目录 {out_dir} 之内")
    return path


def fitting(stem: str, room: int = 240) -> str:
    """A file stem that leaves room for `.yaml` within the 255 bytes a name may have: cut, with a short hash."""
    raw = stem.encode("utf-8")
    if len(raw) <= room:
        return stem
    digest = hashlib.sha256(raw).hexdigest()[:8]
    return raw[: room - 9].decode("utf-8", errors="ignore") + "-" + digest


def import_many(
    paths: Iterable[Path],
    out_dir: Path,
    overrides: Overrides,
    force: bool = False,
    budget: Limits | None = None,
    jobs: int = 1,
) -> list[Outcome]:
    """Each file read in a worker under `budget` (one that overruns is a line saying so), written here."""
    outcomes: list[Outcome] = []
    planned: set[Path] = set()
    listed = expand(paths)
    read = read_many([p for p, why in listed if not why], overrides, budget or limits(), jobs)
    for source, why in listed:
        if why:
            outcomes.append(Outcome(source, SKIPPED, why))
            continue
        source, result = next(read)
        if isinstance(result, str):
            outcomes.append(Outcome(source, NOT_A_REPORT, result))
            continue
        try:
            path = target(result, source, out_dir)
            if path in planned or (path.exists() and not force):
                outcomes.append(Outcome(source, KEPT, f"{path} 已存在；确认要覆盖请加 --force", path, result))
                continue
            write_result(result, path, force=True)
            planned.add(path)
        except GongkaiError as e:
            outcomes.append(Outcome(source, NOT_A_REPORT, str(e).splitlines()[0] if str(e) else type(e).__name__))
            continue
        except OSError as e:  # this file's record could not be written: the next ones still can
            outcomes.append(Outcome(source, NOT_A_REPORT, f"{source.name}：记录无法写入（{e.strerror or e}）"))
            continue
        gaps = [p for p in result.problems if p.kind is not Trouble.NOTE]
        status = GAPS if gaps else COMPLETE
        message = f"{len(gaps)} 处未能读取（首处：{gaps[0]}）" if gaps else "全部读取"
        outcomes.append(Outcome(source, status, message, path, result))
    return outcomes


def report(outcomes: list[Outcome]) -> tuple[list[str], int]:
    """The lines to print and the exit code (the worst of the files)."""
    lines = []
    for o in outcomes:
        kind = f"，读自 {o.result.kind}" if o.result else ""
        to = f" → {o.output}" if o.output and o.status != KEPT else ""
        lines.append(f"[{o.status}] {o.source}{to}{kind}：{o.message}")
    counts = Counter(o.status for o in outcomes)
    lines.append("")
    lines.append("| 结果 | 文件数 |")
    lines.append("|---|---|")
    for status in (COMPLETE, GAPS, NOT_A_REPORT, KEPT, SKIPPED):
        lines.append(f"| {status} | {counts.get(status, 0)} |")
    lines.append(f"| 合计 | {len(outcomes)} |")
    code = max((EXIT[o.status] for o in outcomes), default=2)
    return lines, code
