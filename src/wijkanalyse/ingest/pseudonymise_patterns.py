"""Personal data with a fixed form: e-mail, IBAN, BSN, phone, postcode, address, date of birth.

Each finder takes a text and returns the spans to replace, ``(start, end, category)``, after the checks that
keep look-alikes (a case number that passes the eleven test, a policy title with a year, a meeting date) in
the text. :class:`wijkanalyse.ingest.pseudonymise.Pseudonymiser` applies them in the order of
:data:`FINDERS` on text where earlier finds are already placeholders, so a number inside an e-mail address or
an IBAN is never taken for a phone or a BSN.

The decisions (each covered by ``tests/test_pseudonymise.py``):

* **IBAN** any case, spaced or not; the check digits must pass ISO 13616's mod-97 test, so a reference code
  of the same shape stays.
* **BSN** nine digits, also written 3-3-3 or 4-2-3 with dots or spaces, passing the eleven test; a number
  labelled as a case, invoice, order or reference number ("zaaknummer 202311004") or an amount stays.
* **Phones** Dutch numbers with any separators (spaces, dashes, dots, ``(023)``, ``+31 (0)6``, ``0031``):
  after the country code 9 digits, otherwise 10 starting with 0; short service numbers (112, 14 023,
  0900-8844) are too short to match.
* **E-mail** also the obfuscated ``naam [at] domein.nl`` / ``naam (at) domein (punt) nl``.
* **Addresses** a street of one or more words ending in a street word (``straat``, ``laan``, ``gracht``,
  ``markt``, ...; "Burgemeester de Vlugtlaan", "Gedempte Oude Gracht", "Van Eedenstraat") followed by a house
  number and an addition (``12a``, ``3-5``, ``22-II``, ``14 rood``, ``5 hs``, ``2 bis``); a street without a
  street word ("Spaarne 45") only where the sentence speaks of an address (``woont op``, ``adres:``, ``aan
  de``); ``Postbus 511``; a postcode followed by a house number ("2011 AB 12") is one address. A "house
  number" that is a year or a year range ("Coalitieakkoord 2022-2026", "Omgevingsvisie 2040") never makes an
  address.
* **Postcodes** ``2033 BK``, ``2033BK``, and lower case ``2033 bk`` unless the two letters are a Dutch word
  ("in 2034 en 2035").
* **Dates of birth** every full date in a sentence that speaks of birth (*geboren*, *geb.*,
  *geboortedatum*: "geboren op 3 maart 1948 en haar buurman op 14 juli 1956" — both), and
  a date (``12-11-1979``, ``1990-02-01``, ``14 juli 1956``, ``'52``) next to *geboren*,
  *geb.*, *geboortedatum*, ``°``, or after "ik ben van", "mijn zoon is van" (a person as subject), or in the
  parentheses or comma list right after a person's placeholder ("[PERSOON-2] (3-9-2010)"). Any other date
  (meetings, deadlines) is not personal data and stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = [
    "Span",
    "find_emails",
    "find_ibans",
    "find_addresses",
    "find_postcodes",
    "find_bsns",
    "find_phones",
    "find_birth_dates",
    "FINDERS",
    "bsn_valid",
    "iban_valid",
]

#: ``(start, end, category)`` of one piece of text to replace
Span = tuple[int, int, str]
#: any decimal digit, as ``\d`` matches it in the patterns (most texts have none, and then only e-mail runs)
_DIGIT_RE = re.compile(r"\d")
_PLACEHOLDER_RE = re.compile(r"\[[A-Z]+-\d+\]")

# -- e-mail --------------------------------------------------------------------------------------------------
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_AT = r"\s?[\[(]\s?(?:at|AT|apenstaartje)\s?[\])]\s?"
_DOT = r"(?:\.|\s?[\[(]\s?(?:dot|punt|DOT|PUNT)\s?[\])]\s?)"
_EMAIL_OBFUSCATED_RE = re.compile(rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-zA-Z]{{2,}}\b")


def find_emails(text: str) -> list[Span]:
    """E-mail addresses, also written ``naam [at] domein.nl``."""
    if "@" not in text and "[" not in text and "(" not in text:
        return []  # both patterns need an @ or a bracket
    spans = [(m.start(), m.end(), "EMAIL") for m in _EMAIL_RE.finditer(text)]
    spans += [(m.start(), m.end(), "EMAIL") for m in _EMAIL_OBFUSCATED_RE.finditer(text)]
    return spans


# -- IBAN ----------------------------------------------------------------------------------------------------
# "NL91 ABNA ...", "nl91abna...", and "NL 91 ABNA ..." (a space after the country only in capitals: "in 2025
# ging" is no IBAN to try)
_IBAN_RUN_RE = re.compile(r"(?<![\w])(?:[A-Za-z]{2}|[A-Z]{2} )\d{2}(?:[ ]?[A-Za-z0-9]{1,4}){3,8}(?![\w])")


def iban_valid(iban: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 must be 1."""
    s = re.sub(r"\s", "", iban).upper()
    if not 15 <= len(s) <= 34 or not s[:2].isalpha() or not s[2:4].isdigit() or not s.isalnum():
        return False
    if s.startswith("NL") and (len(s) != 18 or not s[4:8].isalpha() or not s[8:].isdigit()):
        return False
    digits = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return int(digits) % 97 == 1


