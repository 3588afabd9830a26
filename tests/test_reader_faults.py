"""The reading workers of `audit` and `import`: Ctrl-C says 「已中断」 only, a killed parent leaves no worker.

A slow file (a finely ruled page) keeps a worker busy while the test interrupts or kills the real command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from conftest import GONGKAI, REPO, SEED_TEXT
from hostile import grid_pdf


def _busy(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], list[psutil.Process]]:
    """The command started in its own process group, once a reading worker is at work on the slow file."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "slow.pdf").write_bytes(grid_pdf(99, pages=30))  # minutes of table finding
    (folder / "seed.txt").write_bytes(SEED_TEXT.read_bytes())
    proc = subprocess.Popen(
        [*GONGKAI, *args, str(folder), "--out" if args[0] == "audit" else "--out-dir", str(tmp_path / "out")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # as a terminal's foreground job: Ctrl-C reaches the whole group
    )
    end = time.monotonic() + 120
    while time.monotonic() < end:
        workers = psutil.Process(proc.pid).children(recursive=True)
        if any(w.cpu_times().user > 2 for w in workers):  # one has imported its libraries and is reading
            return proc, workers
        time.sleep(0.3)
    proc.kill()
    raise AssertionError("no reading worker started")


def _gone(processes: list[psutil.Process], within: float = 15) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(processes, timeout=within)
    return alive


@pytest.mark.parametrize("command", [("audit", "--jobs", "1"), ("import",)])
def test_ctrl_c_prints_only_interrupted_and_leaves_no_worker(command: tuple[str, ...], tmp_path: Path) -> None:
    proc, workers = _busy(tmp_path, *command)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "已中断", err
    assert not _gone(workers)


def test_killing_the_parent_kills_its_reading_workers(tmp_path: Path) -> None:
    proc, workers = _busy(tmp_path, "audit", "--jobs", "2")
    proc.kill()
    proc.wait(30)
    assert not _gone(workers), "a reading worker outlived its parent"
