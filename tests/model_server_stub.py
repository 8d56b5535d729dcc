"""A stand-in for the llama.cpp server in process tests: answers GET /v1/models on the port it is given, and a
chat completion with one streamed word, and runs until it is told to stop, like the real one. Run as `python tests/model_server_stub.py --port N [...]`; with
--delay S it loads for S seconds before it answers, as a model does; with --fail it ends at once, as a server
that cannot load its model does; with --log FILE it appends the body of each POST (completions, and the
token counts the client asks for) to FILE, one JSON line per request."""

import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = json.dumps({"object": "list", "data": [{"id": "jianshi-local", "object": "model"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    log = ""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.log:
            with open(self.log, "a", encoding="utf-8") as requests:
                requests.write(json.dumps(json.loads(body), ensure_ascii=False) + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for delta, finish in (({"role": "assistant", "content": "好"}, None), ({}, "stop")):
            chunk = {"id": "stub", "object": "chat.completion.chunk", "created": 0, "model": "jianshi-local",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--fail", action="store_true")
    parser.add_argument("--log", default="")
    known, _ = parser.parse_known_args()
    Handler.log = known.log
    if known.fail:
        sys.exit("cannot load the model")
    time.sleep(known.delay)
    HTTPServer(("127.0.0.1", known.port), Handler).serve_forever()
