import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from conftest import MINI_CORPUS
from wijkanalyse.config import load_settings
from wijkanalyse.ingest.corpus import corpus_summary, ingest_corpus
from wijkanalyse.store import PseudonymKey, Store


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the mini corpus (the tests add and change files)."""
    dst = tmp_path / "corpus"
    shutil.copytree(MINI_CORPUS, dst)
    return dst


def _ingest(corpus: Path, tmp_path: Path):
    settings = load_settings(corpus, store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    with Store(settings.store_path) as store:
        result = ingest_corpus(settings, store)
        segs = store.segments()
        docs = store.documents()
        problems = store.integrity_check()
    return result, segs, docs, problems


def test_mini_corpus_counts_worked_out_by_hand(corpus, tmp_path):
    result, segs, docs, problems = _ingest(corpus, tmp_path)
    assert problems == []
    assert sorted(result.added) == [
        "enquete/enquete.csv",
        "noord/2023-01-10-sessie.md",
        "noord/2023-09-12-transcript.vtt",
        "oost/notitie.txt",
    ]
    # md: 2 bullets + 1 paragraph; vtt: 4 cues, the 2nd and 3rd by the same speaker -> 3 turns;
    # txt: 2 paragraphs; csv: answers with content: r1 x2, r2 x1 ('weet niet' is no answer), r3 none,
    # r4 x1 ('Geen' is no answer)
    per_doc = segs.groupby("path").size().to_dict()
    assert per_doc == {
        "noord/2023-01-10-sessie.md": 3,
        "noord/2023-09-12-transcript.vtt": 3,
        "oost/notitie.txt": 2,
        "enquete/enquete.csv": 4,
    }
    # postcode 2021/2022 -> Noord, 2031 -> Oost, 1011 not in the lookup -> kept without a wijk, and reported
    survey = segs[segs.path == "enquete/enquete.csv"]
    wijk_of = survey.set_index("respondent_id")["wijk"].fillna("-").to_dict()
    assert wijk_of == {"1": "Noord", "2": "Oost", "4": "-"}
    assert [str(p) for p in result.problems] == [
        "enquete/enquete.csv (row 5, column 'postcode'): postcode 1011.. is not in the postcode lookup; "
        "the answers are kept city-wide without a wijk"
    ]
    summary = corpus_summary(Store(tmp_path / "store")).set_index("wijk")
    assert summary.loc["Noord", "sessions"] == 2 and summary.loc["Noord", "respondents"] == 2
    assert summary.loc["Oost", "respondents"] == 1


def test_metadata_from_front_matter_manifest_and_folder(corpus, tmp_path):
    _, segs, docs, _ = _ingest(corpus, tmp_path)
    d = docs.set_index("path")
    assert d.loc["noord/2023-01-10-sessie.md", "session"] == "noord-1"  # front matter
    assert d.loc["noord/2023-09-12-transcript.vtt", "kind"] == "transcript"  # manifest
    assert d.loc["oost/notitie.txt", "wijk"] == "Oost" and d.loc["oost/notitie.txt", "date"] == "2023-02-01"
    turns = segs[segs.path == "noord/2023-09-12-transcript.vtt"]
    assert turns["role"].tolist() == ["gespreksleider", "bewoner", "gespreksleider"]
    assert turns["time_start"].tolist() == ["00:00:01", "00:00:05", "00:00:12"]
    assert turns["speaker"].str.fullmatch(r"\[PERSOON-\d+\]").all()


def test_no_personal_data_survives_and_names_are_consistent(corpus, tmp_path):
    _, segs, _, _ = _ingest(corpus, tmp_path)
    joined = "\n".join(segs.text)
    planted = (
        "Jansen", "Piet Bakker", "Bakker", "06-12345678", "info.oost@example.nl", "Linnaeusstraat 12", "Anna",
        "De Wit", "Karel",
    )  # fmt: skip
    for pii in planted:
        assert pii not in joined
    # 'Piet Bakker' in the md file and in the transcript is one person
    md = segs[segs.path == "noord/2023-01-10-sessie.md"].text.iloc[2]
    vtt = segs[segs.path == "noord/2023-09-12-transcript.vtt"].text.iloc[1]
    ph_md = md.split("Bel ")[1].split(" ")[0]
    assert ph_md in vtt


def test_rerun_changes_nothing_new_file_adds_only_its_segments_changed_file_is_replaced(corpus, tmp_path):
    _, segs1, _, _ = _ingest(corpus, tmp_path)
    result2, segs2, _, _ = _ingest(corpus, tmp_path)
    assert result2.added == [] and result2.updated == [] and len(result2.unchanged) == 4
    assert segs2.segment_id.tolist() == segs1.segment_id.tolist()

    (corpus / "oost" / "2023-10-01-extra.md").write_text(
        "---\nwijk: Oost\nkind: notitie\n---\nEen nieuwe alinea over vertrouwen.\n", encoding="utf-8"
    )
    result3, segs3, _, _ = _ingest(corpus, tmp_path)
    assert result3.added == ["oost/2023-10-01-extra.md"]
    assert len(segs3) == len(segs1) + 1
    assert set(segs1.segment_id) < set(segs3.segment_id)

    # change one paragraph of notitie.txt: the file is replaced, the unchanged paragraph keeps its id
    path = corpus / "oost" / "notitie.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("altijd te laat", "vaak te laat"), "utf-8")
    result4, segs4, docs4, problems = _ingest(corpus, tmp_path)
    assert result4.updated == ["oost/notitie.txt"] and problems == []
    assert len(segs4) == len(segs3)
    old = set(segs3[segs3.path == "oost/notitie.txt"].segment_id)
    new = set(segs4[segs4.path == "oost/notitie.txt"].segment_id)
    assert len(old & new) == 1
    assert (docs4.path == "oost/notitie.txt").sum() == 1


def test_an_interrupted_ingest_leaves_the_previous_state(corpus, tmp_path, monkeypatch):
    _, segs1, _, _ = _ingest(corpus, tmp_path)
    (corpus / "oost" / "2023-11-01-nieuw.md").write_text("---\nwijk: Oost\n---\nNieuwe tekst.\n", "utf-8")
    from contextlib import contextmanager

    original = Store.transaction
    calls = {"n": 0}

    @contextmanager
    def crash_before_commit(self):
        calls["n"] += 1
        n = calls["n"]  # the writers of the store open nested transactions (4, 5, ...) inside the 3rd one
        with original(self) as con:
            yield con
            if n == 3:  # 1: schema check, 2: the run is recorded, 3: documents and segments written
                # written, not committed
                assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
                raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(Store, "transaction", crash_before_commit)
    with pytest.raises(KeyboardInterrupt):
        _ingest(corpus, tmp_path)
    monkeypatch.undo()
    with Store(tmp_path / "store") as store:
        assert store.segments().segment_id.tolist() == segs1.segment_id.tolist()
        assert store.integrity_check() == []


def test_raw_files_are_never_written(corpus, tmp_path):
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in corpus.rglob("*") if p.is_file()}
    _ingest(corpus, tmp_path)
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in corpus.rglob("*") if p.is_file()}
    assert before == after


def test_a_changed_paragraph_loses_its_machine_codings_and_keeps_the_human_ones(corpus, tmp_path):
    _ingest(corpus, tmp_path)
    with Store(tmp_path / "store") as store:
        segs = store.segments()
        seg_id = segs[segs.text.str.contains("altijd te laat")].segment_id.item()
        with store.transaction() as con:
            con.executemany(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, created_at) VALUES (?,?,?,?,?)",
                [
                    (seg_id, "communicatie", "machine", "machine", "2024-01-01T00:00:00+00:00"),
                    (seg_id, "communicatie", "anna", "human", "2024-01-01T00:00:00+00:00"),
                ],
            )
    path = corpus / "oost" / "notitie.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("altijd te laat", "vaak te laat"), "utf-8")
    _ingest(corpus, tmp_path)
    with Store(tmp_path / "store") as store:
        assert seg_id not in set(store.segments().segment_id)
        codings = store.codings(include_rejected=True)
        assert list(zip(codings.segment_id, codings.coder_id, strict=True)) == [(seg_id, "anna")]


# -- personal data outside the text --------------------------------------------------------------------------
def _corpus_with_a_name_in_a_file_name(tmp_path: Path) -> Path:
    corpus = tmp_path / "namen"
    (corpus / "oost").mkdir(parents=True)
    (corpus / "enquete").mkdir()
    (corpus / "oost" / "2024-03-01-gesprek-met-jan-de-vries.md").write_text(
        "---\nsession: huisbezoek-jan-de-vries\n---\n"
        "Gisteren vertelde Jan de Vries over de buurt. Hij wil meer groen in de straat.\n",
        encoding="utf-8",
    )
    (corpus / "enquete" / "enquete.csv").write_text(
        "nr,wijk,E-mailadres,leeftijd,Wat vindt u van de buurt?\n"
        "1,Oost,jan.devries@example.nl,65+,Meer groen in de straat zou fijn zijn.\n"
        "2,Oost,piet@example.nl,35-49,De buurt is rustig en veilig voor kinderen.\n",
        encoding="utf-8",
    )
    (corpus / "wijkanalyse.yml").write_text(
        "surveys:\n  - path: enquete/*.csv\n    respondent_id: nr\n    wijk_column: wijk\n"
        "    text_columns: {buurt: 'Wat vindt u van de buurt?'}\n",
        encoding="utf-8",
    )
    return corpus


def test_a_name_in_a_file_name_never_becomes_a_visible_path_title_or_session(tmp_path):
    corpus = _corpus_with_a_name_in_a_file_name(tmp_path)
    result, segs, docs, problems = _ingest(corpus, tmp_path)
    assert problems == [] and result.problems == []
    doc = docs.set_index("format").loc["md"]
    # the name in the text, the file name, the (default) title and the session get the same placeholder
    found = re.fullmatch(r"oost/2024-03-01-gesprek-met-(\[PERSOON-\d+\])\.md", doc.path)
    assert found is not None, doc.path
    ph = found.group(1)
    assert doc.title == f"2024-03-01-gesprek-met-{ph}"
    assert doc.session == f"huisbezoek-{ph}"
    (text,) = segs[segs.path == doc.path].text
    assert f"vertelde {ph} over de buurt. Hij wil meer groen in de straat." in text
    assert set(segs.session.dropna()) == {f"huisbezoek-{ph}"}
    # a rerun knows the file by its id: nothing is added twice or removed
    again, _, docs2, _ = _ingest(corpus, tmp_path)
    assert again.unchanged == ["enquete/enquete.csv", "oost/2024-03-01-gesprek-met-jan-de-vries.md"]
    assert again.added == [] and again.removed == [] and len(docs2) == 2


def test_the_store_keeps_the_problems_of_a_file_with_a_name_in_its_name_pseudonymised(tmp_path):
    corpus = _corpus_with_a_name_in_a_file_name(tmp_path)
    (corpus / "oost" / "2024-04-02-brief-van-piet-bakker.txt").write_bytes(b"")
    result, _, _, _ = _ingest(corpus, tmp_path)
    # the person running the ingest sees the file as it is named, to find and fix it
    expected = "oost/2024-04-02-brief-van-piet-bakker.txt: the file is empty"
    assert [str(p) for p in result.problems] == [expected]
    with Store(tmp_path / "store") as store:
        stored = store.recorded_problems(result.run_id)
    assert len(stored) == 1
    assert re.fullmatch(r"oost/2024-04-02-brief-van-\[PERSOON-\d+\]\.txt", stored.path[0]), stored.path[0]
    assert stored.message[0] == "the file is empty"


def test_an_unmapped_personal_survey_column_is_not_stored(tmp_path):
    corpus = _corpus_with_a_name_in_a_file_name(tmp_path)
    result, _, _, _ = _ingest(corpus, tmp_path)
    assert result.warnings == [
        "enquete/enquete.csv: column(s) 'E-mailadres' hold personal data (name, e-mail, phone, address, "
        "date of birth, ...) and were not stored."
    ]
    with Store(tmp_path / "store") as store:
        answers = [json.loads(a) for a in store.survey_answers().answers_json]
        docs = store.documents()
        stored = [" ".join(str(v) for v in docs[c]) for c in ("path", "title", "session")]
        stored += [store.document_text(d) for d in docs.doc_id] + list(store.survey_answers().answers_json)
    assert answers == [
        {"open": {"buurt": "beantwoord"}, "leeftijd": "65+"},
        {"open": {"buurt": "beantwoord"}, "leeftijd": "35-49"},
    ]
    everything = " ".join(stored).lower()
    assert "@" not in everything and "vries" not in everything and "jan" not in everything.split()


def test_an_empty_corpus_ingests_with_a_warning_that_says_what_to_do(tmp_path):
    corpus = tmp_path / "leeg"
    corpus.mkdir()
    (corpus / "README.md").write_text("Hier komen de verslagen.\n", encoding="utf-8")
    (corpus / "wijkanalyse.yml").write_text(
        f"store_dir: {tmp_path / 'store'}\nprivate_dir: {tmp_path / 'private'}\n", encoding="utf-8"
    )
    result, segs, docs, _ = _ingest(corpus, tmp_path)
    assert len(segs) == 0 and len(docs) == 0 and len(result.warnings) == 1
    assert result.warnings[0].startswith(f"the corpus folder {corpus.resolve()} holds no file to ingest")
    assert "Put the sources in it" in result.warnings[0] and ".md" in result.warnings[0]
    assert "Warning: the corpus folder" in result.describe()


# -- the key file and the store -----------------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX permissions")
def test_the_key_file_and_its_folder_are_private_also_when_they_existed_with_looser_modes(tmp_path):
    new = tmp_path / "new" / "pseudonym_key.sqlite"
    PseudonymKey(new).close()
    assert stat.S_IMODE(new.stat().st_mode) == 0o600 and stat.S_IMODE(new.parent.stat().st_mode) == 0o700
    old = tmp_path / "old" / "pseudonym_key.sqlite"
    old.parent.mkdir(mode=0o755)
    with PseudonymKey(old) as key:
        key.assign("EMAIL", "a@b.nl")
    os.chmod(old, 0o644)
    os.chmod(old.parent, 0o755)
    with PseudonymKey(old) as key:
        assert key.lookup("EMAIL", "a@b.nl") == "[EMAIL-1]"  # tightened, not emptied
    assert stat.S_IMODE(old.stat().st_mode) == 0o600 and stat.S_IMODE(old.parent.stat().st_mode) == 0o700


def test_a_store_made_before_the_boilerplate_column_gets_it_when_opened(tmp_path):
    import sqlite3

    from wijkanalyse.store.schema import SCHEMA

    old_schema = re.sub(r",\n\s*boilerplate INTEGER[^\n]*", "", SCHEMA)  # the schema before the column
    assert "boilerplate" not in old_schema and old_schema != SCHEMA
    (tmp_path / "store").mkdir()
    con = sqlite3.connect(tmp_path / "store" / Store.FILENAME)
    con.executescript(old_schema)
    con.execute(
        "INSERT INTO documents(doc_id, path, content_hash, format, text, ingested_at) "
        "VALUES ('d1', 'a.md', 'h', 'md', 'Tekst.', 't')"
    )
    con.execute(
        'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit) '
        "VALUES ('s1', 'd1', 0, 0, 6, 'Tekst.', 'x', 'paragraph')"
    )
    con.commit()
    assert "boilerplate" not in {row[1] for row in con.execute("PRAGMA table_info(segments)")}
    con.close()
    with Store(tmp_path / "store") as store:
        assert store.segments().boilerplate.tolist() == [0]
        assert len(store.segments_to_code()) == 1
