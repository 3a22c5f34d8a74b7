"""The main job on a small fixture corpus: reports built, contents checked, reruns reuse, bad input is clear.

The corpus is the mini corpus plus, written below: six more survey respondents in Noord (so that a Noord
survey cell reaches min_count=5) and one respondent in Zuid who answered nothing (so Zuid is a wijk without
segments). A researcher codes some segments by hand, so the reports have content even without the coding
engine.

The runs happen once, in order, in the module fixture ``runs``: first run, rerun with nothing new, forced
rerun, then one new session in Oost. The tests check what each run did.

The mini corpus has no ``report:`` block in its settings, so its reports speak in the neutral defaults (unit
"wijk", session "sessie", title "Overzicht per wijk").
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
from pathlib import Path

import papermill as pm
import pytest
import yaml

from conftest import FIXTURES, MINI_CORPUS
from wijkanalyse.config import load_settings
from wijkanalyse.exceptions import ReportError
from wijkanalyse.pipeline import run_pipeline
from wijkanalyse.report import ReportJob, run_job, run_reports
from wijkanalyse.report.runner import (
    CITY_NOTEBOOK,
    WIJK_NOTEBOOK,
    notebook_parameters,
    notebooks_dir,
)
from wijkanalyse.store import Store

NOORD_ANSWERS = [  # (nr, postcode, answer to 'Welke zorgen heeft u?'), all about money
    (11, "2021 AA", "Wie betaalt straks de activiteiten in het buurthuis?"),
    (12, "2021 AB", "Ik maak me zorgen over het geld voor de wijkkrant."),
    (13, "2022 AC", "Hoe wordt de financiering van het wijkplatform geregeld?"),
    (14, "2022 AD", "Is er straks nog budget voor het straatfeest?"),
    (15, "2021 AE", "Wie beheert het geld van het platform?"),
    (16, "2022 AF", "Krijgen we nog subsidie voor de zaalhuur?"),
]
NEW_SESSION = """---
wijk: Oost
date: 2023-11-01
kind: verslag
session: oost-2
---
# Wat moet er echt verbeteren

- De communicatie over de overgang moet beter en eerder.
- Informatie van de gemeente moet in gewone taal.
"""


def _corpus(dst: Path) -> Path:
    shutil.copytree(MINI_CORPUS, dst)
    with (dst / "enquete" / "enquete.csv").open("a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        for nr, pc, text in NOORD_ANSWERS:
            w.writerow([nr, pc, "35-49", "weet niet", text])
        w.writerow([17, "2040 AA", "65+", "nvt", "weet niet"])  # Zuid: no answer with content
    with (dst / "postcodes.csv").open("a", encoding="utf-8") as fh:
        fh.write("2040,Zuid\n")
    return dst


def _ingest(settings) -> None:
    """Ingest as `wijkanalyse ingest` does (the codebook's codes join the store, so people can code)."""
    from wijkanalyse.update import ingest_store

    ingest_store(settings)


def _code_by_hand(settings) -> None:
    """Code by hand: money -> financiering, the wijkkrant -> communicatiemiddelen, distrust -> vertrouwen."""
    from wijkanalyse.review.decisions import add_coding

    with Store(settings.store_path) as store:
        for seg_id, text in store.con.execute("SELECT segment_id, text FROM segments").fetchall():
            t = text.lower()
            codes = []
            if any(w in t for w in ("geld", "betaal", "financiering", "budget", "subsidie")):
                codes.append("financiering")
            if "wijkkrant" in t:
                codes.append("communicatiemiddelen")
            if "luistert niet" in t:
                codes.append("vertrouwen")
            for code in codes:
                add_coding(store, seg_id, code, "onderzoeker")


def _tables(run_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.rglob("tables/*.csv"))}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    corpus = _corpus(base / "corpus")
    settings = load_settings(
        corpus, store_dir=base / "store", private_dir=base / "private", embedder="hashing"
    )
    _ingest(settings)  # then code by hand; coding and discovery run once, in the main job
    _code_by_hand(settings)
    out = {"settings": settings, "base": base}
    out["first"] = run_pipeline(settings, jobs=2)
    out["first_tables"] = _tables(out["first"].run_dir)
    out["again"] = run_pipeline(settings, jobs=2)
    out["forced"] = run_reports(settings, jobs=2, force=True)
    out["forced_tables"] = _tables(out["forced"].run_dir)
    (corpus / "oost" / "2023-11-01-sessie.md").write_text(NEW_SESSION, encoding="utf-8")
    out["new_session"] = run_pipeline(settings, jobs=2)
    return out


