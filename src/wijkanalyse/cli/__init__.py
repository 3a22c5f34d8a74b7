"""The ``wijkanalyse`` command line: one verb per stage (see :mod:`.main`)."""

from __future__ import annotations

from wijkanalyse.cli.main import app, main

__all__ = ["app", "main"]
