"""Reciprocal rank fusion: one ranking from several, by rank alone (Cormack, Clarke and Büttcher, SIGIR 2009).

A keyword score (bm25) and a cosine similarity are on different scales; RRF ignores the scores and gives each
item ``sum(1 / (k + rank))`` over the rankings it appears in (rank 1 is the best), so an item ranked high by
both searches comes first, and an item found by one search still counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import TypeVar

from wijkanalyse.search.text import SearchError

__all__ = ["RRF_K", "reciprocal_rank_fusion"]

#: The constant of reciprocal rank fusion, as proposed by its authors.
RRF_K = 60

K = TypeVar("K", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[K]], k: int = RRF_K) -> list[tuple[K, float]]:
    """Fuse rankings by reciprocal rank: each item scores ``sum(1 / (k + rank))`` over the rankings.

    Parameters
    ----------
    rankings : sequence of sequences
        Each a ranking, best first, of hashable items (e.g. row numbers); an item appears at most once in one
        ranking.
    k : int, default 60
        Damps the weight of the first ranks.

    Returns
    -------
    list of (item, score)
        Best first; ties keep the order in which the items were first seen (the first ranking first).

    Raises
    ------
    SearchError
        If ``k`` is not an int >= 1.

    Examples
    --------
    >>> [(item, round(score, 4)) for item, score in reciprocal_rank_fusion([["a", "b"], ["b", "c"]])]
    [('b', 0.0325), ('a', 0.0164), ('c', 0.0161)]
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise SearchError(
            f"The 'k' parameter of reciprocal_rank_fusion must be an int >= 1. Got {k!r} instead."
        )
    scores: dict[K, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] += 1.0 / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
