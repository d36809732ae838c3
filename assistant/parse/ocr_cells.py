"""Table cells of a scanned report, settled by the tables' own arithmetic before anyone sees them.

OCR misreads are silent ('1' printed, '7' read), so for a report read by OCR the equations of
sections 三 and 四 decide what may be shown:
- an unsure cell (the loader lists the counts it may be, after `UNSURE_MARK`) takes a listed count
  only when every equation it is in whose other cells are known holds with exactly that count, and
  at least one such equation exists;
- every cell of an equation that fails with all its cells read is nulled, since a misread and a
  misprint cannot be told apart on the scan; the reviewer is sent to the page instead;
- a row with text read in a count cell is nulled whole, since its cells may be shifted.
Nothing is ever derived: a value is always one the page was read as.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

from assistant import catalogue
from assistant.catalogue import KeyEquation
from assistant.models import UNSURE_MARK, Cell, CellStatus, Number
from assistant.parse.cell_values import read_cell

MAX_COMBINATIONS = 1024
CONFIRMED_NOTE = "文字识别（OCR）结果存疑，按表格勾稽关系确认"
GARBLED_NOTE = "文字识别（OCR）在该行读出非数字内容，单元格可能错位，整行未采用，请对照扫描件核对"
FAILED_NOTE = "文字识别（OCR）读数不满足表格勾稽关系（识别错误或原件有误），请对照扫描件核对"


def settle_ocr_cells(cells: list[Cell], template: str) -> list[Cell]:
    cells = _without_garbled_rows(cells)
    keys = {cell.key for cell in cells}
    equations = catalogue.request_equations(template, catalogue.single_other_row(template, keys))
    equations += catalogue.appeal_equations()
    known: dict[str, Number] = {cell.key: cell.value for cell in cells if cell.value is not None}
    unsure = {cell.key: _candidates(cell) for cell in cells if _is_unsure(cell)}
    containing: dict[str, list[KeyEquation]] = defaultdict(list)
    for equation in equations:
        for key in equation.lhs + equation.rhs:
            containing[key].append(equation)
    confirmed = _confirm_together(unsure, equations, known)
    known.update(confirmed)
    confirmed.update(_confirm(unsure, containing, known, confirmed))
    failed = {key for equation in equations if _complete(equation, known) and not _holds(equation, known)
              for key in equation.lhs + equation.rhs}
    settled = []
    for cell in cells:
        if cell.key in failed:
            settled.append(cell.model_copy(update={"value": None, "status": CellStatus.AMBIGUOUS, "note": FAILED_NOTE,
                                                   "candidates": [known[cell.key]]}))
        elif cell.key in confirmed:
            settled.append(cell.model_copy(update={"value": confirmed[cell.key], "status": CellStatus.OK,
                                                   "note": CONFIRMED_NOTE, "candidates": []}))
        elif cell.key in unsure:
            settled.append(cell.model_copy(update={"candidates": unsure[cell.key]}))
        else:
            settled.append(cell)
    return settled


def _without_garbled_rows(cells: list[Cell]) -> list[Cell]:
    """A printed row with text read where a count stands ('了', a piece of a label) may have its
    cells shifted (a label split in two pushes every count one column on), so none of its counts is
    taken as read."""
    garbled = {_printed_row(c.key) for c in cells if c.status == CellStatus.NOT_NUMBER and c.value is None}
    return [cell.model_copy(update={"value": None, "status": CellStatus.AMBIGUOUS, "note": GARBLED_NOTE,
                                    "candidates": [] if cell.value is None else [cell.value]})
            if _printed_row(cell.key) in garbled else cell for cell in cells]


def _printed_row(key: str) -> str:
    """Section 四 is printed as one row of fifteen counts; the other tables have a row per key stem."""
    return "appeals" if key.startswith("appeals.") else key.rsplit(".", 1)[0]


def _confirm_together(unsure: dict[str, list[Number]], equations: list[KeyEquation],
                      known: dict[str, Number]) -> dict[str, Number]:
    """Unsure cells taken together. Cells read as one count each are tried with that count; cells
    read as several are tried with each combination of them, and a combination counts only when
    each of its cells ends up confirmed; exactly one such combination is used, else those cells stay
    open. See `_settle` for what confirms."""
    single = {key: values[0] for key, values in unsure.items() if len(values) == 1}
    several = {key: values for key, values in unsure.items() if len(values) > 1}
    base = _settle(known, single, equations)
    if not several or math.prod(len(values) for values in several.values()) > MAX_COMBINATIONS:
        return base
    surviving = []
    for combination in itertools.product(*several.values()):
        chosen = dict(zip(several, combination))
        confirmed = _settle(known, {**single, **chosen}, equations)
        if all(key in confirmed for key in chosen):
            surviving.append(confirmed)
    return surviving[0] if len(surviving) == 1 else base


def _settle(known: dict[str, Number], tentative: dict[str, Number], equations: list[KeyEquation]) -> dict[str, Number]:
    """Unsure cells tried with the counts in `tentative`: those in an equation that fails are set
    aside (until none fails but for sure cells), and each remaining one that a complete, holding
    equation checks is confirmed (a misread would have to be cancelled by another misread in every
    row and column it is in)."""
    trial = {**known, **tentative}
    while True:
        failing = [eq for eq in equations if _complete(eq, trial) and not _holds(eq, trial)]
        doubtful = {key for eq in failing for key in eq.lhs + eq.rhs if key in tentative and key in trial}
        if not doubtful:
            break
        for key in doubtful:
            del trial[key]
    holding = [eq for eq in equations if _complete(eq, trial) and _holds(eq, trial)]
    checked = {key for eq in holding for key in eq.lhs + eq.rhs}
    return {key: trial[key] for key in tentative if key in trial and key in checked}


def _confirm(unsure: dict[str, list[Number]], containing: dict[str, list[KeyEquation]],
             known: dict[str, Number], confirmed: dict[str, Number]) -> dict[str, Number]:
    """Unsure cells whose listed counts the equations narrow to one, one cell at a time; each
    confirmation can make another equation complete, so this repeats until nothing changes.
    `known` grows in place."""
    confirmed = dict(confirmed)
    changed = True
    while changed:
        changed = False
        for key, candidates in unsure.items():
            if key in confirmed:
                continue
            checks = [eq for eq in containing[key] if all(k in known for k in eq.lhs + eq.rhs if k != key)]
            fitting = [value for value in candidates if all(_holds(eq, {**known, key: value}) for eq in checks)]
            if checks and len(fitting) == 1:
                confirmed[key] = known[key] = fitting[0]
                changed = True
    return confirmed


def _is_unsure(cell: Cell) -> bool:
    return cell.status == CellStatus.AMBIGUOUS and cell.raw.startswith(UNSURE_MARK)


def _candidates(cell: Cell) -> list[Number]:
    readings = (read_cell(piece, 0) for piece in cell.raw[len(UNSURE_MARK):].split("/"))
    return list(dict.fromkeys(r.value for r in readings if r.status == CellStatus.OK and r.value is not None))


def _complete(equation: KeyEquation, known: dict[str, Number]) -> bool:
    return all(key in known for key in equation.lhs + equation.rhs)


def _holds(equation: KeyEquation, known: dict[str, Number]) -> bool:
    return abs(sum(known[k] for k in equation.lhs) - sum(known[k] for k in equation.rhs)) < 1e-6
