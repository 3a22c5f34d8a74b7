"""Limits on what one source file may cost to read, checked before the file is parsed.

A Word document or workbook is a zip archive: a few megabytes can unpack to gigabytes (a "zip bomb"), and the
readers (python-docx, openpyxl) unpack the parts they need into memory. :func:`check_zip` reads only the
archive's directory and refuses the file when

- the archive has more than :data:`MAX_ZIP_MEMBERS` parts,
- one part unpacks to more than :data:`MAX_ZIP_MEMBER_BYTES`, or all parts together to more than
  :data:`MAX_ZIP_TOTAL_BYTES`,
- a part larger than 1 MB unpacks to more than :data:`MAX_ZIP_RATIO` times its packed size (ordinary Office
  XML compresses 5 to 30 times).

Python's ``zipfile`` never unpacks more than the size a part declares, so the declared sizes bound the work.
A PDF is refused above :data:`MAX_PDF_BYTES` or :data:`MAX_PDF_PAGES` pages, and its text is read page by page
up to :data:`MAX_TEXT_CHARS`. Any file above :data:`MAX_FILE_BYTES` is refused before it is opened.

Each refusal is an :class:`~wijkanalyse.exceptions.IngestError` naming the file, the limit and what was
found; ingest reports it as that file's problem and goes on with the other files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from wijkanalyse.exceptions import IngestError, InputProblem

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_MEMBER_BYTES",
    "MAX_ZIP_TOTAL_BYTES",
    "MAX_ZIP_RATIO",
    "MAX_PDF_BYTES",
    "MAX_PDF_PAGES",
    "MAX_TEXT_CHARS",
    "check_file_size",
    "check_zip",
    "check_pdf_pages",
]

MAX_FILE_BYTES = 500_000_000
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_MEMBER_BYTES = 100_000_000
MAX_ZIP_TOTAL_BYTES = 250_000_000
MAX_ZIP_RATIO = 200
MAX_PDF_BYTES = 200_000_000
MAX_PDF_PAGES = 3_000
MAX_TEXT_CHARS = 20_000_000
_RATIO_FLOOR = 1_000_000  # below this unpacked size a part's compression ratio is not checked


def _mb(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB"


def check_file_size(path: Path, rel: str, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse a file larger than ``limit`` bytes before it is read.

    Raises
    ------
    IngestError
        Naming the file, its size and the limit.
    """
    size = path.stat().st_size
    if size > limit:
        raise IngestError(
            InputProblem(rel, f"the file is {_mb(size)}, more than the limit of {_mb(limit)}; not read")
        )


def check_zip(path: Path, rel: str, what: str) -> None:
    """Refuse a zip-based document (``.docx``, ``.xlsx``) that would unpack to too much.

    Parameters
    ----------
    path : Path
        The file.
    rel : str
        Its name relative to the corpus root, for the message.
    what : str
        What the file should be, e.g. ``"Word document (.docx)"``.

    Raises
    ------
    IngestError
        If the file is no zip archive, or exceeds a limit of this module.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(
            InputProblem(rel, f"not a readable {what}, the file may be corrupt or truncated: {exc}")
        ) from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        why = f"the {what} has {len(infos):,} parts, more than the limit of {MAX_ZIP_MEMBERS:,}"
        raise IngestError(InputProblem(rel, why))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_ZIP_MEMBER_BYTES:
            why = (
                f"part {info.filename!r} of the {what} unpacks to {_mb(info.file_size)}, more than the "
                f"limit of {_mb(MAX_ZIP_MEMBER_BYTES)}"
            )
            raise IngestError(InputProblem(rel, why))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_ZIP_RATIO:
            why = (
                f"part {info.filename!r} of the {what} unpacks to {ratio:,.0f} times its packed size, more "
                f"than the limit of {MAX_ZIP_RATIO} (a zip bomb?)"
            )
            raise IngestError(InputProblem(rel, why))
    if total > MAX_ZIP_TOTAL_BYTES:
        why = f"the {what} unpacks to {_mb(total)}, more than the limit of {_mb(MAX_ZIP_TOTAL_BYTES)}"
        raise IngestError(InputProblem(rel, why))


def check_pdf_pages(n_pages: int, rel: str) -> None:
    """Refuse a PDF with more than :data:`MAX_PDF_PAGES` pages.

    Raises
    ------
    IngestError
        Naming the file, its number of pages and the limit.
    """
    if n_pages > MAX_PDF_PAGES:
        raise IngestError(
            InputProblem(rel, f"the PDF has {n_pages:,} pages, more than the limit of {MAX_PDF_PAGES:,}")
        )
