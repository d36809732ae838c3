"""The OpenAI-compatible chat client shared by answering, memo polishing and summaries.

One place decides timeouts, bounded retries (the client's backoff for timeouts, 429 and 5xx),
streaming, the prompt files, and how endpoint failures become one safe sentence (no secrets).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from collections.abc import Callable

import openai
from langchain_core.prompts import PromptTemplate
from openai import OpenAI

from assistant.config import Settings

MAX_RETRIES = 2
PROMPTS = Path(os.environ.get("AUDIT_PROMPTS", Path(__file__).resolve().parent.parent / "prompts"))


def prompt(name: str) -> PromptTemplate:
    """A versioned prompt file from prompts/ (its HTML comment header removed)."""
    text = (PROMPTS / f"{name}.md").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("<!--"))
    return PromptTemplate.from_template(body.strip())


@dataclass
class Reply:
    content: str = ""
    tool_calls: list[dict] = field(default_factory=list)


class ModelFailure(Exception):
    """The endpoint gave no usable reply; the message is safe to show (no secrets)."""


class ChatModel:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        self._secret = key
        self.client = OpenAI(api_key=key or "not-needed", base_url=settings.openai_base_url,
                             timeout=settings.llm_timeout, max_retries=MAX_RETRIES)

    def complete(self, messages: list[dict], tools: Optional[list[dict]] = None,
                 on_token: Optional[Callable[[str], None]] = None) -> Reply:
        """One streamed completion, tool-call fragments reassembled."""
        try:
            stream = self.client.chat.completions.create(
                model=self.settings.llm_model, messages=messages, stream=True, temperature=0,
                **({"tools": tools, "tool_choice": "auto"} if tools else {}))
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

    def scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text
