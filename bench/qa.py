"""Offline question answering: accuracy on the hand-checked question set (real corpus index) and
answer latency p50/p95 on an index of ≥ N reports (the corpus copied, see index_scale.py).

Usage: python bench/qa.py [--reports 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))
sys.path.insert(0, str(PROJECT / "bench"))

from index_scale import SOURCES, copied_index, ingest  # noqa: E402
from qa_questions import QA, grade  # noqa: E402

from assistant.answer import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.ingest import Ingestor  # noqa: E402
from assistant.retrieve import Retriever  # noqa: E402


def assistant(index: Path) -> tuple[Ingestor, Assistant]:
    ingestor = Ingestor(Settings(index_dir=index))
    return ingestor, Assistant(ingestor.db, Retriever(ingestor.db, ingestor.vectors), today=date(2026, 11, 22))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        real = Path(scratch) / "real"
        ingest(SOURCES, real)
        ingestor, answerer = assistant(real)
        correct = sum(grade(answerer.ask(q), kind, expected) for q, kind, expected in QA)
        print(f"offline accuracy on the question set: {correct}/{len(QA)} = {correct / len(QA):.3f}")
        ingestor.close()

        _, large, count, _ = copied_index(scratch, args.reports)
        ingestor, answerer = assistant(large)
        answerer.ask(QA[0][0])
        latencies = []
        for _ in range(args.rounds):
            for question, _, _ in QA:
                start = time.perf_counter()
                answerer.ask(question)
                latencies.append(1000 * (time.perf_counter() - start))
        latencies.sort()
        print(f"offline answer latency on {count} reports over {len(latencies)} questions: "
              f"p50 {statistics.median(latencies):.0f} ms, p95 {latencies[int(0.95 * (len(latencies) - 1))]:.0f} ms")
        ingestor.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
