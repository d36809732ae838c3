"""Provincial extra rows in section 二 (e.g. 行政给付, 行政检查), kept under `active.extra.<n>.<column>`.

Some provinces add rows to the 第二十条 tables. They must never shift the standard keys (those are
found by their own labels) and are kept, numbered in report order, with the columns of the table
they sit in (SPEC §2.2). Only delimited layouts (pipe rows, one cell per line ending in ' |') are
scanned: there a row is a label cell followed by its value cells, so an unknown label followed by
exactly the table's number of values, at least one of them a number, is an extra row; in flattened
text no such boundary exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant import catalogue
from assistant.models import Cell, CellStatus, DecodedText
from assistant.parse.cell_values import read_cell
from assistant.parse.normalize import compact
from assistant.parse.rows import split_cells

_CJK = re.compile(r"[\u4e00-\u9fff]")
_HEADER_WORDS = ("信息内容", "第二十条")


def extra_active_cells(document: DecodedText, text: str, span: tuple[int, int], template: str,
                       standard_labels: dict[str, str]) -> list[Cell]:
    """Cells of the rows that are neither a standard row nor a header, after the table they follow."""
    rows = {row.stem: row for row in catalogue.active_rows(template)}
    patterns = {stem: re.compile(label) for stem, label in standard_labels.items()}
    headers = {re.sub(r"[（(].*", "", label) for row in rows.values() for _, label in row.columns}
    tokens = _delimited_tokens(text, span)
    cells: list[Cell] = []
    columns: Sequence[tuple[str, str]] = ()
    number = 0
    index = 0
    while index < len(tokens):
        token, offset = tokens[index]
        squeezed = compact(token)[0]
        stem = next((s for s, p in patterns.items() if p.fullmatch(squeezed)), None)
        index += 1
        if stem is not None:
            columns = rows[stem].columns
            continue
        if not columns or not _CJK.search(squeezed) or any(w in squeezed for w in (*headers, *_HEADER_WORDS)):
            continue
        values = tokens[index : index + len(columns)]
        decimal = any(column.startswith("amount") for column, _ in columns)
        readings = [read_cell(raw, at, decimal=decimal) for raw, at in values]
        if (len(values) < len(columns) or all(r.value is None for r in readings)
                or any(r.status == CellStatus.NOT_NUMBER and r.value is None for r in readings)):
            continue
        number += 1
        for (column, _), reading in zip(columns, readings):
            cells.append(Cell(key=f"{catalogue.EXTRA_ACTIVE_PREFIX}{number}.{column}", value=reading.value, raw=reading.raw,
                              line=document.line_of(reading.offset), offset=reading.offset, status=reading.status,
                              note=f"省级增设行“{token}”" + (f"；{reading.note}" if reading.note else "")))
        index += len(columns)
    return cells


def _delimited_tokens(text: str, span: tuple[int, int]) -> list[tuple[str, int]]:
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
