"""Near-duplicate passages between two narrative texts.

Sentences are compared on character trigrams after masking digits, so a passage copied with only
its year changed ('2022年' → '2023年') still counts as copied.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MIN_SENTENCE = 12
SAME_SENTENCE = 0.7
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_NOISE = re.compile(r"[\s，,、：:“”\"'（）()《》\-—.]+")


@dataclass(frozen=True)
class Passage:
    start: int
    end: int


def _sentences(text: str) -> list[tuple[int, int, str, frozenset[str]]]:
    found = []
    for match in _SENTENCE.finditer(text):
        squeezed = _NOISE.sub("", re.sub(r"\d+", "#", match.group(0)))
        if len(squeezed) >= MIN_SENTENCE:
            grams = frozenset(squeezed[i : i + 3] for i in range(len(squeezed) - 2))
            found.append((match.start(), match.end(), squeezed, grams))
    return found


def fingerprints(text: str) -> set[str]:
    """Hashes of the masked sentences of a text: two texts sharing several are worth comparing."""

    return {hashlib.blake2b(squeezed.encode("utf-8"), digest_size=8).hexdigest() for _, _, squeezed, _ in _sentences(text)}


def copied_passages(text: str, other: str) -> tuple[list[Passage], float]:
    """Sentences of `text` that reappear in `other`, and the share of `text` they make up."""
    mine, theirs = _sentences(text), _sentences(other)
    total = sum(len(s[2]) for s in mine)
    passages: list[Passage] = []
    copied = 0
    for start, end, squeezed, grams in mine:
        best, best_sentence = 0.0, None
        for candidate in theirs:
            union = len(grams | candidate[3])
            score = len(grams & candidate[3]) / union if union else 0.0
            if score > best:
                best, best_sentence = score, candidate
        if best_sentence is not None and best >= SAME_SENTENCE:
            passages.append(Passage(start, end))
            copied += len(squeezed)
    return passages, (copied / total if total else 0.0)
