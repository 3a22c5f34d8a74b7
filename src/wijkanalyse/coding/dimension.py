"""What the coder learns for one dimension (the themes, or the kind of input): prototypes and a classifier.

Zero-shot, a text's confidences are a softmax of its cosine similarity to every code's prototype. Once texts
are coded by hand, a logistic regression on them plus the prototypes as pseudo-examples is blended in, with
its sharpness calibrated by cross-validation and, optionally, one round of self-training. See
:mod:`wijkanalyse.coding.coder` for the whole method and the figures behind its settings.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from wijkanalyse.coding.codebook import NONE_CODE, Code
from wijkanalyse.coding.features import Featurizer, normalise, softmax
from wijkanalyse.coding.guard import Choice, choose, mix

__all__ = ["Dimension", "LearnParams", "prototypes", "fit_dimension", "KAPPA", "KAPPA_SOORT"]

KAPPA = 1.0  # zero-shot temperature as a multiple of the standard deviation of the similarities
KAPPA_SOORT = 2.0  # the kind of input is more about form than topic: its similarities count half as much
_MIN_CALIBRATION = 12  # hand-coded texts needed before the confidences are calibrated by cross-validation
_SELF_TRAIN_MIN = 0.5  # calibrated confidence from which an uncoded text is used as an extra example


@dataclass(frozen=True)
class LearnParams:
    """The parameters of :class:`~wijkanalyse.coding.CodebookCoder` that learning a dimension uses."""

    prior_weight: float
    C: float
    random_state: int
    temperature: float | None = None
    self_training: bool = True
    threshold: float = 0.35  # the default decision rule, for the guard (:mod:`wijkanalyse.coding.guard`)
    parents: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Dimension:
    """What the coder learned for one dimension (themes or soort)."""

    codes: list[str]  # codebook codes, in order (zero-shot columns)
    prototypes: np.ndarray  # one row per codebook code
    classes: list[str]  # all classes: codebook codes plus learned extras (e.g. geen)
    temperature: float
    model: Any = None  # LogisticRegression or None
    blend: float = 0.0
    n_labeled: int = 0
    sharpness: float = 1.0  # calibration exponent learned by cross-validation on the hand-coded texts
    mode: str = "learned"  # a candidate of :mod:`wijkanalyse.coding.guard` (without a guard: "learned")
    gates: np.ndarray | None = None  # per class: 1 where the learned confidence replaces the prior
    plain: Any = None  # mode "plain LR": the logistic regression on the examples alone
    choice: Choice | None = None  # what the guard chose and why

    def zero_shot(self, Z: np.ndarray) -> np.ndarray:
        """Confidences from the similarity to the prototypes alone (columns: :attr:`codes`)."""
        S = Z @ self.prototypes.T
        return softmax(S / self.temperature)

    def prior(self, Z: np.ndarray) -> np.ndarray:
        """Return the zero-shot confidences as columns of :attr:`classes` (learned extras get 0)."""
        out = np.zeros((Z.shape[0], len(self.classes)))
        out[:, : len(self.codes)] = self.zero_shot(Z)
        return out

    def proba(self, Z: np.ndarray) -> np.ndarray:
        """Confidences of every class (columns: :attr:`classes`), from the model :attr:`mode` names."""
        out = self.prior(Z)
        if self.mode == "plain LR" and self.plain is not None:
            learned = _full(self.plain, self.classes, Z)
        elif self.model is None or self.mode == "prior":
            return out
        else:
            learned = self._learned(Z, out)
        return learned if self.gates is None else mix(learned, out, self.gates)

    def _learned(self, Z: np.ndarray, out: np.ndarray) -> np.ndarray:
        full = _full(self.model, self.classes, Z)
        mixed = (1.0 - self.blend) * out + self.blend * full
        if self.sharpness != 1.0:
            mixed = np.clip(mixed, 1e-12, None) ** self.sharpness
            mixed /= mixed.sum(axis=1, keepdims=True)
        return mixed


def _full(model: Any, classes: Sequence[str], Z: np.ndarray) -> np.ndarray:
    """Return a classifier's probabilities as columns of ``classes`` (classes it never saw get 0)."""
    full = np.zeros((Z.shape[0], len(classes)))
    full[:, [list(classes).index(c) for c in model.classes_]] = model.predict_proba(Z)
    return full


