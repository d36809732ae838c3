"""Ruled tables in a page image: deskew, find the grid lines, and the cells they enclose.

A scanned table is read cell by cell, never as free text, because tesseract reads a row of
numbers between rules unreliably ('|4' for '14'). Rules are long dark runs: a row of pixels whose
longest dark run is a large share of the page width is a horizontal rule; within a table, a column
whose dark run covers a row band is a vertical rule of that band. A cell whose top rule is absent
continues the cell above (a merged cell), so each merged cell is read once, in its first row, as the
DOCX and HTML loaders write them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

_DARK = 128
_MIN_RULE_SHARE = 0.12
_BAND_COVER = 0.85
_TOLERANCE = 5


@dataclass(frozen=True)
class GridCell:
    row: int
    left: int
    top: int
    right: int
    bottom: int


@dataclass(frozen=True)
class TableGrid:
    top: int
    bottom: int
    rows: list[list[GridCell]]


def binarize(image: Image.Image) -> np.ndarray:
    """True where ink is, by a global threshold halfway between paper and ink."""
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    paper = np.percentile(gray, 90)
    ink = np.percentile(gray, 1)
    return gray < (paper + ink) / 2 if paper - ink > 40 else gray < _DARK


def deskew(image: Image.Image, max_degrees: float = 2.0, step: float = 0.1) -> Image.Image:
    """Rotate so that text lines and rules are horizontal: the angle whose row profile is sharpest,
    searched coarsely on a quarter-size page, then to `step` on a half-size one."""
    gray = image.convert("L")
    coarse = _sharpest_angle(gray.reduce(4), np.arange(-max_degrees, max_degrees + step / 2, 5 * step))
    best_angle = _sharpest_angle(gray.reduce(2), coarse + np.arange(-4 * step, 4 * step + step / 2, step))
    if abs(best_angle) < step / 2:
        return gray
    return gray.rotate(best_angle, resample=Image.BICUBIC, fillcolor=255)


def _sharpest_angle(small: Image.Image, angles: np.ndarray) -> float:
    pixels = np.asarray(small)
    paper, ink = np.percentile(pixels, 90), np.percentile(pixels, 1)
    threshold = (paper + ink) / 2 if paper - ink > 40 else _DARK
    best_angle, best_score = 0.0, -1.0
    for angle in angles:
        rotated = np.asarray(small.rotate(float(angle), resample=Image.BILINEAR, fillcolor=255))
        profile = (rotated < threshold).sum(axis=1).astype(np.float64)
        score = float(np.square(np.diff(profile)).sum())
        if score > best_score:
            best_angle, best_score = float(angle), score
    return best_angle


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start and end (exclusive) of each run of True in a 1-D mask."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2], edges[1::2]))


def _longest_run(row: np.ndarray) -> int:
    runs = _runs(row)
    return max((end - start for start, end in runs), default=0)


def find_tables(ink: np.ndarray) -> list[TableGrid]:
    """Ruled tables top to bottom: runs of horizontal rules, split where no vertical rule joins two."""
    height, width = ink.shape
    candidates = np.flatnonzero(ink.sum(axis=1) >= _MIN_RULE_SHARE * width)
    rule_rows = [y for y in candidates if _longest_run(ink[y]) >= _MIN_RULE_SHARE * width]
    centres = [(start + end - 1) // 2 for start, end in _runs(np.isin(np.arange(height), rule_rows))]
    tables: list[TableGrid] = []
    group: list[int] = []
    for y in centres:
        if group and not _vertically_joined(ink, group[-1], y):
            tables += _grid(ink, group)
            group = []
        group.append(y)
    tables += _grid(ink, group)
    return tables


def _vertical_rules(ink: np.ndarray, top: int, bottom: int) -> list[int]:
    band = ink[top + 2 : max(bottom - 1, top + 3)]
    if band.shape[0] == 0:
        return []
    covered = band.mean(axis=0) >= _BAND_COVER
    return [(start + end - 1) // 2 for start, end in _runs(covered)]


def _vertically_joined(ink: np.ndarray, top: int, bottom: int) -> bool:
    return len(_vertical_rules(ink, top, bottom)) >= 2


def _grid(ink: np.ndarray, rules: list[int]) -> list[TableGrid]:
    """The table between consecutive rules; two rules are enough (a table's last row carried over
    to the next page is a table of one row)."""
    if len(rules) < 2:
        return []
    rows: list[list[GridCell]] = []
    open_cells: dict[tuple[int, int], GridCell] = {}
    for index, (top, bottom) in enumerate(zip(rules, rules[1:])):
        verticals = _vertical_rules(ink, top, bottom)
        row: list[GridCell] = []
        next_open: dict[tuple[int, int], GridCell] = {}
        for left, right in zip(verticals, verticals[1:]):
            above = _near(open_cells, left, right)
            if above is not None and not _has_rule(ink, top, left, right):
                merged = GridCell(above.row, left, above.top, right, bottom)
                _replace(rows, above, merged)
                next_open[(left, right)] = merged
                continue
            cell = GridCell(index, left, top, right, bottom)
            row.append(cell)
            next_open[(left, right)] = cell
        rows.append(row)
        open_cells = next_open
    kept = [row for row in rows if row]
    return [TableGrid(rules[0], rules[-1], kept)] if kept else []


def _near(cells: dict[tuple[int, int], GridCell], left: int, right: int) -> GridCell | None:
    """The open cell above with the same borders, allowing for rules a few pixels apart."""
    return next((cell for (l, r), cell in cells.items() if abs(l - left) <= _TOLERANCE and abs(r - right) <= _TOLERANCE), None)


def _has_rule(ink: np.ndarray, y: int, left: int, right: int) -> bool:
    segment = ink[max(y - 2, 0) : y + 3, left + 3 : max(right - 2, left + 4)]
    return segment.size > 0 and float(segment.any(axis=0).mean()) >= _BAND_COVER


def _replace(rows: list[list[GridCell]], old: GridCell, new: GridCell) -> None:
    cells = rows[old.row]
    cells[cells.index(old)] = new
