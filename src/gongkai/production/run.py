"""One report from a job: execute the notebook, convert it, print it.

A `Job` is plain data, so a process pool or a Dask worker can take it; the
products come back as bytes and the caller publishes them. Single renders
and bulk runs share this path, which is why their HTML is byte-identical.
"""

from __future__ import annotations

import atexit
import copy
import shutil
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from gongkai.errors import GongkaiError
from gongkai.outputs import write_atomic
from gongkai.pages.inputs import INPUT_NAME, ReportInput, digest
from gongkai.pages.outcomes import CHECKS, DOCX, EXECUTED, HTML, PDF, REVIEW, REVIEW_PDF
from gongkai.production import render
from gongkai.production.quiet import QUIET_KERNEL, quiet_kernels
from gongkai.records.ids import report_key
from gongkai.resources import NOTEBOOK
from gongkai.scratch import private_dir

INJECTED_ID = "injected-parameters"
# What `--formats` may ask for; the reviewer's HTML, the notebook and checks.json are always written.
FORMATS = ("html", "pdf", "docx", "review-pdf")
DEFAULT_FORMATS = frozenset({"html", "pdf", "docx"})


class RenderError(GongkaiError):
    """The notebook raised: a bug, or a record the loader let through."""

    exit_code = 1


@dataclass(frozen=True)
class Job:
    """What a worker needs for one report: its input, built once by the caller (pages/inputs.py).

    The input travels with the job, so a worker needs no data folder (a Dask
    node has none), and what the pages show is what the caller read and checked.
    """

    county: str
    township: str
    year: int
    input_json: str  # ReportInput.to_json(): record, earlier years, checks, provenance
    formats: frozenset[str] = DEFAULT_FORMATS
    # The report's saved executed notebook: make only `formats` from it (production/products.py).
    notebook: bytes = b""

    @property
    def pdf(self) -> bool:
        """Whether the job prints (the official PDF or the reviewer's): the worker needs a browser."""
        return bool(self.formats & {"pdf", "review-pdf"})

    # An office's Word template, its styles as bytes (production/office_template.py); empty: the official look.
    docx_template: bytes = b""

    @property
    def key(self) -> str:
        return report_key(self.year, self.county, self.township)

    def parameters(self) -> dict[str, Any]:
        """What the notebook is given: which report, and the one file (and its hash) it is made from."""
        return {
            "township": self.township,
            "county": self.county,
            "year": self.year,
            "report_input": INPUT_NAME,
            "input_sha256": digest(self.input_json),
        }


def job_for(given: ReportInput, formats: frozenset[str] = DEFAULT_FORMATS, docx_template: bytes = b"") -> Job:
    """The job rendering `given`: its key from the input, the input as the file the kernel reads."""
    p = given.origin["parameters"]
    return Job(p["county"], p["township"], p["year"], given.to_json(), formats, docx_template=docx_template)


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
    """Run the notebook (or `notebook`, a trimmed copy of it) with papermill; a fresh kernel unless `engine` says.

    The kernel runs in this process's working folder (`workdir`), where the caller put the report's input.
    """
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    fresh: dict[str, Any] = {"kernel_manager_class": quiet_kernels()}
    if engine is not None:
        import gongkai.production.kernels  # noqa: F401 - registers the warm engine with papermill

        fresh = {}  # the warm engine's own kernel (production/kernels.py)
    try:
        nb = _papermill(params, engine, notebook, fresh)
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