def prototypes(
    codes: Sequence[Code],
    views: Mapping[str, list[tuple[str, float]]],
    V: np.ndarray,
    L: np.ndarray | None,
    vrow: Mapping[str, int],
) -> np.ndarray:
    """Weighted mean of each code's view representations; the dense half centred on the codes' mean.

    Parameters
    ----------
    codes : sequence of Code
    views : mapping
        ``{code id: [(text, weight), ...]}`` (:func:`~wijkanalyse.coding.features.code_views`).
    V : numpy.ndarray
        Embeddings of the view texts.
    L : numpy.ndarray, optional
        Their n-gram view (None without one).
    vrow : mapping
        Row of each view text in ``V`` and ``L``.

    Returns
    -------
    numpy.ndarray
        One row per code.
    """
    weights = [np.array([w for _, w in views[c.id]]) for c in codes]
    dense = np.vstack(
        [normalise(w @ V[[vrow[t] for t, _ in views[c.id]]]) for c, w in zip(codes, weights, strict=True)]
    )
    k = len(codes)
    centre = dense.mean(axis=0) * ((k - 1) / k) if k > 1 else np.zeros(dense.shape[1])
    dense = normalise(dense - centre)
    lex = None
    if L is not None:
        lex = np.vstack(
            [normalise(w @ L[[vrow[t] for t, _ in views[c.id]]]) for c, w in zip(codes, weights, strict=True)]
        )
    return Featurizer.join(dense, lex)


def fit_dimension(
    ids: list[str],
    P: np.ndarray,
    Z: np.ndarray,
    labels: list[list[str]],
    params: LearnParams,
    kappa: float = KAPPA,
    self_train: bool = False,
    guard: bool = False,
    holdout: Sequence[bool] | None = None,
) -> Dimension:
    """Learn one dimension from the prototypes ``P`` of codes ``ids`` and the texts ``Z`` with ``labels``.

    Parameters
    ----------
    ids : list of str
        The codebook codes of the dimension, in order.
    P : numpy.ndarray
        Their prototypes (:func:`prototypes`).
    Z : numpy.ndarray
        The fitted texts' representations.
    labels : list of list of str
        Hand codes per text (empty: not coded).
    params : LearnParams
    kappa : float
        Zero-shot temperature as a multiple of the spread of the similarities (when ``params.temperature`` is
        None).
    self_train : bool, default False
        Allow one round of self-training (when ``params.self_training`` is on as well).
    guard : bool, default False
        Choose by cross-validation what to trust (:mod:`wijkanalyse.coding.guard`): the prior, the learned
        model per code or whole, or a plain logistic regression; and the decision threshold.
    holdout : sequence of bool, optional
        Per text: True for a check-sample segment. Its hand codes are never trained on; with the guard they
        calibrate the threshold.

    Returns
    -------
    Dimension
    """
    if params.temperature is not None:
        T = float(params.temperature)
    else:
        S = Z @ P.T
        sd = float(S.std()) if S.size > 1 else 0.0
        T = kappa * sd if sd > 1e-6 else 0.05
    held = set() if holdout is None else {i for i, h in enumerate(holdout) if h}
    rows = [i for i, ls in enumerate(labels) if ls and i not in held]
    extras = sorted({c for i in rows for c in labels[i] if c not in ids})
    dim = Dimension(codes=ids, prototypes=P, classes=ids + extras, temperature=T)
    dim.n_labeled = len(rows)
    dim.model = _train(params, Z, rows, labels, P, ids)
    if dim.model is None:
        return dim
    dim.blend = len(rows) / (len(rows) + len(ids))
    dim.sharpness = _calibrate(params, dim, Z, rows, labels, P, ids)
    if guard:
        check = [i for i, ls in enumerate(labels) if ls and i in held]
        _guard(dim, params, Z, rows, labels, check)
        if dim.mode == "prior" or dim.mode == "plain LR":
            return dim
    if self_train and params.self_training:
        dim.model = _self_train(params, dim, Z, rows, labels, P, ids)
    return dim


