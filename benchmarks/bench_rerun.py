"""Reruns: the main job again with nothing new, with one new session, and with 1% more survey answers.

A synthetic corpus (the demo corpus plus a survey export of ``--sizes`` answers, see ``_synthetic.py``) gets a
full run of the main job, ``wijkanalyse run`` in a fresh process as a member of staff would start it. Then the
same command runs three more times:

1. nothing new;
2. one new session in one wijk (a perturbed copy of a Markdown session);
3. 1% more survey answers (the survey export re-exported with 1% more respondents appended).

For each: seconds, peak memory of the process, the seconds of each stage (ingest, coding, discovery), what
was redone (documents added or updated, reports built or reused) and, for discovery, how the run went (a fit,
an update that kept the themes, or a refit) and the share of the segments of the previous discovery run that
kept their theme id. Targets: a rerun with nothing new takes under 10% of the full run; after 1% more answers
the rerun takes at most 15% of the full run and at least 90% of the earlier segments keep their theme id.

    python benchmarks/bench_rerun.py                  # 10k answers (about 3-4 minutes on 2 cores)
    python benchmarks/bench_rerun.py --sizes 100k     # the 100k corpus of the scale benchmark
    python benchmarks/bench_rerun.py --quick
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
from _common import (
    PYTHON,
    base_parser,
    header,
    md_table,
    parse_sizes,
    run_measured,
    settings_file,
    workdir,
    write_results,
)

TARGET_NOTHING_NEW = 0.10
TARGET_MORE_ANSWERS = 0.15
TARGET_KEPT_IDS = 0.90


def _theme_ids(work: Path) -> tuple[str | None, dict[str, int], dict]:
    """The newest discovery run of the store under ``work``: its id, every segment's theme and its summary."""
    from wijkanalyse.store import Store

    with Store(work / "store", create=False) as store:
        run = store.latest_theme_run()
        links = store.segment_themes(run)
        summary = store.run_summary(run) if run else {}
    return run, dict(zip(links["segment_id"], links["theme_id"].astype(int), strict=True)), summary


def _kept_share(before: dict[str, int], after: dict[str, int]) -> float | None:
    """Share of the segments themed before (theme >= 0) that have the same theme id after."""
    themed = [s for s, t in before.items() if t >= 0 and s in after]
    return round(sum(after[s] == before[s] for s in themed) / len(themed), 4) if themed else None


def _run(corpus: Path, sfile: Path, work: Path) -> dict:
    """One ``wijkanalyse run`` in a fresh process: seconds, peak memory, what was redone."""
    res = run_measured(
        [PYTHON, "-m", "wijkanalyse", "run", "--corpus", str(corpus), "--settings", str(sfile)], timeout=3600
    )
    if res.returncode != 0:
        raise RuntimeError(
            f"wijkanalyse run failed ({res.returncode}):\n{res.stdout[-2000:]}\n{res.stderr[-3000:]}"
        )
    runs = work / "runs"
    latest = (runs / "LATEST").read_text().strip()
    jobs = json.loads((runs / latest / "run.json").read_text())["jobs"]
    first = res.stdout.splitlines()[0] if res.stdout else ""
    return {
        "seconds": round(res.seconds, 2),
        "peak_mb": round(res.peak_mb),
        "ingest": first,
        "reports_built": sorted(j["wijk"] or "stad" for j in jobs if j["status"] == "built"),
        "reports_reused": sum(j["status"] == "reused" for j in jobs),
        "stage_seconds": next((ln for ln in res.stdout.splitlines() if ln.startswith("Seconds:")), ""),
    }


