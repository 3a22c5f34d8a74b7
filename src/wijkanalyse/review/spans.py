"""Stage 6: span coding — a person codes a selected part of a segment, not the whole segment.

A coding is a code on a *span* of a segment: ``start``/``end`` are 0-based, end-exclusive character offsets
(Python string indices, i.e. Unicode code points) into the segment's ``text`` — the normalised,
pseudonymised text; the span's offsets in the document are the segment's ``start`` plus these. Whole-segment
coding is the special case: a span that covers the whole text is stored as a whole-segment coding (see
:data:`wijkanalyse.store.schema.CODINGS_TABLE`), so ticking a code and selecting the whole text are one
decision.

Rules (those of :func:`wijkanalyse.review.decisions.add_coding` apply: a registered person, a known code, a
stored segment, never the machine's or another person's rows):

* One person may code several spans of one code in one segment; coding the same span twice changes nothing.
* Coding a span withdraws that person's *rejection* of the code on the segment (they now apply it).
* Rejecting the code on the segment (:func:`~wijkanalyse.review.decisions.reject_coding`) or removing it
  from the segment (the coding sheet, :func:`~wijkanalyse.review.decisions.set_segment_codes`,
  :func:`~wijkanalyse.review.decisions.remove_coding`) withdraws the person's spans of it there.
* Agreement, analysis and reports count a span for its segment: the segment "has" the code.

These functions are re-exported by :mod:`wijkanalyse.review.decisions` (that is where callers find them).
"""

from __future__ import annotations

import pandas as pd

from wijkanalyse.store import Store

__all__ = ["add_span_coding", "remove_span_coding", "span_codings"]


def _checked(store: Store, segment_id: str, code_id: str, coder: str, start: int, end: int) -> str:
    """Check the coder, segment, code and offsets; return the coder id."""
    from wijkanalyse.review import decisions  # decisions re-exports this module: import when called

    cid = decisions.ensure_coder(store, coder)
    text = store.segment_text_map([segment_id]).get(segment_id)
    if text is None:
        raise decisions.ReviewError(f"No segment with id {segment_id!r} in {store.path}.")
    decisions._check_code(store, code_id)
    bad_type = any(isinstance(v, bool) or not isinstance(v, int) for v in (start, end))
    if bad_type or not 0 <= start < end <= len(text):
        raise decisions.ReviewError(
            f"Segment {segment_id!r}: a span needs 0 <= start < end <= {len(text)} (the length of the "
            f"segment's text; offsets are 0-based, end exclusive). Got start={start!r}, end={end!r}."
        )
    return cid


def add_span_coding(store: Store, segment_id: str, code_id: str, coder: str, start: int, end: int) -> None:
    """Record that a person applies a code to the span ``text[start:end]`` of a segment.

    Parameters
    ----------
    store : Store
    segment_id, code_id : str
    coder : str
        The person (registered if new).
    start, end : int
        0-based, end-exclusive offsets into the segment's text; ``0`` and ``len(text)`` code the whole
        segment.

    Raises
    ------
    ReviewError
        Unknown segment, unknown code (with the closest id), an invalid coder id, or offsets outside
        ``0 <= start < end <= len(text)``.
    """
    cid = _checked(store, segment_id, code_id, coder, start, end)
    store.set_human_span(segment_id, code_id, cid, start, end)


def remove_span_coding(store: Store, segment_id: str, code_id: str, coder: str, start: int, end: int) -> bool:
    """Withdraw a person's coding of exactly this span (the full range: their whole-segment coding).

    Returns
    -------
    bool
        Whether there was one. Other spans, other people's and the machine's codings are never touched.

    Raises
    ------
    ReviewError
        As :func:`add_span_coding`.
    """
    cid = _checked(store, segment_id, code_id, coder, start, end)
    return store.delete_human_span(segment_id, code_id, cid, start, end)


def span_codings(store: Store, segment_id: str, coder: str | None = None) -> pd.DataFrame:
    """Return the coded spans of a segment (whole-segment codings not included), of one coder or of all.

    Returns
    -------
    DataFrame
        ``segment_id, code_id, coder_id, kind, span_start, span_end, quote, created_at`` by position.
    """
    return store.span_codings([segment_id], coder)
