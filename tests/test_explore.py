"""Explore views on the hand-written mini corpus: overview, theme map, comparison, codebook development.

The expected counts were worked out by reading tests/fixtures/mini_corpus (see the comments), not by running
the code. Codings and discovered themes are written by hand into the store.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import MINI_CORPUS, demo_codebook
from wijkanalyse import analysis
from wijkanalyse.coding.embed import HashingEmbedder
from wijkanalyse.exceptions import ReportError, SettingsError, WijkanalyseError
from wijkanalyse.explore import open_workbench, resolve_corpus
from wijkanalyse.explore.codebook_dev import (
    code_usage,
    discovered_overview,
    near_duplicate_codes,
    theme_code_overlap,
)
from wijkanalyse.explore.compare import cell_quotes, compare_matrix, compare_wijken
from wijkanalyse.explore.figures import compare_heatmap, overlap_heatmap, theme_map_figure
from wijkanalyse.explore.overview import (
    pseudonymisation_counts,
    segment_length_summary,
    source_types,
    sources_by_wijk_and_date,
    survey_response_rates,
)
from wijkanalyse.explore.theme_map import (
    NO_CODE,
    cluster_centroids,
    filter_map,
    project_2d,
    theme_map_frame,
)
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.store import Store, now_iso

# Segments of the mini corpus, by a piece of their text
FIN_NOTES = "Hoe wordt de financiering geregeld?"  # noord/2023-01-10-sessie.md, section "Vragen en zorgen"
FIN_TURN = "Ik maak me zorgen over het geld."  # noord transcript, bewoner
FIN_SURVEY = "Wie betaalt straks de activiteiten?"  # enquete, respondent 1 (postcode 2021: Noord), "zorgen"
COMM_OOST = "De communicatie van de gemeente moet beter."  # oost/notitie.txt
KRANT = "De wijkkrant moet blijven."  # noord sessie, section "Het goede behouden"
AANSPREEK = "De wijkraad is het aanspreekpunt in de wijk."  # noord sessie


def _sid(store, startswith: str) -> str:
    row = store.con.execute(
        "SELECT segment_id FROM segments WHERE text LIKE ?", (startswith + "%",)
    ).fetchone()
    assert row is not None, startswith
    return str(row[0])


@pytest.fixture()
def coded(make_settings):
    """The mini corpus with the default codebook's codes, hand-made codings and two discovered themes."""
    settings = make_settings(embedder="hashing")
    store = Store(settings.store_path)
    ingest_corpus(settings, store)
    codes = demo_codebook().to_frame()
    stamp = now_iso()
    with store.transaction() as con:
        con.executemany(
            "INSERT INTO codes(code_id, dimension, label_nl, label_en, parent, definition, color, "
            "codebook_version) VALUES (?,?,?,?,?,?,?,?)",
            codes[
                [
                    "code_id",
                    "dimension",
                    "label_nl",
                    "label_en",
                    "parent",
                    "definition",
                    "color",
                    "codebook_version",
                ]
            ].itertuples(index=False, name=None),
        )
        con.execute("INSERT INTO coders VALUES ('machine','machine','machine',?)", (stamp,))
        con.execute("INSERT INTO coders VALUES ('anna','anna','human',?)", (stamp,))
        rows = [
            (FIN_NOTES, "financiering", "machine", "machine", 0.9),
            (FIN_TURN, "financiering", "machine", "machine", 0.8),
            (FIN_SURVEY, "financiering", "anna", "human", None),
            (COMM_OOST, "communicatie", "machine", "machine", 0.7),
            (KRANT, "communicatiemiddelen", "anna", "human", None),
            (AANSPREEK, "aanspreekpunt", "machine", "machine", 0.6),
        ]
        for text, code, coder, kind, conf in rows:
            con.execute(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, confidence, created_at) "
                "VALUES (?,?,?,?,?,?)",
                (_sid(store, text), code, coder, kind, conf, stamp),
            )
    # a discovery run written by hand: two themes the codebook does not cover, a theme per segment
    themes = [
        (0, "geld en huur", ["geld", "huur", "betaalt"], 3),
        (1, "wijkkrant", ["wijkkrant", "informatie"], 2),
    ]
    not_in_codebook = {"closest_code": None, "closest_confidence": 0.0, "coded_share": 0.0, "covered": False}
    rows = [
        {
            "theme_id": t,
            "label": label,
            "top_words": words,
            "size": size,
            "representative_ids": [],
            **not_in_codebook,
        }
        for t, label, words, size in themes
    ]
    links = [(FIN_NOTES, 0), (FIN_TURN, 0), (FIN_SURVEY, 0), (KRANT, 1), (COMM_OOST, 1)]
    store.add_theme_run(
        "ontdekking-1", rows, [(_sid(store, s), t, False) for s, t in links], model="met de hand"
    )
    yield settings, store
    store.close()


