"""Learning that never makes the machine worse: choose, by cross-validation on people's codes, what to trust.

Once people have coded segments, the coder has several candidate models for the themes, and nothing says in
advance which is best on *this* corpus with *these* examples (real researchers code unevenly: a handful of
examples for most codes, none for some, and many ``geen``):

``prior``
    The codebook coder alone (zero-shot: similarity to the code prototypes). It needs no examples.
``learned``
    The few-shot engine: a logistic regression on the examples plus the prototypes as pseudo-examples,
    blended with the prior and calibrated (:mod:`wijkanalyse.coding.dimension`).
``per-code``
    The prior, with the learned confidence taking over *only for the codes where it was better on held-out
    human codes* (cross-validated per code: the F1 of that code's decisions, on a tie the Brier score of its
    confidence); the other codes keep the codebook prior.
``plain LR``
    A plain logistic regression on the examples alone (the coder's representation of the texts, balanced
    class weights), the baseline a statistician would fit first. Its C is the coder's (10), not chosen by an
    inner cross-validation: tried in 2026-12 on the dev sets' few-shot draws, an inner 5-fold CV over C in
    {0.1, 1, 10, 100} with 5-10 examples per code mostly chose the strongest regularisation, which was the
    worst C on the test texts, and even the best C left LR on the examples alone well below the learned model
    that also learns from the codebook (issuepositions 10-shot about 0.35 against 0.42, vlaams 0.41 against
    0.48): a candidate that the cross-validation rule would not pick adds only cost.

In every candidate a code with fewer than :data:`MIN_PER_CODE` examples keeps the codebook prior's
confidence exactly (:func:`mix`); ``geen`` is a class only once people coded it that often.

Every candidate is scored by K-fold cross-validation (K = min(5, number of human-coded segments)) on the
human-coded segments: a candidate is fitted on the other folds and decides on the held-out fold with the
real decision rule (threshold, parent rule, ``geen``); agreement with people is the macro-F1 over codes
(``geen`` counts as a code) of those held-out decisions, so every code weighs the same and a model cannot win
by the largest code alone. The per-code candidate is itself a choice made on held-out predictions (which codes
the learned model takes over), and scored on the very rows that made it, picking the better of two noisy
per-code F1s would look better than either by the selection alone (with a dozen or more codes it nearly always
does). So it is scored by *cross-fitting*: on every fold with the codes chosen on the other folds' held-out
predictions; its final codes are then chosen on all of them. (Until 2026-12 it was scored on the rows that
chose it; on the issuepositions dev set it was then picked in half of the few-shot draws, and in every one of
those the whole learned model decided better on the test texts.) Starting from the prior, the candidates are
tried in the order above (simplest first); one replaces the choice so far only when its macro-F1 is higher by
more than one standard error of the gain (bootstrap over the segments, :data:`BOOTSTRAP` resamples), or as
high and its confidences have a clearly better Brier score (a proper scoring rule; paired over segments). What
cannot be shown better than the codebook prior is not used. Self-training is not part of the cross-validation
(it is applied afterwards to a chosen learned model only), nor is the sharpness calibration of the learned
model (its exponent, fitted once on all examples, is reused in every fold: one fit per fold instead of four).
A calibrated threshold replaces the default only when it beats it by the same margin.

The decision threshold and forced choice (never ``geen``: the most likely code is applied when none passes
the threshold) are chosen per corpus in the same pass, from :data:`THRESHOLDS` x {off, on}. A calibrated
threshold applies to the codes the learned model decides; codes that keep the codebook prior keep the
default threshold (their confidences are the prior's, and people's examples say nothing about them).
Sources, in order:

- the *check sample* when at least :data:`MIN_CHECK` of its segments are coded by people (these segments
  are never used for training; the chosen model decides on them directly);
- else the cross-validation above, when at least :data:`MIN_CV_THRESHOLD` segments are coded;
- else the stated default rule: ``threshold`` (0.35), raised to 1.5 / K for fewer than five codes, no
  forced choice.

What was chosen and why is returned as a :class:`Choice` (``provenance()`` gives the JSON written with the
run).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.model_selection import KFold

from wijkanalyse.coding.codebook import NONE_CODE

__all__ = [
    "Choice",
    "CANDIDATES",
    "MIN_PER_CODE",
    "THRESHOLDS",
    "decide_rows",
    "agreement",
    "choose",
    "mix",
]

#: The candidates in order of preference on a tie (the simplest first).
CANDIDATES = ("prior", "learned", "per-code", "plain LR")
N_FOLDS = 5  # folds of the cross-validation (fewer when fewer segments are coded)
MIN_PER_CODE = 3  # examples a code needs before its learned confidence may replace the codebook prior
MIN_CHECK = 20  # coded check segments needed to calibrate the threshold on the check sample
MIN_CV_THRESHOLD = 20  # coded segments needed to calibrate the threshold by cross-validation
BOOTSTRAP = 200  # bootstrap resamples for the standard error of a macro-F1 gain
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)

Decided = list[list[tuple[str, float]]]


def decide_rows(
    proba: np.ndarray,
    classes: Sequence[str],
    threshold: float | np.ndarray,
    parents: Mapping[str, str],
    forced: bool = False,
) -> Decided:
    """Turn confidences into applied codes per row: ``[(code, confidence), ...]``, best first.

    Codes with confidence >= ``threshold`` (one for all, one per class, or one per row and class) are
    applied. If none is, a
    parent whose own confidence plus its sub-codes' reaches its threshold is applied with that sum.
    Otherwise, with ``forced``, the most likely class; without, ``[("geen", 1 - the highest code
    confidence)]``. A learned ``geen`` class that is most likely and passes wins as well.
    """
    classes = list(classes)
    thr_rows = np.broadcast_to(np.asarray(threshold, dtype=float), (len(proba), len(classes)))
    code_cols = [j for j, c in enumerate(classes) if c != NONE_CODE]
    kids: dict[str, list[int]] = {}
    for child, parent in parents.items():
        if child in classes and parent in classes:
            kids.setdefault(parent, []).append(classes.index(child))
    out: Decided = []
    for row, thr in zip(proba, thr_rows, strict=True):
        order = np.argsort(-row, kind="stable")
        applied = [(classes[j], float(row[j])) for j in order if row[j] >= thr[j]]
        if applied and applied[0][0] == NONE_CODE:
            applied = [applied[0]]
        applied = [(c, p) for c, p in applied if c != NONE_CODE] or applied
        if not applied:
            fam = {p: float(row[classes.index(p)] + row[idx].sum()) for p, idx in kids.items()}
            best = max(fam.items(), key=lambda kv: (kv[1], -classes.index(kv[0])), default=None)
            if best is not None and best[1] >= thr[classes.index(best[0])]:
                applied = [best]
        if not applied and forced and len(row):
            applied = [(classes[int(order[0])], float(row[order[0]]))]
        if not applied:
            applied = [(NONE_CODE, float(1.0 - row[code_cols].max()) if code_cols else 1.0)]
        out.append(applied)
    return out


def agreement(decided: Decided, labels: Sequence[Sequence[str]]) -> np.ndarray:
    """Per row, the Jaccard overlap of the applied codes and a person's codes (``geen`` counts as a code)."""
    out = np.zeros(len(labels))
    for i, (d, ls) in enumerate(zip(decided, labels, strict=True)):
        m, h = {c for c, _ in d}, set(ls)
        out[i] = len(m & h) / len(m | h) if m | h else 1.0
    return out


