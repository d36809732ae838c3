"""Canonical figure keys of SPEC §2 and their Chinese labels, for both templates.

This is the single source of truth for which keys a template has; parsing, checks and rendering
all derive their key lists from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

APPLICANT_COLUMNS: list[tuple[str, str]] = [
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
]

_REQUEST_ROWS_HEAD: list[tuple[str, str]] = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"),
    ("partly_granted", "（二）部分公开"),
    ("withheld.state_secret", "（三）不予公开 1.属于国家秘密"),
    ("withheld.law_forbidden", "（三）不予公开 2.其他法律行政法规禁止公开"),
    ("withheld.security_stability", "（三）不予公开 3.危及“三安全一稳定”"),
    ("withheld.third_party", "（三）不予公开 4.保护第三方合法权益"),
    ("withheld.internal_affairs", "（三）不予公开 5.属于三类内部事务信息"),
    ("withheld.process_info", "（三）不予公开 6.属于四类过程性信息"),
    ("withheld.enforcement_file", "（三）不予公开 7.属于行政执法案卷"),
    ("withheld.admin_query", "（三）不予公开 8.属于行政查询事项"),
    ("unable.not_held", "（四）无法提供 1.本机关不掌握相关政府信息"),
    ("unable.needs_creation", "（四）无法提供 2.没有现成信息需要另行制作"),
    ("unable.unclear", "（四）无法提供 3.补正后申请内容仍不明确"),
    ("not_processed.complaint", "（五）不予处理 1.信访举报投诉类申请"),
    ("not_processed.duplicate", "（五）不予处理 2.重复申请"),
    ("not_processed.publication", "（五）不予处理 3.要求提供公开出版物"),
    ("not_processed.excessive", "（五）不予处理 4.无正当理由大量反复申请"),
    ("not_processed.reconfirm", "（五）不予处理 5.要求行政机关确认或重新出具已获取信息"),
]
_REQUEST_ROWS_OTHER_2021: list[tuple[str, str]] = [
    ("other.overdue_correction", "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other.overdue_fee", "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other.other", "（六）其他处理 3.其他"),
]
_REQUEST_ROWS_OTHER_2019: list[tuple[str, str]] = [("other.all", "（六）其他处理")]
_REQUEST_ROWS_TAIL: list[tuple[str, str]] = [
    ("total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
]

APPEAL_GROUPS: list[tuple[str, str]] = [
    ("review", "行政复议"),
    ("suit_direct", "行政诉讼·未经复议直接起诉"),
    ("suit_after_review", "行政诉讼·复议后起诉"),
]
APPEAL_OUTCOMES: list[tuple[str, str]] = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]


@dataclass(frozen=True)
class ActiveRow:
    """One row of a section 二 table: its key stem, label and column keys with labels."""

    stem: str
    label: str
    columns: tuple[tuple[str, str], ...]


_DOC_2021 = (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
_DECISIONS_2021 = (("decisions", "本年处理决定数量"),)
ACTIVE_ROWS_2021: list[ActiveRow] = [
    ActiveRow("active.regulation", "规章", _DOC_2021),
    ActiveRow("active.normative_doc", "行政规范性文件", _DOC_2021),
    ActiveRow("active.licensing", "行政许可", _DECISIONS_2021),
    ActiveRow("active.punishment", "行政处罚", _DECISIONS_2021),
    ActiveRow("active.coercion", "行政强制", _DECISIONS_2021),
    ActiveRow("active.admin_fee", "行政事业性收费", (("amount_10k_yuan", "本年收费金额（万元）"),)),
]

_DOC_2019 = (("new_made", "本年新制作数量"), ("new_published", "本年新公开数量"), ("total_published", "对外公开总数量"))
_ITEMS_2019 = (("prev_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))
ACTIVE_ROWS_2019: list[ActiveRow] = [
    ActiveRow("active.regulation", "规章", _DOC_2019),
    ActiveRow("active.normative_doc", "规范性文件", _DOC_2019),
    ActiveRow("active.licensing", "行政许可", _ITEMS_2019),
    ActiveRow("active.other_mgmt_service", "其他对外管理服务事项", _ITEMS_2019),
    ActiveRow("active.punishment", "行政处罚", _ITEMS_2019),
    ActiveRow("active.coercion", "行政强制", _ITEMS_2019),
    ActiveRow("active.admin_fee", "行政事业性收费", _ITEMS_2019[:2]),
    ActiveRow("active.procurement", "政府集中采购", (("items", "采购项目数量"), ("amount_10k_yuan", "采购总金额（万元）"))),
]

SIGNED_KEYS = {"active.licensing.change", "active.other_mgmt_service.change", "active.punishment.change",
               "active.coercion.change", "active.admin_fee.change"}
ALT_SCOPE_PREFIX = "alt_scope."
"""Section 三 printed a second time for another scope (本级 / 全区): kept under this prefix."""
EXTRA_ACTIVE_PREFIX = "active.extra."
"""Provincial additions to section 二, numbered n = 1, 2, … over extra rows and extra columns
together, in the order they are printed (SPEC §2.2 gives the row shape; columns follow it):
- an extra row n: `active.extra.<n>.<column>`, one key per standard column of its table;
- an extra column n: `active.extra.<n>.<row>`, one key per standard row it crosses, <row> being the
  row's key stem without `active.` ('active.extra.2.normative_doc');
