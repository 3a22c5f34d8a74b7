"""The date in a file name as people write it: ``2025-03-04``, ``20250304``, ``4-3-2025``, ``4 maart 2025``.

A source's date comes from its front matter or the manifest first; without them from its file name. The
corpus convention is a ``YYYY-MM-DD-`` prefix, but a folder of existing documents has names such as
``Verslag dorpsgesprek 4 maart 2025.docx``, ``notulen_04-03-2025.pdf`` or ``Teams 20250304 opname.docx``.
:func:`date_in_name` finds the first whole date in a name, in these forms (separators ``-``, ``_``, ``.``,
``/`` or a space):

- year first: ``2025-03-04``, ``2025_3_4``, ``20250304`` (eight digits);
- day first, the Dutch order: ``04-03-2025``, ``4.3.2025`` (never month first: ``03-04-2025`` is 3 April);
- a Dutch or English month name, whole or short: ``4 maart 2025``, ``4mrt2025``, ``4 March 2025``.

A day that does not exist (``31-02-2025``) and a year outside 1990-2099 are no date; a month and year alone
(``maart 2025``) are no date either. Nothing found: the source has no date ("datum onbekend" in reports).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["date_in_name", "date_in_opening"]

_MONTHS = {
    **dict.fromkeys(["januari", "jan", "january"], 1),
    **dict.fromkeys(["februari", "feb", "febr", "february"], 2),
    **dict.fromkeys(["maart", "mrt", "mar", "march"], 3), **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5), **dict.fromkeys(["juni", "jun", "june"], 6),
    **dict.fromkeys(["juli", "jul", "july"], 7), **dict.fromkeys(["augustus", "aug", "august"], 8),
    **dict.fromkeys(["september", "sep", "sept"], 9),
    **dict.fromkeys(["oktober", "okt", "oct", "october"], 10),
    **dict.fromkeys(["november", "nov"], 11), **dict.fromkeys(["december", "dec"], 12),
}  # fmt: skip
_SEP = r"[-_./ ]"
_NUMERIC = re.compile(
    rf"(?<!\d)(?:(?P<y1>(?:19|20)\d\d){_SEP}(?P<m1>\d{{1,2}}){_SEP}(?P<d1>\d{{1,2}})"
    rf"|(?P<y2>(?:19|20)\d\d)(?P<m2>\d\d)(?P<d2>\d\d)"
    rf"|(?P<d3>\d{{1,2}}){_SEP}(?P<m3>\d{{1,2}}){_SEP}(?P<y3>(?:19|20)\d\d))(?!\d)"
)
_NAMED = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}}){_SEP}*(?P<month>{'|'.join(sorted(_MONTHS, key=len, reverse=True))})\.?"
    rf"{_SEP}*(?P<y>(?:19|20)\d\d)(?!\d)",
    re.I,
)


def _valid(year: str, month: int | str, day: str) -> str | None:
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return date.isoformat() if 1990 <= date.year <= 2099 else None


def date_in_name(name: str) -> str | None:
    """Return the first whole date in a file name as ``YYYY-MM-DD``, or None.

    Examples
    --------
    >>> date_in_name("Verslag dorpsgesprek 4 maart 2025.docx"), date_in_name("notulen_04-03-2025.pdf")
    ('2025-03-04', '2025-03-04')
    >>> date_in_name("Teams 20250304 opname.docx"), date_in_name("2025_3_4 sessie.txt")
    ('2025-03-04', '2025-03-04')
    >>> date_in_name("verslag-4mrt2025.pdf"), date_in_name("Minutes 12 October 2024.docx")
    ('2025-03-04', '2024-10-12')
    >>> date_in_name("verslag maart 2025.docx"), date_in_name("31-02-2025.txt")
    (None, None)
    >>> date_in_name("v2 123456789.md"), date_in_name("sessie 2 3 2025 en 5 3 2025.txt")
    (None, '2025-03-02')
    """
    found = []
    for m in _NUMERIC.finditer(name):
        g = m.groupdict()
        k = next(i for i in "123" if g[f"y{i}"])
        found.append((m.start(), _valid(g[f"y{k}"], g[f"m{k}"], g[f"d{k}"])))
    for m in _NAMED.finditer(name):
        found.append((m.start(), _valid(m.group("y"), _MONTHS[m.group("month").lower()], m.group("d"))))
    return next((d for _, d in sorted(found) if d), None)


def date_in_opening(texts: list[str], max_words: int = 15) -> str | None:
    """Return the date a document states in its opening: a title or date line ("Verslag 4 maart 2025").

    Used when neither the metadata nor the file name dates a source. Only short lines count (at most
    ``max_words`` words: a title, a heading, a date line), so that a sentence that mentions another day
    ("De vorige avond was op 12 januari.") does not date the document.

    Parameters
    ----------
    texts : list of str
        The first heading and the first blocks of the document, in order.

    Examples
    --------
    >>> date_in_opening(["Verslag bewonersavond Oost", "Datum: 4 maart 2025", "Aanwezig: 23 bewoners."])
    '2025-03-04'
    >>> said = "De vorige bijeenkomst was op 12 januari 2025 in het buurthuis van ons mooie dorp Oudeveen."
    >>> date_in_opening([said]) is None  # 16 words: a sentence, not a title
    True
    """
    for text in texts:
        if text and len(text.split()) <= max_words and (found := date_in_name(text)) is not None:
            return found
    return None
