"""Where reports are produced: a local process pool or a Dask cluster, behind one interface.

Each worker process keeps one warm kernel and one Chromium for all the jobs
it is given; the products travel back as bytes and the caller publishes
them, so the caller is the only writer of output/ and the results do not
depend on the executor.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Protocol

from gongkai.errors import GongkaiError
from gongkai.procs import Workers, no_interrupt
from gongkai.production.render import BrowserError, Printer
from gongkai.production.run import Job, Page, Products, produce, workdir


@dataclass
class Result:
    job: Job
    products: Products | None = None
    error: str = ""
    detail: str = ""


class _Worker:
    """Per-process state: the browser, started on first use, closed when the worker is let go (`stop_worker`)."""

    current: _Worker | None = None

    def __init__(self) -> None:
        self.printer: Any = None

    @classmethod
    def get(cls) -> _Worker:
        if cls.current is None:
            cls.current = cls()
        return cls.current

    def ensure_printer(self) -> Any:
        if self.printer is None:
            self.printer = Printer().__enter__()
        return self.printer

    def close(self) -> None:
        from gongkai.production.kernels import WarmKernel

        if self.printer is not None:
            self.printer.close()
            self.printer = None
        WarmKernel.close_current()


def produce_in_worker(job: Job) -> Result:
    """The task every executor runs: never raises, so one report cannot stop the others."""
    from gongkai.production.kernels import ENGINE

    worker = _Worker.get()
    shown = replace(job, input_json="")  # what travels back: the key, not the input
    try:
        printer = worker.ensure_printer() if job.pdf else None
        products = produce(job, engine=ENGINE, printer=printer)
        products.job = shown
        return Result(shown, products)
    except Exception as e:  # a crash is a result, reported by name
        if isinstance(e, BrowserError) and worker.printer is not None:
            worker.printer.close()
            worker.printer = None  # the next job starts a fresh browser
        return Result(shown, None, f"{type(e).__name__}: {e}", traceback.format_exc())


def print_in_worker(page: Page) -> bytes:
    """Print a page that is not a report (a county summary) on the worker's browser."""
    return _Worker.get().ensure_printer().pdf(page.html, header=page.header, alert=page.alert)  # type: ignore[no-any-return]


def warm_up(pdf: bool) -> None:
    """Start the kernel (and browser) before the first job arrives."""
    from gongkai.production.kernels import WarmKernel

    WarmKernel.current(str(workdir()))
    if pdf:
        with contextlib.suppress(BrowserError):  # each job will say why
            _Worker.get().ensure_printer()


def stop_worker() -> None:
    """A local worker's last act: close its browser and its kernel."""
    _Worker.get().close()


class Executor(Protocol):
    def run(self, jobs: Iterable[Job]) -> Iterator[Result]: ...

    def print_pages(self, pages: list[Page]) -> list[bytes]: ...

    def close(self) -> None: ...


def _bounded(
    submit: Callable[[Job], Any], wait_any: Callable[[set[Any]], set[Any]], jobs: Iterable[Job], window: int
) -> Iterator[Any]:
    """Keep at most `window` jobs in flight; yield finished futures as they come."""
    pending: set[Any] = set()
    for job in jobs:
        pending.add(submit(job))
        if len(pending) >= window:
            done = wait_any(pending)
            pending -= done
            yield from done
    while pending:
        done = wait_any(pending)
        pending -= done
        yield from done


class LocalExecutor:
    """`jobs` worker processes on this machine: the project's pool (`procs.Workers`), one warm kernel each.

    A worker killed mid-report (by hand, out of memory) fails that report alone
    (CRASHED, saying why); the jobs queued behind it go to a new worker.
    """

    def __init__(self, jobs: int, pdf: bool, **_: Any) -> None:
        self.jobs = jobs
        self.pdf = pdf
        self.pool = Workers[Any, Any](
            jobs, warm=functools.partial(warm_up, pdf), stop=stop_worker, children=True, depth=2, role="工作"
        )
        # depth=2: a worker has its next report at hand while the parent publishes the last one.
        # Start every worker now (kernel, browser), while the caller imports
        # great-expectations and checks the first records.
        self.pool.start()

    def run(self, jobs: Iterable[Job]) -> Iterator[Result]:
        return self.pool.map(produce_in_worker, jobs, _crashed, ordered=False)

    def print_pages(self, pages: list[Page]) -> list[bytes]:
        return list(self.pool.map(print_in_worker, pages, _not_printed))

    def close(self) -> None:
        self.pool.close()


