"""The model seam: fake, OpenAI-compatible client against a local server, weights, log, prompts, tokens."""

import re
import threading
import time
import sqlite3
from pathlib import Path

import pytest

from assistant.logbook import MIGRATIONS, CallRecord, Logbook, migrate
from assistant.models.base import (ContextTooLong, Message, ModelAuthError, ModelError, ModelFileError,
                                   ModelRateLimited, ModelTimeout, ModelUnavailable)
from assistant.models.embedded import free_port
from assistant.models.fake import FakeModel
from assistant.models.openai_compat import OpenAICompatModel
from assistant.models.weights import WeightsPackage, check_gguf, ensure_weights
from assistant.prompts import PromptError, PromptLibrary
from tests.openai_stub import StubOpenAI

CJK = re.compile(r"[\u4e00-\u9fff]")
HELLO = [Message("system", "你是助手"), Message("user", "你好")]


def test_fake_model_scripts_replies_and_records_calls():
    model = FakeModel(["一是学习不深。", {"dimension": "theory"}, ModelTimeout("超时")])
    tokens = []
    assert model.complete(HELLO, on_token=tokens.append).text == "一是学习不深。"
    assert "".join(tokens) == "一是学习不深。"
    assert model.complete(HELLO, json_schema={"type": "object"}).text == '{"dimension": "theory"}'
    with pytest.raises(ModelTimeout):
        model.complete(HELLO)
    assert len(model.history) == 3 and model.history[1]["json_schema"] == {"type": "object"}
    with pytest.raises(AssertionError):
        model.complete(HELLO)


def test_openai_compatible_streams_from_a_local_server():
    with StubOpenAI() as stub:
        stub.script.append({"text": "一是理论学习不够深入。"})
        model = OpenAICompatModel(base_url=stub.base_url, model="stub-model", max_retries=0)
        pieces = []
        reply = model.complete(HELLO, on_token=pieces.append, json_schema={"type": "object"}, seed=7)
        assert reply.text == "一是理论学习不够深入。" and "".join(pieces) == reply.text
        assert reply.input_tokens == 11 and reply.output_tokens == len(reply.text)
        assert reply.first_token_ms is not None and reply.latency_ms >= reply.first_token_ms
        sent = stub.requests[0]
        assert sent["messages"][1] == {"role": "user", "content": "你好"}
        assert sent["response_format"]["type"] == "json_schema" and sent["seed"] == 7


def test_a_reply_the_callback_stops_returns_the_text_so_far_from_a_local_server():
    from assistant.models.base import StopReply

    with StubOpenAI() as stub:
        stub.script.append({"text": "一是理论学习不够深入。比如，2024年只学了3次。"})
        model = OpenAICompatModel(base_url=stub.base_url, model="stub-model", max_retries=0)
        pieces = []

        def enough_at_first_sentence(piece):
            pieces.append(piece)
            if "。" in piece:
                raise StopReply()

        reply = model.complete(HELLO, on_token=enough_at_first_sentence)
        assert reply.extra == {"stopped": True} and reply.text == "".join(pieces)
        assert reply.text.startswith("一是理论学习不够深入。") and "2024" not in reply.text
        assert model.complete(HELLO).extra == {}  # the next call is a whole reply again (scripted default)


@pytest.mark.parametrize("status,message,error", [
    (401, "invalid api key", ModelAuthError),
    (429, "rate limited", ModelRateLimited),
    (400, "This model's maximum context length is 4096 tokens", ContextTooLong),
    (503, "overloaded", ModelUnavailable),
    (404, "model not found", ModelError),
])
def test_endpoint_failures_become_chinese_errors(status, message, error):
    with StubOpenAI() as stub:
        stub.script.extend([{"status": status, "message": message}] * 3)
        model = OpenAICompatModel(base_url=stub.base_url, model="stub-model", max_retries=0)
        with pytest.raises(error) as caught:
            model.complete(HELLO)
        assert CJK.search(caught.value.message) and caught.value.hint


def test_rate_limit_is_retried_with_backoff_then_succeeds():
    with StubOpenAI() as stub:
        stub.script.extend([{"status": 429, "message": "slow down"}, {"text": "好的"}])
        model = OpenAICompatModel(base_url=stub.base_url, model="stub-model", max_retries=2)
        assert model.complete(HELLO).text == "好的"
        assert len(stub.requests) == 2


