"""manifest.json one report a line: round trip, killed writes, the old layout, bad lines, memory per report."""

from __future__ import annotations

import json
import tracemalloc
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from gongkai.batch import manifest
from gongkai.batch.manifest import ManifestError
from gongkai.pages.outcomes import CRASHED, RENDERED
from gongkai.pages.outcomes import Outcome as Entry


def _entry(n: int) -> Entry:
    """A report as a bulk run leaves it: shared input hashes, its own record hash, a finding or two."""
    shared = {k: f"{k}-{'a' * 60}" for k in ("notebook", "suites", "templates", "package", "versions")}
    inputs = {"record": f"{n:064x}", "review": "absent", "previous": "absent", "history": "e3b0" * 16}
    inputs |= {"county": f"{n // 13:064x}", "options": '{"strict": false}', **shared}
    return Entry(
        key=f"2021/c{n // 13:04d}/t{n:05d}",
        status=RENDERED if n % 7 else CRASHED,
        fingerprint=f"{n * 31:064x}",
        inputs=inputs,
        title=f"示例县{n // 13}第{n}镇2021年政府信息公开工作年度报告",
        county=f"示例县{n // 13}",
        township=f"第{n}镇",
        year=2021,
        passed=bool(n % 3),
        errors=n % 3,
        findings=[f"R{n % 5:02d} 第{n}行数字不一致"] if n % 3 == 0 else [],
        files=["checks.json", "report.html", "report.review.html"],
        message="" if n % 7 else "RuntimeError: 内核退出\n\t第 3 格",
        seconds=1.25,
    )


def _write(out: Path, count: int) -> dict[str, Entry]:
    """The entries as read back: the inputs stay in each report's build.json."""
    entries = {e.key: e for e in map(_entry, range(count))}
    manifest.write_manifest(out, entries, {"seconds": 1.5})
    return {k: replace(e, inputs={}) for k, e in entries.items()}


def test_round_trip_is_one_json_document_with_a_report_a_line(tmp_path: Path) -> None:
    entries = _write(tmp_path, 30)
    assert manifest.read_manifest(tmp_path) == entries
    text = (tmp_path / manifest.MANIFEST).read_text(encoding="utf-8")
    whole = json.loads(text)  # still one JSON document for anyone reading it whole
    assert whole["run"] == {"seconds": 1.5} and [r["key"] for r in whole["reports"]] == sorted(entries)
    lines = text.splitlines()
    assert len(lines) == 30 + 2 and "示例县0" in lines[1], "one readable line a report, between head and end"
    empty = tmp_path / "empty"
    manifest.write_manifest(empty, {}, {})
    assert manifest.read_manifest(empty) == {} and json.loads((empty / manifest.MANIFEST).read_text())["reports"] == []


class _Killed(dict[str, Entry]):
    """A run killed while its manifest is half written (the 5th report)."""

    def __getitem__(self, key: str) -> Entry:
        if len(self.asked) == 4:
            raise KeyboardInterrupt
        self.asked.append(key)
        return super().__getitem__(key)

    asked: list[str]


def test_a_killed_write_leaves_the_old_manifest_whole(tmp_path: Path) -> None:
    _write(tmp_path, 10)
    before = (tmp_path / manifest.MANIFEST).read_bytes()
    killed = _Killed({e.key: e for e in map(_entry, range(100, 120))})
    killed.asked = []
    with pytest.raises(KeyboardInterrupt):
        manifest.write_manifest(tmp_path, killed, {})
    assert killed.asked, "the write had begun"
    assert (tmp_path / manifest.MANIFEST).read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file left behind"


def test_the_indented_layout_of_earlier_versions_is_still_read(tmp_path: Path) -> None:
    entries = {e.key: e for e in map(_entry, range(5))}
    old = {"run": {"seconds": 2}, "reports": [asdict(entries[k]) for k in sorted(entries)]}
    (tmp_path / manifest.MANIFEST).write_text(json.dumps(old, ensure_ascii=False, indent=1), encoding="utf-8")
    without_inputs = {k: replace(e, inputs={}) for k, e in entries.items()}
    assert manifest.read_manifest(tmp_path) == without_inputs
    manifest.write_manifest(tmp_path, manifest.read_manifest(tmp_path), {})  # migrated on the next write
    assert (tmp_path / manifest.MANIFEST).read_text(encoding="utf-8").startswith(manifest.HEAD)
    assert manifest.read_manifest(tmp_path) == without_inputs


def test_a_bad_line_is_named_and_the_run_falls_back_to_build_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, 6)
    path = tmp_path / manifest.MANIFEST
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3][: len(lines[3]) // 2] + "\n"  # the third report, cut in half
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ManifestError, match="第 4 行"):
        list(manifest.iter_manifest(path))
    assert manifest.read_manifest(tmp_path) == {}
    assert "第 4 行" in capsys.readouterr().err
    path.write_text("".join(lines[:3]), encoding="utf-8")  # cut short: its end missing
    with pytest.raises(ManifestError, match="不完整"):
        list(manifest.iter_manifest(path))


def test_memory_per_report_is_bounded_by_its_line(tmp_path: Path) -> None:
    """Read back, 5,000 reports hold at most 2.5 times their lines on disk (a line of about 460 bytes:
    key, fingerprint, title, names, findings; each Python string and list adds its ~50-byte header),
    and reading never holds the whole text."""
    count = 5_000
    _write(tmp_path, count)
    size = (tmp_path / manifest.MANIFEST).stat().st_size
    tracemalloc.start()
    try:
        read = manifest.read_manifest(tmp_path)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(read) == count
    per_report = held / count
    assert per_report < 2.5 * size / count, f"{per_report:.0f} B a report held, {size / count:.0f} B a line on disk"
    assert peak - held < size / 10, f"reading held {peak - held} B beyond the reports: the whole text?"


def test_the_fingerprint_cache_keeps_outcomes_a_line_each_and_drops_an_old_layout(tmp_path: Path) -> None:
    from gongkai.batch import statcache

    entries = _write(tmp_path, 20)
    cache = statcache.Cache(tmp_path / statcache.CACHE_FILE, "v1")
    cache.remember(tmp_path / manifest.MANIFEST, entries)
    cache.save()
    lines = (tmp_path / statcache.CACHE_FILE).read_text(encoding="utf-8").splitlines()
    tabbed, as_json = sum(line.startswith("m\t") for line in lines), sum(line.startswith('["m",') for line in lines)
    assert (tabbed, as_json) == (17, 3), "tab-separated, JSON where a text holds a tab or a line break"
    again = statcache.Cache.open(tmp_path, "v1")
    assert again.trust(tmp_path / manifest.MANIFEST)
    for key, was in entries.items():
        e = again.outcome(key)
        assert (e.status, e.fingerprint, e.passed, e.errors, e.files, e.message, e.county, e.year) == (
            was.status, was.fingerprint, was.passed, was.errors, was.files, was.message, was.county, was.year
        )  # fmt: skip
    assert not statcache.Cache.open(tmp_path, "v2").trust(tmp_path / manifest.MANIFEST), "another code: dropped"
    _write(tmp_path, 21)  # manifest.json changed since: its outcomes are not trusted
    assert not statcache.Cache.open(tmp_path, "v1").trust(tmp_path / manifest.MANIFEST)
    (tmp_path / statcache.CACHE_FILE).write_text('{"code": "x", "files": {}}', encoding="utf-8")  # earlier layout
    old = statcache.Cache.open(tmp_path, "v1")
    assert old.files == {} and not old.trust(tmp_path / manifest.MANIFEST) and old.stale
