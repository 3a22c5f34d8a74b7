"""The figures of an evaluation: accuracy, macro-F1, Cohen's kappa, a confusion matrix, NMI and ARI.

They are independent of the coder, so any predictor can be evaluated the same way (see
:mod:`wijkanalyse.review.evaluate`, whose docstring says what each figure means).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from wijkanalyse.review.agreement import cohen_kappa

__all__ = ["kappa_verdict", "classification_metrics", "discovery_metrics", "few_shot_draws"]

_KAPPA_BANDS = ((0.0, "poor"), (0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial"))


def kappa_verdict(kappa: float) -> str:
    """Name the band of a kappa value (after Landis & Koch, half-open bands).

    Examples
    --------
    >>> [kappa_verdict(k) for k in (-0.1, 0.1, 0.3, 0.5, 0.6, 0.85)]
    ['poor', 'slight', 'fair', 'moderate', 'substantial', 'almost perfect']
    """
    if kappa is None or math.isnan(kappa):
        return "undefined"
    for upper, name in _KAPPA_BANDS:
        if kappa < upper:
            return name
    return "almost perfect"


def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, Cohen's kappa, per-code precision/recall/F1 and the confusion matrix.

    Parameters
    ----------
    y_true, y_pred : sequences of code ids of equal length
        ``geen`` (none of these) is a value like any other.

    Returns
    -------
    dict
        ``accuracy``, ``macro_f1`` (mean F1 over the codes present in ``y_true``), ``kappa``, ``n``,
        ``per_code`` (a DataFrame: code, precision, recall, f1, support, predicted) and ``confusion``
        (a DataFrame, rows the true codes, columns the predicted codes, both sorted, true codes first).

    Notes
    -----
    A code the machine predicts but that never occurs in ``y_true`` counts against accuracy, kappa and the
    recall of the true code, but gets no F1 of its own (it has no support), as in scikit-learn's ``labels=``
    convention.
    """
    y_true, y_pred = [str(v) for v in y_true], [str(v) for v in y_pred]
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred differ in length: {len(y_true)} and {len(y_pred)}.")
    n = len(y_true)
    gold = sorted(set(y_true))
    cols = gold + sorted(set(y_pred) - set(gold))
    confusion = pd.DataFrame(0, index=pd.Index(gold, name="label"), columns=pd.Index(cols, name="predicted"))
    for t, p in zip(y_true, y_pred, strict=True):
        confusion.loc[t, p] += 1
    rows = []
    for code in gold:
        tp = int(confusion.loc[code, code])
        support = int(confusion.loc[code].sum())
        predicted = int(confusion[code].sum())
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(
            {
                "code": code,
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "support": support,
                "predicted": predicted,
            }
        )
    per_code = pd.DataFrame(rows, columns=["code", "precision", "recall", "f1", "support", "predicted"])
    correct = sum(t == p for t, p in zip(y_true, y_pred, strict=True))
    return {
        "n": n,
        "accuracy": correct / n if n else float("nan"),
        "macro_f1": float(per_code["f1"].mean()) if len(per_code) else float("nan"),
        "kappa": cohen_kappa(y_true, y_pred) if n else float("nan"),
        "per_code": per_code,
        "confusion": confusion,
    }


def discovery_metrics(y_true: Sequence[str], themes: Sequence[int]) -> dict[str, Any]:
    """NMI and ARI of discovered themes against labels.

    Parameters
    ----------
    y_true : sequence of str
    themes : sequence of int
        Theme per row; ``-1`` marks an outlier (no theme), counted as one more cluster.

    Returns
    -------
    dict
        ``nmi``, ``ari`` (all rows, outliers as one cluster), ``nmi_without_outliers``, ``n_themes`` (outliers
        not counted) and ``outlier_share``.
    """
    y = np.asarray([str(v) for v in y_true])
    t = np.asarray(themes, dtype=int)
    inliers = t != -1
    return {
        "nmi": float(normalized_mutual_info_score(y, t)),
        "ari": float(adjusted_rand_score(y, t)),
        "nmi_without_outliers": float(normalized_mutual_info_score(y[inliers], t[inliers]))
        if inliers.any()
        else float("nan"),
        "n_themes": int(len(set(t[inliers].tolist()))),
        "outlier_share": float((~inliers).mean()) if len(t) else float("nan"),
    }


def few_shot_draws(
    codes: Sequence[str], examples_per_code: int, draws: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Draw ``examples_per_code`` training rows per code, several times; the rest of a draw is its test set.

    A code with ``examples_per_code`` rows or fewer goes wholly into training and is not tested.

    Returns
    -------
    list of (train_index, test_index)
        Sorted integer positions into ``codes``.
    """
    rng = np.random.default_rng(seed)
    codes_arr = np.asarray(codes)
    out = []
    for _ in range(draws):
        train: list[int] = []
        for code in sorted(set(codes_arr.tolist())):
            idx = np.flatnonzero(codes_arr == code)
            train.extend(
                idx if len(idx) <= examples_per_code else rng.choice(idx, examples_per_code, replace=False)
            )
        train_idx = np.sort(np.asarray(train, dtype=int))
        test_idx = np.setdiff1d(np.arange(len(codes_arr)), train_idx)
        out.append((train_idx, test_idx))
    return out
