"""How fast is the pseudonymiser per text, and does a change to it give the very same output?

The texts are those ingest gives the pseudonymiser: every block (text, label, section) of the demo corpus's
sources and the answers of a synthetic survey (``_synthetic.survey_frame``, the generator of
``bench_scale.py``; seed = the number of answers, as bench_scale uses it). They go through one
:class:`~wijkanalyse.ingest.pseudonymise.Pseudonymiser` the way ingest uses it (``ingest/corpus.py``): the
corpus's wijken as ``keep``, ``detect_names`` on every text first, then ``pseudonymise`` on every text.

- ``--write FILE``: write every output (text and counts) and the key's names, one JSON line each;
- ``--compare FILE``: compare the outputs with such a file, line by line, and report the first difference;
- ``--profile``: run once more under cProfile, written to ``results/pseudonymise_profile_<n>.txt``.

The timing and the comparison go to ``results/pseudonymise_speed.json`` (one entry per run, keyed by
``--label``). To compare a change with the code before it, run the script once with the old source on
``PYTHONPATH`` (a copy of ``src/``) and ``--write``, then with the new source and ``--compare``::

    PYTHONPATH=/tmp/before/src python benchmarks/profile_pseudonymise.py --answers 100000 \\
        --write /tmp/pseudo-100k.jsonl --label before
    python benchmarks/profile_pseudonymise.py --answers 100000 --compare /tmp/pseudo-100k.jsonl \\
        --label after --profile
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def corpus_texts(answers: int) -> tuple[list[str], list[str]]:
    """Return the texts ingest would pseudonymise (demo blocks, then synthetic answers) and the keep list."""
    import pandas as pd
    import yaml
    from _common import DEMO
    from _synthetic import QUESTIONS, survey_frame

    from wijkanalyse.ingest.readers import read_file

    texts: list[str] = []
    for path in sorted(DEMO.rglob("*")):
        if path.is_file() and path.suffix.lower() in {".md", ".txt", ".docx", ".pdf", ".vtt", ".srt"}:
            if path.name.startswith(("README", "PERSONAL")):
                continue
            for b in read_file(path, path.relative_to(DEMO).as_posix()).blocks:
                texts += [t for t in (b.text, b.label, b.section) if t]
    survey = pd.read_excel(DEMO / "enquete" / "bewonersenquete-2024.xlsx", sheet_name="Antwoorden", dtype=str)
    for col in QUESTIONS.values():
        texts += [str(a) for a in survey[col].dropna()]
    if answers:
        frame = survey_frame(answers, seed=answers)
        for col in QUESTIONS.values():
            texts += [str(a) for a in frame[col] if str(a).strip()]
    settings = yaml.safe_load((DEMO / "wijkanalyse.yml").read_text(encoding="utf-8"))
    lookup = pd.read_csv(DEMO / "postcodes.csv", dtype=str)
    keep = [*((settings.get("pseudonymise") or {}).get("keep") or []), *sorted(set(lookup["wijk"]))]
    return texts, keep


def run(texts: list[str], keep: list[str]) -> tuple[list[str], dict[str, float]]:
    """Pseudonymise ``texts`` as ingest does; return one JSON line per output and the phase timings."""
    from wijkanalyse.ingest.pseudonymise import Pseudonymiser

    pseudo = Pseudonymiser(None, keep=keep)
    t0 = time.perf_counter()
    for t in texts:
        pseudo.detect_names(t)
    t1 = time.perf_counter()
    lines = []
    for t in texts:
        out, counts = pseudo.pseudonymise(t)
        lines.append(json.dumps([out, sorted(counts.items())], ensure_ascii=False))
    t2 = time.perf_counter()
    lines.append(json.dumps(pseudo.names_known(), ensure_ascii=False))
    return lines, {"detect_s": t1 - t0, "pseudonymise_s": t2 - t1}


def _markdown(saved: dict) -> str:
    lines = [
        "# Pseudonymiser speed (benchmarks/profile_pseudonymise.py)",
        "",
        "Texts: the demo corpus's blocks + N synthetic answers, through one pseudonymiser as ingest uses it.",
        "`identical`: byte-identical outputs and key to the file named (the run before a change).",
        "",
        "| run | date | answers | texts | detect s | pseudonymise s | ms/text | digest | identical | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in saved.items():
        same = {True: "yes", False: "**no**"}.get(r.get("identical"), "-")
        lines.append(
            f"| {label} | {r['date']} | {r['answers']:,} | {r['texts']:,} | {r['detect_s']} | "
            f"{r['pseudonymise_s']} | {r['ms_per_text']} | {r['digest']} | {same} | {r['load_average'][0]} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--answers", type=int, default=20_000, help="synthetic answers (default 20000)")
    p.add_argument("--write", type=Path, help="write the outputs to this JSON-lines file")
    p.add_argument("--compare", type=Path, help="compare the outputs with this JSON-lines file")
    p.add_argument("--profile", action="store_true", help="one more run under cProfile")
    p.add_argument("--label", default="run", help="name of this run in results/pseudonymise_speed.json")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    texts, keep = corpus_texts(args.answers)
    lines, timing = run(texts, keep)
    n = len(texts)
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    total = timing["detect_s"] + timing["pseudonymise_s"]
    result = {
        "texts": n,
        "answers": args.answers,
        "chars": sum(len(t) for t in texts),
        "detect_s": round(timing["detect_s"], 2),
        "pseudonymise_s": round(timing["pseudonymise_s"], 2),
        "ms_per_text": round(1000 * total / n, 3),
        "digest": digest,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.write:
        args.write.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.compare:
        old = args.compare.read_text(encoding="utf-8").rstrip("\n").split("\n")
        diffs = [i for i, (a, b) in enumerate(zip(old, lines, strict=False)) if a != b]
        result["compared_with"] = str(args.compare)
        result["identical"] = not diffs and len(old) == len(lines)
        result["differing_lines"] = len(diffs) + abs(len(old) - len(lines))
        if diffs:
            i = diffs[0]
            result["first_difference"] = {"line": i, "text": texts[i] if i < n else None,
                                          "before": old[i], "after": lines[i]}  # fmt: skip
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        run(texts, keep)
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        buf.write(f"pseudonymise {n} texts ({args.answers} synthetic answers + the demo corpus)\n")
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
        out = HERE / "results" / f"pseudonymise_profile_{args.answers}.txt"
        out.write_text(buf.getvalue().replace(str(Path.cwd()), "."), encoding="utf-8")
        result["profile"] = out.name
    path = HERE / "results" / "pseudonymise_speed.json"
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    saved[args.label] = result
    path.write_text(json.dumps(saved, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    path.with_suffix(".md").write_text(_markdown(saved), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result.get("identical", True) else 1


if __name__ == "__main__":
    sys.exit(main())
