"""The pseudonymisation key: which placeholder stands for which value, in its own SQLite file.

The key is the one file that links placeholders such as ``[PERSOON-3]`` back to names, so it never goes into
the project store, a report or an export: it lives under ``private/`` (see
:attr:`wijkanalyse.config.Settings.key_path`), one table ``pseudonym_key(category, value, placeholder)``.
:class:`PseudonymKey` reads it whole when opened, hands out new numbered placeholders in memory, and writes
what is new in one transaction on :meth:`PseudonymKey.save` (or :meth:`PseudonymKey.close`).

Only the owner may read it: the key file is created with mode 0600 and its folder with mode 0700, and a key
file or folder that exists with looser modes is tightened to these when the key is opened (on POSIX systems;
on Windows the folder's access list applies).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections import Counter
from pathlib import Path
from types import TracebackType

from wijkanalyse.store.schema import PSEUDONYM_KEY_SCHEMA

__all__ = ["PseudonymKey", "KEY_FILE_MODE", "KEY_FOLDER_MODE"]

_NUMBER_RE = re.compile(r"-(\d+)\]$")
#: permissions of the key file and of the folder that holds it: the owner only
KEY_FILE_MODE = 0o600
KEY_FOLDER_MODE = 0o700


def _private_file(path: Path) -> None:
    """Create the key's folder (0700) and file (0600), or tighten them when they exist with looser modes."""
    path.parent.mkdir(mode=KEY_FOLDER_MODE, parents=True, exist_ok=True)
    if os.name != "posix":
        return
    os.chmod(path.parent, KEY_FOLDER_MODE)
    # created empty with the right mode before SQLite opens it (SQLite gives its journal the file's mode)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, KEY_FILE_MODE))
    os.chmod(path, KEY_FILE_MODE)


class PseudonymKey:
    """The key (category, normalised value) -> placeholder, kept in a separate SQLite file.

    Parameters
    ----------
    path : path or None
        SQLite file of the key (its folder is created if missing; file 0600, folder 0700). ``None`` keeps the
        key in memory only (tests, coding a one-off file).

    Examples
    --------
    >>> key = PseudonymKey(None)
    >>> key.assign("EMAIL", "a@b.nl")
    '[EMAIL-1]'
    >>> key.lookup("EMAIL", "a@b.nl"), key.lookup("EMAIL", "c@d.nl")
    ('[EMAIL-1]', None)
    >>> key.close()
    """

    def __init__(self, path: Path | str | None):
        self.path = Path(path) if path else None
        if self.path:
            _private_file(self.path)
        self._con = sqlite3.connect(str(self.path) if self.path else ":memory:", isolation_level=None)
        self._con.execute("PRAGMA busy_timeout=60000")
        self._con.execute(PSEUDONYM_KEY_SCHEMA)
        self._key: dict[tuple[str, str], str] = {}
        self._counters: Counter[str] = Counter()
        self._pending: list[tuple[str, str, str]] = []
        for category, value, placeholder in self._con.execute(
            "SELECT category, value, placeholder FROM pseudonym_key ORDER BY rowid"
        ):  # in the order the values entered the key (the row memory relies on it, see ``entries``)
            self._key[(category, value)] = placeholder
            self._counters[category] = max(self._counters[category], _number(placeholder))

    def lookup(self, category: str, value: str) -> str | None:
        """Return the placeholder of ``value`` in ``category``, or None when the key does not know it."""
        return self._key.get((category, value))

    def assign(self, category: str, value: str) -> str:
        """Give ``value`` the next free placeholder of ``category`` (e.g. ``[PERSOON-4]``) and return it.

        Raises
        ------
        ValueError
            If the key already holds ``value`` in ``category`` (use :meth:`lookup` first).
        """
        if (category, value) in self._key:
            raise ValueError(
                f"The pseudonym key already holds a placeholder for this {category} value "
                f"({self._key[(category, value)]}); assign() only takes new values."
            )
        self._counters[category] += 1
        placeholder = f"[{category}-{self._counters[category]}]"
        self._record(category, value, placeholder)
        return placeholder

    def alias(self, category: str, value: str, placeholder: str) -> None:
        """Let ``value`` stand for an existing placeholder too (a surname or first name of a known person)."""
        self._record(category, value, placeholder)

    def entries(self, category: str) -> dict[str, str]:
        """Return ``{value: placeholder}`` of one category, in the order the values entered the key.

        A key file keeps that order (rows are only ever added), so the first ``n`` entries of a category are
        the same in every later session: the row memory of ingest tells the names learned since a survey
        row was pseudonymised this way (:mod:`wijkanalyse.ingest.row_reuse`).
        """
        return {value: ph for (cat, value), ph in self._key.items() if cat == category}

    def placeholders(self) -> set[str]:
        """Return every placeholder the key holds (all categories)."""
        return set(self._key.values())

    def counters(self) -> dict[str, int]:
        """Return the highest placeholder number handed out so far, per category."""
        return dict(self._counters)

    def save(self) -> None:
        """Write the entries added since the last save to the key file, in one transaction."""
        if not self._pending:
            return
        self._con.execute("BEGIN IMMEDIATE")
        try:
            self._con.executemany(
                "INSERT OR IGNORE INTO pseudonym_key(category, value, placeholder) VALUES (?,?,?)",
                self._pending,
            )
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")
        self._pending.clear()

    def close(self) -> None:
        """Save and close the key file."""
        self.save()
        self._con.close()

    def __enter__(self) -> PseudonymKey:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.save()  # after an error nothing new is written: placeholders may not have been stored
        self._con.close()

    def _record(self, category: str, value: str, placeholder: str) -> None:
        self._key[(category, value)] = placeholder
        self._pending.append((category, value, placeholder))


def _number(placeholder: str) -> int:
    match = _NUMBER_RE.search(placeholder)
    if match is None:
        raise ValueError(f"A placeholder in the pseudonym key must end in '-<number>]'. Got {placeholder!r}.")
    return int(match.group(1))