- the cell of extra row n under extra column m: `active.extra.<n>.<m>`.
Column names and row names of the catalogue never coincide, so the key's last part says which
kind of addition it is; the printed label or header is in the cell's note."""
DECIMAL_KEYS = {"active.admin_fee.amount_10k_yuan", "active.procurement.amount_10k_yuan"}


def _active_column_labels() -> dict[str, str]:
    """Every section 二 column name with its label (the columns an extra row borrows from its table)."""
    return {column: label for row in ACTIVE_ROWS_2021 + ACTIVE_ROWS_2019 for column, label in row.columns}


def _active_row_labels() -> dict[str, str]:
    """Every section 二 row name (key stem without `active.`) with its label (the rows an extra column crosses)."""
    return {row.stem.removeprefix("active."): row.label for row in ACTIVE_ROWS_2019 + ACTIVE_ROWS_2021}


def _extra_label(number: str, tail: str) -> str:
    if tail in _active_column_labels():
        return f"省级增设第{number}项（行）·{_active_column_labels()[tail]}"
    if tail in _active_row_labels():
        return f"省级增设第{number}项（列）·{_active_row_labels()[tail]}"
    return f"省级增设第{number}项（行）·省级增设第{tail}项（列）"


def active_rows(template: str) -> list[ActiveRow]:
    return ACTIVE_ROWS_2021 if template == "2021" else ACTIVE_ROWS_2019


def request_rows(template: str, single_other: bool = False) -> list[tuple[str, str]]:
    """Section 三 rows; `single_other` for a 2021-format table printing （六）其他处理 as one row."""
    other = _REQUEST_ROWS_OTHER_2021 if template == "2021" and not single_other else _REQUEST_ROWS_OTHER_2019
    return _REQUEST_ROWS_HEAD + other + _REQUEST_ROWS_TAIL


def request_detail_rows(template: str, single_other: bool = False) -> list[str]:
    """Rows whose sum is （七）总计: every 办理结果 row."""
    return [row for row, _ in request_rows(template, single_other)
            if row not in {"new", "carried_over", "total", "carried_forward"}]


def active_keys(template: str) -> list[str]:
    return [f"{row.stem}.{column}" for row in active_rows(template) for column, _ in row.columns]


def request_keys(template: str) -> list[str]:
    return [f"requests.{row}.{column}" for row, _ in request_rows(template) for column, _ in APPLICANT_COLUMNS]


