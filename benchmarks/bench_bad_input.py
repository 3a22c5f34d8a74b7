"""Bad-input sweep: broken files for every reader; each must give a clear error naming it and lose nothing.

The demo corpus is copied and ingested once (the *base*); a human coding is added to it. Then every case runs
on its own copy of that store and corpus: one bad file is added (or a good file is replaced by a broken
version of itself), together with one new good file, and ``ingest.ingest_corpus`` runs. A case passes when

* the outcome is the expected one: ``error`` — a problem whose path is the bad file and whose message says
  what is wrong (no traceback), or ``accepted`` — the file is ingested (a Latin-1 text, a huge cell, a formula
  as inert text);
* nothing crashed, the new good file was ingested, and nothing earlier was lost: every base document keeps its
  fingerprint and its segments (a replaced file keeps its earlier, good version), the human coding is still
  there, and ``Store.integrity_check()`` finds no problem.

Then all bad files go into one corpus at once and the command line (``wijkanalyse ingest``) runs on it: it
must exit 0 and name every bad file on stderr.

Finally the privacy and safety cases of issue 11 (:mod:`_safety_cases`), tried as an attacker or a careless
user would: two corpora in folders of the same name, personal data in the text, the file name, the title and a
survey column, recovering suppressed counts, formulas in the tables, two writers at once and killed ones,
decompression and YAML bombs, the key file's permissions, folders one may not write to, an empty corpus, an
unknown wijk, and the cases the issue found holding (bad arguments, unsafe YAML, XXE, entity expansion,
zip-slip). Each says whether it held and what it found.

    python benchmarks/bench_bad_input.py            # about 4-6 minutes on 2 cores
    python benchmarks/bench_bad_input.py --quick    # a quarter of the sweep, the cheap safety cases
"""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _common import (
    DEMO,
    PYTHON,
    base_parser,
    copy_corpus,
    header,
    md_table,
    settings_file,
    settings_for,
    workdir,
    write_results,
)
from _safety_cases import run_safety_cases

GOOD_MD = "centrum/2024-05-01-goed-verslag.md"
GOOD_MD_TEXT = """---
wijk: Centrum
date: 2024-05-01
kind: verslag
title: Een goed verslag dat tegelijk binnenkomt
---
# Behouden

- De wijkkrant moet blijven, die leest iedereen.
- Het spreekuur in het buurthuis werkt goed.
"""


@dataclass
class Case:
    """One bad input: where it goes, how to make its bytes, and what should happen."""

    reader: str
    name: str
    rel: str
    make: Callable[[Path], bytes]
    expect: str = "error"  # error | accepted
    survey: dict | None = None  # a settings entry for a survey file


# -- makers of bad bytes -------------------------------------------------------------------------------------
def _demo(rel: str) -> Callable[[Path], bytes]:
    return lambda corpus: (DEMO / rel).read_bytes()


def _truncated(rel: str, keep: float = 0.5) -> Callable[[Path], bytes]:
    return lambda corpus: (DEMO / rel).read_bytes()[: int((DEMO / rel).stat().st_size * keep)]


def _cut_in_second_cue(offset: int) -> Callable[[Path], bytes]:
    def make(corpus: Path) -> bytes:
        raw = (DEMO / "schalkwijk/2023-01-24-sessie-wijkraad-schalkwijk.vtt").read_bytes()
        return raw[: raw.find(b"-->", raw.find(b"-->") + 1) + offset]

    return make


def _junk(corpus: Path) -> bytes:
    import random

    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(5000))


def _pdf_no_text(corpus: Path) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    return bytes(pdf.output())


def _docx_empty(corpus: Path) -> bytes:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def _xlsx(rows: list[list]) -> Callable[[Path], bytes]:
    def make(corpus: Path) -> bytes:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Antwoorden"
        for r in rows:
            ws.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    return make


