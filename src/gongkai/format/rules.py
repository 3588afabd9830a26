"""The rules (勾稽关系 and friends) as data, beside the tables they constrain.

Each rule has a stable id, a severity and a Chinese title. The checks build
their great-expectations suites and their messages from these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from gongkai.format.model import Format, Table, leaves


class Severity(StrEnum):
    ERROR = "error"  # blocks publication
    WARNING = "warning"  # shown, does not block


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str


@dataclass(frozen=True)
class SumRule(Rule):
    """Σ left = Σ right, for every column (`per="column"`) or every row (`per="row"`).

    With per="column" the terms are row ids; with per="row" they are column ids.
    `right_text` names a long right side in messages instead of listing it.
    """

    table: str = ""
    per: str = "column"
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    right_text: str = ""


@dataclass(frozen=True)
class CarryRule(Rule):
    """A row this year equals a row of last year's record, per column."""

    table: str = ""
    row: str = ""
    previous_row: str = ""


@dataclass(frozen=True)
class StockRule(Rule):
    """stock(t) = stock(t−1) + added(t) − removed(t), per row."""

    table: str = ""
    rows: tuple[str, ...] = ()
    stock: str = ""
    added: str = ""
    removed: str = ""


@dataclass(frozen=True)
class ZeroRule(Rule):
    """Cells that should be 0 for this level of government."""

    table: str = ""
    rows: tuple[str, ...] = ()


@dataclass(frozen=True)
class CellRule(Rule):
    """Every cell: present, of its kind's sign and precision (R5)."""


@dataclass(frozen=True)
class OtherYearRule(Rule):
    """The narrative names another year's report."""


@dataclass(frozen=True)
class FormatYearRule(Rule):
    """The format fits the year of the report."""


@dataclass(frozen=True)
class TextRule(Rule):
    """A rule about the narrative: evaluated in plain Python (checks/text.py), not by a GX suite.

    Reading text is not arithmetic on cells; its patterns live in format/phrases.py.
    `formats` limits it to the formats whose official instructions ask for it (empty: all).
    """

    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class FiguresRule(TextRule):
    """A figure part 一 states (phrases.FIGURES) equals the cells it names."""

    part: str = "overview"


@dataclass(frozen=True)
class EmptyPartRule(TextRule):
    """A narrative part left empty or saying only 「无」."""

    part: str = "problems"


@dataclass(frozen=True)
class FeeNoticeRule(TextRule):
    """Part 六 says whether 信息处理费 was collected (when there were applications to charge)."""

    part: str = "other"


@dataclass(frozen=True)
class FeeClaimRule(TextRule):
    """A fee in table 二 or stated in the text, while part 六 says none was collected."""

    part: str = "other"


@dataclass(frozen=True)
class CopiedRule(TextRule):
    """The share of sentences identical to last year's (numbers and years aside) stays below `threshold`."""

    parts: tuple[str, ...] = ("overview", "problems")
    threshold: float = 0.95  # a report republished nearly whole; boilerplate alone stays below
    min_sentences: int = 5  # fewer sentences say too little to call a text copied


@dataclass(frozen=True)
class UpheldRule(TextRule):
    """「诉讼9件，均获维持」: a narrative saying every case of a kind was upheld, while table 四 says otherwise.

    The kinds and the wording are phrases.CASE_KINDS and phrases.ALL_UPHELD; every narrative part is read.
    """


@dataclass(frozen=True)
class DocumentRule(Rule):
    """A rule about the published document itself (its date, its text layer, its parts), not the record.

    Only a document has these facts, so only `gongkai audit` evaluates them (checks/document.py).
    """


@dataclass(frozen=True)
class DeadlineRule(DocumentRule):
    """Published by the deadline of the body's kind (format/bodies.DEADLINES); undated is a finding too."""


@dataclass(frozen=True)
class ImageOnlyRule(DocumentRule):
    """A PDF with no text layer: readers cannot search or copy it."""


@dataclass(frozen=True)
class PartsRule(DocumentRule):
    """All six parts present, in the official order."""


@dataclass(frozen=True)
class UnsplitRule(DocumentRule):
    """Figures printed run together (a page without its table borders) that no rule lets us cut one way."""


@dataclass(frozen=True)
class TopicsRule(DocumentRule):
    """Part 一 covers each topic: (topic, the words that show it is covered)."""

    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()


def document_rules() -> list[Rule]:
    """What evaluators (third-party 评估, provincial 考核) check on the published document."""
    return [
        DeadlineRule(
            "W11",
            Severity.WARNING,
            "按时发布：部门、乡镇（街道）1 月 31 日前，县级以上政府 3 月 31 日前公布上一年度报告（条例第四十九条）",
        ),
        ImageOnlyRule("W12", Severity.WARNING, "图片版，无法检索：报告应有文字层，便于检索和复制"),
        PartsRule("W13", Severity.WARNING, "六个部分齐全，按官方顺序排列"),
        TopicsRule(
            "W14",
            Severity.WARNING,
            "第一部分应涵盖主动公开、依申请公开、政府信息管理、平台建设、监督保障五个方面",
            topics=(
                ("主动公开", ("主动公开",)),
                ("依申请公开", ("依申请公开", "依申请")),
                ("政府信息管理", ("政府信息管理", "信息管理")),
                ("平台建设", ("平台建设", "平台")),
                ("监督保障", ("监督保障", "监督", "保障", "考核", "培训")),
            ),
        ),
        UnsplitRule("W15", Severity.WARNING, "表格的数字应能逐格读出：连写的数字无法唯一拆分的格子，须核对原件"),
    ]


