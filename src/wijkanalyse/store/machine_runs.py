"""Named queries and writers of the machine coding history: every run's codings, so a run can be restored.

``machine_coding_runs`` has one row per machine coding run (its model id, mode, what it learned from, how it
decided); ``machine_coding_history`` keeps every machine coding a run wrote, also after a later run replaced
it. The live codings stay in ``codings``; :meth:`MachineRunQueries.machine_codings_as_of` reconstructs the
machine's codings as they were right after any run (per segment, the codings of the latest run up to it
that coded the segment), which is what ``wijkanalyse code-runs restore`` writes back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from wijkanalyse.store._connection import Connection, now_iso

__all__ = ["MachineRunQueries"]


class MachineRunQueries(Connection):
    """The ``machine_coding_runs`` and ``machine_coding_history`` tables."""

    def log_machine_run(
        self,
        run_id: str,
        model: str,
        mode: str,
        rows: Iterable[tuple[str, str, float]],
        *,
        state: dict[str, Any] | None = None,
        provenance: dict[str, Any] | None = None,
        counts: tuple[int, int, int] = (0, 0, 0),
        restored_from: str | None = None,
    ) -> None:
        """Record a machine coding run and the codings it wrote (``(segment_id, code_id, confidence)``).

        ``counts`` is ``(segments, coded, geen)``. Logging a run twice keeps its first order number.
        """
        with self.transaction() as con:
            seq = con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM machine_coding_runs").fetchone()[0]
            con.execute(
                "INSERT OR IGNORE INTO machine_coding_runs(run_id, seq, model, mode, restored_from, "
                "state_json, provenance_json, segments, coded, geen, created_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    run_id, seq, model, mode, restored_from,
                    json.dumps(state, default=str), json.dumps(provenance, default=str), *counts, now_iso(),
                ),
            )  # fmt: skip
            con.executemany(
                "INSERT OR IGNORE INTO machine_coding_history(run_id, segment_id, code_id, confidence, "
                "model) VALUES (?, ?, ?, ?, ?)",
                [(run_id, s, c, conf, model) for s, c, conf in rows],
            )

    def set_machine_run_counts(self, run_id: str, counts: tuple[int, int, int]) -> None:
        """Set a logged run's ``(segments, coded, geen)`` (a run written in batches, after each batch)."""
        with self.transaction() as con:
            con.execute(
                "UPDATE machine_coding_runs SET segments = ?, coded = ?, geen = ? WHERE run_id = ?",
                (*counts, run_id),
            )

    def segments_coded_in_runs(self, run_ids: Sequence[str]) -> set[str]:
        """Return the segments that the given runs wrote codings for (from the history)."""
        ids = list(run_ids)
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        sql = f"SELECT DISTINCT segment_id FROM machine_coding_history WHERE run_id IN ({marks})"
        rows = self.con.execute(sql, ids)
        return {r[0] for r in rows}

    def coding_pending(self) -> dict[str, Any] | None:
        """Return the unfinished full coding run(s) (``{"state": ..., "runs": [...]}``), or None.

        Set when a full recode starts writing in batches and cleared when it finishes, so a rerun with the
        same coding state codes only what the interrupted runs did not write.
        """
        row = self.con.execute("SELECT value FROM meta WHERE key = 'coding_pending'").fetchone()
        value = json.loads(row[0]) if row else None
        return value if isinstance(value, dict) else None

    def set_coding_pending(self, value: dict[str, Any] | None) -> None:
        """Record (or with None clear) the unfinished full coding run(s); see :meth:`coding_pending`."""
        with self.transaction() as con:
            if value is None:
                con.execute("DELETE FROM meta WHERE key = 'coding_pending'")
            else:
                con.execute(
                    "INSERT INTO meta(key, value) VALUES ('coding_pending', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (json.dumps(value, default=str),),
                )

    def archive_live_machine_codings(self, coder_id: str) -> int:
        """Copy live machine codings that the history lacks (stores made before it existed) into it.

        Returns
        -------
        int
            Codings archived.
        """
        with self.transaction() as con:
            missing = con.execute(
                "SELECT DISTINCT c.run_id, c.model FROM codings c WHERE c.coder_id = ? "
                "AND c.status = 'applied' AND c.run_id IS NOT NULL "
                "AND c.run_id NOT IN (SELECT run_id FROM machine_coding_runs) "
                "ORDER BY c.coding_id",
                (coder_id,),
            ).fetchall()
            for run_id, model in missing:
                seq = con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM machine_coding_runs").fetchone()[0]
                con.execute(
                    "INSERT OR IGNORE INTO machine_coding_runs(run_id, seq, model, mode, created_at) "
                    "VALUES (?, ?, ?, 'archived', ?)",
                    (run_id, seq, model or "", now_iso()),
                )
            cur = con.execute(
                "INSERT OR IGNORE INTO machine_coding_history(run_id, segment_id, code_id, confidence, "
                "model) SELECT run_id, segment_id, code_id, confidence, model FROM codings "
                "WHERE coder_id = ? AND status = 'applied' AND run_id IS NOT NULL",
                (coder_id,),
            )
            return int(cur.rowcount)

    def machine_runs(self) -> pd.DataFrame:
        """Every machine coding run, oldest first, with its counts and what it was based on.

        Returns
        -------
        pandas.DataFrame
            ``run_id, seq, model, mode, restored_from, segments, coded, geen, created_at, state_json,
            provenance_json, codings`` (codings: rows in the history).
        """
        return self.query(
            "SELECT r.run_id, r.seq, r.model, r.mode, r.restored_from, r.segments, r.coded, r.geen, "
            "r.created_at, r.state_json, r.provenance_json, "
            "(SELECT COUNT(*) FROM machine_coding_history h WHERE h.run_id = r.run_id) AS codings "
            "FROM machine_coding_runs r ORDER BY r.seq"
        )

    def machine_codings_as_of(self, run_id: str, segment_ids: Sequence[str]) -> pd.DataFrame:
        """Return the machine's codings right after run ``run_id``, for the segments that still exist.

        Per segment: the codings of the latest run up to ``run_id`` (in run order) that coded it.

        Returns
        -------
        pandas.DataFrame
            ``segment_id, code_id, confidence, model``; empty when the run is unknown.
        """
        row = self.con.execute("SELECT seq FROM machine_coding_runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            return pd.DataFrame(columns=["segment_id", "code_id", "confidence", "model"])
        df = self.query(
            "WITH h AS (SELECT h.segment_id, h.code_id, h.confidence, h.model, r.seq "
            "FROM machine_coding_history h JOIN machine_coding_runs r ON r.run_id = h.run_id "
            "WHERE r.seq <= ?), "
            "latest AS (SELECT segment_id, MAX(seq) AS seq FROM h GROUP BY segment_id) "
            "SELECT h.segment_id, h.code_id, h.confidence, h.model FROM h "
            "JOIN latest ON latest.segment_id = h.segment_id AND latest.seq = h.seq "
            "ORDER BY h.segment_id, h.code_id",
            (int(row[0]),),
        )
        return df[df["segment_id"].isin(set(segment_ids))].reset_index(drop=True)

    def machine_run_state(self, run_id: str) -> dict[str, Any] | None:
        """Return what a machine coding run was based on (its coding state), or None if unknown."""
        row = self.con.execute(
            "SELECT state_json FROM machine_coding_runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        if row is None or row[0] is None:
            return None
        state = json.loads(row[0])
        return state if isinstance(state, dict) else None
