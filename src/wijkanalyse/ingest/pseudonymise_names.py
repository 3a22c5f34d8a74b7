"""Person names for the pseudonymiser: name lists, the rules that find a name, and the check before replacing one.

A name is found by a rule that sees a person in the sentence, not by a list alone (so a place, a street, a firm
or a verb that happens to be a first name stays):

* a **title or relation** before it: ``mevrouw Bakker``, ``dhr. T. Çelik``, ``mevr. de jong``, ``wethouder
  Koster``, ``mijn buurvrouw Ria``, ``De voorzitter, Paul de Groot,`` (a role title before ``van`` + a place is
  the place: ``de burgemeester van Haarlem``);
* **initials** before a surname: ``J. de Vries``, ``A.M. van den Berg``;
* a **known first name** (``data/voornamen.txt``) with whatever surname follows (tussenvoegsels, two-part
  names, any script: ``Juan Carlos Rodríguez``, ``Małgorzata Wiśniewska``), its possessive (``Jans fiets``,
  ``Fatima's zoon``), lower case where the context shows a person (``met jan van nummer 12``);
* a **speaker prefix** at the start of a line (``Roy Linger: ...``) and **lists** after a head such as
  ``Aanwezig:``, ``Naam:``, ``Contactpersoon:``;
* **context words** before an unknown name: ``met``/``aan``/``volgens``/``zei``/``Beste``/``Groetjes,``/``Ik
  ben``/``Mijn naam is``; a capitalised ``De``/``Van`` inside a sentence (``volgens De Boer``); a known surname
  (``data/achternamen.txt``) inside a sentence; two or three capitalised unknown words in a row where a
  person can stand (``met Zhang Wei``, ``Tesfay Gebremedhin zegt``).

And a candidate is dropped when the sentence says it is not a person: an article before it (``de Albert
Heijn``, ``bij de Dirk``), a street or area word at its end (``Anne Frankplein``, ``Frans Halsbuurt``), an
institution after it (``Frans Hals Museum``), a place (``data/plaatsen.txt``) or a word of the ``keep`` list.
First names that are also words (``data/voornamen_ook_woord.txt``: *Wil*, *Ben*, *Mark*, *Roos*, *Max*)
need a person in the context (``Mark van de wijkraad``, ``Roos en haar man``, ``met Bas``) and are left when a
pronoun, article or preposition follows them (``Wil je``, ``Mark de datum``, ``Max. 25``).

The lists were written for this project (no external list is copied); ``deduce``'s larger lookup lists are
not used because deduce is not a dependency (see :mod:`wijkanalyse.ingest.pseudonymise`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from wijkanalyse.config import PACKAGE_DATA

__all__ = ["Lexicon", "NameSpan", "lexicon", "find_names", "person_here", "STOPWORDS"]

# letters of the Latin scripts (Latin-1, Extended-A/B: ı ğ ş ł ś ż ...), upper and lower, built from Unicode
_LETTERS = "".join(chr(c) for c in range(0x41, 0x250) if chr(c).isalpha())
_UP = "".join(c for c in _LETTERS if c.isupper())
_LOW = "".join(c for c in _LETTERS if not c.isupper())
_L = f"[{re.escape(_LETTERS)}]"
_TOKEN_RE = re.compile(
    rf"\[[A-Z]+-\d+\]|['’]t\b|['’]s\b|{_L}+(?:['’]{_L}+)*(?:-{_L}+(?:['’]{_L}+)*)*|\d+|\n|\S"
)
_TUSSEN_WORDS = frozenset("van de der den te ter ten 't ’t el al da dos du le la von zu ben bin ait ou het in op".split())
_TUSSEN_FIRST = frozenset("van de der den te ter ten 't ’t el al da dos du le la von ben ait".split())
_SENTENCE_END = frozenset(".!?:;\n\"“”„()•*–—-|")
# "die" is left out: "de avond die Kevin organiseerde" (a relative pronoun)
_ARTICLES = frozenset("de het een deze dit elke iedere welke geen".split())
_PRONOUNS = frozenset("je jij u ik we wij jullie ze zij hij men er het jou jouw uw zich".split())
_FUNCTION_AFTER = frozenset("de het een in op aan na naar met voor bij uit om onder over tot en of".split())
_PERSONAL_TITLES = frozenset(
    "mevrouw mevr mw mevr. mw. meneer mijnheer dhr dhr. heer juffrouw juf mr mr. dr dr. drs drs. ir ir. ing "
    "ing. prof prof. mrs ms ds ds. zuster broeder".split()
)
_ROLES = frozenset(
    """wethouder burgemeester voorzitter secretaris penningmeester notulist wijkagent wijkmanager wijkregisseur
    wijkcoördinator opbouwwerker jongerenwerker buurtwerker beheerder conciërge huismeester bewoner bewoonster
    buurman buurvrouw buurjongen buurmeisje zus zuster broer zoon dochter moeder vader man vrouw oma opa tante oom
    neef nicht kleinzoon kleindochter schoonmoeder schoonvader vriend vriendin collega partner echtgenoot
    echtgenote huisarts dokter directeur dominee pastoor imam meester trainer coach docent leraar lerares juf
    raadslid ambtenaar medewerker medewerkster vrijwilliger vrijwilligster cliënt client aanvrager melder huurder
    eigenaar gespreksleider interviewer deelnemer spreker inspreker verpleegkundige wijkverpleegkundige
    beleidsmedewerker projectleider coördinator kapper ondernemer bewonersadviseur mantelzorger""".split()
)
_PERSON_VERBS = frozenset(
    """zei zegt zeggen vertelde vertelt vertelden vroeg vraagt vroegen vindt vond vinden wil wilde willen heeft
    had hebben hadden is was waren woont woonde wonen werkt werkte werken gaf geeft stelt stelde stelden merkte
    merkt kwam komt komen belde belt sprak spreekt schreef schrijft stuurde stuurt ging gaat gaan kan kon kunnen
    zal zou zullen moet moest mag mocht doet deed leidt leidde leiden opende sloot bedankte vatte lichtte
    beloofde reageerde herinnerde maakte maakt organiseert organiseerde vertaalde coördineert presenteerde
    presenteerden zag ziet denkt dacht weet wist kent kende hoopt hoopte verzorgde ontwierp vluchtte bieden
    biedt noemt noemde antwoordde legde zette ergert klaagt klaagde meldt meldde nam neemt helpt hielp
    hebben wilden deden kregen kreeg krijgt speelt speelde spelen bracht brengt gaf zit zat staat stond liep
    loopt belt appte mailde tekende las leest hoorde hoort voelt voelde vertegenwoordigde vertegenwoordigden
    herinnert benadrukte benadrukt meent stemde geeft""".split()
)
# plural forms: a run of capitalised words before one of these is rather a firm or "X en Y" than one person
_PLURAL_VERBS = frozenset(
    """zeggen vertelden vroegen vinden willen hebben hadden waren wonen werken stelden komen gaan kunnen zullen
    leiden presenteerden bieden wilden deden kregen spelen vertegenwoordigden""".split()
)
_SINGULAR_VERBS = _PERSON_VERBS - _PLURAL_VERBS
_SPEECH_VERBS = frozenset(
    "zei zegt vertelde vertelt vroeg vraagt vindt vond stelt stelde merkte merkt meent denkt dacht benadrukte "
    "benadrukt schreef schrijft antwoordde reageerde klaagt klaagde meldt meldde hoopt hoopte".split()
)
_BEFORE_PERSON = frozenset(
    "met aan bedankt dank beste lieve hoi hallo hey dag groetjes groet groeten door volgens aldus zei vroeg "
    "vertelde belde sprak gesproken gebeld gemaild geappt via bij tegen voor".split()
)
# words after which even an unknown capitalised word is a person ("met Ivanov", "volgens Bouzid")
_STRONG_BEFORE = frozenset(
    "met aan bedankt beste lieve hoi hallo hey groetjes groet groeten volgens aldus zei via".split()
)
_INSTITUTIONS = frozenset(
    """museum gasthuis ziekenhuis school basisschool college lyceum gymnasium academie universiteit hogeschool
    stichting fonds prijs stadion park huis centrum kerk moskee theater schouwburg bibliotheek instituut zaal
    hal hotel restaurant café bv b.v nv vof groep vereniging club wonen zorg welzijn kinderopvang brug tunnel
    markt winkelcentrum hof hofje gebouw monument straat laan plein weg kade gracht singel dreef buurt wijk
    kwartier polder dorp bos stichting foundation lezing route pad arena fabriek kazerne kliniek apotheek
    praktijk""".split()
)
# words that make any name they are part of an organisation or a building ("Kennemer Gasthuis-terrein")
_INSTITUTION_HEADS = frozenset(
    """museum gasthuis ziekenhuis school basisschool college lyceum gymnasium academie universiteit hogeschool
    stichting fonds stadion centrum kerk moskee theater schouwburg bibliotheek instituut hotel restaurant café
    vereniging club kinderopvang winkelcentrum gebouw monument kliniek apotheek praktijk fabriek kazerne arena
    terrein huis""".split()
)
_PLACE_SUFFIXES = (
    "straat", "laan", "plein", "pleintje", "kade", "gracht", "singel", "dreef", "steeg", "markt", "buurt",
    "wijk", "kwartier", "polder", "park", "weg", "dijk", "plantsoen", "haven", "brug", "tunnel", "museum",
    "gasthuis", "ziekenhuis", "school", "college", "hofje", "passage", "promenade", "vaart", "dorp",
)
_ORG_WORDS = frozenset(
    """sociaal wijkteam wonen zorg welzijn stichting vereniging gemeente provincie politie brandweer dienst
    bureau centrum team groep raad commissie platform netwerk fonds bank programma project plan nota visie
    agenda akkoord regeling route festival dag week maand app online samen sterk effect noord zuid oost west
    nieuw nieuwe oud oude groot grote klein kleine lange korte hoge lage gedempte verlengde sint st onze
    lieve vrouwe heilig heilige koninklijk koninklijke nationaal nationale rijks gemeentelijk openbaar openbare
    onderwijs financiën sport cultuur economie duurzaamheid verkeer mobiliteit jeugd armoede participatie
    wijken ruimte veiligheid milieu klimaat energie werk inkomen gezondheid leger heils ggd
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april mei juni juli
    augustus september oktober november december pasen kerst kerstmis pinksteren ramadan suikerfeest
    offerfeest koningsdag bevrijdingsdag turks turkse marokkaans marokkaanse pools poolse nederlands
    nederlandse surinaams surinaamse arabisch engels duits frans chinees moluks molukse eritrese somalische
    hindoestaanse islamitische christelijke katholieke protestantse google facebook whatsapp instagram
    youtube twitter linkedin teams zoom ah jumbo lidl aldi hema action kruidvat etos rabobank ing abn amro
    """.split()
)
_BRANDS = frozenset(
    "albert heijn|jan linders|hans anders|dirk van den broek|anne frank|frans hals|jan steen|vincent van gogh|"
    "willem alexander|beatrix|juliana|wilhelmina|maxima|máxima|martin luther king|nelson mandela|johan cruijff|"
    "johan cruyff|abraham kuyper|jan pieterszoon coen|michiel de ruyter|piet hein".split("|")
)
_NOT_NAME_EXTRA = frozenset("dankzij namens vanwege ondanks betreft inzake middels gezien".split())
_FIELD_LABELS = frozenset(
    """telefoon tel mail e-mail email adres postcode woonplaats reactie vraag antwoord opmerking melding
    onderwerp datum tijd plaats locatie bijlage kenmerk betreft notitie toelichting let op nb n.b samenvatting
    conclusie actie besluit stelling thema punt agendapunt""".split()
)
_LIST_HEADS = (
    r"(?:[Aa]anwezig|[Aa]fwezig(?: met bericht)?|[Nn]otulist|[Nn]otulen|[Vv]oorzitter|[Ss]ecretaris|"
    r"[Pp]enningmeester|[Gg]espreksleider|[Vv]erslag|[Vv]erslaglegging|[Aa]uteur|[Cc]ontactpersoon|[Cc]ontact|"
    r"[Nn]amens de gemeente|[Gg]asten|[Ss]prekers|[Dd]eelnemers|[Nn]aam|[Aa]anvrager|[Cc]li[eë]nt|[Aa]fzender|"
    r"[Ii]nterviewer|[Gg]eïnterviewde|[Mm]elder|[Hh]uurder|[Ee]igenaar|[Ww]ethouder|[Oo]ndertekend|[Vv]an|[Aa]an|"
    r"[Cc]c)"
)
_LIST_RE = re.compile(rf"(?:^|(?<=[\n.;]\s)|(?<=\n)){_LIST_HEADS}\s*:\s*([^:\n]+)")


def _read_words(name: str, sep: str | None = None) -> list[str]:
    words: list[str] = []
    for line in (PACKAGE_DATA / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        words += [w.strip() for w in (line.split(sep) if sep else line.split()) if w.strip()]
    return words


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().lower()


@dataclass(frozen=True)
class Lexicon:
    """The name lists and word sets the rules use (all lower case)."""

    first: frozenset[str]
    ambiguous: frozenset[str]
    surnames: frozenset[str]
    places: frozenset[str]
    stop: frozenset[str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the bundled lists once."""
    ambiguous = {w.lower() for w in _read_words("voornamen_ook_woord.txt")}
    first = {w.lower() for w in _read_words("voornamen.txt")} | ambiguous
    surnames = {_norm(w) for w in _read_words("achternamen.txt", ",")}
    places = {_norm(w) for w in _read_words("plaatsen.txt", ",")}
    stop = {w.lower() for w in _read_words("stopwords_nl.txt")}
    return Lexicon(frozenset(first), frozenset(ambiguous), frozenset(surnames), frozenset(places), frozenset(stop))


