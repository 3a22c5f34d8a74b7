"""Blocks: the units of analysis as a reader finds them, and the paragraph splitter of plain text.

A :class:`Block` is a paragraph, a bullet item, a speaker turn, a table row or a survey answer, with what is
known about it (speaker or role, timestamps, section heading, survey question, respondent). Every reader
(:mod:`.readers`, :mod:`.markdown_text`, :mod:`.html_text`) returns blocks in an :class:`Extracted`;
:func:`blocks_from_plain_text` cuts plain text into them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = [
    "Block",
    "Extracted",
    "TABLE_ROW",
    "normalise",
    "strip_emphasis",
    "blocks_from_plain_text",
    "paragraph_blocks",
    "is_heading_line",
    "ends_sentence",
    "is_glued_heading",
    "split_paragraphs",
    "BULLET_RE",
    "HEADING_MD_RE",
]

#: the unit of a row of a table (pipe table, HTML table): counted, never quoted (see :mod:`.segment`)
TABLE_ROW = "table-row"


@dataclass
class Block:
    """One unit of analysis as read from the source, before pseudonymisation.

    ``unit`` is ``paragraph``, ``bullet``, ``turn``, ``answer`` or :data:`TABLE_ROW`. A turn has a
    ``speaker`` (a name, pseudonymised later) or, in a written account, only a ``label`` as written
    (``"Bewoner"``, ``"Voorzitter coöperatie"``) and the ``role`` it stands for.
    """

    text: str
    unit: str = "paragraph"  # paragraph, bullet, turn, answer, table-row
    speaker: str | None = None
    time_start: str | None = None
    time_end: str | None = None
    section: str | None = None
    question: str | None = None
    respondent_id: str | None = None
    wijk: str | None = None
    role: str | None = None  # role of a labelled turn (bewoner, ambtenaar, ...), see markup.turn_role
    label: str | None = None  # the label of a labelled turn as written, e.g. "Voorzitter coöperatie"


@dataclass
class Extracted:
    """What a reader found in one file."""

    blocks: list[Block]
    meta: dict[str, Any] = field(default_factory=dict)  # front matter
    rows: pd.DataFrame | None = None  # the survey table for .csv/.xlsx


# control and invisible format characters (soft hyphen, zero-width spaces, BOM, bidi marks), not tab or
# newline
_CONTROL_RE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)
_WS_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def normalise(text: str) -> str:
    """Normalise one block of text: Unicode NFC, one space between words, no control characters."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_RE.sub("", text)
    lines = [_WS_RE.sub(" ", ln).strip() for ln in text.splitlines()]
    return " ".join(ln for ln in lines if ln)


BULLET_RE = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+")
HEADING_MD_RE = re.compile(r"^\s*#{1,6}\s+(.*)$")
_EMPH_RE = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def strip_emphasis(line: str) -> str:
    """Remove Markdown emphasis (``**bold**``, ``*italic*``, ``_x_``) from one line, keeping its words."""
    line = _EMPH_RE.sub(r"\2", line)
    return line.strip().strip("*_").strip()


#: the end of a sentence: . ? ! : or an ellipsis, possibly followed by closing quotes or brackets
_SENTENCE_END_RE = re.compile(r"[.?!:\u2026][\"'\u2019\u201d\u00bb)\]]*\s*$")


def ends_sentence(line: str) -> bool:
    """Return True when a line ends a sentence, also inside closing quotes or brackets (``zijn.'``).

    Examples
    --------
    >>> ends_sentence("dat het voor de zomer duidelijk zou zijn.'"), ends_sentence("de wijkraad en")
    (True, False)
    """
    return bool(_SENTENCE_END_RE.search(line))


def is_glued_heading(previous: str, line: str, following: str | None) -> bool:
    """Return True for a heading line glued to a paragraph: no blank line before it (or after it).

    A short line (at most 8 words) that starts with a capital, has no final punctuation and is not a bullet,
    after a line that ends a sentence, and before a line that starts anew (a capital or a bullet) or at the
    end of the paragraph. Text extracted from a PDF or typed without blank lines puts headings there.
    """
    text = strip_emphasis(line)
    words = text.split()
    return (
        0 < len(words) <= 8
        and text[:1].isupper()
        and not text.endswith((".", ",", ";", ":", "?", "!", "-"))
        and not BULLET_RE.match(line)
        and ends_sentence(previous)
        and (following is None or following.lstrip()[:1].isupper() or bool(BULLET_RE.match(following)))
    )


