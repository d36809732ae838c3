"""The default embedding's arithmetic: signed hashed character n-grams (lexical, like BM25).

Kept apart from `embeddings` (which registers the function with Chroma) so that ingest's worker
processes compute the vectors without importing Chroma: it costs a tenth of a millisecond per
sentence, cheaper than finding a stored copy of the sentence's vector, and workers run on every core.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d+")


def hashed_ngrams(text: str, dimensions: int) -> np.ndarray:
    """Unigrams weigh 0.5 and bigrams 1, each added to one of `dimensions` buckets with a sign taken
    from its hash; the result has length 1 (or is zero for a text without characters)."""
    units = _CJK_OR_WORD.findall(text)
    vector = np.zeros(dimensions, dtype=np.float32)
    for gram, weight in [(u, 0.5) for u in units] + [(a + b, 1.0) for a, b in zip(units, units[1:])]:
        digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
        bucket = int.from_bytes(digest[:4], "little") % dimensions
        vector[bucket] += weight if digest[4] & 1 else -weight
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
