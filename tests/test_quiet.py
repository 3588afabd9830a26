"""Quiet endings through the real `render --all`: a good Dask run says nothing on stderr; Ctrl-C, locally
and under Dask, says 「已中断」 and nothing else (no worker tracebacks, no asyncio noise), leaving no process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import REPO
from test_bulk import small_county
from test_faults import kill_marked, render_all, report_count, start, survivors, wait_for


def in_own_group(argv: list[str], marker: str) -> subprocess.Popen[str]:
    """`start` as a terminal's foreground job: a process group of its own, which Ctrl-C reaches whole."""
    return subprocess.Popen(
        [sys.executable, "-m", "gongkai.cli", *argv],
        cwd=REPO,
        env={**os.environ, "GONGKAI_FAULT_MARK": marker},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_a_good_dask_run_ends_without_a_word_on_stderr(tmp_path: Path) -> None:
    data = small_county(tmp_path, townships=("hujixiang",), years=(2021, 2022))
    marker = uuid.uuid4().hex
    proc = start([*render_all(data, tmp_path / "out"), "--executor", "dask", "--jobs", "1"], marker)
    try:
        stdout, stderr = proc.communicate(timeout=600)
    finally:
        proc.kill()
        kill_marked(marker)
    assert proc.returncode == 0, stdout + stderr
    assert stderr == "", stderr
    assert report_count(tmp_path / "out") == 2 and "共 2 份报告" in stdout


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_ctrl_c_says_interrupted_and_nothing_else(executor: str, tmp_path: Path) -> None:
    data = small_county(tmp_path, townships=("hujixiang", "renhezhen"), years=(2021, 2022))
    out = tmp_path / "out"
    marker = uuid.uuid4().hex
    proc = in_own_group([*render_all(data, out), "--executor", executor, "--jobs", "1"], marker)
    try:
        assert wait_for(lambda: report_count(out) >= 1, 400), "no report finished"
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole foreground group
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 130, stderr
        assert stderr.strip() == "已中断", stderr
        assert not survivors(marker, within=15)
    finally:
        proc.kill()
        kill_marked(marker)
