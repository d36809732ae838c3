"""Stage 4: the index. Figures, findings and sections in SQLite (`database`), narrative chunks in
Chroma (`vectors`, embedded by `embeddings`), chunking in `chunks`."""

from assistant.store.database import IndexDatabase, StoredChunk, StoredReport
from assistant.store.vectors import NarrativeVectors

__all__ = ["IndexDatabase", "NarrativeVectors", "StoredChunk", "StoredReport"]
