"""Norwegian language data the analysis uses.

:data:`ABBREVIATIONS` (expanded by normalisation), :data:`NYNORSK_STOP` (stop
words spaCy's Bokmål list lacks), Nynorsk spellings and lemma overrides, the
words and names pseudonymisation looks for, and the signature of mojibake
(UTF-8 read as cp1252).  Plain data, as spaCy keeps ``lang/nb/``.
"""

from __future__ import annotations

import re

__all__ = [
    "PROJECT_WORDS",
    "MONTHS",
    "ABBREVIATIONS",
    "NYNORSK_STOP",
    "NYNORSK_SPELLINGS",
    "LEMMA_OVERRIDES",
    "STREET_WORDS",
    "FIRST_NAMES",
    "PUBLIC_FIGURES",
    "WORD_NAMES",
    "SPEECH_VERBS",
    "LISTED_VERBS",
    "PERSON_TITLES",
    "PLACE_WORDS",
    "ROYAL_WORDS",
    "MOJIBAKE",
]

#: Abbreviations and acronyms common in NAV and welfare notes, with their
#: expansion.  Matched as whole words; the acronyms only in capitals.
ABBREVIATIONS: dict[str, str] = {
    "bl.a.": "blant annet",
    "f.eks.": "for eksempel",
    "feks.": "for eksempel",
    "off.": "offentlig",
    "ref.": "referanse",
    "evt.": "eventuelt",
    "ev.": "eventuelt",
    "mht.": "med hensyn til",
    "dvs.": "det vil si",
    "osv.": "og så videre",
    "o.l.": "og lignende",
    "ca.": "cirka",
    "jf.": "jamfør",
    "vs.": "versus",
    "mtp.": "med tanke på",
    "UH-sektoren": "universitets- og høyskolesektoren",
    "UH-sektor": "universitets- og høyskolesektor",
    "UH": "universitet og høyskole",
    "VGO": "videregående opplæring",
    "VGS": "videregående skole",
    "OT": "Oppfølgingstjenesten",
    "NAV-kontor": "NAV-kontor",
}


#: Stop words spaCy's Bokmål list lacks: Nynorsk function words and question words
NYNORSK_STOP = frozenset(
    "dei ei eit ikkje kva korleis kvifor eg ho han dykk me oss dykkar deira hjå frå "
    "berre noko nokon kvar kven sjølv vere vore vert vart åt ein "
    # Bokmål question words spaCy's list lacks (the Nynorsk ones are above)
    "hvordan hvorfor hvilke hvilken hvilket hvem".split()
)


#: Regular Bokmål -> Nynorsk spelling correspondences, applied one at a time
#: to a pattern's letters.  "er*" -> "ar*": agent nouns and plurals
#: ("forsker*" -> "forskar*"); "gge"/"kke"/"ke" -> "-je" verbs ("bygge" ->
#: "byggje", "styrke" -> "styrkje").
NYNORSK_SPELLINGS = (
    ("lig", "leg"),
    ("het", "heit"),
    ("tjen", "ten"),
    ("bud", "bod"),
    ("ikke", "ikkje"),
    ("hv", "kv"),
    ("øk", "auk"),
    ("forebygg", "førebygg"),
    ("mulig", "mogleg"),
    ("er*", "ar*"),
    ("ere*", "are*"),
    ("gge", "ggje"),
    ("kke", "kkje"),
    ("ke", "kje"),
    ("lønn", "løn"),
    ("mer", "meir"),
    ("ene", "ane"),
    ("ende", "ande"),
)


# where simplemma's data picks a rare reading of a common word
LEMMA_OVERRIDES = {"man": "man", "dei": "de", "bruker": "bruke", "brukere": "bruker", "brukerne": "bruker"}


STREET_WORDS = (
    "gate|gata|gaten|gt\\.|vei|veien|veg|vegen|allé|alle|plass|plassen|sti|stien|bakke|bakken|"
    "torg|torget|brygge|brygga|kaia|ringen|løkka|lia|tunet|haugen|tun|svingen|krysset"
)


