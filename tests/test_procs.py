"""The one worker pool (`procs.Workers`) that render, check, import and audit share, on plain Python tasks.

What render and check lean on and the commands' own tests reach only slowly:
a worker that dies takes only its running task with it (the tasks queued
behind it run elsewhere), each worker warms up once and runs its stop hook
when let go, results can come as they finish, and a worker's own children
(render's kernel and browser) end with it when the pool's owner is killed.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

from gongkai.procs import Workers

TESTS = Path(__file__).parent


def pid_of(item: int) -> tuple[int, int]:
    """The item and the worker that ran it; item 2 kills its own worker."""
    if item == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return item, os.getpid()


def slow_first(item: int) -> int:
    time.sleep(1 if item == 0 else 0.05)
    return item


def mark(folder: str, what: str) -> None:
    Path(folder, f"{what}-{os.getpid()}").touch()


def failed(item: int, reason: str) -> tuple[int, str]:
    return item, reason


def test_a_dead_worker_fails_its_running_task_alone_and_the_queued_ones_run_on_a_new_worker() -> None:
    with Workers[int, object](1, depth=2, role="工作") as pool:  # one worker: item 3 is queued behind item 2
        results = list(pool.map(pid_of, range(6), failed))
    assert [r[0] for r in results] == list(range(6))  # in order, none lost
    assert results[2] == (2, "工作进程意外退出（信号 SIGKILL）")
    first, second = {pid for _, pid in results[:2]}, {pid for _, pid in results[3:]}
    assert len(first) == len(second) == 1 and first != second, results


def test_each_worker_warms_up_once_and_runs_its_stop_hook_when_let_go(tmp_path: Path) -> None:
    warm = functools.partial(mark, str(tmp_path), "warm")
    stop = functools.partial(mark, str(tmp_path), "stop")
    with Workers[int, object](2, warm=warm, stop=stop) as pool:
        pool.start()
        pids = {pid for _, pid in pool.map(pid_of, [0, 1, 3, 4, 5, 6], failed)}
        assert len(list(tmp_path.glob("stop-*"))) == 0  # still working
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{w}-{p}" for p in pids for w in ("stop", "warm"))
    assert len(pids) == 2


def test_results_come_as_they_finish_or_in_order() -> None:
    with Workers[int, int](2) as pool:
        pool.start()
        assert list(pool.map(slow_first, range(4), failed, ordered=False))[-1] == 0  # type: ignore[arg-type]
        assert list(pool.map(slow_first, range(4), failed)) == [0, 1, 2, 3]  # type: ignore[arg-type]


OWNER = """
import functools, subprocess, sys, time
sys.path.insert(0, {tests!r})
from gongkai.procs import Workers
import test_procs
pool = Workers(1, warm=functools.partial(test_procs.start_child, {pids!r}), children=True)
pool.start()
time.sleep(600)
"""


def start_child(pids: str) -> None:
    """A worker's own child (render's kernel), its pid written for the test to follow."""
    child = subprocess.Popen(["sleep", "600"])
    Path(pids).write_text(f"{os.getpid()} {child.pid}")


def test_a_workers_own_children_end_with_it_when_the_owner_is_killed(tmp_path: Path) -> None:
    """A pool whose worker starts a child (render's kernel); SIGKILL of the pool's owner ends both."""
    pids = tmp_path / "pids"
    code = textwrap.dedent(OWNER).format(tests=str(TESTS), pids=str(pids))
    owner = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 60
        while not pids.exists() or len(pids.read_text().split()) < 2:
            assert owner.poll() is None and time.monotonic() < deadline, "the worker never started its child"
            time.sleep(0.05)
        found = [psutil.Process(int(p)) for p in pids.read_text().split()]
    finally:
        owner.kill()
        owner.wait()
    _, alive = psutil.wait_procs(found, timeout=5)
    left = [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]
    for p in left:
        p.kill()
    assert left == []
