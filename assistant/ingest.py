"""`audit ingest`: load → parse → check → store, for files and folders, idempotent and crash-safe.

Order of writes for one report: the report and everything derived from it go to SQLite in one
transaction, then its chunks to Chroma (ids derived from the content hash), then the previous
version's chunks are removed from Chroma. SQLite decides what exists; `reconcile` runs at the start
of every ingest and removes or re-adds Chroma entries so the two agree again after a killed run.
Cross-report rules are recomputed for the reports a new one touches.
"""

from __future__ import annotations

import hashlib
import sys
from functools import cached_property
from pathlib import Path
from typing import Optional
from collections.abc import Callable, Iterable

from pydantic import BaseModel, Field
from tqdm import tqdm

from assistant.check import check_report
from assistant.check.cross_year import body_key, carry_over, copied, resolved_by_previous
from assistant.config import Settings
from assistant.errors import InputError
from assistant.load import MAX_BYTES, SUPPORTED_SUFFIXES
from assistant.models import Finding, NarrativeChunk, Report
from assistant.parse.cross_year import resolve_with_previous
from assistant.parse.recognise import not_a_report_reason
from assistant.store import IndexDatabase, NarrativeVectors
from assistant.store.database import StoredWrite
from assistant.store.lock import index_write_lock
from assistant.workers import IndexEntry, IndexJob, ordered_map, prepare_for_index

MIN_SHARED_SENTENCES = 2
FLUSH_CHUNKS = 1000


