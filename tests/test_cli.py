"""Every verb of the ``wijkanalyse`` command line, run once end to end on a copy of the mini corpus.

The store, the key and every output live under a temporary folder: the copied corpus's ``wijkanalyse.yml``
gets ``store_dir``, ``private_dir`` and the fast ``hashing`` embedder. The verbs that change the store run
once, in order, in module fixtures that keep what each printed:

``ingested``  ingest, ingest again, ``status --json``
``coded``     code, discover (then a snapshot of the store is kept for ``reported``)
``reviewed``  review export, the sheet filled in by hand, review import, memo add, import qdpx
``reported``  run and report, on a copy of the ``coded`` snapshot (so the other tests never see it)

The read-only verbs (status, analyse, agreement, memo list, export ...) run in the tests on the ``reviewed``
store, which nothing changes afterwards. Expected values are worked out by hand from the fixture corpus:

* 4 documents, 12 segments (md 3, vtt 3, txt 2, survey answers 4), 4 respondents; per wijk Noord 8 segments
  (md 3 + vtt 3 + respondent 1's 2 answers) in 3 documents, Oost 3 (txt 2 + respondent 2) in 2 documents,
  respondent 4's postcode is not in the lookup, so 1 segment is city-wide.
* Anna codes three segments in the sheet: the wijkkrant bullet (communicatiemiddelen, behouden, with a
  memo), the money paragraph (financiering) and the communication paragraph (communicatie): 4 codings.
* The QualCoder project (tests/fixtures/qdpx/qualcoder_oost, see tests/test_qdpx.py) adds 7 codings by
  Fatima and Joris and 2 memos; one code ('Bereikbaarheid') is unknown, one source is not in the corpus.
  Their agreement on the two segments both coded: Krippendorff's alpha 1 - 7 * 4 / (64 - 32) = 0.125.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import traceback
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import Result
from lxml import etree
from typer.testing import CliRunner

from conftest import DEMO_CODEBOOK, FIXTURES, MINI_CORPUS
from wijkanalyse.cli import app
from wijkanalyse.config import PACKAGE_DATA, load_settings
from wijkanalyse.store import Store

RUNNER = CliRunner()
CHECKOUT = Path(__file__).resolve().parents[1]
QUALCODER = FIXTURES / "qdpx" / "qualcoder_oost"
LABELLED = FIXTURES / "evaluate" / "labelled.csv"
SCHEMAS = PACKAGE_DATA / "refi-qda"

# the texts anna codes in her sheet, and her codes
KRANT = "De wijkkrant moet blijven."
GELD = "Hoe wordt de financiering geregeld?"  # the start of the money paragraph of the session notes
COMMUNICATIE = "De communicatie van de gemeente moet beter. Informatie komt altijd te laat."
ANNA = {KRANT: ["communicatiemiddelen", "behouden"], GELD: ["financiering"], COMMUNICATIE: ["communicatie"]}

CODINGS_HEADER = [
    "segment_id", "document", "wijk", "date", "session", "source_kind", "speaker", "role", "question",
    "respondent_id", "start", "end", "text", "span_start", "span_end", "quote",
    "code_id", "label_nl", "label_en", "dimension", "coder_id",
    "kind", "status", "confidence", "model", "run_id", "created_at",
]  # fmt: skip

# three topics of four short texts each, for discover-file (it needs at least 10 texts)
TOPIC_TEXTS = [
    "speeltuin glijbaan kapot", "speeltuin schommel kinderen", "glijbaan schommel speeltuin",
    "kinderen speeltuin zandbak", "parkeren vergunning duur", "auto parkeren straat",
    "vergunning parkeerplaats duur", "auto vergunning parkeren", "afval container vol",
    "container zwerfvuil straat", "zwerfvuil afval ophalen", "container ophalen afval",
]  # fmt: skip


# -- helpers -------------------------------------------------------------------------------------------------
def _cli(*args: Any) -> Result:
    return RUNNER.invoke(app, [str(a) for a in args])


def _why(result: Result) -> str:
    """The output and, for an exception other than an exit, its traceback (shown when an assertion fails)."""
    text = result.output
    if result.exc_info and not isinstance(result.exception, SystemExit):
        text += "".join(traceback.format_exception(*result.exc_info))
    return text


def _ok(result: Result) -> str:
    assert result.exit_code == 0, _why(result)
    return result.output


def _strict_json(text: str) -> Any:
    """Parse JSON and refuse NaN/Infinity (which Python's json accepts but JSON does not)."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


class Project:
    """Paths of the copied corpus and its store; ``where`` is the ``--corpus`` option for every verb."""

    def __init__(self, base: Path):
        self.base = base
        self.corpus = base / "corpus"
        self.out = base / "out"  # holds store/, and the runs/, review/ and exchange/ folders next to it
        self.store_dir = self.out / "store"
        self.private = base / "private"
        self.where = ["--corpus", str(self.corpus)]
        self.results: dict[str, Result] = {}

    def run(self, key: str, *args: Any) -> Result:
        result = _cli(*args)
        self.results[key] = result
        return result

    def store(self) -> Store:
        return Store(self.store_dir, create=False)


def _settings_yaml(project: Project, store_dir: Path) -> dict[str, Any]:
    cfg = yaml.safe_load((MINI_CORPUS / "wijkanalyse.yml").read_text(encoding="utf-8"))
    cfg.update(store_dir=str(store_dir), private_dir=str(project.private), embedder="hashing")
    return cfg


def _fill_sheet(path: Path, codes: dict[str, list[str]], memo: dict[str, str]) -> int:
    """Type codes (and memos) into the code columns of the rows whose text starts with a key; return rows."""
    wb = openpyxl.load_workbook(path)
    ws = wb["coderen"]
    header = [c.value for c in ws[1]]
    filled = 0
    for row in ws.iter_rows(min_row=2):
        text = str(row[header.index("tekst")].value or "")
        key = next((k for k in codes if text.startswith(k)), None)
        if key is None:
            continue
        for i, code in enumerate(codes[key], start=1):
            row[header.index(f"code {i}")].value = code
        if key in memo:
            row[header.index("memo")].value = memo[key]
        filled += 1
    wb.save(path)
    return filled


def _zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(folder).as_posix())
    return out


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


