"""The model seam: one `complete` call that returns a ModelReply, optionally streaming tokens."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import JianshiError


@dataclass(frozen=True)
class Message:
    role: str  # "system", "user" or "assistant"
    content: str


@dataclass
class ModelReply:
    text: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0
    first_token_ms: float | None = None
    extra: dict = field(default_factory=dict)


class StopReply(Exception):
    """Raised by an `on_token` callback to end a completion early: `complete` then returns the text so far,
    with `extra["stopped"]` set (the connection is dropped, so a server stops generating too)."""


def feed_pieces(text: str, on_token, size: int = 4) -> str:
    """Stream `text` to `on_token` a few characters at a time; returns what was fed before a StopReply."""
    fed = ""
    for i in range(0, len(text), size):
        fed = text[:i + size]
        try:
            on_token(text[i:i + size])
        except StopReply:
            return fed
    return text


class ModelError(JianshiError):
    """A model call failed; the message says why in Chinese and what to do."""

    exit_code = 3
    retryable = False


class ModelUnavailable(ModelError):
    retryable = True


class ModelTimeout(ModelError):
    retryable = True


class ModelRateLimited(ModelError):
    retryable = True


class ModelAuthError(ModelError):
    pass


class ContextTooLong(ModelError):
    pass


class ModelFileError(ModelError):
    pass


TokenCallback = Callable[[str], None]


class ChatModel(ABC):
    """A chat model. Implementations map their own failures to the ModelError family."""

    name: str = "model"
    supports_schema: bool = False  # grammar- or schema-constrained JSON output

    @abstractmethod
    def complete(self, messages: list[Message], *, max_tokens: int = 512, temperature: float = 0.2,
                 json_schema: dict | None = None, on_token: TokenCallback | None = None,
                 seed: int | None = None) -> ModelReply:
        """Run one chat completion. `on_token` receives text pieces as they stream."""

    def describe(self) -> dict:
        return {"name": self.name}

    def close(self) -> None:
        """Release what the backend holds (a server process, a connection)."""
