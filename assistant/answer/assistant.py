"""The question-answering entry point shared by the CLI and the app."""

from __future__ import annotations

from datetime import date
from typing import Optional

from assistant.answer.agreement import disagreements, honest_answer
from assistant.answer.evidence import Evidence, finalize
from assistant.answer.llm import LLMAnswerer
from assistant.answer.offline import OfflineComposer
from assistant.answer.question import Question, entities_of, parse_question
from assistant.answer.verify import verify
from assistant.config import Settings
from assistant.models import Answer
from assistant.retrieve import Retriever
from assistant.store import IndexDatabase


class Assistant:
    def __init__(self, db: IndexDatabase, retriever: Retriever, settings: Optional[Settings] = None,
                 today: Optional[date] = None) -> None:
        self.db = db
        self.retriever = retriever
        self.settings = settings or Settings()
        self.today = today
        self.offline = OfflineComposer(db, retriever)

    def understand(self, text: str) -> Question:
        return parse_question(text, entities_of(self.db), self.today)

    def ask(self, text: str, body: Optional[str] = None,
            region: Optional[str] = None, year: Optional[int] = None) -> Answer:
        """Answer a question; body, region and year (e.g. the app's filters) apply when it names none."""
        question = self.understand(text)
        if body and not question.bodies:
            question.bodies = [body]
        if region and not question.regions:
            question.regions = [region]
        if year and not question.years:
            question.years = [year]
        note = None
        if self.settings.llm_model:
            answered, note = LLMAnswerer(self.db, self.retriever, self.settings, self.offline).answer(question)
            if answered is not None:
                return answered
        return self.answer_offline(question, note)

    def answer_offline(self, question: Question, note: Optional[str] = None) -> Answer:
        evidence = Evidence()
        final = finalize(self.offline.compose(question, evidence), evidence)
        mismatch = disagreements(question, final, self.db)
        if mismatch:
            final = honest_answer(question, final, mismatch, self.db)
        problems = verify(final, self.db, question if mismatch else None)
        text = final.answer if not note else f"{final.answer}\n\n（{note}）"
        return Answer(answer=text, citations=final.citations, verified=not problems, mode="offline",
                      derived=final.derived, note="；".join([note or "", *problems]).strip("；") or None)
