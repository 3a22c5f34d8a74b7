"""Readers: one function per file format, each turning a raw file into a list of :class:`Block`.

A block is a unit of analysis before pseudonymisation: a paragraph, a bullet item, a speaker turn or a survey
answer, with what is known about it (speaker, timestamps, section heading, survey question, respondent).
Readers never write; any problem becomes an :class:`~wijkanalyse.exceptions.IngestError` that names the file
and, where it helps, the row, column or cue.

Formats: ``.txt``, ``.md`` (optional YAML front matter), ``.docx`` (python-docx), ``.pdf`` (pypdf; a text layer
is required), ``.vtt`` (Teams/Zoom voice tags ``<v Name>``; webvtt-py), ``.srt`` (``Name: text`` speaker
prefixes; webvtt-py), ``.csv`` and ``.xlsx`` (surveys, one row per respondent; pandas/openpyxl).
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wijkanalyse.exceptions import IngestError, InputProblem

__all__ = ["Block", "Extracted", "read_file", "read_text_bytes", "normalise", "SUPPORTED", "split_front_matter"]

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".vtt", ".srt", ".csv", ".xlsx")


@dataclass
class Block:
    """One unit of analysis as read from the source, before pseudonymisation."""

    text: str
    unit: str = "paragraph"  # paragraph, bullet, turn, answer
    speaker: str | None = None
    time_start: str | None = None
    time_end: str | None = None
    section: str | None = None
    question: str | None = None
    respondent_id: str | None = None
    wijk: str | None = None


@dataclass
class Extracted:
    """What a reader found in one file."""

    blocks: list[Block]
    meta: dict[str, Any] = field(default_factory=dict)  # front matter
    rows: Any = None  # the survey table (a DataFrame) for .csv/.xlsx


# control and invisible format characters (soft hyphen, zero-width spaces, BOM, bidi marks), not tab or newline
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_WS_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def normalise(text: str) -> str:
    """Normalise one block of text: Unicode NFC, one space between words, no control characters."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_RE.sub("", text)
    lines = [_WS_RE.sub(" ", ln).strip() for ln in text.splitlines()]
    return " ".join(ln for ln in lines if ln)


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
                    InputProblem(rel, f"the file says it is {enc.upper()} but is truncated or damaged ({exc.reason})")
                ) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw[:4096]:
        raise IngestError(InputProblem(rel, "the file looks binary, not text; expected UTF-8 or another text encoding"))
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise IngestError(InputProblem(rel, "unknown text encoding; save the file as UTF-8"))
    text = str(best)
    if text.count("\ufffd") > 0:
        raise IngestError(InputProblem(rel, f"could not decode the text reliably (guessed {best.encoding}); save as UTF-8"))
    return text


