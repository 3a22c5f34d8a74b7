"""Choosing what people code next: active sampling for teaching the machine, and a held-out check sample.

Strategies (:func:`choose_segments`, ``wijkanalyse review export --strategy ...``, the coding widget):

``uncertain``
    The candidates the machine is least sure about: the smallest *margin* to its decision (margin sampling,
    Scheffer et al. 2001). With forced choice the decision is which code leads: the margin between the two
    most likely theme classes. With the engine's threshold rule every code at or above the threshold is
    applied (``geen`` when none is), so the decision is one yes/no per code and the margin is the distance of
    the confidence closest to the threshold (the multi-label form of margin sampling, Brinker 2006). A segment
    no code fits (every confidence far below the threshold) is then a sure ``geen``, not an uncertain case.
    The margin is used rather than the entropy because it looks only at the decision that a person's code
    would settle, and it does not grow with the size of the codebook.
``diverse``
    One batch spread over the corpus: k-means with as many clusters as segments asked for, on the candidates'
    (L2-normalised) embeddings, and from every cluster the segment closest to its centre. One batch never asks
    forty near-duplicates, and every region of the corpus is represented.
``mix`` (the default for teaching)
    Both at once, as in *diverse mini-batch active learning* (Zhdanov 2019): the ``10 x n`` most uncertain
    candidates are clustered into ``n`` clusters with k-means weighted by uncertainty (``1 - margin``), and
    from each cluster the candidate closest to its centre is taken. Uncertainty alone picks near-duplicates
    of one confusing kind of text; diversity alone spends codings on what the machine already gets right.
``random``
    A simple random sample of the candidates (the baseline of ``benchmarks/bench_learning_curve.py``).
``check``
    A stratified random sample (strata: wijk x kind of source, proportional allocation by largest
    remainders, a simple random sample within each stratum) that is **marked as the check sample**
    (:meth:`~wijkanalyse.store.Store.mark_check_sample`): it is never used for training, so agreement between
    machine and people on it estimates the machine's accuracy honestly. Its sheet is blind by default. Given a
    ``coder``, the check segments already drawn that this person has not coded come first (so that a second
    person double-codes the same check, the human-human ceiling), then new ones are drawn.

Candidates for every strategy: segments to code (no boilerplate) that nobody has coded by hand and that are
not in the check sample. The machine's probabilities come from the coding engine of the store's coding state
as it is now (:func:`machine_view`): the model ``wijkanalyse code`` kept when nobody coded since, else the
engine refitted (learning from people's codes outside the check sample) and kept, so a round of coding
sharpens the next round's choice without running ``wijkanalyse code`` in between.

The selection functions (:func:`pick_uncertain`, :func:`pick_diverse`, :func:`pick_mix`,
:func:`pick_random`, :func:`allocate`, :func:`pick_stratified`) work on arrays, so the benchmark and the
store use the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

from wijkanalyse.review.decisions import ReviewError, select_segments
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import CITY

if TYPE_CHECKING:  # pragma: no cover
    from wijkanalyse.config import Settings

__all__ = [
    "STRATEGIES",
    "TEACHING_STRATEGIES",
    "margins",
    "pick_random",
    "pick_uncertain",
    "pick_diverse",
    "pick_mix",
    "allocate",
    "pick_stratified",
    "candidate_segments",
    "MachineView",
    "machine_view",
    "choose_segments",
]

#: Strategies that choose segments to teach the machine.
TEACHING_STRATEGIES = ("mix", "uncertain", "diverse", "random")
#: Every strategy: the teaching ones and the check sample.
STRATEGIES = (*TEACHING_STRATEGIES, "check")
#: How many times the batch size the uncertainty pre-filter of ``mix`` keeps (Zhdanov 2019 uses 10).
MIX_POOL_FACTOR = 10


# -- selection on arrays -----------------------------------------------------------------------------------
def margins(proba: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """Return per row the margin to the decision: the top probability minus the second's (1 with one class).

    Parameters
    ----------
    proba : numpy.ndarray
        Shape ``(n, classes)``.
    threshold : float, optional
        The decision threshold (every class at or above it is applied, ``geen`` when none is): the margin is
        then the distance of the probability closest to it. None: forced choice, the top two's difference.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``; small is uncertain.
    """
    p = np.asarray(proba, dtype=float)
    if p.ndim != 2 or p.shape[1] == 0:
        raise ValueError(f"proba must have shape (n, classes) with classes >= 1. Got {p.shape}.")
    if threshold is not None:
        return np.abs(p - float(threshold)).min(axis=1)
    if p.shape[1] == 1:
        return np.ones(len(p))
    top2 = -np.partition(-p, 1, axis=1)[:, :2]
    return top2[:, 0] - top2[:, 1]


def pick_random(n_candidates: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Return ``min(n, n_candidates)`` distinct positions drawn at random."""
    return rng.choice(n_candidates, size=min(n, n_candidates), replace=False)


