"""A review memo (审查意见) for one report, built from its checks: the shape a disclosure office
sends back, every finding with its figures, the quoted source lines and the correction asked for.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, Field

from assistant.catalogue import key_label
from assistant.check.evidence import scan_place
from assistant.check.similarity import copied_passages
from assistant.parse.problem_lists import split_section
from assistant.draft.themes import load_themes, tag
from assistant.models import Finding, Report, ReportMeta

SEVERITY_TITLES = {"error": "错误（须更正后重新发布）", "warning": "需核实的问题", "info": "提示"}
CORRECTIONS = {
    "REQ_BALANCE": "请逐列核对“新收+上年结转=办理结果总计+结转下年度”，更正表格后重新发布。",
    "REQ_TOTAL_ROW": "请核对各项办理结果与（七）总计，使总计等于各项之和。",
    "REQ_TOTAL_COL": "请核对各类申请人数量，使总计列等于各类申请人之和。",
    "APPEAL_TOTAL": "请核对行政复议、行政诉讼各项结果，使总计等于维持、纠正、其他、尚未审结之和。",
    "CELL_NOT_NUMBER": "统计表格应填写不带单位的数字。",
    "CELL_BLANK": "统计表格不应留空，没有发生的事项请填“0”。",
    "CELL_AMBIGUOUS": "原文数字连写无法辨认，请提供清晰的表格或核对原件。",
    "TABLE_ROW_MISSING": "请按规定格式补全表格各行。",
    "ACTIVE_DOC_PLAUSIBLE": "请核对规范性文件的制发、废止和现行有效件数。",
    "FEE_UNIT": "收费金额应以万元为单位填写。",
    "TEXT_TABLE_MISMATCH": "请核对正文与表格数字，使两者一致。",
    "TEXT_ARITHMETIC": "请核对正文中的数字和百分比。",
    "SECTION_MISSING": "请按《政府信息公开工作年度报告格式》补齐缺少的部分和表格。",
    "TABLE_UNREADABLE": "统计表格无法读取，请提供表格清晰、单元格分明的报告文本，或对照原件人工核对。",
    "TEMPLATE_OUTDATED": "请改用国办公开办函〔2021〕30号规定的年度报告格式。",
    "CARRY_OVER_YOY": "请核对本年“上年结转”与上年度报告“结转下年度继续办理”的数字。",
    "PROBLEMS_COPIED": "存在的主要问题及改进情况应结合本年度实际撰写，不得照搬。",
    "PROBLEMS_VAGUE": "请具体写明本年度存在的问题，并提出对应的改进措施。",
    "FEE_STATEMENT_MISSING": "请在“其他需要报告的事项”中说明信息处理费收取情况。",
}


RULE_NAMES = {
    "REQ_BALANCE": "申请数量平衡关系", "REQ_TOTAL_ROW": "办理结果总计", "REQ_TOTAL_COL": "申请人总计",
    "APPEAL_TOTAL": "复议诉讼总计", "CELL_NOT_NUMBER": "单元格不是数字", "CELL_BLANK": "单元格空白",
    "CELL_AMBIGUOUS": "数字连写无法拆分", "TABLE_ROW_MISSING": "表格缺行", "TABLE_UNREADABLE": "表格无法读取",
    "ACTIVE_DOC_PLAUSIBLE": "规范性文件件数", "FEE_UNIT": "收费金额单位", "TEXT_TABLE_MISMATCH": "正文与表格不一致",
    "TEXT_ARITHMETIC": "正文数字计算", "SECTION_MISSING": "缺少部分或表格", "TEMPLATE_OUTDATED": "使用旧版格式",
    "CARRY_OVER_YOY": "结转数与上年报告不一致", "PROBLEMS_COPIED": "问题照搬", "PROBLEMS_VAGUE": "问题笼统",
    "FEE_STATEMENT_MISSING": "未说明信息处理费",
}
_RULE_ID = re.compile(r"(?<![A-Za-z0-9_])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![A-Za-z0-9_])(（(?:[^（）]|（[^（）]*）)*）)?")
_KEY_NAME = re.compile(r"(?<![A-Za-z0-9_.])(?:active|requests|appeals)(?:\.[a-z0-9_]+)+")


def plain_wording(message: str) -> str:
    """A check's message as a reviewer pastes it: rule ids become what they check (“总计=各类申请人之和”,
    or the rule's Chinese name) and canonical keys become their table labels."""
    def rule(match: re.Match) -> str:
        spelled = match.group(1)
        return f"“{spelled[1:-1]}”" if spelled else f"“{RULE_NAMES.get(match.group(0), '相关')}”核对"

    return _KEY_NAME.sub(lambda m: key_label(m.group(0)), _RULE_ID.sub(rule, message))


