"""The project's one pool of worker processes: spawned, dying with their parent, bounded, in order.

Reading a file downloaded from anywhere runs library code we do not control
(a PDF whose objects refer to themselves loops pdfminer forever; a stream
bomb inflates to gigabytes). Limits inside that code cannot be trusted to
hold, so they are enforced from outside it: each task runs in a worker with
an address-space limit (`RLIMIT_AS`), and a worker past its deadline is
killed and replaced. The caller turns such an overrun into a row of its own
(`failed`), and every other task goes on.

Workers are spawned (never forked from a parent holding threads and open
files), ignore Ctrl-C (the parent alone says 「已中断」), and die with the
parent (`PR_SET_PDEATHSIG`) even while stuck in a loop. At most `jobs`
tasks run and at most `ahead` results wait to be handed back, so memory
stays bounded however many items there are; results come back in order.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing as mp
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1
MB = 1 << 20
STARTUP = 120.0  # seconds a new worker may take to start and import its libraries, on a loaded machine


@dataclass(frozen=True)
class Limits:
    """Per-task budget: wall-clock seconds and address space in bytes (None: no limit)."""

    seconds: float | None = None
    memory: int | None = None

    def describe(self, kind: str) -> str:
        """The reason a task was stopped, in the user's words."""
        if kind == "timeout":
            return f"超过 {self.seconds:g} 秒仍未完成，已停止读取"
        if kind == "memory":
            limit = f" {self.memory // MB} MB" if self.memory else ""
            return f"所需内存超过上限{limit}，已停止读取"
        return f"读取进程意外退出（{kind}）"


class TaskFailed(Exception):
    """A single task (`run_one`) overran its limits or its worker died."""

    def __init__(self, reason: str, kind: str):
        super().__init__(reason)
        self.reason, self.kind = reason, kind


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the parent dies, whatever the worker is doing."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _serve(conn: Connection, parent: int, memory: int | None, warm: Callable[[], None] | None) -> None:
    """A worker's life: take a task, answer, until told to stop or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    if memory is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if warm is not None:
        warm()  # the libraries imported before the first deadline starts
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(("started", None))  # the deadline counts from here
        fn, item = task
        reply: tuple[str, Any]
        try:
            reply = ("ok", fn(item))
        except MemoryError:
            reply = ("memory", None)
        except RecursionError as e:  # picklable, and the caller may word it
            reply = ("raised", e)
        except BaseException as e:  # the caller's exception, re-raised in the parent
            reply = ("raised", _portable(e))
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))
        except (pickle.PicklingError, TypeError, AttributeError) as e:
            conn.send(("raised", RuntimeError(f"{type(e).__name__}: {e}")))
        if reply[0] == "memory":
            return  # a heap that hit the limit is not trusted with the next file


def _portable(e: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else its type and text."""
    try:
        pickle.loads(pickle.dumps(e))
        return e
    except Exception:
        return RuntimeError(f"{type(e).__name__}: {e}")


class _Worker:
    def __init__(self, limits: Limits, warm: Callable[[], None] | None) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, os.getpid(), limits.memory, warm), daemon=True)
        with no_interrupt():  # the child starts with Ctrl-C ignored: no traceback from its start-up
            self.process.start()
        child.close()
        self.task: tuple[int, Any] | None = None
        self.deadline = float("inf")
        self.pending: tuple[str, Any] | None = None
        self.warmed = False  # has said "started" once: its start-up is over  # a reply read while looking for "started"

    def give(self, index: int, fn: Callable[[Any], Any], item: Any, seconds: float | None) -> None:
        """The task, with its deadline; a worker still starting up (imports, `warm`) has STARTUP more."""
        self.task = (index, item)
        grace = 0.0 if self.warmed else STARTUP
        self.deadline = time.monotonic() + seconds + grace if seconds is not None else float("inf")
        self.conn.send((fn, item))

    def started(self, seconds: float | None) -> bool:
        """Whether the message waiting is the worker saying it began the task (the deadline restarts)."""
        if self.pending is None:
            try:
                self.pending = self.conn.recv()
            except (EOFError, OSError):
                self.pending = ("died", None)
        if self.pending[0] != "started":
            return False
        self.pending, self.warmed = None, True
        self.deadline = time.monotonic() + seconds if seconds is not None else float("inf")
        return True

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.kill()
        self.conn.close()

    def how_it_died(self) -> str:
        self.process.join(1)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return f"信号 {signal.Signals(-code).name}"
            except ValueError:
                return f"信号 {-code}"
        return f"退出码 {code}"


