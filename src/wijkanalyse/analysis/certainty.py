"""How certain the findings are: who coded the segments, how sure the machine was, and agreement."""

from __future__ import annotations

import math

import pandas as pd

from wijkanalyse.analysis.counting import segments_in
from wijkanalyse.analysis.data import AnalysisData
from wijkanalyse.review.machine_decision import MachineDecision, agreement_table, machine_may_stand
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE

__all__ = [
    "CONFIDENCE_BINS",
    "coding_certainty",
    "confidence_distribution",
    "agreement_summary",
    "machine_decision",
]

#: Edges of the confidence bins of machine codings (the last bin includes 1.0).
CONFIDENCE_BINS = (0.0, 0.5, 0.7, 0.9, 1.0)


def coding_certainty(data: AnalysisData, wijk: str | None = None) -> pd.DataFrame:
    """How the segments of a wijk were coded: by people, by the machine only, or not (yet).

    Returns
    -------
    DataFrame
        Rows ``human``, ``machine``, ``none`` with ``segments``, ``share`` and ``mean_confidence`` (machine
        codes only). ``human``: a person applied or rejected a theme code; ``machine``: only the machine coded
        it (including its ``geen``).
    """
    scope = segments_in(data, wijk)
    ids = set(scope["segment_id"])
    cod = data.codings[data.codings["segment_id"].isin(ids)]
    human = set(cod.loc[cod["kind"] == "human", "segment_id"])
    machine = set(cod.loc[(cod["kind"] == MACHINE) & (cod["status"] == "applied"), "segment_id"]) - human
    none = ids - human - machine
    eff = data.themes[data.themes["segment_id"].isin(machine) & (data.themes["source"] == MACHINE)]
    n = max(len(ids), 1)
    mean_conf = (
        round(float(eff["confidence"].mean()), 3) if len(eff) and eff["confidence"].notna().any() else None
    )
    return pd.DataFrame(
        {
            "coded_by": ["human", "machine", "none"],
            "segments": [len(human), len(machine), len(none)],
            "share": [round(len(human) / n, 4), round(len(machine) / n, 4), round(len(none) / n, 4)],
            "mean_confidence": [None, mean_conf, None],
        }
    )


def confidence_distribution(data: AnalysisData, wijk: str | None = None) -> pd.DataFrame:
    """How sure the machine was: its effective theme codes per confidence bin.

    The bins are those of :data:`CONFIDENCE_BINS`, the first starting at the coding threshold (rounded down to
    0.05; lower when some code that counts has a lower confidence).

    Returns
    -------
    DataFrame
        ``bin`` (e.g. ``"0.70-0.90"``), ``low``, ``high``, ``codes`` (number of machine codes that count),
        ``share``.
    """
    scope = segments_in(data, wijk)
    conf = data.themes.loc[
        data.themes["segment_id"].isin(set(scope["segment_id"])) & (data.themes["source"] == MACHINE),
        "confidence",
    ].dropna()
    # the first bin starts at the coding threshold (the machine applies nothing below it), or lower if needed
    low = min(data.coding_threshold, float(conf.min()) if len(conf) else 1.0)
    low = math.floor(low * 20) / 20
    edges = [low, *(e for e in CONFIDENCE_BINS if e > low)]
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        n = int(((conf >= lo) & ((conf < hi) if hi < 1 else (conf <= hi))).sum())
        rows.append({"bin": f"{lo:.2f}-{hi:.2f}", "low": lo, "high": hi, "codes": n})
    out = pd.DataFrame(rows)
    out["share"] = (out["codes"] / max(len(conf), 1)).round(4)
    return out


def agreement_summary(store: Store, threshold: float = 0.6) -> pd.DataFrame:
    """Return the agreement between coders, people and the machine (:mod:`~wijkanalyse.review.agreement`).

    Parameters
    ----------
    store : Store
    threshold : float, default 0.6
        ``settings.machine_agreement_threshold``: the machine's codes may stand unreviewed when its alpha
        against people reaches it.

    Returns
    -------
    DataFrame
        ``comparison, coders, n_segments, percent_agreement, kappa, alpha, machine_may_stand`` (see
        :func:`wijkanalyse.review.machine_decision.agreement_table`); empty when nothing has been coded twice.
    """
    table = agreement_table(store, threshold=threshold)
    for col in ("percent_agreement", "kappa", "alpha"):
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
    return machine_may_stand(store, threshold=data.machine_agreement_threshold, wijk=wijk)
