"""Plain-text rendering for the terminal, aligned for CJK (two columns per wide character)."""

from __future__ import annotations

import unicodedata

from assistant import catalogue
from assistant.catalogue import key_label
from assistant.check.evidence import fmt
from assistant.models import Answer, Cell, CellStatus, CheckedReport, DecodedText, Report, SearchHit

_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
DEFAULT_COLUMNS = 100
_STATUS_MARK = {CellStatus.BLANK: "空", CellStatus.MISSING: "缺", CellStatus.AMBIGUOUS: "?"}


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int, right: bool = False) -> str:
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def _cell_text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.status in _STATUS_MARK:
        return _STATUS_MARK[cell.status]
    mark = "*" if cell.status == CellStatus.NOT_NUMBER else ""
    return fmt(cell.value) + mark


def wrap(text: str, size: int) -> list[str]:
    """`text` cut into lines of at most `size` display columns."""
    lines = [""]
    for ch in text:
        if lines[-1] and width(lines[-1] + ch) > size:
            lines.append("")
        lines[-1] += ch
    return lines


def _grid(title: str, header: list[str], rows: list[tuple[str, list[Cell | None]]], columns: int) -> list[str]:
    """A table that fits `columns` display columns: long row labels wrap, and the value columns that do not
    fit beside the labels continue in a further block below (each block repeats the labels)."""
    col_width = max(8, *(width(h) + 2 for h in header))
    label_width = min(max(width(label) for label, _ in rows) + 2, max(12, columns * 2 // 5))
    per_block = max(1, (columns - label_width) // col_width)
    lines = [title]
    for start in range(0, len(header), per_block):
        shown = slice(start, start + per_block)
        if start:
            lines.append("")
        lines.append(pad("", label_width) + "".join(pad(h, col_width, right=True) for h in header[shown]))
        for label, cells in rows:
            *above, last = wrap(label, label_width - 2)
            lines += above
            lines.append(pad(last, label_width) + "".join(pad(_cell_text(c), col_width, right=True) for c in cells[shown]))
    return lines


def render_report(report: Report, columns: int = DEFAULT_COLUMNS) -> str:
    """The report as the official tables, fitted to a terminal `columns` wide."""
    meta = report.meta
    template = meta.template or "未识别"
    heading = [
        f"来源：{report.source}",
        f"标题：{meta.title or '（未识别）'}",
        f"机关：{meta.body or '（未识别）'}    地区：{meta.region or '（未识别）'}    年度：{meta.year or '（未识别）'}    表格格式：{template}",
        "章节：" + "；".join(f"{s.id}（第{s.start_line}–{s.end_line}行）" for s in report.sections),
    ]
    lines = [part for line in heading for part in wrap(line, columns)] + [""]
    used = meta.template or "2021"
    for row in catalogue.active_rows(used):
        lines += _grid(f"二、主动公开·{row.label}", [label for _, label in row.columns],
                       [(row.label, [report.cell(f"{row.stem}.{c}") for c, _ in row.columns])], columns)
    for cells in _prefixed_rows(report, catalogue.EXTRA_ACTIVE_PREFIX).values():
        lines += _grid(f"二、主动公开·{_note_head(cells)}", [key_label(c.key).split("·")[-1] for c in cells],
                       [(key_label(cells[0].key).split("·")[0].removeprefix("省级"), cells)], columns)
    lines.append("")
    lines += _request_grid(report, used, "三、收到和处理政府信息公开申请情况", "", columns)
    alternative = [c for c in report.cells if c.key.startswith(catalogue.ALT_SCOPE_PREFIX)]
    if alternative:
        lines.append("")
        lines += _request_grid(report, used, f"三、另一口径：{_note_head(alternative)}", catalogue.ALT_SCOPE_PREFIX,
                               columns)
    lines.append("")
    lines += _grid("四、行政复议、行政诉讼情况", [label for _, label in catalogue.APPEAL_OUTCOMES],
                   [(label, [report.cell(f"appeals.{group}.{o}") for o, _ in catalogue.APPEAL_OUTCOMES])
                    for group, label in catalogue.APPEAL_GROUPS], columns)
    lines += ["", *wrap("图例：空=空白未填  缺=表格中缺失  ?=连写数字无法唯一拆分  *=数字带单位或格式有误", columns)]
    return "\n".join(lines)


def _request_grid(report: Report, template: str, title: str, prefix: str, columns: int) -> list[str]:
    single_other = catalogue.single_other_row(template, report.figures)
    return _grid(title, [label for _, label in catalogue.APPLICANT_COLUMNS],
                 [(label, [report.cell(f"{prefix}requests.{row}.{c}") for c, _ in catalogue.APPLICANT_COLUMNS])
                  for row, label in catalogue.request_rows(template, single_other)], columns)


def _prefixed_rows(report: Report, prefix: str) -> dict[str, list[Cell]]:
    """Cells under `prefix` grouped by the key part after it ('active.extra.2.issued' → '2'), in order."""
    rows: dict[str, list[Cell]] = {}
    for cell in report.cells:
        if cell.key.startswith(prefix):
            rows.setdefault(cell.key.removeprefix(prefix).split(".")[0], []).append(cell)
    return rows


def _note_head(cells: list[Cell]) -> str:
    """What the parser said the cells are (their note's first clause: the row or the table's scope)."""
    return (cells[0].note or "").split("；")[0]


def render_findings(checked: CheckedReport) -> str:
    counts = {s: sum(f.severity == s for f in checked.findings) for s in _SEVERITY}
    lines = [f"== {checked.source}：错误{counts['error']}项，警告{counts['warning']}项，提示{counts['info']}项"]
    if not checked.findings:
        lines.append("   未发现问题。")
    for number, finding in enumerate(checked.findings, 1):
        where = "、".join(sorted({str(e.line) for e in finding.evidence}, key=int))
        lines.append(f"{number:>3}. [{_SEVERITY[finding.severity]}] {finding.rule}" + (f"（第{where}行）" if where else ""))
        lines.append(f"     {finding.message}")
    return "\n".join(lines)


def render_source_text(document: DecodedText) -> str:
    """The decoded text with the 1-based line numbers that every citation uses."""
    digits = len(str(document.line_count))
    return "\n".join(f"{n:>{digits}}  {document.line_text(n)}" for n in range(1, document.line_count + 1))


def render_hits(query: str, hits: list[SearchHit]) -> str:
    """Hits by rank with the query's words each one contains (a fusion score means nothing to a reader)."""
    from assistant.retrieve.tokenize import tokenize_query  # jieba loads only for the search command

    if not hits:
        return f"“{query}”：索引中没有找到相关段落。"
    terms = list(dict.fromkeys(tokenize_query(query)))
    lines = [f"“{query}”：{len(hits)} 条结果"]
    for number, hit in enumerate(hits, 1):
        where = f"第{hit.start_line}行" if hit.start_line == hit.end_line else f"第{hit.start_line}–{hit.end_line}行"
        matched = "、".join(t for t in terms if t in hit.text.lower()) or "（语义相近）"
        lines.append(f"{number}. {hit.body or '（机关未识别）'} {hit.year or ''} 第{hit.section}部分 {where}  "
                     f"[{hit.report}]  命中：{matched}")
        excerpt = hit.text.replace("\n", " ")
        lines.append("   " + (excerpt if len(excerpt) <= 160 else excerpt[:160] + "…"))
    return "\n".join(lines)


def render_answer(answer: Answer) -> str:
    badge = ("大模型" if answer.mode == "llm" else "离线") + ("·已核验" if answer.verified else "·未通过核验")
    lines = [f"[{badge}]", answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("引用：")
    for number, citation in enumerate(answer.citations, 1):
        if citation["kind"] == "figure":
            lines.append(f"[{number}] {citation['report']} 第{citation['line']}行 {key_label(citation['key'])} = "
                         f"{fmt(citation['value'])}")
        else:
            lines.append(f"[{number}] {citation['report']} 第{citation['section']}部分 第{citation['line']}行")
    return "\n".join(lines)
