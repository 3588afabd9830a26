"""`Plan.verdict`, the one answer to "is this report current?" that the quiet pass and the full run both ask.

A wrong CURRENT is a stale published report: every input of a report, each
option and each product file is changed here alone, and must turn the answer.
Planning only: a finished run is stood in by placeholder files and an outcome.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from gongkai.batch import fingerprint, manifest
from gongkai.batch.plan import CURRENT, PRODUCTS, RENDER, Options, Plan, folder_for, key_of
from gongkai.batch.statcache import Cache
from gongkai.pages.outcomes import CRASHED, RENDERED, Outcome
from gongkai.production import products
from gongkai.records import catalog
from gongkai.resources import EXPECTATIONS, NOTEBOOK, TEMPLATES
from gongkai.synthetic import main as synthetic

FILES = sorted([*products.ALWAYS, "report.html"])  # what a run asked for `--formats html` leaves


@dataclass
class World:
    """One township's records (2021–2023), copies of what every report shares, and a finished run's report on 2023."""

    data: Path
    out: Path
    shared: dict[str, Path]  # notebook, suites, templates, package: copies that a test may edit

    def opts(self, **changes: object) -> Options:
        return replace(Options(self.data, self.out, formats=frozenset({"html"}), progress=False), **changes)  # type: ignore[arg-type]

    def entry(self, year: int = 2023) -> catalog.Entry:
        """Listed afresh: a file added since is seen, as by a new run."""
        return next(e for e in catalog.entries(self.data) if e.year == year)

    def plan(self, opts: Options | None = None) -> Plan:
        """A new run's plan: its own cache, the shared inputs hashed from the copies as they are now."""
        s = self.shared
        env = fingerprint.environment(s["notebook"], s["suites"], s["templates"], s["package"])
        return Plan(opts or self.opts(), Cache(), env)

    def digest(self, year: int = 2023, opts: Options | None = None) -> str:
        return fingerprint.digest(self.plan(opts).inputs(self.entry(year)))

    def verdict(self, last: Outcome | None, opts: Options | None = None) -> str:
        plan = self.plan(opts)
        entry = self.entry()
        return plan.verdict(entry, fingerprint.digest(plan.inputs(entry)), last)


@pytest.fixture
def world(tmp_path: Path) -> tuple[World, Outcome]:
    data, out = tmp_path / "data", tmp_path / "out"
    assert (
        synthetic(["bulk", "--townships", "1", "--years", "2021-2023", "--out", str(data), "--params", str(tmp_path)])
        == 0
    )
    shared = {
        "notebook": tmp_path / "report.ipynb",
        "suites": tmp_path / "expectations",
        "templates": tmp_path / "templates",
        "package": tmp_path / "gongkai",
    }
    shutil.copyfile(NOTEBOOK, shared["notebook"])
    shutil.copytree(EXPECTATIONS, shared["suites"])
    shutil.copytree(TEMPLATES, shared["templates"])
    shutil.copytree(fingerprint.PACKAGE, shared["package"], ignore=shutil.ignore_patterns("__pycache__"))
    w = World(data, out, shared)
    entry = w.entry()
    folder = folder_for(out, entry)
    folder.mkdir(parents=True)
    for name in FILES:
        (folder / name).write_text("placeholder", encoding="utf-8")
    last = Outcome(key_of(entry), RENDERED, w.digest(), passed=True, files=FILES)
    assert w.verdict(last) == CURRENT, "a finished run's report, nothing changed"
    return w, last


