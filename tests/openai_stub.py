"""A tiny OpenAI-compatible HTTP server on loopback, scripted per test: replies, errors, delays."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubOpenAI:
    def __init__(self) -> None:
        self.script: list[dict] = []  # each: {"status": int, "text": str, "delay": float}
        self.requests: list[dict] = []
        self.active = 0  # requests being answered right now
        self.most_active = 0  # the largest number answered at once
        self._count = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                self._json(200, {"object": "list", "data": [{"id": "stub-model", "object": "model"}]})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                stub.requests.append(body)
                with stub._count:
                    stub.active += 1
                    stub.most_active = max(stub.most_active, stub.active)
                try:
                    self._answer()
                finally:
                    with stub._count:
                        stub.active -= 1

            def _answer(self):
                step = stub.script.pop(0) if stub.script else {"status": 200, "text": "好"}
                time.sleep(step.get("delay", 0))
                status = step.get("status", 200)
                if status != 200:
                    self._json(status, {"error": {"message": step.get("message", "error"), "type": "error"}})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                text = step.get("text", "")
                for n, piece in enumerate([text[i:i + 3] for i in range(0, len(text), 3)]):
                    delta = {"role": "assistant", "content": piece} if n == 0 else {"content": piece}
                    self._event({"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "stub-model",
                                 "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
                self._event({"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "stub-model",
                             "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                             "usage": {"prompt_tokens": 11, "completion_tokens": len(text), "total_tokens": 11 + len(text)}})
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, data):
                self.wfile.write(f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()

            def _json(self, status, data):
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> "StubOpenAI":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
