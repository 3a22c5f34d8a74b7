"""Run every benchmark in sequence (``make bench``); each writes its own ``results/<name>.md`` and ``.json``.

    python benchmarks/run_all.py                  # the full set (about 20-25 minutes on 2 quiet cores)
    python benchmarks/run_all.py --quick          # every script in its quick mode (about 3-4 minutes)
    python benchmarks/run_all.py --only scale,rerun --sizes 1k,10k
    python benchmarks/run_all.py --skip bertopic

``--quick`` and ``--embedder`` go to every script; other options (``--work``, ``--keep``) to the scripts
built on ``_common.base_parser``; ``--sizes`` to the scripts that take sizes (scale, rerun, reports). A
failing benchmark does not stop the others: it is reported at the end and the exit code is 1. The coding
quality benchmark (``bench_coding_eval.py``) and the search benchmark (``bench_search.py``) run here too.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: name -> (script, takes --sizes, takes the common options), in the order they run. Scripts built on
#: ``_common.base_parser`` take --quick, --embedder, --work and --keep; the others get only --embedder
#: (and, for --quick, the arguments in QUICK).
BENCHMARKS = {
    "bad_input": ("bench_bad_input.py", False, True),
    "soak": ("bench_soak.py", False, True),
    "scale": ("bench_scale.py", True, True),
    "rerun": ("bench_rerun.py", True, True),
    "reports": ("bench_reports.py", True, True),
    "bertopic": ("bench_bertopic_reference.py", False, True),
    "coding_eval": ("bench_coding_eval.py", False, False),
    "search": ("bench_search.py", False, True),
    "pseudonymisation": ("bench_pseudonymisation.py", False, True),
}
QUICK = {"coding_eval": ["--draws", "2", "--sets", "issuepositions"]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--only", default="", help=f"comma-separated subset of {', '.join(BENCHMARKS)}")
    p.add_argument("--skip", default="", help="comma-separated benchmarks to leave out")
    p.add_argument("--sizes", default=None, help="sizes for scale, rerun, reports (each has a default)")
    p.add_argument("--embedder", default=None, help="embedder for every benchmark (default: each script's)")
    p.add_argument("--quick", action="store_true", help="every benchmark in its quick mode")
    args, passthrough = p.parse_known_args(argv)
    only = [b for b in args.only.split(",") if b] or list(BENCHMARKS)
    skip = {b for b in args.skip.split(",") if b}
    unknown = sorted((set(only) | skip) - set(BENCHMARKS))
    if unknown:
        p.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    failed, timings = [], {}
    for name in [b for b in BENCHMARKS if b in only and b not in skip]:
        script, takes_sizes, common = BENCHMARKS[name]
        if not (HERE / script).exists():
            print(f"\n=== {name}: {script} not found, skipped", flush=True)
            continue
        cmd = [sys.executable, str(HERE / script)]
        cmd += ["--embedder", args.embedder] if args.embedder else []
        if common:
            cmd += ["--quick"] * args.quick + passthrough
        elif args.quick:
            cmd += QUICK.get(name, [])
        if takes_sizes and args.sizes:
            cmd += ["--sizes", args.sizes]
        print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call(cmd)
        timings[name] = time.perf_counter() - t0
        if rc != 0:
            failed.append(f"{name} (exit {rc})")
    print("\n=== done: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    print(f"total {sum(timings.values()) / 60:.1f} min; results in {HERE / 'results'}")
    if failed:
        print("FAILED or targets/checks missed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
