"""The analysis data of a report run, read from the store once per kernel instead of once per report.

The reports of a process share one kernel (:mod:`.kernel_session`); between two reports its namespace is
cleared, but modules stay loaded, so a module-level memo survives. Reading the store and resolving which
codes count (:func:`wijkanalyse.analysis.load`) and working out the run's suppression pattern from the cell
model (:func:`wijkanalyse.analysis.protection.suppression_pattern`) are the same for every report of a run:
about 1 s of each report's 4-5 s at 10k answers. :func:`report_data` does them once per run and hands every
report its own copy. The copies also share the run's wijk-independent results
(:mod:`wijkanalyse.analysis.run_shared`: whether the machine's codes may stand, the agreement table), worked
out by the first report that needs them.

When the memo is used, and why it cannot serve stale data:

- only for a report that a run builds (``run_id`` given; a notebook run by hand, ``run_id=None``, reads the
  store every time);
- the key holds the run id, the store file (its path, size and modification time), the settings (every
  key), the language and the discovery run. What keeps the data of a run fixed is the run: the runner holds
  the store's writer lock while it builds the reports, and every command that changes the store takes that
  lock. (The write-ahead log is not in the key: every connection that opens the store makes it anew, so its
  time changes with every report.)
- one entry only: a new key replaces the old one.

Why a report cannot change what the next one sees: every report gets a shallow copy of the data, each frame
copied with ``DataFrame.copy(deep=False)``. With pandas' copy-on-write (always on from pandas 3) a change to a
copied frame — a new column, values set in place — copies the data first and never reaches the memo. No
analysis function changes the data it is given (``tests/test_report_data_memo.py`` checks this on every table
of a wijk report and the city overview); the copies make it hold for a notebook that does.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pandas as pd

from wijkanalyse import analysis
from wijkanalyse.analysis import AnalysisData
from wijkanalyse.analysis.protection import suppression_pattern
from wijkanalyse.analysis.run_shared import share_results
from wijkanalyse.config import Settings
from wijkanalyse.store import Store

__all__ = ["report_data", "clear_report_data", "data_copy"]

_MEMO: dict[tuple[Any, ...], AnalysisData] = {}


def _file_state(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _key(store: Store, settings: Settings, language: str, run_id: str, discovery_run: str | None) -> tuple:
    db = Path(store.path)
    return (
        run_id,
        str(db.resolve()),
        _file_state(db),
        settings.model_dump_json(),
        language,
        discovery_run,
    )


def data_copy(data: AnalysisData) -> AnalysisData:
    """Return a copy of ``data`` whose frames are shallow copies (copy-on-write) and whose caches are shared.

    The caches kept on the data object (the suppression pattern, the code labels) are derived from it and
    never changed once made, so the copy carries them over.
    """
    frames = {
        f.name: getattr(data, f.name).copy(deep=False)
        for f in dataclasses.fields(data)
        if isinstance(getattr(data, f.name), pd.DataFrame)
    }
    out = dataclasses.replace(data, **frames)
    names = {f.name for f in dataclasses.fields(data)}
    for attr, value in vars(data).items():
        if attr not in names:
            setattr(out, attr, value)
    return out


def report_data(
    store: Store,
    settings: Settings,
    language: str,
    run_id: str | None,
    discovery_run: str | None,
) -> AnalysisData:
    """Return the analysis data of a report: read once per run and copied, or read now without a run id.

    Parameters
    ----------
    store : Store
    settings : Settings
    language : str
    run_id : str or None
        The report run (the runner's); None: no memo.
    discovery_run : str or None
        The discovery run the report shows.

    Returns
    -------
    AnalysisData
        With the run's suppression pattern already worked out when it came from the memo.
    """
    if run_id is None:
        return analysis.load(store, settings, language=language, discovery_run=discovery_run)
    key = _key(store, settings, language, run_id, discovery_run)
    data = _MEMO.get(key)
    if data is None:
        data = analysis.load(store, settings, language=language, discovery_run=discovery_run)
        suppression_pattern(data)  # every report of the run applies it: worked out once, kept on the data
        share_results(data)  # wijk-independent results (machine decision, agreement) once per run too
        _MEMO.clear()
        _MEMO[key] = data
    return data_copy(data)


def clear_report_data() -> None:
    """Forget the memo (the next report reads the store again)."""
    _MEMO.clear()
