#!/usr/bin/env python3
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
    dict(slug="schalkwijk", name="Schalkwijk", postcodes=["2033", "2034", "2035", "2036"], n=88,
         lean={"diversiteit": 0.29, "vertrouwen": 0.17},
         ages=[0.36, 0.30, 0.20, 0.14], satisfaction=2.7),
    dict(slug="centrum", name="Centrum", postcodes=["2011", "2012"], n=52,
         lean={"zeggenschap": 0.31, "vertrouwen": 0.14},
         ages=[0.22, 0.20, 0.28, 0.30], satisfaction=2.6),
    dict(slug="haarlem-noord", name="Haarlem-Noord", postcodes=["2021", "2022", "2023", "2025"], n=71,
         lean={"financiering": 0.30, "continuiteit": 0.13, "verkeer": 0.11},
         ages=[0.15, 0.25, 0.30, 0.30], satisfaction=3.3),
    dict(slug="oost", name="Oost", postcodes=["2031", "2032"], n=64,
         lean={"communicatie": 0.38, "groen": 0.11},
         ages=[0.25, 0.30, 0.25, 0.20], satisfaction=3.0),
    dict(slug="zuid-west", name="Zuid-West", postcodes=["2013", "2014", "2015"], n=46,
         lean={"samenwerking": 0.27, "signaalfunctie": 0.18},
         ages=[0.10, 0.20, 0.30, 0.40], satisfaction=3.7),
    dict(slug="delftwijk", name="Delftwijk", postcodes=["2024"], n=41,
         lean={"organisatie": 0.27, "vrijwilligers": 0.19},
         ages=[0.15, 0.20, 0.30, 0.35], satisfaction=3.4),
]
WIJK_BY_SLUG = {w["slug"]: w for w in WIJKEN}
CORE_THEMES = [
    "vertrouwen", "zeggenschap", "financiering", "diversiteit", "communicatie", "participatie",
    "samenwerking", "continuiteit", "organisatie", "signaalfunctie", "vrijwilligers",
]
SURPRISE_THEMES = ["verkeer", "groen"]  # not in the codebook on purpose (inductive discovery)

# --------------------------------------------------------------------------------------
# Cast (all fictional).  key -> full name as it appears in text and transcripts.
# --------------------------------------------------------------------------------------
PEOPLE = {
    # gemeente
    "marloes": "Marloes Verhagen",      # gebiedsverbinder Schalkwijk
    "joost": "Joost Hendriks",          # gebiedsverbinder Centrum en Oost
    "sanne": "Sanne Kuipers",           # gebiedsteam Noord (Haarlem-Noord, Delftwijk)
    "ingrid": "Ingrid Postma",          # beleidsmedewerker participatie
    "bas": "Bas Willemsen",             # subsidies / financien
    # Schalkwijk
    "fatima": "Fatima El Amrani",
    "henk": "Henk Zwaan",
    "gerda": "Gerda Wolters",
    "ahmed": "Ahmed Benali",
    "samira": "Samira Ouali",
    "kevin": "Kevin Doornbos",          # jongerenwerker
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
    "martijn": "Martijn Evers",         # wijkagent
    "nadia": "Nadia Haddou",            # sociaal wijkteam
    "frank": "Frank Verbeek",           # opbouwwerker
    "sandra": "Sandra Bos",             # nieuwe wijkagent
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
    "Paul de Groot": ["dhr. P. de Groot", "meneer De Groot", "De Groot"],
    "Truus van der Heijden": ["mevrouw Van der Heijden"],
    "Ahmed Benali": ["dhr. Benali", "meneer Benali"],
    "Gerrit Molenaar": ["dhr. G. Molenaar"],
    "Joke Hoekstra": ["mevrouw Hoekstra"],
}
# Residents who only appear in the survey (they sign an answer or are mentioned).
SURVEY_PEOPLE = [
    "Johan van der Meer", "Sabine Koning", "Kees Vos", "Aylin Demir", "Marieke Dijkstra",
    "Rachid Amrani", "Priya Ramdin", "Dirk-Jan Smeets", "Wilma de Ruiter", "Youssef El Idrissi",
]