def _code_f1(decided: Decided, labels: Sequence[Sequence[str]], code: str) -> float:
    tp = fp = fn = 0
    for d, ls in zip(decided, labels, strict=True):
        m, h = code in {c for c, _ in d}, code in ls
        tp += m and h
        fp += m and not h
        fn += h and not m
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def _targets(labels: Sequence[Sequence[str]], classes: Sequence[str]) -> np.ndarray:
    """People's codes as a distribution over ``classes`` per row (split evenly over a row's codes)."""
    idx = {c: j for j, c in enumerate(classes)}
    Y = np.zeros((len(labels), len(classes)))
    for i, ls in enumerate(labels):
        known = [idx[c] for c in ls if c in idx]
        if known:
            Y[i, known] = 1.0 / len(known)
    return Y


def mix(learned: np.ndarray, prior: np.ndarray, gates: np.ndarray) -> np.ndarray:
    """Mix per code: each code's confidence comes from the model that decides it.

    A code whose gate is 0 (too few examples, or the learned model was not better on held-out codes) keeps
    the codebook prior's confidence exactly; a code whose gate is 1 (``geen`` included) gets the learned
    model's. Rows then sum to about 1, not exactly: each column is the confidence of its own model, and a
    code is applied when that passes its threshold. So learning about some codes can never take confidence
    away from a code nobody taught it: the failure of uneven human coding, where codes without examples
    (and the themes they cover) vanished into a learned ``geen``.
    """
    gates = np.asarray(gates, dtype=float)
    return gates * learned + (1.0 - gates) * prior


