"""The history of machine coding: the fitted model kept between runs, change warnings, and restoring a run.

Fitted model
    :func:`store_coder` is the one way the coder of a store is had: it keeps the fitted coder next to the
    store (``<store_dir>/coder-model.pkl``), keyed by :func:`model_key` of the *coding state*
    (:func:`coding_state`: the embedder, the codebook version, the threshold, the human codings and the check
    sample) and the seed. Whoever asks next with the same key gets that very model instead of a refit:
    :func:`~wijkanalyse.coding.apply.code_store` codes new segments with it (embedding only the new texts),
    and ``wijkanalyse review export`` (:func:`~wijkanalyse.review.sampling.machine_view`) chooses the next
    round with it. A changed key (people coded more, another codebook ...) refits on every segment of the
    store, says why (:func:`state_change`), and keeps the new model for the next caller. The file is written
    atomically and only ever read from the store folder it was written to (it is a pickle: do not put files
    from elsewhere there). The model's corpus statistics (the centre of the embeddings, the n-gram
    vocabulary) are those of the corpus it was fitted on.
Change warnings
    A run that replaces the machine's codes compares them with the codes it replaces: when the share of
    ``geen`` moves by more than :data:`GEEN_SHIFT` or more than :data:`CHANGED_SHARE` of the segments get
    other themes, the run says so and names the run to restore.
Restoring
    Every run's codings are kept (``machine_coding_history`` in the store); :func:`restore_run` puts the
    machine's codings back as they were right after an earlier run (a new run of mode ``restore``), and the
    coding state of that run with them: the next ``wijkanalyse code`` recodes only if the human codings, the
    codebook or the model changed since.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from wijkanalyse.coding.codebook import NONE_CODE, Codebook
from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.embed import Embedder, EmbeddingCache, embed_with_cache
from wijkanalyse.coding.partitions import FIT_SAMPLE_SIZE, fit_positions
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE

__all__ = [
    "ENGINE_VERSION",
    "KeptCoder",
    "check_ids",
    "coding_state",
    "engine_base",
    "human_labels",
    "model_name",
    "state_change",
    "store_coder",
    "GEEN_SHIFT",
    "CHANGED_SHARE",
    "change_counts",
    "model_key",
    "load_fitted",
    "save_fitted",
    "change_warnings",
    "restore_run",
    "rejected_pairs",
]

ENGINE_VERSION = "guard-2"  # bump when the coder's method changes, so kept models are refitted
GEEN_SHIFT = 0.10  # a change of the geen share by more than 10 points is worth a warning
CHANGED_SHARE = 0.30  # as is a change of the themes of more than 30 % of the segments
_MODEL_FILE = "coder-model.pkl"


def check_ids(store: Store) -> set[str]:
    """Return the segments of the check sample (never trained on), where the store has one."""
    return set(store.check_segment_ids()) if hasattr(store, "check_segment_ids") else set()


def engine_base(embedder: Embedder, codebook: Codebook) -> str:
    """Return ``"<embedder model id>+codebook:<version tag>"``: the model before it learned from people."""
    return f"{embedder.model_id}+codebook:{codebook.version_tag}"


def coding_state(store: Store, base: str, threshold: float) -> dict[str, Any]:
    """Return the coding state of a store: what a fitted coder depends on besides the texts and the seed.

    Parameters
    ----------
    store : Store
    base : str
        :func:`engine_base` (embedder and codebook version).
    threshold : float
        The settings' coding threshold.

    Returns
    -------
    dict
        ``model``, ``threshold``, ``n_human`` and ``human_hash`` (a hash of the applied human codings), and
        ``check_hash`` once there is a check sample (it changes what is trained on). Stored with every
        coding run (:meth:`~wijkanalyse.store.Store.set_coding_state`) and hashed by :func:`model_key`.
    """
    human = store.human_codings("applied")
    pairs = sorted(zip(human["segment_id"], human["code_id"], strict=True))
    h = hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
    state: dict[str, Any] = {
        "model": base,
        "threshold": float(threshold),
        "n_human": len(pairs),
        "human_hash": h,
    }
    check = check_ids(store)
    if check:  # the check sample changes what is trained on
        state["check_hash"] = hashlib.sha256("\x00".join(sorted(check)).encode("utf-8")).hexdigest()[:16]
    return state


def model_name(state: dict[str, Any]) -> str:
    """Return the model id of a coding state: ``<base>+learned:<hash of the human codings>`` once coded."""
    base = str(state["model"])
    return f"{base}+learned:{str(state['human_hash'])[:8]}" if state.get("n_human") else base


def state_change(old: dict[str, Any] | None, new: dict[str, Any]) -> str:
    """Say in words what differs between the coding state of the last coding run and ``new``.

    Returns
    -------
    str
        E.g. ``"the human codings changed (40 -> 212 codings)"``; ``"no coding run has kept a model yet"``
        when ``old`` is None; ``"the kept model is missing or from another engine version"`` when the states
        are equal (the file was removed, or the seed or engine version changed).
    """
    if not old:
        return "no coding run has kept a model yet"
    parts = []
    if old.get("model") != new.get("model"):
        parts.append(f"the embedder or codebook changed ({old.get('model')} -> {new.get('model')})")
    if old.get("threshold") != new.get("threshold"):
        parts.append(f"the coding threshold changed ({old.get('threshold')} -> {new.get('threshold')})")
    if old.get("human_hash") != new.get("human_hash"):
        parts.append(f"the human codings changed ({old.get('n_human')} -> {new.get('n_human')} codings)")
    if old.get("check_hash") != new.get("check_hash"):
        parts.append("the check sample changed")
    return "; ".join(parts) or "the kept model is missing or from another engine version"


def human_labels(cb: Codebook, human: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Split human codings into theme codes (``geen`` included) and soort codes per segment."""
    theme_y: dict[str, list[str]] = {}
    soort_y: dict[str, list[str]] = {}
    soort_ids = set(cb.soort_ids)
    known = set(cb.ids) | {NONE_CODE}
    for sid, code in zip(human["segment_id"], human["code_id"], strict=True):
        if code in soort_ids:
            soort_y.setdefault(sid, []).append(code)
        elif code in known:
            theme_y.setdefault(sid, []).append(code)
    return theme_y, soort_y


