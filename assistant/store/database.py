"""The figures store: reports, figures, findings, sections, narrative chunks and the activity log, in
a SQLite file in the index folder or in a PostgreSQL database (AUDIT_DATABASE_URL, for a team).

The database is the source of truth of the index: a report and everything derived from it is written
in one transaction, so a killed ingest leaves either the old version or the new one, never half.
Writers take turns (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock keyed by the
schema, so the indexes of one database in different schemas do not wait for each other), and the
insert of a report is insert-or-skip on its unique content hash, so concurrent ingests store each
content once and neither fails. The Chroma collection is reconciled against the `chunks` table (see
`assistant.ingest`). One schema (`tables`) and one set of statements (SQLAlchemy Core) serve both.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from enum import Enum
from functools import cache, cached_property
from typing import Any, Optional

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, bindparam, create_engine, delete, event, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.sql import Select

from assistant.check.peers import body_key as report_body_key
from assistant.config import Settings
from assistant.errors import StoreError
from assistant.models import CellStatus, DecodedText, Finding, NarrativeChunk, OcrCell, Report
from assistant.parse import extract
from assistant.parse.cross_year import PreviousYear, may_use_previous, resolve_with_previous
from assistant.store import migrations
from assistant.store.tables import (activity, figures, ocr_positions, problem_sentences, reports, sections,
                                    stale_reports, state)
from assistant.store.tables import chunks as chunks_table, findings as findings_table

DATABASE_NAME = "figures.sqlite"
BUSY_SECONDS = 10
_REPORT_COLUMNS = [reports.c[name] for name in ("id", "source", "hash", "title", "body", "body_key", "region",
                                                "year", "template")]
_CHUNK_COLUMNS = [chunks_table.c[name] for name in ("id", "report_id", "section", "start_line", "end_line", "text")]


class StoredReport(BaseModel):
    id: int
    source: str
    hash: str
    title: Optional[str]
    body: Optional[str]
    body_key: Optional[str]
    region: Optional[str]
    year: Optional[int]
    template: Optional[str]


class StoredChunk(BaseModel):
    id: str
    report_id: int
    section: str
    start_line: int
    end_line: int
    text: str


class Coverage(BaseModel):
    """The regions and years a set of reports covers: what a filter that matched nothing could have asked."""
    reports: int
    regions: list[str]
    years: list[int]

    @classmethod
    def of(cls, regions_and_years: Sequence[tuple[Optional[str], Optional[int]]]) -> Coverage:
        return cls(reports=len(regions_and_years), regions=sorted({r for r, _ in regions_and_years if r}),
                   years=sorted({y for _, y in regions_and_years if y}))

    def sentence(self, where: str = "索引中") -> str:
        if not self.reports:
            return f"{where}还没有报告"
        regions = "、".join(self.regions) or "（未识别）"
        years = "、".join(str(y) for y in self.years) or "（未识别）"
        return f"{where}共有{self.reports}份报告，地区：{regions}；年度：{years}"


class StoredWrite(BaseModel):
    """What `write_report` did: the new report's id (None when its content was stored already), whether
    an outdated version of the source was removed, and that version's chunk ids (to drop from Chroma)."""
    report_id: Optional[int]
    replaced: bool
    removed_chunks: list[str]


def database_url(settings: Settings) -> URL:
    """Where the figures store lives: AUDIT_DATABASE_URL (postgresql://…, through psycopg 3), else the
    SQLite file in the index folder."""
    if not settings.database_url:
        return URL.create("sqlite", database=str(settings.index_dir / DATABASE_NAME))
    try:
        url = make_url(settings.database_url)
    except ArgumentError:
        raise StoreError("AUDIT_DATABASE_URL 不是有效的数据库地址（应为 postgresql://用户:密码@主机:端口/数据库）") from None
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise StoreError(f"AUDIT_DATABASE_URL 只支持 PostgreSQL（postgresql://…），不支持 {url.drivername}")
    return url.set(drivername="postgresql+psycopg")


