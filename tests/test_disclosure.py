"""Disclosure control: primary and complementary suppression, and the differencing attack that checks it.

The store below is written by hand; every count is worked out here::

    Noord  survey: n1..n7 answer 'zorgen' about geld, n8 answers 'behouden' about geld      (8 respondents)
           session noord-1: a transcript, 6 speakers, one turn each about samenwerking   (6 sources)
    Oost   survey: o1..o6 answer 'zorgen' about geld                                   (6 respondents)
           session oost-1: minutes, 3 paragraphs about samenwerking                    (1 source)
    Klein  survey: k1, k2 answer 'zorgen' about geld                                   (2 respondents)
           session klein-1: a note, 3 paragraphs, one about vertrouwen, two uncoded     (1 source)
    (none) survey: z1 answers 'zorgen' about vertrouwen (postcode outside the wijken)

Every code is a person's. With ``min_count`` 5 the small figures (primary suppression) are those of Klein
(3 contributors), Noord's behouden/geld (1 respondent), Oost's samenwerking (1 source), the city's vertrouwen
(2 contributors) and the part without a wijk (1 respondent).
"""

from __future__ import annotations

import hashlib
import html
import math
import re

import pandas as pd
import pytest

from wijkanalyse import analysis
from wijkanalyse.analysis.attack import COMPLEMENTARY, PRIMARY, View, attack
from wijkanalyse.analysis.cells import CellModel, Relation, cell_model
from wijkanalyse.analysis.disclosure import audit_model
from wijkanalyse.analysis.protection import protect
from wijkanalyse.config import load_settings
from wijkanalyse.report.context import ReportContext
from wijkanalyse.report.render import certainty_section
from wijkanalyse.report.text import slug, texts
from wijkanalyse.store import Store, now_iso
from wijkanalyse.table_files import write_table

INF = math.inf


# -- the attack on views written by hand --------------------------------------------------------------------
def _cell(name: str) -> tuple[str, ...]:
    return ("theme", name, "*", "t", "segments")


T, A, B, C = _cell("(stad)"), _cell("A"), _cell("B"), _cell("C")


def test_difference_gives_back_a_single_hidden_part():
    # 10 = a + 4 + 5 -> a = 1
    view = View({T: 10, B: 4, C: 5}, {A: (1, INF)}, {A}, [Relation(T, (A, B, C), "wijken")])
    (found,) = attack(view)
    assert (found.cell, found.value, found.how) == (A, 1, "difference")


def test_bounds_give_back_parts_that_can_only_be_one():
    # 7 = a + b + 5 with a, b >= 1 (zero is never hidden) -> a = b = 1
    view = View({T: 7, C: 5}, {A: (1, INF), B: (1, INF)}, {A, B}, [Relation(T, (A, B, C), "wijken")])
    assert [(f.cell, f.value, f.how) for f in attack(view)] == [(A, 1, "bounds"), (B, 1, "bounds")]
    # with 8 the two hidden parts are 1 and 2 or 2 and 1: nothing comes out
    view.known[T] = 8
    assert attack(view) == []


def test_a_small_marker_bounds_respondents_from_above():
    # two counts of respondents shown as "<5" (at most 4) that add up to 8 are both 4
    ra, rb, rt = (("theme", w, "*", "t", "respondents") for w in ("A", "B", "(stad)"))
    view = View({rt: 8}, {ra: (1, 4), rb: (1, 4)}, {ra, rb}, [Relation(rt, (ra, rb), "wijken")])
    assert [(f.cell, f.value) for f in attack(view)] == [(ra, 4), (rb, 4)]


def test_a_linear_combination_gives_back_what_no_single_relation_does():
    # a + b = 50, b + c = 30, a + c = 40: every relation has two hidden parts and the intervals stay wide
    # (a in [21, 39], b in [11, 29], c in [1, 19]), yet a = 30, b = 20, c = 10
    t1, t2, t3 = _cell("t1"), _cell("t2"), _cell("t3")
    rels = [Relation(t1, (A, B), "wijken"), Relation(t2, (B, C), "wijken"), Relation(t3, (A, C), "wijken")]
    view = View({t1: 50, t2: 30, t3: 40}, {A: (1, INF), B: (1, INF), C: (1, INF)}, {A, B, C}, rels)
    assert attack(view, combinations=False) == []
    found = attack(view)
    assert [(f.cell, f.value, f.how) for f in found] == [(A, 30, "combination"), (B, 20, "combination"),
                                                         (C, 10, "combination")]  # fmt: skip
    # without the third relation a + b = 50 and b + c = 30 leave one degree of freedom: nothing comes out
    view.relations = rels[:2]
    assert attack(view) == []


def test_protect_hides_the_smallest_other_part_and_the_attack_then_fails():
    # a (1 contributor) is small; b (4, from 6 contributors) is the smallest other part
    model = CellModel(
        values={T: 10, A: 1, B: 4, C: 5},
        contributors={T: 12, A: 1, B: 6, C: 5},
        published={T, A, B, C},
        relations=[Relation(T, (A, B, C), "wijken")],
        with_kinds=False,
    )
    hidden, unresolved = protect(model)
    assert hidden == {A: PRIMARY, B: COMPLEMENTARY} and unresolved == []
    assert audit_model(model, hidden) == []
    assert [f.cell for f in audit_model(model, {A: PRIMARY})] == [A]


