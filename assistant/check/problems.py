"""Section 五 and 六 content: concrete problems with answering improvements; the fee statement.

A problem is concrete when, once the words every report uses are taken away (政务公开工作, 内容,
有待进一步提升, 存在一定差距 …), something remains that names what is wrong. A section whose problems
are all slogans, or whose measures share no subject with any problem, is PROBLEMS_VAGUE with the
sentences quoted.
"""

from __future__ import annotations

import re

from assistant.check.evidence import quote
from assistant.models import Evidence, Finding, Report
from assistant.parse.instructions import instruction_spans, overlaps_instruction
from assistant.parse.problem_lists import Item, split_section

_PROBLEM = re.compile(r"不足|有待|不够|欠缺|薄弱|不高|不强|滞后|不到位|不完善|不规范|不及时|不丰富|单一|参差不齐|"
                      r"较少|不多|差距|仍需|需进一步|还需|缺乏|不足以|难以|问题")
_GENERIC = re.compile(r"^(?:但|但是|仍|还|也)?(?:存在|有)(?:着)?(?:一定|一些|部分)?(?:的)?(?:不足|差距|问题)")
_IMPROVE = re.compile(r"将|继续|进一步|加强|推进|提升|完善|强化|下一步|拓展|丰富|加大|优化|健全|规范")
_HEADING = re.compile(r"^\s*(?:\(?[一二三四五六七八九十\d]+[)、.]?)?\s*(?:存在的?主要问题|存在问题|改进措施|改进情况)[:：]?")
_CLAUSE = re.compile(r"[^。；;！!？?\n]+")
_PART = re.compile(r"[^,，、:：。；;\n]+")
# What every section 五 says whatever its problems: subjects, hedges and the verbs of a slogan.
_BOILERPLATE = re.compile(
    r"政务公开|政府信息公开|信息公开|政府信息|政务信息|公开|政务|信息|工作|内容|水平|质量|深度|广度|力度|程度|整体|各项|"
    r"更高|更加|新形势|新任务|新要求|要求|上级|对照|相比|一定|一些|部分|存在|主要|表现|体现|方面|之处|差距|不足|问题|"
    r"有待于?|仍需|还需|尚需|需要|亟待|进一步|加强|提高|提升|深化|丰富|完善|改进|拓展|拓宽|增强|空间|取得|成绩|成效|进展|"
    r"我局|我区|我办|我市|我县|本单位|本局|区政务办|中心|虽然|虽|但是|但|仍然|仍|还|也|如|等|同时|的|了|在|有|着|"
    r"不够|不|\d+年?|[一二三四五六七八九十]是|[()（）\"“”‘’'\s]")
_MIN_SUBJECT = 2
# Words for one subject that a problem and its measure often phrase differently (队伍 ↔ 培训).
_TOPICS = {"staff": r"队伍|人员|培训|业务能力|业务水平|能力", "columns": r"栏目|专栏|专题", "timeliness": r"及时|时效|更新",
           "interpretation": r"解读", "media": r"新媒体|公众号|微信|微博", "requests": r"依申请|申请|答复"}
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_FEE = re.compile(r"信息处理费|收费|收取|费用")
MAX_QUOTED = 4


def problem_clauses(text: str) -> list[re.Match]:
    """Clauses that name a concrete shortcoming (a problem marker plus a subject, not boilerplate);
    a clause of a passage reading as an instruction to an assistant is no problem the body states."""
    planted = instruction_spans(text)
    found = []
    for clause in _CLAUSE.finditer(text):
        if overlaps_instruction(planted, *clause.span()):
            continue
        body = _HEADING.sub("", clause.group(0)).strip(" ，,:：")
        if len(body) >= 8 and _PROBLEM.search(body) and not _GENERIC.fullmatch(body):
            found.append(clause)
    return found


def subject(part: str) -> str:
    """What a problem phrase is about, once the boilerplate is taken away ('' for a slogan)."""
    return _BOILERPLATE.sub("", part)


def _concrete(item: Item) -> bool:
    return any(len(subject(p.group(0))) >= _MIN_SUBJECT for p in _PART.finditer(item.text) if _PROBLEM.search(p.group(0)))


def check_problems_section(report: Report) -> list[Finding]:
    span = report.section("五")
    if span is None:
        return []
    text = report.section_text("五")
    problems = problem_clauses(text)
    heading = Evidence(text=span.title, line=span.start_line)
    if not problems:
        return [Finding(rule="PROBLEMS_VAGUE", severity="info", keys=[], evidence=[heading],
                        message="第五部分没有列出具体存在的问题，只有原则性表述；应如实写明本年度工作中的具体不足。")]
    if not _IMPROVE.search(text):
        return [Finding(rule="PROBLEMS_VAGUE", severity="info", keys=[],
                        evidence=[quote(report, span.body_start + problems[0].start())],
                        message="第五部分列出了问题，但没有提出对应的改进措施。")]
    lists = split_section(text)
    stated = [p for p in lists.problems if _PROBLEM.search(p.text)]
    if stated and not any(_concrete(p) for p in stated):
        return [Finding(rule="PROBLEMS_VAGUE", severity="info", keys=[],
                        evidence=[quote(report, span.body_start + p.start) for p in stated[:MAX_QUOTED]],
                        message=("第五部分所列问题只有原则性表述，未写明本年度工作中具体存在什么问题："
                                 + "；".join(f"“{p.text}”" for p in stated[:MAX_QUOTED]) + "。"))]
    return _unanswered(report, stated, lists.measures, span.body_start)


def _unanswered(report: Report, problems: list[Item], measures: list[Item], base: int) -> list[Finding]:
    """Measures that share no subject with any concrete problem answer none of them."""
    subjects = {gram for p in problems for part in _PART.finditer(p.text) for gram in _bigrams(subject(part.group(0)))}
    if not subjects or not measures:
        return []
    measure_grams = {gram for m in measures for gram in _bigrams(m.text)}
    problem_text, measure_text = "".join(p.text for p in problems), "".join(m.text for m in measures)
    if subjects & measure_grams or any(re.search(t, problem_text) and re.search(t, measure_text) for t in _TOPICS.values()):
        return []
    return [Finding(rule="PROBLEMS_VAGUE", severity="info", keys=[],
                    evidence=[quote(report, base + item.start) for item in (problems[:2] + measures[:2])],
                    message=("第五部分的改进措施与所列问题对不上，没有一条措施回应所列问题：问题"
                             + "；".join(f"“{p.text}”" for p in problems[:2]) + "，措施"
                             + "；".join(f"“{m.text}”" for m in measures[:2]) + "。"))]


def _bigrams(text: str) -> set[str]:
    """Pairs of adjacent Chinese characters: the pairs inside each run of them."""
    return {run[i : i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}


def check_fee_statement(report: Report) -> list[Finding]:
    span = report.section("六")
    text = report.section_text("六") if span else ""
    if _FEE.search(text):
        return []
    if span is None and re.search(r"信息处理费", report.normalized):
        return []
    evidence = [Evidence(text=span.title + (text.strip()[:60] and "：" + text.strip()[:60]), line=span.start_line)] if span else []
    return [Finding(rule="FEE_STATEMENT_MISSING", severity="info", keys=[], evidence=evidence,
                    message="第六部分未说明信息处理费收取情况；按规定应写明本年度是否收取信息处理费（未收取也应说明）。")]
