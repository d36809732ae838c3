"""The figures store's schema, once, for SQLite and PostgreSQL: one row per report version, everything
derived from it keyed by report_id (deleted with it; for a scanned report the OCR position of each
figure too), the activity log, and `state` (the write
`generation` that derived caches such as the BM25 index watch, and the schema version).

Column types are the ones the SQLite schema of the first indexes had, so that such a file is upgraded
by adding what is new (`assistant.store.migrations`) rather than rebuilt."""

from __future__ import annotations

from sqlalchemy import REAL, Column, Float, ForeignKey, Index, Integer, MetaData, PrimaryKeyConstraint, Table, Text

metadata = MetaData()


def _report_id() -> Column:
    return Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False)


reports = Table(
    "reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Text, nullable=False, unique=True),
    Column("hash", Text, nullable=False, unique=True),
    Column("title", Text),
    Column("body", Text),
    Column("body_key", Text),
    Column("region", Text),
    Column("year", Integer),
    Column("template", Text),
    Column("encoding", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("page_starts", Text, nullable=False, server_default="[]"),
    Column("ingested_at", Text, nullable=False),
    Index("reports_body_year", "body_key", "year"),
    Index("reports_year", "year"),
)

figures = Table(
    "figures", metadata,
    _report_id(),
    Column("key", Text, nullable=False),
    Column("value", Float().with_variant(REAL(), "sqlite")),  # double precision on PostgreSQL
    Column("raw", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("page", Integer),
    Column("status", Text, nullable=False),
    PrimaryKeyConstraint("report_id", "key"),
    Index("figures_key", "key", "value"),
)

ocr_positions = Table(
    "ocr_positions", metadata,
    _report_id(),
    Column("key", Text, nullable=False),
    Column("page", Integer, nullable=False),
    Column("text_offset", Integer, nullable=False),
    Column("box_left", Integer, nullable=False),
    Column("box_top", Integer, nullable=False),
    Column("box_right", Integer, nullable=False),
    Column("box_bottom", Integer, nullable=False),
    Column("confidence", Float().with_variant(REAL(), "sqlite"), nullable=False),
    PrimaryKeyConstraint("report_id", "key"),
)
"""Where each figure of a scanned report was read: its page, its box in the page image (pixels at the
OCR resolution) and tesseract's confidence, with the offset of the cell's text (`OcrCell`), so a stored
report re-derived from its text keeps its positions and every citation can send a reviewer to the scan.
A table of its own, beside `figures`, so that upgrading adds it rather than altering `figures`."""

findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True),
    _report_id(),
    Column("rule", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("keys", Text, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("cross_report", Integer, nullable=False, server_default="0"),
    Index("findings_report", "report_id"),
    Index("findings_rule", "rule", "severity"),
)

sections = Table(
    "sections", metadata,
    _report_id(),
    Column("section", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("start_line", Integer, nullable=False),
    Column("end_line", Integer, nullable=False),
    PrimaryKeyConstraint("report_id", "section"),
)

chunks = Table(
    "chunks", metadata,
    Column("id", Text, primary_key=True),
    _report_id(),
    Column("section", Text, nullable=False),
    Column("start_line", Integer, nullable=False),
    Column("end_line", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("tokens", Text, nullable=False),
    Index("chunks_report", "report_id"),
)

problem_sentences = Table(
    "problem_sentences", metadata,
    _report_id(),
    Column("hash", Text, nullable=False),
    Index("problem_sentences_hash", "hash"),
    Index("problem_sentences_report", "report_id"),
)

# Reports whose derived rows a write has made outdated (kind "figures": re-read with the previous
# year the index now holds; "cross": cross-report findings), refreshed once at the end of an ingest;
# written in the transaction of the write, so a killed run's are done by the next.
stale_reports = Table(
    "stale_reports", metadata,
    _report_id(),
    Column("kind", Text, nullable=False),
    PrimaryKeyConstraint("report_id", "kind"),
)

state = Table(
    "state", metadata,
    Column("name", Text, primary_key=True),
    Column("value", Integer, nullable=False),
)

activity = Table(
    "activity", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("source", Text),
    Column("report_id", Integer),
    Column("detail", Text, nullable=False, server_default=""),
)