STOPWORDS = lexicon().stop


@dataclass(frozen=True)
class NameSpan:
    """A name found in a text: ``kind`` is ``full`` (first name + surname), ``first``, ``surname`` or
    ``initials`` (initials + surname)."""

    start: int
    end: int
    kind: str


# -- tokens ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


class _Sentence:
    """The tokens of a text with the questions the rules ask about them."""

    def __init__(self, text: str, lex: Lexicon, keep: frozenset[str]):
        self.text = text
        self.lex = lex
        self.keep = keep
        self.toks = [_Tok(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
        self.by_start = {t.start: i for i, t in enumerate(self.toks)}

    def tok(self, i: int) -> _Tok | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def low(self, i: int) -> str:
        t = self.tok(i)
        return t.low if t else ""

    def initial(self, i: int) -> bool:
        """True when token ``i`` starts a sentence, a line or a clause after a colon or bracket."""
        if i == 0:
            return True
        prev = self.toks[i - 1].text
        if prev in _SENTENCE_END or prev in {",,", "'", "‘"}:
            # "Dhr. Yilmaz": a dot after an abbreviation or an initial does not end a sentence
            if prev == "." and i >= 2 and self._abbreviation(i - 2):
                return False
            return True
        return False

    def _abbreviation(self, i: int) -> bool:
        t = self.toks[i]
        return t.low in _PERSONAL_TITLES or (len(t.text) == 1 and t.text.isupper()) or t.low in {"st", "nr", "vs"}

    # shapes
    def cap(self, i: int) -> bool:
        """A capitalised word: first letter upper case, some lower case after it (``Jansen``, ``El-Amrani``)."""
        t = self.tok(i)
        return bool(t and t.text[0] in _UP and len(t.text) >= 2 and any(c in _LOW for c in t.text[1:]))

    def caps(self, i: int) -> bool:
        """A word in capitals of three letters or more (``JANSEN``)."""
        t = self.tok(i)
        return bool(t and len(t.text) >= 3 and t.text.isalpha() and t.text.isupper())

    def lower(self, i: int) -> bool:
        t = self.tok(i)
        return bool(t and t.text[0] in _LOW)

    def initial_letter(self, i: int) -> bool:
        """An initial: one capital letter followed by a dot (``J.``)."""
        t = self.tok(i)
        return bool(t and len(t.text) == 1 and t.text in _UP and self.low(i + 1) == ".")

    # what a word is
    def stopword(self, i: int) -> bool:
        return self.low(i) in self.lex.stop

    def not_a_name_word(self, i: int) -> bool:
        """Stop words, places, organisation and calendar words, roles, titles and the keep list."""
        w = self.low(i)
        return (
            w in self.lex.stop
            or w in self.lex.places
            or w in _ORG_WORDS
            or w in _ROLES
            or w in _PERSONAL_TITLES
            or w in _FIELD_LABELS
            or w in _NOT_NAME_EXTRA
            or w in self.keep
        )

    def first_name(self, i: int) -> bool:
        w = self.low(i)
        if w in self.lex.first:
            return True
        parts = w.split("-")
        return len(parts) > 1 and all(p in self.lex.first for p in parts)

    def place_suffix(self, i: int) -> bool:
        w = self.low(i)
        if w in self.lex.surnames or w in self.lex.first:
            return False
        return any(w.endswith(s) and len(w) > len(s) + 2 for s in _PLACE_SUFFIXES)

    def article_before(self, i: int) -> bool:
        return self.low(i - 1) in _ARTICLES

    def name_word(self, i: int) -> bool:
        """A capitalised (or all-capitals) word that may be part of a name."""
        if not (self.cap(i) or self.caps(i)):
            return False
        return not self.not_a_name_word(i) or self.low(i) in self.lex.surnames or self.first_name(i)

    def surname_word(self, i: int) -> bool:
        """A capitalised word after a tussenvoegsel: a surname even when it is also a word (``Van der Meer``)."""
        if not (self.cap(i) or self.caps(i)):
            return False
        w = self.low(i)
        return not (w in self.lex.places or w in self.keep or w.split("-")[0] in _INSTITUTION_HEADS)

    def tussen(self, i: int) -> int:
        """Number of tokens of a tussenvoegsel starting at ``i`` (``van der`` -> 2), 0 if none."""
        n = 0
        while self.low(i + n) in _TUSSEN_WORDS and n < 3:
            if n == 0 and self.low(i) not in _TUSSEN_FIRST:
                return 0
            n += 1
        if n and self.cap(i + n) and _norm(self.text[self.toks[i].start : self.toks[i + n].end]) in self.lex.surnames:
            return n  # "ter Horst": a known surname, although Horst is also a place
        return n if n and (self.surname_word(i + n) or self.lower_name_word(i + n)) else 0

    def lower_name_word(self, i: int) -> bool:
        t = self.tok(i)
        return bool(t and t.text.isalpha() and t.text.islower() and len(t.text) >= 3 and not self.stopword(i))

    def surname_after(self, i: int, lower_ok: bool = False) -> int:
        """End index (exclusive) of a surname starting at ``i`` (tussenvoegsels and up to three words), or ``i``."""
        j = i
        words = 0
        while words < 3:
            n = self.tussen(j)
            k = j + n
            if n and words and self.cap(k + 1) and (self.low(k + 1) in _INSTITUTIONS or self.low(k + 1) in _ORG_WORDS):
                break  # "Yvonne Dekker van Elan Wonen": "van" starts an organisation, not a double name
            word = self.surname_word(k) if n else self.name_word(k)
            if n and self.cap(k) and _norm(self.text[self.toks[j].start : self.toks[k].end]) in self.lex.surnames:
                word = True
            if word and not self.place_suffix(k) or (lower_ok and n and self.lower_name_word(k)):
                j = k + 1
                words += 1
                if self.low(j) == "-" and self.name_word(j + 1):
                    j += 2
                continue
            break
        return j

    def keep_phrase(self, a: int, b: int) -> bool:
        """True when tokens ``a..b-1`` are (part of) a word or phrase to keep."""
        phrase = _norm(self.text[self.toks[a].start : self.toks[b - 1].end])
        if phrase in self.keep or phrase in self.lex.places or phrase in _BRANDS:
            return True
        if any(phrase.endswith(" " + sn) or phrase == sn for sn in self._tussen_surnames(a, b)):
            return False  # "F.J. ter Horst": a known surname with its tussenvoegsel, although Horst is a place
        return any(self.low(k) in self.keep or self.low(k) in self.lex.places for k in range(a, b))

    def _tussen_surnames(self, a: int, b: int) -> list[str]:
        """Known surnames with a tussenvoegsel among tokens ``a..b-1`` ("ter horst")."""
        out = []
        for k in range(a, b):
            n = self.tussen(k) if self.low(k) in _TUSSEN_FIRST else 0
            if n and k + n < b:
                phrase = _norm(self.text[self.toks[k].start : self.toks[k + n].end])
                if phrase in self.lex.surnames:
                    out.append(phrase)
        return out

    def blocked(self, a: int, b: int) -> bool:
        """True when the sentence says tokens ``a..b-1`` are not a person (see the module docstring)."""
        if self.article_before(a):
            return True
        before = self.low(a - 1)
        if any(before.endswith(h) for h in _INSTITUTION_HEADS if len(h) >= 5):
            return True  # "wijkcentrum De Til", "Buurthuis Anna": the name of a building
        if self.place_suffix(b - 1) or self.keep_phrase(a, b):
            return True
        if any(self.low(k).split("-")[0] in _INSTITUTION_HEADS or self.low(k).split("-")[-1] in _INSTITUTION_HEADS
               for k in range(a, b)):
            return True
        nxt = self.low(b)
        if nxt in _INSTITUTIONS and (self.cap(b) or self.caps(b)) or (nxt == "-" and self.tok(b + 1) is not None and self.toks[b].end == self.toks[b + 1].start):
            return True
        if self.cap(b) and self.place_suffix(b):
            return True  # "Frans Halsbuurt" where "Frans Hals" was taken as a name
        return False

    def person_context(self, a: int, b: int) -> bool:
        """True when the words around tokens ``a..b-1`` show a person (used for ambiguous and lower-case names)."""
        prev, nxt = self.low(a - 1), self.low(b)
        if prev in _BEFORE_PERSON or prev in _ROLES or prev in _PERSONAL_TITLES or prev == "," and self.low(a - 2) in {
            "groetjes",
            "groet",
            "groeten",
            "bedankt",
        }:
            return True
        if prev == "." and self.low(a - 2) in _PERSONAL_TITLES:
            return True
        if self.low(a - 2) == "ik" and prev in {"ben", "heet"} or self.low(a - 2) == "naam" and prev == "is":
            return True
        if nxt in _PERSON_VERBS or nxt in {"'s", "’s"}:
            return True
        if nxt == "van" and (self.low(b + 1) in {"de", "het", "nummer", "groep", "mijn", "ons", "onze"} or self.cap(b + 1)):
            return True
        if nxt == "uit" and self.low(b + 1) in {"de", "het"} and self.low(b + 2) in {"buurt", "straat", "flat", "wijk"}:
            return True
        if nxt in {"en", "of", ","} and (
            self.low(b + 1) in {"haar", "zijn", "hun", "ik", "mijn"} or self.cap(b + 1) and self.first_name(b + 1)
        ):
            return True
        if prev in {"en", "of", ","} and self.cap(a - 2) and self.first_name(a - 2) and not self.initial(a - 2):
            return True
        if prev in {"en", "of"} and self.cap(a - 2) and self.first_name(a - 2) and nxt in _PERSON_VERBS:
            return True
        if nxt == ":" and self.initial(a):
            return True
        if nxt == "," and self.low(b + 1) in {"de", "het", "een", "onze", "mijn"} and self.low(b + 2) in _ROLES:
            return True
        return nxt == "," and self.low(b + 1) in _ROLES

    def subject_verb(self, i: int, speech: bool = False, single: bool = False) -> bool:
        """True when token ``i`` is a singular verb whose subject is what stands before it.

        Not when a subject follows the verb: "Tegelijk zegt hij" (an adverb first, then verb and subject);
        after a ``single`` word not either when an article follows ("Daarom vroeg de wethouder ...").
        """
        verbs = _SPEECH_VERBS if speech else _SINGULAR_VERBS
        after = self.low(i + 1)
        return self.low(i) in verbs and after not in _PRONOUNS and not (single and after in {"de", "een", "men"})

    def role_predicate(self, i: int) -> bool:
        """``is de nieuwe jongerenwerker``, ``was een vrijwilliger``: what follows token ``i - 1`` is a role."""
        if self.low(i) not in {"is", "was", "wordt", "blijft"} or self.low(i + 1) not in {"de", "een", "onze", "hun"}:
            return False
        j = i + 2
        if self.lower(j) and self.low(j + 1) in _ROLES:
            j += 1  # an adjective: "de nieuwe jongerenwerker"
        return self.low(j) in _ROLES

    def verb_use(self, a: int, b: int) -> bool:
        """True when an ambiguous first name is used as a word here (``Wil je``, ``Mark de datum``, ``Max. 25``)."""
        nxt = self.low(b)
        if nxt in _PRONOUNS and self.initial(a):
            return True
        if nxt == "." and self.tok(b + 1) is not None and self.toks[b + 1].text[0].isdigit():
            return True
        if self.initial(a) and nxt in _FUNCTION_AFTER and not (
            nxt == "en" and (self.low(b + 1) in {"haar", "zijn", "hun"} or self.cap(b + 1))
        ):
            return True
        return nxt == "en" and self.lower(b + 1) and self.low(b + 1) not in {"haar", "zijn", "hun", "ik", "mijn"}


# -- the rules -------------------------------------------------------------------------------------------------
_LIST_NAME_HEADS = frozenset(
    "naam aanvrager contactpersoon contact melder cliënt client notulist verslaglegging verslag voorzitter "
    "secretaris penningmeester gespreksleider auteur afzender interviewer geïnterviewde huurder eigenaar".split()
)
_NOT_SELF_NAME_ENDINGS = ("er", "s", "se", "sche", "ees", "aan", "aans", "ische", "lands")


def _span(s: _Sentence, a: int, b: int, kind: str) -> NameSpan:
    return NameSpan(s.toks[a].start, s.toks[b - 1].end, kind)


def _kind(s: _Sentence, a: int, b: int) -> str:
    if s.initial_letter(a):
        return "initials"
    return "full" if b - a >= 2 and s.first_name(a) else ("first" if s.first_name(a) else "surname")


def _title_names(s: _Sentence) -> list[NameSpan]:
    """``mevrouw Bakker``, ``dhr. T. Çelik``, ``mevr. de jong``, ``wethouder Koster``, ``mijn zus Marieke``."""
    out = []
    for i, t in enumerate(s.toks):
        w = t.low
        personal = w in _PERSONAL_TITLES or (w == "heer" and s.low(i - 1) == "de")
        if not personal and w not in _ROLES:
            continue
        j = i + 1
        if s.low(j) == "." or (not personal and s.low(j) == ","):
            j += 1
        k = j
        while s.initial_letter(k):
            k += 2
        if not personal and s.low(k) == "van" and s.toks[k].text == "van":
            if _norm(f"van {s.low(k + 1)}") not in s.lex.surnames:
                continue  # "de burgemeester van Haarlem", "jongerenwerker van Dock": a place or a firm
        end = s.surname_after(k, lower_ok=personal)
        if end == k and k > j:
            continue
        if end > k and not s.keep_phrase(k, end) and not s.place_suffix(end - 1) and not (s.cap(end) and s.low(end) in _INSTITUTIONS):
            if not personal and not (s.cap(k) or s.caps(k) or s.tussen(k)):
                continue
            out.append(_span(s, j if k > j else k, end, "initials" if k > j else _kind(s, k, end)))
    return out


def _initials_names(s: _Sentence) -> list[NameSpan]:
    """``J. de Vries``, ``A.M. van den Berg``, ``B. Şahin``."""
    out = []
    for i in range(len(s.toks)):
        if not s.initial_letter(i) or s.initial_letter(i - 2):
            continue
        k = i
        while s.initial_letter(k):
            k += 2
        end = s.surname_after(k)
        if end > k and not s.keep_phrase(k, end) and not s.place_suffix(end - 1):
            out.append(_span(s, i, end, "initials"))
    return out


def _possessive_base(s: _Sentence, i: int) -> int:
    """Characters to drop from token ``i`` when it is the possessive of a first name (``Jans``, ``Fatima's``)."""
    t = s.toks[i]
    if t.text[-2:] in {"'s", "’s"} and t.low[:-2] in s.lex.first:
        return 2
    nxt = s.low(i + 1)
    if (
        t.text.endswith("s")
        and t.low[:-1] in s.lex.first
        and t.low not in s.lex.surnames
        and s.lower(i + 1)
        and nxt not in _PERSON_VERBS
        and nxt not in s.lex.stop
    ):
        return 1
    return 0


def _first_name_spans(s: _Sentence) -> list[NameSpan]:
    """A known first name and the surname after it; ambiguous and lower-case ones only in a person context."""
    out = []
    skip_to = 0
    for i, t in enumerate(s.toks):
        if i < skip_to or not (s.cap(i) or s.caps(i) or s.lower(i)):
            continue
        cut = 0 if s.first_name(i) else _possessive_base(s, i)
        if not cut and not s.first_name(i):
            continue
        end = i + 1 if cut else s.surname_after(i + 1)
        if s.blocked(i, end):
            skip_to = end  # "Het Anne Frank Huis": no name inside it either
            continue
        base = t.low[:-cut] if cut else t.low
        if cut:
            out.append(NameSpan(t.start, t.end - cut, "first"))
        elif s.lower(i):
            digit_before = s.tok(i - 1) is not None and s.toks[i - 1].text.isdigit()
            if base not in s.lex.ambiguous and not digit_before and s.person_context(i, end):
                out.append(_span(s, i, end, _kind(s, i, end)))
        elif end - i >= 2:
            out.append(_span(s, i, end, "full"))
        elif base in s.lex.ambiguous or s.caps(i):
            if s.verb_use(i, end):
                continue
            if not s.initial(i) and s.cap(i) or s.person_context(i, end):
                out.append(_span(s, i, end, "first"))
        else:
            out.append(_span(s, i, end, "first"))
    return out


def _speaker_names(s: _Sentence) -> list[NameSpan]:
    """``Roy Linger: ...`` at the start of the text or of a line."""
    out = []
    for i in range(len(s.toks)):
        if i and s.toks[i - 1].text != "\n":
            continue
        k = i
        while k < i + 6 and (s.name_word(k) or s.tussen(k) or s.initial_letter(k) or s.low(k) == "."):
            k += 1
        if k == i or s.low(k) != ":" or not s.name_word(k - 1):
            continue
        words = [j for j in range(i, k) if s.name_word(j)]
        known = any(s.first_name(j) or s.low(j) in s.lex.surnames for j in words)
        if (known or len(words) >= 2) and not s.keep_phrase(i, k) and not s.place_suffix(k - 1):
            out.append(_span(s, i, k, _kind(s, i, k)))
    return out


def _list_names(s: _Sentence) -> list[NameSpan]:
    """Names in a list after a head such as ``Aanwezig:`` or ``Naam:``."""
    out = []
    for m in _LIST_RE.finditer(s.text):
        head = m.group(0).split(":")[0].strip().lower()
        value = re.split(r"(?<![\s.][A-Z])\.(?=\s|$)", m.group(1))[0]
        pos = m.start(1)
        for item in re.finditer(r"[^,;&]+", value):
            for part in re.split(r"\s+en\s+", item.group(0)):
                offset = pos + item.start() + item.group(0).find(part)
                out += _list_item(s, part, offset, head)
    return out


def _list_item(s: _Sentence, part: str, offset: int, head: str) -> list[NameSpan]:
    core = re.sub(r"\s*\(.*$", "", part).strip().rstrip(".")
    if not core:
        return []
    a = s.by_start.get(offset + part.find(core))
    if a is None:
        return []
    b = a
    while b < len(s.toks) and s.toks[b].end <= offset + part.find(core) + len(core):
        b += 1
    while a < b and (s.low(a) in _PERSONAL_TITLES or s.low(a) in {"de", "heer", "."} and s.low(a + 1) != "" and
                     (s.low(a) != "de" or s.low(a + 1) == "heer")):
        a += 1
    if a >= b:
        return []
    ok = all(s.name_word(j) or s.low(j) in _TUSSEN_WORDS or s.initial_letter(j) or s.low(j) in {".", "-"}
             for j in range(a, b))
    words = [j for j in range(a, b) if s.name_word(j)]
    known = any(s.first_name(j) or s.low(j) in s.lex.surnames for j in words)
    if ok and words and (len(words) >= 2 or known or head in _LIST_NAME_HEADS or s.initial_letter(a)):
        if not s.keep_phrase(a, b) and not s.place_suffix(b - 1):
            return [_span(s, a, b, _kind(s, a, b))]
    return []


def _context_names(s: _Sentence) -> list[NameSpan]:
    """Unknown names in a person's context, known surnames, a capitalised ``De``/``Van``, capitalised runs."""
    out = []
    skip_to = 0
    for i in range(len(s.toks)):
        if i < skip_to or s.first_name(i) or not (s.cap(i) or s.caps(i) or s.tussen(i)):
            continue
        prev, prev2 = s.low(i - 1), s.low(i - 2)
        n = s.tussen(i)
        if n and s.cap(i - 1) and not s.initial(i - 1) and not s.not_a_name_word(i - 1):
            continue  # "Wijkcentrum De Til": a capitalised word before "De" makes it a proper name of a thing
        if n and not (s.cap(i) and not s.initial(i)):
            if not (s.initial(i) and s.low(i + n) in s.lex.surnames and s.subject_verb(i + n + 1, single=True)):
                continue
        if n and not s.initial(i):
            # "De Oostpost", "wijkraad Ter Kleef": things are named "De ..." as often as people; a known surname
            # or a person's context is needed ("volgens De Boer"; "wethouder De Groot" is the title rule)
            phrase = _norm(s.text[s.toks[i].start : s.toks[i + n].end])
            if phrase not in s.lex.surnames and s.low(i - 1) not in _STRONG_BEFORE and not s.subject_verb(i + n + 1):
                continue
        if not n and not s.name_word(i):
            continue
        end = s.surname_after(i)
        if end == i:
            continue
        if s.blocked(i, end):
            skip_to = end
            continue
        single = end - i == 1
        strong = (
            prev in _STRONG_BEFORE
            or (prev2, prev) in {("ik", "ben"), ("naam", "is"), ("ik", "heet"), ("dank", "aan")}
            or prev == "," and prev2 in {"groetjes", "groet", "groeten", "bedankt"}
        )
        if (prev2, prev) == ("ik", "ben") and single and s.low(i).endswith(_NOT_SELF_NAME_ENDINGS):
            continue
        surname = s.low(i) in s.lex.surnames or _norm(s.text[s.toks[i].start : s.toks[end - 1].end]) in s.lex.surnames
        initial = s.initial(i)
        runs = not single and all(s.cap(j) or s.low(j) in _TUSSEN_WORDS for j in range(i, end))
        if (
            strong
            or n
            or (surname and (not initial or s.subject_verb(end, single=single)))
            or (runs and not initial and not s.cap(i - 1) and not s.caps(i - 1))
            or (runs and initial and s.subject_verb(end))
            or (single and initial and s.cap(i) and (s.subject_verb(end, speech=True, single=True) or s.role_predicate(end)))
        ):
            out.append(_span(s, i, end, _kind(s, i, end)))
    return out


def _longest(spans: list[NameSpan]) -> list[NameSpan]:
    """Drop spans inside or overlapping a longer one (the earlier one wins a tie)."""
    out: list[NameSpan] = []
    for sp in sorted(spans, key=lambda x: (-(x.end - x.start), x.start)):
        if all(sp.end <= o.start or sp.start >= o.end for o in out):
            out.append(sp)
    return sorted(out, key=lambda x: x.start)


class NameText:
    """One text, tokenised once, for finding names and for checking a known name before replacing it.

    Parameters
    ----------
    text : str
        The text (other personal data already replaced by placeholders).
    keep : set of str
        Lower-case words and phrases that are never a person (the corpus's places and wijken, ...).
    """

    def __init__(self, text: str, keep: frozenset[str] = frozenset()):
        self._s = _Sentence(text, lexicon(), keep)
        self._by_end = {t.end: i for i, t in enumerate(self._s.toks)}

    def names(self) -> list[NameSpan]:
        """The names the rules find in the text, longest first where they overlap."""
        s = self._s
        spans = _list_names(s) + _speaker_names(s) + _title_names(s) + _initials_names(s)
        spans += _first_name_spans(s) + _context_names(s)
        return _longest(spans)

    def known_here(self, start: int, end: int) -> bool:
        """True when a name already in the key, found at ``start:end``, stands for a person here."""
        s = self._s
        a, b = s.by_start.get(start), self._by_end.get(end)
        if a is None or b is None:
            return False
        b += 1
        if s.blocked(a, b) or s.low(b) == "-" or s.low(a - 1) == "-":
            return False
        if all(s.lower(j) or not s.toks[j].text[0].isalpha() for j in range(a, b)):
            # lower case ("jan", "de jong"): a first name or a full name, with a person around it
            digit_before = s.tok(a - 1) is not None and s.toks[a - 1].text.isdigit()
            known_form = b - a >= 2 or (s.low(a) in s.lex.first and s.low(a) not in s.lex.ambiguous)
            return known_form and not digit_before and s.person_context(a, b)
        if b - a == 1 and (s.low(a) in s.lex.ambiguous or s.stopword(a) or s.caps(a)):
            if s.verb_use(a, b):
                return False
            return (not s.initial(a) and s.cap(a)) or s.person_context(a, b)
        return True
