"""A scripted OpenAI-compatible HTTP server on localhost, for tests of the real client code.

Serves /v1/embeddings (deterministic vectors from character codes) and records every request,
so tests can assert what the client sent. Replies can be scripted per path (status, body, delay).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

Reply = tuple[int, Any, float]


class ScriptedOpenAI:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.scripts: dict[str, list[Callable[[dict], Reply]]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append((self.path, body))
                status, payload, delay = server._reply(self.path, body)
                time.sleep(delay)
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def script(self, path: str, *replies: Callable[[dict], Reply]) -> None:
        self.scripts.setdefault(path, []).extend(replies)

    def _reply(self, path: str, body: dict) -> Reply:
        queue = self.scripts.get(path)
        if queue:
            return queue.pop(0)(body)
        if path.endswith("/embeddings"):
            return 200, embeddings_reply(body), 0.0
        return 404, {"error": {"message": "not scripted"}}, 0.0

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


def failure(status: int, message: str = "scripted failure", delay: float = 0.0) -> Callable[[dict], Reply]:
    return lambda body: (status, {"error": {"message": message, "type": "server_error"}}, delay)

