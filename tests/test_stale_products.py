"""--formats changes between runs: products still matching their inputs stay, new ones are made alone,
products of earlier inputs go, failures keep all.

Reuses the session's seed render (html, pdf, docx) as the earlier run; only the single-render test renders again.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from conftest import DATA, copy_data, gongkai
from gongkai.batch.bulk import _publish, _publish_added, inputs_of
from gongkai.batch.executors import Result
from gongkai.batch.manifest import read_build
from gongkai.batch.plan import Options
from gongkai.batch.tally import Summary
from gongkai.pages.outcomes import CRASHED
from gongkai.production import products
from gongkai.production.run import Job
from gongkai.records import catalog

UNTOUCHED = ("checks.json", "input.json", "report.html", "report.ipynb", "report.review.html")


def _count(stdout: str, label: str) -> int:
    found = re.search(rf"^\s*{label}\s+(\d+)$", stdout, re.M)
    assert found, f"no 「{label}」 line in:\n{stdout}"
    return int(found.group(1))


def _stamps(folder: Path) -> dict[str, int]:
    return {name: (folder / name).stat().st_mtime_ns for name in UNTOUCHED}


def _earlier_run(seed_render: Path, tmp_path: Path) -> tuple[Path, Path, list[str]]:
    out = tmp_path / "out"
    folder = out / "2021" / "minquan" / "hujixiang"
    shutil.copytree(seed_render, folder)
    params = tmp_path / "one.yaml"
    params.write_text("reports:\n  - {county: minquan, township: hujixiang, year: 2021}\n", encoding="utf-8")
    run = ["render", "--params", str(params), "--data", str(DATA), "--out", str(out), "--no-progress", "--formats"]
    return out, folder, run


def test_dropping_and_adding_formats_through_the_cli(seed_render, tmp_path):
    out, folder, run = _earlier_run(seed_render, tmp_path)
    assert {"report.pdf", "report.docx"} <= {p.name for p in folder.iterdir()}
    docx = (folder / "report.docx").read_bytes()
    stamps = _stamps(folder)

    pdf = (folder / "report.pdf").stat().st_mtime_ns
    dropped = gongkai(*run, "html")  # fewer formats: the pdf and docx still match the record, so they stay
    assert dropped.returncode == 0, dropped.stdout + dropped.stderr
    assert "没有任何变化" in dropped.stdout and "移除" not in dropped.stdout
    assert (folder / "report.pdf").stat().st_mtime_ns == pdf and (folder / "report.docx").read_bytes() == docx
    assert _stamps(folder) == stamps
    listed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"][0]["files"]
    build = read_build(folder)
    assert build is not None and listed == build.files == sorted([*UNTOUCHED, "report.docx", "report.pdf"])

    html = (folder / "report.html").read_bytes()
    (folder / "report.html").unlink()  # a lost product is made again, from the saved notebook
    (folder / "report.docx").unlink()
    added = gongkai(*run, "html,docx")
    assert added.returncode == 0, added.stdout + added.stderr
    assert _count(added.stdout, "补生成成品") == 1 and _count(added.stdout, "本次生成") == 0
    assert _count(added.stdout, "移除已过时的成品") == 0
    assert (folder / "report.docx").read_bytes() == docx  # as the full render made them
    assert (folder / "report.html").read_bytes() == html
    assert (folder / "report.pdf").stat().st_mtime_ns == pdf  # not asked for, still valid: kept
    del stamps["report.html"]
    assert {k: v for k, v in _stamps(folder).items() if k in stamps} == stamps  # the notebook was not run again
    build = read_build(folder)
    assert build is not None and {"report.docx", "report.pdf", "report.html"} <= set(build.files)


def test_a_failed_run_removes_nothing(seed_render, tmp_path):
    out, folder, _ = _earlier_run(seed_render, tmp_path)
    before = sorted(p.name for p in folder.iterdir())
    entry = catalog.resolve(DATA, "hujixiang", 2021, None)
    opts = Options(data_dir=DATA, out_dir=out, formats=frozenset({"html"}))
    job = Job("minquan", "hujixiang", 2021, "{}", opts.formats)
    removed: list[str] = []
    crashed = _publish(entry, inputs_of(entry, opts), Result(job, None, "RenderError: 假设内核崩溃"), opts, [], removed)
    assert crashed.status == CRASHED and removed == []
    last = read_build(folder)
    assert last is not None
    summary = Summary()
    partial = Job("minquan", "hujixiang", 2021, "{}", frozenset({"docx"}), notebook=b"{}")
    kept = _publish_added(last, Result(partial, None, "BrowserError: 假设浏览器崩溃"), opts, summary)
    assert kept.status == CRASHED and summary.removed == [] and summary.completed == []
    assert sorted(p.name for p in folder.iterdir()) == before  # the earlier pdf and docx are still there
    assert products.settle(folder, ["report.html"], []) == ([], ["report.docx", "report.pdf"])


def test_a_single_render_keeps_what_still_matches_and_removes_what_does_not(seed_render, tmp_path):
    out, folder, _ = _earlier_run(seed_render, tmp_path)
    data = copy_data(tmp_path / "data")
    run = ["render", "胡集乡", "2021", "--data", str(data), "--out", str(out)]
    pdf = (folder / "report.pdf").read_bytes()
    done = gongkai(*run, "--no-pdf")  # the README's command: the pdf of the same record stays
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("保留仍与输入一致的成品"))
    assert line.endswith("：report.pdf") and (folder / "report.pdf").read_bytes() == pdf
    assert "移除" not in done.stdout

    record = data / "minquan" / "hujixiang" / "2021.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "# 改过的记录\n", encoding="utf-8")
    changed = gongkai(*run, "--formats", "html")  # another record: the pdf and docx of the old one go
    assert changed.returncode == 0, changed.stdout + changed.stderr
    line = next(line for line in changed.stdout.splitlines() if line.startswith("已移除由旧输入生成的成品："))
    assert sorted(line.split("：", 1)[1].split("、")) == ["report.docx", "report.pdf"]
    assert not (folder / "report.pdf").exists() and not (folder / "report.docx").exists()
    assert (folder / "report.html").exists()