def _append(path: Path, text: str = "\n# 改过\n") -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _edit_code_cell(path: Path) -> None:
    """A code cell's source changed (what a front end saves besides, outputs and metadata, does not count)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in reversed(nb["cells"]) if c["cell_type"] == "code")
    cell["source"] = [*cell["source"], "\n# 改过"]
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def _township(w: World) -> Path:
    return w.entry().path.parent


EDITS: dict[str, Callable[[World], None]] = {
    "record": lambda w: _append(w.entry().path),
    "previous year": lambda w: _append(_township(w) / "2022.yaml"),
    "an earlier year (trend chart)": lambda w: _append(_township(w) / "2021.yaml"),
    "reviewer's decisions added": lambda w: (_township(w) / "2023.review.yaml").write_text(
        "decisions: []\n", encoding="utf-8"
    ),
    "county.yaml": lambda w: _append(w.entry().county.folder / catalog.COUNTY_FILE),
    "notebook": lambda w: _edit_code_cell(w.shared["notebook"]),
    "suites": lambda w: _append(sorted(w.shared["suites"].glob("*.json"))[0], " "),
    "templates": lambda w: _append(w.shared["templates"] / "report.css", "\n"),
    "code": lambda w: _append(w.shared["package"] / "records" / "record.py", "\n"),
}


@pytest.mark.parametrize("what", list(EDITS))
def test_a_changed_input_renders_the_report_again(world: tuple[World, Outcome], what: str) -> None:
    w, last = world
    EDITS[what](w)
    assert w.verdict(last) == RENDER


def test_another_option_renders_the_report_again(world: tuple[World, Outcome]) -> None:
    w, last = world
    assert w.verdict(last, w.opts(strict=True)) == RENDER
    assert w.verdict(last, w.opts(jobs=1, progress=True)) == CURRENT, "how a run runs is not what it makes"


def test_a_lost_file_every_report_has_renders_it_again(world: tuple[World, Outcome]) -> None:
    w, last = world
    (folder_for(w.out, w.entry()) / "report.review.html").unlink()
    assert w.verdict(last) == RENDER


def test_a_lost_product_or_other_formats_are_made_from_the_saved_notebook(world: tuple[World, Outcome]) -> None:
    w, last = world
    assert w.verdict(last, w.opts(formats=frozenset({"html", "docx"}))) == PRODUCTS, "a format added"
    assert w.verdict(last, w.opts(formats=frozenset())) == CURRENT, "a format dropped: its file still matches, kept"
    (folder_for(w.out, w.entry()) / "report.html").unlink()
    assert w.verdict(last) == PRODUCTS, "the product asked for is gone"


def test_force_renders_a_current_report(world: tuple[World, Outcome]) -> None:
    w, last = world
    assert w.verdict(last, w.opts(force=True)) == RENDER


def test_only_failed_renders_exactly_what_failed_last_time(world: tuple[World, Outcome]) -> None:
    w, last = world
    failed = w.opts(only_failed=True)
    assert w.verdict(replace(last, passed=False), failed) == RENDER
    assert w.verdict(replace(last, status=CRASHED), failed) == RENDER
    assert w.verdict(None, failed) == CURRENT, "never rendered: not a failure"
    _append(w.entry().path)
    assert w.verdict(last, failed) == CURRENT, "changed, but it passed last time"
    assert w.verdict(last) == RENDER


def test_a_new_report_renders_and_a_failure_waits_for_new_inputs(world: tuple[World, Outcome]) -> None:
    w, last = world
    assert w.verdict(None) == RENDER
    crashed = replace(last, status=CRASHED, files=[])
    assert w.verdict(crashed) == CURRENT, "the same inputs would crash again"
    _append(w.entry().path)
    assert w.verdict(crashed) == RENDER


def test_the_full_run_and_the_quiet_pass_ask_the_same_question(world: tuple[World, Outcome]) -> None:
    """The full run's split follows the verdict: rendered, kept, or kept with its products to make."""
    w, last = world
    plan = w.plan(w.opts(formats=frozenset({"html", "docx"})))
    manifest.write_build(folder_for(w.out, w.entry()), last)  # the full run reads build.json without a manifest
    planned = plan.split(e for e in catalog.entries(w.data) if e.year == 2023)
    assert planned.todo == [] and list(planned.kept) == [last.key] and planned.products == [last.key]
    _append(w.entry().path)
    planned = w.plan().split(e for e in catalog.entries(w.data) if e.year == 2023)
    assert [key_of(e) for e, _ in planned.todo] == [last.key] and planned.kept == {}
