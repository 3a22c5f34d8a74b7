"""Named queries and writers of the check sample: segments held out to test the machine, never to teach it.

A check sample is drawn at random (stratified per wijk and kind of source, see
:func:`wijkanalyse.review.sampling.choose_segments` with ``strategy='check'``) and coded by people, by default
*blind* (on a sheet without the machine's proposals). Agreement between the machine and people on these
segments is an honest estimate of the machine's accuracy on the corpus, because the learning coder never sees
them: it leaves out :meth:`CheckSampleQueries.check_segment_ids` when it trains.

A segment, once in the check sample, stays there with the round it was first drawn in (drawing it again
changes nothing): moving a segment from testing to teaching would make the estimate dishonest.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from wijkanalyse.store._connection import Connection, now_iso

__all__ = ["CheckSampleQueries"]

_COLUMNS = ["segment_id", "drawn_at", "round", "strategy", "blind"]


class CheckSampleQueries(Connection):
    """The ``check_sample`` table: which segments test the machine, from which draw, coded blind or not."""

    def _has_check_table(self) -> bool:
        """Whether the store has the table (a store of an older version opened read-only may lack it)."""
        row = self._con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'check_sample'"
        ).fetchone()
        return row is not None

    def mark_check_sample(
        self,
        segment_ids: Iterable[str],
        *,
        blind: bool = True,
        round: int | None = None,  # noqa: A002 - the column's name; callers write round=...
        strategy: str = "stratified",
    ) -> int:
        """Add segments to the check sample; segments already in it keep their first draw.

        Parameters
        ----------
        segment_ids : iterable of str
            The segments drawn.
        blind : bool, default True
            Whether they go out for coding without the machine's proposals.
        round : int, optional
            The draw they come from; by default one more than the highest round so far (1 for the first).
        strategy : str, default ``'stratified'``
            How they were drawn (recorded, not interpreted).

        Returns
        -------
        int
            How many segments were newly marked.
        """
        ids = list(dict.fromkeys(str(s) for s in segment_ids))
        with self.transaction() as con:
            if round is None:
                row = con.execute("SELECT max(round) FROM check_sample").fetchone()
                round = int(row[0] or 0) + 1
            before = con.total_changes
            con.executemany(
                "INSERT OR IGNORE INTO check_sample(segment_id, drawn_at, round, strategy, blind) "
                "VALUES (?,?,?,?,?)",
                [(s, now_iso(), int(round), strategy, int(bool(blind))) for s in ids],
            )
            return con.total_changes - before

    def check_sample(self) -> pd.DataFrame:
        """Return the check sample: ``segment_id, drawn_at, round, strategy, blind`` (bool), by round, id."""
        if not self._has_check_table():
            return pd.DataFrame(columns=_COLUMNS)
        frame = self.query(f"SELECT {', '.join(_COLUMNS)} FROM check_sample ORDER BY round, segment_id")
        frame["blind"] = frame["blind"].astype(bool)
        return frame

    def check_segment_ids(self) -> set[str]:
        """Return the ids of the segments in the check sample (never used to train the machine)."""
        if not self._has_check_table():
            return set()
        return {str(r[0]) for r in self._con.execute("SELECT segment_id FROM check_sample")}

    def unmark_check_sample(self, segment_ids: Iterable[str]) -> int:
        """Remove segments from the check sample (e.g. drawn by mistake); return how many were removed.

        Parameters
        ----------
        segment_ids : iterable of str
            The segments to remove.

        Returns
        -------
        int
            How many rows were removed.
        """
        ids = [(str(s),) for s in segment_ids]
        with self.transaction() as con:
            before = con.total_changes
            con.executemany("DELETE FROM check_sample WHERE segment_id = ?", ids)
            return con.total_changes - before
