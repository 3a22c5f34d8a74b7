"""Statistical disclosure control: no published figure singles anyone out, and no hidden figure comes back.

Who stands behind a figure
--------------------------
Every count in a report is about *contributors*: the distinct **respondents** of the survey answers in it,
plus the distinct **(document, speaker)** pairs of the session text in it, where a document without speakers
(minutes, notes, a report) counts as one source. So ``respondents`` and ``survey_answers`` are about the
respondents, ``session_segments`` about the session sources, ``segments`` about both (:mod:`.counting`). The
coding figures of a scope (codering, zekerheid, ``coded_share``) count as many contributors as the scope.

Primary suppression
-------------------
A figure with ``0 < contributors < min_count`` (default 5, setting ``min_count``) is *small*: the reports show
``"<5"`` instead (:func:`marker`), also for its share, log-odds and z. Zero is shown: it singles no one out.
The number of sessions is always shown (it counts meetings, not people). Survey quotes from a small cell are
withheld (:mod:`.quotes`).

Complementary suppression
-------------------------
A hidden figure must not come back as a difference: a theme's total minus its visible kinds of input, the
city minus the other wijken, the segments of a wijk minus its coded ones. So more figures are hidden, marked
``"x"`` (:data:`~wijkanalyse.analysis.cells.COMPLEMENT_MARKER`), until the differencing attack of
:mod:`.disclosure` gets no hidden figure back (the greedy scheme of :mod:`.protection`; a ``"<5"`` whose
upper bound would give figures away becomes an ``"x"`` too). The pattern is one for all reports of a run:
computed from the whole data (:func:`.protection.suppression_pattern`) and applied to every table here
(:func:`hide`), so every wijk report and the city overview hide the same figures.

The guarantee, and its limits, are stated in the README (section *Privacy*, "Small numbers").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from wijkanalyse.analysis.cells import COMPLEMENT_MARKER, CellKey, primary_marker
from wijkanalyse.analysis.protection import SuppressionPattern

__all__ = [
    "SUPPRESSED_COLUMNS",
    "COMPLEMENT_MARKER",
    "marker",
    "suppress",
    "is_small",
    "hide",
    "order",
    "rank",
]

#: Columns that are replaced by the marker in a small cell by :func:`suppress`.
SUPPRESSED_COLUMNS = ("respondents", "survey_answers", "segments", "share", "share_wijk", "log_odds", "z")


def marker(min_count: int) -> str:
    """Return the text shown instead of a small figure, e.g. ``"<5"``."""
    return primary_marker(min_count)


def is_small(table: pd.DataFrame, min_count: int) -> pd.Series:
    """Return which rows of a table are small: ``0 < contributors < min_count`` (else by ``respondents``)."""
    who = table["contributors"] if "contributors" in table.columns else table["respondents"]
    return (who > 0) & (who < min_count)


def suppress(table: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Replace the figures of small rows of a one-off table by the marker (primary suppression only).

    The report tables use :func:`hide` with the run's suppression pattern instead; this serves tables of their
    own (survey response rates in the explore notebooks), where no sum relation ties rows together.

    Parameters
    ----------
    table : DataFrame
        A table with a ``respondents`` (or ``contributors``) column; every column of
        :data:`SUPPRESSED_COLUMNS` present is suppressed.
    min_count : int
        Rows with ``0 < respondents < min_count`` are small.

    Returns
    -------
    DataFrame
        A copy; suppressed columns have dtype object and hold the marker in small rows. A boolean column
        ``suppressed`` says which rows were suppressed.

    Examples
    --------
    >>> t = pd.DataFrame({"respondents": [0, 3, 7], "survey_answers": [0, 4, 9], "sessions": [2, 1, 0]})
    >>> suppress(t, 5)[["respondents", "survey_answers", "sessions"]].to_dict("list")
    {'respondents': [0, '<5', 7], 'survey_answers': [0, '<5', 9], 'sessions': [2, 1, 0]}
    """
    out = table.copy()
    small = is_small(out, min_count)
    for col in SUPPRESSED_COLUMNS:
        if col in out.columns:
            out[col] = out[col].astype(object)
            out.loc[small, col] = marker(min_count)
    out["suppressed"] = small.to_numpy()
    return out


def hide(
    table: pd.DataFrame,
    pattern: SuppressionPattern,
    cells_of: Callable[[dict[str, Any]], Mapping[str, Sequence[CellKey]]],
    main: str | None = "segments",
) -> pd.DataFrame:
    """Show the suppression pattern in a table: each hidden figure becomes its marker.

    Parameters
    ----------
    table : DataFrame
    pattern : SuppressionPattern
        The run's pattern (:func:`~wijkanalyse.analysis.protection.suppression_pattern`).
    cells_of : callable
        Row (a dict) -> ``{column: cells}``: the column is hidden when one of its cells is, with the marker of
        the first hidden one (a share lists its count first, then the total it is a share of).
    main : str or None, default "segments"
        The column whose being hidden makes the row ``suppressed`` (a boolean column added at the end).

    Returns
    -------
    DataFrame
        A copy; the columns with a hidden figure have dtype object.
    """
    out = table.copy()
    changes: dict[str, list[tuple[int, str]]] = {}
    flags = []
    for i, rec in enumerate(out.to_dict("records")):
        shown_main = True
        for col, keys in cells_of(rec).items():
            mark = pattern.first_marker(*keys)
            if mark is not None:
                changes.setdefault(col, []).append((i, mark))
                shown_main = shown_main and col != main
        flags.append(not shown_main)
    for col, marks in changes.items():
        values = out[col].astype(object).to_numpy(copy=True)
        for i, mark in marks:
            values[i] = mark
        out[col] = values
    if main is not None:
        out["suppressed"] = flags
    return out


def order(table: pd.DataFrame, key: str, tie: str, group: str | None = None) -> pd.DataFrame:
    """Sort by ``key`` (largest first, ties by ``tie``); suppressed rows go last, ordered by ``tie``.

    A suppressed row keeps no place among the others: its position would tell roughly how large it is.
    """
    small = table["suppressed"].astype(bool) if "suppressed" in table.columns else False
    values = pd.to_numeric(table[key].where(~small, 0) if "suppressed" in table.columns else table[key],
                           errors="coerce").fillna(0)  # fmt: skip
    t = table.assign(_small=small, _key=values)
    by = [c for c in (group, "_small") if c] + ["_key", tie]
    asc = [True] * (len(by) - 2) + [False, True]
    t = t.sort_values(by, ascending=asc, kind="mergesort").drop(columns=["_small", "_key"])
    return t.reset_index(drop=True)


def rank(
    table: pd.DataFrame,
    key: str,
    tie: str,
    min_count: int,
    suppress_small: bool,
    group: str | None = None,
) -> pd.DataFrame:
    """Sort by ``key`` (largest first, ties by ``tie``) and apply primary suppression (:func:`suppress`).

    For a table of its own; the report tables use :func:`hide` and :func:`order`.

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
    if not suppress_small:
        return order(table, key, tie, group)
    return order(suppress(table, min_count), key, tie, group)