def split_paragraphs(text: str) -> list[list[str]]:
    r"""Cut text into paragraphs (lists of non-empty lines): at blank lines and at headings glued to one.

    A Markdown heading (``## Financiering``) inside a paragraph starts a new one (it stays its first line); a
    plain heading line glued to a paragraph (:func:`is_glued_heading`) becomes a paragraph of its own, so that
    the splitters read it as the section of what follows instead of the last words of the paragraph before.

    Examples
    --------
    >>> split_paragraphs("Het zou klaar zijn.'\nFinanciering\n\nWie betaalt?")
    [["Het zou klaar zijn.'"], ['Financiering'], ['Wie betaalt?']]
    """
    out: list[list[str]] = []
    for para in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [ln for ln in para.split("\n") if ln.strip()]
        current: list[str] = []
        for i, ln in enumerate(lines):
            following = lines[i + 1] if i + 1 < len(lines) else None
            if current and HEADING_MD_RE.match(ln):
                out.append(current)
                current = [ln]
            elif current and is_glued_heading(current[-1], ln, following):
                out += [current, [ln]]
                current = []
            else:
                current.append(ln)
        if current:
            out.append(current)
    return out


def is_heading_line(para_lines: list[str]) -> bool:
    """Return True for a paragraph of one short line without a final full stop: a heading in plain text."""
    if len(para_lines) != 1:
        return False
    line = strip_emphasis(para_lines[0])
    words = line.split()
    return 0 < len(words) <= 8 and not line.endswith((".", ",", ";")) and not BULLET_RE.match(para_lines[0])


def blocks_from_plain_text(text: str) -> list[Block]:
    """Split plain text or Markdown into paragraph, bullet and heading-aware blocks.

    Paragraphs are separated by blank lines; a line starting with a bullet or a number starts a bullet item;
    Markdown headings and short standalone lines without a final full stop become the section of what follows,
    also when no blank line separates them from the paragraph before (:func:`split_paragraphs`).
    """
    blocks: list[Block] = []
    section: str | None = None
    paragraphs = split_paragraphs(text)  # at blank lines and at headings glued to a paragraph
    for k, lines in enumerate(paragraphs):
        md = HEADING_MD_RE.match(lines[0])
        if md:
            section = normalise(strip_emphasis(md.group(1))) or section
            lines = lines[1:]
            if not lines:
                continue
        if is_heading_line(lines) and not _heads_nothing(lines[0], paragraphs[k + 1 :]):
            section = normalise(strip_emphasis(lines[0]))
            continue
        blocks.extend(paragraph_blocks(lines, section))
    return blocks


def _heads_nothing(line: str, rest: list[list[str]]) -> bool:
    """Tell whether a short question or exclamation would head nothing (another heading or the end follows).

    Such a line is what someone said or asked ("Blijft de huisarts in het dorp?"), kept as a paragraph
    instead of being lost as a heading without text; a title without final punctuation stays a heading.
    """
    if not strip_emphasis(line).endswith(("?", "!")):
        return False
    return not rest or bool(HEADING_MD_RE.match(rest[0][0])) or is_heading_line(rest[0])


def paragraph_blocks(lines: list[str], section: str | None) -> list[Block]:
    """Cut the lines of one paragraph into blocks: a bullet starts a new block, other lines continue one."""
    blocks: list[Block] = []
    current: list[str] = []
    unit = "paragraph"

    def flush() -> None:
        if current:
            t = normalise(strip_emphasis(" ".join(current)))
            if t:
                blocks.append(Block(text=t, unit=unit, section=section))
        current.clear()

    for ln in lines:
        if BULLET_RE.match(ln):
            flush()
            unit = "bullet"
            current.append(BULLET_RE.sub("", ln, count=1))
        else:
            current.append(ln)
    flush()
    return blocks
