"""The differencing attack on published figures: what an attacker can work out from the tables of a run.

An attacker who has every table of a run (the HTML shows the same figures as the CSVs under ``tables/``) knows
the sum relations between them (:mod:`~wijkanalyse.analysis.cells`) and what the markers say:

- ``"<5"`` (primary suppression): fewer than ``min_count`` people or sources stand behind the figure, so it is
  at least 1, and a number of respondents is at most ``min_count - 1``;
- ``"x"``: the figure is not shown (to protect another, or because a ``"<5"`` would give it away); it says
  nothing but that the figure is at least 1 (zero is always shown).

With that the attacker tries (:func:`attack`), every time with all that came out before:

1. **difference** — a total minus its visible parts, or a part from its total and the other parts;
2. **bounds** — the same with intervals: a hidden figure whose interval shrinks to one value (two hidden
   counts of respondents that add up to 8, each at most 4, are both 4; hidden counts that add up to the
   number of hidden cells are all 1);
3. **combination** — any linear combination of the relations (``a+b``, ``b+c`` and ``a+c`` known give
   ``a``, ``b`` and ``c``): a hidden figure is determined when a combination of the relations holds it alone
   (exact elimination in fractions).

A :class:`Finding` is a target figure that comes out exactly. :mod:`~wijkanalyse.analysis.disclosure` builds
the views of a run and audits them; :mod:`~wijkanalyse.analysis.protection` hides figures until nothing comes
out.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass
from fractions import Fraction

from wijkanalyse.analysis.cells import CellKey, Relation

__all__ = ["PRIMARY", "COMPLEMENTARY", "View", "Finding", "marker_bounds", "attack"]

#: How a figure was hidden: small itself, or to protect another.
PRIMARY, COMPLEMENTARY = "primary", "complementary"
_INF = math.inf
_MAX_UPDATES = 25


@dataclass
class View:
    """What an attacker sees: the figures shown, the figures hidden (with what the markers say) and relations.

    Attributes
    ----------
    known : dict
        Figures the attacker has (cells not in ``known`` or ``unknown`` are known to be zero).
    unknown : dict
        Figures the attacker does not have, each with its interval ``(low, high)``.
    targets : set
        The unknown figures that must stay unknown.
    relations : list of Relation
    """

    known: dict[CellKey, int]
    unknown: dict[CellKey, tuple[float, float]]
    targets: set[CellKey]
    relations: list[Relation]


@dataclass(frozen=True)
class Finding:
    """A figure that comes out exactly.

    Attributes
    ----------
    cell : CellKey
    value : float
        What the attack gives.
    how : str
        ``difference``, ``bounds``, ``combination`` or ``ratio`` (module docstring).
    relation : Relation or None
        The relation that gave it (None for a combination or a ratio).
    """

    cell: CellKey
    value: float
    how: str
    relation: Relation | None = None

    def describe(self) -> str:
        """One line for people, e.g. ``theme/Oost/*/vertrouwen/respondents = 3 (difference, wijken)``."""
        via = f", {self.relation.kind}" if self.relation is not None else ""
        return f"{'/'.join(self.cell)} = {self.value:g} ({self.how}{via})"


def marker_bounds(key: CellKey, how: str, min_count: int) -> tuple[float, float]:
    """Return what a marker tells of a hidden figure: its interval ``(low, high)``.

    Examples
    --------
    >>> marker_bounds(("theme", "Oost", "*", "t", "respondents"), PRIMARY, 5)
    (1, 4)
    >>> marker_bounds(("theme", "Oost", "*", "t", "segments"), COMPLEMENTARY, 5)
    (1, inf)
    """
    if how == PRIMARY and key[0] in ("theme", "total", "discovered") and key[-1] == "respondents":
        return 1, min_count - 1
    return 1, _INF


# -- the attack ---------------------------------------------------------------------------------------------
def _interval(view: View, iv: dict[CellKey, tuple[float, float]], cell: CellKey) -> tuple[float, float]:
    if cell in iv:
        return iv[cell]
    v = view.known.get(cell, 0)
    return v, v


def _tighten(
    view: View, iv: dict[CellKey, tuple[float, float]], r: Relation
) -> list[tuple[CellKey, float, float]] | None:
    """Return the new intervals a relation gives its unknown cells; None when it cannot hold (inexact)."""
    terms = [(1, r.total), *((-1, p) for p in r.parts)]
    contrib = []
    lo_fin = hi_fin = 0.0
    lo_inf = hi_inf = 0
    for sign, cell in terms:
        lo, hi = _interval(view, iv, cell)
        clo, chi = (lo, hi) if sign > 0 else (-hi, -lo)
        contrib.append((clo, chi))
        lo_inf, lo_fin = (lo_inf + 1, lo_fin) if clo == -_INF else (lo_inf, lo_fin + clo)
        hi_inf, hi_fin = (hi_inf + 1, hi_fin) if chi == _INF else (hi_inf, hi_fin + chi)
    updates = []
    for (sign, cell), (clo, chi) in zip(terms, contrib, strict=True):
        if cell not in iv or iv[cell][0] == iv[cell][1]:
            continue
        lo, hi = iv[cell]
        rest_lo = -_INF if lo_inf - (clo == -_INF) > 0 else lo_fin - (0 if clo == -_INF else clo)
        rest_hi = _INF if hi_inf - (chi == _INF) > 0 else hi_fin - (0 if chi == _INF else chi)
        new_lo, new_hi = (-rest_hi, -rest_lo) if sign > 0 else (rest_lo, rest_hi)
        nlo, nhi = max(lo, new_lo), min(hi, new_hi)
        if nlo > nhi:
            return None
        if (nlo, nhi) != (lo, hi):
            updates.append((cell, nlo, nhi))
    return updates


def _propagate(view: View) -> tuple[dict[CellKey, tuple[float, float]], dict[CellKey, Finding], set[int]]:
    """Differences and bounds, to a fixpoint: (intervals, cells pinned to one value, inexact relations)."""
    iv = dict(view.unknown)
    rels = view.relations
    touching: dict[CellKey, list[int]] = defaultdict(list)
    for i, r in enumerate(rels):
        for c in r.cells:
            if c in iv:
                touching[c].append(i)
    queue = deque(sorted({i for ids in touching.values() for i in ids}))
    queued = set(queue)
    broken: set[int] = set()
    pinned: dict[CellKey, Finding] = {}
    updated: dict[CellKey, int] = defaultdict(int)
    while queue:
        i = queue.popleft()
        queued.discard(i)
        if i in broken:
            continue
        r = rels[i]
        open_before = sum(1 for c in r.cells if c in iv and iv[c][0] != iv[c][1])
        updates = _tighten(view, iv, r)
        if updates is None:
            broken.add(i)
            continue
        for cell, lo, hi in updates:
            updated[cell] += 1
            if updated[cell] > _MAX_UPDATES:  # relations that do not hold exactly can ratchet bounds for ever
                continue
            iv[cell] = (lo, hi)
            if lo == hi:
                pinned[cell] = Finding(cell, lo, "difference" if open_before == 1 else "bounds", r)
            for j in touching[cell]:
                if j != i and j not in queued:
                    queue.append(j)
                    queued.add(j)
    return iv, pinned, broken


def _peel(open_cells: set[CellKey], rows: list[Relation]) -> tuple[list[int], list[tuple[CellKey, int]]]:
    """Peel off unknowns that occur in one relation only, with that relation: they fix nothing else.

    Returns the relations left (the core) and the peeled ``(cell, relation)`` pairs in peeling order.
    """
    occurs: dict[CellKey, set[int]] = defaultdict(set)
    for i, r in enumerate(rows):
        for c in r.cells:
            if c in open_cells:
                occurs[c].add(i)
    alive = set(range(len(rows)))
    peeled: list[tuple[CellKey, int]] = []
    stack = [c for c in sorted(occurs) if len(occurs[c]) == 1]
    while stack:
        cell = stack.pop()
        if len(occurs[cell]) != 1:
            continue
        (i,) = occurs[cell]
        peeled.append((cell, i))
        alive.discard(i)
        for c in rows[i].cells:
            if c in occurs and i in occurs[c]:
                occurs[c].discard(i)
                if len(occurs[c]) == 1:
                    stack.append(c)
    return sorted(alive), peeled


def _determined_core(
    view: View, iv: dict[CellKey, tuple[float, float]], rels: list[Relation], open_cells: set[CellKey]
) -> tuple[set[CellKey], dict[CellKey, float]]:
    """Unknowns the relations fix, with their values: sparse Gauss-Jordan elimination in exact fractions.

    In the reduced row echelon form an unknown is fixed exactly when its pivot row holds no other unknown
    (then ``e_u`` is in the row space: a combination of the relations gives it alone).
    """
    rows: list[dict[CellKey, Fraction]] = []
    rhs: list[Fraction] = []
    where: dict[CellKey, set[int]] = defaultdict(set)
    for r in rels:
        row: dict[CellKey, Fraction] = defaultdict(Fraction)
        const = Fraction(0)
        for sign, cell in [(1, r.total), *((-1, p) for p in r.parts)]:
            if cell in open_cells:
                row[cell] += sign
            else:
                const -= sign * Fraction(_interval(view, iv, cell)[0])
        row = {c: v for c, v in row.items() if v}
        for c in row:
            where[c].add(len(rows))
        rows.append(row)
        rhs.append(const)
    pivot_of: dict[CellKey, int] = {}
    todo = set(range(len(rows)))
    while todo:
        i = min(todo, key=lambda k: (len(rows[k]), k))
        todo.discard(i)
        if not rows[i]:
            continue
        col = min(rows[i], key=lambda c: (len(where[c]), c))  # fewest rows: least fill-in
        scale = rows[i][col]
        rows[i] = {c: v / scale for c, v in rows[i].items()}
        rhs[i] /= scale
        for k in list(where[col]):
            if k == i:
                continue
            factor = rows[k][col]
            for c, v in rows[i].items():
                new = rows[k].get(c, Fraction(0)) - factor * v
                if new:
                    if c not in rows[k]:
                        where[c].add(k)
                    rows[k][c] = new
                else:
                    rows[k].pop(c, None)
                    where[c].discard(k)
            rhs[k] -= factor * rhs[i]
        pivot_of[col] = i
    fixed = {c for c, i in pivot_of.items() if len(rows[i]) == 1}
    return fixed, {c: float(rhs[pivot_of[c]]) for c in fixed}


def _combinations(view: View, iv: dict[CellKey, tuple[float, float]], broken: set[int]) -> list[Finding]:
    """Hidden figures fixed by a linear combination of the relations.

    Unknowns in one relation only are peeled off first (repeatedly); what is left is eliminated exactly
    (:func:`_determined_core`), and a peeled unknown is fixed when every other unknown of its relation is.
    """
    open_cells = {c for c, (lo, hi) in iv.items() if lo != hi}
    rows = [
        r for i, r in enumerate(view.relations) if i not in broken and any(c in open_cells for c in r.cells)
    ]
    core, peeled = _peel(open_cells, rows)
    fixed, values = _determined_core(view, iv, [rows[i] for i in core], open_cells)
    for cell, i in reversed(peeled):
        others = [c for c in rows[i].cells if c in open_cells and c != cell]
        if all(c in fixed for c in others):
            fixed.add(cell)
            r = rows[i]
            total = sum(values.get(c, _interval(view, iv, c)[0]) for c in r.parts if c != cell)
            values[cell] = (values.get(r.total, _interval(view, iv, r.total)[0]) - total
                            if cell != r.total else total)  # fmt: skip
    out = []
    for cell in sorted(fixed & view.targets):  # a value the markers rule out shows the relations do not hold
        value = values[cell]
        lo, hi = iv[cell]
        if abs(value - round(value)) < 1e-6 and lo <= round(value) <= hi:
            out.append(Finding(cell, float(round(value)), "combination"))
    return out


def attack(view: View, combinations: bool = True) -> list[Finding]:
    """Run the attack of the module docstring; return every target that comes out exactly.

    Parameters
    ----------
    view : View
    combinations : bool, default True
        Also try linear combinations (a null-space computation; differences and bounds always).

    Returns
    -------
    list of Finding
        Sorted by cell.
    """
    iv, pinned, broken = _propagate(view)
    found = [f for c, f in pinned.items() if c in view.targets]
    if combinations:
        found += _combinations(view, iv, broken)
    return sorted(found, key=lambda f: f.cell)