def pick_uncertain(
    proba: np.ndarray, n: int, rng: np.random.Generator, threshold: float | None = None
) -> np.ndarray:
    """Return the positions of the ``n`` smallest :func:`margins`, smallest first (ties in random order)."""
    m = margins(proba, threshold)
    order = np.lexsort((rng.random(len(m)), m))
    return order[: min(n, len(m))]


def _closest_to_centres(X: np.ndarray, n: int, seed: int, weights: np.ndarray | None = None) -> np.ndarray:
    """k-means with ``n`` clusters on the rows of ``X``; per cluster the row closest to its centre."""
    if len(X) <= n:
        return np.arange(len(X))
    Xn = X / np.clip(np.linalg.norm(X, axis=1, keepdims=True), 1e-12, None)
    km = KMeans(n_clusters=n, n_init=3, random_state=seed).fit(Xn, sample_weight=weights)
    dist = km.transform(Xn)  # distance of every row to every centre
    chosen: list[int] = []
    for k in range(n):
        members = np.flatnonzero(km.labels_ == k)
        if len(members):
            chosen.append(int(members[np.argmin(dist[members, k])]))
    if len(chosen) < n:  # an empty cluster (duplicates): fill with the rows farthest from every chosen one
        rest = np.setdiff1d(np.arange(len(X)), chosen)
        far = rest[np.argsort(-dist[rest].min(axis=1), kind="stable")]
        chosen.extend(far[: n - len(chosen)].tolist())
    return np.array(chosen)


