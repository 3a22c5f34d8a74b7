"""The bundled example corpora end to end: each report speaks about its own corpus, in its own words.

``corpora/warmte`` (a fictional municipality's conversations about the heat transition, one folder per
village, exported from a research website with template tags, tables, link lists and recurring footers; its
codebook has no kinds of input) runs with its own settings: ingest, code, discover and every report, store and
outputs under ``tmp_path``, with the fast ``hashing`` embedder. Its reports must name villages and
conversations, show none of the demo's framing, have no sections by kind of input, quote no markup and never
quote the same text twice in one list. The demo corpus (``corpora/demo``) must still say what its own settings
frame: the Haarlem sessions with the wijkraden.

Markup in quotes depends on the ingest stage cleaning website exports (template tags, pipe tables, links):
the assertion stays here whatever the state of that stage.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from wijkanalyse.analysis.quotes import normalised_text
from wijkanalyse.config import PROJECT_ROOT, load_settings
from wijkanalyse.pipeline import run_pipeline
from wijkanalyse.report import run_reports
from wijkanalyse.store import Store

WARMTE = PROJECT_ROOT / "corpora" / "warmte"
DEMO = PROJECT_ROOT / "corpora" / "demo"
VILLAGES = {"Bosrijk", "Kerkhoven", "Lindewaard-Dorp", "Oudeveen"}
#: What the demo corpus is about: none of it may appear in another corpus's reports.
DEMO_FRAMING = ("wijkraad", "wijkplatform", "haarlem", "maart 2023", "bewonersenquête", "stadsoverzicht",
                "neighbourhood council", "neighbourhood platform")  # fmt: skip
#: The sections by kind of input of the default codebook.
KIND_HEADINGS = ("Het goede behouden", "Wat moet er echt verbeteren?", "Vragen en zorgen", "soort inbreng",
                 "Keep what is good", "Questions and concerns")  # fmt: skip
#: Website markup that must never be quoted.
MARKUP = ("{%", "%}", "{{", "|---", "](", "<div", "http", "<br")


def _settings(corpus: Path, base: Path, **overrides):
    return load_settings(
        corpus, store_dir=base / "store", private_dir=base / "private", embedder="hashing", **overrides
    )


def _visible_text(page: str) -> str:
    """The text a reader sees: scripts, styles and tags removed, entities resolved."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _quote_lists(page: str) -> list[list[str]]:
    """Every list of quotes on a page: per theme of the quotes section, per kind-of-input list."""
    lists = []
    for chunk in re.split(r"<h[23]\b", page):
        quotes = re.findall(r'<blockquote class="wa-quote"[^>]*>(.*?)<footer>', chunk, flags=re.S)
        if quotes:
            lists.append([html.unescape(q) for q in quotes])
    return lists


def _pages(result) -> dict[str, str]:
    pages = {}
    for job in result.jobs:
        if job.html:
            pages[job.wijk or "stad"] = (result.run_dir / job.html).read_text(encoding="utf-8")
    return pages


@pytest.fixture(scope="module")
def warmte(tmp_path_factory):
    base = tmp_path_factory.mktemp("warmte")
    settings = _settings(WARMTE, base)
    result = run_pipeline(settings, jobs=2)
    english = run_reports(settings, wijken=["Bosrijk"], language="en")
    return {"settings": settings, "nl": result, "en": english}


def test_warmte_runs_end_to_end_with_its_own_settings(warmte):
    result = warmte["nl"]
    assert result.ok, result.describe()
    assert {j.wijk for j in result.jobs if j.status == "built"} == VILLAGES | {None}
    assert warmte["en"].ok, warmte["en"].describe()


def test_warmte_reports_speak_of_villages_and_conversations(warmte):
    pages = _pages(warmte["nl"])
    for village in VILLAGES:
        text = _visible_text(pages[village])
        assert f"Dorp {village}" in text and "Thema's in " + village + " en in alle dorpen" in text
        assert re.search(r"\b\d+ gesprek(ken)?\b", text), village
    city = _visible_text(pages["stad"])
    assert "Warmtegesprekken in de dorpen van Lindewaard" in city  # its own title
    assert "zet 4 dorpen naast elkaar" in city
    assert "Per dorp" in city and "Dorpen naast elkaar" in city and "gesprekken" in city
    english = _visible_text(_pages(warmte["en"])["Bosrijk"])
    assert "Village Bosrijk" in english and "conversation" in english and "all villages" in english
    assert "Heat transition conversations" not in english  # the title of the overview, not of a village
    assert "living without natural gas" in english  # its own subtitle, in English


def test_warmte_reports_have_no_demo_framing(warmte):
    for lang, per_unit in (("nl", "rapporten per dorp"), ("en", "reports per village")):
        result = warmte[lang]
        index = _visible_text(result.index.read_text(encoding="utf-8")).lower()
        assert per_unit in index and [w for w in DEMO_FRAMING if w in index] == []
        for name, page in _pages(result).items():
            text = _visible_text(page).lower()
            assert [w for w in DEMO_FRAMING if w in text] == [], name
            # nor the demo's unit and session: the settings say dorp and gesprek
            assert not re.search(r"\b(wijken|sessies|stad|neighbourhoods?|sessions?|city)\b", text), name


