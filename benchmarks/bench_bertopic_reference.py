"""Reference: BERTopic's default pipeline beside our ThemeModel, on the same texts and the same embeddings.

For both development sets in ``../shared/eval/`` (200 Dutch news sentences with coarse topic codes, about 900
Flemish parliamentary questions with the parliament's theme), the texts are embedded once with the product's
default embedder; then

* **BERTopic default**: ``BERTopic()`` with its default UMAP (15 neighbours, 5 components, min_dist 0,
  cosine), HDBSCAN (min_cluster_size 10) and c-TF-IDF, fitted on the precomputed embeddings. The one change:
  UMAP gets a ``random_state`` so the figures can be reproduced.
* **ThemeModel**: :class:`wijkanalyse.coding.ThemeModel` with its defaults and the same seed (and the same
  embedder, which its keyword ranking uses).

Each is fitted for every seed; the figures are fit seconds, number of themes, share of outliers, the share of
the largest theme, and NMI and ARI against the labels (outliers counted as one cluster, as in
``wijkanalyse evaluate --discover``; NMI without the outliers beside it). Targets (issue 12), per set: NMI at
least BERTopic's + 0.05, under 10 % of the texts without a theme, a theme count within 2x of the number of
labels, and no theme over 25 % of the texts unless a label holds that much.

    python benchmarks/bench_bertopic_reference.py                    # 3 seeds (about 3-4 minutes on 2 cores)
    python benchmarks/bench_bertopic_reference.py --quick            # 1 seed, 300 questions
    python benchmarks/bench_bertopic_reference.py --eval-dir PATH
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pandas as pd
from _common import EVAL, base_parser, header, md_table, workdir, write_results


def load_sets(eval_dir: Path, quick: bool) -> dict[str, tuple[list[str], list[str]]]:
    """The development sets as (texts, labels)."""
    sets = {}
    ip = eval_dir / "issuepositions-nl" / "sentences_gold200.csv"
    if ip.exists():
        df = pd.read_csv(ip, dtype=str, keep_default_na=False)
        sets["issuepositions-nl (label_en_coarse)"] = (df["text"].tolist(), df["label_en_coarse"].tolist())
    vp = eval_dir / "vlaams-parlement-nl" / "questions_dev.csv"
    if vp.exists():
        df = pd.read_csv(vp, dtype=str, keep_default_na=False)
        if quick:
            df = df.sample(300, random_state=0)
        sets["vlaams-parlement-nl (label)"] = (df["text"].tolist(), df["label"].tolist())
    if not sets:
        raise SystemExit(f"No development sets found in {eval_dir}; pass --eval-dir.")
    return sets


def bertopic_default(texts: list[str], embeddings, seed: int) -> list[int]:
    """BERTopic's default pipeline on precomputed embeddings (UMAP seeded); the topic of every text."""
    from bertopic import BERTopic
    from umap import UMAP

    umap_model = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", low_memory=False, random_state=seed
    )  # BERTopic's defaults plus a seed
    topics, _ = BERTopic(umap_model=umap_model).fit_transform(texts, embeddings=embeddings)
    return list(topics)


def theme_model(texts: list[str], embeddings, seed: int) -> list[int]:
    """Our ThemeModel with its defaults; the theme of every text (-1: outlier)."""
    from wijkanalyse.coding.discovery import ThemeModel

    embedder = getattr(theme_model, "embedder", None)
    model = ThemeModel(random_state=seed, embedder=embedder).fit(texts, embeddings=embeddings)
    theme_model.reassigned = float(model.assignments_["outlier"].mean())  # type: ignore[attr-defined]
    return [int(t) for t in model.labels_]


def _warm_up() -> float:
    """Fit BERTopic once on random data, so numba's one-off compilation (tens of seconds) is not timed."""
    import numpy as np

    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(200, 32)).astype("float32")
    bertopic_default([f"tekst {i} woord{i % 7}" for i in range(200)], vectors, 0)
    return round(time.perf_counter() - t0, 1)