# Contact details that appear in the session documents (exact strings as written).
EMAILS_SESSIONS = [
    "f.elamrani@wijkraadschalkwijk.nl", "ahmed.benali84@gmail.com", "w.brouwer@wijkraadcentrum.nl",
    "j.hendriks@haarlem.nl", "a.bakker@ziggo.nl", "t.kramer@kpnmail.nl", "jokehoekstra@hotmail.com",
    "redactie@deoostpost.nl", "secretariaat@wijkraaddelftwijk.nl", "m.koster@wijkraadzuidwest.nl",
]
PHONES_SESSIONS = [
    "06-41827365", "023-5112233", "+31 6 38291746", "023 531 44 87", "06 2839 4710",
    "0651937284", "06-73829104", "+31 (0)23 520 98 76", "06 1934 5528", "06-28173645",
]
ADDRESSES_SESSIONS = [
    "Zonnebloemweg 3a", "Bernadottelaan 14", "Zijlstraat 61", "Floresstraat 45 zwart",
    "Amsterdamstraat 12", "Merelstraat 27", "Delftlaan 102", "Rijksstraatweg 218-B",
]
POSTCODES_SESSIONS = ["2033 BK", "2022 VK", "2032 LT", "2024 XB"]
BSN_SESSIONS = ["111222333"]  # 11-proof, obviously fake

# ======================================================================================
# Sessions.  Transcripts are lists of (speaker key, text); documents are lists of blocks:
# ("title", s), ("meta", s), ("h", s), ("p", s), ("ul", [s, ...]), ("ol", [s, ...]).
# ======================================================================================

