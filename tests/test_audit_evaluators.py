"""`gongkai audit` as evaluators audit: exit codes, bodies linked across years, what documents do not say given
by the user, the evaluators' own rules (published on time, repeated text, parts), real reports recognised.

Most tests import and check in this process (interfaces.audit.audit) on a few text files; two go through the
real command line (exit codes and --profile).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from conftest import DATA, gongkai
from gongkai.checks.quick import check_quick
from gongkai.importers import partial_record
from gongkai.interfaces.audit import IMAGE, OLD, REPORT, audit
from gongkai.interfaces.audit_facts import Given
from gongkai.records.record import load_record
from published import on_time, published_text, scanned_pdf, signed

REAL = Path(__file__).parent / "fixtures" / "real"
RECORD = load_record(DATA / "minquan" / "beiguanzhen" / "2022.yaml")
LAST_YEAR = load_record(DATA / "minquan" / "beiguanzhen" / "2021.yaml")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def by_name(rows: list) -> dict:
    return {Path(r.file).name: r for r in rows}


def test_w2_is_for_townships_and_departments_only_the_level_read_from_the_name():
    made = RECORD.with_value(("table2", "regulations", "issued"), 2)
    city = replace(made, body="淮安市人民政府", level="")
    bureau = replace(made, body="淮安市教育局", level="")
    reports = check_quick([(made, None), (city, None), (bureau, None)])
    assert reports is not None
    rules = [{f.rule for o in r.outcomes for f in o.findings} for r in reports]
    assert "W2" in rules[0] and "W2" not in rules[1] and "W2" in rules[2]


def test_two_years_of_one_body_named_differently_are_linked_and_checked_across_years(tmp_path: Path):
    before = signed(replace(LAST_YEAR, body="洪泽区人民政府"), on_time(LAST_YEAR))
    now = signed(replace(RECORD, body="江苏省淮安市洪泽区人民政府"), on_time(RECORD))
    now = now.with_value(("table3", "carried_in", "total"), int(now.cells[("table3", "carried_in", "total")] or 0) + 5)
    write(tmp_path, "a-2021.txt", published_text(before))
    write(tmp_path, "b-2022.txt", published_text(now))
    rows = by_name(audit([tmp_path], jobs=1))
    row = rows["b-2022.txt"]
    assert row.previous.endswith("a-2021.txt") and row.level == "县级以上政府"
    assert "R6" in {f["rule"] for f in row.findings}
    assert row.share is not None and row.share > 0.5


def test_a_report_whose_body_and_year_are_not_found_is_checked_and_says_what_is_missing(tmp_path: Path):
    text = published_text(signed(RECORD, on_time(RECORD)))
    headless = "\n".join(line for line in text.splitlines()[1:])  # no title: no body, no year
    write(tmp_path / "a", "未命名.txt", headless)
    row = audit([tmp_path / "a"], jobs=1)[0]
    assert row.status == REPORT and row.missing == ["机关未识别", "年度未识别"] and row.read == row.cells
    # given by a sidecar beside it
    write(tmp_path / "a", "未命名.txt.info.yaml", "机关: 北关镇人民政府\n年度: 2022\n发布日期: 2023-03-01\n")
    row = audit([tmp_path / "a"], jobs=1)[0]
    assert (row.body, row.year, row.published, row.missing) == ("北关镇人民政府", 2022, "2023-03-01", [])
    assert any(f["rule"] == "W11" and "晚于期限" in f["message"] for f in row.findings)  # a township: 1月31日
    # or by a pattern over file names and --year
    write(tmp_path / "b", "北关镇人民政府-年报.txt", headless)
    row = audit([tmp_path / "b"], jobs=1, given=Given(year=2022, pattern=r"(?P<body>.+?)-年报"))[0]
    assert (row.body, row.year, row.missing) == ("北关镇人民政府", 2022, [])


def test_an_undated_report_and_an_image_only_pdf_are_findings_not_dropped(tmp_path: Path):
    write(tmp_path, "undated.txt", published_text(RECORD))
    (tmp_path / "scan.pdf").write_bytes(scanned_pdf())
    rows = by_name(audit([tmp_path], jobs=1))
    undated = {f["rule"]: f for f in rows["undated.txt"].findings}
    assert "未找到发布日期" in undated["W11"]["message"] and rows["undated.txt"].deadline == "2023-01-31"
    scan = rows["scan.pdf"]
    assert scan.status == IMAGE and [f["rule"] for f in scan.findings] == ["W12"]
    assert scan.findings[0]["message"].startswith("图片版，无法检索")


def test_the_real_reports_are_each_recognised_and_their_real_defects_found(tmp_path: Path):
    folder = tmp_path / "real"
    folder.mkdir()
    for path in REAL.glob("[01]*"):
        if not path.name.endswith(".expected.yaml"):
            shutil.copy(path, folder)
    rows = by_name(audit([folder], jobs=1))
    assert rows["04_pingtan_2018_pre2019format.txt"].status == OLD
    assert "2019 年以前" in rows["04_pingtan_2018_pre2019format.txt"].message
    assert all(r.status == REPORT for name, r in rows.items() if not name.startswith("04"))
    found = {name: {f["rule"] for f in r.findings} for name, r in rows.items()}
    assert rows["08_pingtan_2022.txt"].previous.endswith("07_pingtan_2021.txt")
    assert "W5" in found["08_pingtan_2022.txt"]  # part 一 says 75 applications, table 三 74
    assert "W13" in found["13_shanghai_kewei_2024_extracted.md"]  # part 五 has no heading
    assert rows["13_shanghai_kewei_2024_extracted.md"].level == "部门"
    assert "W11" not in found["07_pingtan_2021.txt"]  # 2022-02-08: a zone government, by 3月31日
    assert rows["07_pingtan_2021.txt"].unsplit == 3 and rows["05_pingtan_2019.txt"].unsplit == 19
    assert {"W15"} <= found["07_pingtan_2021.txt"] and "R5" not in found["05_pingtan_2019.txt"]  # printed, not blank
    lianan = "18_shanwei_haifeng_lianan_2025_EXCERPT.txt"
    assert "W12" in found[lianan] and "R5" not in found[lianan]  # its tables are images on the page


def test_the_exit_code_says_whether_any_report_has_an_error_and_the_profile_lowers_the_repeat_threshold(
    tmp_path: Path,
):
    clean = tmp_path / "clean"
    write(clean, "a-2021.txt", published_text(signed(LAST_YEAR, on_time(LAST_YEAR))))
    write(clean, "b-2022.txt", published_text(signed(RECORD, on_time(RECORD))))
    rows = by_name(audit([clean], jobs=1))
    share = rows["b-2022.txt"].share
    assert share is not None and 0.5 <= share < 0.95, share  # the bundled texts repeat themselves in part
    assert all(f["rule"] != "W9" for r in rows.values() for f in r.findings)  # W9 at 95% by default
    result = gongkai("audit", str(clean), "--out", str(tmp_path / "o"), "--jobs", "1", "--profile", "考核")
    assert result.returncode == 0, result.stdout + result.stderr  # W9 is a warning: no report has an error
    assert "退出码 0" in result.stdout
    data = json.loads((tmp_path / "o" / "audit" / "audit.json").read_text(encoding="utf-8"))
    assert data["copied_threshold"] == 0.5 and data["profile"] == "考核" and data["exit_code"] == 0
    assert any(f["rule"] == "W9" for r in data["rows"] for f in r["findings"])
    bad = gongkai("audit", str(clean), "--out", str(tmp_path / "o2"), "--profile", "严格")
    assert bad.returncode == 2 and "考核" in bad.stderr  # an unknown profile is bad input, naming those there are


def test_partial_records_of_the_audit_keep_the_body_for_the_level():
    data = {"format": "2021", "year": 2022, "body": "上海市科委"}
    assert partial_record(data, RECORD.format).body == "上海市科委"
