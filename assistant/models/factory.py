"""Build the configured model backend from Settings, and report what is configured and reachable."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from ..config import Settings
from .base import ChatModel, ModelError
from .embedded import EmbeddedModel, EmbeddedServer, default_binary
from .server_process import ServerRecords
from .openai_compat import OpenAICompatModel
from .weights import BUNDLED, check_gguf, ensure_weights, locate_parts


def build_model(settings: Settings, *, progress: Callable[[int, int], None] | None = None) -> ChatModel:
    if settings.model_url:
        if not settings.model:
            raise ModelError("已设置远程模型接口地址，但没有指定模型名称", hint="请设置 JIANSHI_MODEL，如 deepseek-chat")
        return OpenAICompatModel(base_url=settings.model_url, model=settings.model, api_key=settings.api_key or "",
                                 timeout=settings.model_timeout, max_retries=settings.model_retries,
                                 label=settings.model_url)
    path, label = embedded_weights(settings, progress=progress)
    logs = settings.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    server = EmbeddedServer(path, n_ctx=settings.model_context, n_threads=settings.model_threads,
                            log_path=logs / "model-server.log", records=ServerRecords(settings.home / "run"),
                            binary=settings.llama_server, speculation=settings.model_speculation,
                            cache_ram_mib=settings.model_cache_ram)
    return EmbeddedModel(server, label=label, timeout=max(settings.model_timeout, 300.0))


def embedded_weights(settings: Settings, *, progress=None) -> tuple[Path, str]:
    if settings.model_path:
        path = check_gguf(settings.model_path)
        return path, path.name
    weights = BUNDLED.get(settings.embedded_model)
    if weights is None:
        raise ModelError(f"没有名为“{settings.embedded_model}”的内置模型", hint=f"可选：{'、'.join(BUNDLED)}")
    return ensure_weights(weights, settings.home / "models", progress=progress), weights.label


def backend_status(settings: Settings) -> dict:
    """What `jianshi models` prints: the configured backend and whether it can be reached."""
    if settings.model_url:
        status = {"backend": "remote", "endpoint": settings.model_url, "model": settings.model or "（未设置）",
                  "api_key": "已设置" if settings.api_key else "未设置"}
        try:
            request = urllib.request.Request(settings.model_url.rstrip("/") + "/models",
                                             headers={"Authorization": f"Bearer {settings.api_key or 'sk-local'}"})
            with urllib.request.urlopen(request, timeout=5) as response:
                models = [m.get("id") for m in json.load(response).get("data", [])]
            status.update(reachable=True, served=models[:20])
        except (urllib.error.URLError, OSError, ValueError) as exc:
            status.update(reachable=False, reason=str(getattr(exc, "reason", exc)))
        return status
    status = {"backend": "embedded", "runtime": (settings.llama_server or default_binary()).is_file()}
    if settings.model_path:
        status.update(model=str(settings.model_path))
        try:
            check_gguf(settings.model_path)
            status.update(reachable=status["runtime"])
        except ModelError as exc:
            status.update(reachable=False, reason=exc.message)
        return status
    for key, weights in BUNDLED.items():
        entry = {"label": weights.label, "size": weights.size, "joined": (settings.home / "models" / weights.filename).exists()}
        try:
            locate_parts(weights)
            entry["installed"] = True
        except ModelError:
            entry["installed"] = False
        status[key] = entry
    chosen = status.get(settings.embedded_model, {})
    status.update(model=settings.embedded_model, reachable=status["runtime"] and bool(chosen.get("installed")))
    return status
