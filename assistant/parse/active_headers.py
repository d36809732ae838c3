"""The value columns a section 二 table prints, read from its header, to place provincial extra columns.

Some provinces add a column to a 第二十条 table (e.g. 本年修订件数 between 本年废止件数 and
现行有效件数). The standard keys must not shift, so a table's rows are read by the position of each
column in its own header, not left to right. A header is the cells after 信息内容 up to the
table's first row label:
- in delimited layouts (pipe rows, one cell per line ending in ' |', and so HTML and DOCX tables,
  which the loaders write as pipe rows) each header cell is a column;
- in flattened text the header is one run of words: standard headers are recognised by their
  label, and an unknown stretch is split after each word that ends a column header (件数, 数量, …);
  a stretch that does not split that way leaves the header unread.
A header counts only when its standard columns are exactly the columns, in order, of the standard
row under it; otherwise (another template's wording, a header broken across rows) it is ignored and
the table is read as before, left to right, which is what the standard layout is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from collections.abc import Mapping, Sequence

from assistant import catalogue
from assistant.parse.normalize import compact

INFO_CELL = "信息内容"
"""The first header cell of every 第二十条 table."""
_NOTE = re.compile(r"\([^)]*\)")
_UNKNOWN_HEADER = re.compile(r"[^\d()|]{1,12}?(?:件数|数量|总数|金额|项数)(?:\([^)]*\))?")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class HeaderColumn:
    """One printed value column: its standard column name, or None for a provincial one."""

    name: str | None
    printed: str
    offset: int

    @property
    def is_amount(self) -> bool:
        """A column of money (its cells may be decimals), by its name or printed header."""
        return (self.name or "").startswith("amount") or "金额" in self.printed or "万元" in self.printed


@dataclass(frozen=True)
class ActiveHeader:
    """A header with at least one provincial column; it governs the rows from its end up to the
    next table's 信息内容 (`until`)."""

    columns: tuple[HeaderColumn, ...]
    end: int
    until: int

    @property
    def extra(self) -> tuple[HeaderColumn, ...]:
        return tuple(column for column in self.columns if column.name is None)


def _core(label: str) -> str:
    """A header without whitespace and notes in parentheses ('本年收费金额（单位：万元）' → '本年收费金额')."""
    return _NOTE.sub("", compact(label.replace("（", "(").replace("）", ")"))[0])


def extra_column_headers(text: str, span: tuple[int, int], template: str, row_patterns: Mapping[str, re.Pattern],
                         delimited_tokens: Sequence[tuple[str, int]]) -> list[ActiveHeader]:
    """Every header in span that prints a column the template does not have, in text order."""
    rows = {row.stem: row for row in catalogue.active_rows(template)}
    squeezed, offsets = compact(text[span[0] : span[1]])
    found = [(span[0] + offsets[m.start()], span[0] + offsets[m.end() - 1] + 1) for m in re.finditer(INFO_CELL, squeezed)]
    headers: list[ActiveHeader] = []
    for index, (_, start) in enumerate(found):
        until = found[index + 1][0] if index + 1 < len(found) else span[1]
        parsed = (_delimited_header(start, delimited_tokens, row_patterns) if delimited_tokens
                  else _flattened_header(text, start, until, row_patterns))
        if parsed is None:
            continue
        columns, stem, end = parsed
        standard = [name for name, _ in rows[stem].columns] if stem in rows else None
        if [c.name for c in columns if c.name is not None] == standard and any(c.name is None for c in columns):
            headers.append(ActiveHeader(tuple(columns), end, until))
    return headers


def governing(headers: Sequence[ActiveHeader], offset: int) -> ActiveHeader | None:
    """The header a row at `offset` sits under, if that header prints provincial columns."""
    return next((header for header in headers if header.end <= offset < header.until), None)


def _standard_name(printed: str) -> str | None:
    squeezed = _core(printed)
    return next((name for name, label in _column_labels() if label == squeezed), None)


@cache
def _column_labels() -> tuple[tuple[str, str], ...]:
    """(column name, header without notes) for both templates: one name may be printed two ways
    ('本年处理决定数量' in 2021, '处理决定数量' in 2019)."""
    return tuple(sorted({(name, _core(label)) for row in catalogue.ACTIVE_ROWS_2021 + catalogue.ACTIVE_ROWS_2019
                         for name, label in row.columns}))


def row_stem(label: str, row_patterns: Mapping[str, re.Pattern]) -> str | None:
    """The standard row a label cell or run names (whitespace ignored), if any."""
    squeezed = compact(label)[0]
    return next((stem for stem, pattern in row_patterns.items() if pattern.fullmatch(squeezed)), None)


def _delimited_header(start: int, tokens: Sequence[tuple[str, int]], row_patterns: Mapping[str, re.Pattern]):
    """Header cells after 信息内容 up to the first cell that is a standard row label."""
    columns: list[HeaderColumn] = []
    for token, offset in tokens:
        if offset < start:
            continue
        stem = row_stem(token, row_patterns)
        if stem is not None:
            return columns, stem, offset
        if not token or INFO_CELL in compact(token)[0]:
            return None
        columns.append(HeaderColumn(_standard_name(token), token, offset))
    return None


def _flattened_header(text: str, start: int, end: int, row_patterns: Mapping[str, re.Pattern]):
    """Header words after 信息内容 up to the first digit; what no header word covers is the row label:
    (columns, the standard row it names or None, where the label starts), None without a label."""
    digit = _DIGIT.search(text, start, end)
    squeezed, offsets = compact(text[start : digit.start() if digit else end])
    columns: list[HeaderColumn] = []
    position = 0
    while position < len(squeezed):
        stem = row_stem(squeezed[position:], row_patterns)
        if stem is not None:
            return columns, stem, start + offsets[position]
        name, label = max(((n, label) for n, label in _column_labels() if squeezed.startswith(label, position)),
                          key=lambda pair: len(pair[1]), default=(None, ""))
        if name is not None:
            length = len(label)
            note = _NOTE.match(squeezed, position + length)
            length += len(note.group(0)) if note else 0
        else:
            unknown = _UNKNOWN_HEADER.match(squeezed, position)
            if unknown is None:
                return columns, None, start + offsets[position]
            length = len(unknown.group(0))
        columns.append(HeaderColumn(name, squeezed[position : position + length], start + offsets[position]))
        position += length
    return None


def unknown_first_row(text: str, start: int, end: int, template: str,
                      row_patterns: Mapping[str, re.Pattern]) -> tuple[list[str], int] | None:
    """In flattened text, a row that is not a standard one printed first under a header of standard
    columns only (start: the end of 信息内容): the columns and where the row's label starts, when
    the header is exactly the columns of one of the template's tables."""
    parsed = _flattened_header(text, start, end, row_patterns)
    if parsed is None or parsed[1] is not None:
        return None
    names = [column.name for column in parsed[0]]
    tables = {tuple(name for name, _ in row.columns) for row in catalogue.active_rows(template)}
    return (names, parsed[2]) if tuple(names) in tables else None
