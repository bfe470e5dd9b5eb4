"""Word lists the fact check reads text with, in French and English: number
words, scale words, units, months, first names and well-known organizations.

Plain data, no logic; `factcheck.py` compiles it into patterns once.
"""

from __future__ import annotations

# -- numbers -------------------------------------------------------------------

# word -> value; scales multiply what comes before them
NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {
        "zero": 0,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "hundred": 100,
        "dozen": 12,
    },
    "fr": {
        "zéro": 0,
        "un": 1,
        "une": 1,
        "deux": 2,
        "trois": 3,
        "quatre": 4,
        "cinq": 5,
        "six": 6,
        "sept": 7,
        "huit": 8,
        "neuf": 9,
        "dix": 10,
        "onze": 11,
        "douze": 12,
        "treize": 13,
        "quatorze": 14,
        "quinze": 15,
        "seize": 16,
        "vingt": 20,
        "vingts": 20,
        "trente": 30,
        "quarante": 40,
        "cinquante": 50,
        "soixante": 60,
        "cent": 100,
        "cents": 100,
        "douzaine": 12,
    },
}

SCALES: dict[str, dict[str, float]] = {
    "en": {
        "thousand": 1e3,
        "million": 1e6,
        "millions": 1e6,
        "billion": 1e9,
        "billions": 1e9,
        "trillion": 1e12,
        "trillions": 1e12,
        "bn": 1e9,
        "k": 1e3,
    },
    # French "billion" is a million millions
    "fr": {
        "mille": 1e3,
        "million": 1e6,
        "millions": 1e6,
        "milliard": 1e9,
        "milliards": 1e9,
        "billion": 1e12,
        "billions": 1e12,
        "md": 1e9,
        "mds": 1e9,
        "k": 1e3,
    },
}

ONE_WORDS = frozenset({"one", "un", "une", "a", "an"})
CONNECTORS = frozenset({"and", "et"})

# unit word -> class; a figure matches a brief figure of the same value and class (or of no class)
UNITS: dict[str, str] = {
    "$": "usd",
    "us$": "usd",
    "dollar": "usd",
    "dollars": "usd",
    "usd": "usd",
    "€": "eur",
    "euro": "eur",
    "euros": "eur",
    "eur": "eur",
    "£": "gbp",
    "pound": "gbp",
    "pounds": "gbp",
    "livres": "gbp",
    "yen": "jpy",
    "yuan": "cny",
    "%": "percent",
    "percent": "percent",
    "pourcent": "percent",
    "pour cent": "percent",
    "per cent": "percent",
    "mm": "length",
    "millimètre": "length",
    "millimètres": "length",
    "millimeter": "length",
    "millimeters": "length",
    "millimetre": "length",
    "millimetres": "length",
    "cm": "length",
    "centimètres": "length",
    "centimeters": "length",
    "km": "length",
    "kilomètres": "length",
    "kilometers": "length",
    "inch": "length",
    "inches": "length",
    "pouces": "length",
    "an": "time",
    "ans": "time",
    "année": "time",
    "années": "time",
    "year": "time",
    "years": "time",
    "mois": "time",
    "month": "time",
    "months": "time",
    "jour": "time",
    "jours": "time",
    "day": "time",
    "days": "time",
    "semaine": "time",
    "semaines": "time",
    "week": "time",
    "weeks": "time",
    "heure": "time",
    "heures": "time",
    "hour": "time",
    "hours": "time",
    "minute": "time",
    "minutes": "time",
    "seconde": "time",
    "secondes": "time",
    "second": "time",
    "seconds": "time",
    "go": "data",
    "gb": "data",
    "to": "data",
    "tb": "data",
    "mo": "data",
    "mb": "data",
    "ghz": "frequency",
    "mhz": "frequency",
    "mah": "charge",
    "kg": "mass",
    "grammes": "mass",
    "grams": "mass",
}

# units written glued to digits: 5.6mm, 10Go, 50bn
GLUED_UNITS = (
    "mm",
    "cm",
    "km",
    "kg",
    "go",
    "gb",
    "to",
    "tb",
    "mo",
    "mb",
    "ghz",
    "mhz",
    "mah",
    "bn",
    "md",
    "mds",
    "k",
    "%",
)

# -- dates ---------------------------------------------------------------------

MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
ENGLISH_MONTHS = frozenset(list(MONTHS)[:12])
# month names that are also common words: a date only with a day or a year beside them
AMBIGUOUS_MONTHS = frozenset({"may", "march", "mars"})

# -- people --------------------------------------------------------------------


def _word_set(text: str) -> frozenset[str]:
    """A word list written as words, one space apart."""
    return frozenset(text.split())


FIRST_NAMES = _word_set(
    """
Aaron Adam Adrian Adrien Ahmed Aisha Alain Alan Albert Alex Alexander Alexandre Alexis Alice Alicia Amanda
Amandine Amelia Amy Ana Andrea Andrew Andy Angela Anna Anne Annie Anthony Antoine Arthur Audrey Aurélie Axel
Barbara Baptiste Ben Benjamin Benoît Bernard Beth Bill Bob Brad Brian Bruno Camille Carl Carlos Caroline
Catherine Cécile Céline Charles Charlie Charlotte Chloé Chris Christian Christine Christophe Christopher
Claire Clara Clément Colin Damien Daniel Danielle Dario Dave David Denis Dennis Diana Diane Dominique Don
Donald Doug Dylan Ed Edward Elena Eli Elizabeth Ella Elon Emily Emma Emmanuel Eric Erik Éric Ethan Étienne Eva
Evan Fabien Fabrice Florence Florian François Françoise Frank Frédéric Gabriel Gary George Georges Gérard
Gilles Grace Greg Guillaume Hannah Harry Hélène Henri Henry Hugo Ian Inès Isaac Isabelle Jack Jacob Jacques
James Jane Jason Jean Jean-Baptiste Jean-Claude Jean-Luc Jean-Marc Jean-Michel Jean-Pierre Jeff Jennifer
Jensen Jérôme Jessica Jim Joanna Joe John Jonathan Jordan José Joseph Josh Joshua Julia Julian Julie Julien
Justin Karen Karine Kate Katherine Kevin Kim Kyle Larry Laura Laurent Léa Leo Léo Lisa Louis Louise Luc Lucas
Lucie Lucy Luis Manon Marc Marco Margaret Maria Marie Marine Mark Martin Mary Mathieu Matt Matthew Maxime
Mehdi Melissa Mia Michael Michel Michelle Mike Nadia Natalie Nathalie Nathan Nicolas Nicole Nina Noah Noémie
Oliver Olivia Olivier Pascal Patricia Patrick Paul Pauline Peter Philip Philippe Pierre Rachel Raphaël Raymond
Rebecca Richard Rob Robert Robin Romain Ryan Sam Samantha Samuel Sandra Sarah Satya Scott Sean Sébastien Serge
Sergey Sophie Stéphane Stephanie Stephen Steve Steven Sundar Susan Sylvie Tania Thierry Thomas Tim Timothy Tom
Tony Valérie Vincent Virginie Walter William Xavier Yann Yves Zoé Lina Sam Priya Raj Wei Yuki Hiroshi Kenji
Mei Omar Fatima Karim Youssef Amir Leila Sundar Reed Jony Demis Dario Mustafa Ilya Greg Marissa Sheryl Susan
Ginni Lisa Pat Jen Ray Arvind Safra Shantanu Masayoshi Marc Xavier Octave Linda Owen Helen Victor Grace
Nancy Betty Dorothy Sandra Donna Carol Ruth Sharon Deborah Cynthia Kathleen Amy Shirley Brenda Pamela Nicole
Joyce Virginia Judith Cheryl Megan Andrea Ann Jean Alice Jacqueline Martha Gloria Teresa Sara Janice Julie Heather
Diane Joan Evelyn Ashley Kelly Christina Lauren Marie Frances Kimberly Emma Olivia Sophia Abigail Madison Chloe
Ronald Kenneth Paul Gregory Raymond Frank Jerry Dennis Patrick Peter Harold Douglas Henry Carl Arthur Roger Keith
Jeremy Terry Lawrence Sean Christian Austin Jesse Bryan Billy Bruce Gabriel Joe Logan Albert Willie Alan Eugene
Russell Vincent Philip Bobby Johnny Bradley Roy Ralph Randy Wayne Howard Victoria Leila Yasmin Aditya Ananya
Chen Jia Hiro Aiko Sven Lars Nils Anders Astrid Freya Matteo Giulia Luca Francesca Alejandro Lucia Javier Carmen
"""
)

