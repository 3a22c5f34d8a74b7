"""Read the store once for every view: segments, the codes that count, codes, and the discovered themes.

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

The kinds of input are the codebook's business: only the codebook's own ``soort`` codes count (a context kind
the codebook does not have is dropped), and a codebook with ``soort: []`` has none. A segment without a kind
is *neutral* (descriptive, no judgement, or not known): it counts under its themes and in no kind of input.

Discovered themes come from one discovery run: the newest, or the one a report run pinned (``discovery_run``),
so that every report of a run shows the same themes.

Without a codebook
------------------
A corpus whose codebook has no themes (no ``codebook:`` in its settings, nothing coded by people) still gets
reports that count, compare and quote: the themes of the discovery run then *are* the themes
(``theme_source == "discovery"``). Every segment discovery put in a theme counts under it (code id
``ontdekt-<theme id>``, labelled with the theme's short name, ``source`` ``discovery``, so it counts neither
as a person's nor as the machine's coding), through the same tables and the same disclosure control as codes.
Nothing else changes: once a codebook is named, or people code themes, the codes count again and the
discovered themes go back to being the "new themes" beside them. Decided so because a researcher's first run
on their own material has no codebook yet, and a report without any counts or quotes tells them nothing.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijkanalyse.coding.codebook import SOORT_IDS, settings_codebook
from wijkanalyse.config import Settings
from wijkanalyse.exceptions import ReportError
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import MACHINE, NONE_CODE

__all__ = ["AnalysisData", "load", "load_discovered", "kind_from_context", "as_text", "DISCOVERED_PREFIX"]

_KIND_PATTERNS = (
    ("behouden", re.compile(r"behoud|behouden|bewaren|blijven|goed gaat|keep|preserve", re.I)),
    ("verbeteren", re.compile(r"verbeter|beter moet|improve", re.I)),
    ("vraag_of_zorg", re.compile(r"vra(a)?g|zorg|concern|question|worr", re.I)),
)


def as_text(value: Any) -> str:
    """Return a cell value as text: ``""`` for None and NaN.

    Examples
    --------
    >>> as_text(None), as_text(float("nan")), as_text("Noord"), as_text(3)
    ('', '', 'Noord', '3')
    """
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


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
        Every coding row of the store (rejected ones too), for
        :func:`~wijkanalyse.analysis.certainty.coding_certainty`.
    codes : DataFrame
        ``code_id, dimension, label_nl, label_en, color, codebook_version``.
    discovered : DataFrame
        ``segment_id, theme_id`` from discovery (empty when discovery has not run).
    discovered_themes : DataFrame
        The discovered themes of that discovery run (empty when absent).
    discovery_run : str or None
        The id of the discovery run that ``discovered`` and ``discovered_themes`` come from.
    min_fragments, min_sources : int
        A theme is a headline only with this many segments from this many sources (settings).
    theme_source : str
        ``"codebook"``: ``themes`` are codes; ``"discovery"``: there is no codebook theme and ``themes`` are
        the discovered themes (see "Without a codebook" above).
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
    machine_agreement_threshold: float = 0.667
    coding_threshold: float = 0.35
    discovery_run: str | None = None
    min_fragments: int = 3
    min_sources: int = 2
    theme_source: str = "codebook"

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
                str(r.code_id): (as_text(r.label_nl), as_text(r.label_en))
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
        """Kind-of-input ids of the codebook: its default kinds first (in their order), then its others.

        Empty for a codebook without kinds of input (``soort: []``): its reports are organised by theme only.
        """
        soort = [str(c) for c in self.codes.loc[self.codes["dimension"] == "soort", "code_id"]]
        return [k for k in SOORT_IDS if k in soort] + [c for c in soort if c not in SOORT_IDS]

    @property
    def codebook_version(self) -> str | None:
        """The codebook version recorded with the codes in the store."""
        versions = self.codes.get("codebook_version", pd.Series(dtype=object)).dropna().unique()
        return str(sorted(versions)[-1]) if len(versions) else None


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
        One of :data:`~wijkanalyse.coding.codebook.SOORT_IDS`, or None when the text names none or more than
        one.

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


def _codes_frame(store: Store, settings: Settings | None) -> pd.DataFrame:
    codes = store.codes_in_store_order()
    if len(codes) or settings is None:
        return codes
    try:  # nothing coded yet: labels from the codebook file
        frame = settings_codebook(settings).to_frame()
        return frame[list(codes.columns)]
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
        machine = machine[np.array(keep, dtype=bool)]  # a list would select columns when empty
    h = human.groupby(["segment_id", "code_id"], as_index=False).agg(confidence=("confidence", "max"))
    h["source"] = "human"
    m = machine.groupby(["segment_id", "code_id"], as_index=False).agg(confidence=("confidence", "max"))
    m["source"] = "machine"
    out = pd.concat([h, m], ignore_index=True)[["segment_id", "code_id", "source", "confidence"]]
    return out.sort_values(["segment_id", "code_id"]).reset_index(drop=True)


def _resolve_kinds(segments: pd.DataFrame, soort: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """Return the kind of input per segment: human, else context, else machine; only ``known`` kinds."""
    soort = soort[soort["code_id"].isin(known)].rename(columns={"code_id": "soort"})
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
    ctx = ctx[ctx["soort"].isin(known) & ~ctx["segment_id"].isin(set(human["segment_id"]))]
    ctx = ctx.assign(source="context", confidence=np.nan)
    decided = set(human["segment_id"]) | set(ctx["segment_id"])
    machine = machine[~machine["segment_id"].isin(decided)]
    out = pd.concat([human, ctx, machine], ignore_index=True)[["segment_id", "soort", "source", "confidence"]]
    return out.sort_values(["segment_id", "soort"]).reset_index(drop=True)


def load(
    store: Store,
    settings: Settings | None = None,
    *,
    min_count: int | None = None,
    language: str | None = None,
    discovery_run: str | None = None,
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
    discovery_run : str, optional
        The discovery run whose themes to read; default the newest.

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
    # the codebook's kinds of input; with no codes at all (nothing synced, no codebook) the default ones
    known = set(codes.loc[codes["dimension"] == "soort", "code_id"]) if len(codes) else set(SOORT_IDS)
    for k in known:
        dimension_of.setdefault(k, "soort")
    themes = _effective(codings, dimension_of, "thema")
    themes = themes[themes["code_id"] != NONE_CODE].reset_index(drop=True)
    kinds = _resolve_kinds(segments, _effective(codings, dimension_of, "soort"), known - {NONE_CODE})
    run = discovery_run if discovery_run is not None else store.latest_theme_run()
    discovered, discovered_themes = load_discovered(store, run)
    source = "codebook"
    if themes.empty and not _has_theme_codes(codes) and len(discovered_themes):
        themes, codes, source = _discovered_as_themes(discovered, discovered_themes, codes)
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
        machine_agreement_threshold=settings.machine_agreement_threshold if settings else 0.667,
        coding_threshold=settings.coding_threshold if settings else 0.35,
        discovery_run=run,
        min_fragments=settings.min_fragments if settings else 3,
        min_sources=settings.min_sources if settings else 2,
        theme_source=source,
    )


#: The code id prefix of a discovered theme that stands in for a code when there is no codebook.
DISCOVERED_PREFIX = "ontdekt-"


def _has_theme_codes(codes: pd.DataFrame) -> bool:
    themes = codes.loc[codes["dimension"] == "thema", "code_id"] if len(codes) else pd.Series(dtype=object)
    return bool((themes != NONE_CODE).any())


def _discovered_as_themes(
    links: pd.DataFrame, themes: pd.DataFrame, codes: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Return (themes, codes, "discovery"): the discovered themes as the effective theme codes."""
    found = themes[themes["theme_id"] != -1].sort_values("theme_id")
    ids = {int(t): f"{DISCOVERED_PREFIX}{int(t)}" for t in found["theme_id"]}
    assigned = links[links["theme_id"].isin(set(ids))]
    effective = pd.DataFrame(
        {
            "segment_id": assigned["segment_id"].astype(str),
            "code_id": [ids[int(t)] for t in assigned["theme_id"]],
            "source": "discovery",
            "confidence": np.nan,
        }
    )
    labels = [as_text(x) or str(i) for x, i in zip(found["label"], ids.values(), strict=True)]
    rows = pd.DataFrame(
        {"code_id": list(ids.values()), "dimension": "thema", "label_nl": labels, "label_en": labels}
    )
    rows = rows.reindex(columns=codes.columns) if len(codes.columns) else rows
    out_codes = pd.concat([codes, rows], ignore_index=True) if len(codes) else rows
    effective = effective.sort_values(["segment_id", "code_id"]).reset_index(drop=True)
    return effective, out_codes, "discovery"


