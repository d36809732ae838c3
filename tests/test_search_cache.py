"""The search indexes kept on disk per generation (`assistant.retrieve.cache`): a new process loads
them instead of reading every vector back from Chroma, and they never outlive their generation.

On a small index of seeds: after an ingest, the next search ranks the new report's chunks (the old
generation's folders are gone); an index updated from the previous generation's matrix holds the
same bytes as one made from scratch; a matrix made while Chroma lacks some chunk's vectors is used
but never stored, and is replaced as soon as Chroma has them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.ingest import Ingestor
from assistant.retrieve import Retriever
from assistant.retrieve.cache import CACHE_FOLDER
from assistant.retrieve.nearest import SentenceMatrix
from assistant.store.database import DATABASE_NAME
from conftest import SAMPLES


def _folders(index: Path) -> list[str]:
    return sorted(path.name for path in (index / CACHE_FOLDER).iterdir())


def _ingest(index: Path, *names: str) -> Ingestor:
    ingestor = Ingestor(Settings(index_dir=index))
    ingestor.ingest([SAMPLES / name for name in names])
    return ingestor


def _cache_names(ingestor: Ingestor) -> list[str]:
    """The folders this store's current generation is cached in, BM25 and vectors."""
    store, generation = ingestor.db.store_id, ingestor.db.generation
    return [f"bm25-s{store}-g{generation}", f"vectors-{ingestor.vectors.embedding.slug}-s{store}-g{generation}"]


def _chunks_of(ingestor: Ingestor, name: str) -> set[str]:
    return set(ingestor.db.chunk_ids(ingestor.db.report_by_source(str(SAMPLES / name)).id))


def test_an_ingest_leaves_the_next_generations_indexes_and_removes_the_old(tmp_path):
    index = tmp_path / "index"
    ingestor = _ingest(index, "000_ac79e17d4ed72742.txt", "001_9b265bb38da02cc5.txt")
    try:
        before = ingestor.db.generation
        assert _folders(index) == _cache_names(ingestor)
        searched_before = Retriever(ingestor.db, ingestor.vectors)
        assert searched_before.search("政务新媒体", top=3)

        ingestor.ingest([SAMPLES / "003_e8142887fca8d37a.txt"])
        after = ingestor.db.generation
        assert after > before
        assert _folders(index) == _cache_names(ingestor)
        new_chunks = _chunks_of(ingestor, "003_e8142887fca8d37a.txt")
        for retriever in (searched_before, Retriever(ingestor.db, ingestor.vectors)):
            keyword, nearest = retriever.indexes()
            assert new_chunks <= set(map(str, keyword.ids)) and new_chunks <= set(map(str, nearest.stored.chunk_ids))
            hits = retriever.search("好差评主动评价率", top=3)
            assert hits[0].chunk_id in new_chunks and hits[0].vector_rank is not None
    finally:
        ingestor.close()


def test_a_matrix_updated_from_the_last_generation_equals_one_made_from_scratch(tmp_path):
    index = tmp_path / "index"
    ingestor = _ingest(index, "000_ac79e17d4ed72742.txt", "001_9b265bb38da02cc5.txt")
    try:
        ingestor.ingest([SAMPLES / "002_ffb7cb016be5db93.txt"])
        folder = index / CACHE_FOLDER / _cache_names(ingestor)[1]
        updated = SentenceMatrix.load(folder)
        shutil.rmtree(index / CACHE_FOLDER)
        _, nearest = Retriever(ingestor.db, ingestor.vectors).indexes()
        scratch = SentenceMatrix.load(folder)
        for name in ("chunk_ids", "chunk_reports", "chunk_sections", "chunk_starts", "matrix"):
            assert np.array_equal(getattr(updated, name), getattr(scratch, name)), name
        assert set(map(str, scratch.chunk_ids)) == set(ingestor.db.chunk_ids())
        assert len(scratch.matrix) == ingestor.vectors.count()
    finally:
        ingestor.close()


def test_a_matrix_missing_vectors_is_used_but_not_stored_and_replaced_once_chroma_has_them(tmp_path):
    """What a search sees between an ingest's SQLite write and its Chroma flush, made here by removing
    one chunk's vectors from Chroma (SQLite keeps the chunk) and letting `reconcile` put them back."""
    index = tmp_path / "index"
    ingestor = _ingest(index, "000_ac79e17d4ed72742.txt", "003_e8142887fca8d37a.txt")
    try:
        target = Retriever(ingestor.db, ingestor.vectors).search("好差评主动评价率", top=1)[0].chunk_id
        shutil.rmtree(index / CACHE_FOLDER)
        ingestor.vectors.delete([target])

        retriever = Retriever(ingestor.db, ingestor.vectors)
        _, nearest = retriever.indexes()
        assert target not in set(map(str, nearest.stored.chunk_ids))
        assert target not in retriever.rankings("好差评主动评价率")[1]
        assert not (index / CACHE_FOLDER).exists() or not any((index / CACHE_FOLDER).glob("vectors-*"))

        assert ingestor.reconcile() == (0, 1)
        assert retriever.rankings("好差评主动评价率")[1][0] == target
        assert [name for name in _folders(index) if name.startswith("vectors-")] == _cache_names(ingestor)[1:]
    finally:
        ingestor.close()


def test_a_store_made_again_in_the_same_folder_never_reads_the_old_stores_indexes(tmp_path, new_database):
    """A new database for the same index folder (figures.sqlite deleted, or another PostgreSQL database
    given) counts its generations from 0 again: the old store's indexes of the same generation number
    are not its own, and its searches find only its reports."""
    index = tmp_path / "index"
    first = Ingestor(Settings(index_dir=index, database_url=new_database()))
    first.ingest([SAMPLES / "000_ac79e17d4ed72742.txt"])
    generation, old_store = first.db.generation, first.db.store_id
    first.close()
    for path in index.glob(f"{DATABASE_NAME}*"):
        path.unlink()
    second = Ingestor(Settings(index_dir=index, database_url=new_database()))
    try:
        second.ingest([SAMPLES / "003_e8142887fca8d37a.txt"])
        assert second.db.generation == generation and second.db.store_id != old_store
        keyword, nearest = Retriever(second.db, second.vectors).indexes()
        own = set(second.db.chunk_ids())
        assert set(map(str, keyword.ids)) == own == set(map(str, nearest.stored.chunk_ids))
        hits = Retriever(second.db, second.vectors).search("政务新媒体", top=5)
        assert hits and {hit.chunk_id for hit in hits} <= own
    finally:
        second.close()
