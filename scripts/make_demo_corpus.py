#!/usr/bin/env python3
# ruff: noqa: E501  (the Dutch session texts are long string literals)
"""Generate the bundled demo corpus of wijkanalyse (``corpora/demo/``).

Everything in the corpus is fictional (people, addresses, phone numbers, e-mail
addresses, sessions and survey answers), except the one real, public document
``stad/haarlem-opbrengst-sessies-wijkraden-2023.txt`` (Gemeente Haarlem,
"Opbrengst sessies wijkraden - behouden en verbeteren, vragen en zorgen",
20 maart 2023), which is copied verbatim from ``shared/seeds/``.

The generator is deterministic: all randomness comes from ``random.Random``
instances with fixed seeds and nothing depends on the wall clock.  Text files
(.md, .txt, .vtt, .srt, .yml, .csv) are byte-identical between runs.  For the
binary formats fixed creation/modification dates are set and the zip containers
of .docx/.xlsx are rewritten with fixed member timestamps, so those are
byte-identical too; the PDF gets a fixed creation date and file id.

Libraries: python-docx (Word minutes), fpdf2 (PDF with a real text layer, core
font Helvetica, latin-1 only), openpyxl (the survey workbook), PyYAML.

Usage::

    python scripts/make_demo_corpus.py            # (re)write corpora/demo/
    python scripts/make_demo_corpus.py --verify   # also read everything back and print a summary
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import shutil
import sys
import unicodedata
import uuid
import zipfile
from collections import OrderedDict
from pathlib import Path
from random import Random

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "demo"
FIXTURE = ROOT / "tests" / "fixtures" / "demo_planted_pii.yml"
SEED_CANDIDATES = [
    ROOT / "shared" / "seeds" / "haarlem-opbrengst-sessies-wijkraden-2023.txt",
    ROOT.parent / "shared" / "seeds" / "haarlem-opbrengst-sessies-wijkraden-2023.txt",
    Path("/work/shared/seeds/haarlem-opbrengst-sessies-wijkraden-2023.txt"),
]
SEED_REL = "stad/haarlem-opbrengst-sessies-wijkraden-2023.txt"
SURVEY_REL = "enquete/bewonersenquete-2024.xlsx"
SURVEY_SHEET = "Antwoorden"
SEED = 20230320  # the date of the Haarlem synthesis, as a number
FIXED_TS = dt.datetime(2024, 3, 15, 12, 0, 0)
ZIP_TS = (2024, 3, 15, 12, 0, 0)

Q_BEHOUDEN = "Wat moet volgens u behouden blijven van de wijkraad?"
Q_VERBETEREN = "Wat moet er volgens u beter bij het nieuwe wijkplatform?"
Q_ZORGEN = "Heeft u nog vragen of zorgen over de overgang naar wijkplatforms?"
SURVEY_COLUMNS = [
    "respondent_id",
    "postcode",
    "leeftijdsgroep",
    "bekend met wijkraad",
    "tevredenheid wijkraad (1-5)",
    Q_BEHOUDEN,
    Q_VERBETEREN,
    Q_ZORGEN,
    "ingevuld op",
]

# --------------------------------------------------------------------------------------
# Wijken
# --------------------------------------------------------------------------------------
# lean: share of the theme draws for a respondent of that wijk (the rest is spread evenly
# over the other core themes).  Postcode areas are a simplified demo mapping.
WIJKEN = [
    dict(
        slug="schalkwijk",
        name="Schalkwijk",
        postcodes=["2033", "2034", "2035", "2036"],
        n=88,
        lean={"diversiteit": 0.29, "vertrouwen": 0.17},
        ages=[0.36, 0.30, 0.20, 0.14],
        satisfaction=2.7,
    ),
    dict(
        slug="centrum",
        name="Centrum",
        postcodes=["2011", "2012"],
        n=52,
        lean={"zeggenschap": 0.31, "vertrouwen": 0.14},
        ages=[0.22, 0.20, 0.28, 0.30],
        satisfaction=2.6,
    ),
    dict(
        slug="haarlem-noord",
        name="Haarlem-Noord",
        postcodes=["2021", "2022", "2023", "2025"],
        n=71,
        lean={"financiering": 0.30, "continuiteit": 0.13, "verkeer": 0.11},
        ages=[0.15, 0.25, 0.30, 0.30],
        satisfaction=3.3,
    ),
    dict(
        slug="oost",
        name="Oost",
        postcodes=["2031", "2032"],
        n=64,
        lean={"communicatie": 0.38, "groen": 0.11},
        ages=[0.25, 0.30, 0.25, 0.20],
        satisfaction=3.0,
    ),
    dict(
        slug="zuid-west",
        name="Zuid-West",
        postcodes=["2013", "2014", "2015"],
        n=46,
        lean={"samenwerking": 0.27, "signaalfunctie": 0.18},
        ages=[0.10, 0.20, 0.30, 0.40],
        satisfaction=3.7,
    ),
    dict(
        slug="delftwijk",
        name="Delftwijk",
        postcodes=["2024"],
        n=41,
        lean={"organisatie": 0.27, "vrijwilligers": 0.19},
        ages=[0.15, 0.20, 0.30, 0.35],
        satisfaction=3.4,
    ),
]
WIJK_BY_SLUG = {w["slug"]: w for w in WIJKEN}
CORE_THEMES = [
    "vertrouwen",
    "zeggenschap",
    "financiering",
    "diversiteit",
    "communicatie",
    "participatie",
    "samenwerking",
    "continuiteit",
    "organisatie",
    "signaalfunctie",
    "vrijwilligers",
]
#: The demo's codebook (corpora/demo/codeboek_wijkplatform.yml) is written by hand; build() keeps it.
CODEBOOK_NAME = "codeboek_wijkplatform.yml"
SURPRISE_THEMES = ["verkeer", "groen"]  # not in the codebook on purpose (inductive discovery)

# --------------------------------------------------------------------------------------
# Cast (all fictional).  key -> full name as it appears in text and transcripts.
# --------------------------------------------------------------------------------------
PEOPLE = {
    # gemeente
    "marloes": "Marloes Verhagen",  # gebiedsverbinder Schalkwijk
    "joost": "Joost Hendriks",  # gebiedsverbinder Centrum en Oost
    "sanne": "Sanne Kuipers",  # gebiedsteam Noord (Haarlem-Noord, Delftwijk)
    "ingrid": "Ingrid Postma",  # beleidsmedewerker participatie
    "bas": "Bas Willemsen",  # subsidies / financien
    # Schalkwijk
    "fatima": "Fatima El Amrani",
    "henk": "Henk Zwaan",
    "gerda": "Gerda Wolters",
    "ahmed": "Ahmed Benali",
    "samira": "Samira Ouali",
    "kevin": "Kevin Doornbos",  # jongerenwerker
    "vdheijden": "Truus van der Heijden",
    # Centrum
    "willem": "Willem Brouwer",
    "annelies": "Annelies de Graaf",
    "charlotte": "Charlotte Meijer",
    "paul": "Paul de Groot",
    "bart": "Bart Visser",
    "noor": "Noor Hassan",
    # Haarlem-Noord
    "gerrit": "Gerrit Molenaar",
    "ria": "Ria Bosman",
    "yvonne": "Yvonne Dekker",
    "tom": "Tom Kramer",
    "ans": "Ans Bakker",
    "wim": "Wim Koopman",
    # Oost
    "lotte": "Lotte van Leeuwen",
    "hans": "Hans Mulder",
    "mehmet": "Mehmet Yilmaz",
    "joke": "Joke Hoekstra",
    "ruud": "Ruud Timmer",
    # Zuid-West
    "rob": "Rob Schouten",
    "marja": "Marja Koster",
    "els": "Els Jansen",
    "martijn": "Martijn Evers",  # wijkagent
    "nadia": "Nadia Haddou",  # sociaal wijkteam
    "frank": "Frank Verbeek",  # opbouwwerker
    "sandra": "Sandra Bos",  # nieuwe wijkagent
    # Delftwijk
    "cor": "Cor Zandvliet",
    "bianca": "Bianca Roos",
    "jw": "Jan-Willem Post",
    "erik": "Erik Huisman",
    "linda": "Linda Vermeulen",
}
# Other ways the same people are referred to in the text (exact strings).
NAME_VARIANTS = {
    "Els Jansen": ["Mevrouw Jansen", "mevrouw Jansen", "mw. Jansen", "mw. E. Jansen"],
    "Paul de Groot": ["Dhr. P. de Groot", "dhr. P. de Groot", "meneer De Groot", "De Groot"],
    "Truus van der Heijden": ["Mevrouw Van der Heijden", "mevrouw Van der Heijden"],
    "Ahmed Benali": ["Dhr. Benali", "dhr. Benali", "meneer Benali"],
    "Gerrit Molenaar": ["dhr. G. Molenaar"],
    "Joke Hoekstra": ["Mevrouw Hoekstra", "mevrouw Hoekstra"],
}
# Residents who only appear in the survey (they sign an answer or are mentioned).
SURVEY_PEOPLE = [
    "Johan van der Meer",
    "Sabine Koning",
    "Kees Vos",
    "Aylin Demir",
    "Marieke Dijkstra",
    "Rachid Amrani",
    "Priya Ramdin",
    "Dirk-Jan Smeets",
    "Wilma de Ruiter",
    "Youssef El Idrissi",
]

# Contact details that appear in the session documents (exact strings as written).
EMAILS_SESSIONS = [
    "f.elamrani@wijkraadschalkwijk.nl",
    "ahmed.benali84@gmail.com",
    "w.brouwer@wijkraadcentrum.nl",
    "j.hendriks@haarlem.nl",
    "a.bakker@ziggo.nl",
    "t.kramer@kpnmail.nl",
    "jokehoekstra@hotmail.com",
    "redactie@deoostpost.nl",
    "secretariaat@wijkraaddelftwijk.nl",
    "m.koster@wijkraadzuidwest.nl",
]
PHONES_SESSIONS = [
    "06-41827365",
    "023-5112233",
    "+31 6 38291746",
    "023 531 44 87",
    "06 2839 4710",
    "06 5193 7284",
    "0647382910",
    "06-73829104",
    "+31 (0)23 520 98 76",
    "06 1934 5528",
    "06-28173645",
]
ADDRESSES_SESSIONS = [
    "Zonnebloemweg 3a",
    "Bernadottelaan 14",
    "Zijlstraat 61",
    "Floresstraat 45 zwart",
    "Amsterdamstraat 12",
    "Merelstraat 27",
    "Delftlaan 102",
    "Rijksstraatweg 218-B",
]
POSTCODES_SESSIONS = ["2033 BK", "2022 VK", "2032 LT", "2024 XB"]
BSN_SESSIONS = ["111222333"]  # 11-proof, obviously fake

# ======================================================================================
# Sessions.  Transcripts are lists of (speaker key, text); documents are lists of blocks:
# ("title", s), ("meta", s), ("h", s), ("p", s), ("ul", [s, ...]), ("ol", [s, ...]).
# ======================================================================================

TRANSCRIPT_SCHALKWIJK_1 = [
    (
        "marloes",
        "Goedenavond allemaal, fijn dat jullie er zijn. Ik ben Marloes Verhagen, gebiedsverbinder voor Schalkwijk bij de gemeente. Vanavond wil ik met jullie praten over de overgang van de wijkraden naar wijkplatforms. Ik zit hier vooral om te luisteren.",
    ),
    (
        "marloes",
        "Het gaat om drie vragen: wat moeten we behouden van wat de wijkraad nu doet, wat moet er echt beter, en welke vragen en zorgen hebben jullie? Alles wat gezegd wordt neem ik mee in een opbrengstdocument.",
    ),
    (
        "fatima",
        "Dank je, Marloes. Ik wil meteen iets zeggen. Wij hebben als wijkraad het gevoel dat dit besluit al genomen is voordat iemand het ons gevraagd heeft. Dat doet iets met het vertrouwen, dat moet je weten.",
    ),
    (
        "marloes",
        "Dat hoor ik vaker, en ik snap het. Het besluit over wijkplatforms ligt er inderdaad, maar hoe het er per wijk uit gaat zien is nog open. Daar gaan jullie over meepraten.",
    ),
    (
        "henk",
        "Meepraten, ja. Dat hebben we bij de herinrichting van het winkelcentrum ook gedaan. Drie avonden, stapels gele briefjes op de muur, en daarna hoorden we niks meer. Helemaal niks.",
    ),
    (
        "gerda",
        "Ik ben het met Henk eens, maar laten we ook eerlijk zijn naar onszelf. Kijk om je heen: we zijn met z'n zevenen en de meesten van ons zijn boven de zestig. Zo ziet Schalkwijk er niet uit.",
    ),
    (
        "fatima",
        "Dat is een terecht punt, Gerda. Schalkwijk is de meest diverse wijk van Haarlem. Meer dan de helft van de kinderen hier heeft ouders met een migratieachtergrond, en die ouders zie je op onze vergaderingen niet terug.",
    ),
    (
        "ahmed",
        "Mag ik daar iets op zeggen? Ik woon nu twaalf jaar in de Europawijk en ik wist tot vorige maand niet eens dat er een wijkraad was. Mijn buurman heeft me meegenomen.",
    ),
    (
        "ahmed",
        "En dat is niet omdat mensen niet willen. De vergaderingen zijn op dinsdagavond om half acht, in het Nederlands, met stukken van twintig pagina's. Als je twee banen hebt of als je moeder de taal niet goed spreekt, dan haak je af.",
    ),
    ("marloes", "Wat zou er volgens jou moeten veranderen, Ahmed?"),
    (
        "ahmed",
        "Naar de mensen toe gaan. Naar de moskee, naar de sportclub, naar het schoolplein. Niet wachten tot ze naar jullie toe komen.",
    ),
    (
        "samira",
        "Precies. En neem jongeren serieus. Ik ben drieëntwintig, ik heb vorig jaar een keer ingesproken over het trapveldje achter de flat. Toen zei iemand: leuk dat je er bent, meisje. Dat was het.",
    ),
    (
        "henk",
        "Dat was niet netjes, daar heb je gelijk in. Maar ik wil wel zeggen: wij doen dit allemaal als vrijwilliger, 's avonds, na ons werk. Er is niemand die ons betaalt om naar het schoolplein te gaan.",
    ),
    (
        "kevin",
        "Als jongerenwerker kan ik daar misschien bij helpen. Wij hebben elke week contact met zo'n zestig jongeren in Schalkwijk. Die hebben genoeg meningen over hun wijk, maar ze komen niet naar een zaaltje met koffie en koekjes.",
    ),
    (
        "marloes",
        "Dat is waardevol, Kevin. Dus samenwerking met partners die al contact hebben met groepen die de wijkraad nu niet bereikt.",
    ),
    (
        "fatima",
        "Ja. En ik wil ook zeggen wat we moeten behouden. Wij zijn de ogen en oren van de wijk. Als er een lantaarnpaal kapot is of er wordt gedeald bij het winkelcentrum, dan bellen mensen ons. Dat aanspreekpunt mag niet verdwijnen.",
    ),
    (
        "gerda",
        "En ons spreekuur op woensdagochtend. Daar komen echt mensen, vooral ouderen. Vorige week kwam mevrouw Van der Heijden van de Zonnebloemweg 3a nog langs over de schimmel in haar woning. Die belt echt niet zelf naar de corporatie.",
    ),
    ("marloes", "Ik hoor dus: het spreekuur, het aanspreekpunt, de signaalfunctie. Wat nog meer?"),
    (
        "henk",
        "De kennis. Ik zit hier negen jaar. Bij de gemeente heb ik in die tijd vijf verschillende gebiedsverbinders gezien. Wij zijn het geheugen van de wijk.",
    ),
    ("marloes", "Dan ben ik nummer vijf, denk ik."),
    ("henk", "Nummer zes, Marloes. Maar je bent welkom."),
    (
        "samira",
        "Maar wat moet er dan beter? Ik zou zeggen: het platform moet eruitzien als de wijk. Jong, oud, Marokkaans, Surinaams, Turks, Pools, Nederlands. Anders is het weer hetzelfde clubje met een nieuwe naam.",
    ),
    (
        "gerda",
        "Hoe wil je dat dan regelen? Met quota? Dat werkt ook niet, dan krijg je mensen die er alleen voor de foto zitten.",
    ),
    (
        "samira",
        "Geen quota, maar wel meer manieren om mee te doen. Online, op zaterdag, in het Engels of het Arabisch als het moet. En een keer per jaar op het Molenplein in plaats van in dit zaaltje.",
    ),
    (
        "ahmed",
        "Flyers in meerdere talen zou al helpen. En een WhatsApp-groep. Iedereen hier zit op WhatsApp, ook mijn oma.",
    ),
    (
        "fatima",
        "Dan heb ik wel een zorg. Wie gaat dat allemaal doen? En wie betaalt de vertalingen? We krijgen nu een paar duizend euro per jaar en daar moet de huur van het buurthuis al van af.",
    ),
    ("marloes", "De financiering is nog niet uitgewerkt, dat zeg ik eerlijk. Ik schrijf het op als vraag."),
    (
        "henk",
        "Dat hoor ik de gemeente vaker zeggen: we schrijven het op. Mijn vraag is: wat gebeurt er daarna mee? Krijgen we te horen wat jullie met onze input doen?",
    ),
    (
        "marloes",
        "Ja. Er komt een opbrengstdocument en dat stuur ik jullie toe. En in het najaar kom ik terug om te laten zien wat ermee gedaan is.",
    ),
    (
        "fatima",
        "Dan houden we je daaraan. Ik geef je mijn mailadres: f.elamrani@wijkraadschalkwijk.nl. Dan kun je het rechtstreeks sturen, niet via het algemene postvak.",
    ),
    (
        "ahmed",
        "Mag ik nog één ding zeggen? Ik wil best meedoen, maar dan moet het wel ergens over gaan. Als we alleen maar mogen praten over bankjes en afvalbakken, dan komen mensen één keer en nooit meer.",
    ),
    (
        "marloes",
        "Dat is een belangrijke: waar gaat een wijkplatform over, en hoe zit het met de zeggenschap. Dat neem ik mee.",
    ),
    (
        "kevin",
        "Ik wil nog aanbieden dat we in maart een avond organiseren in het jongerencentrum, samen met de wijkraad. Dan kunnen jongeren zelf zeggen wat ze willen.",
    ),
    ("fatima", "Graag. Ahmed, wil jij daarbij helpen?"),
    ("ahmed", "Zeker. Bel me maar, 06-41827365. Overdag ben ik op mijn werk, na zes uur kan het altijd."),
    (
        "marloes",
        "Mooi. Dan sluit ik af. Dank jullie wel voor de openheid, ook voor de kritiek. Die hebben we nodig.",
    ),
]

TRANSCRIPT_CENTRUM_2 = [
    (
        "joost",
        "Welkom terug allemaal. In januari zaten we hier ook, toen met een behoorlijk kritische toon, en dat was terecht. Ik wil vanavond eerst laten zien wat er met jullie punten gebeurd is en daarna verder praten over zeggenschap.",
    ),
    (
        "joost",
        "Drie dingen. Het opbrengstdocument is in maart naar alle wijkraden gestuurd. Het bewonersoverleg over de venstertijden is er gekomen, in juni. En het college heeft toegezegd dat elk wijkplatform gevraagd en ongevraagd advies mag geven, en dat het college daar schriftelijk op reageert.",
    ),
    (
        "willem",
        "Dat wil ik wel even markeren, Joost. Dat overleg over de venstertijden hebben we drie jaar gevraagd. Het is er nu gekomen en de afspraken worden ook nageleefd. Dat telt.",
    ),
    (
        "annelies",
        "Ja, eerlijk is eerlijk. Ik was in januari echt boos, maar ik merk dat er nu beter geluisterd wordt. Dat schriftelijk reageren op een advies is precies waar we om vroegen.",
    ),
    (
        "paul",
        "Ik ben iets minder enthousiast. Schriftelijk reageren is iets anders dan je eraan houden. De gemeente kan straks netjes uitleggen waarom ze ons advies naast zich neerlegt, en dan zijn we even ver.",
    ),
    (
        "ingrid",
        "Dat is een terecht punt, meneer De Groot. Het voorstel is dat het college gemotiveerd moet afwijken. Dat betekent dat het in het raadsvoorstel komt te staan, zodat de gemeenteraad het kan zien.",
    ),
    (
        "paul",
        "Gemotiveerd afwijken. Dat klinkt mooi. Maar bij de evenementen op de Grote Markt is ook gemotiveerd afgeweken, drie keer op rij.",
    ),
    (
        "charlotte",
        "Maar Paul, dan kun je het in ieder geval zien en de raad erop aanspreken. Nu gebeurt het in een achterkamertje.",
    ),
    (
        "bart",
        "Mag ik als ondernemer iets zeggen? Ik heb een zaak in de binnenstad en ik woon erboven. Voor mij gaat zeggenschap ook over de vraag wie het wijkplatform is. Zijn ondernemers welkom, of alleen bewoners?",
    ),
    (
        "willem",
        "Die discussie hebben we in de wijkraad ook gehad. Ik vind dat ondernemers erbij horen, maar ze mogen het niet overnemen.",
    ),
    (
        "bart",
        "Niemand wil het overnemen, Willem. Maar we zitten in hetzelfde schuitje met de overlast en de bevoorrading. Als iemand van de wijkraad daar eens over wil praten: mijn nummer is 0647382910.",
    ),
    (
        "joost",
        "Laten we dat als vraag noteren: wie maakt deel uit van een wijkplatform. Ik hoor ook iets over meebeslissen tegenover meepraten.",
    ),
    (
        "noor",
        "Ik ben student en woon sinds twee jaar in het centrum. Ik heb eerlijk gezegd weinig met vergaderingen. Maar als ik iets mag zeggen over wat er op mijn plein gebeurt, dan doe ik mee. Gewoon een keer per kwartaal een korte online peiling.",
    ),
    ("annelies", "Dat vind ik interessant. Wij bereiken studenten totaal niet."),
    (
        "charlotte",
        "En huurders ook niet. De binnenstad is voor meer dan de helft huurders, en in de wijkraad zitten bijna alleen eigenaren.",
    ),
    ("ingrid", "Zou een peiling zoals Noor voorstelt onderdeel kunnen zijn van een advies van het platform?"),
    (
        "willem",
        "Waarom niet. Als het platform kan zeggen: dit vinden vierhonderd bewoners, dan weegt ons advies zwaarder.",
    ),
    ("paul", "Zolang de gemeente het dan niet wegzet als niet representatief. Dat hebben we ook meegemaakt."),
    (
        "joost",
        "Die zorg schrijf ik op. Wat ik tot nu toe hoor als te behouden: het adviesrecht, de korte lijn met het gebiedsteam en de rol als aanspreekpunt voor bewoners.",
    ),
    (
        "annelies",
        "En de inspraak bij de commissie. Dat we daar als wijkraad het woord kunnen voeren, dat moet blijven.",
    ),
    ("joost", "Wat moet er nog verbeteren?"),
    (
        "willem",
        "Het moment waarop we betrokken worden. Bij de plannen voor de Botermarkt hoorden we het pas toen het ontwerp al klaar was. Dan valt er niks meer te beslissen.",
    ),
    (
        "charlotte",
        "Vroegtijdig betrekken, ja. En dan ook echt laten zien wat je met de opmerkingen doet. Een tabel: dit hebben bewoners gezegd, dit doen we ermee, dit niet en waarom niet.",
    ),
    ("ingrid", "Zo'n reactienota zouden we standaard kunnen maken. Ik neem het mee naar het team."),
    (
        "paul",
        "Ik zal het geloven als ik het zie. Maar goed, ik wil niet alleen de zuurpruim zijn. Het is beter dan een jaar geleden.",
    ),
    ("willem", "Dat schrijven we in het verslag, Joost: De Groot is positief."),
    ("paul", "Voorzichtig positief, Willem. Voorzichtig."),
    (
        "bart",
        "Nog een vraag. Wat als een wijkplatform het niet eens is met zichzelf? In het centrum hebben bewoners en ondernemers vaak verschillende belangen. Wie spreekt er dan namens de wijk?",
    ),
    (
        "joost",
        "Goede vraag, daar is nog geen antwoord op. Dat hoort bij de spelregels die nog gemaakt moeten worden.",
    ),
    ("annelies", "Dan wil ik meeschrijven aan die spelregels. Daar begint zeggenschap."),
    (
        "joost",
        "Genoteerd. Mail me even op j.hendriks@haarlem.nl, dan zet ik je op de lijst voor de klankbordgroep.",
    ),
    (
        "joost",
        "Dank jullie wel. Ik merk dat de toon anders is dan in januari, en dat komt ook doordat jullie scherp zijn gebleven. De volgende stap is de concept-verordening, die komt begin volgend jaar.",
    ),
]

TRANSCRIPT_NOORD_3 = [
    (
        "sanne",
        "Goedenavond. Dit is alweer de derde keer dat we bij elkaar zitten. In september werd duidelijk dat de zorgen over geld groot zijn, daarom heb ik Bas Willemsen meegenomen. Hij gaat bij de gemeente over de subsidies.",
    ),
    (
        "bas",
        "Dank je, Sanne. Ik zal eerlijk zijn: de regeling voor wijkplatforms is nog niet vastgesteld. Wat ik wel kan zeggen is dat het huidige wijkraadbudget tot en met juni volgend jaar doorloopt.",
    ),
    (
        "gerrit",
        "Tot en met juni. En dan? Ons huurcontract voor het buurthuis loopt per kalenderjaar. Ik moet in december tekenen voor heel 2024. Wie staat er garant voor de tweede helft van het jaar?",
    ),
    ("bas", "Dat begrijp ik. Daar kan ik vanavond geen toezegging over doen."),
    (
        "gerrit",
        "Dan teken ik niet. Zo simpel is het. Ik ga als vrijwilliger niet persoonlijk aansprakelijk zijn voor vierduizend euro huur.",
    ),
    (
        "ria",
        "Dit is precies waar we in februari al voor waarschuwden. Dat er een gat valt. Een vacuüm, zo noemde de gemeente het zelf in dat document.",
    ),
    (
        "sanne",
        "Dat klopt, dat woord staat ook in het opbrengstdocument. Ik ga uitzoeken of er een overbruggingsregeling kan komen voor de locatiehuur.",
    ),
    (
        "yvonne",
        "En de wijkkrant? Het nummer van december hebben we nog kunnen betalen, het voorjaarsnummer niet. De drukker wil tegenwoordig vooruit betaald worden.",
    ),
    (
        "bas",
        "Communicatiekosten vallen in het voorstel wel onder het wijkbudget. Alleen het bedrag staat nog niet vast.",
    ),
    (
        "tom",
        "Mag ik als bewoner iets vragen? Wie beheert straks dat geld? Bij ons in de buurt wil een projectontwikkelaar ineens meedoen met buurtinitiatieven. Ik wil niet dat zo'n partij straks over ons wijkbudget gaat.",
    ),
    (
        "bas",
        "Het idee is dat een wijkplatform een rechtspersoon aanwijst die het budget beheert, een stichting of een vereniging bijvoorbeeld. Commerciële partijen kunnen geen budgethouder worden.",
    ),
    ("tom", "Dat is in elk geval iets. Graag zwart op wit."),
    (
        "ans",
        "Ik wil nog even terugkomen op het parkeren, want daar gaat het in onze straat echt over. Sinds de nieuwbouw aan de Rijksstraatweg staat alles vol. Ik heb daar in september ook al over gemaild.",
    ),
    ("sanne", "Dat klopt, Ans. Ik heb je mail doorgestuurd naar de afdeling verkeer."),
    (
        "ans",
        "En daar heb ik nooit meer iets van gehoord. Dat is dus het probleem. Je meldt iets en het verdwijnt in een zwart gat.",
    ),
    (
        "wim",
        "Die parkeerdruk is echt een ding. Mijn dochter komt met de kinderen op bezoek en moet drie straten verderop parkeren. En dan wordt er ook nog hard gereden, daar bij de school.",
    ),
    (
        "ria",
        "Het gaat vanavond over de wijkplatforms, maar dit laat wel zien waarom mensen naar de wijkraad komen. Niet voor de structuur, maar voor hun straat.",
    ),
    (
        "sanne",
        "Helemaal waar. Zou het wijkplatform ook een werkgroep verkeer kunnen hebben, zoals jullie die nu hebben?",
    ),
    (
        "yvonne",
        "Die hebben we al tien jaar. Maar die kost ook geld: flyers, een zaaltje, een keer een verkeerskundige uitnodigen.",
    ),
    ("gerrit", "Alles kost geld. Daarom zeg ik: regel eerst de financiering, dan de rest."),
    (
        "bas",
        "Ik hoor de boodschap. Ik neem drie dingen mee: de overbrugging van de locatiehuur, de communicatiekosten en duidelijkheid over wie het budget beheert.",
    ),
    ("tom", "En een datum graag. Wanneer weten we het?"),
    ("bas", "Ik streef naar februari."),
    ("gerrit", "Streven. Goed, ik zal het opschrijven."),
    (
        "ans",
        "Ik heb nog een vraag over de continuïteit. Als de wijkraad in juni stopt en het platform is er nog niet, bij wie kunnen mensen dan terecht?",
    ),
    (
        "sanne",
        "Dan blijft het gebiedsteam het aanspreekpunt. En ik hoop eerlijk gezegd dat de meesten van jullie ook in het platform actief blijven.",
    ),
    (
        "ria",
        "Als er dan nog iets te doen is. Ik zeg het eerlijk: ik twijfel of ik doorga. Dit hele traject kost veel energie.",
    ),
    (
        "yvonne",
        "Ria, je kunt nu niet stoppen. Maar serieus, we moeten oppassen dat de ervaren mensen afhaken.",
    ),
    ("sanne", "Dat is een zorg die ik in alle wijken hoor. Ik neem hem mee."),
    (
        "gerrit",
        "Sanne, mijn nummer heb je: 06 2839 4710. Bel me voor half december over die huur, anders zijn we het buurthuis kwijt.",
    ),
    ("sanne", "Dat doe ik. Dank jullie wel allemaal."),
]

TRANSCRIPT_DELFTWIJK_1 = [
    (
        "sanne",
        "Goedenavond en welkom. Ik ben Sanne Kuipers van het gebiedsteam Noord. We houden deze avond om met jullie te praten over de wijkplatforms: wat moet blijven, wat moet beter en welke vragen hebben jullie.",
    ),
    (
        "cor",
        "Dank je, Sanne. Ik heb een lijstje met vragen gemaakt, want we hebben in het bestuur al flink gediscussieerd. Mag ik beginnen?",
    ),
    ("sanne", "Graag."),
    (
        "cor",
        "Eerste vraag: moet een wijkplatform een rechtspersoon zijn? Wij zijn nu een vereniging met een bestuur, statuten en leden. Moet dat allemaal weg?",
    ),
    (
        "sanne",
        "Dat is nog niet besloten. Er wordt gewerkt aan een verordening en daar komt in te staan wat de eisen zijn.",
    ),
    (
        "bianca",
        "Komt er dus toch een verordening? Want vorig jaar werd nog gezegd dat het juist allemaal vrijer moest.",
    ),
    (
        "sanne",
        "Er komt waarschijnlijk een verordening met een paar basisafspraken, en verder veel ruimte per wijk.",
    ),
    (
        "jw",
        "Wat ik wil weten: wie bepaalt of iets een wijkplatform is? Stel dat vijf mensen uit de Delftwijk morgen zeggen: wij zijn het wijkplatform. Is dat dan zo?",
    ),
    ("sanne", "Goede vraag. Ik denk dat er een vorm van erkenning komt, maar hoe precies weet ik nog niet."),
    (
        "erik",
        "En kan er meer dan één zijn? In Delftwijk heb je de oude arbeiderswoningen en de nieuwbouw langs het spoor. Die hebben heel verschillende belangen.",
    ),
    ("cor", "Dan krijg je versplintering. Dat wil je juist niet. Eén wijk, één stem."),
    ("erik", "Of je krijgt eindelijk een stem voor mensen die nu niet gehoord worden."),
    (
        "linda",
        "Mag ik iets zeggen over de mensen? Al die structuren zijn mooi, maar wie gaat het doen? Ik draai de buurtmoestuin met drie anderen. We zijn alle vier boven de zeventig.",
    ),
    (
        "bianca",
        "Zo is het bij de wijkraad ook. Ik ben secretaris, notulist, beheerder van de mailbox en ik zet de stoelen klaar. Als ik stop, stopt het.",
    ),
    ("sanne", "Dus vrijwillige inzet is iets wat jullie willen behouden, maar het is ook een zorg."),
    (
        "bianca",
        "Behouden, ja, het is belangeloos en dat moet zo blijven. Maar met meer handen. En met minder papierwerk.",
    ),
    (
        "jw",
        "Dat papierwerk is echt een punt. Elk jaar een jaarverslag, een begroting en een verantwoording voor 2.500 euro subsidie. Dat kost me meer tijd dan het geld waard is.",
    ),
    (
        "cor",
        "Mijn voorstel zou zijn: een kleine kern, een soort bestuur van drie of vier mensen, en daaromheen werkgroepen waar iedereen kan aanschuiven zonder lid te worden.",
    ),
    (
        "linda",
        "Dat lijkt me goed. Dan kan ik bij de werkgroep groen en hoef ik niet naar alle vergaderingen.",
    ),
    ("erik", "Maar wie beslist er dan? De kern of de werkgroepen?"),
    ("cor", "De kern, na overleg met de werkgroepen."),
    ("erik", "Dan is het toch gewoon weer een bestuur, Cor."),
    (
        "sanne",
        "Ik hoor twee verschillende beelden. Dat is precies waarom spelregels belangrijk zijn: wie beslist, hoe leg je verantwoording af en wat als het niet werkt.",
    ),
    (
        "jw",
        "Wat als het niet werkt, dat is ook een vraag. Als een wijkplatform ruzie krijgt of leegloopt, wat doet de gemeente dan?",
    ),
    ("sanne", "Die schrijf ik op. Dat is in andere wijken ook gevraagd."),
    (
        "bianca",
        "En de overgang zelf. Kan onze wijkraad niet gewoon doorgroeien naar een platform? Waarom zouden we moeten opheffen en opnieuw beginnen?",
    ),
    ("sanne", "Een doorgroeimodel is zeker een optie die wordt bekeken."),
    ("cor", "Dan stel ik voor dat Delftwijk daarvoor proefwijk wordt. Wij hebben de structuur al staan."),
    ("erik", "Cor, ik zou eerst de bewoners vragen voordat je ons als proefwijk aanmeldt."),
    ("cor", "Punt genomen, Erik."),
    ("linda", "Als er nieuwe mensen zich willen melden, waar kunnen ze dan terecht?"),
    (
        "bianca",
        "Bij mij. Mailen naar secretariaat@wijkraaddelftwijk.nl, bellen naar 06 1934 5528, of gewoon aanbellen op de Delftlaan 102.",
    ),
    (
        "sanne",
        "Mooi. Dank jullie wel. Ik neem de vragen over rechtspersoon, verordening, erkenning en spelregels mee, en ook de zorg over de belasting van de vrijwilligers.",
    ),
]

DOC_SCHALKWIJK_NOTITIE = [
    ("title", "Telefoonnotitie"),
    ("meta", "Datum: 2 februari 2023. Genoteerd door: Marloes Verhagen, gebiedsverbinder Schalkwijk."),
    (
        "p",
        "Ahmed Benali belde via het algemene nummer 023-5112233 en werd doorverbonden. Hij was aanwezig bij de sessie met de wijkraad op 24 januari en wil helpen met de jongerenavond die Kevin Doornbos daar voorstelde.",
    ),
    (
        "p",
        "Hij heeft inmiddels met een aantal ouders bij de moskee en bij de basketbalvereniging gesproken. Volgens hem willen jongeren best meedoen, 'maar niet in een zaaltje waar alleen oude mensen over afvalbakken praten'. Hij stelt voor de avond op een vrijdag te houden, na het gebed, met eten erbij.",
    ),
    (
        "p",
        "Hij vraagt of de uitnodiging ook in het Arabisch en het Turks kan, en wie de vertaling betaalt. Ik heb gezegd dat ik dat uitzoek; de wijkraad heeft er zelf geen budget voor.",
    ),
    (
        "p",
        "Dhr. Benali gaf ongevraagd zijn BSN (111222333) door, omdat hij dacht dat dat nodig was voor een vrijwilligersvergoeding. Ik heb uitgelegd dat dat niet nodig is. Het nummer is verder nergens vastgelegd.",
    ),
    (
        "p",
        "Hij merkte nog op dat hij het 'een beetje vreemd' vindt dat de wijkraad na de sessie niets meer van zich heeft laten horen. Hij had verwacht dat iemand hem zou bellen. Dat zegt iets over hoe nieuwe mensen worden opgevangen.",
    ),
    ("h", "Contactgegevens"),
    (
        "ul",
        [
            "E-mail: ahmed.benali84@gmail.com",
            "Telefoon: 06-41827365 (na 18.00 uur)",
            "Adres: Bernadottelaan 14, 2033 BK Haarlem",
        ],
    ),
    ("h", "Acties"),
    (
        "ul",
        [
            "Fatima El Amrani (voorzitter wijkraad) informeren en in contact brengen met dhr. Benali.",
            "Navragen of er budget is voor vertaling van de uitnodiging (Arabisch, Turks, Engels).",
            "Kevin Doornbos vragen een datum in maart voor te stellen.",
        ],
    ),
]

DOC_SCHALKWIJK_2 = [
    ("title", "Verslag tweede sessie wijkraad Schalkwijk"),
    (
        "meta",
        "26 september 2023, buurtcentrum De Ring. Aanwezig: Fatima El Amrani (voorzitter), Henk Zwaan en Gerda Wolters (wijkraad); Ahmed Benali, Samira Ouali en elf andere bewoners; Kevin Doornbos (jongerenwerk); Marloes Verhagen (gemeente, gespreksleider).",
    ),
    ("h", "Terugblik"),
    (
        "p",
        "Marloes Verhagen blikt terug op de sessie van januari. Het opbrengstdocument van 20 maart is naar alle aanwezigen gemaild. Henk Zwaan merkt op dat het 'de eerste keer in negen jaar is dat we iets op papier terugkrijgen'. Tegelijk zegt hij dat een document nog geen resultaat is.",
    ),
    ("h", "Wat er sinds januari is gebeurd"),
    (
        "ul",
        [
            "De jongerenavond in maart, georganiseerd door het jongerenwerk, de wijkraad en Ahmed Benali, trok 38 jongeren. Veiligheid op straat, een plek om te sporten en stageplekken waren de grote onderwerpen.",
            "De uitnodiging voor deze avond is verspreid in het Nederlands, Arabisch, Turks en Engels. De vertaling is betaald uit het budget van het gebiedsteam, eenmalig.",
            "Drie nieuwe bewoners hebben zich bij de wijkraad aangesloten, twee van hen zijn jonger dan dertig.",
            "De toezegging dat het trapveldje achter de flats voor de zomer zou worden opgeknapt, is niet nagekomen.",
        ],
    ),
    (
        "p",
        "Over dat laatste punt ontstaat een stevige discussie. Samira Ouali: 'Dit is precies wat ik bedoel. Jongeren komen één keer, er wordt iets beloofd, en dan gebeurt er niks. Volgend jaar komen ze niet meer.' Marloes Verhagen erkent dat het trapveldje is blijven liggen en zegt toe binnen twee weken een datum te melden.",
    ),
    ("h", "Het goede behouden"),
    (
        "ul",
        [
            "Het spreekuur op woensdagochtend; Gerda Wolters meldt dat er gemiddeld zes mensen per week komen, vooral ouderen.",
            "De rol als aanspreekpunt en als ogen en oren van de wijk.",
            "De samenwerking met het jongerenwerk, die sinds maart veel beter loopt.",
        ],
    ),
    ("h", "Wat moet verbeteren"),
    (
        "p",
        "De aanwezigen zijn het erover eens dat het wijkplatform meer een afspiegeling van Schalkwijk moet worden. Fatima El Amrani: 'We hebben dit jaar laten zien dat het kan, als je naar de mensen toe gaat. Maar het mag niet afhangen van één enthousiaste avond.' Er wordt gepleit voor vaste vertaling van de belangrijkste stukken, vergaderen op wisselende tijden en een plek in het platform voor jongeren.",
    ),
    (
        "p",
        "Ahmed Benali vraagt om begrijpelijke taal in de stukken van de gemeente. 'Mijn moeder leest Nederlands, maar niet dit Nederlands.' Hij laat een brief zien over de renovatie van de flats, vol afkortingen en verwijzingen naar beleidsnota's.",
    ),
    ("h", "Vragen en zorgen"),
    (
        "ul",
        [
            "Wordt het wijkplatform niet alsnog een clubje van hoogopgeleide mensen met tijd?",
            "Blijft er geld voor vertalingen, of was dit eenmalig?",
            "Hoe voorkom je dat de nieuwe, jongere leden na een jaar weer afhaken?",
            "Wat gebeurt er met het vertrouwen als de gemeente weer een toezegging niet nakomt?",
        ],
    ),
    ("h", "Afspraken"),
    (
        "p",
        "Marloes Verhagen meldt binnen twee weken een datum voor het trapveldje. Ahmed Benali en Samira Ouali werken samen met Fatima El Amrani een voorstel uit voor de samenstelling van een kernteam voor het wijkplatform. Dat wordt besproken in de derde sessie in november.",
    ),
]

DOC_SCHALKWIJK_3 = [
    ("title", "Notulen derde sessie wijkraad Schalkwijk"),
    ("meta", "Datum: 21 november 2023. Locatie: buurtcentrum De Ring. Notulist: Gerda Wolters."),
    (
        "meta",
        "Aanwezig: Fatima El Amrani (voorzitter), Henk Zwaan, Gerda Wolters (wijkraad); Ahmed Benali, Samira Ouali (bewoners, werkgroep kernteam); Kevin Doornbos (jongerenwerk); Marloes Verhagen (gemeente). Afwezig met bericht: Truus van der Heijden.",
    ),
    ("h", "1. Opening"),
    (
        "p",
        "Fatima El Amrani opent de vergadering om 19.35 uur en heet iedereen welkom, in het bijzonder de twee nieuwe leden van de werkgroep kernteam.",
    ),
    ("h", "2. Voorstel samenstelling kernteam wijkplatform"),
    (
        "p",
        "Ahmed Benali en Samira Ouali presenteren het voorstel. Het kernteam bestaat uit zeven mensen. Minimaal twee leden zijn jonger dan dertig en de leden komen uit minstens drie verschillende buurten van Schalkwijk. Het kernteam vergadert afwisselend op zaterdagochtend en op een doordeweekse avond, en iedereen kan online aansluiten.",
    ),
    (
        "p",
        "Henk Zwaan is bang dat er met al deze eisen straks niemand meer te vinden is. 'We hebben al moeite genoeg om de stoelen gevuld te krijgen.' Gerda Wolters reageert dat afspiegeling geen quotum is maar een opdracht: 'Als we het niet opschrijven, gebeurt het niet.' Na discussie wordt besloten de eisen als streefcijfers op te nemen.",
    ),
    (
        "p",
        "Samira Ouali wijst erop dat er na de jongerenavond een WhatsApp-groep is met 41 jongeren. Wie mee wil denken kan zich bij haar melden via +31 6 38291746.",
    ),
    ("h", "3. Vertaling en begrijpelijke taal"),
    (
        "p",
        "Marloes Verhagen meldt dat in de begroting voor 2024 een bedrag is opgenomen voor vertaling van uitnodigingen en samenvattingen in de wijken. Fatima El Amrani: 'Als dit echt doorgaat, is dat een groot verschil met een jaar geleden.' Henk Zwaan wil eerst het geld zien.",
    ),
    ("h", "4. Trapveldje"),
    (
        "p",
        "Het trapveldje is in oktober alsnog opgeknapt. De wijkraad is blij dat de toezegging is nagekomen, al is het een half jaar later dan beloofd. Kevin Doornbos meldt dat het veld elke middag vol staat.",
    ),
    ("h", "5. Vrijwillige inzet"),
    (
        "p",
        "Gerda Wolters geeft aan dat zij na de overgang stopt als notulist. Het werk komt op te weinig schouders terecht. Afgesproken wordt dat het kernteam taken beter verdeelt en dat de gemeente ondersteuning biedt bij de administratie.",
    ),
    ("h", "6. Rondvraag"),
    (
        "p",
        "Mevrouw Van der Heijden (Zonnebloemweg 3a) heeft via Gerda laten weten dat de schimmel in haar woning nog steeds niet is aangepakt. Marloes Verhagen neemt contact op met de woningcorporatie.",
    ),
    ("h", "Actiepunten"),
    (
        "ul",
        [
            "Werkgroep kernteam werkt het voorstel uit tot een concept voor de overgang (Ahmed Benali, Samira Ouali).",
            "Gemeente bevestigt het vertaalbudget voor 2024 schriftelijk (Marloes Verhagen).",
            "Nieuwe notulist zoeken voor 2024 (Fatima El Amrani).",
        ],
    ),
]

DOC_CENTRUM_1 = [
    ("title", "Notulen sessie wijkraad Centrum over wijkplatforms"),
    ("meta", "Datum: 31 januari 2023, 20.00 uur. Locatie: vergaderzaal stadhuis."),
    (
        "meta",
        "Aanwezig: Willem Brouwer (voorzitter), Annelies de Graaf, Charlotte Meijer (wijkraad Centrum); dhr. P. de Groot en Bart Visser (bewoners); Joost Hendriks (gemeente, gespreksleider). Notulen: Charlotte Meijer.",
    ),
    ("h", "1. Opening en toelichting"),
    (
        "p",
        "Joost Hendriks licht het besluit toe om de wijkraden te vervangen door wijkplatforms en legt de drie vragen van de avond voor: wat moet behouden blijven, wat moet verbeteren en welke vragen en zorgen zijn er.",
    ),
    (
        "p",
        "Willem Brouwer reageert namens de wijkraad. Hij noemt de wijkraad 'al jaren een adviesorgaan zonder tanden'. De wijkraad geeft advies, maar hoort zelden wat ermee gebeurt. 'Als het wijkplatform dezelfde positie krijgt, verandert er alleen een naam.'",
    ),
    (
        "p",
        "Annelies de Graaf noemt drie toezeggingen die niet zijn nagekomen: het bewonersoverleg over de venstertijden voor bevoorrading, de evaluatie van het evenementenbeleid op de Grote Markt en de belofte om fietsparkeren in de Zijlstraat met bewoners te bespreken. 'Drie keer beloofd, drie keer niets gehoord.'",
    ),
    (
        "p",
        "Dhr. P. de Groot (Zijlstraat 61) vertelt dat hij in 2021 heeft ingesproken bij de commissie over de terrassen en nooit een reactie heeft gekregen. Hij laat de mail van de griffie zien. Hij wil graag gebeld worden over de uitkomst van deze avond, op 023 531 44 87.",
    ),
    ("h", "2. Het goede behouden"),
    (
        "ul",
        [
            "Het recht om gevraagd en ongevraagd advies te geven.",
            "De mogelijkheid om in te spreken bij de raadscommissie.",
            "De kennis van de binnenstad: de wijkraad kent de geschiedenis van elk plein en elk conflict.",
            "De korte lijn met de gebiedsmanager.",
            "Het signaleren van overlast door horeca en evenementen.",
        ],
    ),
    ("h", "3. Wat moet verbeteren"),
    (
        "ul",
        [
            "Nakomen van toezeggingen, en terugmelden als iets niet lukt.",
            "Duidelijkheid over de zeggenschap van het wijkplatform: adviseren, meebeslissen of alleen meepraten?",
            "Meepraten over hoofdzaken zoals evenementen, autoluw maken en de herinrichting van pleinen, niet alleen over details.",
            "Recht doen aan tegenspraak: ook een kritisch advies moet serieus behandeld worden.",
            "Vroegtijdig betrekken, voordat een ontwerp klaar is.",
            "Meer huurders, jongeren en studenten betrekken; de wijkraad bestaat nu vooral uit eigenaren boven de vijftig.",
        ],
    ),
    ("h", "4. Vragen en zorgen"),
    (
        "ul",
        [
            "Wat is de officiële status van een wijkplatform?",
            "Wat gebeurt er als het college een advies van het platform niet overneemt?",
            "Horen ondernemers bij het wijkplatform? Bart Visser vindt van wel, Willem Brouwer wil dat bewoners de meerderheid houden.",
            "Wie spreekt namens de wijk als bewoners het onderling niet eens zijn?",
        ],
    ),
    ("h", "5. Afspraken en sluiting"),
    (
        "p",
        "Joost Hendriks stuurt het verslag binnen twee weken rond en komt in het najaar terug om te laten zien wat er met de punten is gedaan. Hij zoekt uit wat de stand van zaken is rond de venstertijden. Correspondentie over deze sessie via w.brouwer@wijkraadcentrum.nl. De voorzitter sluit om 22.10 uur.",
    ),
]

DOC_NOORD_1 = [
    ("title", "Verslag sessie wijkraad Haarlem-Noord over wijkplatforms"),
    (
        "meta",
        "7 februari 2023, buurthuis Noord. Aanwezig: Gerrit Molenaar (penningmeester), Ria Bosman, Yvonne Dekker (wijkraad Haarlem-Noord); Ans Bakker, Tom Kramer, Wim Koopman en acht andere bewoners; Sanne Kuipers (gemeente, gespreksleider).",
    ),
    (
        "p",
        "Sanne Kuipers opent de avond en legt uit waarom de gemeente overstapt op wijkplatforms. Ria Bosman vraagt of de wijkraad daarmee wordt opgeheven. Dat is zo, al wordt er gekeken naar een overgangsperiode.",
    ),
    ("h", "Geld en middelen"),
    (
        "p",
        "Gerrit Molenaar geeft een overzicht van de financiën. De wijkraad krijgt ongeveer 6.200 euro per jaar. Daarvan gaat 2.900 euro naar de huur van het buurthuis, 1.800 euro naar de wijkkrant Noorderlicht en de rest naar activiteiten zoals de schoonmaakdag en het buurtfeest. 'Er blijft weinig over, maar het loopt.'",
    ),
    (
        "p",
        "De belangrijkste vraag van de avond: wie beheert straks het geld? Gerrit wil weten of een wijkplatform zelf een rekening mag hebben en of er eisen komen aan de verantwoording. Yvonne Dekker vraagt of de wijkkrant blijft bestaan als het budget verandert.",
    ),
    ("h", "Het goede behouden"),
    (
        "ul",
        [
            "De wijkkrant, die in Noord bij ruim 9.000 adressen wordt bezorgd.",
            "Het buurthuis als vaste plek om samen te komen.",
            "Lopende activiteiten: de schoonmaakdag, het buurtfeest en Koningsdag.",
            "De werkgroep verkeer, die de drempels bij de basisschool voor elkaar heeft gekregen.",
        ],
    ),
    ("h", "Verkeer en parkeren"),
    (
        "p",
        "Hoewel het niet op de agenda stond, ging een flink deel van de avond over parkeren en verkeer. Ans Bakker vertelt dat er in haar straat 's avonds geen plek meer is sinds de nieuwbouw. Tom Kramer (Floresstraat 45 zwart) klaagt over hardrijders bij de school: 'Het is wachten op een ongeluk.' Sanne Kuipers zegt toe de klachten door te geven.",
    ),
    ("h", "Wat moet verbeteren"),
    (
        "ul",
        [
            "Een vast en voorspelbaar budget, zodat je niet elk jaar opnieuw hoeft te vragen.",
            "Minder papierwerk bij subsidieaanvragen.",
            "Snellere reactie van de gemeente op meldingen over verkeer.",
        ],
    ),
    ("h", "Vragen en zorgen"),
    (
        "ul",
        [
            "Hoe wordt de financiering geregeld en wie beheert het geld?",
            "Loopt de huur van het buurthuis door tijdens de overgang?",
            "Ontstaat er geen vacuüm tussen het stoppen van de wijkraad en de start van het platform?",
        ],
    ),
    (
        "p",
        "De stemming was constructief. Er zijn zorgen over geld, maar de meeste aanwezigen hebben er vertrouwen in dat het goed komt als de gemeente op tijd duidelijkheid geeft. Ans Bakker biedt aan een mailinglijst bij te houden voor bewoners die op de hoogte willen blijven: a.bakker@ziggo.nl.",
    ),
]

DOC_NOORD_2 = [
    ("title", "Verslag tweede sessie wijkraad Haarlem-Noord"),
    (
        "meta",
        "19 september 2023, buurthuis Noord. Aanwezig: Gerrit Molenaar, Ria Bosman, Yvonne Dekker (wijkraad); Ans Bakker, Tom Kramer en zes andere bewoners; Sanne Kuipers (gemeente, gespreksleider).",
    ),
    ("h", "Stand van zaken"),
    (
        "p",
        "Sanne Kuipers meldt dat de uitwerking van de wijkplatforms vertraging heeft opgelopen. De regeling voor het wijkbudget wordt pas begin volgend jaar verwacht. De reactie in de zaal is teleurgesteld. Ria Bosman: 'In februari hoorden we dat het voor de zomer duidelijk zou zijn.'",
    ),
    ("h", "Financiering"),
    (
        "p",
        "Gerrit Molenaar meldt dat de verhuurder van het buurthuis de huur per 1 januari met vijftien procent verhoogt. Zonder duidelijkheid over het budget voor 2024 kan de wijkraad het contract niet verlengen. 'Ik ga niet tekenen voor geld dat we misschien niet krijgen.'",
    ),
    (
        "p",
        "Yvonne Dekker vertelt dat de wijkkrant Noorderlicht dit jaar van twaalf naar acht pagina's is gegaan omdat de drukkosten zijn gestegen. Een projectontwikkelaar heeft aangeboden de wijkkrant te sponsoren in ruil voor advertenties voor een nieuwbouwproject. De wijkraad heeft dat geweigerd. Tom Kramer: 'Dit is precies waar ik bang voor ben: partijen met een commerciële agenda die straks het geld en de krant overnemen.'",
    ),
    (
        "ul",
        [
            "Wie beheert het wijkbudget als de wijkraad ophoudt te bestaan?",
            "Is er een overbruggingsregeling voor de locatiehuur?",
            "Hoe voorkom je dat commerciële partijen invloed kopen via sponsoring?",
            "Moeten vrijwilligers straks zelf een stichting oprichten om geld te kunnen ontvangen?",
        ],
    ),
    ("h", "Continuïteit en overgang"),
    (
        "p",
        "Meerdere aanwezigen zijn bang dat er een vacuüm ontstaat. Ans Bakker: 'Als de wijkraad stopt en er is nog niets nieuws, bij wie moeten mensen dan aankloppen?' Ria Bosman geeft aan dat zij twijfelt of zij na de overgang doorgaat.",
    ),
    ("h", "Verkeer en parkeren"),
    (
        "p",
        "Ook deze keer kwam het parkeren uitgebreid aan bod. De gemeente onderzoekt uitbreiding van betaald parkeren in Noord. Tom Kramer heeft een petitie tegen de uitbreiding opgezet die 312 keer is ondertekend. Hij wil dat het wijkplatform over dit soort onderwerpen kan adviseren. Reacties op de petitie kunnen naar t.kramer@kpnmail.nl of Floresstraat 45 zwart, 2022 VK Haarlem.",
    ),
    (
        "p",
        "Wim Koopman merkt op dat er bij de school aan de Rijksstraatweg nog steeds te hard wordt gereden, ondanks de drempels. Hij woont op Rijksstraatweg 218-B en ziet het elke ochtend.",
    ),
    ("h", "Afspraken"),
    (
        "ul",
        [
            "Sanne Kuipers vraagt na of er een overbruggingsregeling voor de locatiehuur mogelijk is.",
            "Bij de volgende sessie schuift iemand van de gemeente aan die over subsidies gaat.",
            "Klachten over parkeren en hardrijden worden gebundeld doorgestuurd naar de afdeling verkeer.",
        ],
    ),
]

DOC_OOST_1 = [
    ("title", "Verslag sessie wijkraad Oost over wijkplatforms"),
    (
        "meta",
        "14 februari 2023, wijkcentrum Oost. Aanwezig: Hans Mulder (voorzitter), Lotte van Leeuwen (redactie wijkkrant), wijkraad Oost; Mehmet Yilmaz, Joke Hoekstra, Ruud Timmer en zeven andere bewoners; Joost Hendriks (gemeente, gespreksleider).",
    ),
    ("h", "Informatie komt te laat"),
    (
        "p",
        "Het eerste half uur ging bijna volledig over informatie. Hans Mulder vertelt dat de brief over de rioleringswerkzaamheden in de Slachthuisbuurt een dag na de start van de werkzaamheden in de bus viel. 'We hoorden het van de aannemer, niet van de gemeente.'",
    ),
    (
        "p",
        "Lotte van Leeuwen laat een brief van de gemeente zien met de zin 'in het kader van de integrale gebiedsopgave wordt u in de gelegenheid gesteld uw zienswijze kenbaar te maken'. Niemand in de zaal wist wat er precies bedoeld werd. Zij pleit voor begrijpelijke taal en een korte samenvatting bovenaan elke brief.",
    ),
    (
        "p",
        "Mehmet Yilmaz vertelt dat veel van zijn buren beter Turks lezen dan Nederlands en dat zij de informatie via via krijgen, vaak verkeerd. Hij stelt voor belangrijke informatie ook in eenvoudig Nederlands en in andere talen te geven. Hij is bereikbaar op 06 5193 7284 voor wie wil helpen met vertalen.",
    ),
    ("h", "De wijkkrant"),
    (
        "p",
        "De wijkkrant De Oostpost verschijnt vier keer per jaar in een oplage van 5.500 exemplaren. Volgens Lotte van Leeuwen is het 'het enige wat echt iedereen in Oost leest, van de student tot de oudste bewoner van het verzorgingshuis'. Ruud Timmer vindt dat de wijkkrant ook online moet verschijnen. Anderen vinden papier onmisbaar voor ouderen.",
    ),
    ("h", "Bomenkap langs de Zomerkade"),
    (
        "p",
        "Joke Hoekstra vertelt boos dat in december veertien bomen langs de Zomerkade zijn gekapt zonder dat de buurt het wist. 'Ik woon op de Amsterdamstraat 12 en zag op een ochtend de zagen. Er hing nergens een bericht.' Meerdere bewoners vallen haar bij. Joost Hendriks zegt toe uit te zoeken waarom er niet is gecommuniceerd en of er herplant komt. Mevrouw Hoekstra wil daarover een mail op jokehoekstra@hotmail.com of een brief op haar adres, Amsterdamstraat 12, 2032 LT Haarlem.",
    ),
    ("h", "Het goede behouden"),
    (
        "ul",
        [
            "De wijkkrant De Oostpost, op papier.",
            "De rol van de wijkraad als doorgeefluik van informatie naar de buurt.",
            "De jaarlijkse wijkschouw met de gemeente.",
        ],
    ),
    ("h", "Wat moet verbeteren"),
    (
        "ul",
        [
            "Tijdige informatie, ruim voordat werkzaamheden beginnen.",
            "Begrijpelijke taal, met een samenvatting in gewone woorden.",
            "Eén plek waar alle informatie over de wijk te vinden is.",
            "Terugkoppeling na meldingen en bijeenkomsten.",
        ],
    ),
    ("h", "Vragen en zorgen"),
    (
        "ul",
        [
            "Blijft er geld voor de wijkkrant als de wijkraad ophoudt?",
            "Wie informeert bewoners straks over de overgang naar wijkplatforms?",
            "Hoe voorkom je dat er nog meer bomen verdwijnen zonder overleg?",
        ],
    ),
    ("p", "Kopij en reacties voor de volgende wijkkrant kunnen naar redactie@deoostpost.nl."),
]

DOC_OOST_2 = [
    ("title", "Verslag tweede sessie wijkraad Oost"),
    (
        "meta",
        "3 oktober 2023, wijkcentrum Oost. Aanwezig: Hans Mulder, Lotte van Leeuwen (wijkraad); Mehmet Yilmaz, Joke Hoekstra, Ruud Timmer en negen andere bewoners; Joost Hendriks (gemeente).",
    ),
    ("h", "Wat is er veranderd sinds februari"),
    (
        "p",
        "Joost Hendriks vertelt dat de gemeente sinds juni een maandelijkse digitale wijknieuwsbrief voor Oost verstuurt en dat brieven over werkzaamheden nu minimaal twee weken van tevoren worden bezorgd. Er loopt een proef met brieven in heldere taal, met bovenaan drie zinnen over wat er gaat gebeuren en wat het voor bewoners betekent.",
    ),
    (
        "p",
        "De reacties zijn overwegend positief. Hans Mulder: 'De brief over de Slachthuisbuurt was deze keer op tijd en ik begreep hem in één keer. Dat is vooruitgang.' Mehmet Yilmaz merkt op dat de nieuwsbrief alleen in het Nederlands verschijnt en dat zijn buren er nog steeds weinig aan hebben.",
    ),
    ("h", "De wijkkrant onder druk"),
    (
        "p",
        "Lotte van Leeuwen is blij met de nieuwsbrief, maar waarschuwt dat die de wijkkrant niet kan vervangen. 'Een mail die je wegklikt is iets anders dan een krant die op de keukentafel ligt.' De drukkosten zijn gestegen en het is niet duidelijk of de wijkkrant in het wijkplatform nog budget krijgt.",
    ),
    ("h", "Groen en bomen"),
    (
        "p",
        "De bomenkap langs de Zomerkade blijft de gemoederen bezighouden. Er komt herplant, maar bewoners zijn niet gevraagd welke bomen en waar. Joke Hoekstra: 'Het is weer hetzelfde: we horen het als het besluit al genomen is.' Ruud Timmer stelt voor dat het wijkplatform een werkgroep groen krijgt die vooraf wordt gehoord bij kap en herplant. Hans Mulder verzamelt namen van belangstellenden; hij is bereikbaar op +31 (0)23 520 98 76.",
    ),
    (
        "p",
        "Er is ook enthousiasme: dit voorjaar zijn in Oost 60 geveltuinen aangelegd, grotendeels door bewoners zelf. Meerdere aanwezigen willen dat het wijkplatform dit soort groene initiatieven blijft ondersteunen.",
    ),
    ("h", "Het goede behouden"),
    (
        "ul",
        [
            "De wijkkrant op papier naast de digitale nieuwsbrief.",
            "De geveltuinenactie en de plantjesdag.",
            "De wijkraad als plek waar je met klachten en ideeën terechtkunt.",
        ],
    ),
    ("h", "Wat moet verbeteren"),
    (
        "ul",
        [
            "De wijknieuwsbrief ook in andere talen of in elk geval in eenvoudig Nederlands.",
            "Bewoners vooraf betrekken bij kap, snoei en herplant.",
            "Terugkoppeling op meldingen: nu hoor je vaak niets meer.",
        ],
    ),
    ("h", "Vragen en zorgen"),
    (
        "ul",
        [
            "Krijgt de wijkkrant budget binnen het wijkplatform?",
            "Wie beslist straks over het groen in de wijk?",
            "Hoe worden bewoners die niet online zijn op de hoogte gehouden van de overgang?",
        ],
    ),
]

TXT_ZUIDWEST_1 = """NOTULEN SESSIE WIJKRAAD ZUID-WEST OVER WIJKPLATFORMS

