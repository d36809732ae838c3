"""What the cross-report rules read from a report, and nothing more.

A batch of thousands of reports is checked in one parent process; holding every `Report` there
(text, 200 cells, narrative claims: about half a MiB each) is what made memory grow with the batch.
A worker reduces each report to its `PeerView` — names, the figures carry-over compares, the
section 五 text and the evidence lines its sentences would be quoted with — which is a few KiB,
cheap to send between processes, and enough for every rule in `assistant.check.cross_year`.
"""

from __future__ import annotations

import hashlib
import re
from typing import Optional

from pydantic import BaseModel

from assistant.catalogue import APPLICANT_COLUMNS
from assistant.check.evidence import cell_evidence, quote
from assistant.check.similarity import sentence_starts
from assistant.models import Evidence, Number, Report, Template
from assistant.parse.cross_year import PreviousYear
from assistant.parse.meta import place_units
from assistant.parse.problem_lists import split_section

CARRIED_KEYS = tuple(f"requests.{row}.{column}" for row in ("carried_forward", "carried_over") for column, _ in APPLICANT_COLUMNS)
_ALIASES = {"平潭县": "平潭综合实验区"}


def body_key(report: Report) -> Optional[str]:
    """A name that stays the same for one body across years and spellings: '定海区人民政府' and
    '定海区' are one body, and so are '淮安市洪泽区人民政府' and '洪泽区人民政府' (the lowest
    administrative unit and what follows it identify the body)."""
    body = report.meta.body
    if not body:
        return None
    name = re.sub(r"\s+", "", body)
    name = re.sub(r"人民政府$", "", name)
    for alias, canonical in _ALIASES.items():
        if name.startswith(alias):
            name = canonical + name[len(alias):]
    units, rest = place_units(name)
    return units[-1] + rest if units else name


class ProblemsSection(BaseModel):
    """Section 五 after its heading, where its measures begin, and the evidence each of its
    sentences (of the whole text and of the measures alone) is quoted with, by offset in `text`."""

    text: str
    measures_start: int
    quotes: dict[int, Evidence]


class PeerView(BaseModel):
    """One report as the cross-report rules see it. `identity` is the same for the same text of
    the same body and year (a file given twice); `carried` holds the 结转 cells carry-over
    compares, `previous_year` what the report offers next year's report of its body."""

    source: str
    body: Optional[str]
    key: Optional[str]
    year: Optional[int]
    template: Optional[Template]
    identity: bytes
    carried: dict[str, Optional[Number]]
    carried_evidence: dict[str, Evidence]
    problems: Optional[ProblemsSection]
    previous_year: PreviousYear

    def value(self, key: str) -> Optional[Number]:
        return self.carried.get(key)

    def evidence_of(self, keys: list[str]) -> list[Evidence]:
        return [self.carried_evidence[key] for key in keys if key in self.carried_evidence]


def peer_view(report: Report) -> PeerView:
    """Made where the report is read (a worker), so only the view crosses to the parent."""
    meta = report.meta
    identity = hashlib.blake2b(f"{meta.body}\0{meta.year}\0{report.document.text}".encode("utf-8"), digest_size=16)
    present = [cell for cell in map(report.cell, CARRIED_KEYS) if cell is not None]
    return PeerView(source=report.source, body=meta.body, key=body_key(report), year=meta.year, template=meta.template,
                    identity=identity.digest(), carried={cell.key: cell.value for cell in present},
                    carried_evidence={cell.key: cell_evidence(report, cell) for cell in present},
                    problems=_problems_section(report), previous_year=PreviousYear.of(report))


def _problems_section(report: Report) -> Optional[ProblemsSection]:
    span = report.section("五")
    if span is None:
        return None
    text = report.section_text("五")
    measures = split_section(text).measures
    measures_start = measures[0].start if measures else len(text)
    offsets = {*sentence_starts(text), *(measures_start + start for start in sentence_starts(text[measures_start:]))}
    return ProblemsSection(text=text, measures_start=measures_start,
                           quotes={offset: quote(report, span.body_start + offset) for offset in sorted(offsets)})
