"""Child processes die with their parent, however the parent died (kill -9 included).

Linux tells a process of its parent's death only if it asks (PR_SET_PDEATHSIG);
a worker asks, and also watches its parent from a thread, then takes its own
children (the kernel, the Playwright driver, Chromium) down with it. Every
pool of ours starts its workers here (render, check --all). Standard library
and psutil only: this runs in a new worker before anything heavy is imported.
"""

from __future__ import annotations

import contextlib
import importlib
import os

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """This worker, its kernel and its browser end when the parent does, whatever killed it.

    The kernel and the browser are this worker's children, not the parent's:
    the kernel asks for its own death signal, and this worker takes the rest
    down on its way out. The kernel asks the same of us (PR_SET_PDEATHSIG),
    and a thread watches the parent in case the signal cannot be had.
    """
    import ctypes
    import signal
    import threading
    import time

    signal.signal(signal.SIGTERM, lambda *_: _end_family())
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        _end_family()

    threading.Thread(target=watch, name="gongkai-parent-watch", daemon=True).start()


def _end_family() -> None:
    """Kill every descendant of this process (kernel, Playwright driver, Chromium), then exit."""
    import signal

    for pid in descendants(os.getpid()):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    os._exit(1)


def descendants(root: int) -> list[int]:
    """Every live process below `root` (psutil walks the process table)."""
    import psutil

    try:
        return [child.pid for child in psutil.Process(root).children(recursive=True)]
    except psutil.Error:  # `root` already gone: nothing of it to find
        return []


def start_worker(parent: int, warm_up: str, *args: object) -> None:
    """A pool worker's initializer: first tie it to the parent, then import and call `warm_up` ("module:function").

    Named, not passed: unpickling the function would import its module before the watch starts.
    """
    die_with_parent(parent)
    module, _, name = warm_up.partition(":")
    getattr(importlib.import_module(module), name)(*args)
