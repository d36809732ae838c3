"""An exclusive lock on the index folder for writers of the embedded Chroma store.

Chroma's embedded PersistentClient is not process-safe: a second process writing the same folder works
from its own in-memory copy of the vector index and can overwrite the first one's vectors. Ingests into
an embedded store therefore take turns (a Chroma server serialises writes itself and needs no lock);
SQLite's insert-or-skip still decides what is stored, whichever store is used.
"""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator

LOCK_NAME = "ingest.lock"


@contextmanager
def index_write_lock(index_dir: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on `index_dir` (released when the holder exits or dies)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK_NAME, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
