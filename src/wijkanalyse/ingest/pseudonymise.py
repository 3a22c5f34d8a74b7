"""Pseudonymisation (AVG/GDPR): personal data in text becomes stable placeholders.

What is replaced, and how it is found (rule-based, so it runs offline and is easy to audit):

========== ============== ===================================================================================
category   placeholder    found by
========== ============== ===================================================================================
PERSOON    [PERSOON-n]    speaker names; a title (mevrouw, dhr., wethouder, ...) or initials before a
                          capitalised name; a known first name (``data/voornamen.txt``) followed by a surname;
                          afterwards every name (and surname) already in the key, anywhere in the corpus
EMAIL      [EMAIL-n]      e-mail addresses
TELEFOON   [TELEFOON-n]   Dutch phone numbers (06-12345678, 023 511 22 33, +31 6 12345678, 0031...)
ADRES      [ADRES-n]      a street name ending in straat, weg, laan, plein, ... followed by a house number
POSTCODE   [POSTCODE-n]   6-character Dutch postcodes (2033 BK)
BSN        [BSN-n]        9-digit numbers that pass the BSN eleven test
========== ============== ===================================================================================

The same value always gets the same placeholder, across documents and across runs: the key (value ->
placeholder) is kept in its own SQLite file outside ``outputs/`` (see :attr:`Settings.key_path` and
:class:`wijkanalyse.store.PseudonymKey`) and is never written into the store, a report or an export.
Rule-based detection misses some names (a surname on its own that was never introduced); researchers should
read a sample before publishing quotes, and reports only show pseudonymised text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from wijkanalyse.config import PACKAGE_DATA
from wijkanalyse.store import PseudonymKey

__all__ = ["Pseudonymiser", "CATEGORIES"]

CATEGORIES = ("PERSOON", "EMAIL", "TELEFOON", "ADRES", "POSTCODE", "BSN")

_TUSSEN = (
    r"(?:[Vv]an der|[Vv]an den|[Vv]an de|[Vv]an 't|[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]er|[Tt]en|[Tt]e|"
    r"[Ii]n 't|'t|[Ee]l|[Aa]l|[Dd]a|[Dd]os|[Ll]e|[Ll]a|[Oo]p de|[Oo]p den)"
)
#: words that are never a person name on their own, whatever a pattern says
_NOT_NAMES = frozenset(
    "van de der den het een ter ten te el al da dos le la op in 't de heer mevrouw meneer wijk wijkraad "
    "gemeente haarlem buurt straat bewoner bewoners voorzitter secretaris".split()
)
_CAP = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+)?"
_SURNAME = rf"(?:{_TUSSEN}\s+)?{_CAP}"
_TITLE = (
    r"(?:[Mm]evrouw|[Mm]evr\.|[Mm]w\.|[Mm]eneer|[Dd]hr\.|[Dd]e heer|[Hh]eer|[Ww]ethouder|[Bb]urgemeester|"
    r"[Jj]uffrouw|[Mm]r\.|[Dd]r\.|[Ii]r\.|[Mm]s\.|[Mm]rs\.)"
)
_INITIALS = r"(?:[A-Z]\.\s?){1,4}"

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_PHONE_RE = re.compile(r"(?<![\w+])(?:\+31|0031|0)(?:\s?\(0\))?[\s-]?[1-9](?:[\s-]?\d){8}(?!\d)")
_POSTCODE_RE = re.compile(r"\b[1-9]\d{3}\s?(?!SA\b|SD\b|SS\b)[A-Z]{2}\b")
_STREET_SUFFIX = (
    r"(?:straat|weg|laan|plein|gracht|kade|singel|dijk|dreef|hof|park|steeg|pad|plantsoen|markt|ring|baan|"
    r"dam|wal|burgwal|vest|erf|hoek|veld|zijde|zijl|lei|poort|pleintje|straatje|vaart|wetering|haven|allee|"
    r"boulevard|kwartier|eiland|kamp|akker|berg|hout|weide|donk|horst|gaarde|oord|burg|straatweg|hof)"
)
_ADDRESS_RE = re.compile(
    rf"\b[A-ZÀ-Þ][\w'’-]*?{_STREET_SUFFIX}\s+\d{{1,4}}(?:\s?[a-zA-Z]\b|-\d+|\s(?:zwart|rood|bis|hs|huis|boven)\b)?"
)
_BSN_RE = re.compile(r"(?<!\d)\d{9}(?!\d)")
_TITLE_NAME_RE = re.compile(rf"(?<=\b){_TITLE}\s+((?:{_INITIALS})?{_SURNAME}(?:\s{_CAP})?)")
_INITIALS_NAME_RE = re.compile(rf"(?<![\w.])({_INITIALS}{_SURNAME})")
_LIST_HEAD = (
    r"(?:Aanwezig|Afwezig(?: met bericht)?|Notulist|Notulen|Voorzitter|Secretaris|Penningmeester|"
    r"Gespreksleider|Verslag|Verslaglegging|Auteur|Contactpersoon|Namens de gemeente|Gasten|Sprekers)"
)
# "Marja Koster (secretaris)": a capitalised name followed by a role in parentheses
_NAME_ROLE_RE = re.compile(rf"(?<![\w\[])({_CAP}(?:\s+{_SURNAME})+)\s+\((?=[a-z])")
# "Aanwezig: A B (voorzitter), C D, E F en G H." : names in attendance lists
_LIST_RE = re.compile(rf"\b{_LIST_HEAD}\s*:\s*([^.:\n]+)")
_LIST_ITEM_RE = re.compile(rf"^(?:{_TITLE}\s+)?((?:{_INITIALS})?{_CAP}(?:\s+{_SURNAME})*)$")
_PLACEHOLDER_RE = re.compile(r"\[(?:PERSOON|EMAIL|TELEFOON|ADRES|POSTCODE|BSN)-\d+\]")


def _load_first_names() -> frozenset[str]:
    path = PACKAGE_DATA / "voornamen.txt"
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        words.update(line.split())
    return frozenset(words)


_FIRST_NAMES = _load_first_names()
_FIRST_NAME_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _FIRST_NAMES), key=len, reverse=True)) + rf")\b(\s+{_SURNAME})?"
)


def _bsn_valid(digits: str) -> bool:
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0 and digits != "000000000"


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().lower()


class Pseudonymiser:
    """Replace personal data with stable placeholders, remembering the key in a separate SQLite file.

    Parameters
    ----------
    key_path : path or None
        SQLite file for the key (a :class:`~wijkanalyse.store.PseudonymKey`). ``None`` keeps the key in
        memory (tests, one-off file coding).

    Examples
    --------
    >>> p = Pseudonymiser(None)
    >>> p.pseudonymise("Bel mevrouw Jansen op 06-12345678.")[0]
    'Bel mevrouw [PERSOON-1] op [TELEFOON-1].'
    """

    def __init__(self, key_path: Path | str | None):
        self.key_path = Path(key_path) if key_path else None
        self._key = PseudonymKey(self.key_path)
        # every person name in the key (normalised) -> its placeholder; kept in step with the key
        self._names: dict[str, str] = self._key.entries("PERSOON")
        self._names_re: re.Pattern[str] | None = None

    # -- the key ---------------------------------------------------------------------------------------------
    def placeholder(self, category: str, value: str) -> str:
        """Return the stable placeholder of a value, creating it if new."""
        norm = _norm(value)
        if category == "PERSOON" and norm in _NOT_NAMES:
            return value
        ph = self._key.lookup(category, norm)
        if ph is None:
            ph = self._key.assign(category, norm)
            if category == "PERSOON":
                self._names[norm] = ph
                self._names_re = None
        return ph

    def register_person(self, name: str) -> str:
        """Register a full person name (e.g. a speaker) and its surname; return the person's placeholder."""
        name = re.sub(r"\s+", " ", name).strip()
        ph = self.placeholder("PERSOON", name)
        parts = name.split(" ")
        if len(parts) >= 2:
            surname = " ".join(parts[1:])
            if len(surname) >= 4 and _norm(surname) not in self._names:
                self._alias(_norm(surname), ph)
        return ph

    def _alias(self, norm_name: str, placeholder: str) -> None:
        """Let another form of a known person's name (surname, first name) stand for the same placeholder."""
        self._names[norm_name] = placeholder
        self._key.alias("PERSOON", norm_name, placeholder)
        self._names_re = None

    def save(self) -> None:
        """Write new key entries to the key file (one transaction)."""
        self._key.save()

    def close(self) -> None:
        """Save and close the key file."""
        self._key.close()

    # -- detection -------------------------------------------------------------------------------------------
    def detect_names(self, text: str) -> None:
        """Find person names in a text and add them to the key (without replacing anything yet)."""
        known = self._known_names_re()
        if known is not None:
            # names already known are not found again in parts ("Fatima El" of "Fatima El Amrani")
            text = known.sub("[PERSOON-0]", text)
        for m in _LIST_RE.finditer(text):
            for item in re.split(r",|;|\sen\s|\s&\s", m.group(1)):
                item = re.sub(r"\([^)]*\)?", "", item).strip()
                im = _LIST_ITEM_RE.match(item)
                if im and " " in im.group(1):
                    self.register_person(im.group(1))
        for m in _NAME_ROLE_RE.finditer(text):
            self.register_person(m.group(1))
        for m in _TITLE_NAME_RE.finditer(text):
            self._add_name(m.group(1))
        for m in _INITIALS_NAME_RE.finditer(text):
            self._add_name(m.group(1))
        for m in _FIRST_NAME_RE.finditer(text):
            if m.group(2):
                self.register_person(m.group(0))
            elif _norm(m.group(1)) not in self._names:
                # a lone first name belongs to the one known person with that first name, if there is one
                first = _norm(m.group(1))
                owners = {ph for n, ph in self._names.items() if n.startswith(first + " ")}
                if len(owners) == 1:
                    self._alias(first, owners.pop())
                else:
                    self.placeholder("PERSOON", m.group(1))

    def _add_name(self, name: str) -> None:
        name = re.sub(r"\s+", " ", name).strip()
        existing = self._names.get(_norm(name))
        if existing is None:
            # a surname seen before with a first name ("mevrouw El Amrani") is the same person
            bare = re.sub(rf"^{_INITIALS}", "", name).strip()
            existing = self._names.get(_norm(bare))
            if existing is not None:
                self._alias(_norm(name), existing)
                return
            self.placeholder("PERSOON", name)

    def _known_names_re(self) -> re.Pattern[str] | None:
        if self._names_re is None and self._names:
            names = sorted(self._names, key=len, reverse=True)
            alternatives = "|".join(re.escape(n) for n in names)
            # initials before a known surname go with it ("P. de Groot")
            self._names_re = re.compile(rf"(?<![\w\[])((?-i:{_INITIALS})?)({alternatives})(?![\w\]])", re.I)
        return self._names_re

    # -- replacement -----------------------------------------------------------------------------------------
    def pseudonymise(self, text: str, detect: bool = True) -> tuple[str, Counter[str]]:
        """Replace personal data in ``text``.

        Parameters
        ----------
        text : str
            Normalised text.
        detect : bool, default True
            Also look for new names in this text (call :meth:`detect_names` on all texts first to make a
            surname mentioned before its full name in another document consistent).

        Returns
        -------
        (str, Counter)
            The pseudonymised text and the number of replacements per category.
        """
        counts: Counter[str] = Counter()

        def sub(
            pattern: re.Pattern[str], category: str, s: str, check: Callable[[str], bool] | None = None
        ) -> str:
            def repl(m: re.Match[str]) -> str:
                value = m.group(0)
                if check is not None and not check(value):
                    return value
                counts[category] += 1
                return self.placeholder(category, value)

            return pattern.sub(repl, s)

        out = sub(_EMAIL_RE, "EMAIL", text)
        out = sub(_ADDRESS_RE, "ADRES", out)
        out = sub(_POSTCODE_RE, "POSTCODE", out)
        out = sub(_BSN_RE, "BSN", out, check=_bsn_valid)
        out = sub(_PHONE_RE, "TELEFOON", out)
        if detect:
            self.detect_names(out)
        names_re = self._known_names_re()
        if names_re is not None:

            def name_repl(m: re.Match[str]) -> str:
                value = m.group(2)
                if not value.split()[-1][0].isupper():
                    # 'jan', 'de groot' in lower case are rarely names here
                    return m.group(0)
                counts["PERSOON"] += 1
                return self._names[_norm(value)]

            out = names_re.sub(name_repl, out)
        return out, counts

    @staticmethod
    def is_placeholder(text: str) -> bool:
        """Return True if ``text`` is exactly one placeholder."""
        return bool(_PLACEHOLDER_RE.fullmatch(text))
