"""The schema of the project store: every table, in one place.

Tables of every stage are created here (documents and segments of ingest, codes and codings, memos, runs,
discovered themes), so one file shows the whole data model. Adding a column: add it here and to
:data:`MIGRATIONS` (applied to stores made by an older version when they are opened).
"""

from __future__ import annotations

__all__ = [
    "SCHEMA_VERSION",
    "SCHEMA",
    "CODINGS_TABLE",
    "CODINGS_REBUILD",
    "MIGRATIONS",
    "EMBEDDING_SCHEMA",
    "PSEUDONYM_KEY_SCHEMA",
    "SEARCH_SCHEMA",
]

SCHEMA_VERSION = 2

#: The ``codings`` table (``{table}``: its name; the schema-2 migration builds it under a temporary name).
#:
#: A coding is a code applied to (or, ``status='rejected'``, judged not to apply to) a *span* of a segment:
#: ``span_start``/``span_end`` are 0-based, end-exclusive character offsets into ``segments.text`` (the
#: normalised, pseudonymised text; add ``segments.start`` for offsets into the document). Whole-segment
#: coding is the special case and is stored as ``span_start = span_end = NULL``: every coding made before
#: spans existed, the machine's, the coding sheet's and the widget's tick boxes. A span that covers the whole
#: segment text is stored as NULL too, so one decision has one form. Rejections are always whole-segment.
#: One coder may code several spans of one code in one segment: the two partial unique indexes below keep
#: one row per (segment, code, coder) for the whole segment and one per (segment, code, coder, span).
#: Analysis, agreement and reports count a span for the segment that holds it.
CODINGS_TABLE = """
CREATE TABLE IF NOT EXISTS {table} (
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
    span_start INTEGER,                 -- NULL: the whole segment; else offset into segments.text
    span_end INTEGER,                   -- NULL with span_start; else end-exclusive offset
    CHECK ((span_start IS NULL AND span_end IS NULL)
           OR (span_start >= 0 AND span_end > span_start AND status = 'applied'))
);"""

#: Schema 1 -> 2: rebuild ``codings`` with span columns and without ``UNIQUE (segment_id, code_id,
#: coder_id)`` (SQLite cannot drop a table constraint). Run in one transaction by the store when it opens a
#: schema-1 store: every coding is copied with its id; each becomes a whole-segment coding.
CODINGS_REBUILD: tuple[str, ...] = (
    CODINGS_TABLE.format(table="codings_v2"),
    "INSERT INTO codings_v2(coding_id, segment_id, code_id, coder_id, kind, status, confidence, model, "
    "run_id, created_at) SELECT coding_id, segment_id, code_id, coder_id, kind, status, confidence, model, "
    "run_id, created_at FROM codings ORDER BY coding_id",
    "DROP TABLE codings",
    "ALTER TABLE codings_v2 RENAME TO codings",
)

SCHEMA = (
    """
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
    unit TEXT NOT NULL,                 -- turn, paragraph, bullet, answer, table-row (+ '-part' when split)
    wijk TEXT,
    date TEXT,
    session TEXT,
    kind TEXT,
    speaker TEXT,                       -- a placeholder such as [PERSOON-3], never a name
    role TEXT,                          -- bewoner, wijkraadslid, ambtenaar, gespreksleider, partner,
                                        -- respondent, onbekend
    time_start TEXT,
    time_end TEXT,
    section TEXT,                       -- heading the segment stands under (e.g. 'Vragen en zorgen')
    question TEXT,                      -- survey question key
    respondent_id TEXT,
    boilerplate INTEGER NOT NULL DEFAULT 0  -- 1: the text recurs in many documents: never coded or quoted
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
"""
    + CODINGS_TABLE.format(table="codings")
    + """
CREATE UNIQUE INDEX IF NOT EXISTS ux_codings_whole ON codings(segment_id, code_id, coder_id)
    WHERE span_start IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS ux_codings_span
    ON codings(segment_id, code_id, coder_id, span_start, span_end) WHERE span_start IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_codings_segment ON codings(segment_id);
CREATE TABLE IF NOT EXISTS memos (
    memo_id INTEGER PRIMARY KEY AUTOINCREMENT,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('code', 'segment', 'document', 'project')),
    target_id TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT                     -- last edit (NULL: never edited); old texts are in memo_history
);
CREATE TABLE IF NOT EXISTS memo_history (  -- every memo text replaced or deleted: nothing is lost
    history_id INTEGER PRIMARY KEY AUTOINCREMENT,
    memo_id INTEGER NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,                 -- the text as it was before the change
    created_at TEXT NOT NULL,           -- when that text was written (the memo's creation or last edit)
    action TEXT NOT NULL CHECK (action IN ('edited', 'deleted')),
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_memo_history_memo ON memo_history(memo_id);
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
CREATE TABLE IF NOT EXISTS themes (            -- discovered themes: one set of rows per discovery run
    run_id TEXT NOT NULL,
    theme_id INTEGER NOT NULL,          -- kept from run to run (wijkanalyse.coding.theme_state); never reused
    label TEXT NOT NULL,                -- a short name from the top phrases, e.g. 'speeltuin / hangplek'
    top_words TEXT NOT NULL,            -- JSON list of the top c-TF-IDF words
    size INTEGER NOT NULL,              -- segments assigned (after outlier reduction)
    representative_ids TEXT NOT NULL,   -- JSON list of the segment ids closest to the theme centre
    closest_code TEXT,
    closest_confidence REAL,
    coded_share REAL,                   -- share of its segments that get a code (not 'geen')
    covered INTEGER NOT NULL DEFAULT 0, -- 1 when coded_share >= 0.5
    model TEXT,
    created_at TEXT NOT NULL,
    promoted_code TEXT,                 -- the code this theme became (wijkanalyse codebook promote)
    PRIMARY KEY (run_id, theme_id)
);
CREATE TABLE IF NOT EXISTS segment_themes (
    run_id TEXT NOT NULL,
    segment_id TEXT NOT NULL,
    theme_id INTEGER NOT NULL,          -- -1 only if no theme could be assigned
    outlier INTEGER NOT NULL DEFAULT 0, -- 1 when HDBSCAN left it out and it was reassigned
    PRIMARY KEY (run_id, segment_id)
);
CREATE INDEX IF NOT EXISTS ix_segment_themes_theme ON segment_themes(run_id, theme_id);
CREATE TABLE IF NOT EXISTS machine_coding_runs (   -- one row per machine coding run (coding/apply.py)
    run_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,               -- order of the runs (1, 2, ...)
    model TEXT NOT NULL,                -- the model id written with its codings
    mode TEXT NOT NULL,                 -- full, incremental, restore (of restored_from)
    restored_from TEXT,
    state_json TEXT,                    -- what the run was based on (model, threshold, human codings)
    provenance_json TEXT,               -- how the coder learned and decided (coding/guard.py)
    segments INTEGER,
    coded INTEGER,
    geen INTEGER,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS machine_coding_history (  -- every machine coding a run wrote, kept after replacing
    run_id TEXT NOT NULL,
    segment_id TEXT NOT NULL,
    code_id TEXT NOT NULL,
    confidence REAL,
    model TEXT,
    PRIMARY KEY (run_id, segment_id, code_id)
);
CREATE TABLE IF NOT EXISTS check_sample (      -- segments held out to test the machine: never trained on
    segment_id TEXT PRIMARY KEY,
    drawn_at TEXT NOT NULL,
    round INTEGER,                      -- 1, 2, ...: the draw it came from
    strategy TEXT,                      -- how it was drawn, e.g. 'stratified' (per wijk and kind of source)
    blind INTEGER NOT NULL DEFAULT 1    -- 1: exported for coding without the machine's proposals
);
"""
)

