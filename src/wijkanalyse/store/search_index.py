"""Named queries of the keyword search index: an FTS5 table of the segments' stems and words, ranked by bm25.

The search package (:mod:`wijkanalyse.search`) turns text into stems and words and a query into
:class:`MatchTerm` objects; this module holds the table (:data:`~wijkanalyse.store.schema.SEARCH_SCHEMA`) and
every statement on it, including the FTS5 query expression:

* a word or phrase matches its stems, in order, in the ``stems`` column;
* a prefix matches the start of a word in the ``words`` column;
* variants (the compounds of a word) match whole words in the ``words`` column, which weighs less in the
  ranking (``variant_weight``), so a compound ranks below the word itself.

:class:`SearchQueries` keeps the index of a store's segments in the store and brings it up to date when the
segments changed (:meth:`SearchQueries.sync_search_index`); :class:`MemorySearchIndex` is the same index in
memory, over any table of texts.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from wijkanalyse.exceptions import StoreError
from wijkanalyse.store._connection import Connection
from wijkanalyse.store.schema import SEARCH_SCHEMA

__all__ = ["MatchTerm", "SearchQueries", "MemorySearchIndex", "match_expression"]

_META_KEY = "search_index"


@dataclass(frozen=True)
class MatchTerm:
    """One term of a keyword query, as the index matches it.

    Parameters
    ----------
    phrase : tuple of str
        Stems that must occur in this order, next to each other (one stem for a word).
    prefix : str, optional
        Instead of a phrase: the start of a normalised word.
    variants : tuple of str
        Normalised words that also count for this term (compounds), ranked lower.
    negated : bool
        The term must not occur.
    """

    phrase: tuple[str, ...] = ()
    prefix: str | None = None
    variants: tuple[str, ...] = ()
    negated: bool = False


def _quoted(tokens: Iterable[str]) -> str:
    """Quote tokens as one FTS5 phrase string (inner double quotes doubled)."""
    return '"' + " ".join(tokens).replace('"', '""') + '"'


def _term_expression(term: MatchTerm) -> str:
    if term.prefix is not None:
        return f"words : {_quoted([term.prefix])} *"
    if not term.phrase:
        raise StoreError(f"A search term needs a phrase or a prefix. Got {term!r} instead.")
    expr = f"stems : {_quoted(term.phrase)}"
    if term.variants:
        expr = f"({expr} OR words : ({' OR '.join(_quoted([v]) for v in term.variants)}))"
    return expr


def match_expression(terms: Sequence[MatchTerm], match_all: bool = True) -> str:
    """Return the FTS5 query expression of a keyword query.

    Parameters
    ----------
    terms : sequence of MatchTerm
        At least one term that is not negated.
    match_all : bool, default True
        Every positive term must occur (AND); False: at least one (OR).

    Returns
    -------
    str

    Raises
    ------
    StoreError
        If no term is positive.

    Examples
    --------
    >>> match_expression([MatchTerm(("huur",)), MatchTerm(prefix="wijk"), MatchTerm(("geld",), negated=True)])
    '(stems : "huur" AND words : "wijk" *) NOT (stems : "geld")'
    """
    positive = [_term_expression(t) for t in terms if not t.negated]
    negative = [_term_expression(t) for t in terms if t.negated]
    if not positive:
        raise StoreError(f"A keyword query needs at least one term that is not negated. Got {list(terms)}.")
    expr = "(" + (" AND " if match_all else " OR ").join(positive) + ")"
    if negative:
        expr += " NOT (" + " OR ".join(negative) + ")"
    return expr


class SearchQueries(Connection):
    """The keyword search index: kept in the store, rebuilt when the segments changed, queried with FTS5."""

    def _ensure_search_table(self) -> None:
        """Create the index tables if missing (statement by statement: ``executescript`` would commit)."""
        if getattr(self, "_search_table_ready", False):
            return
        try:
            for statement in SEARCH_SCHEMA.split(";"):
                if statement.strip():
                    self._con.execute(statement)
        except sqlite3.OperationalError as exc:
            raise StoreError(
                "Keyword search needs SQLite with the FTS5 extension; the SQLite of this Python "
                f"({sqlite3.sqlite_version}) cannot make the index: {exc}. Use a Python whose sqlite3 has "
                "FTS5 (the python.org, conda-forge and most Linux builds do)."
            ) from exc
        self._search_table_ready = True

    def search_index_key(self, analyser: str) -> str:
        """Return the key the index must have: the analyser and a digest of the ids of all segments.

        Segment ids are derived from the document and the segment text, so the same ids mean the same texts.

        Parameters
        ----------
        analyser : str
            Names the tokeniser and stemmer that made the index rows.

        Returns
        -------
        str
        """
        digest = hashlib.sha256()
        for (segment_id,) in self._con.execute("SELECT segment_id FROM segments ORDER BY segment_id"):
            digest.update(segment_id.encode() + b"\n")
        return f"{analyser} {digest.hexdigest()}"

    def search_index_built_with(self) -> str | None:
        """Return the key the index was last built with (None when there is none)."""
        row = self._con.execute("SELECT value FROM meta WHERE key = ?", (_META_KEY,)).fetchone()
        return None if row is None else str(row[0])

    def rebuild_search_index(self, rows: Iterable[tuple[str, str, str]], key: str | None = None) -> int:
        """Replace every row of the index, in one transaction.

        Parameters
        ----------
        rows : iterable of (id, stems, words)
            One per text: its id (a segment id) and its stems and normalised words, space-separated.
        key : str, optional
            Recorded as what the index was built from (:meth:`search_index_key`).

        Returns
        -------
        int
            Rows written.
        """
        self._ensure_search_table()
        rows = list(rows)
        with self.transaction() as con:
            con.execute("DELETE FROM segment_fts")
            con.executemany("INSERT INTO segment_fts(segment_id, stems, words) VALUES (?, ?, ?)", rows)
            con.execute("INSERT INTO segment_fts(segment_fts) VALUES ('optimize')")
            if key is not None:
                con.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (_META_KEY, key),
                )
        return len(rows)

    def sync_search_index(self, analyser: str, analyse: Callable[[str], tuple[str, str]]) -> bool:
        """Bring the index of the store's segments up to date if they (or the analyser) changed.

        The check reads only the segment ids (:meth:`search_index_key`). When only segments changed, the rows
        of removed segments are deleted and new segments analysed and added (a segment id stands for one
        text); a new analyser rebuilds every row.

        Parameters
        ----------
        analyser : str
            Names the tokeniser and stemmer (a new name rebuilds the index).
        analyse : callable
            Text -> (stems, words), each space-separated.

        Returns
        -------
        bool
            True when the index was changed.
        """
        key = self.search_index_key(analyser)
        built = self.search_index_built_with()
        if built == key:
            return False
        texts = dict(self._con.execute("SELECT segment_id, text FROM segments ORDER BY rowid").fetchall())
        if built is None or built.rsplit(" ", 1)[0] != analyser:
            self.rebuild_search_index(((sid, *analyse(text)) for sid, text in texts.items()), key)
            return True
        indexed = dict(self._con.execute("SELECT segment_id, rowid FROM segment_fts").fetchall())
        stale = [(rowid,) for sid, rowid in indexed.items() if sid not in texts]
        new = [(sid, *analyse(text)) for sid, text in texts.items() if sid not in indexed]
        with self.transaction() as con:
            con.executemany("DELETE FROM segment_fts WHERE rowid = ?", stale)
            con.executemany("INSERT INTO segment_fts(segment_id, stems, words) VALUES (?, ?, ?)", new)
            con.execute("UPDATE meta SET value = ? WHERE key = ?", (key, _META_KEY))
        return True

    def search_index_words(self) -> list[str]:
        """Return every distinct normalised word in the index (for compounds)."""
        self._ensure_search_table()
        return [
            str(r[0])
            for r in self._con.execute("SELECT term FROM segment_fts_terms WHERE col = 'words' ORDER BY term")
        ]

    def match_search_index(
        self, terms: Sequence[MatchTerm], match_all: bool = True, variant_weight: float = 0.5
    ) -> list[tuple[str, float]]:
        """Return every indexed text that matches a keyword query, with its bm25 score (higher is better).

        Parameters
        ----------
        terms : sequence of MatchTerm
        match_all : bool, default True
            Every positive term must occur; False: at least one.
        variant_weight : float, default 0.5
            Weight of the ``words`` column (prefixes, compounds) against 1 for the ``stems`` column.

        Returns
        -------
        list of (id, score)
            Best first; ``score`` is minus FTS5's ``bm25()`` (k1 = 1.2, b = 0.75).
        """
        self._ensure_search_table()
        rows = self._con.execute(
            "SELECT segment_id, -bm25(segment_fts, 0.0, 1.0, ?) AS score FROM segment_fts "
            "WHERE segment_fts MATCH ? ORDER BY rank, rowid",
            (float(variant_weight), match_expression(terms, match_all)),
        )
        return [(str(r[0]), float(r[1])) for r in rows]


class MemorySearchIndex(SearchQueries):
    """The keyword index in memory, for a table of texts that is not a store's.

    Fill it with :meth:`~SearchQueries.rebuild_search_index`.

    Examples
    --------
    >>> index = MemorySearchIndex()
    >>> index.rebuild_search_index([("0", "bewoner praten", "bewoners praten"), ("1", "geld", "geld")])
    2
    >>> [sid for sid, _ in index.match_search_index([MatchTerm(("bewoner",))])]
    ['0']
    """

    def __init__(self) -> None:
        self.folder = Path()
        self.path = Path(":memory:")
        self._con = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._ensure_search_table()
