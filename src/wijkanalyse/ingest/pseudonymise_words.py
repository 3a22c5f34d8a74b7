"""Word lists and word sets for the pseudonymiser's name rules (:mod:`.pseudonymise_names`).

The name lists live in ``data/`` (``voornamen.txt``, ``voornamen_ook_woord.txt``, ``achternamen.txt``,
``plaatsen.txt``, and the project's ``stopwords_nl.txt``), written for this project; :func:`lexicon` loads
them once. The sets below say what a word is to the rules: a title, a relation or role, a verb whose subject
is a person, an organisation or institution word, a month. All lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from wijkanalyse.config import PACKAGE_DATA

__all__ = [
    "TUSSEN_WORDS",
    "TUSSEN_FIRST",
    "SENTENCE_END",
    "ARTICLES",
    "PRONOUNS",
    "FUNCTION_AFTER",
    "PERSONAL_TITLES",
    "ROLES",
    "PERSON_VERBS",
    "PLURAL_VERBS",
    "SINGULAR_VERBS",
    "SPEECH_VERBS",
    "BEFORE_PERSON",
    "STRONG_BEFORE",
    "INSTITUTIONS",
    "INSTITUTION_HEADS",
    "ORG_SUFFIXES",
    "PLACE_SUFFIXES",
    "ORG_WORDS",
    "BRANDS",
    "MONTHS",
    "NOT_NAME_EXTRA",
    "FIELD_LABELS",
    "LIST_HEADS",
    "Lexicon",
    "lexicon",
    "norm",
    "STOPWORDS",
    "COMMON_ZIPF",
    "WORD_SURNAMES",
    "everyday_words",
]


def _words(text: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``text`` as a set."""
    return frozenset(text.split())


TUSSEN_WORDS = _words("van de der den te ter ten 't ’t el al da dos du le la von zu ben bin ait ou het in op")
TUSSEN_FIRST = _words("van de der den te ter ten 't ’t el al da dos du le la von ben ait")
SENTENCE_END = frozenset('.!?:;\n"“”„()[•*–—-|')

# "die" is left out: "de avond die Kevin organiseerde" (a relative pronoun)
ARTICLES = _words("de het een deze dit elke iedere welke geen")
PRONOUNS = _words("je jij u ik we wij jullie ze zij hij men er het jou jouw uw zich")
FUNCTION_AFTER = _words("de het een in op aan na naar met voor bij uit om onder over tot en of")

# titles of address (a surname after them may be in lower case: "mevr. de jong")
PERSONAL_TITLES = _words(
    """
    mevrouw mevr mw mevr. mw. meneer mijnheer dhr dhr. heer juffrouw juf mr mr. dr dr. drs drs. ir ir. ing
    ing. prof prof. mrs ms ds ds. zuster broeder
    """
)

# roles and relations written before a name ("wethouder Koster", "mijn buurvrouw Ria")
ROLES = _words(
    """
    wethouder burgemeester voorzitter secretaris penningmeester notulist wijkagent wijkmanager wijkregisseur
    wijkcoördinator opbouwwerker jongerenwerker buurtwerker beheerder conciërge huismeester bewoner
    bewoonster buurman buurvrouw buurjongen buurmeisje zus zuster broer zoon dochter moeder vader man vrouw
    oma opa tante oom neef nicht kleinzoon kleindochter schoonmoeder schoonvader vriend vriendin collega
    partner echtgenoot echtgenote huisarts dokter directeur dominee pastoor imam meester trainer coach
    docent leraar lerares juf raadslid ambtenaar medewerker medewerkster vrijwilliger vrijwilligster cliënt
    client aanvrager melder huurder eigenaar gespreksleider interviewer deelnemer spreker inspreker
    verpleegkundige wijkverpleegkundige beleidsmedewerker projectleider coördinator kapper ondernemer
    bewonersadviseur mantelzorger
    """
)

# verbs whose subject is a person ("Bas heeft ...", "Tesfay Gebremedhin zegt ...")
PERSON_VERBS = _words(
    """
    zei zegt zeggen vertelde vertelt vertelden vroeg vraagt vroegen vindt vond vinden wil wilde willen heeft
    had hebben hadden is was waren woont woonde wonen werkt werkte werken gaf geeft stelt stelde stelden
    merkte merkt kwam komt komen belde belt sprak spreekt schreef schrijft stuurde stuurt ging gaat gaan kan
    kon kunnen zal zou zullen moet moest mag mocht doet deed leidt leidde leiden opende sloot bedankte vatte
    lichtte beloofde reageerde herinnerde maakte maakt organiseert organiseerde vertaalde coördineert
    presenteerde presenteerden zag ziet denkt dacht weet wist kent kende hoopt hoopte verzorgde ontwierp
    vluchtte bieden biedt noemt noemde antwoordde legde zette ergert klaagt klaagde meldt meldde nam neemt
    helpt hielp hebben wilden deden kregen kreeg krijgt speelt speelde spelen bracht brengt gaf zit zat
    staat stond liep loopt belt appte mailde tekende las leest hoorde hoort voelt voelde vertegenwoordigde
    vertegenwoordigden herinnert benadrukte benadrukt meent stemde geeft
    """
)

