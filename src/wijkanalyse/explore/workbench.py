"""The researcher's workbench: one object holding a corpus's settings, store, analysis data and embeddings.

Every explore notebook starts with :func:`open_workbench`; it builds the store when it is missing (ingest,
code, discover: :func:`wijkanalyse.update.ensure_store`), then hands out what the views need, computed once
and cached on the object: the analysis data (:func:`wijkanalyse.analysis.load`), the embedder named in the
settings, the segment embeddings (through the embedding cache next to the store), and a search index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijkanalyse import analysis
from wijkanalyse.analysis import AnalysisData
from wijkanalyse.coding.embed import Embedder, embed_with_cache, get_embedder
from wijkanalyse.config import Settings, load_settings, resolve_corpus
from wijkanalyse.explore.theme_map import ProjectionCache, project_2d, theme_map_frame
from wijkanalyse.search import SearchIndex
from wijkanalyse.store import EmbeddingCache, Store
from wijkanalyse.update import ensure_store

__all__ = ["Workbench", "open_workbench", "resolve_corpus"]

@dataclass
class Workbench:
    """Settings, store and cached derived data of one corpus, for the explore notebooks.

    Build it with :func:`open_workbench`. Attributes computed on first use: :attr:`data`, :attr:`embedder`,
    :attr:`cache`, :attr:`search_index`; :meth:`refresh` forgets them after the store changed (new codings, a
    promoted theme).
    """

    settings: Settings
    store: Store
    _cached: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- derived, cached
    # ------------------------------------------------------------------------------------------
    @property
    def data(self) -> AnalysisData:
        """The analysis data of the store (:func:`wijkanalyse.analysis.load`), read once."""
        if "data" not in self._cached:
            self._cached["data"] = analysis.load(self.store, self.settings)
        return self._cached["data"]

    @property
    def embedder(self) -> Embedder:
        """The embedder named by the settings (``embedder``), loaded once."""
        if "embedder" not in self._cached:
            self._cached["embedder"] = get_embedder(self.settings.embedder)
        return self._cached["embedder"]

    @property
    def cache(self) -> EmbeddingCache:
        """The embedding cache next to the store."""
        if "cache" not in self._cached:
            self._cached["cache"] = EmbeddingCache.for_store(self.store)
        return self._cached["cache"]

    @property
    def search_index(self) -> SearchIndex:
        """A :class:`~wijkanalyse.search.SearchIndex` over every segment, with the settings' embedder."""
        if "search_index" not in self._cached:
            self._cached["search_index"] = SearchIndex.from_store(
                self.store, embedder=self.embedder, cache=self.cache
            )
        return self._cached["search_index"]

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts with the settings' embedder, through the cache."""
        return embed_with_cache(self.embedder, texts, self.cache, progress=False)

    def segment_vectors(self) -> np.ndarray:
        """Embeddings of ``data.segments`` in their order (cached vectors reused; missing ones embedded)."""
        return self.embed(self.data.segments["text"].fillna("").astype(str).tolist())

    def theme_map(
        self,
        method: str = "umap",
        random_state: int | None = None,
        n_neighbors: int = 15,
        min_dist: float = 0.1,
    ) -> pd.DataFrame:
        """Return the theme map of every segment (:func:`wijkanalyse.explore.theme_map.theme_map_frame`).

        The 2-D projection is stored in ``<store_dir>/projections/`` keyed by model, method, parameters and
        segments, so it is computed once.

        Parameters
        ----------
        method : {"umap", "pca"}, default "umap"
        random_state : int, optional
            Default: the settings' ``seed``.
        n_neighbors, min_dist
            UMAP parameters.

        Returns
        -------
        pandas.DataFrame
            ``attrs['method']`` says which projection was used.
        """
        seed = self.settings.seed if random_state is None else int(random_state)
        ids = self.data.segments["segment_id"].tolist()
        params = {"seed": seed, "n_neighbors": n_neighbors, "min_dist": min_dist}
        cache = ProjectionCache(self.store.folder / "projections")
        key = cache.key(self.embedder.model_id, method, params, ids)
        found = cache.get(key)
        if found is None:
            found = project_2d(
                self.segment_vectors(),
                method=method,
                random_state=seed,
                n_neighbors=n_neighbors,
                min_dist=min_dist,
            )
            cache.put(key, *found)
        xy, used = found
        return theme_map_frame(self.data, xy, method=used)

    def refresh(self) -> Workbench:
        """Forget the cached analysis data and search index (after codings or the codebook changed)."""
        for key in ("data", "search_index"):
            self._cached.pop(key, None)
        return self

    def close(self) -> None:
        """Close the store and the embedding cache."""
        cache = self._cached.pop("cache", None)
        if cache is not None:
            cache.close()
        self.store.close()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workbench(
    corpus: str | Path = "corpora/demo",
    settings_file: str | Path | None = None,
    embedder: str | None = None,
    build_store: bool = True,
    **overrides: Any,
) -> Workbench:
    """Open the workbench of a corpus; build its store first when it is missing or empty.

    Parameters
    ----------
    corpus : str or path, default "corpora/demo"
        The corpus folder, absolute or relative (found by :func:`wijkanalyse.config.resolve_corpus`).
    settings_file : path, optional
        Settings YAML; default ``wijkanalyse.yml`` in the corpus folder.
    embedder : str, optional
        Overrides the settings' ``embedder`` (e.g. ``"hashing"`` for a fast test run). The store built here is
        then coded with it too.
    build_store : bool, default True
        Run :func:`wijkanalyse.update.ensure_store` (ingest, code, discover) when the store is missing or
        empty. With False a missing store raises.
    **overrides
        Other settings that win over the file (``store_dir``, ``min_count``, ``seed`` ...).

    Returns
    -------
    Workbench

    Raises
    ------
    SettingsError
        If the corpus folder is not found or the settings are invalid.
    StoreError
        If ``build_store`` is False and there is no store.
    """
    settings = load_settings(corpus, settings_file, embedder=embedder, **overrides)
    if build_store:
        ensure_store(settings)
    store = Store(settings.store_path, create=False)
    return Workbench(settings, store)
