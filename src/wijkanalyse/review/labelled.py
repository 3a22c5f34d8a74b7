"""Labelled data for an evaluation: read a labelled file, and tie its label values to codes.

:func:`load_labelled` reads a CSV or XLSX with a text column and a label column; :func:`map_labels` maps the
label values onto the codes of a codebook, and :func:`codebook_from_labels` makes a codebook of the label
names when there is none (see :mod:`wijkanalyse.review.evaluate`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from wijkanalyse.coding.codebook import NONE_CODE, Code, Codebook
from wijkanalyse.exceptions import SettingsError
from wijkanalyse.ingest.readers import read_table

__all__ = ["load_labelled", "codebook_from_labels", "map_labels"]


def load_labelled(
    path: str | Path, text_col: str, label_col: str, sheet: str | int | None = None
) -> pd.DataFrame:
    """Read a labelled CSV or XLSX file into a frame with columns ``text`` and ``label``.

    Rows with an empty text or an empty label are dropped (their number is in ``df.attrs["dropped"]``).

    Parameters
    ----------
    path : path
        A ``.csv`` (comma or semicolon separated, any common encoding) or ``.xlsx`` file.
    text_col, label_col : str
        Exact column headers.
    sheet : str or int, optional
        Sheet of an ``.xlsx`` file; default the first.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    SettingsError
        If the file does not exist, is not CSV/XLSX, or lacks a column (the columns found are listed).
    IngestError
        If the file cannot be read.
    """
    p = Path(path)
    if not p.is_file():
        raise SettingsError(f"Labelled file {p} does not exist.")
    if p.suffix.lower() not in (".csv", ".xlsx"):
        raise SettingsError(
            f"Labelled file {p.name} must be a .csv or .xlsx file. Got {p.suffix or 'no extension'!r}."
        )
    df = read_table(p, p.name, sheet)
    columns = list(df.columns)
    missing = [c for c in (text_col, label_col) if c not in columns]
    if missing:
        hints = []
        for c in missing:
            close = difflib.get_close_matches(c, columns, n=1)
            hints.append(f"{c!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise SettingsError(f"Column(s) {', '.join(hints)} not in {p.name}. Columns found: {columns}")
    out = pd.DataFrame(
        {"text": df[text_col].astype(str).str.strip(), "label": df[label_col].astype(str).str.strip()}
    )
    keep = (out["text"] != "") & (out["label"] != "") & (out["label"].str.lower() != "nan")
    dropped = int((~keep).sum())
    out = out[keep].reset_index(drop=True)
    out.attrs["dropped"] = dropped
    if len(out) < 2:
        raise SettingsError(
            f"{p.name} has {len(out)} row(s) with both a text and a label; at least 2 are needed."
        )
    return out


def _slug(label: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"c_{slug}" if slug else "c"
    return "label_geen" if slug == NONE_CODE else slug


def codebook_from_labels(labels: Sequence[str]) -> tuple[Codebook, dict[str, str]]:
    """Build a codebook from label values: one code per distinct label, the label as its name and definition.

    Parameters
    ----------
    labels : sequence of str

    Returns
    -------
    codebook : Codebook
    mapping : dict
        ``{label value: code id}``.

    Examples
    --------
    >>> cb, mapping = codebook_from_labels(["Wonen", "Verkeer en vervoer", "Wonen"])
    >>> mapping
    {'Verkeer en vervoer': 'verkeer_en_vervoer', 'Wonen': 'wonen'}
    """
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for label in sorted(set(labels)):
        slug, n = _slug(label), 2
        base = slug
        while slug in used:
            slug, n = f"{base}_{n}", n + 1
        used.add(slug)
        mapping[label] = slug
    codes = [Code(id=cid, label_nl=label, label_en=label, definition=label) for label, cid in mapping.items()]
    return Codebook(name="labels", version="labels", codes=codes), mapping


def map_labels(labels: Sequence[str], codebook: Codebook, none_labels: Sequence[str] = ()) -> dict[str, str]:
    """Map label values onto code ids of a codebook (by id, Dutch or English label; case-insensitive).

    Parameters
    ----------
    labels : sequence of str
    codebook : Codebook
    none_labels : sequence of str
        Label values that mean "no code" (mapped to ``geen``, the machine's "none of these"); ``geen`` always
        is.

    Returns
    -------
    dict
        ``{label value: code id}``.

    Raises
    ------
    SettingsError
        Listing every label that matches no code, with the codebook's ids.
    """
    index: dict[str, str] = {}
    for c in codebook.codes:
        for key in (c.id, c.label_nl, c.label_en):
            if key:
                index.setdefault(key.strip().lower(), c.id)
    nones = {n.strip().lower() for n in none_labels} | {NONE_CODE}
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for label in sorted(set(labels)):
        key = label.strip().lower()
        if key in nones:
            mapping[label] = NONE_CODE
        elif key in index:
            mapping[label] = index[key]
        else:
            unknown.append(label)
    if unknown:
        raise SettingsError(
            f"{len(unknown)} label value(s) match no code of codebook {codebook.name!r} (by id, label_nl or "
            f"label_en): {unknown}. Codes: {codebook.ids}. Rename the labels, or pass --none-label for "
            "values that mean 'no code'."
        )
    return mapping