def _status(result) -> dict[str, str]:
    return {(j.wijk or "stad"): j.status for j in result.jobs}


def _html(result, wijk: str | None) -> str:
    job = next(j for j in result.jobs if j.wijk == wijk)
    return html.unescape((result.run_dir / job.html).read_text(encoding="utf-8"))


# -- the parameters cell is an interface ---------------------------------------------------------------------
@pytest.mark.parametrize("name", [WIJK_NOTEBOOK, CITY_NOTEBOOK])
def test_parameters_cell_matches_what_the_runner_passes(name, tmp_path):
    declared = pm.inspect_notebook(str(notebooks_dir() / name))
    settings = load_settings(MINI_CORPUS)
    passed = notebook_parameters(
        settings,
        tmp_path / "settings.yml",
        "nl",
        "run-1",
        tmp_path,
        wijk="Noord" if name == WIJK_NOTEBOOK else None,
        discovery_run="20240101T000000Z-abcdef",
    )
    assert "discovery_run" in passed
    assert set(passed) <= set(declared), (
        f"runner passes parameters {set(passed) - set(declared)} not in {name}"
    )
    assert ("wijk" in declared) is (name == WIJK_NOTEBOOK)
    for p in declared.values():  # literal defaults, so a bare run works
        assert p["default"] is not None and p["default"] != ""


def test_default_wijk_is_in_the_demo_corpus():
    declared = pm.inspect_notebook(str(notebooks_dir() / WIJK_NOTEBOOK))
    wijk = declared["wijk"]["default"].strip("\"'")
    assert declared["corpus"]["default"].strip("\"'") == "corpora/demo"
    # the demo corpus ships with the project; its manifest names the wijk of each source without front matter
    manifest = yaml.safe_load(
        (Path(notebooks_dir()).parents[1] / "corpora" / "demo" / "manifest.yml").read_text(encoding="utf-8")
    )
    wijken = {doc["wijk"] for doc in manifest["documents"] if doc.get("wijk")}
    assert wijk == "Schalkwijk" and wijk in wijken


# -- the first run -------------------------------------------------------------------------------------------
def test_first_run_builds_every_report(runs):
    first = runs["first"]
    assert _status(first) == {"Noord": "built", "Oost": "built", "stad": "built", "Zuid": "empty"}
    index = first.index.read_text(encoding="utf-8")
    pages = {j.wijk: j.html for j in first.jobs}
    assert pages == {
        "Noord": "wijken/noord/wijkrapport-noord.html",
        "Oost": "wijken/oost/wijkrapport-oost.html",
        None: "stad/stadsoverzicht.html",
        "Zuid": None,  # a wijk without segments gets no page
    }
    for page in (p for p in pages.values() if p):
        assert (first.run_dir / page).is_file() and f'href="{page}"' in index
    latest = first.run_dir.parent / "LATEST"
    assert latest.is_file()


def test_wijk_report_has_the_sections_and_provenance(runs):
    page = _html(runs["first"], "Noord")
    for title in (
        "Wijk Noord",
        "Het goede behouden",
        "Wat moet er echt verbeteren?",
        "Vragen en zorgen",
        "Thema's in Noord en in alle wijken",
        "Verloop tussen de sessies",
        "Citaten per thema",
        "Hoe zeker zijn deze bevindingen?",
        "Over de cijfers",
        "Herkomst van dit rapport",
    ):
        assert title in page, title
    manifest = json.loads((runs["first"].run_dir / "run.json").read_text(encoding="utf-8"))
    assert manifest["corpus_hash"] in page and manifest["codebook_version"] in page
    assert runs["first"].run_id in page
    discovery = manifest["discovery_run"]  # read once by the runner, shown by every report of the run
    assert discovery is not None and discovery in page  # the discovery run it shows, in its provenance
    assert 'class="jp-InputArea' not in page and "r.open_report" not in page  # code hidden
    assert "PosixPath" not in page  # no stray cell results


