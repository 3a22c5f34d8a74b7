"""Counting segments per group: the counting units every view shares.

Counting units
--------------
``session_segments``: segments from sessions (minutes, transcripts, notes), ``sessions``: distinct sessions,
``survey_answers``: open survey answers, ``respondents``: distinct survey respondents, ``segments``: all
segments (``session_segments + survey_answers``), ``share``: ``segments`` divided by all segments of the wijk
(or city).
"""

from __future__ import annotations

import pandas as pd

from wijkanalyse.analysis.data import AnalysisData
from wijkanalyse.exceptions import ReportError

__all__ = ["COUNT_COLUMNS", "wijken", "segments_in", "count_segments", "coded_segments", "add_labels"]

#: The counts of :func:`count_segments`, after its group keys.
COUNT_COLUMNS = ("sessions", "session_segments", "survey_answers", "respondents", "segments")


def wijken(data: AnalysisData) -> list[str]:
    """Return the wijken that have segments, sorted."""
    return sorted(str(w) for w in data.segments["wijk"].dropna().unique())


def segments_in(data: AnalysisData, wijk: str | None) -> pd.DataFrame:
    """Return the segments of a wijk (None: every segment of the city).

    Raises
    ------
    ReportError
        If the wijk has no segments.
    """
    seg = data.segments
    if wijk is None:
        return seg
    if wijk not in set(seg["wijk"].dropna()):
        known = ", ".join(wijken(data)) or "(none)"
        raise ReportError(
            f"Unknown wijk {wijk!r}: no segments of it in the store. Wijken with segments: {known}."
        )
    return seg[seg["wijk"] == wijk]


def count_segments(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Count per group of segment rows (one row per segment and key combination).

    Returns
    -------
    DataFrame
        The ``keys``, then :data:`COUNT_COLUMNS`; one row per group, sorted by the keys.
    """
    cols = [*keys, *COUNT_COLUMNS]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    f = frame.assign(
        _session=frame["session"].where(~frame["survey"]),
        _resp=(frame["doc_id"] + "\x00" + frame["respondent_id"].fillna("")).where(frame["survey"]),
        _sess_seg=(~frame["survey"]).astype(int),
        _surv=frame["survey"].astype(int),
    )
    g = f.groupby(keys, dropna=False, sort=True)
    out = pd.DataFrame(
        {
            "sessions": g["_session"].nunique(),
            "session_segments": g["_sess_seg"].sum(),
            "survey_answers": g["_surv"].sum(),
            "respondents": g["_resp"].nunique(),
        }
    ).reset_index()
    out["segments"] = out["session_segments"] + out["survey_answers"]
    return out[cols]


def coded_segments(data: AnalysisData, scope: pd.DataFrame) -> pd.DataFrame:
    """Return the segments of ``scope`` joined with their effective theme codes (one row per code)."""
    return scope.merge(data.themes[["segment_id", "code_id"]], on="segment_id")


def add_labels(data: AnalysisData, table: pd.DataFrame) -> pd.DataFrame:
    """Insert a ``label`` column after ``code_id`` and rename ``code_id`` to ``theme`` (in place)."""
    table.insert(table.columns.get_loc("code_id") + 1, "label", [data.label(c) for c in table["code_id"]])
    return table.rename(columns={"code_id": "theme"})
