"""Run every benchmark in sequence (``make bench``); each writes its own ``results/<name>.md`` and ``.json``.

    python benchmarks/run_all.py                  # the full set (about 20-25 minutes on 2 quiet cores)
    python benchmarks/run_all.py --quick          # every script in its quick mode (about 3-4 minutes)
    python benchmarks/run_all.py --only scale,rerun --sizes 1k,10k
    python benchmarks/run_all.py --skip bertopic

Options other than ``--only``, ``--skip`` and ``--sizes`` are passed to every script (``--quick``,
``--embedder``, ``--work``, ``--keep``); ``--sizes`` goes to the scripts that take sizes (scale, rerun,
reports). A failing benchmark does not stop the others: it is reported at the end and the exit code is 1.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: name -> (script, takes --sizes), in the order they run
BENCHMARKS = {
    "bad_input": ("bench_bad_input.py", False),
    "soak": ("bench_soak.py", False),
    "scale": ("bench_scale.py", True),
    "rerun": ("bench_rerun.py", True),
    "reports": ("bench_reports.py", True),
    "bertopic": ("bench_bertopic_reference.py", False),
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--only", default="", help=f"comma-separated subset of {', '.join(BENCHMARKS)}")
    p.add_argument("--skip", default="", help="comma-separated benchmarks to leave out")
    p.add_argument("--sizes", default=None, help="sizes for scale, rerun, reports (each has a default)")
    args, passthrough = p.parse_known_args(argv)
    only = [b for b in args.only.split(",") if b] or list(BENCHMARKS)
    skip = {b for b in args.skip.split(",") if b}
    unknown = sorted((set(only) | skip) - set(BENCHMARKS))
    if unknown:
        p.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    failed, timings = [], {}
    for name in [b for b in BENCHMARKS if b in only and b not in skip]:
        script, takes_sizes = BENCHMARKS[name]
        cmd = [sys.executable, str(HERE / script), *passthrough]
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
