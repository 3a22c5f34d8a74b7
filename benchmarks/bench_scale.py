"""Scale: time and peak memory of every stage for 1k, 10k and 100k survey answers, and end to end.

For each size a synthetic corpus is written to a temporary folder (the demo corpus plus a survey export with
that many answers, recombined from the demo corpus's own sentences: see ``_synthetic.py``), and one fresh
Python process runs the stages one after the other with the library functions the main job uses:

ingest (``ingest.ingest_corpus``), embed (``embed.embed_with_cache`` of every segment into the store's cache),
code (``coding.apply.code_store``), discover (``coding.discovery.discover_store``), report
(``report.run_reports``, 1 job).

Each stage's peak memory is the process's peak RSS during that stage (Linux ``VmHWM``, reset before each
stage); the report stage also gives the largest peak of its notebook kernels. End to end = the sum of the
stages, peak = the largest stage peak. Before the sizes, the embedder's raw speed is measured on 2,000
demo-like answers without a cache.

Targets (2 cores): embedder >= 700 segments/s; 100k answers coded end to end (ingest + embed + code) in 5
minutes with a peak under 4 GB. ``--profile`` writes a cProfile of every stage of the largest size to
``results/``.

    python benchmarks/bench_scale.py                     # 1k, 10k, 100k (about 10-12 minutes on 2 cores)
    python benchmarks/bench_scale.py --heavy-max 100k    # also discover and report at 100k
    python benchmarks/bench_scale.py --quick             # 300 answers, no reports
    python benchmarks/bench_scale.py --sizes 10k --profile
    python benchmarks/bench_scale.py --sizes 20k --scheduler 2   # local vs a 2-worker LocalCluster
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _common import (
    ROOT,
    base_parser,
    header,
    md_table,
    parse_sizes,
    run_json_child,
    stage,
    workdir,
    write_results,
)

TARGET_EMBED_PER_S = 700
TARGET_E2E_S = 300
TARGET_PEAK_MB = 4096
STAGES = ("ingest", "embed", "code", "discover", "report")


# -- the child: one size, every stage, in a fresh process ----------------------------------------------------
def child(corpus: Path, work: Path, embedder: str, stages: set[str], profile: bool) -> dict:
    """Run every stage on one corpus and return the measures (runs in its own process)."""
    import cProfile
    import pstats

    from _common import settings_for

    from wijkanalyse.coding.apply import code_store
    from wijkanalyse.coding.discovery import discover_store
    from wijkanalyse.coding.embed import EmbeddingCache, embed_with_cache, get_embedder
    from wijkanalyse.ingest.corpus import ingest_corpus
    from wijkanalyse.store import Store

    settings = settings_for(corpus, work, embedder=embedder)
    out: dict = {"stages": []}
    store = Store(settings.store_path)

    def run(name: str, fn, *a):
        prof = cProfile.Profile() if profile else None
        with stage(name) as m:
            if prof:
                prof.enable()
            res = fn(*a)
            if prof:
                prof.disable()
        if prof:
            path = work / f"profile-{name}.txt"
            with path.open("w") as fh:
                pstats.Stats(prof, stream=fh).sort_stats("cumulative").print_stats(30)
            m.extra["profile"] = str(path)
        out["stages"].append(m)
        return res, m

    res, m = run("ingest", ingest_corpus, settings, store)
    m.extra.update(documents=len(res.added), problems=len(res.problems))
    counts = store.counts()
    out["segments"] = counts["segments"]
    out["respondents"] = counts["respondents"]
    texts = store.segment_texts()["text"].tolist()

    def embed_all():
        model = get_embedder(settings.embedder)
        with EmbeddingCache.for_store(store) as cache:
            return embed_with_cache(model, texts, cache, progress=False)

    vectors, m = run("embed", embed_all)
    m.extra.update(
        segments=len(texts), unique=len(set(texts)), per_second=round(len(set(texts)) / m.seconds, 1)
    )
    del vectors
    # the embedder alone on 2,000 of the same texts, in this process right after the stage: a fair ratio
    sample = list(dict.fromkeys(texts))[:2000]
    alone = get_embedder(settings.embedder)
    alone.embed(sample[:16])
    t0 = time.perf_counter()
    alone.embed(sample)
    m.extra["embedder_alone_per_second"] = round(len(sample) / (time.perf_counter() - t0), 1)
    m.extra["stage_vs_embedder"] = round(m.extra["per_second"] / m.extra["embedder_alone_per_second"], 3)
    for name, fn in (("code", code_store), ("discover", discover_store)):
        if name in stages:
            run(name, fn, store, settings)
    store.close()
    if "report" in stages:
        from wijkanalyse.report import run_reports

        res, m = run("report", run_reports, settings)
        m.extra.update(reports=len(res.jobs), ok=bool(res.ok))
        built = [j for j in res.jobs if j.status == "built" and j.wijk]
        if built:
            m.extra["seconds_per_wijk_report"] = round(sum(j.seconds for j in built) / len(built), 2)
    out["stages"] = [s.to_dict() for s in out["stages"]]
    return out


def embed_speed(embedder: str, n: int) -> dict:
    """Raw embedder speed on ``n`` demo-like answers (no cache), in this process."""
    from _synthetic import QUESTIONS, survey_frame

    from wijkanalyse.coding.embed import get_embedder

    df = survey_frame(n, seed=99)
    texts = [t for c in QUESTIONS.values() for t in df[c] if t][:n]
    model = get_embedder(embedder)
    model.embed(texts[:16])  # warm up
    t0 = time.perf_counter()
    model.embed(texts)
    seconds = time.perf_counter() - t0
    return {
        "embedder": model.model_id,
        "texts": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "seconds": round(seconds, 2),
        "per_second": round(len(texts) / seconds, 1),
    }


# -- the parent ----------------------------------------------------------------------------------------------
def cluster_main(args: argparse.Namespace) -> int:
    """``--scheduler``: every size coded locally and on the cluster, in one child process per size."""
    from _cluster_bench import markdown
    from _synthetic import make_corpus

    sizes = [300] if args.quick else parse_sizes(args.sizes)
    head = header("bench_scale_cluster", args)
    figures: dict = {"sizes": {}}
    with workdir(args, "scale-cluster") as work:
        for n in sizes:
            corpus = make_corpus(work / f"corpus-{n}", n, seed=n, fmt="csv")
            cmd = [str(Path(__file__)), "--cluster-child", str(corpus), str(work / f"work-{n}")]
            cmd += ["--embedder", args.embedder, "--scheduler", args.scheduler]
            res = run_json_child(cmd, timeout=3600)
            figures["sizes"][n] = res
            print(f"{n:>7} answers: identical={res['identical']}, overhead {res['overhead']:+.1%}")
    write_results("bench_scale_cluster", head, figures, markdown(figures), "Scale on a Dask cluster")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n")[0], sizes="1k,10k,100k")
    p.add_argument(
        "--format", choices=["csv", "xlsx"], default="xlsx", help="survey export format (default xlsx)"
    )
    p.add_argument("--no-reports", action="store_true", help="skip the report stage")
    p.add_argument(
        "--heavy-max",
        type=parse_sizes,
        default=[10_000],
        help="discover and report only for sizes up to this (default 10k; 100k adds about 10-15 minutes)",
    )
    p.add_argument("--stages", default=",".join(STAGES), help=argparse.SUPPRESS)
    p.add_argument("--profile", action="store_true", help="cProfile every stage of the largest size")
    p.add_argument("--child", nargs=2, metavar=("CORPUS", "WORK"), help=argparse.SUPPRESS)
    p.add_argument("--embed-speed", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument(
        "--scheduler",
        nargs="?",
        const="2",
        help="code each size locally and on a Dask cluster and compare (a worker count for a LocalCluster, "
        "default 2, or a scheduler address); writes results/bench_scale_cluster.md",
    )
    p.add_argument("--cluster-child", nargs=2, metavar=("CORPUS", "WORK"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.cluster_child:
        from _cluster_bench import cluster_child

        c, w = args.cluster_child
        print(json.dumps(cluster_child(Path(c), Path(w), args.embedder, args.scheduler or "2")))
        return 0
    if args.scheduler:
        return cluster_main(args)
    if args.child:
        stages = set(args.stages.split(",")) - ({"report"} if args.no_reports else set())
        res = child(Path(args.child[0]), Path(args.child[1]), args.embedder, stages, args.profile)
        print(json.dumps(res))
        return 0
    if args.embed_speed:
        print(json.dumps(embed_speed(args.embedder, args.embed_speed)))
        return 0

    from _synthetic import make_corpus

    sizes = [300] if args.quick else parse_sizes(args.sizes)
    reports = not (args.no_reports or args.quick)
    head = header("bench_scale", args)
    figures: dict = {
        "sizes": {},
        "targets": {
            "embed_per_s": TARGET_EMBED_PER_S,
            "e2e_seconds_100k": TARGET_E2E_S,
            "peak_mb": TARGET_PEAK_MB,
        },
    }
    speed = run_json_child(
        [str(Path(__file__)), "--embed-speed", "500" if args.quick else "2000", "--embedder", args.embedder],
        timeout=900,
    )
    figures["embed_speed"] = speed
    print(f"embedder {speed['embedder']}: {speed['per_second']} texts/s ({speed['texts']} texts)", flush=True)
    with workdir(args, "scale") as work:
        for n in sizes:
            corpus = work / f"corpus-{n}"
            t0 = time.perf_counter()
            make_corpus(corpus, n, seed=n, fmt=args.format)
            gen = time.perf_counter() - t0
            cmd = [
                str(Path(__file__)),
                "--child",
                str(corpus),
                str(work / f"work-{n}"),
                "--embedder",
                args.embedder,
            ]
            if not reports:
                cmd.append("--no-reports")
            if n > args.heavy_max[0]:
                cmd += ["--stages", "ingest,embed,code"]
                figures.setdefault("coded_stages_only", []).append(n)
            if args.profile and n == max(sizes):
                cmd.append("--profile")
            res = run_json_child(cmd, timeout=3600)
            stages = res["stages"]
            coded = [s for s in stages if s["name"] in ("ingest", "embed", "code")]
            res["generate_seconds"] = round(gen, 1)
            res["coded_end_to_end"] = {
                "seconds": round(sum(s["seconds"] for s in coded), 1),
                "peak_mb": max(s["peak_mb"] for s in coded),
            }
            res["end_to_end"] = {
                "seconds": round(sum(s["seconds"] for s in stages), 1),
                "peak_mb": max(max(s["peak_mb"], s["children_peak_mb"]) for s in stages),
            }
            for s in stages:
                if "profile" in s["extra"]:
                    dst = ROOT / "benchmarks" / "results" / f"bench_scale_profile_{n}_{s['name']}.txt"
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    dst.write_text(Path(s["extra"]["profile"]).read_text())
                    s["extra"]["profile"] = dst.relative_to(ROOT).as_posix()
            figures["sizes"][n] = res
            print(
                f"{n:>7} answers: {res['segments']} segments; "
                f"coded end to end {res['coded_end_to_end']['seconds']} s, "
                f"all stages {res['end_to_end']['seconds']} s, peak {res['end_to_end']['peak_mb']:.0f} MB",
                flush=True,
            )

    write_results("bench_scale", head, figures, _markdown(figures), "Scale: time and memory per stage")
    return 0


def _markdown(f: dict) -> str:
    sp = f["embed_speed"]
    ok = "met" if sp["per_second"] >= TARGET_EMBED_PER_S else "MISSED"
    md = [
        f"Embedder `{sp['embedder']}` alone: **{sp['per_second']} texts/s** on {sp['texts']} answers of "
        f"{sp['mean_chars']} characters on average, no cache (target >= {TARGET_EMBED_PER_S}: {ok}).\n"
    ]
    summary = []
    for n, r in f["sizes"].items():
        e2e = r["coded_end_to_end"]
        summary.append(
            {
                "answers": n,
                "segments": r["segments"],
                "coded e2e (s)": e2e["seconds"],
                "coded e2e peak (MB)": round(e2e["peak_mb"]),
                "all stages (s)": r["end_to_end"]["seconds"],
                "all stages peak (MB)": round(r["end_to_end"]["peak_mb"]),
            }
        )
    if f.get("coded_stages_only"):
        md.append(
            f"Sizes {f['coded_stages_only']} ran ingest, embed and code only (discover and report up to "
            "`--heavy-max`, default 10k, to keep the full run short).\n"
        )
    md += [
        "## End to end\n",
        "'coded e2e' = ingest + embed + code (target for 100k answers: under "
        f"{TARGET_E2E_S} s and {TARGET_PEAK_MB} MB); 'all stages' adds discover and report.\n",
        md_table(summary),
    ]
    for n, r in f["sizes"].items():
        rows = [
            {
                "stage": s["name"],
                "seconds": s["seconds"],
                "cpu seconds": s["cpu_seconds"],
                "peak MB": round(s["peak_mb"]),
                "kernel peak MB": round(s["children_peak_mb"]),
                "details": ", ".join(f"{k}={v}" for k, v in s["extra"].items()),
            }
            for s in r["stages"]
        ]
        md += [
            f"\n## {n:,} answers ({r['segments']:,} segments, {r['respondents']:,} respondents)\n",
            md_table(rows),
        ]
    return "\n".join(md)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
