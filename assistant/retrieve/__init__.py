"""Stage 5: retrieval over the index (hybrid keyword + vector search of the narrative)."""

from assistant.retrieve.search import Retriever

__all__ = ["Retriever"]
