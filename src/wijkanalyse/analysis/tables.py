"""Stage 7: analyse the coded segments — one function per view, each returning a DataFrame.

The report notebooks and researchers' notebooks call the same functions, so nothing is computed twice::

    from wijkanalyse import analysis
    data = analysis.load(store, settings)            # read the store once
    analysis.theme_prevalence(data, "Noord")         # then any view, for a wijk or (wijk=None) the city

Which codes count
-----------------
For each segment and dimension (``thema``: the themes; ``soort``: the kind of input) the *effective* codes
are:

1. the codes people applied (``kind='human'``, ``status='applied'``; the union when several people coded
   it), if any person applied a code of that dimension to the segment — human decisions always win;
2. otherwise the machine's applied codes, minus any code a person rejected for that segment.

Rejected codings never count. The reserved code ``geen`` ("none of these") marks a segment as coded but is
never a theme. The kind of input of a segment without a human ``soort`` code comes first from where it stands
— a heading such as *Vragen en zorgen* or a survey question keyed ``behouden`` (:func:`kind_from_context`),
because the note taker or the questionnaire already sorted it — and only then from the machine.

Counting units
--------------
``session_segments``: segments from sessions (minutes, transcripts, notes), ``sessions``: distinct sessions,
``survey_answers``: open survey answers, ``respondents``: distinct survey respondents, ``segments``: all
segments (``session_segments + survey_answers``), ``share``: ``segments`` divided by all segments of the wijk
(or city).

Suppression (small cells)
-------------------------
So that no resident can be singled out, a cell (a wijk, a theme, a kind of input, a session date: any row of a
table) with survey input from fewer than ``min_count`` respondents (``0 < respondents < min_count``; default
5, setting ``min_count``) shows the marker ``"<5"`` instead of its respondent count, its count of survey
answers, its total count of segments, its share, and every figure derived from them (log-odds, z). Survey
quotes from such a cell are withheld. Counts of sessions and of session segments stay visible: sessions are
meetings of wijkraden with their speakers pseudonymised, not individual residents' answers. Zero is shown: it
singles no one out. Known limit: the city-wide row is not secondarily suppressed, so a suppressed cell may in
principle be recovered from the city total minus all other wijken when every other wijk is above the
threshold; raise ``min_count`` or publish only the wijk reports when that matters.

Distinctive themes
------------------
A theme is distinctive for a wijk when it is raised more there than in the rest of the city, measured by the
log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"): with
``y_w`` and ``n_w`` the theme's and all segments of the wijk, ``y_r``, ``n_r`` those of the rest of the city,
and a prior ``a = a0 * p_city`` (``a0 = prior_strength`` pseudo-segments spread as the city's theme shares),
``delta = log((y_w + a) / (n_w + a0 - y_w - a)) - log((y_r + a) / (n_r + a0 - y_r - a))``, with variance
``1 / (y_w + a) + 1 / (y_r + a)`` and ``z = delta / sqrt(var)``. The prior shrinks themes with few segments
towards no difference, which a plain ratio of shares does not. A theme is flagged when ``z >= 1.96`` *and* the
wijk has at least ``min_count`` segments with it (and the cell is not suppressed).
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijkanalyse.config import Settings
from wijkanalyse.exceptions import ReportError
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import CITY, MACHINE, NONE_CODE

__all__ = [
    "NONE_CODE",
    "KINDS",
    "AnalysisData",
    "load",
    "kind_from_context",
    "marker",
    "suppress",
    "wijken",
    "wijk_overview",
    "theme_prevalence",
    "theme_by_kind",
    "theme_by_wijk",
    "distinctive_themes",
    "change_over_time",
    "representative_quotes",
    "uncovered_themes",
    "load_discovered",
    "coding_certainty",
    "confidence_distribution",
    "agreement_summary",
    "machine_decision",
    "wijk_tables",
    "city_tables",
]

#: The reserved code id for "none of these": marks a segment as coded, never counts as a theme.
#: The three kinds of input, in the order of the report sections.
KINDS = ("behouden", "verbeteren", "vraag_of_zorg")
#: Columns that are replaced by the marker in a small cell.
SUPPRESSED_COLUMNS = ("respondents", "survey_answers", "segments", "share", "share_wijk", "log_odds", "z")
#: Edges of the confidence bins of machine codings (the last bin includes 1.0).
CONFIDENCE_BINS = (0.0, 0.5, 0.7, 0.9, 1.0)

_KIND_PATTERNS = (
    ("behouden", re.compile(r"behoud|behouden|bewaren|blijven|goed gaat|keep|preserve", re.I)),
    ("verbeteren", re.compile(r"verbeter|beter moet|improve", re.I)),
    ("vraag_of_zorg", re.compile(r"vra(a)?g|zorg|concern|question|worr", re.I)),
)


@dataclass
class AnalysisData:
    """Everything the views need, read from the store once by :func:`load`.

    Attributes
    ----------
    segments : DataFrame
        One row per segment with its document ``path``, ``wijk``, ``date``, ``session``, ``kind`` (of source),
        ``role``, ``respondent_id``, ``text``, offsets, and ``survey`` (True for survey answers).
    themes : DataFrame
        Effective theme codes: ``segment_id, code_id, source ('human'|'machine'), confidence``.
    kinds : DataFrame
        Effective kind of input: ``segment_id, soort, source ('human'|'context'|'machine'), confidence``.
    codings : DataFrame
        Every coding row of the store (rejected ones too), for :func:`coding_certainty`.
    codes : DataFrame
        ``code_id, dimension, label_nl, label_en, color, codebook_version``.
    discovered : DataFrame
        ``segment_id, theme_id`` from discovery (empty when discovery has not run).
    discovered_themes : DataFrame
        The discovered themes table as the discovery stage wrote it (empty when absent).
    """

    segments: pd.DataFrame
    themes: pd.DataFrame
    kinds: pd.DataFrame
    codings: pd.DataFrame
    codes: pd.DataFrame
    discovered: pd.DataFrame = field(default_factory=pd.DataFrame)
    discovered_themes: pd.DataFrame = field(default_factory=pd.DataFrame)
    min_count: int = 5
    language: str = "nl"
    embedder: str | None = None
    store_dir: Path | None = None
    machine_agreement_threshold: float = 0.6
    coding_threshold: float = 0.35

    def label(self, code_id: str) -> str:
        """Return the label of a code in the data's language (the id when the code is unknown)."""
        if code_id == NONE_CODE:
            return "none of these" if self.language == "en" else "geen van deze"
        row = self._labels.get(code_id)
        if row is None:
            return code_id
        nl, en = row
        return (en or nl or code_id) if self.language == "en" else (nl or code_id)

    @property
    def _labels(self) -> dict[str, tuple[str, str]]:
        if not hasattr(self, "_label_cache"):
            self._label_cache = {
                str(r.code_id): (_str(r.label_nl), _str(r.label_en))
                for r in self.codes.itertuples(index=False)
            }
        return self._label_cache

    @property
    def theme_ids(self) -> list[str]:
        """Theme code ids in codebook order (codes table order), then any coded id not in the codebook."""
        known = [
            str(c) for c in self.codes.loc[self.codes["dimension"] == "thema", "code_id"] if c != NONE_CODE
        ]
        extra = sorted(set(self.themes["code_id"]) - set(known))
        return known + extra

    @property
    def soort_ids(self) -> list[str]:
        """Kind-of-input ids: the three default kinds first, then any other soort of the codebook."""
        other = [
            str(c) for c in self.codes.loc[self.codes["dimension"] == "soort", "code_id"] if c not in KINDS
        ]
        return list(KINDS) + other

    @property
    def codebook_version(self) -> str | None:
        """The codebook version recorded with the codes in the store."""
        versions = self.codes.get("codebook_version", pd.Series(dtype=object)).dropna().unique()
        return str(sorted(versions)[-1]) if len(versions) else None


