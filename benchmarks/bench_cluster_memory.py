"""Driver memory on a Dask cluster: the coding process's peak RSS at several sizes, its growth per segment.

For every size: a synthetic survey corpus (``_synthetic.make_corpus``, as ``bench_scale.py``) is ingested in
one child process; then a fresh child process (the *driver*) starts a ``LocalCluster`` of ``--workers``
worker processes with the embedder pre-loaded, and runs ``code_store`` from an empty embedding cache. The
driver's peak RSS (Linux ``VmHWM``) is read for the whole process (imports, cluster start, store, segment
table, the fit on its sample, the partitions in flight) and for the code stage alone. Workers are separate
processes and not counted (each holds its embedder and one partition). The growth per segment is the
difference of the peaks over the difference of the segments between the two largest sizes; the 1M figure is
the largest measured peak plus that growth times the segments still to add (1.0136 segments per answer).

    flock /tmp/wijk-cpu.lock nice python benchmarks/bench_cluster_memory.py --sizes 20k,100k --workers 2
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from _common import base_parser, header, md_table, parse_sizes, run_json_child, workdir, write_results

TARGET_MB = 4096
ONE_MILLION = 1_000_000
SEGMENTS_PER_ANSWER = 1.0136  # measured at 100k answers (results/bench_scale.md)


def ingest_child(corpus: Path, work: Path, embedder: str) -> dict[str, Any]:
    """Ingest the corpus into ``work/store`` (its own process, so the driver starts fresh)."""
    from _common import settings_for

    from wijkanalyse.ingest.corpus import ingest_corpus
    from wijkanalyse.store import Store

    settings = settings_for(corpus, work, embedder=embedder)
    store = Store(settings.store_path)
    t0 = time.perf_counter()
    ingest_corpus(settings, store)
    out = {"segments": int(store.counts()["segments"]), "ingest_seconds": round(time.perf_counter() - t0, 1)}
    store.close()
    return out


def driver_child(corpus: Path, work: Path, embedder: str, workers: int) -> dict[str, Any]:
    """Code the ingested store on a LocalCluster; return the driver's peaks and the run's counts."""
    from _common import _vm, settings_for, stage

    from wijkanalyse.coding.apply import code_store
    from wijkanalyse.coding.distributed import cluster
    from wijkanalyse.store import Store

    settings = settings_for(corpus, work, embedder=embedder)
    store = Store(settings.store_path)
    t0 = time.perf_counter()
    with cluster(workers=workers, preload=settings.embedder) as client:
        client.wait_for_workers(workers)
        startup = time.perf_counter() - t0
        before_mb = _vm("VmHWM") / 1024  # imports, cluster start, store
        with stage("code") as m:
            res = code_store(store, settings)
    n_codings = len(store.codings(kind="machine", include_rejected=True))
    store.close()
    return {
        "startup_seconds": round(startup, 1),
        "seconds": round(m.seconds, 1),
        "driver_cpu_seconds": round(m.cpu_seconds, 1),
        "peak_before_code_mb": round(before_mb),
        "peak_code_stage_mb": round(m.peak_mb),
        "peak_process_mb": round(max(before_mb, m.peak_mb)),
        "fit_segments": res.fit_segments,
        "embedded": res.embedded,
        "coded": res.coded,
        "codings": n_codings,
    }


def markdown(f: dict[str, Any]) -> str:
    """The results page."""
    rows = []
    for n, r in f["sizes"].items():
        rows.append(
            {
                "answers": f"{n:,}",
                "segments": r["segments"],
                "fit on (segments)": r["fit_segments"],
                "embedded": r["embedded"],
                "code stage (s)": r["seconds"],
                "driver peak, code stage (MB)": r["peak_code_stage_mb"],
                "driver peak, whole process (MB)": r["peak_process_mb"],
                "codings": r["codings"],
            }
        )
    p = f["projection"]
    return "\n".join(
        [
            f"`code_store` on a LocalCluster of {f['workers']} workers from an empty embedding cache, "
            "embedder pre-loaded on the workers; the driver (the coding process) in a fresh process per "
            "size. Peak = Linux VmHWM of the driver (workers are other processes).\n",
            md_table(rows),
            f"\nGrowth of the driver's whole-process peak between the two largest sizes: "
            f"**{p['kb_per_segment']:.2f} KB per segment** (before: about 14-17 KB per segment, the fit "
            f"on every segment's features). Projected driver peak at 1M answers "
            f"({p['segments_1m']:,} segments): **{p['peak_1m_mb']:,} MB** (target < {TARGET_MB:,} MB): "
            "the largest measured peak plus that growth for the segments still to add. What still grows "
            "with the corpus on the driver: the segment table (id, text, hash, question), the ids and "
            "texts of the segments to code as Python lists, and the set of codes a person rejected; the "
            "fit is on the human-coded segments plus 20,000 others at any size, and only the partitions "
            "in flight (2 x workers x 2,048 texts) are held.\n",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n")[0], sizes="20k,100k")
    p.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    p.add_argument("--ingest-child", nargs=2, help=argparse.SUPPRESS)
    p.add_argument("--driver-child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.ingest_child:
        print(json.dumps(ingest_child(Path(args.ingest_child[0]), Path(args.ingest_child[1]), args.embedder)))
        return 0
    if args.driver_child:
        c, w = args.driver_child
        print(json.dumps(driver_child(Path(c), Path(w), args.embedder, args.workers)))
        return 0
    from _synthetic import make_corpus

    sizes = [300, 1000] if args.quick else parse_sizes(args.sizes)
    head = header("bench_cluster_memory", args)
    figures: dict[str, Any] = {"workers": args.workers, "sizes": {}}
    me = str(Path(__file__))
    with workdir(args, "cluster-memory") as work:
        for n in sizes:
            corpus = make_corpus(work / f"corpus-{n}", n, seed=n, fmt="csv")
            w = work / f"work-{n}"
            base = ["--embedder", args.embedder, "--workers", str(args.workers)]
            res = run_json_child([me, "--ingest-child", str(corpus), str(w), *base], timeout=3600)
            res |= run_json_child([me, "--driver-child", str(corpus), str(w), *base], timeout=7200)
            figures["sizes"][n] = res
            print(f"{n:>8} answers: {res}", file=sys.stderr)
    (a, ra), (b, rb) = sorted(figures["sizes"].items())[-2:]
    kb = (rb["peak_process_mb"] - ra["peak_process_mb"]) * 1024 / max(1, rb["segments"] - ra["segments"])
    seg_1m = round(ONE_MILLION * SEGMENTS_PER_ANSWER)
    figures["projection"] = {
        "kb_per_segment": round(kb, 3),
        "segments_1m": seg_1m,
        "peak_1m_mb": round(rb["peak_process_mb"] + max(0.0, kb) * (seg_1m - rb["segments"]) / 1024),
    }
    write_results("bench_cluster_memory", head, figures, markdown(figures), "Driver memory on a Dask cluster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
