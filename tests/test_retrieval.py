"""The QDA views on the mini corpus: a code's quotes (spans, memos, filters, source), co-occurrence, counts.

Codings are written by hand (below); every expected value was worked out from them and from the mini corpus
texts (tests/fixtures/mini_corpus), not by running the code. The codings, per segment:

- TURN (noord transcript, 2023-09-12, [PERSOON-2], 00:00:05-00:00:12, document offsets 109-210):
  anna *financiering* on the span "Wie betaalt de huur van ons zaaltje?" (segment offsets 33-69), anna
  *vraag_of_zorg*, the machine *financiering* (0.8);
- NOTES (noord verslag, 2023-01-10, "Hoe wordt de financiering geregeld? ..."): the machine *financiering*
  (0.9), anna *communicatie*; piet *rejected* financiering (never a quote, never counted);
- SURVEY (respondent 1, Noord, 2024-03-01, "Wie betaalt straks de activiteiten?"): anna *financiering*, the
  machine *vraag_of_zorg*;
- OOST (oost notitie, 2023-02-01): the machine *communicatie* (0.7) and anna *communicatie*;
- KRANT (noord verslag, "De wijkkrant moet blijven."): anna *communicatiemiddelen*.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from conftest import MINI_CORPUS, demo_codebook
from wijkanalyse.analysis.code_tables import code_view_tables, protect_grid
from wijkanalyse.analysis.cooccurrence import code_frequencies, cooccurrence_counts, cooccurrence_matrix
from wijkanalyse.analysis.retrieval import code_quotes
from wijkanalyse.cli import app
from wijkanalyse.exceptions import ReportError
from wijkanalyse.explore.code_views import code_quotes_html, cooccurrence_heatmap
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.store import Store
from wijkanalyse.vocabulary import CITY

TURN = "Ik maak me zorgen over het geld."
NOTES = "Hoe wordt de financiering geregeld?"
SURVEY = "Wie betaalt straks de activiteiten?"
OOST = "De communicatie van de gemeente moet beter."
KRANT = "De wijkkrant moet blijven."
SPAN = "Wie betaalt de huur van ons zaaltje?"
EXPLORE = Path(__file__).resolve().parents[1] / "notebooks" / "explore"
VIEW_NOTEBOOKS = ["08_citaten_per_code", "09_samen_voorkomen", "10_codefrequenties"]


def _sid(store: Store, startswith: str) -> str:
    seg = store.segments()
    return str(seg.loc[seg["text"].str.startswith(startswith), "segment_id"].iloc[0])


@pytest.fixture()
def views(make_settings):
    settings = make_settings(embedder="hashing")
    store = Store(settings.store_path)
    ingest_corpus(settings, store)
    store.sync_codes(demo_codebook().to_frame())
    for coder, kind in (("machine", "machine"), ("anna", "human"), ("piet", "human")):
        store.ensure_coder(coder, kind)
    rows = [  # segment, code, coder, kind, status, confidence, span
        (TURN, "financiering", "anna", "human", "applied", None, (33, 69)),
        (TURN, "vraag_of_zorg", "anna", "human", "applied", None, None),
        (TURN, "financiering", "machine", "machine", "applied", 0.8, None),
        (NOTES, "financiering", "machine", "machine", "applied", 0.9, None),
        (NOTES, "communicatie", "anna", "human", "applied", None, None),
        (NOTES, "financiering", "piet", "human", "rejected", None, None),
        (SURVEY, "financiering", "anna", "human", "applied", None, None),
        (SURVEY, "vraag_of_zorg", "machine", "machine", "applied", 0.6, None),
        (OOST, "communicatie", "machine", "machine", "applied", 0.7, None),
        (OOST, "communicatie", "anna", "human", "applied", None, None),
        (KRANT, "communicatiemiddelen", "anna", "human", "applied", None, None),
    ]
    with store.transaction() as con:
        for text, code, coder, kind, status, conf, span in rows:
            con.execute(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, confidence, created_at, "
                "span_start, span_end) VALUES (?,?,?,?,?,?,?,?,?)",
                (_sid(store, text), code, coder, kind, status, conf, "2026-11-30T10:00:00+00:00",
                 *(span or (None, None))),
            )  # fmt: skip
    store.add_memo("segment", _sid(store, TURN), "anna", "Huur van het zaaltje: vaker genoemd.")
    yield settings, store
    store.close()


# -- retrieval -----------------------------------------------------------------------------------------------
def test_code_quotes_lists_every_coding_with_span_text_memos_and_source(views):
    _, store = views
    q = code_quotes(store, "financiering")
    # document order: the survey (enquete/...), the notes (noord/2023-01-10...), then the transcript; in the
    # transcript the machine's whole turn (offset 109) before anna's span (109 + 33 = 142)
    assert list(zip(q["path"], q["coder_id"], strict=True)) == [
        ("enquete/enquete.csv", "anna"),
        ("noord/2023-01-10-sessie.md", "machine"),
        ("noord/2023-09-12-transcript.vtt", "machine"),
        ("noord/2023-09-12-transcript.vtt", "anna"),
    ]
    span = q.iloc[3]
    assert span["quote"] == SPAN and not span["whole_segment"]
    assert (span["start"], span["end"], span["span_start"], span["span_end"]) == (142, 178, 33, 69)
    assert span["location"] == "segment 2, 00:00:05-00:00:12, tekens 142-178"
    assert span["n_memos"] == 1 and span["memos"].startswith("anna (")
    assert span["memos"].endswith("): Huur van het zaaltje: vaker genoemd.")
    whole = q.iloc[2]
    assert whole["quote"].startswith(TURN) and whole["quote"].endswith("vroeg hetzelfde.")
    assert whole["whole_segment"] and whole["confidence"] == pytest.approx(0.8)
    assert q.iloc[0]["quote"] == SURVEY and q.iloc[0]["question"] == "zorgen"
    assert q.iloc[1]["location"] == "segment 3, tekens 161-279"  # no time: minutes, not a recording


def test_code_quotes_filters(views):
    _, store = views
    assert list(code_quotes(store, "financiering", kind="human")["quote"]) == [SURVEY, SPAN]
    assert list(code_quotes(store, "financiering", coder="machine")["path"]) == [
        "noord/2023-01-10-sessie.md", "noord/2023-09-12-transcript.vtt",
    ]  # fmt: skip
    autumn = code_quotes(store, "financiering", date_from="2023-09-01", date_to="2023-12-31")
    assert set(autumn["date"]) == {"2023-09-12"} and len(autumn) == 2
    assert code_quotes(store, "financiering", wijk="Oost").empty
    assert list(code_quotes(store, "communicatie", wijk="Oost")["coder_id"]) == ["anna", "machine"]
    # a rejection is no quote: piet has none
    assert code_quotes(store, "financiering", coder="piet").empty


def test_without_a_code_the_most_used_theme_is_shown(views):
    _, store = views
    # applied theme codes per segment: financiering 3 (TURN, NOTES, SURVEY), communicatie 2 (NOTES, OOST),
    # communicatiemiddelen 1; vraag_of_zorg is a kind of input, not a theme
    pd.testing.assert_frame_equal(code_quotes(store, None), code_quotes(store, "financiering"))
    # in Oost only communicatie is coded
    assert set(code_quotes(store, None, wijk="Oost")["code_id"]) == {"communicatie"}
    assert code_quotes(store, None, coder="piet").empty  # piet only rejected: nothing to show, no error


def test_code_quotes_refuses_unknown_codes_and_bad_filters(views):
    _, store = views
    with pytest.raises(ReportError, match="Did you mean 'financiering'"):
        code_quotes(store, "financiring")
    with pytest.raises(ReportError, match="'kind' filter must be 'human' or 'machine'"):
        code_quotes(store, "financiering", kind="mens")
    with pytest.raises(ReportError, match="date YYYY-MM-DD"):
        code_quotes(store, "financiering", date_from="12-09-2023")
    assert code_quotes(store, "vertrouwen").empty  # in the codebook, never coded: no quotes, no error


def test_code_quotes_html_puts_the_memo_beside_the_quote(views):
    _, store = views
    page = code_quotes_html(code_quotes(store, "financiering"))
    # the memo is on the turn: beside both quotes of it (the machine's whole turn, anna's span)
    assert "4 citaat/citaten" in page and page.count('class="wa-memo"') == 2
    assert "deel van het segment" in page and "noord/2023-09-12-transcript.vtt, segment 2" in page


# -- co-occurrence -------------------------------------------------------------------------------------------
def test_cooccurrence_matrix_counts_segments_with_both_codes(views):
    _, store = views
    m = cooccurrence_matrix(store)
    assert list(m.index) == list(m.columns)
    assert m.loc["financiering", "financiering"] == 3  # TURN, NOTES, SURVEY (piet's rejection does not count)
    assert m.loc["financiering", "vraag_of_zorg"] == m.loc["vraag_of_zorg", "financiering"] == 2
    assert m.loc["financiering", "communicatie"] == 1  # NOTES
    assert m.loc["communicatie", "vraag_of_zorg"] == 0
    assert m.loc["communicatiemiddelen", "communicatiemiddelen"] == 1
    human = cooccurrence_matrix(store, kind="human")
    assert human.loc["financiering", "vraag_of_zorg"] == 1  # only TURN: the machine coded SURVEY's kind
    assert "financiering" not in cooccurrence_matrix(store, wijk="Oost").index
    assert cooccurrence_matrix(store, wijk="Oost").loc["communicatie", "communicatie"] == 1
    assert list(cooccurrence_matrix(store, dimension="soort").index) == ["vraag_of_zorg"]
    with pytest.raises(ReportError, match="Unknown wijk 'Atlantis'"):
        cooccurrence_matrix(store, wijk="Atlantis")


def test_cooccurrence_per_wijk_and_heatmap(views):
    _, store = views
    long = cooccurrence_counts(store, by_wijk=True)
    got = {(r.wijk, r.code_a, r.code_b): r.segments for r in long.itertuples()}
    assert got[("Noord", "financiering", "vraag_of_zorg")] == 2
    assert (
        got[("Noord", "communicatie", "communicatie")] == 1
        and got[("Oost", "communicatie", "communicatie")] == 1
    )
    assert got[(CITY, "communicatie", "communicatie")] == 2
    assert ("Oost", "financiering", "financiering") not in got
    assert long["wijk"].iloc[-1] == CITY  # the city last
    fig = cooccurrence_heatmap(cooccurrence_matrix(store))
    heat = fig.data[0]
    i, j = list(heat.y).index("financiering"), list(heat.x).index("vraag_of_zorg")
    assert heat.customdata[i][j] == 2 and heat.text[i][j] == "2" and heat.text[i][i] == ""


# -- frequencies ---------------------------------------------------------------------------------------------
def test_code_frequencies_by_coder_and_by_source(views):
    _, store = views
    by_coder = code_frequencies(store).set_index("code_id")
    assert list(by_coder.columns) == [
        "label",
        "dimension",
        "anna",
        "machine",
        "total",
    ]  # piet: only a rejection
    assert by_coder.loc["financiering", ["anna", "machine", "total"]].tolist() == [2, 2, 3]
    assert by_coder.loc["communicatie", ["anna", "machine", "total"]].tolist() == [2, 1, 2]
    assert by_coder.loc["vertrouwen", ["anna", "machine", "total"]].tolist() == [0, 0, 0]  # unused: zeros
    assert by_coder.loc["financiering", "label"] == "Financiering"
    by_source = code_frequencies(store, by="source").set_index("code_id")
    assert by_source.loc["financiering", ["enquete", "transcript", "verslag", "total"]].tolist() == [
        1,
        1,
        1,
        3,
    ]
    assert by_source.loc["communicatie", ["notitie", "verslag", "total"]].tolist() == [1, 1, 2]
    by_doc = code_frequencies(store, by="document", kind="machine").set_index("code_id")
    assert by_doc.loc["financiering", "noord/2023-09-12-transcript.vtt"] == 1
    with pytest.raises(ReportError, match="'by' parameter must be one of"):
        code_frequencies(store, by="wijk")


# -- published tables ----------------------------------------------------------------------------------------
def test_protect_grid_hides_small_counts_and_one_more_part():
    v = pd.DataFrame({"enquete": [6, 3, 9], "verslag": [8, 7, 15], "total": [14, 10, 24]},
                     index=["A", "B", CITY])  # fmt: skip
    p = v.copy()
    p.loc["B", "enquete"] = 2  # 3 answers of 2 respondents: small
    shown = protect_grid(v, p, 5, rows_add_up=True)
    # B/enquete "<5"; its column (A, B -> city) then hides A/enquete, its row (enquete + verslag = total)
    # B/verslag; then A's row and the verslag column have one hidden figure each: A/verslag goes too
    assert shown.loc["B", "enquete"] == "<5"
    assert shown.loc["A", "enquete"] == shown.loc["B", "verslag"] == shown.loc["A", "verslag"] == "x"
    assert shown.loc[CITY].tolist() == [9, 15, 24] and shown.loc["A", "total"] == 14


def test_published_view_tables_suppress_small_counts(views):
    _, store = views
    tables = code_view_tables(store, min_count=2, code="financiering")
    pairs = {(r.wijk, r.code_a, r.code_b): r.segments for r in tables["samen_voorkomen"].itertuples()}
    assert pairs[("Noord", "financiering", "vraag_of_zorg")] == 2  # TURN ([PERSOON-2]) and respondent 1
    assert pairs[("Noord", "financiering", "communicatie")] == "<2"  # one source: the notes
    assert pairs[("Noord", "communicatie", "communicatie")] == pairs[("Oost", "communicatie", "communicatie")]
    assert (
        pairs[("Oost", "communicatie", "communicatie")] == "<2"
        and pairs[(CITY, "communicatie", "communicatie")] == 2
    )
    quotes = tables["citaten_code"]
    assert "memos" not in quotes.columns and "n_memos" in quotes.columns
    # one respondent gave the code: the survey answer is withheld (fewer than min_count respondents)
    assert SURVEY not in set(quotes["quote"]) and SPAN in set(quotes["quote"]) and len(quotes) == 3
    freq = tables["codefrequentie_bron"].set_index("code_id")
    assert freq.loc["financiering", "total"] == 3 and freq.loc["financiering", "enquete"] == "<2"
    assert code_view_tables(store, min_count=1)["codefrequentie_codeur"].set_index("code_id").loc[
        "financiering", "anna"] == 2  # fmt: skip


def test_analyse_cli_gains_the_view_tables(views, tmp_path):
    settings, _store = views
    cfg = yaml.safe_load((MINI_CORPUS / "wijkanalyse.yml").read_text(encoding="utf-8"))
    cfg.update(
        store_dir=str(settings.store_path),
        private_dir=str(tmp_path / "private"),
        min_count=2,
        embedder="hashing",
    )
    path = tmp_path / "settings.yml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    where = ["--corpus", str(MINI_CORPUS), "--settings", str(path)]
    res = CliRunner().invoke(
        app,
        [
            "analyse",
            "--table",
            "samen_voorkomen",
            "--table",
            "citaten_code",
            "--code",
            "financiering",
            *where,
        ],
    )
    assert res.exit_code == 0, res.output
    assert "== samen_voorkomen ==" in res.output and "== citaten_code ==" in res.output
    assert SPAN in res.output and "== prevalentie ==" not in res.output
    res = CliRunner().invoke(app, ["analyse", "--table", "citaten_code", *where])
    assert res.exit_code == 2 and "citaten_code needs --code" in res.output
    out = tmp_path / "csv"
    res = CliRunner().invoke(app, ["analyse", "--table", "codefrequentie_codeur", "--out", str(out), *where])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(out / "codefrequentie_codeur.csv", dtype=str).set_index("code_id")
    assert frame.loc["financiering", "total"] == "3"


# -- the notebooks -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", VIEW_NOTEBOOKS)
def test_view_notebooks_are_thin_and_parameterised(name):
    import ast

    nb = json.loads((EXPLORE / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    values = {}
    for node in ast.parse("".join(tagged[0]["source"])).body:
        values[node.targets[0].id] = ast.literal_eval(node.value)
    common = {"corpus": "corpora/demo", "settings_file": None, "embedder": None, "store_dir": None}
    assert {k: values[k] for k in common} == common
    source = "\n".join("".join(c["source"]) for c in code)
    assert not [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    assert "from wijkanalyse.explore import open_workbench" in source
    assert "".join(nb["cells"][0]["source"]).startswith("# ")


def test_view_notebooks_run_on_the_mini_corpus(views, tmp_path):
    """The three notebooks run with papermill on the hand-coded store and show what was worked out above."""
    import papermill as pm

    settings, _store = views
    common = {"corpus": str(MINI_CORPUS), "store_dir": str(settings.store_path), "embedder": "hashing"}
    extra = {"08_citaten_per_code": {}, "09_samen_voorkomen": {"wijk": "Noord"}, "10_codefrequenties": {}}
    texts = {}
    for name in VIEW_NOTEBOOKS:
        out = tmp_path / f"{name}.ipynb"
        pm.execute_notebook(
            str(EXPLORE / f"{name}.ipynb"), str(out), parameters={**common, **extra[name]},
            kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
        )  # fmt: skip
        texts[name] = out.read_text(encoding="utf-8")
    assert SPAN in texts["08_citaten_per_code"] and "vaker genoemd" in texts["08_citaten_per_code"]
    assert "Codes die samen voorkomen in Noord" in texts["09_samen_voorkomen"]
    assert "communicatiemiddelen" in texts["10_codefrequenties"]
