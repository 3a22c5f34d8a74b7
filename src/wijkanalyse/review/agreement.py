"""Stage 6: agreement between coders — people with people, and the machine with people.

The statistics
--------------
* **Krippendorff's alpha** (nominal), for any number of coders with missing values, from the `krippendorff
  <https://pypi.org/project/krippendorff/>`_ package: ``alpha = 1 - D_o / D_e``, observed over expected
  disagreement in the coincidence matrix (Krippendorff 2011, *Computing Krippendorff's Alpha-Reliability*).
  Units with fewer than two values are not pairable and drop out. Undefined (NaN) when every value is the
  same (no expected disagreement) or no unit is pairable.
* **Cohen's kappa** for two coders: ``(p_o - p_e) / (1 - p_e)`` with ``p_e`` from each coder's own marginals.
  NaN when ``p_e = 1``.
* **Percent agreement**: the share of agreeing pairs of values within a unit, averaged over the pairable units
  (for two coders: the share of units on which they agree).

The unit of analysis (multi-label coding)
-----------------------------------------
A segment may carry several codes, so agreement is measured **per code, as a binary decision**: for code ``k``
and a coder who coded the segment, the value is 1 (``k`` applied) or 0 (not applied). A coder *coded* a
segment in a dimension (``thema`` or ``soort``) when they applied or rejected at least one code of that
dimension there (``geen``, "none of these", counts as a theme decision); otherwise their value is missing — a
coder who only coded themes is not counted as saying "no kind of input". Only segments coded by at least two
of the compared coders count, and only codes that at least one compared coder applied to them (codes nobody
used would add agreement for free).

The **overall** figure of a dimension pools those binary decisions: every (segment, code) pair is one unit,
and alpha, kappa and percent agreement are computed over all of them at once ("pooled binary"). The mean of
the per-code alphas is reported beside it, and ``exact_match`` gives the share of segments where the coders'
code sets were identical. Row ``alle`` pools both dimensions.

Machine versus people
---------------------
Each person's decisions are paired with the machine's on the segments both coded; the pooled binary alpha
over all those pairs (every person's judgement is its own unit) is the machine's agreement with people
(:func:`machine_agreement`). Whether the machine's codes may then stand in a report without review is
decided in :mod:`wijkanalyse.review.machine_decision`, which also makes the agreement table of the reports.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import krippendorff
import numpy as np
import pandas as pd

from wijkanalyse.coding.codebook import default_codebook
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE, NONE_CODE

__all__ = [
    "MACHINE",
    "krippendorff_alpha_nominal",
    "cohen_kappa",
    "percent_agreement",
    "coder_decisions",
    "Agreement",
    "compute_agreement",
    "machine_agreement",
]

_DIMENSIONS = ("thema", "soort")
_PER_CODE_COLUMNS = ["code_id", "dimension", "n_segments", "n_applied", "percent_agreement", "kappa", "alpha"]
_OVERALL_COLUMNS = ["dimension", "n_segments", "n_codes", "percent_agreement", "exact_match", "kappa",
                    "alpha", "mean_alpha_codes"]  # fmt: skip
_PAIR_COLUMNS = ["coder_a", "coder_b", "n_segments", "percent_agreement", "exact_match", "kappa", "alpha"]
_POOLED_FIGURES = ("n_segments", "percent_agreement", "exact_match", "kappa", "alpha")

Decisions = dict[str, dict[tuple[str, str], frozenset[str]]]


# -- the statistics ----------------------------------------------------------------------------------------
def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _units(data: Sequence[Sequence[Any]]) -> list[list[Hashable]]:
    """Columns of a coders x units matrix as lists of the values present."""
    if not len(data):
        return []
    n_units = len(data[0])
    for i, row in enumerate(data):
        if len(row) != n_units:
            raise ValueError(
                f"Every coder needs one value (or a missing value) per unit: coder row 0 has {n_units}, "
                f"row {i} has {len(row)}."
            )
    return [[row[u] for row in data if not _is_missing(row[u])] for u in range(n_units)]


def krippendorff_alpha_nominal(data: Sequence[Sequence[Any]]) -> float:
    """Krippendorff's alpha for nominal data, any number of coders, missing values allowed.

    The values may be of any hashable kind (codes, words, numbers); they are numbered for the ``krippendorff``
    package, and units with fewer than two values are left out before it is called.

    Parameters
    ----------
    data : sequence of sequences
        One row per coder, one column per unit; ``None`` or NaN where a coder gave no value.

    Returns
    -------
    float
        Alpha; NaN when there is no pairable unit or no variation at all (expected disagreement 0).

    Raises
    ------
    ValueError
        If the coders' rows differ in length.

    Examples
    --------
    Krippendorff's (2011) nominal example (4 coders, 12 units, missing values) gives 0.743:

    >>> nan = None
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha_nominal(data), 3)
    0.743
    """
    pairable = [u for u, values in enumerate(_units(data)) if len(values) >= 2]
    numbers: dict[Hashable, int] = {}
    matrix = np.full((len(data), len(pairable)), np.nan)
    for j, u in enumerate(pairable):
        for i, row in enumerate(data):
            if not _is_missing(row[u]):
                matrix[i, j] = numbers.setdefault(row[u], len(numbers))
    if len(numbers) < 2:  # no pairable unit, or one value only: no expected disagreement
        return float("nan")
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa of two coders who coded the same units.

    Parameters
    ----------
    a, b : sequences of equal length
        The two coders' values, unit by unit (no missing values).

    Returns
    -------
    float
        Kappa; NaN for no units or when chance agreement is 1 (both coders used one and the same value).

    Raises
    ------
    ValueError
        If the sequences differ in length.

    Examples
    --------
    >>> cohen_kappa(["ja"] * 20 + ["ja"] * 5 + ["nee"] * 10 + ["nee"] * 15,
    ...             ["ja"] * 20 + ["nee"] * 5 + ["ja"] * 10 + ["nee"] * 15)
    0.4
    """
    if len(a) != len(b):
        raise ValueError(
            f"Cohen's kappa needs two codings of the same units; got {len(a)} and {len(b)} values."
        )
    n = len(a)
    if n == 0:
        return float("nan")
    p_o = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    p_e = sum(ca[v] * cb.get(v, 0) for v in ca) / (n * n)
    if math.isclose(p_e, 1.0):
        return float("nan")
    return float(round((p_o - p_e) / (1 - p_e), 12))


