"""The words of a report: texts in Dutch and English (``data/report_text.yml``), slugs, numbers, emphasis.

The bundled texts are neutral: they fit any corpus and any question. What a corpus is about comes from its
settings (the ``report:`` block of ``wijkanalyse.yml``, :class:`~wijkanalyse.config.ReportFraming`): the name
of the unit (``{unit}``, ``{unit_plural}``: wijk, dorp, buurt, ...) and of a session (``{session}``,
``{session_plural}``) fill the placeholders of the texts (capitalised: ``{Unit}``, ``{Unit_plural}``,
``{Session}``, ``{Session_plural}``), and the title, subtitle and introduction come from the settings when
set, else from the neutral defaults here (``default_title``, ``default_subtitle``, ``default_introduction``).
"""

from __future__ import annotations

import copy
import html
import math
import re
from functools import lru_cache
from typing import Any

import yaml

from wijkanalyse.config import PACKAGE_DATA, ReportFraming, Settings
from wijkanalyse.exceptions import ReportError

__all__ = [
    "TEXT_FILE",
    "FRAMING_KEYS",
    "texts",
    "framing_words",
    "fill_framing",
    "framing_text",
    "plural",
    "slug",
    "format_value",
    "inline_md",
]

#: The report texts, one mapping per language with the same keys.
TEXT_FILE = PACKAGE_DATA / "report_text.yml"

#: The framing words of the settings that fill placeholders of the same name in every report text.
FRAMING_KEYS = ("unit", "unit_plural", "session", "session_plural")


@lru_cache(maxsize=1)
def _all_texts() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(TEXT_FILE.read_text(encoding="utf-8"))


def framing_words(settings: Settings | None, language: str) -> dict[str, str]:
    """Return the framing words of a corpus in one language, plain and capitalised.

    Parameters
    ----------
    settings : Settings or None
        None: the neutral defaults of :class:`~wijkanalyse.config.ReportFraming`.
    language : {"nl", "en"}

    Examples
    --------
    >>> framing_words(None, "nl")["Unit_plural"], framing_words(None, "en")["session"]
    ('Wijken', 'session')
    """
    framing = settings.report if settings is not None else ReportFraming()
    words: dict[str, str] = {}
    for key in FRAMING_KEYS:
        word = framing.text(key, language) or ""
        words[key] = word
        words[key[:1].upper() + key[1:]] = word[:1].upper() + word[1:]
    return words


def fill_framing(text: str, words: dict[str, str]) -> str:
    """Fill the framing placeholders (``{unit}``, ``{Session_plural}``, ...) of a text; leave the others.

    Examples
    --------
    >>> fill_framing("{n} {session_plural} in {wijk}", {"unit": "dorp", "session_plural": "gesprekken"})
    '{n} gesprekken in {wijk}'
    """
    return re.sub(r"\{([A-Za-z_]+)\}", lambda m: words.get(m.group(1), m.group(0)), text)


def _fill_all(value: Any, words: dict[str, str]) -> Any:
    if isinstance(value, str):
        return fill_framing(value, words)
    if isinstance(value, dict):
        return {k: _fill_all(v, words) for k, v in value.items()}
    return value


def texts(language: str, settings: Settings | None = None) -> dict[str, Any]:
    """Return the report texts in one language, with the corpus's framing words filled in.

    Parameters
    ----------
    language : {"nl", "en"}
    settings : Settings, optional
        The corpus settings whose ``report:`` block names the unit and the session; default: the neutral
        defaults (wijk, sessie / neighbourhood, session).

    Raises
    ------
    ReportError
        If the language is not ``nl`` or ``en``.
    """
    all_texts = _all_texts()
    if language not in all_texts:
        raise ReportError(f"Report language must be one of {sorted(all_texts)}. Got {language!r} instead.")
    filled: dict[str, Any] = _fill_all(copy.deepcopy(all_texts[language]), framing_words(settings, language))
    return filled


def framing_text(settings: Settings | None, key: str, language: str) -> str:
    """Return the title, subtitle or introduction of the reports: from the settings, else the neutral default.

    Parameters
    ----------
    settings : Settings or None
    key : {"title", "subtitle", "introduction"}
    language : {"nl", "en"}

    Returns
    -------
    str
        The text with the framing placeholders filled in; ``""`` when neither the settings nor the defaults
        have one.
    """
    own = settings.text(key, language) if settings is not None else None
    words = framing_words(settings, language)
    if own:
        return fill_framing(own, words)
    return str(texts(language, settings).get(f"default_{key}", ""))


def plural(n: Any, one: str, many: str) -> str:
    """Return ``one`` when ``n`` is the number 1, else ``many`` (a suppressed ``"<5"`` counts as many).

    Examples
    --------
    >>> plural(1, "gesprek", "gesprekken"), plural(3, "gesprek", "gesprekken"), plural("<5", "a", "b")
    ('gesprek', 'gesprekken', 'b')
    """
    return one if (isinstance(n, int | float) and not isinstance(n, bool) and n == 1) else many


def slug(name: str) -> str:
    """File-name-safe form of a wijk name: ``"Oud-West"`` -> ``"oud-west"``."""
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
