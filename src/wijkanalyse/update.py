"""Bring the store of a corpus up to date: ingest what is new, code it, discover themes.

``wijkanalyse run`` does this before building the reports (:mod:`wijkanalyse.pipeline`); a notebook run
on a corpus without a store does it through :func:`ensure_store`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from wijkanalyse.coding.codebook import check_codebook
from wijkanalyse.coding.coder import code_store
from wijkanalyse.coding.discovery import discover_store, load_themes
from wijkanalyse.config import Settings
from wijkanalyse.ingest.corpus import IngestResult, ingest_corpus
from wijkanalyse.store import Store

__all__ = ["StoreUpdate", "update_store", "ensure_store"]


@dataclass
class StoreUpdate:
    """What :func:`update_store` did, with the seconds each step took."""

    ingest: IngestResult
    coding: Any = None
    discovery: Any = None
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """Return a short account of the steps."""
        lines = [self.ingest.describe().splitlines()[0]]
        for name in ("coding", "discovery"):
            res = getattr(self, name)
            if res is None:
                continue
            if hasattr(res, "describe"):
                desc = res.describe().splitlines()[0]
            elif isinstance(res, dict):  # a summary dict: its scalar entries
                desc = ", ".join(f"{k} {v}" for k, v in res.items() if isinstance(v, str | int | float))
            else:
                desc = str(res)
            lines.append(f"{name.capitalize()}: {desc or 'done'}")
        lines += [f"{note[0].upper()}{note[1:]}" for note in self.skipped]
        lines.append("Seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()))
        return "\n".join(lines)


def update_store(settings: Settings) -> StoreUpdate:
    """Ingest new and changed sources, code the new segments, and rediscover themes when anything changed.

    Discovery clusters the whole corpus, so it runs only when ingest or coding changed something (or it never
    ran): a rerun with nothing new leaves the discovered themes as they are.

    Parameters
    ----------
    settings : Settings

    Returns
    -------
    StoreUpdate

    Raises
    ------
    ReportError
        If the codebook named in the settings does not exist.
    """
    check_codebook(settings)
    seconds: dict[str, float] = {}
    skipped: list[str] = []
    results: dict[str, Any] = {}
    with Store(settings.store_path) as store:
        t = time.perf_counter()
        ingested = ingest_corpus(settings, store)
        seconds["ingest"] = time.perf_counter() - t
        changed = bool(ingested.added or ingested.updated or ingested.removed)
        for step, fn in (("coding", code_store), ("discovery", discover_store)):
            if step == "discovery" and not changed and _has_discovered(store):
                skipped.append("discovery: nothing new, the themes of the last run stand")
                continue
            t = time.perf_counter()
            results[step] = fn(store, settings)
            seconds[step] = time.perf_counter() - t
            if step == "coding" and (
                not isinstance(results[step], dict) or results[step].get("mode") != "unchanged"
            ):
                changed = True
    return StoreUpdate(ingested, results.get("coding"), results.get("discovery"), seconds, skipped)


def _has_discovered(store: Store) -> bool:
    return not load_themes(store)[0].empty


def ensure_store(settings: Settings) -> StoreUpdate | None:
    """Build the store of a corpus when it is missing, empty or not coded yet (for a bare run of a notebook).

    Returns
    -------
    StoreUpdate or None
        None when the store already held coded documents (nothing was done).
    """
    path = settings.store_path / Store.FILENAME
    if path.exists():
        with Store(settings.store_path) as store:
            has_docs = store.counts()["documents"] > 0
            coded = store.con.execute("SELECT 1 FROM codings WHERE kind = 'machine' LIMIT 1").fetchone()
        if has_docs and coded is not None:
            return None
    return update_store(settings)
