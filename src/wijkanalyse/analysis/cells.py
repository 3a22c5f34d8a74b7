"""Every figure a run publishes, as a *cell*, and the sum relations an attacker can use between the cells.

The disclosure control of the reports (:mod:`~wijkanalyse.analysis.protection`) and its audit
(:mod:`~wijkanalyse.analysis.disclosure`) work on this one model, built either from the data
(:func:`cell_model`, with the true value of every cell, also of the parts no table shows) or from the
published tables of a run (:func:`wijkanalyse.analysis.disclosure.audit_run`).

Cells
-----
A cell is one figure, named by a key ``(family, scope, ..., measure)``; ``scope`` is a wijk, ``(stad)`` for
the city, or :data:`NO_WIJK` for the segments without a wijk (never published on their own):

==============  ===============================================  =============================================
family          key after the family                             published in
==============  ===============================================  =============================================
``theme``       scope, kind of input (``*``: all), theme, m      prevalentie, soort_per_thema,
                                                                 thema_per_wijk, onderscheidend
``total``       scope, m (also ``coded``: segments with a        overzicht (``coded``: ``coded_share`` times
                theme)                                           ``segments``)
``coding``      scope, human/machine/none, ``segments``          codering (and ``human_share`` of overzicht)
``confidence``  scope, bin (``*``: all bins), ``codes``          zekerheid (``*``: a count over its share)
``discovered``  scope, discovered theme id, m                    nieuwe_themas
``session``     wijk, ``"date|session"``, theme, ``segments``    verloop
==============  ===============================================  =============================================

``m`` is one of :data:`PEOPLE_MEASURES`. A cell that no table lists is zero (and known to be). The number of
sessions is not a cell: it counts meetings, not people, and is always shown.

Relations
---------
Each :class:`Relation` says *total = sum of parts*, the way an attacker would read the tables:

- ``row``: ``segments = session_segments + survey_answers`` within a row;
- ``kinds``: a theme's figure = the sum over the kinds of input (+ the segments without a kind, not
  published);
- ``wijken``: the city's figure = the sum over the wijken (+ the segments without a wijk, not published);
- ``themes``: the segments with a theme (overzicht) = the sum over the themes;
- ``coding``: the segments of a wijk = coded by people + by the machine only + not coded (codering);
- ``bins``: the machine's codes of a wijk = the sum over the confidence bins (the total is shown by the
  shares of zekerheid: a count divided by its share);
- ``sessions``: a theme's segments from sessions = the sum over the sessions of the wijk (verloop).

Some of these hold exactly only when no segment has two kinds or two themes; the control treats every one as
exact, which protects more, never less.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from wijkanalyse.analysis.counting import (
    coded_by_counts,
    coded_segments,
    confidence_counts,
    confidence_edges,
    count_segments,
    wijken,
)
from wijkanalyse.analysis.data import AnalysisData
from wijkanalyse.vocabulary import CITY

__all__ = [
    "ALL",
    "NO_KIND",
    "NO_WIJK",
    "PEOPLE_MEASURES",
    "CODED_BY",
    "COMPLEMENT_MARKER",
    "CellKey",
    "Relation",
    "CellModel",
    "primary_marker",
    "build_relations",
    "cell_model",
]

#: The kind-of-input key of a theme's figure over all kinds.
ALL = "*"
#: The kind-of-input key of the segments without a kind (never published on their own).
NO_KIND = "(zonder soort)"
#: The scope of the segments without a wijk (never published on their own).
NO_WIJK = "(zonder wijk)"
#: The figures about people in a row, and who stands behind each (``count_segments(..., people=True)``).
PEOPLE_MEASURES = {
    "session_segments": "session_sources",
    "survey_answers": "respondents",
    "respondents": "respondents",
    "segments": "contributors",
}
#: The rows of the codering table.
CODED_BY = ("human", "machine", "none")
#: The marker of a figure hidden to protect another (complementary suppression).
COMPLEMENT_MARKER = "x"

CellKey = tuple[str, ...]
"""A cell: ``(family, scope, ..., measure)``, see the module docstring."""


def primary_marker(min_count: int) -> str:
    """Return the marker of a small figure (primary suppression), e.g. ``"<5"``."""
    return f"<{min_count}"


@dataclass(frozen=True)
class Relation:
    """``total = sum(parts)``, as published tables let an attacker read it.

    Attributes
    ----------
    total : CellKey
    parts : tuple of CellKey
        Only the parts that are not known to be zero.
    kind : str
        ``row``, ``kinds``, ``wijken``, ``themes``, ``coding``, ``bins`` or ``sessions`` (module docstring).
    """

    total: CellKey
    parts: tuple[CellKey, ...]
    kind: str

    @property
    def cells(self) -> tuple[CellKey, ...]:
        """The total, then the parts."""
        return (self.total, *self.parts)


@dataclass
class CellModel:
    """Every cell of a run's reports with its true value, who stands behind it, and the relations.

    Attributes
    ----------
    values : dict
        The true value of every cell that is not zero (published or not).
    contributors : dict
        How many people or sources stand behind each cell (see :mod:`~wijkanalyse.analysis.counting`). The
        cells about the coding of a scope (``coded``, ``coding``, ``confidence``) count the people and sources
        of the whole scope: they are small exactly when the scope is.
    published : set
        The cells some table shows (those of :data:`NO_WIJK` and :data:`NO_KIND` are not).
    relations : list of Relation
    groups : list of (triggers, members)
        Cells hidden together: when one of ``triggers`` is hidden, every one of ``members`` is (a hidden
        total of a scope hides its coding tables, whose shares would give the total away).
    min_count : int
        A cell about people is small when ``0 < contributors < min_count``.
    with_kinds : bool
        Whether the codebook has kinds of input (and so the ``kinds`` relations).
    """

    values: dict[CellKey, int]
    contributors: dict[CellKey, int]
    published: set[CellKey]
    relations: list[Relation]
    groups: list[tuple[tuple[CellKey, ...], tuple[CellKey, ...]]] = field(default_factory=list)
    min_count: int = 5
    with_kinds: bool = True

    def is_small(self, key: CellKey) -> bool:
        """Whether a cell is about fewer than ``min_count`` people or sources (and more than none)."""
        n = self.contributors.get(key)
        return n is not None and 0 < n < self.min_count

    def primary(self) -> set[CellKey]:
        """Return the published cells that are small: primary suppression."""
        return {k for k in self.published if self.values.get(k, 0) and self.is_small(k)}

    def small_unpublished(self) -> set[CellKey]:
        """Return the cells no table shows that are small: no table may let anyone work them out either."""
        return {k for k in self.values if k not in self.published and self.is_small(k)}


# -- relations ----------------------------------------------------------------------------------------------
def _relation_ids(key: CellKey, with_kinds: bool) -> list[tuple[str, ...]]:
    """Return the relations a cell takes part in (as total or as part), by id."""
    family, scope, *dims, measure = key
    ids: list[tuple[str, ...]] = []
    if family in ("theme", "total", "discovered") and measure in ("session_segments", "survey_answers",
                                                                   "segments"):  # fmt: skip
        ids.append(("row", family, scope, *dims))
    if family == "theme":
        kind, theme = dims
        if with_kinds:
            ids.append(("kinds", scope, theme, measure))
        ids.append(("wijken", family, kind, theme, measure))
        if kind == ALL and measure == "segments":
            ids.append(("themes", scope))
        if kind == ALL and measure == "session_segments" and scope not in (CITY, NO_WIJK):
            ids.append(("sessions", scope, theme))
    elif family == "total":
        ids.append(("wijken", family, measure))
        if measure == "coded":
            ids.append(("themes", scope))
        if measure == "segments":
            ids.append(("coding", scope))
    elif family in ("coding", "confidence", "discovered"):
        ids.append(("wijken", family, *dims, measure))
        if family == "coding":
            ids.append(("coding", scope))
        if family == "confidence":
            ids.append(("bins", scope))
    elif family == "session":
        ids.append(("sessions", scope, dims[1]))
    return ids


def _total_of(rid: tuple[str, ...]) -> CellKey:
    kind = rid[0]
    if kind == "row":
        return (*rid[1:], "segments")
    if kind == "kinds":
        _, scope, theme, measure = rid
        return ("theme", scope, ALL, theme, measure)
    if kind == "wijken":
        family, *rest = rid[1:]
        return (family, CITY, *rest)
    if kind == "themes":
        return ("total", rid[1], "coded")
    if kind == "coding":
        return ("total", rid[1], "segments")
    if kind == "bins":
        return ("confidence", rid[1], ALL, "codes")
    return ("theme", rid[1], ALL, rid[2], "session_segments")  # sessions


def _is_part(kind: str, key: CellKey, total: CellKey) -> bool:
    if key == total:
        return False
    if kind == "row":
        return key[-1] in ("session_segments", "survey_answers")
    if kind == "themes":
        return key[0] == "theme"
    if kind == "coding":
        return key[0] == "coding"
    if kind == "sessions":
        return key[0] == "session"
    return True


def build_relations(present: Iterable[CellKey], with_kinds: bool) -> list[Relation]:
    """Return every sum relation between cells, leaving out the parts that are zero.

    Parameters
    ----------
    present : iterable of CellKey
        The cells that are not known to be zero (with a value, or hidden).
    with_kinds : bool
        Whether the codebook has kinds of input (the ``kinds`` relations).

    Returns
    -------
    list of Relation
        In a fixed order (by relation id), so that everything built on them is deterministic.
    """
    groups: dict[tuple[str, ...], set[CellKey]] = defaultdict(set)
    for key in present:
        for rid in _relation_ids(key, with_kinds):
            groups[rid].add(key)
    out = []
    for rid in sorted(groups):
        total = _total_of(rid)
        parts = tuple(sorted(k for k in groups[rid] if _is_part(rid[0], k, total)))
        if parts or total in groups[rid]:
            out.append(Relation(total, parts, rid[0]))
    return out


# -- the model from the data --------------------------------------------------------------------------------
def _add_counts(
    model: CellModel, table: pd.DataFrame, base: Sequence[str], dims: list[str], published: bool
) -> None:
    """Add the people figures of each row of a ``count_segments(..., people=True)`` table as cells."""
    for rec in table.to_dict("records"):
        prefix = (*base, *(str(rec[d]) for d in dims))
        for measure, who in PEOPLE_MEASURES.items():
            value = int(rec[measure])
            if value:
                key = (*prefix, measure)
                model.values[key] = value
                model.contributors[key] = int(rec[who])
                if published:
                    model.published.add(key)


def _add_process(model: CellModel, key: CellKey, value: int, published: bool, contributors: int) -> None:
    """Add a figure about the coding of a scope; it is as small as the scope (its total's contributors)."""
    if value:
        model.values[key] = value
        model.contributors[key] = contributors
        if published:
            model.published.add(key)


def _scoped(data: AnalysisData) -> pd.DataFrame:
    return data.segments.assign(_scope=data.segments["wijk"].fillna(NO_WIJK).astype(str))


def _theme_cells(model: CellModel, data: AnalysisData, seg: pd.DataFrame, shown: set[str]) -> None:
    coded = coded_segments(data, seg)
    kinds = data.kinds[["segment_id", "soort"]]
    parts: list[tuple[str, pd.DataFrame]] = [(ALL, coded)]
    if data.soort_ids:
        parts.append(("", coded.merge(kinds, on="segment_id")))
        parts.append((NO_KIND, coded[~coded["segment_id"].isin(set(kinds["segment_id"]))]))
    for kind, frame in parts:
        dims = ["code_id"] if kind else ["soort", "code_id"]
        base_kind = (kind,) if kind else ()
        by_scope = count_segments(frame, ["_scope", *dims], people=True)
        for scope, rows in by_scope.groupby("_scope", sort=True):
            visible = str(scope) in shown and kind != NO_KIND
            _add_counts(model, rows, ("theme", str(scope), *base_kind), dims, visible)
        city = count_segments(frame, dims, people=True)
        _add_counts(model, city, ("theme", CITY, *base_kind), dims, kind != NO_KIND)


def _total_cells(model: CellModel, data: AnalysisData, seg: pd.DataFrame, shown: set[str]) -> None:
    coded_ids = set(data.themes["segment_id"])
    edges = confidence_edges(data)
    scopes = [(str(s), f) for s, f in seg.groupby("_scope", sort=True)] + [(CITY, seg)]
    for scope, frame in scopes:
        visible = scope in shown or scope == CITY
        counts = count_segments(frame.assign(_all="x"), ["_all"], people=True)
        _add_counts(model, counts, ("total", scope), [], visible)
        who = int(counts["contributors"].iloc[0]) if len(counts) else 0
        members: list[CellKey] = [("total", scope, "coded")]
        _add_process(model, members[0], int(frame["segment_id"].isin(coded_ids).sum()), visible, who)
        for coded_by, n in coded_by_counts(data, frame).items():
            members.append(("coding", scope, coded_by, "segments"))
            _add_process(model, members[-1], n, visible, who)
        bins = confidence_counts(data, frame, edges)
        for b, n in bins.items():
            members.append(("confidence", scope, b, "codes"))
            _add_process(model, members[-1], n, visible, who)
        members.append(("confidence", scope, ALL, "codes"))  # shown through the shares of the bins
        _add_process(model, members[-1], sum(bins.values()), visible, who)
        if visible:  # shares of a hidden total would give it away: the coding tables go with the total
            present = tuple(k for k in members if k in model.values)
            model.groups.append(((("total", scope, "segments"),), present))


def _discovered_cells(model: CellModel, data: AnalysisData, seg: pd.DataFrame, shown: set[str]) -> None:
    links, themes = data.discovered, data.discovered_themes
    if links.empty or themes.empty or data.theme_source == "discovery":  # then counted as ``theme`` cells
        return
    uncovered = set(themes.loc[~themes["covered"].astype(bool) & (themes["theme_id"] != -1), "theme_id"])
    joined = seg.merge(links[["segment_id", "theme_id"]], on="segment_id")
    joined = joined[joined["theme_id"].isin(uncovered)]
    for scope, rows in count_segments(joined, ["_scope", "theme_id"], people=True).groupby("_scope"):
        _add_counts(model, rows, ("discovered", str(scope)), ["theme_id"], str(scope) in shown)
    _add_counts(model, count_segments(joined, ["theme_id"], people=True), ("discovered", CITY), ["theme_id"],
                True)  # fmt: skip


def _session_cells(model: CellModel, data: AnalysisData, seg: pd.DataFrame) -> None:
    sess = seg[~seg["survey"].astype(bool) & seg["wijk"].notna()]
    when = sess["date"].fillna("").astype(str) + "|" + sess["session"].fillna("").astype(str)
    sess = sess.assign(_when=when)
    table = count_segments(coded_segments(data, sess), ["wijk", "_when", "code_id"], people=True)
    for rec in table.to_dict("records"):
        key = ("session", str(rec["wijk"]), str(rec["_when"]), str(rec["code_id"]), "segments")
        model.values[key] = int(rec["segments"])
        model.contributors[key] = int(rec["session_sources"])
        model.published.add(key)


def cell_model(data: AnalysisData) -> CellModel:
    """Return every cell of the reports of ``data`` (every wijk and the city) with its true value.

    Also the cells no table shows (the segments without a wijk, without a kind of input) are in the model:
    they can be small, and no published figure may let anyone work them out.

    Parameters
    ----------
    data : AnalysisData

    Returns
    -------
    CellModel
    """
    model = CellModel(values={}, contributors={}, published=set(), relations=[], min_count=data.min_count,
                      with_kinds=bool(data.soort_ids))  # fmt: skip
    seg = _scoped(data)
    shown = set(wijken(data))
    _theme_cells(model, data, seg, shown)
    _total_cells(model, data, seg, shown)
    _discovered_cells(model, data, seg, shown)
    _session_cells(model, data, seg)
    model.relations = build_relations(model.values, model.with_kinds)
    return model
