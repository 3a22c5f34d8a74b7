"""Carry character positions from one version of a text over to another (a source coded elsewhere).

A source in a REFI-QDA project may differ from the document in the store: Windows line ends, a name that was
pseudonymised here, a corrected typo. :class:`OffsetMap` maps a position in the source's text to the same
place in the document's text: one to one for identical texts, counting out the carriage returns of Windows
line ends, and otherwise by aligning the texts line by line and then word by word (:func:`matched_spans`,
``difflib``).
"""

from __future__ import annotations

import bisect
import difflib
import re
from pathlib import PurePosixPath

import pandas as pd

__all__ = ["TOKEN", "matched_spans", "OffsetMap", "normalise_text", "match_document"]

#: A word, as the alignment counts them.
TOKEN = re.compile(r"\S+")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its line end."""
    out, pos = [], 0
    for m in re.finditer(r"\r\n|\n|\r", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def matched_spans(src: str, doc: str) -> list[tuple[int, int, int]]:
    """Spans ``(src_start, doc_start, length)`` the two texts share, in order.

    Lines are aligned first (few, mostly unique elements: fast), then the words of the lines that differ. For
    a large changed region difflib's "popular element" heuristic keeps the word alignment fast.
    """
    sl, dl = _lines(src), _lines(doc)
    s_text = [src[a:b] for a, b in sl]
    d_text = [doc[a:b] for a, b in dl]
    spans: list[tuple[int, int, int]] = []
    sm = difflib.SequenceMatcher(None, s_text, d_text, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                (a, b), (c, _d) = sl[i1 + k], dl[j1 + k]
                if b > a:
                    spans.append((a, c, b - a))
        elif op == "replace":
            s_lo, s_hi = sl[i1][0], sl[i2 - 1][1]
            d_lo, d_hi = dl[j1][0], dl[j2 - 1][1]
            s_tok = [(m.start(), m.group()) for m in TOKEN.finditer(src, s_lo, s_hi)]
            d_tok = [(m.start(), m.group()) for m in TOKEN.finditer(doc, d_lo, d_hi)]
            big = len(s_tok) + len(d_tok) > 4000
            wm = difflib.SequenceMatcher(None, [t[1] for t in s_tok], [t[1] for t in d_tok], autojunk=big)
            for i, j, n in wm.get_matching_blocks():
                for k in range(n):
                    spans.append((s_tok[i + k][0], d_tok[j + k][0], len(s_tok[i + k][1])))
    return spans


class OffsetMap:
    """Carry positions in a source's text over to the matching document's text.

    Identical texts map one to one; Windows line ends (CR LF) are counted out. Otherwise the texts are aligned
    line by line and, where lines differ, word by word (:func:`matched_spans`): a position in shared text
    moves with it; a start in changed text moves to the next shared text, an end back to the previous one.
    """

    def __init__(self, src: str, doc: str):
        self.kind = "identity"
        self._cr: list[int] = []
        if src == doc:
            return
        if src.replace("\r\n", "\n") == doc:
            self.kind = "crlf"
            self._cr = [m.start() for m in re.finditer("\r\n", src)]
            return
        self.kind = "aligned"
        self._spans = matched_spans(src, doc)
        self._starts = [a for a, _b, _n in self._spans]
        self._doc_len = len(doc)

    def __call__(self, pos: int, end: bool = False) -> int:
        """Return the document position of source position ``pos`` (``end``: the end of a selection)."""
        if self.kind == "identity":
            return pos
        if self.kind == "crlf":
            return pos - bisect.bisect_left(self._cr, pos)  # one character less per \r\n before pos
        if not self._spans:
            return 0 if end else self._doc_len
        i = bisect.bisect_right(self._starts, pos) - 1  # the shared span starting at or before pos
        if i >= 0:
            a, b, n = self._spans[i]
            if pos < a + n or (end and pos == a + n):
                return b + (pos - a)
        if end:  # back to the end of the previous shared span
            return self._spans[i][1] + self._spans[i][2] if i >= 0 else 0
        return self._spans[i + 1][1] if i + 1 < len(self._spans) else self._doc_len


def normalise_text(text: str) -> str:
    """Return a source's text without a byte-order mark and with Unix line ends."""
    return text.lstrip("\ufeff").replace("\r\n", "\n")


def match_document(
    name: str, text: str, docs: pd.DataFrame, by_text: dict[str, str]
) -> tuple[str | None, str, str]:
    """Return the document a source stands for: ``(doc_id, how, normalised text)``; doc_id None for none.

    By content (normalised), then by name (path, file name or stem), then by word similarity (>= 0.8).
    """
    norm = normalise_text(text)
    if norm in by_text:
        return by_text[norm], "content", norm
    stripped = norm.strip()
    for doc_text, doc_id in by_text.items():
        if doc_text.strip() == stripped:
            return doc_id, "content", norm
    low = name.strip().lower()
    for d in docs.itertuples(index=False):
        p = PurePosixPath(str(d.path))
        if low in (str(d.path).lower(), p.name.lower(), p.stem.lower()):
            return str(d.doc_id), "name", norm
    best, best_ratio = None, 0.0
    for d in docs.itertuples(index=False):
        t = str(d.text)
        if not t or not 0.7 <= len(norm) / max(len(t), 1) <= 1.43:
            continue
        sm = difflib.SequenceMatcher(None, norm.split(), t.split(), autojunk=False)
        if sm.quick_ratio() < 0.8:
            continue
        r = sm.ratio()
        if r > best_ratio:
            best, best_ratio = str(d.doc_id), r
    if best is not None and best_ratio >= 0.8:
        return best, "similarity", norm
    return None, "", norm
