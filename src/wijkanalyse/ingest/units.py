"""The unit (wijk, dorp, buurt, ...) a survey row names, matched to the units the corpus already has.

A survey export names each respondent's unit in a column typed by people or exported by a survey tool, and its
spelling rarely equals the corpus's folder names: ``"oud west"``, ``"Oud-West "`` and the folder
``oud-west`` are one unit, and ``"weet niet"`` or ``"Anders"`` are none. Left as they are, every variant
would become a unit of its own with a report of a handful of answers, and its small counts would cost other
units figures through the disclosure control. So, for a survey's unit column:

- A value is matched on its *key* (:func:`unit_key`: case, spaces, hyphens, underscores and dots do not count)
  to the units of the corpus: the folders with sources (named as the folder gives them), the manifest's
  ``wijk`` values, the postcode lookup's units and the units already in the store. A match takes the
  corpus's spelling.
- A value that names no unit (:data:`NOT_A_UNIT`: empty, "weet niet", "onbekend", "anders", "n.v.t.", ...)
  leaves the respondent without a unit: the answers count city-wide, as for a postcode outside the lookup.
- Any other value is a unit of its own (a survey-only corpus has no other source of units), spelled as first
  seen; when the corpus has units from elsewhere, the ingest warns about it with the number of respondents
  and the closest known unit, since it is usually a typo or a unit without sources.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from wijkanalyse.ingest.metadata import folder_unit
from wijkanalyse.vocabulary import NON_ANSWERS

__all__ = ["NOT_A_UNIT", "UnitNames", "unit_key", "corpus_units"]

_SEPARATORS = re.compile(r"[\s\-_./,:;]+")


def unit_key(name: str) -> str:
    """Return the key a unit name is matched on: lower case, without spaces, hyphens, underscores or dots.

    Examples
    --------
    >>> unit_key(" Oud-West "), unit_key("oud  west"), unit_key("Linde-hoek"), unit_key("N.v.t.")
    ('oudwest', 'oudwest', 'lindehoek', 'nvt')
    """
    return _SEPARATORS.sub("", name.casefold())


#: Values of a unit column that name no unit (as keys: :func:`unit_key`): the survey non-answers
#: (:data:`~wijkanalyse.vocabulary.NON_ANSWERS`) and the answers of a unit question that name none.
NOT_A_UNIT = frozenset(
    unit_key(v)
    for v in [*NON_ANSWERS, "onbekend", "anders", "anders, namelijk", "overig", "overige", "other", "unknown",
              "niet van toepassing", "zeg ik liever niet", "wil ik niet zeggen", "buiten de gemeente"]
)  # fmt: skip


@dataclass
class UnitNames:
    """The corpus's units by key, and what the values of one survey column gave.

    Parameters
    ----------
    known : iterable of str
        The units the corpus has apart from this survey (see the module docstring).
    """

    known: Iterable[str] = ()
    _canonical: dict[str, str] = field(init=False, default_factory=dict)
    _from_corpus: set[str] = field(init=False, default_factory=set)
    unmatched: Counter[str] = field(init=False, default_factory=Counter)
    not_a_unit: Counter[str] = field(init=False, default_factory=Counter)

    def __post_init__(self) -> None:
        for name in sorted(str(n) for n in self.known if n and str(n).strip()):
            self._canonical.setdefault(unit_key(name), name.strip())
        self._from_corpus = set(self._canonical)

    def resolve(self, value: str) -> str | None:
        """Return the unit a column value names (the corpus's spelling), or None when it names none.

        Examples
        --------
        >>> names = UnitNames(["Oud-West", "Oost"])
        >>> names.resolve("oud west"), names.resolve("Weet niet"), names.resolve("Oostt")
        ('Oud-West', None, 'Oostt')
        >>> names.unmatched, names.not_a_unit
        (Counter({'Oostt': 1}), Counter({'Weet niet': 1}))
        """
        shown = " ".join(value.split())
        key = unit_key(shown)
        if key in NOT_A_UNIT:
            if shown:
                self.not_a_unit[shown] += 1
            return None
        canonical = self._canonical.setdefault(key, shown)
        if key not in self._from_corpus and self._from_corpus:
            self.unmatched[canonical] += 1
        return canonical

    def notes(self, rel: str, column: str) -> list[str]:
        """Return the warnings of one survey: values that name no unit, and units the corpus does not have."""
        out = []
        if self.not_a_unit:
            shown = ", ".join(f"{v!r} ({n})" for v, n in self.not_a_unit.most_common())
            out.append(
                f"{rel}: column {column!r}: {shown} name no unit; those respondents are kept city-wide, "
                "without a unit."
            )
        corpus_units = sorted({self._canonical[k] for k in self._from_corpus})
        for value, n in self.unmatched.most_common():
            close = difflib.get_close_matches(value, corpus_units, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            out.append(
                f"{rel}: column {column!r}: {value!r} ({n} respondent{'s' if n != 1 else ''}) is not a unit "
                f"of the corpus's other sources ({', '.join(corpus_units)}); kept as a unit of its own{hint}"
            )
        return out


def corpus_units(
    rels: Iterable[str], survey_suffixes: Iterable[str], manifest: dict[str, dict[str, object]],
    folder_units: dict[str, str], postcodes: dict[str, str], stored: Iterable[str],
) -> list[str]:  # fmt: skip
    """Return the units the corpus has apart from its surveys' unit columns (see the module docstring).

    ``rels``: the corpus's files; the folders of those that are not surveys (``survey_suffixes``) are units.
    """
    suffixes = tuple(survey_suffixes)
    units = {folder_unit(r, folder_units) for r in rels if not r.lower().endswith(suffixes)}
    units |= {str(m["wijk"]) for m in manifest.values() if m.get("wijk")}
    units |= {*postcodes.values(), *(str(w) for w in stored if w)}
    return sorted(u for u in units if u)
