"""The figures store: reports, figures, findings, sections and narrative chunks in one SQLite file.

SQLite is the source of truth of the index: a report and everything derived from it is written in
one transaction, so a killed ingest leaves either the old version or the new one, never half.
The Chroma collection is reconciled against the `chunks` table (see `assistant.ingest`).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Optional
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from assistant.models import DecodedText, Finding, NarrativeChunk, Report
from assistant.parse import extract

DATABASE_NAME = "figures.sqlite"
_REPORT_COLUMNS = "id, source, hash, title, body, body_key, region, year, template"


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


class IndexDatabase:
    def __init__(self, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.path = index_dir / DATABASE_NAME
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode = WAL")
        # No fsync per commit (WAL stays consistent; a power cut may lose the last commits, which a
        # re-ingest restores): the per-report commit was half the writer's time on a busy disk.
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA busy_timeout = 10000")
        self._db.executescript(resources.files("assistant.store").joinpath("schema.sql").read_text(encoding="utf-8"))

    def close(self) -> None:
        self._db.close()

    # -- writing -----------------------------------------------------------------------------

    def write_report(self, source: str, content_hash: str, body_key: Optional[str], report: Report,
                     findings: Sequence[Finding], chunks: Sequence[tuple[NarrativeChunk, list[str]]],
                     problem_hashes: Iterable[str]) -> StoredWrite:
        """Store this report as the version of `source`, atomically, unless its content is stored already.

        The insert itself decides (insert-or-skip on the unique content hash, inside the transaction that
        removes the source's outdated version), so concurrent ingests that meet the same content store it
        once and neither fails; a look-up before the write would race with the other writer."""
        db = self._db
        document = report.document
        db.execute("BEGIN IMMEDIATE")
        try:
            outdated = db.execute("SELECT id FROM reports WHERE source = ? AND hash != ?", (source, content_hash)).fetchone()
            removed_chunks = self.chunk_ids(outdated["id"]) if outdated else []
            if outdated:
                db.execute("DELETE FROM reports WHERE id = ?", (outdated["id"],))
            meta = report.meta
            row = db.execute(
                "INSERT INTO reports (source, hash, title, body, body_key, region, year, template, encoding, text,"
                " page_starts, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING id",
                (source, content_hash, meta.title, meta.body, body_key, meta.region, meta.year, meta.template,
                 document.encoding, document.text, json.dumps(document.page_starts),
                 datetime.now(timezone.utc).isoformat(timespec="seconds"))).fetchone()
            if row is None:
                if outdated:
                    self._bump_generation()
                db.execute("COMMIT")
                return StoredWrite(report_id=None, replaced=outdated is not None, removed_chunks=removed_chunks)
            report_id = row[0]
            db.executemany(
                "INSERT INTO figures (report_id, key, value, raw, line, page, status) VALUES (?,?,?,?,?,?,?)",
                [(report_id, c.key, c.value, c.raw, c.line, document.page_of(c.line), c.status.value)
                 for c in report.cells])
            db.executemany(
                "INSERT INTO sections (report_id, section, title, start_line, end_line) VALUES (?,?,?,?,?)",
                [(report_id, s.id, s.title, s.start_line, s.end_line) for s in report.sections])
            self._insert_findings(report_id, findings, cross=False)
            db.executemany(
                "INSERT INTO chunks (id, report_id, section, start_line, end_line, text, tokens) VALUES (?,?,?,?,?,?,?)",
                [(c.id, report_id, c.section, c.start_line, c.end_line, c.text, " ".join(tokens)) for c, tokens in chunks])
            db.executemany("INSERT INTO problem_sentences (report_id, hash) VALUES (?,?)",
                           [(report_id, h) for h in set(problem_hashes)])
            self._bump_generation()
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return StoredWrite(report_id=report_id, replaced=outdated is not None, removed_chunks=removed_chunks)

    def replace_cross_findings(self, report_id: int, findings: Sequence[Finding]) -> None:
        """Replace the report's cross-report findings (nothing, if a concurrent ingest removed the report)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM findings WHERE report_id = ? AND cross_report = 1", (report_id,))
            if db.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone():
                self._insert_findings(report_id, findings, cross=True)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _insert_findings(self, report_id: int, findings: Sequence[Finding], cross: bool) -> None:
        self._db.executemany(
            "INSERT INTO findings (report_id, rule, severity, message, keys, evidence, cross_report) VALUES (?,?,?,?,?,?,?)",
            [(report_id, f.rule, f.severity, f.message, json.dumps(f.keys, ensure_ascii=False),
              json.dumps([e.model_dump() for e in f.evidence], ensure_ascii=False), int(cross)) for f in findings])

    def _bump_generation(self) -> None:
        self._db.execute("UPDATE state SET value = value + 1 WHERE name = 'generation'")

    # -- reading -----------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        return self._db.execute("SELECT value FROM state WHERE name = 'generation'").fetchone()[0]

    def report_by_source(self, source: str) -> Optional[StoredReport]:
        return self._one("SELECT * FROM reports WHERE source = ?", (source,))

    def report_by_hash(self, content_hash: str) -> Optional[StoredReport]:
        return self._one("SELECT * FROM reports WHERE hash = ?", (content_hash,))

    def report(self, report_id: int) -> Optional[StoredReport]:
        return self._one("SELECT * FROM reports WHERE id = ?", (report_id,))

    def reports(self, body: Optional[str] = None, region: Optional[str] = None, year: Optional[int] = None,
                body_key: Optional[str] = None) -> list[StoredReport]:
        clauses, values = [], []
        for column, value, exact in (("body", body, False), ("region", region, False), ("year", year, True),
                                     ("body_key", body_key, True)):
            if value is None:
                continue
            clauses.append(f"{column} = ?" if exact else f"{column} LIKE ?")
            values.append(value if exact else f"%{value}%")
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        rows = self._db.execute(f"SELECT {_REPORT_COLUMNS} FROM reports{where} ORDER BY body_key, year, source",
                                values).fetchall()
        return [StoredReport(**dict(row)) for row in rows]

    def chunk_ids(self, report_id: Optional[int] = None) -> list[str]:
        if report_id is None:
            return [row[0] for row in self._db.execute("SELECT id FROM chunks")]
        return [row[0] for row in self._db.execute("SELECT id FROM chunks WHERE report_id = ?", (report_id,))]

    def chunks(self, ids: Sequence[str]) -> dict[str, StoredChunk]:
        found: dict[str, StoredChunk] = {}
        for start in range(0, len(ids), 500):
            batch = list(ids[start : start + 500])
            marks = ",".join("?" * len(batch))
            for row in self._db.execute(f"SELECT id, report_id, section, start_line, end_line, text FROM chunks"
                                        f" WHERE id IN ({marks})", batch):
                found[row["id"]] = StoredChunk(**dict(row))
        return found

    def chunk_tokens(self) -> list[tuple[str, int, str, list[str]]]:
        """(id, report_id, section, tokens) of every chunk, in a stable order, for keyword indexing."""
        rows = self._db.execute("SELECT id, report_id, section, tokens FROM chunks ORDER BY rowid")
        return [(row[0], row[1], row[2], row[3].split()) for row in rows]

    def problem_partners(self, report_id: int, minimum_shared: int) -> list[int]:
        rows = self._db.execute(
            "SELECT other.report_id, COUNT(*) FROM problem_sentences mine JOIN problem_sentences other"
            " ON other.hash = mine.hash AND other.report_id != mine.report_id WHERE mine.report_id = ?"
            " GROUP BY other.report_id HAVING COUNT(*) >= ?", (report_id, minimum_shared))
        return [row[0] for row in rows]

    def figure_rows(self, report_ids: Sequence[int], keys: Sequence[str]) -> dict[tuple[int, str], sqlite3.Row]:
        """(report_id, key) → row with value, raw, line, page and status."""
        found: dict[tuple[int, str], sqlite3.Row] = {}
        if not report_ids or not keys:
            return found
        key_marks = ",".join("?" * len(keys))
        for start in range(0, len(report_ids), 400):
            batch = list(report_ids[start : start + 400])
            rows = self._db.execute(
                f"SELECT report_id, key, value, raw, line, page, status FROM figures WHERE report_id IN"
                f" ({','.join('?' * len(batch))}) AND key IN ({key_marks})", [*batch, *keys])
            found.update({(row["report_id"], row["key"]): row for row in rows})
        return found

    def report_text(self, report_id: int) -> str:
        row = self._db.execute("SELECT text FROM reports WHERE id = ?", (report_id,)).fetchone()
        return row[0] if row else ""

    def chunks_containing(self, words: Sequence[str], report_ids: Optional[Sequence[int]] = None,
                          section: Optional[str] = None) -> list[StoredChunk]:
        """Every chunk containing all the words (an exhaustive scan, for 'which bodies mention X')."""
        clauses = ["text LIKE ?" for _ in words]
        values: list = [f"%{w}%" for w in words]
        if report_ids is not None:
            clauses.append(f"report_id IN ({','.join('?' * len(report_ids))})")
            values += list(report_ids)
        if section:
            clauses.append("section = ?")
            values.append(section)
        rows = self._db.execute("SELECT id, report_id, section, start_line, end_line, text FROM chunks WHERE "
                                + " AND ".join(clauses or ["1"]) + " ORDER BY report_id, rowid", values)
        return [StoredChunk(**dict(row)) for row in rows]

    def section_chunks(self, report_id: int, section: str) -> list[StoredChunk]:
        rows = self._db.execute("SELECT id, report_id, section, start_line, end_line, text FROM chunks"
                                " WHERE report_id = ? AND section = ? ORDER BY rowid", (report_id, section))
        return [StoredChunk(**dict(row)) for row in rows]

    def load_report(self, report_id: int) -> Report:
        """The full extracted report, re-derived from the stored text (extraction is deterministic)."""
        row = self._db.execute("SELECT source, encoding, text, page_starts FROM reports WHERE id = ?", (report_id,)).fetchone()
        document = DecodedText(source=row["source"], encoding=row["encoding"], text=row["text"],
                               page_starts=json.loads(row["page_starts"]))
        return extract(document)

    def findings(self, report_id: int) -> list[Finding]:
        rows = self._db.execute("SELECT rule, severity, message, keys, evidence FROM findings WHERE report_id = ?"
                                " ORDER BY id", (report_id,))
        return [Finding(rule=r["rule"], severity=r["severity"], message=r["message"], keys=json.loads(r["keys"]),
                        evidence=json.loads(r["evidence"])) for r in rows]

    def coverage(self) -> Coverage:
        return Coverage.of([(r.region, r.year) for r in self.reports()])

    def counts(self) -> dict[str, int]:
        return {table: self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("reports", "figures", "findings", "chunks")}

    def _one(self, sql: str, values: tuple) -> Optional[StoredReport]:
        row = self._db.execute(f"SELECT {_REPORT_COLUMNS} FROM ({sql})", values).fetchone()
        return StoredReport(**dict(row)) if row else None
