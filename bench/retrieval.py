"""Retrieval quality per embedding: recall@k and MRR of BM25 alone, vectors alone and their fusion
on the hand-written question sets (tests/retrieval_questions.py, tests/paraphrase_questions.py),
on both halves of each set, with and without the reviewer's-words expansion of the query
(assistant/retrieve/synonyms.toml), and the choice of the fusion parameters.

Protocol: the fusion parameters (RRF k, weight of the vector ranking, depth of the BM25 ranking)
are chosen on the development half (even positions) without the expansion, since its vocabulary
was written from that half and would bias the choice towards BM25; the held-out half (odd
positions) then tells whether the chosen parameters and the vocabulary hold on questions that
shaped neither.

The index of the seeds and the corpus is built in a temporary folder (or `--index DIR` is reused);
each embedding has its own collection, so one folder serves both.

Usage: python bench/retrieval.py [--embedding e5 hashing] [--index DIR] [--k 5]
"""

from __future__ import annotations

import argparse
import itertools
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
from assistant.retrieve.search import Fusion, fuse  # noqa: E402

GRID = [Fusion(k=k, vector_weight=w, keyword_depth=depth)
        for k, w, depth in itertools.product((10, 30, 60), (0.5, 0.75, 1.0, 1.5, 2.0), (10, 20, 50))]
SPLITS = (("all", list), ("dev", development), ("held-out", held_out))


def fused_ranking(keyword: list[str], vector: list[str], fusion: Fusion) -> list[str]:
    scores = fuse(keyword, vector, fusion)
    return sorted(scores, key=lambda cid: (-scores[cid], cid))


def evaluate(index: Path, embedding: str, k: int) -> None:
    ingestor = Ingestor(Settings(index_dir=index, embedding=embedding))
    cpu, wall = time.process_time(), time.perf_counter()
    _, added = ingestor.reconcile()
    summary = ingestor.ingest([PROJECT / "examples" / "reports", PROJECT.parent / "shared" / "corpus" / "raw"])
    print(f"[{embedding}] index: {len(summary.new)} reports new, {added} chunks re-embedded, "
          f"{time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
    retriever = Retriever(ingestor.db, ingestor.vectors)
    known = set(ingestor.db.chunk_ids())

    @lru_cache(maxsize=None)
    def describe(chunk_id: str) -> tuple[str, str, str]:
        chunk = ingestor.db.chunks([chunk_id])[chunk_id]
        return ingestor.db.report(chunk.report_id).source, chunk.section, chunk.text

    rankings = {(name, expand): [(q, retriever.rankings(q.text, expand=expand, **q.filters)) for q in questions]
                for name, questions in SETS.items() for expand in (False, True)}

    def measure(name: str, expand: bool, split, method) -> tuple[float, float]:
        chosen = set(map(id, split(SETS[name])))
        return recall_and_mrr([first_answer_rank(q, [c for c in method(kw, vec) if c in known], describe)
                               for q, (kw, vec) in rankings[name, expand] if id(q) in chosen], k)

    def development_score(fusion: Fusion) -> float:
        return sum(sum(measure(name, False, development, lambda kw, vec: fused_ranking(kw, vec, fusion)))
                   for name in SETS)

    best = max(GRID, key=lambda f: (development_score(f), -abs(f.vector_weight - 1), f.k, f.keyword_depth))
    print(f"[{embedding}] fusion chosen on the development half (sum over sets of recall@{k} + MRR "
          f"{development_score(best):.3f}): {best!r}; configured: {retriever.fusion!r}")
    methods = {"BM25": lambda kw, vec: kw, "vectors": lambda kw, vec: vec,
               "fusion": lambda kw, vec: fused_ranking(kw, vec, retriever.fusion)}
    for name in SETS:
        for expand in (False, True):
            for label, split in SPLITS:
                cells = [f"{method} R@{k} {recall:.3f} MRR {mrr:.3f}" for method, (recall, mrr) in
                         ((m, measure(name, expand, split, f)) for m, f in methods.items())]
                print(f"[{embedding}] {name:<10} {'expanded' if expand else 'verbatim':<8} {label:<8} "
                      f"n={len(split(SETS[name])):>2}: " + " | ".join(cells))
        missed = [q.text for q, (kw, vec) in rankings[name, True]
                  if (rank := first_answer_rank(q, methods["fusion"](kw, vec), describe)) is None or rank > k]
        print(f"[{embedding}] {name} missed by the fusion: {missed}")
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
