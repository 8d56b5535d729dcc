"""The warm start: `jianshi ui` starts the embedded model's server and loads the index in the background, once,
and a request that comes meanwhile waits for that start; `jianshi prepare` (run by setup.sh) builds the bundled
index at set-up and rebuilds nothing that is current. The model server here is the stand-in of
tests/model_server_stub.py; the index is built from the small banks of tests/knowledge_fixtures.py."""

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import PROJECT_ROOT, Settings
from assistant.models.embedded import EmbeddedModel, EmbeddedServer
from assistant.retrieval.store import BANK_COLLECTION
from assistant.workbench import Workbench
from tests.knowledge_fixtures import PROBLEMS, write_banks, write_knowledge
from ui.services import Services
from ui.sessions import SessionStore

STUB = Path(__file__).parent / "model_server_stub.py"


class CountingRetriever:
    """Stands in for the index where a test is about the model: counts the searches."""

    def __init__(self) -> None:
        self.searches: list[str] = []

    def search(self, query, k=5, **filters):
        self.searches.append(query)
        return []

    def scoped(self, visible):
        return self


def stand_in_server(tmp_path, *extra: str) -> tuple[EmbeddedServer, list[int]]:
    """An EmbeddedServer on the stand-in; the list records every server process it launches."""
    launched: list[int] = []

    def command(server, port):
        launched.append(port)
        return [sys.executable, str(STUB), "--port", str(port), *extra]

    return EmbeddedServer(tmp_path / "model.gguf", command=command, start_timeout=30), launched


def services_with(tmp_path, server: EmbeddedServer | None, **settings) -> tuple[Services, CountingRetriever, list]:
    bench = Workbench.from_settings(Settings(home=tmp_path / "home", **settings))
    retriever = CountingRetriever()
    bench.retriever = lambda: retriever  # the index is not what these tests are about
    built: list = []

    def operations():
        built.append(1)
        model = EmbeddedModel(server, label="测试模型") if server else None
        return bench.operations(model=model, log=False)

    services = Services.build(bench, operations, store=SessionStore(tmp_path / "sessions.db"))
    return services, retriever, built


@pytest.fixture
def stop_servers():
    servers: list[EmbeddedServer] = []
    yield servers.append
    for server in servers:
        server.stop()


def test_warm_up_starts_the_server_once_in_the_background(tmp_path, stop_servers):
    server, launched = stand_in_server(tmp_path, "--delay", "1.5")
    stop_servers(server)
    services, retriever, built = services_with(tmp_path, server)
    began = time.monotonic()
    warming = services.warm_up()
    assert time.monotonic() - began < 1.0  # returns at once: the page is served meanwhile
    assert warming.wait(timeout=30) and warming.errors == {}
    assert launched and len(launched) == 1 and server.process.poll() is None and server._ready()
    assert retriever.searches  # the index was opened as well
    assert warming.seconds["model"] >= 1.5  # it waited for the server to answer
    model = services.operations().step.model
    assert model._client is not None and model.base_url == server.base_url  # and asked it for one token
    assert len(launched) == 1 and built == [1]  # the first request uses what the warm-up started


def test_warm_up_puts_each_drafting_prompts_stable_prefix_in_the_server_cache(tmp_path, stop_servers):
    from assistant.operations.base import PRIMED_PROMPTS

    log = tmp_path / "requests.jsonl"
    server, _ = stand_in_server(tmp_path, "--log", str(log))
    stop_servers(server)
    services, _, _ = services_with(tmp_path, server)
    assert services.warm_up().wait(timeout=60)
    requests = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    requests = [r for r in requests if "messages" in r]  # completions (token counts go to /tokenize)
    assert [r["messages"][-1]["content"] for r in requests[:1]] == ["好"]  # the server's one-time costs first
    primed = requests[1:]
    assert primed and all(r["max_completion_tokens"] == 1 for r in primed)
    step = services.operations().step
    for name in PRIMED_PROMPTS:
        prompt = step.prompt(name)  # the version in use
        full = [(m.role, m.content) for m in prompt.messages(**prompt.examples[0]["input"])]
        # one user turn more each call, ending with the whole prompt: no call holds the model long
        steps = [[(m["role"], m["content"]) for m in r["messages"]] for r in primed
                 if r["messages"][0]["content"] == prompt.system.strip()]
        assert [len(sent) for sent in steps] == [i + 1 for i, (role, _) in enumerate(full) if role == "user"]
        assert all(sent == full[:len(sent)] for sent in steps) and steps[-1] == full
        assert full[0] == ("system", prompt.system.strip()) and len(steps) == 1 + len(prompt.examples)


