"""Stage 5: retrieval over the index (hybrid keyword + vector search of the narrative).

`Retriever` loads on first use (PEP 562), so that code needing only `tokenize` does not import the
search stack."""

from importlib import import_module


def __getattr__(name: str):
    if name != "Retriever":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return import_module(f"{__name__}.search").Retriever


__all__ = ["Retriever"]
