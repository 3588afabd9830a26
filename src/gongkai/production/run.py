"""One report from a job: execute the notebook, convert it, print it.

A `Job` is plain data, so a process pool or a Dask worker can take it; the
products come back as bytes and the caller publishes them. Single renders
and bulk runs share this path, which is why their HTML is byte-identical.
"""

from __future__ import annotations

import ast
import atexit
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from gongkai.errors import GongkaiError
from gongkai.outputs import write_atomic
from gongkai.production import render
from gongkai.production.quiet import QUIET_KERNEL, quiet_kernels
from gongkai.resources import NOTEBOOK

INJECTED_ID = "injected-parameters"
# What `--formats` may ask for; the reviewer's HTML, the notebook and checks.json are always written.
FORMATS = ("html", "pdf", "docx", "review-pdf")
DEFAULT_FORMATS = frozenset({"html", "pdf", "docx"})


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
    formats: frozenset[str] = DEFAULT_FORMATS

    @property
    def pdf(self) -> bool:
        """Whether the job prints (the official PDF or the reviewer's): the worker needs a browser."""
        return bool(self.formats & {"pdf", "review-pdf"})

    # The record files as bytes, by path under data_dir, for workers that cannot
    # read data_dir (executors.unpacked); empty when they share the filesystem.
    files: tuple[tuple[str, bytes], ...] = ()
    # The report's saved executed notebook: make only `formats` from it (production/products.py).
    notebook: bytes = b""
    # The data folder's git commit, read by the caller: a worker may have no
    # repository (or another checkout), and the provenance appendix names this one.
    git: str | None = None
    # data_dir as the review page shows it (relative to the project: `data_label`), set by the caller.
    data_shown: str = ""
    # An office's Word template, its styles as bytes (production/docx_styles.py); empty: the official look.
    docx_template: bytes = b""

    def carrying(self, data_shown: str, docx_template: bytes) -> Job:
        """The job with what the caller knows for its pages: the data folder's name, the office's template."""
        return replace(self, data_shown=data_shown, docx_template=docx_template)

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
            **({"git": self.git} if self.git is not None else {}),
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


def execute(params: dict[str, Any], engine: str | None = None, notebook: Any = None) -> Any:
    """Run the notebook (or `notebook`, a trimmed copy of it) with papermill; a fresh kernel unless `engine` says."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    fresh: dict[str, Any] = {"kernel_manager_class": quiet_kernels()}
    if engine is not None:
        import gongkai.production.kernels  # noqa: F401 - registers the warm engine with papermill

        fresh = {}  # the warm engine's own kernel (production/kernels.py)
    try:
        nb = papermill.execute_notebook(
            str(NOTEBOOK) if notebook is None else notebook,
            None,
            parameters=params,
            engine_name=engine,
            cwd=str(NOTEBOOK.parent),
            progress_bar=False,
            log_output=False,
            extra_arguments=QUIET_KERNEL,
            **fresh,
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
    """Execute, convert, print: the report's files as bytes, nothing written yet.

    A job carrying the saved executed notebook (`job.notebook`) only makes its
    formats from it: the notebook is not run again and the files always made are not returned.
    """

    from gongkai.pages.report import meta_of  # the report's pages: not for a run that plans and renders nothing

    start = time.perf_counter()
    nb: Any
    if job.notebook:
        nb = json.loads(job.notebook)  # nbformat (and its schema validator) only if a page is converted
        files: dict[str, bytes] = {}
    else:
        import nbformat

        # The kernel finds the file in this process's private folder (HANDOFF_ENV) by
        # its content hash, and refuses it unless the bytes hash to that name. Only the
        # name is a parameter: the review page shows the parameters, and must not vary.
        name = handoff_name(job.checks_json)
        write_atomic(handoff_dir() / name, job.checks_json)
        nb = execute(job.parameters(name), engine)
        _show_checks_as_saved(nb)
        _readable_parameters(nb, job.data_shown or data_label(Path(job.data_dir)))
        files = {
            "report.ipynb": nbformat.writes(nb).encode("utf-8"),  # type: ignore[no-untyped-call]
            "checks.json": job.checks_json.encode("utf-8"),
        }
    meta = meta_of(nb)
    if job.notebook and job.formats & {"html", "pdf", "review-pdf"}:
        import nbformat

        nb = nbformat.reads(job.notebook.decode("utf-8"), as_version=4)  # type: ignore[no-untyped-call]
    # Only what is asked for: a Word file alone, from a saved notebook, needs no nbconvert.
    html = render.to_html(nb, title=meta["title"], review_link=True) if job.formats & {"html", "pdf"} else ""
    wants_review = not job.notebook or "review-pdf" in job.formats
    review = render.to_html(nb, title=meta["title"], review=True) if wants_review else ""
    if not job.notebook:
        files["report.review.html"] = review.encode("utf-8")
    if "html" in job.formats:
        files["report.html"] = html.encode("utf-8")
    if job.pdf and printer is None:
        raise ValueError("a PDF needs a Printer")
    if "pdf" in job.formats:
        assert printer is not None
        files["report.pdf"] = printer.pdf(html, header=meta["title"], alert=alert_for(meta))
    if "review-pdf" in job.formats:
        assert printer is not None
        files["report.review.pdf"] = printer.pdf(review, header=f"{meta['title']}（审阅版）", alert=alert_for(meta))
    if "docx" in job.formats:
        from gongkai.production.word import report_docx
        from gongkai.records.catalog import resolve
        from gongkai.records.record import load_record

        entry = resolve(Path(job.data_dir), job.township, job.year, job.county)
        files["report.docx"] = report_docx(load_record(entry.path), alert_for(meta), job.docx_template)
    return Products(job, files, meta, time.perf_counter() - start)


HANDOFF_ENV = "GONGKAI_CHECKS_DIR"


def handoff_name(checks_json: str) -> str:
    """The checks' file name: their SHA-256, which the kernel verifies after reading."""
    return f"{hashlib.sha256(checks_json.encode('utf-8')).hexdigest()}.json"


