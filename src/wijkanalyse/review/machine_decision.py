"""Stage 6: whether the machine's codes may stand in a report without review, and the agreement table.

The verdict is judged on the **check sample** (:mod:`wijkanalyse.review.verdict`): segments drawn at random,
coded by people and never used to teach the machine. Agreement on the segments people coded to teach the
machine flatters it, so it never decides. Without a check sample the machine's codes stay unreviewed
proposals.

Per dimension, never pooled: the themes (``thema``) are judged apart from the kind of input (``soort``), since
agreeing on the kind of input is easy and pooling it with the themes hides poor theme agreement.

The threshold
-------------
The machine's codes may stand when Krippendorff's alpha between the machine and people on the check sample
reaches ``settings.machine_agreement_threshold`` (default **0.667**) in the themes and in every other
dimension the machine codes (a kind of input nobody coded on the check is "not checked", so it cannot stand),
on at least ``min_segments`` check segments. Krippendorff (2004, *Content Analysis: An Introduction to Its
Methodology*, 2nd ed., §11.4) advises to rely only on variables with alpha ≥ .800 and to consider variables
with .667 ≤ alpha < .800 only for drawing tentative conclusions; 0.667 is therefore the lowest defensible
default, and the verdict text says which band the machine is in. A threshold set below 0.667 is allowed but
named as such in the verdict.

The verdict also states the machine's exact match with people on the check (a share with a 95 % Wilson
interval), the people's own agreement on the check segments two of them coded (the ceiling), and whether the
people coded blind: when they saw the machine's proposals, agreement may be inflated by anchoring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from wijkanalyse.config import Settings
from wijkanalyse.review.agreement import compute_agreement, dimension_map, machine_agreement
from wijkanalyse.review.verdict import INTERVAL_METHOD, CheckAgreement, check_agreement
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import SOORT_DIMENSION, THEME_DIMENSION

__all__ = ["KRIPPENDORFF_TENTATIVE", "KRIPPENDORFF_RELIABLE", "MachineDecision", "machine_may_stand",
           "agreement_table"]  # fmt: skip

#: Krippendorff (2004, §11.4): alpha ≥ .800 to rely on a variable; ≥ .667 for tentative conclusions only.
KRIPPENDORFF_RELIABLE = 0.800
KRIPPENDORFF_TENTATIVE = 0.667
CHECK_COMMAND = "wijkanalyse review export --strategy check --sample 40 --coder <name>"

_DIM_WORDS = {
    "en": {THEME_DIMENSION: "themes", SOORT_DIMENSION: "kind of input"},
    "nl": {THEME_DIMENSION: "thema's", SOORT_DIMENSION: "soort inbreng"},
}


def _may_stand(n_segments: int, alpha: float, threshold: float, min_segments: int) -> bool:
    """Whether an alpha against people reaches the threshold on enough segments (NaN: never)."""
    return bool(n_segments >= min_segments and not math.isnan(alpha) and alpha >= threshold)


def _num(x: float, language: str, digits: int = 2) -> str:
    if math.isnan(x):
        return "n.v.t." if language == "nl" else "n/a"
    s = f"{x:.{digits}f}"
    return s.replace(".", ",") if language == "nl" else s


def _pct(x: float) -> str:
    return f"{100 * x:.0f}"


@dataclass
class MachineDecision:
    """Whether the machine's codes may stand in a report without review, with the figures behind it.

    Attributes
    ----------
    may_stand : bool
        True when the themes, and every other dimension the machine coded on the check sample, pass.
    machine_alpha : float
        Alpha of the machine against people on the check sample, themes (NaN when not measurable).
    human_alpha : float
        Alpha among people on the check segments two or more coded, themes (NaN when none).
    threshold : float
    n_segments : int
        Check segments coded by the machine and at least one person, themes.
    min_segments : int
    n_people : int
        People who coded check segments.
    per_person : DataFrame
        :func:`~wijkanalyse.review.agreement.machine_agreement` on every segment (descriptive only: it
        includes segments that taught the machine).
    check : CheckAgreement
    verdicts : dict
        Per dimension of the codebook: True / False, or None when people did not code it on the check.
    """

    may_stand: bool
    machine_alpha: float
    human_alpha: float
    threshold: float
    n_segments: int
    min_segments: int
    n_people: int
    per_person: pd.DataFrame = field(default_factory=pd.DataFrame)
    check: CheckAgreement | None = None
    verdicts: dict[str, bool | None] = field(default_factory=dict)

    @property
    def blind(self) -> bool | None:
        """Whether people coded every counted check segment without the machine's proposals (None: none)."""
        if self.check is None or self.check.overall.empty:
            return None
        return bool((self.check.overall["n_not_blind"] == 0).all())

    def explain(self, language: str = "nl") -> str:
        """Return the verdict for a report or the command line, in one language (``nl`` or ``en``)."""
        lang = "en" if language == "en" else "nl"
        check = self.check
        if check is None or check.n_check == 0:
            return _TEXT[lang]["no_check"].format(command=CHECK_COMMAND)
        if self.n_segments == 0:
            return _TEXT[lang]["not_coded"].format(n=check.n_check, command=CHECK_COMMAND)
        parts = [self._headline(lang), self._exact_sentence(lang), self._alpha_sentence(lang)]
        parts.append(_TEXT[lang]["krippendorff"])
        if self.threshold < KRIPPENDORFF_TENTATIVE:
            parts.append(_TEXT[lang]["low_threshold"].format(t=_num(self.threshold, lang, 3)))
        parts.append(self._blind_sentence(lang))
        if check.n_excluded:
            parts.append(_TEXT[lang]["excluded"].format(n=check.n_excluded))
        return " ".join(p for p in parts if p)

    def _headline(self, lang: str) -> str:
        if self.n_segments < self.min_segments:
            return _TEXT[lang]["too_few"].format(n=self.n_segments, m=self.min_segments)
        return _TEXT[lang]["stand" if self.may_stand else "review"]

    def _exact_sentence(self, lang: str) -> str:
        assert self.check is not None
        row = self.check.row(THEME_DIMENSION)
        if row is None:
            return ""
        text = _TEXT[lang]["exact"].format(
            n=row["n_segments"], p=_pct(row["exact_match"]), lo=_pct(row["ci_low"]), hi=_pct(row["ci_high"])
        )
        if row["human_n_segments"]:
            text += " " + _TEXT[lang]["ceiling"].format(
                p=_pct(row["human_exact_match"]), lo=_pct(row["human_ci_low"]), hi=_pct(row["human_ci_high"]),
                n=row["human_n_segments"], a=_num(row["human_alpha"], lang),
            )  # fmt: skip
        else:
            text += " " + _TEXT[lang]["no_ceiling"]
        return text

    def _alpha_sentence(self, lang: str) -> str:
        words = []
        for dim, verdict in self.verdicts.items():
            name = _DIM_WORDS[lang].get(dim, dim)
            if verdict is None:
                words.append(_TEXT[lang]["not_checked"].format(dim=name))
                continue
            assert self.check is not None
            row = self.check.row(dim)
            alpha = float(row["alpha"]) if row else float("nan")
            band = _band(alpha, lang)
            words.append(f"{name} {_num(alpha, lang)} ({band})")
        return _TEXT[lang]["alpha"].format(dims="; ".join(words), t=_num(self.threshold, lang, 3))

    def _blind_sentence(self, lang: str) -> str:
        assert self.check is not None
        row = self.check.row(THEME_DIMENSION)
        if row is None:
            return ""
        if int(row["n_not_blind"]) == 0:
            return _TEXT[lang]["blind"]
        return _TEXT[lang]["anchoring"].format(k=int(row["n_not_blind"]), n=int(row["n_segments"]))

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``--json`` and report provenance); NaN becomes None."""

        def clean(x: float) -> float | None:
            return None if math.isnan(x) else round(float(x), 4)

        return {
            "may_stand": self.may_stand,
            "basis": "check sample",
            "machine_alpha": clean(self.machine_alpha),
            "human_alpha": clean(self.human_alpha),
            "threshold": self.threshold,
            "n_segments": self.n_segments,
            "min_segments": self.min_segments,
            "n_people": self.n_people,
            "blind": self.blind,
            "verdicts": self.verdicts,
            "interval_method": INTERVAL_METHOD,
            "check": self.check.to_dict() if self.check is not None else None,
            "explanation_nl": self.explain("nl"),
            "explanation_en": self.explain("en"),
        }


def _band(alpha: float, lang: str) -> str:
    if math.isnan(alpha):
        return _TEXT[lang]["band_nan"]
    if alpha >= KRIPPENDORFF_RELIABLE:
        return _TEXT[lang]["band_reliable"]
    if alpha >= KRIPPENDORFF_TENTATIVE:
        return _TEXT[lang]["band_tentative"]
    return _TEXT[lang]["band_low"]


_TEXT = {
    "en": {
        "no_check": (
            "No check sample exists yet, so how often the machine is right on this corpus is not known: "
            "machine codes are shown as unreviewed proposals. Draw a random check that is never used to teach"
            " the machine with '{command}' and have it coded without the machine's proposals."
        ),
        "not_coded": (
            "A check sample of {n} segments was drawn, but no person has coded it yet: machine codes are "
            "shown as unreviewed proposals ('{command}' writes the coding sheet)."
        ),
        "too_few": (
            "Only {n} check segments have been coded by people (at least {m} needed): machine codes are shown"
            " as unreviewed proposals."
        ),
        "stand": "Machine codes may stand without review.",
        "review": "Machine codes need review.",
        "exact": (
            "On a random check of {n} segments, never used to teach the machine, its themes matched the "
            "people's exactly on {p} % (95 % Wilson interval {lo}–{hi} %)."
        ),
        "ceiling": (
            "People matched each other on {p} % ({lo}–{hi} %) of the {n} check segments two of them coded "
            "(alpha {a}): the ceiling."
        ),
        "no_ceiling": (
            "No check segment was coded by two people, so the people's own agreement (the ceiling) is not "
            "known."
        ),
        "alpha": "Krippendorff's alpha between machine and people, per dimension: {dims}; threshold {t}.",
        "not_checked": "{dim} not checked (no person coded it on the check sample)",
        "krippendorff": (
            "Krippendorff (2004, Content Analysis, §11.4) relies on variables with alpha ≥ 0.800 and accepts "
            "alpha ≥ 0.667 only for tentative conclusions."
        ),
        "low_threshold": "The threshold {t} is below that minimum of 0.667.",
        "blind": "The people coded the check blind, without the machine's proposals.",
        "anchoring": (
            "On {k} of the {n} check segments the people saw the machine's proposals: agreement there may be "
            "inflated by anchoring."
        ),
        "excluded": (
            "{n} check segment(s) that people coded before they were drawn are left out (they may have taught"
            " the machine)."
        ),
        "band_reliable": "reliable",
        "band_tentative": "tentative conclusions only",
        "band_low": "below 0.667",
        "band_nan": "not measurable: no variation",
    },
    "nl": {
        "no_check": (
            "Er is nog geen controlesteekproef, dus hoe vaak de computer het goed heeft op dit corpus is niet"
            " bekend: computercodes gelden als voorstellen die nog niet zijn beoordeeld. Trek een "
            "willekeurige controle die de computer nooit leert met '{command}' en laat die coderen zonder de "
            "voorstellen van de computer."
        ),
        "not_coded": (
            "Er is een controlesteekproef van {n} fragmenten getrokken, maar nog niemand heeft die gecodeerd:"
            " computercodes gelden als voorstellen die nog niet zijn beoordeeld ('{command}' maakt het "
            "codeerblad)."
        ),
        "too_few": (
            "Pas {n} fragmenten van de controlesteekproef zijn door mensen gecodeerd (minstens {m} nodig): "
            "computercodes gelden als voorstellen die nog niet zijn beoordeeld."
        ),
        "stand": "Computercodes mogen zonder controle blijven staan.",
        "review": "Computercodes moeten worden nagekeken.",
        "exact": (
            "Op een willekeurige controle van {n} fragmenten, die de computer nooit heeft geleerd, kwamen "
            "zijn thema's precies overeen met die van mensen bij {p} % (95%-Wilson-interval {lo}–{hi} %)."
        ),
        "ceiling": (
            "Mensen kwamen onderling overeen bij {p} % ({lo}–{hi} %) van de {n} controlefragmenten die twee "
            "van hen codeerden (alfa {a}): het plafond."
        ),
        "no_ceiling": (
            "Geen controlefragment is door twee mensen gecodeerd, dus de overeenstemming tussen mensen "
            "onderling (het plafond) is niet bekend."
        ),
        "alpha": "Krippendorffs alfa tussen computer en mensen, per dimensie: {dims}; drempel {t}.",
        "not_checked": "{dim} niet gecontroleerd (niemand codeerde die in de controlesteekproef)",
        "krippendorff": (
            "Krippendorff (2004, Content Analysis, §11.4) vertrouwt alleen variabelen met alfa ≥ 0,800 en "
            "aanvaardt alfa ≥ 0,667 alleen voor voorlopige conclusies."
        ),
        "low_threshold": "De drempel {t} ligt onder dat minimum van 0,667.",
        "blind": "De mensen codeerden de controle blind, zonder de voorstellen van de computer.",
        "anchoring": (
            "Bij {k} van de {n} controlefragmenten zagen de mensen de voorstellen van de computer: daar kan "
            "de overeenstemming door verankering (anchoring) te hoog uitvallen."
        ),
        "excluded": (
            "{n} controlefragment(en) die mensen al codeerden voordat ze getrokken werden, tellen niet mee "
            "(de computer kan ervan geleerd hebben)."
        ),
        "band_reliable": "betrouwbaar",
        "band_tentative": "alleen voor voorlopige conclusies",
        "band_low": "onder 0,667",
        "band_nan": "niet te meten: geen variatie",
    },
}


def machine_may_stand(
    store: Store,
    settings: Settings | None = None,
    *,
    threshold: float | None = None,
    min_segments: int = 20,
    wijk: str | None = None,
) -> MachineDecision:
    """Decide, on the check sample, whether the machine's codes may stand in a report without review.

    Parameters
    ----------
    store : Store
    settings : Settings, optional
        Supplies ``machine_agreement_threshold`` (default 0.667, see the module docstring).
    threshold : float, optional
        Overrides the setting.
    min_segments : int, default 20
        Fewest check segments coded by the machine and a person (themes) before the machine can be trusted.
    wijk : str, optional
        Measure on one wijk's check segments only.

    Returns
    -------
    MachineDecision
        ``may_stand`` is True only when the machine's alpha against people on the check sample reaches the
        threshold in the themes and in every other dimension the machine coded there (people must have coded
        it too), on at least ``min_segments`` check segments. False without a check sample.
    """
    limit = float(
        threshold if threshold is not None else (settings or Settings()).machine_agreement_threshold
    )
    return _decide(
        store, check_agreement(store, wijk=wijk), limit, min_segments, machine_agreement(store, wijk=wijk)
    )


def _decide(
    store: Store, check: CheckAgreement, limit: float, min_segments: int, per_person: pd.DataFrame
) -> MachineDecision:
    """Return the verdict on the check figures (see :func:`machine_may_stand`)."""
    theme = check.row(THEME_DIMENSION)
    n_seg = int(theme["n_segments"]) if theme else 0
    verdicts: dict[str, bool | None] = {}
    for dim in sorted(set(dimension_map(store).values()), key=lambda d: d != THEME_DIMENSION):
        row = check.row(dim)
        verdicts[dim] = None if row is None else _may_stand(int(row["n_segments"]), row["alpha"], limit, 1)
    # every dimension the machine coded must be checked and pass: an unchecked kind of input cannot stand
    ok = bool(
        n_seg >= min_segments
        and verdicts.get(THEME_DIMENSION)
        and all(verdicts.get(d) is True for d in check.machine_dimensions)
    )
    return MachineDecision(
        may_stand=ok,
        machine_alpha=float(theme["alpha"]) if theme else float("nan"),
        human_alpha=float(theme["human_alpha"]) if theme else float("nan"),
        threshold=limit,
        n_segments=n_seg,
        min_segments=min_segments,
        n_people=len(check.people),
        per_person=per_person,
        check=check,
        verdicts=verdicts,
    )


_TABLE_COLUMNS = ["comparison", "dimension", "coders", "n_segments", "exact_match", "ci_low", "ci_high",
                  "kappa", "alpha", "blind", "machine_may_stand"]  # fmt: skip


def agreement_table(
    store: Store, threshold: float = KRIPPENDORFF_TENTATIVE, min_segments: int = 20
) -> pd.DataFrame:
    """One row per comparison and dimension, for reports.

    ``mens-mens``: every pair of people on all segments both coded (descriptive). ``mensen-controle``: people
    among themselves on the check segments two or more coded (the ceiling). ``machine-controle``: the machine
    against people on the check sample, the figure the verdict rests on (with its Wilson interval, whether the
    people coded blind, and whether the machine's codes may stand).

    Parameters
    ----------
    store : Store
    threshold : float, default 0.667
        ``settings.machine_agreement_threshold``.
    min_segments : int, default 20
        As in :func:`machine_may_stand`.

    Returns
    -------
    DataFrame
        ``comparison, dimension, coders, n_segments, exact_match, ci_low, ci_high, kappa, alpha, blind,
        machine_may_stand`` (the last two only on check rows, else None). Empty when nothing has been coded
        twice.
    """
    rows: list[dict[str, Any]] = []

    def add(comparison: str, dimension: str, coders: str, **figures: Any) -> None:
        rows.append({**dict.fromkeys(_TABLE_COLUMNS), "comparison": comparison, "dimension": dimension,
                     "coders": coders, **figures})  # fmt: skip

    people = store.human_coder_ids()
    if len(people) >= 2:
        for r in compute_agreement(store, people).pairs.to_dict("records"):
            add("mens-mens", r["dimension"], f"{r['coder_a']} + {r['coder_b']}", n_segments=r["n_segments"],
                exact_match=r["exact_match"], kappa=r["kappa"], alpha=r["alpha"])  # fmt: skip
    decision = _decide(store, check_agreement(store), threshold, min_segments, pd.DataFrame())
    assert decision.check is not None
    coders = " + ".join(decision.check.people)
    for r in decision.check.overall.to_dict("records"):
        if r["human_n_segments"]:
            add("mensen-controle", r["dimension"], coders, n_segments=r["human_n_segments"],
                exact_match=r["human_exact_match"], ci_low=r["human_ci_low"], ci_high=r["human_ci_high"],
                alpha=r["human_alpha"])  # fmt: skip
        add("machine-controle", r["dimension"], f"machine + {coders}", n_segments=r["n_segments"],
            exact_match=r["exact_match"], ci_low=r["ci_low"], ci_high=r["ci_high"], alpha=r["alpha"],
            blind=bool(r["n_not_blind"] == 0), machine_may_stand=decision.may_stand)  # fmt: skip
    return pd.DataFrame(rows, columns=_TABLE_COLUMNS)
