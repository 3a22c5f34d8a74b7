"""Segmentation: blocks become units of analysis with character offsets into the document text.

The document text stored for each source is built here from its (pseudonymised) blocks: section headings on a
line of their own, speaker turns as ``[PERSOON-3] (bewoner): text``, labelled turns of a written account as
``Bewoner: text``, survey answers as ``R0001 · vraag: text``, blocks separated by a blank line. Each segment
records ``start`` and ``end`` such that ``document_text[start:end] == segment.text`` — the basis of
traceability and of the REFI-QDA export. A unit longer than ``max_chars`` is split at sentence boundaries
(``unit`` gets the suffix ``-part``).

The units of a segment (column ``unit``), for the stages that count, code and quote:

============== ==============================================================================================
``paragraph``  a paragraph of prose
``bullet``     an item of a list
``turn``       a speaker turn: of a transcript (``speaker`` is a placeholder such as ``[PERSOON-3]``) or a
               labelled turn of a written account (``Bewoner: ...``; no ``speaker``, the ``role`` only)
``answer``     an answer to an open survey question (``respondent_id``, ``question``)
``table-row``  a row of a table (pipe table, HTML or Word table), cells joined by `` | ``
               (:data:`TABLE_ROW`): **counted, never quoted** — a row of numbers is no quote
``<unit>-part`` a piece of a longer unit, cut at sentence boundaries
============== ==============================================================================================

A segment is also flagged ``boilerplate = 1`` in the store when its text recurs verbatim in at least
``markup.boilerplate_min_documents`` documents (a footer, a standard paragraph on every page; survey answers
are never boilerplate): boilerplate is **neither coded nor quoted**.
:meth:`~wijkanalyse.store.Store.segments_to_code` returns the segments to code (no boilerplate) and
:meth:`~wijkanalyse.store.Store.quotable_segments` those that may be quoted (no boilerplate, no table rows);
:func:`is_quotable` says the same of one unit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from wijkanalyse.ingest.text_blocks import TABLE_ROW

__all__ = [
    "SegmentRecord",
    "Unit",
    "TABLE_ROW",
    "is_quotable",
    "sentence_spans",
    "split_spans",
    "build_document",
    "segment_id",
]

# a sentence ends at . ! ? (or …) followed by space and an upper-case letter, digit, quote or placeholder
_SENT_END_RE = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(\[]?[A-ZÀ-Þ0-9\[])")
_ABBREV = (
    "bijv.", "bv.", "o.a.", "d.w.z.", "i.p.v.", "m.b.t.", "t.a.v.", "nr.", "dhr.", "mevr.", "mw.", "ca.",
    "enz.", "etc.", "vs.", "z.g.a.n.",
)  # fmt: skip


@dataclass
class SegmentRecord:
    """One segment: offsets into the document text plus what is known about it."""

    segment_id: str
    position: int
    start: int
    end: int
    text: str
    unit: str
    speaker: str | None = None
    role: str | None = None
    time_start: str | None = None
    time_end: str | None = None
    section: str | None = None
    question: str | None = None
    respondent_id: str | None = None
    wijk: str | None = None


def is_quotable(unit: str, boilerplate: bool | int = False) -> bool:
    """Return True when a segment may be quoted: not a table row (nor part of one), not boilerplate.

    Examples
    --------
    >>> is_quotable("paragraph"), is_quotable("table-row"), is_quotable("table-row-part")
    (True, False, False)
    >>> is_quotable("turn", boilerplate=1)
    False
    """
    return not boilerplate and not unit.startswith(TABLE_ROW)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in ``text`` (Dutch abbreviations do not end a sentence)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        before = text[start : m.start()]
        if before.lower().endswith(_ABBREV) or re.search(r"\b[A-Z]\.$", before):
            continue
        spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def split_spans(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Split ``text`` into spans of at most ``max_chars``, at sentence boundaries where possible."""
    if len(text) <= max_chars:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    cur_start: int | None = None
    cur_end = 0
    for s, e in sentence_spans(text):
        pieces = [(s, e)]
        if e - s > max_chars:  # one very long sentence: cut at spaces
            pieces = []
            ps = s
            while e - ps > max_chars:
                cut = text.rfind(" ", ps, ps + max_chars)
                cut = cut if cut > ps else ps + max_chars
                pieces.append((ps, cut))
                ps = cut + 1 if text[cut : cut + 1] == " " else cut
            pieces.append((ps, e))
        for ps, pe in pieces:
            if cur_start is None:
                cur_start, cur_end = ps, pe
            elif pe - cur_start <= max_chars:
                cur_end = pe
            else:
                out.append((cur_start, cur_end))
                cur_start, cur_end = ps, pe
    if cur_start is not None:
        out.append((cur_start, cur_end))
    return out


def segment_id(doc_id: str, text: str, occurrence: int) -> str:
    """Stable segment id: the same text at the same occurrence in the same document keeps its id."""
    return hashlib.sha1(f"{doc_id}\x00{text}\x00{occurrence}".encode()).hexdigest()[:16]


@dataclass
class Unit:
    """A pseudonymised block ready to be laid out in the document text."""

    text: str
    unit: str
    prefix: str = ""
    speaker: str | None = None
    role: str | None = None
    time_start: str | None = None
    time_end: str | None = None
    section: str | None = None
    question: str | None = None
    respondent_id: str | None = None
    wijk: str | None = None


def build_document(doc_id: str, units: list[Unit], max_chars: int) -> tuple[str, list[SegmentRecord]]:
    """Lay out the units as the document text and cut it into segments.

    Returns
    -------
    (str, list of SegmentRecord)
        The document text and its segments, each a slice of that text.
    """
    parts: list[str] = []
    pos = 0
    segments: list[SegmentRecord] = []
    seen: dict[str, int] = {}
    section: str | None = None

    def emit(s: str) -> int:
        nonlocal pos
        if parts:
            parts.append("\n\n")
            pos += 2
        at = pos
        parts.append(s)
        pos += len(s)
        return at

    for u in units:
        if u.section and u.section != section:
            emit(u.section)
            section = u.section
        at = emit(u.prefix + u.text) + len(u.prefix)
        spans = split_spans(u.text, max_chars)
        for s, e in spans:
            text = u.text[s:e]
            k = seen.get(text, 0)
            seen[text] = k + 1
            segments.append(
                SegmentRecord(
                    segment_id=segment_id(doc_id, text, k),
                    position=len(segments),
                    start=at + s,
                    end=at + e,
                    text=text,
                    unit=u.unit + ("-part" if len(spans) > 1 else ""),
                    speaker=u.speaker,
                    role=u.role,
                    time_start=u.time_start,
                    time_end=u.time_end,
                    section=u.section,
                    question=u.question,
                    respondent_id=u.respondent_id,
                    wijk=u.wijk,
                )
            )
    return "".join(parts), segments