def test_counts_shown_and_small_counts_suppressed(runs):
    noord = _html(runs["first"], "Noord")
    # Noord: respondent 1 and the 6 new ones, all about money (the theme's own count may be hidden: "x")
    assert "7 respondenten uit de enquête" in noord
    oost = _html(runs["first"], "Oost")
    # vertrouwen in Oost: one respondent ('De gemeente luistert niet naar ons.'): count and quote withheld
    assert "door <5 respondent(en)" in oost
    assert "luistert niet naar ons" not in oost
    assert not re.search(r"door [1-4] respondent", noord + oost)
    suppressed = set()
    for path, data in runs["first_tables"].items():
        rows = list(csv.DictReader(data.decode().splitlines()))
        for row in rows:
            for col in ("respondents", "survey_answers"):
                if col in row and row[col] not in ("", "<5", "x"):  # "x": hidden to protect a "<5"
                    assert int(row[col]) == 0 or int(row[col]) >= 5, (path, row)
            if row.get("suppressed") == "True":
                suppressed.add(path)
                assert row.get("segments", "<5") in ("<5", "x") and row.get("share", "<5") in ("<5", "x"), (
                    path,
                    row,
                )
    # Oost has one survey respondent: its overview row and its vertrouwen row are small cells
    assert {"wijken/oost/tables/overzicht.csv", "wijken/oost/tables/prevalentie.csv"} <= suppressed


def test_quotes_are_traceable_to_the_store(runs):
    first = runs["first"]
    with Store(runs["settings"].store_path) as store:
        segs = store.segments().set_index("segment_id")
        n = 0
        for job in first.jobs:
            if not job.html:
                continue
            page = (first.run_dir / job.html).read_text(encoding="utf-8")
            ids = set(re.findall(r'data-segment-id="([0-9a-f]+)"', page))
            assert ids <= set(segs.index)
            quotes = list(
                csv.DictReader((first.run_dir / job.name / "tables" / "citaten.csv").open(encoding="utf-8"))
            )
            for q in quotes:
                seg = segs.loc[q["segment_id"]]
                doc = store.document_text(seg["doc_id"])
                assert doc[int(q["start"]) : int(q["end"])] == q["text"] == seg["text"]
                assert (q["path"], q["date"]) == (seg["path"], seg["date"])
                n += 1
        assert n > 0


def test_city_overview_has_heatmap_sections_and_links(runs):
    page = _html(runs["first"], None)
    for title in ("Wijken naast elkaar", "Per wijk", "Het goede behouden", "Vragen en zorgen"):
        assert title in page
    assert 'href="../wijken/noord/wijkrapport-noord.html"' in page
    assert page.count('class="plotly-graph-div"') >= 1


def test_every_page_with_a_figure_carries_plotly_js_itself(runs):
    # a worker process builds several reports in one kernel: each page must still carry plotly.js (offline)
    for result in (runs["first"], runs["forced"]):
        built = [j for j in result.jobs if j.status == "built"]
        assert len(built) > 2  # more reports than the pool's two processes: some share a kernel
        for job in built:
            page = (result.run_dir / job.html).read_text(encoding="utf-8")
            if 'class="plotly-graph-div"' in page:
                assert page.count("plotly.js v") == 1, job.name


# -- reruns --------------------------------------------------------------------------------------------------
def test_rerun_with_nothing_new_reuses_everything(runs):
    again = runs["again"]
    assert _status(again) == {"Noord": "reused", "Oost": "reused", "stad": "reused", "Zuid": "empty"}
    assert all(j.reused_from == runs["first"].run_id for j in again.jobs if j.status == "reused")
    assert _tables(again.run_dir) == runs["first_tables"]
    assert again.seconds < runs["first"].seconds / 2
    update = again.update  # nothing ingested, nothing coded, discovery not rerun
    assert update.ingest.added == update.ingest.updated == update.ingest.removed == []
    assert update.coding is not None and update.coding.mode == "unchanged"
    assert update.discovery is None


