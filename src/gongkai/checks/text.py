"""The narrative rules (W5–W10), in plain Python: reading text is not arithmetic on cells.

They produce the same `Instance`s the suites' rules do, and say which
failed, so `assemble` makes one CheckReport with one kind of finding.
Everything here is conservative: a sentence the patterns cannot tie to one
place gives no finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import singledispatch

from gongkai.checks.instances import Instance, ref
from gongkai.format import phrases
from gongkai.format.ordinals import ARABIC, COUNT, chinese_number
from gongkai.format.phrases import Figure
from gongkai.format.rules import (
    CopiedRule,
    EmptyPartRule,
    FeeClaimRule,
    FeeNoticeRule,
    FiguresRule,
    Rule,
    TextRule,
    UpheldRule,
)
from gongkai.records import narrative
from gongkai.records.record import Record

PYTHON = "python"  # the `suite` of instances no GX suite sees
QUOTE = 40  # characters of a sentence quoted in a message


def _heading(record: Record, key: str) -> str:
    return next(p.heading for p in record.format.parts if p.narrative == key)


def _number(text: str) -> Decimal | None:
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text[:1].isdigit():
        return Decimal(text)
    value = chinese_number(text)
    return None if value is None else Decimal(value)


def _around(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    left = max((text.rfind(c, 0, start) for c in stops), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in stops) if i >= 0]
    return left, min(rights, default=len(text))


def _quote(text: str, start: int, end: int) -> str:
    left, right = _around(text, start, end, phrases.SENTENCE_END)
    sentence = text[left:right].strip(" \t#*-")
    if len(sentence) <= QUOTE:
        return sentence
    a = max(0, min(start - left - 10, len(sentence) - QUOTE))
    return ("…" if a else "") + sentence[a : a + QUOTE] + ("…" if a + QUOTE < len(sentence) else "")


def _joined(text: str, start: int) -> bool:
    """「予以公开及部分公开258件」: the name follows a conjunction after a name with no number."""
    if start < 2 or text[start - 1] not in phrases.JOINS:
        return False
    return not re.search(rf"[{ARABIC}{COUNT}]\s*(?:件|万元|元)$", text[max(0, start - 12) : start - 1])


def statements(figure: Figure, text: str) -> Iterator[tuple[Decimal, int, int]]:
    """(value, start, end) of every statement of the figure the patterns tie to it alone."""
    for regex, guard in figure.regexes():
        for m in regex.finditer(text):
            value = _number(m.group("n"))
            if value is None or phrases.APPROXIMATE.match(text, m.end()):
                continue
            clause_start, _ = _around(text, m.start(), m.end(), phrases.CLAUSE_END)
            if phrases.OTHER_PERIOD.search(text, clause_start, m.start() + 2):
                continue  # 「较上年增加3件」「截至2021年累计12件」: not this year's cell
            if _joined(text, m.start()):
                continue
            if guard:
                s_start, s_end = _around(text, m.start(), m.end(), phrases.SENTENCE_END)
                if guard in text[s_start:s_end]:
                    continue
            yield value, m.start(), m.end()
    for pattern in figure.zero:
        for m in re.finditer(pattern, text):
            yield Decimal(0), m.start(), m.end()


def _figures(rule: FiguresRule, record: Record) -> Iterator[tuple[Instance, bool]]:
    text = record.parts.get(rule.part, "")
    where = _heading(record, rule.part)
    for figure in phrases.FIGURES:
        if not all(k in record.cells for k in figure.cells):
            continue
        values = [record.cells[k] for k in figure.cells]
        cells = tuple(ref(record, k) for k in figure.cells)
        iid = f"{rule.id}:{figure.id}"
        for value, start, end in sorted(statements(figure, text), key=lambda s: s[1]):
            if any(v is None for v in values):
                yield Instance(rule, rule.id, iid, PYTHON, None, None, "", cells, skip="表中有空白单元格"), False
                break
            held = sum((Decimal(v or 0) for v in values), Decimal(0))
            if held == value:
                yield Instance(rule, rule.id, f"{iid}@{start}", PYTHON, value, held), False
                continue
            place = cells[0].label if len(cells) == 1 else "、".join(c.label for c in cells) + "之和"
            message = (
                f"「{where}」写「{_quote(text, start, end)}」（{figure.name} {_show(value)}），但{place}＝{_show(held)}"
            )
            yield Instance(rule, rule.id, iid, PYTHON, value, held, message, cells, figure.cells), True
            break  # one finding per figure: its key is the rule and the cells


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def _plain(text: str) -> str:
    return re.sub(r"[\s#>*_`。.，,；;：:!！?？、（）()\-—]", "", text)


def _says_nothing(text: str) -> bool:
    return bool(phrases.EMPTY_TEXT.fullmatch(_plain(text)))


def _empty_part(rule: EmptyPartRule, record: Record) -> Iterator[tuple[Instance, bool]]:
    text = record.parts.get(rule.part, "")
    bad = _says_nothing(text)
    said = "为空" if not _plain(text) else f"只写了「{text.strip()[:10]}」"
    message = f"「{_heading(record, rule.part)}」{said}：应写明存在的主要问题和改进措施"
    yield Instance(rule, rule.id, f"{rule.id}:{rule.part}", PYTHON, None, None, message), bad


def _applications(record: Record) -> Decimal | None:
    keys = [("table3", "received", "total"), ("table3", "carried_in", "total")]
    values = [record.cells.get(k) for k in keys]
    return None if any(v is None for v in values) else sum((Decimal(v or 0) for v in values), Decimal(0))


def _fee_notice(rule: FeeNoticeRule, record: Record) -> Iterator[tuple[Instance, bool]]:
    text = record.parts.get(rule.part, "")
    iid = f"{rule.id}:{rule.part}"
    if _applications(record) == 0:  # no application, no 信息处理费 can have been charged: nothing applies
        return
    if _applications(record) is None:  # table 三 not filled in (or not read): whether it applies is unknown
        yield Instance(rule, rule.id, iid, PYTHON, None, None, skip="表三的申请数空白，无法判断是否适用"), False
        return
    said = "只写了「无」" if _says_nothing(text) else "没有提到信息处理费"
    message = (
        f"「{_heading(record, rule.part)}」{said}：{record.format.name}要求在此说明信息处理费的收取情况"
        "（未收取也应写明）"
    )
    yield Instance(rule, rule.id, iid, PYTHON, None, None, message), not phrases.PROCESSING_FEE.search(text)


def _fee_claim(rule: FeeClaimRule, record: Record) -> Iterator[tuple[Instance, bool]]:
    other = record.parts.get(rule.part, "")
    heading = _heading(record, rule.part)
    key = ("table2", "fees", "amount")
    amount = record.cells.get(key)
    none_at_all = _says_nothing(other) or phrases.NO_FEE_AT_ALL.search(other)
    if amount and none_at_all:
        r = ref(record, key)
        said = "只写了「无」" if _says_nothing(other) else f"写「{_match_quote(phrases.NO_FEE_AT_ALL, other)}」"
        message = f"{r.label}＝{r.value} 万元，但「{heading}」{said}"
        yield Instance(rule, rule.id, f"{rule.id}:{'.'.join(key)}", PYTHON, None, None, message, (r,), (key,)), True
    no_processing = none_at_all or phrases.NO_PROCESSING_FEE.search(other)
    for part_key, text in record.parts.items():
        for m in phrases.FEE_COLLECTED.finditer(text):
            value = _number(m.group("n"))
            if not value or not no_processing:
                continue
            message = (
                f"「{_heading(record, part_key)}」写「{_quote(text, m.start(), m.end())}」，但「{heading}」说没有收取"
            )
            yield Instance(rule, rule.id, f"{rule.id}:{part_key}", PYTHON, None, None, message), True
            return


def _match_quote(pattern: re.Pattern[str], text: str) -> str:
    m = pattern.search(text)
    return _quote(text, m.start(), m.end()) if m else ""


def _kinds_claimed(text: str, start: int) -> list[phrases.CaseKind]:
    """The kinds of case a claim at `start` is about: the nearest named before it in its sentence.

    Both kinds only when written together (「复议和诉讼均获维持」); named apart, the claim is ambiguous.
    """
    left, _ = _around(text, start, start, phrases.SENTENCE_END)
    before = text[left:start]
    named = {k.id: max((m.end() for m in re.finditer(k.subject, before)), default=-1) for k in phrases.CASE_KINDS}
    present = [k for k in phrases.CASE_KINDS if named[k.id] >= 0]
    if len(present) <= 1 or phrases.BOTH_KINDS.search(before):
        return present
    return []


def _upheld(rule: UpheldRule, record: Record) -> Iterator[tuple[Instance, bool]]:
    """「诉讼9件，均获维持」 against table 四: any case corrected, otherwise ended or pending contradicts it."""
    done: set[str] = set()
    for part_key, text in record.parts.items():
        for m in phrases.ALL_UPHELD.finditer(text):
            for kind in _kinds_claimed(text, m.start()):
                if kind.id in done:
                    continue
                done.add(kind.id)
                iid = f"{rule.id}:{kind.id}"
                keys = [("table4", row, col) for row in kind.rows for col in kind.not_upheld]
                if not all(k in record.cells for k in keys):
                    continue
                if any(record.cells[k] is None for k in keys):
                    skip = "表四有空白单元格"
                    yield Instance(rule, rule.id, iid, PYTHON, None, None, "", skip=skip), False
                    continue
                against = [k for k in keys if record.cells[k]]
                cells = tuple(ref(record, k) for k in against)
                shown = "、".join(f"{c.label}＝{c.value}" for c in cells)
                message = (
                    f"「{_heading(record, part_key)}」写「{_quote(text, m.start(), m.end())}」（{kind.name}全部维持），"
                    f"但{shown}"
                )
                yield Instance(rule, rule.id, iid, PYTHON, None, None, message, cells, tuple(against)), bool(against)


def sentences(text: str) -> list[str]:
    """Sentences with figures and years blanked, sub-headings and list markers dropped.

    Read from the narrative's blocks as a reader sees them: a sub-heading is left
    out whether it is marked `###` or only shaped like one (a Word round trip may
    give either), and emphasis or escapes do not make a sentence differ.
    """
    out = []
    for line in (ln for block in narrative.text_blocks(text) for ln in block.plain.splitlines()):
        line = phrases.MARKUP.sub("", line)
        if phrases.ORDINAL.match(line.strip()) and not re.search(r"[，。；,;]", line) and len(line.strip()) <= 30:
            continue  # a sub-heading written as a plain line (「1、主动公开政府信息情况」), as an <h3> is dropped
        for piece in re.split(f"[{phrases.SENTENCE_END}]", line):
            piece = phrases.ORDINAL.sub("", piece).strip()
            piece = phrases.FIGURES_AND_YEARS.sub("#", piece)
            piece = re.sub(r"\s+", "", piece)
            if len(piece) >= phrases.MIN_SENTENCE:
                out.append(piece)
    return out


def copied_share(record: Record, previous: Record, parts: Iterable[str]) -> tuple[int, int]:
    """(sentences also in last year's report, sentences) over the given parts."""
    mine = [s for p in parts for s in sentences(record.parts.get(p, ""))]
    before = {s for p in parts for s in sentences(previous.parts.get(p, ""))}
    return sum(1 for s in mine if s in before), len(mine)


def _copied(rule: CopiedRule, record: Record, previous: Record | None) -> Iterator[tuple[Instance, bool]]:
    iid = f"{rule.id}:{'+'.join(rule.parts)}"
    if previous is None:
        yield Instance(rule, rule.id, iid, PYTHON, None, None, skip=f"没有 {record.year - 1} 年的记录，未比较"), False
        return
    same, total = copied_share(record, previous, rule.parts)
    if total < rule.min_sentences:
        yield Instance(rule, rule.id, iid, PYTHON, None, None, skip=f"只有 {total} 句，未比较"), False
        return
    share = same / total
    names = "、".join(f"「{_heading(record, p)}」" for p in rule.parts)
    message = (
        f"{names}共 {total} 句，其中 {same} 句（{share:.0%}）与 {previous.year} 年报告相同（数字、年份除外），"
        f"达到 {rule.threshold:.0%}：是否沿用了上年的文字？"
    )
    yield (
        Instance(rule, rule.id, iid, PYTHON, Decimal(same) / Decimal(total), Decimal(str(rule.threshold)), message),
        (share >= rule.threshold),
    )


@singledispatch
def evaluate(rule: TextRule, record: Record, previous: Record | None) -> Iterable[tuple[Instance, bool]]:
    """A text rule's instances and whether each failed: one handler registered per rule kind."""
    raise TypeError(f"no evaluation for {type(rule).__name__}: register a handler for it")


evaluate.register(FiguresRule, lambda rule, record, previous: _figures(rule, record))
evaluate.register(EmptyPartRule, lambda rule, record, previous: _empty_part(rule, record))
evaluate.register(FeeNoticeRule, lambda rule, record, previous: _fee_notice(rule, record))
evaluate.register(FeeClaimRule, lambda rule, record, previous: _fee_claim(rule, record))
evaluate.register(CopiedRule, lambda rule, record, previous: _copied(rule, record, previous))
evaluate.register(UpheldRule, lambda rule, record, previous: _upheld(rule, record))


def text_instances(
    record: Record, previous: Record | None, rules: Iterable[Rule]
) -> tuple[list[Instance], dict[str, set[str]]]:
    """Every instance of the text rules, and the ids that failed, per rule id."""
    items: list[Instance] = []
    failed: dict[str, set[str]] = {}
    if not any(text.strip() for text in record.parts.values()):
        return items, failed  # no narrative at all (a county's summed tables): nothing to read
    for rule in rules:
        if not isinstance(rule, TextRule) or (rule.formats and record.format.id not in rule.formats):
            continue
        for instance, bad in evaluate(rule, record, previous):
            items.append(instance)
            if bad:
                failed.setdefault(rule.id, set()).add(instance.id)
    return items, failed
