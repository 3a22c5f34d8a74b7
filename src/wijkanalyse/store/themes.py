"""Named queries and writers for discovered themes (the tables of discovery)."""

from __future__ import annotations

from wijkanalyse.store._connection import Connection

__all__ = ["ThemeQueries"]


class ThemeQueries(Connection):
    """The ``themes`` and ``segment_themes`` tables of discovery runs."""
