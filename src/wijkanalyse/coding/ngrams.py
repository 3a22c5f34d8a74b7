"""The TF-IDF rows of a fitted character n-gram vectorizer, fast: every distinct word's n-grams counted once.

The coder's lexical view (:class:`~wijkanalyse.coding.features.Featurizer`) is a ``char_wb`` 3-5-gram
:class:`~sklearn.feature_extraction.text.TfidfVectorizer`. Its ``transform`` cuts every text into n-grams
and looks each one up in the vocabulary in Python: at 100,000 answers that was about 40 % of the code stage
(``benchmarks/results/code_stage_profile_101k.txt``). But ``char_wb`` n-grams never cross a word boundary:
the n-grams of a text are those of its words, one after the other. So :func:`tfidf_rows` looks up the
vocabulary ids of each distinct *word* once (kept per fitted vectorizer, for the process's lifetime), counts
the ids of a text with numpy, computes each distinct *text* once, and hands the counts to the vectorizer's own
TF-IDF weighting. The result is the very matrix ``vectorizer.transform(texts)`` returns, bit for bit (same
counts, same sorted columns, same weighting code; ``tests/test_ngrams.py``), so the codes do not change.

Any other vectorizer (another analyzer, a custom preprocessor, binary counts) or a scikit-learn without the
internals used here goes through ``vectorizer.transform`` unchanged.
"""

from __future__ import annotations

import weakref
from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["tfidf_rows"]

#: Distinct words whose n-gram ids are kept per vectorizer; the cache starts over beyond this.
WORD_CACHE_MAX = 500_000

_COUNTERS: weakref.WeakKeyDictionary[Any, _WordGrams] = weakref.WeakKeyDictionary()


class _WordGrams:
    """The vocabulary ids of every word's ``char_wb`` n-grams, looked up once per distinct word."""

    def __init__(self, vectorizer: Any):
        self.vectorizer = vectorizer
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.width = len(self.vocabulary)
        self.preprocess = vectorizer.build_preprocessor()
        self.words: dict[str, array[int]] = {}

    def _ids(self, word: str) -> array[int]:
        vocabulary = self.vocabulary
        ids = array("i", [vocabulary[g] for g in self.vectorizer._char_wb_ngrams(word) if g in vocabulary])
        if len(self.words) >= WORD_CACHE_MAX:
            self.words.clear()
        self.words[word] = ids
        return ids

    def counts(self, docs: Sequence[str]) -> Any:
        """Return the n-gram count matrix of ``docs`` as ``CountVectorizer._count_vocab`` builds it."""
        v = self.vectorizer
        words, decode, spaces = self.words, v.decode, v._white_spaces
        flat: array[int] = array("i")
        lengths = np.zeros(len(docs), dtype=np.int64)
        for k, doc in enumerate(docs):
            start = len(flat)
            for w in spaces.sub(" ", self.preprocess(decode(doc))).split():
                ids = words.get(w)
                flat.extend(ids if ids is not None else self._ids(w))
            lengths[k] = len(flat) - start
        rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        keys, n = np.unique(rows * self.width + np.frombuffer(flat, dtype=np.int32), return_counts=True)
        row_of = keys // self.width
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of, minlength=len(docs)), out=indptr[1:])
        index = np.int32 if len(keys) <= np.iinfo(np.int32).max else np.int64
        X = sp.csr_array(
            (n.astype(np.intc), (keys % self.width).astype(index), indptr.astype(index)),
            shape=(len(docs), self.width),
            dtype=v.dtype,
        )
        X.sort_indices()
        return X


def _supported(vectorizer: Any) -> bool:
    return (
        getattr(vectorizer, "analyzer", None) == "char_wb"
        and getattr(vectorizer, "input", None) == "content"
        and getattr(vectorizer, "preprocessor", "x") is None
        and not getattr(vectorizer, "binary", True)
        and all(
            hasattr(vectorizer, a)
            for a in ("vocabulary_", "_tfidf", "_char_wb_ngrams", "_white_spaces", "decode")
        )
    )


def tfidf_rows(vectorizer: Any, texts: Sequence[str]) -> Any:
    """Return ``vectorizer.transform(texts)``, computed per distinct word and text (see the module docstring).

    Parameters
    ----------
    vectorizer : sklearn.feature_extraction.text.TfidfVectorizer
        Fitted.
    texts : sequence of str

    Returns
    -------
    scipy.sparse matrix
        One row per text, equal to ``vectorizer.transform(texts)``.
    """
    texts = list(texts)
    if not _supported(vectorizer):
        return vectorizer.transform(texts)
    counter = _COUNTERS.get(vectorizer)
    if counter is None:
        counter = _COUNTERS.setdefault(vectorizer, _WordGrams(vectorizer))
    first: dict[str, int] = {}
    inverse = np.fromiter((first.setdefault(t, len(first)) for t in texts), dtype=np.int64, count=len(texts))
    X = vectorizer._tfidf.transform(counter.counts(list(first)), copy=False)
    if len(first) == len(texts):
        return X
    return X[inverse]
