"""Offline question answering on the real corpus index: accuracy on the hand-checked question set,
on the generated set per family (tests/qa_generated.py) and on the reviewers' questions
(tests/qa_reviewers.py), with the count of wrong answers marked verified; then answer latency
p50/p95 (wall and CPU) on an index of ≥ N reports (the corpus copied, see index_scale.py).

Usage: python bench/qa.py [--reports 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))
sys.path.insert(0, str(PROJECT / "bench"))

from index_scale import SOURCES, copied_index, ingest  # noqa: E402
from qa_generated import generated_questions, grade_generated  # noqa: E402
from qa_questions import QA, grade  # noqa: E402
from qa_reviewers import REVIEWER_QA, grade_reviewer  # noqa: E402

from assistant.answer import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.ingest import Ingestor  # noqa: E402
from assistant.retrieve import Retriever  # noqa: E402
from assistant.store import IndexDatabase  # noqa: E402


def assistant(index: Path) -> tuple[Ingestor, Assistant]:
    ingestor = Ingestor(Settings(index_dir=index))
    return ingestor, Assistant(ingestor.db, Retriever(ingestor.db, ingestor.vectors), today=date(2026, 11, 22))


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    return f"p50 {statistics.median(ordered):.0f} ms, p95 {ordered[int(0.95 * (len(ordered) - 1))]:.0f} ms"


def ask_latency(settings: Settings, questions: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each answer, after one warm-up question."""
    ingestor = Ingestor(settings)
    try:
        answerer = Assistant(ingestor.db, Retriever(ingestor.db, ingestor.vectors), settings, today=date(2026, 11, 22))
        answerer.ask(questions[0])
        wall, cpu = [], []
        for _ in range(rounds):
            for question in questions:
                start, start_cpu = time.perf_counter(), time.process_time()
                answerer.ask(question)
                wall.append(1000 * (time.perf_counter() - start))
                cpu.append(1000 * (time.process_time() - start_cpu))
        return wall, cpu
    finally:
        ingestor.close()


def answer_latency(index: Path, questions: list[str], rounds: int) -> str:
    """Answer latency over the questions, `rounds` times each, after one warm-up question."""
    settings = Settings(index_dir=index)
    wall, cpu = ask_latency(settings, questions, rounds)
    store = IndexDatabase(settings)
    count = len(store.reports())
    store.close()
    return (f"offline answer latency on {count} reports over {len(wall)} questions: wall {percentiles(wall)}; "
            f"CPU {percentiles(cpu)}")


def report_generated(answerer: Assistant, questions: list) -> None:
    asked, right, wrong_verified = Counter(), Counter(), 0
    for question in questions:
        answer = answerer.ask(question.text)
        ok = grade_generated(answer, question)
        asked[question.family] += 1
        right[question.family] += ok
        wrong_verified += answer.verified and not ok
    families = ", ".join(f"{f} {right[f]}/{n} = {right[f] / n:.3f}" for f, n in asked.items())
    print(f"generated set ({len(questions)} questions): {families}; wrong but verified: {wrong_verified}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        real = Path(scratch) / "real"
        ingest(SOURCES, real)
        ingestor, answerer = assistant(real)
        correct = sum(grade(answerer.ask(q), kind, expected) for q, kind, expected in QA)
        print(f"offline accuracy on the question set: {correct}/{len(QA)} = {correct / len(QA):.3f}")
        generated = generated_questions(ingestor.db)
        report_generated(answerer, generated)
        graded = [(answer.verified, grade_reviewer(answer, numbers, keys, phrases))
                  for question, numbers, keys, phrases in REVIEWER_QA for answer in [answerer.ask(question)]]
        right = sum(ok for _, ok in graded)
        print(f"reviewers' questions: {right}/{len(REVIEWER_QA)} = {right / len(REVIEWER_QA):.3f}"
              f" ({sum(n is None for _, n, _, _ in REVIEWER_QA)} without answer in the index),"
              f" wrong but verified: {sum(v and not ok for v, ok in graded)}")
        ingestor.close()

        _, large, _, _ = copied_index(scratch, args.reports)
        questions = [q for q, _, _ in QA] + [q for q, _, _, _ in REVIEWER_QA] + [q.text for q in generated[::4]]
        print(answer_latency(large, questions, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
