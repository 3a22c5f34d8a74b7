"""Row-level reruns of a survey export (wijkanalyse.ingest.row_reuse): reuse only what cannot have changed.

The survey here is shaped unlike the demo's: ``;``-separated (or an .xlsx), a wijk column of its own, two open
questions and one closed one. Version 2 of the export keeps rows 1, 2 and 5, changes row 3, drops row 4 and
adds row 6, whose "meneer Wibaut" teaches the key a name that unchanged row 5 mentions where the rules alone
do not see a person ("De heg van Wibaut"): row 5 must be pseudonymised again. Rows 1 and 2 keep their earlier
output (row 2 names "Bakker", but the key knew her when the row was done).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wijkanalyse.config import load_settings
from wijkanalyse.ingest import row_reuse
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.ingest.pseudonymise import Pseudonymiser
from wijkanalyse.ingest.readers import read_file
from wijkanalyse.ingest.surveys import survey_blocks, survey_spec
from wijkanalyse.store import PseudonymKey, RowMemory, Store

COLUMNS = ["nr", "buurt", "leeftijd", "Wat gaat goed?", "Wat kan beter?"]
V1 = [
    ["1", "Noord", "65+", "De speeltuin is mooi opgeknapt.", "Meer bankjes bij het water."],
    ["2", "Zuid", "35-49", "Mevrouw Bakker helpt iedereen in het buurthuis.", "Bel mij op 06-12345678."],
    ["3", "Noord", "18-34", "Veel groen.", "Minder afval op straat."],
    ["4", "Zuid", "50-64", "Rustig.", "weet niet"],
    ["5", "Noord", "65+", "Gezellige markt op zaterdag.", "De heg van Wibaut is te hoog."],
]
V2 = [
    V1[0],
    V1[1],
    ["3", "Noord", "18-34", "Veel groen en bloemen.", "Minder afval op straat."],
    V1[4],
    ["6", "Zuid", "35-49", "Ik sprak met meneer Wibaut over de markt.", "Meer licht in de steeg."],
]
SETTINGS = (
    "surveys:\n  - path: enquete/peiling.*\n    respondent_id: nr\n    wijk_column: buurt\n"
    "    text_columns: {goed: 'Wat gaat goed?', beter: 'Wat kan beter?'}\n"
)


def _write(corpus: Path, rows: list[list[str]], fmt: str) -> Path:
    path = corpus / "enquete" / f"peiling.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(rows, columns=COLUMNS)
    if fmt == "csv":
        df.to_csv(path, sep=";", index=False)
    else:
        df.to_excel(path, index=False)
    return path


def _corpus(tmp_path: Path, rows: list[list[str]], fmt: str) -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "noord").mkdir(parents=True, exist_ok=True)
    (corpus / "noord" / "2024-03-01-avond.md").write_text(
        "# Avond\n\nDe speeltuin is mooi opgeknapt.\n\nDe bus rijdt te weinig.\n", encoding="utf-8"
    )
    (corpus / "wijkanalyse.yml").write_text(SETTINGS, encoding="utf-8")
    _write(corpus, rows, fmt)
    return corpus


def _ingest(corpus: Path, work: Path):
    settings = load_settings(corpus, store_dir=work / "store", private_dir=work / "private")
    with Store(settings.store_path) as store:
        return ingest_corpus(settings, store), settings


def _state(work: Path) -> dict[str, object]:
    """What ingest wrote (no times, run ids or hashes of the file's bytes: an .xlsx holds its save time)."""
    with Store(work / "store", create=False) as store:
        docs = store.documents().drop(columns=["ingested_at", "run_id", "content_hash"])
        texts = {d: store.document_text(d) for d in docs.doc_id}
        state: dict[str, object] = {
            "documents": docs.to_dict("records"),
            "texts": texts,
            "segments": store.segments().to_dict("records"),
            "respondents": store.survey_answers().to_dict("records"),
            "counts": store.pseudonym_counts_per_document().to_dict("records"),
        }
    with PseudonymKey(work / "private" / "pseudonym_key.sqlite") as key:
        state["key"] = {c: key.entries(c) for c in ("PERSOON", "TELEFOON")}
    return state


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_updated_survey_equals_a_whole_reingest_and_a_fresh_ingest(tmp_path, fmt):
    runs = {}
    for name in ("rows", "whole", "fresh"):
        work = tmp_path / name
        corpus = _corpus(work, V2 if name == "fresh" else V1, fmt)
        first, _ = _ingest(corpus, work)
        assert first.problems == []
        if name != "fresh":
            if name == "whole":  # without the memory every row is pseudonymised again
                (work / "private" / row_reuse.MEMORY_FILE).unlink()
            _write(corpus, V2, fmt)
            again, _ = _ingest(corpus, work)
            assert again.updated == [f"enquete/peiling.{fmt}"]
            assert again.unchanged == ["noord/2024-03-01-avond.md"]
        runs[name] = _state(work)
    assert runs["rows"] == runs["whole"]
    assert runs["rows"] == runs["fresh"]  # no name is new in a changed row, so even the numbers agree
    answers = [s["text"] for s in runs["rows"]["segments"] if s["question"] == "beter"]  # type: ignore[index]
    # row 5 was pseudonymised again: the name the key learned from row 6 is replaced in it too
    assert "De heg van [PERSOON-2] is te hoog." in answers
    assert "Bel mij op [TELEFOON-1]." in answers
    assert runs["rows"]["key"] == {  # type: ignore[index]
        "PERSOON": {"bakker": "[PERSOON-1]", "wibaut": "[PERSOON-2]"},
        "TELEFOON": {"0612345678": "[TELEFOON-1]"},
    }


def test_only_unchanged_rows_without_a_name_learned_since_are_reused(tmp_path):
    corpus = _corpus(tmp_path, V1, "csv")
    _, settings = _ingest(corpus, tmp_path)
    path = _write(corpus, V2, "csv")
    rel = "enquete/peiling.csv"
    rows = survey_blocks(read_file(path, rel).rows, survey_spec(rel, settings), rel, {})
    hashes = row_reuse.row_hashes(rows.blocks, rows.respondents)
    with Store(settings.store_path) as store:
        doc_id = store.documents().set_index("path").doc_id[rel]
    # what ingest keeps from being taken for a person: the settings' words and every wijk (the folder noord/
    # is wijk Noord; the survey names Noord and Zuid)
    keep = [*settings.pseudonymise.keep, "Noord", "Zuid"]
    context = row_reuse.context_hash(keep, settings.pseudonymise.always)
    with RowMemory(row_reuse.memory_path(settings)) as memory:
        reuse = row_reuse.remembered(memory, doc_id, hashes, context)
        assert sorted(reuse) == ["1", "2", "5"]  # the rows whose raw content did not change
        assert row_reuse.remembered(memory, doc_id, hashes, "other settings") == {}
    pseudo = Pseudonymiser(settings.key_path, keep=keep)
    pseudo.detect_names("Ik sprak met meneer Wibaut over de markt.")  # row 6, read before the check
    again = row_reuse.confirm(reuse, rows.blocks, rows.respondents, pseudo)
    assert sorted(reuse) == ["1", "2"]
    assert again == [V1[4][3], V1[4][4]]  # row 5 is read for names and done again
    assert reuse["1"].texts == {"goed": V1[0][3], "beter": V1[0][4]}
    assert reuse["1"].respondent.answers["leeftijd"] == "65+"
    pseudo.close()


def test_codings_of_unchanged_rows_stay_and_a_changed_row_loses_only_machine_codings(tmp_path):
    corpus = _corpus(tmp_path, V1, "csv")
    _ingest(corpus, tmp_path)
    with Store(tmp_path / "store") as store:
        segs = store.segments().query("respondent_id.notna()").set_index("text").segment_id  # the answers
        kept, changed = segs["De speeltuin is mooi opgeknapt."], segs["Veel groen."]
        with store.transaction() as con:
            con.executemany(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, created_at) VALUES (?,?,?,?,?)",
                [
                    (s, "groen", who, kind, "2024-01-01T00:00:00+00:00")
                    for s in (kept, changed)
                    for who, kind in (("machine", "machine"), ("anna", "human"))
                ],
            )
    _write(corpus, V2, "csv")
    _ingest(corpus, tmp_path)
    with Store(tmp_path / "store") as store:
        ids = set(store.segments().segment_id)
        codings = store.codings(include_rejected=True)
    assert kept in ids and changed not in ids
    left = sorted(zip(codings.segment_id, codings.kind, strict=True))
    assert left == sorted([(kept, "machine"), (kept, "human"), (changed, "human")])


