"""Inductive theme discovery: :class:`ThemeModel` clusters segment embeddings BERTopic-style.

UMAP to 5 dimensions, then HDBSCAN with a quarter of the minimum theme size as ``min_samples``. The smallest
theme size is chosen from the data: of a few sizes around ``sqrt(n) / 3`` (:func:`min_theme_size_candidates`)
the largest whose clustering leaves about as few segments as noise as the best (within
:data:`NOISE_TOLERANCE`), passing over clusterings with one theme of more than half the corpus ('leaf'
selection when every size gives one). A second pass clusters each very large theme (more than
``max_theme_share``, a quarter, of the segments and more than twice the median theme) again on its own and
splits it when it has parts.
Outliers are then reassigned to the nearest theme (BERTopic's ``reduce_outliers``, strategy ``embeddings``)
so few segments stay unthemed. Each theme gets its top words (c-TF-IDF over words and word pairs, without
Dutch stop words and domain words that occur everywhere in this field: gemeente, wijk, bewoners, buurt,
...; the bundled list ``data/stopwords_nl.txt``; ordered by maximal marginal relevance so
near-synonyms do not fill the list; both as BERTopic computes them, in
:mod:`~wijkanalyse.coding.theme_words`) and a short readable label of two to four words from its own phrases
(:func:`~wijkanalyse.coding.draft_labels.theme_labels`: "Kosten van de warmtepomp").

Every source of randomness is seeded (UMAP ``random_state`` with ``n_jobs=1``;
HDBSCAN is deterministic), so the same input and seed give the same themes.

:meth:`ThemeModel.coverage` marks the themes the codebook does not cover: a theme is *covered* when at least
half of its segments get a code (not ``geen``) from a :class:`~wijkanalyse.coding.CodebookCoder`; its closest
code is the code with the highest mean confidence over its segments.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from wijkanalyse.coding.codebook import NONE_CODE, Codebook
from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.draft_labels import theme_labels
from wijkanalyse.coding.embed import Embedder, EmbeddingCache, embed_with_cache, get_embedder, load_stopwords
from wijkanalyse.coding.numba_cache import import_umap
from wijkanalyse.coding.theme_words import class_tfidf, mmr_words
from wijkanalyse.exceptions import MissingDependencyError, SettingsError

__all__ = ["ThemeModel", "default_min_theme_size", "min_theme_size_candidates", "theme_coverage", "MIN_TEXTS"]

#: Fewer texts than this cannot be clustered meaningfully.
MIN_TEXTS = 10
_TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"  # words of three letters or more
_TOKEN = re.compile(r"[^\W\d_]{3,}")
_PLACEHOLDER = re.compile(r"\[[A-Z]+-\d+\]")  # pseudonymisation placeholders carry no theme
#: :func:`_cluster` takes the largest smallest-theme size whose share of noise is at most this much above the
#: lowest share of the sizes tried.
NOISE_TOLERANCE = 0.05


def default_min_theme_size(n_texts: int) -> int:
    """Return the middle of :func:`min_theme_size_candidates`: ``round(sqrt(n) / 3)``, from 3 to 50.

    Examples
    --------
    >>> [default_min_theme_size(n) for n in (20, 200, 2000, 50000)]
    [3, 5, 15, 50]
    """
    return int(min(50, max(3, round(math.sqrt(max(n_texts, 1)) / 3))))


def min_theme_size_candidates(n_texts: int) -> list[int]:
    """Smallest theme sizes tried on a corpus of ``n_texts``: a quarter, a third and half of ``sqrt(n)``.

    Each at least 3 and at most 50; :func:`_cluster` keeps the largest that leaves about as few segments
    outside a theme as the best. The square root keeps the number of themes readable as a corpus grows
    (about 2 sqrt(n) themes of the smallest size fill a corpus).

    Examples
    --------
    >>> [min_theme_size_candidates(n) for n in (20, 200, 908, 30000)]
    [[3], [4, 5, 7], [8, 10, 15], [43, 50]]
    """
    root = math.sqrt(max(n_texts, 1))
    return sorted({int(min(50, max(3, round(root * f)))) for f in (1 / 4, 1 / 3, 1 / 2)})


def _preprocess(text: str) -> str:
    """Lower-case a text for the theme words, without pseudonymisation placeholders such as [PERSOON-3]."""
    return _PLACEHOLDER.sub(" ", text).lower()


def _hdbscan(reduced: np.ndarray, min_size: int, method: str, hdbscan: Any) -> np.ndarray:
    """HDBSCAN with a quarter of the smallest theme size as ``min_samples`` (fewer points count as noise)."""
    model = hdbscan.HDBSCAN(
        min_cluster_size=min_size, min_samples=max(1, min_size // 4), metric="euclidean",
        cluster_selection_method=method,
    )  # fmt: skip
    return np.asarray(model.fit_predict(reduced))


def _cluster(reduced: np.ndarray, sizes: Sequence[int], hdbscan: Any) -> tuple[np.ndarray, str, int]:
    """HDBSCAN on the reduced embeddings, with the smallest theme size chosen from the data.

    Every size in ``sizes`` is tried with 'eom' selection; a clustering that puts more than half of the
    corpus in one theme is passed over. Of the others, the largest size whose share of noise is within
    :data:`NOISE_TOLERANCE` of the lowest wins: the coarsest granularity (fewest themes) at which the density
    of the corpus explains about as many segments as at the finest. When every size gives one giant theme,
    'leaf' selection with the middle size.

    Returns
    -------
    (labels, selection, min_size) : tuple
    """
    n = len(reduced)
    tried: list[tuple[float, int, np.ndarray]] = []
    for m in sizes:
        labels = _hdbscan(reduced, m, "eom", hdbscan)
        found = labels[labels >= 0]
        if found.size and np.bincount(found).max() <= 0.5 * n:
            tried.append((float(np.mean(labels == -1)), m, labels))
    if tried:
        lowest = min(noise for noise, _, _ in tried)
        _, m, labels = max((t for t in tried if t[0] <= lowest + NOISE_TOLERANCE), key=lambda t: t[1])
        return labels, "eom", m
    m = list(sizes)[len(sizes) // 2]
    return _hdbscan(reduced, m, "leaf", hdbscan), "leaf", m


def _split_large(
    reduced: np.ndarray, labels: np.ndarray, min_size: int, max_share: float, hdbscan: Any
) -> tuple[np.ndarray, int]:
    """Second pass: cluster each very large theme again, on its own.

    A theme is very large when it holds more than ``max_share`` of the segments and more than twice the median
    size of the other themes (or there is no other): a corpus of three equal topics keeps its three themes, a
    theme of a third of the corpus beside many small ones is split. HDBSCAN with 'leaf' selection on the
    theme's members; the theme is replaced by the parts when there are two or more (its members in no part
    become outliers, reassigned later like the others).

    Returns
    -------
    (labels, n_split) : tuple
        The new labels and the number of themes split.
    """
    labels = labels.copy()
    n, split = len(labels), 0
    next_label = int(labels.max()) + 1 if len(labels) else 0
    sizes = {t: int((labels == t).sum()) for t in sorted(set(labels.tolist()) - {-1})}
    for theme, size in sizes.items():
        others = [v for t, v in sizes.items() if t != theme]
        if size <= max_share * n or size < 2 * min_size or (others and size <= 2 * np.median(others)):
            continue
        members = np.flatnonzero(labels == theme)
        parts = _hdbscan(reduced[members], min_size, "leaf", hdbscan)
        kinds = sorted(set(parts.tolist()) - {-1})
        if len(kinds) < 2:
            continue
        split += 1
        labels[members] = -1
        for k in kinds:
            labels[members[parts == k]] = next_label
            next_label += 1
    return labels, split


def _reassign(E: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Give each outlier (-1) the theme whose mean embedding is most similar.

    BERTopic's ``reduce_outliers``, strategy ``embeddings``; unchanged when there is no theme or no outlier.
    """
    themes = sorted(set(labels.tolist()) - {-1})
    out = labels.copy()
    lost = out == -1
    if not themes or not lost.any():
        return out
    centres = normalize(np.stack([E[labels == t].mean(axis=0) for t in themes]))
    out[lost] = np.asarray(themes)[(normalize(E[lost]) @ centres.T).argmax(axis=1)]
    return out


