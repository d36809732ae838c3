"""How close Chroma's approximate HNSW search comes to the exact ranking, per configuration: the
stored vectors of an index are copied into fresh in-memory collections with each configuration,
and recall@10 against exact cosine top 10 chunks (each ranked by its best sentence) is measured over
the question sets (with their filters), with the CPU each configuration spends adding a vector.

Searching uses exact cosine (assistant/retrieve/nearest.py); this measures the configuration the
collection is created with, which matters for clients that query the collection through Chroma.

Usage: python bench/hnsw.py --index DIR [--embedding e5|hashing] [--only 2 3 4]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from retrieval_scoring import SETS  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.ingest import Ingestor  # noqa: E402
from assistant.retrieve import Retriever  # noqa: E402
from assistant.store.vectors import HNSW  # noqa: E402

SENTENCES = 100  # nearest sentences asked of Chroma per search, enough for 10 distinct chunks
CONFIGURATIONS = [
    {"ef_construction": 100, "ef_search": 100, "max_neighbors": 16},  # Chroma's defaults
    {"ef_construction": 100, "ef_search": 200, "max_neighbors": 16},
    {"ef_construction": 100, "ef_search": 400, "max_neighbors": 16},
    {"ef_construction": 32, "ef_search": 400, "max_neighbors": 16},
    {"ef_construction": 50, "ef_search": 400, "max_neighbors": 16},
    {"ef_construction": 200, "ef_search": 200, "max_neighbors": 32},
    {"ef_construction": 400, "ef_search": 400, "max_neighbors": 48},
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--embedding", default="e5", choices=["e5", "hashing"])
    parser.add_argument("--only", type=int, nargs="*", help="numbers of the configurations to measure (all by default)")
    args = parser.parse_args()
    ingestor = Ingestor(Settings(index_dir=args.index, embedding=args.embedding))
    retriever = Retriever(ingestor.db, ingestor.vectors)
    stored = retriever.indexes()[1].stored
    questions = [q for qs in SETS.values() for q in qs]
    queries = [(q, ingestor.vectors.embed_query(q.text)) for q in questions]
    exact = [retriever.rankings(q.text, **q.filters)[1][:10] for q in questions]
    rows = np.diff(np.append(stored.chunk_starts, len(stored.matrix)))
    metadata = [{"chunk_id": str(c), "report_id": int(r), "section": str(s)}
                for c, r, s, n in zip(stored.chunk_ids, stored.chunk_reports, stored.chunk_sections, rows)
                for _ in range(n)]
    ids = [f"s{i}" for i in range(len(metadata))]
    print(f"{len(ids)} sentence vectors of {len(stored.chunk_ids)} chunks, {len(questions)} queries; configured: {HNSW}")
    for number, configuration in enumerate(CONFIGURATIONS):
        if args.only and number not in args.only:
            continue
        found = total = perfect = 0
        seconds = 0.0
        for build in range(3):
            client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
            collection = client.create_collection(f"probe-{build}", embedding_function=None,
                                                  configuration={"hnsw": {"space": HNSW["space"], **configuration}})
            started = time.process_time()
            for start in range(0, len(ids), 1000):
                collection.add(ids=ids[start:start + 1000], embeddings=stored.matrix[start:start + 1000],
                               metadatas=metadata[start:start + 1000])
            seconds += time.process_time() - started
            for (question, vector), best in zip(queries, exact):
                result = _chunks(collection, vector, _where(ingestor, question), len(best)) if best else []
                found += len(set(result) & set(best))
                total += len(best)
                perfect += result == best
            client.delete_collection(f"probe-{build}")
        print(f"{configuration}: recall@10 of the exact top 10 {found / total:.4f}, identical top 10 in "
              f"{perfect}/{3 * len(queries)} searches (3 builds); {1000 * seconds / (3 * len(ids)):.2f} ms CPU per added vector")
    ingestor.close()
    return 0


def _chunks(collection, vector, where: dict | None, top: int) -> list[str]:
    """The top chunks by their best sentence among Chroma's nearest sentences (as exact search ranks them)."""
    found = collection.query(query_embeddings=[vector], n_results=SENTENCES, where=where, include=["metadatas"])
    chunks = dict.fromkeys(meta["chunk_id"] for meta in found["metadatas"][0])
    return list(chunks)[:top]


def _where(ingestor: Ingestor, question) -> dict | None:
    clauses = []
    filters = {k: v for k, v in question.filters.items() if k != "section"}
    if filters:
        clauses.append({"report_id": {"$in": sorted(r.id for r in ingestor.db.reports(**filters))}})
    if question.filters.get("section"):
        clauses.append({"section": question.filters["section"]})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


if __name__ == "__main__":
    sys.exit(main())