def _papermill(params: dict[str, Any], engine: str | None, notebook: Any, fresh: dict[str, Any]) -> Any:
    """`papermill.execute_notebook(NOTEBOOK, None, ...)`, step by step, without its per-report waste.

    The same steps and the same notebook, less: the shipped notebook read and
    validated once per process (not per report), no search of the parameters
    cell for names papermill would only log, and no serialising of the whole
    executed notebook for an output path that is None (a fifth of a worker's
    CPU per report). A trimmed `notebook` (the preview's) goes through papermill whole.
    """
    import papermill
    from papermill.engines import papermill_engines
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
    from papermill.parameterize import parameterize_notebook
    from papermill.utils import chdir

    options: dict[str, Any] = {"progress_bar": False, "log_output": False, "extra_arguments": QUIET_KERNEL, **fresh}
    cwd = str(workdir())
    if notebook is not None:
        return papermill.execute_notebook(notebook, None, parameters=params, engine_name=engine, cwd=cwd, **options)
    source = str(NOTEBOOK)
    nb = parameterize_notebook(copy.deepcopy(_template()), params, engine_name=engine)
    nb = remove_error_markers(prepare_notebook_metadata(nb, source, None))
    kernel_name = papermill_engines.nb_kernel_name(engine_name=engine, nb=nb)
    with chdir(cwd):
        nb = papermill_engines.execute_notebook_with_engine(
            engine, nb, input_path=source, output_path=None, kernel_name=kernel_name, start_timeout=60, **options
        )
    raise_for_execution_errors(nb, None)
    return nb


@cache
def _template() -> Any:
    """The shipped notebook as papermill loads it (read, validated, its metadata prepared): once per process."""
    from papermill.iorw import load_notebook_node

    return load_notebook_node(str(NOTEBOOK))


def run_notebook(job: Job, engine: str | None = None, notebook: Any = None) -> Any:
    """Put the job's input where the kernel reads it, and run the notebook on it."""
    write_atomic(workdir() / INPUT_NAME, job.input_json)
    return execute(job.parameters(), engine, notebook)


def produce(job: Job, *, engine: str | None = None, printer: render.Printer | None = None) -> Products:
    """Execute, convert, print: the report's files as bytes, nothing written yet.

    A job carrying the saved executed notebook (`job.notebook`) only makes its
    formats from it: the notebook is not run again and the files always made are not returned.
    """
    start = time.perf_counter()
    given = ReportInput.from_json(job.input_json)
    meta = given.meta  # the cover's facts: known from the input, not read back from the notebook
    nb: Any = None
    files: dict[str, bytes] = {}
    if not job.notebook:
        import nbformat

        nb = run_notebook(job, engine)
        files = {
            # nbformat.writes less its validation: execute() has just validated this very notebook.
            EXECUTED: nbformat.v4.writes_json(nb).encode("utf-8"),  # type: ignore[no-untyped-call]
            CHECKS: given.checks.encode("utf-8"),
            INPUT_NAME: job.input_json.encode("utf-8"),
        }
    elif job.formats & {"html", "pdf", "review-pdf"}:
        import nbformat

        nb = nbformat.reads(job.notebook.decode("utf-8"), as_version=4)  # type: ignore[no-untyped-call]
    # Only what is asked for: a Word file alone, from a saved notebook, needs no nbconvert.
    html = render.to_html(nb, title=meta["title"], review_link=True) if job.formats & {"html", "pdf"} else ""
    wants_review = not job.notebook or "review-pdf" in job.formats
    review = render.to_html(nb, title=meta["title"], review=True) if wants_review else ""
    if not job.notebook:
        files[REVIEW] = review.encode("utf-8")
    if "html" in job.formats:
        files[HTML] = html.encode("utf-8")
    if job.pdf and printer is None:
        raise ValueError("a PDF needs a Printer")
    if "pdf" in job.formats:
        assert printer is not None
        files[PDF] = printer.pdf(html, header=meta["title"], alert=alert_for(meta))
    if "review-pdf" in job.formats:
        assert printer is not None
        files[REVIEW_PDF] = printer.pdf(review, header=f"{meta['title']}（审阅版）", alert=alert_for(meta))
    if "docx" in job.formats:
        from gongkai.production.word import report_docx

        files[DOCX] = report_docx(
            given.record.record(), alert_for(meta), job.docx_template
        )  # the record the input holds
    return Products(job, files, meta, time.perf_counter() - start)


@cache
def workdir() -> Path:
    """The kernel's working folder: this process's alone (0700, random name), removed when it exits.

    The report's input is written here as `input.json` before each run, and the
    notebook is given that name and the file's hash: the saved notebook names
    the file saved beside it, so renders stay byte-identical. Not a shared name
    under $TMPDIR: another user could create it first and swap the file.
    """
    folder = private_dir("kernel")
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
