"""Spreadsheet cells that are safe to open: text is written as text, never as a formula.

A segment that starts with ``=``, ``+``, ``-`` or ``@`` would run as a formula in Excel or LibreOffice
(formula injection). :func:`text_cell` writes it as a text cell with Excel's quote prefix; CSV files have no
cell types, so :func:`safe_csv_value` puts an apostrophe before such a value instead. Characters an ``.xlsx``
cannot hold (C0 controls other than tab, newline and carriage return) are left out.
"""

from __future__ import annotations

import math
import re
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["DANGEROUS", "safe_csv_value", "text_cell", "norm_text"]

#: How a text starts that a spreadsheet would read as a formula.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_csv_value(value: Any) -> Any:
    """Put an apostrophe before a text that a spreadsheet would read as a formula (``= + - @``, tab, CR)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


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
