"""The fast path's query vectors: encoded once per text, a bounded cache, the encoder's thread count."""

import threading

import pytest

from assistant.config import Settings, SettingsError
from assistant.retrieval.query_vectors import QueryVectors


class CountingEmbedding:
    """A stand-in encoder: a vector made from the text, and a record of every call and its thread count."""

    def __init__(self):
        self.calls = []
        self.threads = []

    def query_vector(self, text, *, threads=None):
        self.calls.append(text)
        self.threads.append((threads, threading.current_thread().name))
        return [float(len(text)), float(sum(map(ord, text)) % 97)]


def test_the_same_text_is_encoded_once_and_returns_the_same_vector():
    embedding = CountingEmbedding()
    vectors = QueryVectors(embedding, cache_size=8)
    first = vectors.vector("理论学习不够深入")
    again = vectors.vector("理论学习不够深入")
    other = vectors.vector("调查研究不够深入")
    assert first == again and first != other
    assert embedding.calls == ["理论学习不够深入", "调查研究不够深入"]
    assert (vectors.hits, vectors.misses) == (1, 2)


def test_the_cache_is_keyed_by_the_exact_text():
    embedding = CountingEmbedding()
    vectors = QueryVectors(embedding, cache_size=8)
    for text in ("请示报告", "请示报告 ", "请示报告制度"):
        vectors.vector(text)
    assert embedding.calls == ["请示报告", "请示报告 ", "请示报告制度"] and len(vectors) == 3


def test_the_cache_is_bounded_and_drops_the_least_recently_used_text():
    embedding = CountingEmbedding()
    vectors = QueryVectors(embedding, cache_size=2)
    vectors.vector("甲乙丙丁")
    vectors.vector("戊己庚辛")
    vectors.vector("甲乙丙丁")  # used again: now the most recent
    vectors.vector("壬癸子丑")  # pushes out 戊己庚辛, the least recently used
    assert len(vectors) == 2
    vectors.vector("甲乙丙丁")
    vectors.vector("戊己庚辛")
    assert embedding.calls == ["甲乙丙丁", "戊己庚辛", "壬癸子丑", "戊己庚辛"]


def test_a_cache_of_size_zero_keeps_nothing():
    embedding = CountingEmbedding()
    vectors = QueryVectors(embedding, cache_size=0)
    vectors.vector("理论学习")
    vectors.vector("理论学习")
    assert embedding.calls == ["理论学习", "理论学习"] and len(vectors) == 0


def test_each_retriever_owns_its_cache():
    embedding = CountingEmbedding()
    one, two = QueryVectors(embedding), QueryVectors(embedding)
    one.vector("理论学习")
    two.vector("理论学习")
    assert embedding.calls == ["理论学习", "理论学习"]
    one.clear()
    assert len(one) == 0 and len(two) == 1


def test_the_encoder_runs_on_the_worker_with_the_chosen_threads():
    embedding = CountingEmbedding()
    pinned, default = QueryVectors(embedding, threads=1), QueryVectors(embedding)
    pending = pinned.start("理论学习")
    assert pending.result() == pinned.vector("理论学习")
    default.vector("调查研究")
    (one, name), (every_core, _) = embedding.threads
    assert one == 1 and every_core is None and name.startswith("jianshi-query-vector")
    assert name != threading.current_thread().name
    pinned.close()
    default.close()


def test_the_fast_path_settings(monkeypatch):
    assert Settings().retrieval_fast is True and Settings().query_cache_size > 0
    monkeypatch.setenv("JIANSHI_RETRIEVAL_FAST", "0")
    monkeypatch.setenv("JIANSHI_QUERY_CACHE_SIZE", "16")
    settings = Settings()
    assert settings.retrieval_fast is False and settings.query_cache_size == 16
    monkeypatch.setenv("JIANSHI_QUERY_CACHE_SIZE", "-1")
    with pytest.raises(SettingsError) as caught:
        Settings()
    assert "JIANSHI_QUERY_CACHE_SIZE" in caught.value.message
