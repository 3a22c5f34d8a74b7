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


def _time_the_fit() -> Any:
    """Time ``store_coder`` (embedding the fit sample and fitting) inside ``code_store``; return a reader."""
    from wijkanalyse.coding import apply

    spent: list[float] = []
    fit = apply.store_coder

    def timed(*a: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fit(*a, **kw)
        finally:
            spent.append(time.perf_counter() - t0)

    apply.store_coder = timed  # type: ignore[assignment]

    def read() -> float:
        s = round(sum(spent), 1)
        spent.clear()
        return s

    return read


def _worker_time(stream: list[dict[str, Any]], workers: int, seconds: float) -> dict[str, Any]:
    """Worker compute seconds per kind of task (Dask's task stream) and the workers' busy share."""
    per: dict[str, float] = {}
    for t in stream:
        kind = str(t["key"]).split("-")[0].strip("('")
        busy = sum(s["stop"] - s["start"] for s in t["startstops"] if s["action"] == "compute")
        per[kind] = per.get(kind, 0.0) + busy
    total = sum(per.values())
    return {
        "worker_compute_s": {k: round(v, 1) for k, v in sorted(per.items())},
        "worker_busy_share": round(total / (seconds * workers), 3) if seconds else 0.0,
    }


def cluster_child(corpus: Path, work: Path, embedder: str, scheduler: str) -> dict[str, Any]:
    """Code one corpus locally and on the cluster (``scheduler``: a worker count or an address)."""
    from _common import settings_for, stage
    from dask.distributed import get_task_stream

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

    fit_seconds = _time_the_fit()
    store = Store(settings.store_path)
    with stage("local") as m:
        res = code_store(store, settings)
    out["local"] = {**m.to_dict(), "embedded": res.embedded, "digest": _digest(store), "fit_s": fit_seconds()}
    store.close()

    cl_settings = settings.model_copy(update={"store_dir": copy})
    store = Store(cl_settings.store_path)
    workers = int(scheduler) if scheduler.isdigit() else None
    t0 = time.perf_counter()
    # the embedder is loaded on every worker at cluster start (outside the timed stage, in startup_seconds)
    with cluster(
        scheduler=None if workers else scheduler, workers=workers, preload=settings.embedder
    ) as client:
        n = workers or len(client.scheduler_info()["workers"])
        client.wait_for_workers(n)
        out["startup_seconds"] = round(time.perf_counter() - t0, 1)
        out["workers"] = n
        with get_task_stream(client) as ts, stage("cluster") as m:
            res = code_store(store, cl_settings)
        tasks = _worker_time(ts.data, n, m.seconds)
    out["cluster"] = {
        **m.to_dict(),
        "embedded": res.embedded,
        "digest": _digest(store),
        "fit_s": fit_seconds(),
        **tasks,
    }
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
                    "fit (s)": m.get("fit_s"),
                    "workers busy": m.get("worker_busy_share", ""),
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
        "locally means other jobs shared the cores, which makes the overhead figure unreliable. 'driver "
        "peak' of the cluster row comes after the local run in the same process (the driver's own memory "
        "is measured in a fresh process in bench_cluster_memory.md). 'fit (s)': embedding the fit sample "
        "and fitting the coder; 'workers busy': the workers' compute time / (stage seconds x workers).\n",
        md_table(rows),
    ]
    for n, r in f["sizes"].items():
        md.append(
            f"\n{n:,} answers: codes identical: **{r['identical']}**; overhead of the cluster "
            f"{r['overhead']:+.1%} (target <= +15%; the local run used "
            f"{r['local']['cpu_seconds'] / max(r['local']['seconds'], 1e-9):.2f} of the 2 cores on average, "
            f"the cluster's workers were busy {r['cluster'].get('worker_busy_share', 0):.0%} of the time); "
            f"cluster start-up {r['startup_seconds']} s (including "
            f"loading the embedder on every worker). Worker compute seconds per kind of task (Dask task "
            f"stream): {r['cluster'].get('worker_compute_s', {})}.\n"
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
        "for this kind of core. Not included: ingest, which runs on the driver alone (46 s per 100k answers "
        "in bench_scale.md since the pseudonymiser's speed-up of 2026-12-01 evening, 136-138 s before it; at "
        "46 s per 100k about 1.3 hours for 10M, more than the cluster's embedding and coding). The "
        "driver's part that does not shrink with more workers: the fit on its sample ('fit (s)': "
        "embedding the sample's texts, on the workers, and "
        "fitting, on the driver, about the same at any corpus size above 20,000 segments) and the SQLite "
        "writes of every vector (about 2 KB per text) and coding; the driver's memory no longer grows with "
        "the vectors (bench_cluster_memory.md).\n",
    ]
    return "\n".join(md)
