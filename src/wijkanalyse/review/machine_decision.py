"""Stage 6: whether the machine's codes may stand in a report without review, and the agreement table.

The machine's codes may stand without review when its pooled binary alpha against people
(:func:`wijkanalyse.review.agreement.machine_agreement`) reaches ``settings.machine_agreement_threshold``
on at least ``min_segments`` segments (:func:`machine_may_stand`); the alpha among the people themselves is
shown beside it as the ceiling that can reasonably be expected. :func:`agreement_table` puts every
comparison — person with person, all people, the machine with each person and with all — in one table for
the reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from wijkanalyse.config import Settings
from wijkanalyse.review.agreement import compute_agreement, machine_agreement
from wijkanalyse.store import Store

__all__ = ["MachineDecision", "machine_may_stand", "agreement_table"]


def _may_stand(n_segments: int, alpha: float, threshold: float, min_segments: int) -> bool:
    """Whether the machine's pooled alpha against people reaches the threshold on enough segments.

    Parameters
    ----------
    n_segments : int
        Segments both the machine and at least one person coded.
    alpha : float
        The machine's pooled binary alpha against people (NaN: not measurable, never enough).
    threshold : float
        ``settings.machine_agreement_threshold``.
    min_segments : int

    Returns
    -------
    bool
    """
    return bool(n_segments >= min_segments and not math.isnan(alpha) and alpha >= threshold)


@dataclass
class MachineDecision:
    """Whether the machine's codes may stand in a report without review, with the figures behind it.

    Attributes
    ----------
    may_stand : bool
    machine_alpha : float
        Pooled binary alpha of the machine against people (NaN when not measurable).
    human_alpha : float
        Pooled binary alpha among people (NaN with fewer than two people on shared segments).
    threshold : float
        ``settings.machine_agreement_threshold``.
    n_segments : int
        Segments both the machine and at least one person coded.
    min_segments : int
        Fewest segments for a decision.
    n_people : int
    per_person : DataFrame
        :func:`machine_agreement`.
    """

    may_stand: bool
    machine_alpha: float
    human_alpha: float
    threshold: float
    n_segments: int
    min_segments: int
    n_people: int
    per_person: pd.DataFrame = field(default_factory=pd.DataFrame)

    def explain(self, language: str = "nl") -> str:
        """One sentence for a report: the decision and why."""

        def fmt(x: float) -> str:
            return "n.v.t." if math.isnan(x) else f"{x:.2f}"

        if self.n_people == 0 or self.n_segments == 0:
            if language == "en":
                return (
                    "No person has coded segments the machine also coded, so its agreement cannot be "
                    "measured: "
                    "machine codes are shown as unreviewed proposals."
                )
            return (
                "Nog niemand heeft segmenten gecodeerd die de machine ook codeerde, dus de overeenstemming "
                "is niet "
                "te meten: machinecodes gelden als voorstellen die nog niet zijn beoordeeld."
            )
        if self.n_segments < self.min_segments:
            if language == "en":
                return (
                    f"Only {self.n_segments} segments were coded by both the machine and people (at least "
                    f"{self.min_segments} needed): machine codes are shown as unreviewed proposals."
                )
            return (
                f"Pas {self.n_segments} segmenten zijn door zowel de machine als mensen gecodeerd (minstens "
                f"{self.min_segments} nodig): machinecodes gelden als voorstellen die nog niet zijn "
                "beoordeeld."
            )
        verdict_en = "may stand without review" if self.may_stand else "need review"
        verdict_nl = "mogen zonder controle blijven staan" if self.may_stand else "moeten worden nagekeken"
        if language == "en":
            return (
                f"Machine codes {verdict_en}: Krippendorff's alpha between machine and people is "
                f"{fmt(self.machine_alpha)} on {self.n_segments} segments (threshold {self.threshold:.2f}; "
                f"alpha among people {fmt(self.human_alpha)})."
            )
        return (
            f"Machinecodes {verdict_nl}: Krippendorffs alfa tussen machine en mensen is "
            f"{fmt(self.machine_alpha)} over {self.n_segments} segmenten (drempel {self.threshold:.2f}; "
            f"alfa tussen mensen onderling {fmt(self.human_alpha)})."
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``--json`` and report provenance); NaN becomes None."""

        def clean(x: float) -> float | None:
            return None if math.isnan(x) else round(float(x), 4)

        return {
            "may_stand": self.may_stand,
            "machine_alpha": clean(self.machine_alpha),
            "human_alpha": clean(self.human_alpha),
            "threshold": self.threshold,
            "n_segments": self.n_segments,
            "min_segments": self.min_segments,
            "n_people": self.n_people,
            "explanation_nl": self.explain("nl"),
            "explanation_en": self.explain("en"),
        }


