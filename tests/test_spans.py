"""Span coding: a code on part of a segment; the schema-1 -> 2 migration of old stores; memos with history."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import demo_codebook
from wijkanalyse import analysis
from wijkanalyse.exceptions import StoreError
from wijkanalyse.review import agreement, coded_table
from wijkanalyse.review import decisions as review
from wijkanalyse.review.decisions import ReviewError
from wijkanalyse.store import SCHEMA_VERSION, Store, now_iso

KRANT = "12dfd9d050c9e6d7"  # "De wijkkrant moet blijven."
COMMUNICATIE = (
    "23014e4de6db960d"  # "De communicatie van de gemeente moet beter. Informatie komt altijd te laat."
)
FIRST = (0, 43)  # "De communicatie van de gemeente moet beter."
SECOND = (44, 75)  # "Informatie komt altijd te laat."


@pytest.fixture()
def store(mini_store):
    return mini_store[1]


def _codings(store, segment_id):
    sql = (
        "SELECT code_id, coder_id, status, span_start, span_end FROM codings WHERE segment_id = ? "
        "ORDER BY coder_id, code_id, span_start"
    )
    return [tuple(r) for r in store.con.execute(sql, (segment_id,))]


def test_the_offsets_this_test_uses(store):
    text = store.segment_text_map([COMMUNICATIE])[COMMUNICATIE]
    assert len(text) == 75
    assert text[slice(*FIRST)] == "De communicatie van de gemeente moet beter."
    assert text[slice(*SECOND)] == "Informatie komt altijd te laat."


def test_one_coder_codes_two_spans_of_one_code_in_one_segment(store):
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", *SECOND)
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", *FIRST)
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", *FIRST)  # again: nothing new
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "piet", 0, 75)  # the full range: whole
    assert _codings(store, COMMUNICATIE) == [
        ("communicatie", "anna", "applied", 0, 43),
        ("communicatie", "anna", "applied", 44, 75),
        ("communicatie", "piet", "applied", None, None),
    ]
    spans = review.span_codings(store, COMMUNICATIE, "anna")
    assert list(spans["quote"]) == [
        "De communicatie van de gemeente moet beter.",
        "Informatie komt altijd te laat.",
    ]
    # the sheet and the widget see one decision per segment and code
    mine = review.coder_codings(store, "anna", [COMMUNICATIE])
    assert list(zip(mine["code_id"], mine["status"], strict=True)) == [("communicatie", "applied")]
    assert review.remove_span_coding(store, COMMUNICATIE, "communicatie", "anna", *FIRST) is True
    assert review.remove_span_coding(store, COMMUNICATIE, "communicatie", "anna", *FIRST) is False
    assert review.remove_span_coding(store, COMMUNICATIE, "communicatie", "piet", 0, 75) is True
    assert _codings(store, COMMUNICATIE) == [("communicatie", "anna", "applied", 44, 75)]


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (5, 5), (10, 4), (0, 76), (70, 80), (1.0, 5), (True, 5)])
def test_offsets_outside_the_text_are_refused_with_the_length(store, start, end):
    with pytest.raises(ReviewError, match=r"0 <= start < end <= 75"):
        review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", start, end)
    assert _codings(store, COMMUNICATIE) == []


def test_the_rules_of_human_coding_apply_to_spans(store):
    with pytest.raises(ReviewError, match="reserved for the coding engine"):
        review.add_span_coding(store, COMMUNICATIE, "communicatie", "machine", *FIRST)
    with pytest.raises(ReviewError, match="Did you mean 'communicatie'"):
        review.add_span_coding(store, COMMUNICATIE, "communicatei", "anna", *FIRST)
    with pytest.raises(ReviewError, match="No segment with id 'nope'"):
        review.add_span_coding(store, "nope", "communicatie", "anna", 0, 1)
    # a span withdraws the coder's rejection of the code; a rejection withdraws their spans
    review.reject_coding(store, COMMUNICATIE, "communicatie", "anna")
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", *SECOND)
    assert _codings(store, COMMUNICATIE) == [("communicatie", "anna", "applied", 44, 75)]
    review.reject_coding(store, COMMUNICATIE, "communicatie", "anna")
    assert _codings(store, COMMUNICATIE) == [("communicatie", "anna", "rejected", None, None)]
    # the sheet's "exactly these codes" leaves a span of a code that stays, and withdraws one that goes
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", *SECOND)
    review.add_span_coding(store, COMMUNICATIE, "verbeteren", "anna", *FIRST)
    review.set_segment_codes(store, COMMUNICATIE, ["communicatie"], "anna")
    assert _codings(store, COMMUNICATIE) == [("communicatie", "anna", "applied", 44, 75)]


def test_agreement_and_reports_count_a_span_for_its_segment(store):
    # anna codes two spans, piet the whole segment: for the segment they agree on 'communicatie'
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", *FIRST)
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", *SECOND)
    review.add_coding(store, COMMUNICATIE, "communicatie", "piet")
    review.add_coding(store, KRANT, "communicatie", "anna")
    review.add_coding(store, KRANT, "communicatiemiddelen", "piet")
    decisions = agreement.coder_decisions(store, ["anna", "piet"])
    assert decisions["anna"][(COMMUNICATIE, "thema")] == frozenset({"communicatie"})
    assert decisions["piet"][(COMMUNICATIE, "thema")] == frozenset({"communicatie"})
    agr = agreement.compute_agreement(store, ["anna", "piet"])
    assert list(agr.disagreements["segment_id"]) == [KRANT]
    # the report's themes: one row for the segment and code, not one per span
    data = analysis.load(store)
    rows = data.themes[
        (data.themes["segment_id"] == COMMUNICATIE) & (data.themes["code_id"] == "communicatie")
    ]
    assert len(rows) == 1 and rows.iloc[0]["source"] == "human"


def test_the_coded_table_shows_each_span_with_its_quote(store, tmp_path):
    review.add_span_coding(store, COMMUNICATIE, "communicatie", "anna", *SECOND)
    review.add_coding(store, KRANT, "behouden", "anna")
    table = store.codings_table("human")
    quotes = dict(zip(table["segment_id"], table["quote"], strict=True))
    assert quotes == {COMMUNICATIE: "Informatie komt altijd te laat.", KRANT: "De wijkkrant moet blijven."}
    span = table.set_index("segment_id").loc[COMMUNICATIE]
    assert (span["span_start"], span["span_end"]) == (44, 75)
    path = coded_table.export_codings_table(store, tmp_path / "c.csv")
    assert "Informatie komt altijd te laat." in path.read_text(encoding="utf-8-sig")


# -- the migration of a store made before spans ------------------------------------------------------------
OLD_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE codings (
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
CREATE INDEX ix_codings_segment ON codings(segment_id);
CREATE TABLE memos (
    memo_id INTEGER PRIMARY KEY AUTOINCREMENT,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('code', 'segment', 'document', 'project')),
    target_id TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO meta VALUES ('schema_version', '1');
"""
OLD_CODINGS = [
    (3, "s1", "communicatie", "anna", "human", "applied", None, None, None, "2024-01-02T10:00:00+00:00"),
    (5, "s1", "vertrouwen", "anna", "human", "rejected", None, None, None, "2024-01-02T10:01:00+00:00"),
    (
        8,
        "s1",
        "vertrouwen",
        "machine",
        "machine",
        "applied",
        0.71,
        "m-1",
        "run-1",
        "2024-01-01T09:00:00+00:00",
    ),
    (9, "s2", "geen", "piet", "human", "applied", None, None, None, "2024-01-03T11:00:00+00:00"),
]


