"""The words of discovered themes: class-based TF-IDF and maximal marginal relevance, as in BERTopic.

BERTopic's own classes (``ClassTfidfTransformer``, ``MaximalMarginalRelevance``) are not imported: importing
any part of ``bertopic`` loads the whole package, with sentence-transformers (and torch) and plotly, which
took longer than the rest of a discovery run on a small corpus. The two formulas are short:

* **c-TF-IDF** (Grootendorst 2022, BERTopic's ``ClassTfidfTransformer(reduce_frequent_words=True)``): the
  texts of a theme form one document; term frequency per theme, L1-normalised and square-rooted (frequent
  words weigh less), times ``log(1 + A / f_t)`` with ``f_t`` the word's frequency over all themes and ``A``
  the average number of words per theme. Rare words are dropped per text (the counter's ``min_df``).
* **Maximal marginal relevance** (Carbonell and Goldstein 1998, BERTopic's ``mmr``): of a theme's best
  c-TF-IDF candidates, pick one by one the word closest to the theme (the embedding of its candidates joined)
  less ``diversity`` times its closeness to the words picked already, so near-synonyms do not fill the list.
  All candidates of all themes are embedded in one call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

__all__ = ["class_tfidf", "mmr_words", "N_CANDIDATES"]

#: Candidates per theme for maximal marginal relevance (BERTopic's default).
N_CANDIDATES = 30


def class_tfidf(
    texts: Sequence[str], labels: np.ndarray, vectorizer: CountVectorizer
) -> tuple[list[int], list[list[tuple[str, float]]]]:
    """Rank the words of each theme by c-TF-IDF.

    Parameters
    ----------
    texts : sequence of str
    labels : numpy.ndarray
        Theme per text (-1: none, left out).
    vectorizer : CountVectorizer
        Fitted here on the texts (its ``min_df`` counts texts).

    Returns
    -------
    (themes, words) : tuple
        The themes in order, and per theme its words with their score, best first (at most
        :data:`N_CANDIDATES`; words with score 0 left out).
    """
    labels = np.asarray(labels)
    themes = sorted(set(labels.tolist()) - {-1})
    if not themes:
        return [], []
    try:
        counts = vectorizer.fit_transform(list(texts))
    except ValueError:  # no word left after the stop words (texts of digits or placeholders only)
        return themes, [[] for _ in themes]
    keep = np.flatnonzero(labels != -1)
    row_of = {t: i for i, t in enumerate(themes)}
    rows = [row_of[int(t)] for t in labels[keep]]
    member = sp.csr_matrix((np.ones(len(keep)), (rows, keep)), shape=(len(themes), len(labels)))
    per_theme = (member @ counts).astype(np.float64).tocsr()
    freq = np.asarray(per_theme.sum(axis=0)).ravel()
    avg = int(per_theme.sum(axis=1).mean())
    idf = np.log(avg / np.where(freq == 0, 1, freq) + 1)
    tf = normalize(per_theme, axis=1, norm="l1")
    tf.data = np.sqrt(tf.data)
    scores = (tf @ sp.diags(idf)).toarray()
    vocab = vectorizer.get_feature_names_out()
    out = []
    for row in scores:
        order = np.lexsort((np.arange(len(row)), -row))[:N_CANDIDATES]
        out.append([(str(vocab[j]), float(row[j])) for j in order if row[j] > 0])
    return themes, out


def mmr_words(
    candidates: Sequence[Sequence[str]],
    embed: Callable[[list[str]], np.ndarray],
    top_n: int,
    diversity: float,
) -> list[list[str]]:
    """Pick ``top_n`` words per theme from its candidates by maximal marginal relevance.

    Parameters
    ----------
    candidates : sequence of sequence of str
        Per theme its candidate words, best c-TF-IDF first.
    embed : callable
        Texts -> embeddings (one call for everything).
    top_n : int
    diversity : float
        0: the candidates' order is kept; towards 1: words unlike those picked are preferred.

    Returns
    -------
    list of list of str
    """
    if diversity <= 0:
        return [list(c)[:top_n] for c in candidates]
    vocab = sorted({w for c in candidates for w in c})
    docs = [" ".join(c) for c in candidates]
    if not vocab:
        return [[] for _ in candidates]
    vectors = normalize(np.asarray(embed(vocab + docs), dtype=np.float64))
    index = {w: i for i, w in enumerate(vocab)}
    out = []
    for k, words in enumerate(candidates):
        words = list(words)
        if len(words) <= 1:
            out.append(words)
            continue
        W = vectors[[index[w] for w in words]]
        to_theme = W @ vectors[len(vocab) + k]
        between = W @ W.T
        picked = [int(np.argmax(to_theme))]
        rest = [i for i in range(len(words)) if i != picked[0]]
        while rest and len(picked) < top_n:
            score = (1 - diversity) * to_theme[rest] - diversity * between[np.ix_(rest, picked)].max(axis=1)
            best = rest[int(np.argmax(score))]
            picked.append(best)
            rest.remove(best)
        out.append([words[i] for i in picked])
    return out