# -- the shared store, built once by the verbs themselves ----------------------------------------------------
@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    p = Project(tmp_path_factory.mktemp("cli"))
    shutil.copytree(MINI_CORPUS, p.corpus)
    settings = _settings_yaml(p, p.store_dir)
    (p.corpus / "wijkanalyse.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def ingested(project: Project) -> Project:
    project.run("ingest", "ingest", *project.where)
    project.run("ingest again", "ingest", *project.where)
    project.run("status json", "status", "--json", *project.where)
    return project


@pytest.fixture(scope="module")
def coded(ingested: Project) -> Project:
    p = ingested
    p.run("code", "code", *p.where)
    p.run("discover", "discover", *p.where)
    shutil.copytree(p.store_dir, p.base / "snapshot_coded" / "store")
    return p


@pytest.fixture(scope="module")
def reviewed(coded: Project) -> Project:
    p = coded
    sheet = p.base / "sheets" / "anna.xlsx"
    p.run("review export", "review", "export", "--coder", "anna", "--out", sheet, *p.where)
    if sheet.exists():
        _fill_sheet(sheet, ANNA, {KRANT: "Mooi citaat over de wijkkrant."})
    p.run("review import", "review", "import", sheet, "--coder", "anna", *p.where)
    p.run("memo add", "memo", "add", "project", "-", "Eerste ronde klaar.", "--author", "piet", *p.where)
    project_file = _zip_folder(QUALCODER, p.base / "qualcoder.qdpx")
    p.run("import qdpx", "import", "qdpx", project_file, *p.where)
    return p


@pytest.fixture(scope="module")
def reported(coded: Project) -> dict[str, Any]:
    """``run`` then ``report`` for Noord (and the city), on a copy of the store as ``coded`` left it."""
    base = coded.base / "report_run"
    store_dir = base / "store"
    shutil.copytree(coded.base / "snapshot_coded" / "store", store_dir)
    settings = base / "settings.yml"
    cfg = _settings_yaml(coded, store_dir)
    settings.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    where = [*coded.where, "--settings", settings]
    return {
        "runs": base / "runs",
        "latest": base / "latest.html",
        "run": _cli("run", "--wijk", "Noord", *where),
        "report": _cli("report", "--wijk", "Noord", *where),
    }


# -- help ----------------------------------------------------------------------------------------------------
VERBS = [
    "ingest", "status", "code", "code-file", "discover", "discover-file", "codebook", "codebook-check",
    "agreement", "run", "report", "analyse", "evaluate", "review", "memo", "export", "import",
]  # fmt: skip
GROUPS = {
    "codebook": ["draft", "check", "promote"],
    "review": ["export", "import"],
    "memo": ["add", "list", "edit", "delete"],
    "export": ["qdpx", "qdc", "csv", "xlsx"],
    "import": ["qdpx", "qdc"],
}


def test_help_of_the_installed_program_lists_every_verb():
    exe = Path(sys.executable).parent / "wijkanalyse"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "wijkanalyse"]
    done = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    listed = {line.strip("│ ").split(" ")[0] for line in done.stdout.splitlines()}
    assert set(VERBS) <= listed


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_help_of_each_group_lists_its_verbs(group):
    listed = {line.strip("│ ").split(" ")[0] for line in _ok(_cli(group, "--help")).splitlines()}
    assert set(GROUPS[group]) <= listed


def test_importing_the_command_line_loads_no_heavy_library():
    heavy = ("sklearn", "bertopic", "papermill", "torch", "openpyxl")
    code = f"import sys, wijkanalyse.cli\nprint(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# -- stage 1-3: ingest and status ----------------------------------------------------------------------------
def test_ingest_reads_the_four_files_and_reports_the_unknown_postcode(ingested):
    out = _ok(ingested.results["ingest"])
    assert "4 added, 0 updated, 0 unchanged, 0 removed, 1 problem(s)." in out
    assert "postcode 1011.. is not in the postcode lookup" in out
    again = _ok(ingested.results["ingest again"])
    assert "0 added, 0 updated, 4 unchanged, 0 removed" in again


