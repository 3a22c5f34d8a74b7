"""Code co-occurrence and code frequencies: which codes go together, and who used which code where.

Both count **segments**: a span a person coded counts for the segment that holds it, and a segment coded with
a code by two coders (or in two spans) counts once for that code. Which codings count: every applied coding
(people's and the machine's) unless a filter says otherwise (``kind``, ``coder``); rejected ones never.

- :func:`cooccurrence_counts`: for each pair of codes, the segments coded with both (overall, or per wijk);
- :func:`cooccurrence_matrix`: the same as a square table (the diagonal: the segments with the code), for a
  heatmap (:func:`wijkanalyse.explore.code_views.cooccurrence_heatmap`);
- :func:`code_frequencies`: per code, the segments coded with it by each coder, or in each kind of source, or
  in each document.

Each count comes with ``contributors`` where it is a long table: the people and sources behind it (survey
respondents plus distinct document-speaker pairs, as in :mod:`~wijkanalyse.analysis.counting`), which the
published versions of these tables (:mod:`~wijkanalyse.analysis.code_tables`) suppress on.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from wijkanalyse.analysis.data import as_text
from wijkanalyse.analysis.retrieval import applied_codings
from wijkanalyse.exceptions import ReportError
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import CITY

__all__ = [
    "FREQUENCY_GROUPS",
    "coded_segment_codes",
    "cooccurrence_counts",
    "cooccurrence_matrix",
    "code_frequencies",
    "contributor_keys",
]

#: What :func:`code_frequencies` can split by: the coder, the kind of source, the document (its path).
FREQUENCY_GROUPS = {"coder": "coder_id", "source": "source_kind", "document": "path"}


def contributor_keys(frame: pd.DataFrame) -> pd.Series:
    """Return who stands behind each segment row: its respondent, else its (document, speaker) pair."""
    doc = frame["path"].astype(str)
    resp = frame["respondent_id"].map(as_text)
    speaker = frame["speaker"].map(as_text) if "speaker" in frame.columns else ""
    return (doc + "\x00r" + resp).where(resp != "", doc + "\x00s" + speaker)


def coded_segment_codes(store: Store, **filters: str | None) -> pd.DataFrame:
    """Return one row per (segment, code) with an applied coding that passes the filters.

    Parameters
    ----------
    store : Store
    **filters
        ``wijk``, ``coder``, ``kind``, ``date_from``, ``date_to`` of
        :func:`~wijkanalyse.analysis.retrieval.applied_codings`.

    Returns
    -------
    pandas.DataFrame
        ``segment_id, code_id, wijk, source_kind, path, contributor``.
    """
    cod = applied_codings(store, **filters)
    cols = ["segment_id", "code_id", "wijk", "source_kind", "path", "contributor"]
    if cod.empty:
        return pd.DataFrame(columns=cols)
    cod = cod.assign(contributor=contributor_keys(cod))
    return cod.drop_duplicates(["segment_id", "code_id"])[cols].reset_index(drop=True)


def _codes_of(store: Store, pairs: pd.DataFrame, dimension: str | None) -> list[str]:
    codes = store.codes_in_store_order()
    order = [str(c) for c in codes["code_id"]]
    order += sorted(set(pairs["code_id"]) - set(order))
    if dimension is not None:
        keep = set(codes.loc[codes["dimension"] == dimension, "code_id"])
        order = [c for c in order if c in keep]
    return order


def cooccurrence_counts(
    store: Store,
    *,
    by_wijk: bool = False,
    dimension: str | None = None,
    wijk: str | None = None,
    coder: str | None = None,
    kind: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> pd.DataFrame:
    """Count, for every pair of codes, the segments coded with both.

    Parameters
    ----------
    store : Store
    by_wijk : bool, default False
        Also per wijk: rows for every wijk, then the city (``wijk`` is :data:`~wijkanalyse.vocabulary.CITY`,
        all segments, those of city-wide sources included).
    dimension : str, optional
        Only codes of this dimension (``"thema"`` or ``"soort"``); default every code.
    wijk, coder, kind, date_from, date_to : str, optional
        Filters of :func:`~wijkanalyse.analysis.retrieval.applied_codings` (``kind``: ``"human"`` or
        ``"machine"``).

    Returns
    -------
    pandas.DataFrame
        ``wijk, code_a, code_b, segments, contributors``: one row per pair with at least one segment,
        ``code_a`` before ``code_b`` in codebook order; ``code_a == code_b`` rows give the segments with the
        code itself. Ordered by wijk (the city last), then ``segments`` (largest first).
    """
    pairs = coded_segment_codes(
        store, wijk=wijk, coder=coder, kind=kind, date_from=date_from, date_to=date_to
    )
    order = _codes_of(store, pairs, dimension)
    rank = {c: i for i, c in enumerate(order)}
    pairs = pairs[pairs["code_id"].isin(rank)]
    cols = ["wijk", "code_a", "code_b", "segments", "contributors"]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for seg, group in pairs.groupby("segment_id", sort=False):
        codes = sorted(set(group["code_id"]), key=rank.__getitem__)
        first = group.iloc[0]
        for a, b in [(c, c) for c in codes] + list(combinations(codes, 2)):
            rows.append((first["wijk"], a, b, seg, first["contributor"]))
    long = pd.DataFrame(rows, columns=["wijk", "code_a", "code_b", "segment_id", "contributor"])
    scopes = [long.assign(wijk=CITY)]
    if by_wijk:
        scopes.insert(0, long[long["wijk"].notna()])
    out = (
        pd.concat(scopes, ignore_index=True)
        .groupby(["wijk", "code_a", "code_b"], sort=False)
        .agg(segments=("segment_id", "nunique"), contributors=("contributor", "nunique"))
        .reset_index()
    )
    out["_city"] = out["wijk"] == CITY
    out["_a"], out["_b"] = out["code_a"].map(rank), out["code_b"].map(rank)
    by, asc = ["_city", "wijk", "segments", "_a", "_b"], [True, True, False, True, True]
    out = out.sort_values(by, ascending=asc)
    return out[cols].reset_index(drop=True)


def cooccurrence_matrix(
    store: Store,
    *,
    wijk: str | None = None,
    dimension: str | None = None,
    coder: str | None = None,
    kind: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> pd.DataFrame:
    """Return the co-occurrence of codes as a square table: segments coded with both codes.

    Parameters
    ----------
    store : Store
    wijk : str, optional
        Only the segments of this wijk; default the whole city.
    dimension : str, optional
        Only codes of this dimension; default every code that was applied (after the filters).
    coder, kind, date_from, date_to : str, optional
        Filters, as in :func:`cooccurrence_counts`.

    Returns
    -------
    pandas.DataFrame
        Index and columns: the codes that were applied, in codebook order; a cell the number of segments
        coded with both, the diagonal the segments coded with the code. Symmetric; ints.

    Raises
    ------
    ReportError
        If ``wijk`` has no segments in the store.
    """
    if wijk is not None and wijk not in set(store.segments()["wijk"].dropna()):
        raise ReportError(f"Unknown wijk {wijk!r}: no segments of it in the store.")
    counts = cooccurrence_counts(
        store, dimension=dimension, wijk=wijk, coder=coder, kind=kind, date_from=date_from, date_to=date_to
    )
    codes = [c for c in _codes_of(store, counts.rename(columns={"code_a": "code_id"}), dimension)
             if c in set(counts["code_a"]) | set(counts["code_b"])]  # fmt: skip
    matrix = pd.DataFrame(0, index=pd.Index(codes, name="code"), columns=codes, dtype=int)
    for r in counts.itertuples(index=False):
        matrix.loc[r.code_a, r.code_b] = int(r.segments)
        matrix.loc[r.code_b, r.code_a] = int(r.segments)
    return matrix


def code_frequencies(store: Store, by: str = "coder", **filters: str | None) -> pd.DataFrame:
    """Return, per code, the segments coded with it: by coder, by kind of source or by document.

    Parameters
    ----------
    store : Store
    by : {"coder", "source", "document"}, default "coder"
        One column per coder (the machine is one), per kind of source (``notulen``, ``transcript``,
        ``enquete`` ...), or per document path.
    **filters
        ``wijk``, ``coder``, ``kind`` (``"human"``/``"machine"``), ``date_from``, ``date_to``.

    Returns
    -------
    pandas.DataFrame
        ``code_id, label, dimension``, one int column per group (sorted by name), and ``total``: the
        distinct segments coded with the code (a segment two coders coded counts once in ``total``, so with
        ``by="coder"`` the total can be less than the sum of the columns; with ``"source"`` and
        ``"document"`` it is the sum). Every code of the codebook, unused ones with zeros, in codebook order,
        then codes that were applied but are not in the codebook.

    Raises
    ------
    ReportError
        If ``by`` is not one of :data:`FREQUENCY_GROUPS`.
    """
    if by not in FREQUENCY_GROUPS:
        raise ReportError(
            f"The 'by' parameter must be one of {sorted(FREQUENCY_GROUPS)}. Got {by!r} instead."
        )
    column = FREQUENCY_GROUPS[by]
    cod = applied_codings(store, **filters)
    codes = store.codes_in_store_order()
    order = [str(c) for c in codes["code_id"]] + sorted(set(cod["code_id"]) - set(codes["code_id"]))
    labels = dict(zip(codes["code_id"], codes["label_nl"].map(as_text), strict=True))
    dims = dict(zip(codes["code_id"], codes["dimension"].map(as_text), strict=True))
    base = pd.DataFrame(
        {
            "code_id": order,
            "label": [labels.get(c) or c for c in order],
            "dimension": [dims.get(c, "") for c in order],
        }
    )
    if cod.empty:
        return base.assign(total=0)
    per = (
        cod.assign(_group=cod[column].map(as_text))
        .groupby(["code_id", "_group"])["segment_id"]
        .nunique()
        .unstack(fill_value=0)
    )
    per = per.reindex(sorted(per.columns), axis=1)
    per.columns.name = None
    total = cod.groupby("code_id")["segment_id"].nunique().rename("total")
    out = base.merge(per, left_on="code_id", right_index=True, how="left")
    out = out.merge(total, left_on="code_id", right_index=True, how="left")
    value_cols = [*per.columns, "total"]
    out[value_cols] = out[value_cols].fillna(0).astype(int)
    return out.reset_index(drop=True)
