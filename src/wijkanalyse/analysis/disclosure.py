"""The disclosure audit: which hidden figure of a run's reports can be worked out from what they publish.

:func:`audit_run` runs the differencing attack of :mod:`~wijkanalyse.analysis.attack` (differences, bounds
and linear combinations of the sum relations of :mod:`~wijkanalyse.analysis.cells`) on the CSV tables of a
run folder, :func:`audit_tables` on the tables as DataFrames, :func:`audit_model` on a
:class:`~wijkanalyse.analysis.cells.CellModel` with a suppression pattern (then also the figures no table
shows: the segments without a wijk or without a kind of input). Each returns the findings
(:class:`~wijkanalyse.analysis.attack.Finding`): hidden figures, or small figures no table shows, that come
out exactly. The audit also reports a share, z or log-odds shown beside a hidden count (``how="ratio"``): a
share times its published base is the count.

Limits: relations the attacker could assume but the model does not list (e.g. a respondent's answers to other
questions), and intervals that shrink to a few values without becoming one, are not reported.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from wijkanalyse.analysis.attack import COMPLEMENTARY, PRIMARY, Finding, View, attack, marker_bounds
from wijkanalyse.analysis.cells import (
    ALL,
    COMPLEMENT_MARKER,
    NO_WIJK,
    PEOPLE_MEASURES,
    CellKey,
    CellModel,
    build_relations,
)
from wijkanalyse.vocabulary import CITY, CITY_FOLDER

__all__ = [
    "PRIMARY",
    "COMPLEMENTARY",
    "Finding",
    "face_view",
    "model_views",
    "audit_model",
    "audit_tables",
    "audit_run",
]

_INF = math.inf


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

    *Face value* (:func:`face_view`): the published figures alone, what :func:`audit_run` sees; the parts no
    table shows taken as zero. *Parts as they are*: the parts no table shows (the segments without a wijk,
    without a kind of input) that are zero are known to be zero, the others are unknown (at least 0) and may
    be worked out from the published figures, which must not happen to a small one.
    """
    shown = {k: v for k, v in model.values.items() if k in model.published and k not in hidden}
    face = face_view(shown, hidden, model.with_kinds, model.min_count)
    unpublished = {k for k in model.values if k not in model.published}
    unknown = {k: marker_bounds(k, how, model.min_count) for k, how in hidden.items()}
    unknown.update({k: (0.0, _INF) for k in unpublished})
    targets = set(hidden) | model.small_unpublished()
    return [face, View(shown, unknown, targets, model.relations)]


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
        hidden = (shown is not None and shown[0] == "hidden") or (total_hidden and shown != ("num", 0))
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