def test_status_json_counts_what_was_ingested(ingested):
    data = _strict_json(_ok(ingested.results["status json"]))
    per_wijk = {
        r["wijk"]: (r["documents"], r["sessions"], r["segments"], r["respondents"]) for r in data["per_wijk"]
    }
    assert per_wijk == {"Noord": (3, 2, 8, 2), "Oost": (2, 1, 3, 1), "(stad)": (1, 0, 1, 1)}
    city = next(r for r in data["per_wijk"] if r["wijk"] == "(stad)")
    assert city["first_date"] is None  # no session: null, not NaN
    counts = data["counts"]
    assert (counts["documents"], counts["segments"], counts["respondents"]) == (4, 12, 4)
    assert (counts["codings"], counts["memos"], counts["runs"]) == (0, 0, 2)


def test_status_table_shows_the_counts_and_the_last_runs(reviewed):
    out = _ok(_cli("status", *reviewed.where))
    assert f"Store: {reviewed.store_dir.resolve()}" in out
    # memos: anna's in the sheet, piet's on the project, Joris's and Fatima's from the QualCoder project
    assert "documents: 4  segments: 12  respondents: 4" in out and "memos: 4" in out
    assert "runs: 4" in out  # ingest, ingest, code, discover; reviewing and importing are not runs
    listed = [line.split()[1] for line in out.split("Last runs:")[1].splitlines()[2:] if line.strip()]
    assert listed == ["discover", "code", "ingest", "ingest"]  # newest first


# -- stage 4-5: code and discover ----------------------------------------------------------------------------
def test_code_codes_every_segment_once(coded):
    out = _ok(coded.results["code"])
    assert "12 of 12 segments coded" in out and "0 human codings used" in out
    soort = out.split("Kind of input: ")[1].splitlines()[0]
    assert sum(int(item.rsplit(" ", 1)[1]) for item in soort.split(", ")) == 12  # one kind per segment
    with Store(coded.base / "snapshot_coded" / "store", create=False) as store:
        machine = store.codings(kind="machine")
        segments = store.segments()
    assert set(machine["segment_id"]) == set(segments["segment_id"])
    assert set(machine["coder_id"]) == {"machine"}


def test_discover_writes_themes_for_the_twelve_segments(coded):
    out = _ok(coded.results["discover"])
    first = out.splitlines()[0]
    assert " themes in 12 segments" in first
    n_themes = int(first.split(" themes in ")[0].split()[-1])
    with Store(coded.base / "snapshot_coded" / "store", create=False) as store:
        themes = store.themes()
    assert len(themes) == n_themes >= 1
    assert len(out.splitlines()) == 1 + n_themes  # one line per theme


def test_codebook_promote_makes_a_discovered_theme_a_code(coded, tmp_path):
    from wijkanalyse.coding.codebook import load_codebook

    store_dir = tmp_path / "store"  # a copy: the module's other tests see the store as discover left it
    shutil.copytree(coded.base / "snapshot_coded" / "store", store_dir)
    settings = tmp_path / "settings.yml"
    # settings that name no codebook: promote needs a file, and starts a new codebook there
    no_codebook = {**_settings_yaml(coded, store_dir), "codebook": None}
    settings.write_text(yaml.safe_dump(no_codebook), encoding="utf-8")
    where = [*coded.where, "--settings", settings]
    with Store(store_dir, create=False) as store:
        theme = store.themes().iloc[-1]
        texts = dict(zip(store.segments()["segment_id"], store.segments()["text"], strict=True))
    tid, target = int(theme["theme_id"]), tmp_path / "codeboek.yml"
    refused = _cli("codebook", "promote", tid, "--id", "nieuw_thema", "--label", "Nieuw thema", *where)
    assert refused.exit_code != 0 and "name no codebook" in refused.output and not target.exists()
    out = _ok(
        _cli(
            "codebook", "promote", tid, "--id", "nieuw_thema", "--label", "Nieuw thema",
            "--codebook-out", target, *where,
        )
    )  # fmt: skip
    assert f"Theme {tid} is now code 'nieuw_thema' (Nieuw thema) in {target}" in out
    assert f"Set 'codebook: {target}'" in out
    cb = load_codebook(target)
    assert cb.ids == ["nieuw_thema"] and cb.soort == []
    code = cb.code("nieuw_thema")
    words = json.loads(theme["top_words"])
    assert code.include == [f"Kernwoorden: {', '.join(words)}."]
    assert code.examples == [texts[i].strip()[:300] for i in json.loads(theme["representative_ids"])][:8]
    with Store(store_dir, create=False) as store:  # the theme keeps the code it became
        promoted = store.themes().set_index("theme_id")["promoted_code"]
    assert promoted[tid] == "nieuw_thema" and promoted.drop(tid).isna().all()
    again = _cli("codebook", "promote", 999, "--id", "x", "--label", "X", "--codebook-out", target, *where)
    assert again.exit_code != 0 and "No discovered theme 999" in again.output