Datum: donderdag 26 januari 2023, 19.30 - 21.30 uur
Locatie: wijkcentrum Zuid-West
Aanwezig: Rob Schouten (voorzitter), Marja Koster (secretaris), Els Jansen (wijkraad, werkgroep Vogelenwijk), Martijn Evers (wijkagent), Nadia Haddou (sociaal wijkteam), Ingrid Postma (gemeente, gespreksleider) en zes bewoners
Afwezig: opbouwwerker (vacature)
Notulist: Marja Koster


1. Opening

Rob Schouten opent de vergadering en heet in het bijzonder de wijkagent en Nadia Haddou van het sociaal wijkteam welkom. Hij merkt op dat het goed is dat de partners erbij zijn, "want als het over de wijkraad gaat, gaat het ook over hen".


2. Toelichting wijkplatforms

Ingrid Postma legt uit waarom de gemeente overstapt op wijkplatforms en wat de bedoeling is van deze sessie: ophalen wat behouden moet blijven, wat beter moet en welke vragen en zorgen er zijn.


3. Wat gaat goed en moet blijven

Mevrouw Jansen van de Vogelenwijk vertelt hoe zij vorig jaar via de wijkraad een oudere buurman die steeds meer vereenzaamde in contact bracht met het sociaal wijkteam. "Ik zag dat zijn gordijnen dicht bleven. Ik wist niet wie ik moest bellen, maar Rob wel." Nadia Haddou bevestigt dat veel signalen via de wijkraad bij het wijkteam binnenkomen.

