"""Human coding, memos and the coding-sheet round trip, on the hand-written mini corpus."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from conftest import add_machine_coding as _machine
from conftest import demo_codebook, mini_cli_args
from wijkanalyse.coding.apply import code_store
from wijkanalyse.review import coded_table, sheet
from wijkanalyse.review import decisions as review
from wijkanalyse.review.decisions import ReviewError
from wijkanalyse.store import now_iso

# segments of the mini corpus (ids derive from document path and text, so they are stable)
KRANT = "12dfd9d050c9e6d7"  # "De wijkkrant moet blijven."
AANSPREEKPUNT = "bafcb47262a4b2bd"  # "De wijkraad is het aanspreekpunt in de wijk. ..."
COMMUNICATIE = "23014e4de6db960d"  # "De communicatie van de gemeente moet beter. ..."
WIJKKRANT_MAIL = "0bbcf3a6fdf8cfcc"  # "Graag tijdig informeren via de wijkkrant. ..."
# the themes of the bundled codebook, in its order (its kinds: behouden, verbeteren, vraag_of_zorg)
THEMES = [
    "vertrouwen", "nakomen_afspraken", "zeggenschap", "financiering", "diversiteit", "communicatie",
    "communicatiemiddelen", "participatie", "samenwerking_partners", "continuiteit", "kennis_en_ervaring",
    "organisatie", "schaalniveau", "aanspreekpunt", "vrijwillige_inzet",
]  # fmt: skip


@pytest.fixture()
def store(mini_store):
    """The mini corpus's store with its codebook's codes, as every command that lets people code makes it."""
    _settings, store = mini_store
    review.ensure_codes(store, demo_codebook())
    return store


def _rows(store, segment_id=None):
    sql = "SELECT segment_id, code_id, coder_id, kind, status FROM codings"
    rows = store.con.execute(sql).fetchall()
    return {tuple(r) for r in rows if segment_id is None or r[0] == segment_id}


def test_mini_corpus_segment_ids_are_the_ones_this_test_expects(store):
    texts = dict(store.con.execute("SELECT segment_id, text FROM segments").fetchall())
    assert texts[KRANT] == "De wijkkrant moet blijven."
    assert texts[COMMUNICATIE].startswith("De communicatie van de gemeente")


# -- coders ------------------------------------------------------------------------------------------------
def test_coder_ids_are_checked_and_machine_is_reserved(store):
    assert review.ensure_coder(store, "  anna ") == "anna"
    with pytest.raises(ReviewError, match="reserved for the coding engine"):
        review.ensure_coder(store, "Machine")
    with pytest.raises(ReviewError, match="Got ''"):
        review.ensure_coder(store, "")
    with pytest.raises(ReviewError, match="Got 'a/b'"):
        review.ensure_coder(store, "a/b")
    store.ensure_coder("model-x", kind="machine")
    with pytest.raises(ReviewError, match="belongs to a machine coder"):
        review.ensure_coder(store, "model-x")


# -- codings -----------------------------------------------------------------------------------------------
def test_add_reject_remove_are_the_coders_own_rows(store):
    review.add_coding(store, KRANT, "communicatiemiddelen", "anna")
    review.add_coding(store, KRANT, "communicatiemiddelen", "piet")
    review.reject_coding(store, KRANT, "communicatiemiddelen", "piet")
    assert _rows(store, KRANT) == {
        (KRANT, "communicatiemiddelen", "anna", "human", "applied"),
        (KRANT, "communicatiemiddelen", "piet", "human", "rejected"),
    }
    assert review.remove_coding(store, KRANT, "communicatiemiddelen", "piet") is True
    assert review.remove_coding(store, KRANT, "communicatiemiddelen", "piet") is False
    assert _rows(store, KRANT) == {(KRANT, "communicatiemiddelen", "anna", "human", "applied")}


def test_unknown_code_or_segment_is_refused_with_a_suggestion(store):
    with pytest.raises(ReviewError, match="Did you mean 'vertrouwen'"):
        review.add_coding(store, KRANT, "vertrouwn", "anna")
    with pytest.raises(ReviewError, match="No segment with id 'nope'"):
        review.add_coding(store, "nope", "vertrouwen", "anna")
    assert _rows(store) == set()


def test_accepting_a_machine_proposal_records_a_human_coding_and_keeps_the_machines(store):
    _machine(store, KRANT, "communicatiemiddelen", 0.91)
    review.accept_machine_coding(store, KRANT, "communicatiemiddelen", "anna")
    assert _rows(store, KRANT) == {
        (KRANT, "communicatiemiddelen", "machine", "machine", "applied"),
        (KRANT, "communicatiemiddelen", "anna", "human", "applied"),
    }
    conf = store.con.execute("SELECT confidence FROM codings WHERE coder_id = 'machine'").fetchone()[0]
    assert conf == pytest.approx(0.91)
    with pytest.raises(ReviewError, match="proposed no code 'vertrouwen'"):
        review.accept_machine_coding(store, KRANT, "vertrouwen", "anna")


def test_set_segment_codes_replaces_only_the_coders_own_applied_codes(store):
    _machine(store, KRANT, "vertrouwen")
    review.add_coding(store, KRANT, "behouden", "piet")
    review.add_coding(store, KRANT, "kennis_en_ervaring", "anna")
    counts = review.set_segment_codes(
        store, KRANT, ["communicatiemiddelen", "behouden"], "anna", rejected=["vertrouwen"]
    )
    assert counts == {"added": 2, "removed": 1, "unchanged": 0, "rejected": 1}
    assert _rows(store, KRANT) == {
        (KRANT, "vertrouwen", "machine", "machine", "applied"),
        (KRANT, "behouden", "piet", "human", "applied"),
        (KRANT, "communicatiemiddelen", "anna", "human", "applied"),
        (KRANT, "behouden", "anna", "human", "applied"),
        (KRANT, "vertrouwen", "anna", "human", "rejected"),
    }
    with pytest.raises(ReviewError, match=r"cannot go with a theme: \['communicatie'\]"):
        review.set_segment_codes(store, KRANT, ["geen", "communicatie", "behouden"], "anna")
    # "no theme" plus a kind of input ('behouden' is a soort of the bundled codebook) is a valid decision
    counts = review.set_segment_codes(store, KRANT, ["geen", "behouden"], "anna")
    assert counts == {"added": 1, "removed": 1, "unchanged": 1, "rejected": 0}
    assert {r[1] for r in _rows(store, KRANT) if r[2] == "anna" and r[4] == "applied"} == {"geen", "behouden"}
    with pytest.raises(ReviewError, match="'bestaatniet'"):
        review.set_segment_codes(store, KRANT, ["bestaatniet"], "anna")


def test_code_store_does_not_overwrite_human_codings(store, make_settings):
    """A machine run leaves people's decisions alone and does not propose a code a person rejected."""
    review.add_coding(store, KRANT, "vertrouwen", "anna")
    review.reject_coding(store, KRANT, "communicatiemiddelen", "anna")
    before = {r for r in _rows(store) if r[3] == "human"}
    code_store(store, make_settings(embedder="hashing"))
    rows = _rows(store)
    assert {r for r in rows if r[3] == "human"} == before
    machine = {r for r in rows if r[3] == "machine"}
    assert {r[0] for r in machine} >= {KRANT, COMMUNICATIE, AANSPREEKPUNT}  # the machine did code
    assert (KRANT, "communicatiemiddelen", "machine", "machine", "applied") not in machine