class ThemeModel(BaseEstimator):
    """Inductive theme discovery BERTopic-style (UMAP, HDBSCAN, c-TF-IDF), seeded and with few outliers.

    Follows the scikit-learn estimator contract (``__init__`` stores its arguments, :meth:`fit` returns self,
    learned state ends in ``_``).

    Parameters
    ----------
    min_theme_size : int, optional
        Smallest theme (HDBSCAN ``min_cluster_size``). Default: :func:`default_min_theme_size` of the corpus.
    n_neighbors : int, default 15
        UMAP neighbourhood (capped at the number of texts - 1).
    n_components : int, default 5
        UMAP dimensions.
    top_n_words : int, default 8
        Words kept per theme.
    n_representatives : int, default 5
        Representative segments per theme (closest to the theme centre).
    reduce_outliers : bool, default True
        Reassign HDBSCAN's outliers to the most similar theme.
    max_theme_share : float, default 0.25
        A theme holding more of the segments than this is clustered again on its own (a second pass) and
        split when it has parts.
    diversity : float, default 0.3
        Maximal marginal relevance of the top words (BERTopic's ``MaximalMarginalRelevance``): 0 keeps the
        c-TF-IDF order, higher values pass over words close in meaning to words already chosen.
    extra_stop_words : sequence of str, default ()
        Added to the bundled Dutch stop words: the corpus's own topic words, which name no theme in it (the
        name of the municipality, the subject of the consultation). ``wijkanalyse discover`` passes
        :attr:`~wijkanalyse.config.Settings.theme_stop_words` (the ``discovery.stop_words`` setting plus the
        unit and session names).
    random_state : int, default 42
    embedder : Embedder or str, optional
        Used when :meth:`fit` gets no embeddings. Default ``use-m3``.
    cache : EmbeddingCache, optional

    Attributes
    ----------
    themes_ : pandas.DataFrame
        ``theme_id, label, top_words, size, representative_ids, representative_texts``.
    assignments_ : pandas.DataFrame
        ``id, theme_id, outlier`` per text.
    labels_ : numpy.ndarray
        Theme id per text.
    min_theme_size_ : int
        The smallest theme size used (given, or chosen from :func:`min_theme_size_candidates`).
    selection_ : str
        HDBSCAN's cluster selection used: ``eom``, or ``leaf`` when ``eom`` put more than half in one theme.
    split_ : int
        Themes split by the second pass (``max_theme_share``).
    """

    def __init__(
        self,
        min_theme_size: int | None = None,
        n_neighbors: int = 15,
        n_components: int = 5,
        top_n_words: int = 8,
        n_representatives: int = 5,
        reduce_outliers: bool = True,
        max_theme_share: float = 0.25,
        diversity: float = 0.3,
        extra_stop_words: Sequence[str] = (),
        random_state: int = 42,
        embedder: Embedder | str | None = None,
        cache: EmbeddingCache | None = None,
    ):
        self.min_theme_size = min_theme_size
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.top_n_words = top_n_words
        self.n_representatives = n_representatives
        self.reduce_outliers = reduce_outliers
        self.max_theme_share = max_theme_share
        self.diversity = diversity
        self.extra_stop_words = extra_stop_words
        self.random_state = random_state
        self.embedder = embedder
        self.cache = cache

    # get_params / set_params / repr come from sklearn's BaseEstimator (parameters read from __init__)

    def _validate(self, n: int) -> None:
        if n < MIN_TEXTS:
            raise SettingsError(f"Theme discovery needs at least {MIN_TEXTS} texts. Got {n} instead.")
        if self.min_theme_size is not None and (
            not isinstance(self.min_theme_size, int) or self.min_theme_size < 2
        ):
            raise SettingsError(
                "The 'min_theme_size' parameter of ThemeModel must be an int >= 2. "
                f"Got {self.min_theme_size!r} instead."
            )
        for name in ("n_neighbors", "n_components", "top_n_words", "n_representatives"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < (2 if name in ("n_neighbors", "n_components") else 1):
                raise SettingsError(
                    f"The {name!r} parameter of ThemeModel must be a positive int. Got {v!r} instead."
                )
        for name in ("max_theme_share", "diversity"):
            v = getattr(self, name)
            if not isinstance(v, int | float) or not 0 <= v <= 1:
                raise SettingsError(
                    f"The {name!r} parameter of ThemeModel must be a number from 0 to 1. Got {v!r} instead."
                )

    def fit(
        self,
        X: Sequence[str],
        y: Any = None,
        *,
        embeddings: np.ndarray | None = None,
        ids: Sequence[Any] | None = None,
    ) -> ThemeModel:
        """Discover themes in texts.

        Parameters
        ----------
        X : sequence of str
        y : ignored
            For the estimator contract.
        embeddings : numpy.ndarray, optional
            Precomputed embeddings of ``X``.
        ids : sequence, optional
            An id per text (segment ids); default 0..n-1.

        Returns
        -------
        ThemeModel
            ``self``.

        Raises
        ------
        SettingsError
            With fewer than :data:`MIN_TEXTS` texts or a bad parameter.
        MissingDependencyError
            If UMAP or HDBSCAN is not installed.
        """
        texts = [t if isinstance(t, str) else "" for t in X]
        n = len(texts)
        self._validate(n)
        ids = list(ids) if ids is not None else list(range(n))
        if len(ids) != n:
            raise SettingsError(f"ids must have one entry per text ({n}). Got {len(ids)} instead.")
        E = self._embeddings(texts, embeddings)
        sizes = [self.min_theme_size] if self.min_theme_size else min_theme_size_candidates(n)
        topics, raw, words = self._fit_topics(texts, E, sizes)
        labels = self._renumber(topics)
        self.labels_ = labels
        self.assignments_ = pd.DataFrame({"id": ids, "theme_id": labels, "outlier": raw == -1})
        self.themes_ = self._theme_table(texts, ids, E, labels, topics, words)
        self._texts, self._E = texts, E
        return self

    def _embeddings(self, texts: list[str], embeddings: np.ndarray | None) -> np.ndarray:
        """Check precomputed embeddings, or embed the texts; sets :attr:`embedder_`."""
        emb_model = self.embedder
        if emb_model is not None and not isinstance(emb_model, Embedder):
            emb_model = get_embedder(emb_model)
        if embeddings is None:
            emb_model = emb_model or get_embedder("use-m3")
            embeddings = embed_with_cache(emb_model, texts, self.cache)
        E = np.asarray(embeddings, dtype=np.float32)
        if E.shape[0] != len(texts):
            raise SettingsError(
                f"embeddings must have one row per text ({len(texts)}). Got {E.shape[0]} rows instead."
            )
        self.embedder_ = emb_model
        return E

    def _fit_topics(
        self, texts: list[str], E: np.ndarray, sizes: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray, dict[int, list[str]]]:
        """Cluster (UMAP, HDBSCAN, a second pass on large themes), reassign outliers, find the theme words.

        Sets :attr:`min_theme_size_`, :attr:`selection_` and :attr:`split_`.

        Returns
        -------
        topics : numpy.ndarray
            The cluster per text, after outlier reduction.
        raw : numpy.ndarray
            The cluster per text before outlier reduction (-1: an outlier).
        words : dict
            Cluster -> its top words.
        """
        try:  # heavy libraries, imported only when discovery runs; UMAP with numba's disk cache
            UMAP = import_umap()
            import hdbscan
        except ImportError as exc:  # pragma: no cover - core dependencies
            raise MissingDependencyError(exc.name or "umap-learn", purpose="theme discovery") from exc
        n = len(texts)
        umap_model = UMAP(
            n_neighbors=min(self.n_neighbors, n - 1),
            n_components=min(self.n_components, n - 2),
            min_dist=0.0,
            metric="cosine",
            random_state=self.random_state,
            n_jobs=1,
            low_memory=True,
        )
        reduced = umap_model.fit_transform(E)
        raw, self.selection_, self.min_theme_size_ = _cluster(reduced, sizes, hdbscan)
        raw, self.split_ = _split_large(reduced, raw, self.min_theme_size_, self.max_theme_share, hdbscan)
        topics = _reassign(E, raw) if self.reduce_outliers else raw
        themes, ranked = class_tfidf(texts, topics, self._vectorizer(n))
        candidates = [[w for w, _ in r] for r in ranked]
        emb = self.embedder_
        if emb is not None and self.diversity > 0:  # MMR embeds the candidate words
            words = mmr_words(
                candidates, lambda t: embed_with_cache(emb, t, self.cache), self.top_n_words, self.diversity
            )
        else:
            words = [c[: self.top_n_words] for c in candidates]
        return topics, raw, dict(zip(themes, words, strict=True))

    def _vectorizer(self, n: int) -> CountVectorizer:
        """Return the counter of theme words: words and word pairs of 3+ letters, less the stop words."""
        stop = sorted(  # only words the tokenizer can produce (letters, 3 or more)
            w for w in load_stopwords() | {w.lower() for w in self.extra_stop_words} if _TOKEN.fullmatch(w)
        )
        return CountVectorizer(
            stop_words=stop,
            ngram_range=(1, 2),
            min_df=2 if n >= 100 else 1,
            token_pattern=_TOKEN_PATTERN,
            preprocessor=_preprocess,
        )

    @staticmethod
    def _renumber(topics: np.ndarray) -> np.ndarray:
        """Theme ids 0..k-1 by size (largest first, ties by first appearance); -1 stays -1."""
        kinds = [t for t in dict.fromkeys(topics.tolist()) if t != -1]
        sizes = {t: int((topics == t).sum()) for t in kinds}
        order = sorted(kinds, key=lambda t: (-sizes[t], kinds.index(t)))
        mapping = {t: i for i, t in enumerate(order)}
        return np.array([mapping.get(t, -1) for t in topics.tolist()], dtype=int)

    def _theme_table(
        self,
        texts: list[str],
        ids: list[Any],
        E: np.ndarray,
        labels: np.ndarray,
        topics: np.ndarray,
        words_of: dict[int, list[str]],
    ) -> pd.DataFrame:
        rows: list[dict[str, Any]] = []
        for theme in sorted(set(labels.tolist()) - {-1}):
            members = np.flatnonzero(labels == theme)
            original = int(topics[members[0]])
            words = [w for w in words_of.get(original, []) if w][: self.top_n_words]
            centre = E[members].mean(axis=0)
            sims = E[members] @ centre
            order = members[np.lexsort((members, -sims))][: self.n_representatives]
            rows.append(
                {
                    "theme_id": int(theme),
                    "label": "",
                    "top_words": words,
                    "size": int(len(members)),
                    "representative_ids": [ids[i] for i in order],
                    "representative_texts": [texts[i] for i in order],
                }
            )
        names = theme_labels(  # a short name from the theme's own phrases (coding.draft_labels)
            [(int(r["theme_id"]), int(r["size"]), list(r["top_words"])) for r in rows],
            {int(r["theme_id"]): [texts[i] for i in np.flatnonzero(labels == r["theme_id"])] for r in rows},
        )
        for r in rows:
            r["label"] = names[int(r["theme_id"])]
        cols = ["theme_id", "label", "top_words", "size", "representative_ids", "representative_texts"]
        return pd.DataFrame(rows, columns=cols)

    def coverage(
        self,
        codebook: Codebook,
        threshold: float = 0.35,
        labels: Sequence[Any] | None = None,
    ) -> pd.DataFrame:
        """Mark which themes the codebook covers.

        Parameters
        ----------
        codebook : Codebook
        threshold : float, default 0.35
            The coding threshold (see :class:`~wijkanalyse.coding.CodebookCoder`).
        labels : sequence, optional
            Hand-coded theme codes per fitted text (None where not coded), to code as the researchers do.

        Returns
        -------
        pandas.DataFrame
            :attr:`themes_` with ``closest_code``, ``closest_label``, ``closest_confidence``, ``coded_share``
            and ``covered`` added (it is also stored in :attr:`themes_`).
        """
        if not hasattr(self, "themes_"):
            raise SettingsError("This ThemeModel is not fitted yet. Call fit(texts) first.")
        if self.embedder_ is None:
            raise SettingsError(
                "coverage() needs the embedder of the embeddings; pass embedder= to ThemeModel."
            )
        extra = theme_coverage(
            codebook, self.embedder_, self._texts, self._E, self.labels_, self.themes_["theme_id"].tolist(),
            threshold=threshold, labels=labels, cache=self.cache, random_state=self.random_state,
        )  # fmt: skip
        for k, v in extra.items():
            self.themes_[k] = v
        return self.themes_


def theme_coverage(
    codebook: Codebook,
    embedder: Embedder,
    texts: Sequence[str],
    E: np.ndarray,
    themes: np.ndarray,
    theme_ids: Sequence[int],
    *,
    threshold: float = 0.35,
    labels: Sequence[Any] | None = None,
    cache: EmbeddingCache | None = None,
    random_state: int = 42,
) -> dict[str, list[Any]]:
    """Code the texts with the codebook and say, per theme, whether the codebook covers it.

    A theme is covered when at least half of its texts get a code (not ``geen``); its closest code is the code
    with the highest mean confidence over its texts.

    Parameters
    ----------
    codebook : Codebook
    embedder : Embedder
        The embedder of ``E``.
    texts : sequence of str
    E : numpy.ndarray
        Embeddings of ``texts``.
    themes : numpy.ndarray
        Theme id per text (-1: none).
    theme_ids : sequence of int
        The themes to describe, in this order.
    threshold : float, default 0.35
    labels : sequence, optional
        Hand-coded theme codes per text (None where not coded).
    cache : EmbeddingCache, optional
    random_state : int, default 42

    Returns
    -------
    dict
        ``closest_code, closest_label, closest_confidence, coded_share, covered``: a list each, one entry per
        theme of ``theme_ids``. With a codebook without themes (a corpus that names none) no theme is
        covered and the closest code is ``geen``.
    """
    if not codebook.codes:
        n = len(theme_ids)
        none_label = codebook.label(NONE_CODE)
        return {
            "closest_code": [NONE_CODE] * n, "closest_label": [none_label] * n,
            "closest_confidence": [0.0] * n, "coded_share": [0.0] * n, "covered": [False] * n,
        }  # fmt: skip
    coder = CodebookCoder(
        codebook=codebook, embedder=embedder, threshold=threshold, cache=cache, random_state=random_state
    )
    coder.fit(list(texts), labels, embeddings=E)
    proba = coder.predict_proba(list(texts), embeddings=E)
    best = np.array([d[0][0] for d in coder.decide(proba)], dtype=object)
    classes = coder.classes_
    code_cols = [j for j, c in enumerate(classes) if c != NONE_CODE]
    extra: dict[str, list[Any]] = {
        "closest_code": [],
        "closest_label": [],
        "closest_confidence": [],
        "coded_share": [],
        "covered": [],
    }
    themes = np.asarray(themes)
    for theme in theme_ids:
        members = themes == theme
        mean = proba[members][:, code_cols].mean(axis=0)
        j = code_cols[int(np.argmax(mean))]
        share = float(np.mean(best[members] != NONE_CODE))
        extra["closest_code"].append(classes[j])
        extra["closest_label"].append(codebook.label(classes[j]))
        extra["closest_confidence"].append(round(float(mean.max()), 4))
        extra["coded_share"].append(round(share, 4))
        extra["covered"].append(share >= 0.5)
    return extra
