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
import math

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
    t = analysis.theme_prevalence(data, "Noord", suppress_small=False)
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
    # headline: >= 3 fragments from >= 2 sources. financiering: 8 fragments from noord-2 and 6 respondents;
    # communicatie and vertrouwen rest on one fragment each
    assert dict(zip(t["theme"], t["headline"], strict=True)) == {
        "financiering": True, "communicatie": False, "vertrouwen": False,
    }  # fmt: skip


def test_small_figures_are_suppressed_sessions_too(data):
    t = analysis.theme_prevalence(data, "Noord").set_index("theme")
    # financiering: its 1 session segment comes from 1 source (the report of noord-2) -> "<5"; its 7 answers
    # would give that 1 back as 8 - 7, so they are hidden too ("x": 7 is the smallest other figure of the row
    # 8 = 1 + 7); 6 respondents and 8 segments (7 contributors) stay
    fin = t.loc["financiering"]
    assert (fin["sessions"], fin["session_segments"], fin["survey_answers"]) == (1, "<5", "x")
    assert (fin["respondents"], fin["segments"], fin["share"]) == (6, 8, round(8 / 13, 4))
    assert not fin["suppressed"] and fin["headline"]
    # communicatie (s2) and vertrouwen (s1): one segment of one session report, no respondents: small,
    # though no survey answer is in them (session text is protected too)
    for theme in ("communicatie", "vertrouwen"):
        row = t.loc[theme]
        assert (row["session_segments"], row["segments"], row["share"]) == ("<5",) * 3
        assert (row["sessions"], row["survey_answers"], row["respondents"]) == (1, 0, 0)  # zero is shown
        assert row["suppressed"] and not row["headline"]
    assert list(t.index) == ["financiering", "communicatie", "vertrouwen"]  # suppressed rows last
    # Oost vertrouwen: s7 (1 source) + the answers of r7 and r8 -> 3 contributors, 2 respondents: all small
    row = analysis.theme_prevalence(data, "Oost").set_index("theme").loc["vertrouwen"]
    assert row["suppressed"]
    cols = ["session_segments", "survey_answers", "respondents", "segments", "share"]
    assert tuple(row[cols]) == ("<5",) * 5
    assert row["sessions"] == 1  # the number of sessions stays visible
    # the overview: Oost has 2 respondents and 1 source -> small; Noord's 6 respondents are shown
    ov = analysis.wijk_overview(data).set_index("wijk")
    assert ov.loc["Oost", "respondents"] == "<5" and ov.loc["Oost", "segments"] == "<5"
    assert ov.loc["Noord", "respondents"] == 6 and ov.loc["(stad)", "respondents"] == 9


def test_suppression_threshold_is_a_setting(data):
    data.min_count = 2
    row = analysis.theme_prevalence(data, "Oost").set_index("theme").loc["vertrouwen"]
    assert row["respondents"] == 2  # 2 respondents: not below 2
    assert row["session_segments"] == "<2"  # 1 source


def test_kind_per_theme(data):
    t = analysis.theme_by_kind(data, "Noord", suppress_small=False)
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
    # published: the kinds of input hide what the theme's total hides (8 = 1 + 7 would give the 1 back)
    pub = analysis.theme_by_kind(data, "Noord").set_index(["soort", "theme"])
    fin = pub.loc[("vraag_of_zorg", "financiering")]
    assert (fin["session_segments"], fin["survey_answers"], fin["segments"]) == ("<5", "x", 8)


def test_kind_from_context():
    assert analysis.kind_from_context("Wat moet er echt verbeteren?", None) == "verbeteren"
    assert analysis.kind_from_context("Vragen en zorgen", None) == "vraag_of_zorg"
    assert analysis.kind_from_context(None, "behouden") == "behouden"
    assert analysis.kind_from_context("Notulen", "opmerkingen") is None


