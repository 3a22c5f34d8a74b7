"""Stage 5: code segments against a codebook, deductively from the definitions and learning from people.

:class:`CodebookCoder` is a scikit-learn-style estimator. It codes two dimensions: the themes of the codebook
(multi-label, with a confidence per code and the explicit outcome ``geen`` = none of these) and the kind of
input (*soort*: behouden / verbeteren / vraag_of_zorg, exactly one per segment).

How a text is represented
    Two halves of equal weight: (1) its embedding from any :class:`~wijkanalyse.embed.Embedder`, centred on
    the mean of the texts being coded (this removes what all segments share, such as genre and register, and
    leaves what tells them apart), and (2) a latent-semantic view (128 dimensions, an SVD) of character
    3-5-gram TF-IDF fitted on those texts plus the codebook text: it carries the domain words a codebook
    names, and their inflections, which a small multilingual model blurs. On the two Dutch development sets
    the combination beat either half alone, zero-shot and few-shot (``benchmarks/results/coding_eval.md``).
How a code is represented
    By its *prototype*: the weighted mean of the representations of its Dutch label (also in a sentence, "Dit
    gaat over <label>."), English label, definition, include notes and example phrases (examples weigh most:
    they are closest to how people talk). Exclude notes are not used: they name other codes. The prototypes
    are centred on their own mean, like the segments.
Zero-shot (deductive)
    Cosine similarity of a segment to every prototype, turned into confidences by a softmax whose temperature
    is the standard deviation of the similarities (so it adapts to the embedding model; this setting was the
    best calibrated on both development sets). Confidences sum to 1 over the codes.
Few-shot (learning from hand-coded segments)
    A multinomial logistic regression on the hand-coded segments *plus every code's prototype as a
    pseudo-example* (weight ``prior_weight``): the codebook is prior knowledge that the examples refine.
    Multi-label examples count once, split over their codes; codes nobody has coded yet are still learned from
    their prototype; a hand-coded ``geen`` is a class of its own. Its probabilities are blended with the
    zero-shot ones with weight ``n / (n + K)`` (n hand-coded segments, K codes), so the classifier takes over
    as more is coded. From 12 hand-coded segments on, the blend is calibrated: a power ``p ** s``
    (renormalised) with ``s`` chosen by 3-fold cross-validation on the hand-coded segments. Then the
    classifier is retrained once with the uncoded segments it is sure of (confidence >= 0.5) as extra
    examples of half weight (self-training: the uncoded corpus is there anyway).
Decision
    Every code with confidence >= the threshold is applied (so at most two when it is above 1/3; for a
    codebook of fewer than five codes the threshold is raised to 1.5 / K, so a flat guess never passes). If
    none passes but a parent and its sub-codes together do, the parent is applied. Otherwise: ``geen``.
Kind of input (soort)
    The same model over the soort codes, with its similarities counting half (the kind of input is more a
    matter of form than of topic), plus simple Dutch cues added as log-odds (:data:`SOORT_CUES`: a question
    mark, "hoe", "wat als", "zorg", "behouden", "blijven", "moet beter", "verbeteren", ...) and the survey
    question where known (a question key containing "behoud", "verbeter", "vraag" or "zorg" adds a strong
    prior, :data:`QUESTION_PRIOR`). Short noun phrases without context ("Spreekuren") stay hard: on the 56
    bullets of the Haarlem report the soort is right for about 6 in 10 (questions for 19 in 20).

Store integration (:func:`code_store`) and file coding (:func:`code_table`) are at the end of this module.
Everything is deterministic: the same input gives the same codings.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from wijkanalyse.coding.codebook import NONE_CODE, Code, Codebook, default_codebook, load_codebook
from wijkanalyse.coding.embed import Embedder, EmbeddingCache, embed_with_cache, get_embedder
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.vocabulary import MACHINE

__all__ = [
    "CodebookCoder",
    "SOORT_CUES",
    "QUESTION_PRIOR",
    "soort_cue_scores",
    "code_store",
    "code_table",
    "MACHINE",
]

#: coder_id of machine codings in the store.

#: Dutch cues for the kind of input: (soort id, regular expression, log-odds added when it matches).
SOORT_CUES: tuple[tuple[str, str, float], ...] = (
    ("vraag_of_zorg", r"\?", 2.0),
    (
        "vraag_of_zorg",
        r"^\s*(hoe|wat|wie|waarom|wanneer|welke?|waar|waarover|kan|kunnen|komt|krijgen|moet|is|zijn)\b",
        0.75,
    ),
    ("vraag_of_zorg", r"\bwat als\b", 1.5),
    (
        "vraag_of_zorg",
        r"\b(zorgen?|bezorgd|bang|vrees|vrezen|onduidelijk\w*|onzeker\w*|risico\w*|benieuwd)\b",
        1.0,
    ),
    (
        "behouden",
        r"\b(behoud\w*|blijven|blijft|vasthouden|koester\w*|voortzett\w*|waardevol\w*|niet verloren)\b",
        1.5,
    ),
    (
        "behouden",
        r"\b(werkt goed|gaat goed|loopt goed|prima|uitstekend|fijn|tevreden|waardeer\w*|laat dat zo)\b",
        1.0,
    ),
    (
        "verbeteren",
        r"\b(verbeter\w*|moet beter|kan beter|beter worden|moet anders|moet meer|moet eerder)\b",
        1.5,
    ),
    (
        "verbeteren",
        r"\b(ontbreekt|ontbreken|mist|missen|gebrek|te weinig|te laat|zou moeten|investeren)\b",
        1.0,
    ),
    ("verbeteren", r"\b(betere?|breder|meer|minder|moeilijk\w*|lastig|slecht\w*|duidelijk(er|heid))\b", 0.75),
)

#: A survey question key containing one of these words adds this log-odds prior to the soort it names.
QUESTION_PRIOR: tuple[tuple[str, str, float], ...] = (
    ("behoud", "behouden", 3.0),
    ("verbeter", "verbeteren", 3.0),
    ("zorg", "vraag_of_zorg", 3.0),
    ("vraag", "vraag_of_zorg", 3.0),
)

_TEMPLATE = {"nl": "Dit gaat over {}.", "en": "This is about {}."}
_KAPPA = 1.0  # zero-shot temperature as a multiple of the standard deviation of the similarities
_KAPPA_SOORT = 2.0  # the kind of input is more about form than topic: its similarities count half as much
_MIN_CALIBRATION = 12  # hand-coded texts needed before the confidences are calibrated by cross-validation
_CENTRE_SHRINK = 10  # pseudo-count that shrinks the centring of few texts towards no centring
_SELF_TRAIN_MIN = 0.5  # calibrated confidence from which an uncoded text is used as an extra example
_LSA_DIM = 128  # dimensions of the latent-semantic view of the character n-grams
_LSA_FIT_MAX = 1500  # texts the n-gram vocabulary and its SVD are fitted on (an even spread of the corpus)


def soort_cue_scores(
    texts: Sequence[str], soort_ids: Sequence[str], questions: Sequence[Any] | None = None
) -> np.ndarray:
    """Log-odds from Dutch cues and the survey question, per text and soort.

    Parameters
    ----------
    texts : sequence of str
    soort_ids : sequence of str
        Columns of the result; cues only exist for behouden, verbeteren and vraag_of_zorg.
    questions : sequence, optional
        The survey question key of each text (None where not a survey answer).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(texts), len(soort_ids))``.

    Examples
    --------
    >>> soort_cue_scores(["Hoe wordt dat geregeld?"], ["behouden", "verbeteren", "vraag_of_zorg"]).tolist()
    [[0.0, 0.0, 2.75]]
    """
    col = {s: j for j, s in enumerate(soort_ids)}
    out = np.zeros((len(texts), len(soort_ids)), dtype=np.float64)
    compiled = [(col[s], re.compile(rx, re.IGNORECASE), w) for s, rx, w in SOORT_CUES if s in col]
    for i, text in enumerate(texts):
        for j, rx, w in compiled:
            if rx.search(text or ""):
                out[i, j] += w
    if questions is not None:
        for i, q in enumerate(questions):
            if not isinstance(q, str) or not q:
                continue
            key = q.lower()
            for word, soort, w in QUESTION_PRIOR:
                if word in key and soort in col:
                    out[i, col[soort]] += w
                    break
    return out


# -- representation
# ---------------------------------------------------------------------------------------------
def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    n[n == 0] = 1.0
    return x / n


def _code_views(code: Code, language: str) -> list[tuple[str, float]]:
    """Return the texts that describe a code, with their weight in its prototype."""
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


class _LSA:
    """Truncated SVD of a sparse matrix: exactly via the Gram matrix up to 2500 rows, else ARPACK (seeded)."""

    def __init__(self, k: int, random_state: int):
        self.k = k
        self.random_state = random_state

    def fit(self, M: Any) -> _LSA:
        if M.shape[0] <= 2500:
            from scipy.linalg import eigh

            G = (M @ M.T).toarray()
            vals, vecs = eigh(G, driver="evd")  # all of them: faster than a subset for matrices this small
            vals, vecs = vals[::-1][: self.k], vecs[:, ::-1][:, : self.k]
            keep = vals > 1e-10
            sv = np.sqrt(vals[keep])
            comps = np.asarray(M.T @ (vecs[:, keep] / sv)).T  # (k, n_features), unit rows
        else:
            from sklearn.decomposition import TruncatedSVD

            comps = (
                TruncatedSVD(self.k, algorithm="arpack", random_state=self.random_state).fit(M).components_
            )
        # deterministic signs: the largest absolute loading of every component is positive
        idx = np.abs(comps).argmax(axis=1)
        comps = comps * np.sign(comps[np.arange(len(comps)), idx])[:, None]
        self.components_ = comps
        return self

    def transform(self, M: Any) -> np.ndarray:
        return np.asarray(M @ self.components_.T)


class _Featurizer:
    """Joins a centred embedding and a latent-semantic view of character n-grams into one unit-length row."""

    def __init__(self, lexical: bool, random_state: int):
        self.lexical = lexical
        self.random_state = random_state
        self.mu_: np.ndarray | None = None
        self.tfidf_: Any = None
        self.svd_: Any = None

    def fit(self, texts: Sequence[str], embeddings: np.ndarray, extra_texts: Sequence[str]) -> _Featurizer:
        n = len(texts)
        self.mu_ = (
            embeddings.mean(axis=0) * (n / (n + _CENTRE_SHRINK)) if n else np.zeros(embeddings.shape[1])
        )
        if not self.lexical:
            return self
        from sklearn.feature_extraction.text import TfidfVectorizer

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
        self.svd_ = _LSA(k, self.random_state).fit(M)
        return self

    def dense(self, embeddings: np.ndarray) -> np.ndarray:
        centre = self.mu_ if self.mu_ is not None else 0.0
        return _normalise(np.asarray(embeddings, dtype=np.float64) - centre)

    def lex(self, texts: Sequence[str]) -> np.ndarray | None:
        if self.svd_ is None:
            return None
        return _normalise(self.svd_.transform(self.tfidf_.transform([t or "" for t in texts])))

    @staticmethod
    def join(dense: np.ndarray, lex: np.ndarray | None) -> np.ndarray:
        if lex is None:
            return dense
        return np.hstack([dense, lex]) / math.sqrt(2.0)

    def transform(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        return self.join(self.dense(embeddings), self.lex(texts)).astype(np.float32)


@dataclass
class _Dimension:
    """What the coder learned for one dimension (themes or soort)."""

    codes: list[str]  # codebook codes, in order (zero-shot columns)
    prototypes: np.ndarray  # one row per codebook code
    classes: list[str]  # all classes: codebook codes plus learned extras (e.g. geen)
    temperature: float
    model: Any = None  # LogisticRegression or None
    blend: float = 0.0
    n_labeled: int = 0
    sharpness: float = 1.0  # calibration exponent learned by cross-validation on the hand-coded texts

    def zero_shot(self, Z: np.ndarray) -> np.ndarray:
        S = Z @ self.prototypes.T
        return _softmax(S / self.temperature)

    def proba(self, Z: np.ndarray) -> np.ndarray:
        zs = self.zero_shot(Z)
        out = np.zeros((Z.shape[0], len(self.classes)))
        out[:, : len(self.codes)] = zs
        if self.model is None:
            return out
        lr = self.model.predict_proba(Z)
        full = np.zeros_like(out)
        idx = [self.classes.index(c) for c in self.model.classes_]
        full[:, idx] = lr
        mixed = (1.0 - self.blend) * out + self.blend * full
        if self.sharpness != 1.0:
            mixed = np.clip(mixed, 1e-12, None) ** self.sharpness
            mixed /= mixed.sum(axis=1, keepdims=True)
        return mixed


def _softmax(x: np.ndarray) -> np.ndarray:
    z = np.exp(x - x.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def _texts_key(texts: Sequence[str]) -> str:
    return hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()


def _as_label_sets(y: Sequence[Any] | None, n: int) -> list[list[str]]:
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


class CodebookCoder(BaseEstimator):
    """Code texts against a codebook: zero-shot from definitions, few-shot once segments are coded by hand.

    Follows the scikit-learn estimator contract: ``__init__`` only stores its arguments, :meth:`fit` validates
    and learns (state in attributes ending in ``_``) and returns ``self``. Fit on the texts you want to code
    (they are used without labels to centre the embeddings and to fit the TF-IDF vocabulary) plus any
    hand-coded ones (labels in ``y``, ``None`` for the rest), then call :meth:`code` or :meth:`predict_proba`.

    Parameters
    ----------
    codebook : Codebook, optional
        Default: the bundled wijkplatform codebook.
    embedder : Embedder or str, optional
        An embedder or a settings name (``"use-m3"``, ``"tfidf"``, ``"hashing"``, a local path). Default
        ``use-m3``.
    threshold : float, default 0.35
        Codes with at least this confidence are applied; when none is, the outcome is ``geen``.
    lexical : bool, default True
        Add character n-gram TF-IDF to the embeddings (see the module docstring).
    prior_weight : float, default 3.0
        Weight of each code's prototype as a pseudo-example when learning from hand-coded segments.
    C : float, default 10.0
        Inverse regularisation strength of the logistic regression.
    temperature : float, optional
        Softmax temperature of the zero-shot confidences. Default: 0.5 x the standard deviation of the
        similarities of the fitted texts to the codes.
    language : str, default "nl"
        Language of the label template.
    random_state : int, default 0
        Seed for every random choice (the solver is deterministic; kept for the estimator contract).
    cache : EmbeddingCache, optional
        Embeddings of texts and codebook are looked up and stored here.
    progress : bool, optional
        Progress bar while embedding (default: on a terminal, for long work).
    self_training : bool, default True
        Once texts are coded by hand, retrain once with the uncoded texts the model is sure of (calibrated
        confidence >= 0.5) as extra examples of half weight; +0.02 macro-F1 at 10 examples per code on both
        development sets.

    Attributes
    ----------
    classes_ : list of str
        Theme classes: the codebook codes, then learned extras (``geen`` when it was coded by hand).
    soort_classes_ : list of str
    n_labeled_ : int
        Hand-coded texts used for the themes.
    temperature_ : float
    blend_weight_ : float
        Weight of the learned classifier against the zero-shot confidences.
    threshold_ : float
        The threshold in use: ``threshold``, or 1.5 / the number of codes when that is higher (fewer than five
        codes).
    model_id_ : str
        ``"<embedder model id>+codebook:<version tag>"``, as written to the store.

    Examples
    --------
    >>> from wijkanalyse.coding.embed import HashingEmbedder
    >>> coder = CodebookCoder(embedder=HashingEmbedder()).fit(["Hoe wordt de financiering geregeld?"])
    >>> coder.code(["Hoe wordt de financiering geregeld?"])["soort"].tolist()
    ['vraag_of_zorg']
    """

    def __init__(
        self,
        codebook: Codebook | None = None,
        embedder: Embedder | str | None = None,
        threshold: float = 0.35,
        lexical: bool = True,
        prior_weight: float = 3.0,
        C: float = 10.0,
        temperature: float | None = None,
        language: str = "nl",
        random_state: int = 0,
        cache: EmbeddingCache | None = None,
        progress: bool | None = None,
        self_training: bool = True,
    ):
        self.codebook = codebook
        self.embedder = embedder
        self.threshold = threshold
        self.lexical = lexical
        self.prior_weight = prior_weight
        self.C = C
        self.temperature = temperature
        self.language = language
        self.random_state = random_state
        self.cache = cache
        self.progress = progress
        self.self_training = self_training

    # -- parameters
    # ---------------------------------------------------------------------------------------------
    # get_params / set_params / repr come from sklearn's BaseEstimator (parameters read from __init__)

    def _validate(self) -> None:
        if not isinstance(self.threshold, int | float) or not 0.0 < self.threshold <= 1.0:
            raise SettingsError(
                "The 'threshold' parameter of CodebookCoder must be a float in (0, 1]. "
                f"Got {self.threshold!r} instead."
            )
        if not isinstance(self.prior_weight, int | float) or self.prior_weight < 0:
            raise SettingsError(
                "The 'prior_weight' parameter of CodebookCoder must be a float >= 0. "
                f"Got {self.prior_weight!r} instead."
            )
        if not isinstance(self.C, int | float) or self.C <= 0:
            raise SettingsError(
                f"The 'C' parameter of CodebookCoder must be a float > 0. Got {self.C!r} instead."
            )
        if self.temperature is not None and (
            not isinstance(self.temperature, int | float) or self.temperature <= 0
        ):
            raise SettingsError(
                "The 'temperature' parameter of CodebookCoder must be a float > 0 or None. "
                f"Got {self.temperature!r} instead."
            )

    # -- embedding
    # ----------------------------------------------------------------------------------------------
    def _embed(self, texts: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray:
        if embeddings is not None:
            emb = np.asarray(embeddings, dtype=np.float32)
            if emb.ndim != 2 or emb.shape[0] != len(texts):
                raise SettingsError(
                    f"embeddings must have shape (n_texts, dim) = ({len(texts)}, dim). "
                    f"Got {emb.shape} instead."
                )
            if emb.shape[1] != self.embedder_.dim:
                raise SettingsError(
                    f"embeddings have {emb.shape[1]} dimensions but the embedder "
                    f"{self.embedder_.model_id!r} gives "
                    f"{self.embedder_.dim}; precomputed embeddings must come from the same embedder."
                )
            return emb
        return embed_with_cache(self.embedder_, list(texts), self.cache, progress=self.progress)

    # -- fitting
    # ------------------------------------------------------------------------------------------------
    def fit(
        self,
        X: Sequence[str],
        y: Sequence[Any] | None = None,
        *,
        y_soort: Sequence[Any] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> CodebookCoder:
        """Learn from the texts to code and from any hand-coded ones.

        Parameters
        ----------
        X : sequence of str
            Texts: those to be coded and the hand-coded ones.
        y : sequence, optional
            Theme codes per text: ``None`` (not coded), a code id, ``"a;b"``, or a list of code ids. ``geen``
            is allowed (a person's "none of these").
        y_soort : sequence, optional
            Soort codes per text, in the same form.
        embeddings : numpy.ndarray, optional
            Precomputed embeddings of ``X`` (from the same embedder), shape ``(len(X), dim)``.

        Returns
        -------
        CodebookCoder
            ``self``.

        Raises
        ------
        SettingsError
            For a bad parameter, a length mismatch, or a code id that is neither in the codebook nor ``geen``.
        """
        self._validate()
        texts = [t if isinstance(t, str) else "" for t in X]
        cb = self.codebook if self.codebook is not None else default_codebook()
        self.codebook_ = cb
        emb = self.embedder if self.embedder is not None else "use-m3"
        self.embedder_ = emb if isinstance(emb, Embedder) else get_embedder(emb)
        self.model_id_ = f"{self.embedder_.model_id}+codebook:{cb.version_tag}"
        labels = _as_label_sets(y, len(texts))
        labels_soort = _as_label_sets(y_soort, len(texts))
        known = set(cb.ids) | {NONE_CODE}
        unknown = sorted({c for ls in labels for c in ls if c not in known})
        unknown_soort = sorted({c for ls in labels_soort for c in ls if c not in cb.soort_ids})
        if unknown or unknown_soort:
            raise SettingsError(
                "Hand-coded examples use codes that are not in codebook "
                f"{cb.name!r}: {unknown + unknown_soort}. Theme codes: {cb.ids + [NONE_CODE]}; "
                f"soort codes: {cb.soort_ids}."
            )

        E = self._embed(texts, embeddings)
        views = {c.id: _code_views(c, self.language) for c in (*cb.codes, *cb.soort)}
        view_texts = list(dict.fromkeys(t for vs in views.values() for t, _ in vs))
        V = embed_with_cache(self.embedder_, view_texts, self.cache, progress=False)
        vrow = {t: i for i, t in enumerate(view_texts)}

        self.featurizer_ = _Featurizer(self.lexical, self.random_state).fit(texts, E, view_texts)
        Z = self.featurizer_.transform(texts, E)
        self._fit_key_, self._fit_Z_ = _texts_key(texts), Z  # coding the fitted texts reuses their features
        L = self.featurizer_.lex(view_texts)
        self.theme_ = self._fit_dimension(cb.codes, views, V, L, vrow, Z, labels, self_train=True)
        self.soort_ = self._fit_dimension(cb.soort, views, V, L, vrow, Z, labels_soort, kappa=_KAPPA_SOORT)
        self.classes_ = list(self.theme_.classes)
        self.soort_classes_ = list(self.soort_.classes)
        self.n_labeled_ = self.theme_.n_labeled
        self.temperature_ = self.theme_.temperature
        self.blend_weight_ = self.theme_.blend
        self.parents_ = {c.id: c.parent for c in cb.codes if c.parent}
        self.threshold_ = max(float(self.threshold), 1.5 / max(len(cb.codes), 1))
        return self

    def _prototypes(
        self,
        codes: Sequence[Code],
        views: Mapping[str, list[tuple[str, float]]],
        V: np.ndarray,
        L: np.ndarray | None,
        vrow: Mapping[str, int],
    ) -> np.ndarray:
        """Weighted mean of each code's view representations; the dense half centred on the codes' mean."""
        weights = [np.array([w for _, w in views[c.id]]) for c in codes]
        dense = np.vstack(
            [
                _normalise(w @ V[[vrow[t] for t, _ in views[c.id]]])
                for c, w in zip(codes, weights, strict=True)
            ]
        )
        k = len(codes)
        centre = dense.mean(axis=0) * ((k - 1) / k) if k > 1 else np.zeros(dense.shape[1])
        dense = _normalise(dense - centre)
        lex = None
        if L is not None:
            lex = np.vstack(
                [
                    _normalise(w @ L[[vrow[t] for t, _ in views[c.id]]])
                    for c, w in zip(codes, weights, strict=True)
                ]
            )
        return _Featurizer.join(dense, lex)

    def _fit_dimension(
        self,
        codes: Sequence[Code],
        views: Mapping[str, list[tuple[str, float]]],
        V: np.ndarray,
        L: np.ndarray | None,
        vrow: Mapping[str, int],
        Z: np.ndarray,
        labels: list[list[str]],
        kappa: float = _KAPPA,
        self_train: bool = False,
    ) -> _Dimension:
        ids = [c.id for c in codes]
        P = self._prototypes(codes, views, V, L, vrow)
        if self.temperature is not None:
            T = float(self.temperature)
        else:
            S = Z @ P.T
            sd = float(S.std()) if S.size > 1 else 0.0
            T = kappa * sd if sd > 1e-6 else 0.05
        extras = sorted({c for ls in labels for c in ls if c not in ids})
        classes = ids + extras
        dim = _Dimension(codes=ids, prototypes=P, classes=classes, temperature=T)
        rows = [i for i, ls in enumerate(labels) if ls]
        dim.n_labeled = len(rows)
        dim.model = self._train(Z, rows, labels, P, ids)
        if dim.model is None:
            return dim
        dim.blend = len(rows) / (len(rows) + len(ids))
        dim.sharpness = self._calibrate(dim, Z, rows, labels, P, ids)
        if self_train and self.self_training:
            dim.model = self._self_train(dim, Z, rows, labels, P, ids)
        return dim

    def _self_train(
        self,
        dim: _Dimension,
        Z: np.ndarray,
        rows: list[int],
        labels: list[list[str]],
        P: np.ndarray,
        ids: list[str],
    ) -> Any:
        """Retrain once with the uncoded texts the model is sure of as extra, lighter examples.

        An uncoded text whose most likely code (not ``geen``) has a calibrated confidence of at least
        :data:`_SELF_TRAIN_MIN` joins the training set with weight ``0.5 * confidence``.
        """
        labelled = set(rows)
        proba = dim.proba(Z)
        top, conf = proba.argmax(axis=1), proba.max(axis=1)
        pseudo = [
            (i, dim.classes[top[i]], 0.5 * float(conf[i]))
            for i in range(Z.shape[0])
            if i not in labelled and conf[i] >= _SELF_TRAIN_MIN and dim.classes[top[i]] != NONE_CODE
        ]
        if not pseudo:
            return dim.model
        return self._train(Z, rows, labels, P, ids, pseudo=pseudo) or dim.model

    def _train(
        self,
        Z: np.ndarray,
        rows: Sequence[int],
        labels: list[list[str]],
        P: np.ndarray,
        ids: list[str],
        pseudo: Sequence[tuple[int, str, float]] = (),
    ) -> Any:
        """Logistic regression on hand-coded rows plus the code prototypes as weighted pseudo-examples."""
        if not rows:
            return None
        from sklearn.linear_model import LogisticRegression

        Xs, ys, ws = [], [], []
        for i in rows:
            for c in labels[i]:
                Xs.append(i)
                ys.append(c)
                ws.append(1.0 / len(labels[i]))
        for i, c, w in pseudo:
            Xs.append(i)
            ys.append(c)
            ws.append(w)
        use_prior = self.prior_weight > 0
        train_X = np.vstack([Z[Xs], P]) if use_prior else Z[Xs]
        train_y = ys + (ids if use_prior else [])
        train_w = ws + ([float(self.prior_weight)] * len(ids) if use_prior else [])
        if len(set(train_y)) < 2:  # one class only: nothing to discriminate, keep zero-shot
            return None
        lr = LogisticRegression(
            C=float(self.C), max_iter=2000, class_weight="balanced", random_state=self.random_state
        )
        return lr.fit(train_X, np.asarray(train_y), sample_weight=np.asarray(train_w))

    def _calibrate(
        self,
        dim: _Dimension,
        Z: np.ndarray,
        rows: list[int],
        labels: list[list[str]],
        P: np.ndarray,
        ids: list[str],
    ) -> float:
        """Sharpness s of ``p ** s`` (renormalised) best predicting held-out hand codes (3-fold CV, NLL)."""
        if len(rows) < _MIN_CALIBRATION:
            return 1.0
        from sklearn.model_selection import KFold

        logs, targets, weights = [], [], []
        folds = KFold(n_splits=3, shuffle=True, random_state=self.random_state)
        for tr, te in folds.split(np.arange(len(rows))):
            tr_rows, te_rows = [rows[i] for i in tr], [rows[i] for i in te]
            sub = _Dimension(
                codes=dim.codes, prototypes=dim.prototypes, classes=dim.classes, temperature=dim.temperature
            )
            sub.model = self._train(Z, tr_rows, labels, P, ids)
            sub.blend = len(tr_rows) / (len(tr_rows) + len(ids)) if sub.model is not None else 0.0
            logp = np.log(np.clip(sub.proba(Z[te_rows]), 1e-9, None))
            for j, i in enumerate(te_rows):
                for c in labels[i]:
                    logs.append(logp[j])
                    targets.append(dim.classes.index(c))
                    weights.append(1.0 / len(labels[i]))
        L, t, w = np.vstack(logs), np.asarray(targets), np.asarray(weights)
        grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 49))
        nll = []
        for s in grid:
            z = s * L
            lse = z.max(axis=1) + np.log(np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1))
            nll.append(float((w * (lse - z[np.arange(len(t)), t])).sum()))
        return float(grid[int(np.argmin(nll))])

    # -- predicting
    # ---------------------------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "theme_"):
            raise SettingsError("This CodebookCoder is not fitted yet. Call fit(texts) before coding.")

    def _features(self, X: Sequence[str], embeddings: np.ndarray | None) -> tuple[list[str], np.ndarray]:
        self._check_fitted()
        texts = [t if isinstance(t, str) else "" for t in X]
        if len(texts) == len(self._fit_Z_) and _texts_key(texts) == self._fit_key_:
            if embeddings is not None:
                self._embed(texts, embeddings)  # still validate the shape
            return texts, self._fit_Z_
        E = self._embed(texts, embeddings)
        return texts, self.featurizer_.transform(texts, E)

    def transform(self, X: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Return the coder's representation of texts: centred embedding and character n-gram LSA.

        Parameters
        ----------
        X : sequence of str
        embeddings : numpy.ndarray, optional
            Precomputed embeddings of ``X``.

        Returns
        -------
        numpy.ndarray
            One row per text.
        """
        return self._features(X, embeddings)[1]

    def predict_proba(self, X: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Confidence of every theme class (columns in the order of :attr:`classes_`) per text.

        Parameters
        ----------
        X : sequence of str
        embeddings : numpy.ndarray, optional
            Precomputed embeddings of ``X``.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(X), len(classes_))``, rows sum to 1.
        """
        _, Z = self._features(X, embeddings)
        return self.theme_.proba(Z)

    def _soort_proba(
        self, texts: Sequence[str], Z: np.ndarray, questions: Sequence[Any] | None
    ) -> np.ndarray:
        base = self.soort_.proba(Z)
        cues = soort_cue_scores(texts, self.soort_.classes, questions)
        return _softmax(np.log(np.clip(base, 1e-9, None)) + cues)

    def decide(self, proba: np.ndarray) -> list[list[tuple[str, float]]]:
        """Turn theme confidences into applied codes per text: ``[(code, confidence), ...]``, best first.

        Codes with confidence >= :attr:`threshold_` are applied (``threshold``, raised to 1.5 / the number of
        codes for a codebook of fewer than five codes, so that a flat guess never passes). If none is, a
        parent whose own confidence plus its sub-codes' reaches it is applied with that sum. Otherwise
        ``[("geen", 1 - the highest code confidence)]``; a learned ``geen`` class that is most likely and
        passes wins as well.
        """
        self._check_fitted()
        classes = self.classes_
        thr = self.threshold_
        code_cols = [j for j, c in enumerate(classes) if c != NONE_CODE]
        kids: dict[str, list[int]] = {}
        for child, parent in self.parents_.items():
            if child in classes and parent in classes:
                kids.setdefault(parent, []).append(classes.index(child))
        out = []
        for row in proba:
            order = np.argsort(-row, kind="stable")
            applied = [(classes[j], float(row[j])) for j in order if row[j] >= thr]
            if applied and applied[0][0] == NONE_CODE:
                applied = [applied[0]]
            applied = [(c, p) for c, p in applied if c != NONE_CODE] or applied
            if not applied:
                fam = {p: float(row[classes.index(p)] + row[idx].sum()) for p, idx in kids.items()}
                best = max(fam.items(), key=lambda kv: (kv[1], -classes.index(kv[0])), default=None)
                if best is not None and best[1] >= thr:
                    applied = [best]
            if not applied:
                applied = [(NONE_CODE, float(1.0 - row[code_cols].max()))]
            out.append(applied)
        return out

    def predict(self, X: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Best theme code per text (``geen`` when nothing passes the threshold)."""
        return np.array([d[0][0] for d in self.decide(self.predict_proba(X, embeddings))], dtype=object)

    def code(
        self,
        X: Sequence[str],
        embeddings: np.ndarray | None = None,
        questions: Sequence[Any] | None = None,
    ) -> pd.DataFrame:
        """Code texts on both dimensions.

        Parameters
        ----------
        X : sequence of str
        embeddings : numpy.ndarray, optional
            Precomputed embeddings of ``X``.
        questions : sequence, optional
            Survey question key per text (None where unknown), used for the soort.

        Returns
        -------
        pandas.DataFrame
            One row per text: ``best_code``, ``confidence`` (of the best code; for ``geen`` 1 - the highest
            code confidence), ``codes`` (list of ``(code, confidence)`` applied), ``top_code`` and
            ``top_confidence`` (the most likely codebook code even when below the threshold), ``soort`` and
            ``soort_confidence``.
        """
        texts, Z = self._features(X, embeddings)
        proba = self.theme_.proba(Z)
        decided = self.decide(proba)
        sproba = self._soort_proba(texts, Z, questions)
        k = len(self.theme_.codes)
        top = proba[:, :k].argmax(axis=1) if k else np.zeros(len(texts), dtype=int)
        return pd.DataFrame(
            {
                "best_code": [d[0][0] for d in decided],
                "confidence": [d[0][1] for d in decided],
                "codes": decided,
                "top_code": [self.theme_.codes[j] for j in top],
                "top_confidence": [float(proba[i, j]) for i, j in enumerate(top)],
                "soort": [self.soort_classes_[j] for j in sproba.argmax(axis=1)],
                "soort_confidence": sproba.max(axis=1).astype(float),
            }
        )


# ----------------------------------------------------------------------------------------------------
# Store integration
# ----------------------------------------------------------------------------------------------------
def _state_fingerprint(model_id: str, threshold: float, human: pd.DataFrame) -> dict[str, Any]:
    pairs = sorted(zip(human["segment_id"], human["code_id"], strict=True))
    h = hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
    return {"model": model_id, "threshold": float(threshold), "n_human": len(pairs), "human_hash": h}


def _sync_codes(con: Any, codebook: Codebook) -> None:
    frame = codebook.to_frame()
    rows = [
        tuple(r)
        for r in frame[
            [
                "code_id",
                "dimension",
                "label_nl",
                "label_en",
                "parent",
                "definition",
                "color",
                "codebook_version",
            ]
        ].itertuples(index=False, name=None)
    ]
    rows.append(
        (
            NONE_CODE,
            "thema",
            "geen van deze",
            "none of these",
            None,
            "Geen van de codes in het codeboek past (uitkomst van de machine of een codeur).",
            "#BBBBBB",
            codebook.version_tag,
        )
    )
    con.executemany(
        "INSERT INTO codes(code_id, dimension, label_nl, label_en, parent, definition, color, "
        "codebook_version) "
        "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(code_id) DO UPDATE SET dimension=excluded.dimension, "
        "label_nl=excluded.label_nl, label_en=excluded.label_en, parent=excluded.parent, "
        "definition=excluded.definition, color=excluded.color, codebook_version=excluded.codebook_version",
        rows,
    )
    keep = [r[0] for r in rows]
    marks = ",".join("?" * len(keep))
    con.execute(  # codes no longer in the codebook go, unless some coding still uses them
        f"DELETE FROM codes WHERE code_id NOT IN ({marks}) "
        "AND code_id NOT IN (SELECT DISTINCT code_id FROM codings)",
        keep,
    )


def code_store(
    store: Any,
    settings: Any,
    embedder: Embedder | None = None,
    codebook: Codebook | None = None,
    run_id: str | None = None,
    progress: bool | None = None,
) -> dict[str, Any]:
    """Code every segment of a store on both dimensions and write machine codings.

    Reads the segments, embeds them with the cache next to the store, learns from the human codings
    (``kind='human' AND status='applied'``) and writes machine codings (``coder_id='machine'``,
    ``kind='machine'``, ``model``, ``confidence``, ``run_id``): the applied theme codes (or ``geen``) and one
    soort per segment. The codebook is synced into the ``codes`` table (dimension ``thema`` / ``soort``; plus
    ``geen``).

    Rerun semantics: when the model (embedder and codebook version), the threshold and the human codings are
    unchanged, only segments without machine codings are coded (nothing is written when there are none). When
    any of them changed, every machine coding is recomputed and replaced in one transaction. Machine codings
    of segments that no longer exist are removed. Human codings are never changed or deleted, and a machine
    coding that a reviewer set to ``status='rejected'`` is kept as it is; a code that a person rejected for a
    segment (a rejected machine coding or a human ``rejected`` row) is not proposed again for that segment.

    Parameters
    ----------
    store : Store
    settings : Settings
        Uses ``embedder``, ``codebook_path``, ``coding_threshold`` and ``seed``.
    embedder : Embedder, optional
        Default: ``get_embedder(settings.embedder)``.
    codebook : Codebook, optional
        Default: the codebook at ``settings.codebook_path``.
    run_id : str, optional
        Record the work under this run (the caller starts and finishes it). Default: a new run ``code``.
    progress : bool, optional
        Progress bar while embedding.

    Returns
    -------
    dict
        ``run_id``, ``mode`` (``full``, ``incremental`` or ``unchanged``), ``model``, ``codebook_version``,
        ``segments``, ``coded``, ``embedded`` (texts not in the cache), ``human_codings``, ``written``,
        ``removed``, ``geen``, ``per_code`` and ``per_soort``.
    """
    from wijkanalyse.store import now_iso

    cb = codebook if codebook is not None else load_codebook(settings.codebook_path)
    emb = embedder if embedder is not None else get_embedder(settings.embedder)
    threshold = float(getattr(settings, "coding_threshold", 0.35))
    own_run = run_id is None
    if own_run:
        run_id = store.start_run("code", json.dumps({"embedder": emb.model_id, "codebook": cb.version_tag}))
    try:
        summary = _code_store(
            store, cb, emb, threshold, int(getattr(settings, "seed", 0)), str(run_id), progress, now_iso
        )
    except BaseException:
        if own_run:
            store.finish_run(str(run_id), status="failed")
        raise
    if own_run:
        store.finish_run(str(run_id), status="ok", summary_json=json.dumps(summary, default=str))
    return summary


def _code_store(
    store: Any,
    cb: Codebook,
    emb: Embedder,
    threshold: float,
    seed: int,
    run_id: str,
    progress: bool | None,
    now_iso: Any,
) -> dict[str, Any]:
    segs = store.query("SELECT segment_id, text, text_hash, question FROM segments ORDER BY segment_id")
    human = store.query(
        "SELECT segment_id, code_id FROM codings WHERE kind = 'human' AND status = 'applied' "
        "ORDER BY segment_id, code_id"
    )
    model_id = f"{emb.model_id}+codebook:{cb.version_tag}"
    state = _state_fingerprint(model_id, threshold, human)
    row = store.con.execute("SELECT value FROM meta WHERE key = 'coding_state'").fetchone()
    previous = json.loads(row[0]) if row else None
    machine = store.query(
        "SELECT segment_id, code_id, status FROM codings WHERE coder_id = ?", (MACHINE,)
    )
    coded_ids = set(machine["segment_id"])
    seg_ids = set(segs["segment_id"])
    if previous != state:
        mode, todo = "full", segs
    else:
        todo = segs[~segs["segment_id"].isin(coded_ids)]
        mode = "incremental" if len(todo) else "unchanged"

    summary: dict[str, Any] = {
        "run_id": run_id,
        "mode": mode,
        "model": model_id,
        "codebook_version": cb.version_tag,
        "segments": len(segs),
        "coded": 0,
        "embedded": 0,
        "human_codings": len(human),
        "written": 0,
        "removed": 0,
        "geen": 0,
        "per_code": {},
        "per_soort": {},
    }
    stale = sorted(coded_ids - seg_ids)
    if mode == "unchanged" and not stale:
        with store.transaction() as con:
            _sync_codes(con, cb)
        return summary

    rows: list[tuple[Any, ...]] = []
    if len(todo):
        cache = EmbeddingCache.for_store(store)
        stats: dict[str, int] = {}
        texts = segs["text"].tolist()
        E = embed_with_cache(emb, texts, cache, progress=progress, stats=stats)
        summary["embedded"] = stats.get("embedded", 0)
        theme_y: dict[str, list[str]] = {}
        soort_y: dict[str, list[str]] = {}
        soort_ids = set(cb.soort_ids)
        known = set(cb.ids) | {NONE_CODE}
        for sid, code in zip(human["segment_id"], human["code_id"], strict=True):
            if code in soort_ids:
                soort_y.setdefault(sid, []).append(code)
            elif code in known:
                theme_y.setdefault(sid, []).append(code)
        ids = segs["segment_id"].tolist()
        coder = CodebookCoder(codebook=cb, embedder=emb, threshold=threshold, random_state=seed, cache=cache)
        coder.fit(texts, [theme_y.get(s) for s in ids], y_soort=[soort_y.get(s) for s in ids], embeddings=E)
        pos = {s: i for i, s in enumerate(ids)}
        idx = [pos[s] for s in todo["segment_id"]]
        result = coder.code([texts[i] for i in idx], embeddings=E[idx], questions=todo["question"].tolist())
        rejected = {(s, c) for s, c, st in machine.itertuples(index=False, name=None) if st == "rejected"}
        rejected |= set(
            store.query(
                "SELECT segment_id, code_id FROM codings WHERE kind = 'human' AND status = 'rejected'"
            ).itertuples(index=False, name=None)
        )
        for sid, applied, soort, sconf in zip(
            todo["segment_id"], result["codes"], result["soort"], result["soort_confidence"], strict=True
        ):
            for code, conf in applied:
                if (sid, code) not in rejected:
                    rows.append((sid, code, round(float(conf), 6)))
            if (sid, soort) not in rejected:
                rows.append((sid, soort, round(float(sconf), 6)))
        summary["coded"] = len(todo)

    with store.transaction() as con:
        _sync_codes(con, cb)
        store.ensure_coder(MACHINE, kind="machine", name="wijkanalyse CodebookCoder")
        if stale:
            marks = ",".join("?" * len(stale))
            cur = con.execute(
                f"DELETE FROM codings WHERE coder_id = ? AND status = 'applied' AND segment_id IN ({marks})",
                [MACHINE, *stale],
            )
            summary["removed"] += cur.rowcount
        if mode == "full":
            cur = con.execute(
                "DELETE FROM codings WHERE coder_id = ? AND status = 'applied'", (MACHINE,)
            )
            summary["removed"] += cur.rowcount
        created = now_iso()
        con.executemany(
            "INSERT OR IGNORE INTO codings(segment_id, code_id, coder_id, kind, status, confidence, model, "
            "run_id, "
            "created_at) VALUES (?, ?, ?, 'machine', 'applied', ?, ?, ?, ?)",
            [(s, c, MACHINE, conf, model_id, run_id, created) for s, c, conf in rows],
        )
        con.execute(
            "INSERT INTO meta(key, value) VALUES ('coding_state', ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (json.dumps(state),),
        )
    summary["written"] = len(rows)
    soort_set = set(cb.soort_ids)
    per_code: dict[str, int] = {}
    per_soort: dict[str, int] = {}
    for _, c, _ in rows:
        target = per_soort if c in soort_set else per_code
        target[c] = target.get(c, 0) + 1
    summary["per_code"], summary["per_soort"] = per_code, per_soort
    summary["geen"] = per_code.get(NONE_CODE, 0)
    return summary


# ----------------------------------------------------------------------------------------------------
# Coding a table a user brings
# ----------------------------------------------------------------------------------------------------
def code_table(
    df: pd.DataFrame,
    text_column: str,
    id_column: str | None = None,
    codebook: Codebook | None = None,
    examples: pd.DataFrame | None = None,
    embedder: Embedder | str | None = None,
    threshold: float = 0.35,
    question_column: str | None = None,
    cache: EmbeddingCache | None = None,
    language: str = "nl",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Code the texts of any table (a CSV or XLSX a user brings) against a codebook.

    Parameters
    ----------
    df : pandas.DataFrame
    text_column : str
        Column with the texts.
    id_column : str, optional
        Column with row ids; default: the row number (from 1).
    codebook : Codebook, optional
        Default: the bundled wijkplatform codebook.
    examples : pandas.DataFrame, optional
        Hand-coded examples: columns ``text`` and ``code`` (a theme code, a soort code, ``geen``, or several
        separated by ``;``). With examples the coder learns from them (few-shot); without, it codes from the
        codebook alone (zero-shot).
    embedder : Embedder or str, optional
        Default ``use-m3``.
    threshold : float, default 0.35
    question_column : str, optional
        Column with the survey question key (helps the soort).
    cache : EmbeddingCache, optional
    language : str, default "nl"
        Language of ``best_label``.
    progress : bool, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``text``, ``best_code``, ``best_label``, ``codes`` (every applied code, ``;``-joined),
        ``confidence``, ``soort``, ``soort_confidence``.

    Raises
    ------
    SettingsError
        If a column is missing (the columns found are listed) or an example uses an unknown code.
    """
    for col in (text_column, id_column, question_column):
        if col is not None and col not in df.columns:
            raise SettingsError(
                f"Column {col!r} not in the table. Columns found: {list(map(str, df.columns))}."
            )
    cb = codebook if codebook is not None else default_codebook()
    texts = df[text_column].fillna("").astype(str).tolist()
    ids = df[id_column].tolist() if id_column else list(range(1, len(df) + 1))
    y: list[Any] = [None] * len(texts)
    y_soort: list[Any] = [None] * len(texts)
    fit_texts = list(texts)
    if examples is not None and len(examples):
        missing = [c for c in ("text", "code") if c not in examples.columns]
        if missing:
            raise SettingsError(
                f"The examples table needs columns 'text' and 'code'. Missing: {missing}. "
                f"Columns found: {list(map(str, examples.columns))}."
            )
        soort_ids = set(cb.soort_ids)
        for text, codes in zip(examples["text"].astype(str), examples["code"].astype(str), strict=True):
            parts = [c.strip() for c in codes.split(";") if c.strip()]
            fit_texts.append(text)
            y.append([c for c in parts if c not in soort_ids] or None)
            y_soort.append([c for c in parts if c in soort_ids] or None)
    emb = embedder if isinstance(embedder, Embedder) else get_embedder(embedder or "use-m3")
    E = embed_with_cache(emb, fit_texts, cache, progress=progress)
    coder = CodebookCoder(codebook=cb, embedder=emb, threshold=threshold, cache=cache, language=language)
    coder.fit(fit_texts, y, y_soort=y_soort, embeddings=E)
    questions = df[question_column].tolist() if question_column else None
    res = coder.code(texts, embeddings=E[: len(texts)], questions=questions)
    return pd.DataFrame(
        {
            "id": ids,
            "text": texts,
            "best_code": res["best_code"],
            "best_label": [cb.label(c, language) for c in res["best_code"]],
            "codes": [";".join(c for c, _ in applied) for applied in res["codes"]],
            "confidence": res["confidence"].round(4),
            "soort": res["soort"],
            "soort_confidence": res["soort_confidence"].round(4),
        }
    )