#: Common first names in Norway (the package's own list; Faker's no_NO names are added).
FIRST_NAMES = frozenset(
    """
    Anne Inger Kari Marit Ingrid Liv Eva Berit Astrid Bjørg Hilde Anna Solveig Marianne Randi Ida Nina
    Maria Elisabeth Kristin Bente Heidi Silje Hanne Gerd Linda Tone Grete Camilla Ragnhild Mona Ellen
    Karin Wenche Elin Torill Anita Monica Hege Julie Emma Nora Sofie Sara Thea Ingeborg Maja Emilie Leah
    Olivia Ella Frida Vilde Amalie Hedda Tuva Mathilde Malin Sigrid Aurora Jenny Martine Helene Kaja
    Jan Per Bjørn Ole Lars Kjell Knut Svein Arne Thomas Hans Geir Tor Morten Terje Odd Erik Martin
    Andreas John Anders Rune Trond Tore Jon Harald Olav Nils Magnus Jonas Espen Stian Øyvind Frode
    Kristian Henrik Ivar Gunnar Rolf Leif Einar Helge Sindre Even Marius Eirik Håkon Sander Emil Filip
    Jakob Oliver William Lukas Noah Aksel Elias Isak Tobias Mathias Sebastian Kristoffer Fredrik
    Mohammed Muhammad Ali Ahmed Fatima Amina Hassan Omar Yusuf Abdi Aisha Mariam Zainab Adam Ibrahim
    Piotr Katarzyna Tomasz Agnieszka Jakub Gro Siv Unni Eli Åse Turid Sissel Grethe Vigdis Aslak
    Sunniva Synnøve Ingvild Gunhild Marte Oda Guro Ylva Tiril Iselin Kristine Jorunn Torunn Eirin
    """.split()
)


#: Public figures kept by default, by full name (their names are part of public debate).
PUBLIC_FIGURES = frozenset(
    [
        "Gro Harlem Brundtland",
        "Jonas Gahr Støre",
        "Erna Solberg",
        "Jens Stoltenberg",
        "Kjell Magne Bondevik",
        "Thorbjørn Jagland",
        "Kåre Willoch",
        "Odvar Nordli",
        "Einar Gerhardsen",
        "Per Borten",
        "Børge Brende",
        "Trygve Slagsvold Vedum",
        "Sylvi Listhaug",
        "Audun Lysbakken",
        "Bjørnar Moxnes",
        "Kirsti Bergstø",
        "Tonje Brenna",
        "Marte Mjøs Persen",
        "Anniken Huitfeldt",
        "Hadia Tajik",
        "Siv Jensen",
        "Kong Harald",
        "Dronning Sonja",
        "Kronprins Haakon",
        "Henrik Ibsen",
        "Fridtjof Nansen",
        "Olav Kyrre",
        "Olav Thon",
        "Espen Barth Eide",
        "Jan Christian Vestre",
        "Emilie Enger Mehl",
        "Sigrun Aasland",
        "Kari Nessa Nordtun",
        "Ingvild Kjerkol",
        "Kjersti Toppe",
        "Lubna Jaffery",
        "Cecilie Myrseth",
        "Terje Aasland",
        "Bjørnar Skjæran",
        "Anette Trettebergstuen",
        "Karianne Tung",
        "Tore O. Sandvik",
        "Andreas Bjelland Eriksen",
        "Ola Borten Moe",
        "Ine Eriksen Søreide",
        "Guri Melby",
        "Marie Sneve Martinussen",
        "Une Bastholm",
        "Lan Marie Berg",
        "Per Sandberg",
        "Knut Arild Hareide",
        "Trine Skei Grande",
        "Peggy Hessen Følsvik",
        "Mette-Marit",
        "Ingrid Alexandra",
        "Edvard Munch",
        "Sigrid Undset",
        "Jon Fosse",
    ]
)


