"""`gongkai audit`: published reports of every kind with planted defects are each found, and nothing else;
reviewers' decisions settle findings as they do for `check`.

One small corpus (16 reports: web page, Word, PDF and text, four of each; each defect planted once) and
one run of the real command line; the 300-file corpus is benchmarks/audit.py's.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from conftest import DATA, copy_data, gongkai
from gongkai.records import catalog
from gongkai.records.record import load_record
from gongkai.synthetic import BROKEN, REAL
from published import DEFECTS, KINDS, NOT_REPORTS, write_corpus

CLEAN = [
    load_record(e.path)
    for e in catalog.entries(DATA)
    if (e.township.id, e.year) not in BROKEN and (e.township.id, e.year) not in REAL
]
REVIEW = """decisions:
  - key: {key}
    decision: accepted
    reason: {reason}
    who: 张三
    date: 2026-11-27
"""


def planted(expected: dict[str, set[str]], rule: str) -> str:
    return next(name for name, rules in expected.items() if rules == {rule})


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]], Any]:
    root = tmp_path_factory.mktemp("audit")
    folder = root / "published"
    expected = write_corpus(CLEAN[:16], folder, every=2)
    # W6 settled beside its file, with one decision on a finding that does not occur (stale)
    w6 = folder / planted(expected, "W6")
    text = REVIEW.format(key="W6:problems", reason="第五部分照录原文") + REVIEW.format(
        key="W2:table2.regulations", reason="旧决定"
    ).removeprefix("decisions:\n")
    (folder / f"{w6.stem}.review.yaml").write_text(text, encoding="utf-8")
    # W7 settled on the record of the same township and year (--decisions DATA)
    data = copy_data(root / "data")
    w7 = planted(expected, "W7")
    township, year = re.fullmatch(r"\d+-(\w+)-(\d+)-W7\.\w+", w7).groups()  # type: ignore[union-attr]
    record = next(p for p in data.glob(f"*/{township}/{year}.yaml"))
    (record.parent / f"{year}.review.yaml").write_text(REVIEW.format(key="W7:other", reason="已当面核实"), "utf-8")
    result = gongkai("audit", str(folder), "--out", str(root / "out"), "--jobs", "2", "--decisions", str(data))
    return root / "out" / "audit", expected, result


def rows_of(out: Path) -> dict[str, dict[str, Any]]:
    return {Path(r["file"]).name: r for r in json.loads((out / "audit.json").read_text(encoding="utf-8"))["rows"]}


def test_every_planted_defect_is_found_in_every_kind_and_nothing_else(audited):
    out, expected, result = audited
    assert result.returncode == 1, result.stderr  # R3, R4, R5 are errors: the audit says so by its exit code
    assert "退出码 1" in result.stdout
    rows = rows_of(out)
    assert set(rows) == set(expected) | set(NOT_REPORTS)  # the review file is not audited
    for name, rules in expected.items():
        status = "image-only" if rules == {"W12"} else "report"
        assert rows[name]["status"] == status, (name, rows[name]["message"])
        assert {f["rule"] for f in rows[name]["findings"]} == rules, (name, rows[name]["findings"])
    planted_rules = {rule for rules in expected.values() for rule in rules}
    assert planted_rules >= set(DEFECTS) | {
        "W9",
        "W11",
        "W12",
        "W13",
        "W15",
    }  # every kind, and the document's own defects
    figures = [name for name in expected if not name.startswith("doc")]
    kinds = Counter(rows[name]["kind"] for name in figures)
    assert kinds == {"html": 4, "docx": 4, "pdf": 4, "text": 4}, kinds
    assert {Path(name).suffix[1:] for name in figures} == set(KINDS)
    run = next(rows[n] for n, rules in expected.items() if n.endswith("-run.txt"))
    assert run["unsplit"] == 3 and run["blank"] == 0  # the ambiguous digit run: three cells, said so


def test_what_was_read_is_counted(audited):
    out, expected, _ = audited
    rows = rows_of(out)
    blank = planted(expected, "R5")
    # the importer reports an all-blank row as not found: blank or unreadable, 15 cells not read
    assert rows[blank]["blank"] + rows[blank]["unreadable"] == 15 and rows[blank]["read"] == rows[blank]["cells"] - 15
    for name in (n for n, rules in expected.items() if not rules):
        assert rows[name]["read"] == rows[name]["cells"] and rows[name]["unreadable"] == 0, name
        assert rows[name]["body"] and rows[name]["year"] and rows[name]["format"] == "2021"


def test_decisions_beside_the_file_and_on_record_settle_findings(audited):
    out, expected, result = audited
    rows = rows_of(out)
    w6, w7 = rows[planted(expected, "W6")], rows[planted(expected, "W7")]
    assert [(f["key"], f["decision"], f["settled"]) for f in w6["findings"]] == [("W6:problems", "accepted", True)]
    assert w6["findings"][0]["note"] == "已确认（第五部分照录原文；张三，2026-11-27）"
    assert w6["settled"] == 1 and len(w6["stale"]) == 1 and w6["stale"][0].startswith("W2:table2.regulations")
    assert w7["settled"] == 1 and w7["decisions"][0].endswith(".review.yaml") and "data" in w7["decisions"][0]
    data = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert data["settled"] == {"W6": 1, "W7": 1}
    assert "W6" not in data["tally"] and "W7" not in data["tally"]  # settled is not open
    assert data["tally"] == dict(Counter(r for rules in expected.values() for r in rules if r not in ("W6", "W7")))
    assert "审阅决定：2 条发现已确认，1 条决定已过时" in result.stdout
    assert "W6：0 份（另有 1 份已由审阅者确认）" in result.stdout


def test_files_that_are_not_reports_are_listed_as_such(audited):
    out, _, result = audited
    rows = rows_of(out)
    for name in NOT_REPORTS:
        assert rows[name]["status"] == "not-a-report" and rows[name]["message"]
    assert f"{len(NOT_REPORTS)} 个不是报告或读不出" in result.stdout


def test_the_page_carries_its_rows_as_data_and_the_csv_one_line_a_finding(audited):
    out, expected, _ = audited
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "script-src 'sha256-" in soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert not soup.select("#reports tbody tr")  # drawn by the page's script from the JSON block
    page_rows = json.loads(soup.find("script", id="gk-rows").string)
    assert len(page_rows) == len(expected) + len(NOT_REPORTS)
    # per file: its kind, cells unsplit, date and deadline, last year's file and the share repeated, findings by block
    assert all({"v", "k", "p", "d", "q", "h", "n"} <= set(r) for r in page_rows)
    blocks = {g[5] for r in page_rows for g in r["g"]}
    assert {"表三", "表四", "正文", "文档"} <= blocks, blocks
    assert any(r["q"] and r["h"] is not None for r in page_rows) and any(r["d"] for r in page_rows)
    tally = soup.select_one("table.tally").get_text()
    assert all(rule in tally for rule in DEFECTS) and "已确认" in tally
    with (out / "audit.csv").open(encoding="utf-8-sig") as f:
        lines = list(csv.reader(f))
    assert lines[0][:3] == ["文件", "状态", "机关"] and lines[0][-1] == "审阅"
    rows = json.loads((out / "audit.json").read_text(encoding="utf-8"))["rows"]
    rule = lines[0].index("规则")
    assert sum(1 for line in lines[1:] if line[rule]) == sum(len(r["findings"]) for r in rows)  # one line a finding
    assert len({line[0] for line in lines[1:]}) == len(rows)
    assert sum(1 for line in lines[1:] if line[-1].startswith("已确认")) == 2


def test_an_empty_folder_is_bad_input(tmp_path):
    (tmp_path / "empty").mkdir()
    result = gongkai("audit", str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "没有文件" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_bad_review_file_is_bad_input_with_its_line(tmp_path):
    folder = tmp_path / "published"
    folder.mkdir()
    (folder / "a.txt").write_text("关于召开会议的通知\n", encoding="utf-8")
    bad = REVIEW.format(key="W6:problems", reason="x").replace("accepted", "maybe")
    (folder / "a.review.yaml").write_text(bad, encoding="utf-8")
    result = gongkai("audit", str(folder), "--out", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert "a.review.yaml:3" in result.stderr and "accepted" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_page_shows_what_came_from_files_as_text_only():
    from gongkai.interfaces.audit import Row
    from gongkai.pages.audit import audit_html

    evil = "</script><script>alert(1)</script>"
    finding = {"rule": "W5", "severity": "warning", "key": "W5:x", "message": evil, "note": "", "settled": False}
    html = audit_html([Row(f"{evil}.html", body=evil, findings=[finding])], Counter({"W5": 1}))
    assert "<script>alert" not in html and html.count("<script") == 3  # two JSON blocks and the page's script
    rows = json.loads(BeautifulSoup(html, "html.parser").find("script", id="gk-rows").string)
    assert rows[0]["f"] == f"{evil}.html" and rows[0]["g"][0][2] == evil