def test_distinctive_themes_against_the_rest_of_the_city(data):
    t = analysis.distinctive_themes(data, "Noord", prior_strength=50, suppress_small=False).set_index("theme")
    # the rest of the city: Oost (s7, s8, a7, a8) and a9 without a wijk -> 5 segments, none on financiering.
    # financiering: y_w=8 of n_w=13, y_r=0 of n_r=5; prior a = 50 * 8/18 on the same base (all segments)
    a = 50 * 8 / 18
    delta = math.log((8 + a) / (13 + 50 - 8 - a)) - math.log((0 + a) / (5 + 50 - 0 - a))
    z = delta / math.sqrt(1 / (8 + a) + 1 / (0 + a))
    assert t.loc["financiering", "log_odds"] == pytest.approx(delta, abs=1e-4)
    assert t.loc["financiering", "z"] == pytest.approx(z, abs=1e-3)
    assert z > 0  # share 8/13 in Noord, 0 in the rest
    shares = t.loc["financiering", ["share_wijk", "share_rest", "share_city"]].tolist()
    assert shares == [round(8 / 13, 4), 0.0, round(8 / 18, 4)]
    assert not t.loc["financiering", "distinctive"]  # z = 1.10 < 1.96
    assert not t.loc["vertrouwen", "distinctive"]  # 1 segment < min_count
    with pytest.raises(ReportError, match="prior_strength"):
        analysis.distinctive_themes(data, "Noord", prior_strength=0)


def _segment(seg_id: str, doc: str, wijk: str) -> dict:
    return {"segment_id": seg_id, "doc_id": doc, "wijk": wijk, "session": doc, "date": "2024-01-01",
            "survey": False, "respondent_id": None, "speaker": None, "text": seg_id, "path": doc}  # fmt: skip


def _two_wijken() -> analysis.AnalysisData:
    """Wijk A: 10 segments (documents a1: a0..a4, a2: a5..a9); wijk B: 30 segments (document b1).

    Themes: X on a0 a1 a2 a5 a6 and b0..b4; Y on a0 and b0..b8; Z on a0 a5 and b0..b5; W on a1 a2 a3
    (one document); V on a9 only.
    """
    seg = [_segment(f"a{i}", "a1" if i < 5 else "a2", "A") for i in range(10)]
    seg += [_segment(f"b{i}", "b1", "B") for i in range(30)]
    coded = {
        "X": ["a0", "a1", "a2", "a5", "a6", *(f"b{i}" for i in range(5))],
        "Y": ["a0", *(f"b{i}" for i in range(9))],
        "Z": ["a0", "a5", *(f"b{i}" for i in range(6))],
        "W": ["a1", "a2", "a3"],
        "V": ["a9"],
    }
    themes = pd.DataFrame(
        [{"segment_id": s, "code_id": c, "source": "human", "confidence": None} for c, ss in coded.items()
         for s in ss]
    )  # fmt: skip
    codes = pd.DataFrame(
        {"code_id": list(coded), "dimension": "thema", "label_nl": list(coded), "label_en": list(coded)}
    )
    return analysis.AnalysisData(
        segments=pd.DataFrame(seg),
        themes=themes,
        kinds=pd.DataFrame(columns=["segment_id", "soort", "source", "confidence"]),
        codings=pd.DataFrame(columns=["segment_id", "code_id", "kind", "status", "confidence"]),
        codes=codes,
        min_count=5,
    )


def test_distinctiveness_sign_follows_the_shares_worked_out_by_hand():
    t = analysis.distinctive_themes(_two_wijken(), "A", prior_strength=4, suppress_small=False)
    t = t.set_index("theme")
    # n_w = 10, n_r = 30, a0 = 4, a = 4 * (y_w + y_r) / 40.
    # X above the rest: 5/10 = 0.5 against 5/30 = 0.167; a = 1.
    #   delta = ln(6 / (10+4-5-1)) - ln(6 / (30+4-5-1)) = ln(6/8) - ln(6/28) = ln(3.5) = 1.252763
    #   var = 1/6 + 1/6 = 1/3 -> z = 1.252763 * sqrt(3) = 2.169849
    assert (t.loc["X", "share_wijk"], t.loc["X", "share_rest"]) == (0.5, round(5 / 30, 4))
    assert t.loc["X", "log_odds"] == pytest.approx(1.252763, abs=1e-4)
    assert t.loc["X", "z"] == pytest.approx(2.169849, abs=1e-3)
    # Y below the rest: 1/10 = 0.1 against 9/30 = 0.3; a = 1.
    #   delta = ln(2 / 12) - ln(10 / 24) = ln(0.4) = -0.916291; var = 1/2 + 1/10 = 0.6
    #   z = -0.916291 / sqrt(0.6) = -1.182925
    assert t.loc["Y", "log_odds"] == pytest.approx(-0.916291, abs=1e-4)
    assert t.loc["Y", "z"] == pytest.approx(-1.182925, abs=1e-3)
    # Z equal to the rest: 2/10 = 6/30 = 0.2; a = 4 * 8/40 = 0.8.
    #   delta = ln(2.8 / 11.2) - ln(6.8 / 27.2) = ln(0.25) - ln(0.25) = 0 -> z = 0
    assert (t.loc["Z", "share_wijk"], t.loc["Z", "share_rest"]) == (0.2, 0.2)
    assert t.loc["Z", "log_odds"] == 0 and t.loc["Z", "z"] == 0
    # the sign of z is that of share_wijk - share_rest for every theme
    for _, r in t.iterrows():
        assert math.copysign(1, r["z"]) == math.copysign(1, r["share_wijk"] - r["share_rest"]) or r["z"] == 0
    # X: z >= 1.96, 5 segments >= min_count, from 2 documents: distinctive; W: 3 segments of one document
    assert bool(t.loc["X", "distinctive"]) and not t.loc["W", "distinctive"]


