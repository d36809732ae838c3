"""Exact nearest passages by cosine over every stored sentence vector, with the same filters as
BM25; a chunk ranks by its best sentence.

Tens of thousands of vectors of 384–768 dimensions make one matrix-vector product of a few
milliseconds, so there is no need for approximate search and none of its run-to-run variation: the
ranking depends only on the vectors, and equal scores are ordered by sentence id (chunk id first).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from assistant.store.vectors import StoredVectors


class NearestPassages:
    def __init__(self, stored: StoredVectors) -> None:
        self.stored = stored

    def __len__(self) -> int:
        """Stored sentence vectors."""
        return len(self.stored.ids)

    def ranked(self, query: np.ndarray, allowed_reports: Optional[set[int]], section: Optional[str],
               limit: int) -> list[str]:
        if not len(self) or not np.any(query):
            return []
        mask = np.ones(len(self), dtype=bool)
        if allowed_reports is not None:
            mask &= np.isin(self.stored.report_ids, list(allowed_reports))
        if section:
            mask &= self.stored.sections == section
        candidates = np.flatnonzero(mask)
        query = query.astype(np.float32)
        # a few filtered rows are cheaper to gather than to skip; most rows, cheaper to skip
        if 4 * len(candidates) < len(self):
            scores = self.stored.matrix[candidates] @ query
        else:
            scores = (self.stored.matrix @ query)[candidates]
        ranked: dict[str, None] = {}
        # candidates are in sentence-id order, so a stable sort breaks ties by id
        for row in candidates[np.argsort(-scores, kind="stable")]:
            ranked.setdefault(self.stored.ids[row])
            if len(ranked) == limit:
                break
        return list(ranked)