def test_code_file_writes_one_row_per_survey_answer(tmp_path):
    out_csv = tmp_path / "codes.csv"
    question = "Welke zorgen heeft u?"
    result = _cli(
        "code-file", MINI_CORPUS / "enquete" / "enquete.csv", "--text-col", question, "--id-col", "nr",
        "--embedder", "hashing", "--out", out_csv, "--codebook", DEMO_CODEBOOK,
    )  # fmt: skip
    out = _ok(result)
    assert f"4 rows coded (zero-shot) -> {out_csv}" in out
    rows = _csv_rows(out_csv)
    assert list(rows[0]) == [
        "id", "text", "best_code", "best_label", "codes", "confidence", "soort", "soort_confidence"
    ]  # fmt: skip
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[1]["text"] == "De gemeente luistert niet naar ons."
    codebook = yaml.safe_load(DEMO_CODEBOOK.read_text(encoding="utf-8"))
    assert {r["best_code"] for r in rows} <= {c["id"] for c in codebook["codes"]} | {"geen"}
    best = out.split("Best code: ")[1].splitlines()[0]
    assert sum(int(item.rsplit(" ", 1)[1]) for item in best.split(", ")) == 4


def test_discover_file_writes_themes_and_one_assignment_per_row(tmp_path):
    table = tmp_path / "wensen.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["nr", "wens"])
        w.writerows([(100 + i, t) for i, t in enumerate(TOPIC_TEXTS)])
    out = _ok(_cli("discover-file", table, "--text-col", "wens", "--id-col", "nr", "--embedder", "hashing",
                   "--out", tmp_path / "out"))  # fmt: skip
    assert "in 12 rows ->" in out
    themes = _csv_rows(tmp_path / "out" / "wensen_themes.csv")
    assert themes and {"theme_id", "size", "label", "covered"} <= set(themes[0])
    assignments = _csv_rows(tmp_path / "out" / "wensen_theme_assignments.csv")
    assert len(assignments) == 12
    assert sorted(int(next(iter(r.values()))) for r in assignments) == list(range(100, 112))


def test_codebook_check_lists_every_code_of_the_bundled_codebook():
    out = _ok(_cli("codebook-check", DEMO_CODEBOOK))
    raw = yaml.safe_load(DEMO_CODEBOOK.read_text(encoding="utf-8"))
    assert f"{len(raw['codes'])} codes" in out
    for code in raw["codes"]:
        assert f"{code['id']}: {code['label_nl']}" in out


def test_codebook_draft_writes_a_codebook_from_the_newest_themes_that_passes_the_check(reviewed, tmp_path):
    out = tmp_path / "concept.yml"
    printed = _ok(_cli("codebook", "draft", "--out", out, *reviewed.where))
    with reviewed.store() as store:
        run, themes = store.latest_theme_run(), len(store.themes())
    # the discovery run of the `coded` fixture is used as it is: no new run (the status test counts them)
    assert f"from the {themes} themes of discovery run {run} -> {out}" in printed
    assert f"wijkanalyse codebook-check {out}" in printed
    check = _ok(_cli("codebook", "check", out))
    assert check == _ok(_cli("codebook-check", out))  # the older name of the same verb
    assert "codes, soort []." in check and "definition(s) are still drafts ('Concept: ...')" in check
    _assert_clear_refusal(_cli("codebook", "draft", "--out", out, *reviewed.where), "exists", "--force")
    assert "Drafted" in _ok(_cli("codebook", "draft", "--out", out, "--force", "--soort", *reviewed.where))
    assert "soort ['behouden', 'verbeteren', 'vraag_of_zorg']" in _ok(_cli("codebook-check", out))


# -- stage 6: review, memos, agreement -----------------------------------------------------------------------
def test_review_export_writes_a_sheet_with_every_segment(reviewed):
    out = _ok(reviewed.results["review export"])
    path = reviewed.base / "sheets" / "anna.xlsx"
    assert f"Wrote {path}" in out
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["coderen", "codes", "info"]
    ids = [r[0] for r in wb["coderen"].iter_rows(min_row=2, values_only=True) if r[0]]
    with reviewed.store() as store:
        assert sorted(ids) == sorted(store.segments()["segment_id"])


def test_review_import_stores_annas_four_codings_and_her_memo(reviewed):
    out = _ok(reviewed.results["review import"])
    assert "12 rows, 3 coded, 9 skipped; codings +4 -0 =0; 1 memo(s)." in out
    with reviewed.store() as store:
        human = store.codings(kind="human")
        segments = store.segments().set_index("segment_id")["text"]
        memos = store.memos()
    coded_texts = {(segments[r.segment_id], r.code_id) for r in human[human.coder_id == "anna"].itertuples()}
    anna = {(next(k for k in ANNA if text.startswith(k)), code) for text, code in coded_texts}
    assert anna == {(start, code) for start, codes in ANNA.items() for code in codes}
    assert len(coded_texts) == 4
    assert list(memos[memos.author == "anna"]["text"]) == ["Mooi citaat over de wijkkrant."]


