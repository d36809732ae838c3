"""Recall@k of hybrid retrieval on the hand-written question set (tests/retrieval_questions.py),
and of each ranking alone, over an index of the seeds and the corpus built in a temporary folder.

Usage: python bench/retrieval.py [--k 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from retrieval_questions import QUESTIONS  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.ingest import Ingestor  # noqa: E402
from assistant.retrieve import Retriever  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        ingestor = Ingestor(Settings(index_dir=Path(scratch)))
        ingestor.ingest([PROJECT / "examples" / "reports", PROJECT.parent / "shared" / "corpus" / "raw"])
        retriever = Retriever(ingestor.db, ingestor.vectors)
        hybrid = keyword = vector = 0
        for question, filters, expected, section in QUESTIONS:
            hits = retriever.search(question, top=50, **filters)
            relevant = [h for h in hits if Path(h.report).name == expected and h.section == section]
            hybrid += any(h in hits[: args.k] for h in relevant)
            keyword += any(h.keyword_rank and h.keyword_rank <= args.k for h in relevant)
            vector += any(h.vector_rank and h.vector_rank <= args.k for h in relevant)
            if not any(h in hits[: args.k] for h in relevant):
                print("missed:", question)
        n = len(QUESTIONS)
        print(f"{n} questions; recall@{args.k}: hybrid {hybrid / n:.3f}, BM25 alone {keyword / n:.3f}, "
              f"vectors alone {vector / n:.3f}")
        ingestor.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
