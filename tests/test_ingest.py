import shutil
from pathlib import Path

import pytest

from conftest import MINI_CORPUS
from wijkanalyse.config import load_settings
from wijkanalyse.ingest.corpus import corpus_summary, ingest_corpus
from wijkanalyse.store import Store


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
