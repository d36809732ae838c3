"""The three statistics tables laid out as the official forms print them, for the memo's appendix
and the app: section 二 is one table whose column titles change between groups of rows (件数 for
规章 and 规范性文件, 处理决定数量 for 许可/处罚/强制, 金额 for 收费), section 三 has a row
“三、本年度办理结果” above the outcomes, section 四 one row per kind of appeal."""

from __future__ import annotations

from dataclasses import dataclass

from assistant import catalogue


@dataclass(frozen=True)
class TableRow:
    """A row of cells (figure keys) under a label, or, when `titles`, a row of column titles."""

    label: str
    cells: tuple[str, ...] = ()
    titles: bool = False


@dataclass(frozen=True)
class OfficialTable:
    caption: str
    rows: tuple[TableRow, ...]

    @property
    def width(self) -> int:
        """Columns after the label column."""
        return max(len(row.cells) for row in self.rows)


def official_tables(template: str) -> list[OfficialTable]:
    return [active_table(template), requests_table(template), appeals_table()]


def active_table(template: str) -> OfficialTable:
    rows: list[TableRow] = []
    titles: tuple[str, ...] = ()
    for row in catalogue.active_rows(template):
        row_titles = tuple(label for _, label in row.columns)
        if row_titles != titles:
            rows.append(TableRow("信息内容", row_titles, titles=True))
            titles = row_titles
        rows.append(TableRow(row.label, tuple(f"{row.stem}.{column}" for column, _ in row.columns)))
    return OfficialTable("二、主动公开政府信息情况", tuple(rows))


def requests_table(template: str) -> OfficialTable:
    rows = [TableRow("项目", tuple(label for _, label in catalogue.APPLICANT_COLUMNS), titles=True)]
    for row, label in catalogue.request_rows(template):
        if row == "granted":
            rows.append(TableRow("三、本年度办理结果"))
        rows.append(TableRow(label, tuple(f"requests.{row}.{column}" for column, _ in catalogue.APPLICANT_COLUMNS)))
    return OfficialTable("三、收到和处理政府信息公开申请情况", tuple(rows))


def appeals_table() -> OfficialTable:
    rows = [TableRow("类别", tuple(label for _, label in catalogue.APPEAL_OUTCOMES), titles=True)]
    rows += [TableRow(label, tuple(f"appeals.{group}.{outcome}" for outcome, _ in catalogue.APPEAL_OUTCOMES))
             for group, label in catalogue.APPEAL_GROUPS]
    return OfficialTable("四、行政复议、行政诉讼情况", tuple(rows))
