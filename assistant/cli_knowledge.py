"""`jianshi ingest`, `jianshi search` and `jianshi prepare`: the knowledge base on the command line.

Registered on the `main` group of assistant.cli (imported at the bottom of that module). Heavy modules
(Chroma, the embedding model, jieba) load only when a command runs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps

import click

from .cli import CONTEXT, _console, friendly_errors, main
from .knowledge.records import KINDS
from .workbench import Workbench

KIND_LABELS = {"notice": "通知方面", "problem": "问题", "cause": "原因", "measure": "措施", "reference": "自有材料"}
MODES = ("hybrid", "dense", "bm25")
EXCERPT_CHARS = 160


def index_errors(fn: Callable) -> Callable:
    """A failing index (a Chroma server that went away, a damaged index) becomes a Chinese message, not a traceback."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        from chromadb.errors import ChromaError

        from .retrieval.store import IndexUnavailable

        try:
            return fn(*args, **kwargs)
        except (ChromaError, ConnectionError) as exc:
            raise IndexUnavailable(f"知识库索引出错：{type(exc).__name__}",
                                   hint="若使用 Chroma 服务，请确认其仍在运行；本地索引可用 jianshi ingest --rebuild 重建") from exc
        except Exception as exc:
            if type(exc).__module__.startswith(("httpx", "httpcore")):
                raise IndexUnavailable("与 Chroma 服务的连接中断", hint="请确认 Chroma 服务仍在运行后重试") from exc
            raise

    return wrapper


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--rebuild", is_flag=True, help="清空知识库索引，重新导入给出的文件并重建内置知识库")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出导入结果")
@click.pass_obj
@friendly_errors
@index_errors
def ingest(bench: Workbench, paths: tuple[str, ...], rebuild: bool, as_json: bool) -> None:
    """把自己的材料（文件或文件夹；.txt、.md、.docx、.pdf）导入知识库，供检索和起草时引用。

    再次导入时只处理新增或改动过的文件；文件夹中已删除的文件会从知识库中移除。
    退出码：0 全部导入；2 有文件无法导入（其余文件照常导入）。
    """
    knowledge = bench.knowledge()
    if rebuild:
        from .retrieval.store import BANK_COLLECTION

        knowledge.store.drop(BANK_COLLECTION)
    result = knowledge.ingester.ingest(list(paths), rebuild=rebuild)
    if rebuild:
        knowledge.sync_bundled(force=True)
    if as_json:
        payload = {key: getattr(result, key) for key in ("added", "updated", "unchanged", "removed",
                                                         "chunks_added", "chunks_removed")}
        payload["errors"] = [vars(error) for error in result.errors]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        console = _console()
        if result.changed:
            console.print(f"[green]导入完成：[/]新增 {len(result.added)} 个文件，更新 {len(result.updated)} 个，"
                          f"未变 {len(result.unchanged)} 个，移除 {len(result.removed)} 个；"
                          f"写入 {result.chunks_added} 段，删除 {result.chunks_removed} 段。")
        elif result.unchanged:
            console.print(f"没有变化：{len(result.unchanged)} 个文件均已在知识库中且未改动。")
        if result.errors:
            errors = _console(stderr=True)
            errors.print(f"[bold red]错误：[/]以下 {len(result.errors)} 个文件未能导入（其余文件已正常处理）：")
            for error in result.errors:
                errors.print(f"  {error.path}：{error.message}" + (f"\n    [dim]{error.hint}[/]" if error.hint else ""))
    sys.exit(2 if result.errors else 0)


@main.command(context_settings=CONTEXT)
@click.argument("query")
@click.option("--kind", type=click.Choice(KINDS), help="只查某一类：notice 通知方面，problem 问题，cause 原因，measure 措施，reference 自有材料")
@click.option("--k", "k", type=click.IntRange(1, 100), default=5, show_default=True, help="返回条数")
@click.option("--dimension", help="原因维度，如 theory、party-spirit、people、responsibility、discipline、governance")
@click.option("--year", help="年度，如 2024（或 basic）")
@click.option("--area", help="对照方面：标题中的词句，或“年度:序号”如 2024:1")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True,
              help="检索方式：hybrid 混合，dense 语义向量，bm25 关键词")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检索结果")
