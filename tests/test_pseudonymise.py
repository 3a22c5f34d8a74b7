import sqlite3

import pytest

from wijkanalyse.config import Settings, load_settings
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.ingest.pseudonymise import Pseudonymiser
from wijkanalyse.store import PseudonymKey, Store


def test_each_category_is_replaced_by_a_placeholder():
    p = Pseudonymiser(None)
    text = (
        "Dhr. P. de Groot woont op de Amsterdamstraat 12, 2033 BK Haarlem. Mail a.bakker@ziggo.nl, "
        "bel 023-5112233 of +31 6 12345678. BSN 111222333."
    )
    out, counts = p.pseudonymise(text)
    originals = (
        "de Groot", "Amsterdamstraat 12", "2033 BK", "a.bakker@ziggo.nl", "023-5112233", "12345678",
        "111222333",
    )  # fmt: skip
    for original in originals:
        assert original not in out
    assert counts == {"PERSOON": 1, "ADRES": 1, "POSTCODE": 1, "EMAIL": 1, "TELEFOON": 2, "BSN": 1}
    assert out.startswith("Dhr. [PERSOON-1] woont op de [ADRES-1], [POSTCODE-1] Haarlem.")


def test_bsn_needs_the_eleven_test():
    # 123456789: 9*1+8*2+7*3+6*4+5*5+4*6+3*7+2*8-1*9 = 156, not divisible by 11 -> not a BSN
    out, counts = Pseudonymiser(None).pseudonymise("Kenmerk 123456789")
    assert out == "Kenmerk 123456789" and not counts


def test_same_person_same_placeholder_across_texts_and_forms():
    p = Pseudonymiser(None)
    p.register_person("Fatima El Amrani")
    a, _ = p.pseudonymise("Fatima El Amrani opende de vergadering.")
    b, _ = p.pseudonymise("Volgens mevrouw El Amrani is dat zo; Fatima knikte.")
    assert a == "[PERSOON-1] opende de vergadering."
    assert b == "Volgens mevrouw [PERSOON-1] is dat zo; [PERSOON-1] knikte."


def test_key_persists_and_numbering_continues(tmp_path):
    key = tmp_path / "key.sqlite"
    p = Pseudonymiser(key)
    assert p.pseudonymise("Bel 06-11111111")[0] == "Bel [TELEFOON-1]"
    p.close()
    q = Pseudonymiser(key)
    assert q.pseudonymise("Bel 06-11111111 of 06-22222222")[0] == "Bel [TELEFOON-1] of [TELEFOON-2]"
    q.close()


def test_ordinary_capitalised_words_are_left_alone():
    text = "De wijkraad Ter Kleef en Schalkwijk willen Meer Geld sinds januari 2023."
    assert Pseudonymiser(None).pseudonymise(text)[0] == text


def test_key_file_keeps_its_table_and_rows(tmp_path):
    key = tmp_path / "private" / "key.sqlite"  # the folder does not exist yet
    p = Pseudonymiser(key)
    p.register_person("Jan de Vries")
    assert p.pseudonymise("Mail naar info@example.nl")[0] == "Mail naar [EMAIL-1]"
    p.close()
    con = sqlite3.connect(key)
    assert con.execute("SELECT sql FROM sqlite_master WHERE name = 'pseudonym_key'").fetchone()[0] == (
        "CREATE TABLE pseudonym_key (category TEXT NOT NULL, value TEXT NOT NULL, "
        "placeholder TEXT NOT NULL, PRIMARY KEY (category, value))"
    )
    # the full name and the surname (4 characters or more) both stand for the person, lower-cased
    assert sorted(con.execute("SELECT category, value, placeholder FROM pseudonym_key")) == [
        ("EMAIL", "info@example.nl", "[EMAIL-1]"),
        ("PERSOON", "de vries", "[PERSOON-1]"),
        ("PERSOON", "jan de vries", "[PERSOON-1]"),
    ]
    con.close()


def test_pseudonym_key_numbers_on_after_reopening_and_refuses_a_known_value(tmp_path):
    path = tmp_path / "key.sqlite"
    with PseudonymKey(path) as key:
        assert key.assign("TELEFOON", "0612345678") == "[TELEFOON-1]"
        key.alias("TELEFOON", "06 12345678", "[TELEFOON-1]")
        assert key.assign("EMAIL", "a@b.nl") == "[EMAIL-1]"
    key = PseudonymKey(path)
    assert key.counters() == {"TELEFOON": 1, "EMAIL": 1}
    assert key.entries("TELEFOON") == {"0612345678": "[TELEFOON-1]", "06 12345678": "[TELEFOON-1]"}
    assert key.lookup("TELEFOON", "0201234567") is None
    assert key.assign("TELEFOON", "0201234567") == "[TELEFOON-2]"
    with pytest.raises(ValueError, match=r"holds a placeholder for this TELEFOON value \(\[TELEFOON-1\]\)"):
        key.assign("TELEFOON", "0612345678")
    key.close()


