"""Typed claims of the narrative ('共收到申请70件', '行政复议3件(均调解结案)', '无…行政诉讼').

Reports phrase the same fact many ways; each pattern below names one metric and is anchored on the
verb and unit that make its meaning unambiguous, so that numbers naming something else (信息条数,
办件量, 解读件数) are not taken for table figures: those are kept as `context` claims. Every claim
carries its unit, whether it is approximate (余/多/约), its scope (全区 vs 本级), the year it speaks
of, its relation to the figures before it (其中/其余/分别/合计/同比) and, for 复议/诉讼, the outcome
word. Negations (无, 未发生, 未收到) are claims of zero; Chinese numerals (三件, 两起) are read.
The claims serve two stages: the parser uses them to break ties between flattened readings, the
checks compare them with the tables and with each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Optional

from assistant.models import NarrativeFigure, Number, SectionSpan

NUM = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+)"
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
# 办结/答复 as the total only when not qualified by an outcome ('不予公开答复3件' is one category).
_UNQUALIFIED = r"(?:(?<=^)|(?<=[,，、\s])|(?<=[共均已时规法部并全]))"
_GAP = r"[^。；;，,\d\n\t|]"
_APPROX = r"\s*(?:余|多)?"
_UNIT = _APPROX + r"\s*(?:件|条|起|宗|个|份)(?!事)"
# Outcome counts are always 件: '不予公开55条' counts documents by disclosure attribute, not requests.
_CASES = r"\s*件(?!事)"
_PATTERNS: dict[str, list[str]] = {
    "received": [rf"(?:收到|新收|受理|接收|接到){_GAP}{{0,14}}?{NUM}{_UNIT}",
                 rf"(?:收到|新收|受理|接收){_GAP}{{15,30}}?申请(?:共计|共|合计|总计)?{NUM}{_UNIT}"],
    "carried_over": [rf"(?:上年结转|上年度结转|结转上年度?){_GAP}{{0,14}}?{NUM}{_UNIT}"],
    "handled": [rf"{_UNQUALIFIED}(?:办结|答复|办理并答复){_GAP}{{0,12}}?{NUM}{_UNIT}",
                rf"{NUM}{_UNIT}{_GAP}{{0,10}}?(?:办结|予以答复|已答复|均已答复)"],
    "carried_forward": [rf"{NUM}{_UNIT}{_GAP}{{0,4}}?结转(?:至|到)?下一?年", rf"结转(?:至|到)?下一?年度?{_GAP}{{0,8}}?{NUM}{_UNIT}",
                        rf"结转(?:至|到)20\d\d年{_GAP}{{0,6}}?{NUM}{_UNIT}"],
    "review": [rf"行政复议{_GAP}{{0,6}}?{NUM}{_UNIT}", rf"{NUM}{_UNIT}{_GAP}{{0,4}}?行政复议"],
    "suit": [rf"行政诉讼{_GAP}{{0,6}}?{NUM}{_UNIT}", rf"{NUM}{_UNIT}{_GAP}{{0,4}}?行政诉讼"],
    "corrected": [rf"(?:被纠错|被纠正|纠错){_GAP}{{0,4}}?{NUM}{_UNIT}"],
    "suit_lost": [rf"{NUM}\s*(?:件|起)?败诉", rf"败诉{_GAP}{{0,4}}?{NUM}{_UNIT}"],
    "granted_or_partly": [rf"予以公开(?:及|和|与|、)部分公开{_GAP}{{0,4}}?{NUM}{_CASES}"],
    "granted": [rf"(?:予以公开|同意公开|全部公开)(?!及|和|与|、){_GAP}{{0,4}}?{NUM}{_CASES}"],
    "partly_granted": [rf"(?<![及和与、])(?:部分公开|区分处理后公开){_GAP}{{0,4}}?{NUM}{_CASES}"],
    "withheld": [rf"不予公开{_GAP}{{0,4}}?{NUM}{_CASES}"],
    "unable": [rf"无法提供{_GAP}{{0,10}}?{NUM}{_CASES}"],
    "not_processed": [rf"不予处理{_GAP}{{0,4}}?{NUM}{_CASES}"],
    "other_processed": [rf"其他处理{_GAP}{{0,4}}?{NUM}{_CASES}"],
    "applicant_natural": [rf"自然人(?:申请|提出)?{_GAP}{{0,3}}?{NUM}{_UNIT}"],
    "applicant_org": [rf"法人(?:或其他组织|和其他组织|及其他组织)?(?:申请|提出)?{_GAP}{{0,3}}?{NUM}{_UNIT}"],
    "applicant_commercial": [rf"(?<!法人或其他组织)商业企业(?:申请|提出)?{_GAP}{{0,3}}?{NUM}{_UNIT}"],
    "doc_issued": [rf"(?:制发|发布|出台|印发){_GAP}{{0,6}}?规范性文件(?:共)?{NUM}\s*件"],
    "doc_repealed": [rf"(?:废止|失效){_GAP}{{0,10}}?(?:文件)(?:共)?{NUM}\s*件"],
    "doc_in_force": [rf"现行有效{_GAP}{{0,10}}?(?:共)?{NUM}\s*件"],
}
_NEGATION = r"(?:无|未发生|没有|未有|未出现|不存在|未收到)"
_ZERO_PATTERNS: dict[str, list[str]] = {
    "received": [r"(?:未收到|没有收到|未接到|无)[^。；;，,\d]{0,12}?(?:依申请公开|信息公开申请|公开申请|政府信息申请)",
                 r"依申请公开(?:数量|件)?[^。；;，,\d]{0,6}?(?:暂无|为零|为0)"],
    "review": [rf"{_NEGATION}[^。；;\d]{{0,24}}?行政复议"],
    "suit": [rf"{_NEGATION}[^。；;\d]{{0,24}}?行政诉讼",
             rf"{_NEGATION}[^。；;\d]{{0,24}}?行政复议[^。；;\d]{{0,8}}?诉讼"],
    "corrected": [rf"{_NEGATION}[^。；;，,\d]{{0,6}}?(?:被纠错|结果纠正|被纠正)"],
    "doc_issued": [r"(?:未有|没有|未制发)(?:行政)?规范性文件(?![^。;；]{0,6}?\d)"],
}
# Compiled once: every sentence of every report is tried against all of them.
_COMPILED = {metric: [re.compile(p) for p in patterns] for metric, patterns in _PATTERNS.items()}
_COMPILED_ZERO = {metric: [re.compile(p) for p in patterns] for metric, patterns in _ZERO_PATTERNS.items()}
# Words every match of a metric's patterns contains (each alternative of each pattern holds one):
# a sentence without any is not tried against the metric's patterns, most of the narrative's cost.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "received": ("收到", "新收", "受理", "接收", "接到"), "carried_over": ("结转",), "handled": ("办结", "答复"),
    "carried_forward": ("结转",), "review": ("行政复议",), "suit": ("行政诉讼",), "corrected": ("纠错", "纠正"),
    "suit_lost": ("败诉",), "granted_or_partly": ("予以公开",), "granted": ("公开",), "partly_granted": ("公开",),
    "withheld": ("不予公开",), "unable": ("无法提供",), "not_processed": ("不予处理",), "other_processed": ("其他处理",),
    "applicant_natural": ("自然人",), "applicant_org": ("法人",), "applicant_commercial": ("商业企业",),
    "doc_issued": ("规范性文件",), "doc_repealed": ("文件",), "doc_in_force": ("现行有效",),
}
_ZERO_KEYWORDS: dict[str, tuple[str, ...]] = {
    "received": ("申请",), "review": ("行政复议",), "suit": ("诉讼",), "corrected": ("纠错", "纠正"),
    "doc_issued": ("规范性文件",),
}
# All those words found in one scan of a sentence, not a scan per metric: the alternation tries the
# longest word first at each position, and a word matched stands for every word it contains.
_ALL_KEYWORDS = sorted({w for words in (*_KEYWORDS.values(), *_ZERO_KEYWORDS.values()) for w in words} | {"申请"},
                       key=lambda w: (-len(w), w))
_ANY_KEYWORD = re.compile("(?=(" + "|".join(map(re.escape, _ALL_KEYWORDS)) + "))")
_CONTAINED = {w: frozenset(v for v in _ALL_KEYWORDS if v in w) for w in _ALL_KEYWORDS}
_METRIC_ORDER = {metric: index for index, metric in enumerate(_COMPILED)}
_METRICS_OF = {w: {m for m, words in _KEYWORDS.items() if not _CONTAINED[w].isdisjoint(words)} for w in _ALL_KEYWORDS}
_ZERO_METRICS_OF = {w: {m for m, words in _ZERO_KEYWORDS.items() if not _CONTAINED[w].isdisjoint(words)}
                    for w in _ALL_KEYWORDS}
_NEEDS_REQUEST_CONTEXT = {"received", "handled", "carried_over", "carried_forward", "granted_or_partly", "granted",
                          "partly_granted", "withheld", "unable", "not_processed", "other_processed",
                          "applicant_natural", "applicant_org", "applicant_commercial"}
# Outcome words of 复议/诉讼 and the table column they belong to: mediation, withdrawal, termination
# and 驳回起诉 (procedural) are 其他结果; 驳回诉讼请求/驳回复议申请 on the merits uphold the act.
OUTCOME_COLUMNS: dict[str, str] = {
    "调解": "other", "撤诉": "other", "撤回": "other", "终止": "other", "驳回起诉": "other",
    "驳回诉讼请求": "upheld", "驳回复议申请": "upheld", "维持": "upheld",
    "尚未判决": "pending", "尚未审结": "pending", "尚未结案": "pending", "正在审理": "pending", "审理中": "pending",
    "纠正": "corrected", "纠错": "corrected", "撤销": "corrected", "确认违法": "corrected",
}
_OUTCOME = re.compile(
    rf"(?:(?P<all>均|全部|都)|(?P<n>{NUM})\s*(?:件|起)(?!事))?[^,，;；、(]{{0,8}}?"
    r"(?P<word>驳回起诉|驳回诉讼请求|驳回复议申请|调解|撤诉|撤回|终止|维持|尚未判决|尚未审结|尚未结案|正在审理|审理中|"
    r"确认违法|纠正|纠错|撤销)(?:结案)?")
_SETTLED = re.compile(r"(?:均已|均|已全部|全部)(?:审结|结案)")
_GROUP_MENTION = re.compile(r"行政复议|行政诉讼")
_EXCERPT = 40
_WHOLE_SCOPE = re.compile(r"全区|全市|全县|全省|全州|全旗|各单位|各部门|各级")
_OWN_SCOPE = re.compile(r"本级|本单位|区府办|区政府办|市政府办|县政府办|我办|本办")
_ANY_SCOPE = re.compile(f"{_WHOLE_SCOPE.pattern}|{_OWN_SCOPE.pattern}")
_SENTENCE = re.compile(r"[^。；;!！?？\n]+")
_YEAR = re.compile(r"(20\d\d)\s*年(?!\d)")
_RELATIONS = (("其余", r"其余|剩余|余下"), ("分别", r"分别"), ("其中", r"其中"), ("同比", r"同比|较上年|比上年"),
              ("合计", r"共计|合计|总计|总数|(?<!公)共(?![同享建性识])"))
_CONTEXT_NUMBER = re.compile(
    r"(?<![\d.])(?:约|近|超过|逾)?(\d+(?:\.\d+)?)(\s*(?:余|多)?\s*(?:(万|亿)?(?:件(?!事)|条|起|宗|个|份|元|次|场次|场|大项|小项|项|家|期|篇|"
    r"人次|人|名|批|轮|类|处|张|通|分钟|天|个工作日|%)|万(?=[,，。;；、)）\s]|$)))")
_CN_CONTEXT = re.compile(r"(?<![一二三四五六七八九十第])([两二三四五六七八九十]+)(次|项|处|场)")
_SCALE = {"万": 10_000, "亿": 100_000_000}
_ZERO_CONTEXT = re.compile(r"(?:无|未|没有|不存在|不)(?:发现|产生|发生|发出|收取|需要|涉及)?[^。;，,\d]{0,12}?"
                           r"(?:信息处理费|处理费|收费|费用|责任追究)|(?:责任追究|收费)(?:情况)?[^。;，,\d]{0,4}?无")
# A count printed without a unit after 信息数/总数 ('主动公开信息数130,依申请公开信息数363条').
_BARE_COUNT = re.compile(r"(?:信息数|总数|数量)(?:为|是|共)?\s*(\d+)(?=\s*[,，。;；、)）]|\s*$)")
_TABLE_WORDS = re.compile(r"本年新收|结果维持|第二十条|本年制发|处理决定数量|申请人情况|本年新制作|上一年项目数量|"
                          r"集中采购|收费金额|行政事业性收费")

HINT_KEYS = {
    "received": "requests.new.total",
    "carried_forward": "requests.carried_forward.total",
    "review": "appeals.review.total",
    "doc_issued": "active.normative_doc.issued",
    "doc_repealed": "active.normative_doc.repealed",
    "doc_in_force": "active.normative_doc.in_force",
}


def number_value(text: str) -> Number:
    """'12' → 12, '3.27' → 3.27, '三' → 3, '十二' → 12, '二十五' → 25, '两' → 2."""
    if text[0].isdigit():
        return float(text) if "." in text else int(text)
    total, digit = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        else:
            total += (digit or 1) * _CN_UNITS[char]
            digit = 0
    return total + digit


def statements(text: str, sections: Sequence[SectionSpan], year: Optional[int] = None) -> list[NarrativeFigure]:
    """Claims the narrative states, from the first section heading on."""
    start = sections[0].start if sections else 0
    narrative = [(s.body_start, s.end) for s in sections if s.id in ("一", "五", "六")]
    found: list[NarrativeFigure] = []
    for sentence in _SENTENCE.finditer(text, start):
        in_narrative = any(a <= sentence.start() < b for a, b in narrative)
        found.extend(_in_sentence(sentence.group(0), sentence.start(), in_narrative))
    return found


def _in_sentence(sentence: str, offset: int, in_narrative: bool) -> list[NarrativeFigure]:
    found: list[NarrativeFigure] = []
    words = set(_ANY_KEYWORD.findall(sentence))
    has_request = any("申请" in word for word in words)
    metrics = {metric for word in words for metric in _METRICS_OF[word]}
    for metric in sorted(metrics, key=_METRIC_ORDER.__getitem__):
        if metric in _NEEDS_REQUEST_CONTEXT and not has_request:
            continue
        for pattern in _COMPILED[metric]:
            for match in pattern.finditer(sentence):
                if not any(f.offset == offset + match.start(1) and f.metric == metric for f in found):
                    found.append(_claim(metric, number_value(match.group(1)), sentence, match, offset))
    zero_metrics = {metric for word in words for metric in _ZERO_METRICS_OF[word]}
    for metric, patterns in _COMPILED_ZERO.items():
        if metric not in zero_metrics:
            continue
        for pattern in patterns:
            match = pattern.search(sentence)
            if match and not any(s.metric == metric for s in found):
                found.append(_claim(metric, 0, sentence, match, offset, number_group=0))
                break
    found.extend(_appeal_outcomes(sentence, offset, found))
    found.sort(key=lambda f: f.offset)
    _resolve_parallel_scopes(sentence, offset, found)
    if in_narrative or not _TABLE_WORDS.search(sentence):
        found.extend(_context_claims(sentence, offset, found))
    found.sort(key=lambda f: f.offset)
    _add_relations(sentence, offset, found)
    return found


def _claim(metric: str, value: Number, sentence: str, match: re.Match, offset: int, number_group: int = 1,
           outcome: str = "") -> NarrativeFigure:
    at = match.start(number_group)
    clause_start = _clause_start(sentence, match.start())
    clause = sentence[clause_start : match.end()]
    scope = _scope(sentence, clause_start, clause)
    after = sentence[match.end(number_group) : match.end(number_group) + 3] if number_group else ""
    before = sentence[max(0, at - 2) : at]
    unit = re.match(r"\s*(?:余|多)?\s*(万元|亿元|件|条|起|宗|个|份|%)", after) if number_group else None
    excerpt = sentence[max(clause_start, match.start() - _EXCERPT, 0) : match.end() + _EXCERPT].strip()
    years = [int(y) for y in _YEAR.findall(sentence[:at])]
    return NarrativeFigure(
        metric=metric, value=value, text=excerpt, offset=offset + at, sentence_start=offset,
        unit=unit.group(1) if unit else ("" if number_group else "件"),
        approx=bool(re.match(r"\s*(?:余|多)", after)) or bool(re.search(r"(?:约|近|超过|逾)$", before)),
        scope=scope, period=years[-1] if years else None,
        outcome=outcome)


def _clause_start(sentence: str, position: int) -> int:
    return max(sentence.rfind(",", 0, position), sentence.rfind("，", 0, position)) + 1


def _scope(sentence: str, clause_start: int, clause: str) -> str:
    """The clause's own scope word, else the nearest one before it in the sentence."""
    own = _scope_of(clause)
    if own:
        return own
    for match in reversed(list(_ANY_SCOPE.finditer(sentence[:clause_start]))):
        return _scope_of(match.group(0))
    return ""


