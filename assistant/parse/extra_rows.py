"""Provincial extra rows in section 二 (e.g. 行政给付, 行政检查), found in every layout.

Some provinces add rows to the 第二十条 tables. They must never shift the standard keys (those are
found by their own labels) and are kept with the columns of the table they sit in (SPEC §2.2;
keys in `catalogue.EXTRA_ACTIVE_PREFIX`, numbered by `tables.read_active`).
- Delimited layouts (pipe rows, one cell per line ending in ' |'): a row is a label cell followed
  by its value cells, so an unknown label followed by exactly the table's number of values, at
  least one of them a number, is an extra row.
- Flattened text (no delimiters): an unknown label right after the numbers of a row of a table
  (standard or extra) and itself followed by numbers is an extra row; its numbers are
  split like any flattened row and, where several splits remain, left open with their candidates.
  A label that is not a table's (sentence punctuation, a heading's number such as '（二）', longer
  than a row label, or numbers that are a date: '2021年') is not a row and
  ends the table, so narrative after it is never read as one. An
  unknown row printed first under its table's header is read when that header is exactly the
  standard columns of one of the template's tables (`active_headers.unknown_first_row`): the
  header words end where the row's label begins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant import catalogue
from assistant.models import CellStatus
from assistant.parse.active_headers import INFO_CELL, ActiveHeader, governing, row_stem, unknown_first_row
from assistant.parse.additions import pending
from assistant.parse.cell_values import read_cell
from assistant.parse.normalize import compact
from assistant.parse.rows import RowMatch, RowReading, RowSpec, read_row, split_cells
from assistant.parse.segment import Column

_CJK = re.compile(r"[\u4e00-\u9fff]")
_HEADER_WORDS = (INFO_CELL, "第二十条")
_NOT_A_LABEL = re.compile(r"[，。；：、,;:]|^\(?[一二三四五六七八九十]+[)、]")
_DATE_AFTER = re.compile(r"\s*[年月日]")
_LONGEST_LABEL = 24
_FLAT_RUN = re.compile(r"(?P<label>[^\d|]+?)(?P<numbers>(?:[-+减]?\d[\d.,]*(?:万元|元|个|件|项|条)?\s*)+)")
_LEADING_UNIT = re.compile(r"^(?:万元|元|个|件|项|条)")


@dataclass(frozen=True)
class ExtraRow:
    """One provincial row: where its label starts, the label, the key ending of each cell and its reading."""

    offset: int
    label: str
    names: tuple[str, ...]
    reading: RowReading


def extra_active_rows(text: str, span: tuple[int, int], template: str, row_patterns: Mapping[str, re.Pattern],
                      headers: Sequence[ActiveHeader], tokens: Sequence[tuple[str, int]]) -> list[ExtraRow]:
    """The rows of span that are neither a standard row nor a header, in text order. `tokens` are
    the span's delimited cells (`delimited_tokens`); without any the text is read as flattened."""
    if tokens:
        return _delimited_rows(tokens, template, row_patterns, headers)
    return _flattened_rows(text, span, template, row_patterns, headers)


def delimited_tokens(text: str, span: tuple[int, int]) -> list[tuple[str, int]]:
    """Every cell of the pipe-delimited lines in span, in reading order, with its offset; a line
    that is a bare '|' is a blank cell, a line of bare '|||' a filler."""
    tokens: list[tuple[str, int]] = []
    position = span[0]
    for line in text[span[0] : span[1]].split("\n"):
        if line.strip() == "|":
            tokens.append(("", position + line.index("|")))
        elif "|" in line and not re.fullmatch(r"\s*\|{2,}\s*", line):
            tokens += split_cells(line, "|", position)
        position += len(line) + 1
    return tokens


def _table_columns(template: str, stem: str, headers: Sequence[ActiveHeader], offset: int) -> list[tuple[str, Column]]:
    """The key ending and kind of each value column of the table a row at `offset` sits in: the
    standard row's columns, or its header's when that prints provincial columns ('@<offset>' names
    a provincial column until the additions are numbered)."""
    header = governing(headers, offset)
    if header is not None:
        return [(column.name, _kind(column.name)) if column.name
                else (pending(column.offset), Column(decimal=column.is_amount)) for column in header.columns]
    row = next(row for row in catalogue.active_rows(template) if row.stem == stem)
    return [(name, _kind(name)) for name, _ in row.columns]