def _old_store(folder):
    folder.mkdir()
    con = sqlite3.connect(folder / Store.FILENAME)
    con.executescript(OLD_SCHEMA)
    con.executemany("INSERT INTO codings VALUES (?,?,?,?,?,?,?,?,?,?)", OLD_CODINGS)
    con.execute(
        "INSERT INTO memos VALUES (1, 'segment', 's1', 'anna', 'Mooi citaat.', '2024-01-02T10:02:00+00:00')"
    )
    con.commit()
    with pytest.raises(sqlite3.IntegrityError):  # the old table cannot hold a second span of one code
        con.execute("INSERT INTO codings(segment_id, code_id, coder_id, kind, created_at) VALUES "
                    "('s1', 'communicatie', 'anna', 'human', 'x')")  # fmt: skip
    con.close()


def test_an_old_store_keeps_every_coding_and_memo_and_can_then_hold_spans(tmp_path):
    folder = tmp_path / "store"
    _old_store(folder)
    with pytest.raises(StoreError, match="needs an upgrade"):  # reading only: no upgrade, a clear message
        Store(folder, read_only=True)
    store = Store(folder)
    columns = "coding_id, segment_id, code_id, coder_id, kind, status, confidence, model, run_id, created_at"
    rows = [tuple(r) for r in store.con.execute(f"SELECT {columns}, span_start, span_end FROM codings")]
    assert rows == [(*r, None, None) for r in OLD_CODINGS]
    version = store.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert int(version) == SCHEMA_VERSION == 2
    memo = store.memo_row(1)
    assert (memo["text"], memo["created_at"], memo["updated_at"]) == (
        "Mooi citaat.",
        "2024-01-02T10:02:00+00:00",
        None,
    )
    # the rebuilt table takes several spans of one code by one coder, and whole-segment upserts still work
    with store.transaction() as con:
        con.execute(
            "INSERT INTO documents(doc_id, path, content_hash, format, text, ingested_at) "
            "VALUES ('d', 'a.txt', 'h', 'txt', 'Het trapveldje is te klein.', ?)",
            (now_iso(),),
        )
        con.execute(
            'INSERT INTO segments(segment_id, doc_id, position, start, "end", text, text_hash, unit) '
            "VALUES ('s1', 'd', 0, 0, 27, 'Het trapveldje is te klein.', 'h', 'paragraph')"
        )
    review.ensure_codes(store, demo_codebook())
    review.add_span_coding(store, "s1", "communicatie", "anna", 4, 14)
    review.add_span_coding(store, "s1", "communicatie", "anna", 18, 26)
    review.add_coding(store, "s1", "communicatie", "anna")  # the old whole-segment row, updated in place
    assert _codings(store, "s1") == [
        ("communicatie", "anna", "applied", None, None),
        ("communicatie", "anna", "applied", 4, 14),
        ("communicatie", "anna", "applied", 18, 26),
        ("vertrouwen", "anna", "rejected", None, None),
        ("vertrouwen", "machine", "applied", None, None),
    ]
    store.close()
    again = Store(folder)  # opening again changes nothing
    assert len(again.con.execute("SELECT * FROM codings").fetchall()) == 6
    again.close()


