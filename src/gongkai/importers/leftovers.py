"""Text that has no place in a record: taken out of the parts and reported, never dropped silently.

A record holds six parts. A published report can carry more: text between the
title and part 一, a note under a table (「注：……」), a heading after part 六
(「七、附件」) and what follows it, the signature and date at the end. Each is
listed with its place (page and line, paragraph, line) so the user can decide.
"""

from __future__ import annotations

import re
import unicodedata

from gongkai.format import BODY_SUFFIXES, Format
from gongkai.format.common import PARTS
from gongkai.format.labels import normalize
from gongkai.format.ordinals import NUMERAL, SMALL, YEAR, chinese_number
from gongkai.importers.base import Line, Problem, Trouble

# 「七、附件」: a numbered heading (七 to 十九) past the official parts, or an appendix.
_BEYOND = re.compile(rf"^\s*(?:#+\s*)?(?:(?P<number>{NUMERAL}{{1,2}})\s*[、.．]|附\s*[件表录])")
_DATE = re.compile(
    rf"^(?:(?:19|20)\d\d|{YEAR})\s*年"
    rf"(?:\s*(?:\d{{1,2}}|{SMALL})\s*月(?:\s*(?:\d{{1,2}}|{SMALL})\s*日)?)?$"
)
_SENTENCE = re.compile(r"[。！？!?]|[；;]$")
_SIGNER = (*BODY_SUFFIXES, "办公室", "政府办", "委员会")
MAX_LISTED = 5  # stray paragraphs named one by one per part; the rest counted


def _quote(line: Line) -> str:
    text = line.text
    return f"「{text[:30]}{'……' if len(text) > 30 else ''}」"


def preamble(before: list[Line], used: set[int]) -> list[Problem]:
    """Text before part 一 other than the title and place line."""
    rest = [line for line in before if line.text and id(line) not in used]
    if not rest:
        return []
    what = f"标题与第一部分之间的 {len(rest)} 段文字没有导入记录（如「{rest[0].text[:30]}」）"
    return [Problem(rest[0].where, what, Trouble.NOTE)]


def beyond_parts(fmt: Format, bodies: dict[str, list[Line]]) -> list[Problem]:
    """Cut the last part at a heading no part has (「七、附件」): what follows belongs to none.

    The part's lines are shortened in place, so the heading and its text are
    not imported as part of the part above them.
    """
    problems: list[Problem] = []
    for part in [p for p in fmt.parts if bodies.get(p.number)][-1:]:  # the part the document ends with
        lines = bodies[part.number]
        if part.narrative is None:
            continue
        cut = next((k for k, line in enumerate(lines) if _is_stray_heading(line)), None)
        if cut is None:
            continue
        rest = [line for line in lines[cut:] if line.text]
        del lines[cut:]
        what = f"「{part.heading}」之后的 {len(rest)} 段文字（自{_quote(rest[0])}起）不属于报告的任何部分，没有导入记录"
        problems.append(Problem(rest[0].where, what, Trouble.NOTE))
    return problems


def _is_stray_heading(line: Line) -> bool:
    text = unicodedata.normalize("NFKC", line.text).strip()
    m = _BEYOND.match(text) if not line.table and 0 < len(text) <= 40 else None
    return m is not None and (m["number"] is None or len(PARTS) < (chinese_number(m["number"]) or 0) < 20)


def signature(fmt: Format, bodies: dict[str, list[Line]], order: list[str] | None = None) -> list[Problem]:
    """The signer and date closing the report (「某镇人民政府」「2024年1月20日」), taken off the last part.

    `order`: the parts as the document has them (the last printed part ends the report, whatever its number).
    """
    parts = sorted(fmt.parts, key=lambda p: order.index(p.number) if order and p.number in order else -1)
    last = next((p for p in reversed(parts) if bodies.get(p.number)), None)
    if last is None or last.narrative is None:
        return []
    lines = bodies[last.number]
    end = len(lines)
    taken: list[Line] = []
    while end > 0 and len(taken) < 3:
        line = lines[end - 1]
        if not line.text:
            end -= 1
            continue
        if not (_is_date(line) or _is_signer(line)):
            break
        taken.insert(0, line)
        end -= 1
    if not taken or not any(_is_date(line) for line in taken):
        return []  # a body's name alone at the end may be the part's own last sentence
    del lines[end:]
    what = f"文末落款「{' '.join(line.text for line in taken)}」不属于「{last.heading}」，没有导入记录"
    return [Problem(taken[0].where, what, Trouble.NOTE)]


def _is_date(line: Line) -> bool:
    return not line.table and _DATE.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", line.text))) is not None


def _is_signer(line: Line) -> bool:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", line.text))
    return not line.table and 2 < len(text) <= 30 and not _SENTENCE.search(text) and text.endswith(_SIGNER)


def in_tables(fmt: Format, bodies: dict[str, list[Line]], labels: set[str]) -> list[Problem]:
    """Sentences under a table part's heading (a note, an explanation): no cell and no part holds them.

    `labels` are every row and column spelling of the format, so a label on a
    line of its own (a table flattened by copying) is never taken for one.
    """
    problems: list[Problem] = []
    for part in fmt.parts:
        if part.table is None:
            continue
        stray = [line for line in bodies.get(part.number, []) if _is_sentence(line, labels)]
        for line in stray[:MAX_LISTED]:
            what = f"「{part.heading}」中的文字{_quote(line)}不属于表格，没有导入记录"
            problems.append(Problem(line.where, what, Trouble.NOTE))
        if len(stray) > MAX_LISTED:
            what = f"「{part.heading}」中另有 {len(stray) - MAX_LISTED} 段文字不属于表格，没有导入记录"
            problems.append(Problem(stray[MAX_LISTED].where, what, Trouble.NOTE))
    return problems


def _is_sentence(line: Line, labels: set[str]) -> bool:
    texts = [s.text for s in line.cells if s.text and s.text.strip()]
    if line.table or len(texts) != 1:
        return False
    text = texts[0].strip()
    if normalize(text) in labels:
        return False
    return _SENTENCE.search(text) is not None or len(text) > 60