@dataclass
class Choice:
    """What :func:`choose` decided, with the figures it was based on."""

    candidate: str = "prior"
    gates: dict[str, bool] = field(default_factory=dict)  # per class: learned confidence used
    threshold: float = 0.35
    forced: bool = False
    threshold_source: str = "default rule"
    scores: dict[str, float] = field(default_factory=dict)  # cross-validated agreement per candidate
    n_examples: dict[str, int] = field(default_factory=dict)
    n_cv: int = 0
    n_check: int = 0

    def gate_vector(self, classes: Sequence[str]) -> np.ndarray:
        """Return the gates as a 0/1 vector over ``classes``."""
        return np.array([1.0 if self.gates.get(c) else 0.0 for c in classes])

    def provenance(self) -> dict[str, Any]:
        """Return a JSON-ready account: the model, per code whether it was learned or kept the prior, why."""
        learned = sorted(c for c, g in self.gates.items() if g)
        kept = {
            c: (
                f"too few examples ({self.n_examples.get(c, 0)})"
                if self.n_examples.get(c, 0) < MIN_PER_CODE
                else "the prior was as good on held-out codes"
            )
            for c, g in self.gates.items()
            if not g and c != NONE_CODE
        }
        return {
            "model": self.candidate,
            "cross_validated_agreement": {k: round(v, 4) for k, v in self.scores.items()},
            "human_coded_segments_in_cv": self.n_cv,
            "codes_learned": learned,
            "codes_kept_prior": kept if self.candidate != "prior" else {},
            "threshold": self.threshold,
            "forced_choice": self.forced,
            "threshold_source": self.threshold_source,
            "check_segments": self.n_check,
        }


def _grid(default_threshold: float) -> list[tuple[float, bool]]:
    thresholds = sorted({*THRESHOLDS, default_threshold})
    return [(t, f) for f in (False, True) for t in thresholds]


def better(new: np.ndarray, old: np.ndarray) -> bool:
    """Return True when ``new`` beats ``old`` by more than one standard error of the gain.

    Either score vectors whose first entry is the score on the sample and the rest its bootstrap replicates
    (:func:`macro_f1`), or per-row scores as a column (shape ``(rows, 1)``) whose mean is the score: the
    gain's standard error is then that of a paired mean.
    """
    new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    if new.ndim == 2:
        gain = (new - old)[:, 0]
        if len(gain) < 2:
            return False
        return float(gain.mean()) > max(float(gain.std(ddof=1) / np.sqrt(len(gain))), 1e-12)
    if len(new) < 3:
        return False
    return float(new[0] - old[0]) > max(float((new[1:] - old[1:]).std(ddof=1)), 1e-12)


def bootstrap_weights(n: int, random_state: int, draws: int | None = None) -> np.ndarray:
    """Return row weights: the sample itself (all ones), then bootstrap resamples; shape (1 + draws, n)."""
    draws = BOOTSTRAP if draws is None else draws
    rng = np.random.default_rng(random_state)
    boot = rng.multinomial(n, np.full(n, 1.0 / n), size=draws).astype(float) if n else np.zeros((draws, 0))
    return np.vstack([np.ones((1, n)), boot])


def _indicators(decided: Sequence[Sequence[Any]], space: Sequence[str]) -> np.ndarray:
    """0/1 matrix of codes per row; items are codes or ``(code, confidence)`` pairs."""
    col = {c: j for j, c in enumerate(space)}
    M = np.zeros((len(decided), len(space)))
    for i, d in enumerate(decided):
        for item in d:
            c = item[0] if isinstance(item, tuple) else item
            if c in col:
                M[i, col[c]] = 1.0
    return M