def appeal_keys() -> list[str]:
    return [f"appeals.{group}.{outcome}" for group, _ in APPEAL_GROUPS for outcome, _ in APPEAL_OUTCOMES]


def template_keys(template: str) -> list[str]:
    """All keys of a template, in table order (200 for the 2021 format)."""
    return active_keys(template) + request_keys(template) + appeal_keys()


def single_other_row(template: str, keys) -> bool:
    """Whether a 2021-format table printed （六）其他处理 as one row (SPEC §2.3: `requests.other.all`)."""
    return template == "2021" and "requests.other.all.total" in keys


def key_label(key: str) -> str:
    """Chinese label of a key, for messages a reviewer pastes into a memo."""
    if key.startswith(ALT_SCOPE_PREFIX):
        return f"另一口径表格·{key_label(key.removeprefix(ALT_SCOPE_PREFIX))}"
    if key.startswith(EXTRA_ACTIVE_PREFIX):
        return _extra_label(*key.removeprefix(EXTRA_ACTIVE_PREFIX).split("."))
    parts = key.split(".")
    if parts[0] == "requests":
        row, column = ".".join(parts[1:-1]), parts[-1]
        labels = dict(request_rows("2021") + _REQUEST_ROWS_OTHER_2019)
        return f"{labels.get(row, row)}·{dict(APPLICANT_COLUMNS)[column]}"
    if parts[0] == "appeals":
        return f"{dict(APPEAL_GROUPS)[parts[1]]}·{dict(APPEAL_OUTCOMES)[parts[2]]}"
    stem, column = ".".join(parts[:-1]), parts[-1]
    for row in ACTIVE_ROWS_2021 + ACTIVE_ROWS_2019:
        if row.stem == stem and column in dict(row.columns):
            return f"{row.label}·{dict(row.columns)[column]}"
    return key


@dataclass(frozen=True)
class KeyEquation:
    """sum(lhs) == sum(rhs): one relation printed in (or implied by) the official tables."""

    rule: str
    scope: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]


def request_equations(template: str, single_other: bool = False) -> list[KeyEquation]:
    """REQ_TOTAL_COL per row, REQ_TOTAL_ROW and REQ_BALANCE per column of the section 三 table."""
    return list(_request_equations(template, single_other))


@cache
def _request_equations(template: str, single_other: bool) -> tuple[KeyEquation, ...]:
    """Built once per template: every report's checks ask for them several times."""
    columns = [c for c, _ in APPLICANT_COLUMNS]
    labels = dict(APPLICANT_COLUMNS)
    rows = request_rows(template, single_other)
    row_labels = dict(rows)
    equations = [
        KeyEquation("REQ_TOTAL_COL", f"“{row_labels[row]}”行",
                    tuple(f"requests.{row}.{c}" for c in columns[:6]), (f"requests.{row}.total",))
        for row, _ in rows
    ]
    for column in columns:
        equations.append(KeyEquation(
            "REQ_TOTAL_ROW", f"“{labels[column]}”列",
            tuple(f"requests.{row}.{column}" for row in request_detail_rows(template, single_other)),
            (f"requests.total.{column}",)))
        equations.append(KeyEquation(
            "REQ_BALANCE", f"“{labels[column]}”列",
            (f"requests.new.{column}", f"requests.carried_over.{column}"),
            (f"requests.total.{column}", f"requests.carried_forward.{column}")))
    return tuple(equations)


def appeal_equations() -> list[KeyEquation]:
    """APPEAL_TOTAL: each group's 总计 is 维持 + 纠正 + 其他 + 尚未审结."""
    return list(_APPEAL_EQUATIONS)


_APPEAL_EQUATIONS = tuple(
    KeyEquation("APPEAL_TOTAL", label, tuple(f"appeals.{group}.{o}" for o, _ in APPEAL_OUTCOMES[:4]),
                (f"appeals.{group}.total",))
    for group, label in APPEAL_GROUPS)
