"""Soak: ingest and code a copy of the demo corpus 20 times, new files arriving, one run killed halfway.

Every run is the command line in a fresh process, as staff would run it: ``wijkanalyse ingest`` and then
``wijkanalyse code`` (or, while the coding engine has no command of its own, ``coding.apply.code_store`` in a
fresh process; theme discovery is not part of the soak). Between runs new files arrive: a perturbed copy of
a Markdown session (other sentences, a new date), or a copy of a docx/pdf/vtt/srt session under a new name
in another wijk. After the first run a researcher codes a few segments by hand (``review.add_coding``, or a
direct insert with kind 'human' when the codebook's codes are not in the store yet) and rejects one machine
coding. One run, chosen at random, is killed with SIGKILL after a random share (20-80%) of the previous
run's duration.

Afterwards:

* ``Store.integrity_check()`` finds no problem;
* every human coding made is still there, unchanged;
* the counts (documents, segments, respondents, and machine codings) are exactly those of a clean run on the
  final corpus in a fresh store (the same human codings added after its first run, then a second run, as in
  the soak).

    python benchmarks/bench_soak.py                   # 20 runs (about 3-5 minutes on 2 cores)
    python benchmarks/bench_soak.py --quick           # 5 runs
    python benchmarks/bench_soak.py --runs 50 --kills 3
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

from _common import (
    DEMO,
    PYTHON,
    base_parser,
    copy_corpus,
    header,
    md_table,
    run_measured,
    settings_file,
    workdir,
    write_results,
)

CODE_STORE = (
    "import sys; from wijkanalyse.config import load_settings; "
    "from wijkanalyse.coding.apply import code_store; "
    "from wijkanalyse.store import Store; s = load_settings(sys.argv[1], sys.argv[2]); "
    "print(code_store(Store(s.store_path), s).describe())"
)


def commands(corpus: Path, sfile: Path) -> list[list[str]]:
    """The commands of one run: ingest, then code (the CLI verb if there is one)."""
    cli = [PYTHON, "-m", "wijkanalyse"]
    opts = ["--corpus", str(corpus), "--settings", str(sfile)]
    verbs = subprocess.run([*cli, "--help"], capture_output=True, text=True).stdout
    if re.search(r"^\W*code\s{2,}", verbs, re.M):  # a 'code' verb in the list of commands
        return [[*cli, "ingest", *opts], [*cli, "code", *opts]]
    return [[*cli, "ingest", *opts], [PYTHON, "-c", CODE_STORE, str(corpus), str(sfile)]]


def one_run(cmds: list[list[str]], kill_after: float | None = None) -> dict:
    """Run the commands in turn; with ``kill_after``, SIGKILL whichever is running at that moment."""
    total, left = 0.0, kill_after
    for cmd in cmds:
        res = run_measured(cmd, timeout=1800, kill_after=left)
        total += res.seconds
        if res.killed:
            return {
                "seconds": round(total, 2),
                "killed": True,
                "killed_in": cmd[3] if cmd[1] == "-m" else "code",
            }
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:4])} failed ({res.returncode}):\n{res.stderr[-3000:]}")
        if left is not None:
            left -= res.seconds
    return {"seconds": round(total, 2), "killed": False}


def arrive(corpus: Path, i: int, rng: random.Random) -> str:
    """A new file arrives in the corpus; return its path relative to the corpus."""
    from _synthetic import new_session

    if i % 2:
        return new_session(corpus, seed=i).relative_to(corpus).as_posix()
    sources = sorted(p for p in DEMO.rglob("*") if p.suffix in {".docx", ".pdf", ".vtt", ".srt"})
    src = rng.choice(sources)
    wijken = sorted(p.name for p in corpus.iterdir() if p.is_dir() and p.name not in ("enquete", "stad"))
    dst = corpus / rng.choice(wijken) / f"2024-0{1 + i % 9}-1{i % 10}-kopie-{i}{src.suffix}"
    shutil.copy(src, dst)
    return dst.relative_to(corpus).as_posix()


def add_human_codings(store_dir: Path, rng: random.Random) -> list[tuple]:
    """A researcher codes 5 segments by hand and rejects one machine coding; return the human rows."""
    from wijkanalyse.store import Store, now_iso

    with Store(store_dir) as store:
        segs = store.query("SELECT segment_id FROM segments ORDER BY segment_id")["segment_id"].tolist()
        codes = store.query("SELECT code_id FROM codes WHERE dimension = 'thema' ORDER BY code_id")[
            "code_id"
        ].tolist()
        chosen = rng.sample(segs, 5)
        try:
            from wijkanalyse.review import decisions as review
        except ImportError:  # pragma: no cover
            review = None
        for j, seg in enumerate(chosen):
            code = codes[j % len(codes)] if codes else ["vertrouwen", "zeggenschap", "financiering"][j % 3]
            if review is not None and codes:
                review.add_coding(store, seg, code, "onderzoeker-soak")
            else:
                store.ensure_coder("onderzoeker-soak", "human")
                with store.transaction() as con:
                    con.execute(
                        "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, created_at) "
                        "VALUES (?,?,?,?,?,?)",
                        (seg, code, "onderzoeker-soak", "human", "applied", now_iso()),
                    )
        machine = store.query(
            "SELECT segment_id, code_id FROM codings WHERE kind='machine' AND status='applied' "
            "ORDER BY segment_id, code_id LIMIT 1"
        )
        if len(machine) and review is not None:
            review.reject_coding(store, machine.segment_id[0], machine.code_id[0], "onderzoeker-soak")
        return _humans(store)


def _humans(store) -> list[tuple]:
    rows = store.query(
        "SELECT segment_id, code_id, coder_id, status FROM codings WHERE kind='human' "
        "ORDER BY segment_id, code_id, coder_id"
    )
    return [tuple(r) for r in rows.itertuples(index=False)]


def state(store_dir: Path) -> dict:
    """Counts and integrity of a store."""
    from wijkanalyse.store import Store

    with Store(store_dir, create=False) as store:
        counts = store.counts()
        machine = store.query("SELECT count(*) AS n FROM codings WHERE kind='machine'")["n"][0]
        return {
            "documents": counts["documents"],
            "segments": counts["segments"],
            "respondents": counts["respondents"],
            "codes": counts["codes"],
            "machine_codings": int(machine),
            "human": _humans(store),
            "segment_ids": sorted(store.query("SELECT segment_id FROM segments")["segment_id"]),
            "integrity": store.integrity_check(),
        }


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--kills", type=int, default=1, help="runs killed halfway (default 1)")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    runs = 5 if args.quick else args.runs
    rng = random.Random(args.seed)
    kill_runs = set(rng.sample(range(3, runs), min(args.kills, max(0, runs - 3))))  # never the first two runs
    head = header("bench_soak", args)
    log = []
    with workdir(args, "soak") as work:
        corpus = copy_corpus(DEMO, work / "corpus")
        sfile = settings_file(corpus, work / "soak", embedder=args.embedder)
        store_dir = work / "soak" / "store"
        cmds = commands(corpus, sfile)
        humans: list[tuple] = []
        last = 10.0
        for i in range(1, runs + 1):
            new = arrive(corpus, i, rng) if i > 1 else None
            kill = rng.uniform(0.2, 0.8) * last if i in kill_runs else None
            res = one_run(cmds, kill)
            if not res["killed"]:
                last = res["seconds"]
            if i == 1:
                humans = add_human_codings(store_dir, rng)
            entry = {
                "run": i,
                "new file": new or "-",
                "seconds": res["seconds"],
                "killed": f"after {kill:.1f} s in {res['killed_in']}" if res["killed"] else "-",
            }
            log.append(entry)
            print(entry, flush=True)
        one_run(cmds)  # the run after the last one: what a member of staff does next
        soak = state(store_dir)

        clean_dir = work / "clean"
        clean_settings = settings_file(corpus, clean_dir, embedder=args.embedder)
        clean_cmds = commands(corpus, clean_settings)
        one_run(clean_cmds)
        _replay_humans(clean_dir / "store", humans)
        one_run(clean_cmds)
        clean = state(clean_dir / "store")

    lost = sorted(set(humans) - set(soak["human"]))
    keys = ("documents", "segments", "respondents", "codes", "machine_codings")
    checks = {
        "integrity check passes": not soak["integrity"],
        "no human coding lost": not lost,
        "counts equal a clean run": all(soak[k] == clean[k] for k in keys),
        "every human coding on a stored segment": all(
            h[0] in set(soak["segment_ids"]) for h in soak["human"]
        ),
    }
    same_ids = len(set(soak["segment_ids"]) & set(clean["segment_ids"])) / max(1, len(clean["segment_ids"]))
    figures = {
        "runs": runs,
        "killed_runs": sorted(kill_runs),
        "commands": [" ".join(c[:4]) for c in cmds],
        "log": log,
        "human_codings_made": len(humans),
        "human_codings_lost": lost,
        "integrity_problems": soak["integrity"][:20],
        "checks": checks,
        "same_segment_ids_share": same_ids,
        "soak": {k: soak[k] for k in keys},
        "clean": {k: clean[k] for k in keys},
    }
    md = [
        f"**{runs} runs, {len(kill_runs)} killed halfway: "
        + ("all checks passed" if all(checks.values()) else "CHECKS FAILED")
        + "**\n",
        md_table([{"check": k, "result": "pass" if v else "FAIL"} for k, v in checks.items()]),
        "\n## Counts after the soak and after a clean run on the final corpus\n",
        md_table([{"store": "soak", **figures["soak"]}, {"store": "clean", **figures["clean"]}]),
        f"\nHuman codings made: {len(humans)} (5 applied, 1 rejection of a machine coding where there "
        "was one); "
        f"lost: {len(lost)}. Commands of one run: {figures['commands']}.\n",
        f"\nSegment ids shared with the clean run: {same_ids:.1%}. (Informational: segment ids hash the "
        "pseudonymised text, and placeholders such as [PERSOON-3] are numbered in the order names are first "
        "seen, so a corpus ingested in one go numbers them differently from one that grew run by run.)\n",
        "\n## Runs\n",
        md_table(log),
    ]
    write_results("bench_soak", head, figures, "\n".join(md), "Soak: 20 runs, new files, a killed run")
    return 0 if all(checks.values()) else 1


def _replay_humans(store_dir: Path, humans: list[tuple]) -> None:
    """Make the same human decisions in the clean store (segment ids are stable across stores)."""
    from wijkanalyse.store import Store, now_iso

    with Store(store_dir) as store:
        for seg, code, coder, status in humans:
            store.ensure_coder(coder, "human")
            with store.transaction() as con:
                con.execute(
                    "INSERT OR REPLACE INTO codings(segment_id, code_id, coder_id, kind, status, created_at) "
                    "VALUES (?,?,?,?,?,?)",
                    (seg, code, coder, "human", status, now_iso()),
                )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
