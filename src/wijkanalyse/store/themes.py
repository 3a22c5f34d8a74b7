"""Named queries and writers for discovered themes (the tables of discovery)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from wijkanalyse.store._connection import Connection, now_iso

__all__ = ["ThemeQueries"]


class ThemeQueries(Connection):
    """The ``themes`` and ``segment_themes`` tables of discovery runs (one set of rows per run)."""

    def add_theme_run(
        self,
        run_id: str,
        themes: Iterable[Mapping[str, Any]],
        assignments: Iterable[tuple[str, int, bool]],
        model: str,
    ) -> None:
        """Write the themes and segment assignments of one discovery run, in one transaction.

        Parameters
        ----------
        run_id : str
        themes : iterable of mapping
            One mapping per theme with ``theme_id``, ``label``, ``top_words`` (list of str), ``size``,
            ``representative_ids`` (list of segment ids), ``closest_code``, ``closest_confidence``,
            ``coded_share`` and ``covered``; optionally ``promoted_code``.
        assignments : iterable of (str, int, bool)
            ``(segment_id, theme_id, outlier)`` per segment.
        model : str
            The model that found the themes, written with every theme.
        """
        created = now_iso()
        theme_rows = [
            (
                run_id,
                int(t["theme_id"]),
                t["label"],
                json.dumps(t["top_words"], ensure_ascii=False),
                int(t["size"]),
                json.dumps(t["representative_ids"]),
                t["closest_code"],
                float(t["closest_confidence"]),
                float(t["coded_share"]),
                int(bool(t["covered"])),
                model,
                created,
                t.get("promoted_code") or None,
            )
            for t in themes
        ]
        link_rows = [(run_id, str(s), int(t), int(bool(o))) for s, t, o in assignments]
        with self.transaction() as con:
            con.executemany(
                "INSERT INTO themes(run_id, theme_id, label, top_words, size, representative_ids, "
                "closest_code, closest_confidence, coded_share, covered, model, created_at, promoted_code) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                theme_rows,
            )
            con.executemany(
                "INSERT INTO segment_themes(run_id, segment_id, theme_id, outlier) VALUES (?,?,?,?)",
                link_rows,
            )

    def mark_theme_promoted(self, run_id: str, theme_id: int, code_id: str) -> int:
        """Record that a theme of a discovery run became a code (later runs carry it with the theme's id).

        Returns
        -------
        int
            Rows changed: 1, or 0 when the run has no such theme.
        """
        with self.transaction() as con:
            cur = con.execute(
                "UPDATE themes SET promoted_code = ? WHERE run_id = ? AND theme_id = ?",
                (code_id, run_id, int(theme_id)),
            )
            return int(cur.rowcount)

    def latest_theme_run(self) -> str | None:
        """Return the id of the newest discovery run, or None when discovery never ran.

        The newest is the one written last: by ``created_at`` (seconds), then by the order of writing, so two
        runs in the same second are told apart.
        """
        row = self._con.execute(
            "SELECT run_id FROM themes ORDER BY created_at DESC, rowid DESC LIMIT 1"
        ).fetchone()
        return None if row is None else str(row[0])

    def themes(self, run_id: str | None = None) -> pd.DataFrame:
        """Return the themes of one discovery run as stored (``top_words``, ``representative_ids``: JSON).

        Parameters
        ----------
        run_id : str, optional
            Default: the newest run (:meth:`latest_theme_run`).

        Returns
        -------
        pandas.DataFrame
            Every column of the ``themes`` table, ordered by theme id; no rows when there is no such run.
        """
        run_id = run_id if run_id is not None else self.latest_theme_run()
        if run_id is None:
            return self.query("SELECT * FROM themes WHERE 0")
        return self.query("SELECT * FROM themes WHERE run_id = ? ORDER BY theme_id", (run_id,))

    def segment_themes(self, run_id: str | None = None) -> pd.DataFrame:
        """Return the theme of every segment in one discovery run.

        Parameters
        ----------
        run_id : str, optional
            Default: the newest run (:meth:`latest_theme_run`).

        Returns
        -------
        pandas.DataFrame
            ``run_id, segment_id, theme_id, outlier``, ordered by segment id; no rows when there is no
            such run.
        """
        run_id = run_id if run_id is not None else self.latest_theme_run()
        if run_id is None:
            return self.query("SELECT * FROM segment_themes WHERE 0")
        return self.query("SELECT * FROM segment_themes WHERE run_id = ? ORDER BY segment_id", (run_id,))