# -- memos -------------------------------------------------------------------------------------------------
def test_memos_on_every_kind_of_target(store):
    review.add_memo(store, "segment", KRANT, "anna", "Sterk citaat voor het rapport.")
    review.add_memo(store, "code", "vertrouwen", "piet", "Grens met zeggenschap bespreken.")
    review.add_memo(store, "document", "oost/notitie.txt", "anna", "Notitie van de wijkmanager.")
    review.add_memo(store, "project", "", "anna", "Eerste codeerronde klaar.")
    memos = store.memos()
    assert list(memos["target_kind"]) == ["segment", "code", "document", "project"]
    doc_id = store.con.execute("SELECT doc_id FROM documents WHERE path = 'oost/notitie.txt'").fetchone()[0]
    assert memos.iloc[2]["target_id"] == doc_id  # a path is stored as the document's id
    assert list(review.memos_for(store, "segment", KRANT)["text"]) == ["Sterk citaat voor het rapport."]
    with pytest.raises(ReviewError, match="empty memo"):
        review.add_memo(store, "segment", KRANT, "anna", "  ")
    with pytest.raises(ReviewError, match="one of code, segment, document, project"):
        review.add_memo(store, "wijk", "Noord", "anna", "tekst")
    with pytest.raises(ReviewError, match="No document"):
        review.add_memo(store, "document", "west/x.txt", "anna", "tekst")


