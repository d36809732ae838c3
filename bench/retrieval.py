"""Retrieval quality per embedding: recall@k and MRR of BM25 alone, vectors alone and their fusion
on the hand-written question sets (tests/retrieval_questions.py, tests/paraphrase_questions.py),
and the choice of the fusion weight of the vector ranking: chosen on the development half of the
questions, confirmed on the held-out half.

The index of the seeds and the corpus is built in a temporary folder (or `--index DIR` is reused);
each embedding has its own collection, so one folder serves both.

Usage: python bench/retrieval.py [--embedding e5 hashing] [--index DIR] [--k 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from retrieval_scoring import SETS, development, first_answer_rank, held_out, recall_and_mrr  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.ingest import Ingestor  # noqa: E402
from assistant.retrieve import Retriever  # noqa: E402
from assistant.retrieve.search import fuse  # noqa: E402

WEIGHTS = (0.25, 0.5, 0.6, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


def fused_ranking(keyword: list[str], vector: list[str], weight: float) -> list[str]:
    scores = fuse(keyword, vector, weight)
    return sorted(scores, key=lambda cid: (-scores[cid], cid))


def evaluate(index: Path, embedding: str, k: int) -> None:
    ingestor = Ingestor(Settings(index_dir=index, embedding=embedding))
    cpu, wall = time.process_time(), time.perf_counter()
    _, added = ingestor.reconcile()
    summary = ingestor.ingest([PROJECT / "examples" / "reports", PROJECT.parent / "shared" / "corpus" / "raw"])
    print(f"[{embedding}] index: {len(summary.new)} reports new, {added} chunks re-embedded, "
          f"{time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
    retriever = Retriever(ingestor.db, ingestor.vectors)

    @lru_cache(maxsize=None)
    def describe(chunk_id: str) -> tuple[str, str, str]:
        chunk = ingestor.db.chunks([chunk_id])[chunk_id]
        return ingestor.db.report(chunk.report_id).source, chunk.section, chunk.text

    rankings = {name: [(q, retriever.rankings(q.text, **q.filters)) for q in questions]
                for name, questions in SETS.items()}

    def ranks(name, questions, method) -> list:
        chosen = set(map(id, questions))
        return [first_answer_rank(q, [c for c in method(kw, vec) if c in known], describe)
                for q, (kw, vec) in rankings[name] if id(q) in chosen]

    known = set(ingestor.db.chunk_ids())

    def score(weight: float, split) -> float:
        return sum(sum(recall_and_mrr(ranks(n, split(qs), lambda kw, vec: fused_ranking(kw, vec, weight)), k))
                   for n, qs in SETS.items())

    best = max(WEIGHTS, key=lambda w: (score(w, development), -abs(w - 1)))
    print(f"[{embedding}] fusion weight of the vector ranking chosen on the development half: {best} "
          f"(configured: {ingestor.vectors.embedding.fusion_weight})")
    for weight in WEIGHTS:
        print(f"    weight {weight:>4}: development {score(weight, development):.3f}, "
              f"held-out {score(weight, held_out):.3f}  (sum over sets of recall@{k} + MRR)")
    methods = {"BM25": lambda kw, vec: kw, "vectors": lambda kw, vec: vec,
               "fusion": lambda kw, vec: fused_ranking(kw, vec, best)}
    for name, questions in SETS.items():
        for label, split in (("all", list), ("dev", development), ("held-out", held_out)):
            cells = []
            for method_name, method in methods.items():
                recall, mrr = recall_and_mrr(ranks(name, split(questions), method), k)
                cells.append(f"{method_name} R@{k} {recall:.3f} MRR {mrr:.3f}")
            print(f"[{embedding}] {name:<10} {label:<8} n={len(split(questions)):>2}: " + " | ".join(cells))
        missed = [q.text for q, r in zip(questions, ranks(name, questions, methods["fusion"])) if not r or r > k]
        print(f"[{embedding}] {name} missed by fusion: {missed}")
    ingestor.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedding", nargs="+", default=["e5", "hashing"], choices=["e5", "hashing"])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for embedding in args.embedding:
            evaluate(args.index or Path(scratch), embedding, args.k)
    return 0


if __name__ == "__main__":
    sys.exit(main())