# Named settings an office chooses with `--profile`: rule id → the field to change and its value.
# 考核: assessments deduct when more than half of the text repeats last year's.
PROFILES: dict[str, dict[str, float]] = {"默认": {}, "考核": {"W9": 0.5}}


def with_profile(rules: list[Rule], profile: str = "默认") -> list[Rule]:
    """The rules with a profile's thresholds; an unknown profile is a KeyError the caller words."""
    changes = PROFILES[profile]
    return [replace(r, threshold=changes[r.id]) if isinstance(r, CopiedRule) and r.id in changes else r for r in rules]


def text_rules() -> list[Rule]:
    """The narrative rules, for every format (each says where it applies)."""
    return [
        FiguresRule("W5", Severity.WARNING, "第一部分陈述的数字与表中数字一致"),
        EmptyPartRule("W6", Severity.WARNING, "第五部分应写明存在的主要问题及改进情况，不应为空或只写「无」"),
        FeeNoticeRule("W7", Severity.WARNING, "2021 格式：第六部分应说明信息处理费的收取情况", formats=("2021",)),
        FeeClaimRule("W8", Severity.WARNING, "表二或正文有收费，第六部分却说未收取任何费用"),
        CopiedRule("W9", Severity.WARNING, "第一、五部分不应大段沿用上年报告的文字（数字、年份除外）"),
        UpheldRule("W10", Severity.WARNING, "正文说行政复议或行政诉讼「均获维持」，表四该项应全部为结果维持"),
    ]


def _applications_rules(t3: Table) -> list[Rule]:
    outcome = next(n for n in t3.rows if n.id == "outcome")
    handled = tuple(n.id for n in leaves(outcome.children) if n.id != "outcome_total")
    applicants = tuple(c.id for c in leaves(t3.columns) if c.id != "total")
    return [
        SumRule(
            "R1",
            Severity.ERROR,
            "表三每列：一＋二＝（七）总计＋四",
            table=t3.id,
            per="column",
            left=("received", "carried_in"),
            right=("outcome_total", "carried_over"),
        ),
        SumRule(
            "R2",
            Severity.ERROR,
            "表三每行：总计＝各类申请人之和",
            table=t3.id,
            per="row",
            left=("total",),
            right=applicants,
            right_text="自然人与各类法人或其他组织之和",
        ),
        SumRule(
            "R3",
            Severity.ERROR,
            "表三每列：（七）总计＝（一）至（六）各项之和",
            table=t3.id,
            per="column",
            left=("outcome_total",),
            right=handled,
            right_text="（一）至（六）各项之和",
        ),
    ]


def rules_for(fmt: Format, profile: str = "默认") -> list[Rule]:
    """Every rule of a format, in the order reports list them (with a profile's thresholds)."""
    return with_profile(_rules_for(fmt), profile) if profile != "默认" else _rules_for(fmt)


def _rules_for(fmt: Format) -> list[Rule]:
    t4 = fmt.table("table4")
    out: list[Rule] = _applications_rules(fmt.table("table3"))
    out.append(
        SumRule(
            "R4",
            Severity.ERROR,
            "表四各组：总计＝结果维持＋结果纠正＋其他结果＋尚未审结",
            table=t4.id,
            per="row",
            left=("total",),
            right=tuple(c.id for c in leaves(t4.columns) if c.id != "total"),
        )
    )
    out.append(
        CellRule("R5", Severity.ERROR, "每个数字都已填写；件数为非负整数，金额为非负数（按填写的精度保存和显示）")
    )
    out.append(
        CarryRule(
            "R6",
            Severity.ERROR,
            "跨年：本年「上年结转」＝上年「结转下年度继续办理」",
            table="table3",
            row="carried_in",
            previous_row="carried_over",
        )
    )
    # The older format has no 现行有效件数: W1 is listed there, with no rows to check.
    out.append(
        StockRule(
            "W1",
            Severity.WARNING,
            "跨年：现行有效件数＝上年现行有效件数＋本年制发件数－本年废止件数",
            table="table2",
            rows=("regulations", "normative_docs") if fmt.id == "2021" else (),
            stock="in_force",
            added="issued",
            removed="repealed",
        )
    )
    out.append(
        ZeroRule(
            "W2",
            Severity.WARNING,
            "乡、镇、街道不制定规章：规章各项应为 0",
            table="table2",
            rows=("regulations",),
        )
    )
    out.append(OtherYearRule("W3", Severity.WARNING, "正文不应出现其他年度报告的标题"))
    out.append(FormatYearRule("W4", Severity.WARNING, "2021 年及以后用 2021 格式，之前用旧格式"))
    out += text_rules()
    return out