@dataclass
class KeptCoder:
    """What :func:`store_coder` returns: the coder and whether it was fitted for this call.

    Attributes
    ----------
    coder : CodebookCoder
        Fitted, with the embedder and the cache attached.
    refit : bool
        True when no kept model matched the coding state and the coder was fitted now (and kept).
    model : str
        The model id (:func:`model_name`).
    key : str
        :func:`model_key` of the coding state and the seed.
    reason : str
        Why it was fitted (:func:`state_change`); empty when the kept model was used.
    embedded : int
        Texts embedded for the fit (not in the cache).
    fit_segments : int
        Segments the coder was fitted on (0 when the kept model was used): every human-coded segment plus
        at most ``fit_sample`` others (:func:`~wijkanalyse.coding.partitions.fit_positions`).
    """

    coder: CodebookCoder
    refit: bool
    model: str
    key: str
    reason: str = ""
    embedded: int = 0
    fit_segments: int = 0


def store_coder(
    store: Store,
    codebook: Codebook,
    embedder: Embedder,
    cache: EmbeddingCache,
    *,
    threshold: float,
    seed: int,
    progress: bool | None = None,
    fit_sample: int = FIT_SAMPLE_SIZE,
) -> KeptCoder:
    """Return the coder of the store's current coding state: the kept one when its key matches, else fit it.

    The fit is on every segment of the store (:meth:`~wijkanalyse.store.Store.segment_texts`) up to
    ``fit_sample`` segments without human codes, else on every human-coded segment plus a seeded random
    sample of ``fit_sample`` others (:func:`~wijkanalyse.coding.partitions.fit_positions`), learning
    from the applied human codes of both dimensions; human codes of check-sample segments are never
    trained on (``holdout``). A new fit is kept next to the store (:func:`save_fitted`), so the next
    ``wijkanalyse code`` or ``review export`` with the same coding state uses it without refitting.

    Parameters
    ----------
    store : Store
    codebook : Codebook
    embedder : Embedder
    cache : EmbeddingCache
        The store's embedding cache (attached to the coder).
    threshold : float
        The settings' coding threshold.
    seed : int
        The settings' seed.
    progress : bool, optional
        Progress bar while embedding for a fit.
    fit_sample : int, default :data:`~wijkanalyse.coding.partitions.FIT_SAMPLE_SIZE` (20,000)
        Fit on every human-coded segment plus a seeded random sample of this many others when the store
        has more (:mod:`wijkanalyse.coding.partitions` says what the sample changes); a value other than
        the default is part of the kept model's key.

    Returns
    -------
    KeptCoder
    """
    state = coding_state(store, engine_base(embedder, codebook), threshold)
    key = model_key(state, seed)
    if fit_sample != FIT_SAMPLE_SIZE:
        key = hashlib.sha256(f"{key}/fit_sample:{int(fit_sample)}".encode()).hexdigest()
    coder = load_fitted(store, key, embedder)
    if coder is not None:
        coder.cache = cache
        return KeptCoder(coder, refit=False, model=model_name(state), key=key)
    reason = state_change(store.coding_state(), state)
    segs = store.segment_texts()
    human = store.human_codings("applied")
    theme_y, soort_y = human_labels(codebook, human)
    fit = fit_positions(segs["segment_id"].tolist(), set(human["segment_id"]), fit_sample, seed)
    texts, ids = segs["text"].iloc[fit].tolist(), segs["segment_id"].iloc[fit].tolist()
    del segs  # the fit holds only its sample (the caller may hold the segment table)
    check = check_ids(store)
    stats: dict[str, int] = {}
    E = embed_with_cache(embedder, texts, cache, progress=progress, stats=stats)
    coder = CodebookCoder(
        codebook=codebook, embedder=embedder, threshold=threshold, random_state=seed, cache=cache
    ).fit(
        texts, [theme_y.get(s) for s in ids], y_soort=[soort_y.get(s) for s in ids], embeddings=E,
        holdout=[s in check for s in ids],
    )  # fmt: skip
    save_fitted(store, key, coder)
    return KeptCoder(
        coder, refit=True, model=model_name(state), key=key, reason=reason, embedded=stats.get("embedded", 0),
        fit_segments=len(ids),
    )  # fmt: skip


