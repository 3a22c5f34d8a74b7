"""Fit on a sample, code in partitions: bounded memory at any size, the same work locally and on a cluster.

:func:`~wijkanalyse.coding.apply.code_store` works in two steps, in one process or on a Dask cluster alike:

The fit sample (:func:`fit_positions`)
    The coder is fitted on **every human-coded segment plus a seeded random sample of**
    :data:`FIT_SAMPLE_SIZE` **(20,000) of the other segments**, when a corpus has more other segments than
    that; below it on every segment, as before. What the fit takes from the uncoded segments is corpus
    statistics: the centre of the embeddings, the spread of the similarities (the zero-shot temperature),
    the character n-gram vocabulary and its SVD (already from an even spread of at most 1,500 texts) and the
    self-training examples; a random 20,000 estimate the first three to within sampling noise, and
    self-training draws its extra examples from them. So the fit's memory and time stop growing with the
    corpus (the features of a fitted segment take about 15 KB while fitting), and the fitted model is the
    same wherever it runs: the sample is drawn with ``numpy.random.default_rng(settings.seed)`` from the
    segments in segment-id order, so a rerun, a local run and a cluster run fit the same model.
Coding in partitions (:func:`partitions`, :func:`code_partition`)
    The segments to code are cut into partitions of at most :data:`CODE_PARTITION` distinct texts (every
    segment with the same text in the same partition). Per partition, the cached vectors are read, the
    texts not cached yet are embedded, the segments are coded, and the codings and new vectors go back to
    the caller, which writes them (one transaction per partition). Locally the partitions run one after
    the other; on a cluster each is a task on a worker (:mod:`.distributed`). Either way only the
    partitions in flight are in memory, never every segment's vector or features. Because the partitions
    are the same in both places, the embedder sees the same texts in the same chunks (use-m3's vectors are
    bit for bit equal only for equal 64-text chunks), which keeps the codes of a cluster run identical to
    a local one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wijkanalyse.coding.embed import Embedder, text_hash
from wijkanalyse.exceptions import SettingsError

__all__ = [
    "FIT_SAMPLE_SIZE",
    "CODE_PARTITION",
    "Partition",
    "fit_positions",
    "partitions",
    "code_partition",
]

#: Uncoded segments the coder is fitted on, at most (a seeded random sample when a corpus has more).
FIT_SAMPLE_SIZE = 20_000
#: Distinct texts per coding partition (one task on a cluster, one write transaction).
CODE_PARTITION = 2048

#: Per coded segment: the applied theme codes ``[(code, confidence), ...]``, the soort and its confidence.
Coded = list[tuple[list[tuple[str, float]], Any, float]]


def fit_positions(ids: Sequence[str], keep: Collection[str], size: int, seed: int) -> np.ndarray:
    """Return the positions (ascending) of the segments the coder is fitted on.

    Every segment in ``keep`` (the human-coded ones, check sample included), plus ``size`` of the others
    drawn at random without replacement (``numpy.random.default_rng(seed)``) when there are more than
    ``size`` others; otherwise every segment.

    Parameters
    ----------
    ids : sequence of str
        Segment ids, in the store's order (by segment id).
    keep : collection of str
        Segments always fitted on.
    size : int
        Others fitted on, at most (>= 0).
    seed : int

    Returns
    -------
    numpy.ndarray
        Positions into ``ids``.

    Raises
    ------
    SettingsError
        If ``size`` is negative.

    Examples
    --------
    >>> fit_positions(["a", "b", "c"], {"b"}, 5, seed=0).tolist()
    [0, 1, 2]
    >>> len(fit_positions([str(i) for i in range(100)], {"7"}, 10, seed=0))
    11
    """
    if size < 0:
        raise SettingsError(f"The fit sample size must be >= 0. Got {size} instead.")
    is_keep = np.fromiter((s in keep for s in ids), dtype=bool, count=len(ids))
    others = np.flatnonzero(~is_keep)
    if len(others) <= size:
        return np.arange(len(ids))
    pick = np.random.default_rng(seed).choice(others, size=size, replace=False)
    return np.sort(np.concatenate([np.flatnonzero(is_keep), pick]))


@dataclass
class Partition:
    """One partition of the segments to code: its distinct texts and the segments that have them."""

    index: int
    rows: np.ndarray  # positions of its segments in the texts being coded, ascending
    hashes: list[str]  # its distinct texts' hashes (the cache keys), in order of first appearance
    texts: list[str]  # those texts
    unique_of_row: np.ndarray  # per segment (in ``rows``), the position of its text in ``texts``


def partitions(
    texts: Sequence[str], size: int = CODE_PARTITION, hashes: Sequence[str] | None = None
) -> Iterator[Partition]:
    """Cut texts into partitions of at most ``size`` distinct texts, in order of first appearance.

    Every text's segments are in one partition, so a text is embedded once. Holds about 40 bytes per text
    besides the partition being yielded.

    Parameters
    ----------
    texts : sequence of str
    size : int
        Distinct texts per partition.
    hashes : sequence of str, optional
        ``text_hash`` of every text (the store's ``segments.text_hash``); computed when not given.
    """
    if size < 1:
        raise SettingsError(f"The partition size must be >= 1. Got {size} instead.")
    keys = list(hashes) if hashes is not None else [text_hash(t) for t in texts]
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), sort=False)
    del keys
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    first = order[np.searchsorted(sorted_codes, np.arange(len(uniques)))]  # first segment of each text
    for k, lo in enumerate(range(0, len(uniques), size)):
        hi = min(lo + size, len(uniques))
        a, b = np.searchsorted(sorted_codes, [lo, hi])
        rows = np.sort(order[a:b])
        yield Partition(
            index=k,
            rows=rows,
            hashes=[str(h) for h in uniques[lo:hi]],
            texts=[texts[i] for i in first[lo:hi]],
            unique_of_row=codes[rows] - lo,
        )


def code_partition(
    coder: Any,
    embedder: Embedder,
    texts: list[str],
    missing: list[int],
    cached: np.ndarray,
    unique_of_row: np.ndarray,
    questions: list[Any],
) -> tuple[Coded, np.ndarray]:
    """Embed a partition's texts that are not cached and code its segments (locally or on a worker).

    Parameters
    ----------
    coder : CodebookCoder
        Fitted.
    embedder : Embedder
        The coder's embedder (a worker's own copy on a cluster).
    texts : list of str
        The partition's distinct texts.
    missing : list of int
        Positions in ``texts`` of those without a cached vector (embedded here, in this order).
    cached : numpy.ndarray
        The cached vectors of the other texts, in the order of ``texts``.
    unique_of_row : numpy.ndarray
        Per segment, the position of its text in ``texts``.
    questions : list
        Per segment, the survey question key (or None).

    Returns
    -------
    (coded, new)
        Per segment ``(applied codes, soort, soort confidence)``; the vectors of ``missing``.
    """
    E = np.empty((len(texts), embedder.dim), dtype=np.float32)
    have = np.ones(len(texts), dtype=bool)
    have[missing] = False
    E[have] = cached
    new = embedder.embed([texts[i] for i in missing]) if missing else np.zeros((0, E.shape[1]), np.float32)
    E[missing] = new
    res = coder.code([texts[i] for i in unique_of_row], embeddings=E[unique_of_row], questions=questions)
    coded = list(zip(res["codes"], res["soort"], res["soort_confidence"].astype(float), strict=True))
    return coded, new