Martijn Evers zegt dat de wijkraad voor hem een belangrijke informatiebron is. "Zonder jullie zie ik de helft niet. Jullie weten waar de jongeren hangen en welke auto al drie weken op dezelfde plek staat."

Genoemd als te behouden:
- het vaste overleg met wijkagent en sociaal wijkteam, vier keer per jaar
- de wijkraad als ogen en oren van de wijk
- de korte lijnen: je weet wie je moet bellen
- de buurtpreventie-app die mw. Jansen beheert


4. Wat kan beter

- Handhaving reageert traag op meldingen over afval en foutparkeren. Rob Schouten: "We melden het, en drie weken later komt er iemand kijken."
- Er is al een jaar geen opbouwwerker in Zuid-West. Bewonersinitiatieven lopen daardoor vast.
- Afspraken over welke signalen je wel en niet mag doorgeven. Nadia Haddou wijst op privacy: niet elke zorg over een buurman hoort in een verslag.
- Samenwerking met de woningcorporatie en de scholen kan beter.


5. Vragen en zorgen

- Blijven de wijkagent en het sociaal wijkteam aanschuiven bij het wijkplatform?
- Wie is straks het aanspreekpunt voor handhaving?
- Wat gebeurt er met de signaalfunctie als er tijdens de overgang niemand is?
- Hoe voorkom je dat kennis verdwijnt als mensen bij de partners wisselen van functie?