def _zip_not_office(corpus: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hallo.txt", "dit is een zip, geen Word-document")
    return buf.getvalue()


HEADER = ["respondent_id", "wijk", "Wat wilt u kwijt over uw wijk?"]
LONG = (
    "Wij willen meer groen in de straat en minder verkeer. " * 600
)  # ~33,000 characters: Excel's cell limit
SURVEY = {"respondent_id": "respondent_id", "wijk_column": "wijk", "text_columns": {"open": HEADER[2]}}


def _csv(text: str, encoding: str = "utf-8") -> Callable[[Path], bytes]:
    return lambda corpus: text.encode(encoding)


ANSWERS = "".join(
    f"R10{i},Centrum,Het buurthuis is een fijne plek om elkaar te ontmoeten nummer {i}\n" for i in range(1, 6)
)
CASES: list[Case] = [
    # plain text and Markdown
    Case("txt", "empty (0 bytes)", "oost/leeg.txt", lambda c: b""),
    Case("txt", "only whitespace", "oost/wit.txt", lambda c: b"   \n\n \t \n"),
    Case("txt", "binary junk", "oost/junk.txt", _junk),
    Case(
        "txt",
        "Latin-1 instead of UTF-8",
        "oost/latin1.txt",
        lambda c: (
            "Café De Zwaan: de financiële zorgen zijn "
            "groot, ook over de coördinatie van het wijkplatform.".encode("latin-1")
        ),
        "accepted",
    ),
    Case(
        "txt",
        "UTF-16 with BOM",
        "oost/utf16.txt",
        lambda c: "De wijkraad moet blijven bestaan, dat vinden wij allemaal.".encode("utf-16"),
        "accepted",
    ),
    Case(
        "txt",
        "a docx renamed to .txt",
        "oost/eigenlijk-word.txt",
        _demo("centrum/2023-01-31-notulen-sessie-wijkraad.docx"),
    ),
    Case(
        "md",
        "invalid YAML front matter",
        "oost/2024-01-01-kapotte-kop.md",
        lambda c: b"---\nwijk: [Oost\ndate: 2024-01-01\n---\nTekst van het verslag.\n",
    ),
    Case(
        "md",
        "front matter but no text",
        "oost/2024-01-02-alleen-kop.md",
        lambda c: b"---\nwijk: Oost\ndate: 2024-01-02\n---\n",
    ),
    Case(
        "md",
        "a date that is no date",
        "oost/2024-01-03-rare-datum.md",
        lambda c: b"---\nwijk: Oost\ndate: morgen\n---\nTekst van het verslag.\n",
    ),
    Case(
        "md",
        "an unknown kind of source",
        "oost/2024-01-04-soort.md",
        lambda c: b"---\nwijk: Oost\nkind: roddel\n---\nTekst van het verslag.\n",
    ),
    Case(
        "md",
        "a PDF renamed to .md",
        "oost/eigenlijk-pdf.md",
        _demo("oost/2023-02-14-verslag-sessie-wijkraad.pdf"),
    ),
    Case(
        "md",
        "existing session replaced by truncated UTF-16",
        "oost/2023-10-03-verslag-tweede-sessie.md",
        lambda c: "Verslag van de tweede sessie".encode("utf-16")[:-1],
    ),
    Case(
        "md",
        "UTF-8 cut inside a character",
        "oost/2024-01-05-afgebroken.md",
        lambda c: (
            "Wij maken ons zorgen over de financiële toekomst van het café en de coördinatie".encode()[:-13]
            + b"\xc3"
        ),
        "accepted",
    ),
    # Word
    Case(
        "docx",
        "truncated",
        "centrum/2024-02-01-afgebroken.docx",
        _truncated("centrum/2023-01-31-notulen-sessie-wijkraad.docx"),
    ),
    Case("docx", "empty (0 bytes)", "centrum/leeg.docx", lambda c: b""),
    Case("docx", "binary junk", "centrum/junk.docx", _junk),
    Case(
        "docx",
        "a PDF renamed to .docx",
        "centrum/eigenlijk-pdf.docx",
        _demo("oost/2023-02-14-verslag-sessie-wijkraad.pdf"),
    ),
    Case("docx", "a zip that is no Word file", "centrum/zip.docx", _zip_not_office),
    Case(
        "docx",
        "an xlsx renamed to .docx",
        "centrum/eigenlijk-excel.docx",
        _demo("enquete/bewonersenquete-2024.xlsx"),
    ),
    Case("docx", "a Word file without text", "centrum/zonder-tekst.docx", _docx_empty),
    Case(
        "docx",
        "existing notes replaced by a truncated copy",
        "centrum/2023-01-31-notulen-sessie-wijkraad.docx",
        _truncated("centrum/2023-01-31-notulen-sessie-wijkraad.docx", 0.3),
    ),
    # PDF
    Case(
        "pdf",
        "truncated",
        "oost/afgebroken.pdf",
        _truncated("oost/2023-02-14-verslag-sessie-wijkraad.pdf", 0.4),
    ),
    Case("pdf", "empty (0 bytes)", "oost/leeg.pdf", lambda c: b""),
    Case("pdf", "binary junk", "oost/junk.pdf", _junk),
    Case(
        "pdf",
        "a docx renamed to .pdf",
        "oost/eigenlijk-word.pdf",
        _demo("centrum/2023-01-31-notulen-sessie-wijkraad.docx"),
    ),
    Case("pdf", "a scan without a text layer", "oost/scan.pdf", _pdf_no_text),
    Case(
        "pdf", "a text file renamed to .pdf", "oost/tekst.pdf", lambda c: b"Dit is gewoon tekst, geen PDF.\n"
    ),
    # transcripts
    Case("vtt", "empty (0 bytes)", "schalkwijk/leeg.vtt", lambda c: b""),
    Case(
        "vtt",
        "no WEBVTT header",
        "schalkwijk/geen-kop.vtt",
        lambda c: b"00:00:01.000 --> 00:00:04.000\n<v Jan>Goedenavond allemaal.\n",
    ),
    Case(
        "vtt",
        "truncated in a timestamp line (the complete cues are kept)",
        "schalkwijk/afgebroken.vtt",
        _cut_in_second_cue(-5),
        "accepted",
    ),
    Case(
        "vtt",
        "truncated inside a voice tag",
        "schalkwijk/afgebroken-stem.vtt",
        _cut_in_second_cue(25),
        "accepted",
    ),
    Case(
        "vtt",
        "truncated in the text of a cue (still valid: the part before the cut)",
        "schalkwijk/kort.vtt",
        _truncated("schalkwijk/2023-01-24-sessie-wijkraad-schalkwijk.vtt", 0.1),
        "accepted",
    ),
    Case("vtt", "binary junk", "schalkwijk/junk.vtt", _junk),
    Case(
        "vtt",
        "Windows-1252 encoding",
        "schalkwijk/cp1252.vtt",
        lambda c: (
            "WEBVTT\n\n00:00:01.000 --> "
            "00:00:04.000\n<v Jan>Wij zijn erg tevreden over het café en de coördinatie.\n"
        ).encode("cp1252"),
        "accepted",
    ),
    Case(
        "srt", "bad timestamps", "delftwijk/tijden.srt", lambda c: b"1\n00:00:01 -> 00:00:04\nJan: Hallo.\n"
    ),
    Case("srt", "empty (0 bytes)", "delftwijk/leeg.srt", lambda c: b""),
    Case(
        "srt",
        "a vtt renamed to .srt",
        "delftwijk/eigenlijk-vtt.srt",
        _demo("schalkwijk/2023-01-24-sessie-wijkraad-schalkwijk.vtt"),
    ),
    # survey exports
    Case("csv", "empty (0 bytes)", "enquete/leeg.csv", lambda c: b"", survey=SURVEY),
    Case("csv", "header but no respondents", "enquete/kop.csv", _csv(",".join(HEADER) + "\n"), survey=SURVEY),
    Case(
        "csv",
        "configured column missing",
        "enquete/kolom.csv",
        _csv("respondent_id,wijk,Iets anders\n" + ANSWERS),
        survey=SURVEY,
    ),
    Case(
        "csv",
        "rows with too many fields",
        "enquete/rafelig.csv",
        _csv(",".join(HEADER) + '\nR1,Oost,a,b,c,d\nR2,Oost\n"R3,Oost,open quote\n'),
        survey=SURVEY,
    ),
    Case(
        "csv",
        "Windows-1252 encoding",
        "enquete/cp1252.csv",
        _csv(",".join(HEADER) + "\n" + ANSWERS.replace("buurthuis", "café"), "cp1252"),
        "accepted",
        survey=SURVEY,
    ),
    Case(
        "csv",
        "a huge cell (33,000 characters)",
        "enquete/groot.csv",
        _csv(",".join(HEADER) + f'\nR1,Oost,"{LONG}"\n' + ANSWERS),
        "accepted",
        survey=SURVEY,
    ),
    Case(
        "csv",
        "formula injection in cells",
        "enquete/formule.csv",
        _csv(
            ",".join(HEADER) + "\n"
            'R1,Oost,"=HYPERLINK(""http://evil.example"",""klik"")"\nR2,Oost,+31 6 cmd|\' /C calc\'!A0\n'
            "R3,Oost,@SUM(1+1)*cmd|' /C calc'!A0\n" + ANSWERS
        ),
        "accepted",
        survey=SURVEY,
    ),
    Case("csv", "binary junk", "enquete/junk.csv", _junk, survey=SURVEY),
    Case(
        "xlsx",
        "truncated",
        "enquete/afgebroken.xlsx",
        _truncated("enquete/bewonersenquete-2024.xlsx"),
        survey=SURVEY,
    ),
    Case("xlsx", "empty (0 bytes)", "enquete/leeg.xlsx", lambda c: b"", survey=SURVEY),
    Case(
        "xlsx",
        "a csv renamed to .xlsx",
        "enquete/eigenlijk-csv.xlsx",
        _csv(",".join(HEADER) + "\n" + ANSWERS),
        survey=SURVEY,
    ),
    Case(
        "xlsx",
        "a docx renamed to .xlsx",
        "enquete/eigenlijk-word.xlsx",
        _demo("centrum/2023-01-31-notulen-sessie-wijkraad.docx"),
        survey=SURVEY,
    ),
    Case("xlsx", "an empty sheet", "enquete/leeg-blad.xlsx", _xlsx([]), survey=SURVEY),
    Case(
        "xlsx",
        "a huge cell (32,767 characters)",
        "enquete/groot.xlsx",
        _xlsx([HEADER, ["R1", "Oost", LONG[:32767]], ["R2", "Oost", "Het buurthuis moet blijven."]]),
        "accepted",
        survey=SURVEY,
    ),
    Case(
        "xlsx",
        "formula injection in cells",
        "enquete/formule.xlsx",
        _xlsx(
            [
                HEADER,
                ["R1", "Oost", '=HYPERLINK("http://evil.example","klik")'],
                ["R2", "Oost", "=1+1"],
                ["R3", "Oost", "@SUM(1+1)"],
                ["R4", "Oost", "Het buurthuis moet blijven bestaan."],
            ]
        ),
        "accepted",
        survey=SURVEY,
    ),
    Case(
        "xlsx",
        "existing survey replaced by a truncated copy",
        "enquete/bewonersenquete-2024.xlsx",
        _truncated("enquete/bewonersenquete-2024.xlsx", 0.6),
    ),
    # names and extensions
    Case(
        "-", "unsupported extension .doc", "centrum/oud-formaat.doc", lambda c: b"\xd0\xcf\x11\xe0 old Word"
    ),
    Case("-", "unsupported extension .odt", "centrum/libreoffice.odt", _zip_not_office),
    Case("-", "no extension", "centrum/zonder-extensie", lambda c: b"Gewoon tekst zonder extensie."),
]


# -- running the cases ---------------------------------------------------------------------------------------
def _snapshot(store) -> dict:
    docs = store.query(
        "SELECT d.path, d.content_hash, count(s.segment_id) AS n FROM documents d "
        "LEFT JOIN segments s USING (doc_id) GROUP BY d.path, d.content_hash"
    )
    return {r.path: (r.content_hash, int(r.n)) for r in docs.itertuples()}


def _add_human_coding(store) -> tuple:
    from wijkanalyse.store import now_iso

    seg = store.query("SELECT segment_id FROM segments ORDER BY segment_id LIMIT 1").segment_id[0]
    store.ensure_coder("onderzoeker-1", "human")
    with store.transaction() as con:
        con.execute(
            "INSERT OR IGNORE INTO codings(segment_id, code_id, coder_id, kind, status, created_at) "
            "VALUES (?,?,?,?,?,?)",
            (seg, "vertrouwen", "onderzoeker-1", "human", "applied", now_iso()),
        )
    return (seg, "vertrouwen", "onderzoeker-1")


def _write_settings(corpus: Path, surveys: list[dict]) -> None:
    import yaml

    path = corpus / "wijkanalyse.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["surveys"] = data.get("surveys", []) + surveys
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def run_case(case: Case, base_corpus: Path, base_store: Path, work: Path, base: dict, human: tuple) -> dict:
    """Run one case on copies of the base corpus and store; return what happened."""
    from wijkanalyse.ingest.corpus import ingest_corpus
    from wijkanalyse.store import Store

    corpus = copy_corpus(base_corpus, work / "corpus")
    shutil.rmtree(work / "store", ignore_errors=True)
    shutil.copytree(base_store, work / "store")
    shutil.rmtree(work / "private", ignore_errors=True)
    shutil.copytree(base_store.parent / "private", work / "private")
    target = corpus / case.rel
    replaced = target.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case.make(corpus))
    (corpus / GOOD_MD).write_text(GOOD_MD_TEXT, encoding="utf-8")
    if case.survey:
        _write_settings(corpus, [{"path": case.rel, **case.survey}])
    row = {"reader": case.reader, "case": case.name, "file": case.rel, "expected": case.expect}
    try:
        settings = settings_for(corpus, work)
        with Store(settings.store_path) as store:
            result = ingest_corpus(settings, store)
            after = _snapshot(store)
            integrity = store.integrity_check()
            humans = store.query("SELECT segment_id, code_id, coder_id FROM codings WHERE kind='human'")
            stored_text = store.query("SELECT text FROM documents WHERE path = ?", (case.rel,))
    except Exception as exc:  # noqa: BLE001 - a crash is what this sweep looks for
        row.update(outcome="CRASH", message=f"{type(exc).__name__}: {exc}"[:300], passed=False)
        return row
    mine = [p for p in result.problems if p.path == case.rel]
    others = [
        str(p)
        for p in result.problems
        if p.path != case.rel and not str(p.path).startswith("enquete/bewoners")
    ]
    outcome = "error" if mine else ("accepted" if case.rel in after else "ignored")
    message = str(mine[0]) if mine else ""
    clear = (
        bool(mine)
        and str(mine[0]).startswith(case.rel)
        and "Traceback" not in message
        and len(mine[0].message) > 15
    )
    kept = all(after.get(p) == v for p, v in base.items() if not (p == case.rel and outcome == "accepted"))
    lost = [p for p, v in base.items() if after.get(p) != v and not (p == case.rel and outcome == "accepted")]
    human_kept = tuple(human) in set(map(tuple, humans.itertuples(index=False)))
    checks = {
        "outcome as expected": outcome == case.expect,
        "clear message naming the file": clear if case.expect == "error" else True,
        "good new file ingested": GOOD_MD in result.added,
        "nothing earlier lost": kept and not others,
        "human coding kept": human_kept,
        "integrity check": not integrity,
    }
    if case.expect == "accepted" and case.reader in ("vtt", "srt") and len(stored_text):
        checks["no caption markup in the text"] = (
            "<v " not in stored_text.text[0] and "-->" not in stored_text.text[0]
        )
    if case.expect == "accepted" and "formula" in case.name and len(stored_text):
        checks["formula kept as inert text"] = ("=HYPERLINK" in stored_text.text[0]) or (
            "=1+1" in stored_text.text[0]
        )
    row.update(
        outcome=outcome + (" (replaced an earlier version)" if replaced else ""),
        message=message or "-",
        passed=all(checks.values()),
        failed_checks=[k for k, v in checks.items() if not v],
        lost=lost,
        other_problems=others,
    )
    return row


