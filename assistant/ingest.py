"""`audit ingest`: load → parse → check → store, for files and folders, idempotent and crash-safe.

Worker processes read, check and chunk the files (and compute the default embedding's vectors);
this process writes. Reports go to SQLite in batches, each batch one transaction (a report and
everything derived from it is never half written), then the batch's chunks to Chroma (ids derived
from the content hash), then the replaced versions' chunks are removed from Chroma. SQLite decides
what exists; `reconcile` runs at the start of every ingest and removes or re-adds Chroma entries so
the two agree again after a killed run. A write records the other reports it makes outdated (the
next year's figures, cross-report findings) in its transaction; they are refreshed once at the end."""

from __future__ import annotations

import getpass
import hashlib
import sys
import time
from contextlib import AbstractContextManager, nullcontext
from functools import cached_property
from pathlib import Path
from typing import Optional
from collections.abc import Callable, Iterable, Iterator

import numpy as np
from pydantic import BaseModel, Field
from tqdm import tqdm

from assistant.check import check_report
from assistant.check.cross_year import body_key, carry_over, copied, resolved_by_previous
from assistant.check.peers import PeerView, peer_view
from assistant.config import Settings
from assistant.errors import InputError
from assistant.load import MAX_BYTES, SUPPORTED_SUFFIXES
from assistant.models import Finding, NarrativeChunk
from assistant.parse.cross_year import may_use_previous
from assistant.parse.recognise import not_a_report_reason
from assistant.store import IndexDatabase, NarrativeVectors
from assistant.store.database import Action, Stale, StoredChunk, StoredDeletion, StoredReport, StoredWrite
from assistant.store.embeddings import HashingEmbedding
from assistant.store.lock import index_write_lock
from assistant.workers import IndexEntry, IndexJob, ordered_map, prepare_for_index

MIN_SHARED_SENTENCES = 2
FLUSH_CHUNKS = 1000
BATCH_REPORTS = 32
BATCH_SECONDS = 2.0
STALE_BATCH = 256
KEPT_PEERS = 4096


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


