"""Website markup: Markdown and HTML pages lose what is not content; tables, skipped headings, boilerplate.

The fixture ``fixtures/website_corpus`` (three hand-written pages, see its README) is read and ingested; every
expected block, count and flag below was worked out by reading the pages.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, MINI_CORPUS
from wijkanalyse.cli import app
from wijkanalyse.config import load_settings
from wijkanalyse.exceptions import IngestError
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.ingest.html_text import blocks_from_html
from wijkanalyse.ingest.markdown_text import blocks_from_markdown
from wijkanalyse.ingest.markup import is_breadcrumb, is_link_only, turn_role
from wijkanalyse.ingest.readers import read_file, split_front_matter
from wijkanalyse.ingest.text_blocks import blocks_from_plain_text
from wijkanalyse.store import Store

WEBSITE = FIXTURES / "website_corpus"
MD_PAGE = "noordhoek/2024-05-01-verslag-avond.md"
HTML_PAGE = "noordhoek/2024-06-12-tweede-avond.html"
NOTE = "zuidrand/2024-05-08-notitie-telefoon.md"
FOOTER = (
    "Deze website wordt beheerd door het wijkteam van gemeente Voorbeeldstad. "
    "Reacties zijn welkom via het contactformulier."
)


def _summary(blocks):
    return [(b.unit, b.section, b.role, b.label, b.text) for b in blocks]


# -- Markdown ------------------------------------------------------------------------------------------------
def test_markdown_page_keeps_only_its_content():
    blocks = read_file(WEBSITE / MD_PAGE, MD_PAGE).blocks
    section = "Wat bewoners zeiden"
    assert _summary(blocks) == [
        # '{{ site.data.toestellen }}' inside the sentence is gone, '&eacute;' is decoded
        ("paragraph", section, None, None,
         "De speeltuin telt toestellen en is één van de oudste van de stad."),
        # a link in prose keeps its text; the link-only line '[Lees meer](...)' is gone
        ("paragraph", section, None, None,
         "Veel ouders willen een hek om de speeltuin. Zie ook het plan van de gemeente voor de tekening."),
        # the header row and |---| are no rows; bold is removed
        ("table-row", section, None, None, "Hek | 12"),
        ("table-row", section, None, None, "Bankjes | 7"),
        ("turn", section, "bewoner", "Bewoner", "Het hek moet voor de zomer klaar zijn."),
        ("turn", section, "ambtenaar", "Wethouder", "Dat gaan we proberen."),  # **Wethouder:**
        # two turns on consecutive lines of one paragraph
        ("turn", section, "bewoner", "Huurder", "Wie betaalt het onderhoud?"),
        ("turn", section, "partner", "Corporatie", "Dat doen wij, zoals altijd."),
        ("paragraph", section, None, None, FOOTER),  # after the horizontal rule, which is gone
        # the link list under 'Navigatie' is gone; the paragraph stays for the reader (ingest skips it)
        ("paragraph", "Navigatie", None, None, "Dit hoort bij de navigatie en wordt overgeslagen."),
    ]  # fmt: skip


def test_no_markup_survives_in_a_markdown_page():
    text = " ".join(b.text + " " + (b.section or "") for b in read_file(WEBSITE / MD_PAGE, MD_PAGE).blocks)
    for markup in ("{%", "%}", "{{", "}}", "{:", "](", "![", "&eacute;", "Home >", "<", "---", "**", "|---"):
        assert markup not in text, markup


def test_a_closing_template_tag_never_becomes_a_section():
    body = "{% include kaart.html\n   wijk=\"Noord\"\n%}\n\nTekst na de kaart.\n\n%}\n\nNog een alinea.\n"
    blocks = blocks_from_markdown(body)
    # the tag over three lines is removed whole; a stray '%}' has no letter: no section, no block
    assert _summary(blocks) == [
        ("paragraph", None, None, None, "Tekst na de kaart."),
        ("paragraph", None, None, None, "Nog een alinea."),
    ]


def test_template_comments_inline_html_and_headings_without_text():
    body = (
        "# {{ page.title }}\n\n"
        "{% comment %} foto's nog toevoegen {% endcomment %}\n\n"
        '<div class="kader">\n<strong>In het kort:</strong> drie avonden.<br>\nVerslagen volgen.\n</div>\n\n'
        "## [Over de avond](/avond/)\n\n"
        "Het was druk.<br>\n"
    )
    blocks = blocks_from_markdown(body)
    assert _summary(blocks) == [
        # 'In het kort:' is bold but no role label: a paragraph, not a turn
        ("paragraph", None, None, None, "In het kort: drie avonden. Verslagen volgen."),
        ("paragraph", "Over de avond", None, None, "Het was druk."),
    ]


def test_a_markdown_page_without_markup_reads_as_plain_text():
    text = (MINI_CORPUS / "noord" / "2023-01-10-sessie.md").read_text(encoding="utf-8")
    _, body = split_front_matter(text, "sessie.md")
    assert blocks_from_markdown(body) == blocks_from_plain_text(body)
    assert len(blocks_from_markdown(body)) == 3


def test_link_only_and_breadcrumb_lines():
    assert is_link_only("- [Terug naar Noordhoek](/wijken/noordhoek/)")
    assert is_link_only("[Home](/) · [Contact](/contact/)")
    assert is_link_only("<https://example.org/a>")
    assert not is_link_only("Zie [het plan](/plan) voor de tekening.")
    assert is_breadcrumb("Home > Wijken > Noordhoek > Avond")
    assert is_breadcrumb("[Home](/) > [Wijken](/wijken/) > Noordhoek")
    assert not is_breadcrumb("- Ogen > oren > neus")  # a bullet is never a breadcrumb
    assert not is_breadcrumb("Kosten > baten > risico's.")  # a sentence ends with a full stop
    assert not is_breadcrumb("Kosten > baten")  # two steps are no trail


def test_turn_roles():
    assert turn_role("Voorzitter coöperatie") == "partner"  # 'voorzitter' alone has no definite role
    assert turn_role("Voorzitter") == "onbekend"
    assert turn_role("Bewoner 2") == "bewoner"
    assert turn_role("Gespreksleider") == "gespreksleider"


def test_pipe_table_without_outer_pipes():
    blocks = read_file(WEBSITE / NOTE, NOTE).blocks
    assert _summary(blocks) == [
        ("paragraph", None, None, None, "Notitie van een telefoongesprek."),
        ("paragraph", None, None, None,
         "Een bewoner belde over de speeltuin. Zij wil meedoen met de werkgroep."),
        ("table-row", None, None, None, "Mei | 4"),
        ("paragraph", None, None, None, FOOTER),
    ]


# -- HTML ----------------------------------------------------------------------------------------------------
def test_html_page_keeps_only_its_content():
    blocks = read_file(WEBSITE / HTML_PAGE, HTML_PAGE).blocks
    assert _summary(blocks) == [
        # head (title, style, script), header (logo, site name) and nav (breadcrumb) are gone;
        # '&ndash;' is decoded; the paragraph of only a link is gone
        ("paragraph", "Tweede avond over de speeltuin", None, None,
         "Er kwamen 25 bewoners naar het buurthuis. Zij bespraken het ontwerp van het hek – en de kosten."),
        ("table-row", "Stemming", None, None, "Groen hek | 15"),  # the <thead> row is no row
        ("table-row", "Stemming", None, None, "Zwart hek | 10"),
        ("turn", "Gesprek", "bewoner", "Bewoner", "Ik wil een groen hek."),
        ("turn", "Gesprek", "gespreksleider", "Gespreksleider", "Dat nemen we mee."),
        ("bullet", "Gesprek", None, None, "Het hek komt er in juni."),  # the link-only item is gone
        ("paragraph", "Gesprek", None, None, FOOTER),  # a newline in the source is a space
        ("paragraph", "Navigatie", None, None, "Ook deze tekst staat onder Navigatie."),
        # the <footer> (copyright, privacy link) is gone
    ]  # fmt: skip


def test_html_tables_with_a_header_row_of_th_and_br_in_paragraphs():
    page = (
        "<html><body><table><tr><th>Onderdeel</th><th>Uitkomst</th></tr>"
        "<tr><td>Woningen</td><td>640</td></tr><tr><td><b>Totaal</b></td><td>70%</td></tr></table>"
        "<p>Huurder: Wie beslist er?<br>Corporatie: Wij, samen met u.</p>"
        "<p>Tekst met <a href='/x'>een link</a> erin.</p><!-- een opmerking --></body></html>"
    )
    assert _summary(blocks_from_html(page)) == [
        ("table-row", None, None, None, "Woningen | 640"),
        ("table-row", None, None, None, "Totaal | 70%"),
        ("turn", None, "bewoner", "Huurder", "Wie beslist er?"),
        ("turn", None, "partner", "Corporatie", "Wij, samen met u."),
        ("paragraph", None, None, None, "Tekst met een link erin."),
    ]


def test_an_html_page_without_content_is_a_clear_problem(tmp_path: Path):
    (tmp_path / "leeg.html").write_text(
        "<html><head><title>X</title></head><body><nav><a href='/'>Home</a></nav></body></html>", "utf-8"
    )
    with pytest.raises(IngestError, match=r"leeg.html: no text found in the HTML page outside navigation"):
        read_file(tmp_path / "leeg.html", "leeg.html")


# -- ingest: settings, boilerplate, store methods -----------------------------------------------------------
@pytest.fixture()
def website(tmp_path: Path):
    """Return a function that ingests a copy of the website fixture with settings overrides."""

    def _ingest(**overrides):
        corpus = tmp_path / "website"
        if not corpus.exists():
            shutil.copytree(WEBSITE, corpus)
        settings = load_settings(
            corpus, store_dir=tmp_path / "store", private_dir=tmp_path / "private", **overrides
        )
        store = Store(settings.store_path)
        result = ingest_corpus(settings, store)
        return result, store

    return _ingest


def test_ingest_skips_the_navigation_section_and_flags_the_boilerplate(website):
    result, store = website()
    with store:
        segs = store.segments()
        # md page 9 (10 blocks less 'Navigatie'), html page 7 (8 less 'Navigatie'), note 4
        assert segs.groupby("path").size().to_dict() == {MD_PAGE: 9, HTML_PAGE: 7, NOTE: 4}
        assert "Navigatie" not in set(segs.section.dropna())
        flagged = segs[segs.boilerplate == 1]
        assert sorted(flagged.path) == sorted([MD_PAGE, HTML_PAGE, NOTE]) and set(flagged.text) == {FOOTER}
        bp = store.boilerplate_paragraphs()
        assert bp.to_dict("records") == [{"text": FOOTER, "documents": 3, "segments": 3}]
        # 20 segments: 3 boilerplate are not coded; of the 17 others, 5 table rows are not quoted
        assert len(store.segments_to_code()) == 17 and (store.segments_to_code().boilerplate == 0).all()
        quotable = store.quotable_segments()
        assert len(quotable) == 12 and not quotable.unit.str.startswith("table-row").any()
        assert len(store.segments_to_code("Zuidrand")) == 3
        assert store.integrity_check() == []
    assert "Boilerplate: 1 text(s) recur verbatim in many documents (3 segments)" in result.describe()
    assert f"'{FOOTER[:89]}…' (3 documents)" in result.describe()


def test_labelled_turns_are_stored_with_their_role_and_label_not_as_persons(website):
    _, store = website()
    with store:
        segs = store.segments()
        turns = segs[segs.unit == "turn"]
        assert turns.speaker.isna().all()  # a role label is never a registered person
        roles = ["bewoner", "ambtenaar", "bewoner", "partner", "bewoner", "gespreksleider"]
        assert turns.role.tolist() == roles
        md = segs[segs.path == MD_PAGE]
        doc_text = store.document_text(md.doc_id.iloc[0])
        first = turns.iloc[0]
        shown = doc_text[first.start - len("Bewoner: ") : first.end]
        assert shown == "Bewoner: Het hek moet voor de zomer klaar zijn."


def test_tables_skip_leaves_table_rows_out_and_min_documents_decides_boilerplate(website):
    markup = {"tables": "skip", "skip_headings": ["navigatie"], "boilerplate_min_documents": 4}
    _, store = website(markup=markup)
    with store:
        segs = store.segments()
        assert len(segs) == 15 and not (segs.unit == "table-row").any()  # 20 less 5 table rows
        assert segs.boilerplate.sum() == 0  # the footer is on 3 pages, fewer than 4
        assert "Navigatie" not in set(segs.section.dropna())  # headings match without regard to case
        assert len(store.boilerplate_paragraphs()) == 0


def test_boilerplate_flags_follow_the_corpus(website, tmp_path: Path):
    website()
    (tmp_path / "website" / NOTE).unlink()  # the footer is now on 2 pages only
    result, store = website()
    with store:
        assert result.removed == [NOTE] and store.segments().boilerplate.sum() == 0


def test_status_reports_the_boilerplate(website, tmp_path: Path):
    website()[1].close()
    corpus = tmp_path / "website"
    settings = corpus / "wijkanalyse.yml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + f"store_dir: {tmp_path / 'store'}\nprivate_dir: {tmp_path / 'private'}\n",
        encoding="utf-8",
    )
    out = CliRunner().invoke(app, ["status", "--corpus", str(corpus), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["boilerplate"] == [{"text": FOOTER, "documents": 3, "segments": 3}]
    out = CliRunner().invoke(app, ["status", "--corpus", str(corpus)])
    assert "Boilerplate: 1 text(s) recur verbatim in many documents (3 segments)" in out.output


def test_an_html_file_of_only_whitespace_is_a_clear_problem(tmp_path: Path):
    (tmp_path / "wit.html").write_text("  \n\n  ", encoding="utf-8")
    with pytest.raises(IngestError, match=r"wit.html: the file is empty; expected text"):
        read_file(tmp_path / "wit.html", "wit.html")
    (tmp_path / "commentaar.htm").write_text("<!-- alleen commentaar -->", encoding="utf-8")
    with pytest.raises(IngestError, match=r"commentaar.htm: not a readable HTML page: Document is empty"):
        read_file(tmp_path / "commentaar.htm", "commentaar.htm")


def test_a_transcript_speaker_named_by_a_role_gets_that_role(tmp_path: Path):
    """Teams/Zoom exports often name the chair 'Gespreksleider' or 'Moderator': a role, not 'onbekend'.

    The speakers of the metadata win over the label."""
    corpus = tmp_path / "gesprekken"
    (corpus / "lindehoek").mkdir(parents=True)
    vtt = ["WEBVTT", ""]
    turns = [("Gespreksleider", "Wat vindt u van de bus?"), ("Anneke Visser", "De bus rijdt te weinig."),
             ("Bewoner 2", "Ik ben het daarmee eens."), ("Wethouder Jansen", "We kijken ernaar."),
             ("Moderator", "Dank u wel.")]  # fmt: skip
    for i, (who, said) in enumerate(turns):
        vtt += [f"00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 1:02d}.000", f"<v {who}>{said}</v>", ""]
    (corpus / "lindehoek" / "2025-03-18-gesprek.vtt").write_text("\n".join(vtt), encoding="utf-8")
    # the metadata names the moderator a resident (whatever the reason): the metadata wins
    (corpus / "manifest.yml").write_text(
        "documents:\n  - path: lindehoek/2025-03-18-gesprek.vtt\n    speakers: {Moderator: bewoner}\n",
        encoding="utf-8",
    )
    settings = load_settings(corpus, store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    with Store(settings.store_path) as store:
        ingest_corpus(settings, store)
        roles = store.segments().sort_values("start")["role"].tolist()
    assert roles == ["gespreksleider", "onbekend", "bewoner", "ambtenaar", "bewoner"]


def test_a_teams_transcript_saved_as_word_is_read_as_turns_with_speakers(tmp_path: Path):
    """Teams' .docx transcript: 'Name   0:15' lines; a title, date and duration first; events."""
    import docx

    corpus = tmp_path / "gesprekken"
    (corpus / "lindehoek").mkdir(parents=True)
    d = docx.Document()
    for line in ["Dorpsgesprek Lindehoek-20250318_190312-Opname van vergadering", "18 maart 2025, 07:03PM",
                 "1h 2m 3s", "Anneke Visser started transcription",
                 "Gespreksleider   0:03", "Welkom allemaal. Wat vindt u van de bus?",
                 "Anneke Visser   0:15", "De bus rijdt te weinig, vooral 's avonds.",
                 "Henk Mulder   1:02", "Ik ben het daarmee eens.",
                 "Henk Mulder   1:10", "En het fietspad is smal.",
                 "Anneke Visser stopped transcription"]:  # fmt: skip
        d.add_paragraph(line)
    d.save(corpus / "lindehoek" / "2025-03-18-transcript.docx")
    settings = load_settings(corpus, store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    with Store(settings.store_path) as store:
        ingest_corpus(settings, store)
        segs = store.segments().sort_values("start")
        text = store.document_text(segs["doc_id"].iloc[0])
    # three turns (Henk Mulder's two joined), no title, date, duration or event as a segment
    assert segs["text"].tolist() == ["Welkom allemaal. Wat vindt u van de bus?",
                                     "De bus rijdt te weinig, vooral 's avonds.",
                                     "Ik ben het daarmee eens. En het fietspad is smal."]  # fmt: skip
    assert segs["unit"].tolist() == ["turn"] * 3
    assert segs["role"].tolist() == ["gespreksleider", "onbekend", "onbekend"]
    assert segs["speaker"].str.startswith("[PERSOON-").all() and segs["speaker"].nunique() == 3
    assert "Visser" not in text and "Mulder" not in text  # the names are pseudonymised everywhere
