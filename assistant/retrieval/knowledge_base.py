"""Wiring from one Settings object: the index store, the ingester and the retriever, each built on first use."""

from __future__ import annotations

import threading
from pathlib import Path

from ..config import Settings
from ..knowledge.chunking import Chunker
from ..knowledge.ingest import Ingester
from ..textio import Limits
from .lexical import LexicalIndex
from .query_vectors import QueryVectors
from .retriever import Retriever
from .store import IndexStore


class KnowledgeBase:
    def __init__(self, *, settings: Settings, banks_dir: Path | None = None, notices_dir: Path | None = None,
                 store: IndexStore | None = None, progress: bool | None = None) -> None:
        self.settings = settings
        self.banks_dir = Path(banks_dir) if banks_dir else settings.knowledge_dir / "banks"
        self.notices_dir = Path(notices_dir) if notices_dir else settings.knowledge_dir / "notices"
        self.progress = progress
        self._store = store
        self._ingester: Ingester | None = None
        self._retriever: Retriever | None = None
        self._building = threading.RLock()  # the web UI's warm-up and a first request may ask at once

    @property
    def store(self) -> IndexStore:
        with self._building:
            if self._store is None:
                self._store = IndexStore.open(home=self.settings.home, chroma_url=self.settings.chroma_url)
        return self._store

    @property
    def ingester(self) -> Ingester:
        with self._building:
            if self._ingester is None:
                self._ingester = Ingester(store=self.store, chunker=Chunker(), limits=Limits.for_ingest(self.settings),
                                          progress=self.progress)
        return self._ingester

    @property
    def retriever(self) -> Retriever:
        with self._building:
            if self._retriever is None:
                lexical = LexicalIndex(store=self.store, cache_dir=Path(self.settings.home) / "index" / "lexical")
                queries = None
                if self.settings.retrieval_fast:
                    queries = QueryVectors(self.store.embedding, cache_size=self.settings.query_cache_size,
                                           threads=self.settings.embedding_threads)
                self._retriever = Retriever(store=self.store, lexical=lexical, prepare=self.sync_bundled,
                                            queries=queries)
        return self._retriever

    def sync_bundled(self, *, force: bool = False) -> int:
        """Index the bundled banks and notices if their content changed since they were last indexed."""
        return self.ingester.sync_bundled(self.banks_dir, self.notices_dir, force=force)
