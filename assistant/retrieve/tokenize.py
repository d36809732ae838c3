"""Chinese word segmentation for keyword retrieval: jieba with a disclosure-domain dictionary.

The dictionary keeps domain terms whole (政务新媒体, 依申请公开, 三安全一稳定) so that BM25 matches
them as terms rather than as unrelated halves. Punctuation, whitespace and single function
characters are dropped; numbers are kept (reviewers search for years and counts).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from importlib import resources

import jieba

_STOP = set("的了和与及或在是对为等将把被从以于其之也而且并就都这那有中上下个")
_KEEP = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]|\d")


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    words = resources.files("assistant.retrieve").joinpath("domain_words.txt").read_text(encoding="utf-8")
    for line in words.splitlines():
        parts = line.split()
        if parts:
            tokenizer.add_word(parts[0], freq=int(parts[1]) if len(parts) > 1 else None)
    return tokenizer


def tokenize(text: str) -> list[str]:
    tokens = []
    for word in _segmenter().lcut(text):
        word = word.strip()
        if word and _KEEP.search(word) and word not in _STOP:
            tokens.append(word.lower())
    return tokens