def pick_diverse(X: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """Return ``min(n, len(X))`` positions spread over the rows of ``X`` (one per k-means cluster).

    Parameters
    ----------
    X : numpy.ndarray
        Embeddings of the candidates, shape ``(m, dim)``.
    n : int
    seed : int, default 0

    Returns
    -------
    numpy.ndarray
        Distinct positions into ``X``.
    """
    return _closest_to_centres(np.asarray(X, dtype=float), n, seed)


def pick_mix(
    proba: np.ndarray, X: np.ndarray, n: int, seed: int = 0, threshold: float | None = None
) -> np.ndarray:
    """Return ``n`` positions that are uncertain *and* spread (diverse mini-batch active learning).

    The ``MIX_POOL_FACTOR x n`` candidates with the smallest margins are clustered into ``n`` clusters with
    k-means weighted by ``1 - margin``; from each cluster the candidate closest to its centre is taken.

    Parameters
    ----------
    proba : numpy.ndarray
        The machine's probabilities for the candidates, shape ``(m, classes)``.
    X : numpy.ndarray
        Their embeddings, shape ``(m, dim)``.
    n : int
    seed : int, default 0
    threshold : float, optional
        The decision threshold (see :func:`margins`); None for forced choice.

    Returns
    -------
    numpy.ndarray
        Distinct positions into the candidates.
    """
    rng = np.random.default_rng(seed)
    pool = pick_uncertain(proba, MIX_POOL_FACTOR * n, rng, threshold)
    weights = np.clip(1.0 - margins(proba, threshold)[pool], 1e-3, None)
    chosen = _closest_to_centres(np.asarray(X, dtype=float)[pool], n, seed, weights)
    return pool[chosen]


def allocate(sizes: Mapping[Hashable, int], n: int) -> dict[Hashable, int]:
    """Split ``n`` over strata in proportion to their sizes (largest remainder; ties: the larger stratum).

    Parameters
    ----------
    sizes : mapping
        Stratum -> number of candidates in it.
    n : int
        The sample size (at most the total).

    Returns
    -------
    dict
        Stratum -> how many to draw from it; never more than it holds.

    Examples
    --------
    >>> allocate({"a": 6, "b": 3, "c": 1}, 4)
    {'a': 2, 'b': 1, 'c': 1}
    """
    total = sum(sizes.values())
    n = min(int(n), total)
    if total == 0:
        return {k: 0 for k in sizes}
    quotas = {k: n * v / total for k, v in sizes.items()}
    out = {k: int(np.floor(q)) for k, q in quotas.items()}
    keys = list(sizes)
    order = sorted(keys, key=lambda k: (-(quotas[k] - out[k]), -sizes[k], keys.index(k)))
    for k in order[: n - sum(out.values())]:
        out[k] += 1
    return out


def pick_stratified(strata: Sequence[Hashable], n: int, rng: np.random.Generator) -> np.ndarray:
    """Return positions of a stratified random sample: :func:`allocate`, then at random within each stratum.

    Parameters
    ----------
    strata : sequence
        The stratum of every candidate.
    n : int
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray
        Distinct positions, stratum by stratum.
    """
    labels = list(strata)
    groups: dict[Hashable, list[int]] = {}
    for i, s in enumerate(labels):
        groups.setdefault(s, []).append(i)
    quota = allocate({k: len(v) for k, v in groups.items()}, n)
    chosen: list[int] = []
    for k, members in groups.items():
        if quota[k]:
            chosen.extend(int(i) for i in rng.choice(members, size=quota[k], replace=False))
    return np.array(chosen, dtype=int)


# -- on a store --------------------------------------------------------------------------------------------
def candidate_segments(store: Store, *, wijk: str | None = None, code: str | None = None) -> pd.DataFrame:
    """Return the segments that may be chosen: to code (no boilerplate), coded by nobody, not in the check.

    Parameters
    ----------
    store : Store
    wijk, code : str, optional
        Only segments of this wijk / with this code (see
        :func:`~wijkanalyse.review.decisions.select_segments`).

    Returns
    -------
    pandas.DataFrame
        The store's segment columns plus ``path``, in document order.
    """
    segs = select_segments(store, wijk=wijk, code=code)
    taken = set(store.human_coded_segments()["segment_id"]) | store.check_segment_ids()
    keep = (segs["boilerplate"] == 0) & ~segs["segment_id"].isin(taken)
    return segs[keep].reset_index(drop=True)


class MachineView(NamedTuple):
    """The machine's view of some segments (:func:`machine_view`)."""

    proba: np.ndarray  # theme probabilities, shape (segments, classes)
    embeddings: np.ndarray  # their embeddings, shape (segments, dim)
    threshold: float | None  # the engine's decision threshold as fitted; None with forced choice
    refit: bool  # True: no kept model matched the coding state, the engine was fitted now (and kept)
    model: str  # the model id (``...+learned:<hash of the human codings>`` once people coded)
    reason: str  # why it was fitted (empty when the kept model was used)


def machine_view(store: Store, settings: Settings, segment_ids: Sequence[str]) -> MachineView:
    """Return the coding engine's view of some segments, with the model of the store's coding state.

    The engine is the one ``wijkanalyse code`` kept next to the store when it was fitted on the same coding
    state (embedder, codebook version, threshold, human codings, check sample and seed:
    :func:`~wijkanalyse.coding.history.store_coder`), so an export right after ``code`` fits nothing. When
    people coded since (a round imported), the engine is fitted as ``code`` fits it (on every segment,
    learning from people's codes outside the check sample) and kept for the next export and ``code`` run:
    one round of coding sharpens the next round's choice without running ``code`` in between.

    Parameters
    ----------
    store : Store
    settings : Settings
        Uses ``embedder``, ``codebook_path``, ``coding_threshold`` and ``seed`` (as ``wijkanalyse code``).
    segment_ids : sequence of str
        Segments to code (no boilerplate).

    Returns
    -------
    MachineView
    """
    from wijkanalyse.coding.codebook import settings_codebook
    from wijkanalyse.coding.embed import EmbeddingCache, embed_with_cache, get_embedder
    from wijkanalyse.coding.history import store_coder

    cb = settings_codebook(settings)
    emb = get_embedder(settings.embedder)
    segs = store.segments_to_code()
    text = dict(zip(segs["segment_id"], segs["text"], strict=True))
    missing = [s for s in segment_ids if s not in text]
    if missing:
        raise ReviewError(f"Not segments to code in {store.path}: {missing[:5]}.")
    texts = [text[s] for s in segment_ids]
    with EmbeddingCache.for_store(store) as cache:
        kept = store_coder(
            store, cb, emb, cache, threshold=float(settings.coding_threshold), seed=int(settings.seed),
            progress=False,
        )  # fmt: skip
        E = embed_with_cache(emb, texts, cache, progress=False)
        proba = kept.coder.predict_proba(texts, embeddings=E)
        kept.coder.cache = None
    coder = kept.coder
    threshold = None if getattr(coder, "forced_", False) else float(coder.threshold_)
    return MachineView(np.asarray(proba), E, threshold, kept.refit, kept.model, kept.reason)


def _which_model(view: MachineView) -> str:
    """One line for the user: which model chose, and why it was refitted."""
    if view.refit:
        return (
            f"Coding engine refitted for this choice ({view.reason}); kept for the next export and "
            f"'wijkanalyse code'. Model: {view.model}."
        )
    return f"Coding engine: the model kept for this coding state (no refit). Model: {view.model}."


def _check_segments(
    store: Store, n: int, cands: pd.DataFrame, base_ids: set[str], coder: str | None, seed: int
) -> tuple[list[str], list[str]]:
    """Return (check segments already drawn that ``coder`` has not coded, new stratified draws)."""
    pending: list[str] = []
    if coder is not None:
        done = store.human_coded_segments()
        done_ids = set(done.loc[done["coder_id"] == coder, "segment_id"])
        drawn = store.check_sample()["segment_id"]
        pending = [s for s in drawn if s not in done_ids and s in base_ids][:n]
    strata = list(zip(cands["wijk"].fillna(CITY), cands["kind"].fillna("onbekend"), strict=True))
    pick = pick_stratified(strata, n - len(pending), np.random.default_rng(seed))
    return pending, cands["segment_id"].iloc[np.sort(pick)].tolist()


def choose_segments(
    store: Store,
    strategy: str,
    n: int,
    *,
    coder: str | None = None,
    seed: int = 0,
    settings: Settings | None = None,
    wijk: str | None = None,
    code: str | None = None,
    mark: bool = True,
    blind: bool = True,
    report: Callable[[str], None] | None = None,
) -> list[str]:
    """Choose ``n`` segments for people to code next (see the module docstring for the strategies).

    Parameters
    ----------
    store : Store
    strategy : {"mix", "uncertain", "diverse", "random", "check"}
    n : int
        How many (fewer when fewer candidates are left).
    coder : str, optional
        Who will code them. For ``check``, their check segments not yet coded come first.
    seed : int, default 0
        Same store, same seed: the same choice.
    settings : Settings, optional
        Needed by ``mix``, ``uncertain`` and ``diverse`` (the embedder and codebook of the coding engine).
    wijk, code : str, optional
        Only segments of this wijk / with this code.
    mark : bool, default True
        With ``check``: add the new draws to the check sample
        (:meth:`~wijkanalyse.store.Store.mark_check_sample`).
    blind : bool, default True
        With ``check``: recorded with the marked segments (whether they go out without machine proposals).
    report : callable, optional
        Called with one line saying which model chose (the kept one, or refitted and why); the CLI prints it.

    Returns
    -------
    list of str
        Distinct segment ids; never a segment coded by a person, and for teaching never a check segment.

    Raises
    ------
    ReviewError
        An unknown strategy, ``n < 1``, or a strategy that needs the engine without ``settings``.
    """
    if strategy not in STRATEGIES:
        raise ReviewError(f"Unknown sampling strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}.")
    if int(n) < 1:
        raise ReviewError(f"The number of segments to choose must be at least 1. Got {n!r}.")
    n = int(n)
    cands = candidate_segments(store, wijk=wijk, code=code)
    if strategy == "check":
        base = set(select_segments(store, wijk=wijk, code=code)["segment_id"])
        pending, new = _check_segments(store, n, cands, base, coder, seed)
        if mark and new:
            store.mark_check_sample(new, blind=blind, strategy="stratified")
        return pending + new
    if cands.empty:
        return []
    ids = cands["segment_id"].tolist()
    if strategy == "random":
        return [ids[i] for i in pick_random(len(ids), n, np.random.default_rng(seed))]
    if settings is None:
        raise ReviewError(f"The strategy {strategy!r} needs the coding engine: pass the corpus settings.")
    view = machine_view(store, settings, ids)
    proba, E, threshold = view.proba, view.embeddings, view.threshold
    if report is not None:
        report(_which_model(view))
    if strategy == "uncertain":
        pick = pick_uncertain(proba, n, np.random.default_rng(seed), threshold)
    elif strategy == "diverse":
        pick = pick_diverse(E, n, seed)
    else:
        pick = pick_mix(proba, E, n, seed, threshold)
    return [ids[i] for i in pick]
