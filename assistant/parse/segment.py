"""Splitting flattened digit runs into table cells.

Crawled pages print a table row as `640020470` (64,0,0,2,0,4,70): the cell boundaries are gone.
This module lists every reading of a run that is well-formed (no leading zeros, signs and decimals
only where the column allows them, spaces kept as boundaries when they are present); the solver
then lets the table's own arithmetic choose among them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterator, Sequence

from assistant.parse.cell_values import CellReading, read_cell

MAX_READINGS = 20000
_CHUNK = re.compile(r"[-+]?[\d.,]*\d(?:万元|元|个|件|项|条)?")
_UNIT = re.compile(r"(万元|元|个|件|项|条)$")


@dataclass(frozen=True)
class Column:
    signed: bool = False
    decimal: bool = False


@dataclass(frozen=True)
class Chunk:
    text: str
    offset: int


def chunks_of(region: str, base_offset: int) -> list[Chunk]:
    """Whitespace-separated number chunks; '减' (decrease) starts a negative chunk."""
    prepared = region.replace("减", "-")
    return [Chunk(m.group(0), base_offset + m.start()) for m in _CHUNK.finditer(prepared)]


def readings(chunks: Sequence[Chunk], columns: Sequence[Column]) -> list[tuple[CellReading, ...]]:
    """Every well-formed split of the chunks into exactly len(columns) cells.

    Spaces are trusted as cell boundaries first; when that admits no reading (a space inside a
    number), the run is read again as one string.
    """
    found = list(_split_chunks(list(chunks), columns, 0))
    if not found and len(chunks) > 1:
        merged = Chunk("".join(c.text for c in chunks), chunks[0].offset)
        offsets = [c.offset + i for c in chunks for i in range(len(c.text))]
        found = [tuple(_reoffset(cell, offsets, merged.offset) for cell in reading)
                 for reading in _split_chunks([merged], columns, 0)]
    return found[:MAX_READINGS]


def _reoffset(cell: CellReading, offsets: list[int], base: int) -> CellReading:
    index = cell.offset - base
    true_offset = offsets[index] if 0 <= index < len(offsets) else cell.offset
    return CellReading(cell.raw, true_offset, cell.value, cell.status, cell.note)


def _split_chunks(chunks: list[Chunk], columns: Sequence[Column], start: int) -> Iterator[tuple[CellReading, ...]]:
    """All readings of chunks[i:] from column `start` on, each chunk's own splits computed once."""
    splits: dict[tuple[int, int, int], list[tuple[CellReading, ...]]] = {}

    def own(index: int, first: int, parts: int) -> list[tuple[CellReading, ...]]:
        key = (index, first, parts)
        if key not in splits:
            splits[key] = list(_split_one(chunks[index], columns[first : first + parts]))
        return splits[key]

    capacity = [sum(ch.isdigit() for ch in chunk.text) for chunk in chunks]
    later_capacity = [sum(capacity[i + 1 :]) for i in range(len(chunks))]

    def walk(index: int, first: int) -> Iterator[tuple[CellReading, ...]]:
        if index == len(chunks):
            if first == len(columns):
                yield ()
            return
        remaining = len(columns) - first
        fewest = max(1, remaining - later_capacity[index])
        most = min(capacity[index], remaining - (len(chunks) - index - 1))
        for parts in range(fewest, most + 1):
            for split in own(index, first, parts):
                for tail in walk(index + 1, first + parts):
                    yield split + tail

    return walk(0, start)


def _split_one(chunk: Chunk, columns: Sequence[Column]) -> Iterator[tuple[CellReading, ...]]:
    unit_match = _UNIT.search(chunk.text)
    unit = unit_match.group(1) if unit_match else ""
    body = chunk.text[: len(chunk.text) - len(unit)]
    if "," in body:
        if len(columns) == 1:
            yield (read_cell(chunk.text, chunk.offset, signed=columns[0].signed, decimal=columns[0].decimal),)
        return
    for pieces in _cut(body, len(columns), columns):
        cells: list[CellReading] = []
        position = 0
        for index, (piece, column) in enumerate(zip(pieces, columns)):
            raw = piece + (unit if index == len(pieces) - 1 else "")
            cells.append(read_cell(raw, chunk.offset + position, signed=column.signed, decimal=column.decimal))
            position += len(piece)
        yield tuple(cells)


def _cut(body: str, parts: int, columns: Sequence[Column]) -> Iterator[list[str]]:
    if parts == 1:
        if _valid_piece(body, columns[0]):
            yield [body]
        return
    for end in range(1, len(body) - parts + 2):
        piece = body[:end]
        if not _valid_piece(piece, columns[0]):
            continue
        for rest in _cut(body[end:], parts - 1, columns[1:]):
            yield [piece, *rest]


_PIECE = re.compile(r"^(?P<sign>[-+]?)(?:0|[1-9]\d*)(?P<fraction>\.\d+)?$")


def _valid_piece(piece: str, column: Column) -> bool:
    match = _PIECE.match(piece)
    if match is None:
        return False
    if match["sign"] and not column.signed:
        return False
    return not (match["fraction"] and not column.decimal)
