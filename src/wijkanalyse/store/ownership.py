"""Which corpus a store belongs to, and who may write to it now.

A store belongs to one corpus: :meth:`OwnershipQueries.claim_corpus` records the corpus id and folder in
the ``meta`` table on first use and refuses any other corpus afterwards (two folders called ``corpus`` once
shared a store, and the second ingest removed the first corpus's documents and codings).

One process writes at a time: :meth:`OwnershipQueries.writer_lock` holds a lock file next to the database
(``wijkanalyse.lock``, via the ``filelock`` library, which works the same on Windows, macOS and Linux). A
second run waits for it, saying so, and gives up with a clear error after a timeout. The lock is reentrant
within a process (``run`` holds it for the update and the reports; each takes it again). Runs still marked
``running`` when the lock is first taken were interrupted (nobody else can be writing) and are marked
``interrupted``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from filelock import FileLock, Timeout

from wijkanalyse.exceptions import StoreError
from wijkanalyse.store._connection import Connection, now_iso

__all__ = ["OwnershipQueries", "LOCK_FILENAME", "DEFAULT_LOCK_TIMEOUT"]

LOCK_FILENAME = "wijkanalyse.lock"
#: Seconds a run waits for another run's writer lock before it gives up.
DEFAULT_LOCK_TIMEOUT = 600.0
log = logging.getLogger(__name__)


class OwnershipQueries(Connection):
    """The corpus a store belongs to, the writer lock, and interrupted runs."""

    def corpus_identity(self) -> tuple[str | None, str | None]:
        """Return ``(corpus id, corpus folder)`` recorded in the store; ``(None, None)`` for a new store."""
        rows = dict(self.con.execute("SELECT key, value FROM meta WHERE key IN ('corpus_id', 'corpus_path')"))
        return rows.get("corpus_id"), rows.get("corpus_path")

    def claim_corpus(self, corpus_id: str, corpus_path: str) -> None:
        """Record that this store belongs to a corpus, or refuse when it belongs to another one.

        The check and the record are one write transaction, so two processes that claim a new store at the
        same moment cannot both win.

        Parameters
        ----------
        corpus_id : str
            The corpus id (:attr:`wijkanalyse.config.Settings.corpus_id`).
        corpus_path : str
            The corpus folder, resolved. A store of the same id whose folder moved follows the folder.

        Raises
        ------
        StoreError
            When the store was made for a corpus with another id; nothing is changed then.
        """
        with self.transaction() as con:
            known_id, known_path = self.corpus_identity()
            if known_id is not None and known_id != corpus_id:
                raise StoreError(
                    f"The store {self.path} belongs to corpus '{known_id}' ({known_path}), not to "
                    f"'{corpus_id}' ({corpus_path}). Nothing was changed. Each corpus keeps its own store: "
                    "give this corpus its own 'name:' in its wijkanalyse.yml, or point it at another store "
                    "folder (store_dir, or the command line's --outputs)."
                )
            if known_id == corpus_id and known_path == corpus_path:
                return
            con.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [("corpus_id", corpus_id), ("corpus_path", corpus_path)],
            )

    @contextmanager
    def writer_lock(self, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
        """Hold the store's writer lock for the block; wait (saying so) while another run holds it.

        Taking the lock again inside the block (the same process) does not wait. When the lock is first
        taken, runs still marked ``running`` are marked ``interrupted`` (:meth:`close_interrupted_runs`); when
        the block stops with an error, the runs it left ``running`` are marked ``failed`` (``interrupted`` on
        Ctrl-C), so no run stays ``running`` after its process is gone.

        Parameters
        ----------
        timeout : float, default 600
            Seconds to wait for another run before giving up.

        Raises
        ------
        StoreError
            When another run still holds the lock after ``timeout`` seconds, or the lock file cannot be made
            (a folder one may not write to).
        """
        lock = FileLock(str(self.folder / LOCK_FILENAME), is_singleton=True)
        outermost = not lock.is_locked
        try:
            try:
                lock.acquire(timeout=0)
            except Timeout:
                log.warning(
                    "Another run is busy with the store %s; waiting for it (at most %.0f s).",
                    self.path,
                    timeout,
                )
                lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise StoreError(
                f"Another run is still busy with the store {self.path} after {timeout:.0f} s. Wait for "
                f"it to finish and try again (the lock is {lock.lock_file})."
            ) from exc
        except OSError as exc:
            raise StoreError(
                f"The lock file {lock.lock_file} cannot be made ({exc}). Check that you may write to the "
                f"folder {self.folder}, or use a folder you may write to (the command line's --outputs, or "
                "store_dir in the settings)."
            ) from exc
        try:
            if outermost:
                closed = self.close_interrupted_runs()
                if closed:
                    log.warning("%d run(s) of an earlier, interrupted process marked 'interrupted'.", closed)
            yield
        except BaseException as exc:
            if outermost:
                status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
                with suppress(sqlite3.Error):  # the error that stopped the block is the one to show
                    self.close_interrupted_runs(status)
            raise
        finally:
            lock.release()

    def close_interrupted_runs(self, status: str = "interrupted") -> int:
        """Mark runs still ``running`` as ``interrupted``; call only while holding the writer lock.

        Parameters
        ----------
        status : str, default "interrupted"
            The status they get (``failed`` for the runs of a block that stopped with an error).

        Returns
        -------
        int
            How many runs were marked.
        """
        with self.transaction() as con:
            cur = con.execute(
                "UPDATE runs SET status = ?, finished_at = ? WHERE status = 'running'", (status, now_iso())
            )
        return int(cur.rowcount or 0)
