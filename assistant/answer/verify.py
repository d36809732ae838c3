"""Verification of an answer before anyone sees it.

Every number in the prose must be a cited figure, a number computed by code and listed as
derived, a year, an ordinal, or stand inside a quotation; every quotation must be a verbatim
substring of a cited passage; every citation must resolve to the store (figure value and line,
passage text in its report); and, given the question, the answer must be about it (`agreement`).
Whitespace is ignored when comparing quotations, because PDFs and crawled pages break lines
inside sentences.
"""

from __future__ import annotations

import re
from typing import Optional

from assistant.answer.agreement import disagreements
from assistant.answer.evidence import Finalized
from assistant.answer.question import Question
from assistant.store import IndexDatabase

_QUOTE = re.compile(r"“([^”]*)”|「([^」]*)」")
_MARKER = re.compile(r"\[\d+\]")
_NUMBER = re.compile(r"(?<![A-Za-z0-9.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_YEAR_AFTER = re.compile(r"^\s*(?:年|—|-|至)")
_ORDINAL_BEFORE = re.compile(r"(?:第|前|No\.?)\s*$")
_LIST_ITEM_AFTER = re.compile(r"^(?:[.、)）]\s|是)")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def verify(final: Finalized, db: IndexDatabase, question: Optional[Question] = None) -> list[str]:
    """Problems that keep the answer from being shown as verified; with the question, also whether
    the answer is about what it asked (`agreement`)."""
    problems = [f"引用标记 {m} 不对应任何证据" for m in final.unknown_markers]
    problems += _citation_problems(final, db)
    quoted_sources = [_squeeze(c["text"]) for c in final.citations if c["kind"] == "quote"]
    problems += unsupported_quotations(final.answer, quoted_sources)
    allowed = [c["value"] for c in final.citations if c["kind"] == "figure"]
    allowed += [v for d in final.derived for v in d["values"]]
    problems += unsupported_numbers(final.answer, allowed)
    if question is not None:
        problems += disagreements(question, final, db)
    return problems


def unsupported_quotations(text: str, sources: list[str]) -> list[str]:
    squeezed = [_squeeze(source) for source in sources]
    return [f"引文“{quote[:30]}”不是所引报告的原文" for quote in quotations(text)
            if quote and not any(quote in source for source in squeezed)]


def unsupported_numbers(text: str, allowed: list) -> list[str]:
    return [f"数字 {value:g} 没有对应的已核验数据或计算" for value in stated_numbers(text)
            if not any(abs(value - float(v)) < 1e-6 for v in allowed)]


def quotations(text: str) -> list[str]:
    """The quoted passages of a text (“…” or 「…」), whitespace removed."""
    return [_squeeze(m.group(1) or m.group(2) or "") for m in _QUOTE.finditer(text)]


def stated_numbers(text: str) -> list[float]:
    """Numbers stated in prose: outside quotations and citation markers, not years or ordinals."""
    prose = _MARKER.sub(" ", _QUOTE.sub(lambda m: " " * len(m.group(0)), text))
    found = []
    for match in _NUMBER.finditer(prose):
        value = float(match.group(1).replace(",", "") + (match.group(2) or ""))
        before, after = prose[: match.start()], prose[match.end():]
        if _is_year(value, after) or _ORDINAL_BEFORE.search(before) or (
                value < 100 and _LIST_ITEM_AFTER.match(after) and (not before.strip() or before.rstrip()[-1] in "\n；;。：:")):
            continue
        found.append(value)
    return found


def _is_year(value: float, after: str) -> bool:
    return value.is_integer() and 1990 <= value <= 2100 and bool(_YEAR_AFTER.match(after))


def _citation_problems(final: Finalized, db: IndexDatabase) -> list[str]:
    problems = []
    reports: dict[str, int] = {}
    for citation in final.citations:
        source = citation["report"]
        if source not in reports:
            stored = db.report_by_source(source)
            reports[source] = stored.id if stored else -1
        report_id = reports[source]
        if report_id < 0:
            problems.append(f"引用的报告 {source} 不在索引中")
            continue
        if citation["kind"] == "figure":
            row = db.figure_rows([report_id], [citation["key"]]).get((report_id, citation["key"]))
            if row is None or row["value"] is None or abs(row["value"] - citation["value"]) > 1e-6 or row["line"] != citation["line"]:
                problems.append(f"数据引用 {citation['key']}={citation['value']} 与索引不符")
        elif _squeeze(citation["text"]) not in _squeeze(db.report_text(report_id)):
            problems.append(f"引文“{citation['text'][:30]}”不在报告 {source} 中")
    return problems