6. Rondvraag en sluiting

Els Jansen (Merelstraat 27) vraagt of zij de lijst met contactgegevens van de buurtpreventie-app mag houden als de wijkraad stopt. Ingrid Postma zoekt dit uit in verband met de privacyregels. Wie zich wil aanmelden voor de app kan bellen naar 06-73829104.

Martijn Evers laat weten dat hij in de loop van het jaar waarschijnlijk naar een andere wijk gaat. De aanwezigen vinden dat jammer en vragen om een goede overdracht.

Marja Koster stuurt de notulen rond. Reacties via m.koster@wijkraadzuidwest.nl. Rob Schouten sluit de vergadering om 21.25 uur.
"""

DOC_ZUIDWEST_2 = [
    ("title", "Notulen tweede sessie wijkraad Zuid-West: samenwerking met partners"),
    ("meta", "Datum: 5 oktober 2023. Locatie: wijkcentrum Zuid-West. Notulist: Marja Koster."),
    (
        "meta",
        "Aanwezig: Rob Schouten (voorzitter), Marja Koster, Els Jansen (wijkraad); Martijn Evers en Sandra Bos (wijkagenten), Nadia Haddou (sociaal wijkteam), Frank Verbeek (opbouwwerker); Ingrid Postma (gemeente); vier bewoners.",
    ),
    ("h", "1. Opening en kennismaking"),
    (
        "p",
        "Rob Schouten opent. Martijn Evers stelt zijn opvolger voor, wijkagent Sandra Bos, die per november de wijk overneemt. Frank Verbeek is sinds juni de nieuwe opbouwwerker in Zuid-West. Rob: 'Na een jaar zonder opbouwwerker is dit echt goed nieuws.'",
    ),
    ("h", "2. Terugblik op januari"),
    (
        "p",
        "Ingrid Postma laat zien wat er met de punten uit januari is gedaan. Er is nu een vast aanspreekpunt bij handhaving voor Zuid-West, en meldingen over afval worden binnen een week opgepakt. Marja Koster merkt op dat het 'merkbaar beter' gaat, al is foutparkeren rond de school nog steeds een probleem.",
    ),
    ("h", "3. De wijktafel"),
    (
        "p",
        "Voorgesteld wordt om in het wijkplatform een wijktafel in te richten: vier keer per jaar overleg tussen het platform, de wijkagent, het sociaal wijkteam, de opbouwwerker, handhaving en de woningcorporatie. Nadia Haddou steunt het voorstel, op voorwaarde dat er afspraken komen over het delen van signalen over individuele bewoners.",
    ),
    (
        "p",
        "Frank Verbeek wil de wijktafel ook gebruiken om bewonersinitiatieven te ondersteunen. Hij noemt de buurtpreventie-app van mw. Jansen als voorbeeld van hoe bewoners zelf de signaalfunctie vervullen.",
    ),
    ("h", "4. Signalen en privacy"),
    (
        "p",
        "Er wordt een eenvoudige afspraak gemaakt: de wijkraad geeft zorgen over individuele bewoners alleen mondeling of telefonisch door aan het sociaal wijkteam en zet geen namen in verslagen of in de app. Els Jansen vraagt zich af of ze daarmee haar buurtgenoten niet tekortdoet. Nadia Haddou: 'Je doet ze juist recht. Wij komen altijd langs.'",
    ),
    ("h", "5. Continuïteit"),
    (
        "p",
        "De aanwezigen maken zich zorgen over de vele personeelswisselingen bij de partners. Rob Schouten: 'In vijf jaar heb ik vier wijkagenten en drie opbouwwerkers gezien. De wijkraad is het enige wat blijft.' Afgesproken wordt dat bij elke wissel een overdrachtsgesprek met het wijkplatform plaatsvindt.",
    ),
    ("h", "6. Rondvraag"),
    (
        "p",
        "Mevrouw Jansen meldt dat er opnieuw een fiets met zwerfafval bij de ingang van het park staat. Sandra Bos neemt het mee. Frank Verbeek is bereikbaar via 06-28173645.",
    ),
    ("h", "Afspraken"),
    (
        "ul",
        [
            "De wijktafel start in januari 2024 als proef (Ingrid Postma, Frank Verbeek).",
            "Het sociaal wijkteam stelt een korte werkafspraak op over het doorgeven van signalen (Nadia Haddou).",
            "Overdrachtsgesprek bij wisseling van wijkagent wordt vast onderdeel van de werkwijze (Sandra Bos).",
        ],
    ),
]

DOC_DELFTWIJK_2 = [
    ("title", "Verslag tweede sessie wijkraad Delftwijk: spelregels en vrijwilligers"),
    (
        "meta",
        "28 september 2023, buurthuis Delftwijk. Aanwezig: Cor Zandvliet (voorzitter), Bianca Roos (secretaris), Jan-Willem Post (penningmeester); Erik Huisman, Linda Vermeulen en negen andere bewoners; Sanne Kuipers (gemeente, gespreksleider).",
    ),
    ("h", "Concept-spelregels"),
    (
        "p",
        "Cor Zandvliet presenteert het concept voor de spelregels dat het bestuur over de zomer heeft geschreven. Het wijkplatform krijgt een kern van vijf mensen, die eens per jaar op een open bijeenkomst verantwoording aflegt. Daaromheen werken werkgroepen waar iedereen zonder lidmaatschap aan kan meedoen.",
    ),
    (
        "ul",
        [
            "De kern beslist over het budget, na advies van de werkgroepen.",
            "Elk jaar een open bijeenkomst voor alle bewoners van Delftwijk.",
            "Kernleden zitten maximaal twee termijnen van drie jaar.",
            "Als de kern niet goed functioneert, kan een open bijeenkomst een nieuwe kern kiezen.",
        ],
    ),
    (
        "p",
        "Erik Huisman is positief over de open bijeenkomst, maar vindt dat werkgroepen meer te zeggen moeten krijgen. 'Anders is het weer een bestuur dat alles regelt en een achterban die mag klappen.' Na discussie wordt afgesproken dat werkgroepen een eigen klein budget krijgen.",
    ),
    ("h", "Rechtspersoon en verordening"),
    (
        "p",
        "Sanne Kuipers meldt dat de concept-verordening waarschijnlijk vereist dat een wijkplatform een rechtspersoon aanwijst voor het beheer van het budget. Jan-Willem Post stelt voor dat de bestaande vereniging die rol houdt. 'Dan hoeven we niet opnieuw naar de notaris en blijft de bankrekening gewoon bestaan.' De aanwezigen zijn het daarmee eens, zolang de vereniging ook open is voor nieuwe leden.",
    ),
    (
        "p",
        "Er is nog onduidelijkheid over de erkenning: wie bepaalt of het wijkplatform Delftwijk echt het wijkplatform is, en kan er een tweede platform komen voor de nieuwbouw langs het spoor? Sanne Kuipers verwacht dat de verordening daar begin 2024 antwoord op geeft.",
    ),
    ("h", "Vrijwilligers"),
    (
        "p",
        "Bianca Roos maakt bekend dat zij na acht jaar stopt als secretaris als het wijkplatform van start gaat. 'Ik doe het met plezier, maar het is te veel geworden voor één persoon.' Het blijft even stil in de zaal. Cor Zandvliet bedankt haar en zegt dat dit laat zien hoe kwetsbaar het is als alles op een paar mensen rust.",
    ),
    (
        "p",
        "Er is ook goed nieuws: na de open dag van de buurtmoestuin hebben vier nieuwe vrijwilligers zich gemeld, onder wie twee jonge gezinnen. Linda Vermeulen: 'Mensen willen best helpen, maar dan voor iets concreets, niet voor een vergadering.'",
    ),
    ("h", "Vragen"),
    (
        "ul",
        [
            "Zijn vrijwilligers verzekerd als ze namens het wijkplatform activiteiten organiseren?",
            "Kan de gemeente helpen met de administratie, zodat vrijwilligers dat niet zelf hoeven te doen?",
            "Kan de wijkraad doorgroeien naar wijkplatform zonder opheffing?",
            "Wat gebeurt er als er geen vijf mensen voor de kern te vinden zijn?",
        ],
    ),
    ("h", "Afspraken"),
    (
        "p",
        "Het bestuur werkt de spelregels verder uit met de opmerkingen van vanavond. Sanne Kuipers vraagt na hoe het zit met de verzekering voor vrijwilligers. Wie wil meedenken over de spelregels kan mailen naar secretariaat@wijkraaddelftwijk.nl; het postadres blijft Delftlaan 102, 2024 XB Haarlem.",
    ),
]


def _speakers(transcript, roles):
    """Map each speaker name as it appears in the transcript to a role."""
    out = OrderedDict()
    for key, _ in transcript:
        name = PEOPLE[key]
        if name not in out:
            out[name] = roles[key]
    return dict(out)


SESSIONS = [
    dict(
        path="schalkwijk/2023-01-24-sessie-wijkraad-schalkwijk.vtt",
        wijk="schalkwijk",
        date="2023-01-24",
        kind="transcript",
        session="schalkwijk-2023-1",
        fmt="vtt",
        teams_ids=True,
        title="Sessie wijkraad Schalkwijk over de overgang naar wijkplatforms",
        content=TRANSCRIPT_SCHALKWIJK_1,
        speakers=_speakers(
            TRANSCRIPT_SCHALKWIJK_1,
            dict(
                marloes="gespreksleider",
                fatima="wijkraadslid",
                henk="wijkraadslid",
                gerda="wijkraadslid",
                ahmed="bewoner",
                samira="bewoner",
                kevin="partner",
            ),
        ),
    ),
    dict(
        path="schalkwijk/2023-02-02-telefoonnotitie-jongerenavond.md",
        wijk="schalkwijk",
        date="2023-02-02",
        kind="notitie",
        session="schalkwijk-2023-1",
        fmt="md",
        title="Telefoonnotitie: Ahmed Benali over de jongerenavond",
        content=DOC_SCHALKWIJK_NOTITIE,
    ),
    dict(
        path="schalkwijk/2023-09-26-verslag-tweede-sessie.md",
        wijk="schalkwijk",
        date="2023-09-26",
        kind="verslag",
        session="schalkwijk-2023-2",
        fmt="md",
        title="Verslag tweede sessie wijkraad Schalkwijk: terugkoppeling en vervolg",
        content=DOC_SCHALKWIJK_2,
    ),
    dict(
        path="schalkwijk/2023-11-21-notulen-derde-sessie.docx",
        wijk="schalkwijk",
        date="2023-11-21",
        kind="notulen",
        session="schalkwijk-2023-3",
        fmt="docx",
        title="Notulen derde sessie wijkraad Schalkwijk: samenstelling kernteam",
        content=DOC_SCHALKWIJK_3,
    ),
    dict(
        path="centrum/2023-01-31-notulen-sessie-wijkraad.docx",
        wijk="centrum",
        date="2023-01-31",
        kind="notulen",
        session="centrum-2023-1",
        fmt="docx",
        title="Notulen sessie wijkraad Centrum over wijkplatforms",
        content=DOC_CENTRUM_1,
    ),
    dict(
        path="centrum/2023-10-10-sessie-wijkraad-centrum.vtt",
        wijk="centrum",
        date="2023-10-10",
        kind="transcript",
        session="centrum-2023-2",
        fmt="vtt",
        teams_ids=False,
        title="Tweede sessie wijkraad Centrum: zeggenschap en toezeggingen",
        content=TRANSCRIPT_CENTRUM_2,
        speakers=_speakers(
            TRANSCRIPT_CENTRUM_2,
            dict(
                joost="gespreksleider",
                ingrid="ambtenaar",
                willem="wijkraadslid",
                annelies="wijkraadslid",
                charlotte="wijkraadslid",
                paul="bewoner",
                bart="bewoner",
                noor="bewoner",
            ),
        ),
    ),
    dict(
        path="haarlem-noord/2023-02-07-verslag-sessie-wijkraad.md",
        wijk="haarlem-noord",
        date="2023-02-07",
        kind="verslag",
        session="haarlem-noord-2023-1",
        fmt="md",
        title="Verslag sessie wijkraad Haarlem-Noord over wijkplatforms",
        content=DOC_NOORD_1,
    ),
    dict(
        path="haarlem-noord/2023-09-19-verslag-tweede-sessie.pdf",
        wijk="haarlem-noord",
        date="2023-09-19",
        kind="verslag",
        session="haarlem-noord-2023-2",
        fmt="pdf",
        title="Verslag tweede sessie wijkraad Haarlem-Noord",
        content=DOC_NOORD_2,
    ),
    dict(
        path="haarlem-noord/2023-11-14-derde-sessie-transcript.srt",
        wijk="haarlem-noord",
        date="2023-11-14",
        kind="transcript",
        session="haarlem-noord-2023-3",
        fmt="srt",
        title="Derde sessie wijkraad Haarlem-Noord: financiering en overgangsperiode",
        content=TRANSCRIPT_NOORD_3,
        speakers=_speakers(
            TRANSCRIPT_NOORD_3,
            dict(
                sanne="gespreksleider",
                bas="ambtenaar",
                gerrit="wijkraadslid",
                ria="wijkraadslid",
                yvonne="wijkraadslid",
                tom="bewoner",
                ans="bewoner",
                wim="bewoner",
            ),
        ),
    ),
    dict(
        path="oost/2023-02-14-verslag-sessie-wijkraad.pdf",
        wijk="oost",
        date="2023-02-14",
        kind="verslag",
        session="oost-2023-1",
        fmt="pdf",
        title="Verslag sessie wijkraad Oost over wijkplatforms",
        content=DOC_OOST_1,
    ),
    dict(
        path="oost/2023-10-03-verslag-tweede-sessie.md",
        wijk="oost",
        date="2023-10-03",
        kind="verslag",
        session="oost-2023-2",
        fmt="md",
        title="Verslag tweede sessie wijkraad Oost: informatie, wijkkrant en groen",
        content=DOC_OOST_2,
    ),
    dict(
        path="zuid-west/2023-01-26-notulen-sessie-wijkraad.txt",
        wijk="zuid-west",
        date="2023-01-26",
        kind="notulen",
        session="zuid-west-2023-1",
        fmt="txt",
        title="Notulen sessie wijkraad Zuid-West over wijkplatforms",
        content=TXT_ZUIDWEST_1,
    ),
    dict(
        path="zuid-west/2023-10-05-notulen-tweede-sessie.docx",
        wijk="zuid-west",
        date="2023-10-05",
        kind="notulen",
        session="zuid-west-2023-2",
        fmt="docx",
        title="Notulen tweede sessie wijkraad Zuid-West: samenwerking met partners",
        content=DOC_ZUIDWEST_2,
    ),
    dict(
        path="delftwijk/2023-02-09-sessie-wijkraad-delftwijk.srt",
        wijk="delftwijk",
        date="2023-02-09",
        kind="transcript",
        session="delftwijk-2023-1",
        fmt="srt",
        title="Sessie wijkraad Delftwijk over wijkplatforms",
        content=TRANSCRIPT_DELFTWIJK_1,
        speakers=_speakers(
            TRANSCRIPT_DELFTWIJK_1,
            dict(
                sanne="gespreksleider",
                cor="wijkraadslid",
                bianca="wijkraadslid",
                jw="wijkraadslid",
                erik="bewoner",
                linda="bewoner",
            ),
        ),
    ),
    dict(
        path="delftwijk/2023-09-28-verslag-tweede-sessie.md",
        wijk="delftwijk",
        date="2023-09-28",
        kind="verslag",
        session="delftwijk-2023-2",
        fmt="md",
        title="Verslag tweede sessie wijkraad Delftwijk: spelregels en vrijwilligers",
        content=DOC_DELFTWIJK_2,
    ),
]

# ======================================================================================
# Survey sentence banks: theme -> question -> base sentences (hand-written).
# {wijk} is replaced by how residents call their wijk.
# ======================================================================================
BANK = {
    "vertrouwen": {
        "behouden": [
            "De korte lijn met de gebiedsverbinder van de gemeente, daar is in de loop der jaren echt vertrouwen gegroeid.",
            "Dat de wijkraad kritisch blijft naar de gemeente, ook als dat ongemakkelijk is.",
            "Het persoonlijke contact met mensen van de gemeente die de wijk echt kennen.",
            "De wijkraad is onafhankelijk van de gemeente en dat vertrouwen bewoners.",
            "Het gevoel dat er iemand voor ons opkomt richting het stadhuis.",
        ],
        "verbeteren": [
            "De gemeente moet haar afspraken nakomen, anders haken mensen af.",
            "Meer vertrouwen tussen gemeente en bewoners, nu voelt het als wij tegen zij.",
            "Laat zien wat er met onze inbreng gebeurd is, dan krijg je vanzelf meer vertrouwen.",
            "Eerlijk zijn als iets niet kan, in plaats van mooie beloftes doen.",
            "Toezeggingen aan de wijk op papier zetten en er later op terugkomen.",
            "Minder wantrouwen vanuit de gemeente richting actieve bewoners.",
        ],
        "zorgen": [
            "Ik vraag me af of de gemeente wel echt luistert of dat dit allang besloten is.",
            "Mijn zorg is dat het wijkplatform een manier is om lastige wijkraden monddood te maken.",
            "Waarom zou het nu anders gaan dan de vorige keer?",
            "Wordt er wel iets gedaan met wat bewoners inbrengen?",
            "Ik heb weinig vertrouwen in de gemeente na de ervaringen van de afgelopen jaren.",
        ],
    },
    "zeggenschap": {
        "behouden": [
            "Het recht om gevraagd en ongevraagd advies te geven aan de gemeente.",
            "Dat bewoners via de wijkraad mee kunnen praten over grote plannen in {wijk}.",
            "De inspraak bij nieuwe bouwplannen, dat is nu het enige moment dat we gehoord worden.",
            "Dat de wijkraad een formele positie heeft en niet zomaar genegeerd kan worden.",
            "De mogelijkheid om in te spreken bij de gemeenteraadscommissie.",
        ],
        "verbeteren": [
            "Duidelijkheid over wat het wijkplatform wel en niet mag beslissen.",
            "Echte zeggenschap over het wijkbudget en over de inrichting van de openbare ruimte.",
            "Meepraten over de hoofdzaken, niet alleen over bankjes en afvalbakken.",
            "Als de gemeente afwijkt van ons advies, moet ze uitleggen waarom.",
            "Recht doen aan tegenspraak: ook een kritisch geluid moet gehoord worden.",
            "Inspraak moet echt iets opleveren en niet alleen een afvinklijstje zijn.",
        ],
        "zorgen": [
            "Wat is de officiële status van een wijkplatform?",
            "Hoe is de zeggenschap geregeld en wat gebeurt er met de input?",
            "Heeft een wijkplatform straks nog adviesrecht of alleen een luisterend oor?",
            "Wie bepaalt uiteindelijk wat er in de wijk gebeurt?",
            "Kan de gemeente een advies van het platform gewoon naast zich neerleggen?",
        ],
    },
    "financiering": {
        "behouden": [
            "Het wijkbudget waarmee kleine initiatieven snel geholpen worden.",
            "De vergoeding voor de zaalhuur van het buurthuis, anders kunnen we nergens vergaderen.",
            "Dat er geld is voor de wijkkrant en de buurtfeesten.",
            "Het budget voor bewonersinitiatieven, ook al is het klein.",
            "Dat de wijkraad zelf over een klein potje gaat en niet voor elke 50 euro hoeft te bedelen.",
        ],
        "verbeteren": [
            "Een vast en voorspelbaar budget per wijkplatform.",
            "Duidelijke regels over wie het geld beheert en hoe je verantwoording aflegt.",
            "Minder bureaucratie bij het aanvragen van subsidie voor kleine activiteiten.",
            "Een structurele vergoeding voor locatiehuur, nu gaat de helft van het budget op aan zaalhuur.",
            "Geld voor communicatie, een wijkkrant drukken is duur geworden.",
            "Openbaar maken hoeveel geld er per wijk beschikbaar is.",
        ],
        "zorgen": [
            "Hoe wordt de financiering geregeld?",
            "Wie beheert het geld straks?",
            "Wat gebeurt er met de huur van het buurthuis als het budget stopt?",
            "Ik ben bang dat partijen met een commerciële agenda er met het geld vandoor gaan.",
            "Is er straks nog geld voor de wijkkrant?",
            "Moeten vrijwilligers straks zelf subsidie aanvragen en verantwoorden?",
        ],
    },
    "diversiteit": {
        "behouden": [
            "Dat er ook mensen uit de flats meedoen en niet alleen uit de koopwoningen.",
            "De contacten die de wijkraad heeft met de moskee en de Turkse vereniging.",
            "De jongerenavond van vorig jaar, dat moet vaker.",
            "Dat de wijkraad openstaat voor iedereen, ongeacht achtergrond.",
            "De vertaalde flyers, daardoor wist mijn moeder ook wat er speelde.",
        ],
        "verbeteren": [
            "Het platform moet een afspiegeling zijn van de wijk, nu zijn het vooral oudere witte mannen.",
            "Meer jongeren betrekken, bijvoorbeeld via school en de sportclub.",
            "Ook bewoners met een migratieachtergrond actief benaderen.",
            "Informatie in meerdere talen aanbieden.",
            "Vergaderen op andere tijden, niet alleen doordeweeks om half acht.",
            "Meer cultuursensitiviteit: niet iedereen voelt zich thuis in een vergaderzaal met een agenda.",
            "Huurders net zo goed vertegenwoordigen als huiseigenaren.",
        ],
        "zorgen": [
            "Hoe zorg je dat niet weer dezelfde mensen aan tafel zitten?",
            "Hoe bereik je mensen die de taal niet goed spreken?",
            "Ik ben bang dat jongeren er weer buiten vallen.",
            "Wordt het platform niet een clubje van hoogopgeleiden met veel tijd?",
            "Hoe spreek je zoveel mogelijk verschillende soorten bewoners aan?",
        ],
    },
    "communicatie": {
        "behouden": [
            "De wijkkrant! Die wordt bij ons echt gelezen.",
            "De wijkkrant op papier, niet iedereen zit op internet.",
            "De nieuwsbrief van de wijkraad met informatie over wat er in de buurt gebeurt.",
            "De Facebookpagina en de WhatsApp-groep van de buurt.",
            "Dat je via de wijkraad hoort wat er gaat gebeuren voordat de bouwhekken er staan.",
        ],
        "verbeteren": [
            "Betere en transparantere communicatie vanuit de gemeente.",
            "Informatie op tijd, niet pas als het besluit al genomen is.",
            "Begrijpelijke taal in plaats van ambtelijk jargon.",
            "Eén duidelijke plek waar je alle informatie over de wijk kunt vinden.",
            "Mensen die niet online zijn ook bereiken, met een brief of de wijkkrant.",
            "Terugkoppeling na een bijeenkomst, nu hoor je daarna nooit meer iets.",
            "De website van de wijkraad is verouderd, dat kan echt beter.",
        ],
        "zorgen": [
            "Hoe worden bewoners geïnformeerd over de overgang?",
            "Ik heb er nog nooit iets over gehoord, hoe kan dat?",
            "Krijgen we op tijd te horen wanneer de wijkraad stopt?",
            "Waar kan ik straks terecht voor informatie over de wijk?",
            "Blijft de wijkkrant bestaan?",
        ],
    },
    "participatie": {
        "behouden": [
            "Dat de gemeente vroeg in het proces bij de wijk aanklopt, zoals bij de herinrichting van het plein.",
            "Meedenken aan de voorkant, niet pas als alles al besloten is.",
            "De bewonersavonden waar iedereen kan binnenlopen.",
            "De werkgroepen over verkeer, groen en spelen, daar doen veel mensen aan mee.",
            "De themabijeenkomsten waar je zonder lid te zijn kunt aanschuiven.",
        ],
        "verbeteren": [
            "Bewoners eerder betrekken, aan de voorkant van plannen.",
            "Investeren in participatie, met mensen en middelen.",
            "Meer laagdrempelige manieren om mee te doen, ook online.",
            "Niet alleen de bekende gezichten uitnodigen.",
            "Ook mensen die geen tijd hebben voor vergaderingen een stem geven, bijvoorbeeld met korte peilingen.",
            "Participatie moet geen formaliteit zijn als alles toch al vastligt.",
        ],
        "zorgen": [
            "Hoe neem je de bewoners mee in deze overgang?",
            "Wordt dit weer een inspraakavond waar alles al vastligt?",
            "Kunnen gewone bewoners ook meedoen of alleen georganiseerde groepen?",
            "Hoe groepeer je bewoners rond thema's zonder dat het onderlinge contact verdwijnt?",
        ],
    },
    "samenwerking": {
        "behouden": [
            "De goede contacten met de wijkagent.",
            "Het vaste overleg met handhaving, het sociaal wijkteam en de opbouwwerker.",
            "De samenwerking met de woningcorporatie bij problemen in de flats.",
            "Dat de wijkraad de partners in de wijk bij elkaar brengt.",
            "Korte lijnen met het sociaal wijkteam als er iemand in de knel zit.",
        ],
        "verbeteren": [
            "Betere samenwerking met de wijkagent en handhaving, nu weet je niet wie wat doet.",
            "Vaste afspraken met het sociaal wijkteam over het doorgeven van signalen.",
            "De opbouwwerker moet meer zichtbaar zijn in de wijk.",
            "Samenwerken met scholen, sportclubs en ondernemers in de buurt.",
            "Samenwerken met de wijkplatforms in andere wijken, veel problemen houden niet op bij de wijkgrens.",
            "Experts inschakelen bij onderwerpen als verkeer of duurzaamheid.",
        ],
        "zorgen": [
            "Blijft de wijkagent aanschuiven bij het overleg?",
            "Hoe gaat de samenwerking met het sociaal wijkteam straks?",
            "Hoe kunnen we samenwerking realiseren op verschillende niveaus?",
            "Wie is straks het aanspreekpunt voor handhaving?",
            "Hoe kom je tot een netwerk van actieve partijen in de wijk?",
        ],
    },
    "continuiteit": {
        "behouden": [
            "De kennis en ervaring die de wijkraad in al die jaren heeft opgebouwd.",
            "De lopende activiteiten, zoals het buurtfeest en de schoonmaakdag.",
            "De mensen die het al jaren doen, die moet je niet kwijtraken.",
            "Het geheugen van de wijk, bij de gemeente wisselen de ambtenaren steeds.",
            "Dat er gewoon doorgewerkt wordt tijdens de overgang.",
        ],
        "verbeteren": [
            "Zorg dat de overgang geleidelijk gaat en er geen gat valt.",
            "Een duidelijk tijdpad voor de overgang.",
            "Lopende activiteiten en afspraken gewoon laten doorlopen.",
            "De ervaring van de huidige wijkraad meenemen in het nieuwe platform.",
            "Niet alles opnieuw uitvinden wat al goed werkt.",
        ],
        "zorgen": [
            "Ontstaat er tijdens de overgang geen vacuüm tussen wijk en gemeente?",
            "Wat gebeurt er met lopende activiteiten en projecten?",
            "Wat als er in onze wijk geen wijkplatform komt?",
            "Ik ben bang dat de ervaren mensen afhaken en de kennis verdwijnt.",
            "Hoe lang gaat de overgang duren?",
        ],
    },
    "organisatie": {
        "behouden": [
            "De vaste vergaderavond en een duidelijke agenda.",
            "Dat er een bestuur is dat aanspreekbaar is.",
            "Het huishoudelijk reglement, dan weet iedereen waar hij aan toe is.",
            "Een herkenbaar schaalniveau: de wijk, geen grote anonieme regio.",
            "Het overkoepelend overleg tussen de wijkraden.",
        ],
        "verbeteren": [
            "Duidelijke spelregels voor het wijkplatform.",
            "Een kleine kern die aanspreekbaar is, met daaromheen een netwerk.",
            "Heldere kaders waar een wijkplatform wel en niet over gaat.",
            "Een vaste procedure voor als het platform niet goed functioneert.",
            "Minder vergaderen, meer doen.",
            "Een duidelijke rolverdeling: wie is voorzitter, wie doet de financiën.",
        ],
        "zorgen": [
            "Moet een wijkplatform een rechtspersoon zijn?",
            "Komt er een verordening op de wijkplatforms?",
            "Wie bepaalt of iets een wijkplatform is?",
            "Kan er meer dan één wijkplatform per wijk zijn?",
            "Hoe ziet de organisatiestructuur eruit? Is er een kern of een bestuur?",
            "Wat als een wijkplatform niet goed functioneert?",
            "Kan de wijkraad doorgroeien tot wijkplatform?",
            "Is schaalvergroting echt nodig?",
        ],
    },
    "signaalfunctie": {
        "behouden": [
            "De wijkraad als ogen en oren van de wijk.",
            "Een vast aanspreekpunt waar je met je vragen terechtkunt.",
            "Het spreekuur in het buurthuis.",
            "Dat de wijkraad problemen doorgeeft aan de gemeente voordat het uit de hand loopt.",
            "Mensen de weg wijzen als ze niet weten waar ze moeten zijn.",
        ],
        "verbeteren": [
            "Een vast aanspreekpunt in de wijk dat iedereen kent.",
            "Signalen uit de wijk moeten sneller bij de juiste afdeling terechtkomen.",
            "Meer spreekuren op verschillende plekken in de wijk.",
            "Zichtbaarder zijn, nu weet bijna niemand wie de wijkraad is.",
            "Terugmelden wat er met een melding gebeurd is.",
        ],
        "zorgen": [
            "Bij wie kan ik straks terecht met een probleem in de straat?",
            "Verdwijnt het spreekuur?",
            "Wie houdt straks een oogje in het zeil in de wijk?",
            "Worden signalen over overlast nog wel opgepikt?",
        ],
    },
    "vrijwilligers": {
        "behouden": [
            "De belangeloze inzet van de vrijwilligers, zonder hen gebeurt er niks.",
            "Dat het vrijwilligerswerk blijft en geen betaalde functie wordt.",
            "De betrokkenheid van de actieve bewoners en sleutelfiguren.",
            "De jaarlijkse bedankavond voor vrijwilligers.",
            "Dat bewoners het zelf doen, voor de buurt.",
        ],
        "verbeteren": [
            "Vrijwilligers beter ondersteunen, het wordt te veel voor een paar mensen.",
            "Een kleine vergoeding of waardering voor vrijwilligers.",
            "Hulp bij de administratie, zodat vrijwilligers zich op de wijk kunnen richten.",
            "Nieuwe vrijwilligers werven, nu doen steeds dezelfde mensen alles.",
            "Een training voor nieuwe leden, bijvoorbeeld over hoe de gemeente werkt.",
        ],
        "zorgen": [
            "Ik ben bang dat de vrijwilligers overbelast raken.",
            "Wie gaat al dat werk doen? Iedereen heeft het al zo druk.",
            "Worden vrijwilligers straks verantwoordelijk voor dingen die eigenlijk bij de gemeente horen?",
            "Zijn vrijwilligers verzekerd als ze activiteiten organiseren?",
            "Vinden we wel genoeg mensen die dit willen doen?",
        ],
    },
    # --- recurrent topics outside the codebook (for inductive discovery) -------------
    "verkeer": {
        "behouden": [
            "De werkgroep verkeer, die heeft de drempels bij de school voor elkaar gekregen.",
            "Dat de wijkraad opkomt voor veilige fietsroutes.",
            "De acties tegen het sluipverkeer door de woonstraten.",
            "De aandacht voor de parkeerproblemen in de wijk.",
        ],
        "verbeteren": [
            "Iets doen aan de parkeerdruk, 's avonds kun je nergens meer staan.",
            "Het sluipverkeer door de woonstraten moet aangepakt worden.",
            "Veiliger oversteken bij de scholen.",
            "Er wordt veel te hard gereden, meer controle graag.",
            "Betaald parkeren niet zomaar uitbreiden zonder de buurt te vragen.",
        ],
        "zorgen": [
            "Wordt er eindelijk iets gedaan aan het parkeren?",
            "Wanneer komen de verkeersmaatregelen bij de school?",
            "Gaat het wijkplatform ook over verkeersveiligheid?",
            "Wat betekent de uitbreiding van betaald parkeren voor bewoners?",
        ],
    },
    "groen": {
        "behouden": [
            "De inzet van de wijkraad voor het groen en de bomen in de wijk.",
            "De geveltuinenactie en de plantjesdag.",
            "De werkgroep groen die het parkje bijhoudt.",
            "Dat de wijkraad opkwam voor de bomen langs het water.",
        ],
        "verbeteren": [
            "Stoppen met bomenkap zonder overleg met bewoners.",
            "Meer groen en minder stenen in de straat.",
            "Beter onderhoud van het groen, het onkruid staat overal hoog.",
            "Bij herplant echte bomen terugzetten en niet alleen sprietjes.",
            "Bewoners vooraf informeren over kap- en snoeiwerk.",
        ],
        "zorgen": [
            "Worden er nog meer bomen gekapt?",
            "Wie beslist straks over het groen in onze straat?",
            "Kan het wijkplatform iets doen tegen de bomenkap?",
            "Wat gebeurt er met het parkje als de werkgroep stopt?",
        ],
    },
}

# Wijk-specific sentences: (theme, question, sentence).  They strengthen each wijk's leaning.
WIJK_BANK = {
    "schalkwijk": [
        (
            "diversiteit",
            "verbeteren",
            "In Schalkwijk wonen zoveel culturen, dat moet je in het platform terugzien.",
        ),
        (
            "diversiteit",
            "zorgen",
            "Mijn buren spreken Turks en Arabisch, zij weten niet eens dat er een wijkraad is.",
        ),
        (
            "diversiteit",
            "verbeteren",
            "Vraag de jongeren op het plein eens wat zij willen in plaats van over ze te praten.",
        ),
        (
            "diversiteit",
            "behouden",
            "De jongerenavond in het jongerencentrum, daar kwamen eindelijk andere mensen op af.",
        ),
        (
            "vertrouwen",
            "zorgen",
            "Schalkwijk wordt altijd vergeten door de gemeente, eerst zien dan geloven.",
        ),
        (
            "vertrouwen",
            "verbeteren",
            "Het trapveldje is pas na maanden opgeknapt, zo verspeel je vertrouwen.",
        ),
        (
            "diversiteit",
            "zorgen",
            "Ik ben bang dat het platform weer alleen uit de mensen uit de koopwoningen bestaat.",
        ),
    ],
    "centrum": [
        (
            "zeggenschap",
            "verbeteren",
            "In de binnenstad beslist de gemeente over evenementen en terrassen zonder de bewoners.",
        ),
        (
            "vertrouwen",
            "verbeteren",
            "De toezegging over de venstertijden voor bevoorrading is pas na jaren nagekomen.",
        ),
        ("zeggenschap", "verbeteren", "Wij willen meebeslissen, niet alleen meepraten."),
        (
            "zeggenschap",
            "zorgen",
            "Horen ondernemers ook bij het platform? Dan zijn bewoners straks in de minderheid.",
        ),
        ("zeggenschap", "behouden", "Het adviesrecht van de wijkraad bij evenementen op de Grote Markt."),
        (
            "vertrouwen",
            "behouden",
            "Dat de gemeente de laatste tijd beter terugkoppelt wat er met ons advies gebeurt.",
        ),
    ],
    "haarlem-noord": [
        (
            "financiering",
            "zorgen",
            "Het buurthuis in Noord kost ons bijna de helft van het budget aan huur, wie betaalt dat straks?",
        ),
        ("verkeer", "verbeteren", "Parkeren in Noord is een drama sinds de nieuwbouw."),
        ("financiering", "zorgen", "Wie betaalt straks de wijkkrant Noorderlicht?"),
        ("verkeer", "zorgen", "Langs de Rijksstraatweg wordt nog steeds veel te hard gereden."),
        ("continuiteit", "zorgen", "Als het buurthuis dichtgaat, is de wijkraad in Noord ook weg."),
        ("financiering", "verbeteren", "Een projectontwikkelaar mag nooit over ons wijkgeld gaan."),
    ],
    "oost": [
        ("communicatie", "behouden", "De Oostpost is het enige wat iedereen in Oost leest."),
        ("groen", "verbeteren", "De bomen langs de Zomerkade zijn gekapt zonder dat iemand het wist."),
        (
            "communicatie",
            "verbeteren",
            "De brief over de werkzaamheden in de Slachthuisbuurt kwam een dag te laat.",
        ),
        (
            "communicatie",
            "behouden",
            "De nieuwe maandelijkse nieuwsbrief voor Oost, die is echt een verbetering.",
        ),
        ("groen", "behouden", "De geveltuinen in Oost, die hebben bewoners zelf aangelegd."),
        (
            "communicatie",
            "zorgen",
            "Gaat de wijkkrant op papier verdwijnen nu er een digitale nieuwsbrief is?",
        ),
    ],
    "zuid-west": [
        ("samenwerking", "behouden", "De wijkagent in Zuid-West is goed bereikbaar dankzij de wijkraad."),
        ("signaalfunctie", "behouden", "De buurtpreventie-app, daardoor weten we snel wat er speelt."),
        ("samenwerking", "verbeteren", "Er was een jaar lang geen opbouwwerker, dat mag niet weer gebeuren."),
        ("samenwerking", "zorgen", "Elke keer een nieuwe wijkagent, moet je steeds opnieuw beginnen?"),
        ("signaalfunctie", "zorgen", "Wie ziet straks dat de gordijnen bij de buurvrouw dicht blijven?"),
        (
            "samenwerking",
            "behouden",
            "Het overleg met wijkagent, sociaal wijkteam en opbouwwerker vier keer per jaar.",
        ),
    ],
    "delftwijk": [
        ("vrijwilligers", "zorgen", "In Delftwijk doen vijf mensen alles, als die stoppen houdt het op."),
        ("organisatie", "zorgen", "Moeten we nu echt een stichting oprichten of kan de vereniging blijven?"),
        (
            "organisatie",
            "verbeteren",
            "Werkgroepen moeten ook iets te zeggen hebben, niet alleen het bestuur.",
        ),
        (
            "organisatie",
            "zorgen",
            "Wat als er in Delftwijk twee groepen zijn die allebei het platform willen zijn?",
        ),
        ("vrijwilligers", "behouden", "De buurtmoestuin, die draait helemaal op vrijwilligers."),
        (
            "vrijwilligers",
            "verbeteren",
            "Minder papierwerk voor de penningmeester, dat kost meer tijd dan het geld waard is.",
        ),
    ],
}

WIJK_COLLOQUIAL = {
    "schalkwijk": ["Schalkwijk", "onze wijk", "de Europawijk"],
    "centrum": ["de binnenstad", "het centrum", "de wijk"],
    "haarlem-noord": ["Noord", "onze buurt", "Haarlem-Noord"],
    "oost": ["Oost", "de wijk", "de Slachthuisbuurt"],
    "zuid-west": ["Zuid-West", "de Vogelenwijk", "onze wijk"],
    "delftwijk": ["de Delftwijk", "onze wijk", "Delftwijk"],
    None: ["de wijk", "mijn buurt"],
}

# Short answers that many respondents give in (almost) the same words.
STOCK = {
    "behouden": [
        "de wijkkrant",
        "spreekuur",
        "wijkraad doet goed werk maar niemand kent ze",
        "alles eigenlijk",
        "de vrijwilligers!",
        "het contact met de gemeente",
        "de buurtfeesten",
    ],
    "verbeteren": [
        "communicatie is slecht",
        "meer jongeren",
        "luisteren naar bewoners!!",
        "betere communicatie",
        "meer info",
        "Meer informatie",
        "gewoon doen wat je belooft",
    ],
    "zorgen": [
        "finaciering?",
        "wie betaalt dit",
        "geen vertrouwen in de gemeente",
        "wat gebeurt er met ons geld",
        "Geen.",
        "nee",
        "nee hoor",
    ],
}
NON_ANSWERS = ["weet niet", "geen idee", "-", "n.v.t.", "nvt", "Weet ik niet", ".", "geen", "?", "Geen idee."]
UNKNOWN_WIJKRAAD = {
    "behouden": [
        "Ik ken de wijkraad niet, dus geen idee.",
        "wist niet dat die bestond",
        "Nooit van gehoord eerlijk gezegd.",
        "Ik weet niet wat de wijkraad doet.",
    ],
    "verbeteren": [
        "Laat eerst eens zien dat je bestaat.",
        "Zorg dat mensen weten dat het er is.",
        "ik heb nog nooit iets van de wijkraad gezien of gehoord",
    ],
    "zorgen": ["Geen zorgen, ik wist niet eens dat er een wijkraad was.", "Wat is een wijkplatform?"],
}
ENGLISH = {
    "behouden": [
        "Keep the newsletter, but please also in English.",
        "The wijkraad is nice but honestly I never knew it existed.",
        "The neighbourhood festival, that's the best thing they do.",
    ],
    "verbeteren": [
        "More online meetings please, niet alles op dinsdagavond.",
        "Information only in Dutch excludes expats like me.",
        "Make it easier for young people to join, social media etc.",
        "Betere communicatie, also in English please.",
    ],
    "zorgen": [
        "Who is going to pay for all this?",
        "Honestly I don't trust the gemeente to listen.",
        "Will there still be a contact person for the wijkagent?",
        "Not sure what the difference is between a wijkraad and a wijkplatform tbh.",
    ],
}
LONG_INTROS = [
    "Ik woon sinds 1989 in {wijk} en heb al heel wat plannen zien komen en gaan.",
    "Als moeder van drie kinderen heb ik eerlijk gezegd weinig tijd voor vergaderingen, maar ik vind dit wel belangrijk.",
    "Ik ben zelf jaren actief geweest in de wijkraad, dus ik weet waar ik het over heb.",
    "Ik heb de enquête via de buurtapp gekregen en wil er graag wat uitgebreider op reageren.",
    "Eerlijk gezegd wist ik niet precies wat de wijkraad deed tot ik vorig jaar een probleem had met overlast in onze straat.",
    "Ik ben gepensioneerd en heb tijd, dus ik neem de moeite om dit goed in te vullen.",
]
LONG_MIDDLES = [
    "Toen ik de wijkraad belde, werd ik binnen een week teruggebeld en dat heeft echt geholpen.",
    "Bij de gemeente kreeg ik elke keer iemand anders aan de lijn en niemand wist van de vorige afspraak.",
    "Mijn buurvrouw is tachtig en heeft geen computer, zij mist alles wat alleen online staat.",
    "We hebben twee jaar geleden met de hele straat een petitie gemaakt en daar is nooit op gereageerd.",
    "Op de laatste bewonersavond zaten er twintig mensen, allemaal boven de zestig, en dat is zonde.",
    "Het idee van een platform vind ik op zich niet slecht, als het maar niet alleen een nieuwe naam is.",
    "Ik snap dat de gemeente iets wil veranderen, maar gooi niet weg wat al jaren goed werkt.",
]
LONG_CLOSERS = [
    "Kortom: behoud wat goed gaat en luister naar de mensen die het werk doen.",
    "Ik hoop dat er echt iets met deze enquête gedaan wordt.",
    "Succes ermee, en laat alstublieft weten wat de uitkomst is.",
    "Sorry voor het lange verhaal, maar dit zit me hoog.",
    "Ik wil best meedenken als dat nodig is.",
]

STREETS = {
    "schalkwijk": [
        "Bernadottelaan",
        "Europaweg",
        "Amerikaweg",
        "Boerhaavelaan",
        "Zonnebloemweg",
        "Molenplein",
    ],
    "centrum": ["Zijlstraat", "Kruisstraat", "Lange Veerstraat", "Smedestraat", "Jansstraat"],
    "haarlem-noord": ["Floresstraat", "Rijksstraatweg", "Javastraat", "Kleverparkweg", "Marnixstraat"],
    "oost": ["Amsterdamstraat", "Zomerkade", "Slachthuisstraat", "Spaarnwouderstraat"],
    "zuid-west": ["Merelstraat", "Lijsterstraat", "Leidsevaart", "Westergracht", "Vinkenstraat"],
    "delftwijk": ["Delftlaan", "Planetenlaan", "Jan Gijzenkade", "Rijnstraat"],
}
SURVEY_MENTIONS = {
    "schalkwijk": ["Fatima El Amrani", "Ahmed Benali"],
    "centrum": ["Willem Brouwer", "dhr. P. de Groot"],
    "haarlem-noord": ["Gerrit Molenaar", "Ans Bakker"],
    "oost": ["Lotte van Leeuwen", "Joke Hoekstra"],
    "zuid-west": ["Mevrouw Jansen", "Rob Schouten"],
    "delftwijk": ["Bianca Roos", "Cor Zandvliet"],
}
MENTION_TEMPLATES = [
    "{name} van de wijkraad doet dit al jaren geweldig.",
    "{name} weet hier alles van, vraag het gewoon.",
    "{name} heeft ons destijds enorm geholpen.",
]
PROVIDERS = ["gmail.com", "hotmail.com", "ziggo.nl", "kpnmail.nl", "xs4all.nl", "outlook.com", "live.nl"]
POSTCODE_LETTERS = "ABCEGHJKLMNPRSTVWXZ"
TYPO_WORDS = {
    "financiering": "finaciering",
    "communicatie": "comunicatie",
    "gemeente": "gemeete",
    "vrijwilligers": "vrijwiligers",
    "wijkplatform": "wijkplatfrom",
    "informatie": "infromatie",
    "jongeren": "jogneren",
    "zeggenschap": "zegenschap",
}


class Planted:
    """Registry of planted personal data: (category, exact string) -> files and respondents."""

    def __init__(self):
        self.items: OrderedDict[tuple[str, str], dict] = OrderedDict()

    def add(self, category, value, file, respondent=None):
        """Record that ``value`` was planted in ``file`` (and, for the survey, for ``respondent``)."""
        entry = self.items.setdefault((category, value), {"files": [], "respondents": []})
        if file not in entry["files"]:
            entry["files"].append(file)
        if respondent and respondent not in entry["respondents"]:
            entry["respondents"].append(respondent)

    def values(self, category):
        """Return the planted strings of one category, in order of first appearance."""
        return [v for (c, v) in self.items if c == category]


def strip_diacritics(s):
    """Remove accents (ë -> e), as respondents typing fast often do."""
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch))


def make_typo(s, rng):
    """Introduce one typing error (a known misspelling or a swapped, dropped or doubled letter)."""
    for word, typo in TYPO_WORDS.items():
        if word in s and rng.random() < 0.5:
            return s.replace(word, typo, 1)
    words = s.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not idx:
        return s
    i = rng.choice(idx)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    op = rng.choice(["swap", "drop", "double"])
    if op == "swap":
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif op == "drop":
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def theme_weights(slug):
    """Return (theme, weight) pairs for a wijk: its leaning themes plus an even spread over the rest."""
    if slug is None:
        return [(t, 1.0) for t in CORE_THEMES]
    lean = WIJK_BY_SLUG[slug]["lean"]
    others = [t for t in CORE_THEMES if t not in lean]
    rest = 1.0 - sum(lean.values())
    weights = OrderedDict((t, rest / len(others)) for t in others)
    weights.update(lean)
    for s in SURPRISE_THEMES:
        if s not in lean:
            weights[s] = 0.012
    return list(weights.items())


def weighted(rng, pairs):
    """Draw one item from (item, weight) pairs."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for item, w in pairs:
        x -= w
        if x <= 0:
            return item
    return pairs[-1][0]


