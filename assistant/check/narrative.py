"""Narrative against tables (TEXT_TABLE_MISMATCH) and against itself (TEXT_ARITHMETIC).

A stated figure is compared with the cell its words name, as a reviewer reads them: 收到/受理/新收 is
本年新收 (a 收到 that counts 上年结转 too is itself worth correcting), 办结/答复 is （七）总计; where the
words allow several cells (行政诉讼 may be one kind of suit or both) a warning is raised only when
the figure matches none. Approximate figures (余/多/约), figures of another year and context
figures are never compared.
When a report gives both whole-area (全区) and own-level (本级) figures, each table is compared with
both scopes: a section 三 table of one scope beside a section 四 table of the other is one finding
naming both tables; otherwise whole-area figures are left aside, since the tables count one level.
Outcome words are read as a reviewer reads them: 调解/撤诉/终止/驳回起诉 are 其他结果, 驳回诉讼请求 and
驳回复议申请 uphold the act, 尚未判决 is 尚未审结.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Optional

from assistant import catalogue
from assistant.catalogue import key_label
from assistant.check.evidence import cells_evidence, fmt, quote
from assistant.models import Finding, NarrativeFigure, Report
from assistant.parse.narrative import OUTCOME_COLUMNS

_Reader = Callable[[Report], Optional[float]]


def _get(*keys: str) -> _Reader:
    def value(report: Report) -> Optional[float]:
        values = [report.value(k) for k in keys]
        return None if any(v is None for v in values) else sum(values)
    return value


def _rows(prefix: str) -> list[str]:
    return [f"requests.{row}.total" for row in catalogue.request_detail_rows("2021") if row.startswith(prefix)]


_NEW, _CARRIED, _TOTAL = _get("requests.new.total"), _get("requests.carried_over.total"), _get("requests.total.total")
_SUITS = ("appeals.suit_direct", "appeals.suit_after_review")
_METRICS: dict[str, tuple[str, list[str], list[_Reader]]] = {
    "received": ("收到申请数", ["requests.new.total"], [_NEW]),
    "carried_over": ("上年结转申请数", ["requests.carried_over.total"], [_CARRIED]),
    "handled": ("办结/答复申请数", ["requests.total.total"], [_TOTAL]),
    "carried_forward": ("结转下年度数", ["requests.carried_forward.total"], [_get("requests.carried_forward.total")]),
    "review": ("行政复议数", ["appeals.review.total"], [_get("appeals.review.total")]),
    "suit": ("行政诉讼数", [f"{g}.total" for g in _SUITS],
             [_get(*(f"{g}.total" for g in _SUITS)), _get(f"{_SUITS[0]}.total"), _get(f"{_SUITS[1]}.total")]),
    **{metric: (label, keys, [_get(*keys)]) for metric, label, keys in (
        ("granted_or_partly", "予以公开及部分公开数", ["requests.granted.total", "requests.partly_granted.total"]),
        ("granted", "予以公开数", ["requests.granted.total"]),
        ("partly_granted", "部分公开数", ["requests.partly_granted.total"]),
        ("withheld", "不予公开数", _rows("withheld.")),
        ("unable", "无法提供数", _rows("unable.")),
        ("not_processed", "不予处理数", _rows("not_processed.")),
    )},
    "corrected": ("被纠错数", ["appeals.review.corrected"],
                  [_get("appeals.review.corrected"),
                   _get("appeals.review.corrected", *(f"{g}.corrected" for g in _SUITS))]),
    "suit_lost": ("行政诉讼败诉（结果纠正）数", [f"{g}.corrected" for g in _SUITS], [_get(*(f"{g}.corrected" for g in _SUITS))]),
    **{metric: (label, [f"requests.new.{c}" for c in columns], [_get(*(f"requests.new.{c}" for c in columns))])
       for metric, label, columns in (
        ("applicant_natural", "自然人申请数", ["natural"]),
        ("applicant_commercial", "商业企业申请数", ["commercial"]),
        ("applicant_org", "法人或其他组织申请数", ["commercial", "research", "social", "legal", "other_org"]))},
    "doc_issued": ("本年制发规范性文件数", ["active.normative_doc.issued"], [_get("active.normative_doc.issued")]),
    "doc_repealed": ("本年废止规范性文件数", ["active.normative_doc.repealed"], [_get("active.normative_doc.repealed")]),
    "doc_in_force": ("现行有效规范性文件数", ["active.normative_doc.in_force"], [_get("active.normative_doc.in_force")]),
}
_OUTCOME_LABELS = dict(catalogue.APPEAL_OUTCOMES)
_GROUP_LABELS = {"review": "行政复议", "suit": "行政诉讼"}
_TABLE_OF = {"三": "第三部分（收到和处理政府信息公开申请）", "四": "第四部分（行政复议、行政诉讼）"}


def exact(report: Report) -> list[NarrativeFigure]:
    """Exact claims about the report's own year (context ones included: the text's arithmetic)."""
    year = report.meta.year
    return [s for s in report.statements if not s.approx and (s.period is None or year is None or s.period == year)]


def comparable(report: Report) -> list[NarrativeFigure]:
    """Exact claims of the report's own year that name a table figure."""
    return [s for s in exact(report) if not s.context]


