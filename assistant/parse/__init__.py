"""Stage 2: decoded text → `Report` (metadata, sections, every template cell with provenance)."""

from assistant.parse.extract import extract

__all__ = ["extract"]
