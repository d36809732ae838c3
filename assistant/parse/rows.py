"""Finding a table's row labels and reading the cells that follow each label.

Labels are matched in order on whitespace-free text, since published tables split words across
spaces and lines. What follows a label up to the next label is the row's value region, read in one
of the layouts seen in real reports: one cell per line (Word copy-paste with tabs), one cell per
line ending in ' |' (crawled pages of other provinces), pipe rows (Markdown and similar), tab-separated rows, or an inline run of numbers (crawled pages), the last
possibly without any delimiter at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Sequence

from assistant.models import CellStatus
from assistant.parse.cell_values import CellReading, read_cell
from assistant.parse.normalize import compact
from assistant.parse.segment import Column, chunks_of, readings


_LOOKAHEAD = 3


@dataclass(frozen=True)
class RowSpec:
    name: str
    label: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class RowMatch:
    spec: RowSpec
    label_start: int
    label_end: int
    region_end: int


@dataclass
class RowReading:
    """All readings of one row that survive its own layout (one, or several for flattened runs)."""

    spec: RowSpec
    line_offset: int
    options: list[tuple[CellReading, ...]]
    raw_region: str


def locate_rows(text: str, start: int, end: int, specs: Sequence[RowSpec]) -> list[RowMatch]:
    """Match each spec's label in order within text[start:end]; a row not found is left out."""
    squeezed, offsets = compact(text[start:end])
    patterns = [re.compile(spec.label) for spec in specs]
    found: list[tuple[RowSpec, int, int]] = []
    cursor = 0
    for index, spec in enumerate(specs):
        match = patterns[index].search(squeezed, cursor)
        if match is None or _later_row_comes_first(patterns[index + 1 : index + 1 + _LOOKAHEAD], squeezed, cursor, match):
            continue
        found.append((spec, start + offsets[match.start()], start + offsets[match.end() - 1] + 1))
        cursor = match.end()
    rows: list[RowMatch] = []
    for index, (spec, label_start, label_end) in enumerate(found):
        region_end = found[index + 1][1] if index + 1 < len(found) else end
        rows.append(RowMatch(spec, label_start, label_end, region_end))
    return rows


def _later_row_comes_first(later: Sequence[re.Pattern], squeezed: str, cursor: int, match: re.Match) -> bool:
    """A label found only after a later row's label is not this row (e.g. a word in the narrative)."""
    for pattern in later:
        other = pattern.search(squeezed, cursor)
        if other is not None and other.start() < match.start():
            return True
    return False


def read_row(text: str, match: RowMatch) -> RowReading:
    region = text[match.label_end : match.region_end]
    columns = match.spec.columns
    first_line, _, rest = region.partition("\n")
    if first_line.strip() == "|" and _CELL_LINE.match(next((line.strip() for line in rest.split("\n")
                                                           if not _FILLER_LINE.match(line.strip())), "")):
        tokens = _cell_lines(rest, match.label_end + len(first_line) + 1, len(columns))
        return _delimited(match, tokens, region)
    if "|" in first_line:
        tokens = split_cells(first_line, "|", match.label_end)
        if len(tokens) < len(columns) and not any(token for token, _ in tokens):
            tokens = _next_pipe_row(rest, match.label_end + len(first_line) + 1)
        return _delimited(match, tokens, region)
    if "\t" in first_line.strip(" "):
        tokens = split_cells(first_line, "\t", match.label_end)
        return _delimited(match, tokens, region)
    if first_line.strip() or not rest:
        return _inline(match, first_line, region)
    base = match.label_end + len(first_line) + 1
    tokens = _line_tokens(rest, base)
    if len(tokens) == 1 and len(columns) > 1:
        _, offset = tokens[0]
        return _inline(match, rest[offset - base :].split("\n", 1)[0], region, base=offset)
    return _delimited(match, tokens, region)


def split_cells(line: str, separator: str, base: int) -> list[tuple[str, int]]:
    """Cells of a delimited row with their offsets; the empty ends outside the first and last
    separator ('| a | b |') and Markdown rule cells ('---', ':--:') are not cells."""
    tokens: list[tuple[str, int]] = []
    position = 0
    pieces = line.split(separator)
    for index, piece in enumerate(pieces):
        stripped = piece.strip()
        is_rule = bool(stripped) and set(stripped) <= set("-:") and len(stripped) >= 3
        is_edge = not stripped and index in (0, len(pieces) - 1)
        if not is_edge and not is_rule:
            tokens.append((stripped, base + position + _indent(piece)))
        position += len(piece) + 1
    return tokens