def _show_checks_as_saved(nb: Any) -> None:
    """The reviewer reads `checks.json` (saved beside the report), not the temporary file the kernel read."""
    for cell in nb.cells:
        if INJECTED_ID in cell.metadata.get("tags", []):
            lines = cell.source.splitlines()
            lines = [
                'checks = "checks.json"  # 运行前算好的校验结果（与本报告同目录）'
                if line.startswith("checks = ")
                else line
                for line in lines
            ]
            cell.source = "\n".join(lines)


def data_label(data_dir: Path) -> str:
    """The data folder as a reader of the review page knows it: relative to the folder gongkai ran in.

    Not the rendering machine's absolute path (it says nothing to another
    reader and differs between machines); outside that folder, its own name.
    """
    folder, here = data_dir.resolve(), Path.cwd().resolve()
    return folder.relative_to(here).as_posix() if folder.is_relative_to(here) else folder.name


def _readable_parameters(nb: Any, data_shown: str) -> None:
    """The parameters cell as a reader reads it: Chinese as Chinese (papermill writes `\\uff08`), paths relative."""
    for cell in nb.cells:
        if INJECTED_ID not in cell.metadata.get("tags", []):
            continue
        lines = []
        for line in cell.source.splitlines():
            name, equals, rest = line.partition(" = ")
            text, hash_, comment = rest.partition("  # ")
            try:
                value = ast.literal_eval(text) if equals and name.isidentifier() else None
            except (ValueError, SyntaxError):
                value = None
            if name == "data_dir" and isinstance(value, str):
                value, hash_, comment = data_shown, "  # ", "记录所在的目录（相对于项目）"
            if isinstance(value, str):
                line = f"{name} = {json.dumps(value, ensure_ascii=False)}{hash_}{comment}"
            lines.append(line)
        cell.source = "\n".join(lines)


@cache
def handoff_dir() -> Path:
    """Where checks reach the kernel: a folder of this process alone (0700, random name).

    Not a shared name under $TMPDIR: another user could create it first and
    swap the file. Set in the environment before any kernel starts, so the
    kernels (our children) find it; removed when this process exits.
    """
    folder = Path(tempfile.mkdtemp(prefix="gongkai-checks-"))
    os.environ[HANDOFF_ENV] = str(folder)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
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
    if meta.get("drafts"):
        marks.append("草稿（文字沿用上年）")
    return "　".join(marks)
