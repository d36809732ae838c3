"""Near-duplicate passages between two narrative texts, and which texts of a batch to compare.

Sentences are compared on character trigrams after masking digits, so a passage copied with only
its year changed ('2022年' → '2023年') still counts as copied.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

MIN_SENTENCE = 12
SAME_SENTENCE = 0.7
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_NOISE = re.compile(r"[\s，,、：:“”\"'（）()《》\-—.]+")
_DIGITS = re.compile(r"\d+")
_THRESHOLD = Fraction(SAME_SENTENCE).limit_denominator(1000)
# The threshold's terms as plain ints: `_near` runs for every pair of sentences compared.
_THRESHOLD_NUMERATOR, _THRESHOLD_DENOMINATOR = _THRESHOLD.numerator, _THRESHOLD.denominator


@dataclass(frozen=True)
class Passage:
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    squeezed: str
    grams: frozenset[str]


@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[Sentence, ...]:
    """Cached: a batch compares one section 五 with many others, and splitting it is most of the
    cost. Trigrams are interned: the same few thousand recur in every report, and one string
    object each keeps a full cache at a fraction of the memory."""
    found = []
    for match, squeezed in _compared(text):
        grams = frozenset(map(sys.intern, [squeezed[i : i + 3] for i in range(len(squeezed) - 2)]))
        found.append(Sentence(match.start(), match.end(), squeezed, grams))
    return tuple(found)


def sentence_starts(text: str) -> list[int]:
    """Where the sentences `sentences` compares begin, without their trigrams: a report's quotes
    need only these, and the trigrams are made where texts are compared."""
    return [match.start() for match, _ in _compared(text)]


def _compared(text: str) -> Iterator[tuple[re.Match, str]]:
    """The sentences long enough to compare, each with its masked, squeezed text."""
    for match in _SENTENCE.finditer(text):
        squeezed = _NOISE.sub("", _DIGITS.sub("#", match.group(0)))
        if len(squeezed) >= MIN_SENTENCE:
            yield match, squeezed


def fingerprints(text: str) -> set[str]:
    """Hashes of the masked sentences of a text: two texts sharing several are worth comparing."""
    return {hashlib.blake2b(s.squeezed.encode("utf-8"), digest_size=8).hexdigest() for s in sentences(text)}


def copied_passages(text: str, other: str) -> tuple[list[Passage], float]:
    """Sentences of `text` that reappear in `other`, and the share of `text` they make up."""
    mine, theirs = sentences(text), sentences(other)
    total = sum(len(s.squeezed) for s in mine)
    passages: list[Passage] = []
    copied = 0
    for sentence in mine:
        if any(_near(sentence.grams, candidate.grams) for candidate in theirs):
            passages.append(Passage(sentence.start, sentence.end))
            copied += len(sentence.squeezed)
    return passages, (copied / total if total else 0.0)


def _near(a: frozenset[str], b: frozenset[str]) -> bool:
    """Trigram Jaccard ≥ SAME_SENTENCE; sets whose sizes alone rule it out (J ≤ small/large) are
    not intersected."""
    small, large = len(a), len(b)
    if small > large:
        small, large = large, small
    if small * _THRESHOLD_DENOMINATOR < _THRESHOLD_NUMERATOR * large:
        return False
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return bool(union) and shared / union >= SAME_SENTENCE


class NearCopyCandidates:
    """Which texts of a batch can share a near-identical sentence with a given one, without
    comparing every pair: a prefix filter (as in set-similarity joins). Under one global order of
    trigrams (rarest first), two sentences whose trigram Jaccard is at least t share a trigram
    among the first |s| - ceil(t·|s|) + 1 of each; so indexing those prefixes finds every pair that
    `copied_passages` could count, exactly, and few others, because rare trigrams come first."""

    def __init__(self, texts: Sequence[str]) -> None:
        per_text = [sentences(text) for text in texts]
        frequency = Counter(gram for found in per_text for sentence in found for gram in sentence.grams)
        self._prefixes: list[set[str]] = []
        postings: dict[str, set[int]] = defaultdict(set)
        for index, found in enumerate(per_text):
            prefix: set[str] = set()
            for sentence in found:
                ordered = sorted(sentence.grams, key=lambda gram: (frequency[gram], gram))
                size = len(ordered)
                prefix.update(ordered[: size - _ceil(_THRESHOLD * size) + 1])
            self._prefixes.append(prefix)
            for gram in prefix:
                postings[gram].add(index)
        self._postings = postings

    def sharing(self, index: int) -> set[int]:
        """Indexes of the texts worth comparing with text `index`, itself included unless it has
        no sentence to compare."""
        found: set[int] = set()
        for gram in self._prefixes[index]:
            found |= self._postings[gram]
        return found

    def of(self, index: int) -> set[int]:
        """Indexes of the other texts worth comparing with text `index`."""
        return self.sharing(index) - {index}


def _ceil(value: Fraction) -> int:
    return -(-value.numerator // value.denominator)
