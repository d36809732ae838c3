"""Exact nearest passages by cosine over every stored sentence vector, with the same filters as
BM25; a chunk ranks by its best sentence.

Tens of thousands of vectors of 384–768 dimensions make one matrix-vector product of a few
milliseconds, so there is no need for approximate search and none of its run-to-run variation: the
ranking depends only on the vectors, the scores that decide it are computed exactly, and equal
scores are ordered by chunk id.

Chroma stays the store of record; the matrix is derived from it and kept on disk per generation of
the index and per embedding (`assistant.retrieve.cache`), memory-mapped by the next process. It
holds exactly the sentences of the chunks SQLite has at that generation (vectors Chroma keeps for
chunks SQLite does not know, left by a killed ingest, are not read). It is only written when every
one of those chunks had all its sentence vectors in Chroma: during an ingest a report reaches SQLite
before its vectors reach Chroma, and a matrix made then is used in memory until Chroma's count
changes, never stored. An update starts from the newest stored matrix and reads from Chroma only
the chunks it lacks (chunk ids name their content, so a kept chunk's vectors cannot have changed).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

import numpy as np
from pydantic import BaseModel, ConfigDict

from assistant.retrieve.cache import GenerationCache
from assistant.store import IndexDatabase, NarrativeVectors
from assistant.store.unit_vectors import unit

_ARRAYS = ("chunk_ids", "chunk_reports", "chunk_sections", "chunk_starts", "matrix")


class SentenceMatrix(BaseModel):
    """Unit sentence vectors, grouped by chunk in chunk-id order (rows of chunk i start at
    chunk_starts[i]); every chunk listed has at least one row."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    chunk_ids: np.ndarray
    chunk_reports: np.ndarray
    chunk_sections: np.ndarray
    chunk_starts: np.ndarray
    matrix: np.ndarray
    chroma_count: Optional[int] = None  # of an incomplete matrix: Chroma's count before it was read

    def save(self, folder: Path) -> None:
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> SentenceMatrix:
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r" if name == "matrix" else None,
                                allow_pickle=False) for name in _ARRAYS}
        # a plain array over the mapped pages: slices of a np.memmap are memmaps, each made slowly
        return cls(**{**arrays, "matrix": np.asarray(arrays["matrix"])})

    def rows_of(self) -> dict[str, np.ndarray]:
        """Each chunk's rows of the matrix."""
        ends = np.append(self.chunk_starts[1:], len(self.matrix))
        return {str(chunk_id): self.matrix[start:end]
                for chunk_id, start, end in zip(self.chunk_ids, self.chunk_starts, ends)}


class NearestPassages:
    def __init__(self, stored: SentenceMatrix, generation: int) -> None:
        self.stored = stored
        self.generation = generation

    @classmethod
    def of(cls, db: IndexDatabase, vectors: NarrativeVectors, index_dir: Path, generation: int) -> NearestPassages:
        """This generation's matrix, from disk, or made (from the newest stored one and what Chroma
        has beyond it) and stored if complete."""
        cache = GenerationCache(index_dir, f"vectors-{vectors.embedding.slug}-s{db.store_id}")

        stored = cache.index(generation, SentenceMatrix.load,
                             lambda: _matrix(db, vectors, cache.newest(SentenceMatrix.load)),
                             lambda made: made.chroma_count is None and db.generation == generation,
                             SentenceMatrix.save)
        return cls(stored, generation)

    def current(self, generation: int, vectors: NarrativeVectors) -> bool:
        """Still the matrix of the index: same generation, and if it was incomplete, nothing
        written to Chroma since."""
        count = self.stored.chroma_count
        return generation == self.generation and (count is None or count == vectors.count())

    def ranked(self, query: np.ndarray, allowed_reports: Optional[set[int]], section: Optional[str],
               limit: int) -> list[tuple[str, float]]:
        """Chunks with their best sentence's cosine, best first, exactly: a float32 product over the whole matrix
        tells which chunks can be in the top `limit`, whatever order the BLAS summed in (its error is
        below `_margin`); their scores are then computed exactly (`_exact_dot`). So the ranking is the
        same on every machine, and chunks with equal scores rank by chunk id."""
        stored = self.stored
        if not len(stored.chunk_ids) or not np.any(query):
            return []
        mask = np.ones(len(stored.chunk_ids), dtype=bool)
        if allowed_reports is not None:
            mask &= np.isin(stored.chunk_reports, list(allowed_reports))
        if section:
            mask &= stored.chunk_sections == section
        candidates = np.flatnonzero(mask)
        if not len(candidates):
            return []
        approximate = stored.matrix @ query
        best = np.maximum.reduceat(approximate, stored.chunk_starts)[candidates]
        floor = np.partition(best, -min(limit, len(best)))[-min(limit, len(best))] - 2 * _margin(query)
        ends = np.append(stored.chunk_starts[1:], len(stored.matrix))
        query64 = query.astype(np.float64)
        exact: dict[int, float] = {}
        for chunk in candidates[best >= floor]:
            start = stored.chunk_starts[chunk]
            rows = start + np.flatnonzero(approximate[start : ends[chunk]] >= floor)
            exact[int(chunk)] = max(_exact_dot(stored.matrix[row], query64) for row in rows)
        # chunk indices are in chunk-id order: equal scores rank by chunk id
        return [(str(stored.chunk_ids[chunk]), exact[chunk])
                for chunk in sorted(exact, key=lambda c: (-exact[c], c))[:limit]]


def _margin(query: np.ndarray) -> float:
    """A bound on a float32 dot product's rounding error for unit vectors, in any summation order
    (n·u·Σ|a_i b_i| with Σ|a_i b_i| ≤ 1 by Cauchy–Schwarz)."""
    return len(query) * 2.0**-24 * 1.01


def _exact_dot(row: np.ndarray, query64: np.ndarray) -> float:
    """The dot product correctly rounded: products of float32 values are exact in float64, and fsum
    adds them exactly."""
    return math.fsum((row.astype(np.float64) * query64).tolist())


def _matrix(db: IndexDatabase, vectors: NarrativeVectors, previous: Optional[SentenceMatrix]) -> SentenceMatrix:
    count = vectors.count()
    chunks = sorted((chunk_id, report_id, section) for chunk_id, report_id, section, _ in db.chunk_tokens())
    kept = previous.rows_of() if previous else {}
    missing = {chunk_id: chunk.text for chunk_id, chunk in
               db.chunks([chunk_id for chunk_id, _, _ in chunks if chunk_id not in kept]).items()}
    fetched = {chunk_id: unit(rows) for chunk_id, rows in vectors.sentence_vectors(missing).items()}
    complete = len(fetched) == len(missing)
    blocks = {**kept, **fetched}
    present = [(chunk_id, report_id, section) for chunk_id, report_id, section in chunks if chunk_id in blocks]
    sizes = [len(blocks[chunk_id]) for chunk_id, _, _ in present]
    matrix = (np.concatenate([blocks[chunk_id] for chunk_id, _, _ in present])
              if present else np.zeros((0, 0), dtype=np.float32))
    return SentenceMatrix(
        chunk_ids=np.array([c for c, _, _ in present], dtype=str),
        chunk_reports=np.array([r for _, r, _ in present], dtype=np.int64),
        chunk_sections=np.array([s for _, _, s in present], dtype=str),
        chunk_starts=np.cumsum([0] + sizes[:-1], dtype=np.int64), matrix=matrix,
        chroma_count=None if complete else count)
