"""Stage 4: the index. Figures, findings and sections in SQLite (`database`), narrative chunks in
Chroma (`vectors`, embedded by `embeddings`), chunking in `chunks`.

The names below load on first use (PEP 562), so that code needing only `chunks` (worker
processes, light commands) does not pay for importing Chroma."""

from importlib import import_module

_HOMES = {"IndexDatabase": "database", "StoredChunk": "database", "StoredReport": "database",
          "NarrativeVectors": "vectors"}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)


__all__ = ["IndexDatabase", "NarrativeVectors", "StoredChunk", "StoredReport"]