#: Columns added to :data:`SCHEMA` since stores were first made: ``(table, column, type and default)``. A
#: store that lacks one gets it (``ALTER TABLE ... ADD COLUMN``) when it is opened; every added column has a
#: default, so code that does not know it keeps working.
MIGRATIONS: tuple[tuple[str, str, str], ...] = (
    ("segments", "boilerplate", "INTEGER NOT NULL DEFAULT 0"),
    ("memos", "updated_at", "TEXT"),
    ("themes", "promoted_code", "TEXT"),
)

#: The embedding cache: its own SQLite file next to the store (``<store_dir>/embeddings.sqlite``), so that
#: large arrays stay out of the store (see :class:`~wijkanalyse.store.EmbeddingCache`).
EMBEDDING_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model_id TEXT NOT NULL,             -- embedder model and version
    text_hash TEXT NOT NULL,            -- sha256 of the text (UTF-8)
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,               -- float32 in numpy's native byte order (ndarray.tobytes)
    PRIMARY KEY (model_id, text_hash)
);
"""

#: The pseudonymisation key: its own SQLite file under ``private/`` (``Settings.key_path``), never in the
#: store, a report or an export (see :class:`~wijkanalyse.store.PseudonymKey`). One statement, kept as first
#: written: key files made by earlier versions hold exactly this table.
PSEUDONYM_KEY_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pseudonym_key (category TEXT NOT NULL, value TEXT NOT NULL, "
    "placeholder TEXT NOT NULL, PRIMARY KEY (category, value))"
)

#: What ingest remembers of each survey row it pseudonymised, so that an updated survey export pseudonymises
#: only its new and changed rows: its own SQLite file next to the pseudonymisation key under ``private/``
#: (the row hash is of the raw row), see :class:`~wijkanalyse.store.RowMemory`.
ROW_MEMORY_SCHEMA = """
CREATE TABLE IF NOT EXISTS survey_rows (
    doc_id TEXT NOT NULL,               -- documents.doc_id of the survey
    row_hash TEXT NOT NULL,             -- sha256 of the raw row (respondent, wijk, answers)
    context TEXT NOT NULL,              -- hash of the pseudonymisation settings the row was done with
    output TEXT NOT NULL,               -- JSON: the pseudonymised answers, respondent and counts
    PRIMARY KEY (doc_id, row_hash)
);
"""

#: The keyword search index (SQLite FTS5, ranked with bm25), created on first use by
#: :class:`~wijkanalyse.store.search_index.SearchQueries`, so that a SQLite without FTS5 can still open a
#: store. One row per segment: its stems and its normalised words, space-separated (the search package makes
#: them); ``meta.search_index`` records the segments and the tokeniser it was built from.
SEARCH_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS segment_fts USING fts5(
    segment_id UNINDEXED,               -- segments.segment_id (a row number for an index of a table)
    stems,                              -- Dutch stems: words and phrases match here
    words,                              -- lower-case words without diacritics: prefixes and compounds
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE IF NOT EXISTS segment_fts_terms USING fts5vocab(segment_fts, 'col');
"""
