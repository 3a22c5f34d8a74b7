"""Where does the embed stage's time go? The stage against the embedder alone, in the same process.

The embed stage (``embed.embed_with_cache`` into an empty cache), the embedder alone (``Embedder.embed``, no
cache) and the stage as it was before (one ``embed`` call per 512-text batch, then its cache write) run back
to back in ONE process on the same synthetic answers, in rounds (embedder, stage, old stage), so a shared
machine's load hits all alike; speeds are medians over the rounds. Then the
stage runs once more under cProfile (main thread: hashing, cache reads and writes, batching; the encoder's
worker threads show as waiting) and the profile is written to ``results/embed_stage_profile.txt``.

    python benchmarks/profile_embed_stage.py --n 10000
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).parent


def texts_for(n: int, seed: int) -> list[str]:
    """``n`` synthetic answers split into segments the way ingest does (sentence parts of answers)."""
    from _synthetic import QUESTIONS, survey_frame

    df = survey_frame(n, seed=seed)
    return [t for c in QUESTIONS.values() for t in df[c] if t and len(t) > 5][:n]


def old_stage(model, texts: list[str], cache, batch_size: int = 512) -> None:
    """The embed stage before this change: one ``embed`` call (and thread pool) per batch, then its write."""
    from wijkanalyse.coding.embed import text_hash

    unique = {text_hash(t): t for t in texts}
    found = cache.get_many(model.model_id, unique)
    missing = [h for h in unique if h not in found]
    for i in range(0, len(missing), batch_size):
        part = missing[i : i + batch_size]
        cache.put_many(model.model_id, list(zip(part, model.embed([unique[h] for h in part]), strict=True)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--embedder", default="use-m3")
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args(argv)

    from wijkanalyse.coding.embed import EmbeddingCache, embed_with_cache, get_embedder

    texts = texts_for(args.n, seed=7)
    model = get_embedder(args.embedder)
    model.embed(texts[:64])
    raw, stage, old = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            t0 = time.perf_counter()
            model.embed(texts)
            raw.append(time.perf_counter() - t0)
            with EmbeddingCache(Path(tmp) / f"c{r}.sqlite") as cache:
                t0 = time.perf_counter()
                embed_with_cache(model, texts, cache, progress=False)
                stage.append(time.perf_counter() - t0)
            with EmbeddingCache(Path(tmp) / f"o{r}.sqlite") as cache:
                t0 = time.perf_counter()
                old_stage(model, texts, cache)
                old.append(time.perf_counter() - t0)
        prof = cProfile.Profile()
        with EmbeddingCache(Path(tmp) / "prof.sqlite") as cache:
            prof.enable()
            embed_with_cache(model, texts, cache, progress=False)
            prof.disable()
    unique = len(set(texts))
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(25)
    res = {
        "texts": len(texts),
        "unique": unique,
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "embedder_seconds": [round(x, 2) for x in raw],
        "stage_seconds": [round(x, 2) for x in stage],
        "old_stage_seconds": [round(x, 2) for x in old],
        "embedder_per_s": round(len(texts) / median(raw), 1),
        "stage_per_s": round(unique / median(stage), 1),
        "old_stage_per_s": round(unique / median(old), 1),
    }
    res["ratio"] = round(res["stage_per_s"] / res["embedder_per_s"], 3)
    res["old_ratio"] = round(res["old_stage_per_s"] / res["embedder_per_s"], 3)
    out = HERE / "results" / "embed_stage_profile.txt"
    out.write_text(json.dumps(res, indent=1) + "\n\n" + buf.getvalue())
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
