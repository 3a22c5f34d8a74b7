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

import numpy as np
import pandas as pd

from wijkanalyse.coding.codebook import NONE_CODE, Codebook, settings_codebook
from wijkanalyse.coding.embed import Embedder, EmbeddingCache, embed_with_cache, get_embedder
from wijkanalyse.coding.theme_model import MIN_TEXTS, ThemeModel, default_min_theme_size, theme_coverage
from wijkanalyse.coding.theme_state import ThemeState, assign_to_themes, match_themes, theme_centres
from wijkanalyse.config import Settings
from wijkanalyse.ingest.segment import is_quotable
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
        Segments in the store (each gets a row in ``segment_themes``).
    themes : int
        Themes of the run.
    uncovered : list of int
        Ids of the themes the codebook does not cover.
    outliers_before, outliers_after : int
        Segments clustering left without a theme (a full fit) or that fit no theme (an update), and those
        still without one at the end (boilerplate and table rows not counted).
    min_theme_size : int
    mode : str
        ``fit`` (the first run), ``update`` (the previous run's themes kept, new segments placed) or ``refit``
        (all themes fitted anew, ids carried over); empty for a result made by hand.
    reason : str
        Why a refit happened.
    left_out : int
        Boilerplate segments and table rows: not clustered, without a theme.
    new_segments, placed : int
        In an update: segments to place (new ones and those that waited) and those that joined a theme.
    kept_ids : int
        Segments of the previous run whose theme id is the same in this one.
    carried_themes, new_themes : int
        Themes that continue one of the previous run (same id) and themes that are new.
    codebook : bool
        False when the settings name no codebook (then no theme is "covered": there is nothing to cover it).
    """

    run_id: str
    segments: int
    themes: int
    uncovered: list[int] = field(default_factory=list)
    outliers_before: int = 0
    outliers_after: int = 0
    min_theme_size: int = 0
    mode: str = ""
    reason: str = ""
    left_out: int = 0
    new_segments: int = 0
    placed: int = 0
    kept_ids: int = 0
    carried_themes: int = 0
    new_themes: int = 0
    codebook: bool = True

    def to_dict(self) -> dict[str, Any]:
        """All fields as a JSON-ready dict (the run's summary in the store)."""
        return asdict(self)

    def describe(self) -> str:
        """Return a one-line account of the run."""
        covered = f"{len(self.uncovered)} not covered by the codebook" if self.codebook else "no codebook"
        line = (
            f"Discovery: {self.themes} themes in {self.segments} segments "
            f"(min size {self.min_theme_size}); "
            f"{self.outliers_before} outliers reassigned, {self.outliers_after} left; "
            f"{covered}. Run {self.run_id}."
        )
        if self.mode == "update":
            line += (
                f" Themes kept from the last run: {self.placed} of {self.new_segments} new segments joined "
                f"one, {self.new_segments - self.placed} wait for a theme."
            )
        elif self.mode == "refit":
            line += (
                f" Refit ({self.reason}): {self.carried_themes} themes kept their id, {self.new_themes} new; "
                f"{self.kept_ids} segments kept their theme id."
            )
        if self.left_out:
            line += f" {self.left_out} boilerplate segments and table rows left out."
        return line


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
    refit: bool = False,
) -> DiscoveryResult:
    """Discover themes in the segments of a store and write the ``themes`` and ``segment_themes`` tables.

    The first run fits every theme. A later run keeps the themes of the previous one (their ids, labels and
    promoted codes) and places only the new segments (see :mod:`wijkanalyse.coding.theme_state`); it refits
    every theme, carrying the ids over to the themes that continue an old one, when ``refit`` is True, when
    the segments that fit no theme pass ``settings.discovery.refit_share`` or form a theme of their own, or
    when the embedder, the seed or the smallest theme size changed. Boilerplate segments and table rows
    (:func:`~wijkanalyse.ingest.segment.is_quotable`) are not clustered: they get no theme.

    Parameters
    ----------
    store : Store
    settings : Settings
        Uses ``embedder``, ``codebook_path``, ``coding_threshold``, ``seed`` and ``discovery``.
    embedder : Embedder, optional
        Default: ``get_embedder(settings.embedder)``.
    codebook : Codebook, optional
        For the coverage columns. Default: the codebook at ``settings.codebook_path``.
    run_id : str, optional
        Default: a new run ``discover``.
    min_theme_size : int, optional
        Default: ``settings.discovery.min_theme_size``, else chosen from the data (a full fit) or kept from
        the previous fit (an update).
    progress : bool, optional
    refit : bool, default False
        Fit every theme anew even when the previous themes still fit.

    Returns
    -------
    DiscoveryResult
    """
    cb = codebook if codebook is not None else settings_codebook(settings)
    emb = embedder if embedder is not None else get_embedder(settings.embedder)
    if min_theme_size is None:
        min_theme_size = settings.discovery.min_theme_size
    own_run = run_id is None
    if own_run:
        run_id = store.start_run(
            "discover",
            json.dumps({"embedder": emb.model_id, "min_theme_size": min_theme_size, "refit": refit}),
        )
    try:
        result = _discover(store, settings, cb, emb, str(run_id), min_theme_size, progress, refit)
    except BaseException:
        if own_run:
            store.finish_run(str(run_id), status="failed")
        raise
    if own_run:
        store.finish_run(str(run_id), status="ok", summary_json=json.dumps(result.to_dict()))
    return result


def _segments_to_cluster(store: Store) -> tuple[pd.DataFrame, pd.Series]:
    """Every segment (by id) with its text, and which may be clustered (no boilerplate, no table row)."""
    segs = store.segments().sort_values("segment_id", kind="stable").reset_index(drop=True)
    ok = [is_quotable(str(u or ""), b) for u, b in zip(segs["unit"], segs["boilerplate"], strict=True)]
    return segs[["segment_id", "text"]], pd.Series(ok, index=segs.index, dtype=bool)


def _why_refit(
    store: Store, state: ThemeState | None, emb: Embedder, seed: int, min_size: int | None, refit: bool
) -> str:
    """Return why the previous themes cannot simply be kept ("" when they can)."""
    previous = store.latest_theme_run()
    if previous is None:
        return "first run"
    if refit:
        return "asked for"
    if state is None or state.run_id != previous:
        return "no saved state of the last run"
    if state.model_id != emb.model_id:
        return f"the embedder changed ({state.model_id} -> {emb.model_id})"
    if state.seed != seed:
        return "the seed changed"
    if min_size is not None and min_size != state.min_theme_size:
        return f"the smallest theme size changed ({state.min_theme_size} -> {min_size})"
    return ""


def _discover(
    store: Store,
    settings: Settings,
    cb: Codebook,
    emb: Embedder,
    run_id: str,
    min_theme_size: int | None,
    progress: bool | None,
    refit: bool,
) -> DiscoveryResult:
    segs, ok = _segments_to_cluster(store)
    seed = int(getattr(settings, "seed", 42))
    state = ThemeState.load(store.folder)
    reason = _why_refit(store, state, emb, seed, min_theme_size, refit)
    with EmbeddingCache.for_store(store) as cache:
        if not reason and state is not None:
            done = _update(store, settings, cb, emb, cache, run_id, segs, ok, state, progress)
            if isinstance(done, DiscoveryResult):
                return done
            reason = done
        return _fit(store, settings, cb, emb, cache, run_id, segs, ok, min_theme_size, progress, reason)


def _human_theme_codes(store: Store, cb: Codebook) -> dict[str, list[str]]:
    theme_codes = set(cb.ids) | {NONE_CODE}
    by_seg: dict[str, list[str]] = {}
    for sid, code in store.human_codings("applied", by_segment=False).itertuples(index=False, name=None):
        if code in theme_codes:
            by_seg.setdefault(sid, []).append(code)
    return by_seg


# size: one fit, its coverage, the matching onto the previous run and the writes read best in one place
def _fit(
    store: Store,
    settings: Settings,
    cb: Codebook,
    emb: Embedder,
    cache: EmbeddingCache,
    run_id: str,
    segs: pd.DataFrame,
    ok: pd.Series,
    min_theme_size: int | None,
    progress: bool | None,
    reason: str,
) -> DiscoveryResult:
    """Fit every theme; on a refit a theme that continues an old one gets its id, label and promoted code."""
    part = segs[ok]
    texts, ids = part["text"].tolist(), part["segment_id"].tolist()
    E = embed_with_cache(emb, texts, cache, progress=progress)
    seed = int(getattr(settings, "seed", 42))
    model = ThemeModel(
        min_theme_size=min_theme_size, random_state=seed, embedder=emb, cache=cache,
        extra_stop_words=settings.theme_stop_words,  # the corpus's own topic words and unit names
    )  # fmt: skip
    model.fit(texts, embeddings=E, ids=ids)
    by_seg = _human_theme_codes(store, cb)
    threshold = float(getattr(settings, "coding_threshold", 0.35))
    themes = model.coverage(cb, threshold=threshold, labels=[by_seg.get(s) for s in ids]).copy()
    labels = np.asarray(model.labels_)
    previous = store.latest_theme_run()
    old_links: dict[Any, int] = {}
    old_themes = pd.DataFrame(columns=["theme_id", "label", "promoted_code"])
    next_id = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    mapping = {int(t): int(t) for t in themes["theme_id"]}
    if previous is not None:
        old_links = dict(store.segment_themes(previous)[["segment_id", "theme_id"]].itertuples(index=False))
        old_themes = store.themes(previous)
        state = ThemeState.load(store.folder)
        first_free = max([*old_themes["theme_id"].tolist(), -1]) + 1
        first_free = max(first_free, state.next_theme_id if state is not None else 0)
        mapping, next_id = match_themes(old_links, dict(zip(ids, labels.tolist(), strict=True)), first_free)
    labels = np.array([mapping.get(int(t), -1) for t in labels], dtype=np.int64)
    themes["theme_id"] = [mapping[int(t)] for t in themes["theme_id"]]
    carried = set(old_themes["theme_id"].astype(int)) & set(themes["theme_id"])
    old = old_themes.set_index("theme_id")
    themes["promoted_code"] = [
        old.at[t, "promoted_code"] if t in carried else None for t in themes["theme_id"]
    ]
    themes["label"] = [old.at[t, "label"] if t in carried else lab for t, lab in
                       zip(themes["theme_id"], themes["label"], strict=True)]  # fmt: skip
    themes = themes.sort_values("theme_id", kind="stable").reset_index(drop=True)
    outlier = model.assignments_["outlier"].to_numpy(dtype=bool)
    theme_of = dict(zip(ids, labels.tolist(), strict=True))
    flags = dict(zip(ids, outlier.tolist(), strict=True))
    links = [(s, int(theme_of.get(s, -1)), bool(flags.get(s, False))) for s in segs["segment_id"]]
    store.add_theme_run(run_id, themes.to_dict("records"), links, model=f"umap+hdbscan+ctfidf/{emb.model_id}")
    tids, centres, cutoffs = theme_centres(E, labels, core=~outlier)
    m = int(model.min_theme_size_)
    state = ThemeState(run_id, emb.model_id, seed, m, next_id, tids, centres, cutoffs, cb.version_tag)
    state.save(store.folder)
    kept = sum(1 for s, t in old_links.items() if t >= 0 and theme_of.get(s, -1) == t)
    return DiscoveryResult(
        run_id=run_id,
        segments=len(segs),
        themes=int(len(themes)),
        uncovered=[int(t) for t, c in zip(themes["theme_id"], themes["covered"], strict=True) if not c],
        outliers_before=int(outlier.sum()),
        outliers_after=int((labels == -1).sum()),
        min_theme_size=int(model.min_theme_size_),
        mode="fit" if previous is None else "refit",
        reason="" if previous is None else reason,
        left_out=int((~ok).sum()),
        kept_ids=kept,
        carried_themes=len(carried),
        new_themes=int(len(themes)) - len(carried),
        codebook=bool(cb.codes),
    )


# size: an update reads the previous run, places the new segments and writes the run in one pass
def _update(
    store: Store,
    settings: Settings,
    cb: Codebook,
    emb: Embedder,
    cache: EmbeddingCache,
    run_id: str,
    segs: pd.DataFrame,
    ok: pd.Series,
    state: ThemeState,
    progress: bool | None,
) -> DiscoveryResult | str:
    """Keep the previous run's themes and place the new segments; return why to refit instead, if so."""
    previous = store.segment_themes(state.run_id)
    old_links = dict(zip(previous["segment_id"], previous["theme_id"].astype(int), strict=True))
    old_flags = dict(zip(previous["segment_id"], previous["outlier"].astype(bool), strict=True))
    part = segs[ok]
    ids = part["segment_id"].tolist()
    waiting = [i for i, s in enumerate(ids) if old_links.get(s, -1) < 0]
    E = embed_with_cache(emb, [part["text"].iloc[i] for i in waiting], cache, progress=progress)
    placed, _ = assign_to_themes(E, state)
    unplaced = np.flatnonzero(placed == -1)
    share = len(unplaced) / max(len(ids), 1)
    if share > settings.discovery.refit_share:
        return f"{len(unplaced)} segments ({share:.0%}) fit no theme"
    if len(unplaced) >= 2 * state.min_theme_size and _forms_a_theme(E[unplaced], state.min_theme_size):
        return f"the {len(unplaced)} segments that fit no theme form a new one"
    theme_of = {s: int(old_links[s]) for s in ids if old_links.get(s, -1) >= 0}
    theme_of.update({ids[i]: int(t) for i, t in zip(waiting, placed.tolist(), strict=True)})
    waits = {ids[i] for i in waiting} - set(theme_of)  # outliers: clustered, but fit no theme (yet)
    links = [(s, theme_of.get(s, -1), s in waits or old_flags.get(s, False)) for s in segs["segment_id"]]
    sizes = pd.Series(list(theme_of.values())).value_counts()
    themes = store.themes(state.run_id)
    themes = themes[themes["theme_id"].isin(sizes.index[sizes.index >= 0])].copy()
    present = set(segs["segment_id"])
    themes["size"] = [int(sizes[t]) for t in themes["theme_id"]]
    themes["top_words"] = themes["top_words"].map(json.loads)
    themes["representative_ids"] = themes["representative_ids"].map(
        lambda r: [s for s in json.loads(r) if s in present]
    )
    if state.codebook != cb.version_tag:  # another codebook (a code added, say): its coverage anew
        themed = [s for s in ids if theme_of.get(s, -1) >= 0]
        text_of = dict(zip(part["segment_id"], part["text"], strict=True))
        texts = [text_of[s] for s in themed]
        human = _human_theme_codes(store, cb)
        extra = theme_coverage(
            cb, emb, texts, embed_with_cache(emb, texts, cache, progress=progress),
            np.array([theme_of[s] for s in themed]), themes["theme_id"].tolist(),
            threshold=float(getattr(settings, "coding_threshold", 0.35)),
            labels=[human.get(s) for s in themed], cache=cache, random_state=state.seed,
        )  # fmt: skip
        for k in ("closest_code", "closest_confidence", "coded_share", "covered"):
            themes[k] = extra[k]
    store.add_theme_run(run_id, themes.to_dict("records"), links, model=str(themes["model"].iloc[0] or ""))
    state.run_id, state.codebook = run_id, cb.version_tag
    state.save(store.folder)
    return DiscoveryResult(
        run_id=run_id,
        segments=len(segs),
        themes=int(len(themes)),
        uncovered=[int(t) for t, c in zip(themes["theme_id"], themes["covered"], strict=True) if not c],
        outliers_before=len(unplaced),
        outliers_after=len(unplaced),
        min_theme_size=state.min_theme_size,
        mode="update",
        left_out=int((~ok).sum()),
        new_segments=len(waiting),
        placed=len(waiting) - len(unplaced),
        kept_ids=sum(1 for s, t in old_links.items() if t >= 0 and theme_of.get(s) == t),
        carried_themes=int(len(themes)),
        codebook=bool(cb.codes),
    )


def _forms_a_theme(E: np.ndarray, min_size: int) -> bool:
    """Return True when HDBSCAN finds a cluster of ``min_size`` or more among these embeddings (cosine)."""
    import hdbscan  # heavy library, imported only here (cython, no numba)

    norms = np.linalg.norm(E, axis=1, keepdims=True)
    labels = hdbscan.HDBSCAN(min_cluster_size=min_size, min_samples=max(1, min_size // 4)).fit_predict(
        E / np.where(norms == 0, 1.0, norms)
    )
    return bool((np.asarray(labels) >= 0).any())


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
