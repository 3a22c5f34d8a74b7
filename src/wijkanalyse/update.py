"""Bring the store of a corpus up to date: ingest what is new, code it, discover themes.

``wijkanalyse run`` does this before building the reports (:mod:`wijkanalyse.pipeline`); a notebook run
on a corpus without a store does it through :func:`ensure_store`.

Every change goes through :func:`store_for_writing`: the store is claimed for its corpus first (a store
belongs to one corpus and refuses another, see :meth:`wijkanalyse.store.Store.claim_corpus`) and the writer
lock is held while it changes (one writer at a time; a second run waits, saying so).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from wijkanalyse.coding.apply import CodingResult, code_store
from wijkanalyse.coding.codebook import check_codebook, settings_codebook
from wijkanalyse.coding.discovery import DiscoveryResult, discover_store
from wijkanalyse.config import Settings
from wijkanalyse.exceptions import IngestError, InputProblem
from wijkanalyse.ingest.corpus import IngestResult, ingest_corpus
from wijkanalyse.review.decisions import ensure_codes
from wijkanalyse.store import Store
from wijkanalyse.store.ownership import DEFAULT_LOCK_TIMEOUT

__all__ = [
    "StoreUpdate",
    "store_for_writing",
    "ingest_store",
    "check_not_empty",
    "update_store",
    "ensure_store",
]


@contextmanager
def store_for_writing(
    settings: Settings, *, create: bool = True, timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Iterator[Store]:
    """Open the store of a corpus to change it: claimed for this corpus, with the writer lock held.

    Parameters
    ----------
    settings : Settings
    create : bool, default True
        Make the store when it does not exist yet; with False a missing store raises.
    timeout : float, default 600
        Seconds to wait while another run holds the writer lock.

    Yields
    ------
    Store

    Raises
    ------
    StoreError
        If the store belongs to another corpus (nothing is changed), cannot be written (the message names the
        folder), is missing with ``create=False``, or another run holds it longer than ``timeout``.
    """
    with Store(settings.store_path, create=create) as store:
        store.claim_corpus(settings.corpus_id, str(settings.corpus.resolve()))
        with store.writer_lock(timeout):
            yield store


def check_not_empty(settings: Settings, ingested: IngestResult, *, list_problems: bool = True) -> None:
    """Stop with a clear message when the store holds no text to analyse after an ingest.

    Parameters
    ----------
    settings : Settings
    ingested : IngestResult
        The ingest just done; its summary counts the segments in the store per wijk.
    list_problems : bool, default True
        Add the ingest's problems to the message (False when they were shown already).

    Raises
    ------
    IngestError
        Naming the corpus folder, with the ingest's warnings and every file that could not be read.
    """
    summary = ingested.summary
    if summary is not None and len(summary) and int(summary["segments"].sum()) > 0:
        return
    unread = f"{len(ingested.problems)} file(s) could not be read"
    why = "; ".join(ingested.warnings) or (unread if ingested.problems else "no source gave any text")
    first = InputProblem(
        str(settings.corpus),
        f"the corpus holds no text to analyse, so there is nothing to code or report: {why}",
    )
    raise IngestError([first, *(ingested.problems if list_problems else [])])


def ingest_store(settings: Settings, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> IngestResult:
    """Ingest new and changed sources into the corpus's store (claimed, under the writer lock).

    The codes of the settings' codebook are added to the store's codes (those it lacks), so people can code
    with them before the machine ever ran.

    Returns
    -------
    IngestResult

    Raises
    ------
    StoreError
        See :func:`store_for_writing`.
    CodebookError
        If the codebook the settings name is missing or broken: said before anything is ingested.
    """
    codebook = settings_codebook(settings)
    with store_for_writing(settings, timeout=timeout) as store:
        result = ingest_corpus(settings, store)
        ensure_codes(store, codebook)
        return result


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


def update_store(settings: Settings, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> StoreUpdate:
    """Ingest new and changed sources, code the new segments, and rediscover themes when anything changed.

    Discovery runs only when ingest or coding changed something (or it never ran): a rerun with nothing new
    leaves the discovered themes as they are. A run with new segments keeps the themes of the last discovery
    run and places the new segments in them (a refit only when many fit none, see
    :func:`~wijkanalyse.coding.discovery.discover_store`).

    Parameters
    ----------
    settings : Settings
    timeout : float, default 600
        Seconds to wait while another run holds the store's writer lock.

    Returns
    -------
    StoreUpdate

    Raises
    ------
    ReportError
        If the codebook named in the settings does not exist.
    IngestError
        If the corpus holds no text to analyse (before any coding).
    StoreError
        See :func:`store_for_writing`.
    """
    check_codebook(settings)
    seconds: dict[str, float] = {}
    skipped: list[str] = []
    discovery = None
    with store_for_writing(settings, timeout=timeout) as store:
        t = time.perf_counter()
        ingested = ingest_corpus(settings, store)
        seconds["ingest"] = time.perf_counter() - t
        check_not_empty(settings, ingested)
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
            # without a codebook nothing is ever coded: a discovery run says the store was built
            coded = store.has_machine_codings() or (
                settings.codebook_path is None and store.latest_theme_run() is not None
            )
        if has_docs and coded:
            return None
    return update_store(settings)