METHODS = {"BERTopic default": bertopic_default, "wijkanalyse ThemeModel": theme_model}


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n")[0])
    p.add_argument(
        "--eval-dir", type=Path, default=EVAL, help="folder with the development sets (../shared/eval)"
    )
    p.add_argument("--seeds", default="42,43,44", help="comma-separated seeds (default 42,43,44)")
    args = p.parse_args(argv)
    from wijkanalyse.coding.embed import EmbeddingCache, embed_with_cache, get_embedder
    from wijkanalyse.review.evaluate import discovery_metrics

    seeds = [42] if args.quick else [int(s) for s in args.seeds.split(",")]
    head = header("bench_bertopic_reference", args)
    figures: dict = {"seeds": seeds, "sets": {}}
    model = get_embedder(args.embedder)
    theme_model.embedder = model  # type: ignore[attr-defined]
    from wijkanalyse.coding.numba_cache import import_umap

    import_umap()  # numba's disk cache for UMAP, as the product uses it
    figures["warm_up_seconds"] = _warm_up()
    with workdir(args, "bertopic") as work, EmbeddingCache(work / "embeddings.sqlite") as cache:
        for name, (texts, labels) in load_sets(args.eval_dir, args.quick).items():
            t0 = time.perf_counter()
            emb = embed_with_cache(model, texts, cache)
            entry = {
                "texts": len(texts),
                "labels": len(set(labels)),
                "embed_seconds": round(time.perf_counter() - t0, 1),
                "embedder": model.model_id,
                "methods": {},
            }
            for method, fit in METHODS.items():
                runs = []
                for seed in seeds:
                    t0 = time.perf_counter()
                    try:
                        themes = fit(texts, emb, seed)
                    except ImportError as exc:
                        runs.append({"seed": seed, "error": f"not available: {exc}"})
                        break
                    m = discovery_metrics(labels, themes)
                    m["largest_share"] = _largest_share(themes)
                    runs.append({"seed": seed, "seconds": round(time.perf_counter() - t0, 2), **m})
                    if hasattr(fit, "reassigned"):  # ThemeModel reassigns HDBSCAN's outliers to themes
                        runs[-1]["outliers_reassigned"] = fit.reassigned
                    print(
                        f"{name} / {method} / seed {seed}: NMI {m['nmi']:.3f} ARI {m['ari']:.3f} "
                        f"themes {m['n_themes']} outliers {m['outlier_share']:.0%} ({runs[-1]['seconds']} s)",
                        flush=True,
                    )
                entry["methods"][method] = {"runs": runs, **_summary(runs)}
            entry["largest_label_share"] = _largest_share(labels)
            entry["targets"] = _targets(entry)
            figures["sets"][name] = entry
    write_results(
        "bench_bertopic_reference",
        head,
        figures,
        _markdown(figures),
        "Theme discovery against BERTopic's default pipeline",
    )
    return 0


def _largest_share(groups: list) -> float:
    """Share of the texts in the largest group (outliers, -1, not counted as a group)."""
    counts = pd.Series([g for g in groups if g != -1]).value_counts()
    return round(float(counts.iloc[0]) / len(groups), 4) if len(counts) else 0.0


def _targets(entry: dict) -> dict:
    """Each target of issue 12 for ThemeModel on one set: met or not."""
    ours = entry["methods"].get("wijkanalyse ThemeModel", {})
    ref = entry["methods"].get("BERTopic default", {})
    if "error" in ours or "error" in ref or not ours or not ref:
        return {}
    cap = max(0.25, entry["largest_label_share"])
    return {
        "nmi >= BERTopic + 0.05": ours["nmi"] >= ref["nmi"] + 0.05,
        "without theme < 10%": ours["outlier_share"] < 0.10,
        "themes within 2x labels": entry["labels"] / 2 <= ours["n_themes"] <= entry["labels"] * 2,
        "largest theme <= max(25%, largest label)": ours["largest_share"] <= cap,
    }


def _summary(runs: list[dict]) -> dict:
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"error": runs[0]["error"] if runs else "no runs"}

    def mean(k: str) -> float:
        return round(statistics.fmean(r[k] for r in ok), 4)

    keys = ["seconds", "nmi", "nmi_without_outliers", "ari", "n_themes", "outlier_share", "largest_share"]
    return {k: mean(k) for k in keys + (["outliers_reassigned"] if "outliers_reassigned" in ok[0] else [])}


def _markdown(f: dict) -> str:
    md = [
        f"Means over seeds {f['seeds']}. NMI and ARI count outliers as one cluster. Fit seconds exclude "
        "numba's "
        f"one-off compilation ({f['warm_up_seconds']} s, a warm-up fit on random data before the timings).\n"
    ]
    rows = []
    for name, e in f["sets"].items():
        for method, s in e["methods"].items():
            if "error" in s:
                rows.append({"set": name, "method": method, "NMI": s["error"]})
                continue
            rows.append(
                {
                    "set": f"{name}: {e['texts']} texts, {e['labels']} labels",
                    "method": method,
                    "NMI": s["nmi"],
                    "NMI w/o outliers": s["nmi_without_outliers"],
                    "ARI": s["ari"],
                    "themes": s["n_themes"],
                    "largest theme": f"{s['largest_share']:.0%}",
                    "outliers": f"{s['outlier_share']:.0%}"
                    + (f" ({s['outliers_reassigned']:.0%} reassigned)" if "outliers_reassigned" in s else ""),
                    "fit seconds": s["seconds"],
                }
            )
    md.append(md_table(rows))
    md.append("\nTargets for ThemeModel (issue 12):\n")
    md.append(
        md_table(
            [
                {"set": name, **{k: "met" if v else "MISSED" for k, v in e.get("targets", {}).items()}}
                for name, e in f["sets"].items()
            ]
        )
    )
    md.append(
        "\nEmbeddings: "
        + "; ".join(f"{n}: {e['embedder']} in {e['embed_seconds']} s" for n, e in f["sets"].items())
        + ".\n"
    )
    return "\n".join(md)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