# -- overview ------------------------------------------------------------------------------------------------
def test_sources_by_wijk_and_date(mini_store) -> None:
    _, store = mini_store
    t = sources_by_wijk_and_date(store)
    got = {
        (r.wijk, r.date, r.kind): (r.documents, r.sessions, r.segments, r.respondents) for r in t.itertuples()
    }
    assert got == {
        # verslag: 2 bullets + 1 paragraph; transcript: 3 turns (the two cues of Anna de Wit are one turn)
        ("Noord", "2023-01-10", "verslag"): (1, 1, 3, 0),
        ("Noord", "2023-09-12", "transcript"): (1, 1, 3, 0),
        # survey: respondents 1 (2021) and 3 (2022) live in Noord; only respondent 1 answered (2 answers)
        ("Noord", "2024-03-01", "enquete"): (1, 0, 2, 2),
        ("Oost", "2023-02-01", "notitie"): (1, 1, 2, 0),
        # respondent 2 (2031): one answer, "weet niet" does not count
        ("Oost", "2024-03-01", "enquete"): (1, 0, 1, 1),
        # respondent 4 (1011, not in the lookup): city-wide, one answer ("Geen" does not count)
        ("(stad)", "2024-03-01", "enquete"): (1, 0, 1, 1),
    }
    assert list(t["wijk"]) == ["Noord", "Noord", "Noord", "Oost", "Oost", "(stad)"]


def test_source_types(mini_store) -> None:
    _, store = mini_store
    t = source_types(store).set_index("format")
    assert t.loc["csv", "documents"] == 1 and t.loc["csv", "segments"] == 4
    assert t.loc["md", "segments"] == 3 and t.loc["vtt", "segments"] == 3 and t.loc["txt", "segments"] == 2
    assert t["documents"].sum() == 4


def test_segment_length_summary(mini_store) -> None:
    _, store = mini_store
    t = segment_length_summary(store).set_index("kind")
    # survey answers: "De wijkraad als aanspreekpunt" (29), "Wie betaalt straks de activiteiten?" (35),
    # "De gemeente luistert niet naar ons." (35), "Het spreekuur" (13)
    assert t.loc["enquete", "segments"] == 4
    assert (t.loc["enquete", "chars_min"], t.loc["enquete", "chars_max"]) == (13, 35)
    assert t.loc["enquete", "chars_median"] == 32.0
    assert t.loc["(alle)", "segments"] == 12


def test_survey_response_rates(mini_store) -> None:
    _, store = mini_store
    t = survey_response_rates(store).set_index("question")
    # behouden: 1 and 4 answered, 2 "weet niet", 3 empty; zorgen: 1 and 2 answered, 4 "Geen", 3 empty
    assert t.loc["behouden", ["respondents", "answered", "no_content", "empty"]].tolist() == [4, 2, 1, 1]
    assert t.loc["zorgen", ["respondents", "answered", "no_content", "empty"]].tolist() == [4, 2, 1, 1]
    assert t.loc["behouden", "response_rate"] == 0.5
    assert t.loc["leeftijd", "type"] == "gesloten" and t.loc["leeftijd", "answered"] == 4
    per = survey_response_rates(store, by_wijk=True).set_index(["wijk", "question"])
    assert per.loc[("Noord", "behouden"), ["respondents", "answered"]].tolist() == [2, 1]
    assert per.loc[("Oost", "zorgen"), "response_rate"] == 1.0
    small = survey_response_rates(store, by_wijk=True, min_count=2).set_index(["wijk", "question"])
    assert small.loc[("Oost", "zorgen"), "response_rate"] == "<2"  # one respondent
    assert small.loc[("Noord", "zorgen"), "answered"] == 1  # two respondents


def test_pseudonymisation_counts_never_show_originals(mini_store) -> None:
    _, store = mini_store
    t = pseudonymisation_counts(store).set_index("category")
    # one phone number (md), one e-mail address and one street address (txt)
    assert (
        t.loc["TELEFOON", "replaced"] == 1
        and t.loc["EMAIL", "replaced"] == 1
        and t.loc["ADRES", "replaced"] == 1
    )
    per_doc = pseudonymisation_counts(store, by="document").set_index("path")
    # the minutes name "Mevrouw Jansen" and "Piet Bakker"
    assert per_doc.loc["noord/2023-01-10-sessie.md", "PERSOON"] == 2
    text = "".join(df.to_csv() for df in (t, per_doc, pseudonymisation_counts(store, by="wijk")))
    for original in ("Jansen", "Bakker", "06-12345678", "info.oost@example.nl", "Linnaeusstraat"):
        assert original not in text


