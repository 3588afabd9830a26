"""A worker tied to its parent: it ends when the parent does, whatever killed the parent, and so do its own children.

Linux's `PR_SET_PDEATHSIG` has the kernel signal the worker when its parent
dies, even while the worker is stuck in a loop. A worker with no children of
its own takes SIGKILL; one that starts a kernel and a browser takes SIGTERM,
whose handler kills them before it exits (and a thread watches the parent in
case the signal cannot be had).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import NoReturn

_PR_SET_PDEATHSIG = 1


def tie_to_parent(parent: int, children: bool) -> None:
    """Called first thing in a worker; `children`: it will start processes of its own."""
    if children:
        die_with_parent(parent)
        return
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def die_with_parent(parent: int) -> None:
    """This worker, its kernel and its browser end when the parent does, whatever killed it.

    The kernel and the browser are this worker's children, not the parent's:
    the kernel asks for its own death signal, and this worker takes the rest
    down on its way out (SIGTERM, from the kernel when the parent dies or from
    the parent ending the worker).
    """
    signal.signal(signal.SIGTERM, lambda *_: end_family())
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        end_family()

    threading.Thread(target=watch, name="gongkai-parent-watch", daemon=True).start()


def end_family() -> NoReturn:
    """Kill every descendant of this process (kernel, Playwright driver, Chromium), then exit."""
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


@contextlib.contextmanager
def no_interrupt() -> Iterator[None]:
    """SIGINT ignored while a child is started (an ignored signal stays ignored across exec).

    Ctrl-C then reaches only the parent, which ends its workers itself; a worker
    interrupted mid-import would print a traceback instead.
    """
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to change
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
