"""Stage 5 (inductive): discover themes the codebook lacks in a store, and promote one to a code.

:func:`discover_store` runs a :class:`~wijkanalyse.coding.theme_model.ThemeModel` over every segment of a
store, marks the themes the codebook covers, and writes them through the store (tables ``themes`` and
``segment_themes`` of :mod:`wijkanalyse.store.schema`; one set of rows per run, the newest run is the current
one, see :func:`load_themes`). :func:`promote_theme` turns a discovered theme into a new code (its top words
as include note, its representative segments as examples).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from wijkanalyse.coding.codebook import NONE_CODE, Codebook, load_codebook
from wijkanalyse.coding.embed import Embedder, EmbeddingCache, embed_with_cache, get_embedder
from wijkanalyse.coding.theme_model import MIN_TEXTS, ThemeModel, default_min_theme_size
from wijkanalyse.config import Settings
from wijkanalyse.store import Store

__all__ = [
    "ThemeModel",
    "DiscoveryResult",
    "promote_theme",
    "discover_store",
    "load_themes",
    "default_min_theme_size",
    "MIN_TEXTS",
]


@dataclass
class DiscoveryResult:
    """What :func:`discover_store` did.

    Attributes
    ----------
    run_id : str
    segments : int
        Segments clustered.
    themes : int
        Themes found.
    uncovered : list of int
        Ids of the themes the codebook does not cover.
    outliers_before, outliers_after : int
        Segments HDBSCAN left without a theme, and those still without one after reassignment.
    min_theme_size : int
    """

    run_id: str
    segments: int
    themes: int
    uncovered: list[int] = field(default_factory=list)
    outliers_before: int = 0
    outliers_after: int = 0
    min_theme_size: int = 0

    def to_dict(self) -> dict[str, Any]:
        """All fields as a JSON-ready dict (the run's summary in the store)."""
        return asdict(self)

    def describe(self) -> str:
        """Return a one-line account of the run."""
        return (
            f"Discovery: {self.themes} themes in {self.segments} segments "
            f"(min size {self.min_theme_size}); "
            f"{self.outliers_before} outliers reassigned, {self.outliers_after} left; "
            f"{len(self.uncovered)} not covered by the codebook. Run {self.run_id}."
        )


def promote_theme(
    codebook: Codebook,
    theme: Mapping[str, Any],
    code_id: str,
    label_nl: str,
    *,
    label_en: str = "",
    definition: str | None = None,
    parent: str | None = None,
    color: str | None = None,
    n_examples: int = 8,
) -> Codebook:
    """Return a new codebook with a discovered theme as a code.

    Parameters
    ----------
    codebook : Codebook
    theme : mapping
        A row of :attr:`ThemeModel.themes_` or of :func:`load_themes` (needs ``top_words`` and
        ``representative_texts``, or ``label``).
    code_id, label_nl : str
        Id and Dutch label of the new code.
    label_en : str, optional
    definition : str, optional
        Default: "Thema gevonden in de segmenten, met de kernwoorden: ...". Write a real definition before you
        code with it.
    parent, color : str, optional
    n_examples : int, default 8
        Representative segments used as example phrases (each cut to 300 characters).

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        If the new code breaks a codebook rule (duplicate id, reserved id, unknown parent, ...).
    """
    words = theme.get("top_words") or []
    if isinstance(words, str):
        words = json.loads(words) if words.startswith("[") else [w.strip() for w in words.split(",")]
    if not words and theme.get("label"):
        words = [w.strip() for w in str(theme["label"]).split(",")]
    examples = [str(t).strip()[:300] for t in (theme.get("representative_texts") or []) if str(t).strip()]
    return codebook.add_code(
        code_id,
        label_nl,
        definition or f"Thema gevonden in de segmenten, met de kernwoorden: {', '.join(words[:8])}.",
        label_en=label_en,
        include=[f"Kernwoorden: {', '.join(words)}."] if words else [],
        examples=examples[:n_examples],
        parent=parent,
        color=color,
    )


def discover_store(
    store: Store,
    settings: Settings,
    embedder: Embedder | None = None,
    codebook: Codebook | None = None,
    run_id: str | None = None,
    min_theme_size: int | None = None,
    progress: bool | None = None,
) -> DiscoveryResult:
    """Discover themes in all segments of a store and write the ``themes`` and ``segment_themes`` tables.

    Parameters
    ----------
    store : Store
    settings : Settings
        Uses ``embedder``, ``codebook_path``, ``coding_threshold`` and ``seed``.
    embedder : Embedder, optional
        Default: ``get_embedder(settings.embedder)``.
    codebook : Codebook, optional
        For the coverage columns. Default: the codebook at ``settings.codebook_path``.
    run_id : str, optional
        Default: a new run ``discover``.
    min_theme_size : int, optional
        Default: :func:`default_min_theme_size`.
    progress : bool, optional

    Returns
    -------
    DiscoveryResult
    """
    cb = codebook if codebook is not None else load_codebook(settings.codebook_path)
    emb = embedder if embedder is not None else get_embedder(settings.embedder)
    own_run = run_id is None
    if own_run:
        run_id = store.start_run(
            "discover", json.dumps({"embedder": emb.model_id, "min_theme_size": min_theme_size})
        )
    try:
        result = _discover(store, settings, cb, emb, str(run_id), min_theme_size, progress)
    except BaseException:
        if own_run:
            store.finish_run(str(run_id), status="failed")
        raise
    if own_run:
        store.finish_run(str(run_id), status="ok", summary_json=json.dumps(result.to_dict()))
    return result


def _discover(
    store: Store,
    settings: Settings,
    cb: Codebook,
    emb: Embedder,
    run_id: str,
    min_theme_size: int | None,
    progress: bool | None,
) -> DiscoveryResult:
    segs = store.segment_texts()
    texts = segs["text"].tolist()
    theme_codes = set(cb.ids) | {NONE_CODE}
    by_seg: dict[str, list[str]] = {}
    for sid, code in store.human_codings("applied", by_segment=False).itertuples(index=False, name=None):
        if code in theme_codes:
            by_seg.setdefault(sid, []).append(code)
    with EmbeddingCache.for_store(store) as cache:
        E = embed_with_cache(emb, texts, cache, progress=progress)
        model = ThemeModel(
            min_theme_size=min_theme_size,
            random_state=int(getattr(settings, "seed", 42)),
            embedder=emb,
            cache=cache,
        )
        model.fit(texts, embeddings=E, ids=segs["segment_id"].tolist())
        threshold = float(getattr(settings, "coding_threshold", 0.35))
        themes = model.coverage(cb, threshold=threshold, labels=[by_seg.get(s) for s in segs["segment_id"]])
    store.add_theme_run(
        run_id,
        themes.to_dict("records"),
        model.assignments_[["id", "theme_id", "outlier"]].itertuples(index=False, name=None),
        model=f"bertopic+{emb.model_id}",
    )
    return DiscoveryResult(
        run_id=run_id,
        segments=len(segs),
        themes=int(len(themes)),
        uncovered=[int(t) for t, c in zip(themes["theme_id"], themes["covered"], strict=True) if not c],
        outliers_before=int(model.assignments_["outlier"].sum()),
        outliers_after=int((model.labels_ == -1).sum()),
        min_theme_size=int(model.min_theme_size_),
    )


def load_themes(store: Store, run_id: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Themes and segment assignments of one discovery run (default: the newest).

    Parameters
    ----------
    store : Store
    run_id : str, optional
        Default: the newest discovery run.

    Returns
    -------
    (themes, segment_themes) : tuple of pandas.DataFrame
        Empty frames when no discovery has run. ``top_words`` and ``representative_ids`` are lists;
        ``representative_texts`` is added from the segments.
    """
    run_id = run_id if run_id is not None else store.latest_theme_run()
    if run_id is None:
        return store.themes(), store.segment_themes()
    themes = store.themes(run_id)
    assign = store.segment_themes(run_id)
    themes["top_words"] = themes["top_words"].map(json.loads)
    themes["representative_ids"] = themes["representative_ids"].map(json.loads)
    segs = store.segment_texts()
    texts = dict(zip(segs["segment_id"], segs["text"], strict=True))
    themes["representative_texts"] = themes["representative_ids"].map(
        lambda ids: [texts.get(i, "") for i in ids]
    )
    themes["covered"] = themes["covered"].astype(bool)
    return themes, assign
