"""The segments to search (with their context) and the hit table every search returns.

Every hit is one row of a DataFrame (see :data:`HIT_COLUMNS`): rank, score, the segment and the one before and
after it in its document, the source path, wijk, date, kind of source, speaker role, speaker placeholder,
section, survey question and segment id. The query, the mode and the model are kept in ``hits.attrs``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from wijkanalyse.search.text import SearchError

if TYPE_CHECKING:  # pragma: no cover
    from wijkanalyse.store import Store

__all__ = ["HIT_COLUMNS", "segment_frame", "filter_mask", "hit_table"]

#: Columns of a hit table, in order.
HIT_COLUMNS = [
    "rank", "score", "segment_id", "text", "context_before", "context_after", "path", "wijk", "date", "kind",
    "role", "speaker", "section", "question", "respondent_id", "doc_id", "position",
]  # fmt: skip
_HIDDEN = {"text_hash", "start", "end", "unit", "time_start", "time_end"}


def segment_frame(store: Store, wijk: str | None = None) -> pd.DataFrame:
    """All segments of a store with their context: the segment before and after in the same document.

    The context follows the rule of :func:`wijkanalyse.review.context_texts`: for a survey answer only the
    same respondent's other answers are context (another respondent's answer is not).

    Parameters
    ----------
    store : Store
    wijk : str, optional
        Only the segments of one wijk (context still comes from the whole document).

    Returns
    -------
    pandas.DataFrame
        The columns of the ``segments`` table plus ``path``, ``context_before`` and ``context_after``
        (empty strings where there is none), in document order.
    """
    seg = store.segments()
    seg = seg.sort_values(["path", "position"]).reset_index(drop=True)
    group = seg["doc_id"] + "\x00" + seg["respondent_id"].fillna("").astype(str)
    grouped = seg.groupby(group, sort=False)["text"]
    seg["context_before"] = grouped.shift(1).fillna("")
    seg["context_after"] = grouped.shift(-1).fillna("")
    if wijk is not None:
        seg = seg[seg["wijk"] == wijk].reset_index(drop=True)
    return seg


def filter_mask(frame: pd.DataFrame, filters: dict[str, Any]) -> np.ndarray:
    """Return a boolean mask of the rows that pass every filter (a value, or a list of accepted values).

    Parameters
    ----------
    frame : pandas.DataFrame
    filters : dict
        Column -> wanted value or values; None means no filter on that column.

    Returns
    -------
    numpy.ndarray of bool

    Raises
    ------
    SearchError
        For a filter on a column the frame does not have.
    """
    mask = np.ones(len(frame), dtype=bool)
    for col, wanted in filters.items():
        if wanted is None:
            continue
        if col not in frame.columns:
            raise SearchError(
                f"Cannot filter on {col!r}: the segments have no such column. Columns: {list(frame.columns)}"
            )
        values = [wanted] if isinstance(wanted, str) or not isinstance(wanted, Iterable) else list(wanted)
        mask &= frame[col].isin(values).to_numpy()
    return mask


def hit_table(
    frame: pd.DataFrame,
    idx: Sequence[int] | np.ndarray,
    scores: Sequence[float] | np.ndarray,
    attrs: dict[str, Any],
) -> pd.DataFrame:
    """Return the hit table of the rows ``idx`` of ``frame``, in that order, with their scores.

    Parameters
    ----------
    frame : pandas.DataFrame
    idx : sequence of int
        Row numbers, best first.
    scores : sequence of float
    attrs : dict
        Kept in ``attrs`` of the table (query, mode, model ...).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`HIT_COLUMNS` (missing ones empty), then the other columns of the frame.
    """
    out = frame.iloc[list(idx)].copy()
    out.insert(0, "score", np.round(np.asarray(scores, dtype=float), 6))
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    for col in HIT_COLUMNS:
        if col not in out.columns:
            out[col] = None
    extra = [c for c in out.columns if c not in HIT_COLUMNS]
    out = out[HIT_COLUMNS + [c for c in extra if c not in _HIDDEN]].reset_index(drop=True)
    out.attrs.update(attrs)
    return out
