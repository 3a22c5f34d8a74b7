"""The kind of input (*soort*) from its form: Dutch cues and the survey question, as log-odds.

The coder adds these to the log of its soort confidences (see :mod:`wijkanalyse.coding.coder`): a question
mark, "hoe", "wat als", "zorg", "behouden", "blijven", "moet beter", "verbeteren", ... (:data:`SOORT_CUES`),
and a strong prior from a survey question key containing "behoud", "verbeter", "vraag" or "zorg"
(:data:`QUESTION_PRIOR`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["SOORT_CUES", "QUESTION_PRIOR", "soort_cue_scores"]

#: Dutch cues for the kind of input: (soort id, regular expression, log-odds added when it matches).
SOORT_CUES: tuple[tuple[str, str, float], ...] = (
    ("vraag_of_zorg", r"\?", 2.0),
    (
        "vraag_of_zorg",
        r"^\s*(hoe|wat|wie|waarom|wanneer|welke?|waar|waarover|kan|kunnen|komt|krijgen|moet|is|zijn)\b",
        0.75,
    ),
    ("vraag_of_zorg", r"\bwat als\b", 1.5),
    (
        "vraag_of_zorg",
        r"\b(zorgen?|bezorgd|bang|vrees|vrezen|onduidelijk\w*|onzeker\w*|risico\w*|benieuwd)\b",
        1.0,
    ),
    (
        "behouden",
        r"\b(behoud\w*|blijven|blijft|vasthouden|koester\w*|voortzett\w*|waardevol\w*|niet verloren)\b",
        1.5,
    ),
    (
        "behouden",
        r"\b(werkt goed|gaat goed|loopt goed|prima|uitstekend|fijn|tevreden|waardeer\w*|laat dat zo)\b",
        1.0,
    ),
    (
        "verbeteren",
        r"\b(verbeter\w*|moet beter|kan beter|beter worden|moet anders|moet meer|moet eerder)\b",
        1.5,
    ),
    (
        "verbeteren",
        r"\b(ontbreekt|ontbreken|mist|missen|gebrek|te weinig|te laat|zou moeten|investeren)\b",
        1.0,
    ),
    ("verbeteren", r"\b(betere?|breder|meer|minder|moeilijk\w*|lastig|slecht\w*|duidelijk(er|heid))\b", 0.75),
)

#: A survey question key containing one of these words adds this log-odds prior to the soort it names.
QUESTION_PRIOR: tuple[tuple[str, str, float], ...] = (
    ("behoud", "behouden", 3.0),
    ("verbeter", "verbeteren", 3.0),
    ("zorg", "vraag_of_zorg", 3.0),
    ("vraag", "vraag_of_zorg", 3.0),
)


def soort_cue_scores(
    texts: Sequence[str], soort_ids: Sequence[str], questions: Sequence[Any] | None = None
) -> np.ndarray:
    """Log-odds from Dutch cues and the survey question, per text and soort.

    Parameters
    ----------
    texts : sequence of str
    soort_ids : sequence of str
        Columns of the result; cues only exist for behouden, verbeteren and vraag_of_zorg.
    questions : sequence, optional
        The survey question key of each text (None where not a survey answer).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(texts), len(soort_ids))``.

    Examples
    --------
    >>> soort_cue_scores(["Hoe wordt dat geregeld?"], ["behouden", "verbeteren", "vraag_of_zorg"]).tolist()
    [[0.0, 0.0, 2.75]]
    """
    col = {s: j for j, s in enumerate(soort_ids)}
    out = np.zeros((len(texts), len(soort_ids)), dtype=np.float64)
    compiled = [(col[s], re.compile(rx, re.IGNORECASE), w) for s, rx, w in SOORT_CUES if s in col]
    for i, text in enumerate(texts):
        for j, rx, w in compiled:
            if rx.search(text or ""):
                out[i, j] += w
    if questions is not None:
        for i, q in enumerate(questions):
            if not isinstance(q, str) or not q:
                continue
            key = q.lower()
            for word, soort, w in QUESTION_PRIOR:
                if word in key and soort in col:
                    out[i, col[soort]] += w
                    break
    return out
