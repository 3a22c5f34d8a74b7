"""Markdown pages, as a website exports them, cut into blocks of content only.

What is removed before the text is cut into paragraphs (:func:`clean_markdown`):

- Liquid/Jinja template tags: ``{% ... %}`` (also over several lines), ``{% comment %} ... {% endcomment %}``
  with what it encloses, ``{{ ... }}`` (also inside a sentence: ``telt {{ site.x }} woningen`` reads
  ``telt woningen``) and ``{# ... #}``;
- kramdown attribute lists (``{: .kaart-breed}``), HTML comments, images (``![alt](src "title")``,
  ``<img>``), and ``<script>``, ``<style>``, ``<nav>``, ``<header>``, ``<footer>`` blocks with their content;
- HTML tags (their text stays; ``<br>`` is a line break) and HTML entities (decoded: ``&euro;`` is ``€``).

Then, paragraph by paragraph (:func:`blocks_from_markdown`): link-only lines and bullets, breadcrumb lines,
horizontal rules and link reference definitions are dropped (:mod:`.markup`); a link in prose keeps its text;
a pipe table becomes one :data:`~.text_blocks.TABLE_ROW` block per body row; ``#`` and setext headings and
short standalone lines become the section of what follows (never a line without a letter, so markup left
over can never become a section; nor a block: a paragraph without a letter or digit is dropped); lines
starting with a role label (``Bewoner: ...``, ``**Voorzitter coöperatie:** ...``) are labelled turns. A page
without any of this markup gives the same blocks as plain text (:func:`~.text_blocks.blocks_from_plain_text`).
"""

from __future__ import annotations

import html
import re

from wijkanalyse.ingest.markup import (
    is_breadcrumb,
    is_link_only,
    links_to_text,
    split_turns,
    table_row_text,
    turn_role,
)
from wijkanalyse.ingest.text_blocks import (
    TABLE_ROW,
    Block,
    is_heading_line,
    normalise,
    paragraph_blocks,
    split_paragraphs,
    strip_emphasis,
)

__all__ = ["clean_markdown", "blocks_from_markdown"]

_TEMPLATE_COMMENT_RE = re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.S)
_TEMPLATE_TAG_RE = re.compile(r"\{%.*?%\}", re.S)
_TEMPLATE_VAR_RE = re.compile(r"\{\{.*?\}\}", re.S)
_TEMPLATE_NOTE_RE = re.compile(r"\{#.*?#\}", re.S)
_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_HTML_DROP_RE = re.compile(
    r"<(script|style|nav|header|footer|noscript|template|iframe|svg)\b[^>]*>.*?</\1\s*>", re.S | re.I
)
_IAL_RE = re.compile(r"\{:[^}\n]*\}")
_IMAGE_RE = re.compile(
    r"!\[[^\]\n]*\](?:\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\s*\)|\[[^\]\n]*\])"
)
_IMG_TAG_RE = re.compile(r"<img\b[^<>]*>", re.I)
_BR_AT_EOL_RE = re.compile(r"<br\s*/?>[ \t]*(?=\n|$)", re.I)
_BR_RE = re.compile(r"<br\s*/?>", re.I)
_TAG_NAMES = (
    "a|abbr|article|aside|b|big|blockquote|center|cite|code|dd|del|details|dfn|div|dl|dt|em|figcaption|"
    "figure|font|h[1-6]|hr|i|ins|kbd|li|main|mark|ol|p|q|s|section|small|span|strike|strong|sub|summary|"
    "sup|table|tbody|td|tfoot|th|thead|tr|u|ul"
)
_TAG_RE = re.compile(rf"</?(?:{_TAG_NAMES})\b[^<>]*>", re.I)
_ATX_RE = re.compile(r"^\s*#{1,6}(?:\s+(.*)|\s*)$")
_SETEXT_RE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_HR_RE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_REF_DEF_RE = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*\S+")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")
_LETTER_RE = re.compile(r"[^\W\d_]")
_ALNUM_RE = re.compile(r"[^\W_]")


