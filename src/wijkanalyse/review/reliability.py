"""The reliability statistics of nominal coding: Krippendorff's alpha, Cohen's kappa, percent agreement.

* **Krippendorff's alpha** (nominal), for any number of coders with missing values, from the `krippendorff
  <https://pypi.org/project/krippendorff/>`_ package: ``alpha = 1 - D_o / D_e``, observed over expected
  disagreement in the coincidence matrix (Krippendorff 2011, *Computing Krippendorff's Alpha-Reliability*).
  Units with fewer than two values are not pairable and drop out. Undefined (NaN) when every value is the
  same (no expected disagreement) or no unit is pairable.
* **Cohen's kappa** for two coders: ``(p_o - p_e) / (1 - p_e)`` with ``p_e`` from each coder's own marginals.
  NaN when ``p_e = 1``. Cohen's kappa is defined for two coders only; for three or more,
  :func:`mean_pairwise_kappa` gives the mean of Cohen's kappa over every pair of coders on the units both
  coded (Light's kappa, Light 1971), which, unlike Fleiss' kappa, allows coders to leave units out.
* **Percent agreement**: the share of agreeing pairs of values within a unit, averaged over the pairable units
  (for two coders: the share of units on which they agree).
* **Positive specific agreement** of a binary decision (1 = code applied): ``2a / (2a + b + c)`` for two
coders
  (``a`` both applied, ``b``, ``c`` one only); for more coders, over the ordered pairs of values within a
  unit. Percent agreement counts the many units where nobody applied a rare code as agreement; this figure
  looks only at units where at least one coder applied it (Cicchetti & Feinstein 1990).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import Any

import krippendorff
import numpy as np

__all__ = [
    "krippendorff_alpha_nominal",
    "cohen_kappa",
    "mean_pairwise_kappa",
    "percent_agreement",
    "positive_agreement",
]


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


def mean_pairwise_kappa(data: Sequence[Sequence[Any]]) -> float:
    """Mean of Cohen's kappa over every pair of coders, each on the units both coded (Light's kappa).

    Parameters
    ----------
    data : sequence of sequences
        One row per coder, one column per unit; ``None`` or NaN for a missing value.

    Returns
    -------
    float
        For two coders their Cohen's kappa; NaN when no pair has a defined kappa.

    Examples
    --------
    Coders A, B agree on 3 of 4 units with chance 0.5 (kappa 0.5), A and C too (0.5), B and C on 2 of 4 with
    chance 0.375 (kappa 0.2):

    >>> round(mean_pairwise_kappa([[1, 1, 0, 0], [1, 1, 0, 1], [1, 0, 0, 0]]), 4)
    0.4
    """
    kappas = []
    for a, b in itertools.combinations(data, 2):
        both = [(x, y) for x, y in zip(a, b, strict=True) if not _is_missing(x) and not _is_missing(y)]
        if both:
            k = cohen_kappa([x for x, _ in both], [y for _, y in both])
            if not math.isnan(k):
                kappas.append(k)
    return float(np.mean(kappas)) if kappas else float("nan")


def positive_agreement(data: Sequence[Sequence[Any]], positive: Hashable = 1) -> float:
    """Positive specific agreement: agreement on the units where at least one coder gave ``positive``.

    Parameters
    ----------
    data : sequence of sequences
        One row per coder, one column per unit; ``None`` or NaN for a missing value.
    positive : hashable, default 1

    Returns
    -------
    float
        ``sum c1 (c1 - 1) / sum (c1 (c1 - 1) + c1 c0)`` over the pairable units (``c1`` values equal to
        ``positive``, ``c0`` others); for two coders ``2a / (2a + b + c)``. NaN when no pairable unit has the
        positive value.

    Examples
    --------
    >>> positive_agreement([[1, 1, 0, 0], [1, 0, 1, 0]])
    0.5
    """
    agree = total = 0
    for u in _units(data):
        if len(u) < 2:
            continue
        c1 = sum(v == positive for v in u)
        c0 = len(u) - c1
        agree += c1 * (c1 - 1)
        total += c1 * (c1 - 1) + c1 * c0
    return agree / total if total else float("nan")
