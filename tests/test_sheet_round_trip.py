"""Coding sheet, issue 16: geen + a kind of input, code columns, rejections, moved rows, dry run, context.

On the hand-written mini corpus (12 segments; sheet order: the 4 survey answers, the 3 paragraphs of the
Noord session notes, the 3 cues of the Noord transcript, the 2 paragraphs of the Oost note). The machine's
codings are written straight into the store with known codes, so every expected value is worked out by hand.
The command-line round trip runs the real ``wijkanalyse review export/import``.
"""

from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import add_machine_coding as _machine
from conftest import mini_cli_args
from wijkanalyse.cli.main import app
from wijkanalyse.review import decisions as review
from wijkanalyse.review import sheet
from wijkanalyse.review.context import question_texts
from wijkanalyse.review.decisions import ReviewError

KRANT = "12dfd9d050c9e6d7"  # "De wijkkrant moet blijven." (session notes, no speaker)
COMMUNICATIE = "23014e4de6db960d"  # "De communicatie van de gemeente moet beter. ..."
WIJKKRANT_MAIL = "0bbcf3a6fdf8cfcc"  # "Graag tijdig informeren via de wijkkrant. ..."
ANSWER_BEHOUDEN = "58cde997c9121013"  # survey answer to 'behouden': "De wijkraad als aanspreekpunt"
WELKOM = "c556e837ac39aaf2"  # transcript cue of [PERSOON-1], gespreksleider
THEMES = [
    "vertrouwen", "nakomen_afspraken", "zeggenschap", "financiering", "diversiteit", "communicatie",
    "communicatiemiddelen", "participatie", "samenwerking_partners", "continuiteit", "kennis_en_ervaring",
    "organisatie",
]  # fmt: skip


@pytest.fixture()
def store(mini_store):
    return mini_store[1]


def _mine(store, coder="anna"):
    rows = store.con.execute(
        "SELECT segment_id, code_id, status FROM codings WHERE coder_id = ? ORDER BY segment_id, code_id",
        (coder,),
    ).fetchall()
    return {tuple(r) for r in rows}


def _sheet_rows(path):
    ws = openpyxl.load_workbook(path)["coderen"]
    header = [c.value for c in ws[1]]
    return header, [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]


def _fill(path, values):
    """values = {segment_id: {column: value}}; return the sheet row of each segment."""
    wb = openpyxl.load_workbook(path)
    ws = wb["coderen"]
    h = {c.value: c.column for c in ws[1]}
    rows = {}
    for r in range(2, ws.max_row + 1):
        seg = ws.cell(r, h["segment_id"]).value
        rows[seg] = r
        for col, v in values.get(seg, {}).items():
            ws.cell(r, h[col]).value = v
    wb.save(path)
    return rows


def _order(path):
    return [r["segment_id"] for r in _sheet_rows(path)[1]]


# -- geen + a kind of input ----------------------------------------------------------------------------------
def test_geen_with_a_kind_of_input_is_imported_and_geen_with_a_theme_refused(store, tmp_path):
    path = sheet.export_coding_sheet(store, tmp_path / "anna.xlsx", coder="anna")
    _fill(path, {KRANT: {"code 1": "geen", "soort": "vraag_of_zorg"}})
    result = sheet.import_coding_sheet(store, path, "anna")
    assert (result.added, result.problems) == (2, [])
    assert _mine(store) == {(KRANT, "geen", "applied"), (KRANT, "vraag_of_zorg", "applied")}
    # the sheet comes back with geen in a code column and the kind in 'soort'
    again = sheet.export_coding_sheet(store, tmp_path / "again.xlsx", coder="anna")
    row = next(r for r in _sheet_rows(again)[1] if r["segment_id"] == KRANT)
    assert (row["code 1"], row["code 2"], row["soort"]) == ("geen", None, "vraag_of_zorg")
    _fill(path, {COMMUNICATIE: {"code 1": "geen", "code 2": "communicatie"}})
    with pytest.raises(ReviewError, match=r"cannot go with a theme: \['communicatie'\]"):
        sheet.import_coding_sheet(store, path, "anna")