def index_exists(settings: Settings) -> bool:
    """Whether there is an index to read (a PostgreSQL store is created on first use, so it always is)."""
    return bool(settings.database_url) or (settings.index_dir / DATABASE_NAME).exists()


def _sqlite_engine(url: URL) -> Engine:
    """SQLite in WAL mode, foreign keys on; the driver's own transaction handling off, so that reads run
    outside any transaction (as one statement each) and writes begin with BEGIN IMMEDIATE (`_writing`)."""
    engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _configure(connection, _record) -> None:
        connection.isolation_level = None
        connection.execute("PRAGMA journal_mode = WAL")
        # No fsync per commit (WAL stays consistent; a power cut may lose the last commits, which a
        # re-ingest restores): the per-report commit was half the writer's time on a busy disk.
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")

    return engine


class Action(str, Enum):
    INGEST = "ingest"
    DELETE = "delete"
    REINDEX = "reindex"


class Stale(str, Enum):
    """What of a stored report a later write can make outdated (`IndexDatabase.mark_stale`)."""
    FIGURES = "figures"  # read again with the previous year the index now holds
    CROSS = "cross"  # its cross-report findings


class Activity(BaseModel):
    """One change to the index: who made it, when (UTC), what, to which report."""
    id: int
    at: datetime
    actor: str
    action: Action
    source: Optional[str]
    report_id: Optional[int]
    detail: str


class StoredDeletion(BaseModel):
    """What `delete_report` removed: the report and its chunk ids (to drop from Chroma)."""
    report_id: int
    source: str
    removed_chunks: list[str]


class _OpenBatch(threading.local):
    """The connection of the `batch` transaction a thread has open (the app's threads share one store)."""
    connection: Optional[Connection] = None


