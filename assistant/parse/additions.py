"""Numbering the provincial additions to section 二 (extra rows and extra columns) in report order.

While a table is read, an addition is named by the offset where its label or header starts
('active.extra.@812.issued'); once every table is read, each addition gets its number n, counted
over rows and columns together in the order they are printed, so the keys are
`active.extra.<n>.<column>` for an extra row, `active.extra.<n>.<row>` for an extra column, and
`active.extra.<n>.<m>` for the cell of extra row n under extra column m (see `catalogue.key_label`).
"""

from __future__ import annotations

from collections.abc import Mapping

from assistant import catalogue
from assistant.models import Cell

EXTRA_PREFIX = catalogue.EXTRA_ACTIVE_PREFIX
_PENDING = "@"


def pending(offset: int) -> str:
    """The name of an addition whose label or header starts at `offset`, until it is numbered."""
    return f"{_PENDING}{offset}"


def pending_key(offset: int, tail: str) -> str:
    return f"{EXTRA_PREFIX}{pending(offset)}.{tail}"


def number_additions(cells: list[Cell], column_headers: Mapping[int, str]) -> list[Cell]:
    """`column_headers`: the printed header of each extra column (whitespace removed), by its offset."""
    pending = [cell.key.removeprefix(EXTRA_PREFIX).split(".", 1) for cell in cells if _is_pending(cell.key)]
    numbers = {offset: str(n) for n, offset in enumerate(sorted({int(head[1:]) for head, _ in pending}), 1)}
    numbered: list[Cell] = []
    for cell in cells:
        if not _is_pending(cell.key):
            numbered.append(cell)
            continue
        head, tail = cell.key.removeprefix(EXTRA_PREFIX).split(".", 1)
        offset = int(head[1:])
        column = numbers[int(tail[1:])] if tail.startswith(_PENDING) else tail
        note = cell.note
        if offset in column_headers:
            note = "；".join(filter(None, [f"省级增设列“{column_headers[offset]}”", note]))
        numbered.append(cell.model_copy(update={"key": f"{EXTRA_PREFIX}{numbers[offset]}.{column}", "note": note}))
    return numbered


def _is_pending(key: str) -> bool:
    return key.startswith(EXTRA_PREFIX + _PENDING)