def test_memo_add_and_list(reviewed):
    assert "saved on the project." in _ok(reviewed.results["memo add"])
    everything = _ok(_cli("memo", "list", *reviewed.where))
    assert "Mooi citaat over de wijkkrant." in everything and "Eerste ronde klaar." in everything
    on_project = _ok(_cli("memo", "list", "--on", "project", *reviewed.where))
    assert "Eerste ronde klaar." in on_project and "Mooi citaat" not in on_project


def _copy_with_settings(p: Project, base: Path) -> list[Any]:
    """Copy the store to ``base``; return the options that point the verbs at the copy."""
    shutil.copytree(p.store_dir, base / "store")
    settings = base / "settings.yml"
    cfg = _settings_yaml(p, base / "store")
    settings.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return [*p.where, "--settings", settings]


def test_memo_edit_delete_and_list_with_paths(reviewed, tmp_path):
    where = _copy_with_settings(reviewed, tmp_path)
    added = _ok(_cli("memo", "add", "document", "oost/notitie.txt", "Notitie.", "--author", "piet", *where))
    memo_id = int(re.search(r"Memo (\d+) saved", added).group(1))
    with Store(tmp_path / "store", create=False) as store:
        doc_id = store.document_id("oost/notitie.txt")
    listed = _ok(_cli("memo", "list", *where))
    assert "oost/notitie.txt" in listed and doc_id not in listed  # a document by its path, not its hash
    assert "noord/2023-01-10-sessie.md" in listed  # anna's memo on a segment shows its document's path
    edited = _ok(_cli("memo", "edit", memo_id, "--text", "Notitie van de wijkmanager.", *where))
    assert f"Memo {memo_id} changed" in edited
    listed = _ok(_cli("memo", "list", "--on", "document", *where))
    assert "Notitie van de wijkmanager." in listed and "Notitie.\n" not in listed
    assert f"Memo {memo_id} deleted" in _ok(_cli("memo", "delete", memo_id, *where))
    assert "No memos yet." in _ok(_cli("memo", "list", "--on", "document", *where))
    with Store(tmp_path / "store", create=False) as store:
        history = store.memo_history(memo_id)
    assert list(zip(history["action"], history["text"], history["changed_by"], strict=True)) == [
        ("edited", "Notitie.", "piet"),
        ("deleted", "Notitie van de wijkmanager.", "piet"),
    ]
    refused = _cli("memo", "edit", 999, "--text", "x", *where)
    assert refused.exit_code != 0 and "No memo with id 999" in refused.output


def test_import_qdpx_brings_people_only_unless_with_machine(reviewed, tmp_path):
    exported = tmp_path / "p.qdpx"
    _ok(_cli("export", "qdpx", "--out", exported, *reviewed.where))
    with reviewed.store() as store:
        machine = int((store.codings(kind="machine")["coder_id"] == "machine").sum())
        people = store.codings(kind="human")[["segment_id", "code_id", "coder_id"]]
        dates = sorted(zip(store.memos()["text"], store.memos()["created_at"], strict=True))
    assert machine > 0
    settings = tmp_path / "settings.yml"
    cfg = _settings_yaml(reviewed, tmp_path / "store")
    settings.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    where = [*reviewed.where, "--settings", settings]
    _ok(_cli("ingest", *where))  # an empty corpus: the same files, nothing coded
    out = _ok(_cli("import", "qdpx", exported, *where))
    assert f"{machine} machine codings (import them with --with-machine) skipped." in out
    with Store(tmp_path / "store", create=False) as store:
        assert store.codings(kind="machine").empty
        got = store.codings(kind="human")[["segment_id", "code_id", "coder_id"]]
        memos = store.memos()
    assert sorted(map(tuple, got.values)) == sorted(map(tuple, people.values))
    assert sorted(zip(memos["text"], memos["created_at"], strict=True)) == dates  # the dates of the file
    _ok(_cli("import", "qdpx", exported, "--with-machine", *where))
    with Store(tmp_path / "store", create=False) as store:
        assert len(store.codings(kind="machine")) == machine
    assert "--with-machine" in _ok(_cli("import", "qdpx", "--help"))


def test_agreement_says_a_coded_span_counts_for_its_segment(reviewed):
    data = _strict_json(_ok(_cli("agreement", "--coders", "Fatima,Joris", "--json", *reviewed.where)))
    assert data["unit"] == "segment (a code applied to a span of a segment counts for the segment)"
    table = _ok(_cli("agreement", "--coders", "Fatima,Joris", *reviewed.where))
    assert "a coded span counting for its segment" in table


def test_import_qdpx_adds_the_qualcoder_codings(reviewed):
    out = _ok(reviewed.results["import qdpx"])
    assert "2 source(s) matched, 1 unmatched" in out and "codings +7" in out
    assert "unknown code 'Bereikbaarheid'" in out
    with reviewed.store() as store:
        human = store.codings(kind="human")
    assert human.groupby("coder_id").size().to_dict() == {"Fatima": 4, "Joris": 3, "anna": 4}


