"""The web UI's warm start: while the page opens, the embedded model's server starts and the index, jieba's
dictionary and the embedding model load in the background, so the first request finds them ready.

Each step runs in a thread of its own: the model server loads in its own process while the index loads in
this one. A request that comes during the warm-up asks for the same things through the same once-only doors
(Services.operations, Workbench.knowledge, the retriever's preparation, the server's start lock), so it waits
for what is under way rather than starting it a second time. A step that fails is logged and forgotten: the
first request that needs it tries again and reports the failure in Chinese, as it would without a warm-up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("jianshi.warmup")
STEP_LABELS = {"model": "启动内置模型", "index": "载入知识库索引、分词词典和向量模型"}


class WarmUp:
    def __init__(self, steps: dict[str, Callable[[], object]]) -> None:
        self.steps = steps
        self.seconds: dict[str, float] = {}  # how long each finished step took
        self.errors: dict[str, Exception] = {}  # the steps that failed, and why
        self._threads: list[threading.Thread] = []

    def start(self) -> "WarmUp":
        """Start every step in the background and return at once."""
        for name, step in self.steps.items():
            thread = threading.Thread(target=self._run, args=(name, step), name=f"jianshi-warm-up-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _run(self, name: str, step: Callable[[], object]) -> None:
        began = time.perf_counter()
        label = STEP_LABELS.get(name, name)
        try:
            step()
        except Exception as exc:  # noqa: BLE001  logged here; the first request tries again and reports it
            self.errors[name] = exc
            reason = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            log.warning("预热未完成（%s）：%s。首次使用时会再试一次并显示原因。", label, reason)
        finally:
            self.seconds[name] = round(time.perf_counter() - began, 2)
        if name not in self.errors:
            log.info("预热完成（%s）：%.1f 秒", label, self.seconds[name])

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for every step (each up to `timeout` seconds); True when all have finished."""
        for thread in self._threads:
            thread.join(timeout)
        return not any(thread.is_alive() for thread in self._threads)

    @property
    def done(self) -> bool:
        return all(not thread.is_alive() for thread in self._threads)
