"""Chinese word segmentation for keyword retrieval: jieba with a disclosure-domain dictionary.

The dictionary keeps domain terms whole (政务新媒体, 依申请公开, 三安全一稳定) so that BM25 matches
them as terms rather than as unrelated halves. Punctuation, whitespace and single function
characters are dropped; numbers are kept (reviewers search for years and counts).

A query is segmented without loading jieba's whole dictionary (half a million entries, ~0.7 s of
CPU, most of a new process's first search): jieba consults the dictionary only for substrings of
the text it segments, so a tokenizer given just the entries that are substrings of the query, with
the dictionary's total, segments it exactly as the full one does. Those entries are looked up in a
copy of the dictionary kept on disk, sorted and split by word length (`_dictionary`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jieba
import numpy as np

from assistant.retrieve.cache import GenerationCache

_STOP = set("的了和与及或在是对为等将把被从以于其之也而且并就都这那有中上下个")
_KEEP = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]|\d")


def _domain_words() -> str:
    return resources.files("assistant.retrieve").joinpath("domain_words.txt").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for line in _domain_words().splitlines():
        parts = line.split()
        if parts:
            tokenizer.add_word(parts[0], freq=int(parts[1]) if len(parts) > 1 else None)
    return tokenizer


def tokenize(text: str) -> list[str]:
    return _kept(_segmenter().lcut(text))


def tokenize_query(text: str) -> list[str]:
    """What `tokenize(text)` returns, for a short text, in milliseconds in a new process."""
    if _segmenter.cache_info().currsize:  # the whole dictionary is loaded already
        return tokenize(text)
    return _kept(_query_segmenter(text).lcut(text))


def _kept(words: list[str]) -> list[str]:
    tokens = []
    for word in words:
        word = word.strip()
        if word and _KEEP.search(word) and word not in _STOP:
            tokens.append(word.lower())
    return tokens


class _Dictionary:
    """The full dictionary's entries (words and their prefixes, as jieba keeps them) by length:
    UTF-8 bytes sorted (byte order is code-point order) beside their frequencies, and the total."""

    def __init__(self, words: dict[int, np.ndarray], freqs: dict[int, np.ndarray], total: int) -> None:
        self.words, self.freqs, self.total = words, freqs, total

    @classmethod
    def made(cls) -> _Dictionary:
        full = _segmenter().FREQ
        words, freqs = {}, {}
        for length in sorted({len(word) for word in full}):
            entries = sorted((word.encode("utf-8"), full[word]) for word in full if len(word) == length)
            words[length] = np.array([word for word, _ in entries])
            freqs[length] = np.array([freq for _, freq in entries], dtype=np.int64)
        return cls(words, freqs, _segmenter().total)

    def save(self, folder: Path) -> None:
        np.save(folder / "total.npy", np.array([self.total], dtype=np.int64))
        for length in self.words:
            np.save(folder / f"words{length}.npy", self.words[length], allow_pickle=False)
            np.save(folder / f"freqs{length}.npy", self.freqs[length], allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> _Dictionary:
        lengths = sorted(int(path.stem[5:]) for path in folder.glob("words*.npy"))
        return cls({n: np.load(folder / f"words{n}.npy", mmap_mode="r") for n in lengths},
                   {n: np.load(folder / f"freqs{n}.npy", mmap_mode="r") for n in lengths},
                   int(np.load(folder / "total.npy")[0]))

    def entries_in(self, text: str) -> dict[str, int]:
        """Every entry that is a substring of `text`, with its frequency."""
        found: dict[str, int] = {}
        for length, words in self.words.items():
            pieces = sorted({text[i : i + length] for i in range(len(text) - length + 1)})
            if not pieces:
                continue
            needles = np.array([piece.encode("utf-8") for piece in pieces])
            at = np.minimum(np.searchsorted(words, needles), len(words) - 1)
            for piece, position, hit in zip(pieces, at, words[at] == needles):
                if hit:
                    found[piece] = int(self.freqs[length][position])
        return found


@lru_cache(maxsize=1)
def _dictionary() -> _Dictionary:
    """Kept in the temporary folder, as jieba keeps its own cache, under a name that changes with
    jieba's version and the domain words."""
    digest = hashlib.blake2b(f"{jieba.__version__}\n{_domain_words()}".encode("utf-8"), digest_size=8).hexdigest()
    cache = GenerationCache(Path(tempfile.gettempdir()), f"jieba-{digest}")
    return cache.index(0, _Dictionary.load, _Dictionary.made, lambda _: True, _Dictionary.save)


def _query_segmenter(text: str) -> jieba.Tokenizer:
    dictionary = _dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dictionary.entries_in(text), dictionary.total, True
    return tokenizer
