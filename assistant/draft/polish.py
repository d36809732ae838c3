"""LLM polishing of drafted prose, bounded by the same verification as answers.

The model rewrites text that code wrote; the rewrite is kept only if every number it states was
in the original and every quotation is verbatim from the sources given, otherwise the original
stays. Runs over many items are concurrent within a rate limit and resumable: each accepted
result is appended to a JSONL cache keyed by model, task and input, so a rerun only asks for
what is missing.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Optional
from collections.abc import Callable, Sequence

from assistant.answer.verify import stated_numbers, unsupported_numbers, unsupported_quotations
from assistant.config import Settings
from assistant.llm import ChatModel, ModelFailure, prompt


class RateLimiter:
    def __init__(self, per_minute: float) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        time.sleep(max(0.0, start - time.monotonic()))


class Polisher:
    def __init__(self, settings: Settings, cache: Optional[Path] = None, concurrency: int = 4,
                 per_minute: float = 60) -> None:
        self.model = ChatModel(settings)
        self.model_name = settings.llm_model or ""
        self.cache_path = cache
        self.cache: dict[str, str] = {}
        self.concurrency = max(1, concurrency)
        self.limiter = RateLimiter(per_minute)
        self._write_lock = threading.Lock()
        self.failures: list[str] = []
        if cache and cache.exists():
            for line in cache.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                self.cache[entry["key"]] = entry["output"]

    def rewrite(self, task: str, text: str, sources: Sequence[str], fallback: Optional[str] = None) -> str:
        """The model's rewrite of text if it passes verification; otherwise `fallback` (default: text)."""
        kept = text if fallback is None else fallback
        key = hashlib.sha256(json.dumps([self.model_name, task, text], ensure_ascii=False).encode()).hexdigest()
        if key in self.cache:
            return self.cache[key]
        self.limiter.wait()
        try:
            reply = self.model.complete([{"role": "user", "content": prompt("polish").format(task=task, text=text)}])
        except ModelFailure as failure:
            self.failures.append(self.model.scrub(str(failure)))
            return kept
        rewritten = reply.content.strip()
        problems = unsupported_numbers(rewritten, stated_numbers(text)) + unsupported_quotations(rewritten, [text, *sources])
        if not rewritten or problems:
            self.failures.append(problems[0] if problems else "大模型返回了空回答")
            return kept
        self._remember(key, rewritten)
        return rewritten

    def rewrite_many(self, jobs: Sequence[tuple[str, str, Sequence[str], Optional[str]]],
                     progress: Optional[Callable[[int], None]] = None) -> list[str]:
        results: list[str] = [""] * len(jobs)
        done = 0
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = {pool.submit(self.rewrite, *job): index for index, job in enumerate(jobs)}
            for future, index in futures.items():
                results[index] = future.result()
                done += 1
                if progress:
                    progress(done)
        return results

    def _remember(self, key: str, output: str) -> None:
        with self._write_lock:
            self.cache[key] = output
            if self.cache_path:
                with self.cache_path.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps({"key": key, "output": output}, ensure_ascii=False) + "\n")


def polish_memo(memo, polisher: Polisher) -> None:
    """Let the model rewrite the memo's overall verdict from the verdict and its main findings."""
    material = memo.verdict + "主要问题：" + "；".join(f.message for f in memo.findings[:3])
    memo.verdict = polisher.rewrite("改写审查意见的“总体意见”一段。", material, [memo.report.document.text],
                                    fallback=memo.verdict)
