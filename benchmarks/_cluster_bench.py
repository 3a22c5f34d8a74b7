"""The ``--scheduler`` part of ``bench_scale.py``: one size coded locally and on a Dask cluster, compared.

In one child process: ingest the synthetic corpus once, copy the store, then ``code_store`` (embedding from
an empty cache + fitting + coding + writing) locally on one copy and inside ``distributed.cluster`` on the
other, back to back, so machine load hits both alike. The codings tables must be identical (segment, code,
confidence, model); the overhead is cluster seconds / local seconds - 1. Cluster start-up is timed apart.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path
from typing import Any


def _digest(store: Any) -> tuple[str, int]:
    cols = ["segment_id", "code_id", "confidence", "model"]
    df = store.codings(kind="machine", include_rejected=True)[cols]
    df = df.sort_values(["segment_id", "code_id"]).reset_index(drop=True)
    return hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()[:16], len(df)


def cluster_child(corpus: Path, work: Path, embedder: str, scheduler: str) -> dict[str, Any]:
    """Code one corpus locally and on the cluster (``scheduler``: a worker count or an address)."""
    from _common import settings_for, stage

    from wijkanalyse.coding.apply import code_store
    from wijkanalyse.coding.distributed import cluster
    from wijkanalyse.ingest.corpus import ingest_corpus
    from wijkanalyse.store import Store

    settings = settings_for(corpus, work, embedder=embedder)
    store = Store(settings.store_path)
    ingest_corpus(settings, store)
    segments = len(store.segment_texts())
    store.close()
    copy = work / "store-cluster"
    shutil.copytree(work / "store", copy)
    out: dict[str, Any] = {"segments": segments, "scheduler": scheduler}

    store = Store(settings.store_path)
    with stage("local") as m:
        res = code_store(store, settings)
    out["local"] = {**m.to_dict(), "embedded": res.embedded, "digest": _digest(store)}
    store.close()

    cl_settings = settings.model_copy(update={"store_dir": copy})
    store = Store(cl_settings.store_path)
    workers = int(scheduler) if scheduler.isdigit() else None
    t0 = time.perf_counter()
    with cluster(scheduler=None if workers else scheduler, workers=workers) as client:
        n = workers or len(client.scheduler_info()["workers"])
        client.wait_for_workers(n)
        out["startup_seconds"] = round(time.perf_counter() - t0, 1)
        out["workers"] = n
        with stage("cluster") as m:
            res = code_store(store, cl_settings)
    out["cluster"] = {**m.to_dict(), "embedded": res.embedded, "digest": _digest(store)}
    store.close()
    out["identical"] = out["local"]["digest"] == out["cluster"]["digest"]
    out["overhead"] = round(out["cluster"]["seconds"] / out["local"]["seconds"] - 1, 3)
    return out


#: Segments per survey answer at 100k answers (101,364 / 100,000 in results/bench_scale.md): at small sizes
#: the demo corpus's sessions inflate the measured ratio, so the projection uses this one.
SEGMENTS_PER_ANSWER = 1.0136


def projection(r: dict[str, Any], answers: int, workers: tuple[int, ...] = (16, 64)) -> list[dict[str, Any]]:
    """Time for ``answers`` on W workers from the measured per-worker throughput (see the assumptions)."""
    per_worker = r["segments"] / r["cluster"]["seconds"] / r["workers"]
    seg_per_answer = SEGMENTS_PER_ANSWER
    rows = []
    for w in workers:
        seconds = answers * seg_per_answer / (per_worker * w)
        rows.append(
            {
                "answers": f"{answers:,}",
                "workers": w,
                "segments/s per worker (measured)": round(per_worker, 1),
                "embed + code (h)": round(seconds / 3600, 2),
                "driver vectors held (GB)": round(answers * seg_per_answer * 512 * 4 / 1e9, 1),
            }
        )
    return rows


def markdown(f: dict[str, Any]) -> str:
    """The results page of ``bench_scale.py --scheduler``."""
    from _common import md_table

    rows = []
    for n, r in f["sizes"].items():
        for kind in ("local", "cluster"):
            m = r[kind]
            rows.append(
                {
                    "answers": n,
                    "segments": r["segments"],
                    "run": kind if kind == "local" else f"{r['workers']}-worker cluster",
                    "code stage (s)": m["seconds"],
                    "driver CPU (s)": m["cpu_seconds"],
                    "driver peak (MB)": round(m["peak_mb"]),
                    "embedded": m["embedded"],
                    "codings digest": m["digest"][0],
                    "codings": m["digest"][1],
                }
            )
    md = [
        "Local `code_store` against the same on a Dask cluster, back to back in one process on copies of one "
        "ingested store (embedding from an empty cache, fitting, coding, writing). 'code stage' excludes "
        "ingest and the cluster's start-up. 'driver CPU' is this process's CPU time: far below 2 x the "
        "seconds "
        "locally means other jobs shared the cores, which makes the overhead figure unreliable.\n",
        md_table(rows),
    ]
    for n, r in f["sizes"].items():
        md.append(
            f"\n{n:,} answers: codes identical: **{r['identical']}**; overhead of the cluster "
            f"{r['overhead']:+.1%} (target <= +15%); cluster start-up {r['startup_seconds']} s.\n"
        )
    last = f["sizes"][max(f["sizes"])]
    last["answers"] = max(f["sizes"])
    md += [
        "\n## Projection: 10M answers\n",
        md_table(projection(last, 10_000_000)),
        "\nAssumptions: each worker is one core like the ones measured here, and the measured per-worker "
        "rate (segments / cluster seconds / workers, which includes the driver's fit and writes) holds; "
        "the work scales linearly with workers (embedding and coding partitions are independent); "
        f"{SEGMENTS_PER_ANSWER} segments per answer (measured at 100k answers in bench_scale.md); the "
        "measuring machine's load (see the header) slows the measured rate, so the hours are an upper bound "
        "for this kind of core. Not included: ingest, which runs on the driver alone (28.7 s per 100k "
        "answers in bench_scale.md, about 48 minutes for 10M), and the driver's SQLite writes of the cache "
        "(about 2 KB per text). The driver holds every segment's vector to fit the coder (last column): 2 GB "
        "at 1M segments, 20 GB at 10M, so 10M needs the fit on a sample and coding from the cache on the "
        "workers (not built yet).\n",
    ]
    return "\n".join(md)