def test_endpoint_down_and_slow():
    model = OpenAICompatModel(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", max_retries=0, timeout=2)
    with pytest.raises(ModelUnavailable) as caught:
        model.complete(HELLO)
    assert "无法连接" in caught.value.message
    with StubOpenAI() as stub:
        stub.script.append({"text": "迟到", "delay": 2.0})
        slow = OpenAICompatModel(base_url=stub.base_url, model="stub-model", max_retries=0, timeout=0.5)
        with pytest.raises(ModelTimeout):
            slow.complete(HELLO)


def _parts(tmp_path, data: bytes, count: int) -> list[Path]:
    size = len(data) // count + 1
    paths = []
    for i in range(count):
        path = tmp_path / f"part{i + 1:02d}.bin"
        path.write_bytes(data[i * size:(i + 1) * size])
        paths.append(path)
    return paths


def test_weights_join_once_and_verify(tmp_path, monkeypatch):
    import hashlib

    from assistant.models import weights as weights_module

    data = b"GGUF" + bytes(range(256)) * 1000
    parts = _parts(tmp_path, data, 3)
    good = WeightsPackage("t", "测试模型", "t.gguf", ("a", "b", "c"), len(data), hashlib.sha256(data).hexdigest())
    calls = []
    monkeypatch.setattr(weights_module, "locate_parts", lambda w: calls.append(w) or parts)
    progress = []
    path = ensure_weights(good, tmp_path / "models", progress=lambda done, total: progress.append(done))
    assert path.read_bytes() == data and progress[-1] == len(data)
    assert ensure_weights(good, tmp_path / "models") == path and len(calls) == 1  # second call: stamp only
    bad = WeightsPackage("u", "测试模型", "u.gguf", ("a", "b", "c"), len(data), "0" * 64)
    with pytest.raises(ModelFileError) as caught:
        ensure_weights(bad, tmp_path / "models")
    assert "校验失败" in caught.value.message
    assert not (tmp_path / "models" / "u.gguf").exists() and not (tmp_path / "models" / "u.partial").exists()


def test_a_checked_weights_file_is_not_hashed_again_unless_it_changed(tmp_path, monkeypatch):
    """Each start compares the stamp (checksum, size, times, inode): a file changed since its check is hashed
    again, and joined again from the parts when wrong, even when its size and modification time look the same."""
    import hashlib
    import os

    from assistant.models import weights as weights_module

    data = b"GGUF" + bytes(range(256)) * 1000
    parts = _parts(tmp_path, data, 3)
    good = WeightsPackage("t", "测试模型", "t.gguf", ("a", "b", "c"), len(data), hashlib.sha256(data).hexdigest())
    joins, hashes = [], []
    monkeypatch.setattr(weights_module, "locate_parts", lambda w: joins.append(w) or parts)
    real_sha = weights_module.sha256_of
    monkeypatch.setattr(weights_module, "sha256_of", lambda path: hashes.append(path) or real_sha(path))
    models = tmp_path / "models"
    path = ensure_weights(good, models)
    assert (len(joins), len(hashes)) == (1, 0)
    for _ in range(3):
        assert ensure_weights(good, models) == path
    assert (len(joins), len(hashes)) == (1, 0)  # started again: the stamp only

    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))  # touched, content the same
    assert ensure_weights(good, models) == path and (len(joins), len(hashes)) == (1, 1)
    assert ensure_weights(good, models) == path and (len(joins), len(hashes)) == (1, 1)  # stamped again

    before = path.stat()
    with path.open("r+b") as handle:  # one byte changed in place: same size, modification time put back
        handle.seek(100)
        handle.write(b"\xff")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert ensure_weights(good, models) == path and (len(joins), len(hashes)) == (2, 2)  # hashed, found wrong, joined
    assert path.read_bytes() == data

    path.with_suffix(".sha256").write_text(good.sha256)  # the stamp of an earlier version: the checksum alone
    assert ensure_weights(good, models) == path and (len(joins), len(hashes)) == (2, 3)
    assert ensure_weights(good, models) == path and (len(joins), len(hashes)) == (2, 3)


def test_missing_part_packages_and_bad_gguf(tmp_path):
    from assistant.models.weights import locate_parts

    missing = WeightsPackage("m", "不存在的模型", "m.gguf", ("no-such-package-part1",), 1, "0" * 64)
    with pytest.raises(ModelFileError) as caught:
        locate_parts(missing)
    assert "setup.sh" in caught.value.hint
    with pytest.raises(ModelFileError):
        check_gguf(tmp_path / "none.gguf")
    (tmp_path / "fake.gguf").write_bytes(b"not a model")
    with pytest.raises(ModelFileError):
        check_gguf(tmp_path / "fake.gguf")
    (tmp_path / "ok.gguf").write_bytes(b"GGUF....")
    assert check_gguf(tmp_path / "ok.gguf") == tmp_path / "ok.gguf"


