"""Which figures the reports of a run hide: primary and complementary suppression over all reports at once.

The suppression pattern is a function of the whole data (every wijk and the city), computed once per data
(:func:`suppression_pattern`) and applied to every table of every report, so that a figure hidden in a wijk
report is hidden in the city overview too, and the other way round.

1. **Primary suppression**: a figure about people is hidden when ``0 < contributors < min_count``; who the
   contributors are is set out in :mod:`~wijkanalyse.analysis.suppression`.
2. **Complementary suppression** (the greedy scheme of statistics offices, as in tau-argus' hypercube
   method): the differencing attack of :mod:`~wijkanalyse.analysis.disclosure` is run on what the reports
   would publish; for every hidden figure that comes out, the smallest visible non-zero figure of the
   relation that gave it away is hidden too (a part before the total: across wijken the next smallest
   wijk), and the attack runs again, until nothing comes out — a fixpoint. Relations between published
   figures are tried at face value (every part no table shows taken as zero, so every sum relation keeps
   either no hidden figure or at least two) and with the unpublished parts known (so a small part no table
   shows, such as the answers without a wijk, cannot be worked out either).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from wijkanalyse.analysis.attack import COMPLEMENTARY, PRIMARY, Finding, attack, marker_bounds
from wijkanalyse.analysis.cells import (
    COMPLEMENT_MARKER,
    PEOPLE_MEASURES,
    CellKey,
    CellModel,
    Relation,
    cell_model,
    primary_marker,
)
from wijkanalyse.analysis.data import AnalysisData
from wijkanalyse.analysis.disclosure import model_views
from wijkanalyse.analysis.pattern_cache import model_key, read_hidden, write_hidden

__all__ = ["SuppressionPattern", "protect", "suppression_pattern"]

_CACHE_ATTRIBUTE = "_suppression_pattern"


@dataclass(frozen=True)
class SuppressionPattern:
    """The figures the reports hide, and why.

    Attributes
    ----------
    hidden : mapping
        Cell (:mod:`~wijkanalyse.analysis.cells`) -> ``"primary"`` or ``"complementary"``.
    min_count : int
    unresolved : tuple of Finding
        Figures the greedy scheme could not protect (empty in every case seen so far; the audit reports them).
    """

    hidden: Mapping[CellKey, str]
    min_count: int
    unresolved: tuple[Finding, ...] = field(default=())

    def marker(self, key: CellKey) -> str | None:
        """Return the marker of a hidden cell (``"<5"`` or ``"x"``), or None when it is shown."""
        how = self.hidden.get(key)
        if how is None:
            return None
        return primary_marker(self.min_count) if how == PRIMARY else COMPLEMENT_MARKER

    def first_marker(self, *keys: CellKey) -> str | None:
        """Return the marker of the first hidden cell among ``keys``, or None when all are shown."""
        for key in keys:
            m = self.marker(key)
            if m is not None:
                return m
        return None


def _apply_groups(model: CellModel, hidden: dict[CellKey, str]) -> None:
    for triggers, members in model.groups:
        if any(t in hidden for t in triggers):
            for m in members:
                hidden.setdefault(m, COMPLEMENTARY)


def _candidate(model: CellModel, hidden: Mapping[CellKey, str], rels: list[Relation],
               cell: CellKey) -> CellKey | None:  # fmt: skip
    """Return the smallest visible non-zero published figure of the relations, a part before a total.

    In a ``themes`` relation the total (the coded share of the overview) goes first: it describes the coding,
    where a part is a theme's count.
    """
    best: tuple[int, int, CellKey] | None = None
    for r in rels:
        total_rank = -1 if r.kind == "themes" else 1
        for rank, cells in ((0, r.parts), (total_rank, (r.total,))):
            for c in cells:
                value = model.values.get(c, 0)
                if c == cell or c in hidden or c not in model.published or value <= 0:
                    continue
                if best is None or (rank, value, c) < best:
                    best = (rank, value, c)
    return best[2] if best else None


def _unmark(model: CellModel, hidden: dict[CellKey, str], rels: list[Relation]) -> CellKey | None:
    """Return a ``"<5"`` of the relations whose bound gives figures away, to become ``"x"`` (total first)."""
    for r in rels:
        for c in (r.total, *r.parts):
            if hidden.get(c) == PRIMARY and marker_bounds(c, PRIMARY, model.min_count)[1] != math.inf:
                return c
    return None


def _complements(
    model: CellModel,
    hidden: dict[CellKey, str],
    findings: list[Finding],
    by_cell: dict[CellKey, list[Relation]],
    widen: bool = False,
) -> list[Finding]:
    """Hide one more figure for each finding; return the findings nothing could fix.

    The smallest visible figure of the relation that gave the figure away is hidden; when none is left there,
    of any relation of the figure; when there is none either, a ``"<5"`` whose bound gave it away becomes an
    ``"x"``; failing that (and only with ``widen``, when nothing else moves), the smallest visible figure one
    or two relations further out is hidden. A finding whose relations changed in this round waits for the
    next attack.
    """
    new: set[CellKey] = set()
    stuck = []
    for f in findings:
        rels = [f.relation] if f.relation is not None else by_cell[f.cell]
        if any(c in new for r in (*rels, *by_cell[f.cell]) for c in r.cells):
            continue
        choice = _candidate(model, hidden, rels, f.cell) or _candidate(model, hidden, by_cell[f.cell], f.cell)
        if choice is None:
            choice = _unmark(model, hidden, rels + by_cell[f.cell])
        near = by_cell[f.cell]
        for _ in range(2 if widen else 0):  # widen to the relations of the figures of its relations, twice
            if choice is not None:
                break
            near = list(dict.fromkeys(r2 for r in near for c in r.cells for r2 in by_cell[c]))
            choice = _candidate(model, hidden, near, f.cell)
        if choice is None:
            stuck.append(f)
            continue
        hidden[choice] = COMPLEMENTARY
        new.add(choice)
    return stuck


def protect(model: CellModel) -> tuple[dict[CellKey, str], list[Finding]]:
    """Primary, then complementary suppression to a fixpoint (module docstring).

    Parameters
    ----------
    model : CellModel

    Returns
    -------
    (hidden, unresolved)
        ``hidden``: cell -> ``"primary"`` (shown as ``"<5"``) or ``"complementary"`` (shown as ``"x"``);
        ``unresolved``: findings no further suppression could fix (none expected; the audit reports them).
    """
    hidden = {k: PRIMARY for k in sorted(model.primary())}
    _apply_groups(model, hidden)
    by_cell: dict[CellKey, list[Relation]] = defaultdict(list)
    for r in model.relations:
        for c in r.cells:
            by_cell[c].append(r)
    while True:
        findings: list[Finding] = []
        for combinations in (False, True):  # cheap attacks first; combinations only when they find nothing
            for view in model_views(model, hidden):
                findings += attack(view, combinations)
            if findings:
                break
        if not findings:
            return hidden, []
        before = dict(hidden)
        # fix the roots first: a figure given away only through other figures given away waits for them; and
        # figures about people before figures about the coding, which follow their wijk's total (groups)
        found = {f.cell for f in findings}
        roots = [f for f in findings if f.relation is None or not (set(f.relation.cells) - {f.cell}) & found]
        people = [f for f in roots if f.cell[-1] in PEOPLE_MEASURES and f.cell[0] != "coding"]
        stuck = _complements(model, hidden, people or roots or findings, by_cell)
        if hidden == before:
            stuck = _complements(model, hidden, findings, by_cell, widen=True)
        _apply_groups(model, hidden)
        if hidden == before:
            return hidden, stuck


def suppression_pattern(data: AnalysisData) -> SuppressionPattern:
    """Return the suppression pattern of all reports of ``data``, computed once per data and threshold.

    Kept on the data object, and on disk next to the store under a hash of the cell model and of this code
    (:mod:`~wijkanalyse.analysis.pattern_cache`), so the other reports of a run read it instead of computing
    it.

    Parameters
    ----------
    data : AnalysisData

    Returns
    -------
    SuppressionPattern
    """
    cached = getattr(data, _CACHE_ATTRIBUTE, None)
    if isinstance(cached, SuppressionPattern) and cached.min_count == data.min_count:
        return cached
    model = cell_model(data)
    key = model_key(model)
    kept = read_hidden(data.store_dir, key)  # the other reports of a run computed it already
    if kept is not None:
        pattern = SuppressionPattern(kept, data.min_count)
    else:
        hidden, unresolved = protect(model)
        pattern = SuppressionPattern(hidden, data.min_count, tuple(unresolved))
        if not unresolved:
            write_hidden(data.store_dir, key, hidden)
    setattr(data, _CACHE_ATTRIBUTE, pattern)
    return pattern
