"""Named queries for analysis and reports: the codes in store order, the wijken, and the rows a report hashes.

The report runner reuses a report when the hash of its inputs is unchanged (see
:mod:`wijkanalyse.report.fingerprint`); :meth:`ReportQueries.segments_for_fingerprint` and
:meth:`ReportQueries.codings_for_fingerprint` return exactly the rows that hash covers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from wijkanalyse.store._connection import Connection

__all__ = ["ReportQueries"]

_SEGMENT_FINGERPRINT = (
    'SELECT s.segment_id, s.text_hash, s.start, s."end", s.wijk, s.date, s.session, s.kind, s.role,'
    " s.section, s.question, s.respondent_id, d.path FROM segments s JOIN documents d USING (doc_id)"
)
_CODING_FINGERPRINT = (
    "SELECT DISTINCT c.segment_id, c.code_id, c.coder_id, c.kind, c.status, round(c.confidence, 6),"
    " c.model"
    " FROM codings c JOIN segments s USING (segment_id)"
)


class ReportQueries(Connection):
    """Reads of the analysis and report stages (no writes)."""

    def codes_in_store_order(self) -> pd.DataFrame:
        """Every code of the ``codes`` table in the order it was written (the codebook's order).

        Returns
        -------
        pandas.DataFrame
            ``code_id, dimension, label_nl, label_en, color, codebook_version``, ordered by rowid.
        """
        return self.query(
            "SELECT code_id, dimension, label_nl, label_en, color, codebook_version FROM codes ORDER BY rowid"
        )

    def segment_wijken(self) -> list[str]:
        """Return the wijken that have segments, sorted."""
        rows = self._con.execute("SELECT DISTINCT wijk FROM segments WHERE wijk IS NOT NULL")
        return sorted(str(r[0]) for r in rows)

    def source_wijken(self) -> set[str]:
        """Return the wijken named by a document or a survey respondent (with segments or not)."""
        rows = self._con.execute(
            "SELECT wijk FROM documents WHERE wijk IS NOT NULL"
            " UNION SELECT wijk FROM respondents WHERE wijk IS NOT NULL"
        )
        return {str(r[0]) for r in rows}

    def segments_for_fingerprint(self, wijk: str | None = None) -> list[tuple[Any, ...]]:
        """Return the segment rows a report's fingerprint covers, of one wijk (None: every segment).

        Parameters
        ----------
        wijk : str, optional
            Only the segments of this wijk; None for the whole corpus.

        Returns
        -------
        list of tuple
            ``(segment_id, text_hash, start, end, wijk, date, session, kind, role, section, question,
            respondent_id, path)`` per segment, ordered by segment id.
        """
        where, params = (" WHERE s.wijk = ?", (wijk,)) if wijk is not None else ("", ())
        rows = self._con.execute(_SEGMENT_FINGERPRINT + where + " ORDER BY s.segment_id", params)
        return [tuple(r) for r in rows.fetchall()]

    def codings_for_fingerprint(self, wijk: str | None = None) -> list[tuple[Any, ...]]:
        """Return the coding rows a report's fingerprint covers: every coding of the segments of one wijk.

        Parameters
        ----------
        wijk : str, optional
            Only the codings of the segments of this wijk; None for every coding of a stored segment.

        Returns
        -------
        list of tuple
            ``(segment_id, code_id, coder_id, kind, status, confidence rounded to 6 decimals, model)``,
            rejected codings included, ordered by segment, code and coder. Reports count a coded span for
            its segment, so several spans of one code by one coder are one row (and a store without spans
            hashes as before).
        """
        where, params = (" WHERE s.wijk = ?", (wijk,)) if wijk is not None else ("", ())
        rows = self._con.execute(
            _CODING_FINGERPRINT + where + " ORDER BY c.segment_id, c.code_id, c.coder_id", params
        )
        return [tuple(r) for r in rows.fetchall()]