def test_same_input_gives_the_same_tables_byte_for_byte(runs):
    assert _status(runs["forced"])["Noord"] == "built"
    assert runs["forced_tables"] == runs["first_tables"]


def _discovery_run_named(result, job) -> str:
    """The discovery run a report names in its provenance table."""
    page = (result.run_dir / job.html).read_text(encoding="utf-8")
    found = re.findall(r"<td>thema-ontdekking \(run\)</td><td>([^<]+)</td>", page)
    assert len(found) == 1, job.name
    return found[0]


def test_new_session_rebuilds_every_report_with_one_discovery(runs):
    # one new session in Oost: ingest and coding change, so discovery runs again and the city changes; every
    # report shows discovered themes and the city, so none may be reused (one discovery per run)
    first, new = runs["first"], runs["new_session"]
    assert new.update.discovery is not None
    assert _status(new) == {"Noord": "built", "Oost": "built", "stad": "built", "Zuid": "empty"}
    with Store(runs["settings"].store_path) as store:
        latest = store.latest_theme_run()
    named = {j.name: _discovery_run_named(new, j) for j in new.jobs if j.html}
    assert set(named.values()) == {latest} and len(named) == 3
    assert latest != _discovery_run_named(first, next(j for j in first.jobs if j.wijk == "Noord"))
    manifest = json.loads((new.run_dir / "run.json").read_text(encoding="utf-8"))
    assert manifest["discovery_run"] == latest
    tables = _tables(new.run_dir)
    assert (
        tables["wijken/oost/tables/overzicht.csv"] != runs["first_tables"]["wijken/oost/tables/overzicht.csv"]
    )
    assert (new.run_dir.parent / "LATEST").read_text().strip() == new.run_id
    assert new.run_dir.name in (new.run_dir.parents[1] / "latest.html").read_text(encoding="utf-8")


# -- languages -----------------------------------------------------------------------------------------------
def test_report_texts_have_the_same_keys_in_both_languages():
    from wijkanalyse.report.render import texts

    nl, en = texts("nl"), texts("en")
    assert set(nl) == set(en)
    for key, value in nl.items():
        if isinstance(value, dict):
            assert set(value) == set(en[key]), key
    with pytest.raises(ReportError, match="'de'"):
        texts("de")


def test_english_sections(runs):
    from wijkanalyse import analysis
    from wijkanalyse.report import render as r

    s = runs["settings"]
    ctx = r.open_report(s.corpus, runs["first"].run_dir / "settings.yml", language="en", build_store=False)
    tables = analysis.wijk_tables(ctx.data, "Noord", ctx.store)
    page = r.kind_sections(ctx, tables["soort_per_thema"], tables["citaten"]) + r.about_section(ctx)
    for title in ("Keep what is good", "What really must improve?", "Questions and concerns", "Provenance"):
        assert title in page
    assert "Funding" in page and "Questions and concerns" in page
    ctx.store.close()


# -- bad input -----------------------------------------------------------------------------------------------
def test_unknown_wijk(runs):
    with pytest.raises(
        ReportError, match=r"Unknown wijk 'Noordd'\. Did you mean 'Noord'\? Wijken in the store: Noord, Oost"
    ):
        run_reports(runs["settings"], wijken=["Noordd"])


def test_empty_wijk(runs):
    with pytest.raises(ReportError, match=r"Wijk 'Zuid' has no segments"):
        run_reports(runs["settings"], wijken=["Zuid"])


def test_missing_codebook(runs):
    s = runs["settings"].model_copy(update={"codebook": Path("codeboek-bestaat-niet.yml")})
    with pytest.raises(
        ReportError, match=r"codebook .*codeboek-bestaat-niet\.yml does not exist.*'codebook'"
    ):
        run_pipeline(s)