def clean_markdown(text: str) -> str:
    r"""Remove template tags, comments, images, dropped HTML blocks and tags; decode entities.

    Examples
    --------
    >>> clean_markdown('Oudeveen telt {{ site.woningen }} woningen.<br>\n{% include footer.html %}')
    'Oudeveen telt  woningen.\n'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for pattern in (_TEMPLATE_COMMENT_RE, _TEMPLATE_TAG_RE, _TEMPLATE_VAR_RE, _TEMPLATE_NOTE_RE):
        text = pattern.sub("", text)
    for pattern in (_HTML_COMMENT_RE, _HTML_DROP_RE, _IAL_RE, _IMAGE_RE, _IMG_TAG_RE, _BR_AT_EOL_RE):
        text = pattern.sub("", text)
    text = _BR_RE.sub("\n", text)
    text = _TAG_RE.sub("", text)
    return html.unescape(text)


def _is_navigation(line: str) -> bool:
    """Return True for a line that is no content: link-only, breadcrumb, horizontal rule, link definition."""
    return bool(
        _HR_RE.match(line) or _REF_DEF_RE.match(line) or is_link_only(line) or is_breadcrumb(line)
    )


def _table_start(lines: list[str]) -> int | None:
    """Return the index of the first line of a pipe table in a paragraph (a header above ``|---|``), or None.

    A paragraph whose lines all start with ``|`` is a table without a header (index 0, see :func:`_rows`).
    """
    for i in range(len(lines) - 1):
        if "|" in lines[i] and "|" in lines[i + 1] and _TABLE_SEP_RE.match(lines[i + 1]):
            return i
    if len(lines) >= 2 and all(ln.lstrip().startswith("|") for ln in lines):
        return 0
    return None


def _rows(lines: list[str], section: str | None) -> list[Block]:
    """Turn the lines of a pipe table into table-row blocks (the header row and ``|---|`` are no rows)."""
    has_header = len(lines) >= 2 and bool(_TABLE_SEP_RE.match(lines[1])) and "|" in lines[1]
    blocks = []
    for line in lines[2:] if has_header else lines:
        cells = _CELL_SPLIT_RE.split(line.strip())
        if cells and not cells[0].strip():
            cells = cells[1:]
        if cells and not cells[-1].strip():
            cells = cells[:-1]
        text = normalise(table_row_text([c.replace("\\|", "|") for c in cells]))
        if text:
            blocks.append(Block(text=text, unit=TABLE_ROW, section=section))
    return blocks


def _turn_blocks(groups: list[tuple[str | None, list[str]]], section: str | None) -> list[Block]:
    blocks: list[Block] = []
    for label, lines in groups:
        if label is None:
            blocks.extend(paragraph_blocks(lines, section))
            continue
        text = normalise(strip_emphasis(" ".join(lines)))
        if text:
            blocks.append(
                Block(text=text, unit="turn", section=section, role=turn_role(label), label=normalise(label))
            )
    return blocks


def blocks_from_markdown(body: str) -> list[Block]:
    """Cut the body of a Markdown page (after its front matter) into blocks of content.

    Parameters
    ----------
    body : str
        The Markdown text.

    Returns
    -------
    list of Block
        Paragraphs, bullets, labelled turns and table rows, each with the section it stands under.
    """
    blocks: list[Block] = []
    section: str | None = None
    for lines in split_paragraphs(clean_markdown(body)):  # also at headings glued to a paragraph
        if len(lines) == 2 and _SETEXT_RE.match(lines[1]) and not _TABLE_SEP_RE.match(lines[0]):
            section = normalise(strip_emphasis(links_to_text(lines[0]))) or section
            continue
        lines = [ln for ln in lines if not _is_navigation(ln)]
        start = _table_start(lines)
        table = lines[start:] if start is not None else []
        lines = lines[:start] if start is not None else lines
        if lines:
            lines = [links_to_text(ln) for ln in lines]
            heading = _ATX_RE.match(lines[0])
            if heading:
                section = normalise(strip_emphasis(heading.group(1) or "")) or section
                lines = lines[1:]
            groups = split_turns(lines)
            if any(label is not None for label, _ in groups):
                blocks.extend(_turn_blocks(groups, section))
            elif is_heading_line(lines) and _LETTER_RE.search(lines[0]):
                section = normalise(strip_emphasis(lines[0]))
            elif lines:
                blocks.extend(paragraph_blocks(lines, section))
        if table:
            blocks.extend(_rows(table, section))
    return [b for b in blocks if _ALNUM_RE.search(b.text)]  # markup left over ("%}", "|") is no content