def check_text_vs_tables(report: Report) -> list[Finding]:
    claims = comparable(report)
    totals = [s for s in claims if s.metric in _METRICS or s.metric == "other_processed"]
    findings, settled = _mixed_scope(report, totals)
    own_given = any(s.scope == "own" for s in totals)
    by_metric: dict[str, list[NarrativeFigure]] = defaultdict(list)
    for statement in totals:
        if statement.metric not in settled:
            by_metric[statement.metric].append(statement)
    for metric, all_stated in by_metric.items():
        label, keys, readers = _metric(metric, report)
        accepted = _readings(report, readers)
        stated = [s for s in all_stated if not (s.wide_scope and own_given)]
        if not accepted or not stated or any(s.value in accepted for s in all_stated):
            continue
        phrases = "；".join(f"“{_clip(s.text)}”" for s in stated[:3])
        findings.append(Finding(
            rule="TEXT_TABLE_MISMATCH", severity="warning", keys=keys,
            evidence=[quote(report, s.offset) for s in stated[:3]] + cells_evidence(report, keys),
            message=(f"正文所述{label}（{'、'.join(fmt(s.value) for s in stated[:3])}）与表格不一致："
                     f"表格{'+'.join(key_label(k) for k in keys)}为{fmt(accepted[0])}。正文：{phrases}。")))
    return findings + _outcomes(report, claims)


def _metric(metric: str, report: Report):
    """What a metric names in this report's template (其他处理 is one row in 2019, three in 2021)."""
    if metric != "other_processed":
        return _METRICS[metric]
    keys = ["requests.other.all.total"] if report.value("requests.other.all.total") is not None else \
        [f"requests.{row}.total" for row in catalogue.request_detail_rows("2021") if row.startswith("other.")]
    return "其他处理数", keys, [_get(*keys)]


def _readings(report: Report, readers: list[_Reader]) -> list[float]:
    """The values the tables allow for a stated figure (readers whose cells are empty give none)."""
    return [v for v in (read(report) for read in readers) if v is not None]


def _agrees(report: Report, claims: list[NarrativeFigure]) -> Optional[bool]:
    """Whether every metric these claims state matches the tables (None when none can be compared)."""
    verdicts = []
    for metric in {s.metric for s in claims}:
        _, _, readers = _metric(metric, report)
        accepted = _readings(report, readers)
        if accepted:
            verdicts.append(any(s.value in accepted for s in claims if s.metric == metric))
    return all(verdicts) if verdicts else None


