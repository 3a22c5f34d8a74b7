"""The history of machine coding: the fitted model kept between runs, change warnings, and restoring a run.

Fitted model
    :func:`~wijkanalyse.coding.apply.code_store` keeps the fitted coder next to the store
    (``<store_dir>/coder-model.pkl``), keyed by a hash of everything it was fitted from: the embedder, the
    codebook version, the threshold, the seed, the human codings and the check sample. A later run with the
    same key codes new segments with that very model (embedding only the new texts) instead of refitting, so
    a new session costs the embedding and coding of its own segments. The file is written atomically and only
    ever read from the store folder it was written to (it is a pickle: do not put files from elsewhere there).
    The model's corpus statistics (the centre of the embeddings, the n-gram vocabulary) are those of the
    corpus it was fitted on; a changed key refits on the whole corpus and recodes every segment.
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
from pathlib import Path
from typing import Any

import pandas as pd

from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.embed import Embedder
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE

__all__ = [
    "ENGINE_VERSION",
    "GEEN_SHIFT",
    "CHANGED_SHARE",
    "model_key",
    "load_fitted",
    "save_fitted",
    "change_warnings",
    "restore_run",
    "rejected_pairs",
]

ENGINE_VERSION = "guard-1"  # bump when the coder's method changes, so kept models are refitted
GEEN_SHIFT = 0.10  # a change of the geen share by more than 10 points is worth a warning
CHANGED_SHARE = 0.30  # as is a change of the themes of more than 30 % of the segments
_MODEL_FILE = "coder-model.pkl"


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
    themes = rows[~rows["code_id"].isin(soort)]
    return {s: frozenset(g["code_id"]) for s, g in themes.groupby("segment_id")}


def change_warnings(
    before: pd.DataFrame,
    after: Sequence[tuple[str, str, float]],
    soort: Sequence[str],
    previous_run: str | None,
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
    """
    soort_set = set(soort)
    old = _themes(before, soort_set)
    new = _themes(pd.DataFrame(list(after), columns=["segment_id", "code_id", "confidence"]), soort_set)
    both = sorted(set(old) & set(new))
    if not both:
        return []
    g_old = sum("geen" in old[s] for s in both) / len(both)
    g_new = sum("geen" in new[s] for s in both) / len(both)
    changed = sum(old[s] != new[s] for s in both) / len(both)
    out = []
    if abs(g_new - g_old) > GEEN_SHIFT:
        out.append(
            f"The share of segments coded 'geen' went from {g_old:.0%} to {g_new:.0%} "
            f"({len(both)} segments coded by both runs)."
        )
    if changed > CHANGED_SHARE:
        out.append(f"{changed:.0%} of {len(both)} segments got other themes than in the previous run.")
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
        store.log_machine_run(
            new_run, models[0], "restore", written, state=state, restored_from=run_id,
            counts=(len(segs), len(set(rows["segment_id"])), int((rows["code_id"] == "geen").sum())),
        )  # fmt: skip
    summary = {"run_id": new_run, "restored": run_id, "written": len(written), "removed": removed}
    store.finish_run(new_run, status="ok", summary_json=json.dumps(summary))
    return summary
