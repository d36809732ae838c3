"""Mutation test: change any one table number of a consistent seed, and an `error` names that key.

Every cell of sections 三 and 四 is covered by the table arithmetic, so each single-cell change must
break an equation. The mutation is applied to the source text at the cell's own position, so the
whole pipeline (decoding, layout, splitting, checks) runs on the changed report.
"""

from __future__ import annotations

import pytest

from assistant.check import check_report
from assistant.load import decode_bytes
from assistant.parse import extract
from conftest import read, sample

FULLY_FILLED_SEEDS = ["000", "001", "003", "004"]


def covered_cells(report):
    return [c for c in report.cells if c.key.startswith(("requests.", "appeals.")) and c.value is not None]


def mutate(report, cell, new_value) -> str:
    text = report.document.text
    assert text[cell.offset : cell.offset + len(cell.raw)] == cell.raw
    return text[: cell.offset] + str(new_value) + text[cell.offset + len(cell.raw):]


def detected(report, cell, new_value) -> bool:
    mutated = extract(decode_bytes(mutate(report, cell, new_value).encode("utf-8"), report.source))
    assert mutated.value(cell.key) == new_value
    return any(f.severity == "error" and cell.key in f.keys for f in check_report(mutated))


@pytest.mark.parametrize("seed", FULLY_FILLED_SEEDS)
def test_every_single_cell_change_is_caught(seed):
    report = read(sample(seed))
    assert not [f for f in check_report(report) if f.severity == "error"]
    cells = covered_cells(report)
    assert len(cells) == 175 + 15
    missed = [c.key for c in cells if not detected(report, c, int(c.value) + 1)]
    assert missed == []


def test_decreasing_a_cell_is_caught_too():
    report = read(sample("001"))
    nonzero = [c for c in covered_cells(report) if c.value > 0]
    assert len(nonzero) > 20
    assert [c.key for c in nonzero if not detected(report, c, int(c.value) - 1)] == []


def test_with_blank_cells_a_change_is_still_named_by_a_warning():
    """Seed 002 leaves most cells blank: equations cannot run as printed (blank is not 0), but with
    blanks read as 0 every changed cell breaks one, which is reported as a warning naming it."""
    report = read(sample("002"))
    cells = covered_cells(report)
    assert len(cells) == 32
    for cell in cells:
        changed = extract(decode_bytes(mutate(report, cell, int(cell.value) + 1).encode("utf-8"), "002"))
        assert any(f.rule in {"REQ_BALANCE", "REQ_TOTAL_ROW", "REQ_TOTAL_COL", "APPEAL_TOTAL"} and cell.key in f.keys
                   for f in check_report(changed)), cell.key