def test_agreement_between_fatima_and_joris_worked_out_by_hand(reviewed):
    data = _strict_json(_ok(_cli("agreement", "--coders", "Fatima,Joris", "--json", *reviewed.where)))
    assert data["coders"] == ["Fatima", "Joris"]
    thema = next(r for r in data["overall"] if r["dimension"] == "thema")
    assert thema["alpha"] == pytest.approx(0.125)
    assert [d["path"] for d in data["disagreements"]] == ["oost/notitie.txt"]
    # machine and people both coded 4 segments (anna's 3 and the mail paragraph), but none is in a check
    # sample, so nothing tests the machine: it may not stand, and the verdict says how to draw a check
    assert data["machine"]["n_segments"] == 0 and data["machine"]["may_stand"] is False
    assert data["machine"]["check"]["n_check"] == 0
    assert "--strategy check" in data["machine"]["explanation_en"]
    table = _ok(_cli("agreement", "--coders", "Fatima,Joris", *reviewed.where))
    assert "Coders: Fatima, Joris" in table and "Disagreements to discuss (1" in table


# -- stage 7-8: analyse, run, report -------------------------------------------------------------------------
def test_analyse_writes_the_overview_with_small_counts_suppressed(reviewed, tmp_path):
    tables = ["--table", "overzicht", "--table", "codering"]
    out = _ok(_cli("analyse", *tables, "--out", tmp_path, *reviewed.where))
    assert out.split() == [str(tmp_path / "overzicht.csv"), str(tmp_path / "codering.csv")]
    overview = {r["wijk"]: r for r in _csv_rows(tmp_path / "overzicht.csv")}
    noord, oost, city = overview["Noord"], overview["Oost"], overview["(stad)"]
    # fewer than 5 people and sources stand behind each wijk (Noord: a report, a transcript with 2 speakers
    # and a few respondents; Oost: 1 note, 1 respondent): their counts and shares are "<5", sessions shown
    assert (noord["sessions"], noord["session_segments"], noord["survey_answers"]) == ("2", "<5", "<5")
    assert (oost["sessions"], oost["session_segments"], oost["segments"]) == ("1", "<5", "<5")
    assert noord["human_share"] == oost["human_share"] == "<5"
    # coded by people: the wijkkrant and money segments of Noord, both paragraphs of Oost: 4 of the city's 12
    assert city["segments"] == "12" and float(city["human_share"]) == pytest.approx(4 / 12, abs=1e-4)
    coded_by = {r["coded_by"]: int(r["segments"]) for r in _csv_rows(tmp_path / "codering.csv")}
    assert coded_by["human"] == 4 and coded_by["machine"] == 8


def test_analyse_prints_only_the_table_asked_for(reviewed):
    out = _ok(_cli("analyse", "--wijk", "Noord", "--table", "prevalentie", *reviewed.where))
    assert "== prevalentie ==" in out and "== citaten ==" not in out
    assert "financiering" in out


def test_run_builds_noord_and_the_city_then_report_reuses_them(reported):
    out = _ok(reported["run"])
    assert "0 added, 0 updated, 4 unchanged, 0 removed" in out
    assert "2 built, 0 reused, 0 failed" in out
    run_dir = reported["runs"] / (reported["runs"] / "LATEST").read_text(encoding="utf-8").strip()
    assert (run_dir / "index.html").is_file() and reported["latest"].is_file()
    noord = (run_dir / "wijken" / "noord" / "wijkrapport-noord.html").read_text(encoding="utf-8")
    assert "Noord" in noord
    overview = {r["wijk"]: r for r in _csv_rows(run_dir / "wijken" / "noord" / "tables" / "overzicht.csv")}
    # Noord's 6 session segments come from 3 contributors: the notes of 2023-01-10 (one source, no speakers)
    # and the transcript's two speakers; 3 < min_count 5, so the count is suppressed (sessions always show)
    assert (overview["Noord"]["sessions"], overview["Noord"]["session_segments"]) == ("2", "<5")
    again = _ok(reported["report"])
    assert "0 built, 2 reused, 0 failed" in again


# -- evaluation ----------------------------------------------------------------------------------------------
def test_evaluate_counts_the_labelled_rows(tmp_path):
    figures = tmp_path / "figures.json"
    columns = ["--text-col", "tekst", "--label-col", "code"]
    out = _ok(_cli("evaluate", LABELLED, *columns, "--embedder", "hashing", "--json", figures))
    assert "8 rows, 3 labels, zero-shot" in out and "2 row(s) without text or label were left out" in out
    data = _strict_json(figures.read_text(encoding="utf-8"))
    assert (data["n_rows"], data["n_labels"], data["mode"]) == (8, 3, "zero-shot")
    # labelled.csv: Wonen 3, Verkeer 3, Groen 2; each row of the confusion matrix holds one label's rows
    support = {r["code"]: r["support"] for r in data["per_code"]}
    assert support == {"groen": 2, "verkeer": 3, "wonen": 3}
    assert [sum(row) for row in data["confusion"]["matrix"]] == [2, 3, 3]