@click.pass_obj
@friendly_errors
@index_errors
def search(bench: Workbench, query: str, kind: str | None, k: int, dimension: str | None, year: str | None,
           area: str | None, mode: str, as_json: bool) -> None:
    """在内置知识库和导入的材料中检索，列出可引用的段落及其编号。

    首次检索时会先为内置知识库建立索引（约需半分钟）。
    """
    from .retrieval.query import clean_query  # here: the retrieval package stays off the path of the quick commands

    clean_query(query)  # refuse a bad query before loading the index
    passages = bench.retriever().search(query, k, kind=kind, dimension=dimension, year=year, area=area, mode=mode)
    if as_json:
        results = [{key: value for key, value in p.to_dict().items() if key != "position"} for p in passages]
        for result, passage in zip(results, passages):
            result["source"] = f"{passage.source}#{passage.position}" if passage.position else passage.source
        click.echo(json.dumps({"results": results}, ensure_ascii=False, indent=2))
        return
    console = _console()
    if not passages:
        console.print("没有找到相关内容。可以换个说法，或用 jianshi ingest 导入自己的材料。")
        return
    for rank, p in enumerate(passages, start=1):
        dimension_text = "、".join(p.dimensions)
        unit = "段" if p.kind == "reference" else "条"
        console.print(f"[bold]{rank}.[/] [cyan]〔{p.id}〕[/] {KIND_LABELS.get(p.kind, p.kind)}"
                      + (f" · {dimension_text}" if dimension_text else "") + f" · [dim]{p.score:.3f}[/]")
        excerpt = p.text.replace("\n", " ")
        console.print(f"   {excerpt[:EXCERPT_CHARS]}{'…' if len(excerpt) > EXCERPT_CHARS else ''}")
        console.print(f"   [dim]来源：{p.source} 第 {p.position} {unit}[/]")


@main.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出准备结果")
@click.pass_obj
@friendly_errors
@index_errors
def prepare(bench: Workbench, as_json: bool) -> None:
    """预先建立内置知识库的索引和分词缓存，并拼合、核对内置模型文件，使启动后的第一个请求不必等待。

    安装时由 scripts/setup.sh 运行；内置知识库没有改动、模型文件已核对过时什么也不重建，几秒内完成。
    """
    import time

    from .models.factory import embedded_weights
    from .retrieval.store import BANK_COLLECTION

    settings = bench.settings
    knowledge = bench.knowledge()
    began = time.perf_counter()
    written = knowledge.sync_bundled()
    rows = len(knowledge.retriever.lexical.corpus())  # tokenises what is new into the on-disk cache
    index = {"folder": str(settings.home / "index") if not settings.chroma_url else settings.chroma_url,
             "rows_written": written, "rows": rows, "bundled_rows": knowledge.store.count(BANK_COLLECTION),
             "seconds": round(time.perf_counter() - began, 2)}
    weights = None
    if not settings.model_url:  # a remote endpoint needs no model file here, and is not contacted
        began = time.perf_counter()
        path, label = embedded_weights(settings)
        weights = {"path": str(path), "label": label, "seconds": round(time.perf_counter() - began, 2)}
    if as_json:
        click.echo(json.dumps({"index": index, "weights": weights}, ensure_ascii=False, indent=2))
        return
    console = _console()
    state = f"已更新，写入 {written} 条" if written else "已是最新，未重建"
    console.print(f"[green]内置知识库索引：[/]{state}（共 {index['bundled_rows']} 条，{index['seconds']} 秒）  {index['folder']}")
    console.print(f"[green]内置模型文件：[/]" + (f"{weights['label']} 已核对（{weights['seconds']} 秒）  {weights['path']}"
                                                if weights else "使用远程接口，无需准备"))
