"""A survey's unit column matched to the corpus's units: spelling variants, non-units, and typos warned about.

Real survey exports spell a unit as people typed it; the corpus's folders spell it once. The corpus here has
two folders with notes (``haarlem-noord``, ``oost``) and a survey whose unit column holds variants of both,
answers that name no unit, a typo and a unit without sources. Run through the real ingest.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from wijkanalyse.config import load_settings
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.store import Store

#: (unit column value, expected unit) per respondent, worked out by hand from the module docstring's rules
ROWS = [
    ("haarlem noord", "Haarlem-Noord"),  # the folder's spelling
    ("HAARLEM-NOORD ", "Haarlem-Noord"),
    ("Oost", "Oost"),
    ("weet niet", None),  # names no unit: city-wide
    ("", None),
    ("N.v.t.", None),
    ("Oosst", "Oosst"),  # a typo: a unit of its own, warned about with the closest unit
    ("Zuid", "Zuid"),  # a unit without sources: kept, warned about
    ("zuid", "Zuid"),  # spelled as first seen
]


def _corpus(folder: Path, folders: bool = True) -> Path:
    if folders:
        for unit in ("haarlem-noord", "oost"):
            (folder / unit).mkdir(parents=True)
            (folder / unit / "2025-01-01-notities.txt").write_text(
                "De bewoners willen meer groen in de straat.\n", encoding="utf-8"
            )
    (folder / "enquete").mkdir(parents=True)
    pd.DataFrame(
        {"nr": range(1, len(ROWS) + 1), "Wijk": [v for v, _ in ROWS],
         "Wat wilt u?": [f"Antwoord nummer {i} over de speeltuin." for i in range(len(ROWS))]}
    ).to_csv(folder / "enquete" / "antwoorden.csv", index=False)  # fmt: skip
    cfg = {"surveys": [{"path": "enquete/antwoorden.csv", "respondent_id": "nr", "wijk_column": "Wijk",
                        "text_columns": {"wens": "Wat wilt u?"}}]}  # fmt: skip
    (folder / "wijkanalyse.yml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return folder


def _ingest(folder: Path, tmp_path: Path):
    settings = load_settings(folder, store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    with Store(settings.store_path) as store:
        result = ingest_corpus(settings, store)
        respondents = store.query("SELECT respondent_id, wijk FROM respondents")
    return result, respondents


def test_survey_units_take_the_corpus_spelling_and_non_units_stay_city_wide(tmp_path):
    result, respondents = _ingest(_corpus(tmp_path / "c"), tmp_path)
    assert not result.problems
    got = sorted("-" if pd.isna(w) else str(w) for w in respondents["wijk"])
    want = sorted((w if w is not None else "-") for _, w in ROWS)
    assert got == want
    notes = [w for w in result.warnings if "column 'Wijk'" in w]
    assert len(notes) == 3, notes
    assert "'weet niet' (1), 'N.v.t.' (1) name no unit" in notes[0]  # the empty cell is no value at all
    oosst, zuid = (next(n for n in notes if f"'{u}' (" in n) for u in ("Oosst", "Zuid"))
    assert "'Oosst' (1 respondent) is not a unit" in oosst and "did you mean 'Oost'?" in oosst
    assert "'Zuid' (2 respondents) is not a unit" in zuid and "did you mean" not in zuid


def test_a_survey_only_corpus_makes_its_units_from_the_column_without_warnings(tmp_path):
    result, respondents = _ingest(_corpus(tmp_path / "c", folders=False), tmp_path)
    units = set(respondents["wijk"].dropna())
    # no other source of units: every value is a unit, variants joined, nothing to warn about but non-units
    assert units == {"haarlem noord", "Oost", "Oosst", "Zuid"}
    notes = [w for w in result.warnings if "column 'Wijk'" in w]
    assert len(notes) == 1 and "name no unit" in notes[0]


def test_a_second_header_row_of_a_survey_tool_is_skipped_not_a_respondent(tmp_path):
    """SurveyMonkey's xlsx export: a row of 'Response' / 'Open-Ended Response' under the questions."""
    import openpyxl

    folder = tmp_path / "c"
    (folder / "enquete").mkdir(parents=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Respondent ID", "Collector ID", "In welke wijk woont u?", "Wat kan beter in uw wijk?"])
    ws.append([None, None, "Response", "Open-Ended Response"])
    ws.append([1001, 55, "Oost", "Meer groen in de straat."])
    ws.append([1002, 55, "West", "Response"])  # a respondent who typed 'Response' is still a respondent
    wb.save(folder / "enquete" / "sm.xlsx")
    cfg = {"surveys": [{"path": "enquete/sm.xlsx", "respondent_id": "Respondent ID",
                        "wijk_column": "In welke wijk woont u?",
                        "text_columns": {"beter": "Wat kan beter in uw wijk?"}}]}  # fmt: skip
    (folder / "wijkanalyse.yml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    result, respondents = _ingest(folder, tmp_path)
    assert sorted(respondents["wijk"]) == ["Oost", "West"]
    assert any("row 2 is a second header row" in w for w in result.warnings)
