"""A ChatModel wrapper that answers repeated calls from SQLite, so re-running or re-scoring an eval is free.

The key is the sha256 of the model's identity, the full messages (the rendered prompt, so any change to a
prompt file, its few-shot examples or its inputs changes the key), the sampling options and the seed.
The inner model is only touched on a miss; the embedded model starts lazily, so a fully cached run never
loads it. Every call made through the wrapper is also kept in `calls`, for the scorers that read the raw
replies (before the fact guard) and count tokens.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

from ..models.base import ChatModel, Message, ModelReply, feed_pieces

SCHEMA = """CREATE TABLE IF NOT EXISTS replies (
    key TEXT PRIMARY KEY, model TEXT NOT NULL, created REAL NOT NULL, reply TEXT NOT NULL)"""


@dataclass
class Call:
    messages: list[Message]
    reply: ModelReply
    cached: bool


def model_identity(model: ChatModel) -> str:
    described = model.describe()
    return f"{described.get('kind', 'model')}:{described.get('name', model.name)}"


def cache_key(identity: str, messages: list[Message], *, max_tokens: int, temperature: float,
              json_schema: dict | None, seed: int | None) -> str:
    payload = {"model": identity, "messages": [[m.role, m.content] for m in messages], "max_tokens": max_tokens,
               "temperature": temperature, "schema": json_schema, "seed": seed}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


class CachingModel(ChatModel):
    """`seed`, when set, replaces the caller's seed: the runner sets it so repeats of a case get other samples."""

    def __init__(self, inner: ChatModel, path: Path | None, *, seed: int | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.supports_schema = inner.supports_schema
        self.identity = model_identity(inner)
        self.path = Path(path) if path else None
        self.seed = seed
        self.calls: list[Call] = []
        self.hits = 0
        self.misses = 0
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db, db:
                db.execute(SCHEMA)

    def describe(self) -> dict:
        return self.inner.describe()

    def close(self) -> None:
        self.inner.close()

    def complete(self, messages, *, max_tokens=512, temperature=0.2, json_schema=None, on_token=None, seed=None):
        seed = self.seed if self.seed is not None else seed
        key = cache_key(self.identity, messages, max_tokens=max_tokens, temperature=temperature,
                        json_schema=json_schema, seed=seed)
        cached = self._lookup(key)
        if cached is not None:
            self.hits += 1
            reply = cached
            if on_token:  # replayed the way it streamed, so a callback that stops a reply early stops it here too
                fed = feed_pieces(reply.text, on_token)
                if fed != reply.text:
                    reply = replace(reply, text=fed, output_tokens=len(fed), extra={"stopped": True})
        else:
            self.misses += 1
            reply = self.inner.complete(messages, max_tokens=max_tokens, temperature=temperature,
                                        json_schema=json_schema, on_token=on_token, seed=seed)
            self._store(key, reply)
        self.calls.append(Call(list(messages), reply, cached=cached is not None))
        return reply

    # ---- storage ---------------------------------------------------------------------------------------
    def _connect(self):
        return closing(sqlite3.connect(self.path, timeout=30))

    def _lookup(self, key: str) -> ModelReply | None:
        if not self.path:
            return None
        with self._connect() as db:
            row = db.execute("SELECT reply FROM replies WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        return ModelReply(text=data["text"], model=data["model"], input_tokens=data["input_tokens"],
                          output_tokens=data["output_tokens"], latency_ms=data["latency_ms"],
                          first_token_ms=data.get("first_token_ms"))

    def _store(self, key: str, reply: ModelReply) -> None:
        if not self.path:
            return
        data = {"text": reply.text, "model": reply.model, "input_tokens": reply.input_tokens,
                "output_tokens": reply.output_tokens, "latency_ms": reply.latency_ms,
                "first_token_ms": reply.first_token_ms}
        with self._connect() as db, db:
            db.execute("INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?)",
                       (key, self.identity, time.time(), json.dumps(data, ensure_ascii=False)))
