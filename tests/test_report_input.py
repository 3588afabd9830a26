"""One report, one read: the parent reads each record once into the report's input; the kernel and Word read none.

Every record read goes through `yamlio.read_bytes`; it is counted here, in the
process that plans and checks. While the notebook runs and the products are made,
the data folder is moved away: a kernel (or a Word writer) that looked for a
record would fail, and the report would not come out.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import DATA
from gongkai.batch import bulk
from gongkai.batch.executors import LocalExecutor
from gongkai.pages.inputs import INPUT_NAME, ReportInput
from gongkai.production import run
from gongkai.records import catalog, yamlio

YEARS = ("2021.yaml", "2022.yaml", "2023.yaml")


def one_township(root: Path, township: str = "renhezhen") -> Path:
    """A private data folder: one bundled township's three years, its county file listing it alone."""
    data = root / "data"
    (data / "minquan").mkdir(parents=True)
    county = yaml.safe_load((DATA / "minquan" / "county.yaml").read_text(encoding="utf-8"))
    county["townships"] = {township: county["townships"][township]}
    (data / "minquan" / "county.yaml").write_text(yaml.safe_dump(county, allow_unicode=True), encoding="utf-8")
    shutil.copytree(DATA / "minquan" / township, data / "minquan" / township)
    return data


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Record files read in this process, by file name (county.yaml is not a record)."""
    counted: Counter[str] = Counter()
    real = yamlio.read_bytes

    def counting(path: Path, *args: Any, **kw: Any) -> bytes:
        if path.stem.isdigit():
            counted[path.name] += 1
        return real(path, *args, **kw)

    monkeypatch.setattr(yamlio, "read_bytes", counting)
    return counted


def test_render_reads_each_record_once_and_the_kernel_none(tmp_path, reads, monkeypatch):
    data = one_township(tmp_path)
    out = tmp_path / "out"
    real = run.produce
    made: list[str] = []

    def without_data(job: run.Job, **kw: Any) -> run.Products:
        made.append(json.dumps(dict(reads), sort_keys=True))  # read so far: all of it
        away = data.rename(tmp_path / "away")  # the kernel and Word have only the job's input
        try:
            return real(job, **kw)
        finally:
            away.rename(data)

    monkeypatch.setattr(bulk, "produce", without_data)  # as render_one calls it
    opts = bulk.Options(data, out, formats=frozenset({"html", "docx"}), progress=False)
    done = bulk.render_one(catalog.resolve(data, "renhezhen", 2023), opts)
    assert done.status == "rendered" and done.passed is True
    assert made == [json.dumps(dict.fromkeys(YEARS, 1))]  # the record, and each earlier year, read once
    assert reads == dict.fromkeys(YEARS, 1)  # nothing read afterwards either
    folder = out / "2023" / "minquan" / "renhezhen"
    given = ReportInput.from_json((folder / INPUT_NAME).read_text(encoding="utf-8"))
    assert given.record.text == (data / "minquan" / "renhezhen" / "2023.yaml").read_text(encoding="utf-8")
    assert [s.path for s in given.earlier] == ["minquan/renhezhen/2021.yaml", "minquan/renhezhen/2022.yaml"]
    assert (folder / "checks.json").read_text(encoding="utf-8") == given.checks
    review = (folder / "report.review.html").read_text(encoding="utf-8")
    assert "附录二" in review and "minquan/renhezhen/2022.yaml" in review  # last year came through the input
    assert (folder / "report.docx").stat().st_size > 0


def test_render_all_reads_each_record_once_before_any_report_is_made(tmp_path, reads, monkeypatch):
    data = one_township(tmp_path)
    out = tmp_path / "out"
    real = LocalExecutor.run
    seen: list[dict[str, int]] = []

    def without_data(self: LocalExecutor, jobs: Any) -> Iterator[Any]:
        jobs = list(jobs)  # every report's input built: the records read, checked
        seen.append(dict(reads))
        away = data.rename(tmp_path / "away")  # the workers' kernels have only their jobs' inputs
        try:
            yield from real(self, jobs)
        finally:
            away.rename(data)

    monkeypatch.setattr(LocalExecutor, "run", without_data)
    opts = bulk.Options(data, out, jobs=1, formats=frozenset({"html", "docx"}), progress=False)
    summary = bulk.render_many(catalog.entries(data), opts)
    assert [r.status for r in summary.reports] == ["rendered"] * 3
    assert seen == [dict.fromkeys(YEARS, 1)]  # three reports: each record read once, also as another's earlier year
    for year in (2021, 2022, 2023):
        folder = out / str(year) / "minquan" / "renhezhen"
        assert {"report.html", "report.docx", INPUT_NAME} <= {p.name for p in folder.iterdir()}
