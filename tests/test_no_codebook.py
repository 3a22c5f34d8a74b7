"""A corpus without a codebook, and a corpus's own stop words: nothing of the demo's topic is a default.

The corpus here is shaped unlike the demo: a village survey about the heat transition (unit "dorp"), answers
on three topics that all name the subject ("warmtenet"). It runs through the real ingest, coding, discovery
and codebook draft with the hashing embedder (answers that share words are similar).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from wijkanalyse.cli.main import app
from wijkanalyse.coding.apply import NO_CODEBOOK_MODE, code_table
from wijkanalyse.coding.codebook import NO_CODEBOOK, empty_codebook, load_codebook, settings_codebook
from wijkanalyse.coding.codebook_draft import draft_from_store
from wijkanalyse.coding.discovery import load_themes
from wijkanalyse.coding.embed import HashingEmbedder, load_stopwords
from wijkanalyse.config import load_settings
from wijkanalyse.exceptions import CodebookError, SettingsError
from wijkanalyse.store import Store
from wijkanalyse.update import ingest_store, update_store

TOPICS = {
    "isolatie": ["isolatie", "spouwmuur", "dakisolatie", "subsidie", "tochtig", "glas"],
    "kosten": ["kosten", "lening", "rente", "betaalbaar", "maandlasten", "huurders"],
    "planning": ["planning", "aansluiting", "straat", "graafwerk", "zomer", "aannemer"],
}
DORPEN = ["Oudeveen", "Kerkhoven"]


def _answers() -> list[str]:
    """Twelve answers per topic: three topic words each, and the subject word in every answer."""
    out = []
    for words in TOPICS.values():
        out += [f"warmtenet dorp {words[i % 6]} {words[(i + 1) % 6]} {words[(i + 2 + i // 6) % 6]}"
                for i in range(12)]
    return out


def _corpus(folder: Path, settings: dict | None = None) -> Path:
    """Write the village survey corpus; ``settings`` are added to its wijkanalyse.yml."""
    (folder / "enquete").mkdir(parents=True)
    texts = _answers()
    pd.DataFrame(
        {"nr": range(1, len(texts) + 1), "dorp": [DORPEN[i % 2] for i in range(len(texts))],
         "Wat wilt u?": texts}
    ).to_csv(folder / "enquete" / "antwoorden.csv", index=False)
    cfg = {
        "name": "dorpen",
        "embedder": "hashing",
        "surveys": [
            {"path": "enquete/antwoorden.csv", "respondent_id": "nr", "wijk_column": "dorp",
             "text_columns": {"wens": "Wat wilt u?"}}
        ],
        "report": {
            "unit": {"nl": "dorp", "en": "village"}, "unit_plural": {"nl": "dorpen", "en": "villages"},
        },
        "discovery": {"min_theme_size": 6},
        **(settings or {}),
    }  # fmt: skip
    (folder / "wijkanalyse.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return folder


def _settings(folder: Path, tmp_path: Path):
    return load_settings(folder, store_dir=tmp_path / "store", private_dir=tmp_path / "private")


def test_the_bundled_stop_words_hold_no_corpus_topic():
    stop = load_stopwords()
    assert {"de", "het", "gemeente", "bewoners", "the"} <= stop  # function words and participation in general
    assert not {"wijkraad", "wijkplatform", "haarlem", "wijk", "transitie", "sessie"} & stop  # demo's subject


def test_a_corpus_without_codebook_is_not_coded_and_says_how_to_draft_one(tmp_path):
    settings = _settings(_corpus(tmp_path / "dorpen"), tmp_path)
    assert settings.codebook_path is None
    cb = settings_codebook(settings)
    assert cb.name == NO_CODEBOOK and cb.codes == [] and cb.soort == []
    update = update_store(settings)
    assert update.coding.mode == NO_CODEBOOK_MODE and not update.coding.changed
    assert "codebook draft" in update.coding.describe()
    assert update.discovery is not None and update.discovery.themes >= 2
    with Store(settings.store_path, create=False) as store:
        assert store.counts()["codings"] == 0  # nothing coded, nothing proposed
        themes, _ = load_themes(store)
        assert not themes["covered"].any() and set(themes["closest_code"]) == {"geen"}
        # the loop the message describes: draft from the themes, name the draft in the settings, code
        draft = draft_from_store(store, settings, tmp_path / "codeboek.yml")
    assert draft.path == tmp_path / "codeboek.yml" and draft.n_themes == len(themes)
    assert len(load_codebook(draft.path).codes) >= 2
    named = {"codebook": str(tmp_path / "codeboek.yml")}
    coded = _settings(_corpus(tmp_path / "dorpen2", named), tmp_path / "b")
    assert coded.codebook_path == tmp_path / "codeboek.yml"
    update = update_store(coded)
    assert update.coding.mode == "full" and update.coding.coded == len(_answers())
    assert set(update.coding.per_code) <= {*load_codebook(tmp_path / "codeboek.yml").ids, "geen"}


def test_theme_words_leave_out_the_corpus_subject_and_its_unit_names(tmp_path):
    plain = _settings(_corpus(tmp_path / "a"), tmp_path / "a_out")
    subject = {"discovery": {"min_theme_size": 6, "stop_words": ["Warmtenet"]}}
    own = _settings(_corpus(tmp_path / "b", subject), tmp_path / "b_out")
    assert plain.theme_stop_words == ["dorp", "village", "dorpen", "villages", "sessie", "session", "sessies",
                                      "sessions"]  # fmt: skip
    assert own.theme_stop_words[0] == "warmtenet"  # lower case, first
    words = {}
    for name, settings in (("plain", plain), ("own", own)):
        update_store(settings)
        with Store(settings.store_path, create=False) as store:
            themes, _ = load_themes(store)
        words[name] = {w for top in themes["top_words"] for w in top}
    # "dorp" (the unit) is in every answer and never a theme word; "warmtenet" only when the corpus says so
    assert not any("dorp" in w.split() for w in words["plain"] | words["own"])
    assert any("warmtenet" in w.split() for w in words["plain"])
    assert not any("warmtenet" in w.split() for w in words["own"])
    assert {t for w in words["own"] for t in w.split()} & set(TOPICS["kosten"])  # topics still name themes


def test_stop_words_must_be_single_words(tmp_path):
    with pytest.raises(SettingsError, match="single words"):
        _settings(_corpus(tmp_path / "c", {"discovery": {"stop_words": ["twee woorden"]}}), tmp_path)


def test_coding_a_table_needs_a_codebook(tmp_path):
    df = pd.DataFrame({"tekst": ["Het warmtenet is te duur."]})
    with pytest.raises(SettingsError, match="needs a codebook"):
        code_table(df, "tekst", embedder=HashingEmbedder())
    with pytest.raises(SettingsError, match="needs a codebook"):
        code_table(df, "tekst", codebook=empty_codebook(), embedder=HashingEmbedder())
    table = tmp_path / "antwoorden.csv"
    df.to_csv(table, index=False)
    args = ["code-file", str(table), "--text-col", "tekst", "--embedder", "hashing"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0 and "--codebook" in result.output


def test_ingest_says_a_missing_codebook_before_it_ingests_anything(tmp_path):
    settings = _settings(_corpus(tmp_path / "d", {"codebook": "codeboek_met_tikfout.yml"}), tmp_path)
    with pytest.raises(CodebookError, match="codeboek_met_tikfout.yml"):
        ingest_store(settings)
    assert not (settings.store_path / Store.FILENAME).exists()  # nothing was ingested


def test_without_codebook_the_discovered_themes_are_the_themes_counted_per_unit(tmp_path):
    """No codebook: every table counts the discovered themes; no second table shows the same counts."""
    from wijkanalyse import analysis
    from wijkanalyse.analysis.cells import cell_model
    from wijkanalyse.analysis.data import DISCOVERED_PREFIX

    settings = _settings(_corpus(tmp_path / "dorpen"), tmp_path)
    update_store(settings)
    with Store(settings.store_path, create=False) as store:
        data = analysis.load(store, settings)
        links, segments = store.segment_themes(), store.segments()
        found, _ = load_themes(store)
    assert data.theme_source == "discovery"
    assigned = links[links["theme_id"] != -1]
    # a theme code per assigned segment, named after its theme, neither a person's nor the machine's
    assert len(data.themes) == len(assigned) and set(data.themes["source"]) == {"discovery"}
    labels = dict(zip(found["theme_id"], found["label"], strict=True))
    for theme_id in set(assigned["theme_id"]):
        assert data.label(f"{DISCOVERED_PREFIX}{theme_id}") == labels[theme_id]
    # the prevalence table of a village counts its segments per discovered theme, as the store links them
    in_village = assigned.merge(segments[segments["wijk"] == "Oudeveen"][["segment_id"]], on="segment_id")
    expected = in_village.groupby("theme_id").size()
    table = analysis.wijk_tables(data, "Oudeveen")
    prev = table["prevalentie"].set_index("theme")
    for theme_id, n in expected.items():
        assert prev.loc[f"{DISCOVERED_PREFIX}{theme_id}", "label"] == labels[theme_id]
        shown = prev.loc[f"{DISCOVERED_PREFIX}{theme_id}", "segments"]
        assert shown == n or (n < 5 and not isinstance(shown, (int, float))), (theme_id, n, shown)
    assert table["nieuwe_themas"].empty  # the same counts again: a second, differently suppressed table
    assert not any(key[0] == "discovered" for key in cell_model(data).values)
    # with a codebook named and coded, the codes count again
    named = {"codebook": str(tmp_path / "codeboek.yml")}
    with Store(settings.store_path, create=False) as store:
        draft_from_store(store, settings, tmp_path / "codeboek.yml")
    coded = _settings(_corpus(tmp_path / "dorpen2", named), tmp_path / "b")
    update_store(coded)
    with Store(coded.store_path, create=False) as store:
        assert analysis.load(store, coded).theme_source == "codebook"


def test_the_codebook_notebook_views_work_without_a_codebook():
    from wijkanalyse.explore.codebook_dev import code_similarity, near_duplicate_codes

    def embed(texts):  # never called: there are no codes to embed
        raise AssertionError("embedded texts of a codebook without codes")

    assert near_duplicate_codes(empty_codebook(), embed).empty
    assert code_similarity(empty_codebook(), embed).shape == (0, 0)


def test_a_coding_sheet_asks_for_a_codebook_first(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKANALYSE_HOME", str(tmp_path / "werk"))
    corpus = _corpus(tmp_path / "dorpen")
    assert CliRunner().invoke(app, ["ingest", "--corpus", str(corpus)]).exit_code == 0
    result = CliRunner().invoke(app, ["review", "export", "--coder", "anna", "--corpus", str(corpus)])
    assert result.exit_code != 0 and "name no codebook" in result.output
    assert "wijkanalyse codebook draft" in result.output and "Traceback" not in result.output
    assert not list((tmp_path / "werk").rglob("codeerblad_*.xlsx"))  # no sheet without codes
