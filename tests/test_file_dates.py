"""Dates in file names as people write them, through the real ingest (metadata still wins)."""

from __future__ import annotations

from pathlib import Path

from wijkanalyse.config import load_settings
from wijkanalyse.ingest.corpus import ingest_corpus
from wijkanalyse.store import Store

#: file name -> the date worked out by hand (None: no whole date in the name)
FILES = {
    "Verslag dorpsgesprek 4 maart 2025.txt": "2025-03-04",
    "notulen_18-11-2024.txt": "2024-11-18",  # day first, the Dutch order
    "Teams 20250107 opname.txt": "2025-01-07",
    "2023-09-12-sessie.txt": "2023-09-12",  # the corpus convention
    "verslag maart 2025.txt": None,  # a month is not a day
    "verslag 31-02-2025.txt": None,  # no such day
    "met datum in de kop 1-1-2020.md": "2024-06-01",  # front matter wins over the name
}


def test_file_names_give_the_date_the_metadata_does_not(tmp_path: Path):
    corpus = tmp_path / "c"
    (corpus / "oudeveen").mkdir(parents=True)
    for name in FILES:
        body = "De bewoners willen meer groen in het dorp.\n"
        if name.endswith(".md"):
            body = "---\ndate: 2024-06-01\n---\n" + body
        (corpus / "oudeveen" / name).write_text(body, encoding="utf-8")
    settings = load_settings(corpus, store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    with Store(settings.store_path) as store:
        result = ingest_corpus(settings, store)
        docs = store.documents()
    assert not result.problems
    dates = zip(docs["path"], docs["date"], strict=True)
    got = {Path(p).name: (d if isinstance(d, str) else None) for p, d in dates}
    assert got == FILES


def test_a_title_or_date_line_dates_a_source_nothing_else_dates(tmp_path: Path):
    """Minutes named without a date ('verslag.docx') that state it in their opening lines."""
    import docx

    corpus = tmp_path / "c"
    (corpus / "oost").mkdir(parents=True)
    d = docx.Document()
    d.add_heading("Verslag bewonersavond Oost, 4 maart 2025", level=1)
    d.add_paragraph("De bewoners willen meer groen. De vorige avond was op 12 januari 2025.")
    d.save(corpus / "oost" / "verslag.docx")
    # a sentence that mentions a day is no date line: this note stays undated
    (corpus / "oost" / "notitie.txt").write_text(
        "Op de avond van 12 januari 2025 vroegen de bewoners om meer groen in de straat en bij de school.\n",
        encoding="utf-8",
    )
    settings = load_settings(corpus, store_dir=tmp_path / "store", private_dir=tmp_path / "private")
    with Store(settings.store_path) as store:
        ingest_corpus(settings, store)
        docs = store.documents().set_index("path")
    assert docs.loc["oost/verslag.docx", "date"] == "2025-03-04"
    assert docs.loc["oost/verslag.docx", "session"] == "oost-2025-03-04"  # the session id follows the date
    assert docs["date"].isna()["oost/notitie.txt"]
    assert docs.loc["oost/notitie.txt", "session"] == "oost-onbekend"
