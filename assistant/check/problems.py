"""Section 五 and 六 content: concrete problems with answering improvements; the fee statement."""

from __future__ import annotations

import re

from assistant.check.evidence import quote
from assistant.models import Evidence, Finding, Report

_PROBLEM = re.compile(r"不足|有待|不够|欠缺|薄弱|不高|不强|滞后|不到位|不完善|不规范|不及时|不丰富|单一|参差不齐|"
                      r"较少|不多|差距|仍需|需进一步|还需|缺乏|不足以|难以|问题")
_GENERIC = re.compile(r"^(?:但|但是|仍|还|也)?(?:存在|有)(?:着)?(?:一定|一些|部分)?(?:的)?(?:不足|差距|问题)")
_IMPROVE = re.compile(r"将|继续|进一步|加强|推进|提升|完善|强化|下一步|拓展|丰富|加大|优化|健全|规范")
_HEADING = re.compile(r"^\s*(?:\(?[一二三四五六七八九十\d]+[)、.]?)?\s*(?:存在的?主要问题|存在问题|改进措施|改进情况)[:：]?")
_CLAUSE = re.compile(r"[^。；;！!？?\n]+")
_FEE = re.compile(r"信息处理费|收费|收取|费用")


def problem_clauses(text: str) -> list[re.Match]:
    """Clauses that name a concrete shortcoming (a problem marker plus a subject, not boilerplate)."""
    found = []
    for clause in _CLAUSE.finditer(text):
        body = _HEADING.sub("", clause.group(0)).strip(" ，,:：")
        if len(body) >= 8 and _PROBLEM.search(body) and not _GENERIC.fullmatch(body):
            found.append(clause)
    return found


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
    return []


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
