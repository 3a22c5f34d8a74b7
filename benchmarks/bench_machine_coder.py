"""The machine as one more coder, and the coverage of the check-sample interval, on the two Dutch dev sets.

    python benchmarks/bench_machine_coder.py [--eval-dir ../shared/eval] [--embedder use-m3] [--samples 2000]

Not a test; run by hand (under ``flock /tmp/wijk-cpu.lock nice`` on a shared machine). Results go to
``benchmarks/results/bench_machine_coder.md`` and ``.json``.

The machine
-----------
On each set the engine (:class:`~wijkanalyse.coding.CodebookCoder`, defaults) learns from 10 hand-coded
examples per code (``min(10, n_code // 2)`` for small codes, the draw of ``bench_coding_eval.py``) and codes
the other texts: on issuepositions-nl what it would write to the store (``geen`` when no code reaches its
threshold), on vlaams-parlement-nl (no "none" class) its forced choice. Only texts not drawn as examples are
scored.

1. Coverage of the interval (the check sample)
----------------------------------------------
The true agreement ``p`` is the share of the scored texts where the machine's code equals the gold label. A
check sample of ``n`` texts (40 and 120) is drawn without replacement, ``--samples`` times; each gives a 95 %
Wilson interval (:func:`wijkanalyse.review.verdict.wilson_interval`, the one the reports use). Reported: the
share of intervals that contain ``p`` (the target is at least 90 %) and their mean width.

2. The machine as an extra coder (simulated people, labelled as such)
---------------------------------------------------------------------
The dev sets carry one gold label per text, not each coder's label: issuepositions-nl has a count
``n_coders_agree_of_3`` (values 0, 1 and 3; its meaning beyond "three coders per sentence" is not documented),
vlaams-parlement-nl has the parliament's own theme only. A double-coded set is therefore **simulated**: three
"people" each copy the gold label, and with probability ``e`` (0.10, 0.20, 0.30: careful, ordinary and hurried
coders) replace it with another label of the set drawn at random. These coders are independent and err at
random, which flatters their agreement with each other compared with real coders (who share blind spots); the
machine is compared with noisy copies of the gold label. On the scored texts the benchmark reports the
machine's mean Cohen's kappa with each simulated person and the people's mean kappa with each other, both with
the project's :func:`wijkanalyse.review.verdict.extra_coder_kappas` (pooled binary kappa over the codes, the
figure ``wijkanalyse agreement --machine`` shows) and as plain multi-class Cohen's kappa; five simulation
seeds, mean. The issue's target: the machine's mean kappa with each person at least the people's with each
other.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import header, md_table, write_results  # noqa: E402
from bench_coding_eval import REPO, draw_examples, engine_predict, load_issuepositions, load_vlaams  # noqa: E402

from wijkanalyse.coding.coder import CodebookCoder  # noqa: E402
from wijkanalyse.coding.embed import EmbeddingCache, embed_with_cache, get_embedder  # noqa: E402
from wijkanalyse.review.reliability import cohen_kappa  # noqa: E402
from wijkanalyse.review.verdict import extra_coder_kappas, wilson_interval  # noqa: E402

ERROR_RATES = (0.10, 0.20, 0.30)
CHECK_SIZES = (40, 120)
SIM_SEEDS = 5
FINITE = (
    "A check of more than half the texts leaves little to estimate, so the interval, which ignores the "
    "finite population, covers more often than 95 %.\n"
)


def machine_codes(ds: dict, embedder, cache, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The engine's codes for the texts not drawn as examples, and their gold labels."""
    texts, y = ds["texts"], ds["y"]
    E = embed_with_cache(embedder, texts, cache, progress=False)
    train, test = draw_examples(y, 10, np.random.default_rng(seed + 10_000))
    labels = [None] * len(texts)
    for i in train:
        labels[i] = y[i]
    coder = CodebookCoder(codebook=ds["codebook"], embedder=embedder, cache=cache).fit(
        texts, labels, embeddings=E
    )
    top, decided = engine_predict(coder, [texts[i] for i in test], E[test])
    return (decided if ds["none"] else top), y[test]


def coverage(match: np.ndarray, samples: int, seed: int) -> list[dict]:
    """Coverage and mean width of the 95 % Wilson interval over simulated check samples."""
    rng = np.random.default_rng(seed)
    right, total = int(match.sum()), len(match)
    truth = right / total
    rows = []
    for n in CHECK_SIZES:
        if n >= total:
            continue
        hits = rng.hypergeometric(right, total - right, n, size=samples)
        bounds = np.array([wilson_interval(int(k), n) for k in hits])
        covered = (bounds[:, 0] <= truth) & (truth <= bounds[:, 1])
        width = float((bounds[:, 1] - bounds[:, 0]).mean())
        rows.append({"check size": n, "of texts": total, "true agreement": truth,
                     "coverage": float(covered.mean()), "mean width": width, "samples": samples})  # fmt: skip
    return rows