def _kind(column: str) -> Column:
    """A standard column is signed (本年增/减) or decimal (金额) in every table that has it."""
    return Column(signed=any(key.endswith(f".{column}") for key in catalogue.SIGNED_KEYS),
                  decimal=any(key.endswith(f".{column}") for key in catalogue.DECIMAL_KEYS))


def _delimited_rows(tokens: Sequence[tuple[str, int]], template: str, row_patterns: Mapping[str, re.Pattern],
                    headers: Sequence[ActiveHeader]) -> list[ExtraRow]:
    header_words = {re.sub(r"[（(].*", "", label) for row in catalogue.active_rows(template) for _, label in row.columns}
    rows: list[ExtraRow] = []
    columns: list[tuple[str, Column]] = []
    index = 0
    while index < len(tokens):
        token, offset = tokens[index]
        squeezed = compact(token)[0]
        stem = row_stem(token, row_patterns)
        index += 1
        if stem is not None:
            columns = _table_columns(template, stem, headers, offset)
            continue
        if not columns or not _CJK.search(squeezed) or any(w in squeezed for w in (*header_words, *_HEADER_WORDS)):
            continue
        values = tokens[index : index + len(columns)]
        readings = tuple(read_cell(raw, at, signed=kind.signed, decimal=kind.decimal)
                         for (raw, at), (_, kind) in zip(values, columns))
        if (len(values) < len(columns) or all(r.value is None for r in readings)
                or any(r.status == CellStatus.NOT_NUMBER and r.value is None for r in readings)):
            continue
        spec = RowSpec(f"extra@{offset}", "", tuple(kind for _, kind in columns))
        rows.append(ExtraRow(offset, token, tuple(name for name, _ in columns),
                             RowReading(spec, values[0][1], [readings], " | ".join(raw for raw, _ in values))))
        index += len(columns)
    return rows


def _flattened_rows(text: str, span: tuple[int, int], template: str, row_patterns: Mapping[str, re.Pattern],
                    headers: Sequence[ActiveHeader]) -> list[ExtraRow]:
    runs = list(_FLAT_RUN.finditer(text, span[0], span[1]))
    rows: list[ExtraRow] = []
    columns: list[tuple[str, Column]] = []
    for index, run in enumerate(runs):
        label = _LEADING_UNIT.sub("", compact(run["label"])[0])
        label_start = run.start("label") + run["label"].index(label[0]) if label else run.start("numbers")
        stem = row_stem(label, row_patterns) or _trailing_stem(label, row_patterns)
        if stem is not None:
            columns = _table_columns(template, stem, headers, label_start)
            continue
        if any(word in label for word in _HEADER_WORDS):
            first = _first_row_under_header(text, run, template, row_patterns)
            if first is None:
                columns = []
                continue
            columns, label_start = first
            label = compact(text[label_start : run.start("numbers")])[0]
        if (not columns or not _CJK.search(label) or _NOT_A_LABEL.search(label) or _DATE_AFTER.match(text, run.end())
                or len(label) > _LONGEST_LABEL):
            columns = []
            continue
        spec = RowSpec(f"extra@{label_start}", "", tuple(kind for _, kind in columns))
        end = runs[index + 1].start() if index + 1 < len(runs) else span[1]
        label_end = run.start("label") + len(run["label"].rstrip())
        reading = read_row(text, RowMatch(spec, label_start, label_end, end))
        rows.append(ExtraRow(label_start, label, tuple(name for name, _ in columns), reading))
    return rows


def _first_row_under_header(text: str, run: re.Match, template: str, row_patterns: Mapping[str, re.Pattern]):
    """The columns and label start of an unknown row right after a header of standard columns."""
    squeezed, offsets = compact(run["label"])
    info = squeezed.rfind(INFO_CELL)
    if info < 0:
        return None
    header_start = run.start("label") + offsets[info + len(INFO_CELL) - 1] + 1
    found = unknown_first_row(text, header_start, run.start("numbers"), template, row_patterns)
    if found is None:
        return None
    names, label_start = found
    return [(name, _kind(name)) for name in names], label_start


def _trailing_stem(label: str, row_patterns: Mapping[str, re.Pattern]) -> str | None:
    """The standard row whose label ends a run that starts with a table's header words."""
    if not any(word in label for word in _HEADER_WORDS):
        return None
    return next((stem for stem, pattern in row_patterns.items() if re.search(f"(?:{pattern.pattern})$", label)), None)
