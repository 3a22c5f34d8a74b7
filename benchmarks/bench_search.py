"""Search quality on real Dutch data with human labels: precision at 10 of keyword and semantic search.

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

Three searches: keyword with every term required (the default, ``match="all"``), keyword ranked with any term
(``match="any"``), and semantic search with the default embedder (use-m3). Labels without a topic
("Geen onderwerp", "Ander/geen onderwerp", "Ander onderwerp") are not queried. The texts are searched as the
workbench searches segments: long texts are split like segments (at most 700 characters, at sentence
boundaries), and a text's score is the best score of its segments.

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
    """Query every label of one set with the three searches; per-label and mean precision."""
    from wijkanalyse.coding.embed import EmbeddingCache
    from wijkanalyse.search.index import SearchError, SearchIndex

    segments = split_segments(texts)
    with EmbeddingCache(cache_path) as cache:
        index = SearchIndex(segments, embedder=embedder, cache=cache)
        t0 = time.perf_counter()
        _ = index.vectors  # embed (or read from the cache) once
        embed_s = time.perf_counter() - t0
        labels = texts["label"]
        rows = []
        timing = {"keyword": 0.0, "semantic": 0.0}
        for label in sorted(set(labels) - NO_TOPIC):
            row: dict[str, Any] = {"label": label, "texts": int((labels == label).sum())}
            for mode, run in (
                ("keyword", lambda q: index.keyword(q, limit=None, match="all")),
                ("keyword_any", lambda q: index.keyword(q, limit=None, match="any")),
                ("semantic", lambda q: index.semantic(q, limit=None)),
            ):
                t = time.perf_counter()
                try:
                    ranked = ranked_docs(run(label))
                except SearchError:
                    ranked = []
                timing["semantic" if mode == "semantic" else "keyword"] += time.perf_counter() - t
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
        "query_seconds": {k: round(v, 2) for k, v in timing.items()},
        "mean": means,
        "per_label": rows,
    }


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
            "keyword P@10": r["mean"]["keyword_p10"],
            "keyword (any) P@10": r["mean"]["keyword_any_p10"],
            "semantic P@10": r["mean"]["semantic_p10"],
            "keyword P@R10": r["mean"]["keyword_pr10"],
            "keyword (any) P@R10": r["mean"]["keyword_any_pr10"],
            "semantic P@R10": r["mean"]["semantic_pr10"],
        }
        for r in results
    ]
    body = [
        "Query = the label's name; relevant = the text carries that label (human codes). Mean over labels. "
        "P@10: relevant among the first 10 hits; P@R10: over min(10, relevant texts). Keyword: every term "
        "required (the default); keyword (any): ranked by BM25 with any term; semantic: cosine with "
        f"`{results[0]['embedder']}`."
        + ("" if args.with_titles else " Flemish questions searched without their title line."),
        "",
        md_table(summary),
    ]
    for r in results:
        body += [
            f"## {r['set']}",
            "",
            f"{r['texts']} texts in {r['segments']} segments; embedding took {r['embed_seconds']} s "
            f"(0 when cached); all queries: keyword {r['query_seconds']['keyword']} s, semantic "
            f"{r['query_seconds']['semantic']} s.",
            "",
            md_table(
                r["per_label"],
                [
                    "label",
                    "texts",
                    "keyword_hits",
                    "keyword_p10",
                    "keyword_any_p10",
                    "semantic_p10",
                    "keyword_pr10",
                    "keyword_any_pr10",
                    "semantic_pr10",
                ],
            ),  # fmt: skip
        ]
    write_results(
        NAME, head, {"summary": summary, "sets": results}, "\n".join(body), "Search: precision at 10"
    )
    print(md_table(summary))


if __name__ == "__main__":
    main()