def _scope_of(text: str) -> str:
    if _OWN_SCOPE.search(text):
        return "own"
    return "whole" if _WHOLE_SCOPE.search(text) else ""


def _resolve_parallel_scopes(sentence: str, offset: int, found: list[NarrativeFigure]) -> None:
    """'全区…复议4件,区本级…复议1件,…诉讼10件,0败诉,区本级…诉讼0件': a figure that only inherits 本级
    while the same sentence gives that metric's 本级 figure explicitly belongs to the other scope, and
    so do the unscoped figures that follow it."""
    def explicit(claim: NarrativeFigure) -> bool:
        local = claim.offset - offset
        return bool(_scope_of(sentence[_clause_start(sentence, local) : local + 1]))

    if not any(f.scope == "whole" for f in found):
        return
    previous = ""
    for claim in found:
        if explicit(claim):
            previous = claim.scope
            continue
        if claim.scope == "own" and any(f.metric == claim.metric and f.scope == "own" and explicit(f) for f in found):
            claim.scope = "whole"
        elif previous:
            claim.scope = previous
        previous = claim.scope


def _appeal_outcomes(sentence: str, offset: int, found: list[NarrativeFigure]) -> list[NarrativeFigure]:
    """'行政复议3件(均调解结案)', '行政诉讼3件(2件调解结案,1件尚未判决)', '复议1件,当事人后续主动撤诉'."""
    outcomes: list[NarrativeFigure] = []
    groups = [f for f in found if f.metric in ("review", "suit") and f.value]
    mentions = [m.start() for m in _GROUP_MENTION.finditer(sentence)]
    for group in groups:
        local = group.offset - offset
        window_end = min([m for m in mentions if m > local] + [len(sentence)])
        window_start = local + len(str(group.value))
        window = sentence[window_start:window_end]
        matches = list(_OUTCOME.finditer(window))
        for match in matches:
            if re.search(_NEGATION, window[max(0, match.start() - 6):match.end()]) or (
                    match.group("word") in ("纠正", "纠错", "撤销") and re.match(r"\s*\d", window[match.end():])):
                continue
            count = match.group("n")
            value = number_value(count) if count else group.value if (match.group("all") or len(matches) == 1) else None
            if value is None:
                continue
            column = OUTCOME_COLUMNS[match.group("word")]
            shifted = _Shifted(match, window_start)
            outcomes.append(_claim(f"{group.metric}_{column}", value, sentence, shifted, offset,
                                   number_group=1 if count else 0, outcome=match.group(0)))
        settled = _SETTLED.search(window)
        if settled and not matches:
            outcomes.append(_claim(f"{group.metric}_pending", 0, sentence, _Shifted(settled, window_start), offset,
                                   number_group=0, outcome=settled.group(0)))
    return outcomes


