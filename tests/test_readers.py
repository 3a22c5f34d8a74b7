"""Each reader on a small real file made for the test: docx, pdf, srt, vtt, xlsx, md with front matter."""

from pathlib import Path

import pytest

from wijkanalyse.exceptions import IngestError
from wijkanalyse.ingest import readers
from wijkanalyse.ingest.readers import SUPPORTED, read_file, read_table


def test_docx_headings_become_sections_list_items_bullets_and_table_rows(tmp_path: Path):
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
        # a row of a Word table is a table row: counted, never quoted
        ("Actiepunt | Wijkkrant behouden", "table-row", "Wat moet er echt verbeteren?"),
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


def test_the_reader_is_picked_by_suffix_in_any_case(tmp_path: Path):
    (tmp_path / "NOTITIE.TXT").write_text("Eerste alinea.\n\nTweede alinea.\n", encoding="utf-8")
    blocks = read_file(tmp_path / "NOTITIE.TXT", "NOTITIE.TXT").blocks
    assert [(b.text, b.unit) for b in blocks] == [
        ("Eerste alinea.", "paragraph"),
        ("Tweede alinea.", "paragraph"),
    ]


def test_unknown_suffix_error_lists_the_registered_suffixes(tmp_path: Path):
    assert SUPPORTED == (
        ".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".vtt", ".srt", ".csv", ".xlsx",
    )  # fmt: skip
    (tmp_path / "brief.rtf").write_text("{\\rtf1 Tekst}", encoding="utf-8")
    expected = (
        "brief.rtf: unsupported file type '.rtf'; "
        "expected one of .txt, .md, .markdown, .html, .htm, .docx, .pdf, .vtt, .srt, .csv, .xlsx"
    )
    with pytest.raises(IngestError) as info:
        read_file(tmp_path / "brief.rtf", "brief.rtf")
    assert str(info.value.problems[0]) == expected


def test_a_registered_reader_is_used_for_its_suffix(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(readers, "_READERS", dict(readers._READERS))  # keep the module's registry as it was

    @readers.reader(".rtf")
    def _read_rtf(path: Path, rel: str, *, sheet=None) -> readers.Extracted:
        text = path.read_text(encoding="utf-8").removeprefix("{\\rtf1 ").removesuffix("}")
        return readers.Extracted(blocks=[readers.Block(text=text)])

    (tmp_path / "brief.rtf").write_text("{\\rtf1 Tekst}", encoding="utf-8")
    assert [b.text for b in read_file(tmp_path / "brief.rtf", "brief.rtf").blocks] == ["Tekst"]
    assert str(readers.unsupported_format("x.doc", ".doc")).endswith(".csv, .xlsx, .rtf")


def test_reader_registration_rejects_a_bare_suffix_and_a_second_reader_for_a_suffix():
    with pytest.raises(ValueError, match=r"must start with a dot, like '.docx'. Got 'docx' instead"):
        readers.reader("docx")
    with pytest.raises(ValueError, match=r"Suffix '.md' already has a reader \(_read_markdown\)"):
        readers.reader(".rtf", ".MD")(lambda path, rel, *, sheet=None: readers.Extracted(blocks=[]))
    assert ".rtf" not in readers._READERS  # nothing of a rejected registration stays behind


def test_pdf_running_headers_and_footers_are_dropped_and_short_questions_kept(tmp_path: Path):
    """A municipal PDF: a running header and "Pagina n van 4" on each page, headings, residents' questions."""
    from fpdf import FPDF

    pages = [
        ["Wat gaat goed", "De buren helpen elkaar bij de boodschappen.", "Het dorpshuis is een fijne plek."],
        ["De kermis in september trekt veel mensen.", "Wat moet beter", "De bus rijdt te weinig."],
        ["Het fietspad naar de stad is te smal.", "Vragen en zorgen", "Blijft de huisarts in het dorp?"],
        ["Wie betaalt het nieuwe plein?", "Afspraken", "De gemeente komt in juni terug."],
    ]
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    for n, paragraphs in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 6, "Gemeente Oudeveen | Verslag dorpsgesprek 4 maart 2025", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        pdf.set_font("Helvetica", size=11)
        for p in paragraphs:
            pdf.multi_cell(0, 6, p)
            pdf.ln(4)
        pdf.set_y(-20)
        pdf.cell(0, 6, f"Pagina {n} van 4")
    pdf.output(str(tmp_path / "v.pdf"))
    blocks = read_file(tmp_path / "v.pdf", "v.pdf").blocks
    assert [(b.text, b.section) for b in blocks] == [
        ("De buren helpen elkaar bij de boodschappen.", "Wat gaat goed"),
        ("Het dorpshuis is een fijne plek.", "Wat gaat goed"),
        # the page break does not make the running header the section
        ("De kermis in september trekt veel mensen.", "Wat gaat goed"),
        ("De bus rijdt te weinig.", "Wat moet beter"),
        ("Het fietspad naar de stad is te smal.", "Wat moet beter"),
        # short questions that head nothing are what people asked, not headings to drop
        ("Blijft de huisarts in het dorp?", "Vragen en zorgen"),
        ("Wie betaalt het nieuwe plein?", "Vragen en zorgen"),
        ("De gemeente komt in juni terug.", "Afspraken"),
    ]


def test_a_short_question_before_text_is_still_a_heading(tmp_path: Path):
    (tmp_path / "n.txt").write_text(
        "Wat moet er echt verbeteren?\n\nDe bus rijdt te weinig.\n\nMeer groen!\n", encoding="utf-8"
    )
    blocks = read_file(tmp_path / "n.txt", "n.txt").blocks
    assert [(b.text, b.section) for b in blocks] == [
        ("De bus rijdt te weinig.", "Wat moet er echt verbeteren?"),
        ("Meer groen!", "Wat moet er echt verbeteren?"),  # at the end it heads nothing: it was said
    ]


def test_a_word_web_page_reads_its_list_items_without_their_markers(tmp_path: Path):
    """Word's 'Save as web page' (.htm): Office XML in comments, <o:p>, list items as <p style='mso-list'>."""
    page = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv=Content-Type content="text/html; charset=windows-1252"><title>Verslag</title>
<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>Jan Jansen</o:Author></o:DocumentProperties></xml>
<![endif]--><style><!-- p.MsoNormal {margin:0cm;} --></style></head>
<body lang=NL><div class=WordSection1>
<h1>Verslag bewonersavond Oost<o:p></o:p></h1>
<p class=MsoNormal>De bewoners willen meer groen in de straat.<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]>
<span style='font-family:Symbol'>\xb7<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;</span></span>
<![endif]>De bus rijdt te weinig.<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='mso-list:l1 level1 lfo2'><![if !supportLists]>1.<![endif]>Meer
bankjes.<o:p></o:p></p>
<p class=MsoNormal>Caf&eacute; op het plein &#8211; graag!<o:p></o:p></p>
</div></body></html>"""
    (tmp_path / "verslag.htm").write_bytes(page.encode("cp1252"))
    blocks = read_file(tmp_path / "verslag.htm", "verslag.htm").blocks
    assert [(b.text, b.unit) for b in blocks] == [
        ("De bewoners willen meer groen in de straat.", "paragraph"),
        ("De bus rijdt te weinig.", "bullet"),
        ("Meer bankjes.", "bullet"),
        ("Café op het plein – graag!", "paragraph"),
    ]
    assert {b.section for b in blocks} == {"Verslag bewonersavond Oost"}
    assert not any("Jansen" in b.text for b in blocks)  # the author in Word's properties is no content
