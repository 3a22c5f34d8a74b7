"""Retrieval: every quote of a code, with its memos and where it comes from (the QDA "code retrieval" view).

:func:`code_quotes` lists what a code was applied to, one row per coding: the quote (the coded *span* when a
person coded part of a segment, else the whole segment), who coded it and when, whether a person or the
machine did, the memos on the segment beside it, and a link to the source: the document path and the place
in it (segment number, the time in a recording, the character offsets into the document's normalised text).

Filters: wijk, coder, human or machine, and a date range of the *source* (the session or survey date; the
date a coding was made is the ``coded_at`` column). Rejected codings are not quotes and never listed. The
same segment can appear more than once: once per coder, and once per span a person coded in it.

Memo texts are the researchers' own notes and are not pseudonymised: they are shown in the explore notebook,
never in a published table (:func:`wijkanalyse.analysis.code_tables.code_view_tables` gives their number).
"""

from __future__ import annotations

import difflib
import math
from typing import Any

import pandas as pd

from wijkanalyse.analysis.data import as_text
from wijkanalyse.exceptions import ReportError
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import HUMAN, MACHINE, NONE_CODE

__all__ = ["QUOTE_COLUMNS", "code_quotes", "applied_codings", "location"]

#: The columns of :func:`code_quotes`, in order.
QUOTE_COLUMNS = (
    "code_id", "quote", "coder_id", "kind", "confidence", "coded_at", "wijk", "date", "source_kind", "role",
    "question", "path", "location", "segment_id", "position", "start", "end", "span_start", "span_end",
    "whole_segment", "n_memos", "memos",
)  # fmt: skip

_SEGMENT_COLUMNS = (
    "segment_id", "text", "path", "position", "start", "end", "date", "kind", "role", "speaker", "question",
    "respondent_id", "time_start", "time_end", "unit", "boilerplate",
)  # fmt: skip


