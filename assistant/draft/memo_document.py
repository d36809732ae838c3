"""The memo laid out as a document: heading, verdict, findings by severity, the assessment of
section 五, and the checked tables as an appendix (cells named by a finding are marked ▲)."""

from __future__ import annotations

from assistant import catalogue
from assistant.check.evidence import fmt
from assistant.draft.document import Bullets, Document, Heading, Paragraph, Quote, Table
from assistant.draft.memo import SEVERITY_TITLES, Memo
from assistant.models import CellStatus

_TEMPLATES = {"2021": "2021年格式（国办公开办函〔2021〕30号）", "2019": "2019年试行格式（国办公开办函〔2019〕60号）"}
_CHINESE_ORDINALS = "一二三四五六七八九十"


def memo_document(memo: Memo) -> Document:
    document = Document(memo.title)
    document.add(Paragraph(f"审查对象：{memo.body or '（未识别）'}；报告年度：{memo.year or '（未识别）'}；"
                           f"表格格式：{_TEMPLATES.get(memo.template or '', '未识别')}；来源文件：{memo.source}"))
    document.add(Heading(1, "一、总体意见"), Paragraph(memo.verdict))
    document.add(Heading(1, "二、发现的问题"))
    number = 0
    for index, severity in enumerate(("error", "warning", "info")):
        group = [f for f in memo.findings if f.severity == severity]
        if not group:
            continue
        document.add(Heading(2, f"（{_CHINESE_ORDINALS[index]}）{SEVERITY_TITLES[severity]}"))
        for finding in group:
            number += 1
            document.add(Paragraph(f"{number}. 【{finding.rule}】{finding.message}"))
            if finding.figures:
                document.add(Bullets([f"涉及数据：{f.label} = {fmt(f.value) if f.value is not None else '（' + (f.raw or '空白') + '）'}"
                                      f"（第{f.line}行）" for f in finding.figures]))
            for line, text in finding.quotes:
                if text:
                    document.add(Quote(f"原文第{line}行：{text}"))
            document.add(Paragraph(f"整改要求：{finding.correction}"))
    if number == 0:
        document.add(Paragraph("未发现问题。"))
    document.add(Heading(1, "三、对“存在的主要问题及改进情况”的评价"))
    document.add(*_assessment_blocks(memo))
    document.add(Heading(1, "附件：核对后的统计表"))
    document.add(*_tables(memo))
    return document


def _assessment_blocks(memo: Memo) -> list:
    assessment = memo.assessment
    if assessment is None:
        return [Paragraph("报告缺少第五部分“存在的主要问题及改进情况”。")]
    blocks = [Paragraph(f"列出问题{len(assessment.problems)}条：")]
    blocks.append(Bullets(assessment.problems or ["（未列出具体问题）"]))
    blocks.append(Paragraph(f"提出改进措施{len(assessment.measures)}条："))
    blocks.append(Bullets(assessment.measures or ["（未提出改进措施）"]))
    verdicts = [
        "问题较为具体，涉及：" + "、".join(assessment.problem_themes) + "。" if assessment.concrete
        else "所列问题较为笼统，未涉及具体工作领域。",
        "各项问题均有对应的改进措施。" if not assessment.unanswered_themes
        else "以下问题没有对应的改进措施：" + "、".join(assessment.unanswered_themes) + "。",
    ]
    if assessment.previous_year:
        verdicts.append(f"与{assessment.previous_year}年度报告相比，本年改进措施回应了上年问题中的："
                        + ("、".join(assessment.previous_problems_addressed) or "（无）") + "。")
        share = assessment.copied_share or 0
        verdicts.append(f"与{assessment.previous_year}年度报告第五部分的雷同比例约为{share:.0%}"
                        + ("，存在照搬上年内容的情况。" if share >= 0.5 else "。"))
    blocks.append(Bullets(verdicts))
    if assessment.copied_passages:
        blocks.append(Paragraph("与上年相同的段落："))
        blocks += [Quote(text) for text in assessment.copied_passages]
    return blocks


def _tables(memo: Memo) -> list[Table]:
    report = memo.report
    flagged = {key for finding in memo.findings if finding.severity in ("error", "warning") for key in finding.keys}
    template = report.meta.template or "2021"

    def cell(key: str) -> str:
        found = report.cell(key)
        if found is None:
            return ""
        text = {CellStatus.BLANK: "空", CellStatus.MISSING: "缺", CellStatus.AMBIGUOUS: "?"}.get(found.status, fmt(found.value))
        return f"▲{text}" if key in flagged else text

    active = Table(["信息内容", "项目", "数值"], [[row.label, label, cell(f"{row.stem}.{column}")]
                                                for row in catalogue.active_rows(template) for column, label in row.columns],
                   "二、主动公开政府信息情况")
    requests = Table(["项目"] + [label for _, label in catalogue.APPLICANT_COLUMNS],
                     [[label] + [cell(f"requests.{row}.{c}") for c, _ in catalogue.APPLICANT_COLUMNS]
                      for row, label in catalogue.request_rows(template)], "三、收到和处理政府信息公开申请情况")
    appeals = Table(["类别"] + [label for _, label in catalogue.APPEAL_OUTCOMES],
                    [[label] + [cell(f"appeals.{group}.{o}") for o, _ in catalogue.APPEAL_OUTCOMES]
                     for group, label in catalogue.APPEAL_GROUPS], "四、行政复议、行政诉讼情况")
    return [active, requests, appeals]
