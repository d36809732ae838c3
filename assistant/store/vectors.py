"""The narrative collection in Chroma: embedded (PersistentClient in the index folder) or a shared
Chroma server (AUDIT_CHROMA_URL, HttpClient). Telemetry is off: nothing leaves the machine."""

from __future__ import annotations

from typing import Any
from collections.abc import Sequence
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from assistant.config import Settings
from assistant.models import NarrativeChunk
from assistant.store.embeddings import embedding_for

BATCH = 1000


class NarrativeVectors:
    def __init__(self, settings: Settings) -> None:
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            self._client = chromadb.HttpClient(host=url.hostname or "localhost", port=url.port or 8000,
                                               ssl=url.scheme == "https", settings=chroma_settings)
        else:
            settings.index_dir.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(path=str(settings.index_dir / "chroma"), settings=chroma_settings)
        self.embedding = embedding_for(settings)
        self.collection = self._open_collection()

    def _open_collection(self):
        return self._client.get_or_create_collection(name=f"narrative-{self.embedding.slug}",
                                                     embedding_function=self.embedding)

    def recreate(self) -> None:
        """Drop the collection and start an empty one (a re-index then adds every chunk again)."""
        self._client.delete_collection(self.collection.name)
        self.collection = self._open_collection()

    def add(self, chunks: Sequence[tuple[NarrativeChunk, dict[str, Any]]]) -> None:
        """Upsert chunks, each with its report's metadata, in large batches."""
        for start in range(0, len(chunks), BATCH):
            batch = chunks[start : start + BATCH]
            self.collection.upsert(
                ids=[c.id for c, _ in batch], documents=[c.text for c, _ in batch],
                metadatas=[{**meta, "section": c.section, "start_line": c.start_line, "end_line": c.end_line}
                           for c, meta in batch])

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), BATCH):
            self.collection.delete(ids=list(ids[start : start + BATCH]))

    def ids(self) -> set[str]:
        found: set[str] = set()
        offset = 0
        while True:
            page = self.collection.get(include=[], limit=5000, offset=offset)
            found.update(page["ids"])
            if len(page["ids"]) < 5000:
                return found
            offset += 5000

    def query(self, text: str, limit: int, where: dict | None) -> list[str]:
        count = self.collection.count()
        if count == 0:
            return []
        result = self.collection.query(query_texts=[text], n_results=min(limit, count), where=where or None, include=[])
        return result["ids"][0]