# -- how many code columns -----------------------------------------------------------------------------------
def test_code_columns_fit_the_most_themes_on_a_segment_or_the_number_asked(store, tmp_path):
    for code in THEMES[:6]:  # an answer with six themes (and a kind)
        _machine(store, KRANT, code)
    _machine(store, KRANT, "behouden")
    wide = sheet.export_coding_sheet(store, tmp_path / "wide.xlsx", coder="anna")
    header = _sheet_rows(wide)[0]
    assert [h for h in header if h.startswith("code ")] == [f"code {i}" for i in range(1, 7)]
    assert header.count("soort") == 1
    few = sheet.export_coding_sheet(store, tmp_path / "few.xlsx", coder="anna", n_code_columns=2)
    assert [h for h in _sheet_rows(few)[0] if h.startswith("code ")] == ["code 1", "code 2"]
    plain = sheet.export_coding_sheet(store, tmp_path / "plain.xlsx", coder="anna", wijk="Oost")
    assert [h for h in _sheet_rows(plain)[0] if h.startswith("code ")] == ["code 1", "code 2", "code 3"]
    with pytest.raises(ReviewError, match="at least 1. Got 0"):
        sheet.export_coding_sheet(store, tmp_path / "none.xlsx", coder="anna", n_code_columns=0)


# -- rejecting machine proposals -----------------------------------------------------------------------------
def test_rejected_proposals_are_recorded_from_the_sheet(store, tmp_path):
    _machine(store, COMMUNICATIE, "communicatie", 0.9)
    _machine(store, COMMUNICATIE, "vertrouwen", 0.7)
    _machine(store, COMMUNICATIE, "verbeteren", 0.6)
    _machine(store, WIJKKRANT_MAIL, "communicatiemiddelen", 0.8)
    _machine(store, WIJKKRANT_MAIL, "participatie", 0.3, status="rejected")  # under the threshold
    review.add_coding(store, WIJKKRANT_MAIL, "communicatiemiddelen", "anna")
    path = sheet.export_coding_sheet(store, tmp_path / "anna.xlsx", coder="anna", wijk="Oost")
    _fill(
        path,
        {
            # codes chosen; 'alle' turns down every other proposal of the machine
            COMMUNICATIE: {"code 1": "communicatie", "soort": "verbeteren", "afwijzen": "alle"},
            # no codes, only a rejection: anna's earlier code stays
            WIJKKRANT_MAIL: {"code 1": None, "afwijzen": "Participatie"},
        },
    )
    result = sheet.import_coding_sheet(store, path, "anna")
    assert (result.added, result.rejected, result.coded_rows) == (2, 2, 1)
    assert _mine(store) == {
        (COMMUNICATIE, "communicatie", "applied"),
        (COMMUNICATIE, "verbeteren", "applied"),
        (COMMUNICATIE, "vertrouwen", "rejected"),
        (WIJKKRANT_MAIL, "communicatiemiddelen", "applied"),
        (WIJKKRANT_MAIL, "participatie", "rejected"),
    }
    # a code both applied and turned down, or an unknown one, is a problem of its row
    _fill(path, {COMMUNICATIE: {"afwijzen": "communicatie; vertrouwn"}})
    with pytest.raises(ReviewError) as err:
        sheet.import_coding_sheet(store, path, "anna")
    text = "\n".join(err.value.problems)
    assert "both a code of this row and in column 'afwijzen'" in text
    assert "unknown code 'vertrouwn' in column 'afwijzen'. Did you mean 'vertrouwen'?" in text


