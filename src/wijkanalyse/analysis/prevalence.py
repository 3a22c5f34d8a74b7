"""How often each theme was raised: per wijk, per kind of input, against the rest of the city, and over time.

Every view returns a DataFrame, suppressed by default (:mod:`~wijkanalyse.analysis.suppression`: the run's
one suppression pattern) and counted in the units of :mod:`~wijkanalyse.analysis.counting`.

Headlines
---------
A theme is a *headline* (``headline`` in :func:`theme_prevalence`: "Meest genoemde thema's"; and a
condition of ``distinctive``: "opvallend vaker") only when it rests on something: at least ``min_fragments``
segments (default 3) from at least ``min_sources`` distinct sources (default 2; documents for session text,
respondents for survey answers), and its count is not suppressed.

Distinctive themes
------------------
A theme is distinctive for a wijk when it is raised more there than in the **rest of the city** (every
segment not in the wijk, also those without a wijk), on **one base on both sides: all segments** (coded or
not, as the ``share`` of :func:`theme_prevalence`). With ``y_w`` of the wijk's ``n_w`` segments raising the
theme and ``y_r`` of the rest's ``n_r``, the log-odds ratio with an informative Dirichlet prior (Monroe,
Colaresi & Quinn 2008, "Fightin' Words") is::

    a     = a0 * (y_w + y_r) / (n_w + n_r)          # prior: a0 pseudo-segments at the city's share
    delta = log((y_w + a) / (n_w + a0 - y_w - a)) - log((y_r + a) / (n_r + a0 - y_r - a))
    z     = delta / sqrt(1 / (y_w + a) + 1 / (y_r + a))

Because the prior share lies between the two observed shares, ``delta`` (and ``z``) has the sign of
``share_wijk - share_rest``, and is 0 when they are equal; the prior only shrinks themes with few segments
towards no difference. A theme is flagged when ``z >= 1.96``, the wijk has at least ``min_count`` segments
with it, it is a headline by the rule above, and its count is not suppressed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from wijkanalyse.analysis.cells import ALL, PEOPLE_MEASURES, CellKey
from wijkanalyse.analysis.counting import (
    PEOPLE_COLUMNS,
    add_labels,
    coded_segments,
    count_segments,
    segments_in,
    wijken,
)
from wijkanalyse.analysis.data import AnalysisData
from wijkanalyse.analysis.protection import suppression_pattern
from wijkanalyse.analysis.suppression import hide, order
from wijkanalyse.exceptions import ReportError
from wijkanalyse.vocabulary import CITY

__all__ = [
    "wijk_overview",
    "theme_prevalence",
    "theme_by_kind",
    "theme_by_wijk",
    "distinctive_themes",
    "change_over_time",
    "headline_rule",
]

_Cells = Callable[[dict[str, Any]], Mapping[str, Sequence[CellKey]]]


def headline_rule(data: AnalysisData, counts: pd.DataFrame) -> pd.Series:
    """Return which rows rest on enough: ``segments >= min_fragments`` from ``sources >= min_sources``.

    Parameters
    ----------
    data : AnalysisData
        Supplies ``min_fragments`` and ``min_sources`` (settings; defaults 3 and 2).
    counts : DataFrame
        With ``segments`` and ``sources`` (``count_segments(..., people=True)``).
    """
    return (counts["segments"] >= data.min_fragments) & (counts["sources"] >= data.min_sources)


def _theme_cells(scope: str | None, kind: str) -> _Cells:
    """Return the cells of a theme row: its counts, and its share (of the scope's total over all kinds)."""

    def cells(rec: dict[str, Any]) -> dict[str, list[CellKey]]:
        where = scope if scope is not None else str(rec["wijk"])
        what = str(rec["soort"]) if kind == "soort" else kind
        base = ("theme", where, what, str(rec["theme"]))
        out: dict[str, list[CellKey]] = {m: [(*base, m)] for m in PEOPLE_MEASURES}
        out["share"] = [(*base, "segments")] + ([("total", where, "segments")] if what == ALL else [])
        if not rec["segments"]:  # a share of 0 tells nothing of the total it is a share of
            out["share"] = []
        return out

    return cells


def _overview_cells(rec: dict[str, Any]) -> dict[str, list[CellKey]]:
    scope = str(rec["wijk"])
    total = ("total", scope, "segments")
    out: dict[str, list[CellKey]] = {m: [("total", scope, m)] for m in PEOPLE_MEASURES}
    out["coded_share"] = [("total", scope, "coded"), total]
    out["human_share"] = [("coding", scope, "human", "segments"), total]
    return out


def _themes_table(data: AnalysisData, frame: pd.DataFrame, keys: list[str], base: int) -> pd.DataFrame:
    """Count per theme (and ``keys``): share of ``base`` and ``headline``; the people columns dropped."""
    table = count_segments(coded_segments(data, frame), [*keys, "code_id"], people=True)
    table["share"] = (table["segments"] / base).astype(float).round(4) if len(table) else []
    table["headline"] = headline_rule(data, table).astype(bool)
    return add_labels(data, table.drop(columns=list(PEOPLE_COLUMNS)))


def _publish(
    table: pd.DataFrame, data: AnalysisData, cells: _Cells, flags: Sequence[str] = ()
) -> pd.DataFrame:
    """Apply the run's suppression pattern; a flag (``headline``, ``distinctive``) is off in a hidden row."""
    out = hide(table, suppression_pattern(data), cells)
    for flag in flags:
        out[flag] = out[flag].astype(bool) & ~out["suppressed"]
    return out


def wijk_overview(data: AnalysisData, suppress_small: bool = True) -> pd.DataFrame:
    """Per wijk (and a last row ``(stad)`` for the whole city): sessions, segments, respondents, coded share.

    Parameters
    ----------
    data : AnalysisData
    suppress_small : bool, default True
        Apply the suppression pattern (set False only for internal computations, never for publication).

    Returns
    -------
    DataFrame
        ``wijk, sessions, session_segments, survey_answers, respondents, segments, coded_share, human_share,
        first_date, last_date`` (+ ``suppressed``) (``coded_share``: share of segments with at least one
        effective theme code; ``human_share``: share of segments a person coded).
    """
    seg = data.segments.assign(wijk=data.segments["wijk"].fillna(CITY))
    coded_ids = set(data.themes["segment_id"])
    human_ids = set(data.codings.loc[data.codings["kind"] == "human", "segment_id"])
    rows = []
    for scope_name, frame in [*((w, seg[seg["wijk"] == w]) for w in wijken(data)), (CITY, seg)]:
        c = count_segments(frame.assign(_all="x"), ["_all"]).drop(columns="_all")
        c.insert(0, "wijk", scope_name)
        n = max(len(frame), 1)
        c["coded_share"] = round(frame["segment_id"].isin(coded_ids).sum() / n, 4)
        c["human_share"] = round(frame["segment_id"].isin(human_ids).sum() / n, 4)
        dates = frame.loc[~frame["survey"], "date"].dropna()
        c["first_date"] = dates.min() if len(dates) else None
        c["last_date"] = dates.max() if len(dates) else None
        rows.append(c)
    out = pd.concat(rows, ignore_index=True)
    return hide(out, suppression_pattern(data), _overview_cells) if suppress_small else out


def theme_prevalence(
    data: AnalysisData, wijk: str | None = None, suppress_small: bool = True
) -> pd.DataFrame:
    """How often each theme was raised in a wijk (or the city): segments, sessions, respondents, share.

    Parameters
    ----------
    data : AnalysisData
    wijk : str, optional
        The wijk; None for the whole city (every segment, also survey answers without a wijk).
    suppress_small : bool, default True
        Apply the suppression pattern (set False only for internal computations, never for publication).

    Returns
    -------
    DataFrame
        One row per theme raised at least once: ``theme, label, sessions, session_segments, survey_answers,
        respondents, segments, share, headline`` (+ ``suppressed``), most frequent first (suppressed rows
        last). ``headline``: the theme may be named in the summary (module docstring).

    Raises
    ------
    ReportError
        If ``wijk`` has no segments in the store.
    """
    scope = segments_in(data, wijk)
    table = _themes_table(data, scope, [], max(len(scope), 1))
    if suppress_small:
        table = _publish(table, data, _theme_cells(wijk or CITY, ALL), ["headline"])
    return order(table, "segments", "theme")


def theme_by_kind(data: AnalysisData, wijk: str | None = None, suppress_small: bool = True) -> pd.DataFrame:
    """Themes per kind of input (the codebook's ``soort``): the sections of the report.

    A segment with two kinds counts in both; segments without a kind (neutral) are left out.

    Returns
    -------
    DataFrame
        ``soort, theme, label, sessions, session_segments, survey_answers, respondents, segments, share``
        (+ ``suppressed``); ``share`` is the theme's share of the segments of that kind. Ordered by kind (the
        codebook's order), then most frequent first. Empty for a codebook without kinds of input.
    """
    scope = segments_in(data, wijk)
    with_kind = scope.merge(data.kinds[["segment_id", "soort"]], on="segment_id")
    per_kind = with_kind.groupby("soort").size()
    table = _themes_table(data, with_kind, ["soort"], 1).drop(columns="headline")
    if len(table):
        per_row = table["soort"].map(per_kind).clip(lower=1)
        table["share"] = (table["segments"] / per_row).astype(float).round(4)
    kinds = {k: i for i, k in enumerate(data.soort_ids)}
    table.insert(0, "soort_order", table["soort"].map(lambda s: kinds.get(s, len(kinds))))
    if suppress_small:
        table = _publish(table, data, _theme_cells(wijk or CITY, "soort"))
    return order(table, "segments", "theme", group="soort_order").drop(columns="soort_order")


def theme_by_wijk(data: AnalysisData, suppress_small: bool = True) -> pd.DataFrame:
    """Every theme in every wijk, long format (the heatmap of the city overview).

    Returns
    -------
    DataFrame
        ``wijk, theme, label, sessions, session_segments, survey_answers, respondents, segments, share``
        (+ ``suppressed``) for every wijk with segments and every theme of the codebook (zeros included).
    """
    seg = data.segments[data.segments["wijk"].notna()]
    counts = count_segments(coded_segments(data, seg), ["wijk", "code_id"])
    grid = pd.MultiIndex.from_product([wijken(data), data.theme_ids], names=["wijk", "code_id"]).to_frame(
        index=False
    )
    table = grid.merge(counts, on=["wijk", "code_id"], how="left")
    for col in ("sessions", "session_segments", "survey_answers", "respondents", "segments"):
        table[col] = table[col].fillna(0).astype(int)
    table["share"] = (table["segments"] / table["wijk"].map(seg.groupby("wijk").size()).clip(lower=1)).round(
        4
    )
    table = add_labels(data, table)
    return hide(table, suppression_pattern(data), _theme_cells(None, ALL)) if suppress_small else table


def _log_odds(y_w: int, n_w: int, y_r: int, n_r: int, a0: float) -> tuple[float, float]:
    """``(delta, z)`` of the module docstring; ``(0, 0)`` when every segment on both sides has the theme."""
    a = a0 * (y_w + y_r) / max(n_w + n_r, 1)
    if n_w + a0 - y_w - a <= 0 or n_r + a0 - y_r - a <= 0:
        return 0.0, 0.0
    delta = math.log((y_w + a) / (n_w + a0 - y_w - a)) - math.log((y_r + a) / (n_r + a0 - y_r - a))
    return delta, delta / math.sqrt(1 / (y_w + a) + 1 / (y_r + a))


def _distinctive_cells(wijk: str) -> _Cells:
    def cells(rec: dict[str, Any]) -> dict[str, list[CellKey]]:
        theme = str(rec["theme"])
        own = ("theme", wijk, ALL, theme, "segments")
        city = [("theme", CITY, ALL, theme, "segments"), ("total", CITY, "segments")]
        derived = [own, ("total", wijk, "segments"), *city]
        return {
            "segments": [own],
            "respondents": [("theme", wijk, ALL, theme, "respondents")],
            "share_wijk": [own, ("total", wijk, "segments")],
            "share_rest": derived,
            "share_city": city,
            "log_odds": derived,
            "z": derived,
        }

    return cells


def distinctive_themes(
    data: AnalysisData,
    wijk: str,
    prior_strength: float = 50.0,
    z_threshold: float = 1.96,
    suppress_small: bool = True,
) -> pd.DataFrame:
    """Each theme's share in a wijk against the rest of the city, with the log-odds ratio and a flag.

    Parameters
    ----------
    data : AnalysisData
    wijk : str
    prior_strength : float, default 50
        ``a0``: pseudo-segments of the informative Dirichlet prior, spread as the city's theme shares (see the
        module docstring). Larger values shrink more.
    z_threshold : float, default 1.96
        z at or above which a theme is distinctive (with the other conditions of the module docstring).
    suppress_small : bool, default True

    Returns
    -------
    DataFrame
        ``theme, label, segments, respondents, share_wijk, share_rest, share_city, log_odds, z, distinctive``
        (+ ``suppressed``) for every theme raised in the city, most distinctive first. The shares are of all
        segments: of the wijk, of the rest of the city, of the whole city.

    Raises
    ------
    ReportError
        If ``wijk`` is unknown or ``prior_strength`` is not positive.
    """
    if prior_strength <= 0:
        raise ReportError(f"The 'prior_strength' parameter must be > 0. Got {prior_strength} instead.")
    scope = segments_in(data, wijk)
    rest = data.segments[data.segments["wijk"] != wijk]  # also the segments without a wijk
    w = count_segments(coded_segments(data, scope), ["code_id"], people=True).set_index("code_id")
    r = count_segments(coded_segments(data, rest), ["code_id"]).set_index("code_id")
    n_w, n_r = len(scope), len(rest)
    rows = []
    for code_id in data.theme_ids:
        y_w, y_r = int(w["segments"].get(code_id, 0)), int(r["segments"].get(code_id, 0))
        if y_w + y_r == 0:
            continue
        delta, z = _log_odds(y_w, n_w, y_r, n_r, prior_strength)
        rows.append(
            {
                "code_id": code_id,
                "segments": y_w,
                "respondents": int(w["respondents"].get(code_id, 0)),
                "sources": int(w["sources"].get(code_id, 0)),
                "share_wijk": round(y_w / max(n_w, 1), 4),
                "share_rest": round(y_r / max(n_r, 1), 4),
                "share_city": round((y_w + y_r) / max(n_w + n_r, 1), 4),
                "log_odds": round(delta, 4),
                "z": round(z, 3),
            }
        )
    cols = ["code_id", "segments", "respondents", "sources", "share_wijk", "share_rest", "share_city",
            "log_odds", "z"]  # fmt: skip
    table = pd.DataFrame(rows, columns=cols)
    table["distinctive"] = (
        (table["z"] >= z_threshold) & (table["segments"] >= data.min_count) & headline_rule(data, table)
    ).astype(bool)
    table = add_labels(data, table.drop(columns="sources"))
    if suppress_small:
        table = _publish(table, data, _distinctive_cells(wijk), ["distinctive"])
    return order(table, "z", "theme")


def _session_cells(wijk: str) -> _Cells:
    def cells(rec: dict[str, Any]) -> dict[str, list[CellKey]]:
        key = ("session", wijk, f"{rec['date']}|{rec['session']}", str(rec["theme"]), "segments")
        return {"segments": [key], "share": [key]}

    return cells


def change_over_time(data: AnalysisData, wijk: str, suppress_small: bool = True) -> pd.DataFrame:
    """Themes per session of a wijk, in date order: how the conversation shifted between sessions.

    Survey answers are not sessions and are left out. A count of a session is about the sources and speakers
    of that session only, so it is often small and suppressed; a suppressed row goes last in its session.

    Returns
    -------
    DataFrame
        ``date, session, theme, label, segments, share`` (``share``: of the session's segments), ordered by
        date, session and most frequent theme. Empty when the wijk has no session segments.
    """
    scope = segments_in(data, wijk)
    sess = scope[~scope["survey"]]
    cols = ["date", "session", "theme", "label", "segments", "share"]
    if sess.empty:
        return pd.DataFrame(columns=cols)
    sess = sess.assign(date=sess["date"].fillna(""), session=sess["session"].fillna(""))
    coded = coded_segments(data, sess)
    table = coded.groupby(["date", "session", "code_id"]).size().rename("segments").reset_index()
    per_session = sess.groupby(["date", "session"]).size()
    denom = [per_session[(d, s)] for d, s in zip(table["date"], table["session"], strict=True)]
    table["share"] = (table["segments"] / np.maximum(denom, 1)).round(4)
    table = add_labels(data, table)
    hidden = pd.Series(False, index=table.index)
    if suppress_small:
        table = hide(table, suppression_pattern(data), _session_cells(wijk))
        hidden = table.pop("suppressed").astype(bool)
    key = pd.to_numeric(table["segments"].where(~hidden, 0))
    table = table.assign(_hidden=hidden, _key=key).sort_values(
        ["date", "session", "_hidden", "_key", "theme"],
        ascending=[True, True, True, False, True],
        kind="mergesort",
    )
    return table[cols].reset_index(drop=True)