def split_front_matter(text: str, rel: str) -> tuple[dict[str, Any], str]:
    """Split YAML front matter (between ``---`` lines at the very start) from the body."""
    m = re.match(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", text, re.S)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise IngestError(InputProblem(rel, f"the YAML front matter is not valid YAML: {exc}", "front matter")) from exc
    if not isinstance(meta, dict):
        raise IngestError(InputProblem(rel, "the front matter must be a mapping of keys to values", "front matter"))
    return meta, text[m.end() :]


_BULLET_RE = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+")
_HEADING_MD_RE = re.compile(r"^\s*#{1,6}\s+(.*)$")
_EMPH_RE = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def _strip_md(line: str) -> str:
    line = _EMPH_RE.sub(r"\2", line)
    return line.strip().strip("*_").strip()


def _is_heading_line(para_lines: list[str]) -> bool:
    if len(para_lines) != 1:
        return False
    line = _strip_md(para_lines[0])
    words = line.split()
    return 0 < len(words) <= 8 and not line.endswith((".", ",", ";")) and not _BULLET_RE.match(para_lines[0])


def blocks_from_plain_text(text: str) -> list[Block]:
    """Split plain text or Markdown into paragraph, bullet and heading-aware blocks.

    Paragraphs are separated by blank lines; a line starting with a bullet or a number starts a bullet item;
    Markdown headings and short standalone lines without a final full stop become the section of what follows.
    """
    blocks: list[Block] = []
    section: str | None = None
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    for para in paragraphs:
        lines = [ln for ln in para.split("\n") if ln.strip()]
        if not lines:
            continue
        md = _HEADING_MD_RE.match(lines[0])
        if md:
            section = normalise(_strip_md(md.group(1))) or section
            lines = lines[1:]
            if not lines:
                continue
        if _is_heading_line(lines):
            section = normalise(_strip_md(lines[0]))
            continue
        current: list[str] = []
        current_unit = "paragraph"

        def flush() -> None:
            if current:
                t = normalise(_strip_md(" ".join(current)))
                if t:
                    blocks.append(Block(text=t, unit=current_unit, section=section))
            current.clear()

        for ln in lines:
            if _BULLET_RE.match(ln):
                flush()
                current_unit = "bullet"
                current.append(_BULLET_RE.sub("", ln, count=1))
            elif current_unit == "bullet" and ln.startswith((" ", "\t")) is False and current:
                current.append(ln)
            else:
                current.append(ln)
        flush()
    return blocks


# -- formats --------------------------------------------------------------------------------------------------
def _read_txt(path: Path, rel: str) -> Extracted:
    text = read_text_bytes(path.read_bytes(), rel)
    meta, body = split_front_matter(text, rel)
    blocks = blocks_from_plain_text(body)
    if not blocks:
        raise IngestError(InputProblem(rel, "no text found after the front matter; expected paragraphs of text"))
    return Extracted(blocks=blocks, meta=meta)


def _read_docx(path: Path, rel: str) -> Extracted:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(
            InputProblem(rel, f"not a readable Word document (.docx), the file may be corrupt or truncated: {exc}")
        ) from exc
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
        is_list = "List" in style or "Lijst" in style or para._p.pPr is not None and para._p.pPr.numPr is not None
        blocks.append(Block(text=text, unit="bullet" if is_list else "paragraph", section=section))
    for table in document.tables:
        for row in table.rows:
            cells = [normalise(c.text) for c in row.cells]
            text = " | ".join(dict.fromkeys(c for c in cells if c))
            if text:
                blocks.append(Block(text=text, unit="paragraph", section=section))
    if not blocks:
        raise IngestError(InputProblem(rel, "the Word document contains no text"))
    return Extracted(blocks=blocks)


def _read_pdf(path: Path, rel: str) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise IngestError(InputProblem(rel, f"not a readable PDF, the file may be corrupt or truncated: {exc}")) from exc
    text = "\n\n".join(pages)
    if len(normalise(text)) < 20:
        raise IngestError(
            InputProblem(rel, "the PDF has no text layer (a scan?); expected selectable text. Run OCR on it first.")
        )
    text = re.sub(r"-\n(?=[a-z])", "", text)  # words hyphenated at line ends
    # pypdf gives one line per printed line: a paragraph ends where a line ends a sentence and the next starts anew
    lines = text.split("\n")
    rebuilt: list[str] = []
    for i, ln in enumerate(lines):
        rebuilt.append(ln)
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        ends_sentence = ln.rstrip().endswith((".", "?", "!", ":"))
        short_title = 0 < len(ln.split()) <= 8 and not ln.rstrip().endswith((",", ";", "-"))
        if (ends_sentence or short_title) and (nxt[:1].isupper() or _BULLET_RE.match(nxt)):
            rebuilt.append("")
    return Extracted(blocks=blocks_from_plain_text("\n".join(rebuilt)))


# WebVTT cue markup (voice, class, italics, ...) that survives in a truncated or malformed cue
_CUE_TAG_RE = re.compile(r"</?(?:v|c|i|b|u|lang|ruby|rt)(?:[ .][^>\n]*)?(?:>|$)")


def _timestamp(value: str) -> str:
    return value.split(".")[0].split(",")[0]


def _read_captions(path: Path, rel: str, srt: bool) -> Extracted:
    import webvtt
    from webvtt.errors import MalformedFileError

    raw = path.read_bytes()
    text = read_text_bytes(raw, rel)
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format="srt" if srt else "vtt")
    except (MalformedFileError, ValueError, TypeError, IndexError) as exc:
        kind = "SubRip (.srt)" if srt else "WebVTT (.vtt)"
        raise IngestError(InputProblem(rel, f"not a valid {kind} transcript: {exc}")) from exc
    blocks: list[Block] = []
    for i, cap in enumerate(captions, start=1):
        body = _CUE_TAG_RE.sub("", normalise(cap.text)).strip()
        speaker = getattr(cap, "voice", None)
        if not speaker:
            m = re.match(r"^([A-ZÀ-Þ][\w.'’ -]{1,60}?):\s+(.*)$", body)
            if m:
                speaker, body = m.group(1).strip(), m.group(2)
        if not body:
            continue
        speaker = normalise(speaker) if speaker else None
        if blocks and blocks[-1].speaker == speaker and speaker is not None:
            blocks[-1].text += " " + body
            blocks[-1].time_end = _timestamp(cap.end)
        else:
            blocks.append(
                Block(text=body, unit="turn", speaker=speaker, time_start=_timestamp(cap.start), time_end=_timestamp(cap.end))
            )
    if not blocks:
        raise IngestError(InputProblem(rel, "the transcript contains no spoken text"))
    return Extracted(blocks=blocks)