def local_user() -> str:
    """Who ingests from the command line (the activity log's actor when no login names one)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "local"


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
        self.db = IndexDatabase(settings)
        self._pending: list[tuple[NarrativeChunk, dict]] = []
        self._computed: dict[str, np.ndarray] = {}
        self._stale: list[str] = []
        self._peers: dict[tuple[int, str, str], PeerView] = {}

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
        self.vectors.add(self._with_metadata(missing.values()))
        return len(orphans), len(missing)

    def _with_metadata(self, chunks: Iterable[StoredChunk]) -> list[tuple[NarrativeChunk, dict]]:
        """Stored chunks with their reports' Chroma metadata, ready to add."""
        metadata: dict[int, dict] = {}
        paired = []
        for chunk in chunks:
            if chunk.report_id not in metadata:
                stored = self.db.report(chunk.report_id)
                metadata[chunk.report_id] = chunk_metadata(chunk.report_id, stored.source, stored.body,
                                                           stored.body_key, stored.region, stored.year)
            paired.append((NarrativeChunk(**chunk.model_dump(exclude={"report_id"})), metadata[chunk.report_id]))
        return paired

    def _exclusive(self) -> AbstractContextManager:
        """Writers of the embedded Chroma store take turns (see `assistant.store.lock`); a server needs no lock."""
        return nullcontext() if self.settings.chroma_url else index_write_lock(self.settings.index_dir)

    def ingest(self, paths: Iterable[str | Path], progress: Optional[Callable[[int, int], None]] = None,
               show_bar: bool = False, actor: Optional[str] = None) -> IngestSummary:
        """Files are hashed here (unchanged ones skipped), read and checked by worker processes
        (`jobs`, default all cores), and written here one by one in input order. Each stored report is
        recorded in the activity log as ingested by `actor` (default: the local user). The search indexes
        of the resulting generation are made at the end, so that the next search loads them from disk."""
        with self._exclusive():
            summary = self._ingest(paths, progress, show_bar, actor or local_user())
        from chromadb.errors import InternalError

        from assistant.retrieve import Retriever  # the search stack, only once the writing is done

        try:
            Retriever(self.db, self.vectors).indexes()
        except InternalError:  # a Chroma server still persisting another client's writes: the next search makes them
            pass
        return summary

    def delete(self, report_id: int, actor: Optional[str] = None) -> Optional[StoredDeletion]:
        """Remove a report from both stores (recorded as deleted by `actor`), and refresh the reports
        compared with it. None when it is not stored."""
        with self._exclusive():
            stored = self.db.report(report_id)
            if stored is None:
                return None
            with self.db.batch():
                dependents = self._dependents(report_id, stored.body_key, stored.year)
                deleted = self.db.delete_report(report_id, actor or local_user())
                if deleted is not None:
                    self._mark_next_year(stored.body_key, stored.year)
                    self.db.mark_stale(dependents, Stale.CROSS)
            if deleted is not None:
                self.vectors.delete(deleted.removed_chunks)
                self._refresh_stale()
            return deleted

    def reindex(self, actor: Optional[str] = None) -> int:
        """Rebuild the Chroma collection from the chunks table (after a damaged or lost vector store, or to
        re-embed); recorded in the activity log. Returns the number of chunks indexed."""
        with self._exclusive():
            self.vectors.recreate()
            chunks = self.db.chunks(self.db.chunk_ids())
            self.vectors.add(self._with_metadata(chunks.values()))
            self.db.record_activity(actor or local_user(), Action.REINDEX, detail=f"重建 {len(chunks)} 个文本块")
            return len(chunks)

    def _ingest(self, paths: Iterable[str | Path], progress: Optional[Callable[[int, int], None]],
                show_bar: bool, actor: str) -> IngestSummary:
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
            results = zip(jobs, ordered_map(prepare_for_index, jobs, self.jobs))
            more = True
            while more:
                with self.db.batch():
                    more = self._take_some(results, summary, actor, advance)
                self._flush()
        self._refresh_stale()
        return summary

    def _take_some(self, results: Iterator[tuple[IndexJob, IndexEntry | InputError]], summary: IngestSummary,
                   actor: str, advance: Callable[[], None]) -> bool:
        """Store prepared reports until a batch is full: `BATCH_REPORTS` (what a killed run can lose; a
        commit per report was a fifth of the writer's SQL time, one per 32 is negligible), enough
        chunks for a large Chroma upsert, or `BATCH_SECONDS` (other writers wait for the batch's
        commit). True while results remain."""
        deadline = time.monotonic() + BATCH_SECONDS
        for taken, (job, prepared) in enumerate(results, start=1):
            self._take(job, prepared, summary, actor)
            advance()
            if taken >= BATCH_REPORTS or len(self._pending) >= FLUSH_CHUNKS or time.monotonic() >= deadline:
                return True
        return False

    def _flush(self) -> None:
        """After the batch's commit: Chroma never holds a chunk that SQLite does not (see `reconcile`).
        In this thread: one of its own, overlapping the next batch, gained nothing on two cores
        (Chroma's own threads then compete with the workers)."""
        self.vectors.add(self._pending, self._computed)
        self.vectors.delete(self._stale)
        self._pending, self._stale, self._computed = [], [], {}

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
        return IndexJob(source=source, suffix=path.suffix.lower(), hashing_dimensions=self._hashing_dimensions)

    @cached_property
    def _hashing_dimensions(self) -> Optional[int]:
        embedding = self.vectors.embedding
        return embedding.dimensions if isinstance(embedding, HashingEmbedding) else None

    def _take(self, job: IndexJob, prepared: IndexEntry | InputError, summary: IngestSummary, actor: str) -> None:
        """Store what a worker prepared, after the checks that need the index."""
        if isinstance(prepared, InputError):
            summary.failed.append((job.source, prepared.reason))
            return
        refusal = not_a_report_reason(prepared.report)
        if refusal:
            summary.failed.append((job.source, refusal))
            return
        report = self.db.with_previous_year(prepared.report)
        findings = prepared.findings if report is prepared.report else check_report(report)
        unreadable = [f.message.split("；")[0] for f in findings if f.rule == "TABLE_UNREADABLE" and f.severity == "error"]
        if unreadable:
            summary.failed.append((job.source, "；".join(unreadable)))
            return
        written = self._store(job, prepared.model_copy(update={"report": report, "findings": findings}), actor)
        if written.report_id is None:
            summary.unchanged.append(job.source)
        else:
            (summary.replaced if written.replaced else summary.new).append(job.source)

    def _peer(self, stored: StoredReport) -> PeerView:
        """What the cross-report rules read of a stored report: kept from this run's writes, else
        read again from the store (a report of an earlier run)."""
        found = self._peers.get((stored.id, stored.source, stored.hash))
        if found is None:
            found = peer_view(self.db.extracted_report(stored.id))
            self._remember(stored.id, stored.source, stored.hash, found)
        return found

    def _remember(self, report_id: int, source: str, content_hash: str, peer: PeerView) -> None:
        self._peers[(report_id, source, content_hash)] = peer
        if len(self._peers) > KEPT_PEERS:
            self._peers.pop(next(iter(self._peers)))

    def _store(self, job: IndexJob, entry: IndexEntry, actor: str) -> StoredWrite:
        """Write the entry; the look-ups before are only a shortcut, the insert decides (see write_report)."""
        report = entry.report
        key = body_key(report)
        written = self.db.write_report(
            job.source, entry.content_hash, key, report, [*entry.findings, *resolved_by_previous(report)],
            entry.chunks, entry.fingerprints, actor)
        if written.report_id is None:
            self._stale += written.removed_chunks
            if written.replaced:
                self._mark_next_year(key, report.meta.year)
            return written
        self._mark_next_year(key, report.meta.year)
        meta = report.meta
        metadata = chunk_metadata(written.report_id, job.source, meta.body, key, meta.region, meta.year)
        self._pending += [(chunk, metadata) for chunk, _ in entry.chunks]
        self._computed.update((h, np.frombuffer(vector, dtype=np.float32)) for h, vector in entry.sentence_vectors.items())
        self._stale += sorted(set(written.removed_chunks) - {chunk.id for chunk, _ in entry.chunks})
        self._remember(written.report_id, job.source, entry.content_hash, entry.peer)
        self.db.replace_cross_findings(written.report_id, self._cross_findings(written.report_id, entry.peer))
        self.db.mark_stale(self._dependents(written.report_id, entry.peer.key, entry.peer.year), Stale.CROSS)
        return written

    def _mark_next_year(self, key: Optional[str], year: Optional[int]) -> None:
        """The same body's reports of the next year are to be read again with the previous year the
        index now holds (one just stored, replaced or deleted may settle their section 二 cells, or no
        longer), so that their stored figures do not depend on the order in which the years were
        ingested. Only the 2019 format's section 二 takes the previous year's help."""
        if key and year:
            self.db.mark_stale([stored.id for stored in self.db.reports(body_key=key, year=year + 1)
                                if stored.template == "2019"], Stale.FIGURES)

    def _refresh_stale(self) -> None:
        """Refresh what writes made outdated (this run's, and any a killed run left), each report once,
        after the run's writes: refreshed after every write, a body indexed in many versions had its
        next year's reports redone after each of them, and ingest grew with the square of the versions."""
        while True:
            with self.db.batch():
                outdated = self.db.stale(STALE_BATCH)
                for report_id, kind in outdated:
                    stored = self.db.report(report_id)
                    if stored is None:
                        continue
                    if kind is Stale.FIGURES:
                        self._reread(report_id)
                    else:
                        self.db.replace_cross_findings(report_id, self._cross_findings(report_id, self._peer(stored)))
                self.db.refreshed(outdated)
            if len(outdated) < STALE_BATCH:
                return

    def _reread(self, report_id: int) -> None:
        report = self.db.extracted_report(report_id)
        if may_use_previous(report):
            resolved = self.db.with_previous_year(report)
            self.db.replace_figures(report_id, resolved, [*check_report(resolved), *resolved_by_previous(resolved)])

    def _dependents(self, report_id: int, key: Optional[str], year: Optional[int]) -> list[int]:
        """The reports whose cross-report findings depend on this one: the same body's next indexed year (it
        is their previous report), and other bodies' reports of the same year sharing its problem sentences."""
        following = self.db.nearest_year(key, year, after=True) if key and year else None
        found = [stored.id for stored in self.db.reports(body_key=key, year=following)] if following is not None else []
        return found + [other.id for other in self.db.problem_partners(report_id, MIN_SHARED_SENTENCES, year, key)]

    def _cross_findings(self, report_id: int, peer: PeerView) -> list[Finding]:
        key, year = peer.key, peer.year
        findings: list[Finding] = []
        if not (key and year):
            return findings
        previous_year = self.db.nearest_year(key, year, after=False)
        earlier = self.db.reports(body_key=key, year=previous_year) if previous_year is not None else []
        if earlier:
            previous_stored = earlier[-1]  # of several versions, the last by source, as `audit check` pairs them
            previous = self._peer(previous_stored)
            if previous_stored.year == year - 1:
                findings += carry_over(previous, peer)
            findings += copied(peer, previous, same_body=True)
        for other in self.db.problem_partners(report_id, MIN_SHARED_SENTENCES, year, key):
            findings += copied(peer, self._peer(other), same_body=False)
        return findings


def chunk_metadata(report_id: int, source: str, body: Optional[str], key: Optional[str], region: Optional[str],
                   year: Optional[int]) -> dict:
    """Chroma metadata of a report's chunks (Chroma stores no nulls: '' and -1 stand for unknown)."""
    return {"report_id": report_id, "source": source, "body": body or "", "body_key": key or "",
            "region": region or "", "year": year or -1}