def test_pseudonym_key_saves_nothing_when_the_block_fails(tmp_path):
    path = tmp_path / "key.sqlite"
    with pytest.raises(RuntimeError), PseudonymKey(path) as key:
        key.assign("EMAIL", "a@b.nl")
        raise RuntimeError("crash before the store commit")
    with PseudonymKey(path) as key:
        assert key.lookup("EMAIL", "a@b.nl") is None
        assert key.assign("EMAIL", "c@d.nl") == "[EMAIL-1]"


# -- new categories ------------------------------------------------------------------------------------------
# NL44RABO0123456789: the check digits are 98 - ("RABO0123456789NL00" with A=10 ... Z=35) mod 97 = 44.
def test_iban_spaced_unspaced_and_in_lower_case_become_one_placeholder():
    p = Pseudonymiser(None)
    out, counts = p.pseudonymise(
        "Stort het op NL44 RABO 0123 4567 89 t.n.v. de vereniging, of op nl44rabo0123456789."
    )
    assert out == "Stort het op [IBAN-1] t.n.v. de vereniging, of op [IBAN-1]."
    assert counts == {"IBAN": 2}


def test_iban_with_wrong_check_digits_is_left_for_what_it_is():
    # one digit changed (...788): mod 97 is no longer 1, so it is not an IBAN (nor a phone: it has letters)
    text = "Code NL44RABO0123456788 op de pas."
    assert Pseudonymiser(None).pseudonymise(text) == (text, {})


def test_dates_of_birth_are_replaced_and_meeting_dates_stay():
    p = Pseudonymiser(None)
    cases = {
        "Zij is geboren op 3 mei 1951 in Leiden.": "Zij is geboren op [GEBOORTEDATUM-1] in Leiden.",
        "Geb.: 07-08-1966, weduwe.": "Geb.: [GEBOORTEDATUM-2], weduwe.",
        "Geboortedatum 1975-11-30": "Geboortedatum [GEBOORTEDATUM-3]",
        "Ik ben van '61 en loop slecht.": "Ik ben van [GEBOORTEDATUM-4] en loop slecht.",
        "Opa is op 2 juni 1930 geboren.": "Opa is op [GEBOORTEDATUM-5] geboren.",
        "De avond van 3 mei 2024 was druk.": "De avond van 3 mei 2024 was druk.",
        "Reageren kan tot 07-08-2025.": "Reageren kan tot 07-08-2025.",
    }
    for text, expected in cases.items():
        assert p.pseudonymise(text)[0] == expected


def test_a_date_in_brackets_right_after_a_person_is_a_date_of_birth():
    out, counts = Pseudonymiser(None).pseudonymise("Haar kleinzoon Thijs (14-02-2011) doet ook mee.")
    assert out == "Haar kleinzoon [PERSOON-1] ([GEBOORTEDATUM-1]) doet ook mee."
    assert counts == {"PERSOON": 1, "GEBOORTEDATUM": 1}


# -- numbers: BSN, phones, e-mail ----------------------------------------------------------------------------
def test_bsn_with_dots_or_spaces_passes_the_eleven_test():
    # 123456782: 9*1+8*2+7*3+6*4+5*5+4*6+3*7+2*8-1*2 = 154 = 14*11
    p = Pseudonymiser(None)
    assert p.pseudonymise("BSN 123.456.782")[0] == "BSN [BSN-1]"
    assert p.pseudonymise("bsn: 1234 56 782")[0] == "bsn: [BSN-1]"
    assert p.pseudonymise("sofinummer 123 456 782.")[0] == "sofinummer [BSN-1]."


def test_a_labelled_case_number_or_an_amount_is_not_a_bsn():
    # 232262536: 9*2+8*3+7*2+6*2+5*6+4*2+3*5+2*3-1*6 = 121 = 11*11, so it passes the eleven test
    p = Pseudonymiser(None)
    for text in (
        "Uw dossiernummer is 232262536.",
        "Factuur 232262536 is betaald.",
        "Het kost € 232.262.536 in totaal.",
    ):
        assert p.pseudonymise(text) == (text, {})
    assert p.pseudonymise("Mijn BSN, zaak 12: 232262536")[0] == "Mijn BSN, zaak 12: [BSN-1]"