def test_ingest_takes_a_reused_row_from_the_memory_and_does_the_others_again(tmp_path):
    corpus = _corpus(tmp_path, V1, "csv")
    _, settings = _ingest(corpus, tmp_path)
    with Store(settings.store_path) as store:
        doc_id = store.documents().set_index("path").doc_id["enquete/peiling.csv"]
    # mark what the memory holds for rows 1 and 5, to see which of them the next ingest takes from it
    with RowMemory(row_reuse.memory_path(settings)) as memory:
        rows = memory.rows(doc_id)
        assert len(rows) == 5  # every respondent, also row 4 without an answer with content
        marked = []
        for h, (context, output) in rows.items():
            for text in (V1[0][3], V1[4][3]):
                output = output.replace(text, text.replace(".", " (uit het geheugen)."))
            marked.append((h, context, output))
        memory.replace(doc_id, marked)
    _write(corpus, V2, "csv")
    _ingest(corpus, tmp_path)
    with Store(settings.store_path) as store:
        answers = set(store.segments().query("question == 'goed'").text)
    assert "De speeltuin is mooi opgeknapt (uit het geheugen)." in answers  # row 1: reused
    assert "Gezellige markt op zaterdag." in answers  # row 5: done again (the key learned Wibaut)
    with RowMemory(row_reuse.memory_path(settings)) as memory:
        assert len(memory.rows(doc_id)) == 5  # rows 1, 2, 3 (changed), 5 and 6; row 4 is gone


def test_nothing_is_reused_with_another_key(tmp_path):
    corpus = _corpus(tmp_path, V1, "csv")
    _, settings = _ingest(corpus, tmp_path)
    with Store(settings.store_path) as store:
        doc_id = store.documents().set_index("path").doc_id["enquete/peiling.csv"]
    with RowMemory(row_reuse.memory_path(settings)) as memory:
        marked = [(h, c, o.replace(V1[0][4], "gemerkt")) for h, (c, o) in memory.rows(doc_id).items()]
        memory.replace(doc_id, marked)
    settings.key_path.unlink()  # a new key: the remembered placeholders and names mean nothing in it
    _write(corpus, V2, "csv")
    _ingest(corpus, tmp_path)
    with Store(settings.store_path) as store:
        answers = set(store.segments().query("question == 'beter'").text)
    assert "gemerkt" not in answers and V1[0][4] in answers
