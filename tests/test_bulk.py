"""Bulk rendering: outputs, index, incremental rebuilds, crashes, warm vs fresh kernels, Dask."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import DATA, REPO

TOWNSHIPS = ("hujixiang", "renhezhen", "shunhexiang")  # shunhexiang 2021 (R3), renhezhen 2022 (R2) broken


def small_county(root: Path, townships=TOWNSHIPS, years=(2021, 2022)) -> Path:
    """A private data folder: three bundled townships, two years each."""
    county = yaml.safe_load((DATA / "minquan" / "county.yaml").read_text(encoding="utf-8"))
    county["townships"] = {t: county["townships"][t] for t in townships}
    folder = root / "data" / "minquan"
    folder.mkdir(parents=True)
    (folder / "county.yaml").write_text(yaml.safe_dump(county, allow_unicode=True), encoding="utf-8")
    for t in townships:
        (folder / t).mkdir()
        for y in years:
            (folder / t / f"{y}.yaml").write_bytes((DATA / "minquan" / t / f"{y}.yaml").read_bytes())
    return root / "data"


def bulk(data: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "gongkai.cli", "render", "--data", str(data), "--out", str(out), "--no-progress"]
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, cwd=REPO, timeout=600, env={**os.environ, **(env or {})}
    )


def index_rows(out: Path) -> dict[str, str]:
    """Each report's outcome as the index shows it (its rows travel as a JSON data block)."""
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {r["k"]: r["s"] for r in json.loads(soup.select_one("script#gk-rows").string)}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bulk")
    data = small_county(root)
    out = root / "out"
    result = bulk(data, out, "--all", "--no-pdf", "--jobs", "2")
    return data, out, result


def test_every_output_exists_and_the_index_lists_outcomes(first_run):
    _, out, result = first_run
    assert result.returncode == 1, result.stderr  # two records fail their checks on purpose
    for t in TOWNSHIPS:
        for y in (2021, 2022):
            folder = out / str(y) / "minquan" / t
            assert {"report.html", "report.ipynb", "checks.json", "build.json"} <= {p.name for p in folder.iterdir()}
            nbformat.validate(nbformat.read(folder / "report.ipynb", as_version=4))
    rows = index_rows(out)
    assert len(rows) == 6
    assert rows["2021/minquan/shunhexiang"].startswith("未通过")
    assert rows["2021/minquan/hujixiang"] == "通过（1 个警告）"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {r["key"] for r in manifest["reports"]} == set(rows)
    assert "✗ 2021/minquan/shunhexiang" in result.stdout and "✗ 2022/minquan/renhezhen" in result.stdout


