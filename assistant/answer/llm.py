"""LLM mode: an OpenAI-compatible chat model that calls the index's tools and writes the prose.

The model only ever sees report text inside tool results (data, never instructions). Its answer
is streamed, then verified like any other; a failing answer gets one repair round, and if that
fails too, or the endpoint times out, rate-limits, errors or returns nothing, the offline answer
is used with a visible note. Retries are bounded (the client's own backoff for 429/5xx and
timeouts), so nothing hangs. API keys never appear in answers or notes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import openai
from langchain_core.prompts import PromptTemplate
from openai import OpenAI

from assistant.answer.evidence import Evidence, finalize
from assistant.answer.offline import OfflineComposer
from assistant.answer.question import Question
from assistant.answer.tools import SCHEMAS, ToolBox
from assistant.answer.verify import verify
from assistant.config import Settings
from assistant.models import Answer
from assistant.retrieve import Retriever
from assistant.store import IndexDatabase

MAX_TOOL_ROUNDS = 5
MAX_RETRIES = 2
PROMPTS = Path(os.environ.get("AUDIT_PROMPTS", Path(__file__).resolve().parents[2] / "prompts"))


def prompt(name: str) -> PromptTemplate:
    text = (PROMPTS / f"{name}.md").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("<!--"))
    return PromptTemplate.from_template(body.strip())


@dataclass
class Reply:
    content: str = ""
    tool_calls: list[dict] = field(default_factory=list)


class ModelFailure(Exception):
    """The endpoint gave no usable reply; the message is safe to show (no secrets)."""


class LLMAnswerer:
    def __init__(self, db: IndexDatabase, retriever: Retriever, settings: Settings, offline: OfflineComposer) -> None:
        self.db = db
        self.retriever = retriever
        self.settings = settings
        self.offline = offline
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self._secret = key
        self.client = OpenAI(api_key=key, base_url=settings.openai_base_url, timeout=settings.llm_timeout,
                             max_retries=MAX_RETRIES)

    def answer(self, question: Question, on_token: Optional[Callable[[str], None]] = None) -> tuple[Optional[Answer], Optional[str]]:
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
        try:
            draft = self._converse(messages, tools, on_token)
            final = finalize(draft, evidence)
            problems = verify(final, self.db)
            if problems:
                messages += [{"role": "assistant", "content": draft},
                             {"role": "user", "content": prompt("ask_repair").format(problems="\n".join(problems[:10]))}]
                draft = self._converse(messages, tools, on_token, allow_tools=False)
                final = finalize(draft, evidence)
                problems = verify(final, self.db)
            if problems:
                return None, f"大模型的回答未通过核验（{problems[0]}），以下为离线答案"
        except ModelFailure as failure:
            return None, self._scrub(f"{failure}，以下为离线答案")
        return Answer(answer=final.answer, citations=final.citations, verified=True, mode="llm",
                      derived=final.derived), None

    def _converse(self, messages: list[dict], tools: ToolBox, on_token, allow_tools: bool = True) -> str:
        for _ in range(MAX_TOOL_ROUNDS):
            reply = self._complete(messages, on_token, allow_tools)
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

    def _complete(self, messages: list[dict], on_token, allow_tools: bool) -> Reply:
        try:
            stream = self.client.chat.completions.create(
                model=self.settings.llm_model, messages=messages, stream=True, temperature=0,
                **({"tools": SCHEMAS, "tool_choice": "auto"} if allow_tools else {}))
            reply = Reply()
            calls: dict[int, dict] = {}
            for chunk in stream:
                if not chunk.choices:
                    continue
                delta = chunk.choices[0].delta
                if delta.content:
                    reply.content += delta.content
                    if on_token:
                        on_token(delta.content)
                for call in delta.tool_calls or []:
                    slot = calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                    slot["id"] = call.id or slot["id"]
                    if call.function:
                        slot["name"] += call.function.name or ""
                        slot["arguments"] += call.function.arguments or ""
            reply.tool_calls = [{**c, "id": c["id"] or f"call_{i}"} for i, c in sorted(calls.items())]
            return reply
        except openai.APITimeoutError:
            raise ModelFailure("大模型服务超时") from None
        except openai.RateLimitError:
            raise ModelFailure("大模型服务限流（429），重试后仍失败") from None
        except openai.APIStatusError as error:
            raise ModelFailure(f"大模型服务返回错误（HTTP {error.status_code}）") from None
        except (openai.APIConnectionError, openai.APIError, json.JSONDecodeError) as error:
            raise ModelFailure(f"无法连接大模型服务（{type(error).__name__}）") from None

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret and self._secret != "not-needed" else text