def read_table(path: Path, rel: str, sheet: str | int | None = None) -> Any:
    """Read a survey export (.csv or .xlsx) as a DataFrame of strings, one row per respondent."""
    import pandas as pd

    if path.suffix.lower() == ".csv":
        text = read_text_bytes(path.read_bytes(), rel)
        sep = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
        try:
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, ValueError) as exc:
            raise IngestError(InputProblem(rel, f"not a readable CSV file: {exc}")) from exc
    else:
        import zipfile

        try:
            import openpyxl

            # one pass with formulas as written: an answer typed as '=...' by a respondent is a formula to Excel,
            # and its text must not be lost (it is inert here: never evaluated)
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise IngestError(InputProblem(rel, f"not a readable Excel workbook (.xlsx), may be corrupt: {exc}")) from exc
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
            raise IngestError(InputProblem(rel, "the sheet is empty; expected a header row and one row per respondent"))
        if any(isinstance(v, str) and v.startswith("=") for r in rows for v in r):
            # formulas present: take the value Excel computed where there is one, else keep the formula text
            wb_values = openpyxl.load_workbook(path, read_only=True, data_only=True)
            rows = [
                tuple(c if isinstance(f, str) and f.startswith("=") and c is not None else f for f, c in zip(rf, rc, strict=False))
                for rf, rc in zip(rows, wb_values[title].iter_rows(values_only=True), strict=False)
            ]
            wb_values.close()
        header = ["" if h is None else str(h).strip() for h in rows[0]]
        data = [["" if v is None else str(v) for v in r] for r in rows[1:]]
        df = pd.DataFrame(data, columns=header)
    df.columns = [str(c).strip() for c in df.columns]
    df = df.loc[:, [c for c in df.columns if c]]
    if df.empty:
        raise IngestError(InputProblem(rel, "the survey has a header but no respondents"))
    return df


def read_file(path: Path, rel: str, sheet: str | int | None = None) -> Extracted:
    """Read any supported file into blocks (surveys: the table, turned into blocks by the survey mapping).

    Parameters
    ----------
    path : Path
        The file.
    rel : str
        Its name relative to the corpus root, used in messages.
    sheet : str or int, optional
        Sheet of an .xlsx survey.

    Raises
    ------
    IngestError
        If the file is empty, corrupt or of an unsupported format.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(InputProblem(rel, f"unsupported file type {suffix!r}; expected one of {', '.join(SUPPORTED)}"))
    if path.stat().st_size == 0:
        raise IngestError(InputProblem(rel, "the file is empty"))
    if suffix in (".txt", ".md"):
        return _read_txt(path, rel)
    if suffix == ".docx":
        return _read_docx(path, rel)
    if suffix == ".pdf":
        return _read_pdf(path, rel)
    if suffix in (".vtt", ".srt"):
        return _read_captions(path, rel, srt=suffix == ".srt")
    return Extracted(blocks=[], rows=read_table(path, rel, sheet))