# surnames of people tech news names without a first name
FAMOUS_SURNAMES = _word_set(
    """
Musk Zuckerberg Bezos Altman Nadella Pichai Jobs Gates Wozniak Huang Jassy Hassabis Amodei Ellison Dorsey Brin
Sutskever Suleyman Benioff Karp Thiel Andreessen Hastings Spiegel Kalanick Khosrowshahi Chesky Cook Ive Son
Niel Macron Trump Biden Obama Breton Vestager Lagarde Draghi
"""
)

# "M. Dupont", "Dr Smith": a person whatever their first name
HONORIFICS = (
    "M.",
    "Mme",
    "Mlle",
    "Mr.",
    "Mr",
    "Mrs.",
    "Mrs",
    "Ms.",
    "Ms",
    "Dr.",
    "Dr",
    "Pr",
    "Sir",
    "Dame",
    "Prof.",
)

# -- organizations -------------------------------------------------------------

ORGANIZATIONS = frozenset(
    """
Amazon|AWS|Amazon Web Services|Apple|Google|Alphabet|Microsoft|Meta|Facebook|Instagram|WhatsApp|OpenAI|Anthropic|
Nvidia|NVIDIA|AMD|Intel|Qualcomm|TSMC|Samsung|Huawei|Xiaomi|Sony|IBM|Oracle|Salesforce|Netflix|Tesla|SpaceX|xAI|
Twitter|ByteDance|TikTok|Alibaba|Tencent|Baidu|Mistral AI|DeepMind|Google DeepMind|Hugging Face|Cohere|Perplexity|
Uber|Airbnb|Spotify|Pinterest|Reddit|LinkedIn|GitHub|Adobe|Dell|Lenovo|Cisco|Broadcom|Micron|SoftBank|Stripe|
Shopify|PayPal|Mastercard|Goldman Sachs|Morgan Stanley|JPMorgan|J.P. Morgan|BlackRock|Gartner|IDC|Forrester|
Counterpoint|McKinsey|Accenture|Deloitte|PwC|KPMG|TechCrunch|Reuters|Bloomberg|The Verge|Wired|Le Monde|Les Echos|
Le Figaro|AFP|Associated Press|The New York Times|New York Times|Wall Street Journal|Financial Times|CNBC|CNN|BBC|
FTC|SEC|FCC|European Commission|Commission européenne|CNIL|Arcep|Autorité de la concurrence|FBI|CIA|NSA|NASA|
Pentagon|Pentagone|Maison Blanche|White House|Orange|SFR|Bouygues|Bouygues Telecom|Iliad|Dassault|Dassault Systèmes|
Capgemini|Atos|Thales|Ubisoft|OVHcloud|OVH|Deezer|Criteo|Doctolib|BlaBlaCar|Qonto|Mozilla|Wikipedia|Wikipédia|
Nintendo|Valve|Epic Games|Activision|Blizzard|Disney|Warner Bros|Paramount|Ray-Ban|EssilorLuxottica|Luxottica|
Foxconn|ASML|Rivian|Waymo|Stanford|MIT|Harvard|Y Combinator|Sequoia|Sequoia Capital|Andreessen Horowitz|a16z|
Inflection|Character.AI|Scale AI|Databricks|Snowflake|Palantir|Zoom|Slack|Dropbox|Atlassian|Canva|Figma|Notion|
Vodafone|Deutsche Telekom|Verizon|AT&T|T-Mobile|Comcast|Walmart|Costco|Alibaba Cloud|Baidu|Kuaishou|Honor|Oppo|
Vivo|OnePlus|Motorola|Nokia|Ericsson|Siemens|Bosch|Philips|Renault|Stellantis|Volkswagen|Toyota|BMW|Mercedes|
Ford|General Motors|Boeing|Airbus|SNCF|La Poste|Fnac|Darty|Cdiscount|Leboncoin|Vinted|Back Market|Ledger|
Mistral|Kyutai|Helsing|Photoroom|Aleph Alpha|Stability AI|Midjourney|Runway|ElevenLabs|Groq|Cerebras|CoreWeave|
Arm Holdings|Intel Foundry|Europol|Interpol|ONU|UN|OMS|WHO|OCDE|OECD|FMI|IMF|BCE|ECB|Bercy|Elysée|Élysée|Sénat|
Senate|Congress|Congrès|Parlement européen|European Parliament|Cour de justice|Supreme Court|Cour suprême
""".replace("\n", "").split("|")
)