def _mixed_scope(report: Report, claims: list[NarrativeFigure]) -> tuple[list[Finding], set[str]]:
    """Section 三 of one scope, section 四 of the other: one finding naming both tables."""
    parts = {"三": [s for s in claims if s.metric in ("received", "handled")],
             "四": [s for s in claims if s.metric in ("review", "suit")]}
    matched: dict[str, str] = {}
    for table, table_claims in parts.items():
        verdicts = {scope: _agrees(report, [s for s in table_claims if s.scope == scope]) for scope in ("whole", "own")}
        if verdicts["whole"] is not None and verdicts["own"] is not None and verdicts["whole"] != verdicts["own"]:
            matched[table] = "whole" if verdicts["whole"] else "own"
    if len(set(matched.values())) < 2:
        return [], set()
    names = {"whole": "全区（全市、全县）", "own": "本级"}
    described = []
    def figures(table: str, scope: str) -> str:
        return "、".join(f"{_METRICS[s.metric][0]}{fmt(s.value)}" for s in parts[table] if s.scope == scope)

    for table, scope in matched.items():
        other = "own" if scope == "whole" else "whole"
        described.append(f"{_TABLE_OF[table]}表格与正文{names[scope]}数字一致（{figures(table, scope)}），"
                         f"而非{names[other]}数字（{figures(table, other)}）")
    shown = [s for table in matched for s in parts[table]]
    keys = ["requests.new.total", "appeals.review.total", *(f"{g}.total" for g in _SUITS)]
    return [Finding(
        rule="TEXT_TABLE_MISMATCH", severity="warning", keys=keys,
        evidence=[quote(report, s.offset) for s in shown[:1]] + cells_evidence(report, keys[:2]),
        message=("正文同时给出全区和本级数字，两张统计表口径不一：" + "；".join(described)
                 + "。请统一统计口径，或在表格中注明。"))], {s.metric for s in shown}


def _outcomes(report: Report, claims: list[NarrativeFigure]) -> list[Finding]:
    """'行政复议3件(均调解结案)' against a table counting them as 结果维持, per group."""
    findings = []
    for claim in claims:
        group, _, column = claim.metric.partition("_")
        if group not in _GROUP_LABELS or column not in _OUTCOME_LABELS:
            continue
        groups = ["appeals.review"] if group == "review" else list(_SUITS)
        readers = [_get(*(f"{g}.{column}" for g in groups))] + ([_get(f"{g}.{column}") for g in groups] if len(groups) > 1 else [])
        accepted = _readings(report, readers)
        if not accepted or claim.value in accepted:
            continue
        rows = "；".join(key_label(f"{g}.total").rsplit("·", 1)[0] + "："
                        + "、".join(f"{label}{fmt(report.value(f'{g}.{o}'))}" for o, label in catalogue.APPEAL_OUTCOMES[:4])
                        for g in groups)
        word = next(w for w in OUTCOME_COLUMNS if w in claim.outcome) if claim.outcome else ""
        reading = f"{word}属于“{_OUTCOME_LABELS[column]}”" if word else f"应计入“{_OUTCOME_LABELS[column]}”"
        keys = list(dict.fromkeys(f"{g}.{o}" for g in groups for o in (column, "upheld")))
        stated = (f"{_GROUP_LABELS[group]}中“{claim.outcome}”" if claim.outcome[:1].isdigit()
                  else f"{_GROUP_LABELS[group]}{fmt(claim.value)}件“{claim.outcome}”")
        findings.append(Finding(
            rule="TEXT_TABLE_MISMATCH", severity="warning", keys=keys,
            evidence=[quote(report, claim.offset)] + cells_evidence(report, keys),
            message=(f"正文称{stated}（{reading}），"
                     f"但表格{_GROUP_LABELS[group]}的“{_OUTCOME_LABELS[column]}”为{fmt(accepted[0])}（{rows}）。"
                     f"正文：“{_clip(claim.text)}”。")))
    return findings


