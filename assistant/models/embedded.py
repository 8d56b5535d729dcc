"""The embedded model, served on loopback by llama.cpp's own OpenAI-compatible server (`llama-server`).

Serving it (rather than loading it in-process) puts the embedded model on the same OpenAI-compatible path as
every other backend: one client, one error mapping, one log; and a crash in native code cannot take the web
UI down with it. The server is started on first use and ends with the app, however the app ends (see
server_process: the parent-death signal, the records of running servers, and `stop` at exit).

`llama-server` is built at set-up from the llama.cpp sources vendored in the llama-cpp-python source archive
(scripts/setup.sh) and installed next to the virtualenv's python. It serves one slot: requests are queued by
the client (one at a time per server), and concurrent first callers wait for one start rather than starting
two servers. With one slot, consecutive prompts that share a prefix (system text, examples) reuse its KV cache;
n-gram speculation (drafting tokens from the text already in the context) is available but off by default: on
two cores its drafts were accepted too rarely to pay (benchmarks/server_bench.py).
"""

from __future__ import annotations

import atexit
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .base import ModelFileError, ModelUnavailable
from .openai_compat import OpenAICompatModel
from .server_process import ServerRecords, spawn

ALIAS = "jianshi-local"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def default_binary() -> Path:
    """Where scripts/setup.sh installs llama-server: beside the virtualenv's python."""
    return Path(sys.executable).parent / "llama-server"


def llama_server_command(server: "EmbeddedServer", port: int) -> list[str]:
    command = [str(server.binary), "--model", str(server.model_path), "--alias", ALIAS,
               "--host", "127.0.0.1", "--port", str(port), "--ctx-size", str(server.n_ctx),
               "--threads", str(server.n_threads), "--threads-batch", str(server.n_threads),
               "--parallel", "1", "--no-webui", "--metrics", "--cache-ram", str(server.cache_ram_mib),
               # Read, not memory-mapped: the CPU backend repacks most weights into a copy of its own, so with mmap
               # the file's pages stay resident beside that copy (1.9 GB peak for the 1.5B instead of 1.3 GB).
               "--load-mode", "none"]
    if server.speculation != "off":
        command += ["--spec-type", server.speculation]
    return command


class EmbeddedServer:
    def __init__(self, model_path: Path, *, n_ctx: int = 4096, n_threads: int = 2, log_path: Path | None = None,
                 start_timeout: float = 180.0, records: ServerRecords | None = None,
                 command: Callable[["EmbeddedServer", int], list[str]] = llama_server_command,
                 binary: Path | None = None, speculation: str = "off", cache_ram_mib: int = 256) -> None:
        self.model_path = Path(model_path)
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.binary = Path(binary) if binary else default_binary()
        self.speculation = speculation  # a llama-server --spec-type, or "off"
        self.cache_ram_mib = cache_ram_mib  # host memory for prompt states kept beside the slot's own cache
        self.log_path = log_path
        self.start_timeout = start_timeout
        self.records = records  # where running servers are recorded, so a leftover is found at the next start
        self.command = command
        self._record: Path | None = None
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self._starting = threading.Lock()
        # Held for the whole of one completion: requests queue here. Re-entrant, so a caller may hold it across
        # several completions of one operation (the web UI does, to show the drafter a place in the queue).
        self.turn = threading.RLock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> str:
        with self._starting:
            if self.process is not None and self.process.poll() is None:
                return self.base_url
            return self._launch()

    def _launch(self) -> str:
        self.stop()  # a process that died or stopped answering is replaced
        if self.command is llama_server_command and not self.binary.is_file():
            raise ModelUnavailable(f"未找到内置模型运行程序 llama-server（{self.binary}）", hint="请运行 bash scripts/setup.sh")
        if self.records is not None:
            self.records.stop_leftovers()  # a server an earlier app could not stop holds gigabytes: end it
        self.port = free_port()
        command = self.command(self, self.port)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        try:
            self.process = spawn(command, log=log)
        finally:
            if log is not subprocess.DEVNULL:
                log.close()  # the child holds its own copy
        if self.records is not None:
            self._record = self.records.add(self.process, command, self.port)
        atexit.register(self.stop)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ModelFileError("内置模型启动失败", hint=f"请查看日志 {self.log_path}" if self.log_path else "请检查模型文件是否完整")
            if self._ready():
                return self.base_url
            time.sleep(0.25)
        self.stop()
        raise ModelUnavailable(f"内置模型在 {self.start_timeout:.0f} 秒内没有启动完成", hint="机器可能过于繁忙，请稍后重试")

    def _ready(self) -> bool:
        """llama-server answers 503 on every path but /health while it loads the weights."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=1) as response:
                return bool(json.load(response).get("data"))
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.records is not None:
            self.records.remove(self._record)
            self._record = None
        self.process = None


class EmbeddedModel(OpenAICompatModel):
    """The OpenAI-compatible client pointed at an EmbeddedServer it starts lazily."""

    def __init__(self, server: EmbeddedServer, *, label: str, timeout: float = 300.0) -> None:
        super().__init__(base_url="http://127.0.0.1:0/v1", model=ALIAS, timeout=timeout, max_retries=0,
                         schema_style="json_object", label=label)
        self.server = server

    def describe(self) -> dict:
        return {"name": self.label, "endpoint": "本机（内置模型）", "kind": "embedded", "path": str(self.server.model_path)}

    def _chat(self):
        if self._client is None:
            self.base_url = self.server.start()
        return super()._chat()

    def complete(self, messages, **kwargs):
        with self.server.turn:  # one completion at a time; the others wait their turn
            if self.server.process is None or self.server.process.poll() is not None:
                self._client = None  # first use, or the server died: (re)start it
            return super().complete(messages, **kwargs)

    def count_prompt_tokens(self, messages) -> int:
        """Exact for this model: its own tokenizer, through the server's tokenize endpoint."""
        text = "\n".join(m.content for m in messages)
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{self.server.port}/tokenize",
                                             data=json.dumps({"content": text}).encode(),
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as response:
                return len(json.load(response)["tokens"]) + 4 * len(messages)
        except (urllib.error.URLError, OSError, ValueError, KeyError):
            return super().count_prompt_tokens(messages)

    def close(self) -> None:
        self.server.stop()
        self._client = None
