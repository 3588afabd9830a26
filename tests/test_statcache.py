"""The cache beside manifest.json, a county at a time, and the run with nothing to do that reads it.

Planning only (no rendering): a finished run's products are stood in by
placeholders, as in test_noop_cache and benchmarks/national.py.
"""

from __future__ import annotations

import threading
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from gongkai.batch import bulk, fingerprint, manifest, noop
from gongkai.batch.plan import Plan
from gongkai.batch.publish import write_index
from gongkai.batch.statcache import CACHE_FILE, Cache
from gongkai.pages.outcomes import RENDERED
from gongkai.records import catalog
from gongkai.synthetic import main as synthetic

SETTLE_NS = 50_000_000  # files older than this are trusted by stat here (2 s in real runs)


def _finished(root: Path, townships: int, counties: int) -> tuple[Path, Path]:
    """A data folder and the output folder of a finished run over it, the cache saved as a run leaves it."""
    data, out = root / "data", root / "out"
    args = ["bulk", "--townships", str(townships), "--counties", str(counties), "--years", "2021", "--out", str(data)]
    assert synthetic(args) == 0
    time.sleep(2 * SETTLE_NS / 1e9)
    opts = _opts(data, out)
    cache = fingerprint.open_cache(out)
    todo, _ = bulk.plan(list(catalog.entries(data, memo=cache)), opts, cache)
    known = {}
    for i, (entry, inputs) in enumerate(todo):
        folder = bulk.folder_for(out, entry)
        folder.mkdir(parents=True)
        files = ["checks.json", "report.html", "report.review.html"]
        for name in files:
            (folder / name).write_text("placeholder")
        done = bulk._entry(entry, inputs, RENDERED, passed=i != 1, errors=int(i == 1), files=files)
        known[done.key] = done
        bulk.summary_of(out, entry).write_text("placeholder")
    manifest.write_manifest(out, known, {})
    cache.remember(out / manifest.MANIFEST, known)
    write_index(out, list(known.values()))
    cache.save()
    time.sleep(2 * SETTLE_NS / 1e9)
    return data, out


def _opts(data: Path, out: Path) -> bulk.Options:
    return bulk.Options(data, out, formats=frozenset({"html"}), progress=False)


def _quiet(data: Path, out: Path, opts: bulk.Options | None = None, cache: Cache | None = None) -> bulk.Summary | None:
    """The quiet pass as the command runs it: its own cache, opened before the records are listed with it."""
    cache = fingerprint.open_cache(out) if cache is None else cache
    found = noop.nothing_to_do(catalog.Selection(data, memo=cache), Plan(opts or _opts(data, out), cache))
    cache.save()
    return found


@pytest.fixture(autouse=True)
def _settle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "RACY_NS", SETTLE_NS)


def test_nothing_changed_is_counted_in_one_pass_with_the_failing_report_named(tmp_path: Path) -> None:
    data, out = _finished(tmp_path, 12, 3)
    assert _quiet(data, out) is not None  # the first pass learns the output folders' stats
    cache = fingerprint.open_cache(out)
    summary = _quiet(data, out, cache=cache)
    assert summary is not None and summary.total == 12 and summary.statuses == {RENDERED: 12}
    assert [r.key for r in summary.failing] == [sorted(manifest.read_manifest(out))[1]] and summary.exit_code == 1
    assert summary.attempted == [] and summary.skipped == 12
    held = {Path(p).relative_to(data).parts[0] for p in cache.files} | {k.split("/")[1] for k in cache.reports}
    assert len(held) == 1, f"one county's lines in memory, not {sorted(held)}"


def test_anything_to_do_ends_the_quiet_pass(tmp_path: Path) -> None:
    data, out = _finished(tmp_path, 6, 2)
    assert _quiet(data, out) is not None
    record = sorted(data.glob("*/*/2021.yaml"))[-1]
    text = record.read_text(encoding="utf-8")
    record.write_text(text + "\n# 改过\n", encoding="utf-8")
    assert _quiet(data, out) is None, "an edited record"
    record.write_text(text, encoding="utf-8")
    time.sleep(2 * SETTLE_NS / 1e9)
    assert _quiet(data, out) is not None
    assert _quiet(data, out, replace(_opts(data, out), force=True)) is None, "--force"
    other = replace(_opts(data, out), formats=frozenset({"html", "pdf"}))
    assert _quiet(data, out, other) is None, "another product asked for"
    page = next(out.glob("2021/*/summary.html"))
    page.unlink()
    assert _quiet(data, out) is None, "a county's summary page lost"
    page.write_text("placeholder")
    (out / "index.html").unlink()
    assert _quiet(data, out) is None, "the index lost"


