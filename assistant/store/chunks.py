"""Narrative chunks: sections 一, 五 and 六 in paragraph-sized pieces, plus the sentences that
reports put between the tables of sections 二–四. Table rows never become chunks.

Chunk text is verbatim from the decoded document, so a retrieved chunk can be quoted as is.
"""

from __future__ import annotations

import re

from assistant.models import NarrativeChunk, Report

NARRATIVE_SECTIONS = ("一", "五", "六")
MIN_CHARS = 60
MAX_CHARS = 420
_SENTENCE = re.compile(r"[^。；;！!？?]*[。；;！!？?]|[^。；;！!？?]+$")
_TABLE_LINE = re.compile(r"^\s*\||\t|^\s*[\d\s.,%-]*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def narrative_chunks(report: Report, report_hash: str) -> list[NarrativeChunk]:
    pieces: list[tuple[str, int, int]] = []
    for span in report.sections:
        text = report.document.text
        if span.id in NARRATIVE_SECTIONS:
            pieces += [(span.id, start, end) for start, end in _paragraph_chunks(text, span.body_start, span.end)]
        else:
            pieces += [(span.id, start, end) for start, end in _sentences_between_tables(text, span.body_start, span.end)]
    chunks = []
    for number, (section, start, end) in enumerate(pieces):
        chunks.append(NarrativeChunk(
            id=f"{report_hash[:20]}-{number}", section=section, text=report.document.text[start:end].strip(),
            start_line=report.document.line_of(start), end_line=report.document.line_of(max(start, end - 1))))
    return chunks


def _lines(text: str, start: int, end: int):
    position = start
    for line in text[start:end].split("\n"):
        yield position, position + len(line), line
        position += len(line) + 1


def _paragraph_chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Paragraphs (lines), long ones cut at sentence ends, short ones merged with the next."""
    spans: list[tuple[int, int]] = []
    for line_start, line_end, line in _lines(text, start, end):
        if not line.strip() or _TABLE_LINE.search(line) or not _CJK.search(line):
            continue
        spans += _cut_long(text, line_start, line_end)
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and merged[-1][1] - merged[-1][0] < MIN_CHARS and span[1] - merged[-1][0] <= MAX_CHARS:
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= MAX_CHARS:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for sentence in _SENTENCE.finditer(text, start, end):
        if sentence.end() - piece_start > MAX_CHARS and sentence.start() > piece_start:
            pieces.append((piece_start, sentence.start()))
            piece_start = sentence.start()
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()]


def _sentences_between_tables(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of prose inside a table section: they end in 。 and are not mostly digits."""
    found = []
    for line_start, line_end, line in _lines(text, start, end):
        if _TABLE_LINE.search(line):
            continue
        for sentence_start, sentence_end in _full_stop_sentences(line):
            begin = sentence_start + _prose_start(line[sentence_start:sentence_end])
            body = line[begin:sentence_end]
            digits = sum(ch.isdigit() for ch in body)
            if len(_CJK.findall(body)) >= 12 and digits <= len(body) * 0.2 and "第二十条" not in body:
                found.append((line_start + begin, line_start + sentence_end))
    return found


def _full_stop_sentences(line: str) -> list[tuple[int, int]]:
    """Spans of at least 15 characters ending in 。 with no 。 before (what `[^。]{15,}?。` finds),
    by splitting: the regex retried every position of a long line without 。, quadratic in its length."""
    spans = []
    position = 0
    for piece in line.split("。")[:-1]:
        if len(piece) >= 15:
            spans.append((position, position + len(piece) + 1))
        position += len(piece) + 1
    return spans


_TABLE_DIGITS = re.compile(r"\d+(?![\d年月日件条个项%.余万])")


_GLUED_YEAR = re.compile(r"\d+(?=(?:19|20)\d\d年)")


def _prose_start(sentence: str) -> int:
    """Where prose begins after a table flattened into the same line: past its last cell digits,
    including cell digits glued to a year ('行政事业性收费02025年，…')."""
    cuts = [m.end() for m in _TABLE_DIGITS.finditer(sentence)] + [m.end() for m in _GLUED_YEAR.finditer(sentence)]
    return max(cuts, default=0)
