"""The differencing attack on published figures, and the disclosure audit of a run's tables.

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
   ``a``, ``b`` and ``c``): a hidden figure is determined when the null space of the relations, restricted
   to the unknown figures, has no component on it.

A :class:`Finding` is a hidden figure (or a small figure no table shows) that comes out exactly.
:func:`audit_run` runs the attack on the CSV tables of a run folder, :func:`audit_tables` on the tables as
DataFrames, :func:`audit_model` on a :class:`~wijkanalyse.analysis.cells.CellModel` with a suppression pattern
(also the figures no table shows: the segments without a wijk or without a kind). The audit also reports a
share, z or log-odds shown beside a hidden count (``how="ratio"``): a share times its published base is the
count.

Limits: relations the attacker could assume but the model does not list (e.g. a respondent's answers to
other questions), and intervals that shrink to a few values without becoming one, are not reported.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from wijkanalyse.analysis.cells import (
    ALL,
    COMPLEMENT_MARKER,
    NO_WIJK,
    PEOPLE_MEASURES,
    CellKey,
    CellModel,
    Relation,
    build_relations,
)
from wijkanalyse.vocabulary import CITY, CITY_FOLDER

__all__ = [
    "PRIMARY",
    "COMPLEMENTARY",
    "View",
    "Finding",
    "marker_bounds",
    "attack",
    "face_view",
    "model_views",
    "audit_model",
    "audit_tables",
    "audit_run",
]

#: How a figure was hidden: small itself, or to protect another.
PRIMARY, COMPLEMENTARY = "primary", "complementary"
_INF = math.inf
_TOL = 1e-9
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

    Unknowns in one relation only are peeled off first (repeatedly); the null space of what is left is
    computed, and a peeled unknown is fixed when every other unknown of its relation is.
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


# -- views ---------------------------------------------------------------------------------------------------
def _no_wijk_may_exist(known: Mapping[CellKey, int], hidden: Mapping[CellKey, str]) -> bool:
    """Whether the published totals leave room for segments without a wijk (city minus the wijken > 0)."""
    for measure in PEOPLE_MEASURES:
        city = ("total", CITY, measure)
        parts = [k for k in (*known, *hidden) if k[0] == "total" and k[-1] == measure and k[1] != CITY]
        if city in hidden or any(k in hidden for k in parts):
            return True
        if known.get(city, 0) != sum(known.get(k, 0) for k in parts):
            return True
    return False


def _no_wijk_twin(key: CellKey) -> CellKey | None:
    if key[0] in ("theme", "total", "coding", "confidence", "discovered") and key[1] != NO_WIJK:
        return (key[0], NO_WIJK, *key[2:])
    return None


def face_view(
    known: Mapping[CellKey, int], hidden: Mapping[CellKey, str], with_kinds: bool, min_count: int
) -> View:
    """Return what the published figures alone give an attacker.

    The parts no table shows are taken as zero: the segments without a kind of input, and the segments
    without a wijk too unless the published totals leave room for them (then they are unknown, at least 0).

    Parameters
    ----------
    known : mapping
        The published figures (zero ones may be left out).
    hidden : mapping
        The published cells shown as a marker -> ``"primary"`` or ``"complementary"``.
    with_kinds : bool
        Whether the tables have kinds of input.
    min_count : int
    """
    present = {k for k, v in known.items() if v} | set(hidden)
    unknown = {k: marker_bounds(k, how, min_count) for k, how in hidden.items()}
    if _no_wijk_may_exist(known, hidden):
        twins = {t for k in present if (t := _no_wijk_twin(k)) is not None}
        unknown.update({t: (0.0, _INF) for t in twins})
        present |= twins
    relations = build_relations(present, with_kinds)
    return View({k: v for k, v in known.items() if v}, unknown, set(hidden), relations)


def model_views(model: CellModel, hidden: Mapping[CellKey, str]) -> list[View]:
    """Return the two views the control must withstand, for a model and the figures it hides.

    *Face value* (:func:`face_view`): the published figures alone, what :func:`audit_run` sees. *Parts
    known*: the attacker also knows every figure no table shows (the segments without a wijk, without a kind
    of input), except the small ones, which must stay unknown too.
    """
    shown = {k: v for k, v in model.values.items() if k in model.published and k not in hidden}
    face = face_view(shown, hidden, model.with_kinds, model.min_count)
    small = model.small_unpublished()
    known_all = {k: v for k, v in model.values.items() if k not in hidden and k not in small}
    unknown = {k: marker_bounds(k, how, model.min_count) for k, how in hidden.items()}
    unknown.update({k: (0.0, _INF) for k in small})
    return [face, View(known_all, unknown, set(hidden) | small, model.relations)]


def audit_model(model: CellModel, hidden: Mapping[CellKey, str], combinations: bool = True) -> list[Finding]:
    """Attack both views of :func:`model_views`; return each figure that comes out exactly (once)."""
    found: dict[CellKey, Finding] = {}
    for view in model_views(model, hidden):
        for f in attack(view, combinations):
            found.setdefault(f.cell, f)
    return [found[c] for c in sorted(found)]


# -- reading published tables -------------------------------------------------------------------------------
def _parse(value: Any) -> tuple[str, float] | None:
    """``("num", v)``, ``("hidden", PRIMARY|COMPLEMENTARY)`` as 0/1, or None for an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text == COMPLEMENT_MARKER:
            return "hidden", 1
        if text.startswith("<"):
            return "hidden", 0
        try:
            return "num", float(text)
        except ValueError:
            return None
    if isinstance(value, bool):
        return None
    return "num", float(value)


