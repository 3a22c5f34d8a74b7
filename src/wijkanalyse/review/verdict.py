"""Stage 6: the machine against people on the held-out check sample, with an interval.

Why a check sample
------------------
Agreement between the machine and people measured on *every* segment people coded mixes two kinds of segment:
those people coded to teach the machine (it has seen them, so agreement there is flattering) and those that
test it. An honest estimate of how often the machine is right on the researcher's own corpus needs segments
the machine never learned from: the **check sample**, a stratified random sample drawn with
``wijkanalyse review export --strategy check`` (see :mod:`wijkanalyse.store.check_sample`), coded by people
and never used for training. Only those segments count here. A check segment a person had already coded
*before* it was drawn may have taught the machine, so it is left out and counted in ``n_excluded``.

What is measured (per dimension, never pooled)
----------------------------------------------
For each dimension of the codebook (``thema``; ``soort``, the kind of input, when the codebook has it) the
units are the check segments the machine and at least one person coded in that dimension.

* **Exact match**: the share of those segments where the machine's set of codes equals the person's. A segment
  coded by several people scores the share of them the machine matches, so each segment weighs once.
* **Per code**: the same share for one code's presence or absence, the counts behind it (segments, how many
the
  machine gave the code, how many people gave it), and the **positive specific agreement**
  ``2a / (2a + b + c)`` over (person, segment) pairs, ``a`` both applied, ``b`` and ``c`` one side only: the
  agreement on the segments where at least one side used the code, which percent agreement hides when most
  segments lack the code on both sides.
* **Krippendorff's alpha** between machine and people (pooled binary over the dimension's codes, each person's
  judgement a unit of its own; see :mod:`wijkanalyse.review.agreement`).
* **The ceiling**: the same exact match among people on the check segments two or more of them coded (share of
  agreeing pairs of people per segment).

The interval
------------
A 95 % **Wilson score interval** (Wilson 1927) around each share: ``(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) /
(1 + z²/n)``. Unlike the plain normal interval it stays inside [0, 1] and keeps close to its nominal coverage
at the sample sizes of a check (20–200 segments) and at shares near 1 (Brown, Cai & DasGupta 2001,
*Statistical Science* 16(2)). It treats the segments as a simple random sample; the check is stratified
proportionally per wijk and kind of source, which makes the interval slightly conservative. A segment coded by
several people contributes a fractional success, for which the same formula is used. ``tests/test_verdict.py``
checks its coverage by simulation.

Blind coding
------------
Every check segment records whether it went out on a sheet without the machine's proposals (``blind``, the
default for a check). When people saw the proposals, agreement may be inflated by anchoring, and
:func:`check_agreement` reports how many segments that concerns.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import pandas as pd

from wijkanalyse.review.agreement import (
    Decisions,
    coder_decisions,
    dimension_map,
    pooled_figures,
)
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE, NONE_CODE, SOORT_DIMENSION, THEME_DIMENSION

__all__ = [
    "INTERVAL_METHOD",
    "wilson_interval",
    "CheckAgreement",
    "check_agreement",
    "extra_coder_kappas",
    "extra_coder_table",
]

INTERVAL_METHOD = "Wilson score interval, 95 %"
NO_CODER_USED = "not applicable: no coder used this code"
NO_CEILING = "human_*: not applicable: no check segment was coded by two people"

_OVERALL_COLUMNS = ["dimension", "n_segments", "n_people", "exact_match", "ci_low", "ci_high", "alpha",
                    "human_n_segments", "human_exact_match", "human_ci_low", "human_ci_high", "human_alpha",
                    "n_blind", "n_not_blind", "note"]  # fmt: skip
_CODE_COLUMNS = ["code_id", "dimension", "n_segments", "n_machine", "n_people", "agreement", "ci_low",
                 "ci_high", "positive_agreement", "note"]  # fmt: skip


def wilson_interval(successes: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion.

    Parameters
    ----------
    successes : float
        The number of successes (may be fractional, see the module docstring).
    n : int
        The number of trials.
    confidence : float, default 0.95

    Returns
    -------
    (float, float)
        Lower and upper bound; ``(nan, nan)`` for ``n == 0``.

    Raises
    ------
    ValueError
        If ``successes`` is outside ``[0, n]`` or ``confidence`` outside ``(0, 1)``.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(8, 10)]
    [0.4902, 0.9433]
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}.")
    if n == 0:
        return float("nan"), float("nan")
    if not -1e-9 <= successes <= n + 1e-9:
        raise ValueError(f"successes must be between 0 and n = {n}, got {successes}.")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)  # the standard library's: no scipy.stats import
    p = min(max(successes / n, 0.0), 1.0)
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denom = 1 + z * z / n
    return max(0.0, (centre - half) / denom), min(1.0, (centre + half) / denom)


@dataclass
class CheckAgreement:
    """The machine against people on the check sample (see the module docstring).

    Attributes
    ----------
    n_check : int
        Segments in the check sample.
    n_excluded : int
        Check segments left out because a person coded them before they were drawn (they may have taught the
        machine).
    overall : DataFrame
        One row per dimension: ``dimension, n_segments, n_people, exact_match, ci_low, ci_high, alpha,
        human_n_segments, human_exact_match, human_ci_low, human_ci_high, human_alpha, n_blind, n_not_blind,
        note`` (``note`` says why the ceiling is missing, when it is).
    per_code : DataFrame
        ``code_id, dimension, n_segments, n_machine, n_people, agreement, ci_low, ci_high,
        positive_agreement, note`` (``note`` says why a figure is missing).
    people : list of str
        The people whose codings on the check sample count.
    method : str
        How the intervals are computed.
    machine_dimensions : list of str
        The dimensions the machine coded on the check sample (each must be checked before its codes stand).
    """

    n_check: int
    n_excluded: int
    overall: pd.DataFrame
    per_code: pd.DataFrame
    people: list[str] = field(default_factory=list)
    method: str = INTERVAL_METHOD
    machine_dimensions: list[str] = field(default_factory=list)

    def row(self, dimension: str = THEME_DIMENSION) -> dict[str, Any] | None:
        """Return the overall figures of one dimension, or None when nobody coded it on the check sample."""
        hit = self.overall[self.overall["dimension"] == dimension]
        return hit.iloc[0].to_dict() if len(hit) else None

    @property
    def n_segments(self) -> int:
        """Check segments coded by the machine and a person in the themes (0 when none)."""
        r = self.row(THEME_DIMENSION)
        return int(r["n_segments"]) if r else 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``--json``); NaN becomes None."""
        return {
            "n_check": self.n_check,
            "n_excluded": self.n_excluded,
            "people": self.people,
            "method": self.method,
            "overall": _records(self.overall),
            "per_code": _records(self.per_code),
        }


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
        for r in df.to_dict("records")
    ]


