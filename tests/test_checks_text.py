"""The narrative rules (W5–W10) and the blank-table finding: each caught when planted, quiet on the bundled data."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from conftest import DATA, SEED_RECORD
from gongkai.checks import check
from gongkai.checks.text import copied_share, sentences, text_instances
from gongkai.format.rules import rules_for, text_rules
from gongkai.records import catalog
from gongkai.records.record import Record, load_record

SEED = load_record(SEED_RECORD)
BUNDLED = {(e.township.id, e.year): load_record(e.path) for e in catalog.entries(DATA)}
BEIGUAN = BUNDLED[("beiguanzhen", 2022)]  # synthetic, with one application and licensing decisions


def text_findings(record: Record, previous: Record | None = None) -> list[str]:
    """`rule: message` of every failing text instance."""
    items, failed = text_instances(record, previous, rules_for(record.format))
    return [f"{i.rule.id}: {i.message}" for i in items if i.id in failed.get(i.rule.id, set())]


def with_part(record: Record, key: str, text: str) -> Record:
    return replace(record, parts={**record.parts, key: text})


def test_the_bundled_records_give_no_text_finding():
    """63 records: W5 ties 187 statements to cells and all agree; no empty part, no fee gap, no copy."""
    checked = 0
    for (tid, year), record in BUNDLED.items():
        assert text_findings(record, BUNDLED.get((tid, year - 1))) == [], (tid, year)
        items, _ = text_instances(record, None, rules_for(record.format))
        checked += sum(1 for i in items if i.rule.id == "W5" and not i.skip)
    assert len(BUNDLED) == 63 and checked >= 150  # the rule really reads the synthetic texts


def test_the_seed_text_agrees_with_its_all_zero_tables():
    items, failed = text_instances(SEED, None, rules_for(SEED.format))
    assert not failed
    w5 = [i for i in items if i.rule.id == "W5"]
    assert [(i.id.split("@")[0], i.stated, i.computed) for i in w5] == [("W5:received", 0.0, 0.0)]


def test_w5_a_stated_figure_that_differs_from_its_cell():
    text = BEIGUAN.parts["overview"].replace("新收政府信息公开申请1件", "新收政府信息公开申请三十二件")
    found = text_findings(with_part(BEIGUAN, "overview", text))
    assert len(found) == 1
    assert found[0].startswith("W5: 「一、总体情况」写「本年度新收政府信息公开申请三十二件")
    assert "（本年新收申请 32），但表三「一、本年新收政府信息公开申请数量」行「总计」列＝1" in found[0]


@pytest.mark.parametrize(
    ("sentence", "figure"),
    [
        ("本年度共作出行政处罚决定7件。", "行政处罚"),
        ("全年发生政府信息公开行政复议2件。", "行政复议"),
        ("行政诉讼1件，均获维持。", "行政诉讼"),
        ("不予公开4件。", "不予公开"),
        ("结转下年度继续办理5件。", "结转下年度"),
    ],
)
def test_w5_each_figure_is_tied_to_its_cells(sentence, figure):
    found = text_findings(with_part(SEED, "overview", sentence))
    assert len(found) == 1 and f"（{figure} " in found[0], found


@pytest.mark.parametrize(
    "sentence",
    [
        "予以公开及部分公开258件。",  # one number for two cells
        "较上年新收申请增加3件。",  # a comparison, not this year's figure
        "截至2021年累计办结12件。",  # a running total
        "共收到政府信息公开申请15件，其中上年结转3件。",  # 收到 may include carried-over
        "办结30多件。",  # approximate
        "建立健全规范性文件管理制度2个。",  # not a figure of the tables
    ],
)
def test_w5_is_quiet_when_a_number_is_not_tied_to_one_cell(sentence):
    assert text_findings(with_part(SEED, "overview", sentence)) == []


def test_w6_part_five_empty_or_only_none():
    for text in ("", "无", "  无。\n", "暂无"):
        found = text_findings(with_part(SEED, "problems", text))
        assert [f[:3] for f in found] == ["W6:"], text
    assert "「五、存在的主要问题及改进情况」只写了「无」" in text_findings(with_part(SEED, "problems", "无"))[0]


def test_w7_part_six_silent_on_processing_fees_when_there_were_applications():
    found = text_findings(with_part(BEIGUAN, "other", "无"))
    assert [f[:3] for f in found] == ["W7:"]
    assert "信息处理费" in found[0]
    assert text_findings(with_part(SEED, "other", "无")) == []  # no application: nothing to charge


def test_w7_applies_to_the_2021_format_only():
    assert "2021" in next(r for r in text_rules() if r.id == "W7").formats


def test_w8_fee_in_table_two_while_part_six_says_none():
    record = with_part(BEIGUAN.with_value(("table2", "fees", "amount"), Decimal("0.12")), "other", "无")
    found = [f for f in text_findings(record) if f.startswith("W8")]
    assert found == [
        "W8: 表二「行政事业性收费」行「本年收费金额（单位：万元）」列＝0.12 万元，"
        "但「六、其他需要报告的事项」只写了「无」"
    ]
    generic = with_part(record, "other", "本年度未收取任何费用。")
    assert [f for f in text_findings(generic) if f.startswith("W8")]
    # 信息处理费 is not 行政事业性收费: saying none of the one was collected does not deny the other
    specific = with_part(record, "other", "本年度未收取信息处理费。")
    assert text_findings(specific) == []


def test_w8_a_fee_stated_in_the_text_while_part_six_says_none():
    record = with_part(BEIGUAN, "overview", BEIGUAN.parts["overview"] + "\n本年度收取信息处理费200元。\n")
    found = text_findings(record)
    assert len(found) == 1 and found[0].startswith("W8: 「一、总体情况」写「本年度收取信息处理费200元")


def test_w9_a_report_republished_with_new_numbers():
    before = BUNDLED[("beiguanzhen", 2021)]
    copy = replace(
        BEIGUAN,
        parts={
            **BEIGUAN.parts,
            "overview": before.parts["overview"].replace("2021", "2022"),
            "problems": before.parts["problems"],
        },
    )
    found = [f for f in text_findings(copy, before) if f.startswith("W9")]
    assert len(found) == 1 and "（100%）与 2021 年报告相同" in found[0]


def test_w9_sentences_ignore_figures_years_headings_and_numbering():
    assert sentences("### 1、主动公开\n1. 本年度制发文件3件，废止1件。\n2. 2022年开展培训十二次。") == [
        "本年度制发文件#件，废止#件",
        "#年开展培训#次",
    ]
    same, total = copied_share(BEIGUAN, BUNDLED[("beiguanzhen", 2021)], ("overview", "problems"))
    assert 0 < same < total  # the synthetic texts share boilerplate, below the threshold


def test_w9_quiet_without_last_year():
    report = check(BEIGUAN)
    assert next(o for o in report.outcomes if o.rule == "W9").status == "skipped"


def test_text_findings_join_the_one_check_report_with_stable_keys():
    text = BEIGUAN.parts["overview"].replace("行政处罚决定1件", "行政处罚决定9件")
    report = check(with_part(BEIGUAN, "overview", text))
    assert report.passed and report.failed_rules() == ["W5"]
    (finding,) = report.warnings
    assert finding.key == "W5:penalty" and finding.cells[0].key == ("table2", "penalty", "decisions")
    assert report.marks()[("table2", "penalty", "decisions")][0] == "warning"
    assert check(with_part(BEIGUAN, "overview", text)).warnings[0].key == finding.key


def test_r5_a_whole_table_left_blank_is_one_finding():
    record = SEED
    for key in [k for k in SEED.cells if k[0] == "table4"]:
        record = record.with_value(key, None)
    record = record.with_value(("table3", "received", "natural_person"), None)
    report = check(record)
    r5 = [f for f in report.errors if f.rule == "R5"]
    assert len(r5) == 2  # table 四 once, the single blank of table 三 once
    whole = next(f for f in r5 if f.key == "R5:table4:blank")
    assert "表四「政府信息公开行政复议、行政诉讼情况」整张表未填写（15 个单元格全部空白" in whole.message
    assert report.marks()[("table4", "review", "total")][0] == "error"


def test_a_record_without_any_narrative_is_not_read():
    """The county summary checks the townships' summed tables, which carry no text."""
    record = replace(BEIGUAN, parts=dict.fromkeys(BEIGUAN.parts, ""))
    assert text_instances(record, None, rules_for(record.format)) == ([], {})


