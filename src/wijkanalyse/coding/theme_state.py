"""Themes that stay put between discovery runs: the state a run leaves, and how the next run uses it.

A full fit (:class:`~wijkanalyse.coding.theme_model.ThemeModel`) is the expensive part of discovery: UMAP over
every segment. A later run does not repeat it when little is new. It keeps every earlier segment in its theme
and places each new segment with :func:`assign_to_themes`: at the nearest theme *centre* (the mean of the
theme's embeddings, in the embedder's own space) when it is at least as close to that centre as most of the
theme's own members are (the *cut-off*, from the theme's spread: the :data:`CUTOFF_QUANTILE` quantile of its
core members' cosine similarity to the centre). A segment that fits no theme waits, without a theme, until
the waiting segments are too many (the setting ``discovery.refit_share``) or form a theme of their own; then,
or on ``wijkanalyse discover --refit``, every theme is fitted anew and :func:`match_themes` carries the old
ids over (Hungarian assignment on the overlap of the segments, :func:`scipy.optimize.linear_sum_assignment`):
a new theme that is mostly an old one keeps its id, label and promoted code; a theme with no match gets an id
never used before, so an id never changes meaning.

:class:`ThemeState` holds what the next run needs (the run it belongs to, the embedder, the seed, and per
theme its id, centre and cut-off) in ``themes_state.npz`` beside the store, written atomically; the themes
themselves and every segment's theme are in the store (tables ``themes`` and ``segment_themes``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "STATE_FILE",
    "CUTOFF_QUANTILE",
    "MIN_MATCH_OVERLAP",
    "ThemeState",
    "theme_centres",
    "assign_to_themes",
    "match_themes",
]

#: The file beside the store that holds the :class:`ThemeState` of the newest discovery run.
STATE_FILE = "themes_state.npz"
#: A new segment joins a theme when it is closer to the centre than this share of the theme's core members
#: is not: the 10th percentile of their similarities to the centre.
CUTOFF_QUANTILE = 0.10
#: A refitted theme takes the id of an old one when their segments overlap at least this much (Jaccard).
MIN_MATCH_OVERLAP = 0.3


def _unit(E: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    return np.asarray(E / np.where(norms == 0, 1.0, norms), dtype=np.float32)


@dataclass
class ThemeState:
    """What the next discovery run needs of this one, kept in :data:`STATE_FILE` beside the store.

    Attributes
    ----------
    run_id : str
        The discovery run this state belongs to (a state of another run than the store's newest is not used).
    model_id : str
        The embedder's model id (another embedder means another space: a full refit).
    seed : int
    min_theme_size : int
    next_theme_id : int
        The next unused theme id (ids of retired themes are never given out again).
    theme_ids : numpy.ndarray
        Shape ``(k,)``.
    centres : numpy.ndarray
        Shape ``(k, dim)``, unit length.
    cutoffs : numpy.ndarray
        Shape ``(k,)``: the lowest cosine similarity to the centre of a segment that joins the theme.
    codebook : str
        Version tag of the codebook the themes' coverage was computed with (another one: computed again).
    """

    run_id: str
    model_id: str
    seed: int
    min_theme_size: int
    next_theme_id: int
    theme_ids: np.ndarray
    centres: np.ndarray
    cutoffs: np.ndarray
    codebook: str = ""

    def save(self, folder: Path) -> Path:
        """Write the state to ``folder/themes_state.npz`` atomically (a temporary file, then a rename)."""
        folder = Path(folder)
        target = folder / STATE_FILE
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".themes_state-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(
                    fh,
                    run_id=np.array(self.run_id),
                    model_id=np.array(self.model_id),
                    codebook=np.array(self.codebook),
                    numbers=np.array([self.seed, self.min_theme_size, self.next_theme_id], dtype=np.int64),
                    theme_ids=np.asarray(self.theme_ids, dtype=np.int64),
                    centres=np.asarray(self.centres, dtype=np.float32),
                    cutoffs=np.asarray(self.cutoffs, dtype=np.float32),
                )
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return target

    @classmethod
    def load(cls, folder: Path) -> ThemeState | None:
        """Read the state beside a store; None when there is none or it is unreadable (a full fit follows)."""
        path = Path(folder) / STATE_FILE
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as z:
                seed, min_size, next_id = (int(v) for v in z["numbers"])
                return cls(
                    run_id=str(z["run_id"]),
                    model_id=str(z["model_id"]),
                    seed=seed,
                    min_theme_size=min_size,
                    next_theme_id=next_id,
                    theme_ids=z["theme_ids"],
                    centres=z["centres"],
                    cutoffs=z["cutoffs"],
                    codebook=str(z["codebook"]),
                )
        except (OSError, ValueError, KeyError):
            return None


def theme_centres(
    E: np.ndarray, labels: np.ndarray, core: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre and cut-off of every theme.

    Parameters
    ----------
    E : numpy.ndarray
        Embeddings, one row per segment.
    labels : numpy.ndarray
        Theme id per row (-1: none).
    core : numpy.ndarray of bool, optional
        The rows clustering put in their theme (not reassigned outliers): centres and cut-offs come from
        these when a theme has at least two. Default: every row.

    Returns
    -------
    (theme_ids, centres, cutoffs) : tuple of numpy.ndarray
    """
    U = _unit(np.asarray(E, dtype=np.float32))
    core = np.ones(len(labels), dtype=bool) if core is None else np.asarray(core, dtype=bool)
    ids = np.array(sorted(set(np.asarray(labels).tolist()) - {-1}), dtype=np.int64)
    centres = np.zeros((len(ids), U.shape[1]), dtype=np.float32)
    cutoffs = np.zeros(len(ids), dtype=np.float32)
    for k, theme in enumerate(ids):
        members = labels == theme
        if (members & core).sum() >= 2:
            members = members & core
        centre = _unit(U[members].mean(axis=0, keepdims=True))[0]
        centres[k] = centre
        cutoffs[k] = float(np.quantile(U[members] @ centre, CUTOFF_QUANTILE))
    return ids, centres, cutoffs


def assign_to_themes(E: np.ndarray, state: ThemeState) -> tuple[np.ndarray, np.ndarray]:
    """Place segments at the nearest theme centre that they are close enough to.

    Returns
    -------
    (theme_ids, similarity) : tuple of numpy.ndarray
        Theme id per row (-1 where the nearest centre is farther than its cut-off) and the cosine similarity
        to the nearest centre.
    """
    if len(E) == 0 or len(state.theme_ids) == 0:
        return np.full(len(E), -1, dtype=np.int64), np.zeros(len(E), dtype=np.float32)
    sims = _unit(np.asarray(E, dtype=np.float32)) @ np.asarray(state.centres, dtype=np.float32).T
    best = sims.argmax(axis=1)
    top = sims[np.arange(len(E)), best]
    fits = top >= np.asarray(state.cutoffs)[best]
    return np.where(fits, np.asarray(state.theme_ids)[best], -1).astype(np.int64), top


def match_themes(old: Mapping[Any, int], new: Mapping[Any, int], next_id: int) -> tuple[dict[int, int], int]:
    """Give the themes of a refit the ids of the old themes they continue.

    Parameters
    ----------
    old : mapping
        Segment id -> theme id in the previous run (-1: none).
    new : mapping
        Segment id -> theme of the refit (its own numbering; -1: none).
    next_id : int
        The first id never used (new themes without a match are numbered from here).

    Returns
    -------
    (ids, next_id) : tuple
        New theme -> the id it gets (an old id, or a fresh one), and the next unused id after that.

    Examples
    --------
    >>> old = {"a": 4, "b": 4, "c": 7, "d": 7}
    >>> new = {"a": 0, "b": 0, "c": 1, "d": 1, "e": 2}
    >>> match_themes(old, new, next_id=8)
    ({0: 4, 1: 7, 2: 8}, 9)
    """
    from scipy.optimize import linear_sum_assignment

    new_ids = sorted({t for t in new.values() if t != -1})
    old_ids = sorted({t for t in old.values() if t != -1})
    mapping: dict[int, int] = {}
    if new_ids and old_ids:
        n_idx = {t: i for i, t in enumerate(new_ids)}
        o_idx = {t: j for j, t in enumerate(old_ids)}
        inter = np.zeros((len(new_ids), len(old_ids)))
        for seg, t in new.items():
            o = old.get(seg, -1)
            if t != -1 and o != -1:
                inter[n_idx[t], o_idx[o]] += 1
        n_size = np.bincount([n_idx[t] for t in new.values() if t != -1], minlength=len(new_ids))
        o_size = np.bincount([o_idx[t] for t in old.values() if t != -1], minlength=len(old_ids))
        jaccard = inter / (n_size[:, None] + o_size[None, :] - inter)
        rows, cols = linear_sum_assignment(jaccard, maximize=True)
        mapping = {
            new_ids[r]: old_ids[c]
            for r, c in zip(rows, cols, strict=True)
            if jaccard[r, c] >= MIN_MATCH_OVERLAP
        }
    for t in new_ids:
        if t not in mapping:
            mapping[t] = next_id
            next_id += 1
    return mapping, max(next_id, max(old_ids, default=-1) + 1)
