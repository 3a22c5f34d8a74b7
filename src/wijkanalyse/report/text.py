"""The words of a report: texts in Dutch and English (``data/report_text.yml``), slugs, numbers, emphasis."""

from __future__ import annotations

import html
import math
import re
from functools import lru_cache
from typing import Any

import yaml

from wijkanalyse.config import PACKAGE_DATA
from wijkanalyse.exceptions import ReportError

__all__ = ["TEXT_FILE", "texts", "slug", "format_value", "inline_md"]

#: The report texts, one mapping per language with the same keys.
TEXT_FILE = PACKAGE_DATA / "report_text.yml"


@lru_cache(maxsize=1)
def _all_texts() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(TEXT_FILE.read_text(encoding="utf-8"))


def texts(language: str) -> dict[str, Any]:
    """Return the report texts in one language.

    Raises
    ------
    ReportError
        If the language is not ``nl`` or ``en``.
    """
    all_texts = _all_texts()
    if language not in all_texts:
        raise ReportError(f"Report language must be one of {sorted(all_texts)}. Got {language!r} instead.")
    return all_texts[language]


def slug(name: str) -> str:
    """File-name-safe form of a wijk name: ``"Haarlem-Noord"`` -> ``"haarlem-noord"``."""
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s or "wijk"


def format_value(value: Any, column: str, language: str) -> str:
    """Return a table cell as report text: shares as percentages, decimals with a comma in Dutch.

    Examples
    --------
    >>> format_value(0.125, "share", "nl"), format_value(2.345, "z", "en"), format_value(None, "x", "nl")
    ('12,5%', '2.3', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, str):
        return value
    if column.startswith("share") or column in ("coded_share", "human_share"):
        s = f"{100 * float(value):.1f}%"
    elif isinstance(value, float):
        s = f"{value:.2f}" if column != "z" else f"{value:.1f}"
    else:
        return str(value)
    return s.replace(".", ",") if language == "nl" else s


def inline_md(text: str) -> str:
    """Escape text and turn ``**bold**`` and ``*italic*`` into HTML."""
    s = html.escape(text)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", s)