@contextlib.contextmanager
def no_interrupt() -> Iterator[None]:
    """SIGINT ignored while a child is started (an ignored signal stays ignored across exec)."""
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to change
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


class Workers(Generic[T, R]):
    """`with Workers(jobs, limits) as w: for result in w.map(fn, items, failed): …`

    `fn` must be a module-level function (it is pickled by name); `failed(item, reason)`
    makes the result of an item whose worker overran or died. An exception `fn` raises
    is re-raised here.
    """

    def __init__(
        self,
        jobs: int = 1,
        limits: Limits | None = None,
        ahead: int | None = None,
        warm: Callable[[], None] | None = None,
    ) -> None:
        self.jobs = max(1, jobs)
        self.warm = warm
        self.limits = limits or Limits()
        self.ahead = ahead if ahead is not None else 4 * self.jobs
        self.idle: list[_Worker] = []

    def __enter__(self) -> Workers[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for w in self.idle:
            w.stop() if w.task is None else w.kill()
        self.idle = []

    def map(self, fn: Callable[[T], R], items: Iterable[T], failed: Callable[[T, str], R]) -> Iterator[R]:
        source = iter(enumerate(items))
        busy: list[_Worker] = []
        done: dict[int, R] = {}
        given = handed = 0
        exhausted = False
        try:
            while True:
                while not exhausted and len(busy) < self.jobs and given < handed + self.ahead:
                    nxt = next(source, None)
                    if nxt is None:
                        exhausted = True
                        break
                    worker = self.idle.pop() if self.idle else _Worker(self.limits, self.warm)
                    worker.give(nxt[0], fn, nxt[1], self.limits.seconds)
                    busy.append(worker)
                    given += 1
                while handed in done:
                    yield done.pop(handed)
                    handed += 1
                if not busy:
                    if exhausted and not done:
                        return
                    continue
                timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], min(timeout, 3600))
                now = time.monotonic()
                for worker in list(busy):
                    assert worker.task is not None
                    index, item = worker.task
                    if worker.conn in ready and worker.started(self.limits.seconds):
                        continue
                    if worker.conn in ready or worker.process.sentinel in ready:
                        busy.remove(worker)
                        done[index] = self._answer(worker, item, failed)
                    elif now >= worker.deadline:
                        busy.remove(worker)
                        worker.kill()
                        done[index] = failed(item, self.limits.describe("timeout"))
        finally:
            for worker in busy:
                worker.kill()

    def _answer(self, worker: _Worker, item: T, failed: Callable[[T, str], R]) -> R:
        """The worker's reply; a worker that died or hit its memory limit is replaced."""
        kind: str
        value: Any
        try:
            if worker.pending is not None:
                (kind, value), worker.pending = worker.pending, None
            else:
                kind, value = worker.conn.recv() if worker.conn.poll() else ("died", None)
        except (EOFError, OSError):
            kind, value = "died", None
        worker.task = None
        if kind == "ok":
            self.idle.append(worker)
            return cast(R, value)
        if kind == "raised":
            self.idle.append(worker)
            raise value
        reason = self.limits.describe("memory" if kind == "memory" else worker.how_it_died())
        worker.kill()
        return failed(item, reason)


def run_one(fn: Callable[[T], R], item: T, limits: Limits, warm: Callable[[], None] | None = None) -> R:
    """One task under limits; its exception re-raised, an overrun raised as `TaskFailed`."""

    def failed(_: T, reason: str) -> R:
        raise TaskFailed(reason, "limit")

    with Workers[T, R](1, limits, warm=warm) as workers:
        return next(iter(workers.map(fn, [item], failed)))


# The render and check pools' workers (concurrent.futures, with a kernel and a browser as their own
# children) start here too: a worker ties itself to the parent, then takes its children down with it.


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
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

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