def load_discovered(store: Store, run_id: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (segment_themes, themes) of a discovery run; empty themes when discovery never ran.

    Reads the tables :mod:`wijkanalyse.coding.discovery` writes (one set of rows per run) through
    :meth:`~wijkanalyse.store.Store.themes` and :meth:`~wijkanalyse.store.Store.segment_themes`.

    Parameters
    ----------
    store : Store
    run_id : str, optional
        The discovery run; default the newest (:meth:`~wijkanalyse.store.Store.latest_theme_run`).

    Returns
    -------
    (segment_themes, themes) : tuple of pandas.DataFrame
        ``segment_themes``: ``run_id, segment_id, theme_id, outlier``; ``themes``: ``theme_id, label,
        top_words (list), covered (bool), closest_code``.
    """
    if run_id is None:
        run_id = store.latest_theme_run()  # once, so that themes and links come from the same run
    links, t = store.segment_themes(run_id), store.themes(run_id)
    if t.empty:
        return links, pd.DataFrame(columns=["theme_id", "label", "top_words", "covered", "closest_code"])
    themes = pd.DataFrame(
        {
            "theme_id": t["theme_id"],
            "label": t["label"].astype(str),
            "top_words": [json.loads(w) for w in t["top_words"]],
            "covered": t["covered"].astype(bool),
            "closest_code": t["closest_code"],
        }
    )
    return links, themes
