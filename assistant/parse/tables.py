"""The three standard tables: row specs per template, their arithmetic, and cells with keys.

Each table is read row by row (`rows`), its flattened rows resolved by its own equations
(`solve`), and every template key gets a `Cell`, found or not, so `figures` always holds the whole
template.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant import catalogue
from assistant.models import Cell, CellStatus, DecodedText
from assistant.parse.cell_values import CellReading
from assistant.parse.active_headers import extra_column_headers, governing
from assistant.parse.additions import number_additions, pending_key
from assistant.parse.extra_rows import delimited_tokens, extra_active_rows
from assistant.parse.normalize import compact
from assistant.parse.rows import RowMatch, RowReading, RowSpec, locate_rows, read_row
from assistant.parse.scopes import own_part, scope_parts
from assistant.parse.segment import Column
from assistant.parse.solve import Equation, Hint, Resolution, resolve

_ORD = r"(?:\d[.、,]?)?"
_REQUEST_LABELS: dict[str, str] = {
    "new": r"本年新收[^\d]{0,14}?数量",
    "carried_over": r"上年结转[^\d]{0,14}?数量",
    "granted": r"\(一\)予以公开",
    "partly_granted": r"\(二\)部分公开(?:\([^)]*\))?",
    "withheld.state_secret": _ORD + r"属于国家秘密",
    "withheld.law_forbidden": _ORD + r"其他法律[^\d|]{0,8}?公开",
    "withheld.security_stability": _ORD + r"危及[\"“”']?三安全一稳定[\"“”']?",
    "withheld.third_party": _ORD + r"保护第三方合法权益",
    "withheld.internal_affairs": _ORD + r"属于三类内部事务信息",
    "withheld.process_info": _ORD + r"属于四类过程性信息",
    "withheld.enforcement_file": _ORD + r"属于行政执法案[卷件]",
    "withheld.admin_query": _ORD + r"属于行政查询事项",
    "unable.not_held": _ORD + r"本机关不掌握(?:相关)?(?:政府)?信息",
    "unable.needs_creation": _ORD + r"没有现成信息需要另行制作",
    "unable.unclear": _ORD + r"补正后申请内容仍不明确",
    "not_processed.complaint": _ORD + r"信访举报投诉类申请",
    "not_processed.duplicate": _ORD + r"重复申请",
    "not_processed.publication": _ORD + r"要求提供公开出版物",
    "not_processed.excessive": _ORD + r"无正当理由大量反复申请",
    "not_processed.reconfirm": _ORD + r"要求行政机关确认或重新出具已获取信息",
    "other.overdue_correction": _ORD + r"申请人无正当理由逾期不补正(?:[^\d|]*?申请)?",
    "other.overdue_fee": _ORD + r"申请人逾期未按收费通知要求缴纳费用(?:[^\d|]*?申请)?",
    "other.other": r"3[.、,]?其他",
    "other.all": r"\(六\)其他处理",
    "total": r"\(七\)总计",
    "carried_forward": r"(?:四[、.,])?结转下年度继续办理",
}
_ACTIVE_LABELS: dict[str, str] = {
    "active.regulation": r"规章",
    "active.normative_doc": r"(?:行政)?规范性文件",
    "active.licensing": r"行政许可",
    "active.other_mgmt_service": r"其他对外管理服务事项",
    "active.punishment": r"行政处罚",
    "active.coercion": r"行政强制",
    "active.admin_fee": r"行政事业性收费",
    "active.procurement": r"政府集中采购(?:\([^)]*\))?",
}
_COUNT = Column()
_SEVEN = tuple(_COUNT for _ in catalogue.APPLICANT_COLUMNS)
_APPEAL_ROW = "appeals"


def read_active(document: DecodedText, text: str, span: tuple[int, int], template: str,
                hints: Sequence[tuple[str, float]] = ()) -> list[Cell]:
    """Section 二: a few small tables with no arithmetic; plausibility and narrative break ties. A
    table whose header prints provincial columns is read by header position (`active_headers`), so
    its standard cells stay under their keys whatever is added beside them."""
    start, end = span
    anchor = re.search(r"第\s*二\s*十\s*条", text[start:end])
    table_span = (start + anchor.start() if anchor else start, end)
    patterns = {row.stem: re.compile(_ACTIVE_LABELS[row.stem]) for row in catalogue.active_rows(template)}
    tokens = delimited_tokens(text, table_span)
    headers = extra_column_headers(text, table_span, template, patterns, tokens)
    specs: list[RowSpec] = []
    names: dict[str, list[str]] = {}
    readings: dict[str, RowReading] = {}
    located = {m.spec.name: m for m in locate_rows(text, *table_span, [
        RowSpec(row.stem, _ACTIVE_LABELS[row.stem], tuple(_active_column(f"{row.stem}.{c}") for c, _ in row.columns))
        for row in catalogue.active_rows(template)])}
    for row in catalogue.active_rows(template):
        match = located.get(row.stem)
        header = governing(headers, match.label_start) if match else None
        if header is None:
            names[row.stem] = [f"{row.stem}.{c}" for c, _ in row.columns]
        else:
            names[row.stem] = [f"{row.stem}.{c.name}" if c.name else pending_key(c.offset, _leaf(row.stem))
                               for c in header.columns]
        kinds = [_active_column(f"{row.stem}.{c}") for c, _ in row.columns] if header is None else \
            [_active_column(f"{row.stem}.{c.name}") if c.name else Column(decimal=c.is_amount) for c in header.columns]
        spec = RowSpec(row.stem, _ACTIVE_LABELS[row.stem], tuple(kinds))
        specs.append(spec)
        if match is not None:
            readings[row.stem] = read_row(text, RowMatch(spec, match.label_start, match.label_end, match.region_end))
    positions = {key: (stem, i) for stem, keys in names.items() for i, key in enumerate(keys)}
    plausible = {stem: _doc_plausible(template, [positions[f"{stem}.{c}"][1] for c, _ in row.columns])
                 for row in catalogue.active_rows(template) if (stem := row.stem) in ("active.regulation", "active.normative_doc")}
    resolution = resolve({name: r.options for name, r in readings.items()}, [], _hints(hints, positions), plausible=plausible)
    cells = _cells(document, specs, readings, resolution, lambda row, column: names[row][column], span)
    for extra in extra_active_rows(text, table_span, template, patterns, headers, tokens):
        spec = extra.reading.spec
        extra_resolution = resolve({spec.name: extra.reading.options}, [])
        cells += [cell.model_copy(update={"note": "；".join(filter(None, [f"省级增设行“{extra.label}”", cell.note]))})
                  for cell in _cells(document, [spec], {spec.name: extra.reading}, extra_resolution,
                                     lambda row, column: pending_key(extra.offset, extra.names[column]), span)]
    return number_additions(cells, {c.offset: compact(c.printed)[0] for header in headers for c in header.extra})


def read_requests(document: DecodedText, text: str, span: tuple[int, int], template: str,
                  hints: Sequence[tuple[str, float]] = (), title: str | None = None) -> list[Cell]:
    """Section 三, or each of its tables when it is printed per scope (本级 / 全区): the report's own
    scope gives the standard keys (and meets the narrative's figures), the other is kept and named."""
    parts = scope_parts(text, span, _REQUEST_LABELS["new"])
    own = own_part(parts, title)
    cells = _request_table(document, text, parts[own].span, template, hints)
    for index, part in enumerate(parts):
        if index != own:
            note = f"{part.scope}表格（本报告口径为{parts[own].scope}）"
            cells += [cell.model_copy(update={"key": catalogue.ALT_SCOPE_PREFIX + cell.key, "note": "；".join(filter(None, [note, cell.note]))})
                      for cell in _request_table(document, text, part.span, template, ())]
    return cells


def _request_table(document: DecodedText, text: str, span: tuple[int, int], template: str,
                   hints: Sequence[tuple[str, float]]) -> list[Cell]:
    """One section 三 table: 25 (2021) or 23 (2019) rows of seven columns, with full arithmetic. A 2021
    table that prints （六）其他处理 as one row stores it as `requests.other.all` beside its three null sub-rows."""
    specs = _request_specs(template)
    readings = {m.spec.name: read_row(text, m) for m in locate_rows(text, span[0], span[1], specs)}
    single_other = False
    if template == "2021" and not any(name.startswith("other.") for name in readings):
        alone = {m.spec.name: read_row(text, m) for m in locate_rows(text, span[0], span[1], _request_specs(template, True))}
        if "other.all" in alone:
            single_other, readings = True, alone
            after_other = max(i for i, spec in enumerate(specs) if spec.name.startswith("other.")) + 1
            specs = specs[:after_other] + [RowSpec("other.all", _REQUEST_LABELS["other.all"], _SEVEN)] + specs[after_other:]
    names = [spec.name for spec in specs]
    columns = [c for c, _ in catalogue.APPLICANT_COLUMNS]
    positions = {f"requests.{row}.{c}": (row, i) for row in names for i, c in enumerate(columns)}
    equations = _equations(catalogue.request_equations(template, single_other), positions)
    resolution = resolve({name: r.options for name, r in readings.items()}, equations, _hints(hints, positions))
    return _cells(document, specs, readings, resolution, lambda row, column: f"requests.{row}.{columns[column]}", span)


def _request_specs(template: str, single_other: bool = False) -> list[RowSpec]:
    return [RowSpec(row, _REQUEST_LABELS[row], _SEVEN) for row, _ in catalogue.request_rows(template, single_other)]


def read_appeals(document: DecodedText, text: str, span: tuple[int, int],
                 hints: Sequence[tuple[str, float]] = ()) -> list[Cell]:
    """Section 四: one row of 15 cells after the header; each group's 总计 is the sum of the other four.
    Without the header there is no table to read: its cells are missing, not blank."""
    start, end = span
    header_end = _appeal_header_end(text, start, end)
    keys = catalogue.appeal_keys()
    spec = RowSpec(_APPEAL_ROW, "", tuple(_COUNT for _ in keys))
    if header_end is None:
        return _cells(document, [spec], {}, Resolution(), lambda row, column: keys[column], span)
    readings = {_APPEAL_ROW: read_row(text, RowMatch(spec, header_end, header_end, end))}
    positions = {key: (_APPEAL_ROW, i) for i, key in enumerate(keys)}
    equations = _equations(catalogue.appeal_equations(), positions)
    resolution = resolve({_APPEAL_ROW: readings[_APPEAL_ROW].options}, [], _hints(hints, positions),
                         plausible={_APPEAL_ROW: lambda option: all(_local_holds(eq, option) for eq in equations)})
    return _cells(document, [spec], readings, resolution, lambda row, column: keys[column], span)


def _appeal_header_end(text: str, start: int, end: int) -> int | None:
    """End of the header: the first 总计 followed by the data (a digit or blank cells), else the last one."""
    squeezed, offsets = compact(text[start:end])
    totals = [m.end() for m in re.finditer("总计", squeezed)]
    if not totals:
        return None
    chosen = next((t for t in totals if re.match(r"[|¦]*(?:\d|[-/]|$)", squeezed[t:])), totals[-1])
    return start + offsets[chosen - 1] + 1


def _equations(relations: Sequence[catalogue.KeyEquation], positions: dict[str, tuple[str, int]]) -> list[Equation]:
    return [Equation(tuple(positions[k] for k in r.lhs), tuple(positions[k] for k in r.rhs)) for r in relations]


def _hints(stated: Sequence[tuple[str, float]], positions: dict[str, tuple[str, int]]) -> list[Hint]:
    return [Hint(positions[key], value) for key, value in stated if key in positions]


def _local_holds(equation: Equation, option: tuple[CellReading, ...]) -> bool:
    values = [option[c].value for _, c in equation.lhs + equation.rhs]
    if any(v is None for v in values):
        return True
    return sum(option[c].value for _, c in equation.lhs) == sum(option[c].value for _, c in equation.rhs)


def _active_column(key: str) -> Column:
    return Column(signed=key in catalogue.SIGNED_KEYS, decimal=key in catalogue.DECIMAL_KEYS)


def _leaf(stem: str) -> str:
    return stem.removeprefix("active.")


def _doc_plausible(template: str, standard: Sequence[int]) -> Callable[[tuple[CellReading, ...]], bool]:
    """A document row is physically possible: 2021 本年制发 ≤ 现行有效 + 本年废止; 2019 对外公开总数 ≥ 本年新公开.
    `standard`: where the row's three standard columns are in its reading (provincial columns may sit between)."""

    def plausible(option: tuple[CellReading, ...]) -> bool:
        values = [option[index].value for index in standard]
        if any(v is None for v in values):
            return True
        if template == "2021":
            return values[0] <= values[2] + values[1]
        return values[2] >= values[1]

    return plausible


def _cells(document: DecodedText, specs: Sequence[RowSpec], readings, resolution: Resolution,
           key_of: Callable[[str, int], str], span: tuple[int, int]) -> list[Cell]:
    cells: list[Cell] = []
    for spec in specs:
        reading = readings.get(spec.name)
        for column in range(len(spec.columns)):
            key = key_of(spec.name, column)
            if reading is None:
                cells.append(Cell(key=key, value=None, raw="", line=document.line_of(span[0]), offset=span[0],
                                  status=CellStatus.MISSING, note="表格中找不到该行"))
            elif spec.name not in resolution.options:
                cells.append(Cell(key=key, value=None, raw=reading.raw_region, line=document.line_of(reading.line_offset),
                                  offset=reading.line_offset, status=CellStatus.MISSING,
                                  note=f"该行数字无法拆分为{len(spec.columns)}个单元格"))
            else:
                cells.append(_resolved_cell(document, key, resolution, spec.name, column))
    return cells


def _resolved_cell(document: DecodedText, key: str, resolution: Resolution, row: str, column: int) -> Cell:
    options = resolution.options[row]
    first: CellReading = options[0][column]
    values = [first.value] if len(options) == 1 else resolution.cell_values(row, column)
    if len(values) == 1:
        return Cell(key=key, value=first.value, raw=first.raw, line=document.line_of(first.offset),
                    status=first.status, note=first.note, offset=first.offset)
    raws = sorted({option[column].raw for option in options})
    return Cell(key=key, value=None, raw=" / ".join(raws), line=document.line_of(first.offset),
                offset=first.offset, status=CellStatus.AMBIGUOUS, candidates=[v for v in values if v is not None],
                note=f"无法唯一确定，可能取值：{'、'.join(str(v) for v in values)}")
