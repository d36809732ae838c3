"""The pieces of a chunk that get a vector each: its sentences (clauses ending in 。；！？ or a line
break), a piece shorter than a few characters joined to the next.

A chunk of section 五 states several problems and measures; a reviewer asks about one of them. One
vector for the whole chunk averages them all and the semantic match is lost, so each sentence is
embedded on its own and a chunk ranks by its best sentence (bench/retrieval.py).
"""

from __future__ import annotations

import hashlib
import re

_SENTENCE = re.compile(r"[^。；;！!？?\n]*[。；;！!？?\n]|[^。；;！!？?\n]+$")
MIN_CHARS = 12


def sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for match in _SENTENCE.finditer(text):
        piece = match.group(0).strip()
        if not piece:
            continue
        if pieces and len(pieces[-1]) < MIN_CHARS:
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces or [text]


def sentence_ids(chunk_id: str, text: str) -> list[str]:
    """The Chroma ids of a chunk's sentences."""
    return [f"{chunk_id}#{number}" for number in range(len(sentences(text)))]


def text_hash(text: str) -> str:
    """What recognises a sentence stored before (its vector is then reused)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()