class IngestSummary(BaseModel):
    new: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    replaced: list[str] = Field(default_factory=list)
    failed: list[tuple[str, str]] = Field(default_factory=list)

    def line(self) -> str:
        text = (f"新增 {len(self.new)} 份，未变 {len(self.unchanged)} 份，替换 {len(self.replaced)} 份，"
                f"失败 {len(self.failed)} 份")
        if self.failed:
            text += "：" + "；".join(f"{Path(s).name}（{reason}）" for s, reason in self.failed[:10])
            text += "…" if len(self.failed) > 10 else ""
        return text


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files given, and supported files under folders given (recursively), each once, sorted."""
    found: dict[Path, None] = {}
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES and not child.name.startswith("."):
                    found[child.resolve()] = None
        else:
            found[path.resolve()] = None
    return list(found)


class Ingestor:
    """Writes reports to the index. Chroma writes are batched (one upsert per ~1000 chunks is far
    cheaper than one per report); SQLite stays the source of truth, so a crash before a flush only
    leaves chunks for `reconcile` to add."""

    def __init__(self, settings: Settings, jobs: Optional[int] = None) -> None:
        self.settings = settings
        self.jobs = jobs
        self.db = IndexDatabase(settings.index_dir)
        self._pending: list[tuple[NarrativeChunk, dict]] = []
        self._stale: list[str] = []

    @cached_property
    def vectors(self) -> NarrativeVectors:
        """Opened on first use, so that an ingest into the embedded store opens it only once it holds the
        index lock (and so sees the vectors of the ingest before it)."""
        return NarrativeVectors(self.settings)

    def close(self) -> None:
        self.db.close()

    def reconcile(self) -> tuple[int, int]:
        """Make Chroma hold exactly the chunks SQLite has: (removed, added).

        Chroma is read before SQLite: a concurrent writer commits a report to SQLite before its chunks reach
        Chroma, so a chunk seen in Chroma is already known to SQLite (never taken for an orphan)."""
        present = self.vectors.ids()
        known = set(self.db.chunk_ids())
        orphans = sorted(present - known)
        self.vectors.delete(orphans)
        missing = self.db.chunks(sorted(known - present))
        metadata = {}
        for report_id in {chunk.report_id for chunk in missing.values()}:
            stored = self.db.report(report_id)
            metadata[report_id] = chunk_metadata(report_id, stored.source, stored.body, stored.body_key, stored.region,
                                                 stored.year)
        self.vectors.add([(NarrativeChunk(**chunk.model_dump(exclude={"report_id"})), metadata[chunk.report_id])
                          for chunk in missing.values()])
        return len(orphans), len(missing)

    def ingest(self, paths: Iterable[str | Path], progress: Optional[Callable[[int, int], None]] = None,
               show_bar: bool = False) -> IngestSummary:
        """Files are hashed here (unchanged ones skipped), read and checked by worker processes
        (`jobs`, default all cores), and written here one by one in input order. Ingests into the
        embedded Chroma store take turns (see `assistant.store.lock`). The search indexes of the
        resulting generation are made at the end, so that the next search loads them from disk."""
        if self.settings.chroma_url:
            summary = self._ingest(paths, progress, show_bar)
        else:
            with index_write_lock(self.settings.index_dir):
                summary = self._ingest(paths, progress, show_bar)
        from chromadb.errors import InternalError

        from assistant.retrieve import Retriever  # the search stack, only once the writing is done

        try:
            Retriever(self.db, self.vectors).indexes()
        except InternalError:  # a Chroma server still persisting another client's writes: the next search makes them
            pass
        return summary

    def _ingest(self, paths: Iterable[str | Path], progress: Optional[Callable[[int, int], None]],
                show_bar: bool) -> IngestSummary:
        self.reconcile()
        files = expand(paths)
        summary = IngestSummary()
        done = 0
        with tqdm(total=len(files), desc="入库", unit="份", file=sys.stderr, disable=not show_bar) as bar:
            def advance() -> None:
                nonlocal done
                done += 1
                bar.update()
                if progress:
                    progress(done, len(files))

            jobs: list[IndexJob] = []
            for path in files:
                job = self._job(path, summary)
                if job is None:
                    advance()
                else:
                    jobs.append(job)
            try:
                for job, prepared in zip(jobs, ordered_map(prepare_for_index, jobs, self.jobs)):
                    self._take(job, prepared, summary)
                    if len(self._pending) >= FLUSH_CHUNKS:
                        self._flush()
                    advance()
            finally:
                self._flush()
        return summary

    def _flush(self) -> None:
        self.vectors.add(self._pending)
        self.vectors.delete(self._stale)
        self._pending, self._stale = [], []

    def _job(self, path: Path, summary: IngestSummary) -> Optional[IndexJob]:
        """The work a file needs, or None when it is unchanged or cannot be read (said in `summary`)."""
        source = str(path)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise InputError(source, "文件过大")
            data = path.read_bytes()
        except OSError as error:
            summary.failed.append((source, f"无法读取：{error.strerror or error}"))
            return None
        except InputError as error:
            summary.failed.append((source, error.reason))
            return None
        content_hash = hashlib.sha256(data).hexdigest()
        existing = self.db.report_by_source(source)
        if (existing and existing.hash == content_hash) or (not existing and self.db.report_by_hash(content_hash)):
            summary.unchanged.append(source)
            return None
        return IndexJob(source=source, suffix=path.suffix.lower())

    def _take(self, job: IndexJob, prepared: IndexEntry | InputError, summary: IngestSummary) -> None:
        """Store what a worker prepared, after the checks that need the index."""
        if isinstance(prepared, InputError):
            summary.failed.append((job.source, prepared.reason))
            return
        refusal = not_a_report_reason(prepared.report)
        if refusal:
            summary.failed.append((job.source, refusal))
            return
        report = self._with_previous_year(prepared.report)
        findings = prepared.findings if report is prepared.report else check_report(report)
        unreadable = [f.message.split("；")[0] for f in findings if f.rule == "TABLE_UNREADABLE" and f.severity == "error"]
        if unreadable:
            summary.failed.append((job.source, "；".join(unreadable)))
            return
        written = self._store(job, prepared.model_copy(update={"report": report, "findings": findings}))
        if written.report_id is None:
            summary.unchanged.append(job.source)
        else:
            (summary.replaced if written.replaced else summary.new).append(job.source)

    def _with_previous_year(self, report: Report) -> Report:
        """The report read again with the same body's indexed previous report (section 二 help); of
        several versions of that year, the last by source, as `audit check` takes it."""
        key, year = body_key(report), report.meta.year
        earlier = self.db.reports(body_key=key, year=year - 1) if key and year else []
        return resolve_with_previous(report, self.db.load_report(earlier[-1].id)) if earlier else report

    def _store(self, job: IndexJob, entry: IndexEntry) -> StoredWrite:
        """Write the entry; the look-ups before are only a shortcut, the insert decides (see write_report)."""
        report = entry.report
        key = body_key(report)
        written = self.db.write_report(
            job.source, entry.content_hash, key, report, [*entry.findings, *resolved_by_previous(report)],
            entry.chunks, entry.fingerprints)
        if written.report_id is None:
            self._stale += written.removed_chunks
            return written
        meta = report.meta
        metadata = chunk_metadata(written.report_id, job.source, meta.body, key, meta.region, meta.year)
        self._pending += [(chunk, metadata) for chunk, _ in entry.chunks]
        self._stale += sorted(set(written.removed_chunks) - {chunk.id for chunk, _ in entry.chunks})
        self._refresh_cross_findings(written.report_id, report)
        return written

    def _refresh_cross_findings(self, report_id: int, report: Report) -> None:
        """Cross-report findings of the new report and of the reports whose findings it changes."""
        key, year = body_key(report), report.meta.year
        touched = {report_id: report}
        if key and year:
            for later in self.db.reports(body_key=key, year=year + 1):
                touched[later.id] = self.db.load_report(later.id)
        for partner in self.db.problem_partners(report_id, MIN_SHARED_SENTENCES):
            other = self.db.report(partner)
            if other and other.body_key != key and other.year == year:
                touched.setdefault(partner, self.db.load_report(partner))
        for touched_id, touched_report in touched.items():
            self.db.replace_cross_findings(touched_id, self._cross_findings(touched_id, touched_report))

    def _cross_findings(self, report_id: int, report: Report) -> list[Finding]:
        key, year = body_key(report), report.meta.year
        findings: list[Finding] = []
        if not (key and year):
            return findings
        earlier = [r for r in self.db.reports(body_key=key) if r.year is not None and r.year < year]
        if earlier:
            previous_stored = max(earlier, key=lambda r: r.year)
            previous = self.db.load_report(previous_stored.id)
            if previous_stored.year == year - 1:
                findings += carry_over(previous, report)
            findings += copied(report, previous, same_body=True)
        for partner in self.db.problem_partners(report_id, MIN_SHARED_SENTENCES):
            other = self.db.report(partner)
            if other and other.body_key != key and other.year == year:
                findings += copied(report, self.db.load_report(partner), same_body=False)
        return findings


def chunk_metadata(report_id: int, source: str, body: Optional[str], key: Optional[str], region: Optional[str],
                   year: Optional[int]) -> dict:
    """Chroma metadata of a report's chunks (Chroma stores no nulls: '' and -1 stand for unknown)."""
    return {"report_id": report_id, "source": source, "body": body or "", "body_key": key or "",
            "region": region or "", "year": year or -1}
