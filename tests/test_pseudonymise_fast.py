"""The pseudonymiser's shortcuts give what the plain computation gives (issue 14: ingest speed at scale).

Each shortcut (tokens found without match objects, word classes remembered per word, known names grouped by
first letter, finders skipped on texts without a digit) is checked against the plain form it replaces, on
texts chosen to break it, and against values worked out by hand.
"""

import re

import pytest

from wijkanalyse.ingest import pseudonymise_tokens as T
from wijkanalyse.ingest.pseudonymise import Pseudonymiser, _by_first_letter
from wijkanalyse.ingest.pseudonymise_names import NameText
from wijkanalyse.ingest.pseudonymise_patterns import FINDERS, find_birth_dates
from wijkanalyse.ingest.pseudonymise_words import lexicon

AWKWARD = [
    "",
    "Dhr.  J.\tde Vries\n[PERSOON-1]’s fiets",
    "  \x1c Anna\u00a0Bakker \u2003zei: 'Ja'\r\n\n- Jan-Willem",
    "’t Hof en 's-Gravenhage; İlker, ıtır en Kelvin \u212a zeiden 12 keer nee!!",
    "a\u200bb  \x0bc\x0cd",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_tokens_and_offsets_are_those_of_the_token_pattern(text):
    s = T.Sentence(text, lexicon(), frozenset())
    expected = [(m.group(), m.start(), m.end()) for m in T._TOKEN_RE.finditer(text)]
    assert list(zip(s.words, s.starts, s.ends, strict=True)) == expected
    assert [tuple(t) for t in s.toks] == expected
    assert all(text[a:b] == w for w, a, b in expected)


def test_tokens_by_hand():
    s = T.Sentence("Dhr.  J.\tde Vries\n", lexicon(), frozenset())
    # D h r . _ _ J . \t d e _ V r i e s \n
    # 0 1 2 3 4 5 6 7 8  9 10 11 12 ...  17
    assert s.words == ["Dhr", ".", "J", ".", "de", "Vries", "\n"]
    assert s.starts == [0, 3, 6, 7, 9, 12, 17]
    assert s.ends == [3, 4, 7, 8, 11, 17, 18]
    assert [s.cap(i) for i in range(-1, 8)] == [False, True, False, False, False, False, True, False, False]
    assert s.initial_letter(2) and not s.initial_letter(0)
    assert s.tussen(4) == 1 and s.tussen(5) == 0 and s.low(99) == ""


def test_word_classes_do_not_depend_on_the_memory(monkeypatch):
    text = "Volgens mevrouw Jansen en Piet van der Berg-Smit zei ANNA dat Jans fiets weg is. Wil je?"
    fresh = NameText(text).names()
    monkeypatch.setattr(T, "WORD_MEMORY", 2)  # the memory starts again after every text
    assert [NameText(text).names() for _ in range(3)] == [fresh] * 3
    assert [(text[n.start : n.end], n.kind) for n in fresh] == [
        ("Jansen", "surname"),
        ("Piet van der Berg-Smit", "full"),
        ("ANNA", "first"),
        ("Jan", "first"),  # the possessive "Jans": the name without its s
    ]


def test_known_names_grouped_by_first_letter_match_as_the_plain_alternation():
    names = ["jan-willem", "yıldız", "yildiz de boer", "kees", "sanne", "jan", "annelies", "ölmez", "[x]"]
    names = sorted(names, key=len, reverse=True)
    plain = re.compile("|".join(re.escape(n) for n in names), re.I)
    grouped = re.compile(_by_first_letter(names), re.I)
    text = (
        "Jan-Willem en JAN, YILDIZ DE BOER, Yıldız en yIldiz; \u212aees (kelvin-K) en Kees, ſanne en Sanne, "
        "Annelies, ÖLMEZ, [X] en janneke"
    )
    spans = [m.span() for m in plain.finditer(text)]
    assert [m.span() for m in grouped.finditer(text)] == spans
    assert [text[a:b] for a, b in spans][:4] == ["Jan-Willem", "JAN", "YILDIZ DE BOER", "Yıldız"]


def test_known_names_are_replaced_where_they_stand_for_a_person():
    p = Pseudonymiser(None)
    p.register_person("Jan-Willem Post")
    p.register_person("Sanne Kuipers")
    out, counts = p.pseudonymise("Jan-Willem zei het tegen SANNE; de post kwam laat. Kuipers knikte.")
    assert out == "[PERSOON-1] zei het tegen [PERSOON-2]; de post kwam laat. [PERSOON-2] knikte."
    assert counts == {"PERSOON": 3}


@pytest.mark.parametrize(
    "text",
    [
        "Mail naam [at] wijk (punt) nl",
        "bel 06-12345678 of 023 512 34 56",
        "[PERSOON-1] (3-9-2010) en [PERSOON-2], geboren 14 juli 1956",
        "IBAN NL91ABNA0417164300, BSN 111222333, 2033 BK 12, Postbus 511",
        "Geen cijfers hier, alleen [EMAIL-1] en [PERSOON-12]",
        "١٢٣٤٥٦٧٨٩ en ٠٦١٢٣٤٥٦٧٨",  # Arabic-Indic digits: \\d matches them
    ],
)
def test_finders_without_digits_or_at_signs_skip_nothing(text):
    # the shortcut returns [] only where the full search finds nothing: compare with the patterns run on
    # the same text behind a digit, which defeats every shortcut
    padded = "0 " + text
    for _, finder in (*FINDERS, ("GEBOORTEDATUM", find_birth_dates)):
        assert finder(text) == [(a - 2, b - 2, c) for a, b, c in finder(padded) if a >= 2]


def test_a_date_of_birth_next_to_a_placeholder_is_found():
    assert find_birth_dates("[PERSOON-1] (3-9-2010) kwam") == [(13, 21, "GEBOORTEDATUM")]
    assert find_birth_dates("[PERSOON-1] en [TELEFOON-2]") == []
