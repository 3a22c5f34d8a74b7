"""Checks of a filled-in coding sheet that look at many rows at once: codes moved to the wrong row.

The "moved row" case
--------------------
A coder pastes a column of codes one row too low (or sorts one column only), and every row gets the codes of
its neighbour. Each row on its own is valid, so the per-row checks of :mod:`wijkanalyse.review.sheet` pass.
:func:`find_shift` compares each coded row's themes with the *reference* codes of its own segment and of the
segments on the rows above and below it. The reference of a segment is everything else known about it: the
machine's applied codes, other people's applied codes and the coder's own earlier codes (union). Agreement is
the Jaccard index of the two sets of themes (kinds of input are left out: a handful of kinds fit most
neighbours equally well).

A shift is reported when a stretch of consecutive coded rows (uninterrupted by a row that fits its own segment
better than the neighbour) has at least :data:`MIN_ROWS` rows that fit the neighbour better, and on that
stretch the neighbour's agreement is on average at least :data:`MIN_GAIN` higher than the own segment's.
Neighbouring segments that share themes (the same topic over three paragraphs) fit both equally well and are
ties, which neither start nor break a stretch. The import then refuses the sheet, naming the rows, unless it
is told the codes are right (``allow_shift=True``, CLI ``--allow-shift``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["MIN_ROWS", "MIN_GAIN", "Shift", "find_shift", "jaccard"]

#: Rows that must fit a neighbour better before a stretch counts as shifted.
MIN_ROWS = 3
#: How much better (mean Jaccard index over the stretch) the neighbour must fit.
MIN_GAIN = 0.3


def jaccard(a: set[str], b: set[str]) -> float:
    """Jaccard index of two sets of codes (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Shift:
    """A stretch of rows whose codes fit a neighbouring row's segment much better than their own.

    Attributes
    ----------
    direction : {'down', 'up'}
        ``down``: the codes look moved one row down (each row holds the codes of the row above); ``up``: the
        other way.
    rows : list of int
        Sheet row numbers of the stretch that fit the neighbour better.
    own, neighbour : float
        Mean agreement over the stretch with the own segment's and with the neighbour's reference codes.
    """

    direction: str
    rows: list[int]
    own: float
    neighbour: float

    def describe(self) -> str:
        """One sentence for the import's error message."""
        where = "row above" if self.direction == "down" else "row below"
        shown = ", ".join(map(str, self.rows[:12])) + (", ..." if len(self.rows) > 12 else "")
        return (
            f"rows {shown} ({len(self.rows)} rows): the codes fit the segment on the {where} much better "
            "than their own segment (mean agreement with the machine's, other coders' and your earlier "
            f"codes: {self.own:.2f} on their own row, {self.neighbour:.2f} on the {where}). Were the codes "
            f"shifted one row {self.direction}? Check these rows; if the codes are right, import with "
            "--allow-shift."
        )


def _stretches(pairs: list[tuple[int, float, float]]) -> list[list[tuple[int, float, float]]]:
    """Split (row, own, neighbour) into stretches that no row fitting its own segment better interrupts."""
    out: list[list[tuple[int, float, float]]] = [[]]
    for p in pairs:
        if p[1] > p[2]:
            out.append([])
        else:
            out[-1].append(p)
    return [s for s in out if s]


def find_shift(
    rows: Sequence[tuple[int, str, set[str]]],
    reference: Mapping[str, set[str]],
    *,
    min_rows: int = MIN_ROWS,
    min_gain: float = MIN_GAIN,
) -> Shift | None:
    """Return the largest shifted stretch of a sheet, or None when the codes sit on their own rows.

    Parameters
    ----------
    rows : sequence of (row number, segment id, themes)
        Every row of the sheet with a segment, in sheet order; ``themes`` empty for a row left uncoded.
    reference : mapping
        ``{segment id: themes}`` known from elsewhere (see the module docstring); rows whose segment or
        neighbour has none are skipped.
    min_rows, min_gain
        See :data:`MIN_ROWS` and :data:`MIN_GAIN`.

    Examples
    --------
    >>> ref = {"s1": {"a"}, "s2": {"b"}, "s3": {"c"}, "s4": {"d"}, "s5": {"e"}}
    >>> rows = [(2, "s1", set()), (3, "s2", {"a"}), (4, "s3", {"b"}), (5, "s4", {"c"}), (6, "s5", {"d"})]
    >>> find_shift(rows, ref).rows
    [3, 4, 5, 6]
    >>> find_shift([(r, s, ref[s]) for r, s, _ in rows], ref) is None
    True
    """
    best: Shift | None = None
    for direction, step in (("down", -1), ("up", 1)):
        pairs = []
        for i, (row, seg, codes) in enumerate(rows):
            j = i + step
            if not codes or not 0 <= j < len(rows):
                continue
            own, other = reference.get(seg), reference.get(rows[j][1])
            if not own or not other:
                continue
            pairs.append((row, jaccard(codes, own), jaccard(codes, other)))
        for stretch in _stretches(pairs):
            better = [r for r, o, n in stretch if n > o]
            own_mean = sum(o for _, o, _ in stretch) / len(stretch)
            nb_mean = sum(n for _, _, n in stretch) / len(stretch)
            if len(better) >= min_rows and nb_mean - own_mean >= min_gain:
                if best is None or len(better) > len(best.rows):
                    best = Shift(direction, better, own_mean, nb_mean)
    return best
