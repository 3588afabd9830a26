"""`check --all --jobs N`: the same bytes as one process, in the same order; a dead worker or Ctrl-C ends it cleanly.

The data is a private copy of five bundled townships (15 records: three fail
their checks) plus one invalid record; `--batch` (hidden) cuts it into many
small batches so that two workers share it as they would 38,000 records.
With --gx each worker imports great-expectations (about 5 s of CPU each):
too dear for the suite; benchmarks/national.py compares --gx --jobs 2 with
--jobs 1 byte for byte instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
import yaml

from conftest import DATA, GONGKAI, REPO

TOWNSHIPS = ("hujixiang", "renhezhen", "beiguanzhen", "shunhexiang", "nanhuajiedao")
INVALID = Path("minquan") / "nanhuajiedao" / "2022.yaml"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("check-jobs") / "data"
    county = yaml.safe_load((DATA / "minquan" / "county.yaml").read_text(encoding="utf-8"))
    county["townships"] = {t: county["townships"][t] for t in TOWNSHIPS}
    (root / "minquan").mkdir(parents=True)
    (root / "minquan" / "county.yaml").write_text(yaml.safe_dump(county, allow_unicode=True), encoding="utf-8")
    for township in TOWNSHIPS:
        for path in (DATA / "minquan" / township).glob("*.yaml"):
            (root / "minquan" / township).mkdir(exist_ok=True)
            (root / "minquan" / township / path.name).write_bytes(path.read_bytes())
    broken = root / INVALID
    broken.write_text(broken.read_text(encoding="utf-8").replace("format:", "format: [\n", 1), encoding="utf-8")
    return root


def check(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GONGKAI, "check", "--all", "--data", str(data), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def alone(data: Path) -> subprocess.CompletedProcess[str]:
    """The reference: one process, as `check --all` always ran."""
    return check(data, "--jobs", "1")


def test_one_and_two_processes_print_the_same_bytes_and_exit_alike(
    data: Path, alone: subprocess.CompletedProcess[str]
) -> None:
    assert alone.returncode == 2, alone.stdout + alone.stderr  # an invalid record
    assert "共 15 份记录：11 份通过，3 份未通过，1 份无效" in alone.stdout, alone.stdout
    assert f"无效记录：{data / INVALID}:" in alone.stdout
    assert "未通过校验" in alone.stdout
    shared = check(data, "--jobs", "2", "--batch", "2")
    assert (shared.stdout, shared.stderr, shared.returncode) == (alone.stdout, alone.stderr, alone.returncode)
    as_json = [check(data, "--json", "--jobs", jobs, "--batch", "2") for jobs in ("1", "2")]
    assert as_json[0].returncode == as_json[1].returncode == 2
    assert as_json[0].stdout == as_json[1].stdout and as_json[0].stdout.startswith("[")


def _start() -> tuple[subprocess.Popen[str], list[psutil.Process]]:
    """Every bundled record, a batch each; returns once both workers exist, with all the command's children."""
    proc = subprocess.Popen(
        [*GONGKAI, "check", "--all", "--data", str(DATA), "--jobs", "2", "--batch", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    parent, deadline = psutil.Process(proc.pid), time.monotonic() + 60
    workers: list[psutil.Process] = []
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(psutil.Error):  # a child that ended while being listed
            workers = [c for c in parent.children() if "spawn_main" in " ".join(c.cmdline())]
        time.sleep(0.01)
    assert len(workers) == 2, proc.communicate()
    with contextlib.suppress(psutil.Error):
        workers += [c for c in parent.children(recursive=True) if c not in workers]  # the resource tracker
    return proc, workers


def _left(processes: list[psutil.Process], within: float = 5) -> list[str]:
    """Those of `processes` still running after `within` seconds."""
    _gone, alive = psutil.wait_procs(processes, timeout=within)
    return [" ".join(p.cmdline()) for p in alive if p.status() != psutil.STATUS_ZOMBIE]


def test_a_killed_worker_ends_the_run_with_one_line_and_exit_3_not_a_hang() -> None:
    proc, children = _start()
    children[0].kill()  # SIGKILL: no handler runs
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, out + err
    assert err.count("\n") == 1 and "校验进程意外退出" in err and "Traceback" not in err, err
    assert "共 63 份记录" not in out  # no summary of a run that did not finish
    assert not _left(children)


def test_ctrl_c_ends_the_workers_too() -> None:
    proc, children = _start()
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    out, err = proc.communicate(timeout=60)
    assert "共 63 份记录" not in out
    assert proc.returncode == 130 and "已中断" in err and "Traceback" not in err, err
    assert not _left(children)
