"""The fast n-gram rows (``coding/ngrams.py``) are the vectorizer's own, bit for bit: codes never move."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from wijkanalyse.coding.codebook import load_codebook
from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.embed import HashingEmbedder
from wijkanalyse.coding.features import Featurizer, normalise
from wijkanalyse.coding.ngrams import tfidf_rows

# whitespace runs of several kinds (no-break space, em space, a file separator that str.split splits on),
# a capital whose lower case is longer (İ), one- and two-letter words, punctuation, emoji, empty texts
AWKWARD = [
    "",
    "   ",
    "İstanbul ÉÉN\u00a0twee\tdrie  vier",
    "a",
    "ab  c\u2003d",
    "x\x1cy z",
    "😀 emoji's!!",
    "HOOFDLETTERS en ß",
    "?!",
    "a",
]


def _vectorizer(**kw):
    # the Featurizer's own settings (features.py)
    args = dict(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, max_features=50_000)
    return TfidfVectorizer(**{**args, **kw}, lowercase=True, dtype=np.float64)


def _same(a, b) -> None:
    assert type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)  # exact, not close


def test_tfidf_rows_equal_the_vectorizers_transform_bit_for_bit(mini_store):
    _, store = mini_store
    texts = store.segment_texts()["text"].tolist()
    vec = _vectorizer().fit(texts + AWKWARD)
    docs = texts + AWKWARD + texts[:3]  # repeated texts: computed once, every row still there
    fast = tfidf_rows(vec, docs)
    assert fast.shape[0] == len(docs) == len(texts) + 13
    _same(fast, vec.transform(docs))
    _same(tfidf_rows(vec, docs), fast)  # the second call, from the word cache
    assert np.array_equal(fast[len(docs) - 3 :].toarray(), fast[:3].toarray())
    assert fast[0].nnz > 0 and fast[len(texts)].nnz == 0  # a text has n-grams; the empty text none


def test_tfidf_rows_falls_back_to_transform_for_other_vectorizers(mini_store):
    _, store = mini_store
    texts = store.segment_texts()["text"].tolist()
    for vec in (_vectorizer(analyzer="char"), _vectorizer(binary=True), TfidfVectorizer(min_df=1)):
        vec.fit(texts)
        _same(tfidf_rows(vec, texts + AWKWARD), vec.transform(texts + AWKWARD))


def test_the_coders_features_are_those_of_the_vectorizers_transform(mini_store):
    settings, store = mini_store
    segs = store.segment_texts()
    texts = segs["text"].tolist() + AWKWARD
    emb = HashingEmbedder()
    E = emb.embed(texts)
    coder = CodebookCoder(codebook=load_codebook(settings.codebook_path), embedder=emb, random_state=0)
    coder.fit(texts, None, embeddings=E)
    f: Featurizer = coder.featurizer_
    assert f.svd_ is not None  # the lexical half is there (else this test says nothing)
    lex = normalise(f.svd_.transform(f.tfidf_.transform(texts)))
    expected = Featurizer.join(f.dense(E), lex).astype(np.float32)
    got = coder.transform(texts[::-1], embeddings=E[::-1])[::-1]  # another order: not the fitted rows
    assert np.array_equal(got, expected)
