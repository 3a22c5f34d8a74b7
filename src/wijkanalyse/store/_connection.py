"""The connection to one store file: WAL mode, a busy timeout, one write transaction at a time.

:class:`Connection` is the base of :class:`~wijkanalyse.store.Store`; the query modules of this package
(``documents``, ``codings``, ``themes``, ``runs``) add the named queries and writers on top of it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from wijkanalyse.exceptions import StoreError
from wijkanalyse.store.schema import CODINGS_REBUILD, MIGRATIONS, SCHEMA, SCHEMA_VERSION

__all__ = ["Connection", "now_iso", "new_run_id"]


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def new_run_id() -> str:
    """Return a new run id: UTC timestamp plus a short random suffix, sortable by time."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def _cannot_write(folder: Path, exc: BaseException, path: Path | None = None) -> str:
    """Return the message for a store that cannot be made or written: which folder, why, what to do."""
    what = f"The store {path}" if path else f"The store folder {folder}"
    if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.OperationalError):
        return (
            f"{what} cannot be opened ({exc}): it is damaged or not a wijkanalyse store. Restore it from a "
            "copy, or move it aside so that a new one is made."
        )
    return (
        f"{what} cannot be written ({exc}). Check that you may write to the folder {folder} and the files "
        "in it, or use a folder you may write to: the command line's --outputs, or store_dir in the settings."
    )


class Connection:
    """An open SQLite store file with the project schema.

    Parameters
    ----------
    folder : path
        Folder that holds ``wijkanalyse.sqlite`` (created if missing, unless ``create=False``).
    create : bool, default True
        Create the folder and the schema if they do not exist. With False a missing store raises.
    read_only : bool, default False
        Open an existing store for reading only (nothing is written, not even the schema): reading works in
        a folder one may not write to.

    Raises
    ------
    StoreError
        When the store is missing (``create=False`` or ``read_only``), or cannot be created or written: the
        message names the folder and what to do.
    """

    FILENAME = "wijkanalyse.sqlite"

    def __init__(self, folder: Path | str, create: bool = True, read_only: bool = False):
        self.folder = Path(folder)
        self.path = self.folder / self.FILENAME
        self.read_only = read_only
        if not self.path.exists():
            if not create or read_only:
                raise StoreError(
                    f"No store at {self.path}. Run 'wijkanalyse ingest' first (or pass the right --corpus)."
                )
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(_cannot_write(self.folder, exc)) from exc
        try:
            self._con = self._connect_read_only() if read_only else self._connect()
        except sqlite3.Error as exc:
            raise StoreError(_cannot_write(self.folder, exc, self.path)) from exc
        try:
            if read_only:
                self._check_version(self._con)
                self._check_migrated(self._con)
            else:
                self._init_schema()
        except sqlite3.Error as exc:
            self._con.close()
            if read_only:
                raise StoreError(f"The store {self.path} cannot be read: {exc}.") from exc
            raise StoreError(_cannot_write(self.folder, exc, self.path)) from exc

    # -- connection ------------------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA busy_timeout=60000")
        con.execute("PRAGMA synchronous=NORMAL")
        return con

    def _connect_read_only(self) -> sqlite3.Connection:
        """Open the file for reading only; works in a folder one may not write to (for ``status``)."""
        uri = self.path.resolve().as_uri()
        try:
            con = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=60, isolation_level=None)
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # a WAL store in a folder without write access: its -shm file cannot be made; nobody can be
            # writing to it then, so it is read as an unchanging file
            con = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA query_only=ON")
        return con

    def _init_schema(self) -> None:
        self._upgrade_codings()  # before SCHEMA: its indexes need the span columns
        self._con.executescript(SCHEMA)  # idempotent: CREATE ... IF NOT EXISTS
        with self.transaction() as con:
            for table, column, definition in MIGRATIONS:  # columns added since the store was made
                known = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
                if column not in known:
                    con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {definition}')
            if self._check_version(con) is None:
                con.execute(
                    "INSERT INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )

    @staticmethod
    def _old_codings(con: sqlite3.Connection) -> bool:
        """Whether the store has a schema-1 ``codings`` table (no span columns)."""
        columns = {row[1] for row in con.execute("PRAGMA table_info(codings)")}
        return bool(columns) and "span_start" not in columns

    def _upgrade_codings(self) -> None:
        """Rebuild a schema-1 ``codings`` table with span columns in one transaction; every coding is kept."""
        if not self._old_codings(self._con):
            return
        with self.transaction() as con:
            if not self._old_codings(con):  # another process upgraded it meanwhile
                return
            for statement in CODINGS_REBUILD:
                con.execute(statement)
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
                (str(SCHEMA_VERSION), SCHEMA_VERSION),
            )

    def _check_migrated(self, con: sqlite3.Connection) -> None:
        """Raise when a store opened for reading lacks columns added since it was made (none may be added)."""
        if self._old_codings(con):
            raise StoreError(
                f"The store {self.path} was made by an older wijkanalyse (codings without spans); reading it "
                "needs an upgrade. Run a verb that writes (e.g. 'wijkanalyse ingest') once, where you may "
                "write to the store."
            )
        for table, column, _definition in MIGRATIONS:
            if column not in {row[1] for row in con.execute(f"PRAGMA table_info({table})")}:
                raise StoreError(
                    f"The store {self.path} was made by an older wijkanalyse (no column {table}.{column}); "
                    "reading it needs an upgrade. Run a verb that writes (e.g. 'wijkanalyse ingest') once, "
                    "where you may write to the store."
                )

    def _check_version(self, con: sqlite3.Connection) -> int | None:
        """Return the store's schema version (None for a new store); raise when it is newer than this code."""
        row = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise StoreError(
                f"Store {self.path} has schema version {row[0]}, newer than this wijkanalyse "
                f"({SCHEMA_VERSION}). Upgrade wijkanalyse."
            )
        return None if row is None else int(row[0])

    @property
    def con(self) -> sqlite3.Connection:
        """The underlying connection (autocommit; use :meth:`transaction` for writes)."""
        return self._con

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> Any:
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

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> pd.DataFrame:
        """Run a SELECT and return the rows as a DataFrame."""
        return pd.read_sql_query(sql, self._con, params=params)
