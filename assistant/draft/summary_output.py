"""The batch summary written as Markdown (the same document model as memos), CSV or XLSX."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from assistant.draft.document import Bullets, Document, Heading, Paragraph, Quote, Table, to_markdown
from assistant.draft.summary import Summary

REPORT_COLUMNS = ["单位", "地区", "年度", "问题概述", "存在的问题", "改进措施", "问题主题", "措施主题", "雷同对象", "雷同比例", "来源文件"]


def _report_rows(summary: Summary) -> list[list]:
    rows = []
    for report in summary.reports:
        top = report.copies[0] if report.copies else None
        rows.append([report.body or "", report.region or "", report.year or "", report.synopsis,
                     "\n".join(report.problems), "\n".join(report.measures),
                     "、".join(report.problem_themes), "、".join(report.measure_themes),
                     f"{top.other_body or top.other}{top.other_year or ''}" if top else "",
                     f"{top.share:.0%}" if top else "", report.source])
    return rows


def summary_document(summary: Summary) -> Document:
    document = Document("“存在的主要问题及改进情况”汇总")
    document.add(Paragraph(f"共汇总{len(summary.reports)}份报告。"))
    document.add(Heading(1, "一、主题统计（按地区、年度）"))
    document.add(Table(["地区", "年度", "主题", "提到该问题的报告数"],
                       [[region, str(year or ""), theme, str(count)] for region, year, theme, count in summary.theme_counts]))
    document.add(Heading(1, "二、被多份报告重复使用的段落"))
    for passage in summary.most_copied:
        document.add(Quote(passage.text), Paragraph(f"出现在{len(passage.reports)}份报告中：" + "；".join(passage.reports)))
    if not summary.most_copied:
        document.add(Paragraph("未发现被多份报告重复使用的段落。"))
    document.add(Heading(1, "三、问题与上年基本相同的单位"))
    document.add(Bullets([f"{u.body}：{u.years[1]}年度与{u.years[0]}年度所列问题雷同（约{u.share:.0%}）" for u in summary.unchanged]
                         or ["无"]))
    document.add(Heading(1, "四、各报告明细"))
    for report in summary.reports:
        document.add(Heading(2, f"{report.body or report.source}（{report.year or '年度未识别'}）"))
        document.add(Paragraph(report.synopsis))
        document.add(Paragraph("存在的问题："), Bullets(report.problems or ["（未列出）"]))
        document.add(Paragraph("改进措施："), Bullets(report.measures or ["（未列出）"]))
        document.add(Paragraph(f"主题：{'、'.join(report.problem_themes) or '无'}"))
        for link in report.copies:
            whom = f"本单位{link.other_year}年度报告" if link.same_body else f"{link.other_body}{link.other_year}年度报告"
            document.add(Paragraph(f"与{whom}雷同约{link.share:.0%}，相同段落："))
            document.add(*[Quote(text) for text in link.passages])
    return document


def to_markdown_text(summary: Summary) -> str:
    return to_markdown(summary_document(summary))


def to_csv(summary: Summary) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    writer.writerows(_report_rows(summary))
    return "\ufeff" + out.getvalue()


def to_xlsx(summary: Summary) -> bytes:
    book = Workbook()
    sheets = [
        ("报告明细", REPORT_COLUMNS, _report_rows(summary)),
        ("主题统计", ["地区", "年度", "主题", "报告数"], [list(row) for row in summary.theme_counts]),
        ("重复段落", ["段落", "出现次数", "报告"], [[p.text, len(p.reports), "\n".join(p.reports)] for p in summary.most_copied]),
        ("问题未变的单位", ["单位", "上一年度", "本年度", "雷同比例"],
         [[u.body, u.years[0], u.years[1], u.share] for u in summary.unchanged]),
    ]
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