def test_second_run_skips_all_and_touching_one_record_rebuilds_it_and_next_year(first_run):
    data, out, _ = first_run
    again = bulk(data, out, "--all", "--no-pdf")
    assert "没有任何变化" in again.stdout
    before = {p: p.stat().st_mtime_ns for p in out.rglob("report.html")}

    record = data / "minquan" / "renhezhen" / "2021.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("coercion: {decisions: ", "coercion: {decisions: 1"),
        encoding="utf-8",
    )
    third = bulk(data, out, "--all", "--no-pdf")
    changed = {p.relative_to(out).parts[:3] for p, t in before.items() if p.stat().st_mtime_ns != t}
    assert changed == {("2021", "minquan", "renhezhen"), ("2022", "minquan", "renhezhen")}
    assert rendered_count(third) == 2


def rendered_count(result: subprocess.CompletedProcess[str]) -> int:
    line = next(line for line in result.stdout.splitlines() if "本次生成" in line)
    return int(line.split()[-1])


def test_only_failed_rebuilds_exactly_the_failing_ones_and_force_all(first_run):
    data, out, _ = first_run
    failing = [k for k, v in index_rows(out).items() if not v.startswith("通过")]
    assert sorted(failing) == ["2021/minquan/shunhexiang", "2022/minquan/renhezhen"]
    result = bulk(data, out, "--all", "--no-pdf", "--only-failed", "--jobs", "1")
    assert result.returncode == 1
    assert rendered_count(result) == 2
    forced = bulk(data, out, "--all", "--no-pdf", "--force", "--year", "2022", "--jobs", "1")
    assert rendered_count(forced) == 3


def test_check_failure_and_notebook_crash_do_not_stop_the_others(tmp_path):
    data = small_county(tmp_path, years=(2021,))
    crashing = tmp_path / "report.ipynb"
    nb = nbformat.read(REPO / "notebooks" / "report.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell('if township == "renhezhen":\n    raise RuntimeError("boom")'))
    nbformat.write(nb, crashing)
    out = tmp_path / "out"
    result = bulk(data, out, "--all", "--no-pdf", "--jobs", "1", env={"GONGKAI_NOTEBOOK": str(crashing)})
    assert result.returncode == 1
    assert "2021/minquan/renhezhen" in result.stdout and "boom" in result.stdout
    assert "2021/minquan/shunhexiang" in result.stdout  # failing checks, still rendered
    assert (out / "2021" / "minquan" / "hujixiang" / "report.html").exists()
    assert (out / "2021" / "minquan" / "shunhexiang" / "report.html").exists()
    assert not (out / "2021" / "minquan" / "renhezhen").exists()
    rows = index_rows(out)
    assert rows["2021/minquan/renhezhen"].startswith("执行出错")


def test_warm_kernel_html_equals_fresh_kernel_html_after_another_township(tmp_path):
    data = small_county(tmp_path, townships=("hujixiang", "renhezhen"), years=(2021,))
    fresh = tmp_path / "fresh"
    result = bulk(data, fresh, "hujixiang", "2021", "--no-pdf")
    assert result.returncode == 0, result.stderr
    warm = tmp_path / "warm"
    # one worker: renhezhen (rendered first, in key order) leaves its state in the kernel before hujixiang
    result = bulk(data, warm, "--all", "--no-pdf", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    a = (fresh / "2021" / "minquan" / "hujixiang" / "report.html").read_bytes()
    b = (warm / "2021" / "minquan" / "hujixiang" / "report.html").read_bytes()
    assert a == b


def test_params_file_renders_what_it_lists(tmp_path):
    data = small_county(tmp_path, years=(2021,))
    params = tmp_path / "batch.yaml"
    params.write_text(
        "name: 测试\nreports:\n  - {county: minquan, township: hujixiang, year: 2021}\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = bulk(data, out, "--params", str(params), "--no-pdf", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert list(index_rows(out)) == ["2021/minquan/hujixiang"]


def test_bundled_params_files_name_every_bundled_record():
    from gongkai.records.catalog import entries
    from gongkai.records.params import load_params

    listed = {(e.year, e.township.id) for p in sorted((REPO / "params").glob("*.yaml")) for e in load_params(p, DATA)}
    assert listed == {(e.year, e.township.id) for e in entries(DATA)}


def test_a_second_writer_is_refused(tmp_path):
    from gongkai.outputs import lock

    data = small_county(tmp_path, townships=("hujixiang",), years=(2021,))
    out = tmp_path / "out"
    with lock(out):
        result = bulk(data, out, "hujixiang", "2021", "--no-pdf")
    assert result.returncode == 2
    assert "正被另一个 gongkai render 使用" in result.stderr
    assert not (out / "2021").exists()


def test_dask_local_cluster_gives_the_same_files(tmp_path):
    pytest.importorskip("distributed")
    data = small_county(tmp_path, townships=("shunhexiang",), years=(2021,))  # fails R3: exit 1
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert bulk(data, local, "--all", "--jobs", "1", "--formats", "html").returncode == 1  # compared: HTML, checks
    result = bulk(data, dask, "--all", "--jobs", "2", "--executor", "dask")
    assert result.returncode == 1, result.stderr
    for t in ("shunhexiang",):
        for name in ("report.html", "checks.json"):
            a = (local / "2021" / "minquan" / t / name).read_bytes()
            assert a == (dask / "2021" / "minquan" / t / name).read_bytes(), (t, name)
        assert (dask / "2021" / "minquan" / t / "report.pdf").stat().st_size > 10_000
    assert index_rows(local) == index_rows(dask)