# plural forms: a run of capitalised words before one of these is rather a firm or "X en Y" than one person
PLURAL_VERBS = _words(
    """
    zeggen vertelden vroegen vinden willen hebben hadden waren wonen werken stelden komen gaan kunnen zullen
    leiden presenteerden bieden wilden deden kregen spelen vertegenwoordigden
    """
)
SINGULAR_VERBS = PERSON_VERBS - PLURAL_VERBS
SPEECH_VERBS = _words(
    """
    zei zegt vertelde vertelt vroeg vraagt vindt vond stelt stelde merkte merkt meent denkt dacht benadrukte
    benadrukt schreef schrijft antwoordde reageerde klaagt klaagde meldt meldde hoopt hoopte
    """
)

# words before a name that show a person (for ambiguous and lower-case first names)
BEFORE_PERSON = _words(
    """
    met aan bedankt dank beste lieve hoi hallo hey dag groetjes groet groeten door volgens aldus zei vroeg
    vertelde belde sprak gesproken gebeld gemaild geappt via bij tegen voor
    """
)

# words after which even an unknown capitalised word is a person ("met Ivanov", "volgens Bouzid")
STRONG_BEFORE = _words(
    """
    met aan bedankt beste lieve hoi hallo hey groetjes groet groeten volgens aldus zei via
    """
)

# words after a name that make it a building, a firm or a place ("Frans Hals Museum")
INSTITUTIONS = _words(
    """
    museum gasthuis ziekenhuis school basisschool college lyceum gymnasium academie universiteit hogeschool
    stichting fonds prijs stadion park huis centrum kerk moskee theater schouwburg bibliotheek instituut
    zaal hal hotel restaurant café bv b.v nv vof groep vereniging club wonen zorg welzijn kinderopvang brug
    tunnel markt winkelcentrum hof hofje gebouw monument straat laan plein weg kade gracht singel dreef
    buurt wijk kwartier polder dorp bos stichting foundation lezing route pad arena fabriek kazerne kliniek
    apotheek praktijk
    """
)

# words that make any name they are part of an organisation or a building ("Kennemer Gasthuis-terrein")
INSTITUTION_HEADS = _words(
    """
    museum gasthuis ziekenhuis school basisschool college lyceum gymnasium academie universiteit hogeschool
    stichting fonds stadion centrum kerk moskee theater schouwburg bibliotheek instituut hotel restaurant
    café vereniging club kinderopvang winkelcentrum gebouw monument kliniek apotheek praktijk fabriek
    kazerne arena terrein huis
    """
)

# endings of compound words that name an organisation, never a person
ORG_SUFFIXES = tuple(
    _words(
        """
        coöperatie cooperatie vereniging stichting groep loket team raad platform netwerk collectief fonds
        bedrijf bureau dienst centrum school zorg wonen kantoor winkel club partners advies makelaardij
        corporatie gemeente provincie coach werk wijzer punt buurthuis dorpshuis clubhuis wijkhuis
        gemeenschapshuis verzorgingshuis ziekenhuis gasthuis raadhuis stadhuis jongerenhuis
        """
    )
)

# endings of a word that make it a street, an area or a building ("Anne Frankplein", "Frans Halsbuurt")
PLACE_SUFFIXES = tuple(
    _words(
        """
        straat laan plein pleintje kade gracht singel dreef steeg markt buurt wijk kwartier polder park weg
        dijk plantsoen haven brug tunnel museum gasthuis ziekenhuis school college hofje passage promenade
        vaart dorp
        """
    )
)

# capitalised words that are never part of a person's name: organisations, policy areas, calendar,
# nationalities, platforms and chains
ORG_WORDS = _words(
    """
    sociaal wijkteam wonen zorg welzijn stichting vereniging gemeente provincie politie brandweer dienst
    bureau centrum team groep raad commissie platform netwerk fonds bank programma project plan nota visie
    agenda akkoord regeling route festival dag week maand app online samen sterk effect noord zuid oost west
    nieuw nieuwe oud oude groot grote klein kleine lange korte hoge lage gedempte verlengde sint st onze
    lieve vrouwe heilig heilige koninklijk koninklijke nationaal nationale rijks gemeentelijk openbaar
    openbare onderwijs financiën sport cultuur economie duurzaamheid verkeer mobiliteit jeugd armoede
    participatie wijken ruimte veiligheid milieu klimaat energie werk inkomen gezondheid leger heils ggd
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april mei juni juli
    augustus september oktober november december pasen kerst kerstmis pinksteren ramadan suikerfeest
    offerfeest koningsdag bevrijdingsdag turks turkse marokkaans marokkaanse pools poolse nederlands
    nederlandse surinaams surinaamse arabisch engels duits frans chinees moluks molukse eritrese somalische
    hindoestaanse islamitische christelijke katholieke protestantse google facebook whatsapp instagram
    youtube twitter linkedin teams zoom ah jumbo lidl aldi hema action kruidvat etos rabobank ing abn amro
    """
)

