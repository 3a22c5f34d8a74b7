"""Stages 1-3: read raw sources, pseudonymise them and cut them into segments.

Modules: :mod:`.readers` (one reader per file format, registered by suffix), :mod:`.text_blocks` (the block,
the unit of a reader, and plain-text paragraphs), :mod:`.markdown_text` and :mod:`.html_text` (website pages
without their markup), :mod:`.markup` (links, navigation, labelled turns, table rows), :mod:`.limits` (what a
file may cost to read), :mod:`.metadata` (front matter, manifest, folder and file name), :mod:`.surveys`
(survey rows to answers and respondents), :mod:`.pseudonymise`, :mod:`.labels` (names in file names, titles
and session ids), :mod:`.segment`, and :mod:`.corpus` (the incremental ingest of a corpus folder into the
store).
"""

from __future__ import annotations

from wijkanalyse.ingest.corpus import IngestResult, corpus_hash, corpus_summary, ingest_corpus
from wijkanalyse.ingest.metadata import SOURCE_KINDS
from wijkanalyse.ingest.pseudonymise import Pseudonymiser
from wijkanalyse.ingest.readers import SUPPORTED, read_file, read_table
from wijkanalyse.ingest.surveys import NON_ANSWERS

__all__ = [
    "ingest_corpus",
    "IngestResult",
    "corpus_summary",
    "corpus_hash",
    "Pseudonymiser",
    "read_file",
    "read_table",
    "SUPPORTED",
    "SOURCE_KINDS",
    "NON_ANSWERS",
]
