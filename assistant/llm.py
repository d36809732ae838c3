"""The OpenAI-compatible chat client shared by answering, memo polishing and summaries.

One place decides deadlines, bounded retries, streaming, the prompt files, and how endpoint
failures become one safe sentence (no secrets).

`AUDIT_LLM_TIMEOUT` is the wall-clock limit of one whole request, the stream included: a server
that keeps sending a token now and then cannot hold a request open past it. Timeouts, 429, 5xx
and lost connections are retried after a short backoff, but every attempt and every backoff
draws on one total budget (the timeout times the number of attempts unless the caller passes a
budget of its own), so nothing waits longer than that.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import openai
from langchain_core.prompts import PromptTemplate
from openai import OpenAI

from assistant.config import Settings

ATTEMPTS = 3
BACKOFF = (0.5, 1.0)
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


class Budget:
    """The wall-clock time one piece of work (an answer with all its tool rounds, one rewrite) may
    spend waiting for the model; every attempt and every backoff draws on it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.ends - time.monotonic()


class _Retryable(Exception):
    """A failed attempt worth repeating (timeout, 429, 5xx, lost connection)."""

    def __init__(self, failure: ModelFailure, pause: float = 0.0) -> None:
        super().__init__(str(failure))
        self.failure = failure
        self.pause = pause


class ChatModel:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        self._secret = key
        self.client = OpenAI(api_key=key or "not-needed", base_url=settings.openai_base_url,
                             timeout=settings.llm_timeout, max_retries=0)

    def budget(self) -> Budget:
        """A fresh total budget: the timeout for each of the attempts."""
        return Budget(self.settings.llm_timeout * ATTEMPTS)

    def complete(self, messages: list[dict], tools: Optional[list[dict]] = None,
                 budget: Optional[Budget] = None) -> Reply:
        """One streamed completion, tool-call fragments reassembled, within the timeout per attempt
        and `budget` (default: a fresh one) for all attempts and backoffs together."""
        budget = budget or self.budget()
        request = {"model": self.settings.llm_model, "messages": messages, "stream": True, "temperature": 0,
                   **({"tools": tools, "tool_choice": "auto"} if tools else {})}
        for attempt in range(ATTEMPTS):
            seconds = min(self.settings.llm_timeout, budget.remaining())
            if seconds <= 0:
                break
            try:
                return self._attempt(request, seconds)
            except _Retryable as retry:
                pause = max(retry.pause, BACKOFF[min(attempt, len(BACKOFF) - 1)])
                if attempt == ATTEMPTS - 1 or pause >= budget.remaining():
                    raise retry.failure from None
                time.sleep(pause)
        raise ModelFailure(f"大模型服务超时（总时限{budget.seconds:g}秒已用完）")

    def _attempt(self, request: dict, seconds: float) -> Reply:
        """One request that ends, stream included, within `seconds`. A worker thread reads the
        stream; this thread stops waiting at the deadline, and the worker then closes the stream at
        its next chunk (or its own read timeout, no longer than `seconds`, ends it)."""
        pieces: queue.Queue = queue.Queue()
        stop = threading.Event()
        threading.Thread(target=self._read, args=(request, seconds, pieces, stop), daemon=True).start()
        ends = time.monotonic() + seconds
        reply = Reply()
        calls: dict[int, dict] = {}
        while True:
            try:
                kind, item = pieces.get(timeout=max(0.0, ends - time.monotonic()))
            except queue.Empty:
                stop.set()
                raise _Retryable(ModelFailure(f"大模型服务超时（每次请求限时{self.settings.llm_timeout:g}秒）")) from None
            if kind == "error":
                raise _failure(item)
            if kind == "end":
                reply.tool_calls = [{**c, "id": c["id"] or f"call_{i}"} for i, c in sorted(calls.items())]
                return reply
            if not item.choices:
                continue
            delta = item.choices[0].delta
            if delta.content:
                reply.content += delta.content
            for call in delta.tool_calls or []:
                slot = calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                slot["id"] = call.id or slot["id"]
                if call.function:
                    slot["name"] += call.function.name or ""
                    slot["arguments"] += call.function.arguments or ""

    def _read(self, request: dict, seconds: float, pieces: queue.Queue, stop: threading.Event) -> None:
        try:
            stream = self.client.chat.completions.create(**request, timeout=seconds)
            with stream:
                for chunk in stream:
                    if stop.is_set():
                        return
                    pieces.put(("chunk", chunk))
            pieces.put(("end", None))
        except Exception as error:  # noqa: BLE001 (handed to the waiting thread, which classifies or re-raises it)
            pieces.put(("error", error))

    def scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text


def _failure(error: Exception) -> Exception:
    """The exception to raise for a failed attempt: retryable, final, or the error itself when it is
    not the endpoint's fault."""
    if isinstance(error, openai.APITimeoutError):
        return _Retryable(ModelFailure("大模型服务超时"))
    if isinstance(error, openai.RateLimitError):
        return _Retryable(ModelFailure("大模型服务限流（429），重试后仍失败"), _retry_after(error))
    if isinstance(error, openai.APIStatusError):
        failure = ModelFailure(f"大模型服务返回错误（HTTP {error.status_code}）")
        return _Retryable(failure, _retry_after(error)) if error.status_code in (408, 409) or error.status_code >= 500 \
            else failure
    if isinstance(error, openai.APIConnectionError):
        return _Retryable(ModelFailure(f"无法连接大模型服务（{type(error).__name__}）"))
    if isinstance(error, (openai.APIError, json.JSONDecodeError)):
        return ModelFailure(f"大模型服务的回复无法使用（{type(error).__name__}）")
    return error


def _retry_after(error: openai.APIStatusError) -> float:
    """The server's Retry-After in seconds (0 when absent or not a number)."""
    try:
        return max(0.0, float(error.response.headers.get("retry-after", 0)))
    except ValueError:
        return 0.0