# -- choosing segments and showing one ---------------------------------------------------------------------
def test_sample_is_reproducible_and_the_same_for_two_coders(store):
    a = review.select_segments(store, sample=4, seed=1)
    b = review.select_segments(store, sample=4, seed=1)
    c = review.select_segments(store, sample=4, seed=2)
    assert list(a["segment_id"]) == list(b["segment_id"]) and len(a) == 4
    assert list(a["segment_id"]) != list(c["segment_id"])
    assert set(review.select_segments(store, wijk="Oost")["wijk"]) == {"Oost"}
    with pytest.raises(ReviewError, match="positive number"):
        review.select_segments(store, sample=0)


def test_segment_view_has_context_proposals_and_own_codes(store):
    _machine(store, WIJKKRANT_MAIL, "communicatiemiddelen", 0.7)
    _machine(store, WIJKKRANT_MAIL, "communicatie", 0.9)
    review.add_coding(store, WIJKKRANT_MAIL, "communicatie", "anna")
    view = review.segment_view(store, WIJKKRANT_MAIL, "anna")
    assert view["before"].startswith("De communicatie van de gemeente")
    assert view["after"] == ""
    assert [p[0] for p in view["proposals"]] == ["communicatie", "communicatiemiddelen"]
    assert view["mine"] == {"communicatie": "applied"}


def test_survey_answers_only_get_the_same_respondents_answers_as_context(store):
    survey = store.query(
        "SELECT segment_id, respondent_id, text FROM segments "
        "WHERE respondent_id IS NOT NULL ORDER BY position"
    )
    ctx = review.context_texts(store, survey["segment_id"])
    by_resp = survey.groupby("respondent_id")["segment_id"].apply(list).to_dict()
    first, second = by_resp["1"]  # respondent 1 answered both questions: each is the other's context
    assert ctx[first] == ("", "Wie betaalt straks de activiteiten?")
    assert ctx[second] == ("De wijkraad als aanspreekpunt", "")
    (only,) = by_resp["2"]  # the next answer in the file is respondent 4's: no context
    assert ctx[only] == ("", "")


# -- the coding sheet --------------------------------------------------------------------------------------
def _header_index(ws):
    return {c.value: c.column for c in ws[1]}


def _fill(path, rows, *, edits=None, extra_rows=()):
    """Fill code and memo cells: rows = {segment_id: ([codes], memo)}; edits = {segment_id: {column: v}}."""
    wb = openpyxl.load_workbook(path)
    ws = wb["coderen"]
    h = _header_index(ws)
    for r in range(2, ws.max_row + 1):
        seg = ws.cell(r, h["segment_id"]).value
        if seg in rows:
            codes, memo = rows[seg]
            for i, code in enumerate(codes, start=1):
                ws.cell(r, h[f"code {i}"]).value = code
            ws.cell(r, h["memo"]).value = memo
        for col, value in (edits or {}).get(seg, {}).items():
            ws.cell(r, h[col]).value = value
    for extra in extra_rows:
        r = ws.max_row + 1
        for col, value in extra.items():
            ws.cell(r, h[col]).value = value
    wb.save(path)