# -- stage 9: exchange ---------------------------------------------------------------------------------------
def test_export_qdpx_is_a_valid_project_with_every_source_coder_and_memo(reviewed, tmp_path):
    path = tmp_path / "project.qdpx"
    out = _ok(_cli("export", "qdpx", "--out", path, *reviewed.where))
    assert f"Wrote {path}" in out
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        sources = [n for n in zf.namelist() if n.startswith("Sources/")]
    assert _schema("Project-mrt2019.xsd").validate(root)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert len(root.findall("q:Sources/q:TextSource", ns)) == 4 == len(sources)
    users = {u.get("id") for u in root.findall("q:Users/q:User", ns)}
    assert users == {"anna", "piet", "Fatima", "Joris", "machine"}
    assert len(root.findall("q:Notes/q:Note", ns)) == 4


def test_export_qdc_then_import_qdc_gives_back_the_codebook(reviewed, tmp_path):
    qdc = tmp_path / "codeboek.qdc"
    _ok(_cli("export", "qdc", "--out", qdc, *reviewed.where))
    assert _schema("Codebook.xsd").validate(etree.parse(str(qdc)))
    back = tmp_path / "codeboek.yml"
    out = _ok(_cli("import", "qdc", qdc, "--out", back))
    assert f"Wrote {back}" in out
    raw = yaml.safe_load(DEMO_CODEBOOK.read_text(encoding="utf-8"))
    again = yaml.safe_load(back.read_text(encoding="utf-8"))
    assert [c["id"] for c in again["codes"]] == [c["id"] for c in raw["codes"]]
    assert "Codebook" in _ok(_cli("codebook-check", back))


def test_export_csv_of_the_human_codings(reviewed, tmp_path):
    path = tmp_path / "codings.csv"
    _ok(_cli("export", "csv", "--kind", "human", "--out", path, *reviewed.where))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads the accents
    rows = _csv_rows(path)
    assert list(rows[0]) == CODINGS_HEADER
    assert len(rows) == 4 + 7 and {r["kind"] for r in rows} == {"human"}
    assert {r["coder_id"] for r in rows} == {"anna", "Fatima", "Joris"}


def test_export_xlsx_of_the_human_codings(reviewed, tmp_path):
    path = tmp_path / "codings.xlsx"
    _ok(_cli("export", "xlsx", "--kind", "human", "--out", path, *reviewed.where))
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[0]) == CODINGS_HEADER
    coder = CODINGS_HEADER.index("coder_id")
    assert len(rows) == 1 + 11 and {r[coder] for r in rows[1:]} == {"anna", "Fatima", "Joris"}


