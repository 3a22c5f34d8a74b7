"""What ingest remembers of the survey rows it pseudonymised: its own SQLite file under ``private/``.

An updated survey export is mostly the rows of the previous export. Ingest keeps, per survey and raw row
(a hash of the respondent id, wijk and every answer as read), what pseudonymising that row gave: the
pseudonymised answers and respondent, and the replacement counts. The next ingest of the survey reuses a
row's output when the row, the pseudonymisation settings and the key allow it (see
:mod:`wijkanalyse.ingest.row_reuse`) and pseudonymises only the others.

The file sits next to the pseudonymisation key and is as private (file 0600, folder 0700): the row hashes are
of raw rows, with personal data in them. It is never needed: deleting it only makes the next ingest of every
survey pseudonymise all its rows again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from wijkanalyse.store.pseudonym_key import _private_file
from wijkanalyse.store.schema import ROW_MEMORY_SCHEMA

__all__ = ["RowMemory"]


class RowMemory:
    """Per survey document: raw row hash -> (settings hash, JSON output), in a private SQLite file.

    Parameters
    ----------
    path : path or None
        The file (created with its folder, owner-only); None keeps it in memory (tests).

    Examples
    --------
    >>> with RowMemory(None) as memory:
    ...     memory.replace("doc1", [("h1", "ctx", '{"a": 1}')])
    ...     memory.rows("doc1")
    {'h1': ('ctx', '{"a": 1}')}
    """

    def __init__(self, path: Path | str | None) -> None:
        self.path = Path(path) if path else None
        if self.path:
            _private_file(self.path)
        self._con = sqlite3.connect(str(self.path) if self.path else ":memory:", isolation_level=None)
        self._con.execute("PRAGMA busy_timeout=60000")
        self._con.executescript(ROW_MEMORY_SCHEMA)

    def rows(self, doc_id: str) -> dict[str, tuple[str, str]]:
        """Return ``{row_hash: (context, output)}`` of one survey (empty when nothing is remembered)."""
        sql = "SELECT row_hash, context, output FROM survey_rows WHERE doc_id = ?"
        cur = self._con.execute(sql, (doc_id,))
        return {str(h): (str(c), str(o)) for h, c, o in cur}

    def replace(self, doc_id: str, rows: Iterable[tuple[str, str, str]]) -> None:
        """Remember exactly ``rows`` (``row_hash, context, output``) for a survey, in one transaction."""
        self._con.execute("BEGIN IMMEDIATE")
        try:
            self._con.execute("DELETE FROM survey_rows WHERE doc_id = ?", (doc_id,))
            self._con.executemany(
                "INSERT OR REPLACE INTO survey_rows(doc_id, row_hash, context, output) VALUES (?,?,?,?)",
                [(doc_id, h, c, o) for h, c, o in rows],
            )
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    def forget(self, doc_ids: Iterable[str]) -> None:
        """Forget the rows of these documents (removed sources, or sources that are no survey now)."""
        with self._con:
            self._con.executemany("DELETE FROM survey_rows WHERE doc_id = ?", [(d,) for d in doc_ids])

    def close(self) -> None:
        """Close the file."""
        self._con.close()

    def __enter__(self) -> RowMemory:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