def test_export_sheet_layout_dropdown_and_prefill(store, tmp_path):
    review.add_coding(store, KRANT, "communicatiemiddelen", "anna")
    review.add_coding(store, KRANT, "behouden", "anna")
    review.add_coding(store, KRANT, "vertrouwen", "piet")  # someone else's: never shown
    _machine(store, KRANT, "communicatiemiddelen", 0.83)
    path = sheet.export_coding_sheet(store, tmp_path / "anna.xlsx", coder="anna", wijk="Noord")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["coderen", "codes", "info"]
    ws = wb["coderen"]
    headers = [c.value for c in ws[1]]
    assert headers[:9] == [  # Noord has survey answers: the column 'vraag'
        "segment_id", "document", "wijk", "spreker", "vraag", "context ervoor", "tekst", "context erna",
        "voorstellen machine",
    ]  # fmt: skip
    assert headers[-6:] == ["code 1", "code 2", "code 3", "soort", "afwijzen", "memo"]
    h = _header_index(ws)
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == KRANT)
    assert ws.cell(row, h["voorstellen machine"]).value == "communicatiemiddelen (0.83)"
    # the coder's own codes: the theme in a code column, the kind of input ('behouden') in 'soort'
    assert ws.cell(row, h["code 1"]).value == "communicatiemiddelen"
    assert ws.cell(row, h["soort"]).value == "behouden"
    assert ws.cell(row, h["code 2"]).value is None
    assert {ws.cell(r, h["wijk"]).value for r in range(2, ws.max_row + 1)} == {"Noord"}
    codes = [c.value for c in wb["codes"]["A"][1:]]
    # themes and geen first, then the kinds: each dropdown lists one of the two ranges
    assert codes[:16] == [*THEMES, "geen"] and codes[16:] == ["behouden", "verbeteren", "vraag_of_zorg"]
    dv = {d.formula1: sorted(str(d.sqref).split()) for d in ws.data_validations.dataValidation}

    def ranges(*names):
        letters = [openpyxl.utils.get_column_letter(h[n]) for n in names]
        return sorted(f"{c}2:{c}{ws.max_row}" for c in letters)

    assert dv == {
        "codes!$A$2:$A$17": ranges("code 1", "code 2", "code 3"),
        "codes!$A$18:$A$20": ranges("soort"),
        '"alle"': ranges("afwijzen"),
    }
    info = {r[0].value: r[1].value for r in wb["info"].iter_rows()}
    assert info["coder"] == "anna" and info["blind"] == "nee"
    assert ws.protection.sheet and not ws.cell(row, h["code 1"]).protection.locked
    assert ws.cell(row, h["tekst"]).protection.locked
    blind = sheet.export_coding_sheet(store, tmp_path / "blind.xlsx", coder="anna", blind=True)
    assert "voorstellen machine" not in [c.value for c in openpyxl.load_workbook(blind)["coderen"][1]]


def test_cells_that_look_like_formulas_are_written_as_text(store, tmp_path):
    texts = ['=HYPERLINK("http://x","klik")', "+31 is het landnummer", "-- gedachtestreepje", "@gemeente"]
    doc = "\n\n".join(texts)
    with store.transaction() as con:
        con.execute(
            "INSERT INTO documents(doc_id, path, content_hash, format, wijk, text, ingested_at) "
            "VALUES ('dx', 'west/x.txt', 'x', 'txt', 'West', ?, ?)",
            (doc, now_iso()),
        )
        pos = 0
        for i, t in enumerate(texts):
            con.execute(
                'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit, '
                "wijk) "
                "VALUES (?, 'dx', ?, ?, ?, ?, 'h', 'paragraph', 'West')",
                (f"x{i}", i, pos, pos + len(t), t),
            )
            pos += len(t) + 2
    path = sheet.export_coding_sheet(store, tmp_path / "w.xlsx", coder="anna", wijk="West")
    ws = openpyxl.load_workbook(path)["coderen"]
    h = _header_index(ws)
    cells = [ws.cell(r, h["tekst"]) for r in range(2, 6)]
    assert [c.value for c in cells] == texts  # unchanged text ...
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)  # ... stored as text, never a formula
    # and it imports back without an 'edited text' complaint
    _fill(path, {"x0": (["geen"], None)})
    assert sheet.import_coding_sheet(store, path, "anna").added == 1
    out = coded_table.export_codings_table(store, tmp_path / "codings.csv")
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["text"] == "'" + texts[0]  # CSV has no cell types: an apostrophe defuses it