def sentence_pool(slug, theme, q):
    """Return the candidate sentences for a theme and question, with the wijk's own lines added."""
    pool = list(BANK[theme][q])
    for t, qq, s in WIJK_BANK.get(slug, []):
        if t == theme and qq == q:
            pool += [s, s]  # wijk-specific lines are a bit more likely
    return pool


def fill(s, slug, rng):
    """Replace ``{wijk}`` by a colloquial name of the wijk."""
    return s.replace("{wijk}", rng.choice(WIJK_COLLOQUIAL[slug]))


def make_phone(rng):
    """Return a fictional Dutch phone number in one of several common notations."""
    fmt = rng.choice(
        [
            "06-########",
            "06 #### ####",
            "+31 6 ########",
            "023-#######",
            "023 ### ## ##",
            "06########",
            "06-## ## ## ##",
        ]
    )
    out = []
    first_mobile = True
    for ch in fmt:
        if ch == "#":
            if first_mobile and fmt.startswith(("06", "+31 6")):
                out.append(str(rng.randint(1, 6)))
            else:
                out.append(str(rng.randint(0, 9)))
            first_mobile = False
        else:
            out.append(ch)
    return "".join(out)


def make_email(name, rng):
    """Return a fictional e-mail address derived from a person's name."""
    parts = name.lower().replace("-", "").split()
    first, last = parts[0], "".join(parts[1:])
    local = rng.choice(
        [f"{first}.{last}", f"{first[0]}.{last}", f"{first}{last}{rng.randint(60, 99)}", f"{first[0]}{last}"]
    )
    return f"{local}@{rng.choice(PROVIDERS)}"