def cli_all_at_once(base_corpus: Path, work: Path, cases: list[Case]) -> dict:
    """All bad files in one corpus, ingested by the command line: exit code 0 and every bad file named."""
    corpus = copy_corpus(base_corpus, work / "corpus-all")
    surveys = []
    for case in cases:
        (corpus / case.rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / case.rel).write_bytes(case.make(corpus))
        if case.survey:
            surveys.append({"path": case.rel, **case.survey})
    _write_settings(corpus, surveys)
    sfile = settings_file(corpus, work / "cli")
    import subprocess

    res = subprocess.run(
        [PYTHON, "-m", "wijkanalyse", "ingest", "--corpus", str(corpus), "--settings", str(sfile)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors = [c.rel for c in cases if c.expect == "error"]
    named = [rel for rel in errors if rel in res.stderr]
    return {
        "exit_code": res.returncode,
        "bad_files": len(errors),
        "named_on_stderr": len(named),
        "not_named": sorted(set(errors) - set(named)),
        "traceback": "Traceback" in res.stderr,
        "stderr_head": res.stderr[:1500],
    }


def main(argv: list[str] | None = None) -> int:
    p = base_parser(__doc__.split("\n")[0])
    args = p.parse_args(argv)
    from wijkanalyse.ingest.corpus import ingest_corpus
    from wijkanalyse.store import Store

    head = header("bench_bad_input", args)
    cases = CASES[::4] if args.quick else CASES
    with workdir(args, "bad-input") as work:
        base_corpus = copy_corpus(DEMO, work / "base" / "corpus")
        settings = settings_for(base_corpus, work / "base")
        with Store(settings.store_path) as store:
            ingest_corpus(settings, store)
            human = _add_human_coding(store)
            base = _snapshot(store)
        rows = []
        for case in cases:
            row = run_case(case, base_corpus, settings.store_path, work / "case", base, human)
            rows.append(row)
            print(
                f"{'ok  ' if row['passed'] else 'FAIL'} {case.reader:5} {case.name}: {row['outcome']} "
                f"{row['message'][:110]}",
                flush=True,
            )
        crashed = {r["file"] for r in rows if r["outcome"] == "CRASH"}
        cli = cli_all_at_once(base_corpus, work, [c for c in cases if c.rel not in crashed])
        cli["left_out_because_they_crash_ingest"] = sorted(crashed)
        safety = run_safety_cases(work, quick=args.quick)
    crashed = cli["left_out_because_they_crash_ingest"]
    passed = sum(r["passed"] for r in rows)
    held = sum(r["passed"] for r in safety)
    found = [f"[{r['item']}] {r['case']}: {r['found']}" for r in safety if not r["passed"]]
    found += [f"{r['reader']} {r['case']}: {r['outcome']}" for r in rows if not r["passed"]]
    figures = {
        "cases": len(rows) + len(safety),
        "passed": passed + held,
        "found": found,
        "bad_files": {"cases": len(rows), "passed": passed},
        "safety": {"cases": len(safety), "passed": held, "rows": safety},
        "readers": sorted({r["reader"] for r in rows}),
        "rows": rows,
        "cli_all_at_once": cli,
    }
    md = [
        f"**{figures['cases']} cases tried, {figures['passed']} passed, {len(found)} found** "
        f"({len(rows)} broken files, {passed} passed; {len(safety)} privacy and safety cases of issue 11, "
        f"{held} held).\n",
        *(["Found:\n", *(f"- {f}" for f in found), ""] if found else []),
        "## Broken files, every reader\n",
        f"**{len(rows)} cases tried, {passed} passed** (every reader: {', '.join(figures['readers'])}).\n",
        "A case passes when the outcome is the expected one (an error naming the file, or the file "
        "accepted), the new good file in the same run was ingested, nothing ingested earlier changed (a "
        "broken copy of an "
        "existing file leaves the earlier version in place), the human coding survived, and the store passes "
        "its integrity check.\n",
        md_table(
            [
                {
                    "reader": r["reader"],
                    "case": r["case"],
                    "expected": r["expected"],
                    "outcome": r["outcome"],
                    "passed": "yes" if r["passed"] else "NO: " + ", ".join(r.get("failed_checks", [])),
                    "message": r["message"].replace("|", "/")[:220],
                }
                for r in rows
            ]
        ),
        "\n## All bad files at once, through the command line\n",
        f"`wijkanalyse ingest` exit code {cli['exit_code']}; {cli['named_on_stderr']} of "
        f"{cli['bad_files']} bad "
        f"files named on stderr; traceback: {'yes' if cli['traceback'] else 'no'}."
        + (f" Not named: {cli['not_named']}" if cli["not_named"] else "")
        + (
            f" Left out of this run because each alone crashes the whole ingest: {sorted(crashed)}."
            if crashed
            else ""
        )
        + "\n",
        "\n## Privacy and safety cases (issue 11)\n",
        f"**{len(safety)} cases tried, {held} held.** The item is the number in issue 11's list ('held': a "
        "case the issue found holding, kept as a check). Each case works on its own copy of a corpus under "
        "the working folder; see `benchmarks/_safety_cases.py`.\n",
        md_table(
            [
                {
                    "item": r["item"],
                    "case": r["case"],
                    "outcome": r["outcome"],
                    "found": str(r["found"]).replace("|", "/").replace("\n", " ")[:300],
                    "seconds": f"{r['seconds']:.1f}",
                }
                for r in safety
            ]
        ),
    ]
    write_results("bench_bad_input", head, figures, "\n".join(md), "Bad input and safety sweep")
    return 0 if not found else 1


if __name__ == "__main__":
    sys.exit(main())
