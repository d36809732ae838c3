"""Independent reports spread over a process pool, with results in input order.

Reading, extracting and checking one report needs nothing from the others, so `audit check` and
`audit ingest` hand that work to worker processes and keep everything that joins reports
(cross-report rules, SQLite and Chroma writes) in the one parent process. Output is identical to a
single process because the pool returns results in input order and the workers run the same
functions. Workers are spawned, not forked: the parent may hold threads (Chroma, tqdm) that a fork
would copy in an unsafe state.
"""

from __future__ import annotations

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
IN_FLIGHT_PER_WORKER = 8
PARENT_POLL_SECONDS = 1.0


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def ordered_map(function: Callable[[Item], Result], items: Iterable[Item], jobs: Optional[int] = None) -> Iterator[Result]:
    """`map(function, items)`, over `jobs` processes when the batch is big enough to pay for
    starting them. `function` must be a module-level function (it is pickled by name). At most
    `IN_FLIGHT_PER_WORKER` items per worker are submitted ahead of the consumer, so a slow consumer
    (the index writer) never has thousands of finished reports waiting in memory."""
    items = list(items)
    jobs = min(jobs or default_jobs(), max(1, len(items) // MIN_ITEMS_PER_WORKER))
    if jobs <= 1:
        yield from map(function, items)
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_exit_with_parent,
                             initargs=(os.getpid(),)) as pool:
        pending: deque = deque()
        queued = iter(items)
        for item in itertools.islice(queued, jobs * IN_FLIGHT_PER_WORKER):
            pending.append(pool.submit(function, item))
        while pending:
            result = pending.popleft().result()
            for item in itertools.islice(queued, 1):
                pending.append(pool.submit(function, item))
            yield result


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed (a stopped `audit ingest`) would otherwise wait forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class CheckedRead(BaseModel):
    """A report read in a worker with the findings of its single-report rules."""

    report: Report
    findings: list[Finding]


class IndexEntry(CheckedRead):
    """Everything ingest derives from one report before it writes: chunks with their keyword
    tokens, and the problem-sentence fingerprints that find copies."""

    content_hash: str
    chunks: list[tuple[NarrativeChunk, list[str]]]
    fingerprints: set[str]


class IndexJob(BaseModel):
    source: str
    suffix: str
    previous_id: Optional[int] = None


def read_and_check(path: str) -> CheckedRead | InputError:
    try:
        report = extract(load_file(path))
    except InputError as error:
        return error
    return CheckedRead(report=report, findings=check_report(report))


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
    return IndexEntry(report=report, content_hash=content_hash, findings=check_report(report),
                      chunks=[(c, tokenize(c.text)) for c in chunks], fingerprints=fingerprints(report.section_text("五")))
