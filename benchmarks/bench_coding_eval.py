"""Benchmark of the coding engine on two real Dutch labelled sets (not a test; run by hand).

    python benchmarks/bench_coding_eval.py [--eval-dir ../shared/eval] [--embedder use-m3] [--draws 5]
    python benchmarks/bench_coding_eval.py --quick   # 2 draws, issuepositions only, to coding_eval_quick.*

Sets (read ``SOURCE.md`` in each folder):

issuepositions-nl
    200 Dutch news sentences. Gold: ``label_en_coarse`` (17 coarse topics, ``None`` = no topic), mapped onto
    the 13 topics of the coders' own codebook ``topics.yml`` (the map is written out below: e.g. Labor,
    Social, Budget and Business are all "Werk & Inkomen"; Foreign is "Defensie & Buitenlandse Zaken").
    ``None`` is the engine's ``geen``. The fine-grained ``label`` is partly directional (for or against),
    which topic coding does not model, so the coarse label is used. The codebook for zero-shot coding is built
    from the coders' own descriptions: label, description, and the descriptions of both directions as include
    notes; their hints as exclude notes.
vlaams-parlement-nl
    908 Flemish parliamentary questions with the parliament's own theme (37 themes). Zero-shot codebook: the
    theme names only. Run on the full text and without the title line (which often names the theme). There is
    no "none" class, so the engine's forced choice (its most likely code) is scored.

Methods, all on the same texts and the same embeddings:

- ``engine zero-shot``: :class:`~wijkanalyse.coding.CodebookCoder` from the codebook alone.
- ``baseline nearest label name``: each text gets the code whose Dutch label embedding is most similar.
- ``engine k-shot`` (k = 5, 10): k hand-coded examples per code (``min(k, n_code // 2)`` for small codes, so
at
  least half of every code stays for testing), several random draws, scored on the rest. The engine is fitted
  on all texts (the uncoded ones unlabelled), as in real use. Scored on what the engine writes to the store:
  its decision, with the threshold and forced choice it calibrated on the examples by cross-validation
  (:mod:`wijkanalyse.coding.guard`; ``geen`` where nothing passes and forced choice is off), with the share
  of ``geen``. Its best code is scored (the first of the applied codes). The row "most likely class" scores
  the argmax of its confidences instead (a hand-coded ``geen`` is a class like the others): until 2026-12
  this was the headline row, from when the threshold was one constant (0.35) for every corpus.
- ``baseline LR k-shot``: logistic regression on the raw embeddings of the same examples, with balanced
  class weights and the best C of {1, 10, 100} *judged on the test texts* (an optimistic baseline on purpose:
  beating it is a fair claim). Until 2026-12 this row was scikit-learn's defaults (C=1, no class weights),
  which on unit-length embeddings is so strongly regularised that it predicts mostly the largest classes.
- ``engine k-shot, chose``: which model the engine's cross-validation on the examples chose per draw
  (:mod:`wijkanalyse.coding.guard`: the codebook prior, per-code, learned or plain LR).
- ``ceiling``: 5-fold cross-validated logistic regression (class_weight balanced) on all labelled texts, on
the
  raw embeddings and on the engine's own features; the best of C in {1, 10, 100} is reported (optimistic on
  purpose, so the ratio to it is conservative).

No constant is tuned per set: the engine runs with its defaults everywhere. Results go to
``benchmarks/results/coding_eval.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from wijkanalyse.coding.codebook import NONE_CODE, parse_codebook
from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.embed import EmbeddingCache, available_cores, embed_with_cache, get_embedder

REPO = Path(__file__).resolve().parents[1]
warnings.filterwarnings("ignore", category=UserWarning)

# label_en_coarse -> topics.yml key (written out by hand from the two label lists)
COARSE_TO_TOPIC = {
    "Agriculture": "Agriculture",
    "Budget": "Economic",
    "Business": "Economic",
    "Culture": "Education",
    "EU": "EU",
    "Education": "Education",
    "Environment": "Environment",
    "Foreign": "Defense",
    "Government": "Government",
    "Health": "Health",
    "Housing": "Housing",
    "Infrastructure": "Infrastructure",
    "Integration": "Immigration",
    "Labor": "Economic",
    "Order": "Order",
    "Rights": "CivilRights",
    "Social": "Economic",
}


def _slug(s: str) -> str:
    import re
    import unicodedata

    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s if s and s[0].isalpha() else f"c_{s}"


def load_issuepositions(folder: Path) -> dict:
    df = pd.read_csv(folder / "sentences_gold200.csv")
    topics = yaml.safe_load((folder / "topics.yml").read_text(encoding="utf-8"))
    codes = []
    for key, t in topics.items():
        pos, neg = t.get("positive", {}), t.get("negative", {})
        include = [
            f"{d['label']['nl']}: {d['description']['nl']}"
            for d in (pos, neg)
            if d.get("label") and d.get("description")
        ]
        definition = (t.get("description") or {}).get("nl") or "; ".join(
            d["label"]["nl"] for d in (pos, neg) if d
        )
        codes.append(
            {
                "id": _slug(key),
                "label_nl": t["label"]["nl"],
                "label_en": t["label"]["en"],
                "definition": definition,
                "include": include,
                "exclude": [h["nl"] for h in t.get("hints", []) if h.get("nl")],
            }
        )
    cb = parse_codebook({"name": "issuepositions-topics", "version": "1", "codes": codes}, "topics.yml")
    y = df["label_en_coarse"].map(lambda v: _slug(COARSE_TO_TOPIC[v]) if isinstance(v, str) else NONE_CODE)
    return {
        "name": "issuepositions-nl",
        "texts": df["text"].tolist(),
        "y": y.to_numpy(),
        "codebook": cb,
        "none": True,
    }


def load_vlaams(folder: Path, title: bool = True) -> dict:
    df = pd.read_csv(folder / "questions_dev.csv")
    texts = df["text"].astype(str)
    if not title:
        parts = texts.str.split("\n", n=1)
        texts = parts.map(lambda p: p[1] if len(p) > 1 and p[1].strip() else p[0])
    labels = sorted(df["label"].unique())
    ids = {lab: _slug(lab) for lab in labels}
    codes = [{"id": ids[lab], "label_nl": lab, "definition": lab} for lab in labels]
    cb = parse_codebook(
        {"name": "vlaams-parlement-themas", "version": "1", "codes": codes}, "questions_dev.csv"
    )
    name = "vlaams-parlement-nl" + ("" if title else " (zonder titel)")
    return {
        "name": name,
        "texts": texts.tolist(),
        "y": df["label"].map(ids).to_numpy(),
        "codebook": cb,
        "none": False,
    }


def scores(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float]:
    labels = sorted(set(y_true))
    return (
        float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        float(accuracy_score(y_true, y_pred)),
    )


def draw_examples(y: np.ndarray, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    train = []
    for c in sorted(set(y)):
        idx = np.flatnonzero(y == c)
        m = min(k, len(idx) // 2)
        if m:
            train.extend(rng.choice(idx, m, replace=False).tolist())
    train = np.array(sorted(train))
    return train, np.setdiff1d(np.arange(len(y)), train)


def engine_predict(coder: CodebookCoder, texts: list[str], E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(most likely class, including a learned 'geen'; the engine's decision with the threshold)."""
    proba = coder.predict_proba(texts, embeddings=E)
    top = np.array(coder.classes_, dtype=object)[proba.argmax(axis=1)]
    decided = np.array([d[0][0] for d in coder.decide(proba)], dtype=object)
    return top, decided


