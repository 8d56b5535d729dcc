"""Any OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen, Zhipu, Moonshot, Ollama, vLLM, llama.cpp server)
through langchain-openai. The embedded model is served on loopback and reached through this same class."""

from __future__ import annotations

import time

from ..errors import Cancelled
from .base import (ChatModel, ContextTooLong, Message, ModelAuthError, ModelError, ModelRateLimited, ModelReply,
                   ModelTimeout, ModelUnavailable, StopReply, TokenCallback)

CONTEXT_WORDS = ("context length", "context_length", "maximum context", "too many tokens", "exceeds the context",
                 "n_ctx", "context window")


class OpenAICompatModel(ChatModel):
    supports_schema = True

    def __init__(self, *, base_url: str, model: str, api_key: str = "sk-local", timeout: float = 120.0,
                 max_retries: int = 2, schema_style: str = "json_schema", label: str = "") -> None:
        self.base_url = base_url
        self.name = model
        self.api_key = api_key or "sk-local"
        self.timeout = timeout
        self.max_retries = max_retries
        self.schema_style = schema_style  # "json_schema" (OpenAI, vLLM) or "json_object" (llama.cpp server)
        self.label = label or base_url
        self._client = None

    def describe(self) -> dict:
        return {"name": self.name, "endpoint": self.label, "kind": "openai-compatible"}

    def _chat(self):
        if self._client is None:
            from langchain_openai import ChatOpenAI

            self._client = ChatOpenAI(base_url=self.base_url, api_key=self.api_key, model=self.name,
                                      timeout=self.timeout, max_retries=self.max_retries, stream_usage=True)
        return self._client

    def _response_format(self, schema: dict) -> dict:
        if self.schema_style == "json_object":
            return {"type": "json_object", "schema": schema}
        return {"type": "json_schema", "json_schema": {"name": "result", "schema": schema, "strict": False}}

    def complete(self, messages: list[Message], *, max_tokens: int = 512, temperature: float = 0.2,
                 json_schema: dict | None = None, on_token: TokenCallback | None = None,
                 seed: int | None = None) -> ModelReply:
        kwargs: dict = {"max_tokens": max_tokens, "temperature": temperature}
        if seed is not None:
            kwargs["seed"] = seed
        if json_schema is not None:
            kwargs["response_format"] = self._response_format(json_schema)
        chat = self._chat().bind(**kwargs)
        payload = [(m.role if m.role != "assistant" else "ai", m.content) for m in messages]
        start = time.perf_counter()
        first_token_ms = None
        pieces: list[str] = []
        chunks = 0
        usage: dict = {}
        stopped = False
        stream = chat.stream(payload)
        try:
            for chunk in stream:
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    chunks += 1
                    if first_token_ms is None:
                        first_token_ms = (time.perf_counter() - start) * 1000
                    pieces.append(text)
                    if on_token:
                        on_token(text)
                if getattr(chunk, "usage_metadata", None):
                    usage = chunk.usage_metadata
        except StopReply:  # raised by on_token: the text so far is enough (or already unusable)
            stream.close()
            stopped = True
        except Cancelled:  # raised by on_token when the drafter pressed 停止: not a model failure
            stream.close()  # drops the connection, so the server stops generating too
            raise
        except Exception as exc:  # mapped to Chinese messages; the draft is never touched here
            raise map_error(exc, self.label) from exc
        latency_ms = (time.perf_counter() - start) * 1000
        # Servers that stream no usage (llama.cpp's among them) send about one token a chunk.
        input_tokens = int(usage.get("input_tokens", 0) or 0) or self.count_prompt_tokens(messages)
        output_tokens = int(usage.get("output_tokens", 0) or 0) or chunks
        return ModelReply(text="".join(pieces), model=self.name, input_tokens=input_tokens,
                          output_tokens=output_tokens, latency_ms=latency_ms, first_token_ms=first_token_ms,
                          extra={"stopped": True} if stopped else {})

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        from ..tokens import count_tokens

        return sum(count_tokens(m.content) + 4 for m in messages)


def map_error(exc: Exception, endpoint: str) -> ModelError:
    """openai's exception family → a Chinese ModelError that says what to do next."""
    import openai

    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, openai.APITimeoutError):
        return ModelTimeout(f"模型服务响应超时（{endpoint}）", hint="可稍后重试，或在设置中调大 JIANSHI_MODEL_TIMEOUT")
    if isinstance(exc, openai.APIConnectionError):
        return ModelUnavailable(f"无法连接模型服务（{endpoint}）", hint="请确认模型服务已启动、地址正确；也可不设置远程地址，改用内置本地模型")
    if isinstance(exc, openai.RateLimitError):
        return ModelRateLimited("模型服务繁忙（请求过于频繁或额度不足），重试后仍未成功", hint="请稍等一分钟再试，或检查账户额度")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ModelAuthError("模型服务拒绝访问：API 密钥无效或没有权限", hint="请检查 OPENAI_API_KEY（或 JIANSHI_API_KEY）")
    if isinstance(exc, openai.NotFoundError):
        return ModelError("模型服务上找不到所配置的模型", hint="请检查 JIANSHI_MODEL 是否为该服务提供的模型名称")
    message = str(exc).lower()
    if isinstance(exc, openai.BadRequestError) and any(word in message for word in CONTEXT_WORDS):
        return ContextTooLong("输入内容超出模型的上下文长度", hint="请缩短所选材料或参考资料，或换用上下文更长的模型")
    if isinstance(exc, openai.APIStatusError):
        return ModelUnavailable(f"模型服务返回错误（状态码 {exc.status_code}）", hint="请稍后重试；多次失败请检查模型服务日志")
    return ModelError(f"调用模型失败：{type(exc).__name__}", hint="请稍后重试；多次失败请运行 jianshi models 检查配置")
