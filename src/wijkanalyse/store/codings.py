"""Named queries and writers for codes, coders, codings and memos (coding and review)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from wijkanalyse.store._connection import Connection, now_iso

__all__ = ["CodingQueries"]


class CodingQueries(Connection):
    """Codes, coders, codings and memos."""

    def codings(self, kind: str | None = None, include_rejected: bool = False) -> pd.DataFrame:
        """Codings joined with their segment's wijk, optionally only human or machine ones."""
        where = []
        params: list[Any] = []
        if kind:
            where.append("c.kind = ?")
            params.append(kind)
        if not include_rejected:
            where.append("c.status = 'applied'")
        sql = "SELECT c.*, s.wijk, s.doc_id FROM codings c LEFT JOIN segments s USING (segment_id)"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.query(sql + " ORDER BY c.coding_id", params)

    def ensure_coder(self, coder_id: str, kind: str = "human", name: str | None = None) -> None:
        """Register a coder (a person or a model) if not known yet."""
        with self.transaction() as con:
            con.execute(
                "INSERT OR IGNORE INTO coders(coder_id, name, kind, created_at) VALUES (?,?,?,?)",
                (coder_id, name or coder_id, kind, now_iso()),
            )

    def add_memo(self, target_kind: str, target_id: str, author: str, text: str) -> int:
        """Add a memo on a code, segment, document or the project; return its id."""
        with self.transaction() as con:
            cur = con.execute(
                "INSERT INTO memos(target_kind, target_id, author, text, created_at) VALUES (?,?,?,?,?)",
                (target_kind, target_id, author, text, now_iso()),
            )
            return int(cur.lastrowid or 0)

    def memos(self, target_kind: str | None = None) -> pd.DataFrame:
        """All memos, optionally on one kind of target."""
        if target_kind:
            return self.query("SELECT * FROM memos WHERE target_kind = ? ORDER BY memo_id", (target_kind,))
        return self.query("SELECT * FROM memos ORDER BY memo_id")