class IndexDatabase:
    def __init__(self, settings: Settings) -> None:
        url = database_url(settings)
        self._batch = _OpenBatch()
        self.url = (make_url(settings.database_url) if settings.database_url else url).render_as_string(hide_password=True)
        if url.get_backend_name() == "sqlite":
            settings.index_dir.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(url)
            self._insert_or_skip = sqlite.insert
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
            self._insert_or_skip = postgresql.insert
        try:
            with self.engine.connect() as connection:
                current = migrations.recorded_version(connection) == migrations.SCHEMA_VERSION
            if not current:
                with self._writing() as connection:
                    migrations.prepare(connection)
        except OperationalError as error:
            self.engine.dispose()
            raise StoreError(f"无法打开索引数据库 {self.url}：{_first_line(error.orig or error)}") from None
        except StoreError:
            self.engine.dispose()
            raise
        event.listen(self.engine, "handle_error", self._lost)

    def _lost(self, context) -> Optional[StoreError]:
        """A database that fails after it was opened (a PostgreSQL server stopped or unreachable, SQLite
        still locked after the busy timeout) becomes one line for the user; the write in progress was
        rolled back, so nothing stored is lost."""
        if isinstance(context.sqlalchemy_exception, OperationalError) or context.is_disconnect:
            return StoreError(f"索引数据库 {self.url} 出错：{_first_line(context.original_exception)}")
        return None

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Every write and read of this thread inside is one transaction, committed at the end: ingest
        stores many reports per commit (a commit per write was a fifth of the writer's SQL time) and
        still reads what it wrote before. A failure rolls the whole batch back: its files are then
        not stored, and the next ingest stores them."""
        if self._batch.connection is not None:
            yield
            return
        with self._transaction() as connection:
            self._batch.connection = connection
            try:
                yield
            finally:
                self._batch.connection = None

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction (the batch's, inside `batch`)."""
        if self._batch.connection is not None:
            yield self._batch.connection
        else:
            with self._transaction() as connection:
                yield connection

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """Taken in turn with every other writer of the index (see the module docstring)."""
        with self.engine.connect() as connection, connection.begin():
            if self.engine.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.execute(select(func.pg_advisory_xact_lock(func.hashtext(func.current_schema()))))
            yield connection

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection that sees this thread's uncommitted batch, if there is one."""
        if self._batch.connection is not None:
            yield self._batch.connection
        else:
            with self.engine.connect() as connection:
                yield connection

    def _rows(self, statement: Select, parameters: Optional[Mapping[str, Any]] = None) -> list[Mapping[str, Any]]:
        with self._reading() as connection:
            return list(connection.execute(statement, parameters).mappings())

    def _value(self, statement: Select, parameters: Optional[Mapping[str, Any]] = None) -> Any:
        with self._reading() as connection:
            return connection.execute(statement, parameters).scalar()

    # -- writing -----------------------------------------------------------------------------

    def write_report(self, source: str, content_hash: str, body_key: Optional[str], report: Report,
                     findings: Sequence[Finding], chunks: Sequence[tuple[NarrativeChunk, list[str]]],
                     problem_hashes: Iterable[str], actor: str) -> StoredWrite:
        """Store this report as the version of `source`, atomically, unless its content is stored already;
        a stored report is recorded in the activity log (by `actor`) in the same transaction.

        The insert itself decides (insert-or-skip on the unique content hash, inside the transaction that
        removes the source's outdated version), so concurrent ingests that meet the same content store it
        once and neither fails; a look-up before the write would race with the other writer."""
        document, meta = report.document, report.meta
        with self._writing() as db:
            outdated = db.execute(select(reports.c.id).where(reports.c.source == source,
                                                             reports.c.hash != content_hash)).scalar()
            removed_chunks = _chunk_ids(db, outdated) if outdated is not None else []
            if outdated is not None:
                db.execute(delete(reports).where(reports.c.id == outdated))
            report_id = db.execute(self._insert_or_skip(reports).values(
                source=source, hash=content_hash, title=meta.title, body=meta.body, body_key=body_key,
                region=meta.region, year=meta.year, template=meta.template, encoding=document.encoding,
                text=document.text, page_starts=json.dumps(document.page_starts), ingested_at=utc_now(),
            ).on_conflict_do_nothing().returning(reports.c.id)).scalar()
            replaced = outdated is not None
            if report_id is None:
                if replaced:
                    _bump_generation(db)
                return StoredWrite(report_id=None, replaced=replaced, removed_chunks=removed_chunks)
            _insert_figures(db, report_id, report)
            _insert_rows(db, sections, [
                {"report_id": report_id, "section": s.id, "title": s.title, "start_line": s.start_line,
                 "end_line": s.end_line} for s in report.sections])
            _insert_findings(db, report_id, findings, cross=False)
            _insert_rows(db, chunks_table, [
                {"id": c.id, "report_id": report_id, "section": c.section, "start_line": c.start_line,
                 "end_line": c.end_line, "text": c.text, "tokens": " ".join(tokens)} for c, tokens in chunks])
            _insert_rows(db, problem_sentences, [{"report_id": report_id, "hash": h} for h in sorted(set(problem_hashes))])
            _record(db, actor, Action.INGEST, source, report_id, "替换" if replaced else "新增")
            _bump_generation(db)
        return StoredWrite(report_id=report_id, replaced=replaced, removed_chunks=removed_chunks)

    def delete_report(self, report_id: int, actor: str) -> Optional[StoredDeletion]:
        """Remove a report and everything derived from it, recorded in the activity log; None when it
        is not stored (any more)."""
        with self._writing() as db:
            source = db.execute(select(reports.c.source).where(reports.c.id == report_id)).scalar()
            if source is None:
                return None
            removed_chunks = _chunk_ids(db, report_id)
            db.execute(delete(reports).where(reports.c.id == report_id))
            _record(db, actor, Action.DELETE, source, report_id, f"删除 {len(removed_chunks)} 个文本块")
            _bump_generation(db)
        return StoredDeletion(report_id=report_id, source=source, removed_chunks=removed_chunks)

    def record_activity(self, actor: str, action: Action, source: Optional[str] = None,
                        report_id: Optional[int] = None, detail: str = "") -> None:
        """Record a change made outside the store's own writes (a re-index of the Chroma collection)."""
        with self._writing() as db:
            _record(db, actor, action, source, report_id, detail)

    def replace_figures(self, report_id: int, report: Report, findings: Sequence[Finding]) -> None:
        """Replace the report's figures and single-report findings with those of `report`, the same text
        read again with other help (the same body's previous year arrived or left the index later); its
        sections, chunks and cross-report findings stay (nothing, if a concurrent ingest removed it)."""
        with self._writing() as db:
            if db.execute(select(reports.c.id).where(reports.c.id == report_id)).scalar() is None:
                return
            db.execute(delete(figures).where(figures.c.report_id == report_id))
            db.execute(delete(ocr_positions).where(ocr_positions.c.report_id == report_id))
            db.execute(delete(findings_table).where(findings_table.c.report_id == report_id,
                                                    findings_table.c.cross_report == 0))
            _insert_figures(db, report_id, report)
            _insert_findings(db, report_id, findings, cross=False)
            _bump_generation(db)

    def mark_stale(self, report_ids: Iterable[int], kind: Stale) -> None:
        """Record that these reports' `kind` rows are outdated by the write in progress (to be
        refreshed by the ingest that made it, or by the next one if it was killed)."""
        rows = [{"report_id": report_id, "kind": kind.value} for report_id in sorted(set(report_ids))]
        if rows:
            with self._writing() as db:
                db.execute(self._insert_or_skip(stale_reports).on_conflict_do_nothing(), rows)

    def stale(self, limit: int) -> list[tuple[int, Stale]]:
        """Outdated rows to refresh, in report order."""
        rows = self._rows(select(stale_reports).order_by(stale_reports.c.report_id, stale_reports.c.kind).limit(limit))
        return [(row["report_id"], Stale(row["kind"])) for row in rows]

    def refreshed(self, done: Sequence[tuple[int, Stale]]) -> None:
        if done:
            with self._writing() as db:
                db.execute(delete(stale_reports).where(stale_reports.c.report_id == bindparam("done_id"),
                                                       stale_reports.c.kind == bindparam("done_kind")),
                           [{"done_id": report_id, "done_kind": kind.value} for report_id, kind in done])

    def replace_cross_findings(self, report_id: int, findings: Sequence[Finding]) -> None:
        """Replace the report's cross-report findings (nothing, if a concurrent ingest removed the report)."""
        with self._writing() as db:
            db.execute(delete(findings_table).where(findings_table.c.report_id == report_id,
                                                    findings_table.c.cross_report == 1))
            if db.execute(select(reports.c.id).where(reports.c.id == report_id)).scalar() is not None:
                _insert_findings(db, report_id, findings, cross=True)

    # -- reading -----------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        return self._value(select(state.c.value).where(state.c.name == "generation"))

    @cached_property
    def store_id(self) -> int:
        """The database's identity (see `migrations`): with the generation, what names a derived index."""
        return self._value(select(state.c.value).where(state.c.name == migrations.STORE_ID_ROW))

    def activity(self, limit: int = 200) -> list[Activity]:
        """The latest changes to the index, newest first."""
        return [Activity(**row) for row in self._rows(select(activity).order_by(activity.c.id.desc()).limit(limit))]

    def report_by_source(self, source: str) -> Optional[StoredReport]:
        return self._one("source", source)

    def report_by_hash(self, content_hash: str) -> Optional[StoredReport]:
        return self._one("hash", content_hash)

    def report(self, report_id: int) -> Optional[StoredReport]:
        return self._one("id", report_id)

    def reports(self, body: Optional[str] = None, region: Optional[str] = None, year: Optional[int] = None,
                body_key: Optional[str] = None) -> list[StoredReport]:
        """Matching reports ordered by body, year and source (in Python: the same order on both backends,
        whatever the PostgreSQL collation)."""
        given = {"body": f"%{body}%" if body is not None else None, "region": f"%{region}%" if region is not None else None,
                 "year": year, "body_key": body_key}
        statement = _reports_where(*(given[name] is not None for name in _REPORT_FILTERS))
        found = [StoredReport(**row) for row in self._rows(statement, given)]
        return sorted(found, key=lambda r: (r.body_key is not None, r.body_key or "", r.year is not None,
                                            r.year or 0, r.source))

    def chunk_ids(self, report_id: Optional[int] = None) -> list[str]:
        with self._reading() as connection:
            return _chunk_ids(connection, report_id)

    def chunks(self, ids: Sequence[str]) -> dict[str, StoredChunk]:
        found: dict[str, StoredChunk] = {}
        for start in range(0, len(ids), 500):
            rows = self._rows(select(*_CHUNK_COLUMNS).where(chunks_table.c.id.in_(list(ids[start : start + 500]))))
            found.update({row["id"]: StoredChunk(**row) for row in rows})
        return found

    def chunk_tokens(self) -> list[tuple[str, int, str, list[str]]]:
        """(id, report_id, section, tokens) of every chunk, in a stable order, for keyword indexing."""
        rows = self._rows(select(chunks_table.c.id, chunks_table.c.report_id, chunks_table.c.section,
                                 chunks_table.c.tokens))
        rows.sort(key=_chunk_order)
        return [(row["id"], row["report_id"], row["section"], row["tokens"].split()) for row in rows]

    def nearest_year(self, body_key: str, year: int, after: bool) -> Optional[int]:
        """The body's closest indexed year after (or before) `year`: the store finds it, so ingest
        does not read every report of a body indexed many times to find one year."""
        return self._value(_nearest_year(after), {"body_key": body_key, "year": year})

    def problem_partners(self, report_id: int, minimum_shared: int, year: Optional[int],
                         other_than_key: Optional[str]) -> list[StoredReport]:
        """Reports of `year` (None: of no known year) of bodies other than `other_than_key` sharing at
        least `minimum_shared` problem sentences with the report, by id. Filtered in the query: a
        body's own copies share all its sentences and are never partners, and reading each of them
        back made ingest slow down as a body's copies accumulated."""
        rows = self._rows(_partners_statement(year is not None, other_than_key is not None),
                          {"report_id": report_id, "minimum": minimum_shared, "year": year, "key": other_than_key})
        return [StoredReport(**row) for row in rows]

    def figure_rows(self, report_ids: Sequence[int], keys: Sequence[str]) -> dict[tuple[int, str], Mapping[str, Any]]:
        """(report_id, key) → row with value, raw, line, page and status."""
        found: dict[tuple[int, str], Mapping[str, Any]] = {}
        if not report_ids or not keys:
            return found
        for start in range(0, len(report_ids), 400):
            rows = self._rows(select(figures.c.report_id, figures.c.key, figures.c.value, figures.c.raw,
                                     figures.c.line, figures.c.page, figures.c.status)
                              .where(figures.c.report_id.in_(list(report_ids[start : start + 400])),
                                     figures.c.key.in_(list(keys))))
            found.update({(row["report_id"], row["key"]): row for row in rows})
        return found

    def report_text(self, report_id: int) -> str:
        return self._value(select(reports.c.text).where(reports.c.id == report_id)) or ""

    def chunks_containing(self, words: Sequence[str], report_ids: Optional[Sequence[int]] = None,
                          section: Optional[str] = None) -> list[StoredChunk]:
        """Every chunk containing all the words (an exhaustive scan, for 'which bodies mention X')."""
        statement = select(*_CHUNK_COLUMNS).where(*(chunks_table.c.text.like(f"%{w}%") for w in words))
        if report_ids is not None:
            statement = statement.where(chunks_table.c.report_id.in_(list(report_ids)))
        if section:
            statement = statement.where(chunks_table.c.section == section)
        return [StoredChunk(**row) for row in sorted(self._rows(statement), key=_chunk_order)]

    def section_chunks(self, report_id: int, section: str) -> list[StoredChunk]:
        rows = self._rows(select(*_CHUNK_COLUMNS).where(chunks_table.c.report_id == report_id,
                                                        chunks_table.c.section == section))
        return [StoredChunk(**row) for row in sorted(rows, key=_chunk_order)]

    def load_report(self, report_id: int) -> Report:
        """The report as its stored figures have it: read again from the stored text (extraction is
        deterministic), with the help of the same body's previous year in the index."""
        return self.with_previous_year(self.extracted_report(report_id))

    def with_previous_year(self, report: Report) -> Report:
        """The report read again with the same body's previous report in the index (`previous_report`),
        which may settle flattened section 二 cells; the same object when it settles nothing."""
        if not may_use_previous(report):
            return report
        previous = self.previous_report(report_body_key(report), report.meta.year)
        return resolve_with_previous(report, PreviousYear.of(self.extracted_report(previous.id))) if previous else report

    def extracted_report(self, report_id: int) -> Report:
        """The report read from its stored text alone, as `audit check` reads a file before the batch
        helps it: what it offers the next year's report (cross-year help is never chained)."""
        row = self._rows(select(reports.c.source, reports.c.encoding, reports.c.text, reports.c.page_starts)
                         .where(reports.c.id == report_id))[0]
        document = DecodedText(source=row["source"], encoding=row["encoding"], text=row["text"],
                               page_starts=json.loads(row["page_starts"]), ocr_cells=self.ocr_cells(report_id))
        return extract(document)

    def ocr_cells(self, report_id: int) -> list[OcrCell]:
        """The scan positions of a report's figures (none unless it was read by OCR), in text order."""
        rows = self._rows(select(ocr_positions).where(ocr_positions.c.report_id == report_id))
        found = {row["text_offset"]: OcrCell(offset=row["text_offset"], page=row["page"], confidence=row["confidence"],
                                             box=(row["box_left"], row["box_top"], row["box_right"], row["box_bottom"]))
                 for row in rows}
        return [found[offset] for offset in sorted(found)]

    def previous_report(self, body_key: Optional[str], year: Optional[int]) -> Optional[StoredReport]:
        """The same body's report of the year before, the last by source of several versions (the
        one `audit check` pairs with it), or None."""
        if not body_key or not year:
            return None
        earlier = self.reports(body_key=body_key, year=year - 1)
        return earlier[-1] if earlier else None

    def findings(self, report_id: int) -> list[Finding]:
        rows = self._rows(select(findings_table).where(findings_table.c.report_id == report_id)
                          .order_by(findings_table.c.id))
        return [Finding(rule=r["rule"], severity=r["severity"], message=r["message"], keys=json.loads(r["keys"]),
                        evidence=json.loads(r["evidence"])) for r in rows]

    def coverage(self) -> Coverage:
        return Coverage.of([(r.region, r.year) for r in self.reports()])

    def counts(self) -> dict[str, int]:
        with self._reading() as connection:
            return {table.name: connection.execute(select(func.count()).select_from(table)).scalar()
                    for table in (reports, figures, findings_table, chunks_table)}

    def _one(self, column: str, value: Any) -> Optional[StoredReport]:
        rows = self._rows(_report_by(column), {"value": value})
        return StoredReport(**rows[0]) if rows else None


@cache
def _report_by(column: str) -> Select:
    return select(*_REPORT_COLUMNS).where(reports.c[column] == bindparam("value"))


_REPORT_FILTERS = ("body", "region", "year", "body_key")


@cache
def _reports_where(body: bool, region: bool, year: bool, body_key: bool) -> Select:
    """`reports`' query for the filters given (parameters named after them), built once per shape."""
    statement = select(*_REPORT_COLUMNS)
    if body:
        statement = statement.where(reports.c.body.like(bindparam("body")))
    if region:
        statement = statement.where(reports.c.region.like(bindparam("region")))
    if year:
        statement = statement.where(reports.c.year == bindparam("year"))
    if body_key:
        statement = statement.where(reports.c.body_key == bindparam("body_key"))
    return statement


@cache
def _nearest_year(after: bool) -> Select:
    column = reports.c.year
    return (select(func.min(column) if after else func.max(column))
            .where(reports.c.body_key == bindparam("body_key"),
                   column > bindparam("year") if after else column < bindparam("year")))


@cache
def _partners_statement(known_year: bool, known_key: bool) -> Select:
    """`problem_partners`' query, built once per shape: ingest asks it several times per report, and
    building the statement cost ten times running it."""
    mine, other = problem_sentences.alias("mine"), problem_sentences.alias("other")
    shared = (select(other.c.report_id)
              .join_from(mine, other, (other.c.hash == mine.c.hash) & (other.c.report_id != mine.c.report_id))
              .where(mine.c.report_id == bindparam("report_id")).group_by(other.c.report_id)
              .having(func.count() >= bindparam("minimum")).subquery())
    key = reports.c.body_key
    return (select(*_REPORT_COLUMNS).join_from(reports, shared, reports.c.id == shared.c.report_id)
            .where(reports.c.year == bindparam("year") if known_year else reports.c.year.is_(None),
                   or_(key.is_(None), key != bindparam("key")) if known_key else key.is_not(None))
            .order_by(reports.c.id))


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _chunk_order(row: Mapping[str, Any]) -> tuple[int, int]:
    """Chunks in reading order: by report, then by their number within it (the id's suffix)."""
    return row["report_id"], int(row["id"].rsplit("-", 1)[1])


def _chunk_ids(connection: Connection, report_id: Optional[int] = None) -> list[str]:
    statement = select(chunks_table.c.id)
    if report_id is not None:
        statement = statement.where(chunks_table.c.report_id == report_id)
    return list(connection.execute(statement).scalars())


def _insert_rows(connection: Connection, table, rows: list[dict]) -> None:
    """One executemany for all the rows (none: no statement)."""
    if rows:
        connection.execute(insert(table), rows)


def _insert_figures(connection: Connection, report_id: int, report: Report) -> None:
    _insert_rows(connection, figures, [
        {"report_id": report_id, "key": c.key, "value": c.value, "raw": c.raw, "line": c.line,
         "page": report.document.page_of(c.line), "status": c.status.value} for c in report.cells])
    _insert_rows(connection, ocr_positions, _ocr_position_rows(report_id, report))


def _ocr_position_rows(report_id: int, report: Report) -> list[dict]:
    """One row per figure read from a scanned table cell: the cell's page, box and confidence."""
    rows = []
    for cell in report.cells:
        place = report.document.ocr_cell_at(cell.offset) if cell.status != CellStatus.MISSING else None
        if place is not None:
            rows.append({"report_id": report_id, "key": cell.key, "page": place.page, "text_offset": place.offset,
                         "box_left": place.box[0], "box_top": place.box[1], "box_right": place.box[2],
                         "box_bottom": place.box[3], "confidence": place.confidence})
    return rows


def _insert_findings(connection: Connection, report_id: int, found: Sequence[Finding], cross: bool) -> None:
    _insert_rows(connection, findings_table, [
        {"report_id": report_id, "rule": f.rule, "severity": f.severity, "message": f.message,
         "keys": json.dumps(f.keys, ensure_ascii=False),
         "evidence": json.dumps([e.model_dump() for e in f.evidence], ensure_ascii=False), "cross_report": int(cross)}
        for f in found])


def _record(connection: Connection, actor: str, action: Action, source: Optional[str], report_id: Optional[int],
            detail: str) -> None:
    connection.execute(insert(activity).values(at=utc_now(), actor=actor, action=action.value, source=source,
                                               report_id=report_id, detail=detail))


def _bump_generation(connection: Connection) -> None:
    connection.execute(update(state).where(state.c.name == "generation").values(value=state.c.value + 1))