# -- theme map -----------------------------------------------------------------------------------------------
def test_project_2d_is_deterministic() -> None:
    x = np.random.default_rng(0).standard_normal((40, 16))
    a, m1 = project_2d(x, "pca")
    b, _ = project_2d(x, "pca")
    assert m1 == "pca" and a.shape == (40, 2) and np.array_equal(a, b)
    u1, m2 = project_2d(x, "umap", random_state=7)
    u2, _ = project_2d(x, "umap", random_state=7)
    assert m2 == "umap" and np.array_equal(u1, u2)
    small, m3 = project_2d(x[:5], "umap")
    assert m3 == "pca" and small.shape == (5, 2)  # too few points for UMAP
    with pytest.raises(SettingsError, match="tsne"):
        project_2d(x, "tsne")


def test_theme_map_frame(coded) -> None:
    settings, store = coded
    data = analysis.load(store, settings)
    vecs = HashingEmbedder().embed(data.segments["text"].tolist())
    xy, method = project_2d(vecs, "pca")
    frame = theme_map_frame(data, xy, method)
    again = theme_map_frame(data, project_2d(vecs, "pca")[0], method)
    pd.testing.assert_frame_equal(frame, again)
    row = frame.set_index("text")
    fin = next(t for t in row.index if t.startswith(FIN_NOTES))
    assert row.loc[fin, "code"] == "Financiering" and row.loc[fin, "coded_by"] == "machine"
    assert row.loc[fin, "theme"] == "geld en huur"
    assert row.loc[fin, "soort_ids"] == "vraag_of_zorg"  # from its heading "Vragen en zorgen"
    assert (
        row.loc[KRANT, "code"] == "Communicatiemiddelen van de wijk" and row.loc[KRANT, "coded_by"] == "mens"
    )
    assert row.loc[KRANT, "soort_ids"] == "behouden"  # heading "Het goede behouden"
    assert (frame["code"] == NO_CODE).sum() == 12 - 6
    assert set(filter_map(frame, wijk="Oost")["wijk"]) == {"Oost"}
    # two bullets under "Het goede behouden" + the "behouden" answers of respondents 1 and 4
    assert len(filter_map(frame, soort="behouden")) == 4
    assert len(filter_map(frame, kind="transcript")) == 3
    # labels at the median of the points of each group (3 segments with financiering)
    cent = cluster_centroids(frame, by="code").set_index("group")
    fin_pts = frame[frame["code"] == "Financiering"]
    assert cent.loc["Financiering", "n"] == 3
    assert cent.loc["Financiering", "x"] == pytest.approx(fin_pts["x"].median())
    fig = theme_map_figure(frame, color_by="code", wijk="Noord", highlight=[frame["segment_id"].iloc[0]])
    names = [t.name for t in fig.data]
    assert "buiten filter (4)" not in names and names[0] == "buiten filter"
    assert all(t.type == "scatter" for t in fig.data)  # SVG, not WebGL
    assert any(a.text == "<b>Financiering</b>" for a in fig.layout.annotations)
    assert cent.loc["Financiering", "spread"] > 0
    assert (
        len(theme_map_figure(frame, color_by="wijk").layout.annotations) == 0
    )  # wijken: no labels by default


def test_workbench_theme_map_is_cached(coded, tmp_path) -> None:
    settings, store = coded
    wb = open_workbench(
        MINI_CORPUS, embedder="hashing", store_dir=settings.store_path, private_dir=tmp_path / "p"
    )
    first = wb.theme_map(method="pca")
    assert list((settings.store_path / "projections").glob("*.npz"))
    second = wb.theme_map(method="pca")
    pd.testing.assert_frame_equal(first, second)
    assert first.attrs["method"] == "pca"
    wb.close()


def test_resolve_corpus(tmp_path) -> None:
    assert resolve_corpus(MINI_CORPUS) == MINI_CORPUS.resolve()
    assert resolve_corpus("tests/fixtures/mini_corpus") == MINI_CORPUS.resolve()  # from the source checkout
    with pytest.raises(SettingsError, match="not found"):
        resolve_corpus(tmp_path / "nope")


