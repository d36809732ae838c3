"""Scoring of the two retrieval question sets: which chunk answers a question, and recall@k / MRR
of a ranking. Shared by the index tests and bench/retrieval.py so both judge hits the same way."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple, Optional

from paraphrase_questions import FRESH_PARAPHRASES, PARAPHRASES
from retrieval_questions import QUESTIONS


class Question(NamedTuple):
    text: str
    filters: dict
    file: str
    section: str
    passage: Optional[str]  # a verbatim piece the answering chunk must contain (paraphrase set)


EXISTING = [Question(q, f, file, section, None) for q, f, file, section in QUESTIONS]
PARAPHRASE = [Question(*entry) for entry in PARAPHRASES]
FRESH = [Question(*entry) for entry in FRESH_PARAPHRASES]
SETS = {"existing": EXISTING, "paraphrase": PARAPHRASE, "fresh": FRESH}
TUNED = ("existing", "paraphrase")  # the sets whose development halves choose; "fresh" only confirms


def development(questions: Sequence[Question]) -> list[Question]:
    """Every other question (from the first): where fusion weights are chosen."""
    return list(questions[0::2])


def held_out(questions: Sequence[Question]) -> list[Question]:
    """The other half: where the chosen weights are confirmed."""
    return list(questions[1::2])


def answers(question: Question, report: str, section: str, text: str) -> bool:
    return (Path(report).name == question.file and section == question.section
            and (question.passage is None or question.passage in text))


def first_answer_rank(question: Question, ranking: Sequence[str], describe: Callable[[str], tuple[str, str, str]]
                      ) -> Optional[int]:
    """1-based rank of the first chunk that answers the question; `describe` gives a chunk's
    (report source, section, text)."""
    for rank, chunk_id in enumerate(ranking, 1):
        if answers(question, *describe(chunk_id)):
            return rank
    return None


def recall_and_mrr(ranks: Sequence[Optional[int]], k: int = 5) -> tuple[float, float]:
    """recall@k and mean reciprocal rank (0 when the answer is not ranked at all)."""
    if not ranks:
        return 0.0, 0.0
    recall = sum(1 for r in ranks if r is not None and r <= k) / len(ranks)
    mrr = sum(1 / r for r in ranks if r is not None) / len(ranks)
    return recall, mrr
