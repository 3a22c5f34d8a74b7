"""Named queries and writers for documents, segments and respondents (the tables of ingest)."""

from __future__ import annotations

import pandas as pd

from wijkanalyse.exceptions import StoreError
from wijkanalyse.store._connection import Connection

__all__ = ["DocumentQueries"]


class DocumentQueries(Connection):
    """Documents, segments, respondents: read by every stage, written by ingest."""

    def documents(self) -> pd.DataFrame:
        """All documents, without their text."""
        return self.query(
            "SELECT doc_id, path, content_hash, format, kind, wijk, date, session, title, "
            "length(text) AS n_chars, ingested_at, run_id FROM documents ORDER BY path"
        )

    def segments(self, wijk: str | None = None) -> pd.DataFrame:
        """All segments in document order, optionally of one wijk, with the document path."""
        sql = (
            "SELECT s.*, d.path FROM segments s JOIN documents d USING (doc_id)"
            + (" WHERE s.wijk = ?" if wijk else "")
            + " ORDER BY d.path, s.position"
        )
        return self.query(sql, (wijk,) if wijk else ())

    def document_text(self, doc_id: str) -> str:
        """The normalised, pseudonymised text of one document."""
        row = self._con.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise StoreError(f"No document with id {doc_id!r} in {self.path}.")
        return str(row[0])

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        tables = ["documents", "segments", "respondents", "codes", "codings", "memos", "runs"]
        return {t: int(self._con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}

    def integrity_check(self) -> list[str]:
        """Check the database and the segment offsets; return a list of problems (empty when sound)."""
        problems: list[str] = []
        res = self._con.execute("PRAGMA integrity_check").fetchone()[0]
        if res != "ok":
            problems.append(f"sqlite integrity_check: {res}")
        for fk in self._con.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(f"foreign key violation: {tuple(fk)}")
        rows = self._con.execute(
            'SELECT s.segment_id, s.start, s."end", s.text, d.text FROM segments s JOIN documents d USING (doc_id)'
        )
        for seg_id, start, end, text, doc_text in rows:
            if doc_text[start:end] != text:
                problems.append(f"segment {seg_id}: text differs from document text at [{start}:{end}]")
        return problems
