"""The QDA views as published tables (``wijkanalyse analyse --table``), with small counts suppressed.

The tables (keyed by CSV name, next to the report tables of :mod:`~wijkanalyse.analysis.tables`):

- ``codefrequentie_codeur``: per code, the segments each coder coded with it, and the total;
- ``codefrequentie_bron``: per code, the segments coded with it in each kind of source, and the total;
- ``samen_voorkomen``: pairs of codes and the segments coded with both, for the wijk, or for the city and
  every wijk;
- ``citaten_code`` (only with a code): every quote of the code with its source and place (no memo texts: they
  are the researchers' own, unpseudonymised notes; ``n_memos`` gives their number).

Suppression (the rule of the report tables, :mod:`~wijkanalyse.analysis.suppression`): a count with
``0 < contributors < min_count`` (respondents plus document-speaker pairs behind it) is shown as ``"<5"``.
Where parts add up to a shown total (the wijken of a code's count add up to the city's, with the segments
without a wijk; the kinds of source of a code to its total), more figures are hidden (``"x"``) until no
relation has exactly one hidden figure (:func:`protect_grid`), computed over every wijk at once, so a wijk's
table and the city's hide the same figures and no hidden count comes back by subtraction.
A survey answer is not quoted when fewer than ``min_count`` respondents gave the code in the scope (as in
``citaten``). These tables are not part of the reports' run-wide suppression pattern
(:mod:`~wijkanalyse.analysis.protection`): they are checked on their own, not against every report table.
"""

from __future__ import annotations

import pandas as pd

from wijkanalyse.analysis.attack import COMPLEMENTARY, PRIMARY
from wijkanalyse.analysis.cells import COMPLEMENT_MARKER
from wijkanalyse.analysis.cooccurrence import (
    code_frequencies,
    contributor_keys,
    cooccurrence_counts,
)
from wijkanalyse.analysis.quotes import quotable
from wijkanalyse.analysis.retrieval import applied_codings, code_quotes
from wijkanalyse.analysis.suppression import marker
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import CITY

__all__ = ["CODE_VIEW_TABLES", "code_view_tables", "protect_grid"]

#: The names of the tables of :func:`code_view_tables` (``citaten_code`` only with a code).
CODE_VIEW_TABLES = ("codefrequentie_codeur", "codefrequentie_bron", "samen_voorkomen", "citaten_code")


#: the segments of city-wide sources: a part of the city, never published on their own
_NO_WIJK = "\x00geen wijk"


def protect_grid(
    values: pd.DataFrame, people: pd.DataFrame, min_count: int, rows_add_up: bool = False
) -> pd.DataFrame:
    """Suppress a grid of counts whose rows add up to the city row (and, optionally, columns to ``total``).

    Primary: a count with ``0 < contributors < min_count`` is hidden (``"<5"``). Complementary (the greedy
    scheme of :mod:`~wijkanalyse.analysis.protection`, on this grid alone): while some relation *total = sum
    of parts* has exactly one hidden figure, its smallest visible non-zero published part is hidden too
    (``"x"``), so no hidden count comes back by subtraction.

    Parameters
    ----------
    values, people : DataFrame
        The counts and the contributors behind them; index: the wijken, :data:`CITY` (the total of every
        column) and possibly a row of segments without a wijk (a part that is never published); the same
        columns.
    min_count : int
    rows_add_up : bool, default False
        The columns other than ``total`` add up to ``total`` in every row (kinds of source do; coders do
        not: a segment can be coded by two).

    Returns
    -------
    DataFrame
        ``values`` as objects, hidden figures replaced by their marker.

    Examples
    --------
    >>> v = pd.DataFrame({"n": [10, 3, 7, 20]}, index=["A", "B", "C", CITY])
    >>> protect_grid(v, v, 5)["n"].tolist()
    [10, '<5', 'x', 20]
    """
    cells = [(r, c) for r in values.index for c in values.columns]
    hidden = {x: PRIMARY for x in cells if 0 < people.at[x] < min_count}
    relations = [[(r, c) for r in values.index] for c in values.columns if CITY in values.index]
    if rows_add_up and "total" in values.columns:
        relations += [[(r, c) for c in values.columns] for r in values.index]
    changed = True
    while changed:
        changed = False
        for cells in relations:
            if sum(cell in hidden for cell in cells) != 1:
                continue
            free = [x for x in cells if x not in hidden and x[0] != _NO_WIJK and values.at[x] > 0]
            if free:
                hidden[min(free, key=lambda x: (values.at[x], str(x)))] = COMPLEMENTARY
                changed = True
    out = values.astype(object)
    for cell, how in hidden.items():
        out.at[cell] = marker(min_count) if how == PRIMARY else COMPLEMENT_MARKER
    return out