# -- a store written by hand --------------------------------------------------------------------------------
def _doc(con, doc_id, path, kind, wijk, date, session, rows):
    """rows: (segment id, text, speaker, respondent, segment wijk, question)."""
    text, segs = "", []
    for i, (seg_id, body, speaker, respondent, seg_wijk, question) in enumerate(rows):
        text += ("\n\n" if text else "") + body
        segs.append((seg_id, doc_id, i, len(text) - len(body), len(text), body,
                     hashlib.sha256(body.encode()).hexdigest(), "paragraph", seg_wijk, date, session, kind,
                     speaker, "respondent" if respondent else "bewoner", question, respondent))  # fmt: skip
    con.execute(
        "INSERT INTO documents(doc_id, path, content_hash, format, kind, wijk, date, session, title, text,"
        " ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (doc_id, path, "h-" + doc_id, "md", kind, wijk, date, session, path, text, now_iso()),
    )
    con.executemany(
        'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit, wijk, date,'
        " session, kind, speaker, role, question, respondent_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        segs,
    )


def build_store(folder) -> Store:
    store = Store(folder)
    answers = [(f"n{i}", "Noord", "zorgen", "geld") for i in range(1, 8)] + [
        ("n8", "Noord", "behouden", "geld")
    ]
    answers += [(f"o{i}", "Oost", "zorgen", "geld") for i in range(1, 7)]
    answers += [
        ("k1", "Klein", "zorgen", "geld"),
        ("k2", "Klein", "zorgen", "geld"),
        ("z1", None, "zorgen", "vertrouwen"),
    ]
    codes = {f"a-{r}": theme for r, _, _, theme in answers}
    with store.transaction() as con:
        rows = [(f"a-{r}", f"Antwoord van {r} over {t}.", None, r, w, q) for r, w, q, t in answers]
        _doc(con, "survey", "enquete/e.csv", "enquete", None, "2024-03-01", None, rows)
        _doc(con, "noord-t", "noord/t.vtt", "transcript", "Noord", "2023-05-01", "noord-1",
             [(f"t{i}", f"Beurt {i} over samenwerken.", f"[PERSOON-{i}]", None, "Noord", None)
              for i in range(1, 7)])  # fmt: skip
        _doc(
            con,
            "oost-m",
            "oost/m.md",
            "notulen",
            "Oost",
            "2023-05-02",
            "oost-1",
            [(f"m{i}", f"Alinea {i} over samenwerken.", None, None, "Oost", None) for i in range(1, 4)],
        )
        _doc(
            con,
            "klein-n",
            "klein/n.md",
            "notitie",
            "Klein",
            "2023-05-03",
            "klein-1",
            [(f"k-n{i}", f"Notitie {i}.", None, None, "Klein", None) for i in range(1, 4)],
        )
        codes.update({f"t{i}": "samen" for i in range(1, 7)} | {f"m{i}": "samen" for i in range(1, 4)})
        codes["k-n1"] = "vertrouwen"
        con.executemany(
            "INSERT INTO codes(code_id, dimension, label_nl, label_en, codebook_version) VALUES (?,?,?,?,?)",
            [("geld", "thema", "Geld", "Money", "1"), ("samen", "thema", "Samenwerking", "Cooperation", "1"),
             ("vertrouwen", "thema", "Vertrouwen", "Trust", "1"),
             ("behouden", "soort", "Behouden", "Keep", "1"),
             ("verbeteren", "soort", "Verbeteren", "Improve", "1"),
             ("vraag_of_zorg", "soort", "Vraag of zorg", "Concern", "1")],
        )  # fmt: skip
        con.executemany(
            "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, confidence, created_at)"
            " VALUES (?,?,?,?,?,?,?)",
            [(s, c, "anna", "human", "applied", None, now_iso()) for s, c in codes.items()],
        )
    return store


@pytest.fixture()
def store(tmp_path):
    s = build_store(tmp_path / "store")
    yield s
    s.close()


@pytest.fixture()
def data(store):
    return analysis.load(store, min_count=5)


def _hidden_cells(found) -> dict[tuple[str, ...], float]:
    return {f.cell: f.value for f in found}


def test_primary_suppression_alone_gives_figures_back(data):
    model = cell_model(data)
    primary = {k: PRIMARY for k in model.primary()}
    got = _hidden_cells(audit_model(model, primary))
    # a theme's total minus its visible kinds: Noord geld 8 - 7 (zorgen) = 1 behouden answer, of 1 respondent
    assert got[("theme", "Noord", "behouden", "geld", "survey_answers")] == 1
    assert got[("theme", "Noord", "behouden", "geld", "respondents")] == 1
    # the city minus the other wijken: geld/zorgen 15 - 7 (Noord) - 6 (Oost) = 2 answers of Klein
    assert got[("theme", "Klein", "vraag_of_zorg", "geld", "respondents")] == 2
    # session text: samenwerking in the city 9 - 6 (Noord) = 3 paragraphs of Oost's minutes (1 source)
    assert got[("theme", "Oost", "*", "samen", "session_segments")] == 3
    # the certainty section: city 'not coded' 2 - 0 - 0 = Klein's 2 uncoded paragraphs
    assert got[("coding", "Klein", "none", "segments")] == 2


