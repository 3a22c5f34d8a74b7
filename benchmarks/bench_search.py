"""Search quality on real Dutch data with human labels: precision at 10 of keyword, semantic, hybrid search.

Data: ``../shared/eval/`` (see the SOURCE.md files there)

* ``issuepositions-nl``: 200 Dutch news sentences, each with the issue topic human coders agreed on
  (``label``);
* ``vlaams-parlement-nl``: 908 written questions of the Flemish Parliament with the parliament's own theme
  (``label``). The first line of each text is its title, which often names the theme, so the questions are
  searched without it (``--with-titles`` keeps it, as a second measurement).

For each label, the query is the label's name as it stands (e.g. "Natuur en Klimaat", "Mobiliteit en
Verkeer"). A hit is relevant when its text carries that label. Reported per label and as the mean over labels:

* ``P@10``: relevant hits among the first 10 (fewer than 10 hits count as misses);
* ``P@R10``: the same, over ``min(10, relevant texts)`` (so a label with only 4 texts can still score 1).

Five searches: keyword with every term required (``match="all"``, the default of keyword search), keyword
ranked with any term (``match="any"``), semantic search with the default embedder (use-m3), and hybrid search
(reciprocal rank fusion, k = 60, of the keyword ranking with any term and the semantic ranking: the default of
the workbench), also with its keyword side requiring every term (``hybrid (all)``). Labels without a topic
("Geen onderwerp", "Ander/geen onderwerp", "Ander onderwerp") are not queried. The texts are searched as the
workbench searches segments: long texts are split like segments (at most 700 characters, at sentence
boundaries), and a text's score is the best score of its segments.

The figures of the keyword search before it moved to SQLite FTS5 and Snowball's Dutch stemmer (a hand-written
BM25 and suffix stemmer) are kept in :data:`BEFORE` and printed next to the new ones.

Usage: ``python benchmarks/bench_search.py [--quick] [--embedder use-m3] [--with-titles]``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
from _common import EVAL, ROOT, base_parser, header, md_table, workdir, write_results

NAME = "search_eval"
NO_TOPIC = {"Geen onderwerp", "Ander/geen onderwerp", "Ander onderwerp"}
K = 10
MAX_CHARS = 700
#: Mean P@10 and P@R10 per set of the previous keyword search (hand-written BM25 and Dutch suffix stemmer),
#: from benchmarks/results/search_eval.md of 2026-11-27 (commit 12d911d, the same data and use-m3/0.2.1).
BEFORE = {
    "issuepositions-nl": {
        "keyword_p10": 0.022, "keyword_any_p10": 0.081, "semantic_p10": 0.089,
        "keyword_pr10": 0.029, "keyword_any_pr10": 0.148, "semantic_pr10": 0.200,
    },
    "vlaams-parlement-nl": {
        "keyword_p10": 0.286, "keyword_any_p10": 0.338, "semantic_p10": 0.259,
        "keyword_pr10": 0.323, "keyword_any_pr10": 0.398, "semantic_pr10": 0.327,
    },
}  # fmt: skip
MODES = ["keyword", "keyword_any", "semantic", "hybrid", "hybrid_all"]
MODE_NAMES = {
    "keyword": "keyword",
    "keyword_any": "keyword (any)",
    "semantic": "semantic",
    "hybrid": "hybrid",
    "hybrid_all": "hybrid (all)",
}


def load_sets(with_titles: bool, quick: bool) -> dict[str, pd.DataFrame]:
    """The evaluation sets as ``text, label`` frames (one row per text)."""
    ip = pd.read_csv(EVAL / "issuepositions-nl" / "sentences_gold200.csv")[["text", "label"]]
    vp = pd.read_csv(EVAL / "vlaams-parlement-nl" / "questions_dev.csv")[["text", "label"]]
    if not with_titles:
        vp = vp.assign(text=vp["text"].map(lambda t: t.split("\n", 1)[1] if "\n" in t else t))
    if quick:
        vp = vp.groupby("label", group_keys=False).head(8)
    return {"issuepositions-nl": ip.reset_index(drop=True), "vlaams-parlement-nl": vp.reset_index(drop=True)}


def split_segments(texts: pd.DataFrame) -> pd.DataFrame:
    """One row per segment (``doc``, ``text``), long texts split at sentence boundaries like the segmenter."""
    from wijkanalyse.ingest.segment import split_spans

    rows = []
    for doc, text in enumerate(texts["text"].astype(str)):
        for s, e in split_spans(text, MAX_CHARS):
            rows.append({"doc": doc, "text": text[s:e]})
    return pd.DataFrame(rows)


def ranked_docs(hits: pd.DataFrame) -> list[int]:
    """Documents in order of their best segment."""
    return list(dict.fromkeys(hits["doc"].tolist()))


def precision(ranked: list[int], labels: pd.Series, label: str) -> tuple[float, float]:
    """P@10 and P@min(10, relevant) of a ranking."""
    top = ranked[:K]
    rel = int((labels.iloc[top] == label).sum()) if top else 0
    n_rel = int((labels == label).sum())
    return rel / K, rel / max(1, min(K, n_rel))


def evaluate(name: str, texts: pd.DataFrame, embedder: Any, cache_path: Path) -> dict[str, Any]:
    """Query every label of one set with the five searches; per-label and mean precision."""
    from wijkanalyse.coding.embed import EmbeddingCache
    from wijkanalyse.search import SearchError, SearchIndex

    segments = split_segments(texts)
    with EmbeddingCache(cache_path) as cache:
        index = SearchIndex(segments, embedder=embedder, cache=cache)
        t0 = time.perf_counter()
        _ = index.vectors  # embed (or read from the cache) once
        embed_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        _ = index.keyword("x*")  # build the FTS5 index once
        index_s = time.perf_counter() - t0
        labels = texts["label"]
        rows = []
        timing = dict.fromkeys(MODES, 0.0)
        runs = {
            "keyword": lambda q: index.keyword(q, limit=None, match="all"),
            "keyword_any": lambda q: index.keyword(q, limit=None, match="any"),
            "semantic": lambda q: index.semantic(q, limit=None),
            "hybrid": lambda q: index.hybrid(q, limit=None, match="any"),
            "hybrid_all": lambda q: index.hybrid(q, limit=None, match="all"),
        }
        for label in sorted(set(labels) - NO_TOPIC):
            row: dict[str, Any] = {"label": label, "texts": int((labels == label).sum())}
            for mode, run in runs.items():
                t = time.perf_counter()
                try:
                    ranked = ranked_docs(run(label))
                except SearchError:
                    ranked = []
                timing[mode] += time.perf_counter() - t
                p, pr = precision(ranked, labels, label)
                row[f"{mode}_hits"] = len(ranked)
                row[f"{mode}_p10"] = round(p, 3)
                row[f"{mode}_pr10"] = round(pr, 3)
            rows.append(row)
    table = pd.DataFrame(rows)
    means = {c: round(float(table[c].mean()), 3) for c in table.columns if c.endswith(("_p10", "_pr10"))}
    return {
        "set": name,
        "texts": len(texts),
        "segments": len(segments),
        "labels_queried": len(table),
        "embedder": embedder.model_id,
        "embed_seconds": round(embed_s, 1),
        "keyword_index_seconds": round(index_s, 2),
        "query_seconds": {k: round(v, 2) for k, v in timing.items()},
        "mean": means,
        "per_label": rows,
    }


def _before_after(before: dict[str, float], after: dict[str, float], key: str) -> str:
    return f"{before[key]:.3f} -> {after[key]:.3f}"


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--with-titles", action="store_true", help="keep the titles of the Flemish questions")
    args = parser.parse_args()
    head = header(NAME, args)
    from wijkanalyse.coding.embed import get_embedder

    embedder = get_embedder(args.embedder)
    results = []
    with workdir(args, NAME) as work:
        cache = (
            (ROOT / "outputs" / "benchmarks" / "embeddings.sqlite") if not args.work else work / "emb.sqlite"
        )
        cache.parent.mkdir(parents=True, exist_ok=True)
        for name, texts in load_sets(args.with_titles, args.quick).items():
            print(f"{name}: {len(texts)} texts ...", flush=True)
            results.append(evaluate(name, texts, embedder, cache))
    summary = [
        {
            "set": r["set"],
            "texts": r["texts"],
            "labels": r["labels_queried"],
            **{f"{MODE_NAMES[m]} P@10": r["mean"][f"{m}_p10"] for m in MODES},
            **{f"{MODE_NAMES[m]} P@R10": r["mean"][f"{m}_pr10"] for m in MODES},
        }
        for r in results
    ]
    before = [
        {
            "set": r["set"],
            **{
                f"{MODE_NAMES[m]} {measure}": _before_after(BEFORE[r["set"]], r["mean"], f"{m}_{k}")
                for m in ("keyword", "keyword_any", "semantic")
                for measure, k in (("P@10", "p10"), ("P@R10", "pr10"))
            },
        }
        for r in results
        if r["set"] in BEFORE and not args.quick
    ]
    body = [
        "Query = the label's name; relevant = the text carries that label (human codes). Mean over labels. "
        "P@10: relevant among the first 10 hits; P@R10: over min(10, relevant texts). Keyword: every term "
        "required (the default of keyword search), SQLite FTS5 ranked by bm25 over Snowball's Dutch stems; "
        "keyword (any): ranked by bm25 with any term; semantic: cosine with "
        f"`{results[0]['embedder']}`; hybrid: reciprocal rank fusion (k = 60) of keyword (any) and semantic "
        "(the default of the workbench); hybrid (all): of keyword (every term) and semantic."
        + ("" if args.with_titles else " Flemish questions searched without their title line."),
        "",
        md_table(summary),
        "## Before and after",
        "",
        "Before: the hand-written BM25 and Dutch suffix stemmer (2026-11-27, commit 12d911d, same data and "
        "embedder); after: this run. Semantic search did not change; its figures show the run is comparable.",
        "",
        md_table(before) if before else "(no earlier figures for these sets)\n",
    ]
    for r in results:
        body += [
            f"## {r['set']}",
            "",
            f"{r['texts']} texts in {r['segments']} segments; embedding took {r['embed_seconds']} s "
            f"(0 when cached), the keyword index {r['keyword_index_seconds']} s; all queries: "
            + ", ".join(f"{MODE_NAMES[m]} {r['query_seconds'][m]} s" for m in MODES)
            + ".",
            "",
            md_table(
                r["per_label"],
                ["label", "texts", "keyword_hits"]
                + [f"{m}_p10" for m in MODES]
                + [f"{m}_pr10" for m in MODES],
            ),
        ]
    write_results(
        NAME, head, {"summary": summary, "sets": results}, "\n".join(body), "Search: precision at 10"
    )
    print(md_table(summary))


if __name__ == "__main__":
    main()