def _next_pipe_row(block: str, base: int) -> list[tuple[str, int]]:
    position = 0
    for line in block.split("\n"):
        tokens = split_cells(line, "|", base + position)
        if tokens:
            return tokens
        position += len(line) + 1
    return []


_CELL_LINE = re.compile(r"^[^|]*\|$")
_FILLER_LINE = re.compile(r"^\|{2,}$")


def _cell_lines(block: str, base: int, wanted: int) -> list[tuple[str, int]]:
    """Crawled pages that print every cell on its own line ending in ' |' (a bare '|' is a blank
    cell), with filler lines of bare '|||' between rows: the row's cells are its next `wanted`
    cell lines, fillers skipped; the row ends early at a line of any other shape."""
    tokens: list[tuple[str, int]] = []
    position = 0
    for line in block.split("\n"):
        stripped = line.strip()
        if len(tokens) == wanted or (stripped and not _FILLER_LINE.match(stripped) and not _CELL_LINE.match(stripped)):
            break
        if _CELL_LINE.match(stripped):
            tokens.append((stripped[:-1].strip(), base + position + _indent(line)))
        position += len(line) + 1
    return tokens


def _indent(piece: str) -> int:
    return len(piece) - len(piece.lstrip())


def _line_tokens(block: str, base: int) -> list[tuple[str, int]]:
    """One cell per line, the row ending at the first empty line after its first cell."""
    tokens: list[tuple[str, int]] = []
    position = 0
    for line in block.split("\n"):
        if not line.strip(" ") and "\t" not in line:
            if tokens:
                break
        else:
            tokens.append((line.strip(), base + position + _indent(line)))
        position += len(line) + 1
    return tokens


def _delimited(match: RowMatch, tokens: list[tuple[str, int]], region: str) -> RowReading:
    tokens = _trim_padding(tokens, len(match.spec.columns))
    cells: list[CellReading] = []
    for index, column in enumerate(match.spec.columns):
        if index < len(tokens):
            raw, offset = tokens[index]
            cells.append(read_cell(raw, offset, signed=column.signed, decimal=column.decimal))
        else:
            cells.append(CellReading("", match.label_end, None, CellStatus.MISSING, "表格行中缺少该单元格"))
    return RowReading(match.spec, match.label_end, [tuple(cells)], region)


def _trim_padding(tokens: list[tuple[str, int]], wanted: int) -> list[tuple[str, int]]:
    """Drop empty cells beyond the row's width: trailing padding ('| 36 | ||'), then empty label
    cells left of the values (a label spanning columns, '| （六）其他处理 |  | 0 | …')."""
    trimmed = list(tokens)
    while len(trimmed) > wanted and not trimmed[-1][0]:
        trimmed.pop()
    while len(trimmed) > wanted and not trimmed[0][0]:
        trimmed.pop(0)
    return trimmed


_STOP = re.compile(r"[(\u4e00-\u9fff]")
_UNIT_AFTER_DIGIT = re.compile(r"(?<=\d)(?:万元|元|个|件|项|条|减)")
_TRAILING_YEAR = re.compile(r"(?:19|20)\d\d$")


def _inline(match: RowMatch, line: str, region: str, base: int | None = None) -> RowReading:
    """An inline run: numbers up to the first word that is not a unit (a header or narrative)."""
    start = match.label_end if base is None else base
    cut = len(line)
    position = 0
    while True:
        stop = _STOP.search(line, position)
        if stop is None:
            break
        unit = _UNIT_AFTER_DIGIT.match(line, stop.start())
        if unit:
            position = unit.end()
            continue
        cut = stop.start()
        if line.startswith("年", cut):
            year = _TRAILING_YEAR.search(line[:cut].rstrip())
            if year:
                cut = year.start()
        break
    body = line[:cut]
    chunks = chunks_of(body, start)
    if not chunks:
        blank = tuple(CellReading("", start, None, CellStatus.BLANK) for _ in match.spec.columns)
        return RowReading(match.spec, start, [blank], body)
    options = readings(chunks, match.spec.columns)
    return RowReading(match.spec, start, options, body.strip() or region.strip()[:40])