def _crashed(job: Job, reason: str) -> Result:
    """The report whose worker died under it (killed, out of memory): CRASHED, and the run goes on."""
    return Result(replace(job, input_json=""), None, f"生成此报告时{reason}")


def _not_printed(page: Page, reason: str) -> bytes:
    raise GongkaiError(f"打印汇总页时{reason}")


class DaskExecutor:
    """The same tasks on a Dask cluster: a LocalCluster, or `scheduler` (tcp://HOST:PORT)."""

    def __init__(self, jobs: int, pdf: bool, scheduler: str | None = None, **_: Any) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise GongkaiError("--executor dask 需要安装 dask[distributed]：pip install 'gongkai[dask]'") from None
        self.cluster = None
        if scheduler is None:
            with no_interrupt():  # its processes start with Ctrl-C ignored: the parent alone says 「已中断」
                self.cluster = LocalCluster(
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,  # the workers' and nannies' English logs are not for the user
                )
            self.client = Client(self.cluster)
        else:
            self.client = Client(scheduler)
        self.jobs = max(1, len(self.client.scheduler_info().get("workers", {})) or jobs)
        # Workers warm up on their first task, in the thread that runs tasks:
        # Playwright's sync API must stay on the thread that started it.
        self.client.register_plugin(_teardown_plugin(), name="gongkai-teardown")

    def run(self, jobs: Iterable[Job]) -> Iterator[Result]:
        from distributed import wait as dask_wait

        def wait_any(pending: set[Any]) -> set[Any]:
            return set(dask_wait(list(pending), return_when="FIRST_COMPLETED").done)

        submitted: dict[Any, Job] = {}

        def submit(job: Job) -> Any:
            # Workers need no shared filesystem: the job carries its input.
            future = self.client.submit(produce_in_worker, job, pure=False, key=f"gongkai-{job.key}")
            submitted[future.key] = job
            return future

        for future in _bounded(submit, wait_any, jobs, 2 * self.jobs):
            job = submitted.pop(future.key)
            try:
                yield future.result()
            except Exception as e:  # e.g. KilledWorker: its workers died on it too often
                yield Result(replace(job, input_json=""), None, f"{type(e).__name__}: {e}")

    def print_pages(self, pages: list[Page]) -> list[bytes]:
        return list(self.client.gather(self.client.map(print_in_worker, pages, pure=False)))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _close_worker(worker: Any = None) -> None:
    """Close the worker's browser and kernel from a thread of their own.

    A Dask worker tears down on its event loop's thread: Playwright's sync API and the kernel
    client would run their own loops there and leave the worker's futures on another loop (a
    page of English tracebacks at the end of a good run). The browser is killed, not closed
    (its Playwright driver exits with the worker), and the kernel is shut down elsewhere.
    """
    current = _Worker.current
    if current is None:
        return
    _Worker.current = None
    if current.printer is not None:
        current.printer.kill()
        current.printer = None
    from gongkai.production.kernels import WarmKernel

    closing = threading.Thread(target=WarmKernel.close_current, daemon=True)
    closing.start()
    closing.join(30)


def _teardown_plugin() -> Any:
    """A Dask worker plugin that closes the worker's kernel and browser when it stops."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class Teardown(WorkerPlugin):
        def teardown(self, worker: Any) -> None:
            _close_worker(worker)

    return Teardown()


EXECUTORS: dict[str, Callable[..., Executor]] = {"local": LocalExecutor, "dask": DaskExecutor}
