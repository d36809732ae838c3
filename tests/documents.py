"""Seed reports rebuilt as the documents governments publish: HTML pages, Word files and PDFs.

Each table is described once on the official grid (cells with rowspan/colspan, as in the blank
2021 template) and written by three writers. The numbers are the hand-checked expectations of
`test_seed_figures`; the narrative is the seed's own text.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from pathlib import Path

from assistant import catalogue

HEADINGS = {"一": "一、总体情况", "二": "二、主动公开政府信息情况", "三": "三、收到和处理政府信息公开申请情况",
            "四": "四、政府信息公开行政复议、行政诉讼情况", "五": "五、存在的主要问题及改进情况",
            "六": "六、其他需要报告的事项"}
_PHRASES = {"一": "总体情况", "二": "主动公开政府信息情况", "三": "收到和处理政府信息公开申请情况",
            "四": "行政复议、行政诉讼情况", "五": "存在的主要问题", "六": "其他需要报告的事项"}


@dataclass(frozen=True)
class Cell:
    text: str
    rows: int = 1
    cols: int = 1


Grid = list[list[Cell]]


def narrative(path: Path) -> dict[str, list[str]]:
    """Title and the paragraphs of sections 一, 五 and 六 of a seed text file."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").split("\n")]
    starts = {sid: next(i for i, line in enumerate(lines) if phrase in line and len(line) < 40)
              for sid, phrase in _PHRASES.items()}
    order = sorted(starts, key=starts.get)
    parts = {"title": [line for line in lines[: starts["一"]] if line][:1]}
    for index, sid in enumerate(order):
        end = starts[order[index + 1]] if index + 1 < len(order) else len(lines)
        parts[sid] = [line for line in lines[starts[sid] + 1 : end] if line]
    return parts


def _value(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def active_grids(template: str, figures: dict) -> list[Grid]:
    articles = {"2021": [("（一）", 2), ("（五）", 1), ("（六）", 2), ("（八）", 1)],
                "2019": [("（一）", 2), ("（五）", 2), ("（六）", 2), ("（八）", 1), ("（九）", 1)]}[template]
    rows = iter(catalogue.active_rows(template))
    grids = []
    for article, count in articles:
        members = [next(rows) for _ in range(count)]
        width = len(members[0].columns) + 1
        grid = [[Cell(f"第二十条第{article}项", cols=width)],
                [Cell("信息内容")] + [Cell(label) for _, label in members[0].columns]]
        for row in members:
            grid.append([Cell(row.label)] + [Cell(_value(figures[f"{row.stem}.{c}"])) for c, _ in row.columns])
        grids.append(grid)
    return grids


def requests_grid(template: str, figures: dict) -> Grid:
    def values(row: str) -> list[Cell]:
        return [Cell(_value(figures[f"requests.{row}.{c}"])) for c, _ in catalogue.APPLICANT_COLUMNS]

    labels = dict(catalogue.request_rows(template))
    grid: Grid = [
        [Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rows=3, cols=3), Cell("申请人情况", cols=7)],
        [Cell("自然人", rows=2), Cell("法人或其他组织", cols=5), Cell("总计", rows=2)],
        [Cell(label) for _, label in catalogue.APPLICANT_COLUMNS[1:6]],
        [Cell(labels["new"], cols=3)] + values("new"),
        [Cell(labels["carried_over"], cols=3)] + values("carried_over"),
    ]
    details = catalogue.request_detail_rows(template)
    groups: list[tuple[str, list[str]]] = []
    for row in details:
        group = labels[row].split(" ")[0]
        if groups and groups[-1][0] == group:
            groups[-1][1].append(row)
        else:
            groups.append((group, [row]))
    first = True
    for group, rows in groups:
        for index, row in enumerate(rows):
            lead = [Cell("三、本年度办理结果", rows=len(details) + 1)] if first else []
            first = False
            if len(rows) == 1:
                grid.append(lead + [Cell(group, cols=2)] + values(row))
            else:
                head = [Cell(group, rows=len(rows))] if index == 0 else []
                grid.append(lead + head + [Cell(labels[row].split(" ", 1)[1])] + values(row))
    grid.append([Cell("（七）总计", cols=2)] + values("total"))
    grid.append([Cell(labels["carried_forward"], cols=3)] + values("carried_forward"))
    return grid


def appeals_grid(figures: dict) -> Grid:
    outcomes = [Cell(label) for _, label in catalogue.APPEAL_OUTCOMES]
    return [
        [Cell("行政复议", cols=5), Cell("行政诉讼", cols=10)],
        [Cell(label, rows=2) for _, label in catalogue.APPEAL_OUTCOMES] + [Cell("未经复议直接起诉", cols=5),
                                                                            Cell("复议后起诉", cols=5)],
        outcomes + outcomes,
        [Cell(_value(figures[key])) for key in catalogue.appeal_keys()],
    ]


def report_blocks(path: Path, template: str, figures: dict) -> list[tuple[str, object]]:
    """The report as ('title'|'heading'|'paragraph'|'table', content) blocks in reading order."""
    parts = narrative(path)
    blocks: list[tuple[str, object]] = [("title", parts["title"][0] if parts["title"] else "政府信息公开工作年度报告")]
    blocks.append(("heading", HEADINGS["一"]))
    blocks += [("paragraph", p) for p in parts["一"]]
    blocks.append(("heading", HEADINGS["二"]))
    blocks += [("table", grid) for grid in active_grids(template, figures)]
    blocks += [("heading", HEADINGS["三"]), ("table", requests_grid(template, figures))]
    blocks += [("heading", HEADINGS["四"]), ("table", appeals_grid(figures))]
    for sid in ("五", "六"):
        blocks.append(("heading", HEADINGS[sid]))
        blocks += [("paragraph", p) for p in parts[sid]]
    return blocks


