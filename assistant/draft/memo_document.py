"""The memo laid out as a document: heading, verdict, findings by severity, the assessment of
section 五, and the checked tables as an appendix (cells named by a finding are marked ▲)."""

from __future__ import annotations

from assistant.check.evidence import fmt
from assistant.draft.document import Bullets, Document, Heading, Paragraph, Quote, Salutation, Table
from assistant.draft.memo import RULE_NAMES, SEVERITY_TITLES, Memo, MemoFigure, MemoFinding
from assistant.draft.official_tables import official_tables
from assistant.models import CellStatus

_TEMPLATES = {"2021": "2021年格式（国办公开办函〔2021〕30号）", "2019": "2019年试行格式（国办公开办函〔2019〕60号）"}
_CHINESE_ORDINALS = "一二三四五六七八九十"


OCR_NOTICE = ("该报告为扫描件，表格和正文由文字识别（OCR）读取；识别存疑或不满足表格勾稽关系的单元格未采用，"
              "已列为需核实事项，请对照扫描件核对。")


def memo_document(memo: Memo) -> Document:
    """Numbered as official documents are (一、 / （一） / 1.), each level without gaps; rule ids
    only in the last appendix, so everything above it can be pasted as it is."""
    document = Document(memo.title)
    if memo.body:
        document.add(Salutation(f"{memo.body}："))
    year = f"{memo.year}年" if memo.year else ""
    document.add(Paragraph(f"经审查你单位{year}政府信息公开工作年度报告（来源文件：{memo.source}；表格格式："
                           f"{_TEMPLATES.get(memo.template or '', '未识别')}），现提出审查意见如下。"))
    if memo.read_by_ocr:
        document.add(Paragraph(OCR_NOTICE))
    document.add(Heading(1, "一、总体意见"), Paragraph(memo.verdict))
    document.add(Heading(1, "二、发现的问题"))
    severities = [s for s in SEVERITY_TITLES if any(f.severity == s for f in memo.findings)]
    number = 0
    for ordinal, severity in zip(_CHINESE_ORDINALS, severities):
        document.add(Heading(2, f"（{ordinal}）{SEVERITY_TITLES[severity]}"))
        for finding in (f for f in memo.findings if f.severity == severity):
            number += 1
            document.add(Paragraph(f"{number}. {finding.message}"))
            if finding.figures:
                document.add(Bullets([f"涉及数据：{f.label}，{_figure_value(f)}（第{f.line}行{'；' + f.scan if f.scan else ''}）"
                                      for f in finding.figures]))
            for line, text in finding.quotes:
                if text:
                    document.add(Quote(f"原文第{line}行：{text}"))
            document.add(Paragraph(f"整改要求：{finding.correction}"))
    if number == 0:
        document.add(Paragraph("未发现问题。"))
    document.add(Heading(1, "三、对“存在的主要问题及改进情况”的评价"))
    document.add(*_assessment_blocks(memo))
    document.add(Heading(1, "附件1：核对后的统计表", new_page=True))
    document.add(Paragraph("标注▲的单元格为审查发现问题所涉及的单元格；空=空白未填，缺=缺失，?=连写数字无法唯一拆分。"))
    document.add(*_tables(memo))
    if memo.findings:
        document.add(Heading(1, "附件2：问题与核对规则对照"))
        document.add(Table(["问题序号", "问题类型", "规则编号"],
                           [[str(n), RULE_NAMES.get(f.rule, f.rule), f.rule] for n, f in enumerate(_numbered(memo), 1)]))
    return document


def _numbered(memo: Memo) -> list[MemoFinding]:
    """Findings in the order the memo numbers them (by severity)."""
    return [f for severity in SEVERITY_TITLES for f in memo.findings if f.severity == severity]


def _figure_value(figure: MemoFigure) -> str:
    return f"填报为{fmt(figure.value)}" if figure.value is not None else f"{figure.raw or '空白'}"


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

    def cell(key: str) -> str:
        found = report.cell(key)
        if found is None:
            return ""
        text = {CellStatus.BLANK: "空", CellStatus.MISSING: "缺", CellStatus.AMBIGUOUS: "?"}.get(found.status, fmt(found.value))
        return f"▲{text}" if key in flagged else text

    tables = []
    for table in official_tables(report.meta.template or "2021"):
        rows = [[row.label] + [text if row.titles else cell(text) for text in row.cells]
                + [""] * (table.width - len(row.cells)) for row in table.rows]
        tables.append(Table(rows[0], rows[1:], table.caption))
    return tables
