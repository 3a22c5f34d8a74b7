"""Evaluate automatic coding on a labelled file: is the machine good enough for *your* corpus.

Use it before you let machine codes stand in a report. Take a few hundred segments of your own corpus, code
them by hand (one code per row: a CSV or XLSX with a text column and a label column), and run::

    wijkanalyse evaluate gelabeld.xlsx --text-col tekst --label-col code --codebook codebook.yml
    wijkanalyse evaluate gelabeld.csv --text-col tekst --label-col code --examples-per-code 10 --discover

The command codes the texts with the same engine that codes the store
(:class:`wijkanalyse.coding.CodebookCoder`) and compares its best code per row with your label.

Two ways of coding are measured:

* **zero-shot** (default): the machine only knows the codebook (definitions, include notes, example phrases).
  Without ``--codebook`` the label names themselves form the codebook (a code per distinct label, its name as
  its definition), the weakest possible starting point.
* **few-shot** (``--examples-per-code N``): N rows per label are drawn as hand-coded examples for the engine
  to learn from, the rest is the test set. This is repeated ``--draws`` times with different random draws
  (``--seed``), and the figures are the mean (with the spread) over the draws. It tells you what to expect
  after coding N segments per code by hand.

Which machine code is compared: when some labels mean "no code" (``--none-label``, or the label ``geen``),
the code the machine would apply, ``geen`` included, so a row it leaves uncoded counts as a miss. When every
row has a real label (a forced choice), its most likely code is compared, and the share of rows it would leave
uncoded at the coding threshold is given as a note.

What the numbers mean
---------------------
accuracy
    Share of rows where the machine's best code is your label.
precision, recall, F1 per code
    Precision: of the rows the machine gave this code, the share that has it. Recall: of the rows that have
    this code, the share the machine found. F1: their harmonic mean. A code with a low recall is missed by the
    machine (improve its definition or examples); a low precision means it is given too easily (sharpen its
    exclude notes).
macro-F1
    The mean F1 over the codes in the test set, every code counted equally, so a rare code weighs as much as a
    frequent one. The fairest single figure when codes differ in size.
Cohen's kappa
    Agreement between machine and labels corrected for the agreement expected by chance (the same figure that
    ``wijkanalyse agree`` gives for two people). Rule of thumb (Landis & Koch): below 0.2 slight, 0.2-0.4
    fair, 0.4-0.6 moderate, **0.6-0.8 substantial**, above 0.8 almost perfect.
confusion matrix
    Rows are your labels, columns the machine's codes; ``geen`` is the machine's "none of these". Large
    off-diagonal cells show which codes the machine mixes up: often two codes whose definitions overlap.
NMI and ARI (``--discover``)
    For theme discovery: how well the themes found without any codebook match your labels. Normalised mutual
    information (0 = unrelated, 1 = the same partition, allowing more themes than labels) and the adjusted
    Rand index (0 = chance, 1 = identical). Discovered themes are meant to show what a codebook lacks, not to
    replace it; an NMI above about 0.4 means the themes follow your labels broadly.

Rule of thumb for deciding
--------------------------
* kappa >= 0.667 and no important code with a recall below 0.5: machine codes may stand in reports, with
  spot checks. 0.667 is Krippendorff's minimum for tentative conclusions; the Landis & Koch band
  "substantial" starts lower, at 0.6, and is only a name. (Whether they do in a report is decided on the
  corpus's own blind check sample, with the same 0.667 default: :mod:`wijkanalyse.review.machine_decision`.)
* kappa 0.4-0.667: use the machine's codes as proposals that a researcher reviews; code more examples by hand
  and measure again with ``--examples-per-code``.
* kappa below 0.4: do not rely on automatic coding for this corpus and codebook yet; revisit the definitions
  and examples of the codes that the confusion matrix shows being mixed up.

Measure on rows that were *not* used to write the codebook's examples, or the figures will flatter the
machine.

The metric assembly (:func:`~wijkanalyse.review.metrics.classification_metrics`,
:func:`~wijkanalyse.review.metrics.discovery_metrics`) is independent of the coder, so any predictor can be
evaluated the same way (see ``predictor`` in :func:`evaluate_labelled`). Reading the labelled file is in
:mod:`wijkanalyse.review.labelled`; both are re-exported here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wijkanalyse.coding.codebook import NONE_CODE, Codebook
from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.embed import get_embedder
from wijkanalyse.coding.theme_model import ThemeModel
from wijkanalyse.exceptions import SettingsError, WijkanalyseError
from wijkanalyse.review.labelled import codebook_from_labels, load_labelled, map_labels
from wijkanalyse.review.metrics import (
    classification_metrics,
    discovery_metrics,
    few_shot_draws,
    kappa_verdict,
)

__all__ = [
    "Predictor",
    "EvaluationResult",
    "load_labelled",
    "codebook_from_labels",
    "map_labels",
    "classification_metrics",
    "discovery_metrics",
    "kappa_verdict",
    "few_shot_draws",
    "engine_predictor",
    "evaluate_labelled",
    "write_json",
]

#: ``predictor(codebook, train_texts, train_codes, test_texts)`` -> the predicted code id per test text
#: (``geen`` for none), or a DataFrame with ``best_code`` and ``top_code`` (as from :func:`engine_predictor`).
Predictor = Callable[[Codebook, list[str], list[str], list[str]], "Sequence[str] | pd.DataFrame"]


# -- the engine ----------------------------------------------------------------------------------------------
def engine_predictor(embedder: str = "use-m3", seed: int = 42, threshold: float = 0.35) -> Predictor:
    """Return the coding engine as a predictor: :class:`wijkanalyse.coding.CodebookCoder` with an embedder.

    Every call fits a coder the way :func:`wijkanalyse.coding.code_table` does: on the texts to code plus the
    hand-coded examples (with their codes), then codes the texts. Embeddings are computed once per text and
    reused across draws.

    Parameters
    ----------
    embedder : str
        An embedder name or a local model folder (see :func:`wijkanalyse.coding.embed.get_embedder`).
    seed : int
    threshold : float, default 0.35
        The coder's threshold (the ``coding_threshold`` setting): below it the applied code is ``geen``.

    Returns
    -------
    Predictor
        Returns a DataFrame with ``best_code`` (the applied code, ``geen`` below the threshold) and
        ``top_code`` (the most likely code of the codebook).
    """
    model = get_embedder(embedder)
    memo: dict[str, np.ndarray] = {}

    def vectors(texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in memo))
        if missing:
            memo.update(zip(missing, model.embed(missing), strict=True))
        return np.vstack([memo[t] for t in texts]) if texts else np.zeros((0, model.dim), dtype=np.float32)

    def predict(
        codebook: Codebook, train_texts: list[str], train_codes: list[str], test_texts: list[str]
    ) -> pd.DataFrame:
        texts = test_texts + train_texts
        labels: list[str | None] = [None] * len(test_texts) + list(train_codes)
        emb = vectors(texts)
        coder = CodebookCoder(codebook=codebook, embedder=model, threshold=threshold, random_state=seed)
        coder.fit(texts, labels, embeddings=emb)
        return coder.code(test_texts, embeddings=emb[: len(test_texts)])[["best_code", "top_code"]]

    return predict  # type: ignore[return-value]


# -- the evaluation ------------------------------------------------------------------------------------------
@dataclass
class EvaluationResult:
    """Figures of one evaluation (see the module docstring for what they mean)."""

    source: str
    mode: str  # zero-shot or few-shot
    n_rows: int
    n_labels: int
    codebook: str
    embedder: str
    examples_per_code: int
    draws: int
    seed: int
    accuracy: float
    macro_f1: float
    kappa: float
    per_code: pd.DataFrame
    confusion: pd.DataFrame
    labels: dict[str, str] = field(default_factory=dict)  # code id -> label value
    spread: dict[str, float] = field(default_factory=dict)  # standard deviation over draws
    per_draw: list[dict[str, float]] = field(default_factory=list)
    n_test: int = 0
    untested: list[str] = field(default_factory=list)
    discovery: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """The kappa band and what to do with the machine's codes (the module docstring's rule of thumb)."""
        band = kappa_verdict(self.kappa)
        if math.isnan(self.kappa):
            return "kappa undefined (one code only?)"
        if self.kappa >= 0.667:  # Krippendorff's minimum for tentative conclusions, as the trust verdict
            advice = "machine codes may stand, with spot checks"
        elif self.kappa >= 0.4:
            advice = "use machine codes as proposals for review; code more examples by hand"
        else:
            advice = "do not rely on automatic coding for this corpus and codebook yet"
        return f"{band} agreement: {advice}"

    def to_dict(self) -> dict[str, Any]:
        """All figures as JSON-ready values."""

        def clean(v: Any) -> Any:
            if isinstance(v, float | np.floating):
                return None if math.isnan(float(v)) else round(float(v), 6)
            if isinstance(v, np.integer):
                return int(v)
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, list):
                return [clean(x) for x in v]
            return v

        return clean(
            {
                "source": self.source,
                "mode": self.mode,
                "n_rows": self.n_rows,
                "n_test": self.n_test,
                "n_labels": self.n_labels,
                "codebook": self.codebook,
                "embedder": self.embedder,
                "examples_per_code": self.examples_per_code,
                "draws": self.draws,
                "seed": self.seed,
                "accuracy": self.accuracy,
                "macro_f1": self.macro_f1,
                "kappa": self.kappa,
                "kappa_band": kappa_verdict(self.kappa),
                "verdict": self.verdict,
                "spread": self.spread,
                "per_draw": self.per_draw,
                "per_code": [
                    {**r, "label": self.labels.get(r["code"], r["code"])}
                    for r in self.per_code.to_dict("records")
                ],
                "confusion": {
                    "labels": list(self.confusion.index),
                    "predicted": list(self.confusion.columns),
                    "matrix": self.confusion.to_numpy().tolist(),
                },
                "untested": self.untested,
                "discovery": self.discovery,
                "notes": self.notes,
            }
        )

    def describe(self, max_matrix: int = 12) -> str:
        """Return the figures as a plain-text table for the terminal."""

        def pm(key: str) -> str:
            sd = self.spread.get(key)
            return f" ± {sd:.3f}" if sd is not None and self.draws > 1 else ""

        how = (
            "zero-shot"
            if self.mode == "zero-shot"
            else f"few-shot, {self.examples_per_code} examples per code, {self.draws} draws (mean ± sd)"
        )
        lines = [
            f"Evaluation of {self.source}: {self.n_rows} rows, {self.n_labels} labels, {how}",
            f"Codebook: {self.codebook}   embedder: {self.embedder}   test rows: {self.n_test}",
            "",
            f"  macro-F1       {self.macro_f1:.3f}{pm('macro_f1')}",
            f"  accuracy       {self.accuracy:.3f}{pm('accuracy')}",
            f"  Cohen's kappa  {self.kappa:.3f}{pm('kappa')}  ({self.verdict})",
            "",
            "Per code (pooled over draws):",
        ]
        table = self.per_code.copy()
        table.insert(1, "label", [self.labels.get(c, c) for c in table["code"]])
        lines.append(table.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
        conf = self.confusion
        if len(conf) <= max_matrix:
            lines += [
                "",
                "Confusion matrix (rows: labels, columns: machine; geen = none of these):",
                conf.to_string(),
            ]
        else:
            lines += ["", f"Confusion matrix: {len(conf)} labels, see the JSON. Most frequent confusions:"]
        off = [
            (t, p, int(conf.loc[t, p]))
            for t in conf.index
            for p in conf.columns
            if t != p and conf.loc[t, p] > 0
        ]
        for t, p, k in sorted(off, key=lambda x: (-x[2], x[0], x[1]))[:10]:
            lines.append(f"  {k:4d} × {self.labels.get(t, t)} → {self.labels.get(p, p)}")
        if self.untested:
            lines.append(f"\nNot tested (all rows used as examples): {', '.join(self.untested)}")
        if self.discovery:
            d = self.discovery
            lines += [
                "",
                f"Discovered themes: {d['n_themes']} themes, {d['outlier_share']:.0%} outliers; "
                f"NMI {d['nmi']:.3f}, ARI {d['ari']:.3f} "
                f"(NMI without outliers {d['nmi_without_outliers']:.3f})",
            ]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def _mean_sd(values: list[float]) -> tuple[float, float]:
    arr = np.asarray(values, dtype=float)
    return float(np.nanmean(arr)), float(np.nanstd(arr)) if len(arr) > 1 else 0.0


# size: 46 of its lines are the numpydoc docstring of 11 parameters; the body is 38 lines
def evaluate_labelled(
    data: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    examples_per_code: int = 0,
    draws: int = 5,
    seed: int = 42,
    embedder: str = "use-m3",
    discover: bool = False,
    none_labels: Sequence[str] = (),
    predictor: Predictor | None = None,
    themes: Callable[[list[str]], Sequence[int]] | None = None,
    source: str = "<data>",
) -> EvaluationResult:
    """Code labelled texts and compare the codes with the labels.

    Parameters
    ----------
    data : DataFrame
        Columns ``text`` and ``label`` (see :func:`load_labelled`).
    codebook : Codebook, optional
        Labels must match its codes (id, label_nl or label_en). Default: a codebook built from the label
        names.
    examples_per_code : int, default 0
        0: zero-shot. N > 0: N rows per label are training examples, the rest is tested, ``draws`` times.
    draws : int, default 5
        Random draws of examples (few-shot only).
    seed : int, default 42
    embedder : str, default "use-m3"
    discover : bool, default False
        Also discover themes on all texts and compare them with the labels (NMI, ARI).
    none_labels : sequence of str
        Label values meaning "no code": compared with the machine's ``geen`` (case-insensitive).
    predictor : Predictor, optional
        Default: the coding engine (:func:`engine_predictor`). Tests pass a stub.
    themes : callable, optional
        ``themes(texts) -> theme per text`` for ``discover``; default:
        :class:`wijkanalyse.discovery.ThemeModel`.
    source : str
        Name of the data, for the report.

    Returns
    -------
    EvaluationResult

    Raises
    ------
    SettingsError
        On a bad parameter or labels that match no code of the codebook.
    """
    _check_draws(examples_per_code, draws)
    texts = data["text"].astype(str).tolist()
    labels = data["label"].astype(str).tolist()
    cb, mapping, cb_name = _label_codebook(labels, codebook, none_labels)
    # a code's name in the report: the codebook's own label, or else the spelling of the label column
    names = {cid: codebook.label(cid) if codebook else label for label, cid in mapping.items()}
    codes = [mapping[v] for v in labels]
    predict = predictor or engine_predictor(embedder, seed)
    n_draws = 1 if examples_per_code == 0 else draws
    if examples_per_code == 0:  # zero-shot: every row is tested once
        splits = [(np.asarray([], dtype=int), np.arange(len(texts)))]
    else:
        splits = few_shot_draws(codes, examples_per_code, draws, seed)
    runs = _run_draws(predict, cb, texts, codes, splits, examples_per_code)
    untested = sorted(names.get(c, c) for c in set(codes) - set(runs.truth))
    disc = None
    if discover:
        disc = discovery_metrics(codes, list((themes or _engine_themes(embedder, seed))(texts)))
    return EvaluationResult(
        source=source,
        mode="zero-shot" if examples_per_code == 0 else "few-shot",
        n_rows=len(texts),
        n_labels=len(set(codes)),
        codebook=cb_name,
        embedder=embedder,
        examples_per_code=examples_per_code,
        draws=n_draws,
        seed=seed,
        labels=names,
        untested=untested,
        discovery=disc,
        notes=_notes(untested, examples_per_code, runs.geen_shares, NONE_CODE in codes, data),
        **runs.figures(n_draws),
    )


def _check_draws(examples_per_code: int, draws: int) -> None:
    if examples_per_code < 0:
        raise SettingsError(
            f"The 'examples_per_code' parameter must be an int >= 0. Got {examples_per_code} instead."
        )
    if draws < 1:
        raise SettingsError(f"The 'draws' parameter must be an int >= 1. Got {draws} instead.")


def _label_codebook(
    labels: list[str], codebook: Codebook | None, none_labels: Sequence[str]
) -> tuple[Codebook, dict[str, str], str]:
    """Return the codebook to code with, the label values mapped to its code ids, and its name."""
    if codebook is None:
        nones = {n.strip().lower() for n in none_labels}
        cb, mapping = codebook_from_labels([v for v in labels if v.strip().lower() not in nones])
        mapping.update({v: NONE_CODE for v in labels if v.strip().lower() in nones})
        return cb, mapping, "label names"
    return codebook, map_labels(labels, codebook, none_labels), f"{codebook.name} {codebook.version_tag}"


@dataclass
class _Draws:
    """The pooled labels and predictions of every draw, with the figures per draw."""

    truth: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    per_draw: list[dict[str, float]] = field(default_factory=list)
    geen_shares: list[float] = field(default_factory=list)  # share the engine would leave uncoded, per draw

    def figures(self, n_draws: int) -> dict[str, Any]:
        """Return the figures of :class:`EvaluationResult`: means and spread over draws, pooled tables."""
        pooled = classification_metrics(self.truth, self.predicted)
        stats = {k: _mean_sd([d[k] for d in self.per_draw]) for k in ("accuracy", "macro_f1", "kappa")}
        return {
            "accuracy": stats["accuracy"][0],
            "macro_f1": stats["macro_f1"][0],
            "kappa": stats["kappa"][0],
            "per_code": pooled["per_code"],
            "confusion": pooled["confusion"],
            "spread": {k: v[1] for k, v in stats.items()},
            "per_draw": self.per_draw,
            "n_test": len(self.truth) // n_draws,
        }


def _run_draws(
    predict: Predictor,
    cb: Codebook,
    texts: list[str],
    codes: list[str],
    splits: list[tuple[np.ndarray, np.ndarray]],
    examples_per_code: int,
) -> _Draws:
    """Predict the test rows of every split and measure each draw."""
    runs = _Draws()
    has_none = NONE_CODE in codes
    for train_idx, test_idx in splits:
        if len(test_idx) == 0:
            raise SettingsError(
                f"No rows are left to test with {examples_per_code} examples per code; use fewer examples "
                "per code."
            )
        out = predict(
            cb, [texts[i] for i in train_idx], [codes[i] for i in train_idx], [texts[i] for i in test_idx]
        )
        if isinstance(out, pd.DataFrame):  # the engine: the applied code, or the most likely one (see Notes)
            runs.geen_shares.append(float((out["best_code"] == NONE_CODE).mean()) if len(out) else 0.0)
            out = out["best_code"] if has_none else out["top_code"]
        pred = [str(p) for p in out]
        if len(pred) != len(test_idx):
            raise WijkanalyseError(f"The predictor returned {len(pred)} codes for {len(test_idx)} texts.")
        truth = [codes[i] for i in test_idx]
        m = classification_metrics(truth, pred)
        runs.per_draw.append(
            {"accuracy": m["accuracy"], "macro_f1": m["macro_f1"], "kappa": m["kappa"], "n_test": m["n"]}
        )
        runs.truth += truth
        runs.predicted += pred
    return runs


def _notes(
    untested: list[str], examples_per_code: int, geen_shares: list[float], has_none: bool, data: pd.DataFrame
) -> list[str]:
    """Return the notes under the figures: untested labels, the forced choice, rows left out."""
    notes: list[str] = []
    if untested:
        notes.append(
            f"{len(untested)} label(s) had {examples_per_code} rows or fewer and were only used as examples."
        )
    if geen_shares and not has_none:
        notes.append(
            "No label means 'no code', so each row's most likely code is compared with its label; at the "
            f"coding threshold the machine would leave {np.mean(geen_shares):.0%} of the rows uncoded (geen)."
        )
    dropped = int(data.attrs.get("dropped", 0))
    if dropped:
        notes.append(f"{dropped} row(s) without text or label were left out.")
    return notes


def _engine_themes(embedder: str, seed: int) -> Callable[[list[str]], Sequence[int]]:
    def run(texts: list[str]) -> Sequence[int]:
        vectors = get_embedder(embedder).embed(texts)
        model = ThemeModel(random_state=seed).fit(texts, embeddings=vectors)
        return list(model.labels_)

    return run


def write_json(result: EvaluationResult, path: str | Path) -> Path:
    """Write the figures of an evaluation to a JSON file (UTF-8, indented)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    return p
