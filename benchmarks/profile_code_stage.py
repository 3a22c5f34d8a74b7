"""Where does the code stage's time go at scale? ``code_store`` on a kept, embedded store, timed and profiled.

``bench_scale.py --keep`` leaves a working folder per size; its store holds the ingested segments and, after
the embed stage, every segment's vector in the embedding cache. This script copies the store *as it was
before the code stage* (the ``--base`` folder: the segment store right after ingest, plus the embedding
cache) and runs the code stage (``coding.apply.code_store``: fit on the sample, code in partitions, write) on
a fresh copy, so every run starts from the same state as bench_scale's code stage:

- ``--runs N``: N timed runs without a profiler (wall seconds, CPU seconds, the cores the process got);
- ``--profile``: one more run under cProfile, written to ``results/code_stage_profile_<size>.txt``
  (sorted by cumulative and by own time);
- every run prints a digest of the machine codings (segment, code, confidence, model), so a change to the
  coding stage can be checked to give the very same codes at scale.

Making the base (once; the segment store of a ``bench_scale.py --keep`` working folder copied right after
ingest, or made here by ingesting the corpus again with the same pseudonym key)::

    python benchmarks/bench_scale.py --sizes 100k --work /tmp/sc100 --keep
    python benchmarks/profile_code_stage.py --corpus /tmp/sc100/scale/corpus-100000 \\
        --kept /tmp/sc100/scale/work-100000 --base /tmp/sc100base --runs 1 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
CACHE_FILES = ("embeddings.sqlite", "embeddings.sqlite-wal")


def make_base(corpus: Path, kept: Path, base: Path) -> None:
    """A store right after ingest (ingested again here, same pseudonym key) with the kept embedding cache."""
    from _common import settings_for

    from wijkanalyse.ingest.corpus import ingest_corpus
    from wijkanalyse.store import Store

    (base / "private").mkdir(parents=True, exist_ok=True)
    for f in (kept / "private").iterdir():
        shutil.copy2(f, base / "private" / f.name)
    if not (base / "store" / "wijkanalyse.sqlite").exists():
        settings = settings_for(corpus, base)
        store = Store(settings.store_path)
        t0 = time.perf_counter()
        ingest_corpus(settings, store)
        print(f"ingest {time.perf_counter() - t0:.1f} s", flush=True)
        store.close()
    for name in CACHE_FILES:
        src = kept / "store" / name
        if src.exists():
            shutil.copy2(src, base / "store" / name)


def digest(store) -> tuple[str, int]:
    """A hash of the machine codings (segment, code, confidence, model), sorted; and their number."""
    cols = ["segment_id", "code_id", "confidence", "model"]
    df = store.codings(kind="machine", include_rejected=True)[cols]
    df = df.sort_values(["segment_id", "code_id"]).reset_index(drop=True)
    return hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()[:16], len(df)


def one_run(corpus: Path, base: Path, profile: bool) -> tuple[dict, str]:
    """Code a fresh copy of the base store; return the measures and (with ``profile``) the profile text."""
    from _common import settings_for

    from wijkanalyse.coding.apply import code_store
    from wijkanalyse.store import Store

    with tempfile.TemporaryDirectory(prefix="codeprof-") as tmp:
        work = Path(tmp)
        shutil.copytree(base / "store", work / "store")
        shutil.copytree(base / "private", work / "private")
        settings = settings_for(corpus, work)
        store = Store(settings.store_path)
        prof = cProfile.Profile() if profile else None
        c0, t0 = time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        res = code_store(store, settings)
        if prof:
            prof.disable()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        d, n = digest(store)
        store.close()
    out = {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "cores_used": round(cpu / seconds, 2),
        "segments": res.segments,
        "coded": res.coded,
        "embedded": res.embedded,
        "fit_segments": res.fit_segments,
        "codings": n,
        "digest": d,
        "profiled": profile,
    }
    text = ""
    if prof:
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        text = buf.getvalue()
    return out, text


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus", type=Path, required=True, help="the bench_scale corpus folder")
    p.add_argument("--kept", type=Path, help="a bench_scale --keep working folder (work-<size>), for --base")
    p.add_argument("--base", type=Path, required=True, help="the pre-code store copy (made from --kept)")
    p.add_argument("--runs", type=int, default=1, help="timed runs without a profiler")
    p.add_argument("--profile", action="store_true", help="one more run under cProfile")
    p.add_argument("--label", default="", help="a name for this measurement in the output")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(HERE))
    if args.kept is not None:
        make_base(args.corpus, args.kept, args.base)
    if not (args.base / "store" / "embeddings.sqlite").exists():
        p.error(f"{args.base} has no store with an embedding cache: give --kept once to make it")
    runs = []
    for _ in range(args.runs):
        out, _text = one_run(args.corpus, args.base, profile=False)
        print(json.dumps({"label": args.label, **out}), flush=True)
        runs.append(out)
    if args.profile:
        out, text = one_run(args.corpus, args.base, profile=True)
        print(json.dumps({"label": args.label, **out}), flush=True)
        size = out["segments"]
        dst = HERE / "results" / f"code_stage_profile_{size // 1000}k.txt"
        head = f"code_store under cProfile ({args.label or 'no label'}): {json.dumps(out)}\n\n"
        dst.write_text(head + text, encoding="utf-8")
        print(f"profile: {dst}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
