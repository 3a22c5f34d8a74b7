"""A codebook drafted from the texts themselves, measured against gold labels (not a test; run by hand).

    python benchmarks/bench_codebook_draft.py                 # both sets, about 3-6 minutes on 2 cores
    python benchmarks/bench_codebook_draft.py --quick         # 300 of the Flemish questions
    python benchmarks/bench_codebook_draft.py --eval-dir PATH --cache PATH
    python benchmarks/bench_codebook_draft.py --render-only   # the .md again from the .json

For each development set in ``../shared/eval/`` (read ``SOURCE.md`` in each folder), the texts are embedded
once with the product's default embedder (``use-m3``, from a wheel; cached in
``outputs/benchmarks/embeddings.sqlite``, shared with ``bench_coding_eval.py``), then, all with seed 42:

``discovery (raw themes)``
    :class:`~wijkanalyse.coding.ThemeModel` with its defaults on the texts: each text's theme is its code
    (outliers reassigned, as in the product).
``drafted codebook, zero-shot``
    :func:`~wijkanalyse.coding.codebook_draft.draft_codebook` turns those themes into a codebook (names,
    draft definitions, top words as include notes, example phrases from the representative texts), exactly as
    ``wijkanalyse codebook draft`` does; :class:`~wijkanalyse.coding.CodebookCoder` codes every text with it,
    zero-shot (no text is hand-coded). ``forced``: the most likely code; ``threshold``: the product's
    decision (``geen`` when no code reaches 0.35), ``geen`` then being one more predicted class.
``..., min theme size m``
    The same with discovery's smallest theme size halved (``m``, at least 3; ``--min-theme-size`` of
    ``wijkanalyse codebook draft``): more, smaller themes, so more codes.
``gold label names, zero-shot``
    The same coder with a codebook made from the hand-written gold label names
    (:func:`~wijkanalyse.review.labelled.codebook_from_labels`: one code per label, the name as its label and
    definition): what a researcher gets by typing the names of the themes they expect.

Scores against the gold labels: **NMI** (scikit-learn's ``normalized_mutual_info_score``, arithmetic mean;
needs no matching) and **macro-F1 after matching**: the codes are matched one-to-one to gold labels by the
Hungarian assignment on the contingency table (``scipy.optimize.linear_sum_assignment``, maximising the texts
on matched pairs; a pair with no text in common is not a match), every text whose code is unmatched counts as
wrong, and macro-F1 is averaged over the gold labels (a label without a matched code scores 0). Accuracy after
matching is given beside it. For the gold label names the F1 with each code read as the label it names is
given too.

Sets and gold labels:

issuepositions-nl
    200 Dutch news sentences; gold: the coarse topic (``label_en_coarse``) mapped onto the 13 topics of the
    coders' own ``topics.yml`` by the map of ``bench_coding_eval.py`` and named by their Dutch label; no topic
    is "Geen onderwerp" (14 labels).
vlaams-parlement-nl
    908 Flemish written questions; gold: the parliament's own theme (37). Also without the title line, which
    often names the theme.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from _common import EVAL, RESULTS, ROOT, base_parser, header, md_table, write_results
from bench_coding_eval import COARSE_TO_TOPIC
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import accuracy_score, f1_score, normalized_mutual_info_score

from wijkanalyse.coding.codebook_draft import draft_codebook
from wijkanalyse.coding.coder import CodebookCoder
from wijkanalyse.coding.embed import EmbeddingCache, embed_with_cache, get_embedder
from wijkanalyse.coding.theme_model import ThemeModel
from wijkanalyse.review.labelled import codebook_from_labels

warnings.filterwarnings("ignore", category=UserWarning)
NONE_TOPIC = "Geen onderwerp"
UNMATCHED = "\x00unmatched"


# -- the sets ------------------------------------------------------------------------------------------------
def load_sets(eval_dir: Path, quick: bool) -> dict[str, tuple[list[str], list[str]]]:
    """The development sets as ``{name: (texts, gold labels)}``."""
    sets: dict[str, tuple[list[str], list[str]]] = {}
    folder = eval_dir / "issuepositions-nl"
    if (folder / "sentences_gold200.csv").exists():
        df = pd.read_csv(folder / "sentences_gold200.csv")
        topics = yaml.safe_load((folder / "topics.yml").read_text(encoding="utf-8"))
        names = {key: t["label"]["nl"] for key, t in topics.items()}
        gold = [
            names[COARSE_TO_TOPIC[v]] if isinstance(v, str) else NONE_TOPIC for v in df["label_en_coarse"]
        ]
        sets["issuepositions-nl"] = (df["text"].astype(str).tolist(), gold)
    path = eval_dir / "vlaams-parlement-nl" / "questions_dev.csv"
    if path.exists():
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        if quick:
            df = df.sample(300, random_state=0)
        texts = df["text"].astype(str)
        sets["vlaams-parlement-nl"] = (texts.tolist(), df["label"].tolist())
        parts = texts.str.split("\n", n=1)
        no_title = parts.map(lambda p: p[1] if len(p) > 1 and p[1].strip() else p[0])
        sets["vlaams-parlement-nl (zonder titel)"] = (no_title.tolist(), df["label"].tolist())
    if not sets:
        raise SystemExit(f"No development sets found in {eval_dir}; pass --eval-dir.")
    return sets


# -- scores --------------------------------------------------------------------------------------------------
def matched(gold: list[str], pred: list[str]) -> tuple[list[str], list[tuple[str, str, int]]]:
    """Map predicted codes one-to-one onto gold labels (Hungarian, most texts in common); the rest unmatched.

    Returns the predictions read as gold labels (``UNMATCHED`` where a code has no match) and the matches as
    ``(code, label, texts in common)``.
    """
    labels, codes = sorted(set(gold)), sorted(set(pred))
    li, ci = {g: i for i, g in enumerate(labels)}, {c: j for j, c in enumerate(codes)}
    table = np.zeros((len(labels), len(codes)), dtype=int)
    for g, p in zip(gold, pred, strict=True):
        table[li[g], ci[p]] += 1
    rows, cols = linear_sum_assignment(table, maximize=True)
    pairs = [(codes[c], labels[r], int(table[r, c])) for r, c in zip(rows, cols, strict=True) if table[r, c]]
    to_label = {code: label for code, label, _ in pairs}
    return [to_label.get(p, UNMATCHED) for p in pred], sorted(pairs, key=lambda m: -m[2])


def scores(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """NMI, and macro-F1 and accuracy after matching."""
    read, pairs = matched(gold, pred)
    labels = sorted(set(gold))
    return {
        "nmi": float(normalized_mutual_info_score(gold, pred)),
        "macro_f1": float(f1_score(gold, read, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(gold, read)),
        "codes": len(set(pred)),
        "matched": len(pairs),
        "matches": [{"code": c, "label": g, "texts": n} for c, g, n in pairs],
    }


# -- one set -------------------------------------------------------------------------------------------------
def zero_shot(
    codebook: Any, texts: list[str], E: np.ndarray, embedder: Any, cache: Any, seed: int
) -> pd.DataFrame:
    """Code every text with a codebook alone (no hand-coded text)."""
    coder = CodebookCoder(codebook=codebook, embedder=embedder, cache=cache, random_state=seed)
    return coder.fit(texts, embeddings=E).code(texts, embeddings=E)


def run_set(
    name: str, texts: list[str], gold: list[str], embedder: Any, cache: Any, seed: int
) -> dict[str, Any]:
    """Every method on one set; figures and what the draft looked like."""
    t0 = time.perf_counter()
    E = embed_with_cache(embedder, texts, cache, progress=False)
    seconds = {"embed": time.perf_counter() - t0}

    t = time.perf_counter()
    model = ThemeModel(random_state=seed, embedder=embedder, cache=cache).fit(texts, embeddings=E)
    seconds["discover"] = time.perf_counter() - t
    themes = model.themes_
    by_theme = {int(k): [texts[i] for i in np.flatnonzero(model.labels_ == k)] for k in themes["theme_id"]}

    t = time.perf_counter()
    draft = draft_codebook(themes, by_theme, name=f"{name} (concept)")
    seconds["draft"] = time.perf_counter() - t
    t = time.perf_counter()
    coded = zero_shot(draft.codebook, texts, E, embedder, cache, seed)
    seconds["code with the draft"] = time.perf_counter() - t

    label_cb, to_code = codebook_from_labels(gold)
    t = time.perf_counter()
    by_names = zero_shot(label_cb, texts, E, embedder, cache, seed)
    seconds["code with the label names"] = time.perf_counter() - t
    to_label = {c: g for g, c in to_code.items()}

    # the user's knob: half the default smallest theme size gives more, smaller themes and so more codes
    half = max(3, int(model.min_theme_size_) // 2)
    t = time.perf_counter()
    finer = ThemeModel(min_theme_size=half, random_state=seed, embedder=embedder, cache=cache)
    finer.fit(texts, embeddings=E)
    fine_texts = {
        int(k): [texts[i] for i in np.flatnonzero(finer.labels_ == k)] for k in finer.themes_["theme_id"]
    }
    fine_draft = draft_codebook(finer.themes_, fine_texts, name=f"{name} (concept, min size {half})")
    fine_coded = zero_shot(fine_draft.codebook, texts, E, embedder, cache, seed)
    seconds[f"discover, draft and code with min theme size {half}"] = time.perf_counter() - t

    raw = [f"thema {k}" for k in model.labels_]
    methods = {
        "discovery (raw themes)": scores(gold, raw),
        "drafted codebook, zero-shot, forced": scores(gold, coded["top_code"].tolist()),
        "drafted codebook, zero-shot, threshold": scores(gold, coded["best_code"].tolist()),
        f"discovery, min theme size {half} (raw themes)": scores(gold, [f"thema {k}" for k in finer.labels_]),
        f"drafted codebook, min theme size {half}, zero-shot, forced": scores(
            gold, fine_coded["top_code"].tolist()
        ),
        "gold label names, zero-shot, forced": scores(gold, by_names["top_code"].tolist()),
        "gold label names, zero-shot, threshold": scores(gold, by_names["best_code"].tolist()),
    }
    methods["drafted codebook, zero-shot, threshold"]["geen_share"] = float(
        (coded["best_code"] == "geen").mean()
    )
    methods["gold label names, zero-shot, threshold"]["geen_share"] = float(
        (by_names["best_code"] == "geen").mean()
    )
    as_named = [to_label.get(c, UNMATCHED) for c in by_names["top_code"]]
    methods["gold label names, zero-shot, forced"]["macro_f1_as_named"] = float(
        f1_score(gold, as_named, labels=sorted(set(gold)), average="macro", zero_division=0)
    )
    sizes = dict(zip(themes["theme_id"].astype(int), themes["size"].astype(int), strict=True))
    code_of_theme = {t: c for c, t in draft.themes.items()}
    own = [code_of_theme.get(int(k)) for k in model.labels_]
    faithful = float(np.mean([o == c for o, c in zip(own, coded["top_code"], strict=True)]))
    return {
        "texts": len(texts),
        "gold_labels": len(set(gold)),
        "themes": len(themes),
        "min_theme_size": int(model.min_theme_size_),
        "drafted_codes": [
            {
                "id": c.id,
                "label": c.label_nl,
                "theme": draft.themes[c.id],
                "size": sizes[draft.themes[c.id]],
                "top_words": themes.loc[themes["theme_id"] == draft.themes[c.id], "top_words"].iloc[0][:6],
            }
            for c in draft.codebook.codes
        ],  # fmt: skip
        "left_out": {str(k): v for k, v in draft.left_out.items()},
        "coded_as_own_theme": faithful,
        "methods": methods,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }


# -- results -------------------------------------------------------------------------------------------------
def set_md(name: str, r: dict[str, Any]) -> str:
    """The Markdown section of one set."""
    rows = []
    for method, m in r["methods"].items():
        note = f" — geen for {m['geen_share']:.0%}" if "geen_share" in m else ""
        rows.append({
            "method": method + note, "NMI": m["nmi"], "macro-F1 (matched)": m["macro_f1"],
            "accuracy (matched)": m["accuracy"], "codes used": m["codes"], "codes matched": m["matched"],
        })  # fmt: skip
    named = r["methods"]["gold label names, zero-shot, forced"]["macro_f1_as_named"]
    drafted = r["methods"]["drafted codebook, zero-shot, forced"]
    k, n = drafted["codes"], r["gold_labels"]
    top = ", ".join(f"{m['code']} → {m['label']} ({m['texts']})" for m in drafted["matches"][:8])
    codes = "; ".join(f"{c['label']} ({c['size']})" for c in r["drafted_codes"])
    return (
        f"## {name}\n\n{r['texts']} texts, {r['gold_labels']} gold labels; discovery found {r['themes']} "
        f"themes (min size {r['min_theme_size']}), {len(r['drafted_codes'])} drafted as codes"
        f"{'; left out: ' + str(r['left_out']) if r['left_out'] else ''}. Seconds: "
        + ", ".join(f"{k} {v}" for k, v in r["seconds"].items())
        + ".\n\n"
        + md_table(rows)
        + f"\n- A codebook of {k} codes can match at most {k} of the {n} gold labels: its macro-F1 after "
        f"matching is at most {min(k, n) / n:.2f} even if every matched label were coded perfectly.\n"
        f"- Gold label names read as named (no matching), forced: macro-F1 {named:.3f}.\n"
        f"- Texts the drafted codebook codes (forced) with the code drafted from their own theme: "
        f"{r['coded_as_own_theme']:.0%}.\n"
        f"- Drafted codes (texts per theme): {codes}.\n"
        f"- Largest matches of the drafted codes (forced; texts in common): {top}.\n"
    )


def body_md(figures: dict[str, Any]) -> str:
    """The Markdown of the results (below the machine header)."""
    return (
        f"Embedder `{figures['embedder']}`, seed {figures['seed']}, product defaults everywhere; "
        f"{figures['seconds']} s in all (embeddings from the cache when present). Produced by "
        "`benchmarks/bench_codebook_draft.py`; the method is in its docstring. NMI needs no matching; "
        "macro-F1 and accuracy are after a one-to-one (Hungarian) matching of codes to gold labels, texts of "
        "unmatched codes counted as wrong. More codes than gold labels raise NMI and the matched macro-F1 "
        "by themselves (more codes to pick each label's best match from); accuracy after matching, where the "
        "texts of every unmatched code count as wrong, does not: compare the rows with many codes on it.\n\n"
        + "\n".join(set_md(name, r) for name, r in figures["sets"].items())
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write ``results/codebook_draft.md`` and ``.json``."""
    p = base_parser("Drafted codebook vs gold labels on the development sets.")
    p.add_argument("--eval-dir", type=Path, default=Path(os.environ.get("WIJKANALYSE_EVAL", EVAL)))
    p.add_argument("--cache", type=Path, default=ROOT / "outputs" / "benchmarks" / "embeddings.sqlite")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--render-only", action="store_true", help="rewrite the .md from the existing .json")
    args = p.parse_args(argv)
    title = "A codebook drafted from the texts, against gold labels"
    if args.render_only:
        saved = json.loads((RESULTS / "codebook_draft.json").read_text(encoding="utf-8"))
        figures = saved.pop("figures")
        write_results("codebook_draft", saved, figures, body_md(figures), title)
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    head = header("codebook_draft", args)
    embedder = get_embedder(args.embedder)
    cache = EmbeddingCache(args.cache)
    t0 = time.perf_counter()
    figures: dict[str, Any] = {"embedder": embedder.model_id, "seed": args.seed, "sets": {}}
    for name, (texts, gold) in load_sets(args.eval_dir, args.quick).items():
        print(f"{name}: {len(texts)} texts", file=sys.stderr, flush=True)
        figures["sets"][name] = run_set(name, texts, gold, embedder, cache, args.seed)
    figures["seconds"] = round(time.perf_counter() - t0, 1)
    write_results("codebook_draft", head, figures, body_md(figures), title)
    return 0


if __name__ == "__main__":
    sys.exit(main())
