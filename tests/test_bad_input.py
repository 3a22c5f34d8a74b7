"""Each kind of bad input gives one clear message naming the file (and row or column); good files ingest."""

import shutil
from pathlib import Path

import pytest

from conftest import MINI_CORPUS
from wijkanalyse.config import load_settings
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.store import Store


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(MINI_CORPUS, dst)
    return dst


def _run(corpus: Path, tmp_path: Path):
    settings = load_settings(corpus, store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    with Store(settings.store_path) as store:
        result = ingest_corpus(settings, store)
        paths = set(store.documents().path)
    return [str(p) for p in result.problems], paths


def _pdf_without_text(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a 'scan': shapes, no text layer
    pdf.output(str(path))


def test_every_bad_file_is_reported_and_the_good_ones_ingest(corpus, tmp_path):
    (corpus / "noord" / "kapot.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    _pdf_without_text(corpus / "noord" / "scan.pdf")
    (corpus / "noord" / "leeg.txt").write_bytes(b"")
    (corpus / "noord" / "binair.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / "noord" / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    problems, paths = _run(corpus, tmp_path)
    text = "\n".join(problems)
    assert "noord/kapot.docx: not a readable Word document" in text
    assert "noord/scan.pdf: the PDF has no text layer" in text
    assert "noord/leeg.txt: the file is empty" in text
    assert "noord/binair.txt: the file looks binary" in text
    assert "noord/foto.jpg: unsupported file type '.jpg'" in text
    # the four good sources are all there
    assert {"noord/2023-01-10-sessie.md", "oost/notitie.txt", "enquete/enquete.csv"} <= paths


def test_latin1_text_is_decoded(corpus, tmp_path):
    text = (
        "Café De Zwaan: de financiële zorgen zijn groot, ook over de coördinatie. "
        "Wij willen graag meer geld."
    )
    (corpus / "oost" / "latin1.txt").write_bytes(text.encode("latin-1"))
    problems, paths = _run(corpus, tmp_path)
    assert "oost/latin1.txt" in paths
    with Store(tmp_path / "store") as store:
        text = store.query("SELECT text FROM documents WHERE path='oost/latin1.txt'").text[0]
    assert "financiële" in text and "coördinatie" in text


def test_survey_without_the_expected_column_names_the_column_and_what_was_found(corpus, tmp_path):
    csv = corpus / "enquete" / "enquete.csv"
    renamed = csv.read_text(encoding="utf-8").replace("Welke zorgen heeft u?", "Zorgen")
    csv.write_text(renamed, encoding="utf-8")
    problems, paths = _run(corpus, tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("enquete/enquete.csv: text column(s) 'Welke zorgen heeft u?' not found.")
    assert "Columns found: ['nr', 'postcode', 'leeftijd', 'Wat wilt u behouden?', 'Zorgen']" in problems[0]
    assert "enquete/enquete.csv" not in paths and "oost/notitie.txt" in paths


def test_empty_survey_is_reported(corpus, tmp_path):
    header_only = "nr,postcode,Wat wilt u behouden?,Welke zorgen heeft u?\n"
    (corpus / "enquete" / "enquete.csv").write_text(header_only, encoding="utf-8")
    problems, _ = _run(corpus, tmp_path)
    assert problems == ["enquete/enquete.csv: the survey has a header but no respondents"]


def test_manifest_naming_a_missing_file_and_a_typo_in_a_key(corpus, tmp_path):
    manifest = corpus / "manifest.yml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + "  - path: noord/bestaat-niet.docx\n    wijk: Noord\n  - path: oost/notitie.txt\n    wjik: Oost\n",
        encoding="utf-8",
    )
    problems, paths = _run(corpus, tmp_path)
    assert "manifest.yml (entry 4): names a file that does not exist: noord/bestaat-niet.docx" in problems
    assert "manifest.yml (entry 5): unknown key 'wjik' for oost/notitie.txt. Did you mean 'wijk'?" in problems


def test_corrupt_file_keeps_its_earlier_version(corpus, tmp_path):
    _run(corpus, tmp_path)
    (corpus / "oost" / "notitie.txt").write_bytes(b"")
    problems, paths = _run(corpus, tmp_path)
    assert problems == ["oost/notitie.txt: the file is empty"]
    assert "oost/notitie.txt" in paths  # nothing is lost


def test_bad_settings_list_every_problem(corpus):
    (corpus / "wijkanalyse.yml").write_text("min_count: 0\nlanguage: fr\nsurveyz: []\n", encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings(corpus)
    msg = str(err.value)
    assert "3 problem(s)" in msg and "min_count" in msg and "language" in msg and "surveyz" in msg


def test_truncated_utf16_is_reported_not_a_crash(corpus, tmp_path):
    data = "\ufeffDe wijkraad is belangrijk voor de buurt.".encode("utf-16-le")
    (corpus / "oost" / "kapot16.txt").write_bytes(data[:-1])  # cut in the middle of a character
    problems, paths = _run(corpus, tmp_path)
    expected = "oost/kapot16.txt: the file says it is UTF-16-LE but is truncated or damaged"
    assert any(p.startswith(expected) for p in problems)
    assert "oost/notitie.txt" in paths


def test_vtt_cut_off_inside_a_voice_tag_leaves_no_markup(corpus, tmp_path):
    (corpus / "oost" / "2023-05-01-kort.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Els Bos>Wij willen meer geld voor de buurt\n",
        encoding="utf-8",
    )
    problems, paths = _run(corpus, tmp_path)
    with Store(tmp_path / "store") as store:
        segs = store.segments()
        texts = segs[segs.path.str.endswith("kort.vtt")].text
    assert list(texts) == ["Wij willen meer geld voor de buurt"]


# -- resource limits: a file that would cost too much to read is one file's problem -------------------------
# nine levels of nine aliases: 9**9 = 387,420,489 strings once expanded, from under 510 bytes
ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{x}: &{x} [{','.join([f'*{prev}'] * 9)}]\n"
        for prev, x in zip("abcdefgh", "bcdefghi", strict=True)
    )
)


def _zip_bomb(path: Path, member: str) -> None:
    """A zip whose one part unpacks from a few kB to 5 MB of zeros (about 1,000 times its packed size)."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(member, b"\0" * 5_000_000)


def test_the_alias_bomb_is_small():
    assert len(ALIAS_BOMB.encode()) < 510


def test_zip_bombs_are_refused_by_name_and_the_good_files_ingest(corpus, tmp_path):
    _zip_bomb(corpus / "noord" / "bom.docx", "word/document.xml")
    _zip_bomb(corpus / "enquete" / "bom.xlsx", "xl/sharedStrings.xml")
    problems, paths = _run(corpus, tmp_path)
    docx_problem = next(p for p in problems if p.startswith("noord/bom.docx: "))
    assert "part 'word/document.xml' of the Word document (.docx) unpacks to" in docx_problem
    assert "times its packed size, more than the limit of 200 (a zip bomb?)" in docx_problem
    assert any(
        p.startswith("enquete/bom.xlsx: part 'xl/sharedStrings.xml' of the Excel workbook (.xlsx) unpacks to")
        for p in problems
    )
    assert {"noord/2023-01-10-sessie.md", "oost/notitie.txt", "enquete/enquete.csv"} <= paths
    assert "noord/bom.docx" not in paths and "enquete/bom.xlsx" not in paths


def test_a_pdf_with_too_many_pages_is_refused(corpus, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(3001):
        pdf.add_page()
    pdf.output(str(corpus / "oost" / "dik.pdf"))
    problems, paths = _run(corpus, tmp_path)
    assert "oost/dik.pdf: the PDF has 3,001 pages, more than the limit of 3,000" in problems
    assert "oost/notitie.txt" in paths


def test_an_alias_bomb_in_front_matter_is_that_files_problem(corpus, tmp_path):
    (corpus / "noord" / "bom.md").write_text(f"---\n{ALIAS_BOMB}---\nTekst.\n", encoding="utf-8")
    problems, paths = _run(corpus, tmp_path)
    start = "noord/bom.md (front matter): the YAML front matter is refused"
    bomb = [p for p in problems if p.startswith(start)]
    assert len(bomb) == 1 and "more than 1,000,000 nodes once its aliases are expanded" in bomb[0]
    assert "lol" not in bomb[0]  # the document is never printed
    assert "noord/2023-01-10-sessie.md" in paths and "noord/bom.md" not in paths


def test_an_alias_bomb_in_the_manifest_or_the_settings_is_refused_naming_the_file(corpus, tmp_path):
    manifest = corpus / "manifest.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + ALIAS_BOMB, encoding="utf-8")
    with pytest.raises(SettingsError, match=r"Manifest refused: .*manifest.yml: the YAML has more than"):
        _run(corpus, tmp_path)
    manifest.unlink()
    (corpus / "wijkanalyse.yml").write_text(ALIAS_BOMB, encoding="utf-8")
    refused = r"Settings file refused: .*wijkanalyse.yml: the YAML has more than"
    with pytest.raises(SettingsError, match=refused):
        load_settings(corpus)
