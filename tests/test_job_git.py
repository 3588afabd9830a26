"""The provenance appendix names the commit the planning process read, whatever the worker has.

A Dask worker may have no repository (or another checkout of it): the commit
travels with the job. Here the job is built in this process from a data folder
in its own git repository, then its appendix is made by another process whose working
directory is an empty folder, from the job's packed files alone.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

from gongkai.batch.executors import pack
from gongkai.checks.quick import check_quick
from gongkai.pages.provenance import git_state
from gongkai.production.run import Job
from gongkai.records.history import load_previous
from gongkai.records.record import load_record

DATA = Path(__file__).resolve().parents[1] / "data"

# What a worker does with a job, minus the kernel: the notebook's own cells, run in
# order with the job's parameters injected after the defaults (as papermill does).
WORKER = """
import json, pickle, sys
from pathlib import Path
from gongkai.batch.executors import unpacked
from gongkai.resources import NOTEBOOK
job = pickle.loads(sys.stdin.buffer.read())
cells = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
with unpacked(job) as local:
    Path("checks.json").write_text(local.checks_json, encoding="utf-8")
    names = {}
    exec("".join(cells[0]["source"]), names)
    names.update(local.parameters("checks.json"))
    exec("".join(cells[1]["source"]), names)
    sys.stdout.buffer.write(names["report"].provenance().encode("utf-8"))
"""


def _git(folder: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_DATE": "2024-01-02T03:04:05Z", "GIT_COMMITTER_DATE": "2024-01-02T03:04:05Z"}
    identity = ["-c", "user.name=测试", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    done = subprocess.run(
        ["git", *identity, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    return done.stdout.strip()


def test_a_worker_without_the_repository_prints_the_planning_process_commit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "minquan").mkdir(parents=True)
    shutil.copy(DATA / "minquan" / "county.yaml", data / "minquan")
    shutil.copytree(DATA / "minquan" / "hujixiang", data / "minquan" / "hujixiang")
    _git(data, "init", "-q")
    _git(data, "add", ".")
    _git(data, "commit", "-q", "-m", "记录")
    commit = _git(data, "rev-parse", "HEAD")

    record = load_record(data / "minquan" / "hujixiang" / "2021.yaml")
    reports = check_quick([(record, load_previous(record)[0])])
    assert reports is not None
    state = git_state(data.resolve())
    assert state.startswith(commit), state
    job = pack(
        Job("minquan", "hujixiang", 2021, str(data.resolve()), reports[0].to_json(), frozenset({"html"}), git=state)
    )
    shutil.rmtree(data)  # the worker cannot read the data folder, let alone its repository

    empty = tmp_path / "worker"
    empty.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", WORKER], input=pickle.dumps(job), capture_output=True, cwd=empty, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    page = done.stdout.decode("utf-8")
    assert "附录四" in page
    assert commit in page and "不在 git 仓库中" not in page
