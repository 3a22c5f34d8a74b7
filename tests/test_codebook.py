"""The codebook format, its validation and the bundled default codebook (stage 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import DEMO_CODEBOOK, demo_codebook
from wijkanalyse.coding.codebook import (
    NONE_CODE,
    SOORT_IDS,
    Codebook,
    load_codebook,
    parse_codebook,
    save_codebook,
)
from wijkanalyse.exceptions import CodebookError

FIXTURES = Path(__file__).parent / "fixtures"


def _minimal(**extra) -> dict:
    data = {
        "name": "klein",
        "version": "1",
        "codes": [
            {"id": "groen", "label_nl": "Groen", "definition": "Bomen en parken."},
            {"id": "verkeer", "label_nl": "Verkeer", "definition": "Auto's, fietsen, parkeren."},
        ],
    }
    data.update(extra)
    return data


def test_every_problem_is_reported_at_once_with_a_suggestion_for_a_typo():
    with pytest.raises(CodebookError) as err:
        load_codebook(FIXTURES / "codebook_typo.yml")
    problems = err.value.problems
    text = "\n".join(problems)
    # the four planted mistakes (the typo also leaves 'definition' missing: five lines in all)
    assert "unknown key 'defintion'. Did you mean 'definition'?" in text
    assert "'definition' must be a non-empty text" in text
    assert "duplicate id 'financiering'" in text
    assert "parent 'organisatie' is not a code" in text
    assert "'color' must be a hex colour" in text and "'blauw'" in text
    assert len(problems) == 5
    assert str(err.value).startswith(f"Codebook {FIXTURES / 'codebook_typo.yml'} has 5 problem(s):")


def test_reserved_id_bad_ids_cycles_and_empty_labels():
    data = _minimal()
    data["codes"] += [
        {"id": NONE_CODE, "label_nl": "Geen", "definition": "x"},
        {"id": "Hoofdletter", "label_nl": "X", "definition": "x"},
        {"id": "a", "label_nl": "A", "definition": "x", "parent": "b"},
        {"id": "b", "label_nl": "B", "definition": "x", "parent": "a"},
        {"id": "c", "label_nl": "  ", "definition": "x", "parent": "c"},
    ]
    data["verison"] = "2"
    with pytest.raises(CodebookError) as err:
        parse_codebook(data, "test")
    text = "\n".join(err.value.problems)
    assert "'geen' is reserved" in text
    assert "lower case letters" in text and "'Hoofdletter'" in text
    assert "cycle: a -> b -> a" in text or "cycle: b -> a -> b" in text
    assert "cannot be its own parent" in text
    assert "'label_nl' must be a non-empty text" in text
    assert "unknown key 'verison'. Did you mean 'version'?" in text


def test_not_a_mapping_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(CodebookError, match="must hold a mapping"):
        parse_codebook(["a", "b"], "list.yml")
    with pytest.raises(CodebookError, match="does not exist"):
        load_codebook(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\ncodes: [\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid YAML"):
        load_codebook(bad)
    with pytest.raises(CodebookError, match="'codes' is missing"):
        parse_codebook({"name": "x"}, "x")


def test_include_and_exclude_accept_a_text_or_a_list():
    data = _minimal()
    data["codes"][0]["include"] = "Parken; plantsoenen."
    data["codes"][1]["exclude"] = ["Openbaar vervoer", "Geluid"]
    cb = parse_codebook(data)
    assert cb.code("groen").include == ["Parken; plantsoenen."]
    assert cb.code("verkeer").exclude == ["Openbaar vervoer", "Geluid"]
    assert cb.soort_ids == list(SOORT_IDS)  # the default kinds of input when a codebook has none


def test_version_tag_follows_the_content_not_the_formatting(tmp_path):
    cb = parse_codebook(_minimal())
    assert cb.version_tag.startswith("1+") and len(cb.content_hash) == 8
    path = save_codebook(cb, tmp_path / "cb.yml")
    again = load_codebook(path)
    assert again == cb and again.version_tag == cb.version_tag
    renamed = parse_codebook(_minimal(version="2"))
    assert renamed.content_hash == cb.content_hash and renamed.version_tag == "2+" + cb.content_hash
    changed = _minimal()
    changed["codes"][0]["definition"] = "Bomen, parken en plantsoenen."
    assert parse_codebook(changed).content_hash != cb.content_hash


def test_add_code_returns_a_new_codebook_and_validates():
    cb = parse_codebook(_minimal())
    bigger = cb.add_code(
        "speeltuin",
        "Speeltuin",
        "Speelplekken voor kinderen.",
        examples=["De glijbaan is kapot."],
        parent="groen",
    )
    assert cb.ids == ["groen", "verkeer"]  # unchanged
    assert bigger.ids == ["groen", "verkeer", "speeltuin"]
    assert bigger.code("speeltuin").parent == "groen" and bigger.children("groen") == ["speeltuin"]
    with pytest.raises(CodebookError) as err:
        cb.add_code("groen", "", "x", parent="nergens")
    text = "\n".join(err.value.problems)
    assert "duplicate id 'groen'" in text and "'label_nl'" in text and "parent 'nergens'" in text
    with pytest.raises(CodebookError, match="reserved"):
        cb.add_code(NONE_CODE, "Geen", "x")


def test_labels_colours_and_the_codes_table():
    cb = parse_codebook(_minimal())
    assert cb.label(NONE_CODE) == "geen van deze" and cb.label(NONE_CODE, "en") == "none of these"
    assert cb.label("groen", "en") == "Groen"  # no English label: the Dutch one
    assert cb.color("groen").startswith("#")
    with pytest.raises(KeyError, match="Did you mean 'groen'"):
        cb.code("gron")
    frame = cb.to_frame()
    assert list(frame["code_id"]) == ["groen", "verkeer", *SOORT_IDS]
    assert list(frame["dimension"]) == ["thema", "thema", "soort", "soort", "soort"]


def test_demo_codebook_covers_the_haarlem_themes():
    cb = demo_codebook()
    assert isinstance(cb, Codebook) and cb.name == "wijkplatform"
    required = {
        "vertrouwen",
        "zeggenschap",
        "financiering",
        "diversiteit",
        "communicatie",
        "participatie",
        "samenwerking_partners",
        "continuiteit",
        "organisatie",
        "aanspreekpunt",
        "vrijwillige_inzet",
    }
    assert required <= set(cb.ids)
    assert cb.soort_ids == list(SOORT_IDS)
    for code in cb.codes + cb.soort:
        assert code.label_nl and code.label_en and code.definition, code.id
        assert 6 <= len(code.examples) <= 12, code.id
        assert code.color and code.color.startswith("#"), code.id
    assert any(c.parent for c in cb.codes)  # some hierarchy
    # the demo's file is plain YAML a person can read and edit
    raw = yaml.safe_load(DEMO_CODEBOOK.read_text(encoding="utf-8"))
    assert [c["id"] for c in raw["codes"]] == cb.ids


def test_an_alias_bomb_is_refused_quickly_with_a_short_message_naming_the_file(tmp_path):
    # 9 levels of 9 aliases: a list of 9**9 (387 million) texts once expanded, in about 350 bytes
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    bomb = tmp_path / "bom.yml"
    bomb.write_text("\n".join([*levels, "name: bom", "codes: *i"]) + "\n", encoding="utf-8")
    assert bomb.stat().st_size < 600
    with pytest.raises(CodebookError) as err:
        load_codebook(bomb)
    message = str(err.value)
    assert str(bomb) in message and "aliases are expanded" in message and "refused" in message
    assert len(message) < 600  # the expanded list is never printed


def test_messages_quote_long_values_shortened_and_a_file_must_be_utf8(tmp_path):
    data = _minimal()
    data["codes"] = "x" * 5000  # not a list: the message quotes it, cut short
    with pytest.raises(CodebookError) as err:
        parse_codebook(data, "lang.yml")
    assert "'codes' must be a non-empty list of codes" in str(err.value)
    assert "..." in str(err.value) and len(str(err.value)) < 400
    latin1 = tmp_path / "latin1.yml"
    latin1.write_bytes("name: café\ncodes: []\n".encode("latin-1"))
    with pytest.raises(CodebookError, match=r"not UTF-8 text \(byte 9\)"):
        load_codebook(latin1)
