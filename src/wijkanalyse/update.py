"""Bring the store of a corpus up to date: ingest what is new, code it, discover themes.

``wijkanalyse run`` does this before building the reports (:mod:`wijkanalyse.pipeline`); a notebook run
on a corpus without a store does it through :func:`ensure_store`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from wijkanalyse.coding.apply import CodingResult, code_store
from wijkanalyse.coding.codebook import check_codebook
from wijkanalyse.coding.discovery import DiscoveryResult, discover_store
from wijkanalyse.config import Settings
from wijkanalyse.ingest.corpus import IngestResult, ingest_corpus
from wijkanalyse.store import Store

__all__ = ["StoreUpdate", "update_store", "ensure_store"]


@dataclass
class StoreUpdate:
    """What :func:`update_store` did, with the seconds each step took."""

    ingest: IngestResult
    coding: CodingResult | None = None
    discovery: DiscoveryResult | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """Return a short account of the steps."""
        lines = [self.ingest.describe().splitlines()[0]]
        lines += [res.describe().splitlines()[0] for res in (self.coding, self.discovery) if res is not None]
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
    discovery = None
    with Store(settings.store_path) as store:
        t = time.perf_counter()
        ingested = ingest_corpus(settings, store)
        seconds["ingest"] = time.perf_counter() - t
        t = time.perf_counter()
        coding = code_store(store, settings)
        seconds["coding"] = time.perf_counter() - t
        changed = bool(ingested.added or ingested.updated or ingested.removed) or coding.changed
        if not changed and store.latest_theme_run() is not None:
            skipped.append("discovery: nothing new, the themes of the last run stand")
        else:
            t = time.perf_counter()
            discovery = discover_store(store, settings)
            seconds["discovery"] = time.perf_counter() - t
    return StoreUpdate(ingested, coding, discovery, seconds, skipped)


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
            coded = store.has_machine_codings()
        if has_docs and coded:
            return None
    return update_store(settings)