def _int_or_none(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def applied_codings(
    store: Store,
    *,
    wijk: str | None = None,
    coder: str | None = None,
    kind: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> pd.DataFrame:
    """Return the applied codings joined with their segment, filtered (the rows behind every view here).

    Parameters
    ----------
    store : Store
    wijk, coder : str, optional
        Only codings of segments of this wijk / by this coder.
    kind : {"human", "machine"}, optional
        Only people's or only the machine's codings.
    date_from, date_to : str, optional
        ISO dates (``2023-09-01``), inclusive: only segments whose source is dated in this range.

    Returns
    -------
    pandas.DataFrame
        The columns of :meth:`Store.codings` (``span_start``/``span_end`` where the store has spans) and the
        segment's ``text, path, position, start, end, date, kind`` (as ``source_kind``), ``role, speaker,
        question, respondent_id, time_start, time_end, unit, boilerplate``; ordered by coding id.

    Raises
    ------
    ReportError
        If ``kind`` is not ``human`` or ``machine``, or a date is not ``YYYY-MM-DD``.
    """
    if kind is not None and kind not in (HUMAN, MACHINE):
        raise ReportError(f"The 'kind' filter must be 'human' or 'machine'. Got {kind!r} instead.")
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value is not None and pd.isna(pd.to_datetime(str(value), format="%Y-%m-%d", errors="coerce")):
            raise ReportError(f"The '{name}' filter must be a date YYYY-MM-DD. Got {value!r} instead.")
    cod = store.codings(kind=kind)
    if coder is not None:
        cod = cod[cod["coder_id"] == coder]
    if wijk is not None:
        cod = cod[cod["wijk"] == wijk]
    seg = store.segments()
    seg = seg[[c for c in _SEGMENT_COLUMNS if c in seg.columns]].rename(columns={"kind": "source_kind"})
    out = cod.drop(columns=[c for c in ("doc_id",) if c in cod.columns]).merge(seg, on="segment_id")
    dates = out["date"].fillna("").astype(str)
    if date_from is not None:
        out = out[dates >= str(date_from)]
        dates = dates[out.index]
    if date_to is not None:
        out = out[dates <= str(date_to)]
    if "span_start" not in out.columns:  # a store without span coding: every coding is the whole segment
        out = out.assign(span_start=None, span_end=None)
    return out.sort_values("coding_id").reset_index(drop=True)


def location(row: pd.Series | dict[str, Any]) -> str:
    """Return where a quote stands in its document, in words: segment number, time, character offsets.

    Examples
    --------
    >>> location({"position": 4, "time_start": "00:01:05.000", "time_end": "00:01:20.000", "start": 120,
    ...           "end": 180})
    'segment 5, 00:01:05-00:01:20, tekens 120-180'
    """
    parts = [f"segment {int(row['position']) + 1}"]
    t0, t1 = as_text(row.get("time_start")), as_text(row.get("time_end"))
    if t0:
        parts.append(f"{t0.split('.')[0]}-{t1.split('.')[0]}" if t1 else t0.split(".")[0])
    parts.append(f"tekens {int(row['start'])}-{int(row['end'])}")
    return ", ".join(parts)


def _check_code(store: Store, code: str, codings: pd.DataFrame) -> None:
    known = set(store.code_ids()) | set(codings["code_id"])
    if code in known:
        return
    close = difflib.get_close_matches(code, sorted(known), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ReportError(f"Unknown code {code!r}: not in the codebook and never coded.{hint}")


def _memo_texts(store: Store) -> dict[str, list[str]]:
    memos = store.memos("segment")
    out: dict[str, list[str]] = {}
    for m in memos.itertuples(index=False):
        day = as_text(m.created_at)[:10]
        out.setdefault(str(m.target_id), []).append(f"{m.author} ({day}): {m.text}")
    return out


def _most_used_theme(store: Store, cod: pd.DataFrame) -> str | None:
    """Return the theme code applied to the most segments of ``cod`` (ties: the first id), None when none."""
    codes = store.codes_in_store_order()
    dimension = cod["code_id"].map(dict(zip(codes["code_id"], codes["dimension"], strict=True)))
    themes = cod[(dimension.fillna("thema") == "thema") & (cod["code_id"] != NONE_CODE)]
    used = themes.groupby("code_id")["segment_id"].nunique()
    return None if used.empty else str(used.sort_index().idxmax())


def code_quotes(
    store: Store,
    code: str | None,
    *,
    wijk: str | None = None,
    coder: str | None = None,
    kind: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> pd.DataFrame:
    """Return every quote coded with ``code``, its memos and a link to its source.

    Parameters
    ----------
    store : Store
    code : str or None
        The code id, e.g. ``"financiering"``; None: the theme code applied to the most segments (within the
        filters; no rows when nothing is coded yet).
    wijk, coder, kind, date_from, date_to
        Filters, as in :func:`applied_codings` (``kind``: ``"human"`` or ``"machine"``).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`QUOTE_COLUMNS`, one row per coding, in document order (path, then position,
        then span): ``quote`` is the coded span of the segment text (the whole segment when
        ``whole_segment``); ``start``/``end`` are the quote's offsets into the document's normalised text,
        ``span_start``/``span_end`` into the segment text (None for a whole segment); ``location`` says where
        it stands (:func:`location`); ``memos`` holds the segment's memos, one ``"author (date): text"`` a
        line, ``n_memos`` their number; ``coded_at`` when the coding was made.

    Raises
    ------
    ReportError
        If the code is neither in the codebook nor ever coded (with the nearest known code), or a filter is
        invalid.
    """
    cod = applied_codings(store, wijk=wijk, coder=coder, kind=kind, date_from=date_from, date_to=date_to)
    code = code if code is not None else _most_used_theme(store, cod)
    if code is None:  # nothing coded yet (or no codebook)
        return pd.DataFrame(columns=list(QUOTE_COLUMNS))
    _check_code(store, code, cod)
    cod = cod[cod["code_id"] == code]
    if cod.empty:
        return pd.DataFrame(columns=list(QUOTE_COLUMNS))
    memos = _memo_texts(store)
    rows = []
    for r in cod.to_dict("records"):
        s0, s1 = _int_or_none(r.get("span_start")), _int_or_none(r.get("span_end"))
        whole = s0 is None or s1 is None
        text = str(r["text"])
        quote = text if whole else text[s0:s1]
        start = int(r["start"]) + (0 if whole else int(s0 or 0))
        end = int(r["end"]) if whole else int(r["start"]) + int(s1 or 0)
        notes = memos.get(str(r["segment_id"]), [])
        rows.append(
            {
                **{k: r.get(k) for k in ("code_id", "coder_id", "kind", "confidence", "wijk", "date")},
                "quote": quote,
                "coded_at": r.get("created_at"),
                "source_kind": r.get("source_kind"),
                "role": r.get("role"),
                "question": r.get("question"),
                "path": r["path"],
                "location": location({**r, "start": start, "end": end}),
                "segment_id": r["segment_id"],
                "position": int(r["position"]),
                "start": start,
                "end": end,
                "span_start": s0,
                "span_end": s1,
                "whole_segment": whole,
                "n_memos": len(notes),
                "memos": "\n".join(notes),
            }
        )
    out = pd.DataFrame(rows, columns=list(QUOTE_COLUMNS))
    return out.sort_values(["path", "position", "start", "coder_id"], kind="mergesort").reset_index(drop=True)