def model_key(state: dict[str, Any], seed: int) -> str:
    """Return a hash of what a fitted model depends on: the coding state, the seed, the engine version."""
    blob = json.dumps({"state": state, "seed": seed, "engine": ENGINE_VERSION}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def load_fitted(store: Store, key: str, embedder: Embedder) -> CodebookCoder | None:
    """Return the coder kept next to the store if it was fitted under ``key`` (else None), with embedder."""
    path = Path(store.folder) / _MODEL_FILE
    try:
        with path.open("rb") as fh:
            kept = pickle.load(fh)  # noqa: S301 - written by save_fitted into the user's own store folder
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if (
        not isinstance(kept, dict)
        or kept.get("key") != key
        or not isinstance(kept.get("coder"), CodebookCoder)
    ):
        return None
    try:
        return kept["coder"].attach(embedder)
    except SettingsError:
        return None


def save_fitted(store: Store, key: str, coder: CodebookCoder) -> None:
    """Keep a fitted coder next to the store under ``key`` (atomically: a temporary file, then a rename)."""
    path = Path(store.folder) / _MODEL_FILE
    tmp = path.with_suffix(".tmp")
    try:
        with tmp.open("wb") as fh:
            pickle.dump({"key": key, "coder": coder}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only or full disk: the next run refits, nothing is lost
        tmp.unlink(missing_ok=True)


def _themes(rows: pd.DataFrame, soort: set[str]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}  # a loop, not a groupby: a groupby per segment took 15 s at 100k segments
    for s, c in zip(rows["segment_id"], rows["code_id"], strict=True):
        if c not in soort:
            out.setdefault(s, set()).add(c)
    return {s: frozenset(v) for s, v in out.items()}


def change_counts(
    before: pd.DataFrame, after: Sequence[tuple[str, str, float]], soort: Sequence[str]
) -> tuple[int, int, int, int]:
    """Return segments themed by both runs, of them ``geen`` before, ``geen`` after, other themes."""
    soort_set = set(soort)
    old = _themes(before, soort_set)
    new = _themes(pd.DataFrame(list(after), columns=["segment_id", "code_id", "confidence"]), soort_set)
    both = set(old) & set(new)
    return (
        len(both),
        sum("geen" in old[s] for s in both),
        sum("geen" in new[s] for s in both),
        sum(old[s] != new[s] for s in both),
    )


def change_warnings(
    before: pd.DataFrame,
    after: Sequence[tuple[str, str, float]],
    soort: Sequence[str],
    previous_run: str | None,
    counts: tuple[int, int, int, int] | None = None,
) -> list[str]:
    """Warnings when a run changes many machine theme codes (``geen`` share, segments with other themes).

    Parameters
    ----------
    before : pandas.DataFrame
        The applied machine codings replaced (``segment_id, code_id``).
    after : sequence of (segment_id, code_id, confidence)
        The codings written.
    soort : sequence of str
        The soort codes (left out: only themes are compared).
    previous_run : str, optional
        The run to name for restoring.
    counts : tuple of int, optional
        :func:`change_counts` summed over the batches of a run written in batches (then ``before`` and
        ``after`` are not used).
    """
    n, n_old, n_new, n_changed = counts if counts is not None else change_counts(before, after, soort)
    if not n:
        return []
    g_old, g_new, changed = n_old / n, n_new / n, n_changed / n
    out = []
    if abs(g_new - g_old) > GEEN_SHIFT:
        out.append(
            f"The share of segments coded 'geen' went from {g_old:.0%} to {g_new:.0%} "
            f"({n} segments coded by both runs)."
        )
    if changed > CHANGED_SHARE:
        out.append(f"{changed:.0%} of {n} segments got other themes than in the previous run.")
    if out and previous_run:
        out.append(f"To go back: wijkanalyse code-runs restore {previous_run}")
    return out


def rejected_pairs(store: Store) -> set[tuple[str, str]]:
    """``(segment_id, code_id)`` pairs a person rejected: a rejected machine coding or a human rejection."""
    machine = store.coder_codings(MACHINE)
    out = {(s, c) for s, c, st in machine.itertuples(index=False, name=None) if st == "rejected"}
    return out | set(store.human_codings("rejected").itertuples(index=False, name=None))


def restore_run(store: Store, run_id: str) -> dict[str, Any]:
    """Put the machine's codings back as they were right after run ``run_id``; return what was done.

    Codings a person rejected are not restored. The restore
    is a run of its own (mode ``restore``) in the history, so it can be undone the same way.

    Raises
    ------
    SettingsError
        When ``run_id`` is not a machine coding run of this store (the runs are listed).
    """
    store.archive_live_machine_codings(MACHINE)
    runs = store.machine_runs()
    if run_id not in set(runs["run_id"]):
        known = ", ".join(runs["run_id"].tolist()) or "none yet"
        raise SettingsError(f"{run_id!r} is not a machine coding run of this store. Runs: {known}.")
    segs = store.segment_texts()["segment_id"].tolist()
    rows = store.machine_codings_as_of(run_id, segs)
    rejected = rejected_pairs(store)
    rows = rows[[(s, c) not in rejected for s, c in zip(rows["segment_id"], rows["code_id"], strict=True)]]
    state = store.machine_run_state(run_id)
    new_run = store.start_run("code-restore", json.dumps({"restore": run_id}))
    models = sorted(set(rows["model"].dropna())) or [""]
    written = [(s, c, float(conf)) for s, c, conf in rows[["segment_id", "code_id", "confidence"]].itertuples(
        index=False, name=None
    )]  # fmt: skip
    with store.transaction():
        removed = store.remove_machine_codings(MACHINE)
        for model in models:
            part = rows[rows["model"].fillna("") == model]
            store.add_machine_codings(
                part[["segment_id", "code_id", "confidence"]].itertuples(index=False, name=None),
                MACHINE, model, new_run,
            )  # fmt: skip
        if state is not None:
            store.set_coding_state(state)
        store.set_coding_pending(None)  # an interrupted recode is not resumed over the restored codings
        store.log_machine_run(
            new_run, models[0], "restore", written, state=state, restored_from=run_id,
            counts=(len(segs), len(set(rows["segment_id"])), int((rows["code_id"] == "geen").sum())),
        )  # fmt: skip
    summary = {"run_id": new_run, "restored": run_id, "written": len(written), "removed": removed}
    store.finish_run(new_run, status="ok", summary_json=json.dumps(summary))
    return summary
