"""What a coder sees beside a segment: who speaks (and in what role), and which survey question it answers.

Used by the coding sheet (:mod:`wijkanalyse.review.sheet`) and the coding widget
(:mod:`wijkanalyse.explore.coding_widget`), so both show the same words.

The store keeps a survey answer's question *key* (``segments.question``); the question's text is the survey
column's header, which the settings name (``surveys: - text_columns: {key: "Wat moet ...?"}``).
:func:`question_texts` reads that map from the settings; without settings, or for a key they do not name, the
key itself is shown (for surveys read without ``text_columns`` the key *is* the column header).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from wijkanalyse.config import Settings

__all__ = ["question_texts", "question_text", "speaker_text"]


def _present(value: Any) -> str:
    """Return a value as text, or "" for None, NaN, pandas' NA and the text 'nan' a missing value became."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        text = str(value).strip()
    except (TypeError, ValueError):  # pragma: no cover - pandas NA refuses bool(), str() works
        return ""
    return "" if text.lower() in ("nan", "none", "<na>", "nat") else text


def question_texts(settings: Settings | None) -> dict[str, str]:
    """Return ``{question key: question text}`` of every survey in the settings (empty without settings).

    Examples
    --------
    >>> from wijkanalyse.config import SurveySpec
    >>> s = Settings(surveys=[SurveySpec(path="x.xlsx", text_columns={"zorgen": "Heeft u zorgen?"})])
    >>> question_texts(s)
    {'zorgen': 'Heeft u zorgen?'}
    """
    out: dict[str, str] = {}
    for spec in settings.surveys if settings is not None else []:
        for key, header in (spec.question_map() or {}).items():
            out.setdefault(str(key), str(header))
    return out


def question_text(key: Any, questions: Mapping[str, str] | None = None) -> str:
    """Return the question a survey answer answers: its text when known, else its key; "" for none.

    Examples
    --------
    >>> question_text("zorgen", {"zorgen": "Heeft u zorgen?"}), question_text("x")
    ('Heeft u zorgen?', 'x')
    >>> question_text(float("nan"))
    ''
    """
    k = _present(key)
    if not k:
        return ""
    return (questions or {}).get(k, k)


def speaker_text(speaker: Any, role: Any) -> str:
    """Return "speaker (role)", leaving out what is missing — never "(nan)".

    Examples
    --------
    >>> speaker_text("Spreker 1", float("nan")), speaker_text(None, "voorzitter"), speaker_text(None, None)
    ('Spreker 1', '(voorzitter)', '')
    """
    who, what = _present(speaker), _present(role)
    return " ".join(x for x in (who, f"({what})" if what else "") if x)
