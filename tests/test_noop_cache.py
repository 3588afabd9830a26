"""The no-op rerun trusts a file's stat only as far as it is sound; any edit is still seen.

Planning only (no rendering): the products of a finished run are stood in by
placeholder files and build records, as benchmarks/national.py does.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from gongkai.batch import bulk, fingerprint, manifest
from gongkai.batch.plan import Plan
from gongkai.batch.statcache import CACHE_FILE
from gongkai.pages.outcomes import RENDERED
from gongkai.records import catalog
from gongkai.synthetic import main as synthetic

SETTLE_NS = 50_000_000  # files older than this are trusted by stat in these tests (2 s in real runs)


@pytest.fixture
def finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Four townships × two years, planned once and "rendered" (placeholders), cache saved."""
    monkeypatch.setattr(catalog, "RACY_NS", SETTLE_NS)
    data, out = tmp_path / "data", tmp_path / "out"
    assert synthetic(["bulk", "--townships", "4", "--years", "2021-2022", "--out", str(data)]) == 0
    time.sleep(2 * SETTLE_NS / 1e9)
    opts = bulk.Options(data, out, formats=frozenset({"html"}), progress=False)
    cache = fingerprint.open_cache(out)
    todo, _ = bulk.plan(list(catalog.entries(data, memo=cache)), opts, cache)
    assert len(todo) == 8
    known = {}
    for entry, inputs in todo:
        folder = bulk.folder_for(out, entry)
        folder.mkdir(parents=True)
        files = ["checks.json", "report.html", "report.review.html"]
        for name in files:
            (folder / name).write_text("placeholder")
        done = bulk._entry(entry, inputs, RENDERED, passed=True, files=files)
        known[done.key] = done
    manifest.write_manifest(out, known, {})
    cache.save()
    time.sleep(2 * SETTLE_NS / 1e9)
    return data, out


def _todo(data: Path, out: Path) -> list[str]:
    opts = bulk.Options(data, out, formats=frozenset({"html"}), progress=False)
    cache = fingerprint.open_cache(out)  # as the command opens it: before listing the records with it
    todo, _ = bulk.plan(list(catalog.entries(data, memo=cache)), opts, cache)
    cache.save()
    return sorted(bulk.key_of(e) for e, _ in todo)


def test_nothing_changed_is_a_no_op_that_reads_no_record(finished: tuple[Path, Path]) -> None:
    data, out = finished
    assert _todo(data, out) == []
    saved = (out / CACHE_FILE).read_text(encoding="utf-8").splitlines()[1:]
    kept = {(kind, key) for kind, key, *_ in (json.loads(t) if t[0] == "[" else t.split("\t") for t in saved)}
    record = str(next(data.glob("*/*/2021.yaml")))
    assert ("f", record) in kept and any(kind == "c" for kind, _ in kept), "the hashes and counties are kept"
    # Proof that an unchanged record is not read again: a planted hash is believed while the stat matches...
    cache = fingerprint.open_cache(out)
    cache.enter(Path(record).parents[1].name)  # its county's lines
    cache.files[record] = cache.files[record].split(" ")[0] + " " + "0" * 64
    assert cache.hash(record) == "0" * 64
    # ...and dropped as soon as the stat differs (here only the ctime: utime to the same times).
    st = os.stat(record)
    os.utime(record, ns=(st.st_atime_ns, st.st_mtime_ns))
    cache.seen.clear()  # a new pass
    assert cache.hash(record) != "0" * 64


def test_an_edit_of_the_same_size_with_its_mtime_restored_is_rebuilt(finished: tuple[Path, Path]) -> None:
    data, out = finished
    assert _todo(data, out) == []
    path = next(data.glob("*/t0002/2021.yaml"))
    st = os.stat(path)
    path.write_bytes(_same_size(path.read_bytes()))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns
    county = path.parts[-3]
    # the record and the next year's (cross-year rules) are rebuilt, nothing else
    assert _todo(data, out) == [f"2021/{county}/t0002", f"2022/{county}/t0002"]


def _same_size(raw: bytes) -> bytes:
    """One digit of the record changed: same length, different content."""
    at = raw.index(b"total: ") + len(b"total: ")
    digit = raw[at : at + 1]
    assert digit.isdigit()
    return raw[:at] + (b"8" if digit != b"8" else b"7") + raw[at + 1 :]


def test_a_deleted_product_a_new_year_or_a_county_edit_is_rebuilt(finished: tuple[Path, Path]) -> None:
    data, out = finished
    assert _todo(data, out) == []
    first = sorted(out.glob("2022/*/t0003/report.review.html"))[0]  # made by every run: render again
    first.unlink()
    assert _todo(data, out) == [f"2022/{first.parts[-3]}/t0003"]
    # an optional product is made again from the saved notebook instead (production/products.py)
    lost = sorted(out.glob("2021/*/t0002/report.html"))[0]
    lost.unlink()
    opts = bulk.Options(data, out, formats=frozenset({"html"}), progress=False)
    planned = Plan(opts, fingerprint.open_cache(out)).split(catalog.entries(data))
    jobs = bulk._product_jobs(planned.products, planned.kept, opts, bulk.Summary())
    assert jobs == [(f"2021/{lost.parts[-3]}/t0002", frozenset({"html"}))]
    added = sorted(data.glob("*/t0004/2022.yaml"))[0]
    (added.parent / "2023.yaml").write_text(added.read_text(encoding="utf-8").replace("2022", "2023"), encoding="utf-8")
    # a new year in a folder listed last time is seen (the deleted product is still to build)
    assert _todo(data, out) == [f"2022/{first.parts[-3]}/t0003", f"2023/{added.parts[-3]}/t0004"]
    county = next(data.glob("*/county.yaml"))
    county.write_text(county.read_text(encoding="utf-8") + "# 注释\n", encoding="utf-8")
    assert len(_todo(data, out)) == 9  # every record of the county