def make_address(slug, rng):
    """Return a street (real Haarlem street name) with a fictional house number."""
    street = rng.choice(STREETS[slug])
    suffix = rng.choice(["", "", "", "a", "b", "-A", " zwart", " rood", "-2"])
    return f"{street} {rng.randint(1, 240)}{suffix}"


def make_postcode(pc4, rng):
    """Return a 6-character postcode in the 4-digit area, written as respondents do."""
    letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
    style = rng.random()
    if style < 0.6:
        return f"{pc4} {letters}"
    if style < 0.95:
        return f"{pc4}{letters}"
    return f"{pc4} {letters.lower()}"


def canonical_postcode(pc):
    """Write a postcode as ``1234 AB``."""
    pc = pc.replace(" ", "").upper()
    return f"{pc[:4]} {pc[4:]}"


def compose(slug, q, primary, rng, k):
    """Compose a normal answer of ``k`` sentences; return the text and the themes used."""
    pairs = theme_weights(slug)
    out, themes = [], []
    for i in range(k):
        theme = primary if (i == 0 and rng.random() < 0.7) else weighted(rng, pairs)
        s = fill(rng.choice(sentence_pool(slug, theme, q)), slug, rng)
        if s not in out:
            out.append(s)
            themes.append(theme)
    text = out[0]
    for s in out[1:]:
        r = rng.random()
        if r < 0.15 and s[0].isupper() and not s.startswith(("De Oostpost", "In ", "Schalkwijk")):
            text += " En " + s[0].lower() + s[1:]
        elif r < 0.25:
            text += "\n" + s
        else:
            text += " " + s
    return text, themes


LONG_CONNECTORS = {
    "behouden": [
        "Wat ik ook belangrijk vind: ",
        "Daarnaast: ",
        "Verder: ",
        "En niet te vergeten: ",
        "",
        "",
        "",
    ],
    "verbeteren": ["Wat ook beter moet: ", "Daarnaast: ", "Verder: ", "Wat mij betreft: ", "", "", ""],
    "zorgen": ["Ik vraag me ook af: ", "Daarnaast: ", "Nog een vraag: ", "En verder: ", "", "", ""],
}


