"""One worker process: its life inside (`_serve`) and the parent's handle on it (`Worker`).

Tasks and answers travel over a pipe. The worker says "started" before each
task (a deadline counts from there, not from a start-up spent importing) and
then answers it; a thread in the worker takes the tasks off the pipe as they
come, so a parent queueing a second task never waits on a busy worker.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from gongkai.procs.family import end_family, no_interrupt, tie_to_parent

MB = 1 << 20
STARTUP = 120.0  # seconds a new worker may take to start and import its libraries, on a loaded machine


@dataclass(frozen=True)
class Limits:
    """Per-task budget: wall-clock seconds and address space in bytes (None: no limit)."""

    seconds: float | None = None
    memory: int | None = None

    def describe(self, kind: str, role: str = "读取") -> str:
        """The reason a task was stopped, in the user's words (`role`: what the worker does)."""
        stopped = "已停止读取" if role == "读取" else "已停止"
        if kind == "timeout":
            return f"超过 {self.seconds:g} 秒仍未完成，{stopped}"
        if kind == "memory":
            limit = f" {self.memory // MB} MB" if self.memory else ""
            return f"所需内存超过上限{limit}，{stopped}"
        return f"{role}进程意外退出（{kind}）"


@dataclass(frozen=True)
class Setup:
    """What every worker of a pool is: its memory cap, its warm-up and stop hooks, whether it has children.

    The hooks are module-level functions (or partials of them): they are pickled by name.
    """

    memory: int | None = None
    warm: Callable[[], None] | None = None  # run once, before the first task (libraries, a kernel, a browser)
    stop: Callable[[], None] | None = None  # run when the pool lets the worker go (closes what `warm` opened)
    children: bool = False  # the worker starts processes of its own: they end with it (family.die_with_parent)


def _serve(conn: Connection, parent: int, setup: Setup) -> None:
    """A worker's life: take a task, answer, until told to stop or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tie_to_parent(parent, setup.children)
    if setup.memory is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (setup.memory, setup.memory))
    if setup.warm is not None:
        with contextlib.suppress(Exception):  # the tasks meet the same trouble and each says why
            setup.warm()
    tasks: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    threading.Thread(target=_listen, args=(conn, tasks), name="gongkai-tasks", daemon=True).start()
    try:
        while (task := tasks.get()) is not None:
            conn.send(("started", None))  # the deadline counts from here
            if not _answer(conn, task):
                return  # a heap that hit the limit is not trusted with the next task
    except OSError:  # the pipe broke under an answer: the parent is gone
        end_family()
    if setup.stop is not None:
        with contextlib.suppress(Exception):
            setup.stop()


def _listen(conn: Connection, tasks: queue.SimpleQueue[bytes | None]) -> None:
    """Take tasks off the pipe as they come (unpickled by the main thread: imports and memory stay there).

    A closed pipe means the parent is gone: the worker ends at once, with its own children.
    """
    while True:
        try:
            task = conn.recv_bytes()
        except (EOFError, OSError):
            end_family()
        tasks.put(task or None)  # an empty message: let go
        if not task:
            return


def _answer(conn: Connection, task: bytes) -> bool:
    """Run one task and send its reply; False once memory ran out."""
    reply: tuple[str, Any]
    try:
        fn, item = pickle.loads(task)
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
    return reply[0] != "memory"


def _portable(e: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else its type and text."""
    try:
        pickle.loads(pickle.dumps(e))
        return e
    except Exception:
        return RuntimeError(f"{type(e).__name__}: {e}")


class Worker:
    """The parent's handle: the tasks sent and not yet answered, in order, and the first one's deadline."""

    def __init__(self, setup: Setup) -> None:
        ctx = mp.get_context("spawn")  # a fresh interpreter: never forked from a parent holding threads
        self.children = setup.children
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, os.getpid(), setup), daemon=True)
        with no_interrupt():  # the child starts with Ctrl-C ignored: no traceback from its start-up
            self.process.start()
        child.close()
        self.tasks: deque[tuple[int, Any]] = deque()  # (index, item): the first is running or next
        self.deadline = float("inf")
        self.warmed = False  # has said "started" once: its start-up is over
        self.broken = False  # its pipe closed: it is gone, or going

    def give(self, index: int, fn: Callable[[Any], Any], item: Any, seconds: float | None) -> None:
        """Queue a task; the first one's deadline counts from now, with STARTUP more for a worker starting up."""
        if not self.tasks and seconds is not None:
            self.deadline = time.monotonic() + seconds + (0.0 if self.warmed else STARTUP)
        self.tasks.append((index, item))
        try:
            self.conn.send_bytes(pickle.dumps((fn, item)))
        except (OSError, ValueError):  # gone: the pool sees its sentinel and fails the first task
            self.broken = True

    def answers(self, seconds: float | None) -> list[tuple[int, Any, str, Any]]:
        """The tasks answered since last asked: (index, item, kind, value); kind is ok, raised or memory."""
        found = []
        try:
            while self.tasks and self.conn.poll():
                kind, value = self.conn.recv()
                now = time.monotonic()
                if kind == "started":
                    self.warmed = True
                else:
                    index, item = self.tasks.popleft()
                    found.append((index, item, kind, value))
                running = kind == "started" or self.tasks
                self.deadline = now + seconds if seconds is not None and running else float("inf")
        except (EOFError, OSError):
            self.broken = True
        return found

    def end(self) -> None:
        """Stop it now: SIGTERM to one with children (its handler takes them down), else SIGKILL."""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self.process.terminate() if self.children else self.process.kill()

    def let_go(self) -> None:
        """Ask an idle worker to finish (its stop hook runs)."""
        try:
            self.conn.send_bytes(b"")
        except (OSError, ValueError):
            self.end()

    def reap(self, within: float) -> None:
        """Wait up to `within` seconds for it to exit, then kill it."""
        self.process.join(within)
        if self.process.is_alive():
            with contextlib.suppress(OSError, ValueError):
                self.process.kill()
            self.process.join(5)
        self.conn.close()

    def alive(self) -> bool:
        return not self.broken and self.process.is_alive()

    def how_it_died(self) -> str:
        self.process.join(1)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return f"信号 {signal.Signals(-code).name}"
            except ValueError:
                return f"信号 {-code}"
        return f"退出码 {code}"
