"""The owner middleware: an ASGI layer over the Gradio app that gives every browser its signed owner cookie
(see ui/owner.py) and applies OwnerGate before Gradio sees the request:

- a request without a valid cookie gets a new owner, which the request itself already carries (its cookie
  header is rewritten) and the response sets;
- files (/gradio_api/file=…) that are not the owner's are answered 404;
- a session hash (query, heartbeat path, or the JSON body of queue/join and cancel) of another owner: 403;
- the paths /gradio_api/upload answers with are recorded as this owner's uploads.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from .owner import COOKIE, OwnerGate, UploadLedger

TEN_YEARS = 10 * 365 * 24 * 3600
API = "/gradio_api"
SESSION_BODIES = (f"{API}/queue/join", f"{API}/cancel")  # POSTs whose JSON body names a session hash


class OwnerMiddleware:

    def __init__(self, app, gate: OwnerGate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
        jar = SimpleCookie()
        for key, value in scope["headers"]:
            if key == b"cookie":
                try:
                    jar.load(value.decode("latin-1"))
                except Exception:  # noqa: BLE001  a malformed cookie header counts as none
                    pass
        token = jar[COOKIE].value if COOKIE in jar else None
        owner = self.gate.key.verify(token)
        fresh = owner is None
        if fresh:  # a new browser (or a forged cookie): a new owner, seen by this very request too
            token = self.gate.key.new_token()
            owner = self.gate.key.verify(token)
        cookies = [f"{name}={morsel.value}" for name, morsel in jar.items() if name != COOKIE] + [f"{COOKIE}={token}"]
        scope = {**scope, "headers": [*headers, (b"cookie", "; ".join(cookies).encode("latin-1"))]}

        path = scope["path"]
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        served = path.split(f"{API}/file=", 1)[1] if f"{API}/file=" in path else \
            path.split(f"{API}/file/", 1)[1] if f"{API}/file/" in path else None
        if served is not None and not self.gate.may_read(owner, served):
            return await _refuse(send, 404, fresh, token)
        hashes = query.get("session_hash", [])
        if path.startswith(f"{API}/heartbeat/"):
            hashes.append(path.rsplit("/", 1)[-1])
        if scope["method"] == "POST" and path.rstrip("/") in SESSION_BODIES:
            body, receive = await _read_body(receive)
            try:
                hashes.append(json.loads(body or b"{}").get("session_hash"))
            except (ValueError, AttributeError):
                pass
        if not all(self.gate.session_is_mine(owner, h) for h in hashes):
            return await _refuse(send, 403, fresh, token)

        upload = scope["method"] == "POST" and path.rstrip("/") == f"{API}/upload"
        sent: list[bytes] = []

        async def send_with_cookie(message):
            if message["type"] == "http.response.start" and fresh:
                message = {**message, "headers": [*message.get("headers", []), _set_cookie(token)]}
            if upload and message["type"] == "http.response.body":
                sent.append(message.get("body", b""))
                if not message.get("more_body"):
                    _record_upload(self.gate.ledger, owner, b"".join(sent))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _record_upload(ledger: UploadLedger, owner: str, body: bytes) -> None:
    try:
        paths = json.loads(body)
    except ValueError:
        return
    if isinstance(paths, list):
        ledger.record(owner, [p for p in paths if isinstance(p, str)])


async def _read_body(receive):
    """The whole request body, and a `receive` that replays it to the app."""
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    done = False

    async def replay():
        nonlocal done
        if not done:
            done = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _set_cookie(token: str) -> tuple[bytes, bytes]:
    return b"set-cookie", f"{COOKIE}={token}; Path=/; Max-Age={TEN_YEARS}; HttpOnly; SameSite=Lax".encode("latin-1")


async def _refuse(send, status: int, fresh: bool, token: str) -> None:
    body = "无权访问：这份材料或文件属于另一个浏览器。请在原来使用的浏览器中打开，或在本浏览器中新建材料。".encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    if fresh:
        headers.append(_set_cookie(token))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