def _eligible_check_segments(store: Store) -> tuple[pd.DataFrame, int]:
    """Return the check sample less the segments people coded before they were drawn, and their number."""
    sample = store.check_sample()
    if sample.empty:
        return sample, 0
    human = store.codings(kind="human", include_rejected=True)
    first = human.groupby("segment_id")["created_at"].min() if len(human) else pd.Series(dtype=str)
    drawn = sample.set_index("segment_id")["drawn_at"]
    taught = {s for s in drawn.index if s in first.index and str(first[s]) < str(drawn[s])}
    return sample[~sample["segment_id"].isin(taught)].reset_index(drop=True), len(taught)


def _dimension_codes(store: Store) -> dict[str, list[str]]:
    """Return the codes of each dimension of the codebook (``geen`` is a theme decision)."""
    out: dict[str, list[str]] = {}
    for code, dim in sorted(dimension_map(store).items()):
        out.setdefault(dim, []).append(code)
    return out


def _human_ceiling(decisions: Decisions, people: list[str], dim: str, segs: set[str]) -> dict[str, Any]:
    """Return the exact match among people on the check segments two or more of them coded."""
    scores: list[float] = []
    human: Decisions = {p: {} for p in people}
    for seg in sorted(segs):
        sets = [decisions[p][(seg, dim)] for p in people if (seg, dim) in decisions.get(p, {})]
        if len(sets) < 2:
            continue
        pairs = list(itertools.combinations(sets, 2))
        scores.append(sum(a == b for a, b in pairs) / len(pairs))
        for p in people:
            if (seg, dim) in decisions.get(p, {}):
                human[p][(seg, dim)] = decisions[p][(seg, dim)]
    n = len(scores)
    low, high = wilson_interval(sum(scores), n)
    alpha = pooled_figures(human, people, dim)["alpha"] if n else float("nan")
    return {
        "human_n_segments": n,
        "human_exact_match": sum(scores) / n if n else float("nan"),
        "human_ci_low": low,
        "human_ci_high": high,
        "human_alpha": alpha,
    }


def _machine_alpha(decisions: Decisions, people: list[str], dim: str, units: list[str]) -> float:
    """Pooled binary alpha of the machine against people, each person's judgement a unit of its own."""
    stacked: Decisions = {"p": {}, "m": {}}
    machine = decisions[MACHINE]
    for person in people:
        mine = decisions.get(person, {})
        for seg in units:
            if (seg, dim) in mine:
                stacked["p"][(f"{person}\x1f{seg}", dim)] = mine[(seg, dim)]
                stacked["m"][(f"{person}\x1f{seg}", dim)] = machine[(seg, dim)]
    return float(pooled_figures(stacked, ["p", "m"], dim)["alpha"])