TRANSCRIPT_SCHALKWIJK_1 = [
    ("marloes", "Goedenavond allemaal, fijn dat jullie er zijn. Ik ben Marloes Verhagen, gebiedsverbinder voor Schalkwijk bij de gemeente. Vanavond wil ik met jullie praten over de overgang van de wijkraden naar wijkplatforms. Ik zit hier vooral om te luisteren."),
    ("marloes", "Het gaat om drie vragen: wat moeten we behouden van wat de wijkraad nu doet, wat moet er echt beter, en welke vragen en zorgen hebben jullie? Alles wat gezegd wordt neem ik mee in een opbrengstdocument."),
    ("fatima", "Dank je, Marloes. Ik wil meteen iets zeggen. Wij hebben als wijkraad het gevoel dat dit besluit al genomen is voordat iemand het ons gevraagd heeft. Dat doet iets met het vertrouwen, dat moet je weten."),
    ("marloes", "Dat hoor ik vaker, en ik snap het. Het besluit over wijkplatforms ligt er inderdaad, maar hoe het er per wijk uit gaat zien is nog open. Daar gaan jullie over meepraten."),
    ("henk", "Meepraten, ja. Dat hebben we bij de herinrichting van het winkelcentrum ook gedaan. Drie avonden, stapels gele briefjes op de muur, en daarna hoorden we niks meer. Helemaal niks."),
    ("gerda", "Ik ben het met Henk eens, maar laten we ook eerlijk zijn naar onszelf. Kijk om je heen: we zijn met z'n zevenen en de meesten van ons zijn boven de zestig. Zo ziet Schalkwijk er niet uit."),
    ("fatima", "Dat is een terecht punt, Gerda. Schalkwijk is de meest diverse wijk van Haarlem. Meer dan de helft van de kinderen hier heeft ouders met een migratieachtergrond, en die ouders zie je op onze vergaderingen niet terug."),
    ("ahmed", "Mag ik daar iets op zeggen? Ik woon nu twaalf jaar in de Europawijk en ik wist tot vorige maand niet eens dat er een wijkraad was. Mijn buurman heeft me meegenomen."),
    ("ahmed", "En dat is niet omdat mensen niet willen. De vergaderingen zijn op dinsdagavond om half acht, in het Nederlands, met stukken van twintig pagina's. Als je twee banen hebt of als je moeder de taal niet goed spreekt, dan haak je af."),
    ("marloes", "Wat zou er volgens jou moeten veranderen, Ahmed?"),
    ("ahmed", "Naar de mensen toe gaan. Naar de moskee, naar de sportclub, naar het schoolplein. Niet wachten tot ze naar jullie toe komen."),
    ("samira", "Precies. En neem jongeren serieus. Ik ben drieëntwintig, ik heb vorig jaar een keer ingesproken over het trapveldje achter de flat. Toen zei iemand: leuk dat je er bent, meisje. Dat was het."),
    ("henk", "Dat was niet netjes, daar heb je gelijk in. Maar ik wil wel zeggen: wij doen dit allemaal als vrijwilliger, 's avonds, na ons werk. Er is niemand die ons betaalt om naar het schoolplein te gaan."),
    ("kevin", "Als jongerenwerker kan ik daar misschien bij helpen. Wij hebben elke week contact met zo'n zestig jongeren in Schalkwijk. Die hebben genoeg meningen over hun wijk, maar ze komen niet naar een zaaltje met koffie en koekjes."),
    ("marloes", "Dat is waardevol, Kevin. Dus samenwerking met partners die al contact hebben met groepen die de wijkraad nu niet bereikt."),
    ("fatima", "Ja. En ik wil ook zeggen wat we moeten behouden. Wij zijn de ogen en oren van de wijk. Als er een lantaarnpaal kapot is of er wordt gedeald bij het winkelcentrum, dan bellen mensen ons. Dat aanspreekpunt mag niet verdwijnen."),
    ("gerda", "En ons spreekuur op woensdagochtend. Daar komen echt mensen, vooral ouderen. Vorige week kwam mevrouw Van der Heijden van de Zonnebloemweg 3a nog langs over de schimmel in haar woning. Die belt echt niet zelf naar de corporatie."),
    ("marloes", "Ik hoor dus: het spreekuur, het aanspreekpunt, de signaalfunctie. Wat nog meer?"),
    ("henk", "De kennis. Ik zit hier negen jaar. Bij de gemeente heb ik in die tijd vijf verschillende gebiedsverbinders gezien. Wij zijn het geheugen van de wijk."),
    ("marloes", "Dan ben ik nummer vijf, denk ik."),
    ("henk", "Nummer zes, Marloes. Maar je bent welkom."),
    ("samira", "Maar wat moet er dan beter? Ik zou zeggen: het platform moet eruitzien als de wijk. Jong, oud, Marokkaans, Surinaams, Turks, Pools, Nederlands. Anders is het weer hetzelfde clubje met een nieuwe naam."),
    ("gerda", "Hoe wil je dat dan regelen? Met quota? Dat werkt ook niet, dan krijg je mensen die er alleen voor de foto zitten."),
    ("samira", "Geen quota, maar wel meer manieren om mee te doen. Online, op zaterdag, in het Engels of het Arabisch als het moet. En een keer per jaar op het Molenplein in plaats van in dit zaaltje."),
    ("ahmed", "Flyers in meerdere talen zou al helpen. En een WhatsApp-groep. Iedereen hier zit op WhatsApp, ook mijn oma."),
    ("fatima", "Dan heb ik wel een zorg. Wie gaat dat allemaal doen? En wie betaalt de vertalingen? We krijgen nu een paar duizend euro per jaar en daar moet de huur van het buurthuis al van af."),
    ("marloes", "De financiering is nog niet uitgewerkt, dat zeg ik eerlijk. Ik schrijf het op als vraag."),
    ("henk", "Dat hoor ik de gemeente vaker zeggen: we schrijven het op. Mijn vraag is: wat gebeurt er daarna mee? Krijgen we te horen wat jullie met onze input doen?"),
    ("marloes", "Ja. Er komt een opbrengstdocument en dat stuur ik jullie toe. En in het najaar kom ik terug om te laten zien wat ermee gedaan is."),
    ("fatima", "Dan houden we je daaraan. Ik geef je mijn mailadres: f.elamrani@wijkraadschalkwijk.nl. Dan kun je het rechtstreeks sturen, niet via het algemene postvak."),
    ("ahmed", "Mag ik nog één ding zeggen? Ik wil best meedoen, maar dan moet het wel ergens over gaan. Als we alleen maar mogen praten over bankjes en afvalbakken, dan komen mensen één keer en nooit meer."),
    ("marloes", "Dat is een belangrijke: waar gaat een wijkplatform over, en hoe zit het met de zeggenschap. Dat neem ik mee."),
    ("kevin", "Ik wil nog aanbieden dat we in maart een avond organiseren in het jongerencentrum, samen met de wijkraad. Dan kunnen jongeren zelf zeggen wat ze willen."),
    ("fatima", "Graag. Ahmed, wil jij daarbij helpen?"),
    ("ahmed", "Zeker. Bel me maar, 06-41827365. Overdag ben ik op mijn werk, na zes uur kan het altijd."),
    ("marloes", "Mooi. Dan sluit ik af. Dank jullie wel voor de openheid, ook voor de kritiek. Die hebben we nodig."),
]