# -- the dry run ---------------------------------------------------------------------------------------------
def test_dry_run_lists_what_would_change_per_row_and_writes_nothing(store, tmp_path):
    _machine(store, COMMUNICATIE, "vertrouwen", 0.7)
    review.add_coding(store, KRANT, "behouden", "anna")
    path = sheet.export_coding_sheet(store, tmp_path / "anna.xlsx", coder="anna")
    rows = _fill(
        path,
        {
            KRANT: {"code 1": "communicatiemiddelen", "soort": None, "memo": "Over de krant."},
            COMMUNICATIE: {"code 1": "communicatie", "afwijzen": "vertrouwen"},
        },
    )
    before = _mine(store)
    checked = sheet.import_coding_sheet(store, path, "anna", dry_run=True)
    assert _mine(store) == before and store.memos().empty
    assert (checked.added, checked.removed, checked.rejected, checked.memos) == (2, 1, 1, 1)
    assert checked.changes == [  # in sheet order: the Noord session notes come before the Oost note
        f"row {rows[KRANT]} (segment {KRANT}): + communicatiemiddelen; - behouden; memo",
        f"row {rows[COMMUNICATIE]} (segment {COMMUNICATIE}): + communicatie; afgewezen: vertrouwen",
    ]
    text = checked.describe()
    assert "codings +2 -1 =0; 1 memo(s). Proposals rejected: 1." in text and "Would change (2 row(s))" in text
    done = sheet.import_coding_sheet(store, path, "anna")  # the real import does what the dry run said
    assert (done.added, done.removed, done.rejected, done.memos) == (2, 1, 1, 1)
    assert _mine(store) == {
        (KRANT, "communicatiemiddelen", "applied"),
        (COMMUNICATIE, "communicatie", "applied"),
        (COMMUNICATIE, "vertrouwen", "rejected"),
    }
    assert sheet.import_coding_sheet(store, path, "anna", dry_run=True).changes == []


# -- moved rows ----------------------------------------------------------------------------------------------
def test_codes_moved_down_one_row_are_refused_unless_allowed(store, tmp_path):
    path = sheet.export_coding_sheet(store, tmp_path / "anna.xlsx", coder="anna")
    order = _order(path)
    assert len(order) == 12
    for seg, code in zip(order, THEMES, strict=True):  # the machine: one distinct theme per segment
        _machine(store, seg, code)
    # the coder's codes, pasted one row too low: row i holds the codes meant for row i - 1
    rows = _fill(path, {seg: {"code 1": THEMES[i - 1]} for i, seg in enumerate(order) if i > 0})
    with pytest.raises(ReviewError) as err:
        sheet.import_coding_sheet(store, path, "anna")
    message = str(err.value)
    shifted = ", ".join(str(rows[seg]) for seg in order[1:])
    assert "looks shifted; nothing was imported" in message
    assert f"rows {shifted} (11 rows)" in message and "shifted one row down" in message
    assert "0.00 on their own row, 1.00 on the row above" in message and "--allow-shift" in message
    assert _mine(store) == set()
    with pytest.raises(ReviewError, match="looks shifted"):  # a dry run says so too
        sheet.import_coding_sheet(store, path, "anna", dry_run=True)
    allowed = sheet.import_coding_sheet(store, path, "anna", allow_shift=True)
    assert allowed.added == 11 and any("allowed (--allow-shift)" in w for w in allowed.warnings)


def test_codes_on_their_own_rows_are_not_taken_for_a_shift(store, tmp_path):
    path = sheet.export_coding_sheet(store, tmp_path / "anna.xlsx", coder="anna")
    order = _order(path)
    # three neighbouring segments on one topic, coded alike by the machine and the coder; elsewhere the coder
    # disagrees with the machine on two rows
    machine = {seg: [THEMES[i]] for i, seg in enumerate(order)}
    machine.update({order[4]: ["financiering"], order[5]: ["financiering"], order[6]: ["financiering"]})
    for seg, codes in machine.items():
        for code in codes:
            _machine(store, seg, code)
    mine = {seg: {"code 1": codes[0]} for seg, codes in machine.items()}
    mine[order[2]] = {"code 1": "organisatie"}
    mine[order[9]] = {"code 1": "vertrouwen"}
    _fill(path, mine)
    result = sheet.import_coding_sheet(store, path, "anna")
    assert result.added == 12 and not any("shift" in w for w in result.warnings)