def test_phone_numbers_in_every_common_notation():
    p = Pseudonymiser(None)
    for number in (
        "(0251) 23 45 67",
        "0251 - 23 45 67",
        "06.98.76.54.32",
        "+31 6 98765432",
        "+31 (0)6-98765432",
        "0031 251 234567",
        "0612 345 678",
        "+32 470 12 34 56",
    ):
        out, counts = p.pseudonymise(f"Bel {number} na zessen.")
        assert out.startswith("Bel [TELEFOON-") and out.endswith("] na zessen."), out
        assert counts == {"TELEFOON": 1}
    # service numbers are too short to be someone's phone
    text = "Bel 112 of 14 0251, of 0800-1234."
    assert p.pseudonymise(text) == (text, {})


def test_obfuscated_email_addresses():
    p = Pseudonymiser(None)
    assert p.pseudonymise("Mail naar kees [at] buurtpost.nl graag.")[0] == "Mail naar [EMAIL-1] graag."
    assert p.pseudonymise("of kees (at) buurtpost (punt) nl")[0] == "of [EMAIL-2]"


# -- addresses -----------------------------------------------------------------------------------------------
def test_street_names_of_several_words_with_additions():
    p = Pseudonymiser(None)
    cases = {
        "Wij wonen op de Korte Nieuwstraat 4 rood.": "Korte Nieuwstraat 4 rood",
        "Het pand op Gedempte Voldersgracht 18-III is leeg.": "Gedempte Voldersgracht 18-III",
        "Post voor Burgemeester van Nispenlaan 7b graag.": "Burgemeester van Nispenlaan 7b",
        "Schrijf aan Van Speijkstraat 120-122.": "Van Speijkstraat 120-122",
        "Zij woont aan de Oude Markt 9 hs.": "Oude Markt 9 hs",
        "Kantoor: Prof. Lorentzweg 2 bis.": "Prof. Lorentzweg 2 bis",
        "Zij woont op 2e Jan Steenstraat 41.": "2e Jan Steenstraat 41",
    }
    for text, street in cases.items():
        out, counts = p.pseudonymise(text)
        assert street not in out and counts == {"ADRES": 1}, out
        assert text.split(street)[0] + "[ADRES-" in out


def test_a_street_without_a_street_word_needs_an_address_context():
    p = Pseudonymiser(None)
    assert p.pseudonymise("Mijn adres is Vijfhoek 12.")[0] == "Mijn adres is [ADRES-1]."
    assert p.pseudonymise("Zij woont aan de Nieuwe Haven 3.")[0] == "Zij woont aan de [ADRES-2]."
    # without one, a capitalised word and a number is not an address
    text = "Ronde 2 begon om acht uur, Bijlage 4 volgt."
    assert p.pseudonymise(text) == (text, {})


def test_postbus_postcode_with_house_number_and_lower_case_postcodes():
    p = Pseudonymiser(None)
    assert p.pseudonymise("Antwoordnummer: Postbus 1234, 2000 AB Haarlem.")[0] == (
        "Antwoordnummer: [ADRES-1], [POSTCODE-1] Haarlem."
    )
    # a postcode followed by a house number identifies one dwelling: one address, nothing left over
    assert p.pseudonymise("Bezorgen op 2034 kl 88a graag.")[0] == "Bezorgen op [ADRES-2] graag."
    assert p.pseudonymise("Postcode 2034kl.")[0] == "Postcode [POSTCODE-2]."
    text = "Tussen 2034 en 2040 komen er 300 woningen bij."
    assert p.pseudonymise(text) == (text, {})


def test_policy_titles_with_years_are_not_addresses():
    text = "Het Uitvoeringsakkoord 2024-2027 en de Mobiliteitsvisie 2035 en het Sportpark 2030 plan."
    assert Pseudonymiser(None).pseudonymise(text) == (text, {})


# -- names ---------------------------------------------------------------------------------------------------
def test_names_in_other_scripts_and_with_tussenvoegsels():
    p = Pseudonymiser(None)
    out, _ = p.pseudonymise("Dit kwam van Łukasz Wróbel en van Jolanda van 't Veer; mw. Çiftçi wist ervan.")
    assert out == "Dit kwam van [PERSOON-1] en van [PERSOON-2]; mw. [PERSOON-3] wist ervan."


