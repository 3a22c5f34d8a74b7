"""HTML pages (``.html``, ``.htm``) cut into blocks of content, with ``lxml.html``.

The page is parsed by lxml's HTML parser (forgiving of broken markup, no network access, comments and
processing instructions dropped; entities are decoded by the parser). Left out with everything inside them:
``<head>`` (title, meta, links), ``<script>``, ``<style>``, ``<nav>``, ``<header>``, ``<footer>``,
``<noscript>``, ``<template>``, ``<iframe>``, ``<svg>``, ``<form>`` and images. What is left is walked in
document order:

- ``<h1>`` ... ``<h6>``: the section of what follows;
- ``<p>``, ``<div>``, ``<blockquote>`` and other block elements: a paragraph (``<br>`` is a line break);
  ``<li>``: a bullet;
- ``<table>``: one :data:`~.text_blocks.TABLE_ROW` block per row, cells joined by `` | ``; rows of
  ``<thead>``, or a first row of only ``<th>`` cells, are the header and no block.

As in Markdown (:mod:`.markup`): a paragraph or bullet whose text is all link text is navigation and dropped,
breadcrumb lines are dropped, and a line starting with a role label (``<strong>Bewoner:</strong> ...``) is a
labelled turn.

A page Word saved as a web page (``.htm``) marks a list item as a paragraph with ``mso-list`` in its style and
the bullet or number as text between ``<![if !supportLists]>`` and ``<![endif]>``: the paragraph is a bullet,
the marker is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

from wijkanalyse.ingest.markup import is_breadcrumb, split_turns, table_row_text, turn_role
from wijkanalyse.ingest.text_blocks import TABLE_ROW, Block, normalise

__all__ = ["blocks_from_html", "DROPPED_TAGS"]

#: elements left out of an HTML page with all they contain
DROPPED_TAGS = (
    "head", "script", "style", "nav", "header", "footer", "noscript", "template", "iframe", "svg", "form",
    "img", "picture", "video", "audio", "object", "embed", "button", "select", "textarea",
)  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {
    "html", "body", "main", "article", "section", "aside", "div", "p", "blockquote", "pre", "address",
    "ul", "ol", "li", "dl", "dt", "dd", "figure", "figcaption", "details", "summary", "fieldset", "hr",
    "center", "caption",
}  # fmt: skip
_LINK_SEPARATORS = " \t\n|·•>›»/,;:-–—()[]."
_XML_DECL_RE = re.compile(r"\A\s*<\?xml[^>]*\?>")
_WORD_LIST_MARKER_RE = re.compile(r"<!\[if !supportLists\]>.*?<!\[endif\]>", re.S | re.I)


@dataclass
class _Collector:
    """Gathers the inline text of the current paragraph and the blocks found so far."""

    blocks: list[Block] = field(default_factory=list)
    section: str | None = None
    unit: str = "paragraph"
    parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, inside a link)

    def add(self, text: str | None, link: bool) -> None:
        """Add inline text; a newline in the page's source is a space (only ``<br>`` breaks a line)."""
        if text:
            self.parts.append((text.replace("\n", " ").replace("\r", " "), link))

    def line_break(self) -> None:
        self.parts.append(("\n", False))

    def flush(self, next_unit: str = "paragraph") -> None:
        """End the current paragraph (kept unless empty or only links); the next one is a ``next_unit``."""
        parts, unit = self.parts, self.unit
        self.parts, self.unit = [], next_unit
        plain = "".join(t for t, link in parts if not link)
        if not any(t.strip() for t, link in parts if link) or plain.strip(_LINK_SEPARATORS):
            self.blocks.extend(_paragraph("".join(t for t, _ in parts), unit, self.section))

    def heading(self, text: str) -> None:
        self.flush()
        self.section = normalise(text) or self.section

    def table(self, table: lxml.html.HtmlElement) -> None:
        self.flush()
        for row in _table_rows(table):
            self.blocks.append(Block(text=row, unit=TABLE_ROW, section=self.section))


def _paragraph(text: str, unit: str, section: str | None) -> list[Block]:
    """Return the blocks of one paragraph's text: breadcrumb lines dropped, labelled turns split off."""
    lines = [normalise(ln) for ln in text.split("\n")]
    lines = [ln for ln in lines if ln and not is_breadcrumb(ln)]
    blocks = []
    for label, group in split_turns(lines) if unit == "paragraph" else [(None, lines)]:
        joined = normalise(" ".join(group))
        if not joined:
            continue
        if label is None:
            blocks.append(Block(text=joined, unit=unit, section=section))
        else:
            role = turn_role(label)
            blocks.append(Block(text=joined, unit="turn", section=section, role=role, label=label))
    return blocks


def _cell_text(cell: lxml.html.HtmlElement) -> str:
    for br in cell.iter("br"):
        br.tail = " " + (br.tail or "")
    return normalise(cell.text_content())


def _table_rows(table: lxml.html.HtmlElement) -> list[str]:
    """Return the texts of the body rows of a table (not the header: ``<thead>``, a first row of ``<th>``)."""
    out = []
    for i, tr in enumerate(table.iter("tr")):
        cells = [c for c in tr if c.tag in ("td", "th")]
        parent = tr.getparent()
        in_head = parent is not None and parent.tag == "thead"
        header = in_head or (i == 0 and bool(cells) and all(c.tag == "th" for c in cells))
        if header:
            continue
        text = normalise(table_row_text([_cell_text(c) for c in cells]))
        if text:
            out.append(text)
    return out


def _walk(el: lxml.html.HtmlElement, out: _Collector, in_link: bool = False) -> None:
    """Visit one element in document order (its tail text is handled by the caller)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _HEADINGS:
        out.heading(el.text_content())
        return
    if tag == "table":
        out.table(el)
        return
    if tag == "br":
        out.line_break()
        return
    block = tag in _BLOCKS
    if block:  # a list item, or a list paragraph of a Word "web page" (style 'mso-list: ...')
        bullet = tag == "li" or (tag == "p" and "mso-list" in (el.get("style") or ""))
        out.flush(next_unit="bullet" if bullet else "paragraph")
    link = in_link or tag == "a"
    out.add(el.text, link)
    for child in el:
        _walk(child, out, link)
        out.add(child.tail, link)
    if block:
        out.flush()


def blocks_from_html(text: str) -> list[Block]:
    """Cut an HTML page into blocks of content (see the module docstring).

    Parameters
    ----------
    text : str
        The page, decoded.

    Returns
    -------
    list of Block

    Raises
    ------
    lxml.etree.ParserError
        If lxml finds no document in the text ("Document is empty").
    """
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    text = _WORD_LIST_MARKER_RE.sub("", _XML_DECL_RE.sub("", text))
    root = lxml.html.document_fromstring(text, parser=parser)
    for el in list(root.iter(*DROPPED_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()  # keeps the text that follows the element
    for el in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        if el.getparent() is not None:
            el.drop_tree()
    out = _Collector()
    _walk(root, out)
    out.flush()
    return out.blocks
