"""Coded tables: every coding with its segment as one CSV or XLSX table, for use in other software.

Text that a spreadsheet would read as a formula is defused (:mod:`wijkanalyse.review.cells`): in an ``.xlsx``
it is a text cell, in a ``.csv`` an apostrophe goes before it.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from wijkanalyse.review.cells import safe_csv_value, text_cell
from wijkanalyse.review.decisions import ReviewError
from wijkanalyse.store import Store

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
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        text_cols = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]
        safe = df.assign(**{c: df[c].map(safe_csv_value) for c in text_cols})
        safe.to_csv(out, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL)
        return out
    _write_table_xlsx(df, out)
    return out


def _write_table_xlsx(df: pd.DataFrame, out: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "codings"
    for j, h in enumerate(df.columns, start=1):
        text_cell(ws, 1, j, h)
    for i, rec in enumerate(df.itertuples(index=False), start=2):
        for j, v in enumerate(rec, start=1):
            if isinstance(v, str):
                text_cell(ws, i, j, v)
            elif v is not None and not (isinstance(v, float) and math.isnan(v)):
                ws.cell(row=i, column=j).value = v.item() if hasattr(v, "item") else v
    ws.freeze_panes = "A2"
    wb.save(out)
