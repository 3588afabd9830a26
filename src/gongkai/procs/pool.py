"""The project's one pool of worker processes (`Workers`): render, check, import and audit all run on it.

Workers are spawned, ignore Ctrl-C (the parent alone says 「已中断」) and die with
their parent (`family`). At most `jobs` workers run, each with at most `depth`
tasks queued, and at most `ahead` results wait to be handed back, so memory
stays flat however many items there are. Results come back in the order of
the items, or as they finish.

A worker that dies (killed, out of memory) or overruns a task's `Limits` is
ended and replaced: its running task becomes a row of the caller's own
(`failed`), the tasks queued behind it go to another worker, and every other
task goes on. Reading a file downloaded from anywhere runs library code we do
not control, so its limits are enforced from outside that code: an
address-space limit in the worker, a deadline kept by the parent.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from multiprocessing.connection import wait
from typing import Generic, TypeVar

from gongkai.procs.worker import Limits, Setup, Worker

T = TypeVar("T")
R = TypeVar("R")


class TaskFailed(Exception):
    """A single task (`run_one`) overran its limits or its worker died."""

    def __init__(self, reason: str, kind: str):
        super().__init__(reason)
        self.reason, self.kind = reason, kind


class Workers(Generic[T, R]):
    """`with Workers(jobs, limits) as w: for result in w.map(fn, items, failed): …`

    `fn` must be a module-level function (it is pickled by name); `failed(item, reason)`
    makes the result of an item whose worker overran or died. An exception `fn` raises
    is re-raised here. `warm` and `stop` run in each worker, first and last; `children`:
    the workers start processes of their own (a kernel, a browser) that must end with
    them. `role` names the workers in a death's reason (「读取进程意外退出…」).
    """

    def __init__(
        self,
        jobs: int = 1,
        limits: Limits | None = None,
        ahead: int | None = None,
        warm: Callable[[], None] | None = None,
        *,
        stop: Callable[[], None] | None = None,
        children: bool = False,
        depth: int = 1,
        role: str = "读取",
    ) -> None:
        self.jobs = max(1, jobs)
        self.limits = limits or Limits()
        self.setup = Setup(self.limits.memory, warm, stop, children)
        self.depth = max(1, depth)
        self.ahead = ahead if ahead is not None else 4 * self.jobs * self.depth
        self.role = role
        self.workers: list[Worker] = []

    def __enter__(self) -> Workers[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start every worker now: their warm-up runs while the caller prepares the first tasks."""
        while len(self.workers) < self.jobs:
            self.workers.append(Worker(self.setup))

    def close(self) -> None:
        """Let the idle workers go (their `stop` runs) and end the busy ones now."""
        workers, self.workers = self.workers, []
        for worker in workers:
            worker.end() if worker.tasks else worker.let_go()
        for worker in workers:
            worker.reap(10.0 if self.setup.stop is not None else 2.0)

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], failed: Callable[[T, str], R], *, ordered: bool = True
    ) -> Generator[R, None, None]:
        """`fn(item)` for every item, `jobs` at a time: in the items' order, or (`ordered=False`) as they finish."""
        source = iter(enumerate(items))
        again: deque[tuple[int, T]] = deque()  # queued on a worker that died before it began them
        done: dict[int, R] = {}
        given = handed = 0
        exhausted = False
        try:
            while True:
                while again or (not exhausted and given < handed + self.ahead):
                    worker = self._free()
                    if worker is None:
                        break
                    if again:
                        index, item = again.popleft()
                    elif (nxt := next(source, None)) is None:
                        exhausted = True
                        break
                    else:
                        (index, item), given = nxt, given + 1
                    worker.give(index, fn, item, self.limits.seconds)
                while done and (not ordered or handed in done):
                    yield done.pop(handed if ordered else next(iter(done)))
                    handed += 1
                busy = [w for w in self.workers if w.tasks]
                if not busy:
                    if exhausted and not again and not done:
                        return
                    continue
                timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], min(timeout, 3600)))
                now = time.monotonic()
                for worker in busy:
                    if worker.conn in ready or worker.process.sentinel in ready:
                        self._settle(worker, worker.process.sentinel in ready, failed, done, again)
                    elif now >= worker.deadline:
                        self._drop(worker, self.limits.describe("timeout"), failed, done, again)
        finally:
            ending = [w for w in self.workers if w.tasks]  # their results are no longer wanted
            self.workers = [w for w in self.workers if not w.tasks]
            for worker in ending:
                worker.end()
            for worker in ending:
                worker.reap(5.0)

    def _free(self) -> Worker | None:
        """A worker to give the next task: an idle one, a new one, or one with room in its queue."""
        for worker in [w for w in self.workers if not w.tasks and not w.alive()]:  # died while idle
            self.workers.remove(worker)
            worker.reap(0)
        idle = next((w for w in self.workers if not w.tasks), None)
        if idle is not None:
            return idle
        if len(self.workers) < self.jobs:
            self.workers.append(Worker(self.setup))
            return self.workers[-1]
        shortest = min(self.workers, key=lambda w: len(w.tasks), default=None)
        return shortest if shortest is not None and len(shortest.tasks) < self.depth else None

    def _settle(
        self,
        worker: Worker,
        exited: bool,
        failed: Callable[[T, str], R],
        done: dict[int, R],
        again: deque[tuple[int, T]],
    ) -> None:
        """Take the worker's answers; one that died or ran out of memory is replaced."""
        for index, item, kind, value in worker.answers(self.limits.seconds):
            if kind == "raised":
                raise value
            if kind == "memory":  # the worker has ended itself: the tasks queued behind go elsewhere
                done[index] = failed(item, self.limits.describe("memory", self.role))
                self._drop(worker, "", failed, done, again)
                return
            done[index] = value
        if exited or worker.broken:
            self._drop(worker, self.limits.describe(worker.how_it_died(), self.role), failed, done, again)

    def _drop(
        self,
        worker: Worker,
        reason: str,
        failed: Callable[[T, str], R],
        done: dict[int, R],
        again: deque[tuple[int, T]],
    ) -> None:
        """End the worker; its running task fails for `reason` (if any), the ones queued behind are given again."""
        self.workers.remove(worker)
        worker.end()
        worker.reap(5.0)
        if reason and worker.tasks:
            index, item = worker.tasks.popleft()
            done[index] = failed(item, reason)
        again.extend(worker.tasks)
        worker.tasks.clear()


def run_one(fn: Callable[[T], R], item: T, limits: Limits, warm: Callable[[], None] | None = None) -> R:
    """One task under limits; its exception re-raised, an overrun raised as `TaskFailed`."""

    def failed(_: T, reason: str) -> R:
        raise TaskFailed(reason, "limit")

    with Workers[T, R](1, limits, warm=warm) as workers:
        return next(iter(workers.map(fn, [item], failed)))