def test_missing_store(tmp_path):
    from wijkanalyse.exceptions import StoreError

    s = load_settings(MINI_CORPUS, store_dir=tmp_path / "nothing-here")
    with pytest.raises(StoreError, match="No store"):
        run_reports(s)


def test_a_failing_notebook_is_reported_and_the_others_finish(runs, tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(FIXTURES / "notebooks" / "broken.ipynb", folder / WIJK_NOTEBOOK)
    shutil.copy(notebooks_dir() / CITY_NOTEBOOK, folder / CITY_NOTEBOOK)
    result = run_reports(runs["settings"], notebooks=folder, run_dir=tmp_path / "runs" / "r1")
    status = _status(result)
    assert status["Oost"] == "failed" and status["Noord"] == "built" and status["stad"] in ("built", "reused")
    oost = next(j for j in result.jobs if j.wijk == "Oost")
    assert (oost.ename, oost.evalue) == ("ValueError", "Kapotte cel voor wijk Oost")
    assert oost.cell_index is not None and oost.cell_index >= 2
    assert not result.ok and "FAILED  Oost" in result.describe()
    assert "Kapotte cel voor wijk Oost" in result.index.read_text(encoding="utf-8")
    assert (result.run_dir / oost.name / "wijkrapport-oost.failed.ipynb").is_file()
    assert not (result.run_dir / oost.name / "wijkrapport-oost.html").exists()


def test_run_job_never_raises(tmp_path):
    job = ReportJob(
        name="wijken/x",
        wijk="X",
        notebook=str(tmp_path / "missing.ipynb"),
        out_dir=str(tmp_path / "x"),
        stem="wijkrapport-x",
        title="x",
        language="nl",
        parameters={},
        fingerprint="f",
    )
    result = run_job(job)
    assert result.status == "failed" and "missing.ipynb" in result.error


# -- other executors ---------------------------------------------------------------------------------------
def test_jobs_run_on_a_dask_cluster_with_the_same_results(runs, tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="pip install 'wijkanalyse[distributed]'")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cl,
        distributed.Client(cl) as client,
    ):
        result = run_reports(
            runs["settings"], wijken=["Noord"], executor=client, run_dir=tmp_path / "runs" / "d1"
        )
    assert _status(result) == {"Noord": "built", "stad": "built"}
    new = _tables(runs["new_session"].run_dir)
    got = _tables(result.run_dir)
    # the last run built every report from the same store and the same discovery run: identical bytes
    assert got == {k: v for k, v in new.items() if k.startswith(("stad/", "wijken/noord/"))}


# -- framing from the corpus, kinds of input from the codebook -----------------------------------------------
#: Words of the demo's topic that the bundled texts must not contain (they belong in the demo's settings).
DEMO_FRAMING = ("wijkraad", "wijkplatform", "haarlem", "maart 2023", "march 2023", "bewonersenquête",
                "stadsoverzicht", "neighbourhood council", "neighbourhood platform", "residents' survey",
                "de stad", "the city")  # fmt: skip


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def test_bundled_report_texts_are_neutral():
    from wijkanalyse.report.text import texts

    for lang in ("nl", "en"):
        text = texts(lang)
        words = [s.lower() for k, v in text.items() if k != "roles" for s in _strings(v)]  # roles are data
        found = sorted({w for s in words for w in DEMO_FRAMING if w in s})
        assert found == [], (lang, found)


