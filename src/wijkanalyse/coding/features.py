"""How the coder represents a text and a code: a centred embedding joined with a latent-semantic view.

A text is two halves of equal weight (see :mod:`wijkanalyse.coding.coder`): its embedding, centred on the
mean of the texts being coded, and a 128-dimensional SVD (:class:`LSA`) of character 3-5-gram TF-IDF fitted
on those texts plus the codebook text. :class:`Featurizer` learns both and joins them into one unit-length
row. A code is described by the texts of :func:`code_views`, each with its weight in the code's prototype.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.linalg import eigh
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from wijkanalyse.coding.codebook import Code
from wijkanalyse.coding.ngrams import tfidf_rows
from wijkanalyse.exceptions import SettingsError

__all__ = [
    "Featurizer",
    "LSA",
    "code_views",
    "normalise",
    "softmax",
    "texts_key",
    "as_label_sets",
]

_TEMPLATE = {"nl": "Dit gaat over {}.", "en": "This is about {}."}
_CENTRE_SHRINK = 10  # pseudo-count that shrinks the centring of few texts towards no centring
_LSA_DIM = 128  # dimensions of the latent-semantic view of the character n-grams
_LSA_FIT_MAX = 1500  # texts the n-gram vocabulary and its SVD are fitted on (an even spread of the corpus)
_GRAM_MAX = 2500  # up to this many rows the SVD is computed exactly from the Gram matrix


def normalise(x: np.ndarray) -> np.ndarray:
    """Return ``x`` (float64) with every row scaled to unit length; zero rows stay zero."""
    x = np.asarray(x, dtype=np.float64)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    n[n == 0] = 1.0
    return x / n


def softmax(x: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a 2-D array."""
    z = np.exp(x - x.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def texts_key(texts: Sequence[str]) -> str:
    """Return a hash of a list of texts (order included), to recognise the texts a coder was fitted on."""
    return hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()


def as_label_sets(y: Sequence[Any] | None, n: int) -> list[list[str]]:
    """Turn codes per text (``None``, ``"a"``, ``"a;b"`` or a list) into a list of code ids per text.

    Parameters
    ----------
    y : sequence, optional
        One entry per text; None gives ``n`` empty lists.
    n : int
        The number of texts.

    Returns
    -------
    list of list of str

    Raises
    ------
    SettingsError
        If ``y`` does not have ``n`` entries.

    Examples
    --------
    >>> as_label_sets([None, "a; b", ["c"]], 3)
    [[], ['a', 'b'], ['c']]
    """
    if y is None:
        return [[] for _ in range(n)]
    if len(y) != n:
        raise SettingsError(f"y must have one entry per text ({n}). Got {len(y)} entries instead.")
    out: list[list[str]] = []
    for v in y:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append([])
        elif isinstance(v, str):
            out.append([c.strip() for c in v.split(";") if c.strip()])
        else:
            out.append([str(c) for c in v if c is not None and str(c).strip()])
    return out


def code_views(code: Code, language: str) -> list[tuple[str, float]]:
    """Return the texts that describe a code, with their weight in its prototype.

    The Dutch label (also in a sentence, "Dit gaat over <label>."), the English label, the definition, the
    include notes and the example phrases (examples weigh most: they are closest to how people talk). Exclude
    notes are not used: they name other codes.
    """
    views: list[tuple[str, float]] = [(code.label_nl, 1.0)]
    views.append((_TEMPLATE.get(language, _TEMPLATE["nl"]).format(code.label(language).lower()), 1.0))
    if code.label_en and language != "en":
        views.append((code.label_en, 0.5))
    views.append((code.definition, 1.0))
    for note in code.include:
        views.append((note, 1.0 / len(code.include)))
    for ex in code.examples:
        views.append((ex, 2.0 / len(code.examples)))
    return views


class LSA:
    """Truncated SVD of a sparse matrix: exactly via the Gram matrix up to 2500 rows, else ARPACK (seeded).

    Parameters
    ----------
    k : int
        Components kept.
    random_state : int
        Seed of ARPACK's start vector (large matrices only).
    """

    def __init__(self, k: int, random_state: int):
        self.k = k
        self.random_state = random_state

    def fit(self, M: Any) -> LSA:
        """Learn the components of ``M`` (rows: texts); the largest loading of each component is positive."""
        if M.shape[0] <= _GRAM_MAX:
            G = (M @ M.T).toarray()
            vals, vecs = eigh(G, driver="evd")  # all of them: faster than a subset for matrices this small
            vals, vecs = vals[::-1][: self.k], vecs[:, ::-1][:, : self.k]
            keep = vals > 1e-10
            sv = np.sqrt(vals[keep])
            comps = np.asarray(M.T @ (vecs[:, keep] / sv)).T  # (k, n_features), unit rows
        else:
            comps = (
                TruncatedSVD(self.k, algorithm="arpack", random_state=self.random_state).fit(M).components_
            )
        # deterministic signs: the largest absolute loading of every component is positive
        idx = np.abs(comps).argmax(axis=1)
        comps = comps * np.sign(comps[np.arange(len(comps)), idx])[:, None]
        self.components_ = comps
        return self

    def transform(self, M: Any) -> np.ndarray:
        """Project rows onto the components."""
        return np.asarray(M @ self.components_.T)


class Featurizer:
    """Joins a centred embedding and a latent-semantic view of character n-grams into one unit-length row.

    Parameters
    ----------
    lexical : bool
        Add the character n-gram view; with False a row is the centred embedding alone.
    random_state : int
    """

    def __init__(self, lexical: bool, random_state: int):
        self.lexical = lexical
        self.random_state = random_state
        self.mu_: np.ndarray | None = None
        self.tfidf_: Any = None
        self.svd_: Any = None

    def fit(self, texts: Sequence[str], embeddings: np.ndarray, extra_texts: Sequence[str]) -> Featurizer:
        """Learn the centre of the embeddings and the n-gram view of ``texts`` plus ``extra_texts``."""
        n = len(texts)
        self.mu_ = (
            embeddings.mean(axis=0) * (n / (n + _CENTRE_SHRINK)) if n else np.zeros(embeddings.shape[1])
        )
        if not self.lexical:
            return self
        docs = [t for t in texts if t and t.strip()]
        if len(docs) > _LSA_FIT_MAX:  # the vocabulary and the SVD from an even spread of texts: fast at scale
            docs = [docs[i] for i in np.linspace(0, len(docs) - 1, _LSA_FIT_MAX).round().astype(int)]
        corpus = docs + [t for t in extra_texts if t and t.strip()]
        tfidf = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            sublinear_tf=True,
            min_df=2,
            max_features=50_000,
            lowercase=True,
            dtype=np.float64,
        )
        try:
            M = tfidf.fit_transform(corpus)
        except ValueError:  # no n-gram occurs twice (a tiny or empty corpus): embeddings only
            return self
        k = min(_LSA_DIM, M.shape[0] - 1, M.shape[1] - 1)
        if k < 2:
            return self
        self.tfidf_ = tfidf
        self.svd_ = LSA(k, self.random_state).fit(M)
        return self

    def dense(self, embeddings: np.ndarray) -> np.ndarray:
        """Return the centred, unit-length embeddings."""
        centre = self.mu_ if self.mu_ is not None else 0.0
        return normalise(np.asarray(embeddings, dtype=np.float64) - centre)

    def lex(self, texts: Sequence[str]) -> np.ndarray | None:
        """Return the unit-length n-gram view of texts, or None when there is none (embeddings only)."""
        if self.svd_ is None:
            return None
        # the vectorizer's own rows, counted per distinct word and text (bit for bit equal, much faster)
        return normalise(self.svd_.transform(tfidf_rows(self.tfidf_, [t or "" for t in texts])))

    @staticmethod
    def join(dense: np.ndarray, lex: np.ndarray | None) -> np.ndarray:
        """Join both halves with equal weight (a unit-length row stays unit length)."""
        if lex is None:
            return dense
        return np.hstack([dense, lex]) / math.sqrt(2.0)

    def transform(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Return the coder's representation of texts (float32), one row per text."""
        return self.join(self.dense(embeddings), self.lex(texts)).astype(np.float32)
