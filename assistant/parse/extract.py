"""Stage 2 entry point: decoded text in, a `Report` with metadata, sections and keyed cells out."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.models import DecodedText, Report, ReportMeta, SectionSpan
from assistant.parse import meta, narrative, tables
from assistant.parse.normalize import normalize
from assistant.parse.ocr_cells import settle_ocr_cells
from assistant.parse.sections import find_headings


def extract(document: DecodedText, prior: Sequence[tuple[str, float]] = ()) -> Report:
    """`prior`: (key, value) readings another report makes likely (cross-year help for section 二)."""
    text = normalize(document.text)
    header, body_start = meta.crawler_header(text)
    sections = _sections(document, text, body_start)
    spans = {s.id: (s.body_start, s.end) for s in sections}

    def section_text(section_id: str) -> str:
        start, end = spans.get(section_id, (0, 0))
        return text[start:end]

    title = meta.find_title(text, header, body_start)
    body = meta.find_body(title, header, text, body_start)
    report_meta = ReportMeta(
        title=title,
        body=body,
        region=meta.find_region(body, text[body_start:]),
        year=meta.find_year(title, text[body_start:], section_text("一"), document.source),
        template=meta.detect_template(section_text("二"), section_text("三")),
    )
    template = report_meta.template or "2021"
    statements = narrative.statements(text, sections, report_meta.year)
    stated = narrative.table_hints(statements)
    cells = []
    missing_span = (body_start, body_start)
    cells += tables.read_active(document, text, spans.get("二", missing_span), template, [*stated, *prior])
    cells += tables.read_requests(document, text, spans.get("三", missing_span), template, stated, report_meta.title)
    cells += tables.read_appeals(document, text, spans.get("四", missing_span), stated)
    if document.read_by_ocr:
        cells = settle_ocr_cells(cells, template)
    return Report(source=document.source, meta=report_meta, cells=cells, sections=sections,
                  statements=statements, document=document, normalized=text)


def _sections(document: DecodedText, text: str, body_start: int) -> list[SectionSpan]:
    headings = find_headings(text[body_start:])
    spans: list[SectionSpan] = []
    for index, heading in enumerate(headings):
        start = body_start + heading.start
        end = body_start + headings[index + 1].start if index + 1 < len(headings) else len(text.rstrip())
        spans.append(SectionSpan(
            id=heading.section_id, title=heading.title, start=start, body_start=body_start + heading.end, end=end,
            start_line=document.line_of(start), end_line=document.line_of(max(start, end - 1)),
        ))
    return spans
