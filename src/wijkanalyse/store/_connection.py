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
from wijkanalyse.store.schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION

__all__ = ["Connection", "now_iso", "new_run_id"]


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def new_run_id() -> str:
    """Return a new run id: UTC timestamp plus a short random suffix, sortable by time."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


class Connection:
    """An open SQLite store file with the project schema.

    Parameters
    ----------
    folder : path
        Folder that holds ``wijkanalyse.sqlite`` (created if missing, unless ``create=False``).
    create : bool, default True
        Create the folder and the schema if they do not exist. With False a missing store raises.
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
        self._con.executescript(SCHEMA)  # idempotent: CREATE ... IF NOT EXISTS
        with self.transaction() as con:
            for table, column, definition in MIGRATIONS:  # columns added since the store was made
                known = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
                if column not in known:
                    con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {definition}')
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
