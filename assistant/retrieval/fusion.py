"""Reciprocal-rank fusion: combine rankings by position, not by their incomparable scores.

score(d) = Σ 1 / (k + rank_i(d)), ranks from 1. k = 60 is the value of the original paper (Cormack et al.,
2009); it keeps one list's top hit from outweighing broad agreement between lists.
"""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], *, k: int = RRF_K,
                           weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Fused (id, score) pairs, best first; ties keep the order in which ids were first seen."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def normalized(fused: list[tuple[str, float]], lists: int, *, k: int = RRF_K) -> list[tuple[str, float]]:
    """Scale fused scores to 0–1, where 1 means first in every list."""
    best = lists / (k + 1)
    return [(item, round(score / best, 4)) for item, score in fused]
