"""Stage 6: agreement between coders — people with people, and the machine with people.

The statistics (Krippendorff's alpha, Cohen's kappa and, for three or more coders, the mean pairwise Cohen's
kappa, percent agreement, positive specific agreement) are defined in :mod:`wijkanalyse.review.reliability`.

The unit of analysis (multi-label coding)
-----------------------------------------
A segment may carry several codes, so agreement is measured **per code, as a binary decision**: for code ``k``
and a coder who coded the segment, the value is 1 (``k`` applied) or 0 (not applied). A coder *coded* a
segment in a dimension (``thema`` or ``soort``) when they applied or rejected at least one code of that
dimension there (``geen``, "none of these", counts as a theme decision); otherwise their value is missing — a
coder who only coded themes is not counted as saying "no kind of input". Only segments coded by at least two
of the compared coders count. The unit is the segment: a code a coder applied to a *span* of a segment
(:mod:`wijkanalyse.review.spans`) counts as applied to that segment, however many spans; which part of the
segment each coder selected is not compared.

Per dimension, never pooled across them
---------------------------------------
Themes and the kind of input are different variables: the kind of input is far easier to agree on, and pooling
it with the themes hides poor theme agreement (Krippendorff 2004, *Content Analysis*, 2nd ed., §11.4: the
reliability of each variable is judged on its own). Every figure here is therefore per dimension; a codebook
with only themes has only ``thema`` rows.

The **overall** figure of a dimension pools the binary decisions *of that dimension's codes*: every (segment,
code) pair is one unit, over the codes at least one compared coder applied there (codes nobody used would add
agreement for free), and alpha, kappa and percent agreement are computed over all of them at once ("pooled
binary"). Percent agreement is inflated by the many pairs where both coders left a code off, so
``positive_agreement`` (agreement on the units where at least one coder applied the code) stands beside it.
``exact_match`` gives the share of segments where the coders' code sets were identical. Per code, every code
of the codebook is listed; a code nobody used gets its counts (0) and the note "not applicable: no coder used
this code" instead of figures. Wherever a figure is undefined, ``note`` says why.

Machine versus people
---------------------
:func:`machine_agreement` pairs each person's decisions with the machine's on *every* segment both coded,
including those people coded to teach the machine; it describes, it does not test. The honest test is the
check sample (:mod:`wijkanalyse.review.verdict`), and whether the machine's codes may stand in a report
without review is decided on it in :mod:`wijkanalyse.review.machine_decision`.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wijkanalyse.coding.codebook import DEFAULT_SOORT
from wijkanalyse.review.reliability import (
    cohen_kappa,
    krippendorff_alpha_nominal,
    mean_pairwise_kappa,
    percent_agreement,
    positive_agreement,
)
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE, NONE_CODE

__all__ = [
    "MACHINE",
    "krippendorff_alpha_nominal",
    "cohen_kappa",
    "percent_agreement",
    "positive_agreement",
    "coder_decisions",
    "dimension_map",
    "pooled_figures",
    "Agreement",
    "compute_agreement",
    "machine_agreement",
]

_DIMENSIONS = ("thema", "soort")
_PER_CODE_COLUMNS = ["code_id", "dimension", "n_segments", "n_applied", "percent_agreement",
                     "positive_agreement", "kappa", "alpha", "note"]  # fmt: skip
_OVERALL_COLUMNS = ["dimension", "n_segments", "n_codes", "percent_agreement", "positive_agreement",
                    "exact_match", "kappa", "alpha", "mean_alpha_codes", "note"]  # fmt: skip
_PAIR_COLUMNS = ["dimension", "coder_a", "coder_b", "n_segments", "percent_agreement", "positive_agreement",
                 "exact_match", "kappa", "alpha"]  # fmt: skip
_POOLED_FIGURES = ("n_segments", "percent_agreement", "positive_agreement", "exact_match", "kappa", "alpha")
NO_CODER_USED = "not applicable: no coder used this code"

Decisions = dict[str, dict[tuple[str, str], frozenset[str]]]


# -- reading the decisions from the store ------------------------------------------------------------------
def dimension_map(store: Store) -> dict[str, str]:
    """Return each code's dimension: from the store's codes (geen: thema).

    A store whose codes were never synced from a codebook (people coded before any ``wijkanalyse code``)
    takes the default kinds of input (:data:`~wijkanalyse.coding.codebook.DEFAULT_SOORT`) as ``soort`` and
    every other code as a theme.
    """
    dims = store.code_dimensions() or {c.id: "soort" for c in DEFAULT_SOORT}
    dims[NONE_CODE] = "thema"
    return dims


def coder_decisions(
    store: Store, coders: Iterable[str] | None = None, wijk: str | None = None
) -> dict[str, dict[tuple[str, str], frozenset[str]]]:
    """Each coder's decisions: ``{coder: {(segment_id, dimension): codes applied}}``.

    A (segment, dimension) is present for a coder when they applied or rejected at least one code of that
    dimension on the segment (see the module docstring); its value is the set of codes they applied. A code
    applied to a span of the segment counts for the segment.

    Parameters
    ----------
    store : Store
    coders : iterable of str, optional
        Coder ids; default: every coder with codings.
    wijk : str, optional
        Only segments of this wijk.

    Returns
    -------
    dict
    """
    dims = dimension_map(store)
    wanted = set(coders) if coders is not None else None
    out: dict[str, dict[tuple[str, str], set[str]]] = {}
    for seg, code, coder, status in store.coding_decisions(wijk).itertuples(index=False):
        if wanted is not None and coder not in wanted:
            continue
        key = (str(seg), dims.get(code, "thema"))
        codes = out.setdefault(coder, {}).setdefault(key, set())
        if status == "applied":
            codes.add(code)
    if wanted is not None:
        for c in wanted:
            out.setdefault(c, {})
    return {c: {k: frozenset(v) for k, v in d.items()} for c, d in out.items()}


# -- agreement of a group of coders ------------------------------------------------------------------------
@dataclass
class Agreement:
    """Agreement among a group of coders (see the module docstring for the units).

    Attributes
    ----------
    coders : list of str
    per_code : DataFrame
        ``code_id, dimension, n_segments, n_applied, percent_agreement, positive_agreement, kappa, alpha,
        note``: every code of the codebook in a dimension someone coded twice (``note`` says why a figure is
        missing).
    overall : DataFrame
        One row per dimension (never pooled across them): ``dimension, n_segments, n_codes, percent_agreement,
        positive_agreement, exact_match, kappa, alpha, mean_alpha_codes, note``.
    pairs : DataFrame
        Every pair of coders, per dimension: ``dimension, coder_a, coder_b, n_segments, percent_agreement,
        positive_agreement, exact_match, kappa, alpha``.
    disagreements : DataFrame
        Segments where the coders' codes differ: ``segment_id, path, wijk, text, in_dispute`` and one column
        ``codes_<coder>`` per coder.
    note : str
        Why figures are missing, when they are (e.g. no segment coded twice yet).
    kappa_method : str
        Which kappa the tables show: Cohen's for two coders, the mean pairwise Cohen's kappa for more.
    """

    coders: list[str]
    per_code: pd.DataFrame
    overall: pd.DataFrame
    pairs: pd.DataFrame
    disagreements: pd.DataFrame
    note: str = ""
    kappa_method: str = ""

    def alpha(self, dimension: str = "thema") -> float:
        """Pooled alpha of a dimension (``thema`` or ``soort``); NaN when not available."""
        row = self.overall[self.overall["dimension"] == dimension]
        return float(row["alpha"].iloc[0]) if len(row) else float("nan")

    def n_segments(self, dimension: str = "thema") -> int:
        """Return the number of segments coded by at least two coders in a dimension."""
        row = self.overall[self.overall["dimension"] == dimension]
        return int(row["n_segments"].iloc[0]) if len(row) else 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``--json``); NaN becomes None."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                for r in df.to_dict("records")
            ]

        return {
            "coders": self.coders,
            "overall": records(self.overall),
            "per_code": records(self.per_code),
            "pairs": records(self.pairs),
            "disagreements": records(self.disagreements),
            "note": self.note,
            "kappa_method": self.kappa_method,
        }


def _matrix(
    decisions: dict[str, dict[tuple[str, str], frozenset[str]]],
    coders: list[str],
    units: list[tuple[str, str]],
    code: str,
) -> list[list[int | None]]:
    rows = []
    for c in coders:
        d = decisions.get(c, {})
        rows.append([(int(code in d[u]) if u in d else None) for u in units])
    return rows


def _kappa(rows: list[list[int | None]]) -> float:
    """Cohen's kappa for two coders, the mean pairwise Cohen's kappa for more (:func:`kappa_method`)."""
    return mean_pairwise_kappa(rows) if len(rows) >= 2 else float("nan")


def kappa_method(n_coders: int) -> str:
    """Return the name of the kappa shown for this many coders, with the reason when it is not Cohen's."""
    if n_coders <= 2:
        return "Cohen's kappa"
    return (
        f"mean pairwise Cohen's kappa over the {n_coders} coders (Light's kappa): Cohen's kappa is "
        "defined for two coders"
    )


