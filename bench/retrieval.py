"""Retrieval quality per embedding: recall@k and MRR of BM25 alone, vectors alone and their fusion
on the hand-written question sets (tests/retrieval_questions.py, tests/paraphrase_questions.py),
on both halves of each set, with and without the reviewer's-words expansion of the query
(assistant/retrieve/synonyms.toml), and the choice of the fusion parameters.

Protocol: the fusion parameters (weight of the BM25 score, depth of the vector ranking that sets
its floor) are chosen on the development half (even positions) of the existing and the paraphrase
set without the expansion, since its vocabulary was written from that half and would bias the
choice towards BM25; the held-out half (odd positions) then tells whether the chosen parameters and
the vocabulary hold on questions that shaped neither, and the second held-out set ("fresh", written
after both were chosen) is reported whole and chooses nothing.

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

from retrieval_scoring import SETS, TUNED, development, first_answer_rank, held_out, recall_and_mrr  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.ingest import Ingestor  # noqa: E402
from assistant.retrieve import Retriever  # noqa: E402
from assistant.retrieve.search import Fusion, Scored, fuse  # noqa: E402

GRID = [Fusion(keyword_weight=weight, vector_depth=depth)
        for weight, depth in itertools.product((0.2, 0.3, 0.4, 0.5, 0.6, 0.7), (10, 20, 50))]
SPLITS = (("all", list), ("dev", development), ("held-out", held_out))


def fused_ranking(keyword: Scored, vector: Scored, fusion: Fusion) -> list[str]:
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

    rankings = {(name, expand): [(q, retriever.scored(q.text, expand=expand, **q.filters)) for q in questions]
                for name, questions in SETS.items() for expand in (False, True)}

    def measure(name: str, expand: bool, split, method) -> tuple[float, float]:
        chosen = set(map(id, split(SETS[name])))
        return recall_and_mrr([first_answer_rank(q, [c for c in method(kw, vec) if c in known], describe)
                               for q, (kw, vec) in rankings[name, expand] if id(q) in chosen], k)

    def development_score(fusion: Fusion) -> float:
        return sum(sum(measure(name, False, development, lambda kw, vec: fused_ranking(kw, vec, fusion)))
                   for name in TUNED)

    best = max(GRID, key=lambda f: (development_score(f), -abs(f.keyword_weight - 0.5), f.vector_depth))
    print(f"[{embedding}] fusion chosen on the development half (sum over sets of recall@{k} + MRR "
          f"{development_score(best):.3f}): {best!r}; configured: {retriever.fusion!r}")
    methods = {"BM25": lambda kw, vec: [c for c, _ in kw], "vectors": lambda kw, vec: [c for c, _ in vec],
               "fusion": lambda kw, vec: fused_ranking(kw, vec, retriever.fusion)}
    for name in SETS:
        for expand in (False, True):
            for label, split in SPLITS if name in TUNED else SPLITS[:1]:
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
