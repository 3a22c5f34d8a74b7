"""Transcripts without punctuation between sentences: an everyday word after a name starts the next sentence.

"Marja Koster Zeker weten" is a name and the next sentence; before, the name rules took "Zeker" for part of
the name, learned it, and replaced "Zeker" everywhere after. An everyday Dutch word (Zipf >= 4.5 in
``wordfreq``'s Dutch list) that is no known first name or surname no longer extends a name. A name itself
is still replaced (privacy first): only the word after it stays.
"""

import pytest

from wijkanalyse.ingest.pseudonymise import Pseudonymiser
from wijkanalyse.ingest.pseudonymise_words import everyday_words, lexicon


def _run(text):
    p = Pseudonymiser(None)
    p.detect_names(text)
    out, counts = p.pseudonymise(text)
    return out, counts, dict(p.names_known())


@pytest.mark.parametrize(
    ("text", "expected", "names"),
    [
        (
            "Marja Koster Zeker weten dat we doorgaan",
            "[PERSOON-1] Zeker weten dat we doorgaan",
            {"marja koster", "koster"},
        ),
        (
            "volgens Anja Bakker Helaas is er niets gebeurd",
            "volgens [PERSOON-1] Helaas is er niets gebeurd",
            {"anja bakker", "bakker"},
        ),
        (
            "Dat zei buurman Kees Gelukkig is het opgelost",
            "Dat zei buurman [PERSOON-1] Gelukkig is het opgelost",
            {"kees"},
        ),
        (
            "Ik ben Ria de Vries Vroeger was hier een bakker",
            "Ik ben [PERSOON-1] Vroeger was hier een bakker",
            {"ria de vries", "de vries"},
        ),
        (
            "Toen kwam wethouder Koster Binnenkort beginnen de werkzaamheden",
            "Toen kwam wethouder [PERSOON-1] Binnenkort beginnen de werkzaamheden",
            {"koster"},
        ),
        (
            "met Fatima El Amrani Gisteren was er overleg",
            "met [PERSOON-1] Gisteren was er overleg",
            {"fatima el amrani", "el amrani"},
        ),
        # after a role (not a title of address) an everyday word is the next sentence, not a name
        ("Ik sprak met de wijkagent Eerlijk gezegd was het kort", None, set()),
    ],
)
def test_an_everyday_word_after_a_name_starts_the_next_sentence(text, expected, names):
    out, counts, known = _run(text)
    assert out == (expected or text)
    assert counts == ({"PERSOON": 1} if expected else {})
    assert set(known) == names


def test_the_everyday_word_is_not_learned_and_stays_elsewhere():
    p = Pseudonymiser(None)
    p.detect_names("Notulist: Marja Koster Zeker weten.")
    assert p.pseudonymise("Zeker weten, zei Marja.")[0] == "Zeker weten, zei [PERSOON-1]."
    assert p.pseudonymise("Eerlijk gezegd: Zeker niet.")[0] == "Eerlijk gezegd: Zeker niet."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # surnames that are everyday words still extend the name ("post" and "bos" are listed as such)
        ("Ik belde Willem Post gisteren", "Ik belde [PERSOON-1] gisteren"),
        ("Ik sprak met Els Bos over de speeltuin", "Ik sprak met [PERSOON-1] over de speeltuin"),
        # after a title of address any capitalised word is a name, even an everyday one
        ("mevrouw Zeker belde", "mevrouw [PERSOON-1] belde"),
        # a tussenvoegsel makes the word after it a surname ("de Groot"), and "Natuurlijk" is a stop word
        (
            "De voorzitter Paul de Groot Natuurlijk zei hij ja",
            "De voorzitter [PERSOON-1] Natuurlijk zei hij ja",
        ),
    ],
)
def test_names_that_are_everyday_words_are_still_replaced(text, expected):
    assert _run(text)[0] == expected


def test_everyday_words_leave_out_the_names_of_the_lists():
    words = everyday_words(lexicon())
    assert {"zeker", "eerlijk", "helaas", "gelukkig", "vroeger", "binnenkort"} <= words
    # first names, surnames, the surname words of "de Groot"/"de Jong", and WORD_SURNAMES are not
    assert not {"jan", "willem", "bakker", "jansen", "groot", "jong", "post", "bos", "koning"} & words
