import sqlite3

import pytest

from wijkanalyse.ingest.pseudonymise import Pseudonymiser
from wijkanalyse.store import PseudonymKey


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