def test_import_applies_codes_and_memos_and_reimport_updates_own_codes(store, tmp_path):
    review.add_coding(store, KRANT, "behouden", "piet")
    path = sheet.export_coding_sheet(store, tmp_path / "anna.xlsx", coder="anna")
    _fill(
        path,
        {
            KRANT: (["communicatiemiddelen", "Behouden"], "Over de wijkkrant."),  # case of an id is forgiven
            COMMUNICATIE: (["communicatie", "verbeteren"], None),
            AANSPREEKPUNT: (["aanspreekpunt", "aanspreekpunt"], None),  # twice: counted once, noted
        },
    )
    result = sheet.import_coding_sheet(store, path, "anna")
    assert result.applied and result.added == 5 and result.memos == 1
    assert result.coded_rows == 3 and result.skipped_rows == result.rows - 3
    assert any("appears twice" in w for w in result.warnings)
    assert (KRANT, "behouden", "piet", "human", "applied") in _rows(store)  # another coder's row untouched
    # importing the same sheet again changes nothing and does not repeat the memo
    again = sheet.import_coding_sheet(store, path, "anna")
    assert (again.added, again.removed, again.unchanged, again.memos) == (0, 0, 5, 0)
    # the coder edits their own sheet: one code less on KRANT
    _fill(path, {KRANT: (["communicatiemiddelen", None], "Over de wijkkrant.")})
    third = sheet.import_coding_sheet(store, path, "anna")
    assert (third.added, third.removed) == (0, 1)
    assert {r[1] for r in _rows(store, KRANT) if r[2] == "anna"} == {"communicatiemiddelen"}
    assert (KRANT, "behouden", "piet", "human", "applied") in _rows(store)
    assert len(store.memos()) == 1


def test_import_reports_every_problem_per_row_and_applies_nothing(store, tmp_path):
    path = sheet.export_coding_sheet(store, tmp_path / "anna.xlsx", coder="anna")
    _fill(
        path,
        {
            KRANT: (["vertrouwn"], None),
            COMMUNICATIE: (["communicatie"], None),
            AANSPREEKPUNT: (["geen", "communicatie"], None),
        },
        edits={
            WIJKKRANT_MAIL: {"tekst": "Graag tijdig informeren via de website.", "code 1": "communicatie"}
        },
        extra_rows=[
            {"segment_id": KRANT, "tekst": "De wijkkrant moet blijven.", "code 1": "behouden"},
            {"segment_id": "ffffffffffffffff", "tekst": "Bestaat niet.", "code 1": "vertrouwen"},
        ],
    )
    with pytest.raises(ReviewError) as err:
        sheet.import_coding_sheet(store, path, "anna")
    problems = err.value.problems
    text = "\n".join(problems)
    assert len(problems) == 5, text
    assert "unknown code 'vertrouwn' in column 'code 1'. Did you mean 'vertrouwen'?" in text
    assert "text of segment 0bbcf3a6fdf8cfcc was edited" in text
    assert f"segment {KRANT} is also on row" in text
    assert "unknown segment_id 'ffffffffffffffff'" in text
    assert "'geen' (no theme applies) cannot go with a theme: ['communicatie']" in text
    assert all(p.startswith("row ") for p in problems)
    assert "nothing was imported" in str(err.value)
    assert _rows(store) == set()  # the valid row (COMMUNICATIE) was not applied either

    partial = sheet.import_coding_sheet(store, path, "anna", partial=True)
    assert partial.applied and len(partial.problems) == 5
    assert _rows(store) == {(COMMUNICATIE, "communicatie", "anna", "human", "applied")}


def test_sheet_for_another_coder_is_refused(store, tmp_path):
    path = sheet.export_coding_sheet(store, tmp_path / "anna.xlsx", coder="anna")
    _fill(path, {KRANT: (["behouden"], None)})
    with pytest.raises(ReviewError, match="made for coder 'anna', not 'piet'"):
        sheet.import_coding_sheet(store, path, "piet")
    assert _rows(store) == set()


def test_dry_run_writes_nothing_and_a_moved_segment_is_pointed_out(store, tmp_path):
    path = sheet.export_coding_sheet(store, tmp_path / "anna.xlsx", coder="anna")
    _fill(path, {KRANT: (["behouden"], "memo")})
    checked = sheet.import_coding_sheet(store, path, "anna", dry_run=True)
    assert not checked.applied and checked.coded_rows == 1 and _rows(store) == set() and store.memos().empty
    _fill(path, {}, edits={KRANT: {"segment_id": "0000000000000000"}})
    with pytest.raises(ReviewError, match=f"The same text is now segment {KRANT}"):
        sheet.import_coding_sheet(store, path, "anna")