TRANSCRIPT_CENTRUM_2 = [
    ("joost", "Welkom terug allemaal. In januari zaten we hier ook, toen met een behoorlijk kritische toon, en dat was terecht. Ik wil vanavond eerst laten zien wat er met jullie punten gebeurd is en daarna verder praten over zeggenschap."),
    ("joost", "Drie dingen. Het opbrengstdocument is in maart naar alle wijkraden gestuurd. Het bewonersoverleg over de venstertijden is er gekomen, in juni. En het college heeft toegezegd dat elk wijkplatform gevraagd en ongevraagd advies mag geven, en dat het college daar schriftelijk op reageert."),
    ("willem", "Dat wil ik wel even markeren, Joost. Dat overleg over de venstertijden hebben we drie jaar gevraagd. Het is er nu gekomen en de afspraken worden ook nageleefd. Dat telt."),
    ("annelies", "Ja, eerlijk is eerlijk. Ik was in januari echt boos, maar ik merk dat er nu beter geluisterd wordt. Dat schriftelijk reageren op een advies is precies waar we om vroegen."),
    ("paul", "Ik ben iets minder enthousiast. Schriftelijk reageren is iets anders dan je eraan houden. De gemeente kan straks netjes uitleggen waarom ze ons advies naast zich neerlegt, en dan zijn we even ver."),
    ("ingrid", "Dat is een terecht punt, meneer De Groot. Het voorstel is dat het college gemotiveerd moet afwijken. Dat betekent dat het in het raadsvoorstel komt te staan, zodat de gemeenteraad het kan zien."),
    ("paul", "Gemotiveerd afwijken. Dat klinkt mooi. Maar bij de evenementen op de Grote Markt is ook gemotiveerd afgeweken, drie keer op rij."),
    ("charlotte", "Maar Paul, dan kun je het in ieder geval zien en de raad erop aanspreken. Nu gebeurt het in een achterkamertje."),
    ("bart", "Mag ik als ondernemer iets zeggen? Ik heb een zaak in de binnenstad en ik woon erboven. Voor mij gaat zeggenschap ook over de vraag wie het wijkplatform is. Zijn ondernemers welkom, of alleen bewoners?"),
    ("willem", "Die discussie hebben we in de wijkraad ook gehad. Ik vind dat ondernemers erbij horen, maar ze mogen het niet overnemen."),
    ("bart", "Niemand wil het overnemen, Willem. Maar we zitten in hetzelfde schuitje met de overlast en de bevoorrading."),
    ("joost", "Laten we dat als vraag noteren: wie maakt deel uit van een wijkplatform. Ik hoor ook iets over meebeslissen tegenover meepraten."),
    ("noor", "Ik ben student en woon sinds twee jaar in het centrum. Ik heb eerlijk gezegd weinig met vergaderingen. Maar als ik iets mag zeggen over wat er op mijn plein gebeurt, dan doe ik mee. Gewoon een keer per kwartaal een korte online peiling."),
    ("annelies", "Dat vind ik interessant. Wij bereiken studenten totaal niet."),
    ("charlotte", "En huurders ook niet. De binnenstad is voor meer dan de helft huurders, en in de wijkraad zitten bijna alleen eigenaren."),
    ("ingrid", "Zou een peiling zoals Noor voorstelt onderdeel kunnen zijn van een advies van het platform?"),
    ("willem", "Waarom niet. Als het platform kan zeggen: dit vinden vierhonderd bewoners, dan weegt ons advies zwaarder."),
    ("paul", "Zolang de gemeente het dan niet wegzet als niet representatief. Dat hebben we ook meegemaakt."),
    ("joost", "Die zorg schrijf ik op. Wat ik tot nu toe hoor als te behouden: het adviesrecht, de korte lijn met het gebiedsteam en de rol als aanspreekpunt voor bewoners."),
    ("annelies", "En de inspraak bij de commissie. Dat we daar als wijkraad het woord kunnen voeren, dat moet blijven."),
    ("joost", "Wat moet er nog verbeteren?"),
    ("willem", "Het moment waarop we betrokken worden. Bij de plannen voor de Botermarkt hoorden we het pas toen het ontwerp al klaar was. Dan valt er niks meer te beslissen."),
    ("charlotte", "Vroegtijdig betrekken, ja. En dan ook echt laten zien wat je met de opmerkingen doet. Een tabel: dit hebben bewoners gezegd, dit doen we ermee, dit niet en waarom niet."),
    ("ingrid", "Zo'n reactienota zouden we standaard kunnen maken. Ik neem het mee naar het team."),
    ("paul", "Ik zal het geloven als ik het zie. Maar goed, ik wil niet alleen de zuurpruim zijn. Het is beter dan een jaar geleden."),
    ("willem", "Dat schrijven we in het verslag, Joost: De Groot is positief."),
    ("paul", "Voorzichtig positief, Willem. Voorzichtig."),
    ("bart", "Nog een vraag. Wat als een wijkplatform het niet eens is met zichzelf? In het centrum hebben bewoners en ondernemers vaak verschillende belangen. Wie spreekt er dan namens de wijk?"),
    ("joost", "Goede vraag, daar is nog geen antwoord op. Dat hoort bij de spelregels die nog gemaakt moeten worden."),
    ("annelies", "Dan wil ik meeschrijven aan die spelregels. Daar begint zeggenschap."),
    ("joost", "Genoteerd. Mail me even op j.hendriks@haarlem.nl, dan zet ik je op de lijst voor de klankbordgroep."),
    ("joost", "Dank jullie wel. Ik merk dat de toon anders is dan in januari, en dat komt ook doordat jullie scherp zijn gebleven. De volgende stap is de concept-verordening, die komt begin volgend jaar."),
]