# names of people that have become firms, buildings or streets
BRANDS = frozenset(
    p.strip()
    for p in """
    abraham kuyper | albert heijn | anne frank | beatrix | dirk van den broek | frans hals | hans anders
    | jan linders | jan pieterszoon coen | jan steen | johan cruijff | johan cruyff | juliana | martin
    luther king | maxima | michiel de ruyter | máxima | nelson mandela | piet hein | vincent van gogh |
    wilhelmina | willem alexander
    """.split("|")
)
MONTHS = _words(
    """
    januari februari maart april mei juni juli augustus september oktober november december feb mrt apr jun
    jul aug sep sept okt nov dec
    """
)
NOT_NAME_EXTRA = _words(
    "dankzij namens vanwege ondanks betreft inzake middels gezien groetjes groet groeten hoi hallo doei "
    "bedankt dank beste"
)

# labels of form fields ("Telefoon:", "Reactie:"), never a speaker
FIELD_LABELS = _words(
    """
    telefoon tel mail e-mail email adres postcode woonplaats reactie vraag antwoord opmerking melding
    onderwerp datum tijd plaats locatie bijlage kenmerk betreft notitie toelichting let op nb n.b
    samenvatting conclusie actie besluit stelling thema punt agendapunt
    """
)

# heads of a list of names ("Aanwezig: A, B en C"); matched with a capital or a lower-case first letter
LIST_HEADS = (
    r"(?:[Aa]anwezig|[Aa]fwezig(?: met bericht)?|[Nn]otulist|[Nn]otulen|[Vv]oorzitter|[Ss]ecretaris|"
    r"[Pp]enningmeester|[Gg]espreksleider|[Vv]erslag|[Vv]erslaglegging|[Aa]uteur|[Cc]ontactpersoon|[Cc]ontact|"
    r"[Nn]amens de gemeente|[Gg]asten|[Ss]prekers|[Dd]eelnemers|[Nn]aam|[Aa]anvrager|[Cc]li[eë]nt|"
    r"[Aa]fzender|"
    r"[Ii]nterviewer|[Gg]eïnterviewde|[Mm]elder|[Hh]uurder|[Ee]igenaar|[Ww]ethouder|[Oo]ndertekend|"
    r"[Vv]an|[Aa]an|[Cc]c)"
)


def _read_words(name: str, sep: str | None = None) -> list[str]:
    words: list[str] = []
    for line in (PACKAGE_DATA / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        words += [w.strip() for w in (line.split(sep) if sep else line.split()) if w.strip()]
    return words


def norm(value: str) -> str:
    """Return ``value`` in lower case with its runs of white space collapsed to one space."""
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
    surnames = {norm(w) for w in _read_words("achternamen.txt", ",")}
    places = {norm(w) for w in _read_words("plaatsen.txt", ",")}
    stop = {w.lower() for w in _read_words("stopwords_nl.txt")}
    return Lexicon(
        frozenset(first), frozenset(ambiguous), frozenset(surnames), frozenset(places), frozenset(stop)
    )


STOPWORDS = lexicon().stop

#: the Zipf frequency (log10 of a word's frequency per billion words; ``wordfreq``'s Dutch list) from which a
#: word is an everyday word: "zeker" 5.7, "eerlijk" 5.0, "binnenkort" 4.8; "bakker" 4.3, "jansen" 4.1
COMMON_ZIPF = 4.5
#: surnames that are everyday words of Zipf >= 4.5 without a tussenvoegsel ("Jan Groot", "Els Bos"); the
#: words of the listed surnames with one ("de Groot", "van den Berg") count too
WORD_SURNAMES = _words("groot klein bos post zwart wit jong koning prins hoek kamp berg veld mooi")


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    import wordfreq  # its word lists ship inside the package (no download)

    least = 10 ** (COMMON_ZIPF - 9)
    words = frozenset(w for w, f in wordfreq.get_frequency_dict("nl").items() if f >= least)
    wordfreq.get_frequency_dict.cache_clear()  # the whole list (300,000 words) is not needed any more
    wordfreq.get_frequency_list.cache_clear()
    return words


def everyday_words(lex: Lexicon) -> frozenset[str]:
    """Return the very common Dutch words (Zipf >= :data:`COMMON_ZIPF`) that are no name of the lists.

    Not a known first name or surname, not a word of a known surname ("groot" of "de Groot") and not in
    :data:`WORD_SURNAMES`. The name rules do not let such a word extend a name (``Sentence.surname_after``).
    """
    names = lex.first | lex.surnames | WORD_SURNAMES | {w for s in lex.surnames for w in s.split()}
    return frozenset(w for w in _common_words() if w not in names)