def test_not_a_coding_sheet(store, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Blad1"
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(ReviewError, match=r"no sheet 'coderen' \(sheets found: \['Blad1'\]\)"):
        sheet.import_coding_sheet(store, tmp_path / "x.xlsx", "anna")
    with pytest.raises(ReviewError, match="does not exist"):
        sheet.import_coding_sheet(store, tmp_path / "missing.xlsx", "anna")


def test_coded_table_as_xlsx_and_csv(store, tmp_path):
    review.add_coding(store, KRANT, "behouden", "anna")
    _machine(store, KRANT, "communicatiemiddelen", 0.6)
    out = coded_table.export_codings_table(store, tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(out)["codings"]
    headers = [c.value for c in ws[1]]
    assert {"segment_id", "document", "text", "code_id", "coder_id", "kind", "confidence"} <= set(headers)
    assert ws.max_row == 3
    only_human = coded_table.export_codings_table(
        store, tmp_path / "h.csv", kind="human", columns=["segment_id", "code_id"]
    )
    assert only_human.read_text(encoding="utf-8-sig").splitlines() == [
        "segment_id,code_id",
        f"{KRANT},behouden",
    ]
    with pytest.raises(ReviewError, match="as .csv or .xlsx"):
        coded_table.export_codings_table(store, tmp_path / "c.json")


# -- the command line --------------------------------------------------------------------------------------
def test_command_line_round_trip(tmp_path):
    import json

    from typer.testing import CliRunner

    from wijkanalyse.cli.main import app

    where = mini_cli_args(tmp_path)
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, [*args, *where])
        return result.exit_code, result.output

    assert run("ingest")[0] == 0
    sheets = {}
    for coder in ("anna", "piet"):
        out = tmp_path / f"{coder}.xlsx"
        code, text = run("review", "export", "--coder", coder, "--wijk", "Oost", "--out", str(out))
        assert code == 0 and str(out) in text
        sheets[coder] = out
    _fill(
        sheets["anna"],
        {COMMUNICATIE: (["communicatie"], None), WIJKKRANT_MAIL: (["communicatiemiddelen"], "")},
    )
    _fill(sheets["piet"], {COMMUNICATIE: (["communicatie"], None), WIJKKRANT_MAIL: (["communicatie"], None)})
    code, text = run("review", "import", str(sheets["anna"]), "--coder", "piet")
    assert code == 2 and "made for coder 'anna', not 'piet'" in text
    for coder, path in sheets.items():
        code, text = run("review", "import", str(path), "--coder", coder)
        assert code == 0 and "codings +2" in text, text
    code, text = run("memo", "add", "segment", KRANT, "Goed citaat", "--author", "anna")
    assert code == 0 and "Memo 1 saved on the segment" in text
    code, text = run("agreement", "--json")
    data = json.loads(text)
    # Oost: COMMUNICATIE agreed; WIJKKRANT_MAIL communicatiemiddelen vs communicatie -> one disagreement
    assert data["coders"] == ["anna", "piet"] and len(data["disagreements"]) == 1
    assert data["machine"]["may_stand"] is False
    code, text = run("agreement")
    assert code == 0 and "Disagreements to discuss (1" in text
    code, text = run("export", "qdpx", "--out", str(tmp_path / "p.qdpx"))
    assert code == 0 and "4 codings by 2 users" in text
    code, text = run("import", "qdpx", str(tmp_path / "p.qdpx"), "--dry-run")
    assert code == 0 and "already there: 4" in text
    code, text = run("export", "csv", "--out", str(tmp_path / "c.csv"))
    assert code == 0 and (tmp_path / "c.csv").exists()
    code, text = run("agreement", "--coders", "anna,kees")
    assert code == 2 and "'kees'" in text


# -- the notebook widget ----------------------------------------------------------------------------------
def test_coding_widget_builds_headless_and_saves_at_once(store):
    from wijkanalyse.explore.coding_widget import CodingWidget, coding_progress

    _machine(store, WIJKKRANT_MAIL, "communicatie", 0.9)
    _machine(store, WIJKKRANT_MAIL, "vertrouwen", 0.2, status="rejected")  # under the machine's threshold
    w = CodingWidget(store, "anna", [COMMUNICATIE, WIJKKRANT_MAIL])
    assert _rows(store) == {r for r in _rows(store) if r[2] == "machine"}  # building it wrote nothing
    assert "Segment 1 van 2" in w._header.value and "De communicatie van de gemeente" in w._spans.text
    assert w.save() is False and "Niets gekozen" in w._status.value
    w.choose(["communicatie", "verbeteren"], memo="Klassieker.")
    assert w.save() is True
    w.next()
    assert w.segment_id == WIJKKRANT_MAIL
    assert {c: b.value for c, b in w._checks.items()} == {"communicatie": True, "vertrouwen": False}
    w._checks["communicatie"].value = False  # the person unticks the proposal and adds another code
    w._extra.value = ["communicatiemiddelen"]
    assert w.save()
    assert {r for r in _rows(store) if r[2] == "anna"} == {
        (COMMUNICATIE, "communicatie", "anna", "human", "applied"),
        (COMMUNICATIE, "verbeteren", "anna", "human", "applied"),
        (WIJKKRANT_MAIL, "communicatiemiddelen", "anna", "human", "applied"),
        (WIJKKRANT_MAIL, "communicatie", "anna", "human", "rejected"),
        (WIJKKRANT_MAIL, "vertrouwen", "anna", "human", "rejected"),
    }
    assert list(store.memos()["text"]) == ["Klassieker."]
    w.previous()  # earlier decisions come back in the form
    assert list(w._extra.value) == ["communicatie"] and w._memo.value == ""
    assert w._kind_checks["verbeteren"].value is True  # a kind of input has its own tick box
    w.choose(["communicatie"], none=True)
    assert w.save() is False and "cannot go with a theme" in w._status.value
    progress = coding_progress(store).set_index("wijk")
    assert progress.loc["Oost", "anna"] == 2 and progress.loc["Oost", "segments"] == 3
    with pytest.raises(ReviewError, match="not 'machine'"):
        CodingWidget(store, "machine")
    empty = CodingWidget(store, "anna", [])
    assert empty.segment_id is None and "Geen segmenten" in empty._status.value


def test_ensure_codes_adds_the_codebooks_missing_codes_only(mini_store):
    _settings, store = mini_store
    cb = demo_codebook()
    with store.transaction() as con:
        con.execute("DELETE FROM codes")  # as before any code run
        con.execute(
            "INSERT INTO codes(code_id, dimension, label_nl) VALUES ('vertrouwen', 'thema', 'Eigen label')"
        )
    added = review.ensure_codes(store, cb)
    assert added == len(cb.codes) + len(cb.soort) - 1
    assert review.ensure_codes(store, cb) == 0
    label = store.con.execute("SELECT label_nl FROM codes WHERE code_id = 'vertrouwen'").fetchone()[0]
    assert label == "Eigen label"  # what the coding engine wrote stays


def test_control_characters_do_not_break_the_sheet(store, tmp_path):
    text = "Tab\there, bel\x07 en formulier\x0c-teken."
    with store.transaction() as con:
        con.execute(
            "INSERT INTO documents(doc_id, path, content_hash, format, wijk, text, ingested_at) "
            "VALUES ('dc', 'west/c.txt', 'x', 'txt', 'West', ?, ?)",
            (text, now_iso()),
        )
        con.execute(
            'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit, wijk) '
            "VALUES ('c0', 'dc', 0, 0, ?, ?, 'h', 'paragraph', 'West')",
            (len(text), text),
        )
    path = sheet.export_coding_sheet(store, tmp_path / "c.xlsx", coder="anna", wijk="West")
    _fill(path, {"c0": (["geen"], None)})
    assert sheet.import_coding_sheet(store, path, "anna").added == 1


@pytest.mark.parametrize("name", ["06_coderen", "07_overeenstemming"])
def test_coding_notebooks_are_thin_stripped_and_parameterised(name):
    import ast
    import json
    from pathlib import Path

    import papermill

    path = Path(__file__).resolve().parents[1] / "notebooks" / "explore" / f"{name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    values = {}
    for node in ast.parse("".join(tagged[0]["source"])).body:
        assert isinstance(node, ast.Assign)
        values[node.targets[0].id] = ast.literal_eval(node.value)  # literals only
    common = {"corpus": "corpora/demo", "settings_file": None, "embedder": None, "store_dir": None}
    assert {k: values[k] for k in common} == common
    assert values["build_store"] is True
    assert set(papermill.inspect_notebook(str(path))) == set(values)
    source = "\n".join("".join(c["source"]) for c in code)
    assert not [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    assert "from wijkanalyse.explore.coding_widget import" in source
    assert sum(len("".join(c["source"]).splitlines()) for c in code) < 60
    assert "".join(nb["cells"][0]["source"]).startswith("# ")
