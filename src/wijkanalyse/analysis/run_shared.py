"""Results every report of one report run shares, worked out by the first report that needs them.

Some parts of a report do not depend on the wijk: whether the machine's codes may stand unreviewed
(:func:`~wijkanalyse.analysis.certainty.machine_decision`, read from every coding in the store) and the
project-wide agreement table. Within one report run they are the same for every report, because the run
holds the store's writer lock from start to end (see :mod:`wijkanalyse.report.data_memo`).

The report runner's memo (:func:`wijkanalyse.report.data_memo.report_data`) gives the data it keeps for a run
an empty dict under :data:`RUN_SHARED_ATTRIBUTE`; every report of the run gets a copy of that data that
carries the same dict. :func:`shared` then works a result out once and hands the next report the same one.
Data without that dict (a notebook run by hand, :func:`wijkanalyse.analysis.load`) works everything out every
time, as before.

What is kept must not be changed by the reports that use it: :func:`shared` hands out DataFrames as shallow
copies (copy-on-write, pandas 3), and other results only to code that reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd

from wijkanalyse.analysis.data import AnalysisData

__all__ = ["RUN_SHARED_ATTRIBUTE", "shared", "share_results"]

#: The attribute of an :class:`AnalysisData` holding the results its report run shares.
RUN_SHARED_ATTRIBUTE = "_run_shared"

T = TypeVar("T")


def share_results(data: AnalysisData) -> None:
    """Give ``data`` (the data a report run keeps for all its reports) an empty store of shared results."""
    setattr(data, RUN_SHARED_ATTRIBUTE, {})


def shared(data: AnalysisData, key: Hashable, compute: Callable[[], T]) -> T:
    """Return ``compute()``, worked out once per report run when ``data`` belongs to one.

    Parameters
    ----------
    data : AnalysisData
        A report's data; when it carries the run's shared results (:func:`share_results`), the result is
        kept there under ``key``.
    key : hashable
        Names the result and everything it depends on besides the run's store (e.g. a threshold).
    compute : callable
        Works the result out.

    Returns
    -------
    The result; a DataFrame as a shallow copy, so a report that changes it changes only its own.
    """
    results: dict[Hashable, Any] | None = getattr(data, RUN_SHARED_ATTRIBUTE, None)
    if results is None:
        return compute()
    if key not in results:
        results[key] = compute()
    value = results[key]
    return value.copy(deep=False) if isinstance(value, pd.DataFrame) else value  # type: ignore[no-any-return]