# names that are also everyday words: alone at the start of a sentence, or in
# lower case, they count as names only with a speech verb or a surname after them
WORD_NAMES = frozenset(
    """
    per liv dag finn stein stig siv line frank tom mette odd aud hans gro tone sander kim bjørn hege
    rune ørn sol vår knut karl pål lise even ask alf eir eli mai berg strand lie bakke bakken vik holm
    lund haug haugen eide lien strøm moen dal dahl hagen engen tangen sand nes li foss hauge lunde
    brekke berge rosa vilde elv
    tale iver storm edel bo lene fred vilje live bjørk lyng skog fjell eng frost vinter sommer høst vang
    brun rask kvist lind signe ro glad mild saga juni april august hauk ravn svan due falk varg ulv bris
    """.split()
)


# verbs of saying: after a name that is also a word ("Per sa", "Strand påpekte") they make it a name
SPEECH_VERBS = frozenset(
    """
    sa sier seier mente mener meinte meiner foreslo foreslår føreslo føreslår spurte spør fortalte
    forteller fortel påpekte påpeker peika understreket understreker understreka svarte svarer lurte
    skrev noterte presenterte innledet innleidde kommenterte ønsket ønskte syntes syntest trodde
    opplyste forklarte forklarer nevnte nemnde
    """.split()
)


# for a listed participant's name that is also a word, more verbs will do ("Strand tok opp ...")
LISTED_VERBS = SPEECH_VERBS | frozenset("tok la viste ledet leidde deltok kom ville ba hadde".split())


PERSON_TITLES = frozenset(
    """
    veileder veilederen rettleiar rådgiver rådgjevar seniorrådgiver saksbehandler sakshandsamar
    konsulent leder leiar nestleder lærer lærar rektor professor prof dr fru herr ordfører
    kontaktperson koordinator fasilitator referent miljøterapeut helsesykepleier helsesøster sosionom
    psykolog ungdomsarbeider mentor kollega direktør stipendiat forsker forskar
    deltaker deltakar brukerrepresentant erfaringskonsulent
    """.split()
)


# a name followed by one of these is a street, a building or an organisation
PLACE_WORDS = re.compile(
    r"^(?:gate|gata|gaten|gt|vei|veien|veg|vegen|plass|plassen|allé|alle|torg|torget|bru|brua|park|parken|"
    r"stiftelse|stiftelsen|senter|senteret|skole|skolen|sykehus|hospital|stadion|hus|huset|hall|hallen|"
    r"kirke|kirken|fond|fondet|legat|pris|prisen|minde|land|as|asa|institutt|instituttet|videregående)$",
    re.IGNORECASE,
)


ROYAL_WORDS = frozenset({"kong", "dronning", "prins", "prinsesse", "kronprins", "sankt", "st"})


# What UTF-8 read as cp1252/Latin-1 makes of æøåÆØÅé and of – « » “ ” and NBSP.
# ftfy repairs only text that shows such a signature: on clean text its
# heuristics can take rare but real letter sequences ("åÆÆ") for mojibake.
MOJIBAKE = re.compile(r"Ã[¥¸¦…†˜©¨¶¤\x80-\xbf]|â€|Â[«»\xa0°§]")


#: Month names (bokmål and nynorsk, with common abbreviations) -> month number,
#: for dates written in workshop titles ("14. mars 2023").
MONTHS = {
    **dict.fromkeys(("januar", "jan"), 1),
    **dict.fromkeys(("februar", "feb"), 2),
    **dict.fromkeys(("mars", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mai",), 5),
    **dict.fromkeys(("juni", "jun"), 6),
    **dict.fromkeys(("juli", "jul"), 7),
    **dict.fromkeys(("august", "aug"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("oktober", "okt"), 10),
    **dict.fromkeys(("november", "nov"), 11),
    **dict.fromkeys(("desember", "des"), 12),
}


#: Words after which a capitalised name is the name of a project, programme or
#: service ("prosjektet Storm", "tiltaket Tiril"), not a person.
PROJECT_WORDS = frozenset(
    """
    prosjekt prosjektet prosjektene program programmet tiltak tiltaket satsing satsinga satsingen ordning
    ordninga ordningen initiativ initiativet nettverk nettverket kampanje kampanjen tjeneste tjenesten
    teneste tenesta senter senteret modell modellen metode metoden kurs kurset appen plattformen
    """.split()
)
