"""The tables of the reports: every view of a wijk report, and of the city overview, keyed by CSV name.

Every table is suppressed with the run's one suppression pattern (:mod:`~wijkanalyse.analysis.protection`),
a function of the whole data: a wijk report and the city overview built from the same data hide the same
figures, and no hidden figure can be worked out from the others (:mod:`~wijkanalyse.analysis.disclosure`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from wijkanalyse.analysis.cells import PEOPLE_MEASURES, CellKey
from wijkanalyse.analysis.certainty import agreement_summary, coding_certainty, confidence_distribution
from wijkanalyse.analysis.counting import segments_in
from wijkanalyse.analysis.data import AnalysisData
from wijkanalyse.analysis.prevalence import (
    change_over_time,
    distinctive_themes,
    theme_by_kind,
    theme_by_wijk,
    theme_prevalence,
    wijk_overview,
)
from wijkanalyse.analysis.protection import suppression_pattern
from wijkanalyse.analysis.quotes import representative_quotes, uncovered_themes
from wijkanalyse.analysis.run_shared import shared
from wijkanalyse.analysis.suppression import hide, order
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import CITY

__all__ = ["wijk_tables", "city_tables", "new_themes"]


def new_themes(data: AnalysisData, wijk: str | None = None) -> pd.DataFrame:
    """Return the themes discovery found that the codebook lacks (:func:`uncovered_themes`), suppressed.

    Returns
    -------
    DataFrame
        The columns of :func:`~wijkanalyse.analysis.quotes.uncovered_themes` with ``suppressed``, largest
        first (suppressed rows last). Empty when there is no codebook: the discovered themes are then the
    report's themes (:attr:`~wijkanalyse.analysis.data.AnalysisData.theme_source`) and counted there.
    """
    table = uncovered_themes(data, wijk, suppress_small=False)
    if data.theme_source == "discovery":  # counted as the themes: no second table of the same counts
        return table.iloc[0:0].assign(suppressed=pd.Series(dtype=bool))
    if "suppressed" in table.columns:  # empty: discovery has not run
        return table
    scope = wijk or CITY

    def cells(rec: dict[str, Any]) -> dict[str, list[CellKey]]:
        return {m: [("discovered", scope, str(rec["theme_id"]), m)] for m in PEOPLE_MEASURES}

    return order(hide(table, suppression_pattern(data), cells), "segments", "theme_id")


def _agreement(data: AnalysisData, store: Store) -> pd.DataFrame:
    """Return the project-wide agreement table (the same in every report of a run: made once per run)."""
    threshold = data.machine_agreement_threshold
    return shared(data, ("agreement_summary", threshold), lambda: agreement_summary(store, threshold))


def wijk_tables(data: AnalysisData, wijk: str, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Every table of a wijk report, suppressed with the run's pattern, keyed by the CSV name it goes to.

    With ``store`` the agreement table (``overeenstemming``, project-wide) is added.

    Raises
    ------
    ReportError
        If the wijk has no segments.
    """
    segments_in(data, wijk)  # a wijk without segments raises here, before any table is computed
    tables = {
        "overzicht": wijk_overview(data).query("wijk == @wijk").reset_index(drop=True),
        "prevalentie": theme_prevalence(data, wijk),
        "soort_per_thema": theme_by_kind(data, wijk),
        "onderscheidend": distinctive_themes(data, wijk),
        "verloop": change_over_time(data, wijk),
        "citaten": representative_quotes(data, wijk),
        "nieuwe_themas": new_themes(data, wijk),
        "codering": coding_certainty(data, wijk),
        "zekerheid": confidence_distribution(data, wijk),
    }
    if store is not None:
        tables["overeenstemming"] = _agreement(data, store)
    return tables


def city_tables(data: AnalysisData, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the city overview, suppressed, keyed by CSV name (with ``store``: plus agreement)."""
    tables = {
        "overzicht": wijk_overview(data),
        "prevalentie": theme_prevalence(data),
        "thema_per_wijk": theme_by_wijk(data),
        "soort_per_thema": theme_by_kind(data),
        "citaten": representative_quotes(data),
        "nieuwe_themas": new_themes(data),
        "codering": coding_certainty(data),
        "zekerheid": confidence_distribution(data),
    }
    if store is not None:
        tables["overeenstemming"] = _agreement(data, store)
    return tables
