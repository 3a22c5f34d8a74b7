"""Corpus overview: what the store holds, per wijk and date, per kind of source, and what was pseudonymised.

One function per table of the first explore notebook. Everything is read from the store; nothing here reads
the raw files or the pseudonymisation key, so no original name, address or number can appear: the
pseudonymisation table only holds counts per category and document.
"""

from __future__ import annotations

import json

import pandas as pd

from wijkanalyse.analysis import marker, suppress
from wijkanalyse.ingest.corpus import corpus_summary
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import CITY

__all__ = [
    "CITY",
    "sources_by_wijk_and_date",
    "source_types",
    "segment_lengths",
    "segment_length_summary",
    "survey_response_rates",
    "pseudonymisation_counts",
    "corpus_overview",
]

#: Name used for sources and answers without a wijk (city-wide).

_ANSWER_STATES = ("beantwoord", "geen inhoud", "leeg")


def sources_by_wijk_and_date(store: Store) -> pd.DataFrame:
    """Documents, sessions, segments and respondents per wijk, date and kind of source.

    Parameters
    ----------
    store : Store

    Returns
    -------
    pandas.DataFrame
        ``wijk, date, kind, documents, sessions, segments, respondents``. ``wijk`` is ``(stad)`` for city-wide
        sources and survey answers without a wijk; ``sessions`` counts distinct sessions (never surveys);
        ``respondents`` counts every respondent of a survey in that wijk, also those who left the open
        questions empty. Sorted by wijk (city last), date and kind.
    """
    seg = store.segment_counts_per_wijk_date_kind()
    resp = store.respondent_counts_per_wijk_date_kind()
    out = seg.merge(resp, on=["wijk", "date", "kind"], how="outer")
    out["documents"] = out["documents"].fillna(out["survey_documents"])
    out = out.drop(columns="survey_documents")
    for col in ("documents", "sessions", "segments", "respondents"):
        out[col] = out[col].fillna(0).astype(int)
    out["date"] = out["date"].replace("", None)
    out = out.sort_values(
        ["wijk", "date", "kind"], key=lambda s: s.fillna("").str.replace("(", "~", regex=False)
    ).reset_index(drop=True)
    return out[["wijk", "date", "kind", "documents", "sessions", "segments", "respondents"]]


def source_types(store: Store) -> pd.DataFrame:
    """Documents, segments and characters per file format and kind of source.

    Returns
    -------
    pandas.DataFrame
        ``format, kind, documents, segments, characters`` (characters of the normalised document text), most
        documents first.
    """
    docs = store.document_counts_per_format_kind()
    docs = docs[["format", "kind", "documents", "segments", "characters"]]
    return docs.sort_values(["documents", "format"], ascending=[False, True], kind="mergesort").reset_index(
        drop=True
    )


def segment_lengths(store: Store) -> pd.DataFrame:
    """Return the length of every segment, for a histogram.

    Returns
    -------
    pandas.DataFrame
        ``segment_id, wijk, kind, unit, chars, words`` (``words``: whitespace-separated tokens).
    """
    seg = store.segments_in_document_order()
    seg["chars"] = seg["text"].str.len().astype(int)
    seg["words"] = seg["text"].str.split().str.len().fillna(0).astype(int)
    return seg.drop(columns="text")


def segment_length_summary(store: Store) -> pd.DataFrame:
    """Segment lengths per kind of source: count, shortest, median, mean, longest (characters), median words.

    Returns
    -------
    pandas.DataFrame
        ``kind, segments, chars_min, chars_median, chars_mean, chars_max, words_median`` plus a last row
        ``(alle)`` over every segment.
    """
    seg = segment_lengths(store)
    cols = ["kind", "segments", "chars_min", "chars_median", "chars_mean", "chars_max", "words_median"]
    if seg.empty:
        return pd.DataFrame(columns=cols)

    def _summary(frame: pd.DataFrame) -> dict[str, float]:
        return {
            "segments": len(frame),
            "chars_min": int(frame["chars"].min()),
            "chars_median": float(frame["chars"].median()),
            "chars_mean": round(float(frame["chars"].mean()), 1),
            "chars_max": int(frame["chars"].max()),
            "words_median": float(frame["words"].median()),
        }

    rows = [{"kind": k, **_summary(g)} for k, g in seg.groupby(seg["kind"].fillna(""), sort=True)]
    rows.append({"kind": "(alle)", **_summary(seg)})
    return pd.DataFrame(rows, columns=cols)


