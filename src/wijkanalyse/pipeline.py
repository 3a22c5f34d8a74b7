"""The main job: ingest what is new, code it, discover themes, then build the reports.

``wijkanalyse run`` calls :func:`run_pipeline`. Each step is incremental: ingest skips unchanged files, coding
embeds and codes only segments it has not coded yet, and the report runner re-executes only the reports whose
inputs changed (see :mod:`wijkanalyse.report`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from wijkanalyse.coding import code_store
from wijkanalyse.config import Settings
from wijkanalyse.discovery import discover_store
from wijkanalyse.exceptions import ReportError
from wijkanalyse.ingest import IngestResult, ingest_corpus
from wijkanalyse.report import JobResult, RunResult, check_codebook, run_reports
from wijkanalyse.store import Store

__all__ = ["StoreUpdate", "update_store", "ensure_store", "run_pipeline"]

log = logging.getLogger(__name__)


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
    from wijkanalyse.analysis import load_discovered

    return not load_discovered(store)[1].empty


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


def run_pipeline(
    settings: Settings,
    jobs: int = 1,
    language: str | None = None,
    wijken: Sequence[str] | None = None,
    *,
    force: bool = False,
    executor: Executor | Any | None = None,
    on_done: Callable[[JobResult], None] | None = None,
) -> RunResult:
    """Run the main job: update the store (ingest, code, discover), then build every report.

    Parameters
    ----------
    settings : Settings
    jobs : int, default 1
        Report notebooks run at the same time (a local process pool).
    language : str, optional
        ``nl`` or ``en``; default: the settings.
    wijken : sequence of str, optional
        Only these wijken (default: every wijk with segments). The city overview is always built.
    force : bool, default False
        Re-execute every report, even those whose inputs did not change.
    executor : Executor, optional
        Any object with ``submit(fn, *args)`` returning futures, e.g. a ``dask.distributed.Client``.
    on_done : callable, optional
        Called with each report's :class:`~wijkanalyse.report.JobResult` as it finishes.

    Returns
    -------
    RunResult
        With the store update in ``RunResult.update``.

    Raises
    ------
    ReportError
        On an unknown or empty wijk, or a missing codebook, before anything is built.
    """
    if jobs < 1:
        raise ReportError(f"The 'jobs' parameter must be an int >= 1. Got {jobs} instead.")
    update = update_store(settings)
    log.info(update.describe())
    result = run_reports(
        settings, wijken=wijken, jobs=jobs, language=language, force=force, executor=executor, on_done=on_done
    )
    result.update = update
    return result
