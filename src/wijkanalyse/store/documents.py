"""Named queries and writers for documents, segments and respondents (the tables of ingest).

Ingest writes a source with :meth:`DocumentQueries.replace_document` (the document, its segments, its survey
respondents and its pseudonymisation counts in one go) and then flags boilerplate with
:meth:`DocumentQueries.mark_boilerplate`; the corpus overview reads the counts per wijk, date, kind and format
through the ``*_per_*`` queries below.

A document is identified by its ``doc_id`` (a hash of its real path relative to the corpus); its stored
``path``, ``title`` and ``session`` are pseudonymised labels for people to read.

Which segments each stage uses: every segment is counted; :meth:`DocumentQueries.segments_to_code` leaves
out boilerplate (``segments.boilerplate = 1``); :meth:`DocumentQueries.quotable_segments` leaves out
boilerplate and table rows (unit ``table-row`` or ``table-row-part``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from wijkanalyse.exceptions import InputProblem, StoreError
from wijkanalyse.store._connection import Connection
from wijkanalyse.vocabulary import CITY

__all__ = ["DocumentQueries", "DocumentRecord", "RespondentRecord", "SegmentRow"]


@dataclass(frozen=True)
class DocumentRecord:
    """One source document as it is stored: a row of the ``documents`` table.

    Parameters
    ----------
    doc_id : str
        Stable id, derived from the real path relative to the corpus root: what identifies the source.
    path : str
        Path relative to the corpus root, pseudonymised (a name in a file or folder name is a placeholder):
        a label for people, not a way back to the file.
    content_hash : str
        Fingerprint of the raw bytes, the metadata and the segmentation settings.
    format : str
        File format without the dot (``md``, ``vtt``, ``csv``, ...).
    kind, wijk, date, session : str or None
        Metadata of the source (``session`` pseudonymised); also stored on each of its segments.
    title : str
        Title of the source, pseudonymised.
    text : str
        The normalised, pseudonymised text; segments are slices of it.
    ingested_at : str
        ISO time of the ingest.
    run_id : str or None
        The ingest run that wrote it.
    """

    doc_id: str
    path: str
    content_hash: str
    format: str
    kind: str | None
    wijk: str | None
    date: str | None
    session: str | None
    title: str
    text: str
    ingested_at: str
    run_id: str | None


@dataclass(frozen=True)
class RespondentRecord:
    """One respondent of a survey: the wijk and the answers (open questions: answered or not; closed ones)."""

    respondent_id: str
    wijk: str | None
    answers: dict[str, Any] = field(default_factory=dict)


class SegmentRow(Protocol):
    """What :meth:`DocumentQueries.replace_document` needs of a segment (``ingest.segment.SegmentRecord``)."""

    segment_id: str
    position: int
    start: int
    end: int
    text: str
    unit: str
    wijk: str | None
    speaker: str | None
    role: str | None
    time_start: str | None
    time_end: str | None
    section: str | None
    question: str | None
    respondent_id: str | None


_INSERT_DOCUMENT = (
    "INSERT INTO documents(doc_id, path, content_hash, format, kind, wijk, date, session, title, text, "
    "ingested_at, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSERT_SEGMENT = (
    'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit, wijk, date, '
    "session, kind, speaker, role, time_start, time_end, section, question, respondent_id) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def _segment_values(doc: DocumentRecord, s: SegmentRow) -> tuple[Any, ...]:
    text_hash = hashlib.sha256(s.text.encode()).hexdigest()
    return (
        s.segment_id, doc.doc_id, s.position, s.start, s.end, s.text, text_hash, s.unit, s.wijk,
        doc.date, doc.session, doc.kind, s.speaker, s.role, s.time_start, s.time_end, s.section,
        s.question, s.respondent_id,
    )  # fmt: skip


class DocumentQueries(Connection):
    """Documents, segments, respondents: read by every stage, written by ingest."""

    # -- read by every stage ---------------------------------------------------------------------------------
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

    def segments_to_code(self, wijk: str | None = None) -> pd.DataFrame:
        """Return the segments to code: all but boilerplate, in document order, optionally of one wijk.

        Parameters
        ----------
        wijk : str, optional
            Only the segments of this wijk.

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`segments`; no row with ``boilerplate = 1``.
        """
        sql = (
            "SELECT s.*, d.path FROM segments s JOIN documents d USING (doc_id) WHERE s.boilerplate = 0"
            + (" AND s.wijk = ?" if wijk else "")
            + " ORDER BY d.path, s.position"
        )
        return self.query(sql, (wijk,) if wijk else ())

    def quotable_segments(self, wijk: str | None = None) -> pd.DataFrame:
        """Return the segments that may be quoted: no boilerplate, no table rows, in document order.

        Parameters
        ----------
        wijk : str, optional
            Only the segments of this wijk.

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`segments`; no boilerplate and no unit ``table-row`` (or ``table-row-part``).
        """
        sql = (
            "SELECT s.*, d.path FROM segments s JOIN documents d USING (doc_id) "
            "WHERE s.boilerplate = 0 AND s.unit NOT LIKE 'table-row%'"
            + (" AND s.wijk = ?" if wijk else "")
            + " ORDER BY d.path, s.position"
        )
        return self.query(sql, (wijk,) if wijk else ())

    def boilerplate_paragraphs(self) -> pd.DataFrame:
        """Return the texts flagged as boilerplate, with the number of documents and segments of each.

        Returns
        -------
        pandas.DataFrame
            ``text, documents, segments``, most widespread first.
        """
        return self.query(
            "SELECT min(text) AS text, count(DISTINCT doc_id) AS documents, count(*) AS segments "
            "FROM segments WHERE boilerplate = 1 GROUP BY text_hash ORDER BY documents DESC, text"
        )

    def document_text(self, doc_id: str) -> str:
        """Return the normalised, pseudonymised text of one document."""
        row = self._con.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise StoreError(f"No document with id {doc_id!r} in {self.path}.")
        return str(row[0])

    def document_fingerprints(self) -> dict[str, str]:
        """Map the path of every stored document to its fingerprint (``content_hash``), ordered by path.

        Returns
        -------
        dict
            ``{path: content_hash}``; ingest compares it with the files on disk, and the corpus hash of a
            report's provenance is computed from it.
        """
        rows = self._con.execute("SELECT path, content_hash FROM documents ORDER BY path")
        return {str(path): str(fingerprint) for path, fingerprint in rows}

    def document_fingerprints_by_id(self) -> dict[str, str]:
        """Map the id of every stored document to its fingerprint (``content_hash``).

        Returns
        -------
        dict
            ``{doc_id: content_hash}``; ingest identifies a source by its id (the stored path is a
            pseudonymised label).
        """
        rows = self._con.execute("SELECT doc_id, content_hash FROM documents ORDER BY doc_id")
        return {str(doc_id): str(fingerprint) for doc_id, fingerprint in rows}

    def document_paths_by_id(self) -> dict[str, str]:
        """Map the id of every stored document to its stored (pseudonymised) path."""
        rows = self._con.execute("SELECT doc_id, path FROM documents ORDER BY doc_id")
        return {str(doc_id): str(path) for doc_id, path in rows}

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
            'SELECT s.segment_id, s.start, s."end", s.text, d.text '
            "FROM segments s JOIN documents d USING (doc_id)"
        )
        for seg_id, start, end, text, doc_text in rows:
            if doc_text[start:end] != text:
                problems.append(f"segment {seg_id}: text differs from document text at [{start}:{end}]")
        return problems

    # -- written by ingest -----------------------------------------------------------------------------------
    def replace_document(
        self,
        document: DocumentRecord,
        segments: Sequence[SegmentRow],
        respondents: Sequence[RespondentRecord] = (),
        pseudonym_counts: Mapping[str, int] | None = None,
    ) -> None:
        """Store one document with its segments, respondents and pseudonymisation counts.

        An earlier version of the document (same ``doc_id``) is deleted first, with its segments, respondents
        and counts (``ON DELETE CASCADE``); codings are not touched (see :meth:`drop_orphan_machine_codings`).
        Runs in one transaction, or joins the one already open.

        Parameters
        ----------
        document : DocumentRecord
            The document row.
        segments : sequence of SegmentRow
            Its segments; ``date``, ``session`` and ``kind`` are taken from the document.
        respondents : sequence of RespondentRecord, optional
            The respondents of a survey; ``answers`` is stored as JSON.
        pseudonym_counts : mapping, optional
            Number of replacements per pseudonymisation category in this document.
        """
        d = document
        with self.transaction() as con:
            con.execute("DELETE FROM documents WHERE doc_id = ?", (d.doc_id,))
            con.execute(
                _INSERT_DOCUMENT,
                (d.doc_id, d.path, d.content_hash, d.format, d.kind, d.wijk, d.date, d.session, d.title,
                 d.text, d.ingested_at, d.run_id),
            )  # fmt: skip
            con.executemany(_INSERT_SEGMENT, [_segment_values(d, s) for s in segments])
            con.executemany(
                "INSERT INTO respondents(doc_id, respondent_id, wijk, answers_json) VALUES (?,?,?,?)",
                [
                    (d.doc_id, r.respondent_id, r.wijk, json.dumps(r.answers, ensure_ascii=False))
                    for r in respondents
                ],
            )
            con.executemany(
                "INSERT INTO pseudonym_counts(doc_id, category, n) VALUES (?,?,?)",
                [(d.doc_id, cat, n) for cat, n in sorted((pseudonym_counts or {}).items())],
            )

    def remove_document(self, path: str) -> None:
        """Delete the document at ``path`` (relative to the corpus root) with its segments and respondents."""
        with self.transaction() as con:
            con.execute("DELETE FROM documents WHERE path = ?", (path,))

    def remove_document_id(self, doc_id: str) -> None:
        """Delete the document with this id with its segments, respondents and counts."""
        with self.transaction() as con:
            con.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def mark_boilerplate(self, min_documents: int) -> int:
        """Flag every segment whose text recurs verbatim in at least ``min_documents`` documents.

        Segment texts are normalised at ingest (one space between words), so "verbatim" is after whitespace
        normalisation. Survey answers are never boilerplate (two respondents may write the same words). The
        flags of all segments are recomputed, so a text that becomes rarer loses its flag.

        Parameters
        ----------
        min_documents : int
            The number of documents (>= 2) a text must be found in (``markup.boilerplate_min_documents``).

        Returns
        -------
        int
            The number of segments flagged.

        Raises
        ------
        ValueError
            If ``min_documents`` is below 2.
        """
        if min_documents < 2:
            raise ValueError(
                f"The 'min_documents' parameter must be an int >= 2. Got {min_documents} instead."
            )
        with self.transaction() as con:
            # only the rows whose flag changes are written (a rerun with nothing new writes nothing)
            con.execute(
                "UPDATE segments SET boilerplate = 1 - boilerplate WHERE boilerplate != ("
                "CASE WHEN unit NOT LIKE 'answer%' AND text_hash IN ("
                "SELECT text_hash FROM segments WHERE unit NOT LIKE 'answer%' GROUP BY text_hash "
                "HAVING count(DISTINCT doc_id) >= ?) THEN 1 ELSE 0 END)",
                (min_documents,),
            )
            row = con.execute("SELECT count(*) FROM segments WHERE boilerplate = 1").fetchone()
        return int(row[0])

    def drop_orphan_machine_codings(self) -> int:
        """Delete machine codings of segments that no longer exist; human codings are always kept.

        Returns
        -------
        int
            The number of codings deleted.
        """
        with self.transaction() as con:
            cur = con.execute(
                "DELETE FROM codings WHERE kind = 'machine' "
                "AND segment_id NOT IN (SELECT segment_id FROM segments)"
            )
            return int(cur.rowcount)

    def record_problems(self, run_id: str, problems: Iterable[InputProblem]) -> None:
        """Record the input problems an ingest run found (file, location, message) in ``ingest_problems``."""
        with self.transaction() as con:
            con.executemany(
                "INSERT INTO ingest_problems(run_id, path, location, message) VALUES (?,?,?,?)",
                [(run_id, p.path, p.location, p.message) for p in problems],
            )

    def recorded_problems(self, run_id: str | None = None) -> pd.DataFrame:
        """Return the input problems recorded by ingest runs (paths and messages pseudonymised).

        Parameters
        ----------
        run_id : str, optional
            Only the problems of this run.

        Returns
        -------
        pandas.DataFrame
            ``run_id, path, location, message``, in the order they were recorded.
        """
        sql = "SELECT run_id, path, location, message FROM ingest_problems"
        if run_id is not None:
            return self.query(sql + " WHERE run_id = ? ORDER BY rowid", (run_id,))
        return self.query(sql + " ORDER BY rowid")

    # -- corpus summary and overview -------------------------------------------------------------------------
    def segment_counts_per_wijk(self) -> pd.DataFrame:
        """Documents, sessions (never surveys), segments and respondents with answers per wijk.

        Returns
        -------
        pandas.DataFrame
            ``wijk, documents, sessions, segments, respondents_with_answers``; ``wijk`` is ``(stad)`` for
            segments without one. One row per wijk, in no particular order.
        """
        return self.query(
            "SELECT coalesce(s.wijk, ?) AS wijk, count(DISTINCT s.doc_id) AS documents, "
            "count(DISTINCT CASE WHEN s.kind != 'enquete' THEN s.session END) AS sessions, "
            "count(*) AS segments, count(DISTINCT s.respondent_id) AS respondents_with_answers "
            "FROM segments s GROUP BY 1",
            (CITY,),
        )

    def respondent_counts_per_wijk(self) -> pd.DataFrame:
        """Survey respondents per wijk (also those without an open answer): ``wijk, respondents``."""
        return self.query(
            "SELECT coalesce(wijk, ?) AS wijk, count(*) AS respondents FROM respondents GROUP BY 1", (CITY,)
        )

    def session_dates_per_wijk(self) -> pd.DataFrame:
        """First and last date of the segments that are not survey answers per wijk.

        Returns
        -------
        pandas.DataFrame
            ``wijk, first_date, last_date``.
        """
        return self.query(
            "SELECT coalesce(wijk, ?) AS wijk, min(date) AS first_date, max(date) AS last_date FROM segments "
            "WHERE kind != 'enquete' GROUP BY 1",
            (CITY,),
        )

    def segment_counts_per_wijk_date_kind(self) -> pd.DataFrame:
        """Documents, sessions (never surveys) and segments per wijk, date and kind of source.

        Returns
        -------
        pandas.DataFrame
            ``wijk, date, kind, documents, sessions, segments``; a missing wijk is ``(stad)``, a missing date
            or kind an empty string.
        """
        return self.query(
            "SELECT coalesce(wijk, ?) AS wijk, coalesce(date, '') AS date, coalesce(kind, '') AS kind, "
            "count(DISTINCT doc_id) AS documents, "
            "count(DISTINCT CASE WHEN kind != 'enquete' THEN session END) AS sessions, count(*) AS segments "
            "FROM segments GROUP BY 1, 2, 3",
            (CITY,),
        )

    def respondent_counts_per_wijk_date_kind(self) -> pd.DataFrame:
        """Surveys and respondents per wijk of the respondent and date and kind of the survey.

        Returns
        -------
        pandas.DataFrame
            ``wijk, date, kind, survey_documents, respondents``; a missing wijk is ``(stad)``, a missing date
            or kind an empty string.
        """
        return self.query(
            "SELECT coalesce(r.wijk, ?) AS wijk, coalesce(d.date, '') AS date, "
            "coalesce(d.kind, '') AS kind, "
            "count(DISTINCT r.doc_id) AS survey_documents, count(*) AS respondents "
            "FROM respondents r JOIN documents d USING (doc_id) GROUP BY 1, 2, 3",
            (CITY,),
        )

    def document_counts_per_format_kind(self) -> pd.DataFrame:
        """Documents, characters of the document text and segments per file format and kind of source.

        Returns
        -------
        pandas.DataFrame
            ``format, kind, documents, characters, segments``; a missing kind is an empty string.
        """
        return self.query(
            "SELECT d.format, coalesce(d.kind, '') AS kind, count(*) AS documents, "
            "sum(length(d.text)) AS characters, "
            "sum((SELECT count(*) FROM segments s WHERE s.doc_id = d.doc_id)) AS segments "
            "FROM documents d GROUP BY 1, 2"
        )

    def segments_in_document_order(self) -> pd.DataFrame:
        """Return every segment's text with its wijk (``(stad)`` when none), kind and unit, in document order.

        Returns
        -------
        pandas.DataFrame
            ``segment_id, wijk, kind, unit, text``, ordered by document id and position.
        """
        return self.query(
            "SELECT segment_id, coalesce(wijk, ?) AS wijk, kind, unit, text FROM segments "
            "ORDER BY doc_id, position",
            (CITY,),
        )

    def survey_answers(self) -> pd.DataFrame:
        """Every survey respondent with the answers as stored, in survey and row order.

        Returns
        -------
        pandas.DataFrame
            ``survey`` (the path), ``wijk`` (``(stad)`` when none), ``respondent_id``, ``answers_json``.
        """
        return self.query(
            "SELECT d.path AS survey, coalesce(r.wijk, ?) AS wijk, r.respondent_id, r.answers_json "
            "FROM respondents r JOIN documents d USING (doc_id) ORDER BY d.path, r.rowid",
            (CITY,),
        )

    def pseudonym_counts_per_document(self) -> pd.DataFrame:
        """Count replacements per pseudonymisation category and document (never the originals).

        Returns
        -------
        pandas.DataFrame
            ``path, wijk, category, n``; ``wijk`` of the document, ``(stad)`` when none; ordered by path and
            category.
        """
        return self.query(
            "SELECT d.path, coalesce(d.wijk, ?) AS wijk, p.category, p.n "
            "FROM pseudonym_counts p JOIN documents d USING (doc_id) ORDER BY d.path, p.category",
            (CITY,),
        )
