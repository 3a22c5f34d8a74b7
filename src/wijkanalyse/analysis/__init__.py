"""Stage 7: analyse the coded segments, one function per view, each returning a DataFrame.

The report notebooks and researchers' notebooks call the same functions, so nothing is computed twice::

    from wijkanalyse import analysis
    data = analysis.load(store, settings)            # read the store once
    analysis.theme_prevalence(data, "Noord")         # then any view, for a wijk or (wijk=None) the city

=================  ===========================================================================================
module             what it holds
=================  ===========================================================================================
``data``           :class:`AnalysisData`, :func:`load`: which codes count (human decisions win)
``counting``       the counting units (sessions, session segments, survey answers, respondents, segments)
                   and who stands behind them (respondents, sources, speakers)
``cells``          every published figure as a cell, with the sum relations between them
``attack``         the differencing attack: differences, bounds and combinations of the sum relations
``disclosure``     :func:`audit_run`, :func:`audit_tables`: can a hidden figure of a run be worked out?
``protection``     :func:`suppression_pattern`: primary and complementary suppression for all reports at once
``suppression``    the rule, the markers ``"<5"`` and ``"x"``, and :func:`~.suppression.hide` for a table
``prevalence``     overview per wijk, prevalence, by kind of input, by wijk, distinctive themes, change
``quotes``         representative and diverse quotes per theme; discovered themes the codebook lacks
``certainty``      who coded what, the machine's confidence, agreement, whether the machine may stand
``tables``         :func:`wijk_tables`, :func:`city_tables`: every table of a report, keyed by CSV name
=================  ===========================================================================================
"""

from __future__ import annotations

from wijkanalyse.analysis.certainty import (
    agreement_summary,
    coding_certainty,
    confidence_distribution,
    machine_decision,
)
from wijkanalyse.analysis.counting import wijken
from wijkanalyse.analysis.data import AnalysisData, kind_from_context, load, load_discovered
from wijkanalyse.analysis.disclosure import Finding, audit_run, audit_tables
from wijkanalyse.analysis.prevalence import (
    change_over_time,
    distinctive_themes,
    theme_by_kind,
    theme_by_wijk,
    theme_prevalence,
    wijk_overview,
)
from wijkanalyse.analysis.protection import SuppressionPattern, suppression_pattern
from wijkanalyse.analysis.quotes import representative_quotes, uncovered_themes
from wijkanalyse.analysis.suppression import COMPLEMENT_MARKER, marker, suppress
from wijkanalyse.analysis.tables import city_tables, new_themes, wijk_tables
from wijkanalyse.vocabulary import NONE_CODE

__all__ = [
    "NONE_CODE",
    "AnalysisData",
    "load",
    "kind_from_context",
    "marker",
    "COMPLEMENT_MARKER",
    "suppress",
    "SuppressionPattern",
    "suppression_pattern",
    "Finding",
    "audit_run",
    "audit_tables",
    "wijken",
    "wijk_overview",
    "theme_prevalence",
    "theme_by_kind",
    "theme_by_wijk",
    "distinctive_themes",
    "change_over_time",
    "representative_quotes",
    "uncovered_themes",
    "new_themes",
    "load_discovered",
    "coding_certainty",
    "confidence_distribution",
    "agreement_summary",
    "machine_decision",
    "wijk_tables",
    "city_tables",
]
