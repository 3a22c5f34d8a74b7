"""A codebook drafted from the discovered themes (``wijkanalyse codebook draft``) and the names of its codes.

Every expected name, id and example below is worked out by hand from the texts in the test (the method is in
the docstrings of ``coding/draft_labels.py`` and ``coding/codebook_draft.py``).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from wijkanalyse.coding.codebook import SOORT_IDS, load_codebook
from wijkanalyse.coding.codebook_draft import (
    MAX_EXAMPLE_CHARS,
    draft_codebook,
    draft_from_store,
    draft_yaml,
    flagged_segments,
    looks_like_markup,
    write_draft,
)
from wijkanalyse.coding.draft_labels import anchors, is_noun_like, phrase_candidates, theme_labels
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.store import Store

# theme 0: the phrase "kosten van de warmtepomp" is in two of its texts
KOSTEN = [
    "De kosten van de warmtepomp zijn hoog.",
    "Wie betaalt de kosten van de warmtepomp?",
    "Isolatie is duur.",
]
LONG = (
    "Het was een lange avond in het dorpshuis met veel mensen en koffie, en er werd over van alles gepraat, "
    "van de kermis tot de bibliotheek en de bus. De warmtepomp en de isolatie kosten samen veel geld. Daarna "
    "ging iedereen naar huis."
)
# theme 1: no phrase in two texts; "speeltuin" and "glijbaan" both follow "de" twice
SPEELTUIN = ["De speeltuin is kapot.", "De glijbaan in de speeltuin is kapot."]
ENDLESS = "De glijbaan " + "is heel erg lang en " * 15 + "eindigt nooit"  # one sentence of 312 characters


def _themes() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "theme_id": 0,
                "size": 6,
                "top_words": ["kosten", "warmtepomp", "isolatie"],
                "representative_texts": [KOSTEN[0], "| kosten | 12 | 340 |", KOSTEN[1], LONG, KOSTEN[0]],
            },
            {
                "theme_id": 1,
                "size": 4,
                "top_words": ["speeltuin", "glijbaan"],
                "representative_texts": [SPEELTUIN[0], ENDLESS],
            },
            {
                "theme_id": 2,
                "size": 3,
                "top_words": ["tabel", "aantal"],
                "representative_texts": ["| a | 1 |"],
            },
        ]
    )


TEXTS = {0: KOSTEN + [LONG], 1: SPEELTUIN + [ENDLESS], 2: ["| a | 1 |"]}


# -- markup --------------------------------------------------------------------------------------------------
def test_markup_is_what_has_no_prose_left():
    # "|Oudeveen|120|45|": 8 letters of 17 characters; tags and addresses are removed first
    assert looks_like_markup("| Oudeveen | 120 | 45 |")
    assert looks_like_markup("{% include nav.html %}") and looks_like_markup("<p></p>")
    assert looks_like_markup("https://www.lindewaard.nl/warmte") and looks_like_markup("   ")
    assert not looks_like_markup("Goed idee!")
    assert not looks_like_markup("De kosten zijn 12.000 euro.")  # 16 letters of 23 characters


# -- names ---------------------------------------------------------------------------------------------------
def test_anchors_split_two_word_top_words():
    assert anchors(["kosten warmtepomp", "warmtepomp", "isolatie", "subsidie"], n=3) == [
        "kosten", "warmtepomp", "isolatie",
    ]  # fmt: skip


def test_a_phrase_needs_two_texts_no_punctuation_and_a_noun_at_the_end():
    texts = [*KOSTEN[:2], "Kosten, warmtepomp: alles duur.", "Isolatie en warmtepomp gaan samen."]
    # "isolatie en warmtepomp" is in one text only; the comma breaks "kosten, warmtepomp"
    assert phrase_candidates(texts, ["kosten", "warmtepomp", "isolatie"]) == [("kosten van de warmtepomp", 2)]
    texts.append("Isolatie en warmtepomp, dat is de toekomst.")
    # both in two texts: the better-ranked anchors first (kosten 0 + warmtepomp 1 against isolatie 2 + 1)
    assert phrase_candidates(texts, ["kosten", "warmtepomp", "isolatie"]) == [
        ("kosten van de warmtepomp", 2), ("Isolatie en warmtepomp", 2),
    ]  # fmt: skip
    genomen = [
        "Er zijn geen initiatieven genomen.",
        "Nog geen initiatieven genomen.",
        "Welke werden genomen?",
    ]
    assert is_noun_like("initiatieven", genomen) and not is_noun_like("genomen", genomen)
    assert phrase_candidates(genomen, ["initiatieven", "genomen"]) == []  # ends in a verb
    gezinnen = [
        "Een paar jonge gezinnen willen hulp.",
        "Voor jonge gezinnen is het duur.",
        "Jonge gezinnen ja.",
    ]
    assert not is_noun_like("gezinnen", gezinnen)  # after a cue only once ("voor jonge gezinnen")
    # an inflected adjective and a word, after a cue in 1 of its 3 texts (at least a quarter)
    assert phrase_candidates(gezinnen, ["jonge", "gezinnen"]) == [("jonge gezinnen", 3)]


def test_a_phrase_cut_short_gets_the_word_that_follows_it():
    # 'groot' reads as a noun after 'een' in all 3 texts, but 'probleem' (a noun: after 'een', 'van het')
    # follows it in 3 of 3: cut short
    texts = [
        "Er is geen huisarts meer, voor ouderen een groot probleem. Een probleem dat groeit.",
        "Voor ouderen een groot probleem: geen huisarts.",
        "Ouderen een groot probleem, de huisarts is weg. De kern van het probleem.",
    ]
    assert phrase_candidates(texts, ["huisarts", "ouderen", "groot"]) == [("ouderen een groot probleem", 3)]
    # a verb after the phrase in every text ('kost' is never after an article): the phrase was whole
    kost = ["Het buurthuis in Noord kost veel.", "Ons buurthuis in Noord kost geld.",
            "Buurthuis in Noord kost."]
    assert phrase_candidates(kost, ["buurthuis", "noord"], nouns=["noord"]) == [("buurthuis in Noord", 3)]
    # followed by 'probleem' in 2 of 4 texts (under three quarters): the phrase stands as written
    varied = [*texts[:2], "Ouderen een groot deel van de tijd alleen.", "Voor ouderen een groot, leeg huis."]
    assert phrase_candidates(varied, ["ouderen", "groot"]) == [("ouderen een groot", 4)]
    # the word after is a function word ('ouderen en jongeren van'): never added
    van = ["Ouderen en jongeren van hier.", "Voor ouderen en jongeren van het dorp.",
           "Ouderen en jongeren van nu."]
    found = phrase_candidates(van, ["ouderen", "jongeren"], nouns=["jongeren"])
    assert found == [("Ouderen en jongeren", 3)]  # its most frequent spelling


def test_names_are_phrases_or_two_words_unique_and_capitalised():
    names = theme_labels(
        [
            (0, 5, ["speeltuin", "glijbaan", "schommel"]),
            (1, 8, ["glijbaan", "speeltuin", "zandbak"]),  # the largest theme is named first
            (2, 3, ["kosten", "warmtepomp"]),
            (3, 2, []),
            (4, 3, ["ouderen", "betekent"]),
            (5, 3, ["weerwind", "minister"]),
        ],
        {
            2: KOSTEN,
            4: [
                "Voor de ouderen is het zwaar.",
                "Wat dat betekent voor ouderen, weet niemand.",
                "De ouderen.",
            ],
            5: [
                "Volgens minister Weerwind klopt het.",
                "Dat zei minister Weerwind gisteren.",
                "Weerwind zweeg.",
            ],
        },
    )
    assert names == {
        0: "Speeltuin en schommel",  # "speeltuin en glijbaan" has the words of theme 1's name
        1: "Glijbaan en speeltuin",
        2: "Kosten van de warmtepomp",
        3: "Thema 3",
        4: "Ouderen",  # the one noun-like anchor; "betekent" never follows a cue
        5: "Minister Weerwind",  # a name keeps its capital
    }


# -- the draft -----------------------------------------------------------------------------------------------
def test_draft_has_names_draft_definitions_top_words_and_real_examples():
    draft = draft_codebook(_themes(), TEXTS, markup_share={0: 1 / 6, 1: 0.0, 2: 1.0}, name="proef")
    cb = draft.codebook
    assert cb.ids == ["kosten_van_de_warmtepomp", "speeltuin_en_glijbaan"]
    assert draft.themes == {"kosten_van_de_warmtepomp": 0, "speeltuin_en_glijbaan": 1}
    assert draft.left_out == {2: "100% of its segments are boilerplate or markup"}
    kosten, speeltuin = cb.codes
    assert (kosten.label_nl, kosten.label_en) == ("Kosten van de warmtepomp", "Kosten van de warmtepomp")
    assert kosten.definition == "Concept: fragmenten over kosten, warmtepomp en isolatie."
    assert kosten.include == ["Kernwoorden: kosten, warmtepomp, isolatie."]
    # the markup row is skipped, the repeat dropped, the long text gives its sentence with all three top words
    assert kosten.examples == [*KOSTEN[:2], "De warmtepomp en de isolatie kosten samen veel geld."]
    assert speeltuin.label_nl == "Speeltuin en glijbaan" and speeltuin.examples[0] == SPEELTUIN[0]
    cut = speeltuin.examples[1]
    assert len(ENDLESS) > MAX_EXAMPLE_CHARS and len(cut) <= MAX_EXAMPLE_CHARS and cut.endswith("…")
    assert ENDLESS.startswith(cut[:-1])  # cut at a word, not inside one
    assert cb.soort == [] and cb.name == "proef"
    assert draft_codebook(_themes(), TEXTS, soort=True).codebook.soort_ids == list(SOORT_IDS)


def test_ids_are_never_geen_and_nothing_left_is_an_error():
    themes = pd.DataFrame(
        [{"theme_id": 5, "size": 4, "top_words": ["geen"], "representative_texts": ["Geen idee."]}]
    )
    assert draft_codebook(themes).codebook.ids == ["thema_5"]  # the name "Geen" would give the reserved id
    with pytest.raises(SettingsError, match=r"No theme to draft.*found 3 theme\(s\), 3 of them boilerplate"):
        draft_codebook(_themes(), markup_share={0: 0.5, 1: 0.9, 2: 1.0})


def test_the_yaml_passes_the_check_as_written_and_is_never_overwritten(tmp_path):
    draft = draft_codebook(_themes(), TEXTS, markup_share={2: 1.0}, name="proef")
    text = draft_yaml(draft, ["Made by a test.", "", "The loop: draft, edit, check, code, review."])
    assert text.startswith(
        "# Made by a test.\n#\n# The loop: draft, edit, check, code, review.\nname: proef\n"
    )
    assert text.count("# label_en: the Dutch label, not translated") == 2
    assert text.rstrip().endswith("soort: []")
    path = write_draft(text, tmp_path / "concept.yml")
    assert load_codebook(path).model_dump() == draft.codebook.model_dump()  # the file is the draft
    with pytest.raises(SettingsError, match="exists; the draft was not written"):
        write_draft("name: x\n", path)
    assert path.read_text(encoding="utf-8") == text
    write_draft("name: x\n", path, force=True)
    assert path.read_text(encoding="utf-8") == "name: x\n"
    with_soort = draft_yaml(draft_codebook(_themes(), TEXTS, soort=True))
    assert "soort: []" not in with_soort and "- id: vraag_of_zorg" in with_soort


# -- from a store --------------------------------------------------------------------------------------------
def test_draft_from_a_store_runs_discovery_once_and_quotes_its_segments(make_settings, tmp_path):
    settings = make_settings(embedder="hashing")
    out = tmp_path / "concept.yml"
    with Store(settings.store_path) as store:
        ingest_corpus(settings, store)
        first = draft_from_store(store, settings, out, today="2026-01-31")
        assert first.discovered and first.run_id == store.latest_theme_run()
        cb = load_codebook(out)
        assert cb.ids == first.draft.codebook.ids
        assert len(cb.ids) == first.n_themes - len(first.draft.left_out)
        text = out.read_text(encoding="utf-8")
        assert f"# Draft codebook of corpus '{settings.corpus_id}'" in text and "on 2026-01-31" in text
        assert f"from discovery run {first.run_id}" in text and "wijkanalyse codebook-check" in text
        segments = [" ".join(t.split()) for t in store.segments()["text"]]
        examples = [e for c in cb.codes for e in c.examples]
        assert examples and all(any(e.rstrip("…") in s for s in segments) for e in examples)  # real phrases
        with pytest.raises(SettingsError, match="exists"):
            draft_from_store(store, settings, out)
        again = draft_from_store(store, settings, out, force=True)
        assert not again.discovered and again.run_id == first.run_id  # the newest discovery is reused
        bigger = draft_from_store(store, settings, out, force=True, min_theme_size=3)
        assert bigger.discovered and bigger.run_id != first.run_id
        assert re.search(r"Drafted \d+ codes from the \d+ themes of discovery run", bigger.describe())


def test_boilerplate_table_rows_and_markup_are_flagged():
    segments = pd.DataFrame(
        {
            "segment_id": ["a", "b", "c", "d", "e"],
            "text": ["Goed idee!", "Koopwoningen: 81%", "Welkom op onze site.", "| x | 1 | 22 |", "Prima."],
            "unit": ["paragraph", "table-row", "paragraph", "paragraph", "table-row-part"],
            "boilerplate": [0, 0, 1, 0, 0],
        }
    )
    # b and e by their unit, c marked by ingest as boilerplate, d by its look
    assert flagged_segments(segments) == {"b", "c", "d", "e"}
    assert flagged_segments(segments[["segment_id", "text"]]) == {"d"}  # a store from before those columns
