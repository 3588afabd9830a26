"""Temporary folders of a run killed with kill -9 are removed by the next run; a live run's are kept."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import GONGKAI, REPO
from test_bulk import small_county


def test_the_next_run_removes_what_a_killed_run_left_in_tmp(tmp_path: Path) -> None:
    data = small_county(tmp_path, townships=("hujixiang",), years=(2021,))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    render = [*GONGKAI, "render", "胡集乡", "2021", "--data", str(data), "--out", str(tmp_path / "out")]
    proc = subprocess.Popen(
        [*render, "--formats", "html"], cwd=REPO, env=env, start_new_session=True, stderr=subprocess.DEVNULL
    )
    try:
        end = time.monotonic() + 120
        while not list(tmp.glob("gongkai-kernel-*")) and time.monotonic() < end:
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole run, as a machine switched off would leave it
        proc.wait(30)
    left = list(tmp.glob("gongkai-kernel-*"))
    assert left and all(p.name.startswith(f"gongkai-kernel-{proc.pid}-") for p in left), left
    live = tmp / f"gongkai-kernel-{os.getpid()}-mine"  # a folder of a process still running
    live.mkdir()
    done = subprocess.run(
        [*GONGKAI, "check", "胡集乡", "2021", "--data", str(data)], cwd=REPO, env=env, timeout=120, check=False
    )
    assert done.returncode in (0, 1)
    assert not any(p.exists() for p in left), left
    assert live.is_dir()
