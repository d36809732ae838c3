"""The narrative collection in Chroma: embedded (PersistentClient in the index folder) or a shared
Chroma server (AUDIT_CHROMA_URL, HttpClient). Telemetry is off: nothing leaves the machine.

Each chunk is stored as its sentences, one vector each (`assistant.store.passages`), with the chunk
id in their metadata; to the rest of the index the collection still holds chunks. A sentence whose
text is already stored (reports copy their own earlier years) reuses that vector instead of being
embedded again. Chroma records which embedding made the vectors; ranking is exact cosine over the
stored vectors (`assistant.retrieve.nearest`), because Chroma's approximate HNSW search lost the
best passage on small collections and lost a different one in each process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional
from collections.abc import Mapping, Sequence
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import InternalError, NotFoundError

from assistant.config import Settings
from assistant.errors import ConfigurationError
from assistant.models import NarrativeChunk
from assistant.store.embeddings import embedding_for
from assistant.store.passages import sentence_ids, sentences, text_hash
from assistant.store.unit_vectors import unit

BATCH = 1000
PAGE = 5000
QUERY_CACHE = 256
# For clients that query the collection through Chroma itself; our search ranks exactly and never
# asks Chroma's HNSW. bench/hnsw.py (seeds + corpus, the questions' filters): Chroma's defaults
# 100/100/16 find 95.6 % of the exact top 10 chunks; ef_search 400 (a query-time setting) 99.8 %.
# A larger graph (400/400/48: 100 %) costs every ingest 1.5x the CPU per added vector at 2k vectors
# and 4x at 16k, a quarter of ingest at 1,000 reports. At the 1,008-report bench (27k vectors, many
# of them repeated): 0.85 recall with ef_search 400, at 0.66 ms of CPU per added vector in memory; a
# smaller graph (ef_construction 32) costs 0.36 ms but finds 0.75. Existing collections keep theirs.
# Inner product, not "cosine": every embedding here gives unit vectors, so the two rank alike, but a
# cosine collection stores each vector normalised again by Chroma, changing the last bits of a
# quarter of them; a stored vector then was not its sentence's embedding, and one reused for a
# repeated sentence (normalised twice) depended on which report had brought the sentence first.
HNSW = {"space": "ip", "ef_construction": 100, "ef_search": 400, "max_neighbors": 16}


class EmbeddingMismatch(ConfigurationError):
    """The collection was built by a different embedding than the one configured."""


class NarrativeVectors:
    def __init__(self, settings: Settings) -> None:
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        self.index_dir = settings.index_dir  # where search keeps what it derives from the collection
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            self._client = chromadb.HttpClient(host=url.hostname or "localhost", port=url.port or 8000,
                                               ssl=url.scheme == "https", settings=chroma_settings)
        else:
            settings.index_dir.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(path=str(settings.index_dir / "chroma"), settings=chroma_settings)
        self.embedding = embedding_for(settings)
        self.collection = self._open_collection()
        self._embed_query = lru_cache(maxsize=QUERY_CACHE)(self._embed_query_uncached)

    def _open_collection(self):
        name = f"narrative-{self.embedding.slug}"
        self._refuse_other_embedding(name)
        return self._client.get_or_create_collection(name=name, embedding_function=self.embedding,
                                                     configuration={"hnsw": HNSW})

    def recreate(self) -> None:
        """Drop the collection and start an empty one (a re-index then adds every chunk again)."""
        self._client.delete_collection(self.collection.name)
        self.collection = self._open_collection()

    def _refuse_other_embedding(self, name: str) -> None:
        """A collection of that name made by another embedding (or another configuration of it) holds
        vectors of another space: refuse it rather than mix the two."""
        try:
            existing = self._client.get_collection(name, embedding_function=None)
        except NotFoundError:
            return
        recorded = existing.configuration_json.get("embedding_function") or {}
        found = (recorded.get("name"), _space(recorded.get("config") or {}))
        wanted = (self.embedding.name(), _space(self.embedding.get_config()))
        if found != wanted:
            raise EmbeddingMismatch(
                f"向量集合 {name} 由嵌入 {found[0]} {found[1]} 生成，与当前配置的 {wanted[0]} {wanted[1]} 不同："
                f"请换用新的索引目录，或删除该集合后重新入库")

    def add(self, chunks: Sequence[tuple[NarrativeChunk, dict[str, Any]]],
            computed: Optional[Mapping[str, np.ndarray]] = None) -> None:
        """Upsert chunks, each with its report's metadata, as their sentences, in large batches.
        `computed`: sentence vectors by text hash that are known already (ingest's workers compute the
        default embedding's)."""
        rows = [(sentence_id, text, {**meta, "chunk_id": chunk.id, "section": chunk.section,
                                     "start_line": chunk.start_line, "end_line": chunk.end_line,
                                     "text_hash": text_hash(text)})
                for chunk, meta in chunks
                for sentence_id, text in zip(sentence_ids(chunk.id, chunk.text), sentences(chunk.text))]
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            self.collection.upsert(ids=[row[0] for row in batch], documents=[row[1] for row in batch],
                                   metadatas=[row[2] for row in batch],
                                   embeddings=self._vectors([row[1] for row in batch], computed or {}))

    def _vectors(self, texts: list[str], computed: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        """Embeddings of the texts: those computed already are taken, those already stored are read
        back, the others computed once. Reading back is only a saving: a Chroma server that cannot read
        its vectors yet (another client's first write to a new collection is still being persisted:
        "Nothing found on disk") gets them all computed."""
        hashes = [text_hash(text) for text in texts]
        known = {h: computed[h] for h in hashes if h in computed}
        unknown = sorted(set(hashes) - set(known))
        if unknown:
            try:
                found = self.collection.get(where={"text_hash": {"$in": unknown}}, include=["embeddings", "metadatas"])
            except InternalError:
                found = {"embeddings": [], "metadatas": []}
            for vector, meta in zip(found["embeddings"], found["metadatas"]):
                known[meta["text_hash"]] = np.asarray(vector, dtype=np.float32)
        new = {h: text for h, text in zip(hashes, texts) if h not in known}
        known.update(zip(new, self.embedding(list(new.values())) if new else []))
        return [known[h] for h in hashes]

    def delete(self, chunk_ids: Sequence[str]) -> None:
        for start in range(0, len(chunk_ids), BATCH):
            self.collection.delete(where={"chunk_id": {"$in": list(chunk_ids[start : start + BATCH])}})

    def ids(self) -> set[str]:
        """The chunks the collection holds."""
        return {meta["chunk_id"] for meta in self._pages(include=["metadatas"])["metadatas"]}

    def count(self) -> int:
        """Stored sentence vectors: what tells a reader that the collection changed."""
        return self.collection.count()

    def sentence_vectors(self, chunk_texts: Mapping[str, str]) -> dict[str, np.ndarray]:
        """The stored sentence vectors of the chunks whose every sentence Chroma holds, in sentence
        order, by chunk id (read by id, without metadata: that is what makes reading fast)."""
        wanted = [(chunk_id, sentence_id) for chunk_id, text in chunk_texts.items()
                  for sentence_id in sentence_ids(chunk_id, text)]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), PAGE):
            ids = [sentence_id for _, sentence_id in wanted[start : start + PAGE]]
            page = self.collection.get(ids=ids, include=["embeddings"])
            found.update(zip(page["ids"], page["embeddings"]))
        by_chunk: dict[str, list[np.ndarray]] = {}
        for chunk_id, sentence_id in wanted:
            by_chunk.setdefault(chunk_id, []).append(found.get(sentence_id))
        return {chunk_id: np.asarray(rows, dtype=np.float32) for chunk_id, rows in by_chunk.items()
                if all(row is not None for row in rows)}

    def embed_query(self, text: str) -> np.ndarray:
        """The query's unit vector; recent ones are kept, since answering a question searches the
        same text once per body and the app repeats searches on every rerun."""
        return self._embed_query(text)

    def _embed_query_uncached(self, text: str) -> np.ndarray:
        return unit(np.asarray([self.embedding.embed_query([text])[0]], dtype=np.float32))[0]

    def _pages(self, include: list) -> dict[str, list]:
        found: dict[str, list] = {"ids": [], "embeddings": [], "metadatas": []}
        offset = 0
        while True:
            page = self.collection.get(include=include, limit=PAGE, offset=offset)
            for key in found:
                found[key] += list(page[key]) if page.get(key) is not None else []
            if len(page["ids"]) < PAGE:
                return found
            offset += PAGE


def _space(config: dict[str, Any]) -> dict[str, Any]:
    """What of an embedding's configuration decides its vector space (where it is served does not)."""
    return {key: value for key, value in config.items() if key != "base_url"}
