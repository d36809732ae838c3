"""Independent reports spread over a process pool, with results in input order.

Reading, extracting and checking one report needs nothing from the others, so `audit check` and
`audit ingest` hand that work to worker processes and keep everything that joins reports
(cross-report rules, SQLite and Chroma writes) in the one parent process. Output is identical to a
single process because the pool returns results in input order and the workers run the same
functions. Workers are spawned, not forked: the parent may hold threads (Chroma, tqdm) that a fork
would copy in an unsafe state.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Optional, TypeVar

from pydantic import BaseModel

from assistant.check import check_report
from assistant.check.similarity import fingerprints
from assistant.errors import InputError
from assistant.load import load_bytes, load_file
from assistant.models import Finding, NarrativeChunk, Report
from assistant.parse import extract
from assistant.store.chunks import narrative_chunks

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 8
CHUNK_SIZE = 4


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def ordered_map(function: Callable[[Item], Result], items: Iterable[Item], jobs: Optional[int] = None) -> Iterator[Result]:
    """`map(function, items)`, over `jobs` processes when the batch is big enough to pay for
    starting them. `function` must be a module-level function (it is pickled by name)."""
    items = list(items)
    jobs = min(jobs or default_jobs(), max(1, len(items) // MIN_ITEMS_PER_WORKER))
    if jobs <= 1:
        yield from map(function, items)
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(function, items, chunksize=CHUNK_SIZE)


class CheckedRead(BaseModel):
    """A report read in a worker with the findings of its single-report rules."""

    report: Report
    findings: list[Finding]


class IndexEntry(CheckedRead):
    """Everything ingest derives from one report before it writes: chunks with their keyword
    tokens, and the problem-sentence fingerprints that find copies."""

    chunks: list[tuple[NarrativeChunk, list[str]]]
    fingerprints: set[str]


class IndexJob(BaseModel):
    source: str
    data: bytes
    suffix: str
    content_hash: str


def read_and_check(path: str) -> CheckedRead | InputError:
    try:
        report = extract(load_file(path))
    except InputError as error:
        return error
    return CheckedRead(report=report, findings=check_report(report))


def prepare_for_index(job: IndexJob) -> IndexEntry | InputError:
    try:
        report = extract(load_bytes(job.data, job.source, job.suffix))
    except InputError as error:
        return error
    from assistant.retrieve.tokenize import tokenize  # jieba loads slowly; `audit check` workers never need it

    chunks = narrative_chunks(report, job.content_hash)
    return IndexEntry(report=report, findings=check_report(report), chunks=[(c, tokenize(c.text)) for c in chunks],
                      fingerprints=fingerprints(report.section_text("五")))