TRANSCRIPT_NOORD_3 = [
    ("sanne", "Goedenavond. Dit is alweer de derde keer dat we bij elkaar zitten. In september werd duidelijk dat de zorgen over geld groot zijn, daarom heb ik Bas Willemsen meegenomen. Hij gaat bij de gemeente over de subsidies."),
    ("bas", "Dank je, Sanne. Ik zal eerlijk zijn: de regeling voor wijkplatforms is nog niet vastgesteld. Wat ik wel kan zeggen is dat het huidige wijkraadbudget tot en met juni volgend jaar doorloopt."),
    ("gerrit", "Tot en met juni. En dan? Ons huurcontract voor het buurthuis loopt per kalenderjaar. Ik moet in december tekenen voor heel 2024. Wie staat er garant voor de tweede helft van het jaar?"),
    ("bas", "Dat begrijp ik. Daar kan ik vanavond geen toezegging over doen."),
    ("gerrit", "Dan teken ik niet. Zo simpel is het. Ik ga als vrijwilliger niet persoonlijk aansprakelijk zijn voor vierduizend euro huur."),
    ("ria", "Dit is precies waar we in februari al voor waarschuwden. Dat er een gat valt. Een vacuüm, zo noemde de gemeente het zelf in dat document."),
    ("sanne", "Dat klopt, dat woord staat ook in het opbrengstdocument. Ik ga uitzoeken of er een overbruggingsregeling kan komen voor de locatiehuur."),
    ("yvonne", "En de wijkkrant? Het nummer van december hebben we nog kunnen betalen, het voorjaarsnummer niet. De drukker wil tegenwoordig vooruit betaald worden."),
    ("bas", "Communicatiekosten vallen in het voorstel wel onder het wijkbudget. Alleen het bedrag staat nog niet vast."),
    ("tom", "Mag ik als bewoner iets vragen? Wie beheert straks dat geld? Bij ons in de buurt wil een projectontwikkelaar ineens meedoen met buurtinitiatieven. Ik wil niet dat zo'n partij straks over ons wijkbudget gaat."),
    ("bas", "Het idee is dat een wijkplatform een rechtspersoon aanwijst die het budget beheert, een stichting of een vereniging bijvoorbeeld. Commerciële partijen kunnen geen budgethouder worden."),
    ("tom", "Dat is in elk geval iets. Graag zwart op wit."),
    ("ans", "Ik wil nog even terugkomen op het parkeren, want daar gaat het in onze straat echt over. Sinds de nieuwbouw aan de Rijksstraatweg staat alles vol. Ik heb daar in september ook al over gemaild."),
    ("sanne", "Dat klopt, Ans. Ik heb je mail doorgestuurd naar de afdeling verkeer."),
    ("ans", "En daar heb ik nooit meer iets van gehoord. Dat is dus het probleem. Je meldt iets en het verdwijnt in een zwart gat."),
    ("wim", "Die parkeerdruk is echt een ding. Mijn dochter komt met de kinderen op bezoek en moet drie straten verderop parkeren. En dan wordt er ook nog hard gereden, daar bij de school."),
    ("ria", "Het gaat vanavond over de wijkplatforms, maar dit laat wel zien waarom mensen naar de wijkraad komen. Niet voor de structuur, maar voor hun straat."),
    ("sanne", "Helemaal waar. Zou het wijkplatform ook een werkgroep verkeer kunnen hebben, zoals jullie die nu hebben?"),
    ("yvonne", "Die hebben we al tien jaar. Maar die kost ook geld: flyers, een zaaltje, een keer een verkeerskundige uitnodigen."),
    ("gerrit", "Alles kost geld. Daarom zeg ik: regel eerst de financiering, dan de rest."),
    ("bas", "Ik hoor de boodschap. Ik neem drie dingen mee: de overbrugging van de locatiehuur, de communicatiekosten en duidelijkheid over wie het budget beheert."),
    ("tom", "En een datum graag. Wanneer weten we het?"),
    ("bas", "Ik streef naar februari."),
    ("gerrit", "Streven. Goed, ik zal het opschrijven."),
    ("ans", "Ik heb nog een vraag over de continuïteit. Als de wijkraad in juni stopt en het platform is er nog niet, bij wie kunnen mensen dan terecht?"),
    ("sanne", "Dan blijft het gebiedsteam het aanspreekpunt. En ik hoop eerlijk gezegd dat de meesten van jullie ook in het platform actief blijven."),
    ("ria", "Als er dan nog iets te doen is. Ik zeg het eerlijk: ik twijfel of ik doorga. Dit hele traject kost veel energie."),
    ("yvonne", "Ria, je kunt nu niet stoppen. Maar serieus, we moeten oppassen dat de ervaren mensen afhaken."),
    ("sanne", "Dat is een zorg die ik in alle wijken hoor. Ik neem hem mee."),
    ("gerrit", "Sanne, mijn nummer heb je: 06 2839 4710. Bel me voor half december over die huur, anders zijn we het buurthuis kwijt."),
    ("sanne", "Dat doe ik. Dank jullie wel allemaal."),
]

