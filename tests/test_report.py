"""The main job on a small fixture corpus: reports built, contents checked, reruns reuse, bad input is clear.

The corpus is the mini corpus plus, written below: six more survey respondents in Noord (so that a Noord
survey cell reaches min_count=5) and one respondent in Zuid who answered nothing (so Zuid is a wijk without
segments). A researcher codes some segments by hand, so the reports have content even without the coding
engine.

The runs happen once, in order, in the module fixture ``runs``: first run, rerun with nothing new, forced
rerun, then one new session in Oost. The tests check what each run did.
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
    from wijkanalyse.ingest.corpus import ingest_corpus

    with Store(settings.store_path) as store:
        ingest_corpus(settings, store)


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
    )
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
        "Wijkrapport Noord",
        "Het goede behouden",
        "Wat moet er echt verbeteren?",
        "Vragen en zorgen",
        "Thema's in Noord en in de stad",
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
    assert 'class="jp-InputArea' not in page and "r.open_report" not in page  # code hidden
    assert "PosixPath" not in page  # no stray cell results


def test_counts_shown_and_small_counts_suppressed(runs):
    noord = _html(runs["first"], "Noord")
    # financiering in Noord: 6 new respondents + respondent 1 ('Wie betaalt straks de activiteiten?') = 7
    assert "door 7 respondent(en)" in noord
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
                if col in row and row[col] not in ("", "<5"):
                    assert int(row[col]) == 0 or int(row[col]) >= 5, (path, row)
            if row.get("suppressed") == "True":
                suppressed.add(path)
                assert row.get("segments", "<5") == "<5" and row.get("share", "<5") == "<5", (path, row)
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


def test_new_session_rebuilds_only_its_wijk_and_the_city(runs):
    new = runs["new_session"]
    assert _status(new) == {"Noord": "reused", "Oost": "built", "stad": "built", "Zuid": "empty"}
    tables = _tables(new.run_dir)
    noord = {k: v for k, v in tables.items() if k.startswith("wijken/noord/")}
    assert noord == {k: v for k, v in runs["first_tables"].items() if k.startswith("wijken/noord/")}
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
    assert "Funding" in page and "by 7 respondent(s)" in page
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
    # the city overview was built fresh in the last run from the same store: identical bytes. Noord was reused
    # there from the first run, so only its comparison with the city (as of the run that built it) differs.
    assert {k: v for k, v in got.items() if k.startswith("stad/")} == {
        k: v for k, v in new.items() if k.startswith("stad/")
    }
    stale = "wijken/noord/tables/onderscheidend.csv"
    assert {k: v for k, v in got.items() if k.startswith("wijken/noord/") and k != stale} == {
        k: v for k, v in new.items() if k.startswith("wijken/noord/") and k != stale
    }
