"""Compare wijken: every theme in every wijk next to the city, and the quotes behind one cell.

Built on :mod:`wijkanalyse.analysis` (the same counts, shares, log-odds and suppression as the reports):
:func:`compare_wijken` joins :func:`~wijkanalyse.analysis.theme_by_wijk` (share per wijk),
:func:`~wijkanalyse.analysis.theme_prevalence` (share in the city) and
:func:`~wijkanalyse.analysis.distinctive_themes` (z of the log-odds against the rest of the city) into one
long table; :func:`cell_quotes` drills down from one cell (a wijk and a theme) to its segments, the
representative quotes of :func:`~wijkanalyse.analysis.representative_quotes` first.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from wijkanalyse import analysis
from wijkanalyse.analysis import AnalysisData
from wijkanalyse.exceptions import ReportError
from wijkanalyse.vocabulary import CITY

__all__ = ["CITY_COLUMN", "compare_wijken", "compare_matrix", "cell_quotes"]

#: Name of the city-wide column in the comparison.
CITY_COLUMN = "Stad"


def compare_wijken(data: AnalysisData) -> pd.DataFrame:
    """Every theme in every wijk, with the city as reference, in long format.

    Small cells follow the suppression rule of :mod:`wijkanalyse.analysis.suppression`: their figures are left
    out (NaN) and ``marker`` holds e.g. ``"<5"``.

    Parameters
    ----------
    data : AnalysisData

    Returns
    -------
    pandas.DataFrame
        ``wijk, theme, label, segments, respondents, share, share_city, ratio, z, distinctive, suppressed,
        marker``: one row per theme for the city (``wijk = "Stad"``, first) and per theme and wijk. ``share``
        is the theme's share of the segments of the wijk (of all segments for the city), ``ratio`` is
        ``share / share_city``, ``z`` the z-score of the log-odds ratio against the rest of the city and
        ``distinctive`` whether the theme stands out in that wijk (see
        :func:`wijkanalyse.analysis.distinctive_themes`).
    """
    cols = ["wijk", "theme", "label", "segments", "respondents", "share", "share_city", "ratio", "z",
            "distinctive", "suppressed", "marker"]  # fmt: skip
    city = analysis.theme_prevalence(data, None, suppress_small=False).set_index("theme")
    city_flag = analysis.theme_prevalence(data, None).set_index("theme")["suppressed"]
    n_city = max(len(data.segments), 1)
    rows = []
    for t in data.theme_ids:
        seg = int(city["segments"].get(t, 0))
        small = bool(city_flag.get(t, False))
        rows.append(
            {
                "wijk": CITY_COLUMN, "theme": t, "label": data.label(t), "segments": seg,
                "respondents": int(city["respondents"].get(t, 0)), "share": seg / n_city,
                "share_city": seg / n_city, "ratio": 1.0, "z": np.nan, "distinctive": False,
                "suppressed": small,
            }
        )  # fmt: skip
    by_wijk = analysis.theme_by_wijk(data, suppress_small=False)
    flags = analysis.theme_by_wijk(data).set_index(["wijk", "theme"])["suppressed"]
    share_city: dict[str, float] = {str(r["theme"]): float(r["share"]) for r in rows}  # type: ignore[arg-type]
    for w in analysis.wijken(data):
        dist = analysis.distinctive_themes(data, w, suppress_small=False).set_index("theme")
        for r in by_wijk[by_wijk["wijk"] == w].to_dict("records"):
            t = r["theme"]
            sc = share_city.get(str(t), 0.0)
            rows.append(
                {
                    "wijk": w, "theme": t, "label": r["label"], "segments": int(r["segments"]),
                    "respondents": int(r["respondents"]), "share": float(r["share"]), "share_city": sc,
                    "ratio": float(r["share"]) / sc if sc > 0 else np.nan,
                    "z": float(dist["z"].get(t, np.nan)),
                    "distinctive": bool(dist["distinctive"].get(t, False)),
                    "suppressed": bool(flags.get((w, t), False)),
                }
            )  # fmt: skip
    table = pd.DataFrame(rows, columns=cols[:-1])
    small = table["suppressed"].astype(bool)
    for col in ("segments", "respondents", "share", "ratio", "z"):
        table[col] = table[col].astype(float).where(~small)
    table.loc[small, "distinctive"] = False
    table["marker"] = np.where(small, analysis.marker(data.min_count), "")
    table["share"] = table["share"].round(4)
    table["share_city"] = table["share_city"].astype(float).round(4)
    table["ratio"] = table["ratio"].round(3)
    return table[cols]


def compare_matrix(table: pd.DataFrame, value: str = "share") -> pd.DataFrame:
    """Pivot the comparison to a matrix: themes (labels) as rows, the city and the wijken as columns.

    Parameters
    ----------
    table : DataFrame
        From :func:`compare_wijken`.
    value : str, default "share"
        The column to show (``share``, ``segments``, ``ratio``, ``z``).

    Returns
    -------
    pandas.DataFrame
        Suppressed cells hold the marker (e.g. ``"<5"``).

    Raises
    ------
    ReportError
        If ``value`` is not a column of the table.
    """
    if value not in table.columns:
        raise ReportError(
            f"Cannot show {value!r}: not a column of the comparison. Columns: {list(table.columns)}."
        )
    shown = table[value].astype(object).where(~table["suppressed"].astype(bool), table["marker"])
    wide = table.assign(_v=shown).pivot(index="label", columns="wijk", values="_v")
    wide = wide.reindex(index=list(dict.fromkeys(table["label"])), columns=list(dict.fromkeys(table["wijk"])))
    wide.columns.name = None
    wide.index.name = "thema"
    return wide


_KIND_LABELS = {"behouden": "behouden", "verbeteren": "verbeteren", "vraag_of_zorg": "vraag of zorg"}


def _kind_label(data: AnalysisData, kind: str) -> str:
    label = data.label(kind)
    return _KIND_LABELS.get(kind, kind) if label == kind else label.lower()


def _cell_wijk(data: AnalysisData, wijk: str | None, theme: str) -> str | None:
    """Return the wijk of a cell (None for the city); raise a clear error for an unknown wijk or theme."""
    scope_wijk = None if wijk in (None, CITY_COLUMN) else wijk
    if scope_wijk is not None and scope_wijk not in analysis.wijken(data):
        raise ReportError(
            f"Unknown wijk {wijk!r}: no segments of it in the store. "
            f"Wijken: {', '.join(analysis.wijken(data))}."
        )
    if theme not in data.theme_ids:
        close = difflib.get_close_matches(theme, data.theme_ids, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ReportError(f"Unknown theme {theme!r}.{hint} Themes: {', '.join(data.theme_ids)}.")
    return scope_wijk


def cell_quotes(data: AnalysisData, wijk: str | None, theme: str, limit: int | None = 20) -> pd.DataFrame:
    """Drill down from one cell of the comparison: the segments of a wijk (or the city) that carry a theme.

    The representative quotes of :func:`wijkanalyse.analysis.representative_quotes` come first (``pick``
    ``central`` then ``diverse``), then the other segments in document order (``pick = "overig"``). Survey
    answers of a small cell (fewer than ``min_count`` respondents) are withheld, as in the reports; how many
    is in ``attrs["withheld"]``.

    Parameters
    ----------
    data : AnalysisData
    wijk : str or None
        A wijk, or None / ``"Stad"`` for the city.
    theme : str
        A theme code id.
    limit : int or None, default 20
        Most segments returned.

    Returns
    -------
    pandas.DataFrame
        ``pick, text, wijk, date, session, role, soort, source, confidence, path, segment_id``.

    Raises
    ------
    ReportError
        If the wijk has no segments or the theme is not a code of the data.
    """
    cols = ["pick", "text", "wijk", "date", "session", "role", "soort", "source", "confidence", "path",
            "segment_id"]  # fmt: skip
    scope_wijk = _cell_wijk(data, wijk, theme)
    seg = data.segments if scope_wijk is None else data.segments[data.segments["wijk"] == scope_wijk]
    codes = data.themes[data.themes["code_id"] == theme][["segment_id", "source", "confidence"]]
    cell = seg.merge(codes, on="segment_id")
    survey = cell["survey"].astype(bool)
    respondents = (
        cell.loc[survey, "doc_id"].astype(str) + "\x00" + cell.loc[survey, "respondent_id"].astype(str)
    )
    n_resp = respondents.nunique()
    withheld = 0
    if 0 < n_resp < data.min_count:
        withheld = int(survey.sum())
        cell = cell[~survey]
    kinds = data.kinds.groupby("segment_id")["soort"].agg(
        lambda s: ", ".join(_kind_label(data, k) for k in dict.fromkeys(s))
    )
    picks = analysis.representative_quotes(data, scope_wijk)
    picks = picks[(picks["theme"] == theme) & picks["segment_id"].isin(set(cell["segment_id"]))]
    pick_of = dict(zip(picks["segment_id"], picks["pick"], strict=True))
    order = {sid: i for i, sid in enumerate(picks["segment_id"])}
    cell = cell.sort_values(["path", "position"]).reset_index(drop=True)
    cell["pick"] = cell["segment_id"].map(pick_of).fillna("overig")
    cell["_o"] = cell["segment_id"].map(order).fillna(len(order) + cell.index.to_series())
    cell = cell.sort_values("_o", kind="mergesort")
    cell["soort"] = cell["segment_id"].map(kinds).fillna("")
    cell["wijk"] = cell["wijk"].fillna(CITY)
    out = cell[cols].reset_index(drop=True)
    if limit is not None:
        out = out.head(limit)
    out.attrs["withheld"] = withheld
    out.attrs["segments"] = int(len(cell))
    return out