def test_the_suppression_pattern_withstands_the_attack(data):
    pattern = analysis.suppression_pattern(data)
    assert pattern.unresolved == ()
    model = cell_model(data)
    assert audit_model(model, pattern.hidden) == []
    # primary: exactly the small figures, complementary: more figures, never a small one
    assert {k for k, how in pattern.hidden.items() if how == PRIMARY} == model.primary()
    assert all(not model.is_small(k) for k, how in pattern.hidden.items() if how == COMPLEMENTARY)
    # e.g. Noord's geld: the 7 zorgen answers would give the 1 behouden answer back; 7 is hidden ("x")
    t = analysis.theme_by_kind(data, "Noord").set_index(["soort", "theme"])
    assert t.loc[("behouden", "geld"), "survey_answers"] == "<5"
    assert t.loc[("vraag_of_zorg", "geld"), "survey_answers"] == "x"


def _publish(data, run) -> dict[str, dict[str, pd.DataFrame]]:
    """Write a run folder's tables as the report notebooks do; return them by report."""
    data.embedder = None  # quotes by TF-IDF: no model needed
    out = {"stad": analysis.city_tables(data)}
    for name, df in out["stad"].items():
        write_table(df, run / "stad" / "tables" / f"{name}.csv")
    for w in analysis.wijken(data):
        out[w] = analysis.wijk_tables(data, w)
        for name, df in out[w].items():
            write_table(df, run / "wijken" / slug(w) / "tables" / f"{name}.csv")
    return out


def test_no_published_figure_gives_a_hidden_one_back(data, tmp_path):
    run = tmp_path / "run"
    tables = _publish(data, run)
    assert analysis.audit_run(run) == []
    # the same figure is hidden in the wijk report and in the city overview
    city = tables["stad"]["thema_per_wijk"].set_index(["wijk", "theme"])
    for wijk in ("Noord", "Oost", "Klein"):
        own = tables[wijk]["prevalentie"].set_index("theme")
        for theme, row in own.iterrows():
            assert list(row[["respondents", "segments"]]) == list(
                city.loc[(wijk, theme), ["respondents", "segments"]]
            )
    # the small wijk: its total is hidden, and so is every coding figure that would add up to it
    klein = tables["Klein"]
    assert klein["overzicht"]["segments"].iloc[0] == "<5"
    assert not any(isinstance(v, int | float) and v > 0 for v in klein["codering"]["segments"])


def _unhide(published: pd.DataFrame, raw: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Put the true value back in every figure shown as "x" (rows matched by ``keys``)."""
    truth = raw.set_index(keys)
    out = published.astype(object)
    for i, rec in enumerate(published.to_dict("records")):
        for col, value in rec.items():
            if value == "x":
                out.loc[i, col] = truth.loc[tuple(rec[k] for k in keys), col]
    return out


def test_the_audit_finds_what_complementary_suppression_prevents(data, tmp_path):
    tables = _publish(data, tmp_path / "run")
    # what the reports showed before complementary suppression: every "x" back to its value
    for scope, report in tables.items():
        wijk = None if scope == "stad" else scope
        raw_kinds = analysis.theme_by_kind(data, wijk, suppress_small=False)
        raw_themes = analysis.theme_prevalence(data, wijk, suppress_small=False)
        report["soort_per_thema"] = _unhide(report["soort_per_thema"], raw_kinds, ["soort", "theme"])
        report["prevalentie"] = _unhide(report["prevalentie"], raw_themes, ["theme"])
    city = tables.pop("stad")
    found = {f.cell: f.value for f in analysis.audit_tables(city, tables)}
    # Noord geld: 8 answers in all, 7 about zorgen -> the behouden answer comes back, from the CSVs alone
    assert found[("theme", "Noord", "behouden", "geld", "survey_answers")] == 1


def test_the_certainty_section_of_a_small_wijk_shows_no_count(data, store, tmp_path):
    settings = load_settings(None, store_dir=tmp_path / "store")
    ctx = ReportContext(settings, store, data, "nl", "run-1", text=texts("nl", settings))
    page = certainty_section(ctx, analysis.wijk_tables(data, "Klein"), "Klein")
    # Klein has 5 segments (2 answers, 3 paragraphs), 3 coded by a person, 2 not coded: none of these shows
    assert not re.search(r"[^<]\b[235] (fragmenten|door|zijn)", html.unescape(page))
    assert "Van de &lt;5 fragmenten" in page
    page = certainty_section(ctx, analysis.wijk_tables(data, "Noord"), "Noord")
    assert "Van de 14 fragmenten zijn er 14 door mensen gecodeerd" in page