def _guard(
    dim: Dimension,
    params: LearnParams,
    Z: np.ndarray,
    rows: list[int],
    labels: list[list[str]],
    check: list[int],
) -> None:
    """Set ``dim.mode``, ``gates``, ``plain`` and ``choice`` from :func:`~wijkanalyse.coding.guard.choose`."""
    P, ids = dim.prototypes, dim.codes

    def learned(tr: Sequence[int], te: Sequence[int]) -> np.ndarray:
        sub = Dimension(codes=ids, prototypes=P, classes=dim.classes, temperature=dim.temperature)
        sub.model = _train(params, Z, tr, labels, P, ids)
        if sub.model is None:
            return sub.prior(Z[list(te)])
        sub.blend = len(tr) / (len(tr) + len(ids))
        sub.sharpness = dim.sharpness  # calibrated on all examples: one fit per fold instead of four
        return sub.proba(Z[list(te)])

    def plain(tr: Sequence[int], te: Sequence[int]) -> np.ndarray:
        model = _train_plain(params, Z, tr, labels)
        if model is None:
            return dim.prior(Z[list(te)])
        return _full(model, dim.classes, Z[list(te)])  # mixed with the prior per code by the guard

    def final(candidate: str, gates: np.ndarray) -> np.ndarray:
        dim.mode, dim.gates = candidate, gates
        if candidate == "plain LR":
            dim.plain = _train_plain(params, Z, rows, labels)
        return dim.proba(Z[check])

    choice = choose(
        dim.classes, rows, labels,
        prior=lambda r: dim.prior(Z[list(r)]), learned=learned, plain=plain,
        threshold=params.threshold, parents=params.parents, random_state=params.random_state,
        check=([labels[i] for i in check], final) if check else None,
    )  # fmt: skip
    dim.choice = choice
    dim.gates = choice.gate_vector(dim.classes)
    dim.mode = choice.candidate
    if dim.mode == "plain LR":
        dim.plain = _train_plain(params, Z, rows, labels)
        if dim.plain is None:
            dim.mode = "prior"


def _train_plain(params: LearnParams, Z: np.ndarray, rows: Sequence[int], labels: list[list[str]]) -> Any:
    """Plain logistic regression on the hand-coded rows alone (balanced class weights), or None."""
    Xs = [i for i in rows for _ in labels[i]]
    ys = [c for i in rows for c in labels[i]]
    ws = [1.0 / len(labels[i]) for i in rows for _ in labels[i]]
    if len(set(ys)) < 2:
        return None
    lr = LogisticRegression(
        C=float(params.C), max_iter=2000, class_weight="balanced", random_state=params.random_state
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The number of unique classes is greater than 50%")
        return lr.fit(Z[Xs], np.asarray(ys), sample_weight=np.asarray(ws))


def _self_train(
    params: LearnParams,
    dim: Dimension,
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
    return _train(params, Z, rows, labels, P, ids, pseudo=pseudo) or dim.model


def _train(
    params: LearnParams,
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
    use_prior = params.prior_weight > 0
    train_X = np.vstack([Z[Xs], P]) if use_prior else Z[Xs]
    train_y = ys + (ids if use_prior else [])
    train_w = ws + ([float(params.prior_weight)] * len(ids) if use_prior else [])
    if len(set(train_y)) < 2:  # one class only: nothing to discriminate, keep zero-shot
        return None
    lr = LogisticRegression(
        C=float(params.C), max_iter=2000, class_weight="balanced", random_state=params.random_state
    )
    with warnings.catch_warnings():
        # few-shot by design: a handful of hand-coded rows plus one prototype per code means "more than half
        # of the samples are distinct classes", which sklearn warns about as if y were a regression target
        warnings.filterwarnings("ignore", message="The number of unique classes is greater than 50%")
        return lr.fit(train_X, np.asarray(train_y), sample_weight=np.asarray(train_w))


def _calibrate(
    params: LearnParams,
    dim: Dimension,
    Z: np.ndarray,
    rows: list[int],
    labels: list[list[str]],
    P: np.ndarray,
    ids: list[str],
) -> float:
    """Sharpness s of ``p ** s`` (renormalised) best predicting held-out hand codes (3-fold CV, NLL)."""
    if len(rows) < _MIN_CALIBRATION:
        return 1.0
    logs, targets, weights = [], [], []
    folds = KFold(n_splits=3, shuffle=True, random_state=params.random_state)
    for tr, te in folds.split(np.arange(len(rows))):
        tr_rows, te_rows = [rows[i] for i in tr], [rows[i] for i in te]
        sub = Dimension(
            codes=dim.codes, prototypes=dim.prototypes, classes=dim.classes, temperature=dim.temperature
        )
        sub.model = _train(params, Z, tr_rows, labels, P, ids)
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
