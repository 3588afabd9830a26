"""A warm kernel that papermill runs many reports on, through an engine of ours.

A fresh kernel costs about a second per report. One kernel per worker,
kept with one client (every client of a kernel manager shares one ZMQ
identity, so a second client steals the first one's replies), and its
namespace swept before each run, costs a few milliseconds per cell.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from gongkai.production.quiet import KERNEL_STDERR, QUIET_KERNEL

ENGINE = "gongkai-warm"
log = logging.getLogger(__name__)

# Run before every report: drop every name a previous report left behind.
# Module caches (sys.modules) stay warm on purpose; the notebook assigns all
# it reads in its parameters cell, which papermill always runs.
SWEEP = (
    "[get_ipython().user_ns.pop(n) for n in [n for n in get_ipython().user_ns"
    " if n not in get_ipython().user_ns_hidden and not n.startswith('_')]]"
)

# Outputs must not pile up across hundreds of reports in one kernel.
KERNEL_ARGS = ["--InteractiveShell.cache_size=0", "--HistoryManager.enabled=False", *QUIET_KERNEL]
# The kernel dies with the process that started it (PR_SET_PDEATHSIG = 1), even a killed one;
# if that process is already gone, at once.
DIE_WITH_PARENT = (
    "import ctypes as _c, os as _o, signal as _s; _c.CDLL(None).prctl(1, _s.SIGKILL);"
    " _o.getppid() == int(_o.environ.get('JPY_PARENT_PID', _o.getppid())) or _o._exit(1)"
)
KERNEL_ARGS.append(f"--IPKernelApp.exec_lines={DIE_WITH_PARENT!r}")


class WarmKernel:
    """One kernel and its one client, reused for every notebook this process runs.

    Replaced after `MAX_RUNS` notebooks: the kernel's own bookkeeping grows by
    about 150 KB a report (not the report's objects, which are swept), and
    memory must not grow with the number of reports. A restart costs about a
    second, so this adds about 1% to a long run.
    """

    MAX_RUNS = 100
    _current: WarmKernel | None = None

    def __init__(self, cwd: str, kernel_name: str = "python3") -> None:
        from jupyter_client.manager import KernelManager

        self.cwd = cwd  # where the caller writes each report's input (run.workdir)
        self.km = KernelManager(kernel_name=kernel_name)
        self.km.start_kernel(cwd=cwd, extra_arguments=KERNEL_ARGS, stderr=KERNEL_STDERR)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.kc.allow_stdin = False
        self.runs = 0

    @classmethod
    def current(cls, cwd: str) -> WarmKernel:
        old = cls._current
        if old is not None and (old.runs >= cls.MAX_RUNS or old.cwd != cwd or not old.km.is_alive()):
            old.close()
        if cls._current is None:
            cls._current = cls(cwd)
        return cls._current

    def sweep(self, client: Any) -> None:
        """Clear the user namespace through nbclient's own reply handling."""
        from jupyter_core.utils import run_sync

        msg_id = self.kc.execute(SWEEP, silent=True, store_history=False)
        reply = run_sync(client.async_wait_for_reply)(msg_id)
        if reply is None or reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel namespace sweep failed: {reply and reply['content']}")

    def close(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        if WarmKernel._current is self:
            WarmKernel._current = None

    @classmethod
    def close_current(cls) -> None:
        if cls._current is not None:
            cls._current.close()


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine, on this process's warm kernel."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        cwd = kwargs.get("cwd") or os.getcwd()
        kernel = WarmKernel.current(cwd)
        start = time.perf_counter()
        client = PapermillNotebookClient(
            nb_man,
            km=kernel.km,
            kernel_name=kernel_name,
            log=log,
            log_output=False,
            timeout=kwargs.get("execution_timeout") or 300,
        )
        client.kc = kernel.kc  # nbclient would otherwise make a second client that steals replies
        kernel.sweep(client)
        result = client.execute()
        kernel.runs += 1
        log.debug("warm run %d took %.3f s", kernel.runs, time.perf_counter() - start)
        return result


papermill_engines.register(ENGINE, WarmEngine)
