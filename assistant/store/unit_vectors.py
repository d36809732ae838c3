"""Vectors scaled to length 1, reproducibly: what search compares, and what an endpoint's embeddings
are made into before they are stored (the collection compares by inner product)."""

from __future__ import annotations

import numpy as np


def unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 in float64 and rounded to float32 once: the same bytes for a vector
    whichever batch it was read in (search compares these, `assistant.retrieve.nearest`)."""
    rows = np.asarray(rows, dtype=np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))[:, None]
    return (rows / np.where(norms > 0, norms, 1)).astype(np.float32)
