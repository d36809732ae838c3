"""A scripted OpenAI-compatible HTTP server on localhost, for tests of the real client code.

Serves /v1/embeddings (deterministic vectors) and /v1/chat/completions (scripted replies, streamed
as server-sent events when the client asks for a stream, optionally slowly: `drip` sends one token
per interval), and records every request so tests can assert what the client sent. Unscripted
chat requests get a 500.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    delay: float = 0.0
    events: Optional[list[dict]] = None
    interval: float = 0.0


Script = Callable[[dict], Reply]


class ScriptedOpenAI:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.scripts: dict[str, list[Script]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append((self.path, body))
                reply = server._reply(self.path, body)
                time.sleep(reply.delay)
                try:
                    if reply.events is not None and body.get("stream"):
                        self._stream(reply.events, reply.interval)
                    else:
                        self._json(reply.status, reply.body if reply.events is None else _collapse(reply.events))
                except (BrokenPipeError, ConnectionResetError):
                    return

            def _json(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, events: list[dict], interval: float) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for event in events:
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode("utf-8"))
                    time.sleep(interval)
                self.wfile.write(b"data: [DONE]\n\n")

            def log_message(self, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def script(self, path: str, *replies: Script) -> None:
        self.scripts.setdefault(path, []).extend(replies)

    def chat(self, *replies: Script) -> None:
        self.script("/v1/chat/completions", *replies)

    def chat_requests(self) -> list[dict]:
        return [body for path, body in self.requests if path.endswith("/chat/completions")]

    def _reply(self, path: str, body: dict) -> Reply:
        queue = self.scripts.get(path)
        if queue:
            return queue.pop(0)(body)
        if path.endswith("/embeddings"):
            return Reply(body=embeddings_reply(body))
        return Reply(status=500, body={"error": {"message": "not scripted", "type": "server_error"}})

    def __enter__(self) -> "ScriptedOpenAI":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def embeddings_reply(body: dict, dimensions: int = 16) -> dict:
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = []
    for index, text in enumerate(texts):
        vector = [0.0] * dimensions
        for char in text:
            vector[int(hashlib.md5(char.encode()).hexdigest(), 16) % dimensions] += 1.0
        data.append({"object": "embedding", "index": index, "embedding": vector})
    return {"object": "list", "data": data, "model": body.get("model"), "usage": {"prompt_tokens": 0, "total_tokens": 0}}


def _chunk(delta: dict, finish: Optional[str] = None) -> dict:
    return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def text(content: str, delay: float = 0.0) -> Script:
    """A streamed answer, cut into small pieces as a real model sends it."""
    pieces = [content[i : i + 7] for i in range(0, len(content), 7)] or [""]
    events = [_chunk({"role": "assistant", "content": ""})] + [_chunk({"content": p}) for p in pieces]
    return lambda body: Reply(events=events + [_chunk({}, "stop")], delay=delay)


def drip(token: str, count: int, interval: float = 1.0) -> Script:
    """A stream that never stalls long enough for a read timeout: `count` tokens, one per `interval`
    seconds (a slow or hostile server holding the request open). Stops when the client hangs up."""
    events = [_chunk({"role": "assistant", "content": ""})] + [_chunk({"content": token}) for _ in range(count)]
    return lambda body: Reply(events=events + [_chunk({}, "stop")], interval=interval)


def tool_calls(*calls: tuple[str, Any]) -> Script:
    """Tool calls streamed in fragments; arguments may be a dict or a (possibly malformed) string."""
    events = [_chunk({"role": "assistant", "content": None})]
    for index, (name, arguments) in enumerate(calls):
        raw = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
        events.append(_chunk({"tool_calls": [{"index": index, "id": f"call_{index}", "type": "function",
                                              "function": {"name": name, "arguments": ""}}]}))
        for start in range(0, len(raw), 9):
            events.append(_chunk({"tool_calls": [{"index": index, "function": {"arguments": raw[start : start + 9]}}]}))
    return lambda body: Reply(events=events + [_chunk({}, "tool_calls")])


def failure(status: int, message: str = "scripted failure", delay: float = 0.0) -> Script:
    return lambda body: Reply(status=status, body={"error": {"message": message, "type": "server_error"}}, delay=delay)


def _collapse(events: list[dict]) -> dict:
    content = "".join(e["choices"][0]["delta"].get("content") or "" for e in events)
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "scripted",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}
