"""Counting segments per group: the counting units every view shares.

Counting units
--------------
``session_segments``: segments from sessions (minutes, transcripts, notes), ``sessions``: distinct sessions,
``survey_answers``: open survey answers, ``respondents``: distinct survey respondents, ``segments``: all
segments (``session_segments + survey_answers``), ``share``: ``segments`` divided by all segments of the wijk
(or city).

Who stands behind a count
-------------------------
With ``people=True`` :func:`count_segments` also says how many people or sources stand behind each group; the
suppression rule (:mod:`~wijkanalyse.analysis.suppression`) and the headline rule use these, and no published
table shows them:

- ``session_sources``: distinct *(document, speaker)* pairs among the session segments; a document without
  speakers (minutes, notes, a report) is one source;
- ``contributors``: ``respondents + session_sources`` (the people and sources behind ``segments``);
- ``sources``: distinct documents of the session segments plus distinct respondents (the headline rule:
  a theme is a headline only with enough fragments from at least ``min_sources`` sources).
"""

from __future__ import annotations

import math

import pandas as pd

from wijkanalyse.analysis.data import AnalysisData
from wijkanalyse.exceptions import ReportError
from wijkanalyse.vocabulary import MACHINE

__all__ = [
    "COUNT_COLUMNS",
    "PEOPLE_COLUMNS",
    "CONFIDENCE_BINS",
    "wijken",
    "segments_in",
    "count_segments",
    "coded_segments",
    "add_labels",
    "coded_by_counts",
    "confidence_edges",
    "confidence_counts",
]

#: The counts of :func:`count_segments`, after its group keys.
COUNT_COLUMNS = ("sessions", "session_segments", "survey_answers", "respondents", "segments")
#: The extra columns of :func:`count_segments` with ``people=True`` (never published).
PEOPLE_COLUMNS = ("session_sources", "contributors", "sources")
#: Edges of the confidence bins of machine codings (the last bin includes 1.0).
CONFIDENCE_BINS = (0.0, 0.5, 0.7, 0.9, 1.0)


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


def count_segments(frame: pd.DataFrame, keys: list[str], people: bool = False) -> pd.DataFrame:
    """Count per group of segment rows (one row per segment and key combination).

    Parameters
    ----------
    frame : DataFrame
        Segment rows (``session``, ``survey``, ``doc_id``, ``respondent_id``; with ``people`` also
        ``speaker``), possibly repeated per key (a segment with two themes is two rows).
    keys : list of str
        The columns to group by.
    people : bool, default False
        Add :data:`PEOPLE_COLUMNS`: who stands behind each count (see the module docstring).

    Returns
    -------
    DataFrame
        The ``keys``, then :data:`COUNT_COLUMNS` (and :data:`PEOPLE_COLUMNS`); one row per group, sorted by
        the keys.

    Examples
    --------
    >>> f = pd.DataFrame({"k": ["a", "a", "a"], "session": ["s1", "s1", None], "survey": [False, False, True],
    ...                   "doc_id": ["d1", "d1", "q"], "respondent_id": [None, None, "r1"],
    ...                   "speaker": ["[PERSOON-1]", "[PERSOON-2]", None]})
    >>> count_segments(f, ["k"], people=True).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'k': 'a', 'sessions': 1, 'session_segments': 2, 'survey_answers': 1, 'respondents': 1, 'segments': 3,
     'session_sources': 2, 'contributors': 3, 'sources': 2}
    """
    cols = [*keys, *COUNT_COLUMNS, *(PEOPLE_COLUMNS if people else ())]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    session_text = ~frame["survey"].astype(bool)
    f = frame.assign(
        _session=frame["session"].where(session_text),
        _resp=(frame["doc_id"] + "\x00" + frame["respondent_id"].fillna("")).where(~session_text),
        _sess_seg=session_text.astype(int),
        _surv=(~session_text).astype(int),
    )
    if people:
        speaker = frame["speaker"].fillna("").astype(str) if "speaker" in frame.columns else ""
        f = f.assign(
            _source=(frame["doc_id"] + "\x00" + speaker).where(session_text),
            _doc=frame["doc_id"].where(session_text),
        )
    g = f.groupby(keys, dropna=False, sort=True)
    counts = {
        "sessions": g["_session"].nunique(),
        "session_segments": g["_sess_seg"].sum(),
        "survey_answers": g["_surv"].sum(),
        "respondents": g["_resp"].nunique(),
    }
    if people:
        counts["session_sources"] = g["_source"].nunique()
        counts["_docs"] = g["_doc"].nunique()
    out = pd.DataFrame(counts).reset_index()
    out["segments"] = out["session_segments"] + out["survey_answers"]
    if people:
        out["contributors"] = out["respondents"] + out["session_sources"]
        out["sources"] = out["respondents"] + out.pop("_docs")
    return out[cols]


def coded_segments(data: AnalysisData, scope: pd.DataFrame) -> pd.DataFrame:
    """Return the segments of ``scope`` joined with their effective theme codes (one row per code)."""
    return scope.merge(data.themes[["segment_id", "code_id"]], on="segment_id")


def add_labels(data: AnalysisData, table: pd.DataFrame) -> pd.DataFrame:
    """Insert a ``label`` column after ``code_id`` and rename ``code_id`` to ``theme`` (in place)."""
    table.insert(table.columns.get_loc("code_id") + 1, "label", [data.label(c) for c in table["code_id"]])
    return table.rename(columns={"code_id": "theme"})


def coded_by_counts(data: AnalysisData, scope: pd.DataFrame) -> dict[str, int]:
    """Return how many segments of ``scope`` people coded, only the machine coded, or nobody coded.

    ``human``: a person applied or rejected a code; ``machine``: only the machine applied a code (its ``geen``
    included); ``none``: the rest. The three add up to the segments of ``scope``.
    """
    ids = set(scope["segment_id"])
    cod = data.codings[data.codings["segment_id"].isin(ids)]
    human = set(cod.loc[cod["kind"] == "human", "segment_id"])
    machine = set(cod.loc[(cod["kind"] == MACHINE) & (cod["status"] == "applied"), "segment_id"]) - human
    return {"human": len(human), "machine": len(machine), "none": len(ids - human - machine)}


def _machine_confidences(data: AnalysisData, scope: pd.DataFrame | None) -> pd.Series:
    themes = data.themes[data.themes["source"] == MACHINE]
    if scope is not None:
        themes = themes[themes["segment_id"].isin(set(scope["segment_id"]))]
    return themes["confidence"].dropna().astype(float)


def confidence_edges(data: AnalysisData) -> list[float]:
    """Return the edges of the confidence bins, the same for every wijk and the city.

    The bins are those of ``CONFIDENCE_BINS``, the first starting at the coding threshold (rounded down to
    0.05; lower when some machine code that counts, anywhere in the data, has a lower confidence).
    """
    conf = _machine_confidences(data, None)
    # the first bin starts at the coding threshold (the machine applies nothing below it), or lower if needed
    low = min(data.coding_threshold, float(conf.min()) if len(conf) else 1.0)
    low = math.floor(low * 20) / 20
    return [low, *(e for e in CONFIDENCE_BINS if e > low)]


def confidence_counts(data: AnalysisData, scope: pd.DataFrame, edges: list[float]) -> dict[str, int]:
    """Return the machine's theme codes that count in ``scope`` per confidence bin (``"0.70-0.90"``: n)."""
    conf = _machine_confidences(data, scope)
    out = {}
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        out[f"{lo:.2f}-{hi:.2f}"] = int(((conf >= lo) & ((conf < hi) if hi < 1 else (conf <= hi))).sum())
    return out
