"""Named queries and writers for codes, coders, codings and memos (coding and review)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from wijkanalyse.store._connection import Connection, now_iso

__all__ = ["CodingQueries", "CODE_COLUMNS"]

#: The columns of the ``codes`` table, in order.
CODE_COLUMNS = (
    "code_id",
    "dimension",
    "label_nl",
    "label_en",
    "parent",
    "definition",
    "color",
    "codebook_version",
)


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

    def add_memo(
        self,
        target_kind: str,
        target_id: str,
        author: str,
        text: str,
        created_at: str | None = None,
        updated_at: str | None = None,
    ) -> int:
        """Add a memo on a code, segment, document or the project; return its id.

        ``created_at``, ``updated_at``: when it was written and last changed (e.g. kept from an imported
        project); default now and never.
        """
        with self.transaction() as con:
            cur = con.execute(
                "INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?)",
                (target_kind, target_id, author, text, created_at or now_iso(), updated_at),
            )
            return int(cur.lastrowid or 0)

    def memo_row(self, memo_id: int) -> dict[str, Any] | None:
        """Return one memo as a dict of its columns, None when there is no memo with this id."""
        row = self._con.execute("SELECT * FROM memos WHERE memo_id = ?", (int(memo_id),)).fetchone()
        return None if row is None else dict(row)

    def _memo_to_history(self, con: Any, memo_id: int, action: str, changed_by: str, at: str) -> bool:
        cur = con.execute(
            "INSERT INTO memo_history(memo_id, target_kind, target_id, author, text, created_at, action, "
            "changed_by, changed_at) SELECT memo_id, target_kind, target_id, author, text, "
            "COALESCE(updated_at, created_at), ?, ?, ? FROM memos WHERE memo_id = ?",
            (action, changed_by, at, int(memo_id)),
        )
        return bool(cur.rowcount)

    def edit_memo(self, memo_id: int, text: str, changed_by: str) -> bool:
        """Replace a memo's text; the old text goes to ``memo_history``. Return whether the memo exists."""
        stamp = now_iso()
        with self.transaction() as con:
            if not self._memo_to_history(con, memo_id, "edited", changed_by, stamp):
                return False
            con.execute(
                "UPDATE memos SET text = ?, updated_at = ? WHERE memo_id = ?", (text, stamp, int(memo_id))
            )
        return True

    def delete_memo(self, memo_id: int, changed_by: str) -> bool:
        """Delete a memo; it is kept in ``memo_history``. Return whether the memo existed."""
        with self.transaction() as con:
            if not self._memo_to_history(con, memo_id, "deleted", changed_by, now_iso()):
                return False
            con.execute("DELETE FROM memos WHERE memo_id = ?", (int(memo_id),))
        return True

    def memo_history(self, memo_id: int | None = None) -> pd.DataFrame:
        """Return the earlier texts of memos (edited or deleted), oldest first; of one memo or of all."""
        if memo_id is None:
            return self.query("SELECT * FROM memo_history ORDER BY history_id")
        return self.query("SELECT * FROM memo_history WHERE memo_id = ? ORDER BY history_id", (int(memo_id),))

    def memos_with_paths(self, target_kind: str | None = None) -> pd.DataFrame:
        """Every memo with ``path``: the document's path for a document or segment memo (else NULL)."""
        sql = (
            "SELECT m.*, COALESCE(d.path, sd.path) AS path FROM memos m "
            "LEFT JOIN documents d ON m.target_kind = 'document' AND d.doc_id = m.target_id "
            "LEFT JOIN segments s ON m.target_kind = 'segment' AND s.segment_id = m.target_id "
            "LEFT JOIN documents sd ON sd.doc_id = s.doc_id"
        )
        if target_kind:
            return self.query(sql + " WHERE m.target_kind = ? ORDER BY m.memo_id", (target_kind,))
        return self.query(sql + " ORDER BY m.memo_id")

    def memos(self, target_kind: str | None = None) -> pd.DataFrame:
        """All memos, optionally on one kind of target."""
        if target_kind:
            return self.query("SELECT * FROM memos WHERE target_kind = ? ORDER BY memo_id", (target_kind,))
        return self.query("SELECT * FROM memos ORDER BY memo_id")

    # -- the codes table ------------------------------------------------------------------------------------
    def code_ids(self) -> list[str]:
        """Return the ids of every code in the ``codes`` table, sorted."""
        return [str(r[0]) for r in self._con.execute("SELECT code_id FROM codes ORDER BY code_id")]

    def sync_codes(self, codes: pd.DataFrame, *, update: bool = True, prune: bool = False) -> int:
        """Write codes into the ``codes`` table: the one writer of that table.

        Parameters
        ----------
        codes : pandas.DataFrame
            One row per code, with the columns of :data:`CODE_COLUMNS` (``code_id``, ``dimension``,
            ``label_nl``, ``label_en``, ``parent``, ``definition``, ``color``, ``codebook_version``), e.g.
            :meth:`wijkanalyse.coding.codebook.Codebook.to_frame`; a missing column is written as NULL.
        update : bool, default True
            Codes already in the table get these fields (the coding engine, which owns the codes). With False
            only the codes the table lacks are added and the others are left as they are.
        prune : bool, default False
            Delete the codes that are not in ``codes``, unless some coding still uses them.

        Returns
        -------
        int
            The number of codes added (not there before).
        """
        frame = codes.reindex(columns=list(CODE_COLUMNS))
        rows = [
            tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row)
            for row in frame.itertuples(index=False, name=None)
        ]
        columns, marks = ", ".join(CODE_COLUMNS), ", ".join("?" * len(CODE_COLUMNS))
        if update:
            updates = ", ".join(f"{c}=excluded.{c}" for c in CODE_COLUMNS[1:])
            sql = (
                f"INSERT INTO codes({columns}) VALUES ({marks}) ON CONFLICT(code_id) DO UPDATE SET {updates}"
            )
        else:
            sql = f"INSERT OR IGNORE INTO codes({columns}) VALUES ({marks})"
        with self.transaction() as con:
            before = {r[0] for r in con.execute("SELECT code_id FROM codes")}
            con.executemany(sql, rows)
            if prune:
                keep = [r[0] for r in rows]
                con.execute(  # codes no longer in the codebook go, unless some coding still uses them
                    f"DELETE FROM codes WHERE code_id NOT IN ({','.join('?' * len(keep))}) "
                    "AND code_id NOT IN (SELECT DISTINCT code_id FROM codings)",
                    keep,
                )
        return len({r[0] for r in rows} - before)

    # -- machine coding -------------------------------------------------------------------------------------
    def segment_texts(self) -> pd.DataFrame:
        """Every segment's text, for coding and discovery.

        Returns
        -------
        pandas.DataFrame
            ``segment_id, text, text_hash, question``, ordered by segment id.
        """
        return self.query("SELECT segment_id, text, text_hash, question FROM segments ORDER BY segment_id")

    def human_codings(self, status: str = "applied", by_segment: bool = True) -> pd.DataFrame:
        """Return the ``(segment_id, code_id)`` pairs that people coded with one status.

        Parameters
        ----------
        status : {"applied", "rejected"}, default "applied"
        by_segment : bool, default True
            Order by segment and code; with False in the order the codings were made.

        Returns
        -------
        pandas.DataFrame
            ``segment_id, code_id``.
        """
        order = "segment_id, code_id" if by_segment else "min(coding_id)"
        return self.query(  # one row per pair: spans of a code count for their segment
            "SELECT segment_id, code_id FROM codings WHERE kind = 'human' AND status = ? "
            f"GROUP BY segment_id, code_id ORDER BY {order}",
            (status,),
        )

    def coder_codings(self, coder_id: str) -> pd.DataFrame:
        """Every coding of one coder, applied or rejected.

        Parameters
        ----------
        coder_id : str
            E.g. :data:`wijkanalyse.vocabulary.MACHINE`.

        Returns
        -------
        pandas.DataFrame
            ``segment_id, code_id, status``, in the order they were made.
        """
        return self.query(
            "SELECT segment_id, code_id, status FROM codings WHERE coder_id = ? ORDER BY coding_id",
            (coder_id,),
        )

    def has_machine_codings(self) -> bool:
        """Return True when the machine has coded at least one segment."""
        row = self._con.execute("SELECT 1 FROM codings WHERE kind = 'machine' LIMIT 1").fetchone()
        return row is not None

    def coding_state(self) -> dict[str, Any] | None:
        """Return what the last machine coding run was based on (see :meth:`set_coding_state`), or None."""
        row = self._con.execute("SELECT value FROM meta WHERE key = 'coding_state'").fetchone()
        return json.loads(row[0]) if row else None

    def set_coding_state(self, state: dict[str, Any]) -> None:
        """Record what a machine coding run was based on (model, threshold, human codings), as JSON."""
        with self.transaction() as con:
            con.execute(
                "INSERT INTO meta(key, value) VALUES ('coding_state', ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (json.dumps(state),),
            )

    def remove_machine_codings(self, coder_id: str, segment_ids: Sequence[str] | None = None) -> int:
        """Delete a machine coder's applied codings (rejected ones stay: they record a person's decision).

        Parameters
        ----------
        coder_id : str
        segment_ids : sequence of str, optional
            Only the codings of these segments; default all of them.

        Returns
        -------
        int
            The number of codings deleted.
        """
        sql = "DELETE FROM codings WHERE coder_id = ? AND status = 'applied'"
        params: list[Any] = [coder_id]
        if segment_ids is not None:
            if not segment_ids:
                return 0
            sql += f" AND segment_id IN ({','.join('?' * len(segment_ids))})"
            params += list(segment_ids)
        with self.transaction() as con:
            return int(con.execute(sql, params).rowcount)

    def add_machine_codings(
        self, rows: Iterable[tuple[str, str, float]], coder_id: str, model: str, run_id: str
    ) -> None:
        """Add applied machine codings; a ``(segment, code, coder)`` that exists already is left as it is.

        Parameters
        ----------
        rows : iterable of (str, str, float)
            ``(segment_id, code_id, confidence)``.
        coder_id : str
        model : str
            The model id written with every coding.
        run_id : str
        """
        created = now_iso()
        with self.transaction() as con:
            con.executemany(
                "INSERT OR IGNORE INTO codings(segment_id, code_id, coder_id, kind, status, confidence, "
                "model, run_id, created_at) VALUES (?, ?, ?, 'machine', 'applied', ?, ?, ?, ?)",
                [(s, c, coder_id, conf, model, run_id, created) for s, c, conf in rows],
            )
