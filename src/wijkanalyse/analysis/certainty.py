"""How certain the findings are: who coded the segments, how sure the machine was, and agreement.

The counts of :func:`coding_certainty` and :func:`confidence_distribution` are hidden (with their shares) when
the segment count of the wijk is: they add up to it (:mod:`~wijkanalyse.analysis.suppression`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from wijkanalyse.analysis.cells import CellKey
from wijkanalyse.analysis.counting import (
    CONFIDENCE_BINS,
    coded_by_counts,
    confidence_counts,
    confidence_edges,
    segments_in,
)
from wijkanalyse.analysis.data import AnalysisData
from wijkanalyse.analysis.protection import suppression_pattern
from wijkanalyse.analysis.run_shared import shared
from wijkanalyse.analysis.suppression import hide
from wijkanalyse.review.machine_decision import MachineDecision, agreement_table, machine_may_stand
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import CITY, MACHINE

__all__ = [
    "CONFIDENCE_BINS",
    "coding_certainty",
    "confidence_distribution",
    "agreement_summary",
    "machine_decision",
]


def coding_certainty(
    data: AnalysisData, wijk: str | None = None, suppress_small: bool = True
) -> pd.DataFrame:
    """How the segments of a wijk were coded: by people, by the machine only, or not (yet).

    Returns
    -------
    DataFrame
        Rows ``human``, ``machine``, ``none`` with ``segments``, ``share`` and ``mean_confidence`` (machine
        codes only). ``human``: a person applied or rejected a theme code; ``machine``: only the machine coded
        it (including its ``geen``). Counts and shares are hidden when the wijk's segment count is (a share of
        0 is shown: it tells nothing of the total).
    """
    scope = segments_in(data, wijk)
    counts = coded_by_counts(data, scope)
    n = max(len(scope), 1)
    machine_ids = set(scope["segment_id"]) - set(
        data.codings.loc[data.codings["kind"] == "human", "segment_id"]
    )
    eff = data.themes[data.themes["segment_id"].isin(machine_ids) & (data.themes["source"] == MACHINE)]
    mean_conf = (
        round(float(eff["confidence"].mean()), 3) if len(eff) and eff["confidence"].notna().any() else None
    )
    table = pd.DataFrame(
        {
            "coded_by": list(counts),
            "segments": list(counts.values()),
            "share": [round(v / n, 4) for v in counts.values()],
            "mean_confidence": [None, mean_conf, None],
        }
    )
    if not suppress_small:
        return table
    scope_name = wijk or CITY

    def cells(rec: dict[str, Any]) -> dict[str, list[CellKey]]:
        own: CellKey = ("coding", scope_name, str(rec["coded_by"]), "segments")
        share: list[CellKey] = [own, ("total", scope_name, "segments")] if rec["segments"] else []
        return {"segments": [own], "share": share}

    return hide(table, suppression_pattern(data), cells, main=None)


def confidence_distribution(
    data: AnalysisData, wijk: str | None = None, suppress_small: bool = True
) -> pd.DataFrame:
    """How sure the machine was: its effective theme codes per confidence bin (a share of 0 is always shown).

    The bins are those of :data:`CONFIDENCE_BINS`, the first starting at the coding threshold (rounded down to
    0.05; lower when some code that counts has a lower confidence), the same for every wijk and the city
    (:func:`~wijkanalyse.analysis.counting.confidence_edges`).

    Returns
    -------
    DataFrame
        ``bin`` (e.g. ``"0.70-0.90"``), ``low``, ``high``, ``codes`` (number of machine codes that count),
        ``share``. Hidden when the wijk's segment count is.
    """
    scope = segments_in(data, wijk)
    edges = confidence_edges(data)
    counts = confidence_counts(data, scope, edges)
    out = pd.DataFrame(
        {"bin": list(counts), "low": edges[:-1], "high": edges[1:], "codes": list(counts.values())}
    )
    total = max(int(out["codes"].sum()), 1)
    out["share"] = (out["codes"] / total).round(4)
    if not suppress_small:
        return out
    scope_name = wijk or CITY

    def cells(rec: dict[str, Any]) -> dict[str, list[CellKey]]:
        own: CellKey = ("confidence", scope_name, str(rec["bin"]), "codes")
        share: list[CellKey] = [own, ("confidence", scope_name, "*", "codes")] if rec["codes"] else []
        return {"codes": [own], "share": share}

    return hide(out, suppression_pattern(data), cells, main=None)


def agreement_summary(store: Store, threshold: float = 0.667) -> pd.DataFrame:
    """Return the agreement between coders, people and the machine (:mod:`~wijkanalyse.review.agreement`).

    Parameters
    ----------
    store : Store
    threshold : float, default 0.667
        ``settings.machine_agreement_threshold``: the machine's codes may stand unreviewed when its alpha
        against people on the check sample reaches it.

    Returns
    -------
    DataFrame
        ``comparison, dimension, coders, n_segments, exact_match, ci_low, ci_high, kappa, alpha, blind,
        machine_may_stand`` (see
        :func:`wijkanalyse.review.machine_decision.agreement_table`); empty when nothing has been coded twice.
    """
    table = agreement_table(store, threshold=threshold)
    for col in ("exact_match", "ci_low", "ci_high", "kappa", "alpha"):
        table[col] = table[col].astype(float).round(4)
    return table


def machine_decision(store: Store, data: AnalysisData, wijk: str | None = None) -> MachineDecision:
    """Return whether the machine's codes may stand unreviewed.

    See :func:`wijkanalyse.review.machine_decision.machine_may_stand`.

    Returns
    -------
    wijkanalyse.review.machine_decision.MachineDecision
        With ``explain(language)`` for the report.
    """
    threshold = data.machine_agreement_threshold
    # the same for every report of a run (it reads the whole store): worked out once per run
    return shared(
        data,
        ("machine_decision", wijk, threshold),
        lambda: machine_may_stand(store, threshold=threshold, wijk=wijk),
    )