def test_warmte_reports_are_organised_by_theme_only(warmte):
    for result in (warmte["nl"], warmte["en"]):
        for name, page in _pages(result).items():
            text = _visible_text(page)
            assert [h for h in KIND_HEADINGS if h in text] == [], name
            assert "Citaten per thema" in text or "Quotes per theme" in text
    for quotes in warmte["nl"].run_dir.rglob("tables/citaten.csv"):
        header = quotes.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert "soort" not in header  # no kind column that would always be empty
    from wijkanalyse import analysis

    with Store(warmte["settings"].store_path) as store:
        data = analysis.load(store, warmte["settings"])
        assert data.soort_ids == [] and data.kinds.empty  # headings such as "Zorgen" do not make kinds
        coded = set(store.codings()["code_id"])
        assert coded and coded <= set(data.codes["code_id"])  # the coder applied no kind of input
        assert not coded & {"behouden", "verbeteren", "vraag_of_zorg"}


def test_warmte_quotes_hold_no_markup_and_no_repeats(warmte):
    n = 0
    for result in (warmte["nl"], warmte["en"]):
        for name, page in _pages(result).items():
            for quotes in _quote_lists(page):
                for q in quotes:
                    assert [m for m in MARKUP if m in q] == [], (name, q)
                keys = [normalised_text(q) for q in quotes]
                assert len(keys) == len(set(keys)), (name, quotes)
                n += len(quotes)
    assert n >= 20
    for table in warmte["nl"].run_dir.rglob("tables/citaten.csv"):
        rows = list(csv.DictReader(table.open(encoding="utf-8")))
        for theme in {r["theme"] for r in rows}:
            keys = [normalised_text(r["text"]) for r in rows if r["theme"] == theme]
            assert len(keys) == len(set(keys)), (table, theme)


def test_warmte_reports_show_one_discovery_run(warmte):
    with Store(warmte["settings"].store_path) as store:
        latest = store.latest_theme_run()
    assert latest is not None
    for name, page in _pages(warmte["nl"]).items():
        found = re.findall(r"<td>thema-ontdekking \(run\)</td><td>([^<]+)</td>", page)
        assert found == [latest], name


def test_the_demo_reports_say_what_the_demo_settings_frame(tmp_path):
    result = run_pipeline(_settings(DEMO, tmp_path), jobs=2, wijken=["Oost"])
    assert result.ok, result.describe()
    pages = _pages(result)
    oost, city = _visible_text(pages["Oost"]), _visible_text(pages["stad"])
    subtitle = (
        "Opbrengst van de sessies met de wijkraad en de bewonersenquête over de overgang naar wijkplatforms"
    )
    assert "Wijk Oost" in oost and subtitle in oost and subtitle in city
    assert "Stadsoverzicht: opbrengst sessies en enquête" in city
    assert "sessies met de wijkraden van maart 2023" in oost  # the introduction of the demo's settings
    for heading in ("Het goede behouden", "Wat moet er echt verbeteren?", "Vragen en zorgen"):
        assert heading in oost and heading in city
    assert re.search(r"\d+ sessies \((2023-\d\d-\d\d(, )?)+\) en \d+ respondenten uit de enquête", oost)


def test_a_corpus_without_codebook_reports_its_discovered_themes(tmp_path):
    """The warmte corpus with its codebook setting removed: no coding, the reports show the found themes."""
    settings = _settings(WARMTE, tmp_path).model_copy(update={"codebook": None})
    result = run_pipeline(settings, jobs=1, wijken=["Kerkhoven"])
    assert result.ok, result.describe()
    assert result.update is not None and result.update.coding is not None
    assert result.update.coding.mode == "no codebook"
    for name, page in _pages(result).items():
        text = _visible_text(page)
        assert "Er is (nog) geen codeboek voor dit corpus" in text, name  # where the coding is described
        assert "Thema's gevonden in de teksten" in text and "wijkanalyse codebook draft" in text, name
        # nothing claims coding that did not happen, nor compares with a codebook that is not there
        assert "gecodeerd met de thema's van het codeboek" not in text, name
        assert "lijkt het meest op code" not in text, name
        assert "draai eerst de codering" not in text and "één gesprek gehouden" not in text, name
        assert "er is niets gecodeerd" not in text, name
        # the found themes are the report's themes: counted, compared and quoted like codes, named in a legend
        assert "Zonder codeboek zijn er geen tellingen" not in text, name
        assert "volgen zodra er een codeboek" not in text, name
        assert "representatief" in text and "De namen zijn automatisch gekozen" in text, name
        assert "geen codeboek" in re.findall(r"<td>codeboek</td><td>([^<]+)</td>", page), name