# -- bad arguments: one clear message, exit code 2, never a traceback ----------------------------------------
def _assert_clear_refusal(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, _why(result)
    assert isinstance(result.exception, SystemExit), _why(result)
    assert "Traceback" not in result.output
    flat = " ".join(result.output.replace("│", " ").split())
    for fragment in fragments:
        assert fragment in flat, result.output


def test_bad_corpus_and_settings_are_refused(tmp_path):
    _assert_clear_refusal(
        _cli("ingest", "--corpus", tmp_path / "nope"), "Error: Corpus folder", "does not exist"
    )
    _assert_clear_refusal(
        _cli("ingest", "--corpus", MINI_CORPUS, "--settings", tmp_path / "nope.yml"),
        "Error: Settings file", "nope.yml does not exist",
    )  # fmt: skip
    bad = tmp_path / "bad.yml"
    bad.write_text("min_count: 0\nlanguage: fr\n", encoding="utf-8")
    _assert_clear_refusal(
        _cli("status", "--corpus", MINI_CORPUS, "--settings", bad), "2 problem(s)", "min_count", "language"
    )


def test_status_without_a_store_says_to_ingest_first(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI_CORPUS, corpus)
    with (corpus / "wijkanalyse.yml").open("a", encoding="utf-8") as fh:
        fh.write(f"store_dir: {tmp_path / 'store'}\n")
    _assert_clear_refusal(_cli("status", "--corpus", corpus), "Error: No store at", "wijkanalyse ingest")
    assert not (tmp_path / "store" / "wijkanalyse.sqlite").exists()


def test_bad_input_files_for_the_file_verbs(tmp_path):
    enquete = MINI_CORPUS / "enquete" / "enquete.csv"
    _assert_clear_refusal(
        _cli("code-file", tmp_path / "nope.csv", "--text-col", "tekst"), "Error:", "nope.csv does not exist"
    )
    _assert_clear_refusal(
        _cli("code-file", enquete, "--text-col", "antwoord", "--embedder", "hashing", "-o", tmp_path / "c"),
        "Error:", "'antwoord'",
    )  # fmt: skip
    _assert_clear_refusal(
        _cli("discover-file", enquete, "--text-col", "Welke zorgen heeft u?", "--embedder", "hashing",
             "--out", tmp_path),
        "Error:", "at least 10 texts", "Got 4",
    )  # fmt: skip
    _assert_clear_refusal(
        _cli("evaluate", LABELLED, "--text-col", "tekst", "--label-col", "label"), "Columns found"
    )
    _assert_clear_refusal(
        _cli("codebook-check", FIXTURES / "codebook_typo.yml"),
        "Did you mean 'definition'", "'blauw'", "duplicate id 'financiering'", "parent 'organisatie'",
    )  # fmt: skip


def test_bad_arguments_of_the_store_verbs(reviewed, tmp_path):
    where = reviewed.where
    _assert_clear_refusal(_cli("code", "--embedder", "geen-model", *where), "Error:", "geen-model")
    _assert_clear_refusal(_cli("analyse", "--wijk", "Atlantis", *where), "Unknown wijk 'Atlantis'")
    _assert_clear_refusal(_cli("analyse", "--table", "taart", *where), "Unknown table(s) ['taart']")
    _assert_clear_refusal(_cli("analyse", "--taart", *where), "No such option: --taart")
    _assert_clear_refusal(_cli("report", "--wijk", "Atlantis", *where), "Error:", "Atlantis")
    _assert_clear_refusal(_cli("run", "--jobs", "0", *where), "Invalid value for '--jobs'")


def test_bad_arguments_of_review_memo_and_agreement(reviewed, tmp_path):
    where = reviewed.where
    _assert_clear_refusal(
        _cli("review", "export", "--coder", "anna", "--wijk", "Atlantis", "-o", tmp_path / "s.xlsx", *where),
        "No segments", "Atlantis",
    )  # fmt: skip
    missing = tmp_path / "nope.xlsx"
    _assert_clear_refusal(_cli("review", "import", missing, "--coder", "anna", *where), "does not exist")
    _assert_clear_refusal(
        _cli("memo", "add", "wijk", "Noord", "tekst", "--author", "anna", *where), "Got target kind 'wijk'"
    )
    _assert_clear_refusal(_cli("agreement", "--coders", "anna,kees", *where), "'kees'")
    _assert_clear_refusal(_cli("review", "export", *where), "Missing option '--coder'")


def test_bad_arguments_of_export_and_import(reviewed, tmp_path):
    where = reviewed.where
    _assert_clear_refusal(
        _cli("export", "csv", "--kind", "robot", *where), "--kind must be 'human' or 'machine'"
    )
    _assert_clear_refusal(_cli("export", "xlsx", "--out", tmp_path / "c.json", *where), ".csv or .xlsx")
    _assert_clear_refusal(_cli("import", "qdpx", tmp_path / "nope.qdpx", *where), "is not a .qdpx (zip) file")
    existing = tmp_path / "codeboek.yml"
    existing.write_text("name: mijn codeboek\n", encoding="utf-8")
    _assert_clear_refusal(
        _cli("import", "qdc", tmp_path / "any.qdc", "--out", existing), "exists", "--force"
    )
    assert existing.read_text(encoding="utf-8") == "name: mijn codeboek\n"


def test_the_verbs_left_the_corpus_untouched(reviewed):
    """Raw data is read-only: after the verbs the copied corpus equals the fixture, but for its settings."""
    for src in MINI_CORPUS.rglob("*"):
        if src.is_file() and src.name != "wijkanalyse.yml":
            assert (reviewed.corpus / src.relative_to(MINI_CORPUS)).read_bytes() == src.read_bytes()
    copied = {p.relative_to(reviewed.corpus) for p in reviewed.corpus.rglob("*")}
    assert copied == {p.relative_to(MINI_CORPUS) for p in MINI_CORPUS.rglob("*")}


# -- where things go: the folder the user works in (issue 10, item 9) ---------------------------------------
def _listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def test_ingest_writes_under_the_folder_it_is_run_from_and_outputs_moves_it(tmp_path, monkeypatch):
    monkeypatch.delenv("WIJKANALYSE_HOME", raising=False)
    corpus = tmp_path / "gegevens" / "corpus"
    shutil.copytree(MINI_CORPUS, corpus)
    work = tmp_path / "werkmap"
    work.mkdir()
    monkeypatch.chdir(work)
    corpus_id = load_settings(corpus).corpus_id
    checkout = {name: _listing(CHECKOUT / name) for name in ("outputs", "private")}

    _ok(_cli("ingest", "--corpus", corpus))
    store = work / "outputs" / corpus_id / "store"
    assert (store / "wijkanalyse.sqlite").is_file()
    assert (work / "private" / corpus_id / "pseudonym_key.sqlite").is_file()
    assert f"Store: {store}" in _ok(_cli("status", "--corpus", corpus))
    _ok(_cli("code-file", corpus / "enquete" / "enquete.csv", "--text-col", "Welke zorgen heeft u?",
             "--embedder", "hashing", "--codebook", DEMO_CODEBOOK))  # fmt: skip
    assert (work / "outputs" / "enquete_codes.csv").is_file()

    elsewhere = tmp_path / "elders"
    _ok(_cli("ingest", "--corpus", corpus, "--outputs", elsewhere))
    assert (elsewhere / corpus_id / "store" / "wijkanalyse.sqlite").is_file()
    assert f"Store: {elsewhere / corpus_id / 'store'}" in _ok(
        _cli("status", "--corpus", corpus, "--outputs", elsewhere)
    )
    for name, before in checkout.items():  # nothing of this corpus went into the checkout
        assert not (_listing(CHECKOUT / name) - before) & {corpus_id, "corpus", "enquete_codes.csv"}
