"""Typed records that cross stage boundaries (load → parse → check → render).

Private attributes on hot paths are read from `__pydantic_private__` directly: pydantic resolves
`self._name` through `__getattr__`, which costs more than the look-up it guards.

Every figure keeps the raw text it was read from and the 1-based line of the decoded text, so that
a reviewer can always go back to the source; that provenance is the product's core promise.
"""

from __future__ import annotations

import bisect
import re
from enum import Enum
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

Number = Union[int, float]
SectionId = Literal["一", "二", "三", "四", "五", "六"]
Template = Literal["2021", "2019"]
Severity = Literal["error", "warning", "info"]
_NEWLINE = re.compile("\n")


# Written by the OCR loader before a table cell's text when tesseract's readings of it are unsure
# ('〔识别存疑〕1/7': the counts it may be); the parser never takes such a cell as printed.
UNSURE_MARK = "〔识别存疑〕"


class OcrCell(BaseModel):
    """A table cell read by OCR: where its text starts in the decoded text, and where it is on the scan."""

    model_config = ConfigDict(frozen=True)

    offset: int
    page: int
    box: tuple[int, int, int, int]
    confidence: float


class DecodedText(BaseModel):
    """A report's text as decoded from its file, before any normalisation."""

    model_config = ConfigDict(frozen=True)

    source: str
    encoding: str
    text: str
    page_starts: list[int] = Field(default_factory=list)
    ocr_cells: list[OcrCell] = Field(default_factory=list)
    _line_starts: list[int] = PrivateAttr(default_factory=list)

    def model_post_init(self, __context: object) -> None:
        self._line_starts = [0] + [match.end() for match in _NEWLINE.finditer(self.text)]

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self.__pydantic_private__["_line_starts"], max(offset, 0))

    def line_text(self, line: int) -> str:
        starts = self.__pydantic_private__["_line_starts"]
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    @property
    def read_by_ocr(self) -> bool:
        """The text was recognised from page images (a scan), so every figure deserves a look."""
        return self.encoding == "ocr"

    def ocr_cell_at(self, offset: int) -> Optional[OcrCell]:
        """The OCR'd table cell whose text holds this offset (its page and box on the scan)."""
        starts = [cell.offset for cell in self.ocr_cells]
        index = bisect.bisect_right(starts, offset) - 1
        if index < 0 or self.line_of(starts[index]) != self.line_of(offset):
            return None
        return self.ocr_cells[index]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def page_of(self, line: int) -> Optional[int]:
        """1-based page of a line, for documents that have pages (PDF)."""
        return bisect.bisect_right(self.page_starts, line) or None if self.page_starts else None


class CellStatus(str, Enum):
    OK = "ok"
    BLANK = "blank"
    NOT_NUMBER = "not_number"
    AMBIGUOUS = "ambiguous"
    MISSING = "missing"


class Cell(BaseModel):
    key: str
    value: Optional[Number]
    raw: str
    line: int
    status: CellStatus = CellStatus.OK
    candidates: list[Number] = Field(default_factory=list)
    note: str = ""
    offset: int = Field(default=-1, exclude=True)


class SectionSpan(BaseModel):
    id: SectionId
    title: str
    start_line: int
    end_line: int
    start: int = Field(exclude=True)
    body_start: int = Field(exclude=True)
    end: int = Field(exclude=True)


class ReportMeta(BaseModel):
    title: Optional[str] = None
    body: Optional[str] = None
    region: Optional[str] = None
    year: Optional[int] = None
    template: Optional[Template] = None


class NarrativeFigure(BaseModel):
    """A typed claim of the narrative, e.g. metric 'received' = 70 from '共收到70件申请'.

    `metric` says what it counts ('context' when it names nothing the tables hold: such claims are
    kept for reading and measuring, never compared). `approx` marks 余/多/约 figures, which are never
    compared as exact. `scope` is 'whole' (全区/全市…), 'own' (本级/本机关/区府办…) or '' (not said);
    `period` is the year the sentence names before the figure; `relation` how it stands to the
    figures before it (其中, 其余, 分别, 合计, 同比); `outcome` the outcome word of a 复议/诉讼 claim.
    """

    metric: str
    value: Number
    text: str
    offset: int
    sentence_start: int
    unit: str = ""
    approx: bool = False
    scope: str = ""
    period: Optional[int] = None
    relation: str = ""
    outcome: str = ""

    @property
    def context(self) -> bool:
        return self.metric == "context"

    @property
    def wide_scope(self) -> bool:
        return self.scope == "whole"


class Report(BaseModel):
    """One extracted report: metadata, sections and every template cell."""

    source: str
    meta: ReportMeta
    cells: list[Cell]
    sections: list[SectionSpan]
    statements: list[NarrativeFigure] = Field(default_factory=list, exclude=True)
    document: DecodedText = Field(exclude=True)
    normalized: str = Field(exclude=True, repr=False)
    _by_key: dict[str, Cell] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: object) -> None:
        self._by_key = {cell.key: cell for cell in self.cells}

    @property
    def figures(self) -> dict[str, Optional[Number]]:
        return {cell.key: cell.value for cell in self.cells}

    def cell(self, key: str) -> Optional[Cell]:
        return self.__pydantic_private__["_by_key"].get(key)

    def value(self, key: str) -> Optional[Number]:
        found = self.__pydantic_private__["_by_key"].get(key)
        return None if found is None else found.value

    def section(self, section_id: str) -> Optional[SectionSpan]:
        return next((s for s in self.sections if s.id == section_id), None)

    def section_text(self, section_id: str) -> str:
        """Normalised text of a section after its heading."""
        span = self.section(section_id)
        return "" if span is None else self.normalized[span.body_start : span.end]

    def _contract_cell(self, cell: Cell) -> dict:
        found = {"key": cell.key, "value": cell.value, "raw": cell.raw, "line": cell.line}
        if cell.candidates:
            found["candidates"] = cell.candidates
        if self.document.page_starts:
            found["page"] = self.document.page_of(cell.line)
        return found

    def to_contract(self) -> dict:
        """The `audit extract --json` document of SPEC §4."""
        return {
            "source": self.source,
            "meta": self.meta.model_dump(),
            "figures": self.figures,
            "cells": [self._contract_cell(c) for c in self.cells],
            "sections": [s.model_dump() for s in self.sections],
        }


class Evidence(BaseModel):
    text: str
    line: int


class Finding(BaseModel):
    rule: str
    severity: Severity
    message: str
    keys: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class CheckedReport(BaseModel):
    source: str
    findings: list[Finding]


class NarrativeChunk(BaseModel):
    """A paragraph-sized piece of a report's narrative, the unit of retrieval."""

    id: str
    section: SectionId
    start_line: int
    end_line: int
    text: str


class SearchHit(BaseModel):
    """A retrieved narrative chunk with where it comes from and why it ranked."""

    chunk_id: str
    report: str
    body: Optional[str]
    region: Optional[str]
    year: Optional[int]
    section: str
    start_line: int
    end_line: int
    text: str
    score: float
    keyword_rank: Optional[int] = None
    vector_rank: Optional[int] = None


class Answer(BaseModel):
    """`audit ask --json` (SPEC §4), plus the numbers code computed (`derived`) and why a model's
    answer was replaced (`note`)."""

    answer: str
    citations: list[dict]
    verified: bool
    mode: Literal["offline", "llm"]
    derived: list[dict] = Field(default_factory=list)
    note: Optional[str] = None
