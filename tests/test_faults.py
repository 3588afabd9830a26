"""Faults an unlucky operator meets, table-driven through the real CLI.

Each row breaks one thing (the disk, the output folder, the browser, a
worker, the parent process) and states what must hold afterwards: one clear
line, no traceback, no process left behind, no half-written report.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from conftest import REPO
from test_bulk import small_county
from test_crash_safety import assert_whole

TOWNSHIPS = ("hujixiang", "renhezhen", "shunhexiang")


def marked(marker: str) -> list[int]:
    """Every live process whose environment carries `marker` (the run's descendants, however reparented)."""
    found = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if proc.environ().get("GONGKAI_FAULT_MARK") == marker and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc.pid)
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
        with contextlib.suppress(psutil.Error):
            out.append(f"{pid} {' '.join(psutil.Process(pid).cmdline())[:120]!r}")
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


# -- the table: one broken thing per row --------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    id: str
    argv: Callable[[Path, Path, Path], list[str]]  # (data, out, tmp) -> the command line
    code: int  # the exit code
    says: str  # a phrase of the one-line error ("" for a run that ends with its summary)
    env: Callable[[Path], dict[str, str]] = lambda tmp: {}
    mount: str = ""  # tmpfs options for the output folder, when the fault is the disk
    during: Callable[[subprocess.Popen[str], Path, str], None] | None = None  # done to the running command
    seconds: float = 300


def hanging_chromium(tmp: Path) -> dict[str, str]:
    """A browser that answers --version, then hangs for good when asked to start."""
    script = tmp / "hanging-chromium"
    script.write_text('#!/bin/sh\n[ "$1" = --version ] && { echo Chromium 1; exit 0; }\nexec sleep 3600\n')
    script.chmod(0o755)
    return {"GONGKAI_CHROMIUM": str(script), "GONGKAI_PRINT_TIMEOUT": "5"}


def kill_a_worker(proc: subprocess.Popen[str], out: Path, marker: str) -> None:
    """kill -9 one pool worker once the first report is out; the run must go on."""
    assert wait_for(lambda: report_count(out) >= 1 or proc.poll() is not None, 400)
    workers = [p for p in marked(marker) if "spawn_main" in " ".join(psutil.Process(p).cmdline())]
    assert workers, "no worker to kill"
    os.kill(workers[0], signal.SIGKILL)


ONE = ["render", "hujixiang", "2021"]
FAULTS = [
    Fault(
        "disk-full",
        lambda d, o, t: [*render_all(d, o), "--jobs", "1"],
        2,
        "磁盘已满",
        mount="size=1500k",  # one report with its PDF fits, the second does not
    ),
    Fault("read-only-output", lambda d, o, t: render_all(d, o), 2, "只读", mount="size=1m,ro"),
    Fault(
        "read-only-import",
        lambda d, o, t: ["import", str(REPO / "tests/fixtures/hujixiang-2021-published.txt"), "-o", f"{o}/x.yaml"],
        2,
        "只读",
        mount="size=1m,ro",
    ),
    Fault("read-only-template", lambda d, o, t: ["template", "-o", f"{o}/t.xlsx"], 2, "只读", mount="size=1m,ro"),
    Fault(
        "out-is-a-file",
        lambda d, o, t: [*ONE, "--data", str(d), "--out", str(d / "minquan" / "county.yaml")],
        2,
        "是一个文件",
    ),
    Fault(
        "out-under-a-file",
        lambda d, o, t: [*ONE, "--data", str(d), "--out", str(d / "minquan" / "county.yaml" / "out")],
        2,
        "位于文件",
    ),
    Fault(
        "import-onto-a-folder",
        lambda d, o, t: ["import", str(REPO / "tests/fixtures/hujixiang-2021-published.txt"), "-o", str(d), "--force"],
        2,
        "是一个文件夹",
    ),
    Fault(
        "dead-chromium",
        lambda d, o, t: [*ONE, "--data", str(d), "--out", str(o)],
        2,
        "无法运行",
        env=lambda t: {"GONGKAI_CHROMIUM": "/bin/false"},
    ),
    Fault(
        "dead-chromium-all",
        lambda d, o, t: render_all(d, o),
        2,
        "无法运行",
        env=lambda t: {"GONGKAI_CHROMIUM": "/bin/false"},
    ),
    Fault(
        "hanging-chromium",
        lambda d, o, t: [*ONE, "--data", str(d), "--out", str(o)],
        1,
        "Chromium",
        env=hanging_chromium,
        seconds=120,
    ),
    Fault("worker-killed", lambda d, o, t: [*render_all(d, o), "--jobs", "2"], 1, "", during=kill_a_worker),
]


def can_mount(target: Path, options: str) -> bool:
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True, check=False
    )
    return done.returncode == 0


@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
def test_a_fault_ends_in_one_clear_line_whole_reports_and_no_process_left(fault: Fault, tmp_path: Path) -> None:
    data = small_county(tmp_path, townships=TOWNSHIPS, years=(2021, 2022))
    out = tmp_path / "out"
    out.mkdir()
    if fault.mount and not can_mount(out, fault.mount):
        pytest.skip("optional component missing: mounting a tmpfs (needs root or CAP_SYS_ADMIN)")
    marker = uuid.uuid4().hex
    try:
        proc = start(fault.argv(data, out, tmp_path), marker, fault.env(tmp_path))
        try:
            if fault.during is not None:
                fault.during(proc, out, marker)
            stdout, stderr = proc.communicate(timeout=fault.seconds)
        finally:
            proc.kill()
        left = survivors(marker, within=5)
        assert not left, f"processes outlived the command: {left}"
        assert "Traceback" not in stderr and "BrokenProcessPool" not in stderr, stderr
        assert proc.returncode == fault.code, (proc.returncode, stdout, stderr)
        if fault.says:
            errors = [line for line in stderr.splitlines() if line.startswith("错误：")]
            assert len(errors) == 1 and fault.says in errors[0], stderr
        for folder in out.glob("*/*/*/"):
            if folder.is_dir():
                assert_whole(folder)
                products = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
                assert not products or "build.json" in products, f"{folder}: {products} (a report's files apart)"
        assert not list(out.rglob("*.tmp")), "temporary files left behind"
        if (out / "manifest.json").exists():
            json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        if fault.id == "worker-killed":
            assert report_count(out) + stdout.count("工作进程") == len(TOWNSHIPS) * 2, stdout
    finally:
        kill_marked(marker)
        if fault.mount:
            subprocess.run(["umount", "-l", str(out)], check=False)