def percent_agreement(data: Sequence[Sequence[Any]]) -> float:
    """Share of agreeing pairs of values within a unit, averaged over the pairable units.

    Parameters
    ----------
    data : sequence of sequences
        One row per coder, one column per unit; ``None`` or NaN for a missing value.

    Returns
    -------
    float
        Between 0 and 1; NaN when no unit has two values.
    """
    shares = []
    for u in _units(data):
        m = len(u)
        if m < 2:
            continue
        counts = Counter(u)
        agreeing = sum(c * (c - 1) for c in counts.values())
        shares.append(agreeing / (m * (m - 1)))
    return float(np.mean(shares)) if shares else float("nan")


# -- reading the decisions from the store ------------------------------------------------------------------
def _dimension_map(store: Store) -> dict[str, str]:
    """Return each code's dimension: from the store's codes, else from the bundled codebook."""
    dims = store.code_dimensions()
    if not dims:
        frame = default_codebook().to_frame()
        dims = dict(zip(frame["code_id"], frame["dimension"], strict=True))
    dims[NONE_CODE] = "thema"
    return dims


def coder_decisions(
    store: Store, coders: Iterable[str] | None = None, wijk: str | None = None
) -> dict[str, dict[tuple[str, str], frozenset[str]]]:
    """Each coder's decisions: ``{coder: {(segment_id, dimension): codes applied}}``.

    A (segment, dimension) is present for a coder when they applied or rejected at least one code of that
    dimension on the segment (see the module docstring); its value is the set of codes they applied.

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
    dims = _dimension_map(store)
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
        ``code_id, dimension, n_segments, n_applied, percent_agreement, kappa, alpha`` (kappa only for two
        coders).
    overall : DataFrame
        One row per dimension plus ``alle``: ``dimension, n_segments, n_codes, percent_agreement, exact_match,
        kappa, alpha, mean_alpha_codes``.
    pairs : DataFrame
        Every pair of coders, pooled over codes and dimensions: ``coder_a, coder_b, n_segments,
        percent_agreement, exact_match, kappa, alpha``.
    disagreements : DataFrame
        Segments where the coders' codes differ: ``segment_id, path, wijk, text, in_dispute`` and one column
        ``codes_<coder>`` per coder.
    note : str
        Why figures are missing, when they are (e.g. no segment coded twice yet).
    """

    coders: list[str]
    per_code: pd.DataFrame
    overall: pd.DataFrame
    pairs: pd.DataFrame
    disagreements: pd.DataFrame
    note: str = ""

    def alpha(self, dimension: str = "alle") -> float:
        """Pooled alpha of a dimension (``thema``, ``soort`` or ``alle``); NaN when not available."""
        row = self.overall[self.overall["dimension"] == dimension]
        return float(row["alpha"].iloc[0]) if len(row) else float("nan")

    def n_segments(self, dimension: str = "alle") -> int:
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


def _pair_kappa(rows: list[list[int | None]]) -> float:
    if len(rows) != 2:
        return float("nan")
    a, b = rows
    both = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not both:
        return float("nan")
    return cohen_kappa([x for x, _ in both], [y for _, y in both])


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