def _more_answers(corpus: Path, share: float, seed: int) -> int:
    """Append ``share`` more answers to the synthetic survey export (rewriting the file); return how many."""
    from _synthetic import survey_frame, write_survey

    path = next((corpus / "enquete").glob("synthetisch.*"))
    df = (
        pd.read_csv(path, dtype=str, keep_default_na=False)
        if path.suffix == ".csv"
        else pd.read_excel(path, dtype=str, keep_default_na=False)
    )
    n_new = max(3, int(round(len(df) * 3 * share)))
    extra = survey_frame(n_new, seed=seed, start=len(df) + 1_000_000)
    write_survey(pd.concat([df, extra], ignore_index=True), path)
    return n_new


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n")[0], sizes="10k")
    p.add_argument(
        "--format", choices=["csv", "xlsx"], default="xlsx", help="survey export format (default xlsx)"
    )
    args = p.parse_args(argv)
    from _synthetic import make_corpus, new_session

    sizes = [300] if args.quick else parse_sizes(args.sizes)
    head = header("bench_rerun", args)
    figures: dict = {"target_nothing_new_share": TARGET_NOTHING_NEW, "sizes": {}}
    with workdir(args, "rerun") as work:
        for n in sizes:
            corpus = make_corpus(work / f"corpus-{n}", n, seed=n, fmt=args.format)
            w = work / f"work-{n}"
            sfile = settings_file(corpus, w, embedder=args.embedder)
            steps = {"full run": _run(corpus, sfile, w)}
            _, themes, _ = _theme_ids(w)
            print(f"{n}: full run {steps['full run']['seconds']} s", flush=True)
            steps["nothing new"] = _run(corpus, sfile, w)
            print(f"{n}: nothing new {steps['nothing new']['seconds']} s", flush=True)
            session = new_session(corpus, seed=1)
            steps["one new session"] = _run(corpus, sfile, w)
            steps["one new session"]["added"] = session.relative_to(corpus).as_posix()
            themes = _discovery_figures(steps["one new session"], w, themes)
            print(f"{n}: one new session {steps['one new session']['seconds']} s", flush=True)
            added = _more_answers(corpus, 0.01, seed=n + 1)
            steps["1% more answers"] = _run(corpus, sfile, w)
            steps["1% more answers"]["added"] = f"{added} answers"
            _discovery_figures(steps["1% more answers"], w, themes)
            print(f"{n}: 1% more answers {steps['1% more answers']['seconds']} s", flush=True)
            full = steps["full run"]["seconds"]
            for s in steps.values():
                s["share_of_full_run"] = round(s["seconds"] / full, 3)
            figures["sizes"][n] = steps
    write_results("bench_rerun", head, figures, _markdown(figures), "Reruns against the full run")
    return 0


def _discovery_figures(step: dict, work: Path, before: dict[str, int]) -> dict[str, int]:
    """Add the discovery mode and the share of earlier segments that kept their theme id; return the ids."""
    _, after, summary = _theme_ids(work)
    step["discovery_mode"] = summary.get("mode", "") + (
        f" ({summary['reason']})" if summary.get("reason") else ""
    )
    step["kept_theme_ids"] = _kept_share(before, after)
    return after


def _markdown(f: dict) -> str:
    md = [
        f"Targets: a rerun with nothing new under {TARGET_NOTHING_NEW:.0%} of the full run; after 1% more "
        f"answers at most {TARGET_MORE_ANSWERS:.0%} of the full run, with at least {TARGET_KEPT_IDS:.0%} of "
        "the earlier segments keeping their theme id. Each row is one `wijkanalyse run` in a fresh process "
        "(ingest, code, discover, reports), including Python start-up.\n"
    ]
    for n, steps in f["sizes"].items():
        rows = []
        for name, s in steps.items():
            target = ""
            if name == "nothing new":
                target = "met" if s["share_of_full_run"] < TARGET_NOTHING_NEW else "MISSED"
            if name == "1% more answers":
                kept = s.get("kept_theme_ids") or 0.0
                ok = s["share_of_full_run"] <= TARGET_MORE_ANSWERS and kept >= TARGET_KEPT_IDS
                target = "met" if ok else "MISSED"
            kept_ids = s.get("kept_theme_ids")
            rows.append(
                {
                    "run": name,
                    "seconds": s["seconds"],
                    "share of full run": f"{s['share_of_full_run']:.1%}",
                    "target": target,
                    "peak MB": s["peak_mb"],
                    "reports rebuilt": ", ".join(s["reports_built"]),
                    "reports reused": s["reports_reused"],
                    "ingest": s["ingest"].split(": ", 1)[-1],
                    "stage seconds": s["stage_seconds"].replace("Seconds: ", ""),
                    "discovery": s.get("discovery_mode", ""),
                    "kept theme ids": "" if kept_ids is None else f"{kept_ids:.1%}",
                }
            )
        md += [f"## {n:,} synthetic answers\n", md_table(rows)]
    return "\n".join(md)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