def _why_missing(rows: list[list[int | None]], alpha: float, kappa: float) -> str:
    """Return why alpha or kappa is undefined for these binary decisions ('' when both are defined)."""
    if not math.isnan(alpha) and not math.isnan(kappa):
        return ""
    values = {v for r in rows for v in r if v is not None}
    if not values:
        return "not applicable: no segment coded by two of these coders"
    if values == {0}:
        return NO_CODER_USED
    if len(values) < 2:
        return "alpha and kappa undefined: every coder applied the code on every segment (no variation)"
    if math.isnan(alpha):
        return "alpha undefined: no segment coded by two coders varies"
    return "kappa undefined: in every pair of coders one used a single value throughout (chance agreement 1)"


def _shared_units(
    decisions: dict[str, dict[tuple[str, str], frozenset[str]]], coders: list[str], dimension: str | None
) -> list[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for c in coders:
        counts.update(k for k in decisions.get(c, {}) if dimension is None or k[1] == dimension)
    return sorted(u for u, n in counts.items() if n >= 2)


def _used_codes(
    decisions: dict[str, dict[tuple[str, str], frozenset[str]]],
    coders: list[str],
    units: list[tuple[str, str]],
) -> list[str]:
    used: set[str] = set()
    for c in coders:
        d = decisions.get(c, {})
        for u in units:
            used |= d.get(u, frozenset())
    return sorted(used)


def _exact_match(
    decisions: dict[str, dict[tuple[str, str], frozenset[str]]],
    coders: list[str],
    units: list[tuple[str, str]],
) -> float:
    shares = []
    for u in units:
        sets = [decisions[c][u] for c in coders if u in decisions.get(c, {})]
        if len(sets) >= 2:
            shares.append(float(all(s == sets[0] for s in sets)))
    return float(np.mean(shares)) if shares else float("nan")


def pooled_figures(
    decisions: dict[str, dict[tuple[str, str], frozenset[str]]], coders: list[str], dimension: str | None
) -> dict[str, Any]:
    """Pooled binary figures over every (segment, code) unit of a dimension (None: both, for old callers).

    Returns
    -------
    dict
        ``n_segments, n_codes, percent_agreement, positive_agreement, exact_match, kappa, alpha,
        mean_alpha_codes, note``.
    """
    dims = [dimension] if dimension else list(_DIMENSIONS)
    rows: list[list[int | None]] = [[] for _ in coders]
    codes_n = 0
    units_all: list[tuple[str, str]] = []
    per_dim_alphas: list[float] = []
    for dim in dims:
        units = _shared_units(decisions, coders, dim)
        codes = _used_codes(decisions, coders, units)
        codes_n += len(codes)
        units_all += units
        for code in codes:
            m = _matrix(decisions, coders, units, code)
            for i, r in enumerate(m):
                rows[i].extend(r)
            per_dim_alphas.append(krippendorff_alpha_nominal(m))
    finite = [a for a in per_dim_alphas if not math.isnan(a)]
    some = bool(rows and rows[0])
    alpha = krippendorff_alpha_nominal(rows) if some else float("nan")
    kappa = _kappa(rows) if some else float("nan")
    return {
        "n_segments": len({u[0] for u in units_all}),
        "n_codes": codes_n,
        "percent_agreement": percent_agreement(rows) if some else float("nan"),
        "positive_agreement": positive_agreement(rows) if some else float("nan"),
        "exact_match": _exact_match(decisions, coders, units_all),
        "kappa": kappa,
        "alpha": alpha,
        "mean_alpha_codes": float(np.mean(finite)) if finite else float("nan"),
        "note": _why_missing(rows, alpha, kappa) if some else "not applicable: no code applied",
    }


def _disagreements(store: Store, decisions: Decisions, coders: list[str]) -> pd.DataFrame:
    """Return the segments where the coders' codes differ, in document order (see :class:`Agreement`)."""
    merged: dict[str, dict[str, Any]] = {}
    for dim in _DIMENSIONS:
        for u in _shared_units(decisions, coders, dim):
            sets = {c: decisions[c][u] for c in coders if u in decisions.get(c, {})}
            if len(set(sets.values())) > 1:
                entry = merged.setdefault(u[0], {"in_dispute": [], **{f"codes_{c}": set() for c in coders}})
                entry["in_dispute"] += sorted(
                    frozenset().union(*sets.values()) - frozenset.intersection(*sets.values())
                )
                for c, s in sets.items():
                    entry[f"codes_{c}"] |= s
    cols = ["segment_id", "path", "wijk", "text", "in_dispute", *[f"codes_{c}" for c in coders]]
    if not merged:
        return pd.DataFrame(columns=cols)
    meta = store.segments_by_id(list(merged)).set_index("segment_id")
    out = []
    for seg, entry in merged.items():
        m = meta.loc[seg] if seg in meta.index else None
        out.append(
            {
                "segment_id": seg,
                "path": None if m is None else m["path"],
                "wijk": None if m is None else m["wijk"],
                "text": None if m is None else m["text"],
                "_pos": -1 if m is None else int(m["position"]),
                "in_dispute": ", ".join(sorted(set(entry["in_dispute"]))),
                **{f"codes_{c}": ", ".join(sorted(entry[f"codes_{c}"])) for c in coders},
            }
        )
    df = pd.DataFrame(out).sort_values(["path", "_pos"], na_position="last").drop(columns="_pos")
    return df[cols].reset_index(drop=True)


def _choose_coders(store: Store, coders: Sequence[str] | None, include_machine: bool) -> list[str]:
    """Return the coders to compare; a named coder without codings is an error that lists those with."""
    known = store.human_coder_ids()
    has_machine = store.has_codings_by(MACHINE)
    if coders is None:
        return list(known) + ([MACHINE] if include_machine and has_machine else [])
    chosen = list(dict.fromkeys(coders))
    available = set(known) | ({MACHINE} if has_machine else set())
    unknown = [c for c in chosen if c not in available]
    if unknown:
        raise ValueError(
            f"Coder(s) {', '.join(map(repr, unknown))} have no codings in {store.path}. "
            f"Coders with codings: {', '.join(sorted(available)) or 'none yet'}."
        )
    return chosen


def _per_code(decisions: Decisions, coders: list[str], codes_of: dict[str, list[str]]) -> pd.DataFrame:
    """Return the agreement on every code of each dimension coded twice (see :class:`Agreement`)."""
    rows = []
    for dim in _DIMENSIONS:
        units = _shared_units(decisions, coders, dim)
        if not units:
            continue
        used = _used_codes(decisions, coders, units)
        for code in sorted(set(used) | set(codes_of.get(dim, []))):
            m = _matrix(decisions, coders, units, code)
            alpha, kappa = krippendorff_alpha_nominal(m), _kappa(m)
            rows.append(
                {
                    "code_id": code,
                    "dimension": dim,
                    "n_segments": len(units),
                    "n_applied": int(sum(v for r in m for v in r if v)),
                    "percent_agreement": percent_agreement(m) if code in used else float("nan"),
                    "positive_agreement": positive_agreement(m),
                    "kappa": kappa,
                    "alpha": alpha,
                    "note": _why_missing(m, alpha, kappa),
                }
            )
    return pd.DataFrame(rows, columns=_PER_CODE_COLUMNS)


def _overall(decisions: Decisions, coders: list[str]) -> pd.DataFrame:
    """Return the pooled figures per dimension (never pooled across); none for dimensions not coded twice."""
    rows = [{"dimension": d, **pooled_figures(decisions, coders, d)} for d in _DIMENSIONS]
    overall = pd.DataFrame(rows, columns=_OVERALL_COLUMNS)
    return overall[overall["n_segments"] > 0].reset_index(drop=True)


def _pairs(decisions: Decisions, coders: list[str]) -> pd.DataFrame:
    """Return the pooled figures of every pair of coders, per dimension they coded in common."""
    rows = []
    for a, b in itertools.combinations(coders, 2):
        sub = {a: decisions.get(a, {}), b: decisions.get(b, {})}
        for dim in _DIMENSIONS:
            if not _shared_units(sub, [a, b], dim):
                continue
            pooled = pooled_figures(sub, [a, b], dim)
            rows.append(
                {"dimension": dim, "coder_a": a, "coder_b": b, **{k: pooled[k] for k in _POOLED_FIGURES}}
            )
    return pd.DataFrame(rows, columns=_PAIR_COLUMNS)


def compute_agreement(
    store: Store,
    coders: Sequence[str] | None = None,
    *,
    wijk: str | None = None,
    include_machine: bool = False,
) -> Agreement:
    """Agreement among coders: overall, per code, per pair, and the disagreements to discuss.

    Parameters
    ----------
    store : Store
    coders : sequence of str, optional
        The coders to compare (``"machine"`` may be one of them). Default: every person who coded.
    wijk : str, optional
        Only segments of this wijk.
    include_machine : bool, default False
        Add the machine to the default list of coders.

    Returns
    -------
    Agreement
        With empty tables and a ``note`` when fewer than two coders coded the same segment.

    Raises
    ------
    ValueError
        If a named coder has no codings at all (the message lists the coders that do).
    """
    chosen = _choose_coders(store, coders, include_machine)
    decisions = coder_decisions(store, chosen, wijk=wijk)
    if len(chosen) < 2 or not _shared_units(decisions, chosen, None):
        note = (
            "No segment has been coded by two or more coders yet"
            f" (coders: {', '.join(chosen) or 'none'}). Have a sample coded twice, for example with "
            "'wijkanalyse review export --strategy check --sample 40 --coder <name>' for two people."
        )
        return Agreement(
            coders=chosen,
            per_code=pd.DataFrame(columns=_PER_CODE_COLUMNS),
            overall=pd.DataFrame(columns=_OVERALL_COLUMNS),
            pairs=pd.DataFrame(columns=_PAIR_COLUMNS),
            disagreements=_disagreements(store, {}, chosen),
            note=note,
            kappa_method=kappa_method(len(chosen)),
        )
    codes_of: dict[str, list[str]] = {}
    for code, dim in dimension_map(store).items():
        codes_of.setdefault(dim, []).append(code)
    return Agreement(
        coders=chosen,
        per_code=_per_code(decisions, chosen, codes_of),
        overall=_overall(decisions, chosen),
        pairs=_pairs(decisions, chosen),
        disagreements=_disagreements(store, decisions, chosen),
        kappa_method=kappa_method(len(chosen)),
    )


# -- the machine against people ----------------------------------------------------------------------------
def machine_agreement(
    store: Store, coders: Sequence[str] | None = None, wijk: str | None = None
) -> pd.DataFrame:
    """Compare the machine with each person and with all people pooled, per dimension, on every segment.

    This includes the segments people coded to teach the machine, so it describes the coding; it is not the
    honest test of the machine (that is :func:`wijkanalyse.review.verdict.check_agreement`).

    Parameters
    ----------
    store : Store
    coders : sequence of str, optional
        The people to compare with; default: every person who coded.
    wijk : str, optional

    Returns
    -------
    DataFrame
        ``dimension, coder, n_segments, percent_agreement, positive_agreement, exact_match, kappa, alpha``;
        per dimension the last row, coder ``"people"``, pools every person's pairs with the machine (see the
        module docstring). Empty when the machine or the people have coded nothing in common.
    """
    people = [c for c in (coders or store.human_coder_ids()) if c != MACHINE]
    decisions = coder_decisions(store, [*people, MACHINE], wijk=wijk)
    machine = decisions.get(MACHINE, {})
    cols = ["dimension", "coder", "n_segments", "percent_agreement", "positive_agreement", "exact_match",
            "kappa", "alpha"]  # fmt: skip
    rows: list[dict[str, Any]] = []
    for dim in _DIMENSIONS:
        # pooled: each person's judgement of a unit is paired with the machine's as a unit of its own
        stacked: Decisions = {"p": {}, "m": {}}
        before = len(rows)
        for person in people:
            mine = decisions.get(person, {})
            shared = {u: mine[u] for u in mine if u in machine and u[1] == dim}
            if not shared:
                continue
            pooled = pooled_figures({person: shared, MACHINE: machine}, [person, MACHINE], dim)
            rows.append({"dimension": dim, "coder": person, **{k: pooled[k] for k in cols[2:]}})
            for (seg, _dim), codes in shared.items():
                stacked["p"][(f"{person}\x1f{seg}", dim)] = codes
                stacked["m"][(f"{person}\x1f{seg}", dim)] = machine[(seg, dim)]
        if len(rows) > before:
            pooled = pooled_figures(stacked, ["p", "m"], dim)
            pooled["n_segments"] = len({k[0].split("\x1f", 1)[1] for k in stacked["p"]})
            rows.append({"dimension": dim, "coder": "people", **{k: pooled[k] for k in cols[2:]}})
    return pd.DataFrame(rows, columns=cols)