def survey_response_rates(store: Store, by_wijk: bool = False, min_count: int | None = None) -> pd.DataFrame:
    """How many respondents answered each survey question.

    Open questions are read from ``respondents.answers_json`` (``open``: per question ``beantwoord``,
    ``geen inhoud`` for a non-answer such as "weet niet", or ``leeg``); a closed question counts as answered
    when its value is not empty.

    Parameters
    ----------
    store : Store
    by_wijk : bool, default False
        One row per question and wijk (``(stad)`` for respondents without a wijk).
    min_count : int, optional
        Suppress small cells as the reports do (:func:`wijkanalyse.analysis.suppress`): in a row with fewer
        than ``min_count`` respondents the counts and the rate are replaced by the marker (e.g. ``"<5"``).

    Returns
    -------
    pandas.DataFrame
        ``survey, [wijk,] question, type ('open'|'gesloten'), respondents, answered, no_content, empty,
        response_rate`` (``answered / respondents``) and, with ``min_count``, ``suppressed``; in
        questionnaire order.
    """
    rows = store.survey_answers()
    records = []
    for row in rows.itertuples(index=False):
        answers = json.loads(row.answers_json or "{}")
        for question, state in (answers.get("open") or {}).items():
            records.append((row.survey, row.wijk, question, "open", state))
        for question, value in answers.items():
            if question == "open":
                continue
            filled = value is not None and str(value).strip() != ""
            records.append((row.survey, row.wijk, question, "gesloten", "beantwoord" if filled else "leeg"))
    keys = ["survey", *(["wijk"] if by_wijk else []), "question", "type"]
    cols = [*keys, "respondents", "answered", "no_content", "empty", "response_rate"]
    if not records:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame(records, columns=["survey", "wijk", "question", "type", "state"])
    order = {q: i for i, q in enumerate(dict.fromkeys(frame["question"]))}
    table = (
        frame.assign(
            answered=frame["state"] == "beantwoord",
            no_content=frame["state"] == "geen inhoud",
            empty=frame["state"] == "leeg",
        )
        .groupby(keys, sort=False)
        .agg(
            respondents=("state", "size"),
            answered=("answered", "sum"),
            no_content=("no_content", "sum"),
            empty=("empty", "sum"),
        )
        .reset_index()
    )
    table["response_rate"] = (table["answered"] / table["respondents"]).round(4)
    table["_order"] = table["question"].map(order)
    sort = ["survey", "_order", *(["wijk"] if by_wijk else [])]
    table = table.sort_values(sort, kind="mergesort").drop(columns="_order").reset_index(drop=True)[cols]
    if min_count is None:
        return table
    out = suppress(table, min_count)
    for col in ("answered", "no_content", "empty", "response_rate"):
        out[col] = out[col].astype(object)
        out.loc[out["suppressed"], col] = marker(min_count)
    return out


def pseudonymisation_counts(store: Store, by: str = "category") -> pd.DataFrame:
    """Count what pseudonymisation replaced, per category (never the originals: the store does not hold them).

    Parameters
    ----------
    store : Store
    by : {"category", "document", "wijk"}, default "category"
        ``category``: one row per category with its total and the number of documents it occurs in;
        ``document`` / ``wijk``: one row per document (path) or wijk, one column per category.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        If ``by`` is not one of the three.
    """
    if by not in ("category", "document", "wijk"):
        raise ValueError(f"The 'by' parameter must be 'category', 'document' or 'wijk'. Got {by!r} instead.")
    counts = store.pseudonym_counts_per_document()
    if by == "category":
        if counts.empty:
            return pd.DataFrame(columns=["category", "replaced", "documents"])
        table = (
            counts.groupby("category").agg(replaced=("n", "sum"), documents=("path", "nunique")).reset_index()
        )
        return table.sort_values(
            ["replaced", "category"], ascending=[False, True], kind="mergesort"
        ).reset_index(drop=True)
    key = "path" if by == "document" else "wijk"
    if counts.empty:
        return pd.DataFrame(columns=[key])
    wide = counts.pivot_table(index=key, columns="category", values="n", aggfunc="sum", fill_value=0)
    wide.columns.name = None
    wide["totaal"] = wide.sum(axis=1)
    return wide.reset_index()


def corpus_overview(store: Store) -> dict[str, pd.DataFrame]:
    """Every table of the corpus overview, keyed by name.

    Returns
    -------
    dict
        ``per_wijk`` (:func:`wijkanalyse.ingest.corpus_summary`), ``per_wijk_datum``, ``bronnen``,
        ``segmentlengte``, ``enquete``, ``pseudonimisering``, ``pseudonimisering_per_document``.
    """
    return {
        "per_wijk": corpus_summary(store),
        "per_wijk_datum": sources_by_wijk_and_date(store),
        "bronnen": source_types(store),
        "segmentlengte": segment_length_summary(store),
        "enquete": survey_response_rates(store),
        "pseudonimisering": pseudonymisation_counts(store),
        "pseudonimisering_per_document": pseudonymisation_counts(store, by="document"),
    }