def test_framing_words_fill_every_text(tmp_path):
    from wijkanalyse.report.text import framing_text, texts

    folder = tmp_path / "dorpen"
    folder.mkdir()
    (folder / "wijkanalyse.yml").write_text(
        "report:\n  unit: {nl: dorp, en: village}\n  unit_plural: {nl: dorpen, en: villages}\n"
        "  session: gesprek\n  session_plural: {nl: gesprekken, en: conversations}\n"
        "  title: {nl: Warmte in de dorpen}\n",
        encoding="utf-8",
    )
    s = load_settings(folder)
    nl, en = texts("nl", s), texts("en", s)
    assert nl["title_wijk"].format(wijk="Oudeveen") == "Dorp Oudeveen"
    assert nl["columns"]["sessions"] == "gesprekken" and en["columns"]["sessions"] == "conversations"
    assert nl["overview_heading"] == "Dorpen naast elkaar" and en["per_wijk_heading"] == "Per village"
    assert en["change_intro"] == "The share of each theme per gesprek, in date order."  # one string for both
    framing = re.compile(r"\{(unit|unit_plural|session|session_plural)\}", re.I)
    assert not any(framing.search(x) for lang in (nl, en) for x in _strings(lang))
    # title: the corpus's own (Dutch only: used for English too); subtitle: the neutral default
    assert framing_text(s, "title", "en") == "Warmte in de dorpen"
    assert framing_text(s, "subtitle", "nl") == "Wat er is ingebracht, per thema en per dorp"
    assert framing_text(None, "title", "en") == "Overview per neighbourhood"


def _fresh_context(runs, language="nl"):
    from wijkanalyse.report import render as r

    s = runs["settings"]
    settings_file = runs["first"].run_dir / "settings.yml"
    return r.open_report(s.corpus, settings_file, language=language, build_store=False)


def test_a_missing_date_is_said_not_dashed(runs):
    from wijkanalyse import analysis
    from wijkanalyse.report import render as r

    for lang, unknown in (("nl", "(datum onbekend)"), ("en", "(date unknown)")):
        ctx = _fresh_context(runs, lang)
        seg = ctx.data.segments
        noord_sessions = (seg["wijk"] == "Noord") & ~seg["survey"]
        tables = analysis.wijk_tables(ctx.data, "Noord", ctx.store)
        dated = r.wijk_header(ctx, "Noord", tables)
        # Noord: sessions noord-1 (2023-01-10) and noord-2 (2023-09-12), and 7 respondents
        assert "2 sessie" in dated or "2 session" in dated
        assert "(2023-01-10, 2023-09-12)" in dated
        seg.loc[noord_sessions & (seg["session"] == "noord-2"), "date"] = None
        undated = r.wijk_header(ctx, "Noord", tables)
        assert "(2023-01-10, " + unknown[1:] in undated
        seg.loc[noord_sessions, "date"] = None
        assert unknown in r.wijk_header(ctx, "Noord", tables)
        assert " in -" not in r.wijk_header(ctx, "Noord", tables)
        ctx.store.close()


def test_kind_sections_come_from_the_codebook(runs):
    from wijkanalyse import analysis
    from wijkanalyse.report import render as r

    # the default kinds with their default labels: the familiar headings
    ctx = _fresh_context(runs)
    tables = analysis.wijk_tables(ctx.data, "Noord", ctx.store)
    page = r.kind_sections(ctx, tables["soort_per_thema"], tables["citaten"])
    assert [h for h in re.findall(r"<h2[^>]*>([^<]+)</h2>", page)] == [
        "Het goede behouden", "Wat moet er echt verbeteren?", "Vragen en zorgen",
    ]  # fmt: skip
    ctx.store.close()
    # a codebook that labels a kind its own way gets that label as heading, and its own introduction
    ctx = _fresh_context(runs)
    codes = ctx.data.codes
    codes.loc[codes["code_id"] == "behouden", "label_nl"] = "Sterke punten"
    page = r.kind_sections(ctx, tables["soort_per_thema"], tables["citaten"])
    assert "Sterke punten" in page and "ingebracht als „Sterke punten”" in page
    assert "Het goede behouden" not in page and "Vragen en zorgen" in page
    ctx.store.close()
    # a codebook without kinds of input: no sections, no heading, and no kinds at all in the data
    ctx = _fresh_context(runs)
    ctx.data.codes = ctx.data.codes[ctx.data.codes["dimension"] != "soort"]
    assert ctx.data.soort_ids == []
    assert r.kind_sections(ctx, tables["soort_per_thema"], tables["citaten"]) == ""
    city = r.city_kind_sections(ctx, tables)  # the overview: quotes per theme instead
    assert "Citaten per thema" in city and "Het goede behouden" not in city and "soort" not in city
    ctx.store.close()