def _cases(record: Record, group: str, upheld: int, pending: int) -> Record:
    record = record.with_value(("table4", group, "upheld"), upheld).with_value(("table4", group, "pending"), pending)
    return record.with_value(("table4", group, "total"), upheld + pending)


def test_w10_all_lawsuits_upheld_while_one_is_pending():
    """The real 2019 report: 「诉讼9件，均获维持」 with one case still pending in table 四."""
    record = _cases(SEED, "litigation_direct", 8, 1)
    text = SEED.parts["overview"] + "\n\n本年度发生政府信息公开行政诉讼9件，均获维持。\n"
    found = text_findings(with_part(record, "overview", text))
    assert found == [
        "W10: 「一、总体情况」写「本年度发生政府信息公开行政诉讼9件，均获维持」（行政诉讼全部维持），"
        "但表四「未经复议直接起诉」行「尚未审结」列＝1"
    ]
    report = check(with_part(record, "overview", text))
    assert [f.key for f in report.warnings if f.rule == "W10"] == ["W10:litigation"]  # stable: rule and kind
    assert report.marks()[("table4", "litigation_direct", "pending")][0] == "warning"


@pytest.mark.parametrize(
    ("sentence", "group", "found"),
    [
        ("行政复议2件，全部维持原行政行为。", "review", True),
        ("行政复议和行政诉讼案件均获维持。", "litigation_after_review", True),
        ("行政复议和行政诉讼案件均获维持。", "review", True),
        ("行政诉讼9件，均获维持。", "review", False),  # the pending case is a review, not a lawsuit
        ("行政复议2件，行政诉讼9件，均获维持。", "litigation_direct", False),  # 均 may cover either: ambiguous
        ("行政诉讼9件，8件维持，1件尚未审结。", "litigation_direct", False),  # no claim of all
        ("行政诉讼9件，未全部维持。", "litigation_direct", False),
    ],
)
def test_w10_ties_the_claim_to_one_kind_of_case(sentence, group, found):
    record = with_part(_cases(SEED, group, 2, 1), "overview", sentence)
    w10 = [f for f in text_findings(record) if f.startswith("W10")]
    assert bool(w10) is found, w10


def test_w10_quiet_when_table_four_agrees_or_is_blank():
    assert text_findings(with_part(_cases(SEED, "review", 3, 0), "overview", "行政复议3件，均获维持。")) == []
    blank = SEED.with_value(("table4", "review", "pending"), None)
    items, failed = text_instances(with_part(blank, "overview", "行政复议3件，均获维持。"), None, text_rules())
    assert not failed.get("W10") and [i.skip for i in items if i.rule.id == "W10"] == ["表四有空白单元格"]
