"""Names in file, folder and session names are found by a narrow rule and replaced by placeholders."""

from wijkanalyse.ingest.labels import learn_path, pseudonymise_path, pseudonymise_slug, slug_names
from wijkanalyse.ingest.pseudonymise import Pseudonymiser


def test_names_in_slugs_are_a_first_name_with_its_surname_or_a_title_with_a_surname():
    assert slug_names("2024-03-01-gesprek-met-jan-de-vries") == ["Jan de Vries"]
    assert slug_names("gesprek_wethouder_van-dam") == ["van Dam"]  # the title stays, the surname goes
    assert slug_names("jan-en-piet-bakker") == ["Jan", "Piet Bakker"]  # 'en' is a stop word, no surname
    # ordinary words, places and numbers are no names, also where a sentence with capitals would suggest one
    assert slug_names("2023-02-02-telefoonnotitie-jongerenavond") == []
    assert slug_names("haarlem-noord-2023-1") == []
    assert slug_names("verslag-tweede-sessie-wijkraad") == []


def test_a_name_in_a_path_gets_the_placeholder_of_the_same_name_in_the_text():
    pseudo = Pseudonymiser(None)
    in_text = pseudo.register_person("Jan de Vries")  # as the learning pass over the texts does
    learn_path(pseudo, "oost/2024-03-01-gesprek-met-jan-de-vries.md")
    assert pseudonymise_path(pseudo, "oost/2024-03-01-gesprek-met-jan-de-vries.md") == (
        f"oost/2024-03-01-gesprek-met-{in_text}.md"
    )
    assert pseudonymise_slug(pseudo, "huisbezoek_Jan_de_Vries") == f"huisbezoek_{in_text}"
    assert pseudonymise_path(pseudo, "oost/2023-02-14-verslag.md") == "oost/2023-02-14-verslag.md"


def test_learning_a_slug_enters_full_names_only_so_ordinary_words_stay_in_the_texts():
    pseudo = Pseudonymiser(None)
    learn_path(pseudo, "noord/gesprek-anna-speeltuin.md")  # 'speeltuin' reads as Anna's surname here ...
    assert pseudonymise_path(pseudo, "noord/gesprek-anna-speeltuin.md") == "noord/gesprek-[PERSOON-1].md"
    out, _ = pseudo.pseudonymise("De Speeltuin in Noord gaat open.")
    assert out == "De Speeltuin in Noord gaat open."  # ... but it is not entered as a surname on its own
