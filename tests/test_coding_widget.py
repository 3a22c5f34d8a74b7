"""The coding widget of issue 16, driven without a browser: themes and kinds apart, geen + a kind of input,
the question answered, span coding and code frequencies beside the form.

On the hand-written mini corpus with machine codings written straight into the store (known codes and
confidences), so every expected value is worked out by hand. The real-browser test of span selection is in
tests/test_coding_widget_browser.py.
"""

from __future__ import annotations

import re

import pytest

from conftest import add_machine_coding as _machine
from wijkanalyse.explore.coding_widget import CodingWidget, frequency_panel
from wijkanalyse.review import decisions as review
from wijkanalyse.review.context import question_texts

KRANT = "12dfd9d050c9e6d7"  # "De wijkkrant moet blijven." (session notes: no speaker, no question)
GELD = "0f94d36a33379c48"  # "Hoe wordt de financiering geregeld? Wie beheert het geld straks? ..."
COMMUNICATIE = "23014e4de6db960d"  # "De communicatie van de gemeente moet beter. ..."
ANSWER_BEHOUDEN = "58cde997c9121013"  # survey answer to 'behouden', role respondent
KINDS = ["behouden", "verbeteren", "vraag_of_zorg"]  # the kinds of input of the bundled codebook


@pytest.fixture()
def store(mini_store):
    return mini_store[1]


def _mine(store, coder="anna"):
    rows = store.con.execute(
        "SELECT segment_id, code_id, status FROM codings WHERE coder_id = ?", (coder,)
    ).fetchall()
    return {tuple(r) for r in rows}


def test_geen_with_the_pre_ticked_kind_of_input_saves(store):
    _machine(store, GELD, "financiering", 0.9)
    _machine(store, GELD, "vraag_of_zorg", 0.7)
    w = CodingWidget(store, "anna", [GELD])
    # themes and kinds have their own selectors; the machine's proposals are pre-ticked in both
    assert list(w._checks) == ["financiering"] and w._checks["financiering"].value is True
    assert list(w._kind_checks) == KINDS and w._kind_checks["vraag_of_zorg"].value is True
    assert not set(KINDS) & set(w._extra.allowed_tags) and "financiering" in w._extra.allowed_tags
    w._none.value = True  # the person ticks "geen thema": the theme proposal is unticked, the kind stays
    assert w._checks["financiering"].value is False and w._kind_checks["vraag_of_zorg"].value is True
    assert w.save() is True, w._status.value
    assert _mine(store) == {
        (GELD, "geen", "applied"),
        (GELD, "vraag_of_zorg", "applied"),
        (GELD, "financiering", "rejected"),
    }
    # shown again, the decision comes back as it was saved
    w.show(0)
    assert w._none.value is True and w._kind_checks["vraag_of_zorg"].value is True
    assert w._checks["financiering"].value is False


def test_unticking_a_proposed_kind_rejects_it_and_blind_pre_ticks_nothing(store):
    _machine(store, GELD, "vraag_of_zorg", 0.7)
    w = CodingWidget(store, "anna", [GELD])
    w.choose(["financiering", "verbeteren"])
    assert w.decision() == (["financiering", "verbeteren"], ["vraag_of_zorg"])
    blind = CodingWidget(store, "piet", [GELD], blind=True)
    assert blind._checks == {} and not any(b.value for b in blind._kind_checks.values())
    blind.choose(["financiering"])
    assert blind.decision() == (["financiering"], [])  # nothing hidden is recorded as rejected


def test_a_codebook_without_kinds_has_no_kind_selector(store):
    with store.transaction() as con:
        con.execute("DELETE FROM codes")  # the mini corpus's codebook has kinds: another one here
        con.executemany(
            "INSERT INTO codes(code_id, dimension, label_nl) VALUES (?, 'thema', ?)",
            [("huur", "Huur"), ("groen", "Groen")],
        )
    w = CodingWidget(store, "anna", [KRANT])
    assert w._kind_checks == {} and sorted(w._extra.allowed_tags) == ["groen", "huur"]
    assert "Soort inbreng" not in w._freq.value
    w.choose(["groen"])
    assert w.save() and _mine(store) == {(KRANT, "groen", "applied")}


def test_the_question_answered_and_the_speaker_without_nan(store, mini_store):
    w = CodingWidget(store, "anna", [ANSWER_BEHOUDEN, KRANT], questions=question_texts(mini_store[0]))
    assert "Vraag: <i>Wat wilt u behouden?</i>" in w._header.value and "(respondent)" in w._header.value
    w.next()
    assert "Vraag:" not in w._header.value
    assert "nan" not in w._header.value.lower() and "none" not in w._header.value.lower()
    keys_only = CodingWidget(store, "anna", [ANSWER_BEHOUDEN])  # without the settings: the question's key
    assert "Vraag: <i>behouden</i>" in keys_only._header.value


