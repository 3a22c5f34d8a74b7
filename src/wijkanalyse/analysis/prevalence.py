"""How often each theme was raised: per wijk, per kind of input, against the city, and over time.

Every view returns a DataFrame, suppressed by default (:mod:`~wijkanalyse.analysis.suppression`) and
counted in the units of :mod:`~wijkanalyse.analysis.counting`.

Distinctive themes
------------------
A theme is distinctive for a wijk when it is raised more there than in the rest of the city, measured by the
log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"): with
``y_w`` and ``n_w`` the theme's and all segments of the wijk, ``y_r``, ``n_r`` those of the rest of the city,
and a prior ``a = a0 * p_city`` (``a0 = prior_strength`` pseudo-segments spread as the city's theme shares),
``delta = log((y_w + a) / (n_w + a0 - y_w - a)) - log((y_r + a) / (n_r + a0 - y_r - a))``, with variance
``1 / (y_w + a) + 1 / (y_r + a)`` and ``z = delta / sqrt(var)``. The prior shrinks themes with few segments
towards no difference, which a plain ratio of shares does not. A theme is flagged when ``z >= 1.96`` *and* the
wijk has at least ``min_count`` segments with it (and the cell is not suppressed).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from wijkanalyse.analysis.counting import add_labels, coded_segments, count_segments, segments_in, wijken
from wijkanalyse.analysis.data import AnalysisData
from wijkanalyse.analysis.suppression import is_small, rank, suppress
from wijkanalyse.exceptions import ReportError
from wijkanalyse.vocabulary import CITY

__all__ = [
    "wijk_overview",
    "theme_prevalence",
    "theme_by_kind",
    "theme_by_wijk",
    "distinctive_themes",
    "change_over_time",
]


def _finish(data: AnalysisData, table: pd.DataFrame, suppress_small: bool) -> pd.DataFrame:
    """Most frequent first (ties by theme id), shares rounded, small cells suppressed and last."""
    table["share"] = table["share"].astype(float).round(4)
    return rank(table, "segments", "theme", data.min_count, suppress_small)


def wijk_overview(data: AnalysisData, suppress_small: bool = True) -> pd.DataFrame:
    """Per wijk (and a last row ``(stad)`` for the whole city): sessions, segments, respondents, coded share.

    Parameters
    ----------
    data : AnalysisData
    suppress_small : bool, default True
        Apply the suppression rule.

    Returns
    -------
    DataFrame
        ``wijk, sessions, session_segments, survey_answers, respondents, segments, coded_share, human_share,
        first_date, last_date`` (``coded_share``: share of segments with at least one effective theme code;
        ``human_share``: share of segments a person coded).
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
    return suppress(out, data.min_count) if suppress_small else out


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
        Apply the suppression rule (set False only for internal computations, never for publication).

    Returns
    -------
    DataFrame
        One row per theme raised at least once: ``theme, label, sessions, session_segments, survey_answers,
        respondents, segments, share`` (+ ``suppressed``), most frequent first.

    Raises
    ------
    ReportError
        If ``wijk`` has no segments in the store.
    """
    scope = segments_in(data, wijk)
    table = count_segments(coded_segments(data, scope), ["code_id"])
    table["share"] = table["segments"] / max(len(scope), 1)
    table = add_labels(data, table)
    return _finish(data, table, suppress_small)


def theme_by_kind(data: AnalysisData, wijk: str | None = None, suppress_small: bool = True) -> pd.DataFrame:
    """Themes per kind of input (behouden / verbeteren / vraag_of_zorg): the three sections of the report.

    A segment with two kinds counts in both; segments without a kind are left out.

    Returns
    -------
    DataFrame
        ``soort, theme, label, sessions, session_segments, survey_answers, respondents, segments, share``
        (+ ``suppressed``); ``share`` is the theme's share of the segments of that kind. Ordered by kind (the
        report's order), then most frequent first.
    """
    scope = segments_in(data, wijk)
    with_kind = scope.merge(data.kinds[["segment_id", "soort"]], on="segment_id")
    per_kind = with_kind.groupby("soort").size()
    table = count_segments(coded_segments(data, with_kind), ["soort", "code_id"])
    table["share"] = table["segments"] / table["soort"].map(per_kind).clip(lower=1)
    order = {k: i for i, k in enumerate(data.soort_ids)}
    table.insert(0, "soort_order", table["soort"].map(lambda s: order.get(s, len(order))))
    table = add_labels(data, table)
    table["share"] = table["share"].astype(float).round(4)
    return rank(table, "segments", "theme", data.min_count, suppress_small, group="soort_order").drop(
        columns="soort_order"
    )


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
    return suppress(table, data.min_count) if suppress_small else table


def distinctive_themes(
    data: AnalysisData,
    wijk: str,
    prior_strength: float = 50.0,
    z_threshold: float = 1.96,
    suppress_small: bool = True,
) -> pd.DataFrame:
    """Each theme's share in a wijk against the city, with the log-odds ratio and whether it is distinctive.

    Parameters
    ----------
    data : AnalysisData
    wijk : str
    prior_strength : float, default 50
        ``a0``: pseudo-segments of the informative Dirichlet prior, spread as the city's theme shares (see the
        module docstring). Larger values shrink more.
    z_threshold : float, default 1.96
        z at or above which a theme with at least ``min_count`` segments in the wijk is distinctive.
    suppress_small : bool, default True

    Returns
    -------
    DataFrame
        ``theme, label, segments, respondents, share_wijk, share_city, log_odds, z, distinctive`` for every
        theme raised in the city, most distinctive first.

    Raises
    ------
    ReportError
        If ``wijk`` is unknown or ``prior_strength`` is not positive.
    """
    if prior_strength <= 0:
        raise ReportError(f"The 'prior_strength' parameter must be > 0. Got {prior_strength} instead.")
    scope = segments_in(data, wijk)
    city = data.segments
    w = count_segments(coded_segments(data, scope), ["code_id"]).set_index("code_id")
    c = count_segments(coded_segments(data, city), ["code_id"]).set_index("code_id")
    n_w, n_c = len(scope), len(city)
    n_r = n_c - n_w
    rows = []
    total_coded = max(int(c["segments"].sum()), 1)
    for code_id in [t for t in data.theme_ids if t in c.index]:
        y_w = int(w["segments"].get(code_id, 0))
        y_c = int(c.loc[code_id, "segments"])
        y_r = y_c - y_w
        a = prior_strength * y_c / total_coded
        delta = math.log((y_w + a) / (n_w + prior_strength - y_w - a)) - math.log(
            (y_r + a) / (max(n_r, 0) + prior_strength - y_r - a)
        )
        z = delta / math.sqrt(1 / (y_w + a) + 1 / (y_r + a))
        rows.append(
            {
                "code_id": code_id,
                "segments": y_w,
                "respondents": int(w["respondents"].get(code_id, 0)),
                "share_wijk": round(y_w / max(n_w, 1), 4),
                "share_city": round(y_c / max(n_c, 1), 4),
                "log_odds": round(delta, 4),
                "z": round(z, 3),
            }
        )
    cols = ["code_id", "segments", "respondents", "share_wijk", "share_city", "log_odds", "z"]
    table = pd.DataFrame(rows, columns=cols)
    small = is_small(table, data.min_count)
    table["distinctive"] = (table["z"] >= z_threshold) & (table["segments"] >= data.min_count) & ~small
    table = add_labels(data, table)
    return rank(table, "z", "theme", data.min_count, suppress_small)


def change_over_time(data: AnalysisData, wijk: str, suppress_small: bool = True) -> pd.DataFrame:
    """Themes per session of a wijk, in date order: how the conversation shifted between sessions.

    Survey answers are not sessions and are left out, so there is nothing to suppress here;
    ``suppress_small`` is accepted for a signature like the other views.

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
    table = table.sort_values(
        ["date", "session", "segments", "theme"], ascending=[True, True, False, True], kind="mergesort"
    ).reset_index(drop=True)
    return table[cols]