def _code_row(
    decisions: Decisions, people: list[str], dim: str, units: list[str], code: str
) -> dict[str, Any]:
    """Agreement of machine and people on one code's presence, with counts and positive agreement."""
    machine = decisions[MACHINE]
    scores, a, b_or_c = [], 0, 0
    n_machine = n_people = 0
    for seg in units:
        m = code in machine[(seg, dim)]
        n_machine += m
        votes = [code in decisions[p][(seg, dim)] for p in people if (seg, dim) in decisions.get(p, {})]
        n_people += any(votes)
        scores.append(sum(v == m for v in votes) / len(votes))
        a += sum(v and m for v in votes)
        b_or_c += sum(v != m for v in votes)
    n = len(units)
    low, high = wilson_interval(sum(scores), n)
    used = n_machine + n_people > 0
    return {
        "code_id": code,
        "dimension": dim,
        "n_segments": n,
        "n_machine": n_machine,
        "n_people": n_people,
        "agreement": sum(scores) / n if n else float("nan"),
        "ci_low": low,
        "ci_high": high,
        "positive_agreement": 2 * a / (2 * a + b_or_c) if used else float("nan"),
        "note": "" if used else NO_CODER_USED,
    }


def _dimension_figures(
    decisions: Decisions, people: list[str], dim: str, segs: set[str], blind: dict[str, bool]
) -> dict[str, Any] | None:
    """Return the overall row of one dimension (None when no check segment is coded by both sides in it)."""
    machine = decisions.get(MACHINE, {})
    units = [
        s for s in sorted(segs)
        if (s, dim) in machine and any((s, dim) in decisions.get(p, {}) for p in people)
    ]  # fmt: skip
    if not units:
        return None
    scores = []
    for seg in units:
        sets = [decisions[p][(seg, dim)] for p in people if (seg, dim) in decisions.get(p, {})]
        scores.append(sum(s == machine[(seg, dim)] for s in sets) / len(sets))
    low, high = wilson_interval(sum(scores), len(units))
    n_blind = sum(bool(blind.get(s, True)) for s in units)
    ceiling = _human_ceiling(decisions, people, dim, segs)
    return {
        "dimension": dim,
        "n_segments": len(units),
        "n_people": sum(any((s, dim) in decisions.get(p, {}) for s in units) for p in people),
        "exact_match": sum(scores) / len(units),
        "ci_low": low,
        "ci_high": high,
        "alpha": _machine_alpha(decisions, people, dim, units),
        **ceiling,
        "n_blind": n_blind,
        "n_not_blind": len(units) - n_blind,
        "note": "" if ceiling["human_n_segments"] else NO_CEILING,
        "_units": units,
    }


def check_agreement(store: Store, wijk: str | None = None) -> CheckAgreement:
    """Compare the machine with people on the check sample: exact match and per code, with Wilson intervals.

    Parameters
    ----------
    store : Store
    wijk : str, optional
        Only check segments of this wijk.

    Returns
    -------
    CheckAgreement
        Empty tables when there is no check sample or nobody coded it yet (``n_check`` tells which).
    """
    sample, n_excluded = _eligible_check_segments(store)
    people = [c for c in store.human_coder_ids() if c != MACHINE]
    segs = set(sample["segment_id"].astype(str))
    blind = dict(zip(sample["segment_id"].astype(str), sample["blind"].astype(bool), strict=True))
    decisions = coder_decisions(store, [*people, MACHINE], wijk=wijk) if segs else {}
    decisions = {c: {k: v for k, v in d.items() if k[0] in segs} for c, d in decisions.items()}
    overall, per_code = [], []
    for dim, codes in _dimension_codes(store).items():
        fig = _dimension_figures(decisions, people, dim, segs, blind) if decisions else None
        if fig is None:
            continue
        units = fig.pop("_units")
        overall.append(fig)
        per_code += [_code_row(decisions, people, dim, units, c) for c in codes]
    order = {THEME_DIMENSION: 0, SOORT_DIMENSION: 1}
    overall.sort(key=lambda r: order.get(r["dimension"], 2))
    per_code.sort(key=lambda r: (order.get(r["dimension"], 2), r["code_id"] == NONE_CODE, r["code_id"]))
    used = {p for p in people if any(k[0] in segs for k in decisions.get(p, {}))}
    return CheckAgreement(
        n_check=len(sample) + n_excluded,
        n_excluded=n_excluded,
        overall=pd.DataFrame(overall, columns=_OVERALL_COLUMNS),
        per_code=pd.DataFrame(per_code, columns=_CODE_COLUMNS),
        people=[p for p in people if p in used],
        machine_dimensions=sorted({k[1] for k in decisions.get(MACHINE, {})}, key=lambda d: order.get(d, 2)),
    )