# -- compare -------------------------------------------------------------------------------------------------
def test_compare_wijken(coded) -> None:
    settings, store = coded
    data = analysis.load(store, settings, min_count=1)  # nothing suppressed
    t = compare_wijken(data).set_index(["wijk", "theme"])
    # financiering: 3 of the 8 segments of Noord, 3 of the 12 of the city
    assert t.loc[("Noord", "financiering"), "segments"] == 3
    assert t.loc[("Noord", "financiering"), "share"] == pytest.approx(3 / 8, abs=1e-4)
    assert t.loc[("Stad", "financiering"), "share"] == pytest.approx(3 / 12, abs=1e-4)
    assert t.loc[("Noord", "financiering"), "ratio"] == pytest.approx(1.5, abs=1e-3)
    # communicatie: 1 of the 3 segments of Oost, 1 of 12 in the city
    assert t.loc[("Oost", "communicatie"), "ratio"] == pytest.approx(4.0, abs=1e-3)
    assert t.loc[("Oost", "financiering"), "segments"] == 0
    assert not t["suppressed"].any()
    m = compare_matrix(compare_wijken(data))
    assert list(m.columns) == ["Stad", "Noord", "Oost"]
    assert compare_heatmap(compare_wijken(data)).data[0].type == "heatmap"


def test_compare_suppresses_small_cells(coded) -> None:
    settings, store = coded
    data = analysis.load(store, settings)  # min_count 5
    t = compare_wijken(data).set_index(["wijk", "theme"])
    # financiering in Noord rests partly on one survey respondent: suppressed, figures withheld
    cell = t.loc[("Noord", "financiering")]
    assert bool(cell["suppressed"]) and cell["marker"] == "<5" and pd.isna(cell["share"])
    # communicatie in Oost rests on Oost's one note (one source): session text is protected too
    assert bool(t.loc[("Oost", "communicatie"), "suppressed"])
    assert compare_matrix(compare_wijken(data)).loc["Financiering", "Noord"] == "<5"


def test_cell_quotes(coded) -> None:
    settings, store = coded
    data = analysis.load(store, settings, min_count=1)
    q = cell_quotes(data, "Noord", "financiering")
    assert q.attrs["segments"] == 3 and len(q) == 3
    assert any(t.startswith(FIN_TURN) for t in q["text"])
    assert {"central", "diverse"} & set(q["pick"])
    assert q.set_index("segment_id").loc[_sid(store, FIN_SURVEY), "source"] == "human"
    small = cell_quotes(
        analysis.load(store, settings), "Noord", "financiering"
    )  # min_count 5: survey withheld
    assert small.attrs["withheld"] == 1 and len(small) == 2
    with pytest.raises(ReportError, match="Unknown theme"):
        cell_quotes(data, "Noord", "financieringg")
    with pytest.raises(ReportError, match="Unknown wijk"):
        cell_quotes(data, "Zuid", "financiering")


# -- codebook development ------------------------------------------------------------------------------------
def test_theme_code_overlap_and_overview(coded) -> None:
    settings, store = coded
    data = analysis.load(store, settings)
    ov = theme_code_overlap(data).set_index(["theme", "code_id"])
    # "geld en huur": 3 segments, all financiering;
    # "wijkkrant": the krant bullet (communicatiemiddelen) and the Oost note (communicatie)
    assert ov.loc[("geld en huur", "financiering"), "share"] == 1.0
    assert ov.loc[("wijkkrant", "communicatiemiddelen"), "share"] == 0.5
    assert ov.loc[("wijkkrant", "communicatie"), "segments"] == 1
    d = discovered_overview(data).set_index("theme")
    assert d.loc["geld en huur", "top_code"] == "financiering" and bool(d.loc["geld en huur", "covered"])
    assert d.loc["wijkkrant", "segments"] == 2
    assert overlap_heatmap(theme_code_overlap(data)).data[0].type == "heatmap"


def test_code_usage_flags_unmatched_codes(coded) -> None:
    settings, store = coded
    usage = code_usage(analysis.load(store, settings)).set_index("code_id")
    assert usage.loc["financiering", ["segments", "by_people", "by_machine"]].tolist() == [3, 1, 2]
    assert usage.loc["financiering", "discovered_themes"] == 1
    assert not usage.loc["aanspreekpunt", "unmatched"]
    # 4 codes were used; the other codes of the codebook match nothing
    assert usage["unmatched"].sum() == len(demo_codebook().codes) - 4


