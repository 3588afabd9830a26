"""Nothing lost: a killed run, a failing notebook or a second writer never leaves a partial or lost report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import psutil
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import REPO
from gongkai.outputs import lock, publish, write_atomic
from test_bulk import bulk, rendered_count, small_county

TOWNSHIPS = ("hujixiang", "renhezhen", "shunhexiang")
YEARS = (2021, 2022)
PRODUCTS = (
    "report.html",
    "report.review.html",
    "report.pdf",
    "report.docx",
    "report.ipynb",
    "input.json",
    "checks.json",
    "build.json",
)
LOCKED = "正被另一个 gongkai render 使用"


def render_all(data: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "gongkai.cli", "render", "--all",
        "--data", str(data), "--out", str(out), "--no-progress", *extra,
    ]  # fmt: skip


def assert_whole(folder: Path) -> None:
    """Every product present in `folder` is complete; no temporary file is visible."""
    for path in folder.iterdir():
        if path.name.endswith(".tmp"):
            assert path.name.startswith("."), path  # hidden, never a product
        elif path.name in ("report.html", "report.review.html"):
            text = path.read_text(encoding="utf-8")
            assert text.rstrip().endswith("</html>"), path
            mark = "[data-checks]" if path.name == "report.review.html" else "h1.gk-title"
            assert BeautifulSoup(text, "html.parser").select_one(mark) is not None, path
        elif path.name == "report.pdf":
            assert len(PdfReader(path).pages) >= 2, path
        elif path.name == "report.docx":
            with zipfile.ZipFile(path) as document:
                assert document.testzip() is None and "word/document.xml" in document.namelist(), path
        elif path.name == "report.ipynb":
            nbformat.validate(nbformat.read(path, as_version=4))
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        else:
            raise AssertionError(f"unexpected file {path}")


def report_folders(out: Path) -> list[Path]:
    return [out / str(y) / "minquan" / t for y in YEARS for t in TOWNSHIPS]


def descendants(pid: int) -> set[psutil.Process]:
    try:
        return set(psutil.Process(pid).children(recursive=True))
    except psutil.NoSuchProcess:
        return set()


def still_running(procs: set[psutil.Process]) -> list[str]:
    alive = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{p.pid} {' '.join(p.cmdline()[:3])}")
        except psutil.NoSuchProcess:
            pass
    return alive


def test_a_killed_bulk_run_leaves_whole_reports_and_the_rerun_skips_the_finished(tmp_path: Path) -> None:
    data = small_county(tmp_path, townships=TOWNSHIPS, years=YEARS)
    out = tmp_path / "out"
    total = len(TOWNSHIPS) * len(YEARS)
    run = subprocess.Popen(
        render_all(data, out, "--jobs", "2"),
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: set[psutil.Process] = set()
    deadline = time.monotonic() + 240
    while len(list(out.rglob("build.json"))) < 2:
        assert run.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        children |= descendants(run.pid)  # kernels and browsers, while they are still ours
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    finished = {p.parent for p in out.rglob("build.json")}
    assert 2 <= len(finished) < total

    for _ in range(100):  # orphaned kernels and Chromium notice their parent is gone
        if not still_running(children):
            break
        time.sleep(0.1)
    assert still_running(children) == []

    for folder in report_folders(out):
        if folder.exists():
            assert_whole(folder)
    for folder in finished:
        assert {p.name for p in folder.iterdir()} >= set(PRODUCTS)
    before = {p: p.stat().st_mtime_ns for folder in finished for p in folder.iterdir()}
    # What a kill during write_atomic leaves: hidden, and cleaned up by the next run.
    unfinished = next(f for f in report_folders(out) if f not in finished)
    unfinished.mkdir(parents=True, exist_ok=True)
    (unfinished / ".report.html.k1ll3d.tmp").write_text("<html><body>half", encoding="utf-8")
    (out / ".manifest.json.k1ll3d.tmp").write_text('{"reports": [', encoding="utf-8")

    again = subprocess.run(
        render_all(data, out, "--jobs", "2"), cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )
    assert again.returncode == 1, again.stderr  # two bundled records fail their checks on purpose
    assert rendered_count(again) == total - len(finished)
    assert {p: p.stat().st_mtime_ns for p in before} == before  # the finished ones were skipped
    for folder in report_folders(out):
        assert {p.name for p in folder.iterdir()} == set(PRODUCTS), folder
        assert_whole(folder)
    assert list(out.rglob("*.tmp")) == []
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["reports"]) == total
    for text in ((out / "manifest.json").read_text("utf-8"), (out / "index.html").read_text("utf-8")):
        assert ".tmp" not in text


def crashing_notebook(path: Path) -> Path:
    nb = nbformat.read(REPO / "notebooks" / "report.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell('raise RuntimeError("boom")'))
    nbformat.write(nb, path)
    return path


def test_a_failing_render_leaves_the_last_good_report_byte_identical(tmp_path: Path) -> None:
    data = small_county(tmp_path, townships=("hujixiang",), years=(2021,))
    out = tmp_path / "out"
    assert bulk(data, out, "hujixiang", "2021", "--no-pdf").returncode == 0
    folder = out / "2021" / "minquan" / "hujixiang"
    good = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert "report.html" in good

    env = {"GONGKAI_NOTEBOOK": str(crashing_notebook(tmp_path / "crash.ipynb"))}  # a new notebook: rebuilt
    crashed = bulk(data, out, "--all", "--no-pdf", "--jobs", "1", env=env)
    assert crashed.returncode == 1 and "boom" in crashed.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == good


def test_two_renders_into_one_folder_one_proceeds_the_other_refuses(tmp_path: Path) -> None:
    data = small_county(tmp_path, townships=("hujixiang", "renhezhen"), years=(2021,))
    out = tmp_path / "out"
    runs = [
        subprocess.Popen(
            render_all(data, out, "--no-pdf", "--jobs", "1"),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(r.wait(timeout=300), *r.communicate()) for r in runs]
    refused = [(code, err) for code, _, err in results if LOCKED in err]
    assert len(refused) == 1, results
    assert refused[0][0] == 2 and len(refused[0][1].splitlines()) == 1
    winner = next(r for r in results if LOCKED not in r[2])
    assert winner[0] == 0, winner
    assert rendered_count(subprocess.CompletedProcess([], winner[0], winner[1], winner[2])) == 2
    for t in ("hujixiang", "renhezhen"):
        folder = out / "2021" / "minquan" / t
        html_only = {"report.html", "report.docx", "report.review.html", "report.ipynb", "checks.json", "build.json"}
        assert {p.name for p in folder.iterdir()} == html_only | {"input.json"}
        assert_whole(folder)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "report"
    publish(folder, {"report.html": "<html>old</html>", "checks.json": "{}"})
    real = os.replace

    def crash_on_checks(src: str, dst: str) -> None:
        if str(dst).endswith("checks.json"):
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_checks)
    with pytest.raises(OSError, match="disk full"):
        publish(folder, {"report.html": "<html>new</html>", "checks.json": '{"new": 1}'})
    assert (folder / "checks.json").read_text() == "{}"  # never half-written
    assert (folder / "report.html").read_text() == "<html>new</html>"  # whole, from this run
    assert sorted(p.name for p in folder.iterdir()) == ["checks.json", "report.html"]


def test_publish_and_lock_sweep_what_a_killed_writer_left(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "2021" / "minquan" / "hujixiang"
    folder.mkdir(parents=True)
    stale = [folder / ".report.pdf.abc123.tmp", tmp_path / "out" / ".index.html.def456.tmp"]
    for path in stale:
        path.write_bytes(b"partial")
    with lock(tmp_path / "out"):
        assert not stale[1].exists()
        publish(folder, {"report.html": "<html></html>"})
    assert not stale[0].exists()
    assert [p.name for p in folder.iterdir()] == ["report.html"]


def test_write_atomic_replaces_whole_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "a" / "index.html"
    write_atomic(path, "one")
    write_atomic(path, b"two")
    assert path.read_bytes() == b"two"
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert [p.name for p in path.parent.iterdir()] == ["index.html"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
