"""A scripted model for fast tests of the logic around the model."""

from __future__ import annotations

import json
from collections.abc import Callable

from .base import ChatModel, Message, ModelError, ModelReply, TokenCallback, feed_pieces

Reply = str | dict | ModelError | Callable[[list[Message]], str]


class FakeModel(ChatModel):
    """Replies from a queue; records every call in `history`.

    A queued dict is returned as JSON text, a queued ModelError is raised, a callable is called with the
    messages. When the queue is empty, `default` answers (or an error says the script ran out).
    """

    supports_schema = True

    def __init__(self, replies: list[Reply] | None = None, *, name: str = "fake", default: Reply | None = None) -> None:
        self.name = name
        self.queue: list[Reply] = list(replies or [])
        self.default = default
        self.history: list[dict] = []

    def enqueue(self, *replies: Reply) -> "FakeModel":
        self.queue.extend(replies)
        return self

    def complete(self, messages, *, max_tokens=512, temperature=0.2, json_schema=None, on_token=None, seed=None):
        self.history.append({"messages": list(messages), "max_tokens": max_tokens, "temperature": temperature,
                             "json_schema": json_schema, "seed": seed})
        if self.queue:
            reply = self.queue.pop(0)
        elif self.default is not None:
            reply = self.default
        else:
            raise AssertionError("FakeModel: no scripted reply left")
        if isinstance(reply, ModelError):
            raise reply
        if callable(reply):
            reply = reply(list(messages))
        text = json.dumps(reply, ensure_ascii=False) if isinstance(reply, dict) else str(reply)
        extra = {}
        if on_token:
            fed = feed_pieces(text, on_token)
            extra = {"stopped": True} if fed != text else {}
            text = fed
        prompt_chars = sum(len(m.content) for m in messages)
        return ModelReply(text=text, model=self.name, input_tokens=prompt_chars, output_tokens=len(text),
                          latency_ms=0.0, first_token_ms=0.0, extra=extra)