# -- memos: edit, delete, history --------------------------------------------------------------------------
def test_memos_are_edited_and_deleted_and_nothing_is_lost(store):
    first = review.add_memo(store, "segment", KRANT, "anna", "Mooi citaat.")
    other = review.add_memo(store, "document", "oost/notitie.txt", "piet", "Notitie van de wijkmanager.")
    review.edit_memo(store, first, "Mooi citaat over de wijkkrant.", "anna")
    review.edit_memo(store, first, "Sterk citaat over de wijkkrant.", "piet")
    review.delete_memo(store, other, "piet")
    listed = review.memo_list(store)
    assert list(listed["memo_id"]) == [first]
    row = listed.iloc[0]
    assert (row["text"], row["author"], row["path"]) == (
        "Sterk citaat over de wijkkrant.",
        "anna",
        "noord/2023-01-10-sessie.md",
    )
    assert row["updated_at"] is not None
    history = review.memo_history(store)
    assert list(
        zip(history["memo_id"], history["action"], history["text"], history["changed_by"], strict=True)
    ) == [
        (first, "edited", "Mooi citaat.", "anna"),
        (first, "edited", "Mooi citaat over de wijkkrant.", "piet"),
        (other, "deleted", "Notitie van de wijkmanager.", "piet"),
    ]
    with pytest.raises(ReviewError, match="No memo with id 999"):
        review.edit_memo(store, 999, "x", "anna")
    with pytest.raises(ReviewError, match="needs some text"):
        review.edit_memo(store, first, "  ", "anna")
    with pytest.raises(ReviewError, match="No memo with id"):
        review.delete_memo(store, other, "piet")  # deleted already