def _pooled(
    decisions: dict[str, dict[tuple[str, str], frozenset[str]]], coders: list[str], dimension: str | None
) -> dict[str, Any]:
    """Pooled binary figures over every (segment, code) unit of a dimension (None: both)."""
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
    return {
        "n_segments": len({u[0] for u in units_all}),
        "n_codes": codes_n,
        "percent_agreement": percent_agreement(rows) if rows and rows[0] else float("nan"),
        "exact_match": _exact_match(decisions, coders, units_all),
        "kappa": _pair_kappa(rows) if rows and rows[0] else float("nan"),
        "alpha": krippendorff_alpha_nominal(rows) if rows and rows[0] else float("nan"),
        "mean_alpha_codes": float(np.mean(finite)) if finite else float("nan"),
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


def _per_code(decisions: Decisions, coders: list[str]) -> pd.DataFrame:
    """Return the agreement on each code used, per dimension (see :class:`Agreement`)."""
    rows = []
    for dim in _DIMENSIONS:
        units = _shared_units(decisions, coders, dim)
        for code in _used_codes(decisions, coders, units):
            m = _matrix(decisions, coders, units, code)
            rows.append(
                {
                    "code_id": code,
                    "dimension": dim,
                    "n_segments": len(units),
                    "n_applied": int(sum(v for r in m for v in r if v)),
                    "percent_agreement": percent_agreement(m),
                    "kappa": _pair_kappa(m),
                    "alpha": krippendorff_alpha_nominal(m),
                }
            )
    return pd.DataFrame(rows, columns=_PER_CODE_COLUMNS)


def _overall(decisions: Decisions, coders: list[str]) -> pd.DataFrame:
    """Return the pooled figures per dimension and for both (``alle``), dimensions nobody coded left out."""
    rows = [{"dimension": d, **_pooled(decisions, coders, d)} for d in _DIMENSIONS]
    rows.append({"dimension": "alle", **_pooled(decisions, coders, None)})
    overall = pd.DataFrame(rows)
    return overall[overall["n_segments"] > 0].reset_index(drop=True)


def _pairs(decisions: Decisions, coders: list[str]) -> pd.DataFrame:
    """Return the pooled figures of every pair of coders that coded a segment in common."""
    rows = []
    for a, b in itertools.combinations(coders, 2):
        sub = {a: decisions.get(a, {}), b: decisions.get(b, {})}
        if not _shared_units(sub, [a, b], None):
            continue
        pooled = _pooled(sub, [a, b], None)
        rows.append({"coder_a": a, "coder_b": b, **{k: pooled[k] for k in _POOLED_FIGURES}})
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
            "Nog geen segmenten die door twee of meer codeurs zijn gecodeerd"
            f" (codeurs: {', '.join(chosen) or 'geen'}). Laat een steekproef dubbel coderen, bijvoorbeeld "
            "met 'wijkanalyse review export --sample 40 --coder <naam>' voor twee personen."
        )
        return Agreement(
            coders=chosen,
            per_code=pd.DataFrame(columns=_PER_CODE_COLUMNS),
            overall=pd.DataFrame(columns=_OVERALL_COLUMNS),
            pairs=pd.DataFrame(columns=_PAIR_COLUMNS),
            disagreements=_disagreements(store, {}, chosen),
            note=note,
        )
    return Agreement(
        coders=chosen,
        per_code=_per_code(decisions, chosen),
        overall=_overall(decisions, chosen),
        pairs=_pairs(decisions, chosen),
        disagreements=_disagreements(store, decisions, chosen),
    )


# -- the machine against people ----------------------------------------------------------------------------
def machine_agreement(
    store: Store, coders: Sequence[str] | None = None, wijk: str | None = None
) -> pd.DataFrame:
    """Compare the machine with each person, and with all people pooled.

    Parameters
    ----------
    store : Store
    coders : sequence of str, optional
        The people to compare with; default: every person who coded.
    wijk : str, optional

    Returns
    -------
    DataFrame
        ``coder, n_segments, percent_agreement, exact_match, kappa, alpha``; the last row, coder ``"mensen"``,
        pools every person's pairs with the machine (see the module docstring). Empty when the machine or the
        people have coded nothing in common.
    """
    people = [c for c in (coders or store.human_coder_ids()) if c != MACHINE]
    decisions = coder_decisions(store, [*people, MACHINE], wijk=wijk)
    machine = decisions.get(MACHINE, {})
    cols = ["coder", "n_segments", "percent_agreement", "exact_match", "kappa", "alpha"]
    rows = []
    # pooled: each person's judgement of a unit is paired with the machine's as a unit of its own
    stacked: dict[str, dict[tuple[str, str], frozenset[str]]] = {"p": {}, "m": {}}
    for person in people:
        mine = decisions.get(person, {})
        shared = {u: mine[u] for u in mine if u in machine}
        if not shared:
            continue
        pooled = _pooled({person: shared, MACHINE: machine}, [person, MACHINE], None)
        rows.append({"coder": person, **{k: pooled[k] for k in cols[1:]}})
        for (seg, dim), codes in shared.items():
            stacked["p"][(f"{person}\x1f{seg}", dim)] = codes
            stacked["m"][(f"{person}\x1f{seg}", dim)] = machine[(seg, dim)]
    if rows:
        pooled = _pooled(stacked, ["p", "m"], None)
        pooled["n_segments"] = len({k[0].split("\x1f", 1)[1] for k in stacked["p"]})
        rows.append({"coder": "mensen", **{k: pooled[k] for k in cols[1:]}})
    return pd.DataFrame(rows, columns=cols)
