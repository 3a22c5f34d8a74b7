"""The names of a coding sheet's sheets and columns, shared by its export and its import.

See :mod:`wijkanalyse.review.sheet` for what the columns hold and how a coder fills them in.
"""

from __future__ import annotations

import re

__all__ = [
    "SHEET_CODING", "SHEET_CODES", "SHEET_INFO", "QUESTION", "FIXED", "PROPOSALS", "REJECT", "MEMO", "ALL",
    "CODE_COL_RE", "SOORT_COL_RE", "REJECT_COL_RE",
]  # fmt: skip

SHEET_CODING = "coderen"
SHEET_CODES = "codes"
SHEET_INFO = "info"
QUESTION = "vraag"
FIXED = ["segment_id", "document", "wijk", "spreker", QUESTION, "context ervoor", "tekst", "context erna"]
PROPOSALS = "voorstellen machine"
REJECT = "afwijzen"
MEMO = "memo"
#: In the column ``afwijzen``: every machine proposal that the row does not apply.
ALL = ("alle", "all")
#: The theme columns ``code 1`` ... ``code N``.
CODE_COL_RE = re.compile(r"^code\s*(\d+)$", re.I)
#: The kind-of-input columns ``soort`` or ``soort 1`` ... ``soort N``.
SOORT_COL_RE = re.compile(r"^soort(\s*\d+)?$", re.I)
REJECT_COL_RE = re.compile(rf"^{REJECT}$", re.I)
