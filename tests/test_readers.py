"""Each reader on a small real file made for the test: docx, pdf, srt, vtt, xlsx, md with front matter."""

from pathlib import Path

import pytest

from wijkanalyse.exceptions import IngestError
from wijkanalyse.ingest.readers import read_file, read_table


def test_docx_headings_become_sections_and_list_items_bullets(tmp_path: Path):
    import docx

    d = docx.Document()
    d.add_heading("Wat moet er echt verbeteren?", level=1)
    d.add_paragraph("De gemeente moet   tijdig informeren.")
    d.add_paragraph("Meer inspraak", style="List Bullet")
    d.add_paragraph("")
    t = d.add_table(rows=1, cols=2)
    t.rows[0].cells[0].text = "Actiepunt"
    t.rows[0].cells[1].text = "Wijkkrant behouden"
    d.save(tmp_path / "n.docx")
    blocks = read_file(tmp_path / "n.docx", "n.docx").blocks
    assert [(b.text, b.unit, b.section) for b in blocks] == [
        ("De gemeente moet tijdig informeren.", "paragraph", "Wat moet er echt verbeteren?"),
        ("Meer inspraak", "bullet", "Wat moet er echt verbeteren?"),
        ("Actiepunt | Wijkkrant behouden", "paragraph", "Wat moet er echt verbeteren?"),
    ]


def test_pdf_text_layer_is_read_into_paragraphs(tmp_path: Path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Het goede behouden")
    pdf.ln(4)
    pdf.multi_cell(0, 6, "De wijkraad is het aanspreekpunt van de buurt. Dat moet zo blijven.")
    pdf.ln(4)
    pdf.multi_cell(0, 6, "Financiering is onduidelijk.")
    pdf.output(str(tmp_path / "v.pdf"))
    blocks = read_file(tmp_path / "v.pdf", "v.pdf").blocks
    texts = [b.text for b in blocks]
    assert "De wijkraad is het aanspreekpunt van de buurt. Dat moet zo blijven." in texts
    assert "Financiering is onduidelijk." in texts
    assert all(b.section == "Het goede behouden" for b in blocks)


def test_srt_speaker_prefixes_and_merged_turns(tmp_path: Path):
    (tmp_path / "t.srt").write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nJan Smit: Goedenavond.\n\n"
        "2\n00:00:03,500 --> 00:00:06,000\nJan Smit: We beginnen.\n\n"
        "3\n00:00:06,500 --> 00:00:09,000\nEls Bos: Ik heb een vraag over geld.\n",
        encoding="utf-8",
    )
    blocks = read_file(tmp_path / "t.srt", "t.srt").blocks
    assert [(b.speaker, b.text, b.time_start, b.time_end) for b in blocks] == [
        ("Jan Smit", "Goedenavond. We beginnen.", "00:00:01", "00:00:06"),
        ("Els Bos", "Ik heb een vraag over geld.", "00:00:06", "00:00:09"),
    ]


def test_malformed_vtt_is_a_clear_error(tmp_path: Path):
    (tmp_path / "t.vtt").write_text("dit is geen webvtt\n00:01 --> nooit\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"t.vtt: not a valid WebVTT \(.vtt\) transcript"):
        read_file(tmp_path / "t.vtt", "t.vtt")


def test_xlsx_survey_reads_as_strings_with_the_named_sheet(tmp_path: Path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Antwoorden"
    ws.append(["respondent_id", "postcode", "Wat vindt u?"])
    ws.append(["R1", "2021 AB", "=HYPERLINK(\"http://x\")"])
    ws.append(["R2", None, "Prima"])
    wb.save(tmp_path / "e.xlsx")
    df = read_table(tmp_path / "e.xlsx", "e.xlsx", sheet="Antwoorden")
    assert df.to_dict("records") == [
        {"respondent_id": "R1", "postcode": "2021 AB", "Wat vindt u?": '=HYPERLINK("http://x")'},
        {"respondent_id": "R2", "postcode": "", "Wat vindt u?": "Prima"},
    ]
    with pytest.raises(IngestError, match=r"e.xlsx: no sheet 'Blad9'; sheets found: \['Antwoorden'\]"):
        read_table(tmp_path / "e.xlsx", "e.xlsx", sheet="Blad9")


def test_markdown_front_matter_errors_name_the_file(tmp_path: Path):
    (tmp_path / "a.md").write_text("---\nwijk: [Noord\n---\nTekst.\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"a.md \(front matter\): the YAML front matter is not valid YAML"):
        read_file(tmp_path / "a.md", "a.md")