def check_text_arithmetic(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    for stated in _by_sentence(exact(report)).values():
        findings.extend(_remainder(report, stated) or _balance(report, [s for s in stated if not s.context]))
    return findings + _breakdowns(report) + _shares(report) + _rates(report) + _year_on_year(report)


def _by_sentence(claims: list[NarrativeFigure]) -> dict[int, list[NarrativeFigure]]:
    by_sentence: dict[int, list[NarrativeFigure]] = defaultdict(list)
    for claim in claims:
        by_sentence[claim.sentence_start].append(claim)
    return by_sentence


def _balance(report: Report, stated: list[NarrativeFigure]) -> list[Finding]:
    """收到X件、办结Y件、结转Z件 in one sentence: X (+ 上年结转) = Y + Z."""
    metrics = defaultdict(list)
    for s in stated:
        metrics[s.metric].append(s)
    if not all(len(metrics[m]) == 1 for m in ("received", "handled", "carried_forward")):
        return []
    carried = _CARRIED(report) or 0
    received, handled, forward = (metrics[m][0].value for m in ("received", "handled", "carried_forward"))
    if received + carried == handled + forward or received == handled + forward:
        return []
    sentence = "；".join(dict.fromkeys(s.text for s in stated))
    return [Finding(
        rule="TEXT_ARITHMETIC", severity="warning",
        keys=["requests.new.total", "requests.total.total", "requests.carried_forward.total"],
        evidence=[quote(report, stated[0].offset)],
        message=(f"正文数字自相矛盾：收到{fmt(received)}件" + (f"（另上年结转{fmt(carried)}件）" if carried else "")
                 + f"，但办结{fmt(handled)}件与结转{fmt(forward)}件之和为{fmt(handled + forward)}。正文：“{_clip(sentence)}”"))]


def _remainder(report: Report, stated: list[NarrativeFigure]) -> list[Finding]:
    """'共X件，其中Y件…，其余Z件' and '共X件，…分别为A件、B件': the parts must add up to the whole; when
    they only do with last year's carry-over, say so and cite the 上年结转 cell."""
    ordered = sorted(stated, key=lambda s: s.offset)
    for index, whole in enumerate(ordered):
        if whole.relation == "其中":
            continue
        parts = _parts(report, whole, ordered[index + 1:])
        if not parts:
            continue
        total = sum(p.value for p in parts)
        if total == whole.value:
            return []
        listing = "+".join(fmt(p.value) for p in parts)
        carried = _CARRIED(report)
        with_carry = whole.metric == "received" and carried and total == whole.value + carried
        remainder = parts[-1].relation == "其余"
        note = (f"只有计入上年结转的{fmt(carried)}件（表格“{key_label('requests.carried_over.total')}”为{fmt(carried)}）才成立，"
                + (f"“其余”应为{fmt(whole.value - total + parts[-1].value)}件，或写明包含上年结转。" if remainder
                   else "请写明包含上年结转。") if with_carry else "")
        keys = ["requests.new.total"] + (["requests.carried_over.total"] if with_carry else [])
        return [Finding(
            rule="TEXT_ARITHMETIC", severity="warning", keys=keys,
            evidence=[quote(report, whole.offset)] + (cells_evidence(report, ["requests.carried_over.total"]) if with_carry else []),
            message=(f"正文“共{fmt(whole.value)}{whole.unit}”与{'其中' if remainder else '分别列出的'}各部分之和"
                     f"（{listing}={fmt(total)}{whole.unit}）不符。{note}正文：“{_clip(whole.text, 100)}”"))]
    return []


def _parts(report: Report, whole: NarrativeFigure, after: list[NarrativeFigure]) -> list[NarrativeFigure]:
    """The parts of a whole: 其中… up to 其余 (a complete split), or the list a 分别 clause gives."""
    same = [s for s in after if s.unit == whole.unit and not s.metric.startswith(("review_", "suit_"))]
    split = [s for s in same if s.relation in ("其中", "其余")]
    if any(p.relation == "其余" for p in split):
        return split[: next(i for i, p in enumerate(split) if p.relation == "其余") + 1]
    start = next((i for i, s in enumerate(same) if s.relation == "分别"), None)
    if whole.relation != "合计" or start is None:
        return []
    listed = [same[start]]
    for claim in same[start + 1:]:
        if re.search(r"[,，。;；]", report.normalized[listed[-1].offset : claim.offset]):
            break
        listed.append(claim)
    return listed if len(listed) > 1 else []


_BREAKDOWN = re.compile(r"^[^\d。]*?(?:其中|涵盖|涉及|包括)")
_SUBJECT_SHARE = re.compile(r"([^\d，,。;；:：]{2,20})占(?:比)?(?:为)?\s*(\d+(?:\.\d+)?)\s*%")


def _breakdowns(report: Report) -> list[Finding]:
    """'总数510条，其中主动公开198条，依申请公开142条，不予公开137条' and '共90条，A类1条；B类10条；…':
    a closed list of parts (not ending in 等) must add up to its whole; a share stated of one part
    ('主动公开的政府信息占41.5%') must be that part of the whole."""
    claims = sorted(exact(report), key=lambda s: s.offset)
    text = report.normalized
    findings: list[Finding] = []
    for index, whole in enumerate(claims):
        parts = _listed_parts(text, whole, claims[index + 1:])
        if not parts:
            continue
        total = sum(p.value for p in parts)
        if abs(total - whole.value) > 1e-6:
            listing = "+".join(fmt(p.value) for p in parts)
            findings.append(Finding(
                rule="TEXT_ARITHMETIC", severity="warning", keys=[], evidence=[quote(report, whole.offset)],
                message=(f"正文所列各项之和与总数不符：{listing}={fmt(total)}{whole.unit}，而总数写作{fmt(whole.value)}{whole.unit}。"
                         f"正文：“{_clip(text[whole.sentence_start:parts[-1].offset + 8].strip(), 120)}”")))
        findings.extend(_share_of_part(report, whole, parts))
    return findings


_NEGATION_START = "无未没不"
_NEW_TOPIC = re.compile(r"有|因|引起|全年|通过|开展|围绕|累计|实现|召开|行政复议|行政诉讼|其中|另|此外|同时|"
                        r";[^\d]{0,2}?(?:公开|发布|推送|办理)")


def _listed_parts(text: str, whole: NarrativeFigure, after: list[NarrativeFigure]) -> list[NarrativeFigure]:
    """The parts a whole is broken into: the list after 其中/涵盖/涉及 (inside the parenthesis when one
    opens there), or a semicolon list after a 共 figure; it ends where another subject begins."""
    end = min(i for i in (text.find("。", whole.offset), text.find("\n", whole.offset), len(text)) if i >= 0)
    following = [c for c in after if c.offset < end and c.unit in (whole.unit, "") and not c.approx
                 and text[c.offset] not in _NEGATION_START]
    if not following or any(c.relation in ("其余", "分别") for c in following):
        return []
    gap = text[whole.offset : following[0].offset]
    marked = bool(_BREAKDOWN.search(re.sub(r"^[\d.]+", "", gap)))
    if not marked and whole.relation != "合计":
        return []
    inside = bool(re.search(r"[(（]", gap))
    parts, depth, position = [], 0, whole.offset
    for claim in following:
        between = text[position : claim.offset]
        depth += between.count("(") + between.count("（") - between.count(")") - between.count("）")
        if (inside and depth <= 0) or (parts and _NEW_TOPIC.search(between)) or (not marked and parts and ";" not in between):
            break
        if depth == (1 if inside else 0):
            parts.append(claim)
        position = claim.offset
    if len(parts) < 2 or (not marked and ";" in text[whole.offset : parts[0].offset]):
        return []
    tail = re.split(r"[,，;；、)）]", text[parts[-1].offset : end], maxsplit=1)[0]
    return [] if "等" in tail else parts


def _share_of_part(report: Report, whole: NarrativeFigure, parts: list[NarrativeFigure]) -> list[Finding]:
    text = report.normalized
    end = text.find("。", parts[-1].offset)
    window = text[end + 1 : end + 80] if end >= 0 else ""
    findings = []
    for match in _SUBJECT_SHARE.finditer(window.split("。")[0]):
        subject = match.group(1).replace("的", "")
        part = next((p for p in parts if subject and subject in text[p.sentence_start : p.offset].replace("的", "")[-len(subject) - 4:]), None)
        if part is None or not whole.value:
            continue
        actual = part.value / whole.value * 100
        stated = float(match.group(2))
        if abs(actual - stated) > _ROUNDING:
            findings.append(Finding(
                rule="TEXT_ARITHMETIC", severity="warning", keys=[], evidence=[quote(report, end + 1 + match.start())],
                message=(f"正文百分比有误：{fmt(part.value)}{part.unit}占总数{fmt(whole.value)}{whole.unit}应为{actual:.1f}%，"
                         f"正文写作“{match.group(0)}”。")))
    return findings


_SHARE = re.compile(r"(\d+)\s*件[，,]?\s*占(?:比|比例为|比重为)?\s*(\d+(?:\.\d+)?)\s*%")
_SHARE_REACH = 300
_RATE = re.compile(r"(办结率|答复率|办复率|按时办结率|按期答复率)(?:达到?|为)?\s*(\d+(?:\.\d+)?)\s*%")
_ROUNDING = 0.6


def _shares(report: Report) -> list[Finding]:
    """'其中：予以公开42件，占51.85%': shares of the request count stated just before, in the same paragraph."""
    bases = sorted((s for s in comparable(report) if s.metric in ("received", "handled") and s.value), key=lambda s: s.offset)
    findings = []
    for index, base in enumerate(bases):
        end = min(base.offset + _SHARE_REACH, bases[index + 1].offset if index + 1 < len(bases) else len(report.normalized))
        newline = report.normalized.find("\n", base.offset, end)
        window = report.normalized[base.offset : newline if newline >= 0 else end]
        for match in _SHARE.finditer(window):
            part, stated = int(match.group(1)), float(match.group(2))
            actual = part / base.value * 100
            if abs(actual - stated) > _ROUNDING:
                findings.append(Finding(
                    rule="TEXT_ARITHMETIC", severity="warning", keys=["requests.new.total"],
                    evidence=[quote(report, base.offset + match.start())],
                    message=(f"正文百分比有误：{part}件占{fmt(base.value)}件应为{actual:.2f}%，正文写作“{match.group(0)}”。"
                             f"所依据的总数见：“{_clip(base.text)}”")))
    return findings


def _rates(report: Report) -> list[Finding]:
    """'收到21件，办结19件，办结率100%': a stated rate must be 办结 ÷ 收到 of the same sentence."""
    findings = []
    for start, stated in _by_sentence(comparable(report)).items():
        received = [s for s in stated if s.metric == "received" and s.value]
        handled = [s for s in stated if s.metric == "handled"]
        if len(received) != 1 or len(handled) != 1:
            continue
        end = report.normalized.find("。", start)
        sentence = report.normalized[start : end if end > 0 else start + 300]
        for match in _RATE.finditer(sentence):
            actual = handled[0].value / received[0].value * 100
            if abs(actual - float(match.group(2))) > _ROUNDING and not (float(match.group(2)) == 100 and actual > 100):
                findings.append(Finding(
                    rule="TEXT_ARITHMETIC", severity="warning", keys=["requests.new.total", "requests.total.total"],
                    evidence=[quote(report, start + match.start())],
                    message=(f"正文{match.group(1)}有误：办结{fmt(handled[0].value)}件÷收到{fmt(received[0].value)}件"
                             f"={actual:.2f}%，正文写作“{match.group(0)}”。正文：“{_clip(sentence.strip(), 100)}”")))
    return findings


_CHANGE = re.compile(
    r"(?:由|从)\s*(?P<before>\d+(?:\.\d+)?)\s*(?P<unit>件|条|个|项|万元|元)?\s*(?:增加|增长|上升|下降|减少|增|减|降)?(?:至|到)\s*"
    r"(?P<after>\d+(?:\.\d+)?)\s*(?P=unit)?[^。;；]{0,16}?(?P<direction>增长|增加|上升|下降|减少)了?\s*(?P<rate>\d+(?:\.\d+)?)\s*%")


def _year_on_year(report: Report) -> list[Finding]:
    """'由60件增至75件，同比增长25%': a stated change must be (after − before) ÷ before."""
    findings = []
    for match in _CHANGE.finditer(report.normalized):
        before, after, stated = float(match["before"]), float(match["after"]), float(match["rate"])
        if not before:
            continue
        actual = (after - before) / before * 100
        signed = -stated if match["direction"] in ("下降", "减少") else stated
        if abs(actual - signed) > _ROUNDING:
            findings.append(Finding(
                rule="TEXT_ARITHMETIC", severity="warning", keys=[], evidence=[quote(report, match.start())],
                message=(f"正文同比变化有误：由{fmt(before)}到{fmt(after)}应为{'增长' if actual >= 0 else '下降'}"
                         f"{abs(actual):.2f}%，正文写作“{match.group(0)}”。")))
    return findings


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
