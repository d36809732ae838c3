"""Re-print a report's tables in the other layouts published reports use, from hand-checked values.

Used to prove the extractor reads the same figures whatever the layout: Markdown tables, cells
separated by spaces, and crawled-page text where every delimiter is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import catalogue

REQUEST_HEADER = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况"
                  "自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他")
APPEAL_HEADER = ("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
                 "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计")


def _cell(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _row_label(label: str) -> str:
    return label.split(" ", 1)[-1]


@dataclass(frozen=True)
class ExtraColumn:
    """A provincial column printed after the standard column `after`, with a value for each row
    (by key stem) of the tables that have that column."""

    after: str
    header: str
    values: dict[str, float] = field(default_factory=dict)


def _rows(template: str, figures: dict, extra_column: ExtraColumn | None = None):
    for row in catalogue.active_rows(template):
        values, header = [figures[f"{row.stem}.{c}"] for c, _ in row.columns], [h for _, h in row.columns]
        names = [c for c, _ in row.columns]
        if extra_column is not None and extra_column.after in names:
            position = names.index(extra_column.after) + 1
            values.insert(position, extra_column.values[row.stem])
            header.insert(position, extra_column.header)
        yield "二", row.label, values, header
    for row, label in catalogue.request_rows(template):
        yield "三", _row_label(label), [figures[f"requests.{row}.{c}"] for c, _ in catalogue.APPLICANT_COLUMNS], None
    yield "四", "", [figures[k] for k in catalogue.appeal_keys()], None


def tables_markdown(template: str, figures: dict, extra_column: ExtraColumn | None = None) -> dict[str, str]:
    parts = {"二": [], "三": ["| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
                             "|---|---|---|---|---|---|---|---|"], "四": []}
    for section, label, values, header in _rows(template, figures, extra_column):
        if section == "二":
            parts["二"] += [f"| 信息内容 | {' | '.join(header)} |", "|" + "---|" * (len(header) + 1),
                           f"| {label} | {' | '.join(_cell(v) for v in values)} |", ""]
        elif section == "三":
            parts["三"].append(f"| {label} | {' | '.join(_cell(v) for v in values)} |")
        else:
            outcomes = " | ".join(o for _, o in catalogue.APPEAL_OUTCOMES)
            parts["四"] += [f"| {outcomes} | {outcomes} | {outcomes} |", "|" + "---|" * 15,
                           f"| {' | '.join(_cell(v) for v in values)} |"]
    return {section: "\n".join(lines) for section, lines in parts.items()}


def tables_inline(template: str, figures: dict, separator: str, extra_column: ExtraColumn | None = None,
                  extra_rows: dict[str, tuple[str, tuple]] | None = None) -> dict[str, str]:
    """One line per table; separator '' reproduces the crawled pages' flattened digit runs.
    `extra_rows` as in `tables_cell_lines`."""
    parts = {"二": "", "三": REQUEST_HEADER, "四": APPEAL_HEADER}
    for section, label, values, header in _rows(template, figures, extra_column):
        cells = separator.join(_cell(v) for v in values)
        if section == "二":
            parts["二"] += f"第二十条信息内容{''.join(header)}{label}{cells}"
            if label in (extra_rows or {}):
                extra_label, extra_values = extra_rows[label]
                parts["二"] += extra_label + separator.join(_cell(v) for v in extra_values)
        else:
            parts[section] += f"{label}{cells}"
    return parts


def with_tables(text: str, tables: dict[str, str]) -> str:
    """The report's text with everything from section 二 to section 五 replaced by `tables`."""
    lines = text.split("\n")

    def first_line_with(phrase: str) -> int:
        return next(i for i, line in enumerate(lines) if phrase in line)

    headings = {"二": "二、主动公开政府信息情况", "三": "三、收到和处理政府信息公开申请情况",
                "四": "四、政府信息公开行政复议、行政诉讼情况"}
    body = [line for section in ("二", "三", "四") for line in (headings[section], tables[section])]
    return "\n".join(lines[: first_line_with("主动公开政府信息情况")] + body + lines[first_line_with("存在的主要问题"):])


_REQUEST_HEADER_CELLS = {
    False: [["申请人情况"], ["自然人", "法人或其他组织", "总计"], ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]],
    True: [["申请人情况"], ["自然人", "法人或其他组织", "总计"], ["商业", "科研", "社会公益", "法律服务", "其他"],
           ["企业", "机构", "组织", "机构"]],
}


def _broken(header: str) -> str:
    """A header broken inside a word, as narrow columns print it ('本年新 制作数量')."""
    return header[: len(header) // 2] + " " + header[len(header) // 2 :]


def tables_cell_lines(template: str, figures: dict, broken_headers: bool = False,
                      extra_rows: dict[str, tuple[str, tuple]] | None = None,
                      extra_column: ExtraColumn | None = None) -> dict[str, str]:
    """Crawled pages of other provinces: every cell on its own line ending in ' |' (a blank cell is a
    bare '|'), rows separated by filler lines of bare '|||'. With `broken_headers`, header words are
    broken ('本年新 制作数量') and 商业/企业 stand on two header rows. `extra_rows` maps a standard
    section 二 row label to a provincial row (label, values) printed right after it; `extra_column`
    adds a provincial column to the tables that have its `after` column."""

    def cells(texts) -> list[str]:
        return [f"{text} |" for text in texts] + ["|||"]

    parts = {"二": [], "三": [line for header in _REQUEST_HEADER_CELLS[broken_headers] for line in cells(header)],
             "四": []}
    for section, label, values, header in _rows(template, figures, extra_column):
        values = [_cell(v) for v in values]
        if section == "二":
            parts["二"] += cells(["信息内容"] + [_broken(h) if broken_headers else h for h in header])
            parts["二"] += cells([label] + values)
            if label in (extra_rows or {}):
                extra_label, extra_values = extra_rows[label]
                parts["二"] += cells([extra_label] + [_cell(v) for v in extra_values])
        elif section == "三":
            parts["三"] += cells([label] + values)
        else:
            outcomes = [o for _, o in catalogue.APPEAL_OUTCOMES]
            parts["四"] += cells(["行政复议", "行政诉讼"]) + cells(outcomes + ["未经复议直接起诉", "复议后起诉"])
            parts["四"] += cells(outcomes * 2) + cells(values)
    return {section: "\n".join(lines) for section, lines in parts.items()}
