"""Reading files under limits that hold whatever the library underneath does.

Every file given to `import` or `audit` is read in a worker process with a
deadline and an address-space limit (`gongkai.procs`): a PDF that loops the
parser forever or a stream that inflates to gigabytes costs one row saying
「无法读取的 PDF：…」, never the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from gongkai.errors import GongkaiError, NotAReport
from gongkai.importers import import_file
from gongkai.importers.assemble import Overrides
from gongkai.importers.base import ImportResult
from gongkai.procs import MB, Limits, TaskFailed, Workers, run_one

SECONDS = 120.0  # a township's report reads in about a second; a slow machine, ten
MEMORY_MB = 4096  # address space of one reading process: OCR (onnxruntime) reserves ~3.5 GB of it, uses ~1.7
KINDS = {
    ".pdf": "PDF",
    ".docx": "Word 文件",
    ".docm": "Word 文件",
    ".doc": "Word 文件",
    ".wps": "Word 文件",
    ".html": "网页",
    ".htm": "网页",
    ".xlsx": "Excel 工作簿",
    ".xlsm": "Excel 工作簿",
}


def limits(seconds: float | None = None, memory_mb: int | None = None) -> Limits:
    return Limits(seconds=seconds or SECONDS, memory=(memory_mb or MEMORY_MB) * MB)


def unreadable(path: Path, reason: str) -> str:
    """「胡集乡.pdf：无法读取的 PDF：超过 120 秒仍未完成，已停止读取」"""
    kind = KINDS.get(path.suffix.lower(), "文件")
    return f"{path.name}：无法读取的{' ' if kind.isascii() else ''}{kind}：{reason}"


def warm() -> None:
    """A reading worker's libraries, imported before its first deadline starts."""
    import bs4  # noqa: F401
    import docx  # noqa: F401
    import openpyxl  # noqa: F401
    import pdfplumber  # noqa: F401


def _read(task: tuple[Path, Overrides]) -> ImportResult:
    return import_file(*task)


def read_one(path: Path, overrides: Overrides, budget: Limits) -> ImportResult:
    """One file read in a worker; an overrun is `NotAReport` (exit 2) saying why."""
    try:
        return run_one(_read, (path, overrides), budget, warm)
    except TaskFailed as e:
        raise NotAReport(unreadable(path, e.reason)) from None
    except RecursionError:
        raise NotAReport(unreadable(path, "结构嵌套过深")) from None


def _attempt(task: tuple[Path, Overrides]) -> ImportResult | str:
    """A file's result, or the one line saying why it could not be read (never raises)."""
    try:
        return _read(task)
    except GongkaiError as e:
        return str(e).splitlines()[0] if str(e) else type(e).__name__
    except MemoryError:
        raise
    except RecursionError:
        return unreadable(task[0], "结构嵌套过深")
    except Exception as e:  # one bad file must not stop the others
        return f"{task[0].name}：导入时出错（{type(e).__name__}: {e}）"


def read_many(
    paths: Iterable[Path], overrides: Overrides, budget: Limits, jobs: int = 1
) -> Iterator[tuple[Path, ImportResult | str]]:
    """Each file's result or reason, in order, `jobs` at a time."""
    listed = list(paths)
    with Workers[tuple[Path, Overrides], ImportResult | str](jobs, budget, warm=warm) as workers:
        results = workers.map(_attempt, [(p, overrides) for p in listed], lambda t, why: unreadable(t[0], why))
        yield from zip(listed, results, strict=True)