# -- context -------------------------------------------------------------------------------------------------
def test_the_question_answered_and_the_speaker_without_nan(store, mini_store, tmp_path):
    settings = mini_store[0]
    assert question_texts(settings) == {"behouden": "Wat wilt u behouden?", "zorgen": "Welke zorgen heeft u?"}
    path = sheet.export_coding_sheet(
        store, tmp_path / "anna.xlsx", coder="anna", questions=question_texts(settings)
    )
    header, rows = _sheet_rows(path)
    by_id = {r["segment_id"]: r for r in rows}
    assert header.index("vraag") == header.index("spreker") + 1
    assert by_id[ANSWER_BEHOUDEN]["vraag"] == "Wat wilt u behouden?"
    assert by_id[ANSWER_BEHOUDEN]["spreker"] == "(respondent)"
    assert by_id[KRANT]["vraag"] is None and by_id[KRANT]["spreker"] is None  # session notes: no speaker
    assert by_id[WELKOM]["spreker"] == "[PERSOON-1] (gespreksleider)"
    assert not any("nan" in str(r["spreker"]).lower() for r in rows)
    _machine(store, KRANT, "communicatiemiddelen")  # a sheet without survey answers has no column 'vraag'
    notes = sheet.export_coding_sheet(store, tmp_path / "n.xlsx", coder="anna", code="communicatiemiddelen")
    assert "vraag" not in _sheet_rows(notes)[0]


# -- the command line ----------------------------------------------------------------------------------------
def test_command_line_round_trip_with_code_columns_dry_run_rejections_and_a_shift(tmp_path):
    where = mini_cli_args(tmp_path)
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, [*map(str, args), *where])
        return result.exit_code, result.output

    assert run("ingest")[0] == 0
    out = tmp_path / "anna.xlsx"
    code, text = run("review", "export", "--coder", "anna", "--code-columns", "4", "--out", out)
    assert code == 0, text
    header, rows = _sheet_rows(out)
    assert [h for h in header if h.startswith("code ")] == ["code 1", "code 2", "code 3", "code 4"]
    assert "soort" in header and "afwijzen" in header
    by_id = {r["segment_id"]: r for r in rows}
    assert by_id[ANSWER_BEHOUDEN]["vraag"] == "Wat wilt u behouden?"  # the question text from the settings
    assert "(nan)" not in " ".join(str(r["spreker"]) for r in rows)
    order = [r["segment_id"] for r in rows]
    row_of = _fill(
        out, {KRANT: {"code 1": "geen", "soort": "behouden"}, COMMUNICATIE: {"code 1": "communicatie"}}
    )
    code, text = run("review", "import", out, "--coder", "anna", "--dry-run")
    assert code == 0, text
    assert "codings +3 -0 =0" in text and "Checked (nothing written)" in text
    assert f"row {row_of[KRANT]} (segment {KRANT}): + geen, behouden" in text
    assert f"row {row_of[COMMUNICATIE]} (segment {COMMUNICATIE}): + communicatie" in text
    code, text = run("review", "import", out, "--coder", "anna")
    assert code == 0 and "Imported" in text and "codings +3 -0 =0" in text, text
    # piet codes the whole corpus; anna's second sheet has her codes one row too low
    piet = tmp_path / "piet.xlsx"
    assert run("review", "export", "--coder", "piet", "--out", piet)[0] == 0
    _fill(piet, {seg: {"code 1": THEMES[i]} for i, seg in enumerate(order)})
    code, text = run("review", "import", piet, "--coder", "piet")
    assert code == 0 and "codings +12" in text, text
    second = tmp_path / "anna2.xlsx"
    assert run("review", "export", "--coder", "anna", "--out", second)[0] == 0
    _fill(second, {seg: {"code 1": THEMES[i - 1], "soort": None} for i, seg in enumerate(order) if i > 0})
    code, text = run("review", "import", second, "--coder", "anna")
    assert code == 2 and "looks shifted" in text and "shifted one row down" in text, text
    code, text = run("review", "import", second, "--coder", "anna", "--allow-shift")
    assert code == 0 and "allowed (--allow-shift)" in text, text
