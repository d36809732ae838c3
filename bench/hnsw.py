"""How close Chroma's approximate HNSW search comes to the exact ranking, per configuration: the
stored vectors of an index are copied into fresh in-memory collections with each configuration,
and recall@10 against exact cosine top 10 is measured over the question sets (with their filters).

Searching uses exact cosine (assistant/retrieve/nearest.py); this measures the configuration the
collection is created with, which matters for clients that query the collection through Chroma.

Usage: python bench/hnsw.py --index DIR [--embedding e5|hashing]
"""

from __future__ import annotations

import argparse
import sys
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

CONFIGURATIONS = [
    {"ef_construction": 100, "ef_search": 100, "max_neighbors": 16},  # Chroma's defaults
    {"ef_construction": 100, "ef_search": 200, "max_neighbors": 16},
    {"ef_construction": 200, "ef_search": 200, "max_neighbors": 32},
    {"ef_construction": 400, "ef_search": 400, "max_neighbors": 48},
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--embedding", default="e5", choices=["e5", "hashing"])
    args = parser.parse_args()
    ingestor = Ingestor(Settings(index_dir=args.index, embedding=args.embedding))
    retriever = Retriever(ingestor.db, ingestor.vectors)
    stored = ingestor.vectors.stored()
    questions = [q for qs in SETS.values() for q in qs]
    queries = [(q, ingestor.vectors.embed_query(q.text)) for q in questions]
    exact = [retriever.rankings(q.text, **q.filters)[1][:10] for q in questions]
    metadata = [{"report_id": int(r), "section": str(s)} for r, s in zip(stored.report_ids, stored.sections)]
    print(f"{len(stored.ids)} vectors, {len(questions)} queries; configured: {HNSW}")
    for configuration in CONFIGURATIONS:
        found = total = perfect = 0
        for build in range(3):
            client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
            collection = client.create_collection(f"probe-{build}", embedding_function=None,
                                                  configuration={"hnsw": {"space": "cosine", **configuration}})
            for start in range(0, len(stored.ids), 1000):
                collection.add(ids=stored.ids[start:start + 1000], embeddings=stored.matrix[start:start + 1000],
                               metadatas=metadata[start:start + 1000])
            for (question, vector), best in zip(queries, exact):
                result = collection.query(query_embeddings=[vector], n_results=min(10, len(best)) or 1,
                                          where=_where(ingestor, question), include=[])["ids"][0] if best else []
                found += len(set(result) & set(best))
                total += len(best)
                perfect += result == best
            client.delete_collection(f"probe-{build}")
        print(f"{configuration}: recall@10 of the exact top 10 {found / total:.4f}, "
              f"identical top 10 in {perfect}/{3 * len(queries)} searches (3 builds)")
    ingestor.close()
    return 0


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