def _grids(cod: pd.DataFrame, column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Segments and contributors per (code, scope) x group, scopes: every wijk, no wijk and the city."""
    cod = cod.assign(
        _who=contributor_keys(cod),
        _group=cod[column].fillna("").astype(str),
        _scope=cod["wijk"].fillna(_NO_WIJK).astype(str),
    )
    frames = []
    for scope_col in ("_scope", None):
        c = cod if scope_col else cod.assign(_scope=CITY)
        for group in ("_group", None):
            g = c if group else c.assign(_group="total")
            frames.append(
                g.groupby(["code_id", "_scope", "_group"])
                .agg(segments=("segment_id", "nunique"), who=("_who", "nunique"))
                .reset_index()
            )
    long = pd.concat(frames, ignore_index=True)
    values = long.pivot_table(index=["code_id", "_scope"], columns="_group", values="segments", fill_value=0)
    people = long.pivot_table(index=["code_id", "_scope"], columns="_group", values="who", fill_value=0)
    return values.astype(int), people.astype(int)


def _frequency_table(store: Store, by: str, min_count: int, wijk: str | None) -> pd.DataFrame:
    """Per code and group, the segments of the wijk (or city), suppressed over every wijk at once."""
    column = {"coder": "coder_id", "source": "source_kind"}[by]
    table = code_frequencies(store, by=by, wijk=wijk)
    cod = applied_codings(store)
    groups = [c for c in table.columns if c not in ("code_id", "label", "dimension")]
    if cod.empty:
        return table
    values, people = _grids(cod, column)
    scope = wijk or CITY
    out = table.astype({c: object for c in groups})
    for i, code in enumerate(table["code_id"]):
        if code not in values.index.get_level_values(0):
            continue
        shown = protect_grid(values.loc[code], people.loc[code], min_count, rows_add_up=by == "source")
        for g in groups:
            if scope in shown.index and g in shown.columns:
                out.at[i, g] = shown.at[scope, g]
    return out


def _cooccurrence_table(store: Store, min_count: int, wijk: str | None) -> pd.DataFrame:
    """Pairs of codes per wijk and for the city, suppressed together; with ``wijk`` only its rows."""
    long = cooccurrence_counts(store, by_wijk=True)
    out = long.astype({"segments": object})
    if long.empty:
        return out.drop(columns="contributors")
    nowijk = cooccurrence_counts(store).merge(  # the part of the city that has no wijk: city minus wijken
        long[long["wijk"] != CITY].groupby(["code_a", "code_b"], as_index=False)["segments"].sum(),
        on=["code_a", "code_b"], how="left", suffixes=("", "_w"),
    )  # fmt: skip
    nowijk_rest = dict(
        zip(zip(nowijk["code_a"], nowijk["code_b"], strict=True),
            nowijk["segments"] - nowijk["segments_w"].fillna(0), strict=True)
    )  # fmt: skip
    for pair, idx in long.groupby(["code_a", "code_b"], sort=False).groups.items():
        grid = long.loc[idx].set_index("wijk")
        values = grid[["segments"]].copy()
        people = grid[["contributors"]].rename(columns={"contributors": "segments"})
        rest = int(nowijk_rest.get(pair, 0))
        if rest > 0:  # known to be there, never published: counts as visible, never chosen to hide
            values.loc[_NO_WIJK] = rest
            people.loc[_NO_WIJK] = min_count
        shown = protect_grid(values, people, min_count)
        for i in idx:
            out.at[i, "segments"] = shown.at[long.at[i, "wijk"], "segments"]
    out = out.drop(columns="contributors")
    if wijk is not None:
        out = out[out["wijk"] == wijk].reset_index(drop=True)
    return out


def _quote_table(store: Store, code: str, min_count: int, wijk: str | None) -> pd.DataFrame:
    """Return the quotes of a code without memo texts; no survey answer of a small cell, no table row."""
    quotes = code_quotes(store, code, wijk=wijk)
    if quotes.empty:
        return quotes.drop(columns="memos")
    seg = store.segments()
    seg = seg.set_index("segment_id")
    rows = seg.loc[quotes["segment_id"]].reset_index()
    ok = quotable(rows).to_numpy().copy()
    survey = rows["respondent_id"].notna().to_numpy()
    respondents = rows.loc[survey, "respondent_id"].astype(str).nunique()
    if 0 < respondents < min_count:
        ok &= ~survey
    return quotes[ok].drop(columns="memos").reset_index(drop=True)


def code_view_tables(
    store: Store, min_count: int = 5, wijk: str | None = None, code: str | None = None
) -> dict[str, pd.DataFrame]:
    """Return the QDA view tables (see the module docstring), suppressed, keyed by CSV name.

    Parameters
    ----------
    store : Store
    min_count : int, default 5
        The suppression threshold (the settings' ``min_count``).
    wijk : str, optional
        Only this wijk; default the city (co-occurrence: the city and every wijk).
    code : str, optional
        Add ``citaten_code``: the quotes of this code.

    Returns
    -------
    dict of str to DataFrame
    """
    tables = {
        "codefrequentie_codeur": _frequency_table(store, "coder", min_count, wijk),
        "codefrequentie_bron": _frequency_table(store, "source", min_count, wijk),
        "samen_voorkomen": _cooccurrence_table(store, min_count, wijk),
    }
    if code is not None:
        tables["citaten_code"] = _quote_table(store, code, min_count, wijk)
    return tables