def machine_may_stand(
    store: Store,
    settings: Settings | None = None,
    *,
    threshold: float | None = None,
    min_segments: int = 20,
    wijk: str | None = None,
) -> MachineDecision:
    """Decide whether the machine's codes may stand in a report without review.

    Parameters
    ----------
    store : Store
    settings : Settings, optional
        Supplies ``machine_agreement_threshold`` (default 0.6).
    threshold : float, optional
        Overrides the setting.
    min_segments : int, default 20
        Fewest segments coded by both the machine and a person before the machine can be trusted at all.
    wijk : str, optional
        Measure on one wijk only.

    Returns
    -------
    MachineDecision
        ``may_stand`` is True only when the pooled alpha of the machine against people reaches the threshold
        on at least ``min_segments`` segments.
    """
    limit = threshold if threshold is not None else (settings or Settings()).machine_agreement_threshold
    people = store.human_coder_ids()
    per_person = machine_agreement(store, people, wijk=wijk)
    pooled = per_person[per_person["coder"] == "mensen"]
    m_alpha = float(pooled["alpha"].iloc[0]) if len(pooled) else float("nan")
    n_seg = int(pooled["n_segments"].iloc[0]) if len(pooled) else 0
    h_alpha = float("nan")
    if len(people) >= 2:
        h_alpha = compute_agreement(store, people, wijk=wijk).alpha("alle")
    ok = _may_stand(n_seg, m_alpha, float(limit), min_segments)
    n_people = int((per_person["coder"] != "mensen").sum())
    return MachineDecision(ok, m_alpha, h_alpha, float(limit), n_seg, min_segments, n_people, per_person)


def agreement_table(store: Store, threshold: float = 0.6, min_segments: int = 20) -> pd.DataFrame:
    """One row per comparison, for reports: every pair of people, all people together, the machine vs people.

    Parameters
    ----------
    store : Store
    threshold : float, default 0.6
        ``settings.machine_agreement_threshold``.
    min_segments : int, default 20
        As in :func:`machine_may_stand`.

    Returns
    -------
    DataFrame
        ``comparison, coders, n_segments, percent_agreement, kappa, alpha, machine_may_stand`` (the last only
        on machine rows, else None). Empty when nothing has been coded twice.
    """
    cols = ["comparison", "coders", "n_segments", "percent_agreement", "kappa", "alpha", "machine_may_stand"]
    rows: list[dict[str, Any]] = []
    people = store.human_coder_ids()
    if len(people) >= 2:
        agr = compute_agreement(store, people)
        for r in agr.pairs.to_dict("records"):
            rows.append(
                {
                    "comparison": "mens-mens",
                    "coders": f"{r['coder_a']} + {r['coder_b']}",
                    "n_segments": r["n_segments"],
                    "percent_agreement": r["percent_agreement"],
                    "kappa": r["kappa"],
                    "alpha": r["alpha"],
                    "machine_may_stand": None,
                }
            )
        if len(people) > 2 and len(agr.overall):
            o = agr.overall[agr.overall["dimension"] == "alle"].iloc[0]
            rows.append(
                {
                    "comparison": "mensen",
                    "coders": " + ".join(people),
                    "n_segments": o["n_segments"],
                    "percent_agreement": o["percent_agreement"],
                    "kappa": float("nan"),
                    "alpha": o["alpha"],
                    "machine_may_stand": None,
                }
            )
    for r in machine_agreement(store, people).to_dict("records"):
        is_pooled = r["coder"] == "mensen"
        rows.append(
            {
                "comparison": "machine-mensen" if is_pooled else "machine-mens",
                "coders": f"machine + {' + '.join(people) if is_pooled else r['coder']}",
                "n_segments": r["n_segments"],
                "percent_agreement": r["percent_agreement"],
                "kappa": r["kappa"],
                "alpha": r["alpha"],
                "machine_may_stand": (
                    _may_stand(r["n_segments"], r["alpha"], threshold, min_segments) if is_pooled else None
                ),
            }
        )
    return pd.DataFrame(rows, columns=cols)