def test_priming_gives_way_to_a_drafters_request():
    from assistant.models.fake import FakeModel
    from assistant.operations.base import ModelStep
    from assistant.prompts import PromptLibrary

    calls = []
    model = FakeModel(default=lambda messages: calls.append(messages[0].content) or "好")
    step = ModelStep(model=model, prompts=PromptLibrary(PROJECT_ROOT / "prompts"), logbook=None)
    names = ("item_from_sucai", "cause_for_problems")
    turn = threading.RLock()
    with turn:  # a drafter's request holds the model: priming ends without a call
        outcome = []
        primer = threading.Thread(target=lambda: outcome.append(step.prime(names, turn, pause=0.01)))
        primer.start()
        primer.join(timeout=10)
    assert outcome == [[]] and calls == []
    assert step.prime(names, turn, pause=0.01) == [step.prompt(n).ref for n in names]  # the versions in use
    expected = [step.prompt(n).system.strip() for n in names for _ in range(1 + len(step.prompt(n).examples))]
    assert calls == expected and turn.acquire(blocking=False)
    turn.release()


def test_a_request_during_the_warm_up_waits_for_the_same_start(tmp_path, stop_servers):
    server, launched = stand_in_server(tmp_path, "--delay", "2")
    stop_servers(server)
    services, _, built = services_with(tmp_path, server)
    warming = services.warm_up()
    time.sleep(0.3)  # the warm-up is now starting the server
    began = time.monotonic()
    operations = services.operations()  # what a request does first
    waited = time.monotonic() - began
    assert waited > 0.5 and server._ready()  # it waited for the start under way, and the server answers now
    assert warming.wait(timeout=30)
    assert len(launched) == 1 and built == [1]
    assert operations is services.operations() and operations.step.model.server is server


def test_a_failed_warm_up_is_logged_and_reported_at_the_first_request(tmp_path, stop_servers, caplog):
    server, launched = stand_in_server(tmp_path, "--fail")
    stop_servers(server)
    services, _, _ = services_with(tmp_path, server)
    with caplog.at_level(logging.WARNING, logger="jianshi.warmup"):
        warming = services.warm_up()
        assert warming.wait(timeout=30)
    assert "model" in warming.errors and "index" not in warming.errors
    assert any("预热未完成" in r.getMessage() and "内置模型启动失败" in r.getMessage() for r in caplog.records)
    # The UI still works: a request that needs no model is answered, one that needs it reports the failure.
    owner = "browser-a"
    session = services.store.create(owner)
    state = {"owner": owner, "session": session.id, "section": None}
    assert "2024" in services.chat.reply("用2024年的通知", state)
    reply = services.chat.reply("写第一个方面", state)
    assert reply.startswith("没有完成：内置模型启动失败") and "Traceback" not in reply
    assert len(launched) == 2  # the request tried the start again, as it would without a warm-up


def test_warm_up_off_starts_nothing(tmp_path, stop_servers):
    server, launched = stand_in_server(tmp_path)
    stop_servers(server)
    services, retriever, built = services_with(tmp_path, server, warm_up=False)
    assert services.warm_up() is None
    time.sleep(0.5)
    assert launched == [] and built == [] and retriever.searches == [] and not services.operations.built()


def test_the_warm_up_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("JIANSHI_WARM_UP", "0")
    assert Settings().warm_up is False
    monkeypatch.setenv("JIANSHI_WARM_UP", "1")
    assert Settings().warm_up is True


def test_a_remote_endpoint_is_not_contacted_at_start(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(1.0)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
        services, retriever, built = services_with(tmp_path, None, model_url=url, model="remote-model")
        warming = services.warm_up()
        assert warming.wait(timeout=30)
        with pytest.raises(socket.timeout):
            listener.accept()
    assert built == [] and retriever.searches  # the index is warmed, the model is left alone


def test_jianshi_ui_comes_up_when_the_warm_up_fails(tmp_path, monkeypatch):
    """The command itself: the page is served at once although the warm-up fails (a model file that is not GGUF)."""
    import gradio as gr

    launched, warmups = [], []
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kwargs: launched.append(time.monotonic()))
    monkeypatch.setattr(Workbench, "retriever", lambda self: CountingRetriever())
    original = Services.warm_up
    monkeypatch.setattr(Services, "warm_up", lambda self: warmups.append(original(self)) or warmups[-1])
    bad = tmp_path / "not-a-model.gguf"
    bad.write_bytes(b"not a model")
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    free = port.getsockname()[1]
    port.close()
    result = CliRunner().invoke(main, ["ui", "--port", str(free)], env={"JIANSHI_MODEL_PATH": str(bad)})
    assert result.exit_code == 0, result.output
    assert launched and "正在后台启动内置模型" in result.output
    (warming,) = warmups
    assert warming.wait(timeout=30) and "不是 GGUF 格式" in warming.errors["model"].message


