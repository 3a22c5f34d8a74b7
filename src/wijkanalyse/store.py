"""The project store: one SQLite database per corpus.

Documents, segments, respondents, codes, codings (with coder and time), memos and runs live in
``<store_dir>/wijkanalyse.sqlite`` so that a notebook kernel and the command line can both read it safely
(WAL mode, a busy timeout). Every change happens inside :meth:`Store.transaction`, so an interrupted run leaves
the previous state intact. Large arrays (the embedding cache) live next to it, in their own file.

Codings are *not* tied to segments by a foreign key: a human coding survives its segment being re-ingested
(segment ids are derived from the document path and the segment text, so an unchanged segment keeps its id and
its codings), and is never deleted by the machine.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from wijkanalyse.exceptions import StoreError

__all__ = ["Store", "SCHEMA_VERSION", "now_iso", "new_run_id"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT UNIQUE NOT NULL,          -- relative to the corpus root
    content_hash TEXT NOT NULL,         -- sha256 of the raw bytes
    format TEXT NOT NULL,               -- txt, md, docx, pdf, vtt, srt, csv, xlsx
    kind TEXT,                          -- notulen, transcript, verslag, enquete, synthese, notitie
    wijk TEXT,                          -- NULL for city-wide sources and surveys (wijk per segment)
    date TEXT,
    session TEXT,
    title TEXT,
    text TEXT NOT NULL,                 -- normalised, pseudonymised text; segments are slices of it
    ingested_at TEXT NOT NULL,
    run_id TEXT
);
CREATE TABLE IF NOT EXISTS segments (
    segment_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,          -- order within the document
    start INTEGER NOT NULL,             -- character offsets into documents.text
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    unit TEXT NOT NULL,                 -- turn, paragraph, bullet, answer (+ '-part' when split)
    wijk TEXT,
    date TEXT,
    session TEXT,
    kind TEXT,
    speaker TEXT,                       -- a placeholder such as [PERSOON-3], never a name
    role TEXT,                          -- bewoner, wijkraadslid, ambtenaar, gespreksleider, partner, respondent
    time_start TEXT,
    time_end TEXT,
    section TEXT,                       -- heading the segment stands under (e.g. 'Vragen en zorgen')
    question TEXT,                      -- survey question key
    respondent_id TEXT
);
CREATE INDEX IF NOT EXISTS ix_segments_doc ON segments(doc_id);
CREATE INDEX IF NOT EXISTS ix_segments_wijk ON segments(wijk);
CREATE TABLE IF NOT EXISTS respondents (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    respondent_id TEXT NOT NULL,
    wijk TEXT,
    answers_json TEXT,                  -- closed questions and which open questions were answered
    PRIMARY KEY (doc_id, respondent_id)
);
CREATE TABLE IF NOT EXISTS pseudonym_counts (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (doc_id, category)
);
CREATE TABLE IF NOT EXISTS coders (
    coder_id TEXT PRIMARY KEY,
    name TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('human', 'machine')),
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS codes (
    code_id TEXT PRIMARY KEY,
    dimension TEXT NOT NULL DEFAULT 'thema',   -- thema or soort (kind of input)
    label_nl TEXT,
    label_en TEXT,
    parent TEXT,
    definition TEXT,
    color TEXT,
    codebook_version TEXT
);
CREATE TABLE IF NOT EXISTS codings (
    coding_id INTEGER PRIMARY KEY AUTOINCREMENT,
    segment_id TEXT NOT NULL,
    code_id TEXT NOT NULL,
    coder_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('human', 'machine')),
    status TEXT NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'rejected')),
    confidence REAL,
    model TEXT,
    run_id TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (segment_id, code_id, coder_id)
);
CREATE INDEX IF NOT EXISTS ix_codings_segment ON codings(segment_id);
CREATE TABLE IF NOT EXISTS memos (
    memo_id INTEGER PRIMARY KEY AUTOINCREMENT,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('code', 'segment', 'document', 'project')),
    target_id TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    params_json TEXT,
    summary_json TEXT
);
CREATE TABLE IF NOT EXISTS ingest_problems (
    run_id TEXT NOT NULL,
    path TEXT NOT NULL,
    location TEXT,
    message TEXT NOT NULL
);
"""


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def new_run_id() -> str:
    """Return a new run id: UTC timestamp plus a short random suffix, sortable by time."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


class Store:
    """The SQLite store of one corpus.

    Parameters
    ----------
    folder : path
        Folder that holds ``wijkanalyse.sqlite`` (created if missing, unless ``create=False``).
    create : bool, default True
        Create the folder and the schema if they do not exist. With False a missing store raises.

    Examples
    --------
    >>> store = Store(tmp_path)                       # doctest: +SKIP
    >>> with store.transaction() as con:              # doctest: +SKIP
    ...     con.execute("INSERT INTO memos ...")
    """

    FILENAME = "wijkanalyse.sqlite"

    def __init__(self, folder: Path | str, create: bool = True):
        self.folder = Path(folder)
        self.path = self.folder / self.FILENAME
        if not self.path.exists():
            if not create:
                raise StoreError(
                    f"No store at {self.path}. Run 'wijkanalyse ingest' first (or pass the right --corpus)."
                )
            self.folder.mkdir(parents=True, exist_ok=True)
        self._con = self._connect()
        self._init_schema()

    # -- connection -------------------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA busy_timeout=60000")
        con.execute("PRAGMA synchronous=NORMAL")
        return con

    def _init_schema(self) -> None:
        self._con.executescript(_SCHEMA)  # idempotent: CREATE ... IF NOT EXISTS
        with self.transaction() as con:
            row = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                con.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"Store {self.path} has schema version {row[0]}, newer than this wijkanalyse "
                    f"({SCHEMA_VERSION}). Upgrade wijkanalyse."
                )

    @property
    def con(self) -> sqlite3.Connection:
        """The underlying connection (autocommit; use :meth:`transaction` for writes)."""
        return self._con

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one write transaction: all of it is committed, or none of it."""
        con = self._con
        if con.in_transaction:  # nested: join the outer transaction
            yield con
            return
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        else:
            con.execute("COMMIT")

    # -- reading ----------------------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> pd.DataFrame:
        """Run a SELECT and return the rows as a DataFrame."""
        return pd.read_sql_query(sql, self._con, params=params)

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

    # -- runs -------------------------------------------------------------------------------------------------
    def start_run(self, command: str, params_json: str = "{}", run_id: str | None = None) -> str:
        """Record the start of a run and return its id."""
        run_id = run_id or new_run_id()
        with self.transaction() as con:
            con.execute(
                "INSERT INTO runs(run_id, command, started_at, status, params_json) VALUES (?,?,?,?,?)",
                (run_id, command, now_iso(), "running", params_json),
            )
        return run_id

    def finish_run(self, run_id: str, status: str = "ok", summary_json: str = "{}") -> None:
        """Record the end of a run."""
        with self.transaction() as con:
            con.execute(
                "UPDATE runs SET finished_at = ?, status = ?, summary_json = ? WHERE run_id = ?",
                (now_iso(), status, summary_json, run_id),
            )

    # -- coders and memos ------------------------------------------------------------------------------------
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
