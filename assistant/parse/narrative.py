"""Figures the narrative states in words ('共收到申请70件', '无…行政复议和行政诉讼').

Reports phrase the same fact many ways; each pattern below names one metric and is anchored on the
verb and unit that make its meaning unambiguous, so that numbers naming something else (信息条数,
办件量, 解读件数) are not taken for table figures. The statements serve two stages: the parser uses
them to break ties between flattened readings, the checks compare them with the tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.models import NarrativeFigure, SectionSpan

# 办结/答复 as the total only when not qualified by an outcome ('不予公开答复3件' is one category).
_UNQUALIFIED = r"(?:(?<=^)|(?<=[,，、\s])|(?<=[共均已时规法部并全]))"
_GAP = r"[^。；;，,\d\n\t|]"
_UNIT = r"\s*(?:件|条|起|宗|个|份)"
# Outcome counts are always 件: '不予公开55条' counts documents by disclosure attribute, not requests.
_CASES = r"\s*件"
_PATTERNS: dict[str, list[str]] = {
    "received": [rf"(?:收到|新收|受理|接收){_GAP}{{0,14}}?(\d+){_UNIT}",
                 rf"(?:收到|新收|受理|接收){_GAP}{{15,30}}?申请(?:共计|共|合计|总计)?(\d+){_UNIT}"],
    "handled": [rf"{_UNQUALIFIED}(?:办结|答复|办理并答复){_GAP}{{0,12}}?(\d+){_UNIT}", rf"(\d+){_UNIT}{_GAP}{{0,10}}?(?:办结|予以答复|已答复|均已答复)"],
    "carried_forward": [rf"(\d+){_UNIT}{_GAP}{{0,4}}?结转(?:至|到)?下一?年", rf"结转(?:至|到)?下一?年度?{_GAP}{{0,8}}?(\d+){_UNIT}"],
    "review": [rf"行政复议{_GAP}{{0,6}}?(\d+){_UNIT}", rf"(\d+){_UNIT}{_GAP}{{0,4}}?行政复议"],
    "suit": [rf"行政诉讼{_GAP}{{0,6}}?(\d+){_UNIT}", rf"(\d+){_UNIT}{_GAP}{{0,4}}?行政诉讼"],
    "corrected": [rf"(?:被纠错|被纠正|纠错){_GAP}{{0,4}}?(\d+){_UNIT}"],
    "suit_lost": [r"(\d+)\s*(?:件|起)?败诉", rf"败诉{_GAP}{{0,4}}?(\d+){_UNIT}"],
    "granted_or_partly": [rf"予以公开(?:及|和|与|、)部分公开{_GAP}{{0,4}}?(\d+){_CASES}"],
    "granted": [rf"(?:予以公开|同意公开|全部公开)(?!及|和|与|、){_GAP}{{0,4}}?(\d+){_CASES}"],
    "partly_granted": [rf"(?<![及和与、])(?:部分公开|区分处理后公开){_GAP}{{0,4}}?(\d+){_CASES}"],
    "withheld": [rf"不予公开{_GAP}{{0,4}}?(\d+){_CASES}"],
    "unable": [rf"无法提供{_GAP}{{0,10}}?(\d+){_CASES}"],
    "not_processed": [rf"不予处理{_GAP}{{0,4}}?(\d+){_CASES}"],
    "other_processed": [rf"其他处理{_GAP}{{0,4}}?(\d+){_CASES}"],
    "doc_issued": [rf"制发{_GAP}{{0,6}}?规范性文件(?:共)?(\d+)\s*件"],
    "doc_repealed": [rf"(?:废止|失效){_GAP}{{0,10}}?(?:文件)(?:共)?(\d+)\s*件"],
    "doc_in_force": [rf"现行有效{_GAP}{{0,10}}?(?:共)?(\d+)\s*件"],
}
_ZERO_PATTERNS: dict[str, list[str]] = {
    "received": [r"(?:未收到|没有收到|未接到|无)[^。；;，,\d]{0,10}?(?:依申请公开|信息公开申请|公开申请)",
                 r"依申请公开(?:数量|件)?[^。；;，,\d]{0,6}?(?:暂无|为零|为0)"],
    "review": [r"(?:无|未发生|没有|未有|未出现|不存在|未收到)[^。；;\d]{0,24}?行政复议"],
    "suit": [r"(?:无|未发生|没有|未有|未出现|不存在|未收到)[^。；;\d]{0,24}?行政诉讼",
             r"(?:无|未发生|没有|未有|未出现|不存在)[^。；;\d]{0,24}?行政复议[^。；;\d]{0,8}?诉讼"],
}
_NEEDS_REQUEST_CONTEXT = {"received", "handled", "carried_forward", "granted_or_partly", "granted", "partly_granted",
                          "withheld", "unable", "not_processed", "other_processed"}
_EXCERPT = 40
_WIDE_SCOPE = re.compile(r"全区|全市|全县|全省|全州|全旗|各单位|各部门|各级")
_SENTENCE = re.compile(r"[^。；;!！?？\n]+")

HINT_KEYS = {
    "received": "requests.new.total",
    "carried_forward": "requests.carried_forward.total",
    "review": "appeals.review.total",
    "doc_issued": "active.normative_doc.issued",
    "doc_repealed": "active.normative_doc.repealed",
    "doc_in_force": "active.normative_doc.in_force",
}


def statements(text: str, sections: Sequence[SectionSpan]) -> list[NarrativeFigure]:
    """Figures the narrative states, from the first section heading on."""
    start = sections[0].start if sections else 0
    found: list[NarrativeFigure] = []
    for sentence in _SENTENCE.finditer(text, start):
        found.extend(_in_sentence(sentence.group(0), sentence.start()))
    return found


def _in_sentence(sentence: str, offset: int) -> list[NarrativeFigure]:
    found: list[NarrativeFigure] = []
    has_request = "申请" in sentence
    for metric, patterns in _PATTERNS.items():
        if metric in _NEEDS_REQUEST_CONTEXT and not has_request:
            continue
        for pattern in patterns:
            for match in re.finditer(pattern, sentence):
                found.append(_statement(metric, int(match.group(1)), sentence, match, offset))
    for metric, patterns in _ZERO_PATTERNS.items():
        for pattern in patterns:
            match = re.search(pattern, sentence)
            if match and not any(s.metric == metric for s in found):
                found.append(_statement(metric, 0, sentence, match, offset))
                break
    return found


def _statement(metric: str, value: int, sentence: str, match: re.Match, offset: int) -> NarrativeFigure:
    clause_start = max(sentence.rfind("，", 0, match.start()), sentence.rfind(",", 0, match.start())) + 1
    clause = sentence[clause_start : match.end()]
    wide = bool(_WIDE_SCOPE.search(clause)) and "本级" not in clause
    excerpt = sentence[max(clause_start, match.start() - _EXCERPT, 0) : match.end() + _EXCERPT].strip()
    return NarrativeFigure(metric=metric, value=value, text=excerpt, offset=offset + match.start(),
                           sentence_start=offset, wide_scope=wide)


def table_hints(found: Sequence[NarrativeFigure]) -> list[tuple[str, float]]:
    """(key, value) the narrative states unambiguously, for breaking ties between table readings."""
    hints: list[tuple[str, float]] = []
    for statement in found:
        key = HINT_KEYS.get(statement.metric)
        if key and not statement.wide_scope:
            hints.append((key, statement.value))
    return hints