# -- quotes: never table rows, boilerplate or the same text twice --------------------------------------------
def _quote_data(with_soort: bool):
    """Eight segments of one theme in one wijk, as the store gives them, built by hand."""
    import pandas as pd

    from wijkanalyse.analysis import AnalysisData

    bomen = "Meer bomen in de straat, dat maakt de buurt mooier."
    rows = [  # (segment_id, document, unit, boilerplate, text)
        ("s1", "a.md", "paragraph", 0, bomen),
        ("s2", "b.md", "paragraph", 0, bomen.replace(".", "!")),  # the same text after normalising
        ("s3", "c.md", "bullet", 0, "meer bomen in de straat dat maakt de buurt mooier"),
        ("s4", "a.md", "table-row", 0, "| Bomen in de straat | 12 | 30 | 40 |"),
        ("s5", "b.md", "paragraph", 1, "Deze pagina is onderdeel van het groenplan van de gemeente."),
        ("s6", "a.md", "paragraph", 0, "Het park moet vaker gemaaid worden in de zomer."),
        ("s7", "b.md", "paragraph", 0, "Speeltuinen en groen horen bij elkaar in de wijk."),
        ("s8", "c.md", "paragraph", 0, "Minder tegels, meer planten in de voortuinen."),
    ]
    segments = pd.DataFrame(
        {
            "segment_id": [r[0] for r in rows],
            "doc_id": [r[1] for r in rows],
            "path": [f"noord/{r[1]}" for r in rows],
            "unit": [r[2] for r in rows],
            "boilerplate": [r[3] for r in rows],
            "text": [r[4] for r in rows],
            "wijk": "Noord",
            "date": "2024-05-01",
            "session": "noord-1",
            "kind": "verslag",
            "role": None,
            "respondent_id": None,
            "survey": False,
            "section": None,
            "question": None,
            "start": 0,
            "end": [len(r[4]) for r in rows],
        }
    )
    themes = pd.DataFrame(
        {"segment_id": segments["segment_id"], "code_id": "groen", "source": "human", "confidence": 1.0}
    )
    codes = [("groen", "thema", "Groen", "Greenery")] + (
        [("behouden", "soort", "Behouden", "Keep")] if with_soort else []
    )
    return AnalysisData(
        segments=segments,
        themes=themes,
        kinds=pd.DataFrame(columns=["segment_id", "soort", "source", "confidence"]),
        codings=pd.DataFrame(columns=["segment_id", "code_id", "kind", "status", "model", "confidence"]),
        codes=pd.DataFrame(codes, columns=["code_id", "dimension", "label_nl", "label_en"]),
        min_count=5,
    )


@pytest.mark.parametrize("with_soort", [True, False])
def test_quotes_skip_table_rows_boilerplate_and_repeated_text(with_soort):
    from wijkanalyse.analysis import representative_quotes

    quotes = representative_quotes(_quote_data(with_soort), "Noord", n_central=2, n_diverse=2)
    # six quotable segments (not s4, a table row; not s5, boilerplate) hold four texts: s1 = s2 = s3.
    # Two central and two diverse quotes take all four, the bomen text once, as s1 (first of the equal ones)
    assert sorted(quotes["segment_id"]) == ["s1", "s6", "s7", "s8"]
    assert list(quotes["pick"]).count("central") == 2 and list(quotes["pick"]).count("diverse") == 2
    assert ("soort" in quotes.columns) is with_soort  # no column that is always empty


def test_quotable_filters_on_the_columns_there_are():
    import pandas as pd

    from wijkanalyse.analysis.quotes import normalised_text, quotable

    full = pd.DataFrame({"unit": ["turn", "table-row", "table-row-part", None], "boilerplate": [0, 0, 0, 1]})
    assert quotable(full).tolist() == [True, False, False, False]
    assert quotable(pd.DataFrame({"text": ["a", "b"]})).tolist() == [True, True]  # older store: no columns
    assert normalised_text("  Wie betaalt dit?") == normalised_text("wie  betaalt  dit") == "wie betaalt dit"
