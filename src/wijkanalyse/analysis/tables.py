"""The tables of the reports: every view of a wijk report, and of the city overview, keyed by CSV name."""

from __future__ import annotations

import pandas as pd

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
from wijkanalyse.analysis.quotes import representative_quotes, uncovered_themes
from wijkanalyse.store import Store

__all__ = ["wijk_tables", "city_tables"]


def wijk_tables(data: AnalysisData, wijk: str, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Every table of a wijk report, suppressed, keyed by the CSV name the report writes.

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
        "nieuwe_themas": uncovered_themes(data, wijk),
        "codering": coding_certainty(data, wijk),
        "zekerheid": confidence_distribution(data, wijk),
    }
    if store is not None:
        tables["overeenstemming"] = agreement_summary(store, data.machine_agreement_threshold)
    return tables


def city_tables(data: AnalysisData, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the city overview, suppressed, keyed by CSV name (with ``store``: plus agreement)."""
    tables = {
        "overzicht": wijk_overview(data),
        "prevalentie": theme_prevalence(data),
        "thema_per_wijk": theme_by_wijk(data),
        "soort_per_thema": theme_by_kind(data),
        "citaten": representative_quotes(data),
        "nieuwe_themas": uncovered_themes(data),
        "codering": coding_certainty(data),
        "zekerheid": confidence_distribution(data),
    }
    if store is not None:
        tables["overeenstemming"] = agreement_summary(store, data.machine_agreement_threshold)
    return tables
