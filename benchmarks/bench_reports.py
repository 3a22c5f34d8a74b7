"""Reports: seconds per wijk report, and for all wijken (plus the city overview) with 1 and with 2 jobs.

The store is built first (``pipeline.update_store``: ingest, code, discover; not timed). Then
``report.run_reports(force=True)`` builds every report with 1 job and again with 2 jobs (a local process
pool); each report's own seconds come from the run's :class:`~wijkanalyse.report.JobResult`. Size ``0`` is the
demo corpus as it is; other sizes add a synthetic survey of that many answers (see ``_synthetic.py``).

Target: a wijk report in under 15 seconds.

    python benchmarks/bench_reports.py                 # the demo corpus (about 2 minutes)
    python benchmarks/bench_reports.py --sizes 0,10k   # and with 10k synthetic answers (4-5 minutes more)
    python benchmarks/bench_reports.py --sizes 0 --quick
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from _common import (
    DEMO,
    base_parser,
    copy_corpus,
    header,
    md_table,
    parse_sizes,
    settings_for,
    workdir,
    write_results,
)

TARGET_WIJK_S = 15.0


def measure(settings, jobs: int) -> dict:
    """Build every report with ``jobs`` processes; return the total and per-report seconds."""
    from wijkanalyse.report import run_reports

    t0 = time.perf_counter()
    res = run_reports(settings, jobs=jobs, force=True)
    total = time.perf_counter() - t0
    reports = [
        {
            "report": j.wijk or "stad (city overview)",
            "status": j.status,
            "seconds": round(j.seconds, 2),
            "error": j.evalue or j.error,
        }
        for j in res.jobs
    ]
    wijk = [r["seconds"] for r, j in zip(reports, res.jobs, strict=True) if j.wijk and j.status == "built"]
    return {
        "jobs": jobs,
        "total_seconds": round(total, 2),
        "reports": reports,
        "failed": len(res.failed),
        "wijk_mean_seconds": round(sum(wijk) / len(wijk), 2) if wijk else None,
        "wijk_max_seconds": max(wijk) if wijk else None,
    }


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n")[0], sizes="0")
    args = p.parse_args(argv)
    from _synthetic import make_corpus

    from wijkanalyse.update import update_store

    sizes = [0] if args.quick else parse_sizes(args.sizes)
    head = header("bench_reports", args)
    figures: dict = {"target_wijk_seconds": TARGET_WIJK_S, "sizes": {}}
    with workdir(args, "reports") as work:
        for n in sizes:
            corpus = (
                copy_corpus(DEMO, work / f"corpus-{n}")
                if n == 0
                else make_corpus(work / f"corpus-{n}", n, seed=n)
            )
            settings = settings_for(corpus, work / f"work-{n}", embedder=args.embedder)
            t0 = time.perf_counter()
            upd = update_store(settings)
            prep = time.perf_counter() - t0
            entry = {
                "prepare_seconds": round(prep, 1),
                "skipped_stages": upd.skipped,
                "runs": [measure(settings, 1)] + ([] if args.quick else [measure(settings, 2)]),
            }
            figures["sizes"][n] = entry
            for r in entry["runs"]:
                print(
                    f"size {n}: {r['jobs']} job(s): all reports {r['total_seconds']} s, wijk report mean "
                    f"{r['wijk_mean_seconds']} s, max {r['wijk_max_seconds']} s, failed {r['failed']}",
                    flush=True,
                )
    write_results(
        "bench_reports", head, figures, _markdown(figures), "Reports: time per wijk and for all wijken"
    )
    return 0


def _markdown(f: dict) -> str:
    md = [
        f"Target: a wijk report in under {TARGET_WIJK_S:.0f} s. Size 0 is the demo corpus; other sizes add a "
        "synthetic survey with that many answers.\n"
    ]
    rows = []
    for n, e in f["sizes"].items():
        for r in e["runs"]:
            worst = r["wijk_max_seconds"]
            rows.append(
                {
                    "answers added": n,
                    "jobs": r["jobs"],
                    "all reports (s)": r["total_seconds"],
                    "wijk report mean (s)": r["wijk_mean_seconds"],
                    "wijk report max (s)": worst,
                    "target": "met" if worst is not None and worst < TARGET_WIJK_S else "MISSED",
                    "failed": r["failed"],
                }
            )
    md += [md_table(rows)]
    for n, e in f["sizes"].items():
        md += [
            f"\n## Size {n}: per report, 1 job (store built in {e['prepare_seconds']} s"
            + (f"; stages not installed: {', '.join(e['skipped_stages'])}" if e["skipped_stages"] else "")
            + ")\n",
            md_table(e["runs"][0]["reports"]),
        ]
    return "\n".join(md)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