def test_unknown_names_in_a_person_context():
    p = Pseudonymiser(None)
    cases = {
        "Meneer Brinkhorst belde gisteren.": "Meneer [PERSOON-1] belde gisteren.",
        "Ik heb met Ołeksij gesproken.": "Ik heb met [PERSOON-2] gesproken.",
        "Wytske Broersma: we willen een bankje.": "[PERSOON-3]: we willen een bankje.",
        "Volgens Zandbergen klopt dat niet.": "Volgens [PERSOON-4] klopt dat niet.",
        "Ik ben Orlanda, ik woon hier sinds kort.": "Ik ben [PERSOON-5], ik woon hier sinds kort.",
        "Groetjes, Wubbo": "Groetjes, [PERSOON-6]",
        "Kees en Wiebrich hebben de tent opgezet.": "[PERSOON-7] en [PERSOON-8] hebben de tent opgezet.",
    }
    for text, expected in cases.items():
        assert p.pseudonymise(text)[0] == expected


def test_a_surname_alone_is_the_person_once_the_full_name_was_seen_and_possessives():
    p = Pseudonymiser(None)
    assert p.pseudonymise("Henk Brinkhorst opende.")[0] == "[PERSOON-1] opende."
    assert p.pseudonymise("Daarna sprak Brinkhorst weer.")[0] == "Daarna sprak [PERSOON-1] weer."
    out, counts = p.pseudonymise("Pieters fiets en Ayşe's tas staan buiten.")
    assert out == "[PERSOON-2]s fiets en [PERSOON-3]'s tas staan buiten."
    assert counts == {"PERSOON": 2}


def test_a_first_name_seen_alone_first_does_not_stop_learning_the_full_name():
    # one key for several texts, the way ingest uses it (detect_names on every text first)
    p = Pseudonymiser(None)
    texts = ["Gerrit was er ook.", "Gerrit Kroeze stelde een vraag.", "Daarna antwoordde Kroeze."]
    for t in texts:
        p.detect_names(t)
    outs = [p.pseudonymise(t, detect=False)[0] for t in texts]
    assert "Kroeze" not in " ".join(outs)
    assert outs[1] == "[PERSOON-2] stelde een vraag." and outs[2] == "Daarna antwoordde [PERSOON-2]."


# -- what stays ----------------------------------------------------------------------------------------------
def test_places_after_van_in_uit_naar_stay():
    text = (
        "De wethouder van Zwolle, de burgemeester van Utrecht, bewoners uit Ede en een bus naar Amersfoort "
        "kwamen in Hengelo samen."
    )
    assert Pseudonymiser(None).pseudonymise(text) == (text, {})


def test_sentence_initial_words_that_are_also_first_names_stay():
    p = Pseudonymiser(None)
    for text in (
        "Wil iemand de stoelen opruimen?",
        "Ben jij morgen ook in het wijkcentrum?",
        "Mark op de kaart aan waar het donker is.",
        "Max. 30 kinderen per groep.",
        "Roos en klimop groeien over het hek.",
    ):
        assert p.pseudonymise(text) == (text, {}), text
    # and the same first names in a person's context are replaced
    assert (
        p.pseudonymise("Roos en haar buurvrouw kwamen samen.")[0]
        == "[PERSOON-1] en haar buurvrouw kwamen samen."
    )
    assert p.pseudonymise("Volgens mij had Wil gelijk.")[0] == "Volgens mij had [PERSOON-2] gelijk."


def test_a_sentence_after_a_role_word_does_not_start_with_its_name():
    """A full stop after a title ends an abbreviation ("dhr. Jansen"); after a role word, a sentence."""
    p = Pseudonymiser(None)
    for text in ("Goede contacten met de wijkagent. Zeker weten.", "Ik bel de buurman. Morgen kan het."):
        p.detect_names(text)
        assert p.pseudonymise(text) == (text, {}), text
    assert p.pseudonymise("Ik sprak met dhr. Jansen.")[0] == "Ik sprak met dhr. [PERSOON-1]."
    assert p.pseudonymise("Volgens dr. Bakker klopt het.")[0] == "Volgens dr. [PERSOON-2] klopt het."


def test_person_names_inside_places_streets_and_firms_stay():
    text = (
        "Achter de Albert Heijn, bij het Anne Frank Huis, in de Frans Halsbuurt en op het Johan Cruijffplein "
        "is het druk; ook bij Buurthuis De Til en het Kees Boeke College."
    )
    assert Pseudonymiser(None).pseudonymise(text) == (text, {})