def find_ibans(text: str) -> list[Span]:
    """IBANs that pass the mod-97 check (the longest valid run of space-separated groups)."""
    if _DIGIT_RE.search(text) is None:
        return []  # every pattern below needs a digit
    spans: list[Span] = []
    pos = 0
    while (m := _IBAN_RUN_RE.search(text, pos)) is not None:
        groups = list(re.finditer(r"\S+", m.group(0)))
        pos = m.start() + groups[0].end()
        for n in range(len(groups), 0, -1):
            end = groups[n - 1].end()
            if iban_valid(m.group(0)[:end]):
                spans.append((m.start(), m.start() + end, "IBAN"))
                pos = m.start() + end
                break
    return spans


# -- BSN -----------------------------------------------------------------------------------------------------
_BSN_RE = re.compile(
    r"(?<![\d.,/-])(?:\d{9}|\d{3}([. ])\d{3}\1\d{3}|\d{4}([. ])\d{2}\2\d{3})(?![\d]|[.,/-]\d)"
)
# a number labelled as something else than a BSN, in the few words before it
_REFERENCE_RE = re.compile(
    r"(?:zaak|factuur|order|klant|dossier|referentie|registratie|polis|contract|kenmerk|kwitantie|"
    r"melding|aanvraag|bestel|artikel|project|rekening|ticket|lid|pas)[a-z]*\W+(?:\w+\W+){0,2}$",
    re.I,
)
_BSN_LABEL_RE = re.compile(r"(?:bsn|burgerservicenummer|sofi)", re.I)
_AMOUNT_BEFORE_RE = re.compile(r"(?:€|eur|euro)\s*$", re.I)
_AMOUNT_AFTER_RE = re.compile(r"^\s*(?:euro|eur|€|procent|%|inwoners|mensen|kilo|ton|m2|m³|km)\b", re.I)


def bsn_valid(digits: str) -> bool:
    """Apply the BSN eleven test (9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11) to 9 digits."""
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def find_bsns(text: str) -> list[Span]:
    """Burgerservicenummers (eleven test), not case or reference numbers and not amounts."""
    if _DIGIT_RE.search(text) is None:
        return []  # every pattern below needs a digit
    spans = []
    for m in _BSN_RE.finditer(text):
        if not bsn_valid(re.sub(r"\D", "", m.group(0))):
            continue
        before = text[max(0, m.start() - 40) : m.start()]
        labelled_bsn = _BSN_LABEL_RE.search(before[-25:]) is not None
        if not labelled_bsn and (
            _REFERENCE_RE.search(before)
            or _AMOUNT_BEFORE_RE.search(before)
            or _AMOUNT_AFTER_RE.match(text[m.end() :])
        ):
            continue
        spans.append((m.start(), m.end(), "BSN"))
    return spans


# -- phones --------------------------------------------------------------------------------------------------
_PHONE_CANDIDATE_RE = re.compile(r"(?<![\w+(])(?:\+|\(0|0)[\d\s().\-]{8,22}\d(?!\d)")


def _phone_ok(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate.replace("(0)", ""))
    if candidate.startswith("+"):
        if not digits.startswith("31"):
            return 9 <= len(digits) <= 13  # another country's number: "+32 470 12 34 56"
        return len(digits) == 11 and digits[2] != "0"
    if digits.startswith("0031"):
        return len(digits) == 13 and digits[4] != "0"
    return len(digits) == 10 and digits[0] == "0" and digits[1] != "0" and not digits.startswith("0900")