# organizations whose name is also a common word: not counted at the start of a sentence
COMMON_WORD_ORGS = frozenset(
    {
        "Orange",
        "Honor",
        "Vivo",
        "Notion",
        "Zoom",
        "Slack",
        "Runway",
        "Ledger",
        "Mercedes",
        "Ford",
        "Inflection",
        "Valve",
        "Wired",
        "Senate",
        "Congress",
    }
)

# words after a capitalized name that make it an organization: "Quantix Labs"
ORG_SUFFIXES = (
    "Inc",
    "Inc.",
    "Corp",
    "Corp.",
    "Corporation",
    "Labs",
    "Lab",
    "Group",
    "Groupe",
    "Holdings",
    "Technologies",
    "Systems",
    "Ventures",
    "Capital",
    "Partners",
    "Foundation",
    "Institute",
    "University",
    "Ltd",
    "LLC",
    "GmbH",
    "SA",
    "SAS",
    "Robotics",
    "Analytics",
    "Research",
    "Consulting",
    "Studios",
    "Networks",
    "Software",
    "Dynamics",
    "Industries",
    "Bank",
    "Insights",
    "Intelligence",
    "Associates",
    "Agency",
    "Commission",
    "Authority",
    "Council",
    "Department",
    "Ministry",
    "Office",
    "Bureau",
    "Administration",
    "Compute",
    "Cloud",
    "Media",
    "Energy",
    "Motors",
    "Solar",
    "Therapeutics",
    "Pharma",
    "Semiconductor",
    "Semiconductors",
    "Aerospace",
    "Logistics",
    "Securities",
    "Airlines",
    "Telecom",
)
# words before a capitalized name that make it an organization: "la startup Quantix"
ORG_CUES = (
    "startup",
    "start-up",
    "société",
    "entreprise",
    "firme",
    "cabinet",
    "agence",
    "banque",
    "fonds",
    "company",
    "firm",
    "agency",
    "consultancy",
    "bank",
    "fund",
    "institut",
    "université",
    "fondation",
    "institute",
    "foundation",
    "university",
    "regulator",
    "régulateur",
    "licorne",
    "unicorn",
    "labo",
    "laboratoire",
)

# groups of names for the same organization
ORG_ALIASES: tuple[frozenset[str], ...] = (
    frozenset({"amazon", "aws", "amazon web services"}),
    frozenset({"google", "alphabet", "google deepmind", "deepmind"}),
    frozenset({"meta", "facebook"}),
    frozenset({"nvidia"}),
    frozenset({"mistral", "mistral ai"}),
    frozenset({"commission europeenne", "european commission"}),
    frozenset({"maison blanche", "white house"}),
    frozenset({"pentagon", "pentagone"}),
    frozenset({"onu", "un"}),
    frozenset({"oms", "who"}),
    frozenset({"ocde", "oecd"}),
)

# -- typography ----------------------------------------------------------------

# every quote mark and apostrophe -> its plain ASCII form: the one table by which
# intake's grounding, the fact check and the desk's marks compare quoted words
QUOTE_FOLD: dict[str, str] = {
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "«": '"',
    "»": '"',
    "‹": '"',
    "›": '"',
    "″": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "`": "'",
}
DASH_FOLD: dict[str, str] = {"–": "-", "—": "-", "‑": "-", "‒": "-", "−": "-"}

# -- sentences -----------------------------------------------------------------

# abbreviations after which a sentence never ends: a title before a name
TITLE_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "lt",
        "col",
        "capt",
        "sgt",
        "st",
        "jr",
        "sr",
        "rev",
        "hon",
        "m",
        "mme",
        "mlle",
        "mm",
        "me",
        "pr",
    ]
)
# abbreviations a sentence rarely ends with: it goes on when a digit or a
# lower-case word follows ("Nov. 18", "Inc. said", « 3 nov. dernier »)
ABBREVIATIONS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "janv",
        "févr",
        "fév",
        "avr",
        "juil",
        "déc",
        "no",
        "nos",
        "vol",
        "pp",
        "p",
        "inc",
        "corp",
        "co",
        "ltd",
        "vs",
        "etc",
        "approx",
        "est",
        "dept",
        "univ",
        "fig",
        "cf",
        "env",
        "art",
        "ch",
        "n°",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    ]
)