def test_keep_and_always_lists():
    p = Pseudonymiser(None, keep=["Ter Kleef", "Sinnevelt"], always=["Bakkerij Ozturk"])
    out, counts = p.pseudonymise("Volgens Sinnevelt doet Bakkerij Ozturk mee aan het feest in Ter Kleef.")
    assert out == "Volgens Sinnevelt doet [PERSOON-1] mee aan het feest in Ter Kleef."
    assert counts == {"PERSOON": 1}
    # a kept word never stops an address with a house number
    assert p.pseudonymise("Ik woon op Sinneveltweg 3.")[0] == "Ik woon op [ADRES-1]."


def test_settings_take_keep_and_always_and_refuse_unknown_keys():
    s = Settings(pseudonymise={"keep": ["Ter Kleef"], "always": ["Bakkerij Ozturk"]})
    assert s.pseudonymise.keep == ["Ter Kleef"] and s.pseudonymise.always == ["Bakkerij Ozturk"]
    with pytest.raises(ValueError, match="kep"):
        Settings(pseudonymise={"kep": ["Ter Kleef"]})
    with pytest.raises(ValueError, match="non-empty"):
        Settings(pseudonymise={"keep": [" "]})


def test_ingest_keeps_the_corpus_wijk_names_and_uses_the_settings_lists(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sinnevelt").mkdir(parents=True)
    (corpus / "manifest.yml").write_text(
        "documents:\n  - path: sinnevelt/notitie.txt\n    wijk: Sinnevelt\n    date: 2024-05-01\n"
        "    kind: notitie\n",
        encoding="utf-8",
    )
    (corpus / "wijkanalyse.yml").write_text(
        "pseudonymise:\n  keep: [Ozturkhof]\n  always: [Bakkerij Yildirim]\n", encoding="utf-8"
    )
    (corpus / "sinnevelt" / "notitie.txt").write_text(
        "Volgens Sinnevelt is het druk. Volgens Ozturkhof ook. Bakkerij Yildirim sponsort het feest, "
        "zei Henk Brinkhorst.\n",
        encoding="utf-8",
    )
    settings = load_settings(corpus, store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    with Store(settings.store_path) as store:
        ingest_corpus(settings, store)
        (doc_id,) = store.documents().doc_id
        text = store.document_text(doc_id)
    # without the wijk name and the keep list, "Volgens X" makes X a person; Bakkerij Yildirim is in always
    assert "Volgens Sinnevelt is het druk. Volgens Ozturkhof ook." in text
    assert "Bakkerij Yildirim" not in text and "Brinkhorst" not in text
    assert "[PERSOON-1] sponsort het feest, zei [PERSOON-2]." in text


def test_every_full_date_in_a_sentence_about_birth_is_a_date_of_birth():
    # written for this test: the second date shares the first one's "geboren" (an ellipsis); the meeting
    # date in the next sentence has no birth cue and stays
    text = "Zij is geboren op 2-9-1961 en haar zus op 17 mei 1964. De avond van 17 mei 2024 was druk."
    out, counts = Pseudonymiser(None).pseudonymise(text)
    assert "2-9-1961" not in out and "17 mei 1964" not in out
    assert "De avond van 17 mei 2024 was druk." in out
    assert counts.get("GEBOORTEDATUM") == 2


def test_a_known_full_name_before_a_month_is_still_a_name():
    """"Jan" before a month is January ("Jan t/m maart"); in "Jan de Vries | april" it is Jan."""
    p = Pseudonymiser(None)
    texts = ["Aanwezig: Jan de Vries (wijkraad).", "Speeltuin offerte | Jan de Vries | april",
             "Jan Bakker | 12 april | bankjes", "Jan t/m maart is het dicht."]  # fmt: skip
    for t in texts:
        p.detect_names(t)
    out = [p.pseudonymise(t)[0] for t in texts]
    assert out == ["Aanwezig: [PERSOON-1] (wijkraad).", "Speeltuin offerte | [PERSOON-1] | april",
                   "[PERSOON-2] | 12 april | bankjes", "Jan t/m maart is het dicht."]  # fmt: skip


def test_an_iban_with_a_space_after_the_country_is_found():
    p = Pseudonymiser(None)
    assert p.pseudonymise("Rekening NL 91 ABNA 0417 1643 00 graag.")[0] == "Rekening [IBAN-1] graag."
    # lower case with that space is ordinary text: 'in 20' never starts an IBAN to try
    assert p.pseudonymise("In 2025 ging het om 19 uur goed.")[0] == "In 2025 ging het om 19 uur goed."