def find_phones(text: str) -> list[Span]:
    """Dutch phone numbers in any common notation (the longest prefix of a run of digits that is one)."""
    if _DIGIT_RE.search(text) is None:
        return []  # every pattern below needs a digit
    spans = []
    for m in _PHONE_CANDIDATE_RE.finditer(text):
        cand = m.group(0)
        # try the whole run, then shorter runs that end in a digit (a year or house number may follow)
        for end in range(len(cand), 0, -1):
            if cand[end - 1].isdigit() and (end == len(cand) or not cand[end].isdigit()):
                piece = cand[:end]
                start = 0
                if piece.startswith("(") and piece.count("(") > piece.count(")"):
                    start = 1  # "(06-24681357)": the bracket encloses the number
                if piece[start:].count("(") == piece[start:].count(")") and _phone_ok(piece[start:]):
                    spans.append((m.start() + start, m.start() + end, "TELEFOON"))
                    break
    return spans


# -- postcodes and addresses ---------------------------------------------------------------------------------
_PC_WORDS = frozenset(
    "en of in op te de is al na om ik we je ze zo er nu ja uw tot bv km kg cm mm ml pm am nr ca wo ma di "
    "do vr za".split()
)
_POSTCODE_RE = re.compile(r"(?<![\w-])([1-9]\d{3})\s?([A-Za-z]{2})(?![\w])")
_UPPER_PC_STOP = frozenset({"SA", "SD", "SS"})
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_ADDITION = (
    r"(?:\s?-\s?(?:\d{1,4}|[IVX]{1,4}|hs|bg|zwart|rood|bis|huis|boven|beneden|[a-zA-Z])(?![\w])|\s?[a-zA-Z](?![\w])|"
    r"\s(?:zwart|rood|bis|hs|huis|boven|beneden|bg|[IVX]{1,4})(?![\w])|/\d{1,3}(?!\d))?"
)
_HOUSE = rf"(?:(?:nr\.?|nummer)\s*)?\d{{1,4}}{_ADDITION}"
_HOUSE_RE = re.compile(rf"\s+({_HOUSE})")


def _pc_ok(m: re.Match[str]) -> bool:
    letters = m.group(2)
    if letters.isupper():
        return letters not in _UPPER_PC_STOP
    return letters.islower() and letters not in _PC_WORDS


def find_postcodes(text: str) -> list[Span]:
    """Dutch postcodes (``2033 BK``, ``2033bk``), not "2034 en ..."."""
    if _DIGIT_RE.search(text) is None:
        return []
    return [(m.start(), m.end(), "POSTCODE") for m in _POSTCODE_RE.finditer(text) if _pc_ok(m)]


_STREET_WORDS = (
    "straat|straatje|straatweg|weg|laan|plein|pleintje|gracht|kade|singel|dijk|dreef|hof|hofje|park|steeg|pad|"
    "plantsoen|markt|ring|baan|dam|wal|burgwal|vest|erf|hoek|veld|zijde|zijl|poort|vaart|wetering|haven|allee|"
    "boulevard|kwartier|eiland|kamp|akker|berg|hout|weide|donk|horst|gaarde|oord|burg|bolwerk|promenade|"
    "passage|rak|gang|sloot|brug|dwarsstraat|lei|dreefje"
)
_LET = "A-Za-zÀ-ÖØ-öø-ÿĀ-ſ"
_UPLET = "A-ZÀ-ÖØ-ÞĀ-Ž"
_PREFIX = r"(?:[A-Z][a-z]{0,4}\.|St\.|'s|'t|Sint|Burg\.|Prof\.|Dr\.|Mr\.|Ds\.|Jhr\.)"
_STREET_TUSSEN = r"(?:van der|van den|van de|van|de|der|den|het|'t|ter|ten|la|le|du|von)"
_CAPWORD = rf"[{_UPLET}][{_LET}'’]*(?:-[{_UPLET}]?[{_LET}'’]+)*"
_STREET_WORDS_CAP = "|".join(w.capitalize() for w in _STREET_WORDS.split("|"))
# "Burgemeester de Vlugtlaan", "Gedempte Oude Gracht", "Van Oosten de Bruynstraat", "Dr. Schaepmanstraat"
_STREET_RE = re.compile(
    rf"(?<![\w\[])((?:\d{{1,2}}e\s+)?(?:(?:{_PREFIX}|{_CAPWORD})\s+(?:{_STREET_TUSSEN}\s+)?){{0,4}}"
    rf"(?:[{_UPLET}][{_LET}'’-]*?(?:{_STREET_WORDS})|(?:{_STREET_WORDS_CAP})))"
    rf"(?=\s+{_HOUSE}(?![\w]))"
)
_LOWER_STREET_RE = re.compile(rf"(?<![\w\[])([a-z][a-z'-]+(?:{_STREET_WORDS}))(?=\s+{_HOUSE}(?![\w]))")
# a street without a street word, right after words that say "address": "woont op Spaarne 45", "adres: ..."
_ADDRESS_CUE = (
    r"(?:(?:woon|woont|wonen|woonde|woonden|gewoond|woonachtig|gevestigd|verhuisd|verhuist|zit|zitten|"
    r"kantoor|winkel|pand|woning|huis|appartement|flat|portiek|kelder|bovenburen|benedenburen|buren|"
    r"lekkage|inbraak|brand)\b[^.;:\n]{0,30}?\b(?:op|aan|naar|in)\s+(?:de\s+|het\s+)?|"
    r"\b(?:adres|afleveradres|woonadres|postadres|bezoekadres|huisadres)\w*\s*(?::|is|was)?\s*|"
    r"\baan\s+(?:de|het)\s+)"
)
_CUED_STREET_RE = re.compile(
    rf"(?i:{_ADDRESS_CUE})((?:{_CAPWORD}|{_PREFIX})(?:\s+(?:{_STREET_TUSSEN}\s+)?{_CAPWORD}){{0,3}}|"
    rf"[a-z][a-z'-]+(?:{_STREET_WORDS}))(?=\s+{_HOUSE}(?![\w]))"
)
_POSTBUS_RE = re.compile(r"\b[Pp]ostbus\s+\d{1,6}\b")
_PC_HOUSE_RE = re.compile(rf"(?<![\w-])[1-9]\d{{3}}\s?[A-Za-z]{{2}}\s+(?:{_HOUSE})(?![\w]|[.,]\d)")
# words that may start a capitalised run but never a street name ("Op Lange Herenstraat 14")
_LEADING_STOP = frozenset(
    "op in aan bij naar voor achter mijn ons onze zijn haar hun het een ik wij we jij u adres adres: graag "
    "melding lekkage woon woont wonen tussen tegenover naast via langs over vanaf sinds tot uit".split()
)
_NOT_STREET_ENDINGS = ("akkoord", "bord", "woord")
_UNIT_AFTER_RE = re.compile(
    r"^\s*(?:%|procent|euro|jaar|jaren|uur|minuten|keer|mensen|bewoners|deelnemers|kinderen|woningen|"
    r"meter|km|kilometer|plekken|stuks|cm|m2)\b",
    re.I,
)


