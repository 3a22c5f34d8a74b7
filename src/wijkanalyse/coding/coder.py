"""Stage 5: code segments against a codebook, deductively from the definitions and learning from people.

:class:`CodebookCoder` is a scikit-learn-style estimator. It codes two dimensions: the themes of the codebook
(multi-label, with a confidence per code and the explicit outcome ``geen`` = none of these) and the kind of
input (*soort*: behouden / verbeteren / vraag_of_zorg, exactly one per segment).

How a text is represented
    Two halves of equal weight: (1) its embedding from any :class:`~wijkanalyse.coding.embed.Embedder`,
    centred on the mean of the texts being coded (this removes what all segments share, such as genre and
    register, and leaves what tells them apart), and (2) a latent-semantic view (128 dimensions, an SVD) of
    character 3-5-gram TF-IDF fitted on those texts plus the codebook text: it carries the domain words a
    codebook names, and their inflections, which a small multilingual model blurs. On the two Dutch
    development sets the combination beat either half alone, zero-shot and few-shot
    (``benchmarks/results/coding_eval.md``).
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
Learning that never makes it worse (:mod:`.guard`)
    Which of the codebook prior, the learned model per code, the learned model, or a plain logistic
    regression on the examples is used is decided by cross-validation on the hand-coded segments: the
    prior is replaced only by what agrees better with people on held-out codes (by more than one standard
    error), codes with fewer than three examples keep the prior, and segments of the check sample
    (``holdout``) are never trained on. The decision threshold and forced choice are calibrated the same
    way (or on the check sample). :attr:`CodebookCoder.learning_` states what was chosen and why.
Decision
    Every code with confidence >= the threshold is applied (so at most two when it is above 1/3; for a
    codebook of fewer than five codes the threshold is raised to 1.5 / K, so a flat guess never passes). If
    none passes but a parent and its sub-codes together do, the parent is applied. Otherwise: ``geen``, or
    with forced choice (when calibration chose it) the most likely code.
Kind of input (soort)
    The same model over the soort codes, with its similarities counting half (the kind of input is more a
    matter of form than of topic), plus simple Dutch cues added as log-odds (:data:`SOORT_CUES`: a question
    mark, "hoe", "wat als", "zorg", "behouden", "blijven", "moet beter", "verbeteren", ...) and the survey
    question where known (a question key containing "behoud", "verbeter", "vraag" or "zorg" adds a strong
    prior, :data:`QUESTION_PRIOR`). Short noun phrases without context ("Spreekuren") stay hard: on the 56
    bullets of the municipal report in ``shared/seeds`` the soort is right for about 6 in 10 (questions for
    19 in 20).

The pieces live in small modules: :mod:`.features` (the representation), :mod:`.dimension` (prototypes,
zero-shot, the classifier, calibration, self-training), :mod:`.soort` (the cues of the kind of input).
Coding a store (:func:`~wijkanalyse.coding.apply.code_store`) and a table a user brings
(:func:`~wijkanalyse.coding.apply.code_table`) are in :mod:`.apply`. Everything is deterministic: the same
input gives the same codings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from wijkanalyse.coding.codebook import NONE_CODE, Codebook
from wijkanalyse.coding.dimension import KAPPA_SOORT, Dimension, LearnParams, fit_dimension, prototypes
from wijkanalyse.coding.embed import Embedder, EmbeddingCache, embed_with_cache, get_embedder
from wijkanalyse.coding.features import Featurizer, as_label_sets, code_views, softmax, texts_key
from wijkanalyse.coding.guard import code_thresholds, decide_rows
from wijkanalyse.coding.soort import soort_cue_scores
from wijkanalyse.exceptions import SettingsError

__all__ = ["CodebookCoder"]


class CodebookCoder(BaseEstimator):
    """Code texts against a codebook: zero-shot from definitions, few-shot once segments are coded by hand.

    Follows the scikit-learn estimator contract: ``__init__`` only stores its arguments, :meth:`fit` validates
    and learns (state in attributes ending in ``_``) and returns ``self``. Fit on the texts you want to code
    (they are used without labels to centre the embeddings and to fit the TF-IDF vocabulary) plus any
    hand-coded ones (labels in ``y``, ``None`` for the rest), then call :meth:`code` or :meth:`predict_proba`.

    Parameters
    ----------
    codebook : Codebook
        The codes to code with (at least one theme). Required: there is no bundled default codebook (a
        codebook is about one corpus's question and lives with that corpus).
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
        codes), unless calibrated on the hand-coded segments or the check sample (see ``learning_``).
    model_id_ : str
        ``"<embedder model id>+codebook:<version tag>"`` (the store adds a hash of the human codings).
    code_thresholds_ : numpy.ndarray
        The threshold per class: the calibrated one for codes the learned model decides, ``threshold_``'s
        default rule for codes that keep the codebook prior.
    forced_ : bool
        Forced choice: the most likely code instead of ``geen`` when none passes the threshold.
    learning_ : dict
        What the coder learned from and how it decides (:meth:`.guard.Choice.provenance`).

    Examples
    --------
    >>> from wijkanalyse.coding.codebook import parse_codebook
    >>> from wijkanalyse.coding.embed import HashingEmbedder
    >>> cb = parse_codebook({"name": "geld", "codes": [
    ...     {"id": "financiering", "label_nl": "Financiering", "definition": "Geld en budget."}]})
    >>> text = "Hoe wordt de financiering geregeld?"
    >>> coder = CodebookCoder(codebook=cb, embedder=HashingEmbedder()).fit([text])
    >>> coder.code([text])["soort"].tolist()
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
        holdout: Sequence[bool] | None = None,
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
        holdout : sequence of bool, optional
            Per text: True for a segment of the check sample. Its hand codes are never learned from; they
            calibrate the decision threshold (see :mod:`wijkanalyse.coding.guard`).

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
        cb = self.codebook
        if cb is None or not cb.codes:
            raise SettingsError(
                "CodebookCoder needs a codebook with at least one theme (codebook=...). A corpus without one "
                "can draft it from its own themes: wijkanalyse codebook draft."
            )
        self.codebook_ = cb
        emb = self.embedder if self.embedder is not None else "use-m3"
        self.embedder_ = emb if isinstance(emb, Embedder) else get_embedder(emb)
        self.model_id_ = f"{self.embedder_.model_id}+codebook:{cb.version_tag}"
        labels = as_label_sets(y, len(texts))
        labels_soort = as_label_sets(y_soort, len(texts))
        _check_labels(cb, labels, labels_soort)
        if holdout is not None and len(holdout) != len(texts):
            raise SettingsError(f"holdout must have one entry per text ({len(texts)}). Got {len(holdout)}.")
        self.parents_ = {c.id: c.parent for c in cb.codes if c.parent}
        self.threshold_ = max(float(self.threshold), 1.5 / max(len(cb.codes), 1))
        self.forced_ = False
        self._learn(cb, texts, self._embed(texts, embeddings), labels, labels_soort, holdout)
        self.classes_ = list(self.theme_.classes)
        self.soort_classes_ = list(self.soort_.classes) if self.soort_ is not None else []
        self.n_labeled_ = self.theme_.n_labeled
        self.temperature_ = self.theme_.temperature
        self.blend_weight_ = self.theme_.blend
        choice = self.theme_.choice
        self.code_thresholds_ = np.full(len(self.classes_), self.threshold_)
        if choice is not None:
            gates = choice.gate_vector(self.classes_)
            self.code_thresholds_ = code_thresholds(gates, choice.threshold, self.threshold_)
            self.threshold_, self.forced_ = float(choice.threshold), bool(choice.forced)
        self.learning_ = self._provenance()
        return self

    def _provenance(self) -> dict[str, Any]:
        """Return what the coder learned from and how it decides (written with every coding run)."""
        choice = self.theme_.choice
        if choice is not None:
            return choice.provenance()
        rule = f"default rule (threshold {self.threshold}, at least 1.5 / number of codes)"
        return {
            "model": "prior" if self.theme_.model is None else "learned",
            "threshold": self.threshold_,
            "forced_choice": self.forced_,
            "threshold_source": rule,
            "human_coded_segments_in_cv": 0,
        }

    def _learn(
        self,
        cb: Codebook,
        texts: list[str],
        E: np.ndarray,
        labels: list[list[str]],
        labels_soort: list[list[str]],
        holdout: Sequence[bool] | None = None,
    ) -> None:
        """Fit the featurizer on texts and code views, then both dimensions (``theme_`` and ``soort_``)."""
        views = {c.id: code_views(c, self.language) for c in (*cb.codes, *cb.soort)}
        view_texts = list(dict.fromkeys(t for vs in views.values() for t, _ in vs))
        V = embed_with_cache(self.embedder_, view_texts, self.cache, progress=False)
        vrow = {t: i for i, t in enumerate(view_texts)}

        self.featurizer_ = Featurizer(self.lexical, self.random_state).fit(texts, E, view_texts)
        Z = self.featurizer_.transform(texts, E)
        self._fit_key_, self._fit_Z_ = texts_key(texts), Z  # coding the fitted texts reuses their features
        L = self.featurizer_.lex(view_texts)
        params = LearnParams(
            prior_weight=self.prior_weight,
            C=self.C,
            random_state=self.random_state,
            temperature=self.temperature,
            self_training=self.self_training,
            threshold=self.threshold_,
            parents=self.parents_,
        )
        theme_ids, soort_ids = [c.id for c in cb.codes], [c.id for c in cb.soort]
        P_theme = prototypes(cb.codes, views, V, L, vrow)
        self.theme_ = fit_dimension(
            theme_ids, P_theme, Z, labels, params, self_train=True, guard=True, holdout=holdout
        )
        # a codebook without kinds of input (``soort: []``) has no soort dimension: no segment gets a soort
        self.soort_: Dimension | None = None
        if soort_ids:
            P_soort = prototypes(cb.soort, views, V, L, vrow)
            self.soort_ = fit_dimension(
                soort_ids, P_soort, Z, labels_soort, params, kappa=KAPPA_SOORT, holdout=holdout
            )

    # -- saving
    # -----------------------------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the embedder, the cache and the fitted texts' features (see :meth:`attach`)."""
        state = dict(super().__getstate__())
        for key in ("cache", "embedder_", "_fit_Z_", "_fit_key_"):
            state.pop(key, None)
        if isinstance(state.get("embedder"), Embedder):
            state["embedder"] = state["embedder"].model_id
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self.cache = None

    def attach(self, embedder: Embedder, cache: EmbeddingCache | None = None) -> CodebookCoder:
        """Give an unpickled coder its embedder (the same model it was fitted with) and a cache."""
        model_id = getattr(self, "model_id_", "").split("+codebook:")[0]
        if embedder.model_id != model_id:
            raise SettingsError(
                f"This coder was fitted with embedder {model_id!r}; got {embedder.model_id!r}. Refit it."
            )
        self.embedder_, self.cache = embedder, cache
        return self

    # -- predicting
    # ---------------------------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "theme_"):
            raise SettingsError("This CodebookCoder is not fitted yet. Call fit(texts) before coding.")

    def _features(self, X: Sequence[str], embeddings: np.ndarray | None) -> tuple[list[str], np.ndarray]:
        self._check_fitted()
        texts = [t if isinstance(t, str) else "" for t in X]
        fit_Z = getattr(self, "_fit_Z_", None)
        if fit_Z is not None and len(texts) == len(fit_Z) and texts_key(texts) == self._fit_key_:
            if embeddings is not None:
                self._embed(texts, embeddings)  # still validate the shape
            return texts, fit_Z
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
            Shape ``(len(X), len(classes_))``. Each column is the confidence of the model that decides
            that code (:func:`~wijkanalyse.coding.guard.mix`), so once the coder has learned rows sum to
            about 1, not exactly; zero-shot they sum to 1.
        """
        _, Z = self._features(X, embeddings)
        return self.theme_.proba(Z)

    def _soort_proba(
        self, texts: Sequence[str], Z: np.ndarray, questions: Sequence[Any] | None
    ) -> np.ndarray:
        if self.soort_ is None:
            return np.zeros((len(texts), 0))
        base = self.soort_.proba(Z)
        cues = soort_cue_scores(texts, self.soort_.classes, questions)
        return softmax(np.log(np.clip(base, 1e-9, None)) + cues)

    def decide(self, proba: np.ndarray) -> list[list[tuple[str, float]]]:
        """Turn theme confidences into applied codes per text: ``[(code, confidence), ...]``, best first.

        Codes with confidence >= :attr:`threshold_` are applied (``threshold``, raised to 1.5 / the number of
        codes for a codebook of fewer than five codes, so that a flat guess never passes). If none is, a
        parent whose own confidence plus its sub-codes' reaches it is applied with that sum. Otherwise
        ``[("geen", 1 - the highest code confidence)]``; a learned ``geen`` class that is most likely and
        passes wins as well.
        """
        self._check_fitted()
        thresholds = getattr(self, "code_thresholds_", self.threshold_)
        return decide_rows(proba, self.classes_, thresholds, self.parents_, self.forced_)

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
            ``soort_confidence`` (None and NaN when the codebook has no soort).
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
                "soort": [self.soort_classes_[j] for j in sproba.argmax(axis=1)]
                if sproba.shape[1]
                else [None] * len(texts),  # no soort dimension in the codebook
                "soort_confidence": sproba.max(axis=1).astype(float)
                if sproba.shape[1]
                else np.full(len(texts), np.nan),
            }
        )


def _check_labels(cb: Codebook, labels: list[list[str]], labels_soort: list[list[str]]) -> None:
    """Raise when hand-coded examples use a code that is neither in the codebook nor ``geen``."""
    known = set(cb.ids) | {NONE_CODE}
    unknown = sorted({c for ls in labels for c in ls if c not in known})
    unknown_soort = sorted({c for ls in labels_soort for c in ls if c not in cb.soort_ids})
    if unknown or unknown_soort:
        raise SettingsError(
            "Hand-coded examples use codes that are not in codebook "
            f"{cb.name!r}: {unknown + unknown_soort}. Theme codes: {cb.ids + [NONE_CODE]}; "
            f"soort codes: {cb.soort_ids}."
        )