def test_logbook_migrates_in_order_and_records(tmp_path):
    book = Logbook(tmp_path / "logs.db")
    record = CallRecord("draft_area", "draft_item", "1", "abc", "fake", 120, 40, 5.0, "ok", first_token_ms=1.0)
    book.record(record)
    book.record(CallRecord("analyze", "explain", "2", "def", "fake", 10, 4, 1.0, "error", "超时"))
    rows = book.recent()
    assert [r["operation"] for r in rows] == ["analyze", "draft_area"]
    assert rows[1]["input_tokens"] == 120 and rows[1]["first_token_ms"] == 1.0
    connection = sqlite3.connect(tmp_path / "logs.db")
    assert [r[0] for r in connection.execute("SELECT name FROM migrations ORDER BY rowid")] == [n for n, _ in MIGRATIONS]
    assert migrate(connection) == []  # idempotent
    off = Logbook(None)
    off.record(record)
    assert off.recent() == []


def test_prompt_library(tmp_path):
    folder = tmp_path / "prompts" / "rewrite"
    folder.mkdir(parents=True)
    (folder / "v1.yaml").write_text("system: 甲\ntemplate: '问题：{problem}'\n", encoding="utf-8")
    (folder / "v2.yaml").write_text(
        "system: 乙\ntemplate: '问题：{problem}；事实：{fact}'\nmax_tokens: 99\n"
        "examples:\n  - input: {problem: 学习不深, fact: 3月研讨1次}\n    output: 比如，3月只研讨1次。\n", encoding="utf-8")
    library = PromptLibrary(tmp_path / "prompts")
    assert library.names() == ["rewrite"] and library.versions("rewrite") == [1, 2]
    newest = library.get("rewrite")
    assert newest.ref == "rewrite@v2" and newest.max_tokens == 99 and len(newest.source_hash) == 16
    messages = newest.messages(problem="调研不实", fact="全年调研4次")
    assert [m.role for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[-1].content == "问题：调研不实；事实：全年调研4次"
    assert library.get("rewrite@v1").template == "问题：{problem}"
    with pytest.raises(PromptError) as caught:
        newest.render(problem="缺事实")
    assert "fact" in caught.value.message
    for bad in ("rewrite@v9", "nothing", "rewrite@latest"):
        with pytest.raises(PromptError):
            library.get(bad)
    (tmp_path / "prompts" / "in_use.yaml").write_text("rewrite: 1  # the eval preferred v1\n", encoding="utf-8")
    assert library.get("rewrite").ref == "rewrite@v1" and library.get("rewrite@v2").ref == "rewrite@v2"
    assert library.names() == ["rewrite"]
    (tmp_path / "prompts" / "in_use.yaml").write_text("rewrite: newest\n", encoding="utf-8")
    with pytest.raises(PromptError):
        library.get("rewrite")


class _AliveProcess:
    def poll(self):
        return None

    def terminate(self):
        pass


def test_embedded_server_starts_once_for_concurrent_callers(tmp_path):
    from assistant.models.embedded import EmbeddedServer

    launches = []

    class CountingServer(EmbeddedServer):
        def _launch(self):
            launches.append(1)
            time.sleep(0.3)  # a slow model load: the other callers must wait for it, not start their own
            self.port, self.process = 1, _AliveProcess()
            return self.base_url

    server = CountingServer(tmp_path / "m.gguf")
    urls = []
    threads = [threading.Thread(target=lambda: urls.append(server.start())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(launches) == 1 and urls == ["http://127.0.0.1:1/v1"] * 4


def test_embedded_model_queues_concurrent_requests(tmp_path):
    from assistant.models.embedded import EmbeddedModel, EmbeddedServer

    with StubOpenAI() as stub:
        stub.script.extend([{"text": f"回复{n}", "delay": 0.2} for n in range(3)])

        class StubServer(EmbeddedServer):
            def _launch(self):
                self.port, self.process = int(stub.base_url.split(":")[2].split("/")[0]), _AliveProcess()
                return self.base_url

        model = EmbeddedModel(StubServer(tmp_path / "m.gguf"), label="test")
        replies = []
        threads = [threading.Thread(target=lambda: replies.append(model.complete([Message("user", "好")]).text))
                   for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(replies) == ["回复0", "回复1", "回复2"]
        assert stub.most_active == 1  # the llama.cpp server would have dropped the overlapping ones