def compose_long(slug, q, primary, rng):
    """Compose a long answer (650-1450 characters): intro, points with connectives, anecdote, closer."""
    pairs = theme_weights(slug)
    parts = [fill(rng.choice(LONG_INTROS), slug, rng)]
    used = set()
    middles = rng.sample(LONG_MIDDLES, 2)
    closer = rng.choice(LONG_CLOSERS)
    target = rng.randint(650, 1400)
    guard = 0
    while len(" ".join(parts)) < target and guard < 60:
        guard += 1
        theme = primary if rng.random() < 0.5 else weighted(rng, pairs)
        s = fill(rng.choice(sentence_pool(slug, theme, q)), slug, rng)
        if s in used:
            continue
        if len(" ".join(parts + [s, closer])) > 1450:
            break
        used.add(s)
        conn = rng.choice(LONG_CONNECTORS[q]) if len(parts) > 1 else ""
        if conn:
            s = (
                conn + s[0].lower() + s[1:]
                if not s.startswith(("De Oostpost", "In ", "Schalkwijk", "Noord"))
                else conn + s
            )
        parts.append(s)
        if middles and rng.random() < 0.3:
            parts.append(middles.pop())
    parts.append(closer)
    return " ".join(parts)


def mess(text, rng):
    """Make an answer look typed: missing capitals/diacritics, typos, no final period."""
    if rng.random() < 0.15:
        text = strip_diacritics(text)
    if rng.random() < 0.09:
        text = make_typo(text, rng)
    if rng.random() < 0.25:
        text = text[0].lower() + text[1:]
    if text.endswith(".") and rng.random() < 0.25:
        text = text[:-1]
    if rng.random() < 0.03:
        text = text.rstrip(".") + rng.choice(["!!", "...", " !"])
    return text


def plant_in_answer(slug, pc, rid, rng, planted):
    """Return a sentence with fictional personal data and register it."""
    kind = weighted(
        rng, [("mention", 0.34), ("phone", 0.2), ("email", 0.2), ("address", 0.14), ("postcode", 0.12)]
    )
    if kind == "mention":
        name = rng.choice(SURVEY_MENTIONS[slug])
        planted.add("names", name, SURVEY_REL, rid)
        return rng.choice(MENTION_TEMPLATES).format(name=name)
    if kind == "phone":
        phone = make_phone(rng)
        planted.add("phones", phone, SURVEY_REL, rid)
        return rng.choice(
            ["Bel me gerust: {p}.", "Mijn nummer is {p}, ik denk graag mee.", "Voor vragen: {p}"]
        ).format(p=phone)
    if kind == "email":
        person = rng.choice(SURVEY_PEOPLE)
        email = make_email(person, rng)
        planted.add("emails", email, SURVEY_REL, rid)
        if rng.random() < 0.5:
            planted.add("names", person, SURVEY_REL, rid)
            return f"Groet, {person} ({email})"
        return rng.choice(["U kunt mij mailen op {e}.", "mail: {e}"]).format(e=email)
    address = make_address(slug, rng)
    planted.add("addresses", address, SURVEY_REL, rid)
    if kind == "address":
        return rng.choice(
            ["Ik woon op de {a}, daar is het probleem het grootst.", "Kom gerust eens langs op de {a}."]
        ).format(a=address)
    postcode = canonical_postcode(pc)
    planted.add("postcodes", postcode, SURVEY_REL, rid)
    return f"Mijn adres: {address}, {postcode} Haarlem."


def generate_survey(planted):
    """Generate the survey rows (respondents sorted by date, ids R0001...)."""
    rng = Random(SEED + 1)
    respondents = []
    population = [(w["slug"], i) for w in WIJKEN for i in range(w["n"])] + [(None, i) for i in range(3)]
    outside_postcodes = ["1011 AB", "2101 CD", "2061GT"]
    start = dt.date(2024, 2, 19)
    for slug, i in population:
        if slug is None:
            pc = outside_postcodes[i]
            ages = [0.25, 0.25, 0.25, 0.25]
            mean_sat = 3.0
        else:
            w = WIJK_BY_SLUG[slug]
            pc = make_postcode(rng.choice(w["postcodes"]), rng)
            ages = w["ages"]
            mean_sat = w["satisfaction"]
        age = weighted(rng, list(zip(["18-34", "35-49", "50-64", "65+"], ages, strict=True)))
        known = weighted(rng, [("ja", 0.55), ("nee", 0.30), ("weet niet", 0.15)])
        blank_p = 0.02 if known == "ja" else 0.15
        if rng.random() < blank_p:
            sat = None
        else:
            sat = int(min(5, max(1, round(rng.gauss(mean_sat - (0.3 if known != "ja" else 0), 1.0)))))
        day = start + dt.timedelta(days=min(25, int(rng.triangular(0, 26, 3))))
        primary = weighted(rng, theme_weights(slug))
        long_q = rng.choice(["behouden", "verbeteren", "zorgen"]) if rng.random() < 0.05 else None
        respondents.append(
            dict(
                slug=slug,
                pc=pc,
                age=age,
                known=known,
                sat=sat,
                day=day,
                primary=primary,
                long_q=long_q,
                order=rng.random(),
            )
        )
    respondents.sort(key=lambda r: (r["day"], r["order"]))
    rows = []
    for n, r in enumerate(respondents, start=1):
        rid = f"R{n:04d}"
        r["rid"] = rid
        answers = {}
        for q in ("behouden", "verbeteren", "zorgen"):
            slug = r["slug"] if r["slug"] else rng.choice([w["slug"] for w in WIJKEN])
            x = rng.random()
            if r["long_q"] == q:
                text = mess(compose_long(slug, q, r["primary"], rng), rng)
                composed = True
            elif x < 0.09:
                answers[q] = None
                continue
            elif x < 0.135:
                answers[q] = rng.choice(NON_ANSWERS)
                continue
            elif x < 0.20:
                answers[q] = rng.choice(STOCK[q])
                continue
            elif r["known"] != "ja" and x < 0.30:
                answers[q] = rng.choice(UNKNOWN_WIJKRAAD[q])
                continue
            elif x < 0.31 or (r["slug"] in ("centrum", "schalkwijk") and x < 0.318):
                answers[q] = rng.choice(ENGLISH[q])
                continue
            else:
                k = weighted(rng, [(1, 0.5), (2, 0.35), (3, 0.15)])
                text, _ = compose(slug, q, r["primary"], rng, k)
                text = mess(text, rng)
                composed = True
            if composed and r["slug"] and rng.random() < 0.07:
                text = (
                    text.rstrip()
                    + (" " if text.rstrip()[-1:] in ".!?" else ". ")
                    + plant_in_answer(r["slug"], r["pc"], rid, rng, planted)
                )
            answers[q] = text
        rows.append(
            [
                rid,
                r["pc"],
                r["age"],
                r["known"],
                r["sat"],
                answers["behouden"],
                answers["verbeteren"],
                answers["zorgen"],
                r["day"],
            ]
        )
    return rows, respondents


# ======================================================================================
# Writers
# ======================================================================================


