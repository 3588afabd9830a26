"""One report from a job: execute the notebook, convert it, print it.

A `Job` is plain data, so a process pool or a Dask worker can take it; the
products come back as bytes and the caller publishes them. Single renders
and bulk runs share this path, which is why their HTML is byte-identical.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from gongkai.build import render
from gongkai.errors import GongkaiError
from gongkai.outputs import write_atomic
from gongkai.pages.report import meta_of
from gongkai.resources import NOTEBOOK

INJECTED_ID = "injected-parameters"


class RenderError(GongkaiError):
    """The notebook raised: a bug, or a record the loader let through."""

    exit_code = 1


@dataclass(frozen=True)
class Job:
    """What a worker needs for one report; no open files, nothing heavy."""

    county: str
    township: str
    year: int
    data_dir: str  # absolute, as the workers see it
    checks_json: str  # the CheckReport, computed once by the caller
    pdf: bool = True

    @property
    def key(self) -> str:
        return f"{self.year}/{self.county}/{self.township}"

    def parameters(self, checks_path: str) -> dict[str, Any]:
        return {
            "township": self.township,
            "county": self.county,
            "year": self.year,
            "data_dir": self.data_dir,
            "checks": checks_path,
        }


@dataclass(frozen=True)
class Page:
    """A finished HTML page to print, with what its PDF header must say."""

    html: str
    header: str
    alert: str = ""


@dataclass
class Products:
    job: Job
    files: dict[str, bytes] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def execute(params: dict[str, Any], engine: str | None = None) -> Any:
    """Run the notebook with papermill; a fresh kernel unless `engine` says otherwise."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if engine is not None:
        import gongkai.build.kernels  # noqa: F401 - registers the warm engine with papermill
    try:
        nb = papermill.execute_notebook(
            str(NOTEBOOK),
            None,
            parameters=params,
            engine_name=engine,
            cwd=str(NOTEBOOK.parent),
            progress_bar=False,
            log_output=False,
        )
    except PapermillExecutionError as e:
        raise RenderError(f"报告笔记本执行出错（第 {e.exec_count} 个单元）：{e.ename}: {e.evalue}") from e
    count = 0
    for cell in nb.cells:
        if INJECTED_ID in cell.metadata.get("tags", []):
            cell.id = INJECTED_ID  # papermill draws a random id; it would reach the HTML
        if cell.cell_type == "code":
            # A warm kernel keeps counting; number the cells as a fresh kernel would.
            count += 1
            cell.execution_count = count
            for out in cell.outputs:
                if "execution_count" in out:
                    out["execution_count"] = count
    nbformat.validate(nb)
    return nb


def produce(job: Job, *, engine: str | None = None, printer: render.Printer | None = None) -> Products:
    """Execute, convert, print: the report's files as bytes, nothing written yet."""

    import nbformat

    start = time.perf_counter()
    # Named by content, not at random: the path is a notebook parameter, and the
    # review page shows the parameters, so a random name would change its bytes.
    # Never deleted after use: another process may be rendering the same report.
    handoff = _handoff_dir() / f"{hashlib.sha256(job.checks_json.encode()).hexdigest()[:32]}.json"
    write_atomic(handoff, job.checks_json)
    nb = execute(job.parameters(str(handoff)), engine)
    meta = meta_of(nb)
    html = render.to_html(nb, title=meta["title"])
    files = {
        "report.ipynb": nbformat.writes(nb).encode("utf-8"),  # type: ignore[no-untyped-call]
        "report.html": html.encode("utf-8"),
        "report.review.html": render.to_html(nb, title=meta["title"], review=True).encode("utf-8"),
        "checks.json": job.checks_json.encode("utf-8"),
    }
    if job.pdf:
        if printer is None:
            raise ValueError("a PDF needs a Printer")
        files["report.pdf"] = printer.pdf(html, header=meta["title"], alert=alert_for(meta))
    return Products(job, files, meta, time.perf_counter() - start)


@cache
def _handoff_dir() -> Path:
    """Where checks reach the kernel; files untouched for a day are swept once per process."""
    folder = Path(tempfile.gettempdir()) / "gongkai-checks"
    folder.mkdir(exist_ok=True)
    stale = time.time() - 86_400
    for old in folder.glob("*.json"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < stale:
                old.unlink()
    return folder


def alert_for(meta: dict[str, Any]) -> str:
    """What every PDF page must say at its top, beside the title."""
    marks = []
    if not meta.get("passed", True):
        marks.append(f"未通过校验（{meta.get('errors', 0)} 个错误）")
    if meta.get("allowed"):
        marks.append(f"含 {meta['allowed']} 个经确认放行的错误")
    if meta.get("synthetic"):
        marks.append("示例数据（虚构）")
    return "　".join(marks)