def _house_after(text: str, end: int) -> re.Match[str] | None:
    m = _HOUSE_RE.match(text, end)
    if m is None:
        return None
    number = re.match(r"(?:(?:nr\.?|nummer)\s*)?(\d+)", m.group(1))
    digits = number.group(1) if number else ""
    after = text[m.end() :]
    if re.fullmatch(_YEAR, digits) or re.match(rf"\s?[-/]\s?{_YEAR}", text[m.start(1) + len(digits) :]):
        return None  # "Omgevingsvisie 2040", "Coalitieakkoord 2022-2026": a year, not a house number
    if _UNIT_AFTER_RE.match(after):
        return None
    return m


def _street_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim leading function words from a street match; return the street + house number span, or None."""
    words = list(re.finditer(r"\S+", text[start:end]))
    while words and words[0].group(0).lower() in _LEADING_STOP:
        words.pop(0)
    low = [w.group(0).lower() for w in words]
    for k in range(len(low) - 2):
        if low[k] == "van" and low[k + 1] in {"de", "het"}:
            # "mevrouw Hoekstra van de Zomerkade 12": "van de" is "of the"; the street starts after it
            before = text[max(0, start - 12) : start + words[0].start()].lower()
            if k > 0 or re.search(r"(?:mevrouw|meneer|mevr\.|mw\.|dhr\.|heer)\s*$", before):
                words = words[k + 2 :]
                break
    if not words:
        return None
    s = start + words[0].start()
    if words[-1].group(0).lower().endswith(_NOT_STREET_ENDINGS):
        return None  # "Coalitieakkoord", "Mededelingenbord": a compound of a street word, not a street
    house = _house_after(text, end)
    if house is None:
        return None
    return s, house.end()


def find_addresses(text: str) -> list[Span]:
    """Street + house number (+ addition), Postbus, postcode + house number; see the module docstring."""
    if _DIGIT_RE.search(text) is None:
        return []  # every pattern below needs a digit
    spans: list[Span] = []
    for m in _PC_HOUSE_RE.finditer(text):
        pc = _POSTCODE_RE.match(text, m.start())
        house = _house_after(text, pc.end()) if pc and _pc_ok(pc) else None
        if house is not None:
            spans.append((m.start(), house.end(), "ADRES"))
    spans += [(m.start(), m.end(), "ADRES") for m in _POSTBUS_RE.finditer(text)]
    for regex in (_STREET_RE, _CUED_STREET_RE, _LOWER_STREET_RE):
        for m in regex.finditer(text):
            if regex is _LOWER_STREET_RE and not _cued(text, m.start()):
                continue
            span = _street_span(text, m.start(1), m.end(1))
            if span is not None:
                spans.append((span[0], span[1], "ADRES"))
    return spans


def _cued(text: str, start: int) -> bool:
    """Return True when the words before ``start`` say that an address follows."""
    return re.search(rf"(?i:{_ADDRESS_CUE})$", text[max(0, start - 60) : start]) is not None


# -- dates of birth ------------------------------------------------------------------------------------------
_MONTHS = (
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    r"jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|'\d{{2}}|’\d{{2}}|(?:19|20)\d{{2}})"
)
_BIRTH_BEFORE_RE = re.compile(
    rf"(?i)(?:\bgeboren|\bgeb\.?(?:\s?datum)?|\bgeboortedatum|\bgeboortejaar|\bgeb\.-?datum|°|\bborn)"
    rf"\s*[:,]?\s*(?:(?:is|was|op|in|te\s+[A-Z][\w-]+\s+op|de)\s+)?({_DATE})(?![\w-])"
)
_BIRTH_AFTER_RE = re.compile(rf"(?i)(?<![\w-])({_DATE})\s+(?:\w+\s+)?geboren\b")
_PERSON_SUBJECT = (
    r"(?:\bik\s+ben|\b(?:hij|zij|ze)\s+is|\[PERSOON-\d+\]\s+is|"
    r"\b(?:mijn|zijn|haar|onze|hun)\s+(?:zoon|dochter|kind|moeder|vader|man|vrouw|broer|zus|opa|oma|"
    r"buurman|buurvrouw|partner|vriend|vriendin|kleinzoon|kleindochter|schoonmoeder|schoonvader)\s+is)"
)
_BIRTH_SUBJECT_RE = re.compile(rf"(?i){_PERSON_SUBJECT}\s+(?:van|uit)\s+({_DATE})(?![\w-])")
_NEXT_TO_PERSON_RE = re.compile(rf"\[PERSOON-\d+\]\s*(?:\(\s*°?\s*|,\s*)({_DATE})(?![\w-])(?=\s*[),;]|\s*$)")
_FULL_DATE_RE = re.compile(_DATE)
_BIRTH_CUE_RE = re.compile(r"(?i)\b(?:geboren|geb\.|geboortedatum|geboortedata)")
_DAY_MONTH_YEAR_RE = re.compile(
    rf"(?i)(?<![\w-])(\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}})(?![\w-])"
)
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)|\n")


def _dates_in_birth_sentences(text: str) -> list[Span]:
    """Full dates in a sentence that speaks of birth ("geboren op X en haar buurman op Y": both are)."""
    spans: list[Span] = []
    for cue in _BIRTH_CUE_RE.finditer(text):
        ends = [m.end() for m in _SENTENCE_END_RE.finditer(text, 0, cue.start())]
        start = ends[-1] if ends else 0
        after = _SENTENCE_END_RE.search(text, cue.end())
        stop = after.start() if after else len(text)
        for m in _DAY_MONTH_YEAR_RE.finditer(text, start, stop):
            spans.append((m.start(1), m.end(1), "GEBOORTEDATUM"))
    return spans


def find_birth_dates(text: str) -> list[Span]:
    """Dates of birth (see the module docstring); other dates are left."""
    if _DIGIT_RE.search(text) is None or _DIGIT_RE.search(_PLACEHOLDER_RE.sub("", text)) is None:
        return []  # every pattern below needs a digit outside the placeholders (a date starts outside one)
    spans: list[Span] = _dates_in_birth_sentences(text)
    for regex in (_BIRTH_BEFORE_RE, _BIRTH_AFTER_RE, _BIRTH_SUBJECT_RE, _NEXT_TO_PERSON_RE):
        for m in regex.finditer(text):
            value = m.group(1)
            if regex is _NEXT_TO_PERSON_RE and not re.search(r"\d{4}|'\d\d|’\d\d", value):
                continue
            if re.fullmatch(r"(?:19|20)\d{2}", value) and regex is _NEXT_TO_PERSON_RE:
                continue  # "[PERSOON-1], 2019" is more likely a year of something else
            spans.append((m.start(1), m.end(1), "GEBOORTEDATUM"))
    return spans


#: the finders in the order the pseudonymiser applies them (birth dates run after the names, see there)
FINDERS: tuple[tuple[str, Callable[[str], list[Span]]], ...] = (
    ("EMAIL", find_emails),
    ("IBAN", find_ibans),
    ("ADRES", find_addresses),
    ("POSTCODE", find_postcodes),
    ("BSN", find_bsns),
    ("TELEFOON", find_phones),
)