def simulate_people(gold: np.ndarray, e: float, rng: np.random.Generator) -> list[np.ndarray]:
    """Three coders: the gold label, replaced with probability ``e`` by another label of the set."""
    classes = np.array(sorted(set(gold)), dtype=object)
    people = []
    for _ in range(3):
        wrong = rng.random(len(gold)) < e
        other = np.array([rng.choice(classes[classes != g]) for g in gold], dtype=object)
        people.append(np.where(wrong, other, gold))
    return people


def extra_coder(machine: np.ndarray, gold: np.ndarray, seed: int) -> list[dict]:
    """The machine's mean kappa with each simulated person against theirs with each other, per error rate."""
    rows = []
    for e in ERROR_RATES:
        proj_m, proj_p, plain_m, plain_p = [], [], [], []
        for s in range(SIM_SEEDS):
            people = simulate_people(gold, e, np.random.default_rng(seed + 100 * s + int(e * 1000)))
            names = [f"p{i}" for i in range(3)]
            decisions = {
                name: {(str(i), "thema"): frozenset([lab]) for i, lab in enumerate(codes)}
                for name, codes in zip([*names, "machine"], [*people, machine], strict=True)
            }
            k = extra_coder_kappas(decisions, names, "thema")
            proj_m.append(k["machine_mean_kappa"])
            proj_p.append(k["people_mean_kappa"])
            plain_m.append(np.mean([cohen_kappa(list(machine), list(p)) for p in people]))
            pairs = [(people[0], people[1]), (people[0], people[2]), (people[1], people[2])]
            plain_p.append(np.mean([cohen_kappa(list(a), list(b)) for a, b in pairs]))
        rows.append({"error rate e": e, "machine-person kappa": float(np.mean(proj_m)),
                     "person-person kappa": float(np.mean(proj_p)),
                     "machine-person kappa (multi-class)": float(np.mean(plain_m)),
                     "person-person kappa (multi-class)": float(np.mean(plain_p)),
                     "target met": bool(np.mean(proj_m) >= np.mean(proj_p))})  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    eval_dir = Path(os.environ.get("WIJKANALYSE_EVAL", REPO.parent / "shared" / "eval"))
    ap.add_argument("--eval-dir", type=Path, default=eval_dir)
    ap.add_argument("--embedder", default="use-m3")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--cache", type=Path, default=REPO / "outputs" / "benchmarks" / "embeddings.sqlite")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    embedder, cache = get_embedder(args.embedder), EmbeddingCache(args.cache)
    sets = [load_issuepositions(args.eval_dir / "issuepositions-nl"),
            load_vlaams(args.eval_dir / "vlaams-parlement-nl", title=True)]  # fmt: skip
    figures: dict = {"embedder": embedder.model_id, "sets": {}}
    body = []
    for ds in sets:
        t0 = time.perf_counter()
        machine, gold = machine_codes(ds, embedder, cache, args.seed)
        match = machine == gold
        cov = coverage(match, args.samples, args.seed)
        extra = extra_coder(machine, gold, args.seed)
        figures["sets"][ds["name"]] = {"n_scored": len(gold), "machine_accuracy": float(match.mean()),
                                       "coverage": cov, "extra_coder": extra,
                                       "seconds": round(time.perf_counter() - t0, 1)}  # fmt: skip
        body += [f"## {ds['name']}\n",
                 f"{len(gold)} texts scored (not drawn as examples); the machine's code equals the gold "
                 f"label on {match.mean():.1%} of them (the true agreement a check sample estimates).\n",
                 "Coverage of the 95 % Wilson interval over simulated check samples (target ≥ 0.90):\n",
                 md_table(cov),
                 *([FINITE] if any(r["check size"] > 0.5 * len(gold) for r in cov) else []),
                 "The machine as a fourth coder beside three **simulated** people (gold label with random "
                 "errors at rate e; see the method above), mean over five seeds:\n",
                 md_table(extra)]  # fmt: skip
        print(f"{ds['name']}: done in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    method = __doc__.split("\n\n", 2)[2]
    body.append("## Method\n\n" + method)
    title = "The machine as one more coder, and the check-sample interval, on the dev sets"
    write_results("bench_machine_coder", header("bench_machine_coder", args), figures, "\n".join(body), title)
    return 0


if __name__ == "__main__":
    sys.exit(main())