def _str(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


# -- loading -------------------------------------------------------------------------------------------------
def kind_from_context(section: str | None, question: str | None) -> str | None:
    """Return the kind of input a heading or a survey question names, if it names one clearly.

    Parameters
    ----------
    section : str or None
        The heading a segment stands under (e.g. ``"Vragen en zorgen"``).
    question : str or None
        The survey question key (e.g. ``"behouden"``).

    Returns
    -------
    str or None
        One of :data:`KINDS`, or None when the text names none or more than one.

    Examples
    --------
    >>> kind_from_context("Het goede behouden", None)
    'behouden'
    >>> kind_from_context(None, "zorgen")
    'vraag_of_zorg'
    >>> kind_from_context("Verslag", None) is None
    True
    """
    for text in (question, section):
        if not text:
            continue
        hits = [k for k, pat in _KIND_PATTERNS if pat.search(str(text))]
        if len(hits) == 1:
            return hits[0]
    return None


def _table_exists(con: sqlite3.Connection, name: str) -> bool:
    return (
        con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
        is not None
    )


def _codes_frame(store: Store, settings: Settings | None) -> pd.DataFrame:
    cols = ["code_id", "dimension", "label_nl", "label_en", "color", "codebook_version"]
    codes = store.query(f"SELECT {', '.join(cols)} FROM codes ORDER BY rowid")
    if len(codes) or settings is None:
        return codes
    try:  # nothing coded yet: labels from the codebook file
        from wijkanalyse.coding.codebook import load_codebook

        frame = load_codebook(settings.codebook_path).to_frame()
        return frame[cols]
    except Exception:  # noqa: BLE001 - labels are a nicety here; a bad codebook is reported elsewhere
        return codes


def _effective(codings: pd.DataFrame, dimension_of: dict[str, str], dimension: str) -> pd.DataFrame:
    """Return the effective codes of one dimension: human codes win; else machine codes no person rejected."""
    c = codings[codings["code_id"].map(lambda x: dimension_of.get(x, "thema")) == dimension]
    if c.empty:
        return pd.DataFrame(columns=["segment_id", "code_id", "source", "confidence"])
    applied = c[c["status"] == "applied"]
    human = applied[applied["kind"] == "human"]
    machine = applied[(applied["kind"] == MACHINE) & ~applied["segment_id"].isin(set(human["segment_id"]))]
    rej = c[(c["kind"] == "human") & (c["status"] == "rejected")]
    rejected = set(zip(rej["segment_id"], rej["code_id"], strict=True))
    if rejected:
        keep = [
            (s, k) not in rejected for s, k in zip(machine["segment_id"], machine["code_id"], strict=True)
        ]
        machine = machine[keep]
    h = human.groupby(["segment_id", "code_id"], as_index=False).agg(confidence=("confidence", "max"))
    h["source"] = "human"
    m = machine.groupby(["segment_id", "code_id"], as_index=False).agg(confidence=("confidence", "max"))
    m["source"] = "machine"
    out = pd.concat([h, m], ignore_index=True)[["segment_id", "code_id", "source", "confidence"]]
    return out.sort_values(["segment_id", "code_id"]).reset_index(drop=True)


def load(
    store: Store,
    settings: Settings | None = None,
    *,
    min_count: int | None = None,
    language: str | None = None,
) -> AnalysisData:
    """Read segments, codings, codes and discovered themes from the store, resolving which codes count.

    Parameters
    ----------
    store : Store
        The project store.
    settings : Settings, optional
        Supplies ``min_count``, ``language``, ``embedder`` and the thresholds (defaults otherwise).
    min_count : int, optional
        Overrides ``settings.min_count``.
    language : str, optional
        ``"nl"`` or ``"en"``; overrides ``settings.language`` (labels of codes).

    Returns
    -------
    AnalysisData

    Raises
    ------
    ReportError
        If ``min_count`` is below 1 or ``language`` is not ``nl`` or ``en``.
    """
    mc = int(min_count if min_count is not None else (settings.min_count if settings else 5))
    if mc < 1:
        raise ReportError(f"The 'min_count' parameter must be an int >= 1. Got {mc} instead.")
    lang = language or (settings.language if settings else "nl")
    if lang not in ("nl", "en"):
        raise ReportError(f"The 'language' parameter must be 'nl' or 'en'. Got {lang!r} instead.")
    segments = store.segments()
    segments["survey"] = segments["respondent_id"].notna()
    codes = _codes_frame(store, settings)
    codings = store.codings(include_rejected=True)
    dimension_of = dict(zip(codes["code_id"], codes["dimension"], strict=True))
    for k in KINDS:
        dimension_of.setdefault(k, "soort")
    themes = _effective(codings, dimension_of, "thema")
    themes = themes[themes["code_id"] != NONE_CODE].reset_index(drop=True)
    kinds = _resolve_kinds(segments, _effective(codings, dimension_of, "soort"))
    discovered, discovered_themes = load_discovered(store)
    return AnalysisData(
        segments=segments,
        themes=themes,
        kinds=kinds,
        codings=codings,
        codes=codes,
        discovered=discovered,
        discovered_themes=discovered_themes,
        min_count=mc,
        language=lang,
        embedder=settings.embedder if settings else None,
        store_dir=Path(store.folder),
        machine_agreement_threshold=settings.machine_agreement_threshold if settings else 0.6,
        coding_threshold=settings.coding_threshold if settings else 0.35,
    )


def _resolve_kinds(segments: pd.DataFrame, soort: pd.DataFrame) -> pd.DataFrame:
    soort = soort[soort["code_id"] != NONE_CODE].rename(columns={"code_id": "soort"})
    human = soort[soort["source"] == "human"]
    machine = soort[soort["source"] == MACHINE]
    ctx = pd.DataFrame(
        {
            "segment_id": segments["segment_id"],
            "soort": [
                kind_from_context(s, q)
                for s, q in zip(segments["section"], segments["question"], strict=True)
            ],
        }
    ).dropna()
    ctx = ctx[~ctx["segment_id"].isin(set(human["segment_id"]))].assign(source="context", confidence=np.nan)
    decided = set(human["segment_id"]) | set(ctx["segment_id"])
    machine = machine[~machine["segment_id"].isin(decided)]
    out = pd.concat([human, ctx, machine], ignore_index=True)[["segment_id", "soort", "source", "confidence"]]
    return out.sort_values(["segment_id", "soort"]).reset_index(drop=True)


def load_discovered(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (segment_themes, themes) of the newest discovery run; empty frames when discovery never ran.

    Reads the tables of :mod:`wijkanalyse.coding.discovery` (one set of rows per run; :func:`~wijkanalyse.discovery.
    load_themes` picks the newest). Tables without a ``run_id`` column are read as one run. ``themes`` always
    has ``theme_id, label, top_words (list), covered (bool), closest_code``.
    """
    links = pd.DataFrame(columns=["segment_id", "theme_id"])
    themes = pd.DataFrame(columns=["theme_id", "label", "top_words", "covered", "closest_code"])
    con = store.con
    if not (_table_exists(con, "themes") and _table_exists(con, "segment_themes")):
        return links, themes
    columns = {r[1] for r in con.execute("PRAGMA table_info(segment_themes)")}
    if "run_id" in columns:
        from wijkanalyse.coding.discovery import load_themes

        t, links = load_themes(store)
    else:
        t, links = store.query("SELECT * FROM themes"), store.query("SELECT * FROM segment_themes")
    if t.empty:
        return links, themes
    label = t["label"] if "label" in t else t.get("name", t["theme_id"].astype(str))
    words = t["top_words"] if "top_words" in t else t.get("keywords", pd.Series("", index=t.index))
    themes = pd.DataFrame(
        {
            "theme_id": t["theme_id"],
            "label": label.astype(str),
            "top_words": [w if isinstance(w, list) else [x.strip() for x in str(w).split(",") if x.strip()]
                          for w in words],
            "covered": t["covered"].astype(bool) if "covered" in t else False,
            "closest_code": t["closest_code"] if "closest_code" in t else None,
        }
    )  # fmt: skip
    return links, themes


# -- suppression ---------------------------------------------------------------------------------------------
def marker(min_count: int) -> str:
    """Return the text shown instead of a suppressed figure, e.g. ``"<5"``."""
    return f"<{min_count}"


def suppress(table: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Replace the figures of small cells by the marker (see the module docstring for the rule).

    Parameters
    ----------
    table : DataFrame
        A table with a ``respondents`` column; every column of :data:`SUPPRESSED_COLUMNS` present is
        suppressed.
    min_count : int
        Cells with ``0 < respondents < min_count`` are small.

    Returns
    -------
    DataFrame
        A copy; suppressed columns have dtype object and hold the marker in small cells. A boolean column
        ``suppressed`` says which rows were suppressed.

    Examples
    --------
    >>> t = pd.DataFrame({"respondents": [0, 3, 7], "survey_answers": [0, 4, 9], "sessions": [2, 1, 0]})
    >>> suppress(t, 5)[["respondents", "survey_answers", "sessions"]].to_dict("list")
    {'respondents': [0, '<5', 7], 'survey_answers': [0, '<5', 9], 'sessions': [2, 1, 0]}
    """
    out = table.copy()
    small = (out["respondents"] > 0) & (out["respondents"] < min_count)
    for col in SUPPRESSED_COLUMNS:
        if col in out.columns:
            out[col] = out[col].astype(object)
            out.loc[small, col] = marker(min_count)
    out["suppressed"] = small.to_numpy()
    return out


def _small(table: pd.DataFrame, min_count: int) -> pd.Series:
    return (table["respondents"] > 0) & (table["respondents"] < min_count)


def _rank(
    data: AnalysisData,
    table: pd.DataFrame,
    key: str,
    tie: str,
    suppress_small: bool,
    group: str | None = None,
) -> pd.DataFrame:
    """Sort by ``key`` (largest first, ties by ``tie``) and suppress; small cells go last, ordered by ``tie``.

    A suppressed row keeps no place among the others: its position would tell roughly how large it is.
    """
    small = _small(table, data.min_count) if suppress_small else pd.Series(False, index=table.index)
    t = table.assign(_small=small, _key=table[key].where(~small, 0))
    by = [c for c in (group, "_small") if c] + ["_key", tie]
    asc = [True] * (len(by) - 2) + [False, True]
    t = t.sort_values(by, ascending=asc, kind="mergesort").drop(columns=["_small", "_key"])
    t = t.reset_index(drop=True)
    return suppress(t, data.min_count) if suppress_small else t


# -- counting ------------------------------------------------------------------------------------------------
def wijken(data: AnalysisData) -> list[str]:
    """Return the wijken that have segments, sorted."""
    return sorted(str(w) for w in data.segments["wijk"].dropna().unique())


def _scope(data: AnalysisData, wijk: str | None) -> pd.DataFrame:
    seg = data.segments
    if wijk is None:
        return seg
    if wijk not in set(seg["wijk"].dropna()):
        known = ", ".join(wijken(data)) or "(none)"
        raise ReportError(
            f"Unknown wijk {wijk!r}: no segments of it in the store. Wijken with segments: {known}."
        )
    return seg[seg["wijk"] == wijk]


def _count(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Count per group of segment rows (one row per segment and key combination)."""
    cols = [*keys, "sessions", "session_segments", "survey_answers", "respondents", "segments"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    f = frame.assign(
        _session=frame["session"].where(~frame["survey"]),
        _resp=(frame["doc_id"] + "\x00" + frame["respondent_id"].fillna("")).where(frame["survey"]),
        _sess_seg=(~frame["survey"]).astype(int),
        _surv=frame["survey"].astype(int),
    )
    g = f.groupby(keys, dropna=False, sort=True)
    out = pd.DataFrame(
        {
            "sessions": g["_session"].nunique(),
            "session_segments": g["_sess_seg"].sum(),
            "survey_answers": g["_surv"].sum(),
            "respondents": g["_resp"].nunique(),
        }
    ).reset_index()
    out["segments"] = out["session_segments"] + out["survey_answers"]
    return out[cols]


def _coded(data: AnalysisData, scope: pd.DataFrame) -> pd.DataFrame:
    return scope.merge(data.themes[["segment_id", "code_id"]], on="segment_id")


def _finish(data: AnalysisData, table: pd.DataFrame, suppress_small: bool) -> pd.DataFrame:
    """Most frequent first (ties by theme id), shares rounded, small cells suppressed and last."""
    table["share"] = table["share"].astype(float).round(4)
    return _rank(data, table, "segments", "theme", suppress_small)


def _label_col(data: AnalysisData, table: pd.DataFrame) -> pd.DataFrame:
    table.insert(table.columns.get_loc("code_id") + 1, "label", [data.label(c) for c in table["code_id"]])
    return table.rename(columns={"code_id": "theme"})


def wijk_overview(data: AnalysisData, suppress_small: bool = True) -> pd.DataFrame:
    """Per wijk (and a last row ``(stad)`` for the whole city): sessions, segments, respondents, coded share.

    Parameters
    ----------
    data : AnalysisData
    suppress_small : bool, default True
        Apply the suppression rule.

    Returns
    -------
    DataFrame
        ``wijk, sessions, session_segments, survey_answers, respondents, segments, coded_share, human_share,
        first_date, last_date`` (``coded_share``: share of segments with at least one effective theme code;
        ``human_share``: share of segments a person coded).
    """
    seg = data.segments.assign(wijk=data.segments["wijk"].fillna(CITY))
    coded_ids = set(data.themes["segment_id"])
    human_ids = set(data.codings.loc[data.codings["kind"] == "human", "segment_id"])
    rows = []
    for scope_name, frame in [*((w, seg[seg["wijk"] == w]) for w in wijken(data)), (CITY, seg)]:
        c = _count(frame.assign(_all="x"), ["_all"]).drop(columns="_all")
        c.insert(0, "wijk", scope_name)
        n = max(len(frame), 1)
        c["coded_share"] = round(frame["segment_id"].isin(coded_ids).sum() / n, 4)
        c["human_share"] = round(frame["segment_id"].isin(human_ids).sum() / n, 4)
        dates = frame.loc[~frame["survey"], "date"].dropna()
        c["first_date"] = dates.min() if len(dates) else None
        c["last_date"] = dates.max() if len(dates) else None
        rows.append(c)
    out = pd.concat(rows, ignore_index=True)
    return suppress(out, data.min_count) if suppress_small else out


def theme_prevalence(
    data: AnalysisData, wijk: str | None = None, suppress_small: bool = True
) -> pd.DataFrame:
    """How often each theme was raised in a wijk (or the city): segments, sessions, respondents, share.

    Parameters
    ----------
    data : AnalysisData
    wijk : str, optional
        The wijk; None for the whole city (every segment, also survey answers without a wijk).
    suppress_small : bool, default True
        Apply the suppression rule (set False only for internal computations, never for publication).

    Returns
    -------
    DataFrame
        One row per theme raised at least once: ``theme, label, sessions, session_segments, survey_answers,
        respondents, segments, share`` (+ ``suppressed``), most frequent first.

    Raises
    ------
    ReportError
        If ``wijk`` has no segments in the store.
    """
    scope = _scope(data, wijk)
    table = _count(_coded(data, scope), ["code_id"])
    table["share"] = table["segments"] / max(len(scope), 1)
    table = _label_col(data, table)
    return _finish(data, table, suppress_small)


def theme_by_kind(data: AnalysisData, wijk: str | None = None, suppress_small: bool = True) -> pd.DataFrame:
    """Themes per kind of input (behouden / verbeteren / vraag_of_zorg): the three sections of the report.

    A segment with two kinds counts in both; segments without a kind are left out.

    Returns
    -------
    DataFrame
        ``soort, theme, label, sessions, session_segments, survey_answers, respondents, segments, share``
        (+ ``suppressed``); ``share`` is the theme's share of the segments of that kind. Ordered by kind (the
        report's order), then most frequent first.
    """
    scope = _scope(data, wijk)
    with_kind = scope.merge(data.kinds[["segment_id", "soort"]], on="segment_id")
    per_kind = with_kind.groupby("soort").size()
    table = _count(_coded(data, with_kind), ["soort", "code_id"])
    table["share"] = table["segments"] / table["soort"].map(per_kind).clip(lower=1)
    order = {k: i for i, k in enumerate(data.soort_ids)}
    table.insert(0, "soort_order", table["soort"].map(lambda s: order.get(s, len(order))))
    table = _label_col(data, table)
    table["share"] = table["share"].astype(float).round(4)
    return _rank(data, table, "segments", "theme", suppress_small, group="soort_order").drop(
        columns="soort_order"
    )


def theme_by_wijk(data: AnalysisData, suppress_small: bool = True) -> pd.DataFrame:
    """Every theme in every wijk, long format (the heatmap of the city overview).

    Returns
    -------
    DataFrame
        ``wijk, theme, label, sessions, session_segments, survey_answers, respondents, segments, share``
        (+ ``suppressed``) for every wijk with segments and every theme of the codebook (zeros included).
    """
    seg = data.segments[data.segments["wijk"].notna()]
    counts = _count(_coded(data, seg), ["wijk", "code_id"])
    grid = pd.MultiIndex.from_product([wijken(data), data.theme_ids], names=["wijk", "code_id"]).to_frame(
        index=False
    )
    table = grid.merge(counts, on=["wijk", "code_id"], how="left")
    for col in ("sessions", "session_segments", "survey_answers", "respondents", "segments"):
        table[col] = table[col].fillna(0).astype(int)
    table["share"] = (table["segments"] / table["wijk"].map(seg.groupby("wijk").size()).clip(lower=1)).round(
        4
    )
    table = _label_col(data, table)
    return suppress(table, data.min_count) if suppress_small else table


def distinctive_themes(
    data: AnalysisData,
    wijk: str,
    prior_strength: float = 50.0,
    z_threshold: float = 1.96,
    suppress_small: bool = True,
) -> pd.DataFrame:
    """Each theme's share in a wijk against the city, with the log-odds ratio and whether it is distinctive.

    Parameters
    ----------
    data : AnalysisData
    wijk : str
    prior_strength : float, default 50
        ``a0``: pseudo-segments of the informative Dirichlet prior, spread as the city's theme shares (see the
        module docstring). Larger values shrink more.
    z_threshold : float, default 1.96
        z at or above which a theme with at least ``min_count`` segments in the wijk is distinctive.
    suppress_small : bool, default True

    Returns
    -------
    DataFrame
        ``theme, label, segments, respondents, share_wijk, share_city, log_odds, z, distinctive`` for every
        theme raised in the city, most distinctive first.

    Raises
    ------
    ReportError
        If ``wijk`` is unknown or ``prior_strength`` is not positive.
    """
    if prior_strength <= 0:
        raise ReportError(f"The 'prior_strength' parameter must be > 0. Got {prior_strength} instead.")
    scope = _scope(data, wijk)
    city = data.segments
    w = _count(_coded(data, scope), ["code_id"]).set_index("code_id")
    c = _count(_coded(data, city), ["code_id"]).set_index("code_id")
    n_w, n_c = len(scope), len(city)
    n_r = n_c - n_w
    rows = []
    total_coded = max(int(c["segments"].sum()), 1)
    for code_id in [t for t in data.theme_ids if t in c.index]:
        y_w = int(w["segments"].get(code_id, 0))
        y_c = int(c.loc[code_id, "segments"])
        y_r = y_c - y_w
        a = prior_strength * y_c / total_coded
        delta = math.log((y_w + a) / (n_w + prior_strength - y_w - a)) - math.log(
            (y_r + a) / (max(n_r, 0) + prior_strength - y_r - a)
        )
        z = delta / math.sqrt(1 / (y_w + a) + 1 / (y_r + a))
        rows.append(
            {
                "code_id": code_id,
                "segments": y_w,
                "respondents": int(w["respondents"].get(code_id, 0)),
                "share_wijk": round(y_w / max(n_w, 1), 4),
                "share_city": round(y_c / max(n_c, 1), 4),
                "log_odds": round(delta, 4),
                "z": round(z, 3),
            }
        )
    cols = ["code_id", "segments", "respondents", "share_wijk", "share_city", "log_odds", "z"]
    table = pd.DataFrame(rows, columns=cols)
    small = _small(table, data.min_count)
    table["distinctive"] = (table["z"] >= z_threshold) & (table["segments"] >= data.min_count) & ~small
    table = _label_col(data, table)
    return _rank(data, table, "z", "theme", suppress_small)


def change_over_time(data: AnalysisData, wijk: str, suppress_small: bool = True) -> pd.DataFrame:
    """Themes per session of a wijk, in date order: how the conversation shifted between sessions.

    Survey answers are not sessions and are left out, so there is nothing to suppress here;
    ``suppress_small`` is accepted for a signature like the other views.

    Returns
    -------
    DataFrame
        ``date, session, theme, label, segments, share`` (``share``: of the session's segments), ordered by
        date, session and most frequent theme. Empty when the wijk has no session segments.
    """
    scope = _scope(data, wijk)
    sess = scope[~scope["survey"]]
    cols = ["date", "session", "theme", "label", "segments", "share"]
    if sess.empty:
        return pd.DataFrame(columns=cols)
    sess = sess.assign(date=sess["date"].fillna(""), session=sess["session"].fillna(""))
    coded = _coded(data, sess)
    table = coded.groupby(["date", "session", "code_id"]).size().rename("segments").reset_index()
    per_session = sess.groupby(["date", "session"]).size()
    denom = [per_session[(d, s)] for d, s in zip(table["date"], table["session"], strict=True)]
    table["share"] = (table["segments"] / np.maximum(denom, 1)).round(4)
    table = _label_col(data, table)
    table = table.sort_values(
        ["date", "session", "segments", "theme"], ascending=[True, True, False, True], kind="mergesort"
    ).reset_index(drop=True)
    return table[cols]


# -- quotes --------------------------------------------------------------------------------------------------
def _vectors(data: AnalysisData, texts: list[str]) -> np.ndarray:
    """Embeddings of texts: the project's embedder through its cache, else TF-IDF fitted on these texts."""
    if data.embedder:
        try:
            from wijkanalyse.coding.embed import EmbeddingCache, embed_with_cache, get_embedder

            embedder = get_embedder(data.embedder)
            if data.store_dir is not None:
                with EmbeddingCache.for_store(data.store_dir) as cache:
                    return embed_with_cache(embedder, texts, cache, progress=False)
            return embed_with_cache(embedder, texts, None, progress=False)
        except ImportError:
            pass
    from sklearn.feature_extraction.text import TfidfVectorizer

    m = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)).fit_transform(texts).toarray()
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return (m / np.where(norms == 0, 1, norms)).astype(np.float32)


def _mmr(vecs: np.ndarray, centre_sim: np.ndarray, chosen: list[int], k: int, diversity: float) -> list[int]:
    picked: list[int] = []
    selected = list(chosen)
    candidates = [i for i in range(len(vecs)) if i not in selected]
    for _ in range(k):
        if not candidates:
            break
        if selected:
            redundancy = (vecs[candidates] @ vecs[selected].T).max(axis=1)
        else:
            redundancy = np.zeros(len(candidates))
        score = (1 - diversity) * centre_sim[candidates] - diversity * redundancy
        best = candidates[int(np.argmax(score))]  # first maximum: ties go to document order
        picked.append(best)
        selected.append(best)
        candidates.remove(best)
    return picked


def representative_quotes(
    data: AnalysisData,
    wijk: str | None = None,
    n_central: int = 2,
    n_diverse: int = 2,
    diversity: float = 0.6,
    min_chars: int = 25,
) -> pd.DataFrame:
    """Pick representative quotes per theme: the most central segments, and diverse ones (MMR).

    *Central*: closest (cosine) to the theme's centroid in embedding space — the project's embedder through
    its cache when the settings name one, else TF-IDF. *Diverse*: then picked by MMR, each maximising
    ``(1 - diversity) * sim(centroid) - diversity * max sim(already picked)``. Texts are the pseudonymised
    segment texts exactly as stored. Survey answers from a small cell (fewer than ``min_count`` respondents
    for the theme in this wijk) are withheld.

    Parameters
    ----------
    data : AnalysisData
    wijk : str, optional
        None for the city.
    n_central, n_diverse : int
        Quotes of each kind per theme.
    diversity : float, default 0.6
        MMR trade-off in [0, 1].
    min_chars : int, default 25
        Shorter segments are only used when a theme has no longer ones.

    Returns
    -------
    DataFrame
        ``theme, label, pick ('central'|'diverse'), rank, similarity, soort, segment_id, text, path, date,
        session, role, source_kind, survey, start, end`` (``source_kind``: verslag, transcript, enquete, ...;
        ``start`` and ``end``: offsets into the document text); themes in order of prevalence.

    Raises
    ------
    ReportError
        If ``diversity`` is outside [0, 1] or the counts are negative.
    """
    if not 0 <= diversity <= 1:
        raise ReportError(f"The 'diversity' parameter must be in [0, 1]. Got {diversity} instead.")
    if n_central < 0 or n_diverse < 0:
        raise ReportError(
            f"'n_central' and 'n_diverse' must be >= 0. Got {n_central} and {n_diverse} instead."
        )
    cols = [
        "theme",
        "label",
        "pick",
        "rank",
        "similarity",
        "soort",
        "segment_id",
        "text",
        "path",
        "date",
        "session",
        "role",
        "source_kind",
        "survey",
        "start",
        "end",
    ]
    scope = _scope(data, wijk)
    coded = _coded(data, scope)
    if coded.empty or n_central + n_diverse == 0:
        return pd.DataFrame(columns=cols)
    counts = _count(coded, ["code_id"]).set_index("code_id")
    small = {c for c, r in counts["respondents"].items() if 0 < r < data.min_count}
    coded = coded[~(coded["code_id"].isin(small) & coded["survey"])]
    order = [t for t in theme_prevalence(data, wijk)["theme"] if t in set(coded["code_id"])]
    kinds = data.kinds.groupby("segment_id")["soort"].agg(lambda s: ",".join(sorted(set(s))))
    unique = coded.drop_duplicates("segment_id")
    vec_of = dict(zip(unique["segment_id"], _vectors(data, unique["text"].tolist()), strict=True))
    rows = []
    for code_id in order:
        cand = coded[coded["code_id"] == code_id]
        longer = cand[cand["text"].str.len() >= min_chars]
        cand = (longer if len(longer) >= min(len(cand), n_central + n_diverse) else cand).reset_index(
            drop=True
        )
        vecs = np.vstack([vec_of[s] for s in cand["segment_id"]]).astype(np.float64)
        centroid = vecs.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        sim = vecs @ centroid
        central = list(np.argsort(-sim, kind="stable")[:n_central])
        diverse = _mmr(vecs, sim, central, n_diverse, diversity)
        for pick, idx in [*(("central", i) for i in central), *(("diverse", i) for i in diverse)]:
            r = cand.iloc[idx]
            rows.append(
                {
                    "theme": code_id,
                    "label": data.label(code_id),
                    "pick": pick,
                    "rank": 0,
                    "similarity": round(float(sim[idx]), 3),
                    "soort": kinds.get(r["segment_id"], ""),
                    "segment_id": r["segment_id"],
                    "text": r["text"],
                    "path": r["path"],
                    "date": r["date"],
                    "session": r["session"],
                    "role": r["role"],
                    "source_kind": r["kind"],
                    "survey": bool(r["survey"]),
                    "start": int(r["start"]),
                    "end": int(r["end"]),
                }
            )
    out = pd.DataFrame(rows, columns=cols)
    out["rank"] = out.groupby(["theme", "pick"]).cumcount() + 1
    return out


# -- discovered themes ---------------------------------------------------------------------------------------
def uncovered_themes(
    data: AnalysisData, wijk: str | None = None, suppress_small: bool = True
) -> pd.DataFrame:
    """Themes found by discovery that the codebook does not cover yet, with how often they occur here.

    From the newest discovery run (:func:`wijkanalyse.discovery.load_themes`): themes with ``covered`` False
    (fewer than half of their segments get a code); unassigned segments (theme ``-1``) are left out.

    Returns
    -------
    DataFrame
        ``theme_id, name, keywords, closest_code, sessions, session_segments, survey_answers, respondents,
        segments`` (+ ``suppressed``), largest first; empty when discovery has not run. ``name`` is the
        theme's label (its top words), ``keywords`` up to ten top words, ``closest_code`` the label of the
        code it is nearest to.
    """
    cols = ["theme_id", "name", "keywords", "closest_code", "sessions", "session_segments", "survey_answers",
            "respondents", "segments"]  # fmt: skip
    links, themes = data.discovered, data.discovered_themes
    if links.empty or themes.empty:
        return pd.DataFrame(columns=[*cols, "suppressed"])
    t = themes[~themes["covered"].astype(bool) & (themes["theme_id"] != -1)].set_index("theme_id")
    scope = _scope(data, wijk)
    joined = scope.merge(links[["segment_id", "theme_id"]], on="segment_id")
    table = _count(joined[joined["theme_id"].isin(set(t.index))], ["theme_id"])
    table["name"] = [_str(t.loc[i, "label"]) for i in table["theme_id"]]
    table["keywords"] = [", ".join(list(t.loc[i, "top_words"])[:10]) for i in table["theme_id"]]
    table["closest_code"] = [data.label(c) if isinstance(c, str) and c else "" for c in
                             (t.loc[i, "closest_code"] for i in table["theme_id"])]  # fmt: skip
    return _rank(data, table[cols], "segments", "theme_id", suppress_small)


# -- certainty -----------------------------------------------------------------------------------------------
def coding_certainty(data: AnalysisData, wijk: str | None = None) -> pd.DataFrame:
    """How the segments of a wijk were coded: by people, by the machine only, or not (yet).

    Returns
    -------
    DataFrame
        Rows ``human``, ``machine``, ``none`` with ``segments``, ``share`` and ``mean_confidence`` (machine
        codes only). ``human``: a person applied or rejected a theme code; ``machine``: only the machine coded
        it (including its ``geen``).
    """
    scope = _scope(data, wijk)
    ids = set(scope["segment_id"])
    cod = data.codings[data.codings["segment_id"].isin(ids)]
    human = set(cod.loc[cod["kind"] == "human", "segment_id"])
    machine = set(cod.loc[(cod["kind"] == MACHINE) & (cod["status"] == "applied"), "segment_id"]) - human
    none = ids - human - machine
    eff = data.themes[data.themes["segment_id"].isin(machine) & (data.themes["source"] == MACHINE)]
    n = max(len(ids), 1)
    mean_conf = (
        round(float(eff["confidence"].mean()), 3) if len(eff) and eff["confidence"].notna().any() else None
    )
    return pd.DataFrame(
        {
            "coded_by": ["human", "machine", "none"],
            "segments": [len(human), len(machine), len(none)],
            "share": [round(len(human) / n, 4), round(len(machine) / n, 4), round(len(none) / n, 4)],
            "mean_confidence": [None, mean_conf, None],
        }
    )


def confidence_distribution(data: AnalysisData, wijk: str | None = None) -> pd.DataFrame:
    """How sure the machine was: its effective theme codes per confidence bin.

    The bins are those of :data:`CONFIDENCE_BINS`, the first starting at the coding threshold (rounded down to
    0.05; lower when some code that counts has a lower confidence).

    Returns
    -------
    DataFrame
        ``bin`` (e.g. ``"0.70-0.90"``), ``low``, ``high``, ``codes`` (number of machine codes that count),
        ``share``.
    """
    scope = _scope(data, wijk)
    conf = data.themes.loc[
        data.themes["segment_id"].isin(set(scope["segment_id"])) & (data.themes["source"] == MACHINE),
        "confidence",
    ].dropna()
    # the first bin starts at the coding threshold (the machine applies nothing below it), or lower if needed
    low = min(data.coding_threshold, float(conf.min()) if len(conf) else 1.0)
    low = math.floor(low * 20) / 20
    edges = [low, *(e for e in CONFIDENCE_BINS if e > low)]
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        n = int(((conf >= lo) & ((conf < hi) if hi < 1 else (conf <= hi))).sum())
        rows.append({"bin": f"{lo:.2f}-{hi:.2f}", "low": lo, "high": hi, "codes": n})
    out = pd.DataFrame(rows)
    out["share"] = (out["codes"] / max(len(conf), 1)).round(4)
    return out


def agreement_summary(store: Store, threshold: float = 0.6) -> pd.DataFrame:
    """Return the agreement between coders, people and the machine (:mod:`~wijkanalyse.review.agreement`).

    Parameters
    ----------
    store : Store
    threshold : float, default 0.6
        ``settings.machine_agreement_threshold``: the machine's codes may stand unreviewed when its alpha
        against people reaches it.

    Returns
    -------
    DataFrame
        ``comparison, coders, n_segments, percent_agreement, kappa, alpha, machine_may_stand`` (see
        :func:`wijkanalyse.agreement.agreement_table`); empty when nothing has been coded twice.
    """
    from wijkanalyse.review.agreement import agreement_table

    table = agreement_table(store, threshold=threshold)
    for col in ("percent_agreement", "kappa", "alpha"):
        table[col] = table[col].astype(float).round(4)
    return table


def machine_decision(store: Store, data: AnalysisData, wijk: str | None = None) -> Any:
    """Whether the machine's codes may stand unreviewed (:func:`wijkanalyse.agreement.machine_may_stand`).

    Returns
    -------
    wijkanalyse.agreement.MachineDecision
        With ``explain(language)`` for the report.
    """
    from wijkanalyse.review.agreement import machine_may_stand

    return machine_may_stand(store, threshold=data.machine_agreement_threshold, wijk=wijk)


# -- bundles for the reports ---------------------------------------------------------------------------------
def wijk_tables(data: AnalysisData, wijk: str, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Every table of a wijk report, suppressed, keyed by the CSV name the report writes.

    With ``store`` the agreement table (``overeenstemming``, project-wide) is added.

    Raises
    ------
    ReportError
        If the wijk has no segments.
    """
    _scope(data, wijk)
    tables = {
        "overzicht": wijk_overview(data).query("wijk == @wijk").reset_index(drop=True),
        "prevalentie": theme_prevalence(data, wijk),
        "soort_per_thema": theme_by_kind(data, wijk),
        "onderscheidend": distinctive_themes(data, wijk),
        "verloop": change_over_time(data, wijk),
        "citaten": representative_quotes(data, wijk),
        "nieuwe_themas": uncovered_themes(data, wijk),
        "codering": coding_certainty(data, wijk),
        "zekerheid": confidence_distribution(data, wijk),
    }
    if store is not None:
        tables["overeenstemming"] = agreement_summary(store, data.machine_agreement_threshold)
    return tables


def city_tables(data: AnalysisData, store: Store | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the city overview, suppressed, keyed by CSV name (with ``store``: plus agreement)."""
    tables = {
        "overzicht": wijk_overview(data),
        "prevalentie": theme_prevalence(data),
        "thema_per_wijk": theme_by_wijk(data),
        "soort_per_thema": theme_by_kind(data),
        "citaten": representative_quotes(data),
        "nieuwe_themas": uncovered_themes(data),
        "codering": coding_certainty(data),
        "zekerheid": confidence_distribution(data),
    }
    if store is not None:
        tables["overeenstemming"] = agreement_summary(store, data.machine_agreement_threshold)
    return tables
