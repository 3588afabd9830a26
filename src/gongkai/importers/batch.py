"""Many published reports at once: one line per file, a summary, the worst exit code.

A county's reports arrive as a folder of PDFs, Word files and saved pages.
Each is imported on its own (one bad file does not stop the others) and
written under the output folder; an existing record is never replaced
without --force.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gongkai.errors import GongkaiError
from gongkai.importers.assemble import Overrides
from gongkai.importers.base import ImportResult, Trouble, office_lock

SUFFIXES = (".pdf", ".docx", ".doc", ".html", ".htm", ".txt", ".md", ".xlsx", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
COMPLETE, GAPS, NOT_A_REPORT, KEPT = "完整读取", "有缺漏", "不是报告", "已存在，未覆盖"
EXIT = {COMPLETE: 0, GAPS: 1, NOT_A_REPORT: 2, KEPT: 2}


@dataclass
class Outcome:
    source: Path
    status: str
    message: str
    output: Path | None = None
    result: ImportResult | None = None


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder gives its report files (sorted, subfolders included; no Office lock files)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            out += sorted(p for p in found if not office_lock(p))
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def target(result: ImportResult, source: Path, out_dir: Path) -> Path:
    """<out-dir>/<township-id>/<year>.yaml when known, else <out-dir>/<file name>.yaml; always inside out-dir."""
    year = result.data.get("year")
    if result.township_id and year:
        path = out_dir / result.township_id / f"{year}.yaml"
    else:
        path = out_dir / f"{source.stem}.yaml"
    if not path.resolve().is_relative_to(out_dir.resolve()):
        raise GongkaiError(f"{source.name}：记录路径 {path} 不在输出目录 {out_dir} 之内")
    return path


def import_many(paths: Iterable[Path], out_dir: Path, overrides: Overrides, force: bool = False) -> list[Outcome]:
    from gongkai.importers import import_file, write_result

    outcomes: list[Outcome] = []
    planned: set[Path] = set()
    for source in expand(paths):
        try:
            result = import_file(source, overrides)
            path = target(result, source, out_dir)
            if path in planned or (path.exists() and not force):
                outcomes.append(Outcome(source, KEPT, f"{path} 已存在；确认要覆盖请加 --force", path, result))
                continue
            write_result(result, path, force=True)
            planned.add(path)
        except GongkaiError as e:
            outcomes.append(Outcome(source, NOT_A_REPORT, str(e).splitlines()[0] if str(e) else type(e).__name__))
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
    for status in (COMPLETE, GAPS, NOT_A_REPORT, KEPT):
        lines.append(f"| {status} | {counts.get(status, 0)} |")
    lines.append(f"| 合计 | {len(outcomes)} |")
    code = max((EXIT[o.status] for o in outcomes), default=2)
    return lines, code