def test_a_selected_span_is_coded_and_the_form_keeps_it(store):
    text = store.segment_text_map([GELD])[GELD]
    start = text.index("Wie beheert")
    end = text.index("straks?") + len("straks?")
    w = CodingWidget(store, "anna", [GELD, KRANT])
    assert w.code_selection("financiering") is False and "Selecteer eerst tekst" in w._status.value
    w.select(start, end)  # what the browser reports when the researcher selects the sentence
    assert w._span_btn.disabled is False and "Wie beheert het geld straks?" in w._span_info.value
    assert w.code_selection("financiering") is True
    spans = review.span_codings(store, GELD, "anna")
    assert [(r.code_id, r.span_start, r.span_end, r.quote) for r in spans.itertuples()] == [
        ("financiering", start, end, "Wie beheert het geld straks?")
    ]
    assert w._spans.spans == [[start, end, "Financiering"]] and w._spans.selection == []
    assert list(w._extra.value) == ["financiering"]  # the form follows: the code applies to the segment
    w._kind_checks["vraag_of_zorg"].value = True
    assert w.save() is True
    assert len(review.span_codings(store, GELD, "anna")) == 1  # saving the form kept the span
    assert _mine(store) == {(GELD, "financiering", "applied"), (GELD, "vraag_of_zorg", "applied")}
    # a span coded with a theme on a segment the person said "geen thema" to is refused
    w.next()
    w.choose(["geen"])
    assert w.save()
    w.select(0, 10)
    assert w.code_selection("communicatie") is False and "geen thema" in w._status.value
    assert w.code_selection("behouden") is True  # a kind of input goes with geen


def test_code_frequencies_beside_the_form(store):
    _machine(store, GELD, "financiering", 0.9)
    _machine(store, KRANT, "financiering", 0.6)
    _machine(store, KRANT, "communicatiemiddelen", 0.8)
    review.add_coding(store, KRANT, "communicatiemiddelen", "piet")
    w = CodingWidget(store, "anna", [GELD, COMMUNICATIE])

    def row(code):
        m = re.search(rf'<tr data-code="{code}">.*?</tr>', w._freq.value)
        return [int(v) for v in re.findall(r">(\d+)</td>", m.group(0))]

    assert row("financiering") == [0, 2, 2]  # you, the machine, everyone
    assert row("communicatiemiddelen") == [0, 1, 1]  # machine and piet on the same segment: 1
    assert "· 2×" in w._checks["financiering"].description
    w.choose(["financiering", "communicatie"])
    assert w.save()
    assert row("financiering") == [1, 2, 2] and row("communicatie") == [1, 0, 1]
    html = frequency_panel([("a", "A")], [], {"a": (3, 4, 5)}, blind=True)
    assert ">3</td>" in html and ">4</td>" not in html and "machine" not in html


def test_the_widget_chooses_its_segments_with_a_sampling_strategy(store):
    from wijkanalyse.review.sampling import choose_segments

    review.add_coding(store, KRANT, "behouden", "piet")  # coded by a person: never chosen to teach
    w = CodingWidget(store, "anna", sample=5, seed=3, strategy="random")
    assert len(w.segment_ids) == 5 and KRANT not in w.segment_ids and w.blind is False
    assert w.segment_ids == choose_segments(store, "random", 5, coder="anna", seed=3)
    check = CodingWidget(store, "anna", sample=4, strategy="check")
    assert check.blind is True and check._checks == {}  # a check is coded blind, as on the command line
    assert set(check.segment_ids) == set(store.check_segment_ids()) and len(check.segment_ids) == 4
    plain = CodingWidget(store, "anna", sample=5, seed=42)  # no settings, no strategy: a plain random sample
    assert plain.segment_ids == list(review.select_segments(store, sample=5, seed=42)["segment_id"])
    with pytest.raises(review.ReviewError, match="needs the coding engine"):
        CodingWidget(store, "anna", sample=5, strategy="mix")


def test_a_coded_span_can_be_removed_and_the_form_follows(store):
    text = store.segment_text_map([GELD])[GELD]
    a, b = text.index("Wie beheert"), text.index("straks?") + len("straks?")
    w = CodingWidget(store, "anna", [GELD])
    w.select(0, 10)
    assert w.code_selection("financiering")
    w.select(a, b)
    assert w.code_selection("financiering")
    assert [v for _label, v in w._span_pick.options] == [("financiering", 0, 10), ("financiering", a, b)]
    assert w.remove_span("financiering", 0, 10) is True
    assert list(w._extra.value) == ["financiering"]  # another span of the code is left: it still applies
    assert w.remove_span("financiering", a, b) is True
    assert list(w._extra.value) == [] and w._span_remove.layout.display == "none"
    assert review.span_codings(store, GELD, "anna").empty and _mine(store) == set()
    assert w.remove_span("financiering", a, b) is False and "niet (meer) gecodeerd" in w._status.value
