"""The reserved words of the project, defined once.

These values are stored in the database, written in exchange files and shown in tables, so they are part
of the data format: change them only with a store migration. Identifiers are English; the values are Dutch
where a researcher sees them.

Attributes
----------
NONE_CODE : str
    The reserved code "none of these codes applies" (``geen``). It marks a segment as coded, is never a theme
    and is never counted as one.
MACHINE : str
    The coder id of automatic coding, and the ``kind`` of a coding made by the machine.
HUMAN : str
    The ``kind`` of a coding made by a person.
CITY : str
    The scope label of the whole city (all units together) in every table: ``(stad)``. The parentheses keep
    it apart from a unit that happens to be called *Stad*.
CITY_FOLDER : str
    The folder of the city-wide report inside a run folder.
THEME_DIMENSION, SOORT_DIMENSION : str
    The two dimensions of a codebook: the themes, and the kind of input (``soort``).
NON_ANSWERS : set of str
    What people write when they have nothing to say ("weet niet", "n.v.t.", "-"), lower case: a survey answer
    that is one of these counts as not answered, a unit column's value as no unit.
"""

from __future__ import annotations

__all__ = ["NONE_CODE", "MACHINE", "HUMAN", "CITY", "CITY_FOLDER", "THEME_DIMENSION", "SOORT_DIMENSION",
           "NON_ANSWERS"]  # fmt: skip

NONE_CODE = "geen"
MACHINE = "machine"
HUMAN = "human"
CITY = "(stad)"
CITY_FOLDER = "stad"
THEME_DIMENSION = "thema"
SOORT_DIMENSION = "soort"
NON_ANSWERS = {
    "", "-", "--", "nvt", "n.v.t", "n.v.t.", "weet niet", "weet ik niet", "geen idee", "geen", "nee", "niets",
    "niks", "geen mening", "x", ".", "?", "geen antwoord", "idk", "no", "none", "n/a", "na",
}  # fmt: skip