def memo_title(meta: ReportMeta, source_name: str) -> str:
    """Named after the body and the year, never after the report's generic title."""
    if meta.body:
        return f"关于{meta.body}{f'{meta.year}年' if meta.year else ''}政府信息公开工作年度报告的审查意见"
    return f"关于《{source_name}》的审查意见"


class MemoFigure(BaseModel):
    key: str
    label: str
    value: Optional[float]
    raw: str
    line: int
    scan: str = ""
    """For a scanned report: the page and box the figure was read from."""


class MemoFinding(BaseModel):
    rule: str
    severity: str
    message: str
    keys: list[str] = Field(default_factory=list)
    figures: list[MemoFigure] = Field(default_factory=list)
    quotes: list[tuple[int, str]] = Field(default_factory=list)
    correction: str


class ProblemsAssessment(BaseModel):
    problems: list[str]
    measures: list[str]
    problem_themes: list[str]
    measure_themes: list[str]
    unanswered_themes: list[str]
    concrete: bool
    previous_year: Optional[int] = None
    previous_problems_addressed: list[str] = Field(default_factory=list)
    copied_share: Optional[float] = None
    copied_passages: list[str] = Field(default_factory=list)


class Memo(BaseModel):
    title: str
    source: str
    body: Optional[str]
    year: Optional[int]
    template: Optional[str]
    verdict: str
    findings: list[MemoFinding]
    assessment: Optional[ProblemsAssessment]
    read_by_ocr: bool = False
    report: Report = Field(exclude=True)


def build_memo(report: Report, findings: list[Finding], previous: Optional[Report] = None,
               source_name: Optional[str] = None) -> Memo:
    """`source_name` is what the memo calls the file (an upload's own name); by default the file's
    name without its folder, so no server path reaches the document."""
    memo_findings = [_memo_finding(report, f) for f in findings]
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    if errors:
        verdict = f"报告存在{errors}处错误，须更正后重新发布；另有{warnings}处需核实。"
    elif warnings:
        verdict = f"报告未发现计算错误，但有{warnings}处需核实或完善。"
    else:
        verdict = "经核对，报告各项数据勾稽关系成立，未发现需更正的问题。"
    meta = report.meta
    source = source_name or Path(report.source).name
    return Memo(title=memo_title(meta, source), source=source, body=meta.body,
                year=meta.year, template=meta.template, verdict=verdict, findings=memo_findings,
                assessment=assess_problems(report, previous), read_by_ocr=report.document.read_by_ocr, report=report)


def _memo_finding(report: Report, finding: Finding) -> MemoFinding:
    figures = []
    for key in finding.keys[:8]:
        cell = report.cell(key)
        if cell is not None:
            figures.append(MemoFigure(key=key, label=key_label(key), value=cell.value, raw=cell.raw, line=cell.line,
                                      scan=scan_place(report, cell)))
    quotes = []
    for evidence in finding.evidence[:4]:
        line = report.document.line_text(evidence.line).strip() if 0 < evidence.line <= report.document.line_count else ""
        # A cell's evidence names the cell ('行政复议·结果维持：3 | 0 …'): shown as is, so both sides are quoted.
        quotes.append((evidence.line, line if len(line) <= 160 and evidence.text.strip("…") in line else evidence.text))
    return MemoFinding(rule=finding.rule, severity=finding.severity, message=plain_wording(finding.message),
                       keys=finding.keys, figures=figures,
                       quotes=quotes, correction=CORRECTIONS.get(finding.rule, "请核对。"))


def assess_problems(report: Report, previous: Optional[Report] = None) -> Optional[ProblemsAssessment]:
    span = report.section("五")
    if span is None:
        return None
    themes = load_themes()
    lists = split_section(report.document.text[span.body_start : span.end])
    problems = [item.text for item in lists.problems]
    measures = [item.text for item in lists.measures]
    problem_themes = sorted({t for p in problems for t in tag(p, themes)})
    measure_themes = sorted({t for m in measures for t in tag(m, themes)})
    assessment = ProblemsAssessment(
        problems=problems, measures=measures, problem_themes=problem_themes, measure_themes=measure_themes,
        unanswered_themes=[t for t in problem_themes if t not in measure_themes],
        concrete=bool(problem_themes))
    if previous is not None and previous.section("五") is not None:
        before = split_section(previous.document.text[previous.section("五").body_start : previous.section("五").end])
        previous_themes = sorted({t for p in before.problems for t in tag(p.text, themes)})
        assessment.previous_year = previous.meta.year
        assessment.previous_problems_addressed = [t for t in previous_themes if t in measure_themes]
        passages, share = copied_passages(report.section_text("五"), previous.section_text("五"))
        assessment.copied_share = round(share, 3)
        original = report.document.text[span.body_start : span.end]
        assessment.copied_passages = [original[p.start : p.end].strip() for p in passages[:5]]
    return assessment
