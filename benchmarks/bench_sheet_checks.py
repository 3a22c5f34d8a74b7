"""The coding sheet's checks on the demo corpus: moved rows found, correct sheets let through (run by hand).

    python benchmarks/bench_sheet_checks.py                  # 30 draws per case, about 1-2 minutes on 2 cores
    python benchmarks/bench_sheet_checks.py --quick          # 5 draws per case
    python benchmarks/bench_sheet_checks.py --store PATH     # another machine-coded store (copied first)

Works on a copy of a machine-coded store (default ``outputs/demo/store``: run ``wijkanalyse run`` on the demo
corpus first). Every case goes through the product's own functions: a coding sheet of 40 random segments is
exported for a simulated coder (:func:`~wijkanalyse.review.sheet.export_coding_sheet`), filled in with
openpyxl, and read back with :func:`~wijkanalyse.review.sheet.import_coding_sheet` as a dry run.

The simulated coder starts from the machine's applied themes of each row and disagrees with probability
``noise``: each theme is replaced by a random other theme, and one random theme is added (a coder the machine
fits worse the higher the noise); ``coverage`` is the share of rows the coder fills in. The sheet is then
filled in as it is (``none``) or with the codes moved one row down from the first row (``down``), from the
middle (``down, second half``: a paste error half-way) or one row up (``up``). Measured per case over the
draws: the share of sheets the import refuses as shifted. For ``none`` that is the false-alarm rate, for the
others the detection rate. The reference the check compares with is the machine's codes only (no other coder
on the demo), which is the hardest case for it.

Also measured on the whole store: the segments the machine coded ``geen`` together with a kind of input, and
whether a sheet holding exactly the machine's codes of 40 such segments imports (it did not before issue 16);
the most themes the machine gave one segment (the default number of code columns of a full export); and, in a
40-row sheet, the rows whose ``spreker`` would have read "(nan)" before issue 16 and now.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path
from typing import Any

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, base_parser, header, md_table, workdir, write_results  # noqa: E402

from wijkanalyse.review import decisions as review  # noqa: E402
from wijkanalyse.review import sheet  # noqa: E402
from wijkanalyse.review.decisions import ReviewError  # noqa: E402
from wijkanalyse.store import Store  # noqa: E402

CASES = [  # (noise, coverage, shift)
    (noise, coverage, shift)
    for noise in (0.0, 0.3, 0.6)
    for coverage in (1.0, 0.5)
    for shift in ("none", "down", "down, second half", "up")
]


def _fill(path: Path, codes: dict[str, list[str]]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["coderen"]
    h = {c.value: c.column for c in ws[1]}
    code_cols = sorted((v for k, v in h.items() if str(k).startswith("code ")))
    for r in range(2, ws.max_row + 1):
        seg = ws.cell(r, h["segment_id"]).value
        for j, col in enumerate(code_cols):
            values = codes.get(seg, [])
            ws.cell(r, col).value = values[j] if j < len(values) else None
    wb.save(path)


def _coder_codes(machine: dict[str, list[str]], order: list[str], themes: list[str], noise: float,
                 coverage: float, rng: random.Random) -> list[list[str]]:  # fmt: skip
    out = []
    for seg in order:
        if rng.random() > coverage:
            out.append([])
            continue
        codes = [rng.choice(themes) if rng.random() < noise else c for c in machine.get(seg, [])]
        if rng.random() < noise:
            codes.append(rng.choice(themes))
        codes = list(dict.fromkeys(codes))
        if len(codes) > 1 and "geen" in codes:  # geen goes with no theme
            codes.remove("geen")
        out.append(codes[:6] or [rng.choice(themes)])
    return out


def _shifted(rows: list[list[str]], shift: str) -> list[list[str]]:
    if shift == "down":
        return [[], *rows[:-1]]
    if shift == "down, second half":
        k = len(rows) // 2
        return [*rows[:k], [], *rows[k:-1]]
    if shift == "up":
        return [*rows[1:], []]
    return rows


def _shift_cases(store: Store, work: Path, draws: int) -> list[dict[str, Any]]:
    codes = review.known_codes(store)
    themes = [c for c, d in zip(codes["code_id"], codes["dimension"], strict=True) if d != "soort"]
    themes = [c for c in themes if c != "geen"]
    applied = store.applied_codings()
    machine_rows = applied[applied["kind"] == "machine"]
    kinds = set(codes.loc[codes["dimension"] == "soort", "code_id"])
    machine: dict[str, list[str]] = {}
    for seg, code in zip(machine_rows["segment_id"], machine_rows["code_id"], strict=True):
        if code not in kinds:
            machine.setdefault(seg, []).append(code)
    rows = []
    for noise, coverage, shift in CASES:
        refused = 0
        for draw in range(draws):
            rng = random.Random(draw)
            path = sheet.export_coding_sheet(
                store, work / "sheet.xlsx", coder="sim", sample=40, seed=draw, blind=True, n_code_columns=6
            )
            order = [
                r[0] for r in openpyxl.load_workbook(path)["coderen"].iter_rows(min_row=2, values_only=True)
            ]
            filled = _shifted(_coder_codes(machine, order, themes, noise, coverage, rng), shift)
            _fill(path, dict(zip(order, filled, strict=True)))
            try:
                sheet.import_coding_sheet(store, path, "sim", dry_run=True)
            except ReviewError as exc:
                if "looks shifted" not in str(exc):
                    raise
                refused += 1
        what = "false alarms" if shift == "none" else "detected"
        rows.append({"noise": noise, "coverage": coverage, "shift": shift, "draws": draws,
                     "refused as shifted": refused, "rate": refused / draws, "meaning": what})  # fmt: skip
    return rows


def _other_figures(store: Store, work: Path) -> dict[str, Any]:
    codes = review.known_codes(store)
    kinds = set(codes.loc[codes["dimension"] == "soort", "code_id"])
    applied = store.applied_codings()
    machine = applied[applied["kind"] == "machine"]
    per_seg = machine.groupby("segment_id")["code_id"].apply(set)
    geen_kind = [s for s, c in per_seg.items() if "geen" in c and c & kinds]
    most_themes = int(max((len(c - kinds - {"geen"}) for c in per_seg), default=0))
    sample = geen_kind[:40]
    path = sheet.export_coding_sheet(store, work / "geen.xlsx", coder="sim2", n_code_columns=3)
    wb = openpyxl.load_workbook(path)
    ws = wb["coderen"]
    h = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        seg = ws.cell(r, h["segment_id"]).value
        if seg in sample:
            ws.cell(r, h["code 1"]).value = "geen"
            ws.cell(r, h["soort"]).value = sorted(per_seg[seg] & kinds)[0]
    wb.save(path)
    result = sheet.import_coding_sheet(store, path, "sim2", dry_run=True)
    segs = review.select_segments(store, sample=40, seed=42)
    nan_before = sum(1 for role in segs["role"] if not isinstance(role, str))  # "(nan)" in the old spreker
    speaker = work / "speaker.xlsx"
    sheet.export_coding_sheet(store, speaker, coder="sim3", sample=40, seed=42)
    col = [c.value for c in openpyxl.load_workbook(speaker)["coderen"][1]].index("spreker")
    cells = [
        r[col] for r in openpyxl.load_workbook(speaker)["coderen"].iter_rows(min_row=2, values_only=True)
    ]
    return {
        "segments": len(per_seg),
        "segments coded geen + a kind by the machine": len(geen_kind),
        "rows geen + kind in a sheet, imported (dry run)": f"{result.coded_rows} of {len(sample)}",
        "most themes on one segment (machine)": most_themes,
        "rows of a 40-row sheet with '(nan)' before": nan_before,
        "rows of a 40-row sheet with 'nan' now": sum(1 for c in cells if c and "nan" in str(c).lower()),
    }


def main(argv: list[str] | None = None) -> int:
    p = base_parser("The coding sheet's checks on a machine-coded store.")
    p.add_argument("--store", type=Path, default=ROOT / "outputs" / "demo" / "store")
    p.add_argument("--draws", type=int, default=30)
    args = p.parse_args(argv)
    draws = 5 if args.quick else args.draws
    if not (args.store / "wijkanalyse.sqlite").exists():
        print(f"No store at {args.store}: run 'wijkanalyse run' on the demo corpus first, or pass --store.")
        return 2
    with workdir(args, "sheet_checks") as work:
        skip = shutil.ignore_patterns("*.sqlite-*", "embeddings*", "projections")
        shutil.copytree(args.store, work / "store", ignore=skip)
        with Store(work / "store", create=False) as store:
            other = _other_figures(store, work)
            rows = _shift_cases(store, work, draws)
    head = header("bench_sheet_checks", args)
    body = (
        "Moved rows: the share of 40-row sheets the import refuses as shifted (see the docstring).\n\n"
        + md_table(rows)
        + "\nOther figures on the whole store:\n\n"
        + md_table([{"figure": k, "value": v} for k, v in other.items()])
    )
    write_results("bench_sheet_checks", head, {"shift": rows, "other": other}, body, "Coding sheet checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
