"""Choosing among the readings of flattened rows with the table's own arithmetic.

One flattened row alone is often ambiguous (`270020130` is 27,0,0,2,0,1,30 or 2,7,0,0,20,1,30);
the equations of the whole table (row totals, column totals, the balance of section 三, the group
totals of section 四) usually leave one reading. Where several survive, the cells they disagree on
stay unresolved with their candidates listed: the extractor never guesses.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional
from collections.abc import Sequence

from assistant.models import Number
from assistant.parse.cell_values import CellReading

CellRef = tuple[str, int]
MAX_COMBINATIONS = 300_000


@dataclass(frozen=True)
class Equation:
    """sum(lhs) == sum(rhs) over cells named (row, column index)."""

    lhs: tuple[CellRef, ...]
    rhs: tuple[CellRef, ...]

    @cached_property
    def rows(self) -> frozenset[str]:
        return frozenset(row for row, _ in self.lhs + self.rhs)


@dataclass(frozen=True)
class Hint:
    """A value the narrative states for one cell; used only to break ties between readings."""

    cell: CellRef
    value: Number


@dataclass
class Resolution:
    """Per row: the readings still possible after solving (one means fully resolved)."""

    options: dict[str, list[tuple[CellReading, ...]]] = field(default_factory=dict)

    def cell_values(self, row: str, column: int) -> list[Number | None]:
        return sorted({option[column].value for option in self.options[row]}, key=lambda v: (v is None, v or 0))


def resolve(options: dict[str, list[tuple[CellReading, ...]]], equations: Sequence[Equation],
            hints: Sequence[Hint] = (), plausible: Optional[dict[str, callable]] = None) -> Resolution:
    rows = {name: list(choices) for name, choices in options.items() if choices}
    for name, choices in rows.items():
        local = [eq for eq in equations if eq.rows == {name}]
        checks = [lambda option, eq=eq: _holds(eq, {name: option}) for eq in local]
        if plausible and name in plausible:
            checks.append(plausible[name])
        rows[name] = _keep_if_any(choices, lambda option: all(check(option) for check in checks))
    cross = [eq for eq in equations if len(eq.rows) > 1]
    open_rows = [name for name, choices in rows.items() if len(choices) > 1]
    size = 1
    for name in open_rows:
        size *= len(rows[name])
    if open_rows and size <= MAX_COMBINATIONS:
        rows = _solve_jointly(rows, open_rows, cross, hints)
    elif hints:
        for name in open_rows:
            rows[name] = _best_by_hints(rows[name], lambda option, n=name: {n: option}, hints)
    return Resolution(rows)


def _solve_jointly(rows, open_rows, equations, hints):
    fixed = {name: choices[0] for name, choices in rows.items() if len(choices) == 1}
    relevant = [eq for eq in equations if eq.rows & set(open_rows) and eq.rows <= set(rows)]
    solutions = []
    for combination in itertools.product(*(rows[name] for name in open_rows)):
        assignment = dict(fixed)
        assignment.update(zip(open_rows, combination))
        if all(_holds(eq, assignment) for eq in relevant):
            solutions.append(assignment)
    if not solutions:
        return rows
    if hints:
        solutions = _best_by_hints(solutions, lambda assignment: assignment, hints)
    narrowed = dict(rows)
    for name in open_rows:
        seen: dict[tuple, tuple[CellReading, ...]] = {}
        for assignment in solutions:
            option = assignment[name]
            seen.setdefault(tuple(cell.value for cell in option), option)
        narrowed[name] = list(seen.values())
    return narrowed


def _best_by_hints(items, as_assignment, hints):
    def score(item) -> int:
        assignment = as_assignment(item)
        return sum(1 for hint in hints if hint.cell[0] in assignment
                   and assignment[hint.cell[0]][hint.cell[1]].value == hint.value)
    best = max(score(item) for item in items)
    return [item for item in items if score(item) == best]


def _keep_if_any(choices, predicate):
    kept = [choice for choice in choices if predicate(choice)]
    return kept or choices


def _holds(equation: Equation, assignment: dict[str, tuple[CellReading, ...]]) -> bool:
    total = 0.0
    for sign, refs in ((1, equation.lhs), (-1, equation.rhs)):
        for row, column in refs:
            if row not in assignment:
                return True
            value = assignment[row][column].value
            if value is None:
                return True
            total += sign * value
    return abs(total) < 1e-6
