"""A real Dask cluster (scheduler and workers as separate processes) without a shared filesystem."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from conftest import GONGKAI, REPO, copy_data
from gongkai.batch import bulk
from gongkai.batch.executors import DaskExecutor, pack
from gongkai.records import catalog

TOWNSHIPS = {"hujixiang", "renhezhen"}


class Cluster:
    """`dask scheduler` and `dask worker --no-nanny` processes, each worker in its own empty folder."""

    def __init__(self, root: Path, workers: int) -> None:
        self.file = root / "scheduler.json"
        self.procs: list[subprocess.Popen[bytes]] = []
        self._start(root / "scheduler", "distributed.cli.dask_scheduler", "--port", "0", "--no-dashboard")
        deadline = time.monotonic() + 120
        while not self.file.exists():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        self.workers = [
            self._start(
                root / f"worker{n}",
                "distributed.cli.dask_worker",
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
            )
            for n in range(workers)
        ]
        from distributed import Client

        with Client(scheduler_file=str(self.file), timeout=120) as client:
            client.wait_for_workers(workers, timeout=180)
        self.address = json.loads(self.file.read_text())["address"]

    def _start(self, cwd: Path, module: str, *args: str) -> subprocess.Popen[bytes]:
        cwd.mkdir(parents=True)
        proc = subprocess.Popen(
            [sys.executable, "-m", module, "--scheduler-file", str(self.file), *args],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        for proc in reversed(self.procs):
            with_children = [proc.pid]
            with contextlib.suppress(psutil.NoSuchProcess):
                with_children += [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            for pid in with_children[1:]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    psutil.Process(pid).kill()


@pytest.fixture
def cluster(tmp_path):
    made = Cluster(tmp_path / "cluster", workers=2)
    yield made
    made.close()


def chosen(data: Path) -> list[catalog.Entry]:
    return [e for e in catalog.entries(data) if e.township.id in TOWNSHIPS and e.year >= 2022]


def test_workers_without_the_data_folder_make_the_same_products(tmp_path, cluster):
    data = copy_data(tmp_path / "data")
    entries = chosen(data)
    assert len(entries) == 4
    local = bulk.Options(data, tmp_path / "local", jobs=1, formats=frozenset({"html"}), progress=False)
    done = bulk.render_many(entries, local)
    assert [r.status for r in done.reports] == ["rendered"] * 4

    opts = bulk.Options(
        data, tmp_path / "dask", formats=frozenset({"html"}), executor="dask", scheduler=cluster.address
    )
    todo, _ = bulk.plan(entries, opts)
    jobs = [pack(job) for job in bulk._jobs(todo, opts, {})]
    assert all(dict(job.files) for job in jobs)
    moved = data.rename(tmp_path / "elsewhere")  # planned; now no worker can reach the records by path
    executor = DaskExecutor(jobs=2, pdf=False, scheduler=cluster.address)
    try:
        results = list(executor.run(jobs))
    finally:
        executor.close()
    assert not data.exists() and moved.exists()
    assert sorted(r.job.key for r in results) == sorted(j.key for j in jobs)
    for result in results:
        assert result.products is not None, result.detail
        folder = local.out_dir / result.job.key
        for name in ("report.html", "report.review.html", "checks.json"):
            assert result.products.files[name] == (folder / name).read_bytes(), f"{result.job.key} {name}"
        assert str(moved) not in result.products.files["report.review.html"].decode()
        assert b"gongkai-job-" not in result.products.files["report.review.html"]


def test_a_worker_killed_mid_run_costs_only_its_jobs(tmp_path, cluster):
    data = copy_data(tmp_path / "data")
    for path in data.glob("*/*/*.yaml"):
        if path.parent.name not in TOWNSHIPS:
            path.unlink()
    expected = len(list(catalog.entries(data)))
    out = tmp_path / "out"
    env = {**os.environ}
    render = subprocess.Popen(
        [
            *GONGKAI,
            "render",
            "--all",
            "--no-pdf",
            "--no-progress",
            "--executor",
            "dask",
            "--scheduler",
            cluster.address,
            "--data",
            str(data),
            "--out",
            str(out),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    victim = cluster.workers[0]
    deadline = time.monotonic() + 300
    while not list(out.glob("*/*/*/build.json")):
        assert render.poll() is None, render.communicate()
        assert time.monotonic() < deadline, "no report was published"
        time.sleep(0.1)
    orphans = psutil.Process(victim.pid).children(recursive=True)
    victim.send_signal(signal.SIGKILL)
    stdout, stderr = render.communicate(timeout=600)
    for p in orphans:  # the killed worker's kernel: not ours to leave behind
        if p.is_running():
            p.kill()
    assert render.returncode in (0, 1), stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    reports = manifest["reports"] if isinstance(manifest, dict) and "reports" in manifest else manifest
    statuses = [r["status"] for r in (reports.values() if isinstance(reports, dict) else reports)]
    assert len(statuses) == expected, stdout
    assert set(statuses) <= {"rendered", "crashed"}, statuses
    assert statuses.count("rendered") >= expected - 2, stdout  # only the killed worker's jobs may be lost
    shutil.rmtree(out)
