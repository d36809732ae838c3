"""Query-side expansion with the reviewed vocabulary of `synonyms.toml`: a reviewer's everyday
words ("晒", "公众号", "回函") also search for the reports' official wording ("公开", "政务新媒体",
"答复"). Only the query changes; the index and the stored tokens do not.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel


class Term(BaseModel):
    said: list[str]
    written: list[str]


@lru_cache(maxsize=1)
def _terms() -> list[tuple[re.Pattern, list[str]]]:
    text = resources.files("assistant.retrieve").joinpath("synonyms.toml").read_text(encoding="utf-8")
    terms = [Term(**entry) for entry in tomllib.loads(text)["term"]]
    return [(re.compile("|".join(f"(?:{pattern})" for pattern in term.said)), term.written) for term in terms]


def official_words(query: str) -> list[str]:
    """The reports' words for what the query says in other words, in vocabulary order, each once
    and none the query already contains."""
    found: dict[str, None] = {}
    for pattern, written in _terms():
        if pattern.search(query):
            found.update((word, None) for word in written if word not in query)
    return list(found)
