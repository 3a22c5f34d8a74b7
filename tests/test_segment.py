from wijkanalyse.ingest.segment import (
    TABLE_ROW,
    Unit,
    build_document,
    is_quotable,
    sentence_spans,
    split_spans,
)


def test_sentences_do_not_end_at_dutch_abbreviations():
    text = "Er zijn o.a. zorgen over geld. Dhr. Jansen vraagt iets. Klopt dat?"
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == ["Er zijn o.a. zorgen over geld.", "Dhr. Jansen vraagt iets.", "Klopt dat?"]


def test_long_units_split_at_sentence_boundaries_within_the_limit():
    text = "Eerste zin is hier. Tweede zin is iets langer dan de eerste. Derde."
    spans = split_spans(text, 40)
    assert [text[s:e] for s, e in spans] == [
        "Eerste zin is hier.",
        "Tweede zin is iets langer dan de eerste.",
        "Derde.",
    ]


def test_document_slices_equal_segment_texts_and_prefixes_are_outside():
    units = [
        Unit(
            text="Welkom allemaal.",
            unit="turn",
            prefix="[PERSOON-1] (gespreksleider): ",
            speaker="[PERSOON-1]",
        ),
        Unit(text="Geld is op. Wie betaalt?", unit="paragraph", section="Vragen en zorgen"),
        Unit(text="Welkom allemaal.", unit="turn", prefix="[PERSOON-2] (bewoner): "),
    ]
    text, segs = build_document("doc1", units, max_chars=700)
    assert text == (
        "[PERSOON-1] (gespreksleider): Welkom allemaal.\n\nVragen en zorgen\n\nGeld is op. Wie betaalt?"
        "\n\n[PERSOON-2] (bewoner): Welkom allemaal."
    )
    assert [text[s.start : s.end] for s in segs] == [s.text for s in segs]
    assert segs[0].start == len("[PERSOON-1] (gespreksleider): ")
    # the same text twice in one document gets two different, stable ids
    assert segs[0].segment_id != segs[2].segment_id
    again = build_document("doc1", units, max_chars=700)[1]
    assert [s.segment_id for s in again] == [s.segment_id for s in segs]


def test_table_rows_and_their_parts_are_never_quotable_and_labelled_turns_keep_their_label():
    units = [
        Unit(text="Hek | 12", unit=TABLE_ROW, section="Stemming"),
        Unit(text="Eerste cel is lang. | Tweede cel ook.", unit=TABLE_ROW),
        Unit(text="Het hek moet er komen.", unit="turn", prefix="Bewoner: ", role="bewoner"),
    ]
    text, segs = build_document("doc2", units, max_chars=20)
    assert [(s.unit, s.text) for s in segs] == [
        ("table-row", "Hek | 12"),
        ("table-row-part", "Eerste cel is lang."),
        ("table-row-part", "| Tweede cel ook."),
        ("turn-part", "Het hek moet er"),
        ("turn-part", "komen."),
    ]
    assert text.endswith("Bewoner: Het hek moet er komen.") and segs[3].role == "bewoner"
    assert [is_quotable(s.unit) for s in segs] == [False, False, False, True, True]
    assert not is_quotable("paragraph", boilerplate=1) and is_quotable("answer-part", boilerplate=0)
