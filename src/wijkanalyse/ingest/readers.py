"""Readers: one function per file format, each turning a raw file into a list of :class:`Block`.

A block is a unit of analysis before pseudonymisation: a paragraph, a bullet item, a speaker turn, a table
row or a survey answer, with what is known about it (speaker or role, timestamps, section heading, survey
question, respondent); see :mod:`.text_blocks`. Readers never write; any problem becomes an
:class:`~wijkanalyse.exceptions.IngestError` that names the file and, where it helps, the row, column or cue.

Formats: ``.txt``, ``.md``/``.markdown`` (optional YAML front matter; website markup removed, see
:mod:`.markdown_text`), ``.html``/``.htm`` (lxml; see :mod:`.html_text`), ``.docx`` (python-docx), ``.pdf``
(pypdf; a text layer is required), ``.vtt`` (Teams/Zoom voice tags ``<v Name>``; webvtt-py), ``.srt``
(``Name: text`` speaker prefixes; webvtt-py), ``.csv`` and ``.xlsx`` (surveys, one row per respondent;
pandas/openpyxl). What a file may cost to read is limited (:mod:`.limits`: zip bombs, huge PDFs, YAML alias
bombs in front matter).

Each reader is registered for its file suffixes with the :func:`reader` decorator; :func:`read_file` picks
the reader by suffix, and :data:`SUPPORTED` lists the registered suffixes. A new format is one decorated
function.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import docx
import lxml.etree
import openpyxl
import pandas as pd
import webvtt
import yaml
from charset_normalizer import from_bytes
from docx.opc.exceptions import PackageNotFoundError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from webvtt.errors import MalformedFileError

from wijkanalyse.exceptions import IngestError, InputProblem
from wijkanalyse.ingest.html_text import blocks_from_html
from wijkanalyse.ingest.limits import (
    MAX_PDF_BYTES,
    MAX_TEXT_CHARS,
    check_file_size,
    check_pdf_pages,
    check_zip,
)
from wijkanalyse.ingest.markdown_text import blocks_from_markdown
from wijkanalyse.ingest.teams_transcript import transcript_turns
from wijkanalyse.ingest.text_blocks import (
    BULLET_RE,
    TABLE_ROW,
    Block,
    Extracted,
    blocks_from_plain_text,
    ends_sentence,
    normalise,
)
from wijkanalyse.safe_yaml import YAMLLimitError, load_yaml

__all__ = [
    "Block",
    "Extracted",
    "Reader",
    "reader",
    "read_file",
    "read_table",
    "read_text_bytes",
    "normalise",
    "split_front_matter",
    "unsupported_format",
    "SUPPORTED",
]


class Reader(Protocol):
    """A reader: turns one file into the blocks (or the survey table) found in it.

    ``path`` is the file, ``rel`` its name relative to the corpus root (used in messages), ``sheet`` the
    sheet of a workbook (readers of other formats ignore it). Problems are raised as
    :class:`~wijkanalyse.exceptions.IngestError`.
    """

    def __call__(self, path: Path, rel: str, *, sheet: str | int | None = None) -> Extracted:
        """Read the file at ``path``."""
        ...


#: file suffix (lower case, with the dot) -> the reader of that format; filled by :func:`reader`
_READERS: dict[str, Reader] = {}


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    """Register the decorated function as the reader of files with these suffixes.

    Parameters
    ----------
    *suffixes : str
        File suffixes with the dot, e.g. ``".docx"``; matched without regard to case.

    Raises
    ------
    ValueError
        If a suffix does not start with a dot, or already has another reader.

    Examples
    --------
    >>> @reader(".txt")  # doctest: +SKIP
    ... def _read_txt(path, rel, *, sheet=None): ...
    """
    for suffix in suffixes:
        if not suffix.startswith(".") or len(suffix) < 2:
            raise ValueError(f"A reader suffix must start with a dot, like '.docx'. Got {suffix!r} instead.")

    def register(func: Reader) -> Reader:
        for suffix in suffixes:
            known = _READERS.get(suffix.lower(), func)
            if known is not func:
                raise ValueError(
                    f"Suffix {suffix.lower()!r} already has a reader ({getattr(known, '__name__', known)}); "
                    "a suffix has one reader."
                )
        _READERS.update(dict.fromkeys((suffix.lower() for suffix in suffixes), func))
        return func

    return register


def unsupported_format(rel: str, suffix: str) -> InputProblem:
    """Return the problem of a file whose suffix has no reader, listing the suffixes that have one."""
    return InputProblem(rel, f"unsupported file type {suffix!r}; expected one of {', '.join(_READERS)}")


def read_text_bytes(raw: bytes, rel: str) -> str:
    """Decode text bytes: UTF-8 (with or without BOM) or, failing that, the encoding charset-normalizer finds.

    Raises
    ------
    IngestError
        If the file is empty, binary, or in an encoding that cannot be determined.
    """
    if not raw.strip():
        raise IngestError(InputProblem(rel, "the file is empty; expected text"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for bom, enc in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            try:
                return raw[2:].decode(enc)
            except UnicodeDecodeError as exc:
                raise IngestError(
                    InputProblem(
                        rel, f"the file says it is {enc.upper()} but is truncated or damaged ({exc.reason})"
                    )
                ) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw[:4096]:
        raise IngestError(
            InputProblem(rel, "the file looks binary, not text; expected UTF-8 or another text encoding")
        )
    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise IngestError(InputProblem(rel, "unknown text encoding; save the file as UTF-8"))
    text = str(best)
    if text.count("\ufffd") > 0:
        raise IngestError(
            InputProblem(rel, f"could not decode the text reliably (guessed {best.encoding}); save as UTF-8")
        )
    return text


#: the longest YAML front matter read (bytes); metadata needs a few hundred
_MAX_FRONT_MATTER_BYTES = 1_000_000


def split_front_matter(text: str, rel: str) -> tuple[dict[str, Any], str]:
    """Split YAML front matter (between ``---`` lines at the very start) from the body.

    The YAML is read with :func:`wijkanalyse.safe_yaml.load_yaml` (limits on size and expanded aliases).

    Raises
    ------
    IngestError
        If the front matter is not valid YAML, exceeds a limit, or is not a mapping.
    """
    m = re.match(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", text, re.S)
    if not m:
        return {}, text
    try:
        meta = load_yaml(m.group(1), f"{rel} (front matter)", max_bytes=_MAX_FRONT_MATTER_BYTES) or {}
    except YAMLLimitError as exc:
        why = f"the YAML front matter is refused: {exc}"
        raise IngestError(InputProblem(rel, why, "front matter")) from exc
    except yaml.YAMLError as exc:
        raise IngestError(
            InputProblem(rel, f"the YAML front matter is not valid YAML: {exc}", "front matter")
        ) from exc
    if not isinstance(meta, dict):
        raise IngestError(
            InputProblem(rel, "the front matter must be a mapping of keys to values", "front matter")
        )
    return meta, text[m.end() :]


# -- formats -------------------------------------------------------------------------------------------------
@reader(".txt")
def _read_txt(path: Path, rel: str, *, sheet: str | int | None = None) -> Extracted:
    text = read_text_bytes(path.read_bytes(), rel)
    meta, body = split_front_matter(text, rel)
    turns = transcript_turns([normalise(ln) for ln in body.splitlines() if ln.strip()])
    blocks = turns if turns is not None else blocks_from_plain_text(body)
    if not blocks:
        raise IngestError(
            InputProblem(rel, "no text found after the front matter; expected paragraphs of text")
        )
    return Extracted(blocks=blocks, meta=meta)


@reader(".md", ".markdown")
def _read_markdown(path: Path, rel: str, *, sheet: str | int | None = None) -> Extracted:
    text = read_text_bytes(path.read_bytes(), rel)
    meta, body = split_front_matter(text, rel)
    blocks = blocks_from_markdown(body)
    if not blocks:
        raise IngestError(
            InputProblem(
                rel,
                "no text found after the front matter and the markup (template tags, links, navigation); "
                "expected paragraphs of text",
            )
        )
    return Extracted(blocks=blocks, meta=meta)


@reader(".html", ".htm")
def _read_html(path: Path, rel: str, *, sheet: str | int | None = None) -> Extracted:
    text = read_text_bytes(path.read_bytes(), rel)
    try:
        blocks = blocks_from_html(text)
    except (lxml.etree.ParserError, ValueError) as exc:  # e.g. "Document is empty"
        raise IngestError(InputProblem(rel, f"not a readable HTML page: {exc}")) from exc
    if not blocks:
        raise IngestError(
            InputProblem(
                rel,
                "no text found in the HTML page outside navigation, header, footer, scripts and links; "
                "expected paragraphs of text",
            )
        )
    return Extracted(blocks=blocks)


@reader(".docx")
def _read_docx(path: Path, rel: str, *, sheet: str | int | None = None) -> Extracted:
    check_zip(path, rel, "Word document (.docx)")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(
            InputProblem(
                rel, f"not a readable Word document (.docx), the file may be corrupt or truncated: {exc}"
            )
        ) from exc
    turns = transcript_turns([t for t in (normalise(p.text) for p in document.paragraphs) if t])
    if turns is not None:  # a meeting transcript saved as Word (Teams): the turns, as from a .vtt
        return Extracted(blocks=turns)
    blocks: list[Block] = []
    section: str | None = None
    for para in document.paragraphs:
        text = normalise(para.text)
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        if style.startswith(("Heading", "Kop", "Title", "Titel")):
            section = text
            continue
        numbered = para._p.pPr is not None and para._p.pPr.numPr is not None
        is_list = "List" in style or "Lijst" in style or numbered
        blocks.append(Block(text=text, unit="bullet" if is_list else "paragraph", section=section))
    for table in document.tables:
        for row in table.rows:
            cells = [normalise(c.text) for c in row.cells]
            text = " | ".join(dict.fromkeys(c for c in cells if c))
            if text:
                blocks.append(Block(text=text, unit=TABLE_ROW, section=section))
    if not blocks:
        raise IngestError(InputProblem(rel, "the Word document contains no text"))
    return Extracted(blocks=blocks)


@reader(".pdf")
def _read_pdf(path: Path, rel: str, *, sheet: str | int | None = None) -> Extracted:
    check_file_size(path, rel, MAX_PDF_BYTES)
    try:
        pdf = PdfReader(str(path))
        check_pdf_pages(len(pdf.pages), rel)
        pages: list[str] = []
        n_chars = 0
        for page in pdf.pages:
            pages.append(page.extract_text() or "")
            n_chars += len(pages[-1])
            if n_chars > MAX_TEXT_CHARS:
                why = f"the PDF holds more than {MAX_TEXT_CHARS:,} characters of text, the limit; not read"
                raise IngestError(InputProblem(rel, why))
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise IngestError(
            InputProblem(rel, f"not a readable PDF, the file may be corrupt or truncated: {exc}")
        ) from exc
    text = "\n\n".join(drop_running_lines(pages))
    if len(normalise(text)) < 20:
        raise IngestError(
            InputProblem(
                rel, "the PDF has no text layer (a scan?); expected selectable text. Run OCR on it first."
            )
        )
    text = re.sub(r"-\n(?=[a-z])", "", text)  # words hyphenated at line ends
    return Extracted(blocks=blocks_from_plain_text(_pdf_paragraphs(text)))


def drop_running_lines(pages: list[str], edge: int = 2) -> list[str]:
    r"""Remove a PDF's running headers and footers: lines at the top or bottom of many pages.

    A line among the first or last ``edge`` lines of a page is running when the same line, digits aside
    ("Pagina 3 van 12", "Verslag 4 maart 2025 | 7"), stands at the top or bottom of at least three pages and
    of at least half of them. Left in, it would become a section heading at every page break (hiding the
    document's own headings) or end up inside a quoted paragraph.

    Examples
    --------
    >>> said = ["Meer groen.", "De bus rijdt te weinig.", "Wie betaalt het plein?"]
    >>> drop_running_lines([f"Gemeente X | Verslag\n{s}\nPagina {n} van 3" for n, s in enumerate(said, 1)])
    ['Meer groen.', 'De bus rijdt te weinig.', 'Wie betaalt het plein?']
    """
    if len(pages) < 3:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split())).casefold()

    def edges(lines: list[str]) -> set[int]:
        filled = [i for i, ln in enumerate(lines) if ln.strip()]
        return {*filled[:edge], *filled[-edge:]}

    split = [page.split("\n") for page in pages]
    seen = Counter(k for lines in split for k in {key(lines[i]) for i in edges(lines)})
    running = {k for k, n in seen.items() if k and n >= max(3, len(pages) / 2)}
    return ["\n".join(ln for i, ln in enumerate(lines) if not (i in edges(lines) and key(ln) in running))
            for lines in split]  # fmt: skip


def _pdf_paragraphs(text: str) -> str:
    """Insert blank lines between paragraphs of pypdf's text, which has one line per printed line.

    A paragraph ends where a line ends a sentence (or is a short title) and the next line starts anew.
    """
    lines = text.split("\n")
    rebuilt: list[str] = []
    for i, ln in enumerate(lines):
        rebuilt.append(ln)
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        short_title = 0 < len(ln.split()) <= 8 and not ln.rstrip().endswith((",", ";", "-"))
        if (ends_sentence(ln) or short_title) and (nxt[:1].isupper() or BULLET_RE.match(nxt)):
            rebuilt.append("")
    return "\n".join(rebuilt)


# WebVTT cue markup (voice, class, italics, ...) that survives in a truncated or malformed cue
_CUE_TAG_RE = re.compile(r"</?(?:v|c|i|b|u|lang|ruby|rt)(?:[ .][^>\n]*)?(?:>|$)")
_SPEAKER_PREFIX_RE = re.compile(r"^([A-ZÀ-Þ][\w.'’ -]{1,60}?):\s+(.*)$")


def _timestamp(value: str) -> str:
    return value.split(".")[0].split(",")[0]


@reader(".vtt")
def _read_vtt(path: Path, rel: str, *, sheet: str | int | None = None) -> Extracted:
    return _read_captions(path, rel, srt=False)


@reader(".srt")
def _read_srt(path: Path, rel: str, *, sheet: str | int | None = None) -> Extracted:
    return _read_captions(path, rel, srt=True)


def _read_captions(path: Path, rel: str, srt: bool) -> Extracted:
    text = read_text_bytes(path.read_bytes(), rel)
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format="srt" if srt else "vtt").captions
    except (MalformedFileError, ValueError, TypeError, IndexError) as exc:
        kind = "SubRip (.srt)" if srt else "WebVTT (.vtt)"
        raise IngestError(InputProblem(rel, f"not a valid {kind} transcript: {exc}")) from exc
    blocks: list[Block] = []
    for cap in captions:
        body = _CUE_TAG_RE.sub("", normalise(cap.text)).strip()
        speaker = getattr(cap, "voice", None)
        if not speaker:
            m = _SPEAKER_PREFIX_RE.match(body)
            if m:
                speaker, body = m.group(1).strip(), m.group(2)
        if not body:
            continue
        speaker = normalise(speaker) if speaker else None
        if blocks and blocks[-1].speaker == speaker and speaker is not None:
            blocks[-1].text += " " + body
            blocks[-1].time_end = _timestamp(cap.end)
        else:
            start, end = _timestamp(cap.start), _timestamp(cap.end)
            blocks.append(Block(text=body, unit="turn", speaker=speaker, time_start=start, time_end=end))
    if not blocks:
        raise IngestError(InputProblem(rel, "the transcript contains no spoken text"))
    return Extracted(blocks=blocks)


@reader(".csv", ".xlsx")
def _read_survey(path: Path, rel: str, *, sheet: str | int | None = None) -> Extracted:
    return Extracted(blocks=[], rows=read_table(path, rel, sheet))


def read_table(path: Path, rel: str, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a survey export (.csv or .xlsx) as a DataFrame of strings, one row per respondent.

    Parameters
    ----------
    path : Path
        The file; ``.csv`` (comma or semicolon separated) or else an Excel workbook.
    rel : str
        Its name relative to the corpus root, used in messages.
    sheet : str or int, optional
        Sheet of a workbook, by name or position; the first sheet by default.

    Returns
    -------
    pandas.DataFrame
        One column per header cell (stripped; columns without a header are dropped), empty cells as ``""``.

    Raises
    ------
    IngestError
        If the file cannot be read, the sheet does not exist, or there is no row below the header.
    """
    if path.suffix.lower() == ".csv":
        df = _read_csv(path, rel)
    else:
        df = _read_xlsx(path, rel, sheet)
    df.columns = [str(c).strip() for c in df.columns]
    df = df.loc[:, [c for c in df.columns if c]]
    if df.empty:
        raise IngestError(InputProblem(rel, "the survey has a header but no respondents"))
    return df


def _read_csv(path: Path, rel: str) -> pd.DataFrame:
    text = read_text_bytes(path.read_bytes(), rel)
    header = text.split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise IngestError(InputProblem(rel, f"not a readable CSV file: {exc}")) from exc


def _read_xlsx(path: Path, rel: str, sheet: str | int | None) -> pd.DataFrame:
    check_zip(path, rel, "Excel workbook (.xlsx)")
    try:
        # one pass with formulas as written: an answer typed as '=...' by a respondent is a formula to Excel,
        # and its text must not be lost (it is inert here: never evaluated)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IngestError(
            InputProblem(rel, f"not a readable Excel workbook (.xlsx), may be corrupt: {exc}")
        ) from exc
    names = wb.sheetnames
    if sheet is None:
        title = names[0]
    elif isinstance(sheet, int) and sheet < len(names):
        title = names[sheet]
    elif sheet in names:
        title = str(sheet)
    else:
        raise IngestError(InputProblem(rel, f"no sheet {sheet!r}; sheets found: {names}"))
    rows = list(wb[title].iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise IngestError(
            InputProblem(rel, "the sheet is empty; expected a header row and one row per respondent")
        )
    if any(isinstance(v, str) and v.startswith("=") for r in rows for v in r):
        rows = _computed_values(path, title, rows)
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    data = [["" if v is None else str(v) for v in r] for r in rows[1:]]
    return pd.DataFrame(data, columns=header)


def _computed_values(path: Path, title: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Replace each formula by the value Excel computed for it, where the workbook holds one."""
    wb_values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    computed = wb_values[title].iter_rows(values_only=True)
    out = [
        tuple(
            c if isinstance(f, str) and f.startswith("=") and c is not None else f
            for f, c in zip(rf, rc, strict=False)
        )
        for rf, rc in zip(rows, computed, strict=False)
    ]
    wb_values.close()
    return out


def read_file(path: Path, rel: str, sheet: str | int | None = None) -> Extracted:
    """Read any supported file into blocks (surveys: the table, turned into blocks by the survey mapping).

    The reader is the one registered for the file's suffix (see :func:`reader` and :data:`SUPPORTED`).

    Parameters
    ----------
    path : Path
        The file.
    rel : str
        Its name relative to the corpus root, used in messages.
    sheet : str or int, optional
        Sheet of an .xlsx survey.

    Returns
    -------
    Extracted
        The blocks (and front matter) found, or for a survey the table in ``rows``.

    Raises
    ------
    IngestError
        If the file is empty, corrupt or of an unsupported format.
    """
    suffix = path.suffix.lower()
    read = _READERS.get(suffix)
    if read is None:
        raise IngestError(unsupported_format(rel, suffix))
    if path.stat().st_size == 0:
        raise IngestError(InputProblem(rel, "the file is empty"))
    check_file_size(path, rel)
    return read(path, rel, sheet=sheet)


#: The file suffixes that have a reader, in the order they were registered.
SUPPORTED: tuple[str, ...] = tuple(_READERS)