TRANSCRIPT_DELFTWIJK_1 = [
    ("sanne", "Goedenavond en welkom. Ik ben Sanne Kuipers van het gebiedsteam Noord. We houden deze avond om met jullie te praten over de wijkplatforms: wat moet blijven, wat moet beter en welke vragen hebben jullie."),
    ("cor", "Dank je, Sanne. Ik heb een lijstje met vragen gemaakt, want we hebben in het bestuur al flink gediscussieerd. Mag ik beginnen?"),
    ("sanne", "Graag."),
    ("cor", "Eerste vraag: moet een wijkplatform een rechtspersoon zijn? Wij zijn nu een vereniging met een bestuur, statuten en leden. Moet dat allemaal weg?"),
    ("sanne", "Dat is nog niet besloten. Er wordt gewerkt aan een verordening en daar komt in te staan wat de eisen zijn."),
    ("bianca", "Komt er dus toch een verordening? Want vorig jaar werd nog gezegd dat het juist allemaal vrijer moest."),
    ("sanne", "Er komt waarschijnlijk een verordening met een paar basisafspraken, en verder veel ruimte per wijk."),
    ("jw", "Wat ik wil weten: wie bepaalt of iets een wijkplatform is? Stel dat vijf mensen uit de Delftwijk morgen zeggen: wij zijn het wijkplatform. Is dat dan zo?"),
    ("sanne", "Goede vraag. Ik denk dat er een vorm van erkenning komt, maar hoe precies weet ik nog niet."),
    ("erik", "En kan er meer dan één zijn? In Delftwijk heb je de oude arbeiderswoningen en de nieuwbouw langs het spoor. Die hebben heel verschillende belangen."),
    ("cor", "Dan krijg je versplintering. Dat wil je juist niet. Eén wijk, één stem."),
    ("erik", "Of je krijgt eindelijk een stem voor mensen die nu niet gehoord worden."),
    ("linda", "Mag ik iets zeggen over de mensen? Al die structuren zijn mooi, maar wie gaat het doen? Ik draai de buurtmoestuin met drie anderen. We zijn alle vier boven de zeventig."),
    ("bianca", "Zo is het bij de wijkraad ook. Ik ben secretaris, notulist, beheerder van de mailbox en ik zet de stoelen klaar. Als ik stop, stopt het."),
    ("sanne", "Dus vrijwillige inzet is iets wat jullie willen behouden, maar het is ook een zorg."),
    ("bianca", "Behouden, ja, het is belangeloos en dat moet zo blijven. Maar met meer handen. En met minder papierwerk."),
    ("jw", "Dat papierwerk is echt een punt. Elk jaar een jaarverslag, een begroting en een verantwoording voor 2.500 euro subsidie. Dat kost me meer tijd dan het geld waard is."),
    ("cor", "Mijn voorstel zou zijn: een kleine kern, een soort bestuur van drie of vier mensen, en daaromheen werkgroepen waar iedereen kan aanschuiven zonder lid te worden."),
    ("linda", "Dat lijkt me goed. Dan kan ik bij de werkgroep groen en hoef ik niet naar alle vergaderingen."),
    ("erik", "Maar wie beslist er dan? De kern of de werkgroepen?"),
    ("cor", "De kern, na overleg met de werkgroepen."),
    ("erik", "Dan is het toch gewoon weer een bestuur, Cor."),
    ("sanne", "Ik hoor twee verschillende beelden. Dat is precies waarom spelregels belangrijk zijn: wie beslist, hoe leg je verantwoording af en wat als het niet werkt."),
    ("jw", "Wat als het niet werkt, dat is ook een vraag. Als een wijkplatform ruzie krijgt of leegloopt, wat doet de gemeente dan?"),
    ("sanne", "Die schrijf ik op. Dat is in andere wijken ook gevraagd."),
    ("bianca", "En de overgang zelf. Kan onze wijkraad niet gewoon doorgroeien naar een platform? Waarom zouden we moeten opheffen en opnieuw beginnen?"),
    ("sanne", "Een doorgroeimodel is zeker een optie die wordt bekeken."),
    ("cor", "Dan stel ik voor dat Delftwijk daarvoor proefwijk wordt. Wij hebben de structuur al staan."),
    ("erik", "Cor, ik zou eerst de bewoners vragen voordat je ons als proefwijk aanmeldt."),
    ("cor", "Punt genomen, Erik."),
    ("linda", "Als er nieuwe mensen zich willen melden, waar kunnen ze dan terecht?"),
    ("bianca", "Bij mij. Mailen naar secretariaat@wijkraaddelftwijk.nl, bellen naar 06 1934 5528, of gewoon aanbellen op de Delftlaan 102."),
    ("sanne", "Mooi. Dank jullie wel. Ik neem de vragen over rechtspersoon, verordening, erkenning en spelregels mee, en ook de zorg over de belasting van de vrijwilligers."),
]
