"""Named queries and writers for runs (the log of every command that changed the store)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from wijkanalyse.store._connection import Connection, new_run_id, now_iso

__all__ = ["RunQueries"]


class RunQueries(Connection):
    """The ``runs`` table."""

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

    def run_status(self, run_id: str) -> str | None:
        """Return the status of a run (``running``, ``ok``, ``failed``, ``interrupted``, ...) or None."""
        row = self.con.execute("SELECT status FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return None if row is None else str(row[0])

    def run_summary(self, run_id: str) -> dict[str, Any]:
        """Return the summary a run left (its ``summary_json``), or an empty dict."""
        row = self.con.execute("SELECT summary_json FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return dict(json.loads(row[0] or "{}")) if row is not None else {}

    def running_runs(self) -> list[str]:
        """Return the ids of the runs still marked ``running``, oldest first.

        While nobody holds the writer lock (:meth:`~wijkanalyse.store.Store.writer_lock`) these are runs of a
        process that was killed; taking the lock marks them ``interrupted``.
        """
        rows = self.con.execute(
            "SELECT run_id FROM runs WHERE status = 'running' ORDER BY started_at, rowid"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def recent_runs(self, limit: int = 5) -> pd.DataFrame:
        """Return the newest runs, newest first (runs started in the same second: the later one first).

        Parameters
        ----------
        limit : int, default 5
            How many runs at most.

        Returns
        -------
        pandas.DataFrame
            Columns ``run_id``, ``command``, ``status``, ``started_at``.
        """
        return self.query(
            "SELECT run_id, command, status, started_at FROM runs "
            "ORDER BY started_at DESC, rowid DESC LIMIT ?",
            (int(limit),),
        )
