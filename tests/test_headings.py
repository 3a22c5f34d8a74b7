"""Headings glued to the paragraph before them (no blank line) are read as headings, not as its last words.

The demo had one segment ending "...zou zijn.' Financiering": a PDF line ending a quoted sentence, then the
heading of the next section. These documents are shaped differently (plain text, Markdown, a PDF made here)
and each would give a segment with a heading at its end without the fix.
"""

from __future__ import annotations

from pathlib import Path

from wijkanalyse.ingest.readers import read_file
from wijkanalyse.ingest.text_blocks import blocks_from_plain_text, ends_sentence, split_paragraphs

QUOTE = "Een bewoner zegt: (ik citeer) 'Dat hoorden we in februari al van de gemeente.'"
MONEY = "Het geld voor de buurtactiviteiten is op en niemand weet wie straks de huur betaalt."
WRAPPED = (
    "De wijkraad heeft de afgelopen jaren veel gedaan voor de buurt, en\nDe Nieuwe Buurt doet dat nu ook."
)


def _sections(blocks) -> list[tuple[str, str | None]]:
    return [(b.text, b.section) for b in blocks]


def test_plain_text_heading_after_a_quote_and_before_bullets(tmp_path: Path):
    (tmp_path / "verslag.txt").write_text(
        f"Stand van zaken\n\n{QUOTE}\nGeld en huur\n- {MONEY}\n- Het spreekuur moet blijven.\n",
        encoding="utf-8",
    )
    got = _sections(read_file(tmp_path / "verslag.txt", "verslag.txt").blocks)
    assert got == [
        (QUOTE, "Stand van zaken"),
        (MONEY, "Geld en huur"),
        ("Het spreekuur moet blijven.", "Geld en huur"),
    ]


def test_markdown_heading_without_a_blank_line(tmp_path: Path):
    (tmp_path / "pagina.md").write_text(f"## Opening\n{QUOTE}\n### Financiering\n{MONEY}\n", encoding="utf-8")
    got = _sections(read_file(tmp_path / "pagina.md", "pagina.md").blocks)
    assert got == [(QUOTE, "Opening"), (MONEY, "Financiering")]


def test_pdf_heading_on_the_line_after_a_quoted_sentence(tmp_path: Path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    lines = [
        "De wijkraad vergaderde in het buurthuis.",
        "Een bewoner: 'Het zou voor de zomer duidelijk zijn.'",
        "Financiering",
        MONEY,
    ]
    for line in lines:  # one printed line each, no gap: the heading follows the quote directly
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "verslag.pdf"))
    blocks = read_file(tmp_path / "verslag.pdf", "verslag.pdf").blocks
    assert not [b.text for b in blocks if b.text.endswith("Financiering")]
    assert (MONEY, "Financiering") in _sections(blocks)


def test_a_wrapped_line_is_no_heading():
    # "De Nieuwe Buurt doet dat nu ook." ends with a full stop, and the line before does not end a sentence
    assert split_paragraphs(WRAPPED) == [WRAPPED.split("\n")]
    assert [b.text for b in blocks_from_plain_text(WRAPPED)] == [WRAPPED.replace("\n", " ")]
    # a short line after a sentence but followed by lower case continues the paragraph
    text = f"{MONEY}\nDe Nieuwe Buurt\nen de wijkraad betalen samen."
    assert len(blocks_from_plain_text(text)) == 1
    assert ends_sentence("zou zijn.'") and ends_sentence("(zo gezegd.)") and not ends_sentence("zou zijn'")
