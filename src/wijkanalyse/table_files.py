"""Every table wijkanalyse writes, written one way: atomically, and safe to open in a spreadsheet.

One writer, :func:`write_table`, serves the report tables (``runs/*/tables/*.csv``, ``citaten.csv``), the
exports (``export csv/xlsx``) and the outputs of ``code-file`` and ``discover-file``. Two guarantees:

* **No formula runs.** A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  would run as a formula in Excel or LibreOffice (formula injection: ``=cmd|'/C notepad'!'A1'`` in a quote).
  In a CSV such a text gets an apostrophe before it (:func:`safe_csv_value`); in an ``.xlsx`` it is a text
  cell with Excel's quote prefix (:func:`text_cell`). Numbers stay numbers, also a negative one written as
  text (``"-0.27"``), so the tables still add up in a spreadsheet. Characters an ``.xlsx`` cannot hold (C0
  controls other than tab, newline and carriage return) are left out of it.
* **Never half a file.** Each file is written to a temporary file in the same folder and then renamed over
  the target (:func:`write_atomic`): a crash or a kill leaves the earlier file or none, never a torn one.

A table without any such text is written byte for byte as ``DataFrame.to_csv`` writes it.
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "DANGEROUS",
    "TABLE_SUFFIXES",
    "safe_csv_value",
    "text_cell",
    "norm_text",
    "neutralise",
    "write_atomic",
    "write_table",
]

#: How a text starts that a spreadsheet would read as a formula.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
#: The kinds of table file :func:`write_table` writes.
TABLE_SUFFIXES = (".csv", ".xlsx")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS) and _NUMBER.fullmatch(value) is None


def safe_csv_value(value: Any) -> Any:
    """Put an apostrophe before a text a spreadsheet would read as a formula (``= + - @``, tab, CR).

    Other values, and texts that are plain numbers (``"-0.27"``), are returned as they are.

    Examples
    --------
    >>> safe_csv_value("=cmd|'/C notepad'!'A1'")
    "'=cmd|'/C notepad'!'A1'"
    >>> safe_csv_value("-0.27"), safe_csv_value(-3)
    ('-0.27', -3)
    """
    return "'" + value if _is_formula_like(value) else value


def norm_text(value: Any) -> str:
    """Return a cell's text as compared on import: without characters an .xlsx cannot hold or extra spaces."""
    return " ".join(_ILLEGAL.sub("", str(value or "")).split())


def text_cell(ws: Worksheet, row: int, col: int, value: Any) -> None:
    """Write a value as a text cell (never a formula), with Excel's quote prefix where it could be one.

    Parameters
    ----------
    ws : Worksheet
    row, col : int
        1-based, as in openpyxl.
    value : Any
        None and NaN leave the cell empty.
    """
    cell = ws.cell(row=row, column=col)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return
    cell.value = _ILLEGAL.sub("", str(value))
    cell.data_type = "s"
    if str(value).startswith(DANGEROUS):
        cell.quotePrefix = True


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Return the table with every formula-like text defused by :func:`safe_csv_value`.

    Only text cells change (and column names); a table without formula-like text is returned as it is, not
    copied, so it is written exactly as before.
    """
    out = df
    renamed = {c: safe_csv_value(c) for c in df.columns if _is_formula_like(c)}
    if renamed:
        out = out.rename(columns=renamed)
    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        if not (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)):
            continue
        mask = series.map(_is_formula_like).astype(bool)
        if mask.any():
            if out is df:
                out = df.copy()
            fixed = series.astype(object).copy()
            fixed[mask] = ["'" + v for v in series[mask]]
            out.isetitem(i, fixed)
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    """Write a file atomically: to a hidden temporary file in the same folder, then ``os.replace``.

    Parameters
    ----------
    path : path
        The file; its folder is created when missing.
    data : bytes or str
        The content; a str is written as UTF-8.

    Returns
    -------
    Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a table should read like any other file
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _xlsx_bytes(df: pd.DataFrame, sheet: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for j, h in enumerate(df.columns, start=1):
        text_cell(ws, 1, j, h)
    for i, rec in enumerate(df.itertuples(index=False), start=2):
        for j, v in enumerate(rec, start=1):
            if isinstance(v, str):
                text_cell(ws, i, j, v)
            elif v is not None and not (isinstance(v, float) and math.isnan(v)) and v is not pd.NA:
                ws.cell(row=i, column=j).value = v.item() if hasattr(v, "item") else v
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_table(
    df: pd.DataFrame,
    path: Path | str,
    *,
    encoding: str = "utf-8",
    lineterminator: str = "\n",
    sheet: str = "tabel",
) -> Path:
    """Write a table as CSV or XLSX (by the file's suffix), atomically and with no cell that runs a formula.

    Parameters
    ----------
    df : pandas.DataFrame
        Written without its index.
    path : path
        A ``.csv`` or ``.xlsx`` file; its folder is created when missing.
    encoding : str, default "utf-8"
        Of a CSV; ``"utf-8-sig"`` adds the byte order mark Excel needs to read accents.
    lineterminator : str, default newline
        Of a CSV.
    sheet : str, default "tabel"
        The sheet name of an XLSX.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        For another suffix.
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise ValueError(f"A table is written as .csv or .xlsx. Got {out.name!r} instead.")
    if suffix == ".xlsx":
        return write_atomic(out, _xlsx_bytes(df, sheet))
    text = neutralise(df).to_csv(index=False, lineterminator=lineterminator)
    return write_atomic(out, text.encode(encoding))
