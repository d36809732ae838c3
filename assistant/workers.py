"""Independent reports spread over a process pool, with results in input order.

Reading, extracting and checking one report needs nothing from the others, so `audit check` and
`audit ingest` hand that work to worker processes and keep everything that joins reports
(cross-report rules, SQLite and Chroma writes) in the one parent process. Output is identical to a
single process because the pool returns results in input order and the workers run the same
functions. Workers are spawned, not forked: the parent may hold threads (Chroma, tqdm) that a fork
would copy in an unsafe state.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Optional, TypeVar

from pydantic import BaseModel

from assistant.check import ReadReport, check_report
from assistant.check.peers import PeerView, peer_view
from assistant.check.similarity import fingerprints
from assistant.errors import InputError
from assistant.load import load_bytes, load_file
from assistant.models import Finding, NarrativeChunk, Report
from assistant.parse import extract
from assistant.parse.cross_year import PreviousYear, resolve_with_previous
from assistant.store.chunks import narrative_chunks
from assistant.store.passages import sentences, text_hash

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 8
IN_FLIGHT_PER_WORKER = 8
PARENT_POLL_SECONDS = 1.0
GC_THRESHOLDS = (10_000, 10, 10)


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class WorkerPool:
    """Spawned worker processes that can be given several batches in turn (`audit check` reads
    every report, then reads a few again with their previous year's report), or none when the
    first batch is too small to pay for starting them (`map` then runs in this process)."""

    def __init__(self, jobs: Optional[int], batch_size: int) -> None:
        self.jobs = min(jobs or default_jobs(), max(1, batch_size // MIN_ITEMS_PER_WORKER))
        self._executor = None if self.jobs <= 1 else ProcessPoolExecutor(
            self.jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
            initargs=(os.getpid(),))

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)

    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        """`map(function, items)` in input order. `function` must be a module-level function (it is
        pickled by name). At most `IN_FLIGHT_PER_WORKER` items per worker are submitted ahead of
        the consumer, so a slow consumer (the index writer) never has thousands of finished
        reports waiting in memory."""
        if self._executor is None:
            yield from map(function, items)
            return
        pending: deque = deque()
        queued = iter(items)
        for item in itertools.islice(queued, self.jobs * IN_FLIGHT_PER_WORKER):
            pending.append(self._executor.submit(function, item))
        while pending:
            result = pending.popleft().result()
            for item in itertools.islice(queued, 1):
                pending.append(self._executor.submit(function, item))
            yield result


def ordered_map(function: Callable[[Item], Result], items: Iterable[Item], jobs: Optional[int] = None) -> Iterator[Result]:
    """`map(function, items)`, over `jobs` processes when the batch is big enough to pay for
    starting them (see `WorkerPool.map`)."""
    items = list(items)
    with WorkerPool(jobs, len(items)) as pool:
        yield from pool.map(function, items)


def _start_worker(parent: int) -> None:
    """A worker whose parent was killed (a stopped `audit ingest`) would otherwise wait forever.
    The garbage collector is told that the modules just imported stay (`gc.freeze`) and to look
    for cycles less often: a report makes tens of thousands of short-lived objects, and collecting
    every 700 of them, rescanning the imported modules' objects each time, took 8% of a worker's time
    (0.7 → 0.3 ms per report; peak memory unchanged)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class IndexEntry(BaseModel):
    """Everything ingest derives from one report before it writes: the findings of its
    single-report rules, chunks with their keyword tokens, and the problem-sentence fingerprints
    that find copies."""

    report: Report
    peer: PeerView
    findings: list[Finding]
    content_hash: str
    chunks: list[tuple[NarrativeChunk, list[str]]]
    fingerprints: set[str]
    sentence_vectors: dict[str, bytes] = {}


class IndexJob(BaseModel):
    """A file to read. `hashing_dimensions`: the index's embedding is the default hashing one, of that
    size, cheap enough that the worker computes the sentence vectors (on every core, instead of the
    one writer); other embeddings are computed by the writer, which reuses stored vectors first."""
    source: str
    suffix: str
    hashing_dimensions: Optional[int] = None


def read_and_check(path: str) -> ReadReport | InputError:
    """What `audit check` keeps of a report: not the report itself (see `ReadReport`); one its
    previous year's report may settle is read again by `read_with_previous`."""
    try:
        report = extract(load_file(path))
    except InputError as error:
        return error
    return ReadReport.of(report, keep=False)


def read_with_previous(job: tuple[ReadReport, PreviousYear]) -> ReadReport:
    """The report read again with its previous year's counts (the same read when they settle
    nothing, or when the file can no longer be read)."""
    read, previous = job
    try:
        report = extract(load_file(read.peer.source))
    except InputError:
        return read
    resolved = resolve_with_previous(report, previous)
    return read if resolved is report else ReadReport.of(resolved, keep=False)


def prepare_for_index(job: IndexJob) -> IndexEntry | InputError:
    """Read the file again in the worker (the parent only hashed it to skip unchanged files, and
    sending its bytes would hold a whole batch in memory)."""
    try:
        data = Path(job.source).read_bytes()
    except OSError as error:
        return InputError(job.source, f"无法读取：{error.strerror or error}")
    content_hash = hashlib.sha256(data).hexdigest()
    try:
        report = extract(load_bytes(data, job.source, job.suffix))
    except InputError as error:
        return error
    from assistant.retrieve.tokenize import tokenize  # jieba loads slowly; `audit check` workers never need it

    chunks = narrative_chunks(report, content_hash)
    return IndexEntry(report=report, peer=peer_view(report), content_hash=content_hash, findings=check_report(report),
                      chunks=[(c, tokenize(c.text)) for c in chunks], fingerprints=fingerprints(report.section_text("五")),
                      sentence_vectors=_hashed_sentences(chunks, job.hashing_dimensions) if job.hashing_dimensions else {})


def _hashed_sentences(chunks: list[NarrativeChunk], dimensions: int) -> dict[str, bytes]:
    """The chunks' sentence vectors by text hash, as float32 bytes (what Chroma stores)."""
    from assistant.store.hashing import hashed_ngrams

    return {text_hash(piece): hashed_ngrams(piece, dimensions).tobytes()
            for chunk in chunks for piece in sentences(chunk.text)}