class _Collector:
    """The figures of the published tables, cell by cell, and shares shown beside hidden counts."""

    def __init__(self, min_count: int) -> None:
        self.min_count = min_count
        self.seen: dict[CellKey, list[tuple[str, float]]] = defaultdict(list)
        self.ratio: list[Finding] = []
        self.kinds: set[str] = set()

    def add(self, key: CellKey, value: Any) -> tuple[str, float] | None:
        parsed = _parse(value)
        if parsed is not None:
            self.seen[key].append(parsed)
        return parsed

    def row(self, base: CellKey, rec: dict[str, Any], derived: tuple[str, ...]) -> None:
        figures = {m: self.add((*base, m), rec[m]) for m in PEOPLE_MEASURES if m in rec}
        self._check_derived(base, rec, derived, figures.get("segments"))

    def _check_derived(self, base: CellKey, rec: dict[str, Any], derived: tuple[str, ...],
                       main: tuple[str, float] | None) -> None:  # fmt: skip
        if main is None or main[0] != "hidden":
            return
        for col in derived:
            shown = _parse(rec.get(col))
            if shown is not None and shown[0] == "num":
                self.ratio.append(Finding((*base, col), shown[1], "ratio"))

    def view(self) -> View:
        known: dict[CellKey, int] = {}
        hidden: dict[CellKey, str] = {}
        for key, values in self.seen.items():
            numbers = [v for k, v in values if k == "num"]
            if numbers:  # shown in some table: known, whatever other tables show
                known[key] = int(round(numbers[0]))
            else:  # a primary marker anywhere says the figure is small
                hidden[key] = PRIMARY if any(v == 0 for _, v in values) else COMPLEMENTARY
        return face_view(known, hidden, bool(self.kinds), self.min_count)


