"""The invented records: reproducible, equal to the bundled data, and honest about the rules.

The rule arithmetic here is written out independently of the generator, straight
from `record.value(...)`, so the generator cannot grade its own work.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import DATA, REPO, SEED_RECORD
from gongkai import synthetic
from gongkai.records import catalog
from gongkai.records.record import Record, load_record

APPLICANTS = ["natural_person", "commercial", "research", "public_interest", "legal_service", "other_org"]
COLUMNS = [*APPLICANTS, "total"]
OUTCOMES = [
    "granted", "partly_granted",
    "refused_secret", "refused_by_law", "refused_security", "refused_third_party",
    "refused_internal", "refused_process", "refused_enforcement_file", "refused_inquiry",
    "unavailable_not_held", "unavailable_needs_making", "unavailable_unclear",
    "np_petition", "np_repeated", "np_publication", "np_mass", "np_confirm",
    "other_no_correction", "other_unpaid", "other_misc",
]  # fmt: skip
GROUPS = ["review", "litigation_direct", "litigation_after_review"]
REPORT_TITLE = re.compile(r"(\d{4})年政府信息公开工作年度报告")
Key = tuple[str, int]


def violations(record: Record, previous: Record | None) -> set[str]:
    """Which of R1–R6 and W1–W3 the record breaks (R6/W1 only when last year's record exists)."""
    t3 = lambda row, col: record.value("table3", row, col)  # noqa: E731
    rows3 = sorted({row for table, row, _ in record.cells if table == "table3"})
    broken = set()
    if any(t3("received", c) + t3("carried_in", c) != t3("outcome_total", c) + t3("carried_over", c) for c in COLUMNS):
        broken.add("R1")
    if any(t3(row, "total") != sum(t3(row, c) for c in APPLICANTS) for row in rows3):
        broken.add("R2")
    if any(t3("outcome_total", c) != sum(t3(row, c) for row in OUTCOMES) for c in COLUMNS):
        broken.add("R3")
    for group in GROUPS:
        figures = [record.value("table4", group, c) for c in ("upheld", "corrected", "other", "pending")]
        if record.value("table4", group, "total") != sum(figures):
            broken.add("R4")
    for (table, _, column), value in record.cells.items():
        if table == "table2" and column == "amount":
            ok = isinstance(value, Decimal) and value >= 0 and value == value.quantize(Decimal("0.0001"))
        else:
            ok = type(value) is int and value >= 0
        if not ok:
            broken.add("R5")
    if previous is not None:
        if any(t3("carried_in", c) != previous.value("table3", "carried_over", c) for c in COLUMNS):
            broken.add("R6")
        for row in ("regulations", "normative_docs"):
            now = [record.value("table2", row, c) for c in ("issued", "repealed", "in_force")]
            if now[2] != previous.value("table2", row, "in_force") + now[0] - now[1]:
                broken.add("W1")
    if any(record.value("table2", "regulations", c) for c in ("issued", "repealed", "in_force")):
        broken.add("W2")
    text = "\n".join(record.parts.values())
    if any(int(y) != record.year for y in REPORT_TITLE.findall(text)):
        broken.add("W3")
    return broken


def load_county(folder: Path) -> dict[Key, Record]:
    return {(e.township.id, e.year): load_record(e.path) for e in catalog.entries(folder.parent, county=folder.name)}


def broken_by_record(records: dict[Key, Record]) -> dict[Key, set[str]]:
    found = {key: violations(r, records.get((key[0], key[1] - 1))) for key, r in records.items()}
    return {key: rules for key, rules in found.items() if rules}


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 民权县 data generated anew by the command line, the real record read from data/."""
    out = tmp_path_factory.mktemp("fresh")
    code = synthetic.main(["minquan", "--out", str(out / "data"), "--params", str(out / "params"), "--real", str(DATA)])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def bundled() -> dict[Key, Record]:
    return load_county(DATA / "minquan")


def test_two_runs_write_identical_bytes(fresh: Path, tmp_path: Path):
    synthetic.generate_minquan(tmp_path / "data", tmp_path / "params", real_dir=DATA)
    assert files(tmp_path) == files(fresh)


def test_bundled_data_is_exactly_what_the_generator_writes(fresh: Path):
    committed = files(DATA / "minquan")
    real = {"hujixiang/2021.yaml": SEED_RECORD.read_bytes()}
    assert committed == {**files(fresh / "data" / "minquan"), **real}
    params = {k: v for k, v in files(REPO / "params").items() if k.startswith("minquan-")}
    assert params == files(fresh / "params")


def test_generator_leaves_the_real_record_alone(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    written = synthetic.generate_minquan(data)
    real = data / "minquan" / "hujixiang" / "2021.yaml"
    assert real not in written
    assert real.read_bytes() == SEED_RECORD.read_bytes()


def test_real_record_is_the_committed_transcription():
    try:
        head = subprocess.run(
            ["git", "show", "HEAD:data/minquan/hujixiang/2021.yaml"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    assert SEED_RECORD.read_bytes() == head
    record = load_record(SEED_RECORD)
    assert not record.synthetic and "转录" in record.source


def test_county_lists_21_townships_each_with_three_years(bundled: dict[Key, Record]):
    county = catalog.load_county(DATA / "minquan")
    levels = [t.level for t in county.townships]
    assert (levels.count("街道"), levels.count("镇"), levels.count("乡")) == (2, 8, 11)
    assert set(bundled) == {(t.id, y) for t in county.townships for y in (2021, 2022, 2023)}
    for (tid, _), record in bundled.items():
        assert (record.township, record.level) == next((t.name, t.level) for t in county.townships if t.id == tid)
    text = (DATA / "minquan" / "county.yaml").read_text("utf-8")
    assert "Only 胡集乡 2021 is a real" in text and "uncertain" in text


def test_every_record_but_the_real_one_says_it_is_invented(bundled: dict[Key, Record]):
    for key, record in bundled.items():
        if key == ("hujixiang", 2021):
            continue
        assert record.synthetic, key
        assert "虚构" in record.source and f"种子 {synthetic.MINQUAN_SEED}" in record.source, key
        assert ("故意错误" in record.source) == (key in synthetic.BROKEN), key
        if key in synthetic.BROKEN:
            assert synthetic.BROKEN[key] in record.source


def test_broken_records_are_three_rules_on_three_townships():
    assert sorted(synthetic.BROKEN.values()) == ["R2", "R3", "R6"]
    assert len({tid for tid, _ in synthetic.BROKEN}) == 3
    assert ("hujixiang", 2021) not in synthetic.BROKEN


def test_only_the_deliberate_breaks_break_rules(bundled: dict[Key, Record]):
    expected = {key: set(synthetic.TRIPS[rule]) for key, rule in synthetic.BROKEN.items()}
    expected[("hujixiang", 2021)] = {"W3"}  # the published report carries its 2020 heading
    assert broken_by_record(bundled) == expected


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (("table3", "granted", "commercial"), 1, {"R2", "R3"}),
        (("table3", "received", "total"), 1, {"R1", "R2"}),
        (("table3", "carried_in", "natural_person"), 1, {"R1", "R2", "R6"}),
        (("table4", "review", "upheld"), 1, {"R4"}),
        (("table2", "normative_docs", "in_force"), -100, {"R5", "W1"}),
        (("table2", "regulations", "issued"), 1, {"W1", "W2"}),
    ],
)
def test_the_rule_helpers_catch_a_changed_cell(
    bundled: dict[Key, Record], key: tuple[str, str, str], value: int, expected: set[str]
):
    record, previous = bundled[("lvzhoujiedao", 2022)], bundled[("lvzhoujiedao", 2021)]
    assert violations(record, previous) == set()
    changed = record.with_value(key, value + record.value(*key))  # type: ignore[operator]
    assert violations(changed, previous) == expected


def test_the_rule_helpers_catch_another_years_report_named(bundled: dict[Key, Record]):
    record = bundled[("lvzhoujiedao", 2022)]
    parts = {**record.parts, "other": "详见民权县2021年政府信息公开工作年度报告。"}
    assert violations(replace(record, parts=parts), None) == {"W3"}


def test_figures_are_small_but_some_townships_are_busy(bundled: dict[Key, Record]):
    received = [r.value("table3", "received", "total") for r in bundled.values()]
    assert all(isinstance(n, int) and n <= 25 for n in received)
    assert sum(n == 0 for n in received) >= 15  # type: ignore[misc]
    assert sum(n >= 10 for n in received) >= 3  # type: ignore[operator]
    carried = [k for k, r in bundled.items() if k[1] < 2023 and r.value("table3", "carried_over", "total")]
    assert len(carried) >= 5  # so R6 compares something
    fees = [r.value("table2", "fees", "amount") for r in bundled.values()]
    assert sum(f == 0 for f in fees) > len(fees) * 3 // 4 and any(fees)
    decisions = [r.value("table2", row, "decisions") for r in bundled.values() for row in ("licensing", "penalty")]
    assert max(decisions) <= 200  # type: ignore[type-var]


def test_narrative_is_short_templated_chinese(bundled: dict[Key, Record]):
    for key, record in bundled.items():
        if not record.synthetic:
            continue
        overview, problems, other = (record.parts[k] for k in ("overview", "problems", "other"))
        assert overview.startswith("### 1、主动公开政府信息情况") and record.body in overview, key
        assert problems.startswith("1. ") and "\n2. " in problems, key
        assert "信息处理费" in other, key
        assert all(len(text.encode()) <= 2048 for text in record.parts.values()), key
        figures = f"本年度新收政府信息公开申请{record.value('table3', 'received', 'total')}件"
        assert figures in overview or record.value("table3", "received", "total") == 0, key


def test_params_list_every_township_for_each_year(bundled: dict[Key, Record]):
    for year in (2021, 2022, 2023):
        path = REPO / "params" / f"minquan-{year}.yaml"
        assert path.read_text("utf-8").startswith(f"# 民权县 {year} 年：全部乡镇（街道）的报告\n")
        params = yaml.safe_load(path.read_text("utf-8"))
        assert params["name"] == f"民权县{year}年"
        reports = [(p["county"], p["township"], p["year"]) for p in params["reports"]]
        assert sorted(reports) == sorted(("minquan", tid, y) for tid, y in bundled if y == year)


def test_bulk_makes_many_clean_records_quickly(tmp_path: Path):
    start = time.perf_counter()
    code = synthetic.main(
        [
            "bulk",
            "--townships",
            "50",
            "--years",
            "2021-2023",
            "--out",
            str(tmp_path),
            "--params",
            str(tmp_path / "p"),
        ]
    )
    took = time.perf_counter() - start
    assert code == 0 and took < 5, took
    records = load_county(tmp_path / "bulk")
    assert len(records) == 150
    first = records[("t0001", 2021)]
    assert (first.township, first.synthetic) == ("第1镇", True)
    assert broken_by_record(records) == {}
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [f"bulk-{y}.yaml" for y in (2021, 2022, 2023)]


def test_bulk_breaks_three_records_only_when_asked(tmp_path: Path):
    synthetic.main(["bulk", "--townships", "8", "--years", "2021-2023", "--out", str(tmp_path), "--broken"])
    chosen = synthetic.choose_broken([f"t{i:04d}" for i in range(1, 9)], [2021, 2022, 2023], 1)
    expected = {key: set(synthetic.TRIPS[rule]) for key, rule in chosen.items()}
    assert len(expected) == 3 and broken_by_record(load_county(tmp_path / "bulk")) == expected


def test_bulk_refuses_years_before_the_2021_format(tmp_path: Path):
    with pytest.raises(SystemExit) as e:
        synthetic.main(["bulk", "--townships", "2", "--years", "2019-2021", "--out", str(tmp_path)])
    assert e.value.code == 2
    assert list(tmp_path.iterdir()) == []
