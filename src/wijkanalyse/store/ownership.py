"""Which corpus a store belongs to, and who may write to it now.

A store belongs to one corpus: :meth:`OwnershipQueries.claim_corpus` records the corpus id and folder in
the ``meta`` table on first use and refuses any other corpus afterwards (two folders called ``corpus`` once
shared a store, and the second ingest removed the first corpus's documents and codings).

One process writes at a time: :meth:`OwnershipQueries.writer_lock` holds a lock file next to the database
(``wijkanalyse.lock``, via the ``filelock`` library, which works the same on Windows, macOS and Linux). A
second run waits for it, saying so, and gives up with a clear error after a timeout. Runs still marked
``running`` when the lock is taken were interrupted (nobody else can be writing) and are marked
``interrupted``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from wijkanalyse.exceptions import StoreError
from wijkanalyse.store._connection import Connection, now_iso

__all__ = ["OwnershipQueries", "LOCK_FILENAME"]

LOCK_FILENAME = "wijkanalyse.lock"
log = logging.getLogger(__name__)


class OwnershipQueries(Connection):
    """The corpus a store belongs to, the writer lock, and interrupted runs."""

    def corpus_identity(self) -> tuple[str | None, str | None]:
        """Return ``(corpus id, corpus folder)`` recorded in the store; ``(None, None)`` for a new store."""
        rows = dict(self.con.execute("SELECT key, value FROM meta WHERE key IN ('corpus_id', 'corpus_path')"))
        return rows.get("corpus_id"), rows.get("corpus_path")

    def claim_corpus(self, corpus_id: str, corpus_path: str) -> None:
        """Record that this store belongs to a corpus, or refuse when it belongs to another one.

        Parameters
        ----------
        corpus_id : str
            The corpus id (:attr:`wijkanalyse.config.Settings.corpus_id`).
        corpus_path : str
            The corpus folder, resolved. A store of the same id whose folder moved follows the folder.

        Raises
        ------
        StoreError
            When the store was made for a corpus with another id.
        """
        known_id, known_path = self.corpus_identity()
        if known_id is not None and known_id != corpus_id:
            raise StoreError(
                f"The store {self.path} belongs to corpus '{known_id}' ({known_path}), not to "
                f"'{corpus_id}' ({corpus_path}). Nothing was changed. Each corpus keeps its own store: give "
                "this corpus its own 'name:' in its wijkanalyse.yml, or point it at another store folder "
                "(store_dir)."
            )
        if known_id == corpus_id and known_path == corpus_path:
            return
        with self.transaction() as con:
            con.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [("corpus_id", corpus_id), ("corpus_path", corpus_path)],
            )

    @contextmanager
    def writer_lock(self, timeout: float = 600.0) -> Iterator[None]:
        """Hold the store's writer lock for the block; wait (saying so) while another run holds it.

        Parameters
        ----------
        timeout : float, default 600
            Seconds to wait for another run before giving up.

        Raises
        ------
        StoreError
            When another run still holds the lock after ``timeout`` seconds.
        """
        lock = FileLock(str(self.folder / LOCK_FILENAME))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.warning(
                "Another run is busy with the store %s; waiting for it (at most %.0f s).", self.path, timeout
            )
            try:
                lock.acquire(timeout=timeout)
            except Timeout as exc:
                raise StoreError(
                    f"Another run is still busy with the store {self.path} after {timeout:.0f} s. Wait for "
                    f"it to finish and try again (the lock is {lock.lock_file})."
                ) from exc
        try:
            self.close_interrupted_runs()
            yield
        finally:
            lock.release()

    def close_interrupted_runs(self) -> int:
        """Mark runs still ``running`` as ``interrupted``; call only while holding the writer lock.

        Returns
        -------
        int
            How many runs were marked.
        """
        with self.transaction() as con:
            cur = con.execute(
                "UPDATE runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'",
                (now_iso(),),
            )
        return int(cur.rowcount or 0)