def ceiling(X, y: np.ndarray, seed: int) -> dict:
    best = None
    for C in (1.0, 10.0, 100.0):
        cv = StratifiedKFold(5, shuffle=True, random_state=seed)
        pred = cross_val_predict(LogisticRegression(C=C, max_iter=3000, class_weight="balanced"), X, y, cv=cv)
        f1, acc = scores(y, pred)
        if best is None or f1 > best["macro_f1"]:
            best = {"macro_f1": f1, "accuracy": acc, "C": C}
    return best


def fair_lr(E: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> tuple[float, float]:
    """LR on raw embeddings, balanced class weights, the best C of 1/10/100 on the test texts (optimistic)."""
    best = None
    for C in (1.0, 10.0, 100.0):
        lr = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(E[train], y[train])
        sc = scores(y[test], lr.predict(E[test]))
        if best is None or sc[0] > best[0]:
            best = sc
    assert best is not None
    return best


def mean_sd(vals: list[tuple[float, float]]) -> dict:
    a = np.array(vals)
    return {
        "macro_f1": float(a[:, 0].mean()),
        "macro_f1_sd": float(a[:, 0].std(ddof=1)) if len(a) > 1 else 0.0,
        "accuracy": float(a[:, 1].mean()),
        "accuracy_sd": float(a[:, 1].std(ddof=1)) if len(a) > 1 else 0.0,
        "draws": len(a),
    }


def run_set(ds: dict, embedder, cache, draws: int, seed: int, log) -> dict:
    texts, y, cb = ds["texts"], ds["y"], ds["codebook"]
    t0 = time.perf_counter()
    E = embed_with_cache(embedder, texts, cache, progress=False)
    out: dict = {
        "n_texts": len(texts),
        "n_codes": len(cb.ids),
        "classes_in_gold": int(len(set(y))),
        "results": {},
    }
    R = out["results"]
    forced = not ds["none"]

    # zero-shot
    coder = CodebookCoder(codebook=cb, embedder=embedder, cache=cache).fit(texts, embeddings=E)
    res = coder.code(texts, embeddings=E)
    R["engine zero-shot"] = dict(
        zip(
            ("macro_f1", "accuracy"),
            scores(y, res["top_code" if forced else "best_code"].to_numpy()),
            strict=True,
        )
    )
    R["engine zero-shot"]["geen_rate"] = float(np.mean(res["best_code"] == NONE_CODE))
    names = embed_with_cache(embedder, [cb.code(c).label_nl for c in cb.ids], cache)
    nearest = np.array(cb.ids)[(E @ names.T).argmax(axis=1)]
    R["baseline nearest label name"] = dict(zip(("macro_f1", "accuracy"), scores(y, nearest), strict=True))
    if ds["none"]:  # also the forced choice on the texts that have a topic
        topical = y != NONE_CODE
        R["engine zero-shot, topical texts, forced choice"] = dict(
            zip(
                ("macro_f1", "accuracy"), scores(y[topical], res["top_code"].to_numpy()[topical]), strict=True
            )
        )
        R["baseline nearest label name, topical texts"] = dict(
            zip(("macro_f1", "accuracy"), scores(y[topical], nearest[topical]), strict=True)
        )
    log(f"  zero-shot done ({time.perf_counter() - t0:.0f}s)")

    # few-shot
    for k in (5, 10):
        eng, dec, base, geen_rate, chose = [], [], [], [], []
        for d in range(draws):
            rng = np.random.default_rng(seed + 1000 * k + d)
            train, test = draw_examples(y, k, rng)
            labels = [None] * len(texts)
            for i in train:
                labels[i] = y[i]
            fs = CodebookCoder(codebook=cb, embedder=embedder, cache=cache).fit(texts, labels, embeddings=E)
            top, decided = engine_predict(fs, [texts[i] for i in test], E[test])
            eng.append(scores(y[test], top))
            dec.append(scores(y[test], decided))
            geen_rate.append(float(np.mean(decided == NONE_CODE)))
            chose.append(str(fs.learning_.get("model")))
            base.append(fair_lr(E, y, train, test))
        R[f"engine {k}-shot"] = mean_sd(dec)
        R[f"engine {k}-shot"]["geen_rate"] = float(np.mean(geen_rate))
        R[f"engine {k}-shot"]["examples_per_draw"] = int(len(train))
        R[f"engine {k}-shot"]["chose"] = {m: chose.count(m) for m in sorted(set(chose))}
        R[f"engine {k}-shot, most likely class"] = mean_sd(eng)
        R[f"baseline LR {k}-shot"] = mean_sd(base)
        log(f"  {k}-shot done ({time.perf_counter() - t0:.0f}s)")

    # ceilings
    R["ceiling LR 5-fold, raw embeddings"] = ceiling(E, y, seed)
    Z = coder.transform(texts, embeddings=E)
    R["ceiling LR 5-fold, engine features"] = ceiling(Z, y, seed)
    log(f"  ceilings done ({time.perf_counter() - t0:.0f}s)")
    ceil = max(
        R["ceiling LR 5-fold, raw embeddings"]["macro_f1"],
        R["ceiling LR 5-fold, engine features"]["macro_f1"],
    )
    out["ratio_10shot_to_best_ceiling"] = R["engine 10-shot"]["macro_f1"] / ceil if ceil else None
    out["ratio_5shot_to_best_ceiling"] = R["engine 5-shot"]["macro_f1"] / ceil if ceil else None
    out["zero_shot_minus_nearest_name"] = (
        R["engine zero-shot"]["macro_f1"] - R["baseline nearest label name"]["macro_f1"]
    )
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": available_cores(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_markdown(report: dict, path: Path) -> None:
    lines = [
        "# Coding engine on real Dutch labelled sets",
        "",
        f"Run {report['date']} on {report['machine']['cores']} cores ({report['machine']['cpu']}), embedder "
        f"`{report['embedder']}`, {report['draws']} random draws per few-shot setting, "
        "engine defaults everywhere "
        "(no per-set constants). Produced by `benchmarks/bench_coding_eval.py`; method in its docstring.",
        "",
        "Macro-F1 over the gold classes and accuracy; few-shot rows are mean ± sd over draws, scored on the",
        "texts not drawn as examples. Ceiling: 5-fold cross-validated logistic regression on all labelled",
        "texts (best C of 1, 10, 100).",
        "",
    ]
    for name, ds in report["sets"].items():
        lines += [
            f"## {name}",
            "",
            f"{ds['n_texts']} texts, {ds['n_codes']} codes in the codebook, "
            f"{ds['classes_in_gold']} classes in the gold labels. Took {ds['seconds']} s.",
            "",
            "| method | macro-F1 | accuracy |",
            "|---|---|---|",
        ]
        for method, r in ds["results"].items():
            if "macro_f1_sd" in r:
                f1 = f"{r['macro_f1']:.3f} ± {r['macro_f1_sd']:.3f}"
                acc = f"{r['accuracy']:.3f} ± {r['accuracy_sd']:.3f}"
            else:
                f1, acc = f"{r['macro_f1']:.3f}", f"{r['accuracy']:.3f}"
            extra = f" (C={r['C']:g})" if "C" in r else ""
            if "geen_rate" in r:
                extra += f" — geen for {r['geen_rate']:.0%}"
            if "chose" in r:
                extra += " — chose " + ", ".join(f"{m} {n}x" for m, n in r["chose"].items())
            lines.append(f"| {method}{extra} | {f1} | {acc} |")
        ratio = ds["ratio_10shot_to_best_ceiling"]
        lines += [
            "",
            f"- zero-shot minus nearest label name (macro-F1): {ds['zero_shot_minus_nearest_name']:+.3f}",
            f"- engine 10-shot / best ceiling (macro-F1): {ratio:.0%} (target 95%)"
            if ratio is not None
            else "",
            f"- engine 5-shot / best ceiling (macro-F1): {ds['ratio_5shot_to_best_ceiling']:.0%} (target 90%)"
            if ds.get("ratio_5shot_to_best_ceiling") is not None
            else "",
            "",
        ]
    lines += ["## Goals", ""] + [f"- {g}" for g in report["goals"]] + [""]
    lines += [
        "## Reading the figures",
        "",
        "- The engine's features (centred embedding + character n-gram LSA) are stronger than the raw",
        "  embeddings, so two ceilings are shown: the aim of 90% is judged against the stricter one as well.",
        "- 'geen for x%' is the share the engine leaves uncoded. Zero-shot it uses the default rule (0.35);",
        "  few-shot the threshold and forced choice are calibrated on the examples by cross-validation",
        "  (src/wijkanalyse/coding/guard.py). Zero-shot confidences are calibrated (the softmax temperature",
        "  is the spread of the similarities), so with a codebook of bare names most texts stay below 0.35.",
        "- 'chose' says which model the engine's cross-validation picked per draw (prior, learned, per-code,",
        "  plain LR). Before this guard (2026-11-27, 5 draws) the argmax rows were 0.342 / 0.394",
        "  (issuepositions 5/10-shot) and 0.430 / 0.482 (vlaams); the guard trades a little of that",
        "  for never learning worse than the codebook on the examples (tests/test_coding_history.py).",
        "- Since 2026-12-01 the guard scores its per-code candidate by cross-fitting (the codes it takes",
        "  over are chosen without the fold they are scored on). On the same 5 draws the decision rows went",
        "  from 0.366 / 0.416 to 0.379 / 0.425 on issuepositions (5/10-shot) and stayed 0.412 on vlaams",
        "  5-shot (the 2-draw file before this one showed 0.436 there: its two draws give the same now).",
        "  Where per-code is still chosen, the whole learned model decided better on the test texts in all",
        "  4 such draws examined (issuepositions 5/10-shot, vlaams 5-shot; on issuepositions also with",
        "  self-training off): an open problem, not tuned away here.",
        "- issuepositions-nl has a 'no topic' class (23%); its zero-shot row scores the applied code, so",
        "  `geen` can be right there. vlaams-parlement-nl has none, so its rows score the most likely code.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def _goals(report: dict) -> list[str]:
    """Issue 15's targets per set: 10-shot >= 0.95 and 5-shot >= 0.9 of the best ceiling; zero-shot (forced
    choice) and few-shot never below their simple baselines."""
    goals = []
    for name, ds in report["sets"].items():
        R = ds["results"]
        ceil = max(
            R["ceiling LR 5-fold, raw embeddings"]["macro_f1"],
            R["ceiling LR 5-fold, engine features"]["macro_f1"],
        )
        met = {True: "met", False: "NOT met"}
        parts = []
        for k, aim in ((10, 0.95), (5, 0.9)):
            shot = R[f"engine {k}-shot"]["macro_f1"]
            parts.append(
                f"{k}-shot {shot / ceil:.0%} of the best ceiling (aim {aim:.0%}: {met[shot / ceil >= aim]})"
            )
            lr = R[f"baseline LR {k}-shot"]["macro_f1"]
            parts.append(f"{k}-shot {shot:.3f} vs fair LR {lr:.3f} ({met[shot >= lr]})")
        zs_key = (
            "engine zero-shot, topical texts, forced choice"
            if "engine zero-shot, topical texts, forced choice" in R
            else "engine zero-shot"
        )
        nn_key = (
            "baseline nearest label name, topical texts"
            if zs_key.endswith("forced choice")
            else "baseline nearest label name"
        )
        diff = R[zs_key]["macro_f1"] - R[nn_key]["macro_f1"]
        parts.append(f"zero-shot forced choice minus nearest label name {diff:+.3f} ({met[diff >= 0]})")
        goals.append(f"{name}: " + "; ".join(parts) + ".")
    return goals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument(
        "--eval-dir",
        type=Path,
        default=Path(os.environ.get("WIJKANALYSE_EVAL", REPO.parent / "shared" / "eval")),
    )
    ap.add_argument("--embedder", default="use-m3")
    ap.add_argument("--draws", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument("--cache", type=Path, default=REPO / "outputs" / "benchmarks" / "embeddings.sqlite")
    ap.add_argument("--sets", nargs="*", default=["issuepositions", "vlaams", "vlaams-notitle"])
    ap.add_argument("--render-only", action="store_true", help="Rewrite the .md from the existing .json.")
    ap.add_argument(
        "--quick", action="store_true", help="2 draws, issuepositions only, to coding_eval_quick.*"
    )
    args = ap.parse_args(argv)
    stem = "coding_eval"
    if args.quick:
        args.draws, args.sets, stem = min(args.draws, 2), ["issuepositions"], "coding_eval_quick"
    if args.render_only:
        report = json.loads((args.out / "coding_eval.json").read_text(encoding="utf-8"))
        report["goals"] = _goals(report)
        (args.out / "coding_eval.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        write_markdown(report, args.out / "coding_eval.md")
        print("\n".join(report["goals"]))
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if not args.eval_dir.is_dir():
        log(f"Evaluation folder {args.eval_dir} not found; pass --eval-dir.")
        return 2
    embedder = get_embedder(args.embedder)
    cache = EmbeddingCache(args.cache)
    loaders = {
        "issuepositions": lambda: load_issuepositions(args.eval_dir / "issuepositions-nl"),
        "vlaams": lambda: load_vlaams(args.eval_dir / "vlaams-parlement-nl", title=True),
        "vlaams-notitle": lambda: load_vlaams(args.eval_dir / "vlaams-parlement-nl", title=False),
    }
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "embedder": embedder.model_id,
        "draws": args.draws,
        "sets": {},
    }
    for key in args.sets:
        ds = loaders[key]()
        log(f"{ds['name']}: {len(ds['texts'])} texts")
        report["sets"][ds["name"]] = run_set(ds, embedder, cache, args.draws, args.seed, log)
    goals = _goals(report)
    report["goals"] = goals
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stem}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    write_markdown(report, args.out / f"{stem}.md")
    print("\n".join(goals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
