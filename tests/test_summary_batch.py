"""County summaries in batches: the same pages as one at a time, and no township checked twice."""

from __future__ import annotations

import json

from conftest import copy_data
from gongkai.batch.publish import write_summaries
from gongkai.checks import check
from gongkai.pages import summary
from gongkai.pages.outcomes import CRASHED, RENDERED, Outcome
from gongkai.records import catalog
from gongkai.records.history import load_previous
from gongkai.records.record import load_record

YEARS = (2021, 2022)  # both county totals fail (顺河乡 R3, 人和镇 R1/R2): the pages list the townships' own findings


def test_a_batch_of_counties_gives_the_pages_built_one_at_a_time(tmp_path):
    data = copy_data(tmp_path / "data")
    alone = {}
    for year in YEARS:
        entries = list(catalog.entries(data, year=year, county="minquan", missing=[]))
        made = summary.build(entries[0].county.name, year, entries, {})
        assert made is not None and not made.passed
        alone[year] = made.html
    out = tmp_path / "out"
    written = write_summaries(out, data, {(y, "minquan") for y in YEARS}, {}, None)
    assert sorted(written) == sorted(out / str(y) / "minquan" / "summary.html" for y in YEARS)
    for year in YEARS:
        assert (out / str(year) / "minquan" / "summary.html").read_text(encoding="utf-8") == alone[year]


def test_a_township_s_findings_come_from_the_checks_its_report_saved(tmp_path):
    data = copy_data(tmp_path / "data")
    out = tmp_path / "out"
    record = load_record(data / "minquan" / "shunhexiang" / "2021.yaml")
    own = check(record, load_previous(record)[0]).to_dict()
    rewritten = 0
    for outcome in own["outcomes"]:
        for finding in outcome["findings"]:
            if finding["rule"] == "R3":
                finding["message"] = "（报告保存的校验结果）"
                rewritten += 1
    assert rewritten
    folder = out / "2021" / "minquan" / "shunhexiang"
    folder.mkdir(parents=True)
    (folder / "checks.json").write_text(json.dumps(own, ensure_ascii=False), encoding="utf-8")
    key = "2021/minquan/shunhexiang"
    built = {key: Outcome(key, RENDERED, "f", passed=False, files=["checks.json"])}

    write_summaries(out, data, {(2021, "minquan")}, built, None)
    page = (out / "2021" / "minquan" / "summary.html").read_text(encoding="utf-8")
    sources = page[page.index('class="gk-sources"') :]
    assert "（报告保存的校验结果）" in sources

    built[key] = Outcome(key, CRASHED, "f")  # no current report: checked here instead
    write_summaries(out, data, {(2021, "minquan")}, built, None)
    page = (out / "2021" / "minquan" / "summary.html").read_text(encoding="utf-8")
    assert "（报告保存的校验结果）" not in page
    assert "顺河乡" in page[page.index('class="gk-sources"') :]