# -- the machine as one more coder -------------------------------------------------------------------------
def extra_coder_kappas(decisions: Decisions, people: list[str], dimension: str) -> dict[str, Any]:
    """Treat the machine as one more coder: its mean Cohen kappa with each person against the people's.

    Only the segments the machine and at least two people coded count. Kappa of a pair is computed over the
    binary (segment, code) decisions of the dimension on those of them both coded, for the codes either used
    there (the pooled binary kappa of :mod:`wijkanalyse.review.agreement`).

    Parameters
    ----------
    decisions : dict
        ``{coder: {(segment_id, dimension): codes applied}}`` with the machine under ``"machine"``.
    people : list of str
    dimension : str

    Returns
    -------
    dict
        ``machine_mean_kappa``, ``people_mean_kappa`` (NaN with fewer than two people sharing segments),
        ``machine_kappas`` and ``people_kappas`` (``{"a + b": kappa}``), ``n_segments`` (segments coded by the
        machine and at least two people).
    """
    segs = {
        k[0] for k in decisions.get(MACHINE, {})
        if k[1] == dimension and sum(k in decisions.get(p, {}) for p in people) >= 2
    }  # fmt: skip
    # only the segments the machine and two or more people coded, so every pair is measured on the same set
    shared = {c: {k: v for k, v in d.items() if k[0] in segs} for c, d in decisions.items()}

    def kappa(a: str, b: str) -> float:
        sub = {a: shared.get(a, {}), b: shared.get(b, {})}
        return float(pooled_figures(sub, [a, b], dimension)["kappa"])

    people_k = {f"{a} + {b}": kappa(a, b) for a, b in itertools.combinations(people, 2)}
    machine_k = {f"{MACHINE} + {p}": kappa(MACHINE, p) for p in people}

    def mean(values: dict[str, float]) -> float:
        finite = [v for v in values.values() if not math.isnan(v)]
        return sum(finite) / len(finite) if finite else float("nan")

    return {
        "machine_mean_kappa": mean(machine_k),
        "people_mean_kappa": mean(people_k),
        "machine_kappas": machine_k,
        "people_kappas": people_k,
        "n_segments": len(segs),
    }


def _listed(kappas: dict[str, float]) -> str:
    return "; ".join(f"{name} {'n/a' if math.isnan(v) else f'{v:.2f}'}" for name, v in kappas.items())


def extra_coder_table(store: Store, wijk: str | None = None) -> tuple[pd.DataFrame, str]:
    """Compare the machine as one more coder, per dimension, for ``wijkanalyse agreement --machine``.

    Measured on the check segments two or more people coded when there are any (the machine never learned
    from them); otherwise on every segment two or more people coded, which may include segments that taught
    the machine, and the returned basis says so.

    Parameters
    ----------
    store : Store
    wijk : str, optional

    Returns
    -------
    (DataFrame, str)
        ``dimension, n_segments, machine_mean_kappa, people_mean_kappa, machine_kappas, people_kappas`` (the
        last two as ``"a + b 0.71; ..."``), and a sentence naming the basis. Empty with fewer than two people.
    """
    cols = ["dimension", "n_segments", "machine_mean_kappa", "people_mean_kappa", "machine_kappas",
            "people_kappas"]  # fmt: skip
    people = [c for c in store.human_coder_ids() if c != MACHINE]
    if len(people) < 2 or not store.has_codings_by(MACHINE):
        return pd.DataFrame(columns=cols), "fewer than two people, or no machine codings: nothing to compare"
    decisions = coder_decisions(store, [*people, MACHINE], wijk=wijk)
    check = store.check_segment_ids()
    on_check = {c: {k: v for k, v in d.items() if k[0] in check} for c, d in decisions.items()}
    rows, basis = [], "the check segments two or more people coded (never used to teach the machine)"
    dims = sorted(set(dimension_map(store).values()), key=lambda d: d != THEME_DIMENSION)
    if not any(extra_coder_kappas(on_check, people, d)["n_segments"] for d in dims):
        on_check = decisions
        basis = (
            "every segment two or more people coded: there is no double-coded check segment, so these may "
            "include segments that taught the machine (an optimistic figure)"
        )
    for dim in dims:
        k = extra_coder_kappas(on_check, people, dim)
        if not k["n_segments"]:
            continue
        rows.append({"dimension": dim, "n_segments": k["n_segments"],
                     "machine_mean_kappa": k["machine_mean_kappa"],
                     "people_mean_kappa": k["people_mean_kappa"],
                     "machine_kappas": _listed(k["machine_kappas"]),
                     "people_kappas": _listed(k["people_kappas"])})  # fmt: skip
    return pd.DataFrame(rows, columns=cols), basis