class _Shifted:
    """A match inside a window, seen with the sentence's offsets (group 1 is the count)."""

    def __init__(self, match: re.Match, shift: int):
        self._match, self._shift = match, shift

    def _group(self, group: int) -> str | int:
        return "n" if group == 1 else 0

    def start(self, group: int = 0) -> int:
        return self._match.start(self._group(group)) + self._shift

    def end(self, group: int = 0) -> int:
        return self._match.end(self._group(group)) + self._shift

    def group(self, group: int = 0) -> str:
        return self._match.group(self._group(group))


def _context_claims(sentence: str, offset: int, found: list[NarrativeFigure]) -> list[NarrativeFigure]:
    """Numbers with a unit that no metric pattern took: what else the narrative counts (万/亿 scaled)."""
    taken = {f.offset for f in found}
    claims = []
    for match in _CONTEXT_NUMBER.finditer(sentence):
        if offset + match.start(1) in taken:
            continue
        value = round(number_value(match.group(1)) * _SCALE.get(match.group(3) or match.group(2).strip()[-1:], 1), 6)
        claim = _claim("context", int(value) if float(value).is_integer() else value, sentence, match, offset)
        claim.unit = re.sub(r"^[余多万亿\s]+", "", match.group(2)) or "万"
        claim.approx = claim.approx or match.group(0)[0] in "约近超逾"
        claims.append(claim)
    for match in _CN_CONTEXT.finditer(sentence):
        claims.append(_claim("context", number_value(match.group(1)), sentence, match, offset))
    for match in _BARE_COUNT.finditer(sentence):
        if offset + match.start(1) not in taken:
            claims.append(_claim("context", number_value(match.group(1)), sentence, match, offset))
    zero = _ZERO_CONTEXT.search(sentence)
    if zero and not any(f.value == 0 for f in found):
        claims.append(_claim("context", 0, sentence, zero, offset, number_group=0))
    return claims


def _add_relations(sentence: str, offset: int, found: list[NarrativeFigure]) -> None:
    """How each claim stands to the ones before it: the words between the previous claim and it."""
    previous_end = 0
    for claim in found:
        local = claim.offset - offset
        between = sentence[previous_end:local]
        for relation, pattern in _RELATIONS:
            if re.search(pattern, between):
                claim.relation = relation
                break
        if claim.relation == "" and re.search(r"其中", sentence[:local]) and previous_end:
            claim.relation = "其中"
        previous_end = local + len(str(claim.value))


def table_hints(found: Sequence[NarrativeFigure]) -> list[tuple[str, float]]:
    """(key, value) the narrative states unambiguously, for breaking ties between table readings:
    exact figures of the report's own scope (whole-area figures only when no 本级 figure is given)."""
    own_given = any(s.scope == "own" for s in found)
    hints: list[tuple[str, float]] = []
    for statement in found:
        key = HINT_KEYS.get(statement.metric)
        if key and not statement.approx and not (statement.wide_scope and own_given):
            hints.append((key, statement.value))
    return hints
