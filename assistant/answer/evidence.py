"""What an answer may state: figures from the store, verbatim passages, and numbers computed by
code from them. Every piece gets a marker ([F1], [P1], [D1]) that drafts (offline or LLM) cite;
`finalize` turns markers into numbered citations in the SPEC §4 shape.
"""

from __future__ import annotations

import re
from typing import Optional

from pydantic import BaseModel, Field

from assistant.models import Number

_MARKER = re.compile(r"\[([FPD])(\d+)\]")


class FigureRef(BaseModel):
    id: str
    report: str
    body: Optional[str]
    year: Optional[int]
    key: str
    label: str
    value: Number
    line: int


class PassageRef(BaseModel):
    id: str
    report: str
    body: Optional[str]
    year: Optional[int]
    section: str
    text: str
    line: int


class DerivedRef(BaseModel):
    """Numbers computed by code (a sum, a difference, a share, a count, a check's arithmetic)."""

    id: str
    expression: str
    values: list[Number]
    inputs: list[str] = Field(default_factory=list)


class Evidence:
    def __init__(self) -> None:
        self.figures: dict[str, FigureRef] = {}
        self.passages: dict[str, PassageRef] = {}
        self.derived: dict[str, DerivedRef] = {}
        self._seen: dict[tuple, str] = {}

    def figure(self, **fields) -> FigureRef:
        """The figure's reference, registered once per (report, key)."""
        return self._register(self.figures, "F", FigureRef, (fields["report"], fields["key"]), fields)

    def passage(self, **fields) -> PassageRef:
        """The passage's reference, registered once per (report, text)."""
        return self._register(self.passages, "P", PassageRef, (fields["report"], fields["text"]), fields)

    def _register(self, table: dict, prefix: str, model, identity: tuple, fields: dict):
        key = (prefix, *identity)
        if key not in self._seen:
            ref = model(id=f"{prefix}{len(table) + 1}", **fields)
            table[ref.id] = ref
            self._seen[key] = ref.id
        return table[self._seen[key]]

    def derive(self, expression: str, values: list[Number], inputs: list[str]) -> DerivedRef:
        ref = DerivedRef(id=f"D{len(self.derived) + 1}", expression=expression, values=values, inputs=inputs)
        self.derived[ref.id] = ref
        return ref

    def lookup(self, marker_kind: str, number: str):
        table = {"F": self.figures, "P": self.passages, "D": self.derived}[marker_kind]
        return table.get(f"{marker_kind}{number}")


class Finalized(BaseModel):
    """A draft with its markers resolved. `support` holds the figures the cited computations were
    made from (in citation shape), so that a check can see every figure an answer rests on."""

    answer: str
    citations: list[dict]
    derived: list[dict]
    unknown_markers: list[str] = Field(default_factory=list)
    support: list[dict] = Field(default_factory=list)


def _figure_citation(ref: FigureRef) -> dict:
    return {"kind": "figure", "report": ref.report, "key": ref.key, "value": ref.value, "line": ref.line}


def _supporting_figures(evidence: Evidence, derived_ids: list[str]) -> list[FigureRef]:
    """Figures reached from the derived values through their inputs (ids or markers), transitively."""
    found: dict[str, FigureRef] = {}
    pending, seen = list(derived_ids), set()
    while pending:
        ref = evidence.derived.get(pending.pop())
        if ref is None or ref.id in seen:
            continue
        seen.add(ref.id)
        for kind, number in re.findall(r"([FD])(\d+)", " ".join(ref.inputs)):
            if kind == "F" and f"F{number}" in evidence.figures:
                found[f"F{number}"] = evidence.figures[f"F{number}"]
            elif kind == "D":
                pending.append(f"D{number}")
    return list(found.values())


def finalize(draft: str, evidence: Evidence) -> Finalized:
    """Replace [F1]/[P1] markers by [1], [2]… in order of first use; [D1] markers are removed from
    the prose (the computation is listed in `derived`). Unknown markers are reported, not kept."""
    order: list[str] = []
    derived: list[str] = []
    unknown: list[str] = []

    def replace(match: re.Match) -> str:
        kind, number = match.group(1), match.group(2)
        ref = evidence.lookup(kind, number)
        if ref is None:
            unknown.append(match.group(0))
            return ""
        if kind == "D":
            if ref.id not in derived:
                derived.append(ref.id)
            return ""
        if ref.id not in order:
            order.append(ref.id)
        return f"[{order.index(ref.id) + 1}]"

    text = _MARKER.sub(replace, draft)
    citations = []
    for ref_id in order:
        if ref_id.startswith("F"):
            citations.append(_figure_citation(evidence.figures[ref_id]))
        else:
            p = evidence.passages[ref_id]
            citations.append({"kind": "quote", "report": p.report, "section": p.section, "text": p.text, "line": p.line})
    return Finalized(answer=re.sub(r"[ \t]+\n", "\n", text).strip(), citations=citations,
                     derived=[evidence.derived[d].model_dump(exclude={"id"}) for d in derived], unknown_markers=unknown,
                     support=[_figure_citation(f) for f in _supporting_figures(evidence, derived) if f.id not in order])
