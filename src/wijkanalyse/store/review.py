"""Named queries and writers of review and exchange: people's coding decisions, coders and memos.

Also the tables that the coding sheet, the agreement figures and the REFI-QDA export and import read.

A person's decision on a segment is their own row in ``codings`` (``kind='human'``, one row per segment,
code and coder for the whole segment): :meth:`ReviewQueries.set_human_coding` writes it,
:meth:`ReviewQueries.delete_human_coding` withdraws it. A coded *span* of a segment is a row of its own
(``span_start``/``span_end`` set, see :data:`wijkanalyse.store.schema.CODINGS_TABLE`):
:meth:`ReviewQueries.set_human_span` and :meth:`ReviewQueries.delete_human_span`. Reads that answer "which
codes has this segment" count a span for its segment (one row per segment and code). Nothing here changes
another coder's rows or the machine's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from wijkanalyse.store._connection import Connection, now_iso
from wijkanalyse.vocabulary import CITY, MACHINE

__all__ = ["ReviewQueries"]

_CODE_COLUMNS = ["code_id", "dimension", "label_nl", "label_en", "parent", "definition", "color"]


def _marks(values: list[Any]) -> str:
    """Return one ``?`` per value, comma separated, for an ``IN (...)`` list."""
    return ",".join("?" * len(values))


class ReviewQueries(Connection):
    """Human coding decisions, coders, memos, and what the review and exchange stages read and write."""

    # -- coders ----------------------------------------------------------------------------------------------
    def coder_kind(self, coder_id: str) -> str | None:
        """Return ``'human'`` or ``'machine'`` for a registered coder, None for an unknown id."""
        row = self._con.execute("SELECT kind FROM coders WHERE coder_id = ?", (coder_id,)).fetchone()
        return None if row is None else str(row[0])

    def registered_coders(self) -> pd.DataFrame:
        """Return every registered coder: ``coder_id, name, kind``, by id."""
        return self.query("SELECT coder_id, name, kind FROM coders ORDER BY coder_id")

    def human_coder_ids(self) -> list[str]:
        """Return the ids of the people with codings (the machine never among them), sorted."""
        rows = self._con.execute(
            "SELECT DISTINCT coder_id FROM codings WHERE kind = 'human' AND coder_id != ? ORDER BY coder_id",
            (MACHINE,),
        )
        return [str(r[0]) for r in rows]

    def has_codings_by(self, coder_id: str) -> bool:
        """Whether a coder has at least one coding (applied or rejected)."""
        row = self._con.execute("SELECT 1 FROM codings WHERE coder_id = ? LIMIT 1", (coder_id,)).fetchone()
        return row is not None

    # -- codes -----------------------------------------------------------------------------------------------
    def code_table(self) -> pd.DataFrame:
        """Return the ``codes`` table in the order written.

        Returns
        -------
        DataFrame
            ``code_id, dimension, label_nl, label_en, parent, definition, color``.
        """
        return self.query(f"SELECT {', '.join(_CODE_COLUMNS)} FROM codes ORDER BY rowid")

    def code_dimensions(self) -> dict[str, str]:
        """Return ``{code_id: dimension}`` of the ``codes`` table (``thema`` where none is recorded)."""
        rows = self._con.execute("SELECT code_id, dimension FROM codes")
        return {str(r[0]): str(r[1] or "thema") for r in rows}

    def codebook_version(self) -> str | None:
        """Return the codebook version recorded with the codes, None when there is none."""
        row = self._con.execute(
            "SELECT codebook_version FROM codes WHERE codebook_version IS NOT NULL"
        ).fetchone()
        return None if row is None else row[0]

    def coded_code_ids(self) -> list[str]:
        """Return every code id that has a coding (by anyone, applied or rejected), sorted."""
        rows = self._con.execute("SELECT DISTINCT code_id FROM codings ORDER BY code_id")
        return [str(r[0]) for r in rows]

    # -- segments and documents ------------------------------------------------------------------------------
    def segment_exists(self, segment_id: str) -> bool:
        """Whether the store has a segment with this id."""
        row = self._con.execute("SELECT 1 FROM segments WHERE segment_id = ?", (segment_id,)).fetchone()
        return row is not None

    def document_id(self, doc_id_or_path: str) -> str | None:
        """Return the id of the document with this id or path, None when there is none."""
        row = self._con.execute(
            "SELECT doc_id FROM documents WHERE doc_id = ? OR path = ?", (doc_id_or_path, doc_id_or_path)
        ).fetchone()
        return None if row is None else str(row[0])

    def segments_by_id(self, segment_ids: Iterable[str]) -> pd.DataFrame:
        """Return the segments with these ids: every segment column plus the document's ``path``."""
        ids = list(segment_ids)
        return self.query(
            "SELECT s.*, d.path FROM segments s JOIN documents d USING (doc_id) "
            f"WHERE s.segment_id IN ({_marks(ids)})",
            ids,
        )

    def segment_text_map(self, segment_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Return ``{segment_id: text}`` of these segments (of every segment when None)."""
        if segment_ids is None:
            rows = self._con.execute("SELECT segment_id, text FROM segments")
        else:
            ids = list(segment_ids)
            rows = self._con.execute(
                f"SELECT segment_id, text FROM segments WHERE segment_id IN ({_marks(ids)})", ids
            )
        return {str(r[0]): str(r[1]) for r in rows}

    def sibling_segments(self, segment_ids: Iterable[str]) -> pd.DataFrame:
        """Return every segment of the documents that hold these segments (their context).

        Returns
        -------
        DataFrame
            ``segment_id, doc_id, position, text, respondent_id``.
        """
        ids = list(segment_ids)
        return self.query(
            "SELECT segment_id, doc_id, position, text, respondent_id FROM segments WHERE doc_id IN "
            f"(SELECT doc_id FROM segments WHERE segment_id IN ({_marks(ids)}))",
            ids,
        )

    def segment_wijks(self) -> pd.DataFrame:
        """Return every segment's ``segment_id, wijk``, with the city's label for a segment without a wijk."""
        return self.query("SELECT segment_id, COALESCE(wijk, ?) AS wijk FROM segments", (CITY,))

    def documents_with_text(self) -> pd.DataFrame:
        """Return every document with its text, by path.

        Returns
        -------
        DataFrame
            ``doc_id, path, kind, wijk, date, session, text, ingested_at``.
        """
        return self.query(
            "SELECT doc_id, path, kind, wijk, date, session, text, ingested_at FROM documents ORDER BY path"
        )

    def document_texts(self) -> pd.DataFrame:
        """Return every document's ``doc_id, path, text``, in the order the documents were stored."""
        return self.query("SELECT doc_id, path, text FROM documents ORDER BY rowid")

    def segment_spans(self) -> pd.DataFrame:
        """Return where each segment sits: ``segment_id, doc_id, start, end, text, position``."""
        return self.query(
            'SELECT segment_id, doc_id, start, "end", text, position FROM segments ORDER BY doc_id, position'
        )

    # -- people's codings ------------------------------------------------------------------------------------
    def set_human_coding(
        self, segment_id: str, code_id: str, coder_id: str, status: str, created_at: str | None = None
    ) -> None:
        """Record a person's decision (``status`` ``'applied'`` or ``'rejected'``) on a segment and code.

        Replaces that person's earlier whole-segment decision on the same segment and code. A rejection also
        withdraws the spans they coded with that code in the segment (the code does not apply there); an
        applied whole-segment coding leaves their spans as they are. No other coder's row changes.
        """
        with self.transaction() as con:
            if status == "rejected":
                con.execute(
                    "DELETE FROM codings WHERE segment_id = ? AND code_id = ? AND coder_id = ? "
                    "AND kind = 'human' AND span_start IS NOT NULL",
                    (segment_id, code_id, coder_id),
                )
            con.execute(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, confidence, model, run_id, "
                "created_at) VALUES (?,?,?,'human',?,NULL,NULL,NULL,?) "
                "ON CONFLICT(segment_id, code_id, coder_id) WHERE span_start IS NULL DO UPDATE SET "
                "kind='human', status=excluded.status, confidence=NULL, model=NULL, run_id=NULL, "
                "created_at=excluded.created_at",
                (segment_id, code_id, coder_id, status, created_at or now_iso()),
            )

    def set_human_span(
        self,
        segment_id: str,
        code_id: str,
        coder_id: str,
        start: int,
        end: int,
        created_at: str | None = None,
        *,
        kind: str = "human",
        model: str | None = None,
    ) -> bool:
        """Record an applied coding of a span ``[start, end)`` of a segment's text; return whether it is new.

        A span equal to the whole text is recorded as a whole-segment coding (``span_start`` NULL). The
        coder's whole-segment *rejection* of the code on that segment goes (they now apply it). The same span
        coded again keeps its row. Offsets are not checked here (the review layer does).
        """
        length = self._con.execute(
            "SELECT length(text) FROM segments WHERE segment_id = ?", (segment_id,)
        ).fetchone()
        whole = length is not None and start == 0 and end == int(length[0])
        stamp = created_at or now_iso()
        with self.transaction() as con:
            con.execute(
                "DELETE FROM codings WHERE segment_id = ? AND code_id = ? AND coder_id = ? "
                "AND status = 'rejected'",
                (segment_id, code_id, coder_id),
            )
            if whole:
                found = con.execute(
                    "SELECT 1 FROM codings WHERE segment_id = ? AND code_id = ? AND coder_id = ? "
                    "AND span_start IS NULL",
                    (segment_id, code_id, coder_id),
                ).fetchone()
                con.execute(
                    "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, model, created_at) "
                    "VALUES (?,?,?,?,'applied',?,?) ON CONFLICT(segment_id, code_id, coder_id) "
                    "WHERE span_start IS NULL DO UPDATE SET created_at=excluded.created_at",
                    (segment_id, code_id, coder_id, kind, model, stamp),
                )
                return found is None
            cur = con.execute(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, model, created_at, "
                "span_start, span_end) VALUES (?,?,?,?,'applied',?,?,?,?) ON CONFLICT(segment_id, code_id, "
                "coder_id, span_start, span_end) WHERE span_start IS NOT NULL DO NOTHING",
                (segment_id, code_id, coder_id, kind, model, stamp, int(start), int(end)),
            )
            return bool(cur.rowcount)

    def delete_human_span(self, segment_id: str, code_id: str, coder_id: str, start: int, end: int) -> bool:
        """Withdraw a person's coding of exactly this span (or of the whole segment for the full range)."""
        length = self._con.execute(
            "SELECT length(text) FROM segments WHERE segment_id = ?", (segment_id,)
        ).fetchone()
        whole = length is not None and start == 0 and end == int(length[0])
        span = "span_start IS NULL" if whole else "span_start = ? AND span_end = ?"
        params: list[Any] = [segment_id, code_id, coder_id] + ([] if whole else [int(start), int(end)])
        with self.transaction() as con:
            cur = con.execute(
                "DELETE FROM codings WHERE segment_id = ? AND code_id = ? AND coder_id = ? "
                f"AND kind = 'human' AND status = 'applied' AND {span}",
                params,
            )
        return bool(cur.rowcount)

    def span_codings(self, segment_ids: Iterable[str], coder_id: str | None = None) -> pd.DataFrame:
        """Return the coded spans on these segments (whole-segment codings not included).

        Returns
        -------
        DataFrame
            ``segment_id, code_id, coder_id, kind, span_start, span_end, quote, created_at`` (``quote``: the
            span's text), in segment, start and code order.
        """
        ids = list(segment_ids)
        sql = (
            "SELECT c.segment_id, c.code_id, c.coder_id, c.kind, c.span_start, c.span_end, "
            "substr(s.text, c.span_start + 1, c.span_end - c.span_start) AS quote, c.created_at "
            "FROM codings c JOIN segments s USING (segment_id) WHERE c.span_start IS NOT NULL "
            f"AND c.status = 'applied' AND c.segment_id IN ({_marks(ids)})"
        )
        params: list[Any] = ids
        if coder_id is not None:
            sql += " AND c.coder_id = ?"
            params = [*ids, coder_id]
        return self.query(sql + " ORDER BY c.segment_id, c.span_start, c.span_end, c.code_id", params)

    def delete_human_coding(self, segment_id: str, code_id: str, coder_id: str) -> bool:
        """Withdraw a person's decisions on a segment and code, spans included; return whether any existed."""
        with self.transaction() as con:
            cur = con.execute(
                "DELETE FROM codings WHERE segment_id = ? AND code_id = ? AND coder_id = ? "
                "AND kind = 'human'",
                (segment_id, code_id, coder_id),
            )
        return bool(cur.rowcount)

    def person_codings(self, coder_id: str, segment_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Return a person's own codings, applied and rejected: ``segment_id, code_id, status, created_at``.

        One row per segment, code and status: spans of a code count for their segment (``created_at`` is the
        first of them). The spans themselves: :meth:`span_codings`.

        Parameters
        ----------
        coder_id : str
        segment_ids : iterable of str, optional
            Only on these segments (none at all for an empty list).
        """
        sql = (
            "SELECT segment_id, code_id, status, min(created_at) AS created_at FROM codings "
            "WHERE coder_id = ? AND kind = 'human'"
        )
        params: list[Any] = [coder_id]
        if segment_ids is not None:
            ids = list(segment_ids)
            sql += f" AND segment_id IN ({_marks(ids)})"
            params += ids
        return self.query(sql + " GROUP BY segment_id, code_id, status ORDER BY min(coding_id)", params)

    def human_applied_codes(self, segment_id: str, coder_id: str) -> set[str]:
        """Return the codes a person applied to a segment."""
        rows = self._con.execute(
            "SELECT code_id FROM codings WHERE segment_id = ? AND coder_id = ? AND kind = 'human' "
            "AND status = 'applied'",
            (segment_id, coder_id),
        )
        return {str(r[0]) for r in rows}

    def human_coded_segments(self) -> pd.DataFrame:
        """Return which person coded which segment: distinct ``segment_id, coder_id`` of people's codings."""
        return self.query("SELECT DISTINCT segment_id, coder_id FROM codings WHERE kind = 'human'")

    # -- the machine's proposals -----------------------------------------------------------------------------
    def machine_proposed(self, segment_id: str, code_id: str) -> bool:
        """Whether the machine has a coding (applied or under its threshold) of this code on the segment."""
        row = self._con.execute(
            "SELECT 1 FROM codings WHERE segment_id = ? AND code_id = ? AND kind = 'machine'",
            (segment_id, code_id),
        ).fetchone()
        return row is not None

    def machine_codings_on(self, segment_ids: Iterable[str]) -> pd.DataFrame:
        """Return the machine's codings on these segments, most confident first.

        Returns
        -------
        DataFrame
            ``segment_id, code_id, confidence, status``.
        """
        ids = list(segment_ids)
        return self.query(
            "SELECT segment_id, code_id, confidence, status FROM codings WHERE kind = 'machine' "
            f"AND segment_id IN ({_marks(ids)}) ORDER BY confidence DESC, coding_id",
            ids,
        )

    def segments_with_code(self, code_id: str) -> set[str]:
        """Return the segments anyone (a person or the machine) applied this code to."""
        rows = self._con.execute(
            "SELECT DISTINCT segment_id FROM codings WHERE code_id = ? AND status = 'applied'", (code_id,)
        )
        return {str(r[0]) for r in rows}

    # -- every coder's codings -------------------------------------------------------------------------------
    def coding_decisions(self, wijk: str | None = None) -> pd.DataFrame:
        """Return every coding's ``segment_id, code_id, coder_id, status`` (on one wijk's segments only).

        One row per segment, code, coder and status: several spans of a code count once for their segment.
        """
        sql = "SELECT DISTINCT c.segment_id, c.code_id, c.coder_id, c.status FROM codings c"
        if wijk:
            return self.query(sql + " JOIN segments s USING (segment_id) WHERE s.wijk = ?", (wijk,))
        return self.query(sql)

    def codings_table(self, kind: str | None = None, include_rejected: bool = False) -> pd.DataFrame:
        """Return every coding with its segment, document and code labels, in document order.

        One row per coding: a coded span is its own row with ``span_start``, ``span_end`` (offsets into the
        segment's ``text``, NULL for the whole segment) and ``quote`` (the span's text, else the segment's).

        Parameters
        ----------
        kind : {'human', 'machine'}, optional
        include_rejected : bool, default False
        """
        sql = (
            "SELECT c.segment_id, d.path AS document, s.wijk, s.date, s.session, s.kind AS source_kind, "
            's.speaker, s.role, s.question, s.respondent_id, s.start, s."end", s.text, c.span_start, '
            "c.span_end, COALESCE(substr(s.text, c.span_start + 1, c.span_end - c.span_start), s.text) "
            "AS quote, c.code_id, "
            "k.label_nl, k.label_en, k.dimension, c.coder_id, c.kind, c.status, c.confidence, c.model, "
            "c.run_id, c.created_at FROM codings c LEFT JOIN segments s USING (segment_id) "
            "LEFT JOIN documents d ON d.doc_id = s.doc_id LEFT JOIN codes k ON k.code_id = c.code_id"
        )
        where, params = [], []
        if kind:
            where.append("c.kind = ?")
            params.append(kind)
        if not include_rejected:
            where.append("c.status = 'applied'")
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.query(
            sql + " ORDER BY d.path, s.position, c.code_id, c.coder_id, c.span_start, c.span_end", params
        )

    def applied_codings(self, include_machine: bool = True) -> pd.DataFrame:
        """Return the applied codings, oldest first.

        ``segment_id, code_id, coder_id, kind, created_at, span_start, span_end`` (spans NULL: whole segment).
        """
        sql = (
            "SELECT segment_id, code_id, coder_id, kind, created_at, span_start, span_end FROM codings "
            "WHERE status = 'applied'"
        )
        if not include_machine:
            sql += " AND kind = 'human'"
        return self.query(sql + " ORDER BY coding_id")

    def applied_coding_keys(self) -> set[tuple[str, str, str, int | None, int | None]]:
        """Return ``(segment_id, code_id, coder_id, span_start, span_end)`` of every applied coding."""
        rows = self._con.execute(
            "SELECT segment_id, code_id, coder_id, span_start, span_end FROM codings WHERE status = 'applied'"
        )
        return {(str(s), str(c), str(k), a, b) for s, c, k, a, b in rows}

    def write_imported_coding(
        self,
        segment_id: str,
        code_id: str,
        coder_id: str,
        kind: str,
        created_at: str,
        model: str | None,
        span: tuple[int, int] | None = None,
    ) -> None:
        """Record an applied coding read from another tool's project (a rejection becomes applied).

        ``span``: ``(start, end)`` in the segment's text for a coded span; None for the whole segment.
        """
        if span is not None:
            self.set_human_span(segment_id, code_id, coder_id, span[0], span[1], created_at, kind=kind,
                                model=model)  # fmt: skip
            return
        with self.transaction() as con:
            con.execute(
                "INSERT INTO codings(segment_id, code_id, coder_id, kind, status, model, created_at) "
                "VALUES (?,?,?,?,'applied',?,?) ON CONFLICT(segment_id, code_id, coder_id) "
                "WHERE span_start IS NULL DO UPDATE SET status='applied', created_at=excluded.created_at",
                (segment_id, code_id, coder_id, kind, model, created_at),
            )

    # -- memos -----------------------------------------------------------------------------------------------
    def memos_on(self, target_kind: str, target_id: str) -> pd.DataFrame:
        """Return the memos on one code, segment, document or the project, oldest first."""
        return self.query(
            "SELECT * FROM memos WHERE target_kind = ? AND target_id = ? ORDER BY memo_id",
            (target_kind, target_id),
        )

    def memo_keys(self) -> set[tuple[str, str, str, str]]:
        """Return ``(target_kind, target_id, author, text)`` of every memo (to add a memo only once)."""
        rows = self._con.execute("SELECT target_kind, target_id, author, text FROM memos")
        return {(str(k), str(t), str(a), str(x)) for k, t, a, x in rows}
