"""Slow: the real embedded model (the 0.5B test model) through the real llama.cpp server path."""

import json

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.logbook import Logbook
from assistant.models.base import Message
from assistant.models.embedded import EmbeddedServer
from assistant.models.factory import backend_status, build_model, embedded_weights
from assistant.models.openai_compat import OpenAICompatModel
from assistant.models.weights import QWEN_0_5B, sha256_of
from assistant.notices import NoticeLibrary
from assistant.operations import Facts, Operations
from assistant.operations.catalog import Catalog
from assistant.prompts import PromptLibrary
from assistant.sucai import Sucai

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("embedded-home")


@pytest.fixture(scope="module")
def small_model(home):
    model = build_model(Settings(home=home, embedded_model="0.5b"))
    yield model
    model.close()


def test_weights_are_joined_and_verified(home):
    path, label = embedded_weights(Settings(home=home, embedded_model="0.5b"))
    assert path.stat().st_size == QWEN_0_5B.size and sha256_of(path) == QWEN_0_5B.sha256
    assert "0.5B" in label
    status = backend_status(Settings(home=home, embedded_model="0.5b"))
    assert status["backend"] == "embedded" and status["reachable"] and status["0.5b"]["joined"]


def test_embedded_model_streams_chinese(small_model):
    pieces = []
    reply = small_model.complete([Message("system", "你是公文写作助手。"), Message("user", "用一句话说明什么是民主生活会。")],
                                 max_tokens=60, on_token=pieces.append)
    assert reply.text and "".join(pieces) == reply.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in reply.text)
    assert reply.input_tokens > 10 and reply.output_tokens > 0 and reply.first_token_ms is not None


def test_schema_constrained_output_is_valid_json(small_model):
    schema = {"type": "object", "properties": {"dimension": {"type": "string", "enum": ["theory", "people"]}},
              "required": ["dimension"]}
    reply = small_model.complete([Message("user", "问题：对群众投诉回应慢。给出JSON，dimension 取 theory 或 people。")],
                                 max_tokens=40, json_schema=schema)
    assert json.loads(reply.text)["dimension"] in {"theory", "people"}


def test_openai_client_talks_to_the_local_server(home):
    """The OpenAI-compatible path, unchanged, against a llama.cpp server on loopback."""
    path, _ = embedded_weights(Settings(home=home, embedded_model="0.5b"))
    server = EmbeddedServer(path, n_ctx=2048)
    try:
        client = OpenAICompatModel(base_url=server.start(), model="jianshi-local", max_retries=0, timeout=300)
        reply = client.complete([Message("user", "只回答“好”。")], max_tokens=8)
        assert reply.text.strip()
    finally:
        server.stop()


def test_draft_area_end_to_end_on_the_small_model(home, small_model, tmp_path):
    from assistant.retrieval.knowledge_base import KnowledgeBase

    settings = Settings(home=home, embedded_model="0.5b")
    logbook = Logbook(tmp_path / "logs.db")
    ops = Operations(settings=settings, model=small_model, retriever=KnowledgeBase(settings=settings, progress=False).retriever,
                     catalog=Catalog(PROJECT_ROOT / "knowledge" / "banks"), prompts=PromptLibrary(PROJECT_ROOT / "prompts"),
                     logbook=logbook)
    notice = NoticeLibrary(PROJECT_ROOT / "knowledge" / "notices").get("2024")
    sucai = Sucai()
    for text in ("党组会议研究重大事项时，有3项事项先实施后报告，请示报告制度执行不严",
                 "对上级部署的道路安全专项整治，党组传达后没有专题研究，细化方案迟迟没有出台"):
        sucai.move(sucai.add("finding", text).id, 1)  # placed by hand: no sorting, no tie to break
    result = ops.draft_area(notice, 1, org="江川市市场监督管理局", kind="banzi", facts=Facts(), sucai=sucai)
    items = result.text.split("\n")[1:]
    assert items and [item[:2] for item in items] == ["一是", "二是", "三是"][: len(items)]
    assert all("比如" in item or "例如" in item for item in items)
    assert "〔参考库建议" not in result.text  # two entries of its own: no bank suggestion
    digits = {d for item in items for d in __import__("re").findall(r"\d+", item)}
    assert digits <= {"3"}  # nothing but the entries' figures survive the guard
    calls = logbook.recent()
    assert len(calls) >= len(items) and all(c["model"] == "jianshi-local" for c in calls)
