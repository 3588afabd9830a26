"""How published narratives state figures and facts, kept beside the format they refer to.

The text rules (W5–W10 in rules.py) read the narrative through these
patterns only. Each figure pattern ties one number to one cell (or one
group of cells summed); a sentence that joins two figures (「予以公开及部分
公开258件」) or compares with another year matches nothing, because a number
the patterns cannot tie to one place must not become a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.format.ordinals import COUNT, COUNT_DIGITS, di, shi

CellKey = tuple[str, str, str]

# Chinese numerals as published reports write them: 三十二件, 一百零五件, 两件.
CHINESE_NUMBER = f"[{COUNT}]+"
NUMBER = rf"(?P<n>[0-9０-９]+(?:\.[0-9０-９]+)?|{CHINESE_NUMBER})"
# Words allowed between a figure's name and its number: 「新收申请共计12件」「予以公开的有3件」.
GAP = r"(?:(?:共计|合计|总计|总数|数量|共|计|为|达到|达|了|的|是|有|：|:)\s*){0,3}"
# A number is approximate, or the clause is about another period: not tied to this year's cell.
APPROXIMATE = re.compile(r"^\s*(?:多|余|几|左右|以上|以下)")
OTHER_PERIOD = re.compile(r"上年(?!结转)|去年|上一年|同比|较|比|往年|累计|历年|截至|截止|以来|(?:19|20)[0-9]{2}\s*年")
# 「予以公开及部分公开258件」: a name joined to the one before, which has no number of its own,
# shares the number with it, so it belongs to neither. 「许可15件、处罚1件」 is two figures.
JOINS = "及和与、或"
CLAUSE_END = "，。；;！？!?\n"
SENTENCE_END = "。；;！？!?\n"


@dataclass(frozen=True)
class Figure:
    """A figure part 一 may state: the name a reader knows it by, the patterns, the cells.

    `cells` are summed (不予公开 is eight rows of table 三). A figure whose
    cells the record's format does not have is not checked. `zero` are
    phrases that state the figure is nil.
    """

    id: str
    name: str
    patterns: tuple[str, ...]
    cells: tuple[CellKey, ...]
    unit: str = "件"
    zero: tuple[str, ...] = ()
    guarded: tuple[str, ...] = ()  # patterns that count only in a sentence without `guard`
    guard: str = ""

    def regexes(self) -> list[tuple[re.Pattern[str], str]]:
        """Each pattern compiled, with the word that, in the same sentence, makes it ambiguous."""
        plain = [(p, "") for p in self.patterns] + [(p, self.guard) for p in self.guarded]
        return [(re.compile(p.format(gap=GAP, n=NUMBER) + rf"\s*{self.unit}"), guard) for p, guard in plain]


def _total(*rows: str) -> tuple[CellKey, ...]:
    return tuple(("table3", row, "total") for row in rows)


REFUSED_ROWS = (
    "refused_secret",
    "refused_by_law",
    "refused_security",
    "refused_third_party",
    "refused_internal",
    "refused_process",
    "refused_enforcement_file",
    "refused_inquiry",
)
APPLICATION = r"(?:政府信息公开|信息公开|依申请公开)?(?:的)?申请(?!人)"

FIGURES: tuple[Figure, ...] = (
    Figure(
        "received",
        "本年新收申请",
        (rf"新收(?:到)?{APPLICATION}{{gap}}{{n}}",),
        _total("received"),
        zero=(rf"(?:没有|未|无)(?:新收|收到)(?:任何)?{APPLICATION}",),
        guarded=(rf"(?<!新)收到{APPLICATION}{{gap}}{{n}}",),  # 「共收到15件，其中上年结转3件」
        guard="结转",
    ),
    Figure(
        "carried_in",
        "上年结转",
        (rf"上年(?:度)?结转(?:的)?(?:{APPLICATION})?{{gap}}{{n}}",),
        _total("carried_in"),
        zero=(rf"(?:没有|无)上年(?:度)?结转(?:的)?{APPLICATION}",),
    ),
    Figure(
        "outcome_total",
        "办结",
        (rf"(?<!年度办理)(?:办结|答复)(?:{APPLICATION})?{{gap}}{{n}}",),  # not 「转下一年度办理答复的有 1 件」
        _total("outcome_total"),
    ),
    Figure("granted", "予以公开", ("予以公开{gap}{n}",), _total("granted")),
    Figure("partly_granted", "部分公开", ("部分公开{gap}{n}",), _total("partly_granted")),
    Figure("refused", "不予公开", ("不予公开{gap}{n}",), _total(*REFUSED_ROWS)),
    Figure(
        "carried_over",
        "结转下年度",
        (r"结转(?:至|到)?下一?年度?(?:继续办理)?{gap}{n}",),
        _total("carried_over"),
    ),
    Figure("review", "行政复议", ("行政复议(?:案件|申请)?{gap}{n}",), (("table4", "review", "total"),)),
    Figure(
        "litigation",
        "行政诉讼",
        ("(?:行政)?诉讼(?:案件)?{gap}{n}",),
        (("table4", "litigation_direct", "total"), ("table4", "litigation_after_review", "total")),
    ),
    Figure("licensing", "行政许可", ("行政许可(?:决定)?{gap}{n}",), (("table2", "licensing", "decisions"),)),
    Figure("penalty", "行政处罚", ("行政处罚(?:决定)?{gap}{n}",), (("table2", "penalty", "decisions"),)),
    Figure("coercion", "行政强制", ("行政强制(?:决定|措施)?{gap}{n}",), (("table2", "coercion", "decisions"),)),
    Figure(
        "fees",
        "行政事业性收费",
        (r"行政事业性收费(?:金额)?{gap}{n}",),
        (("table2", "fees", "amount"),),
        unit="万元",
    ),
)

# 「诉讼9件，均获维持」 (W10): a sentence saying every case of a kind ended upheld.
# The kind is the nearest 复议/诉讼 before the claim in the same sentence; both
# only when written together (「复议和诉讼案件均获维持」); a sentence naming the
# two apart (「复议2件，诉讼9件，均获维持」) is ambiguous and gives no finding.
ALL_UPHELD = re.compile(
    r"(?<![未不没])(?:均|全部|都|全|皆|一律)(?:已|被|获|予以|得到|获得|依法|为|是|结果)*维持|无一(?:被|获)?(?:纠正|撤销)"
)


@dataclass(frozen=True)
class CaseKind:
    """行政复议 or 行政诉讼 as table 四 groups them: the rows summed, the columns that are not 维持."""

    id: str
    name: str
    subject: str  # a regex naming the kind in a sentence
    rows: tuple[str, ...]
    upheld: str = "upheld"
    not_upheld: tuple[str, ...] = ("corrected", "other", "pending")


CASE_KINDS: tuple[CaseKind, ...] = (
    CaseKind("review", "行政复议", r"复议(?!后起诉)", ("review",)),
    CaseKind("litigation", "行政诉讼", r"诉讼|起诉|应诉", ("litigation_direct", "litigation_after_review")),
)
BOTH_KINDS = re.compile(
    r"复议(?:案件)?\s*[和及与、]\s*(?:行政)?(?:诉讼|应诉)|(?:诉讼|应诉)(?:案件)?\s*[和及与、]\s*(?:行政)?复议"
)

# Narrative completeness (W6–W8).
EMPTY_TEXT = re.compile(r"(?:无|暂无|没有|无其他需要报告的事项|/|-|—)?")
PROCESSING_FEE = re.compile(r"信息(?:公开)?处理费|政府信息公开收费")
# 「未收取任何费用」 says no fee of any kind; 「未收取信息处理费」 only that one.
NO_FEE_AT_ALL = re.compile(r"(?:未|没有|不)(?:收取|收)(?:任何)?费用|未收费|无收费|无任何收费")
NO_PROCESSING_FEE = re.compile(r"(?:未|没有|不|无)(?:收取|收)(?:任何)?(?:的)?信息处理费|信息处理费(?:为)?(?:0|零|无)")
FEE_COLLECTED = re.compile(rf"(?<![未没不无])收取(?:了)?(?:信息处理费|费用)(?:共计?|合计)?{NUMBER}\s*(?P<unit>万元|元)")

# Copied from last year (W9): what is not a sentence of its own, and what varies by year.
MARKUP = re.compile(r"^\s*(?:[-*+]\s+|>\s*)|[*_`]")
# Any ordinal a line may start with, loosely (「3)」「（十）」「第二，」「一是」), numbers in
# any mix: a sentence copied from last year is found whatever it was numbered.
_LOOSE = f"[{COUNT_DIGITS}十]+"
ORDINAL = re.compile(rf"^\s*(?:[（(]?[0-9{COUNT_DIGITS}十]+[)）、.．]|{di(_LOOSE)}[，,、]?|{shi()})\s*")
FIGURES_AND_YEARS = re.compile(rf"[0-9０-９]+(?:\.[0-9]+)?|{CHINESE_NUMBER}(?=[件个项条次名人万元年月日%％])")
MIN_SENTENCE = 6  # characters: shorter pieces are headings and list labels
