"""Suppression of small cells, so that no resident can be singled out.

A cell (a wijk, a theme, a kind of input, a session date: any row of a table) with survey input from fewer
than ``min_count`` respondents (``0 < respondents < min_count``; default 5, setting ``min_count``) shows the
marker ``"<5"`` instead of its respondent count, its count of survey answers, its total count of segments,
its share, and every figure derived from them (log-odds, z). Survey quotes from such a cell are withheld.
Counts of sessions and of session segments stay visible: sessions are meetings of wijkraden with their
speakers pseudonymised, not individual residents' answers. Zero is shown: it singles no one out.

Known limit: the city-wide row is not secondarily suppressed, so a suppressed cell may in principle be
recovered from the city total minus all other wijken when every other wijk is above the threshold; raise
``min_count`` or publish only the wijk reports when that matters.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["SUPPRESSED_COLUMNS", "marker", "suppress", "is_small", "rank"]

#: Columns that are replaced by the marker in a small cell.
SUPPRESSED_COLUMNS = ("respondents", "survey_answers", "segments", "share", "share_wijk", "log_odds", "z")


def marker(min_count: int) -> str:
    """Return the text shown instead of a suppressed figure, e.g. ``"<5"``."""
    return f"<{min_count}"


def suppress(table: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Replace the figures of small cells by the marker (see the module docstring for the rule).

    Parameters
    ----------
    table : DataFrame
        A table with a ``respondents`` column; every column of :data:`SUPPRESSED_COLUMNS` present is
        suppressed.
    min_count : int
        Cells with ``0 < respondents < min_count`` are small.

    Returns
    -------
    DataFrame
        A copy; suppressed columns have dtype object and hold the marker in small cells. A boolean column
        ``suppressed`` says which rows were suppressed.

    Examples
    --------
    >>> t = pd.DataFrame({"respondents": [0, 3, 7], "survey_answers": [0, 4, 9], "sessions": [2, 1, 0]})
    >>> suppress(t, 5)[["respondents", "survey_answers", "sessions"]].to_dict("list")
    {'respondents': [0, '<5', 7], 'survey_answers': [0, '<5', 9], 'sessions': [2, 1, 0]}
    """
    out = table.copy()
    small = (out["respondents"] > 0) & (out["respondents"] < min_count)
    for col in SUPPRESSED_COLUMNS:
        if col in out.columns:
            out[col] = out[col].astype(object)
            out.loc[small, col] = marker(min_count)
    out["suppressed"] = small.to_numpy()
    return out


def is_small(table: pd.DataFrame, min_count: int) -> pd.Series:
    """Return which rows of a table are small cells (``0 < respondents < min_count``)."""
    return (table["respondents"] > 0) & (table["respondents"] < min_count)


def rank(
    table: pd.DataFrame,
    key: str,
    tie: str,
    min_count: int,
    suppress_small: bool,
    group: str | None = None,
) -> pd.DataFrame:
    """Sort by ``key`` (largest first, ties by ``tie``) and suppress; small cells go last, ordered by ``tie``.

    A suppressed row keeps no place among the others: its position would tell roughly how large it is.

    Parameters
    ----------
    table : DataFrame
        With a ``respondents`` column and the columns ``key`` and ``tie``.
    key, tie : str
        The column to sort by (descending) and the one that breaks its ties (ascending).
    min_count : int
        The suppression threshold.
    suppress_small : bool
        Apply the suppression rule; with False nothing is suppressed or moved.
    group : str, optional
        A column to sort by first (ascending), e.g. the kind of input.

    Returns
    -------
    DataFrame
        Sorted, with a fresh index (and, with ``suppress_small``, suppressed as by :func:`suppress`).
    """
    small = is_small(table, min_count) if suppress_small else pd.Series(False, index=table.index)
    t = table.assign(_small=small, _key=table[key].where(~small, 0))
    by = [c for c in (group, "_small") if c] + ["_key", tie]
    asc = [True] * (len(by) - 2) + [False, True]
    t = t.sort_values(by, ascending=asc, kind="mergesort").drop(columns=["_small", "_key"])
    t = t.reset_index(drop=True)
    return suppress(t, min_count) if suppress_small else t
