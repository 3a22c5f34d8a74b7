"""The main job: ingest what is new, code it, discover themes, then build the reports.

``wijkanalyse run`` calls :func:`run_pipeline`. Each step is incremental: ingest skips unchanged files, coding
embeds and codes only segments it has not coded yet, and the report runner re-executes only the reports whose
inputs changed (see :mod:`wijkanalyse.report`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any

from wijkanalyse.config import Settings
from wijkanalyse.exceptions import ReportError
from wijkanalyse.report import JobResult, RunResult, run_reports
from wijkanalyse.update import update_store

__all__ = ["run_pipeline"]

log = logging.getLogger(__name__)


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