def test_memory_of_the_quiet_pass_does_not_grow_with_the_records(tmp_path: Path) -> None:
    """Five times the records and counties: the pass's peak grows by far less than a record's cache lines."""
    peaks = []
    for townships, counties in ((20, 2), (100, 10)):
        data, out = _finished(tmp_path / str(townships), townships, counties)
        assert _quiet(data, out) is not None
        cache = fingerprint.open_cache(out)
        plan = Plan(_opts(data, out), cache)
        tracemalloc.start()
        try:
            found = noop.nothing_to_do(catalog.Selection(data, memo=cache), plan)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert found is not None and found.total == townships
    per_record = (peaks[1] - peaks[0]) / 80
    lines = (tmp_path / "100" / "out" / CACHE_FILE).stat().st_size / 100
    assert per_record < lines / 4, f"{per_record:.0f} B more a record; its cache lines take {lines:.0f} B on disk"


def test_counties_asked_for_out_of_order_are_found_and_unchanged_ones_saved_as_they_were(tmp_path: Path) -> None:
    cache = Cache(tmp_path / CACHE_FILE, "v1")
    for county in ("c3", "c1", "c2"):
        cache.enter(county)
        cache.files[f"/data/{county}/t/2021.yaml"] = f"1:2:3:4 {county * 20}"
        cache.dirty = True
    cache.save()
    text = (tmp_path / CACHE_FILE).read_text(encoding="utf-8")
    assert [line[2:] for line in text.splitlines() if line.startswith("g\t")] == ["c1", "c2", "c3"]
    again = Cache.open(tmp_path, "v1")
    for county in ("c2", "c3", "c1", "c2"):  # backwards: read from the start again
        again.enter(county)
        assert list(again.files) == [f"/data/{county}/t/2021.yaml"]
    again.files["/data/c2/t/2022.yaml"] = "5:6:7:8 new"
    again.dirty = True
    again.save()
    after = (tmp_path / CACHE_FILE).read_text(encoding="utf-8")
    assert "/data/c2/t/2022.yaml\t5:6:7:8 new" in after
    for county in ("c1", "c3"):
        line = f"f\t/data/{county}/t/2021.yaml\t1:2:3:4 {county * 20}\n"
        assert line in text and line in after


def test_a_cache_file_out_of_order_is_read_and_saved_without_hanging(tmp_path: Path) -> None:
    """Groups in the wrong order (someone edited the file): at worst a miss, never a wrong value; a save ends."""
    cache = Cache(tmp_path / CACHE_FILE, "v1")
    cache.save()  # nothing to save: no file
    assert not (tmp_path / CACHE_FILE).exists()
    cache.stale = True
    cache.save()
    head = (tmp_path / CACHE_FILE).read_text(encoding="utf-8")
    body = "".join(f"g\t{c}\nf\t/data/{c}/t/2021.yaml\t1:2:3:4 {c * 20}\n" for c in ("c2", "c1", "c3"))
    (tmp_path / CACHE_FILE).write_text(head + body, encoding="utf-8")
    again = Cache.open(tmp_path, "v1")
    for county in ("c1", "c2", "c3"):
        again.enter(county)
        assert list(again.files) in ([], [f"/data/{county}/t/2021.yaml"])
    assert list(again.files) == ["/data/c3/t/2021.yaml"]
    again.dirty = True
    saving = threading.Thread(target=again.save, daemon=True)
    saving.start()
    saving.join(30)
    assert not saving.is_alive(), "the save hangs on a file whose groups are out of order"
    saved = (tmp_path / CACHE_FILE).read_text(encoding="utf-8")
    assert all(f"/data/{c}/t/2021.yaml" in saved for c in ("c1", "c2", "c3"))