def ts_vtt(x):
    """Format seconds as a WebVTT timestamp."""
    ms = int(round(x * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def ts_srt(x):
    """Format seconds as an SRT timestamp."""
    return ts_vtt(x).replace(".", ",")


def timings(turns, rng):
    """Return plausible (start, end) times for the turns, from their length."""
    t = rng.uniform(2.0, 6.0)
    out = []
    for _, text in turns:
        dur = max(1.8, len(text) / rng.uniform(13.0, 17.0))
        out.append((t, t + dur))
        t += dur + rng.uniform(0.3, 2.4)
    return out


def render_vtt(sess, rng):
    """Render a transcript as Teams-style WebVTT with voice tags."""
    lines = ["WEBVTT", ""]
    for n, ((key, text), (a, b)) in enumerate(
        zip(sess["content"], timings(sess["content"], rng), strict=True), start=1
    ):
        if sess.get("teams_ids"):
            lines.append(f"{uuid.UUID(int=rng.getrandbits(128), version=4)}/{n + 10}-0")
        lines.append(f"{ts_vtt(a)} --> {ts_vtt(b)}")
        lines.append(f"<v {PEOPLE[key]}>{text}</v>")
        lines.append("")
    return "\n".join(lines)


def render_srt(sess, rng):
    """Render a transcript as SRT with a ``Naam: tekst`` speaker prefix."""
    lines = []
    for n, ((key, text), (a, b)) in enumerate(
        zip(sess["content"], timings(sess["content"], rng), strict=True), start=1
    ):
        lines += [str(n), f"{ts_srt(a)} --> {ts_srt(b)}", f"{PEOPLE[key]}: {text}", ""]
    return "\n".join(lines)


def front_matter(meta):
    """Render YAML front matter."""
    fm = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False)
    return "---\n# Fictief demodocument (wijkanalyse): personen en gegevens zijn verzonnen.\n" + fm + "---\n"


def render_md(sess):
    """Render a session document as Markdown with front matter."""
    meta = OrderedDict()
    meta["wijk"] = WIJK_BY_SLUG[sess["wijk"]]["name"]
    meta["date"] = dt.date.fromisoformat(sess["date"])
    meta["kind"] = sess["kind"]
    meta["session"] = sess["session"]
    meta["title"] = sess["title"]
    if sess.get("speakers"):
        meta["speakers"] = sess["speakers"]
    body = []
    for kind, val in sess["content"]:
        if kind == "title":
            body.append(f"# {val}")
        elif kind == "h":
            body.append(f"## {val}")
        elif kind == "meta":
            body.append(f"*{val}*")
        elif kind == "p":
            body.append(val)
        elif kind == "ul":
            body.append("\n".join(f"- {item}" for item in val))
        elif kind == "ol":
            body.append("\n".join(f"{i}. {item}" for i, item in enumerate(val, start=1)))
    return front_matter(dict(meta)) + "\n" + "\n\n".join(body) + "\n"


def write_docx(sess, path):
    """Write a session document as Word minutes (python-docx)."""
    import docx

    d = docx.Document()
    cp = d.core_properties
    cp.author = f"Wijkraad {WIJK_BY_SLUG[sess['wijk']]['name']} (fictief)"
    cp.last_modified_by = cp.author
    cp.title = sess["title"]
    cp.subject = "Overgang wijkraden naar wijkplatforms"
    cp.comments = "Fictief demodocument voor wijkanalyse; personen en gegevens zijn verzonnen."
    cp.keywords = "wijkplatform; wijkraad; fictief"
    cp.created = dt.datetime.fromisoformat(sess["date"] + "T21:30:00")
    cp.modified = dt.datetime.fromisoformat(sess["date"] + "T22:15:00")
    cp.last_printed = dt.datetime(2000, 1, 1)
    cp.revision = 1
    for kind, val in sess["content"]:
        if kind == "title":
            d.add_heading(val, level=0)
        elif kind == "h":
            d.add_heading(val, level=2)
        elif kind == "meta":
            d.add_paragraph().add_run(val).italic = True
        elif kind == "p":
            d.add_paragraph(val)
        elif kind in ("ul", "ol"):
            style = "List Bullet" if kind == "ul" else "List Number"
            for item in val:
                d.add_paragraph(item, style=style)
    d.save(str(path))
    normalise_zip(path)


def write_pdf(sess, path):
    """Write a session document as a PDF with a text layer (fpdf2, core font)."""
    from fpdf import FPDF

    class Report(FPDF):
        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 10, f"Pagina {self.page_no()}", align="C")

    pdf = Report(format="A4")
    pdf.set_creation_date(dt.datetime.fromisoformat(sess["date"] + "T22:00:00+01:00"))
    pdf.set_title(sess["title"])
    pdf.set_author("Gebiedsteam gemeente Haarlem (fictief demodocument)")
    pdf.set_subject("Fictief demodocument voor wijkanalyse; personen en gegevens zijn verzonnen.")
    pdf.set_creator("wijkanalyse scripts/make_demo_corpus.py")
    pdf.set_producer("fpdf2")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()

    def check(s):
        s.encode("latin-1")  # core fonts: latin-1 only
        return s

    for kind, val in sess["content"]:
        if kind == "title":
            pdf.set_font("Helvetica", "B", 15)
            pdf.multi_cell(0, 7, check(val), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "meta":
            pdf.set_font("Helvetica", "I", 9.5)
            pdf.multi_cell(0, 5, check(val), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif kind == "h":
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 6, check(val), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "p":
            pdf.set_font("Helvetica", size=10.5)
            pdf.multi_cell(0, 5.5, check(val), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind in ("ul", "ol"):
            pdf.set_font("Helvetica", size=10.5)
            for i, item in enumerate(val, start=1):
                mark = "-" if kind == "ul" else f"{i}."
                pdf.set_x(24)
                pdf.cell(6, 5.5, mark)
                pdf.multi_cell(0, 5.5, check(item), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    data = bytes(pdf.output())
    path.write_bytes(data)


def normalise_zip(path, modified=None):
    """Rewrite a zip container (docx/xlsx) with fixed member timestamps for byte-identical reruns.

    ``modified`` (a datetime) also pins dcterms:modified in docProps/core.xml, which openpyxl
    overwrites with the current time on save.
    """
    with zipfile.ZipFile(path) as zin:
        members = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    if modified is not None:
        stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        members = [
            (
                n,
                re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", d
                )
                if n == "docProps/core.xml"
                else d,
            )
            for n, d in members
        ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TS)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
    path.write_bytes(buf.getvalue())


def write_xlsx(rows, path):
    """Write the survey workbook (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.properties.creator = "Gemeente Haarlem - bewonersenquête (fictieve demodata)"
    wb.properties.lastModifiedBy = wb.properties.creator
    wb.properties.title = "Bewonersenquête wijkplatforms 2024"
    wb.properties.description = (
        "Fictieve demodata voor wijkanalyse; respondenten en antwoorden zijn verzonnen."
    )
    wb.properties.created = FIXED_TS
    wb.properties.modified = FIXED_TS
    ws = wb.active
    ws.title = SURVEY_SHEET
    ws.append(SURVEY_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for r in range(2, len(rows) + 2):
        ws.cell(row=r, column=9).number_format = "yyyy-mm-dd"
        for c in (6, 7, 8):
            ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="top")
    widths = [13, 10, 15, 20, 26, 60, 60, 60, 13]
    for i, wdt in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = wdt
    ws.freeze_panes = "A2"
    info = wb.create_sheet("Toelichting")
    for line in [
        "Bewonersenquête wijkplatforms 2024 (FICTIEVE DEMODATA)",
        "Deze antwoorden zijn verzonnen voor de demo van wijkanalyse. Namen, adressen, telefoonnummers en "
        "e-mailadressen in de antwoorden zijn fictief en staan er met opzet in om pseudonimisering te testen.",
        "Periode: 19 februari - 15 maart 2024. Open vragen: behouden, verbeteren, vragen/zorgen.",
    ]:
        info.append([line])
    wb.save(str(path))
    normalise_zip(path, modified=FIXED_TS)


# ======================================================================================
# Corpus assembly
# ======================================================================================


def doc_text(sess):
    """Plain text of a session document, used to locate planted personal data."""
    c = sess["content"]
    if sess["fmt"] in ("vtt", "srt"):
        return "\n".join(f"{PEOPLE[k]}: {t}" for k, t in c)
    if isinstance(c, str):
        return c
    out = []
    for _kind, val in c:
        out += val if isinstance(val, list) else [val]
    return "\n".join(out)


def find_seed():
    """Locate the real Haarlem seed document."""
    for p in SEED_CANDIDATES:
        if p.exists():
            return p
    if (CORPUS / SEED_REL).exists():
        return CORPUS / SEED_REL
    sys.exit("seed document haarlem-opbrengst-sessies-wijkraden-2023.txt not found")


def write_text(path, text):
    """Write UTF-8 text with LF line endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def locate_session_pii(planted, texts):
    """Register where the planted personal data occurs and check nothing is unregistered."""
    cands = [("names", n) for n in PEOPLE.values()]
    cands += [("names", v) for vs in NAME_VARIANTS.values() for v in vs]
    optional = {("names", v) for vs in NAME_VARIANTS.values() for v in vs}  # variants need not all occur
    cands += [("emails", e) for e in EMAILS_SESSIONS] + [("phones", p) for p in PHONES_SESSIONS]
    cands += [("addresses", a) for a in ADDRESSES_SESSIONS] + [("postcodes", p) for p in POSTCODES_SESSIONS]
    cands += [("bsn", b) for b in BSN_SESSIONS]
    for cat, val in cands:
        pat = re.compile(r"(?<![\w.@-])" + re.escape(val) + r"(?![\w@]|-\w)")
        hits = [rel for rel, text in texts.items() if pat.search(text)]
        if not hits and (cat, val) in optional:
            continue
        if not hits:
            raise SystemExit(f"planted {cat} {val!r} does not occur in any session document")
        for rel in hits:
            planted.add(cat, val, rel)
    # Safety net: every e-mail, phone number, address, postcode and titled name in the
    # session texts must be registered above.
    known = {v for (_, v) in planted.items}
    patterns = {
        "emails": r"[\w.+-]+@[\w-]+\.[\w.]+\w",
        "phones": r"(?:\+31|\b0)[\d ()\-]{8,16}\d",
        "postcodes": r"\b\d{4} ?[A-Z]{2}\b",
        "addresses": r"\b[A-Z][a-z]+(?:straat|weg|laan|kade|plein|gracht|vaart|straatweg) \d+[a-zA-Z]?(?:-[A-Z0-9])?(?: zwart| rood)?",
        "names": r"\b(?:[Mm]evrouw|[Mm]eneer|[Dd]hr\.|[Mm]w\.) (?:[A-Z]\. )*(?:(?:van der|van|de|Van der|De) )?[A-Z][a-z]+",
    }
    for rel, text in texts.items():
        for cat, pat in patterns.items():
            for m in re.finditer(pat, text):
                s = m.group(0).strip()
                if s not in known and not any(s in k for k in known):
                    raise SystemExit(f"unregistered {cat} {s!r} in {rel}")


def first_name_mentions(texts):
    """First names that also occur on their own (not followed by the surname)."""
    out = OrderedDict()
    for full in PEOPLE.values():
        first, rest = full.split(" ", 1)
        pat = re.compile(r"\b" + re.escape(first) + r"\b(?! " + re.escape(rest) + r")")
        files = [
            rel
            for rel, text in texts.items()
            if pat.search(text.replace(f"<v {full}>", "").replace(f"{full}:", ""))
        ]
        if files:
            out[first] = files
    return out


def build(verify=False):
    """(Re)write the whole corpus, the planted-data list and the test fixture."""
    if CORPUS.exists():
        keep = CORPUS / SEED_REL
        seed_bytes = keep.read_bytes() if keep.exists() else None
        for child in sorted(CORPUS.iterdir()):
            if child.name == CODEBOOK_NAME:  # written by hand, not by this script: kept as it is
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    else:
        seed_bytes = None
    CORPUS.mkdir(parents=True, exist_ok=True)
    seed_path = find_seed() if seed_bytes is None else None
    if seed_bytes is None:
        seed_bytes = seed_path.read_bytes()
    (CORPUS / "stad").mkdir(parents=True, exist_ok=True)
    (CORPUS / SEED_REL).write_bytes(seed_bytes)  # verbatim copy

    planted = Planted()
    texts = OrderedDict()
    for i, sess in enumerate(SESSIONS):
        path = CORPUS / sess["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        rng = Random(SEED + 100 + i)
        fmt = sess["fmt"]
        if fmt == "vtt":
            write_text(path, render_vtt(sess, rng))
        elif fmt == "srt":
            write_text(path, render_srt(sess, rng))
        elif fmt == "md":
            write_text(path, render_md(sess))
        elif fmt == "txt":
            write_text(path, sess["content"])
        elif fmt == "docx":
            write_docx(sess, path)
        elif fmt == "pdf":
            write_pdf(sess, path)
        texts[sess["path"]] = doc_text(sess)
    locate_session_pii(planted, texts)

    rows, respondents = generate_survey(planted)
    (CORPUS / "enquete").mkdir(parents=True, exist_ok=True)
    write_xlsx(rows, CORPUS / SURVEY_REL)

    write_text(
        CORPUS / "postcodes.csv",
        "postcode4,wijk\n"
        + "".join(
            f"{pc},{name}\n" for pc, name in sorted((pc, w["name"]) for w in WIJKEN for pc in w["postcodes"])
        ),
    )
    write_text(CORPUS / "wijkanalyse.yml", WIJKANALYSE_YML)
    write_text(CORPUS / "manifest.yml", render_manifest())
    counts = {w["slug"]: sum(1 for r in respondents if r["slug"] == w["slug"]) for w in WIJKEN}
    write_text(CORPUS / "README.md", render_readme(counts, len(rows)))
    firsts = first_name_mentions(texts)
    write_text(CORPUS / "PERSONAL_DATA_PLANTED.md", render_planted_md(planted, firsts))
    write_text(FIXTURE, render_planted_yml(planted, firsts))
    print(
        f"wrote {CORPUS.relative_to(ROOT)}: {len(SESSIONS)} session files, survey with {len(rows)} respondents"
    )
    if verify:
        verify_corpus()


WIJKANALYSE_YML = f"""# Corpus settings for the wijkanalyse demo corpus (fictional data, see README.md).
name: demo                  # the corpus id: names its store (outputs/demo/), runs and pseudonym key
surveys:
  - path: {SURVEY_REL}
    sheet: {SURVEY_SHEET}
    respondent_id: respondent_id
    postcode_column: postcode
    text_columns:
      behouden: "{Q_BEHOUDEN}"
      verbeteren: "{Q_VERBETEREN}"
      zorgen: "{Q_ZORGEN}"
postcode_lookup: postcodes.csv
# the demo's codebook, derived from the Haarlem summary of March 2023 (see the file's header)
codebook: codeboek_wijkplatform.yml
# the words of the demo's own subject name no theme in it (the unit and session names are added by themselves)
discovery:
  stop_words: [haarlem, wijkraad, wijkraden, wijkraadslid, wijkraadsleden, wijkplatform, wijkplatforms,
               wijkplatformen, platform, platforms, transitie, buurt, buurten]
# the list of planted personal data is documentation, not a source (README*, *.yml are always skipped)
ignore: [PERSONAL_DATA_PLANTED.md]

# How the reports speak about this corpus (neutral defaults otherwise; see src/wijkanalyse/config.py): the
# sessions of 2023 with the Haarlem wijkraden about the move to wijkplatforms, and the residents' survey of 2024.
report:
  unit: {{nl: wijk, en: neighbourhood}}
  unit_plural: {{nl: wijken, en: neighbourhoods}}
  session: {{nl: sessie, en: session}}
  session_plural: {{nl: sessies, en: sessions}}
  title:
    nl: "Stadsoverzicht: opbrengst sessies en enquête"
    en: "City overview: what the sessions and the survey yielded"
  subtitle:
    nl: "Opbrengst van de sessies met de wijkraad en de bewonersenquête over de overgang naar wijkplatforms"
    en: >-
      What the sessions with the neighbourhood council and the residents' survey yielded on the move to
      neighbourhood platforms
  introduction:
    nl: >-
      In 2023 sprak de gemeente Haarlem in elke wijk met de wijkraad over de overgang van wijkraden naar
      wijkplatforms; in 2024 volgde een bewonersenquête. De rapporten volgen de indeling van de opbrengst van de
      sessies met de wijkraden van maart 2023: wat moet behouden blijven bij de overgang naar een wijkplatform,
      wat moet er echt verbeteren, en welke vragen en zorgen zijn er.
    en: >-
      In 2023 the municipality of Haarlem met the neighbourhood council of every neighbourhood about the move from
      neighbourhood councils to neighbourhood platforms; a residents' survey followed in 2024. The reports follow
      the structure of the municipality's summary of the sessions with the neighbourhood councils of March 2023:
      what to keep in the move to a neighbourhood platform, what really must improve, and which questions and
      concerns there are.
"""


def render_manifest():
    """Render manifest.yml."""
    docs = []
    for sess in SESSIONS:
        if sess["fmt"] == "md":
            continue  # .md files carry front matter
        e = OrderedDict(
            path=sess["path"],
            wijk=WIJK_BY_SLUG[sess["wijk"]]["name"],
            date=dt.date.fromisoformat(sess["date"]),
            kind=sess["kind"],
            session=sess["session"],
            title=sess["title"],
        )
        if sess.get("speakers"):
            e["speakers"] = dict(sess["speakers"])
        docs.append(dict(e))
    docs.append(
        dict(
            path=SURVEY_REL,
            kind="enquete",
            date=dt.date(2024, 3, 15),
            title="Bewonersenquête wijkplatforms 2024",
        )
    )
    docs.append(
        dict(
            path=SEED_REL,
            wijk=None,
            kind="synthese",
            date=dt.date(2023, 3, 20),
            title="Opbrengst sessies wijkraden - behouden en verbeteren, vragen en zorgen",
        )
    )
    body = yaml.safe_dump({"documents": docs}, sort_keys=False, allow_unicode=True, width=1000)
    header = (
        "# Metadata for the files in this corpus that have no YAML front matter.\n"
        "# Paths are relative to the corpus root. Everything is fictional except the last entry:\n"
        "# stad/haarlem-opbrengst-sessies-wijkraden-2023.txt is a public document of the Gemeente Haarlem\n"
        '# ("Opbrengst sessies wijkraden - behouden en verbeteren, vragen en zorgen", 20 maart 2023).\n'
        "# Generated by scripts/make_demo_corpus.py - edit the script, not this file.\n"
    )
    return header + body


def render_readme(counts, n_resp):
    """Render the corpus README (Dutch and English)."""
    wijk_lines = "\n".join(
        f"| {w['name']} | `{w['slug']}/` | {', '.join(w['postcodes'])} | {counts[w['slug']]} |"
        for w in WIJKEN
    )
    files = "\n".join(f"- `{s['path']}` ({s['kind']}, {s['date']})" for s in SESSIONS)
    return f"""# Democorpus wijkanalyse / wijkanalyse demo corpus

**NL.** Dit is een **fictief** democorpus voor wijkanalyse. Alle personen, namen, adressen, postcodes,
telefoonnummers, e-mailadressen, sessies, notulen, transcripten en enquêteantwoorden zijn **verzonnen**.
Overeenkomsten met bestaande personen berusten op toeval. Straatnamen en wijknamen van Haarlem zijn echt,
huisnummers en bewoners niet. Persoonsgegevens zijn er **met opzet** in gezet, zodat de pseudonimisering iets
te doen heeft; zie `PERSONAL_DATA_PLANTED.md`.

Het enige echte document is `{SEED_REL}`: een openbaar document van de **Gemeente Haarlem**,
*"Opbrengst sessies wijkraden - behouden en verbeteren, vragen en zorgen"*, 20 maart 2023 (Programma's en
gebiedsmanagement), letterlijk overgenomen. Het vat de sessies met de Haarlemse wijkraden samen over de overgang
van wijkraden naar wijkplatforms.

**EN.** This is a **fictional** demo corpus for wijkanalyse. All people, names, addresses, postcodes, phone
numbers, e-mail addresses, sessions, minutes, transcripts and survey answers are **made up**; personal data was
planted on purpose to exercise pseudonymisation (see `PERSONAL_DATA_PLANTED.md` and
`tests/fixtures/demo_planted_pii.yml`). The only real document is `{SEED_REL}`, a public document of the
municipality of Haarlem (*"Opbrengst sessies wijkraden - behouden en verbeteren, vragen en zorgen"*,
20 March 2023), copied verbatim. The postcode-to-wijk mapping in `postcodes.csv` is simplified for the demo.

Generated by `scripts/make_demo_corpus.py` (deterministic; rerun it instead of editing files by hand).

## Indeling / layout

- `manifest.yml`: metadata (wijk, date, kind, session, title, speakers) for every file without front matter.
- `wijkanalyse.yml`: corpus settings (survey column mapping, postcode lookup).
- `postcodes.csv`: `postcode4,wijk`.
- `<wijk>/`: sessions with the wijkraad, file names start with the date.
- `enquete/bewonersenquete-2024.xlsx`: resident survey, sheet `Antwoorden`, {n_resp} respondents
  (3 with a postcode outside the lookup).
- `stad/`: the real Haarlem synthesis (kind `synthese`, no wijk).

| wijk | folder | postcode4 | respondents |
|---|---|---|---|
{wijk_lines}

## Sessiebestanden / session files

{files}
"""


def render_planted_md(planted, firsts):
    """Render PERSONAL_DATA_PLANTED.md."""
    titles = {
        "names": "Namen / names",
        "emails": "E-mailadressen",
        "phones": "Telefoonnummers",
        "addresses": "Adressen (straat + huisnummer)",
        "postcodes": "Postcodes (6 tekens) in lopende tekst",
        "bsn": "BSN-achtige nummers",
    }
    out = [
        "# Geplante persoonsgegevens / planted personal data",
        "",
        "Alle onderstaande gegevens zijn **fictief** en staan met opzet in het democorpus, zodat getest kan",
        "worden dat pseudonimisering ze allemaal vervangt (en dezelfde persoon in elk document dezelfde",
        "placeholder krijgt). Machine-readable: `tests/fixtures/demo_planted_pii.yml`.",
        "Strings are exact as they appear in the text; in the PDF text layer a string may be broken over",
        "two lines (compare after collapsing whitespace).",
        "",
    ]
    for cat in ("names", "emails", "phones", "addresses", "postcodes", "bsn"):
        out += [f"## {titles[cat]}", "", "| string | files | survey respondents |", "|---|---|---|"]
        for (c, v), e in planted.items.items():
            if c == cat:
                resp = ", ".join(e["respondents"]) if e["respondents"] else ""
                out.append(f"| `{v}` | {', '.join(f'`{f}`' for f in e['files'])} | {resp} |")
        out.append("")
    out += [
        "## Voornamen los / first names on their own",
        "",
        "Transcripts and minutes also address people by first name only (e.g. 'Dank je, Marloes').",
        "",
        "| first name | files |",
        "|---|---|",
    ]
    for first, files in firsts.items():
        out.append(f"| `{first}` | {', '.join(f'`{f}`' for f in files)} |")
    out += [
        "",
        "## Niet gepland / not planted",
        "",
        f"- `Guda Kay`: real name of the author printed in the public Haarlem document `{SEED_REL}`.",
        "- The survey column `postcode` holds a 6-character postcode per respondent (metadata, not free text).",
        "",
    ]
    return "\n".join(out)


class _QuotingDumper(yaml.SafeDumper):
    """Quote strings made of digits and phone punctuation, so no YAML loader reads them as numbers."""


def _repr_str(dumper, value):
    style = "'" if re.fullmatch(r"[\d +()-]+", value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_QuotingDumper.add_representer(str, _repr_str)


def render_planted_yml(planted, firsts):
    """Render tests/fixtures/demo_planted_pii.yml."""
    data = OrderedDict()
    for cat in ("names", "emails", "phones", "addresses", "postcodes", "bsn"):
        data[cat] = planted.values(cat)
    data["first_names_only"] = list(firsts)
    data["not_planted"] = {"real_names_in_seed": ["Guda Kay"]}
    data["locations"] = {v: e["files"] for (c, v), e in planted.items.items()}
    header = (
        "# Fictional personal data planted in corpora/demo/ (generated by scripts/make_demo_corpus.py).\n"
        "# Exact strings as they appear in the text. After pseudonymisation none of names, emails,\n"
        "# phones, addresses, postcodes, bsn may remain. first_names_only: first names that also occur\n"
        "# without the surname (harder; use the transcript speaker names). PDF text may wrap a string\n"
        "# over two lines: collapse whitespace before comparing.\n"
    )
    return header + yaml.dump(
        dict(data), Dumper=_QuotingDumper, sort_keys=False, allow_unicode=True, width=1000
    )


# ======================================================================================
# Verification: read everything back with the libraries the ingest will use.
# ======================================================================================


def verify_corpus():
    """Read the corpus back with the libraries the ingest uses and print a summary per wijk."""
    import docx
    import pandas as pd
    import pypdf
    import webvtt

    problems = []
    manifest = yaml.safe_load((CORPUS / "manifest.yml").read_text(encoding="utf-8"))
    settings = yaml.safe_load((CORPUS / "wijkanalyse.yml").read_text(encoding="utf-8"))
    fixture = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["documents"]}
    meta_files = {"README.md", "PERSONAL_DATA_PLANTED.md", "manifest.yml", "wijkanalyse.yml", "postcodes.csv", CODEBOOK_NAME}
    all_files = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file())
    for rel in all_files:
        if rel in meta_files:
            continue
        if rel.endswith(".md"):
            text = (CORPUS / rel).read_text(encoding="utf-8")
            fm = yaml.safe_load(text.split("---\n")[1])
            for key in ("wijk", "date", "kind", "session", "title"):
                if key not in fm:
                    problems.append(f"{rel}: front matter lacks {key}")
            entries.setdefault(rel, fm)
        elif rel not in entries:
            problems.append(f"{rel}: no manifest entry")
    for path in entries:
        if not (CORPUS / path).exists():
            problems.append(f"manifest path missing: {path}")

    def norm(s):
        return re.sub(r"\s+", " ", s)

    extracted = {}
    stats = {}
    for rel, e in entries.items():
        p = CORPUS / rel
        suf = p.suffix
        if suf == ".vtt":
            caps = webvtt.read(str(p))
            raw = p.read_text(encoding="utf-8")
            voices = re.findall(r"<v ([^>]+)>", raw)
            unknown = sorted(set(voices) - set(e.get("speakers", {})))
            if unknown:
                problems.append(f"{rel}: speakers not in manifest: {unknown}")
            n = len(caps)
            extracted[rel] = "\n".join(c.text for c in caps) + "\n" + "\n".join(voices)
        elif suf == ".srt":
            blocks = [b for b in p.read_text(encoding="utf-8").strip().split("\n\n")]
            for b in blocks:
                lines = b.split("\n")
                if not (lines[0].isdigit() and " --> " in lines[1] and ":" in lines[2]):
                    problems.append(f"{rel}: bad srt block {lines[:2]}")
                spk = lines[2].split(":", 1)[0]
                if spk not in e.get("speakers", {}):
                    problems.append(f"{rel}: speaker {spk} not in manifest")
            n = len(blocks)
            extracted[rel] = p.read_text(encoding="utf-8")
        elif suf == ".docx":
            d = docx.Document(str(p))
            paras = [x.text for x in d.paragraphs if x.text.strip()]
            n = len(paras)
            extracted[rel] = "\n".join(paras)
        elif suf == ".pdf":
            reader = pypdf.PdfReader(str(p))
            txt = "\n".join(pg.extract_text() for pg in reader.pages)
            extracted[rel] = txt
            n = len([b for b in re.split(r"\n\s*\n|\n(?=[A-Z-])", txt) if b.strip()])
            for word in ("Continuïteit", "vacuüm", "financiën", "geïnformeerd", "Zuid-West", "één"):
                src = doc_text(next(s for s in SESSIONS if s["path"] == rel))
                if word in src and word not in txt:
                    problems.append(f"{rel}: {word!r} does not round-trip through the pdf text layer")
        elif suf in (".md", ".txt"):
            extracted[rel] = p.read_text(encoding="utf-8")
            body = extracted[rel].split("---\n", 2)[-1] if suf == ".md" else extracted[rel]
            n = len([b for b in body.split("\n\n") if b.strip()])
        elif suf == ".xlsx":
            n = None
        stats[rel] = n

    # planted strings must be findable in the extracted text of the files the fixture names
    for val, files in fixture["locations"].items():
        for rel in files:
            if rel == SURVEY_REL:
                continue
            if norm(val) not in norm(extracted[rel]):
                problems.append(f"planted {val!r} not found in extracted text of {rel}")

    # survey
    df = pd.read_excel(CORPUS / SURVEY_REL, sheet_name=SURVEY_SHEET)
    if list(df.columns) != SURVEY_COLUMNS:
        problems.append(f"survey columns differ: {list(df.columns)}")
    sv = settings["surveys"][0]
    for key, col in sv["text_columns"].items():
        if col not in df.columns:
            problems.append(f"text column {key} missing")
    lookup = pd.read_csv(CORPUS / "postcodes.csv", dtype=str)
    pc2w = dict(zip(lookup.postcode4, lookup.wijk, strict=True))
    df["wijk"] = df["postcode"].astype(str).str.replace(" ", "").str[:4].map(pc2w)
    texts = df[[Q_BEHOUDEN, Q_VERBETEREN, Q_ZORGEN]]
    flat = [x for x in texts.values.ravel()]
    n_empty = sum(1 for x in flat if not isinstance(x, str))
    n_non = sum(
        1 for x in flat if isinstance(x, str) and x.strip().lower() in {a.lower() for a in NON_ANSWERS}
    )
    lengths = [len(x) for x in flat if isinstance(x, str)]
    n_long = sum(1 for x in lengths if x >= 600)
    n_pii = sum(
        1
        for x in flat
        if isinstance(x, str) and any(v in x for v, f in fixture["locations"].items() if SURVEY_REL in f)
    )
    distinct_base = {s for t in BANK.values() for q in t.values() for s in q} | {
        s for v in WIJK_BANK.values() for (_, _, s) in v
    }

    # summary
    print()
    print(f"{'wijk':<15}{'files':>6}  {'formats':<28}{'sessions':>9}  {'dates':<34}{'resp.':>6}")
    for w in WIJKEN:
        files = [s for s in SESSIONS if s["wijk"] == w["slug"]]
        fmts = {}
        for s in files:
            fmts[s["fmt"]] = fmts.get(s["fmt"], 0) + 1
        sessions = sorted({s["session"] for s in files})
        dates = ", ".join(sorted({s["date"] for s in files}))
        nresp = int((df["wijk"] == w["name"]).sum())
        if nresp < 40:
            problems.append(f"{w['name']}: only {nresp} respondents")
        print(
            f"{w['name']:<15}{len(files):>6}  {', '.join(f'{k}:{v}' for k, v in sorted(fmts.items())):<28}"
            f"{len(sessions):>9}  {dates:<34}{nresp:>6}"
        )
    print(f"{'(buiten lookup)':<15}{'':>6}  {'':<28}{'':>9}  {'':<34}{int(df['wijk'].isna().sum()):>6}")
    print()
    print("units per file (turns / paragraphs):")
    for rel, n in stats.items():
        if n is not None:
            print(f"  {rel:<58} {n}")
    print()
    print(
        f"survey: {len(df)} respondents; {len(flat)} answers; empty {n_empty} ({n_empty / len(flat):.0%}); "
        f"non-answers {n_non}; >=600 chars {n_long} (max {max(lengths)}); with planted PII {n_pii}; "
        f"satisfaction blanks {int(df['tevredenheid wijkraad (1-5)'].isna().sum())}"
    )
    print(f"distinct hand-written base sentences: {len(distinct_base)}")
    size = sum((CORPUS / f).stat().st_size for f in all_files)
    print(f"corpus size: {size / 1024:.0f} KiB in {len(all_files)} files")
    for k in ("names", "emails", "phones", "addresses", "postcodes", "bsn", "first_names_only"):
        print(f"planted {k}: {len(fixture[k])}")
    if problems:
        print("\nPROBLEMS:")
        for p in problems:
            print("  -", p)
        sys.exit(1)
    print("\nall checks passed")


def main(argv=None):
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--verify", action="store_true", help="read the corpus back and print a summary")
    args = ap.parse_args(argv)
    build(verify=args.verify)


if __name__ == "__main__":
    main()