def test_near_duplicate_codes() -> None:
    cb = demo_codebook()
    cb2 = cb.add_code(
        "vertrouwen_kopie",
        "Vertrouwen (kopie)",
        cb.code("vertrouwen").definition,
        include=cb.code("vertrouwen").include,
        examples=cb.code("vertrouwen").examples,
    )
    pairs = near_duplicate_codes(cb2, HashingEmbedder().embed)
    top = pairs.iloc[0]
    assert {top["code_a"], top["code_b"]} == {"vertrouwen", "vertrouwen_kopie"}
    assert top["near_duplicate"] and top["similarity"] > 0.95


# -- panels (built without a browser, as papermill and nbval do) ---------------------------------------------
def test_panels_work_without_a_frontend(coded, tmp_path) -> None:
    from wijkanalyse.explore.panels import ComparePanel, SearchPanel, ThemeMapPanel

    settings, store = coded
    wb = open_workbench(
        MINI_CORPUS, embedder="hashing", store_dir=settings.store_path, private_dir=tmp_path / "p"
    )
    frame = wb.theme_map(method="pca")
    assert SearchPanel(wb).mode.value == "hybrid"  # the default: keyword and semantic ranks fused
    panel = SearchPanel(wb, query="geld", mode="keyword", theme_map=frame, author="anna")
    assert len(panel.hits) == 2 and len(panel.out.outputs) == 2  # the hits and the map with the hits marked
    panel.mode.value = "semantic"
    panel.query.value = "Wie betaalt de huur?"  # searching again on a new query
    assert panel.hits.attrs["mode"] == "semantic"
    memo = panel.save_memo()
    assert store.memos("project").set_index("memo_id").loc[memo, "author"] == "anna"
    tm = ThemeMapPanel(frame)
    tm.wijk.value = "Oost"
    assert len(tm.out.outputs) == 1 and tm.figure().data[0].name == "buiten filter"
    cp = ComparePanel(wb.data, compare_wijken(wb.data))
    cp.wijk.value, cp.theme.value = "Noord", "financiering"
    assert "segment(en)" in cp.out.outputs[0]["data"]["text/html"]
    wb.close()


def test_promote_a_discovered_theme_into_the_codebook_file_and_the_store(make_settings, tmp_path) -> None:
    """A real discovery run on the mini corpus; its first theme becomes a code in the corpus's codebook."""
    from wijkanalyse.coding.codebook import load_codebook, save_codebook
    from wijkanalyse.coding.discovery import discover_store, load_themes
    from wijkanalyse.explore.codebook_dev import promote

    path = save_codebook(demo_codebook(), tmp_path / "codeboek.yml")
    settings = make_settings(embedder="hashing", codebook=path)
    store = Store(settings.store_path)
    ingest_corpus(settings, store)
    run = discover_store(store, settings, embedder=HashingEmbedder(), min_theme_size=3)
    theme = load_themes(store)[0].iloc[0]
    assert run.themes >= 1 and theme["theme_id"] == 0

    new = promote(store, settings, 0, code_id="nieuw_thema", label_nl="Nieuw thema", definition="")
    saved = load_codebook(path)  # the file now holds the code
    assert saved.ids == [*demo_codebook().ids, "nieuw_thema"] and saved.version_tag == new.version_tag
    code = saved.code("nieuw_thema")
    texts = dict(zip(store.segments()["segment_id"], store.segments()["text"], strict=True))
    assert code.label_nl == "Nieuw thema"
    assert code.examples == [texts[i].strip()[:300] for i in theme["representative_ids"]]  # its segments
    assert code.include == [f"Kernwoorden: {', '.join(theme['top_words'])}."]
    assert code.definition.startswith("Thema gevonden in de segmenten, met de kernwoorden: ")
    row = store.query("SELECT dimension, label_nl, codebook_version FROM codes WHERE code_id = 'nieuw_thema'")
    assert row.values.tolist() == [["thema", "Nieuw thema", saved.version_tag]]  # people can code with it
    with pytest.raises(WijkanalyseError, match=r"No discovered theme 99 .* Themes found: \[0"):
        promote(store, settings, 99, code_id="x", label_nl="X")
    # settings that name no codebook: a file to write is required, and a new codebook is started there
    none = make_settings(embedder="hashing").model_copy(update={"codebook": None})
    with pytest.raises(WijkanalyseError, match="name no codebook"):
        promote(store, none, 0, code_id="nog_een", label_nl="Nog een")
    started = promote(store, none, 0, code_id="nog_een", label_nl="Nog een", path=tmp_path / "nieuw.yml")
    on_disk = load_codebook(tmp_path / "nieuw.yml")
    assert on_disk.ids == started.ids == ["nog_een"] and on_disk.soort == []
    assert on_disk.name == none.corpus_name
    store.close()