def macro_f1(M: np.ndarray, H: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Macro-F1 over codes (``geen`` included) of decisions ``M`` against people's codes ``H`` (0/1 matrices).

    One value per row of ``W`` (row weights, :func:`bootstrap_weights`); a code counts where it was coded or
    applied (as scikit-learn's macro average over the labels present).
    """
    tp, fp, fn = W @ (M * H), W @ (M * (1 - H)), W @ ((1 - M) * H)
    denom = 2 * tp + fp + fn
    present = denom > 0
    f1 = np.where(present, 2 * tp / np.where(present, denom, 1.0), 0.0)
    return np.asarray(f1.sum(axis=1) / np.maximum(present.sum(axis=1), 1))


def code_thresholds(gates: np.ndarray, calibrated: float, default: float) -> np.ndarray:
    """Return the threshold per class: ``calibrated`` for the learned codes, ``default`` for the others."""
    return np.where(np.asarray(gates, dtype=float) > 0, float(calibrated), float(default))


def _best_setting(
    proba: np.ndarray,
    HW: tuple[np.ndarray, np.ndarray],
    classes: Sequence[str],
    space: Sequence[str],
    parents: Mapping[str, str],
    grid: Sequence[tuple[float, bool]],
    default: tuple[float, bool],
    gates: np.ndarray,
) -> tuple[np.ndarray, tuple[float, bool]]:
    """Macro-F1 (sample, then bootstrap) and the setting: the best on the grid if it beats the default.

    A setting's threshold applies to the learned codes (``gates``); the others keep the default.
    """
    H, W = HW

    def score(t: float, f: bool) -> np.ndarray:
        thr = code_thresholds(gates, t, default[0])
        return macro_f1(_indicators(decide_rows(proba, classes, thr, parents, f), space), H, W)

    base = score(*default)
    best: tuple[float, float, np.ndarray, tuple[float, bool]] = (float(base[0]), 0.0, base, default)
    for t, f in grid:
        sc = score(t, f)
        dist = abs(t - default[0]) + (f != default[1])
        if (float(sc[0]), -dist) > (best[0], -best[1]):
            best = (float(sc[0]), dist, sc, (t, f))
    if best[3] != default and not better(best[2], base):
        return base, default
    return best[2], best[3]


def _per_code_gates(
    classes: Sequence[str],
    dec: Mapping[str, Decided],
    P: Mapping[str, np.ndarray],
    Y: np.ndarray,
    held: Sequence[Sequence[str]],
    enough: np.ndarray,
    idx: Sequence[int] | np.ndarray,
) -> np.ndarray:
    """Per class 1 where the learned model beat the prior on the held-out rows ``idx``, else 0.

    Compared per code: the F1 of its decisions, then (on a tie) the Brier score of its confidence (a proper
    score); only codes with enough examples (``enough``) can be learned.
    """
    idx = np.asarray(idx, dtype=int)
    labels = [held[i] for i in idx]
    sub = {k: [dec[k][i] for i in idx] for k in ("prior", "learned")}

    def score(k: str, j: int) -> tuple[float, float]:
        brier = float(((P[k][idx, j] - Y[idx, j]) ** 2).mean()) if len(idx) else 0.0
        return _code_f1(sub[k], labels, classes[j]), -brier

    return np.array(
        [1.0 if enough[j] and score("learned", j) > score("prior", j) else 0.0 for j in range(len(classes))]
    )


# size: one pass over the folds and candidates; splitting it would pass a dozen arrays around
def choose(
    classes: Sequence[str],
    rows: Sequence[int],
    labels: Sequence[Sequence[str]],
    prior: Callable[[Sequence[int]], np.ndarray],
    learned: Callable[[Sequence[int], Sequence[int]], np.ndarray],
    plain: Callable[[Sequence[int], Sequence[int]], np.ndarray],
    *,
    threshold: float,
    parents: Mapping[str, str],
    random_state: int,
    check: tuple[Sequence[Sequence[str]], Callable[[str, np.ndarray], np.ndarray]] | None = None,
) -> Choice:
    """Choose the candidate and the decision setting by cross-validation on the human-coded ``rows``.

    Parameters
    ----------
    classes : sequence of str
        The columns of every probability matrix.
    rows : sequence of int
        The human-coded rows used for training (check segments excluded).
    labels : sequence of sequence of str
        People's codes, indexed by row.
    prior : callable
        ``prior(rows) -> proba`` of the codebook coder.
    learned, plain : callable
        ``f(train_rows, test_rows) -> proba`` of a model fitted on ``train_rows`` only.
    threshold : float
        The default threshold (the rule used when there is too little to calibrate on).
    parents : mapping
        Sub-code -> parent.
    random_state : int
    check : tuple, optional
        ``(check labels, final(candidate, gates) -> proba on the check rows)``.

    Returns
    -------
    Choice
    """
    classes = list(classes)
    n_ex = {c: sum(c in labels[i] for i in rows) for c in classes}
    choice = Choice(threshold=threshold, n_examples=n_ex, n_cv=len(rows))
    choice.gates = {c: False for c in classes}
    if len(rows) < 2:
        return choice
    held = [labels[i] for i in rows]
    P = {name: np.zeros((len(rows), len(classes))) for name in ("prior", "learned", "plain LR")}
    P["prior"] = prior(rows)
    folds = list(
        KFold(n_splits=min(N_FOLDS, len(rows)), shuffle=True, random_state=random_state).split(
            np.arange(len(rows))
        )
    )
    for tr, te in folds:
        tr_rows, te_rows = [rows[i] for i in tr], [rows[i] for i in te]
        P["learned"][te] = learned(tr_rows, te_rows)
        P["plain LR"][te] = plain(tr_rows, te_rows)
    default = (threshold, False)
    dec = {k: decide_rows(P[k], classes, threshold, parents) for k in ("prior", "learned")}
    Y = _targets(held, classes)
    enough = np.array([n_ex[c] >= MIN_PER_CODE for c in classes])
    per_code = _per_code_gates(classes, dec, P, Y, held, enough, np.arange(len(rows)))
    gates = {
        "prior": {c: False for c in classes},
        "per-code": {c: bool(g) for c, g in zip(classes, per_code, strict=True)},
        "learned": {c: bool(e) for c, e in zip(classes, enough, strict=True)},
        "plain LR": {c: bool(e) for c, e in zip(classes, enough, strict=True)},
    }
    vec = {k: np.array([1.0 if g[c] else 0.0 for c in classes]) for k, g in gates.items()}
    # the per-code gates are chosen on held-out predictions, so they are scored by cross-fitting: every fold
    # with the gates chosen on the other folds (scored on the rows that chose them, per-code would look
    # better than it is by the selection alone)
    fold_gates = np.zeros((len(rows), len(classes)))
    for tr, te in folds:
        fold_gates[te] = _per_code_gates(classes, dec, P, Y, held, enough, tr)
    P["per-code"] = mix(P["learned"], P["prior"], fold_gates)
    P["learned"] = mix(P["learned"], P["prior"], vec["learned"])
    P["plain LR"] = mix(P["plain LR"], P["prior"], vec["plain LR"])
    calibrate = len(rows) >= MIN_CV_THRESHOLD
    grid = _grid(threshold) if calibrate else [default]
    space = classes if NONE_CODE in classes else [*classes, NONE_CODE]
    HW = (_indicators(held, space), bootstrap_weights(len(rows), random_state))
    scored = {**vec, "per-code": fold_gates}
    best = {k: _best_setting(P[k], HW, classes, space, parents, grid, default, scored[k]) for k in CANDIDATES}
    choice.scores = {k: float(v[0][0]) for k, v in best.items()}
    brier = {k: -((P[k] - Y) ** 2).sum(axis=1, keepdims=True) for k in CANDIDATES}  # per row, higher: better
    # in order of simplicity, a candidate replaces the one chosen so far only when it agrees better with
    # people on held-out codes by more than one standard error, or as well with a clearly better Brier score
    for k in CANDIDATES[1:]:
        cur = choice.candidate
        if better(best[k][0], best[cur][0]) or (
            best[k][0][0] >= best[cur][0][0] and better(brier[k], brier[cur])
        ):
            choice.candidate = k
    choice.gates = gates[choice.candidate]
    (choice.threshold, choice.forced) = best[choice.candidate][1]
    if calibrate and (choice.threshold, choice.forced) != default:
        choice.threshold_source = f"cross-validation on {len(rows)} human-coded segments"
    if check is not None and len(check[0]) >= MIN_CHECK:
        check_labels, final = check
        proba = final(choice.candidate, choice.gate_vector(classes))
        HWc = (_indicators(check_labels, space), bootstrap_weights(len(check_labels), random_state))
        _, (choice.threshold, choice.forced) = _best_setting(
            proba, HWc, classes, space, parents, _grid(threshold), default, choice.gate_vector(classes)
        )
        choice.threshold_source = f"check sample of {len(check_labels)} human-coded segments"
        choice.n_check = len(check_labels)
    return choice
