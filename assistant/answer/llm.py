"""LLM mode: an OpenAI-compatible chat model that calls the index's tools and writes the prose.

The model only ever sees report text inside tool results (data, never instructions). Its answer
is streamed, then verified like any other; a failing answer gets one repair round, and if that
fails too, or the endpoint times out, rate-limits, errors or returns nothing, the offline answer
is used with a visible note. Verification asks what the answer claims, not only whether its
numbers exist: an answer that makes no supported claim, repeats an instruction planted in a
report or concludes against a report's findings is not verified. The whole conversation (tool
rounds and the repair round) shares one time budget (`ChatModel.budget`), so nothing hangs.
API keys never appear in answers or notes.
"""

from __future__ import annotations

from typing import Optional

from assistant.answer.evidence import Evidence, Finalized, finalize
from assistant.answer.offline import OfflineComposer
from assistant.answer.question import Question
from assistant.answer.tools import SCHEMAS, ToolBox
from assistant.answer.verify import claim_problems, verify
from assistant.config import Settings
from assistant.llm import Budget, ChatModel, ModelFailure, prompt
from assistant.models import Answer
from assistant.retrieve import Retriever
from assistant.store import IndexDatabase

MAX_TOOL_ROUNDS = 5


class LLMAnswerer:
    def __init__(self, db: IndexDatabase, retriever: Retriever, settings: Settings, offline: OfflineComposer) -> None:
        self.db = db
        self.retriever = retriever
        self.settings = settings
        self.offline = offline
        self.model = ChatModel(settings)

    def answer(self, question: Question) -> tuple[Optional[Answer], Optional[str]]:
        """(verified LLM answer, None), or (None, the reason the offline answer is used instead)."""
        evidence = Evidence()
        tools = ToolBox(self.db, self.retriever, evidence)
        messages: list[dict] = [
            {"role": "system", "content": prompt("ask_system").format()},
            {"role": "user", "content": prompt("ask_user").format(
                question=question.text, bodies="、".join(question.bodies) or "未识别",
                regions="、".join(question.regions) or "未识别", years="、".join(map(str, question.years)) or "未指明",
                metrics="、".join(question.metrics) or "未识别", intent=question.intent)},
        ]
        budget = self.model.budget()
        try:
            draft = self._converse(messages, tools, budget)
            final = finalize(draft, evidence)
            problems = self._problems(final, question, tools)
            if problems:
                messages += [{"role": "assistant", "content": draft},
                             {"role": "user", "content": prompt("ask_repair").format(problems="\n".join(problems[:10]))}]
                draft = self._converse(messages, tools, budget, allow_tools=False)
                final = finalize(draft, evidence)
                problems = self._problems(final, question, tools)
            if problems:
                return None, f"大模型的回答未通过核验（{problems[0]}），以下为离线答案"
        except ModelFailure as failure:
            return None, self.model.scrub(f"{failure}，以下为离线答案")
        return Answer(answer=final.answer, citations=final.citations, verified=True, mode="llm",
                      derived=final.derived), None

    def _problems(self, final: Finalized, question: Question, tools: ToolBox) -> list[str]:
        return verify(final, self.db, question) + claim_problems(final, question, self.db, tools.instructions)

    def _converse(self, messages: list[dict], tools: ToolBox, budget: Budget, allow_tools: bool = True) -> str:
        for _ in range(MAX_TOOL_ROUNDS):
            reply = self.model.complete(messages, SCHEMAS if allow_tools else None, budget)
            if not reply.tool_calls:
                if not reply.content.strip():
                    raise ModelFailure("大模型返回了空回答")
                return reply.content
            messages.append({"role": "assistant", "content": reply.content or None, "tool_calls": [
                {"id": call["id"], "type": "function", "function": {"name": call["name"], "arguments": call["arguments"]}}
                for call in reply.tool_calls]})
            for call in reply.tool_calls:
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": tools.call(call["name"], call["arguments"])})
        raise ModelFailure("大模型调用工具的轮数超过上限")
