"""Faults an unlucky operator meets, table-driven through the real CLI.

Each row breaks one thing (the disk, the output folder, the browser, a
worker, the parent process) and states what must hold afterwards: one clear
line, no traceback, no process left behind, no half-written report.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO
from test_bulk import small_county
from test_crash_safety import assert_whole

TOWNSHIPS = ("hujixiang", "renhezhen", "shunhexiang")


def marked(marker: str) -> list[int]:
    """Every live process whose environment carries `marker` (the run's descendants, however reparented)."""
    found = []
    needle = f"GONGKAI_FAULT_MARK={marker}".encode()
    for env in Path("/proc").glob("[0-9]*/environ"):
        try:
            if needle in env.read_bytes().split(b"\0"):
                stat = (env.parent / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(env.parent.name))
        except OSError:
            continue
    return found


def survivors(marker: str, within: float) -> list[str]:
    """The marked processes still alive after `within` seconds (their command lines)."""
    deadline = time.monotonic() + within
    while True:
        alive = marked(marker)
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    out = []
    for pid in alive:
        with contextlib.suppress(OSError):
            out.append(f"{pid} {(Path('/proc') / str(pid) / 'cmdline').read_bytes()[:120]!r}")
    return out


def kill_marked(marker: str) -> None:
    for pid in marked(marker):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def start(argv: list[str], marker: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gongkai.cli", *argv],
        cwd=REPO,
        env={**os.environ, "GONGKAI_FAULT_MARK": marker, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def render_all(data: Path, out: Path, *extra: str) -> list[str]:
    return ["render", "--all", "--data", str(data), "--out", str(out), "--no-progress", *extra]


def wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def report_count(out: Path) -> int:
    return len(list(out.glob("*/*/*/build.json")))


# -- the parent killed (kill -9 of its pid alone) at three moments --------------------------------

MOMENTS = {
    "early": lambda out, marker: wait_for(lambda: len(marked(marker)) >= 3, 60),  # workers starting
    "mid": lambda out, marker: wait_for(lambda: report_count(out) >= 1, 300),
    "late": lambda out, marker: wait_for(lambda: report_count(out) >= 4, 400),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_killing_only_the_parent_leaves_no_process_and_whole_reports(moment: str, tmp_path: Path) -> None:
    data = small_county(tmp_path, townships=TOWNSHIPS, years=(2021, 2022))
    out = tmp_path / "out"
    marker = uuid.uuid4().hex
    proc = start(render_all(data, out, "--jobs", "2"), marker)
    try:
        reached = MOMENTS[moment](out, marker)
        assert reached, f"the run never reached the {moment} moment: {proc.poll()} {proc.stderr and proc.stderr.read()}"
        assert proc.poll() is None, "the run ended before it could be killed"
        before = len(marked(marker))
        os.kill(proc.pid, signal.SIGKILL)  # the parent alone, not its process group
        proc.wait(timeout=10)
        left = survivors(marker, within=5)
        assert not left, f"{len(left)} of {before} processes outlived the parent: {left}"
    finally:
        kill_marked(marker)
        proc.kill()
        proc.communicate()
    for folder in out.glob("*/*/*/"):
        if folder.is_dir():
            assert_whole(folder)
