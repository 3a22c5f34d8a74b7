"""Coded tables: every coding with its segment as one CSV or XLSX table, for use in other software.

Written by the one table writer of the project (:func:`wijkanalyse.table_files.write_table`): atomically, and
text that a spreadsheet would read as a formula is defused (in an ``.xlsx`` a text cell, in a ``.csv`` an
apostrophe before it).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from wijkanalyse.review.decisions import ReviewError
from wijkanalyse.store import Store
from wijkanalyse.table_files import write_table

__all__ = ["export_codings_table"]


def export_codings_table(
    store: Store,
    path: str | Path,
    *,
    kind: str | None = None,
    include_rejected: bool = False,
    columns: Iterable[str] | None = None,
) -> Path:
    """Write every coding with its segment to CSV or XLSX (by the file's suffix): one row per coding.

    A coded span is a row of its own: ``span_start``/``span_end`` (offsets into the segment's ``text``; empty
    for a whole-segment coding) and ``quote`` (the span's text, else the segment's). Counting codes per
    segment, count a span for its segment (as the agreement figures and reports do).

    Parameters
    ----------
    store : Store
    path : path
        ``.csv`` (UTF-8 with BOM, so Excel reads the accents) or ``.xlsx``.
    kind : {'human', 'machine'}, optional
        Only people's or only the machine's codings.
    include_rejected : bool, default False
        Also the codes people (or the machine, under its threshold) judged not to apply.
    columns : iterable of str, optional
        A subset of the columns, in this order.

    Returns
    -------
    Path

    Raises
    ------
    ReviewError
        For another suffix or an unknown column.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ReviewError(f"A coded table is written as .csv or .xlsx. Got {out.name!r}.")
    df = store.codings_table(kind, include_rejected)
    if columns is not None:
        cols = list(columns)
        unknown = [c for c in cols if c not in df.columns]
        if unknown:
            raise ReviewError(f"Unknown column(s) {unknown}. Columns: {list(df.columns)}.")
        df = df[cols]
    if suffix == ".csv":
        return write_table(df, out, encoding="utf-8-sig")
    return write_table(df, out, sheet="codings")
