"""Analysis views on a small store written by hand; every expected figure is worked out below, by hand.

The store (segments s1..s8 from sessions, a survey with respondents r1..r9)::

    Noord  session noord-1 (2023-01-10): s1 'Het goede behouden', s2 'Wat moet er echt verbeteren', s3, s4
           session noord-2 (2023-03-01): s5, s6
           survey (question 'zorgen'):   r1 (2 answers: a1, a1b), r2..r6 (1 answer each)   -> 7 answers, 6
           people
    Oost   session oost-1 (2023-02-01): s7, s8
           survey: r7, r8 (1 answer each)                                                 -> 2 answers, 2
           people
    (none) survey: r9 (postcode not in the lookup)

Codings and what counts::

    s1  machine vertrouwen 0.8 + human vertrouwen     -> vertrouwen (human)
    s2  machine financiering 0.6 + human communicatie -> communicatie (human wins the whole segment)
    s3  machine communicatie 0.9, human rejected it   -> nothing
    s4  machine geen                                  -> nothing (coded, no theme)
    s5  machine financiering 0.75                     -> financiering (machine)
    s6  machine vertrouwen 0.4, status rejected       -> nothing
    s7  human vertrouwen                              -> vertrouwen
    s8  machine communicatie 0.55                     -> communicatie
    Noord answers: machine financiering 0.7 each; Oost answers: machine vertrouwen 0.7; r9: machine
    communicatie 0.7
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from wijkanalyse import analysis
from wijkanalyse.exceptions import ReportError
from wijkanalyse.store import Store, now_iso

SESSIONS = {
    "noord-1": (
        "Noord",
        "2023-01-10",
        "noord/sessie1.md",
        [
            (
                "s1",
                "De wijkkrant en het spreekuur moeten blijven, daar vertrouwen mensen op.",
                "Het goede behouden",
            ),
            (
                "s2",
                "De informatie van de gemeente komt te laat en is onbegrijpelijk.",
                "Wat moet er echt verbeteren",
            ),
            ("s3", "We hebben het gehad over de agenda van de volgende keer.", None),
            ("s4", "Koffie en thee staan klaar.", None),
        ],
    ),
    "noord-2": (
        "Noord",
        "2023-03-01",
        "noord/sessie2.md",
        [
            ("s5", "Wie betaalt straks de huur van het buurthuis en de wijkkrant?", None),
            ("s6", "Het was een goede avond met veel mensen.", None),
        ],
    ),
    "oost-1": (
        "Oost",
        "2023-02-01",
        "oost/sessie.md",
        [
            ("s7", "Ik vertrouw erop dat de gemeente haar afspraken nakomt.", None),
            ("s8", "Communicatie via de website is niet genoeg, gebruik ook papier.", None),
        ],
    ),
}
SURVEY = [  # (segment id, respondent, wijk, text)
    ("a1", "r1", "Noord", "Wie gaat de activiteiten betalen als de subsidie stopt?"),
    ("a1b", "r1", "Noord", "En wie beheert het geld van het platform?"),
    ("a2", "r2", "Noord", "Ik maak me zorgen over geld voor de buurt."),
    ("a3", "r3", "Noord", "Hoe wordt de financiering geregeld?"),
    ("a4", "r4", "Noord", "Is er straks nog budget voor het buurtfeest?"),
    ("a5", "r5", "Noord", "Wie betaalt de zaalhuur van het wijkcentrum?"),
    ("a6", "r6", "Noord", "Geld moet eerlijk verdeeld worden over de wijken."),
    ("a7", "r7", "Oost", "Ik vertrouw de gemeente niet meer."),
    ("a8", "r8", "Oost", "Vertrouwen moet je verdienen met daden."),
    ("a9", "r9", None, "De communicatie moet duidelijker."),
]


def _write_doc(con, doc_id, path, kind, wijk, date, session, segments):
    """Lay segments out as the document text (blank line between them) and insert both."""
    text, rows, pos = "", [], 0
    for i, seg in enumerate(segments):
        if text:
            text += "\n\n"
        start = len(text)
        text += seg["text"]
        rows.append(
            (
                seg["id"],
                doc_id,
                i,
                start,
                len(text),
                seg["text"],
                hashlib.sha256(seg["text"].encode()).hexdigest(),
                "paragraph",
                seg.get("wijk", wijk),
                date,
                session,
                kind,
                None,
                seg.get("role", "bewoner"),
                seg.get("section"),
                seg.get("question"),
                seg.get("respondent_id"),
            )
        )
        pos += 1
    con.execute(
        "INSERT INTO documents(doc_id, path, content_hash, format, kind, wijk, date, session, title, text,"
        " ingested_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (doc_id, path, "h-" + doc_id, "md", kind, wijk, date, session, path, text, now_iso()),
    )
    con.executemany(
        'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit, wijk, date,'
        " session,"
        " kind, speaker, role, section, question, respondent_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


def build_store(folder) -> Store:
    store = Store(folder)
    with store.transaction() as con:
        for session, (wijk, date, path, segs) in SESSIONS.items():
            _write_doc(
                con,
                session,
                path,
                "verslag",
                wijk,
                date,
                session,
                [{"id": s, "text": t, "section": sec} for s, t, sec in segs],
            )
        _write_doc(
            con,
            "survey",
            "enquete/enquete.csv",
            "enquete",
            None,
            "2024-03-01",
            None,
            [
                {
                    "id": s,
                    "text": t,
                    "wijk": w,
                    "role": "respondent",
                    "question": "zorgen",
                    "respondent_id": r,
                }
                for s, r, w, t in SURVEY
            ],
        )
        con.executemany(
            "INSERT INTO codes(code_id, dimension, label_nl, label_en, codebook_version) VALUES (?,?,?,?,?)",
            [
                ("vertrouwen", "thema", "Vertrouwen", "Trust", "1.0+abc"),
                ("financiering", "thema", "Financiering", "Funding", "1.0+abc"),
                ("communicatie", "thema", "Communicatie", "Communication", "1.0+abc"),
                ("behouden", "soort", "Behouden", "Keep", "1.0+abc"),
                ("verbeteren", "soort", "Verbeteren", "Improve", "1.0+abc"),
                ("vraag_of_zorg", "soort", "Vraag of zorg", "Question or concern", "1.0+abc"),
            ],
        )
        rows = [
            ("s1", "vertrouwen", "machine", "machine", "applied", 0.8),
            ("s1", "vertrouwen", "anna", "human", "applied", None),
            ("s2", "financiering", "machine", "machine", "applied", 0.6),
            ("s2", "communicatie", "anna", "human", "applied", None),
            ("s3", "communicatie", "machine", "machine", "applied", 0.9),
            ("s3", "communicatie", "anna", "human", "rejected", None),
            ("s4", "geen", "machine", "machine", "applied", 0.3),
            ("s5", "financiering", "machine", "machine", "applied", 0.75),
            ("s5", "vraag_of_zorg", "anna", "human", "applied", None),
            ("s6", "vertrouwen", "machine", "machine", "rejected", 0.4),
            ("s7", "vertrouwen", "bob", "human", "applied", None),
            ("s8", "communicatie", "machine", "machine", "applied", 0.55),
            ("s8", "verbeteren", "machine", "machine", "applied", 0.5),
        ]
        rows += [
            (s, "financiering", "machine", "machine", "applied", 0.7) for s, _, w, _ in SURVEY if w == "Noord"
        ]
        rows += [
            (s, "vertrouwen", "machine", "machine", "applied", 0.7) for s, _, w, _ in SURVEY if w == "Oost"
        ]
        rows += [("a9", "communicatie", "machine", "machine", "applied", 0.7)]
        con.executemany(
            "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, confidence, created_at)"
            " VALUES (?,?,?,?,?,?,?)",
            [(*r, now_iso()) for r in rows],
        )
    return store


@pytest.fixture()
def data(tmp_path):
    store = build_store(tmp_path / "store")
    d = analysis.load(store, min_count=5)
    d.embedder = "hashing"
    yield d
    store.close()


def _rows(table: pd.DataFrame, cols: list[str]) -> dict[str, tuple]:
    return {r[0]: tuple(r[1:]) for r in table[["theme", *cols]].itertuples(index=False)}


def test_human_codings_win_and_rejections_do_not_count(data):
    eff = {(r.segment_id, r.code_id): r.source for r in data.themes.itertuples()}
    assert eff[("s1", "vertrouwen")] == "human"
    assert ("s2", "financiering") not in eff and eff[("s2", "communicatie")] == "human"
    assert not any(s in {"s3", "s4", "s6"} for s, _ in eff)
    assert "geen" not in set(data.themes["code_id"])


def test_prevalence_noord_worked_out_by_hand(data):
    t = analysis.theme_prevalence(data, "Noord")
    # Noord has 6 session segments + 7 answers = 13 segments.
    # financiering: s5 (1 session segment, session noord-2) + 7 answers of 6 respondents -> 8 segments, 8/13
    cols = ["sessions", "session_segments", "survey_answers", "respondents", "segments", "share"]
    assert _rows(t, cols) == {
        "financiering": (1, 1, 7, 6, 8, round(8 / 13, 4)),
        "communicatie": (1, 1, 0, 0, 1, round(1 / 13, 4)),
        "vertrouwen": (1, 1, 0, 0, 1, round(1 / 13, 4)),
    }
    assert list(t["theme"]) == ["financiering", "communicatie", "vertrouwen"]  # most first, ties by id
    assert list(t["label"]) == ["Financiering", "Communicatie", "Vertrouwen"]
    assert not t["suppressed"].any()


def test_small_cells_are_suppressed(data):
    t = analysis.theme_prevalence(data, "Oost")
    # Oost vertrouwen: s7 + answers of r7 and r8 -> 2 respondents < 5: counts, segments and share hidden
    row = t.set_index("theme").loc["vertrouwen"]
    assert row["suppressed"]
    assert (row["respondents"], row["survey_answers"], row["segments"], row["share"]) == ("<5",) * 4
    assert (row["sessions"], row["session_segments"]) == (1, 1)  # sessions stay visible
    # vertrouwen has 3 segments, communicatie 1: a suppressed row keeps no place by size, it goes last
    assert list(t["theme"]) == ["communicatie", "vertrouwen"]
    comm = t.set_index("theme").loc["communicatie"]  # s8 only, no respondents: shown
    assert (comm["segments"], comm["respondents"], comm["suppressed"]) == (1, 0, False)
    # the same rule at the level of the wijk: Oost has 2 respondents
    ov = analysis.wijk_overview(data).set_index("wijk")
    assert ov.loc["Oost", "respondents"] == "<5" and ov.loc["Noord", "respondents"] == 6
    assert ov.loc["(stad)", "respondents"] == 9


def test_suppression_threshold_is_a_setting(data):
    data.min_count = 2
    row = analysis.theme_prevalence(data, "Oost").set_index("theme").loc["vertrouwen"]
    assert (row["respondents"], row["segments"]) == (2, 3)


def test_kind_per_theme(data):
    t = analysis.theme_by_kind(data, "Noord")
    got = {(r.soort, r.theme): r.segments for r in t.itertuples()}
    # s1 behouden (heading), s2 verbeteren (heading), s5 vraag_of_zorg (human), answers: question 'zorgen'
    assert got == {
        ("behouden", "vertrouwen"): 1,
        ("verbeteren", "communicatie"): 1,
        ("vraag_of_zorg", "financiering"): 8,
    }
    assert list(t["soort"]) == ["behouden", "verbeteren", "vraag_of_zorg"]
    src = data.kinds.set_index("segment_id")["source"]
    assert (src["s1"], src["s5"], src["s8"], src["a1"]) == ("context", "human", "machine", "context")


def test_kind_from_context():
    assert analysis.kind_from_context("Wat moet er echt verbeteren?", None) == "verbeteren"
    assert analysis.kind_from_context("Vragen en zorgen", None) == "vraag_of_zorg"
    assert analysis.kind_from_context(None, "behouden") == "behouden"
    assert analysis.kind_from_context("Notulen", "opmerkingen") is None


def test_distinctive_themes_against_the_city(data):
    t = analysis.distinctive_themes(data, "Noord", prior_strength=50).set_index("theme")
    # city: 18 segments; coded: financiering 8, vertrouwen 1+1+2=4, communicatie 1+1+1=3 -> 15 coded
    # financiering: y_w=8, n_w=13, y_r=0, n_r=5, a = 50*8/15
    import math

    a = 50 * 8 / 15
    delta = math.log((8 + a) / (13 + 50 - 8 - a)) - math.log((0 + a) / (5 + 50 - 0 - a))
    z = delta / math.sqrt(1 / (8 + a) + 1 / (0 + a))
    assert t.loc["financiering", "log_odds"] == pytest.approx(delta, abs=1e-4)
    assert t.loc["financiering", "z"] == pytest.approx(z, abs=1e-3)
    assert t.loc["financiering", "share_city"] == round(8 / 18, 4)
    assert bool(t.loc["financiering", "distinctive"]) is (z >= 1.96)
    assert not t.loc["vertrouwen", "distinctive"]  # 1 segment < min_count
    with pytest.raises(ReportError, match="prior_strength"):
        analysis.distinctive_themes(data, "Noord", prior_strength=0)


def test_change_over_time(data):
    t = analysis.change_over_time(data, "Noord")
    # noord-1: 4 segments, vertrouwen (s1) and communicatie (s2); noord-2: 2 segments, financiering (s5)
    assert [(r.date, r.theme, r.segments, r.share) for r in t.itertuples()] == [
        ("2023-01-10", "communicatie", 1, 0.25),
        ("2023-01-10", "vertrouwen", 1, 0.25),
        ("2023-03-01", "financiering", 1, 0.5),
    ]


def test_quotes_traceable_and_small_cells_withheld(data, tmp_path):
    q = analysis.representative_quotes(data, "Oost", n_central=2, n_diverse=1)
    # vertrouwen in Oost is a small cell: the answers of r7 and r8 are withheld, s7 stays
    assert set(q.loc[q["theme"] == "vertrouwen", "segment_id"]) == {"s7"}
    q = analysis.representative_quotes(data, "Noord", n_central=2, n_diverse=2)
    fin = q[q["theme"] == "financiering"]
    assert list(fin["pick"]) == ["central", "central", "diverse", "diverse"]
    assert fin["segment_id"].is_unique
    store = Store(tmp_path / "store", create=False)
    for r in q.itertuples():
        assert (
            store.document_text(
                store.query("SELECT doc_id FROM segments WHERE segment_id=?", (r.segment_id,)).iloc[0, 0]
            )[r.start : r.end]
            == r.text
        )
    store.close()


def test_quotes_are_deterministic(data):
    a = analysis.representative_quotes(data, "Noord")
    b = analysis.representative_quotes(data, "Noord")
    pd.testing.assert_frame_equal(a, b)


def test_coding_certainty(data):
    t = analysis.coding_certainty(data, "Noord").set_index("coded_by")
    # human: s1, s2, s3 (rejection), s5 (soort); machine only: s4, s6 (rejected: no), answers a1..a6 + a1b
    # s6's only coding is rejected -> none
    assert t.loc["human", "segments"] == 4
    assert t.loc["machine", "segments"] == 1 + 7
    assert t.loc["none", "segments"] == 1
    d = analysis.confidence_distribution(data, "Noord").set_index("bin")
    # machine codes that count in Noord: s5 0.75, seven answers 0.7 -> all in 0.70-0.90
    assert d.loc["0.70-0.90", "codes"] == 8 and d["codes"].sum() == 8


def test_unknown_wijk_is_a_clear_error(data):
    with pytest.raises(ReportError, match=r"Unknown wijk 'Zuid'.*Noord, Oost"):
        analysis.theme_prevalence(data, "Zuid")


def test_theme_by_wijk_has_every_cell(data):
    t = analysis.theme_by_wijk(data)
    assert len(t) == 2 * 3
    cell = t.set_index(["wijk", "theme"]).loc[("Oost", "financiering")]
    assert (cell["segments"], cell["share"]) == (0, 0.0)


def test_store_queries_of_analysis_and_reports(tmp_path):
    store = build_store(tmp_path / "s")
    # codes in the order they were written (the codebook's), not sorted by id
    assert list(store.codes_in_store_order()["code_id"]) == [
        "vertrouwen", "financiering", "communicatie", "behouden", "verbeteren", "vraag_of_zorg",
    ]  # fmt: skip
    assert store.segment_wijken() == ["Noord", "Oost"]  # a9 (no wijk) is not a wijk
    assert store.source_wijken() == {"Noord", "Oost"}  # the survey document has no wijk of its own
    # what a report of Oost hashes: s7, s8 and the answers of r7 and r8; and every coding of those segments
    assert [r[0] for r in store.segments_for_fingerprint("Oost")] == ["a7", "a8", "s7", "s8"]
    assert [r[:3] for r in store.codings_for_fingerprint("Oost")] == [
        ("a7", "vertrouwen", "machine"),
        ("a8", "vertrouwen", "machine"),
        ("s7", "vertrouwen", "bob"),
        ("s8", "communicatie", "machine"),
        ("s8", "verbeteren", "machine"),
    ]
    assert len(store.segments_for_fingerprint(None)) == 6 + 2 + len(SURVEY)  # every segment of the city
    store.close()


def test_english_labels(tmp_path):
    store = build_store(tmp_path / "s")
    d = analysis.load(store, language="en")
    assert analysis.theme_prevalence(d, "Noord")["label"].iloc[0] == "Funding"
    store.close()


def test_uncovered_themes_from_the_newest_discovery_run(data, tmp_path):
    import json

    store = Store(tmp_path / "store", create=False)  # the themes tables are part of every store's schema
    with store.transaction() as con:
        rows = [  # run, theme, label, covered, created_at
            ("d1", 0, "oud thema", 0, "2024-01-01T00:00:00+00:00"),
            ("d2", 0, "geld, betalen, huur", 0, "2024-02-01T00:00:00+00:00"),
            ("d2", 1, "koffie, thee", 1, "2024-02-01T00:00:00+00:00"),
        ]
        con.executemany(
            "INSERT INTO themes(run_id, theme_id, label, top_words, size, representative_ids, closest_code,"
            " closest_confidence, coded_share, covered, model, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (r, t, lab, json.dumps(lab.split(", ")), 1, "[]", "financiering", 0.4, 0.2, cov, "m", at)
                for r, t, lab, cov, at in rows
            ],
        )
        links = [("d1", "s1", 0)] + [
            ("d2", s, 0) for s in ("s5", "a1", "a1b", "a2", "a3", "a4", "a5", "a6", "s7")
        ]
        links += [("d2", "s4", 1)]
        con.executemany("INSERT INTO segment_themes(run_id, segment_id, theme_id) VALUES (?,?,?)", links)
    d = analysis.load(store, min_count=5)
    t = analysis.uncovered_themes(d, "Noord")
    # newest run d2 only; theme 1 is covered. Theme 0 in Noord: s5 (session noord-2) + 7 answers of 6 people
    cols = ["theme_id", "name", "sessions", "session_segments", "survey_answers", "respondents", "segments"]
    assert t[cols].values.tolist() == [[0, "geld, betalen, huur", 1, 1, 7, 6, 8]]
    assert t["closest_code"].iloc[0] == "Financiering"
    store.close()