# ---- the set-up step: `jianshi prepare` ----------------------------------------------------------------
@pytest.fixture
def small_setup(tmp_path, monkeypatch):
    """A knowledge folder with the small banks, and a tiny GGUF file as the configured model."""
    knowledge = write_knowledge(tmp_path / "knowledge")
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF" + bytes(64))
    monkeypatch.setenv("JIANSHI_KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("JIANSHI_MODEL_PATH", str(model))
    return knowledge


def prepare() -> dict:
    result = CliRunner().invoke(main, ["prepare", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_prepare_builds_the_index_once_and_rebuilds_only_what_changed(small_setup, isolated_home):
    first = prepare()
    assert first["index"]["rows_written"] == first["index"]["bundled_rows"] > len(PROBLEMS)
    assert Path(first["index"]["folder"]) == isolated_home / "index"
    assert (isolated_home / "index" / "lexical" / "lexical-tokens.pkl").exists()  # jieba's tokens, kept on disk
    assert first["weights"]["path"].endswith("tiny.gguf")
    revision = Workbench.from_settings().knowledge().store.revision(BANK_COLLECTION)
    second = prepare()
    assert second["index"]["rows_written"] == 0 and second["index"]["rows"] == first["index"]["rows"]
    assert Workbench.from_settings().knowledge().store.revision(BANK_COLLECTION) == revision
    edited = [dict(p) for p in PROBLEMS]
    edited[0]["text"] += "会前沟通不充分。"
    write_banks(small_setup / "banks", problems=edited)
    assert prepare()["index"]["rows_written"] == 1
    # The first search of a later start finds the index on disk: nothing is written.
    bench = Workbench.from_settings()
    assert bench.retriever().search("请示报告", 1) and bench.knowledge().sync_bundled() == 0
    assert bench.knowledge().store.revision(BANK_COLLECTION) != revision


def test_the_warm_up_loads_the_index_jieba_and_the_embedding_model(small_setup, tmp_path):
    prepare()
    bench = Workbench.from_settings()
    services = Services.build(bench, lambda: None, store=SessionStore(tmp_path / "sessions.db"))
    services.workbench.settings.model_url = "http://127.0.0.1:9/v1"  # only the index step here
    warming = services.warm_up()
    assert warming.wait(timeout=120) and warming.errors == {}
    knowledge = bench.knowledge()
    assert knowledge.retriever.lexical.tokenize._jieba is not None  # jieba's dictionary is loaded
    assert knowledge.store.embedding._model is not None  # and the embedding model
    assert knowledge.retriever.lexical._corpus is not None and knowledge.sync_bundled() == 0


SETUP_STEP = """
set -euo pipefail
STAMP_DIR="$PWD/stamps"; VENV="$PWD/venv"; mkdir -p "$STAMP_DIR"
say() { echo "$*"; }
"""


def setup_step() -> str:
    """The set-up step of scripts/setup.sh that runs `jianshi prepare`, as written there."""
    setup = (PROJECT_ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    start = setup.index("# ---- the bundled knowledge index")
    return SETUP_STEP + setup[start:setup.index('say "安装完成', start)]


def test_setup_runs_prepare_once_and_again_only_when_knowledge_changes(tmp_path):
    root = tmp_path / "project"
    for folder in ("knowledge", "assistant/knowledge", "assistant/retrieval"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "requirements").mkdir()
    shutil.copy(PROJECT_ROOT / "requirements" / "models.txt", root / "requirements")
    index, calls = tmp_path / "home" / "index", tmp_path / "calls"
    bin_dir = root / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    (bin_dir / "jianshi").write_text(  # records its calls and answers as `jianshi prepare --json` does
        f'#!/bin/sh\necho "$*" >> "{calls}"\nmkdir -p "{index}"\n'
        f'echo \'{{"index": {{"folder": "{index}", "rows_written": 1}}, "weights": null}}\'\n', encoding="utf-8")
    (bin_dir / "jianshi").chmod(0o755)
    script = root / "step.sh"
    script.write_text(setup_step(), encoding="utf-8")

    def run() -> int:
        done = subprocess.run(["bash", str(script)], cwd=root, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "LC_ALL": "C.UTF-8"})
        assert done.returncode == 0, done.stderr
        return len(calls.read_text().splitlines()) if calls.exists() else 0

    assert run() == 1 and calls.read_text().strip() == "prepare --json"
    assert run() == 1  # nothing changed: not run again
    with (root / "knowledge" / "banks" / "problems.yaml").open("a", encoding="utf-8") as bank:
        bank.write("\n")
    assert run() == 2  # the knowledge changed
    assert run() == 2
    shutil.rmtree(index)
    assert run() == 3  # the index it recorded is gone (a new data directory)
