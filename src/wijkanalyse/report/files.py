"""Files a report run writes: atomically (never half a file), and the report tables as CSV.

Both come from :mod:`wijkanalyse.table_files`, the one writer of every table the tool writes: a text cell
that a spreadsheet would run as a formula gets an apostrophe before it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wijkanalyse.table_files import write_atomic, write_table

__all__ = ["write_atomic", "save_tables"]


def save_tables(tables: dict[str, pd.DataFrame], folder: str | Path | None) -> list[Path]:
    """Write report tables as CSV (UTF-8, Unix line ends, no index), each atomically; nothing if no folder.

    The same tables give the same bytes: nothing in them depends on the time or the run. Formula-like text
    (a quote starting with ``=``) is defused (:func:`wijkanalyse.table_files.write_table`).
    """
    if folder is None:
        return []
    return [write_table(df, Path(folder) / f"{name}.csv") for name, df in tables.items()]
