"""`gongkai audit`: published reports with planted defects are each found, and nothing else."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import DATA, gongkai
from gongkai.records import catalog
from gongkai.records.record import load_record
from gongkai.synthetic import BROKEN, REAL
from published import DEFECTS, NOT_REPORTS, write_corpus

CLEAN = [
    load_record(e.path)
    for e in catalog.entries(DATA)
    if (e.township.id, e.year) not in BROKEN and (e.township.id, e.year) not in REAL
]


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]], object]:
    root = tmp_path_factory.mktemp("audit")
    expected = write_corpus(CLEAN, root / "published")
    result = gongkai("audit", str(root / "published"), "--out", str(root / "out"), "--jobs", "2")
    return root / "out" / "audit", expected, result


def test_every_planted_defect_is_found_and_nothing_else(audited):
    out, expected, result = audited
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    rows = {Path(r["file"]).name: r for r in data["rows"]}
    assert set(rows) == set(expected) | set(NOT_REPORTS)
    for name, rules in expected.items():
        assert rows[name]["status"] == "report", (name, rows[name]["message"])
        assert {f["rule"] for f in rows[name]["findings"]} == rules, (name, rows[name]["findings"])
    assert {rule for rules in expected.values() for rule in rules} == set(DEFECTS)  # every kind was planted
    assert data["tally"] == dict(Counter(rule for rules in expected.values() for rule in rules))


def test_what_was_read_is_counted(audited):
    out, expected, _ = audited
    rows = {Path(r["file"]).name: r for r in json.loads((out / "audit.json").read_text(encoding="utf-8"))["rows"]}
    blank = next(name for name, rules in expected.items() if rules == {"R5"})
    # the importer reports an all-blank row as not found: blank or unreadable, 15 cells not read
    assert rows[blank]["blank"] + rows[blank]["unreadable"] == 15 and rows[blank]["read"] == rows[blank]["cells"] - 15
    clean = next(name for name, rules in expected.items() if not rules)
    assert rows[clean]["read"] == rows[clean]["cells"] and rows[clean]["unreadable"] == 0
    assert rows[clean]["body"] and rows[clean]["year"] and rows[clean]["format"] == "2021"


def test_files_that_are_not_reports_are_listed_as_such(audited):
    out, _, result = audited
    rows = {Path(r["file"]).name: r for r in json.loads((out / "audit.json").read_text(encoding="utf-8"))["rows"]}
    for name in NOT_REPORTS:
        assert rows[name]["status"] == "not-a-report" and rows[name]["message"]
    assert f"{len(NOT_REPORTS)} 个不是报告或读不出" in result.stdout


def test_the_page_and_the_csv(audited):
    out, expected, _ = audited
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "script-src 'sha256-" in soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert len(soup.select("#reports tbody tr")) == len(expected) + len(NOT_REPORTS)
    tally = soup.select_one("table.tally").get_text()
    assert all(rule in tally for rule in DEFECTS)
    with (out / "audit.csv").open(encoding="utf-8-sig") as f:
        lines = list(csv.reader(f))
    assert lines[0][:3] == ["文件", "状态", "机关"]
    rows = json.loads((out / "audit.json").read_text(encoding="utf-8"))["rows"]
    assert sum(1 for line in lines[1:] if line[8]) == sum(len(r["findings"]) for r in rows)  # one line a finding
    assert len({line[0] for line in lines[1:]}) == len(rows)


def test_an_empty_folder_is_bad_input(tmp_path):
    (tmp_path / "empty").mkdir()
    result = gongkai("audit", str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "没有文件" in result.stderr
    assert not (tmp_path / "out").exists()
