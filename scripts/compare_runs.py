"""Compare the report tables of two run folders, byte for byte.

Used to show that a change to the code leaves the reports as they were (a refactoring), and by the test
``tests/test_demo_tables.py``, which compares a fresh run of the demo corpus with the tables kept in
``tests/fixtures/demo_report_tables/``. When a change is *meant* to alter the reports (a corrected statistic),
refresh that copy with ``--update`` and say so in the commit.

Usage::

    python scripts/compare_runs.py RUN_A RUN_B            # exit 1 and list the differences when they differ
    python scripts/compare_runs.py RUN --update DEST      # copy the tables of RUN to DEST (replacing it)

A run folder is ``outputs/<corpus>/runs/<run_id>/``; its tables are every ``tables/*.csv`` below it.
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import sys
from pathlib import Path


def tables(folder: Path) -> dict[str, bytes]:
    """Return every report table under ``folder`` by its path relative to the folder."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("tables/*.csv"))}


def compare(a: Path, b: Path, context: int = 2) -> list[str]:
    """Return the differences between the tables of two run folders (empty when they are byte-identical)."""
    ta, tb = tables(a), tables(b)
    problems = [f"only in {a}: {name}" for name in sorted(ta.keys() - tb.keys())]
    problems += [f"only in {b}: {name}" for name in sorted(tb.keys() - ta.keys())]
    if not ta and not tb:
        problems.append(f"no tables under {a} or {b}")
    for name in sorted(ta.keys() & tb.keys()):
        if ta[name] != tb[name]:
            diff = difflib.unified_diff(
                ta[name].decode("utf-8", "replace").splitlines(),
                tb[name].decode("utf-8", "replace").splitlines(),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
                n=context,
                lineterm="",
            )
            problems.append(f"differs: {name}\n" + "\n".join(list(diff)[:40]))
    return problems


def update(run: Path, dest: Path) -> int:
    """Replace the tables kept in ``dest`` by those of ``run``; return how many were copied."""
    found = tables(run)
    if not found:
        raise SystemExit(f"no tables under {run}")
    if dest.exists():
        shutil.rmtree(dest)
    for name, data in found.items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_bytes(data)
    return len(found)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_a", type=Path)
    ap.add_argument("run_b", type=Path, nargs="?")
    ap.add_argument("--update", type=Path, metavar="DEST", help="copy the tables of RUN_A to DEST")
    args = ap.parse_args(argv)
    if args.update:
        print(f"copied {update(args.run_a, args.update)} tables to {args.update}")
        return 0
    if args.run_b is None:
        ap.error("give two run folders, or one and --update DEST")
    problems = compare(args.run_a, args.run_b)
    for p in problems:
        print(p)
    n = len(tables(args.run_a))
    print(f"{n} tables compared: " + ("identical" if not problems else f"{len(problems)} differences"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