def test_headline_needs_enough_fragments_from_enough_sources():
    data = _two_wijken()
    t = analysis.theme_prevalence(data, "A", suppress_small=False).set_index("theme")
    # X: 5 fragments from a1 and a2 -> headline; W: 3 fragments, all from a1 -> not; V: 1 fragment -> not
    assert bool(t.loc["X", "headline"]) and not t.loc["W", "headline"] and not t.loc["V", "headline"]
    data.min_sources = 1  # the settings decide: one source is enough now for W, still not for V (1 < 3)
    t = analysis.theme_prevalence(data, "A", suppress_small=False).set_index("theme")
    assert bool(t.loc["W", "headline"]) and not t.loc["V", "headline"]


def test_change_over_time(data):
    t = analysis.change_over_time(data, "Noord", suppress_small=False)
    # noord-1: 4 segments, vertrouwen (s1) and communicatie (s2); noord-2: 2 segments, financiering (s5)
    assert [(r.date, r.theme, r.segments, r.share) for r in t.itertuples()] == [
        ("2023-01-10", "communicatie", 1, 0.25),
        ("2023-01-10", "vertrouwen", 1, 0.25),
        ("2023-03-01", "financiering", 1, 0.5),
    ]
    # each count rests on one session report (one source): all small
    published = analysis.change_over_time(data, "Noord")
    assert set(published["segments"]) == {"<5"} and set(published["share"]) == {"<5"}


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


def test_the_chair_is_counted_but_never_quoted(data):
    before = analysis.representative_quotes(data, "Noord", n_central=2, n_diverse=2)
    chair = str(before.loc[before["theme"] == "financiering", "segment_id"].iloc[0])
    counts = analysis.theme_prevalence(data, "Noord", suppress_small=False)
    data.segments.loc[data.segments["segment_id"] == chair, "role"] = "gespreksleider"
    after = analysis.representative_quotes(data, "Noord", n_central=2, n_diverse=2)
    assert chair not in set(after["segment_id"]) and len(after[after["theme"] == "financiering"]) >= 1
    pd.testing.assert_frame_equal(analysis.theme_prevalence(data, "Noord", suppress_small=False), counts)


def test_quotes_are_deterministic(data):
    a = analysis.representative_quotes(data, "Noord")
    b = analysis.representative_quotes(data, "Noord")
    pd.testing.assert_frame_equal(a, b)


def test_coding_certainty(data):
    t = analysis.coding_certainty(data, "Noord", suppress_small=False).set_index("coded_by")
    # human: s1, s2, s3 (rejection), s5 (soort); machine only: s4, s6 (rejected: no), answers a1..a6 + a1b
    # s6's only coding is rejected -> none
    assert t.loc["human", "segments"] == 4
    assert t.loc["machine", "segments"] == 1 + 7
    assert t.loc["none", "segments"] == 1
    d = analysis.confidence_distribution(data, "Noord", suppress_small=False).set_index("bin")
    # machine codes that count in Noord: s5 0.75, seven answers 0.7 -> all in 0.70-0.90
    assert d.loc["0.70-0.90", "codes"] == 8 and d["codes"].sum() == 8
    # Oost is small (2 respondents, 1 source): its coding figures add up to its segments, so they are hidden
    # with them: human s7, machine only s8, a7, a8 -> "<5"; nobody coded none of them -> 0 is shown
    oost = analysis.coding_certainty(data, "Oost").set_index("coded_by")
    assert list(oost["segments"]) == ["<5", "<5", 0]
    assert list(oost["share"]) == ["<5", "<5", 0.0]  # a share of 0 tells nothing of the total
    conf = analysis.confidence_distribution(data, "Oost").set_index("bin")
    assert conf.loc["0.50-0.70", "codes"] == "<5" and conf.loc["0.70-0.90", "codes"] == "<5"  # s8; a7, a8


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