def to_html(blocks) -> str:
    """A portal page: navigation, scripts, share buttons, the report in a layout table, Word markup."""
    body = []
    for kind, content in blocks:
        if kind == "table":
            rows = "".join(
                "<tr>" + "".join(f'<td rowspan="{c.rows}" colspan="{c.cols}" style="mso-border-alt:solid">'
                                 f'<p class="MsoNormal"><span lang="EN-US">{html.escape(c.text)}</span><o:p></o:p></p></td>'
                                 for c in row) + "</tr>"
                for row in content)
            body.append(f'<table class="MsoNormalTable" border="1"><tbody>{rows}</tbody></table>')
        elif kind == "title":
            body.append(f"<h1>{html.escape(content)}</h1>")
        elif kind == "heading":
            body.append(f'<p class="MsoNormal"><b><span style="font-family:黑体">{html.escape(content)}</span></b></p>')
        else:
            body.append(f"<p>　　{html.escape(content)}<!--[if !supportLists]--><!--[endif]--></p>")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>政府信息公开年报</title>"
            "<script>var share = {总体情况: 1};</script><style>.x{}</style></head><body>"
            "<div class='header'><nav><a href='/'>首页</a> &gt; <a>政务公开</a> &gt; <a>政府信息公开年报</a></nav></div>"
            "<div class='share'>分享到：<a>微信</a><a>微博</a><button>打印</button></div>"
            "<table class='layout'><tr><td class='sidebar'><ul><li>通知公告</li><li>政策解读</li></ul></td>"
            f"<td class='content'><div class='TRS_Editor'>{''.join(body)}</div></td></tr></table>"
            "<div class='footer'>主办单位：某区人民政府办公室 版权所有 备案号</div></body></html>")


def to_docx(blocks) -> bytes:
    """A Word file with real merged cells; the section 三 table is split in two, as long tables often are."""
    import docx

    document = docx.Document()
    for kind, content in blocks:
        if kind == "title":
            document.add_heading(content, level=1)
        elif kind == "heading":
            document.add_heading(content, level=2)
        elif kind == "paragraph":
            document.add_paragraph(content)
        else:
            for grid in split_long(content):
                _docx_table(document, grid)
                document.add_paragraph("")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


SPLIT_AT = 12


def split_long(grid: Grid) -> list[Grid]:
    """A long table as two tables, split before row SPLIT_AT; cells spanning the cut are cut too,
    and the second table repeats them from its first row, as word processors do."""
    if len(grid) < 20:
        return [grid]
    placed = _place(grid)
    head: Grid = [[] for _ in range(SPLIT_AT)]
    tail: Grid = [[] for _ in range(len(grid) - SPLIT_AT)]
    for (r, c), cell in sorted(placed.items(), key=lambda item: (item[0][1], item[0][0])):
        if r < SPLIT_AT:
            head[r].append(Cell(cell.text, rows=min(cell.rows, SPLIT_AT - r), cols=cell.cols))
            if r + cell.rows > SPLIT_AT:
                tail[0].append(Cell(cell.text, rows=r + cell.rows - SPLIT_AT, cols=cell.cols))
        else:
            tail[r - SPLIT_AT].append(cell)
    return [head, tail]


def _place(grid: Grid) -> dict[tuple[int, int], Cell]:
    taken: set[tuple[int, int]] = set()
    placed: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed[(r, c)] = cell
            taken.update((r + i, c + j) for i in range(cell.rows) for j in range(cell.cols))
            c += cell.cols
    return placed


def _docx_table(document, grid: Grid) -> None:
    placed = _place(grid)
    width = max(c + cell.cols for (_, c), cell in placed.items())
    table = document.add_table(rows=len(grid), cols=width)
    table.style = "Table Grid"
    for (r, c), cell in placed.items():
        target = table.cell(r, c)
        if cell.rows > 1 or cell.cols > 1:
            target = target.merge(table.cell(r + cell.rows - 1, c + cell.cols - 1))
        target.text = cell.text


def to_pdf(blocks) -> bytes:
    """A PDF with a CJK font and ruled tables (ReportLab); the section 三 table runs across pages."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    text_style = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")
    story = []
    for kind, content in blocks:
        if kind == "table":
            for index, grid in enumerate(split_long(content)):
                if index:
                    story.append(PageBreak())
                placed = _place(grid)
                width = max(c + cell.cols for (_, c), cell in placed.items())
                data = [["" for _ in range(width)] for _ in grid]
                spans = []
                for (r, c), cell in placed.items():
                    data[r][c] = Paragraph(html.escape(cell.text), cell_style) if cell.text else ""
                    if cell.rows > 1 or cell.cols > 1:
                        spans.append(("SPAN", (c, r), (c + cell.cols - 1, r + cell.rows - 1)))
                style = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans])
                story += [Table(data, style=style), Spacer(1, 8)]
        else:
            size = {"title": 16, "heading": 12}.get(kind, 10.5)
            story.append(Paragraph(html.escape(content), ParagraphStyle(kind, parent=text_style, fontSize=size,
                                                                       leading=size * 1.6)))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, topMargin=100, bottomMargin=100).build(story)
    return out.getvalue()