def _read_theme_tables(col: _Collector, scope: str, tables: Mapping[str, pd.DataFrame]) -> None:
    for rec in tables.get("prevalentie", pd.DataFrame()).to_dict("records"):
        col.row(("theme", scope, ALL, str(rec["theme"])), rec, ("share",))
    for rec in tables.get("soort_per_thema", pd.DataFrame()).to_dict("records"):
        col.kinds.add(str(rec["soort"]))
        col.row(("theme", scope, str(rec["soort"]), str(rec["theme"])), rec, ("share",))
    for rec in tables.get("onderscheidend", pd.DataFrame()).to_dict("records"):
        col.row(("theme", scope, ALL, str(rec["theme"])), rec, ("share_wijk", "share_rest", "log_odds", "z"))
    for rec in tables.get("thema_per_wijk", pd.DataFrame()).to_dict("records"):
        col.row(("theme", str(rec["wijk"]), ALL, str(rec["theme"])), rec, ("share",))
    for rec in tables.get("nieuwe_themas", pd.DataFrame()).to_dict("records"):
        col.row(("discovered", scope, str(rec["theme_id"])), rec, ())
    for rec in tables.get("verloop", pd.DataFrame()).to_dict("records"):
        session = f"{_text(rec.get('date'))}|{_text(rec.get('session'))}"
        key = ("session", scope, session, str(rec["theme"]), "segments")
        shown = col.add(key, rec["segments"])
        col._check_derived(key[:-1], rec, ("share",), shown)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _read_scope_tables(col: _Collector, scope: str, tables: Mapping[str, pd.DataFrame]) -> None:
    """Overview, coding and confidence tables of one report (shares beside a hidden base are findings)."""
    for rec in tables.get("overzicht", pd.DataFrame()).to_dict("records"):
        base = ("total", str(rec["wijk"]))
        col.row(base, rec, ("coded_share", "human_share"))
        seg, share = _parse(rec.get("segments")), _parse(rec.get("coded_share"))
        if share is not None and share[0] == "hidden":
            col.add((*base, "coded"), COMPLEMENT_MARKER)
        elif share is not None and seg is not None and seg[0] == "num":
            col.add((*base, "coded"), round(share[1] * seg[1]))
    total = col.seen.get(("total", scope, "segments"), [])
    total_hidden = bool(total) and all(k == "hidden" for k, _ in total)
    for rec in tables.get("codering", pd.DataFrame()).to_dict("records"):
        shown = col.add(("coding", scope, str(rec["coded_by"]), "segments"), rec["segments"])
        hidden = total_hidden or (shown is not None and shown[0] == "hidden")
        col._check_derived(("coding", scope, str(rec["coded_by"])), rec, ("share",),
                           ("hidden", 0) if hidden else None)  # fmt: skip
    best: tuple[float, float] | None = None  # the total of the bins: a count over its share (the largest)
    any_hidden = False
    for rec in tables.get("zekerheid", pd.DataFrame()).to_dict("records"):
        shown = col.add(("confidence", scope, str(rec["bin"]), "codes"), rec["codes"])
        col._check_derived(("confidence", scope, str(rec["bin"])), rec, ("share",), shown)
        share = _parse(rec.get("share"))
        any_hidden = any_hidden or (share is not None and share[0] == "hidden")
        if shown and share and shown[0] == share[0] == "num" and share[1] > 0:
            if best is None or share[1] > best[1]:
                best = (shown[1], share[1])
    if best is not None:
        col.add(("confidence", scope, ALL, "codes"), round(best[0] / best[1]))
    elif any_hidden:
        col.add(("confidence", scope, ALL, "codes"), COMPLEMENT_MARKER)


def audit_tables(
    city: Mapping[str, pd.DataFrame],
    wijk_tables: Mapping[str, Mapping[str, pd.DataFrame]],
    min_count: int = 5,
    combinations: bool = True,
) -> list[Finding]:
    """Run the differencing attack on the published tables of a run, as DataFrames or as read from CSV.

    Parameters
    ----------
    city : mapping
        The city's tables by CSV name (``overzicht``, ``prevalentie``, ``thema_per_wijk``, ...).
    wijk_tables : mapping
        Per wijk name, that wijk report's tables by CSV name.
    min_count : int, default 5
        The suppression threshold of the run (what a ``"<5"`` marker says).
    combinations : bool, default True
        Also try linear combinations.

    Returns
    -------
    list of Finding
        Every hidden figure that comes out exactly, and every derived figure (share, z, log-odds) shown
        beside a hidden count. Empty when the tables keep what they hide.
    """
    col = _Collector(min_count)
    _read_scope_tables(col, CITY, city)
    _read_theme_tables(col, CITY, city)
    for wijk, tables in wijk_tables.items():
        _read_scope_tables(col, wijk, tables)
        _read_theme_tables(col, wijk, tables)
    return col.ratio + attack(col.view(), combinations)


def _read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    return {
        p.stem: pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
        for p in sorted(folder.glob("*.csv"))
    }


def audit_run(run_dir: str | Path, min_count: int = 5, combinations: bool = True) -> list[Finding]:
    """Run the differencing attack on every CSV table of a run folder (``stad/`` and ``wijken/*/``).

    Parameters
    ----------
    run_dir : path
        A run folder, ``outputs/<corpus>/runs/<run_id>/``.
    min_count : int, default 5
        The run's suppression threshold.
    combinations : bool, default True

    Returns
    -------
    list of Finding
        See :func:`audit_tables`.

    Raises
    ------
    FileNotFoundError
        If the folder holds no city tables (``stad/tables/overzicht.csv``).
    """
    run = Path(run_dir)
    city_folder = run / CITY_FOLDER / "tables"
    if not (city_folder / "overzicht.csv").exists():
        raise FileNotFoundError(
            f"No city tables in run folder {run}: expected {city_folder / 'overzicht.csv'}."
        )
    wijk_tables = {}
    for folder in sorted(run.glob("wijken/*/tables")):
        tables = _read_folder(folder)
        if "overzicht" in tables and len(tables["overzicht"]):
            wijk_tables[str(tables["overzicht"]["wijk"].iloc[0])] = tables
    return audit_tables(_read_folder(city_folder), wijk_tables, min_count, combinations)
