"""A generated news corpus with known copies, translations, stories and events, for the corpus view.

Written by the eventwire developers. **The happenings are invented**: real country and organisation
names are used so that the actor coder has something to code, but the people are fictional and
none of these stories reports something that happened.

Six happenings (``A``..``F``) in the week of 13 May 2024. Each has an English original; around it the
generator makes what a news pipeline receives:

* wire copies on other sites with their own boilerplate (header, footer, related links),
* copies with small edits (a few words changed, a sentence dropped),
* a copy cut after two paragraphs, an exact copy,
* translations (German, French, Spanish) written by us, and
* independent reports of the same happening by another outlet (same story, not a copy),
* distractors: other happenings on the same topic, the same days (``B`` next to ``A``, ``E`` next to ``D``).

Every article carries its expected ``story`` and ``copy_of`` (the original's name) and, for the
English texts, the events a coder should find (evidence sentence, actors, CAMEO/PLOVER, modality,
date, place), so tests can insert coded articles without the event coder.

Usage: ``python tests/corpus_gen.py OUTDIR [--story A]`` writes one JSON Lines file per outlet for
``eventwire run OUTDIR`` (``--story A``: only the talks in Oslo, its copies, translation and second
report: one story); :func:`build` returns the articles.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

# Actors: code -> (name, country, sector)
ACTORS = {
    "COLGOV": ("Colombia", "COL", "GOV"), "COLREB": ("National Liberation Army", "COL", "REB"),
    "COLMIL": ("Colombian army", "COL", "MIL"), "NORGOV": ("Norway", "NOR", "GOV"),
    "IGOUNO": ("United Nations", None, "IGO"), "QATGOV": ("Qatar", "QAT", "GOV"),
    "AFGINS": ("Taliban", "AFG", "INS"), "KENGOV": ("Kenya", "KEN", "GOV"), "ETHGOV": ("Ethiopia", "ETH", "GOV"),
    "IGOAFU": ("African Union", None, "IGO"), "KENCOP": ("Kenyan police", "KEN", "COP"),
    "KENCVL": ("protesters", "KEN", "CVL"), "KENOPP": ("opposition", "KEN", "OPP"),
    "PHLGOV": ("Philippines", "PHL", "GOV"), "CHNMIL": ("China coast guard", "CHN", "MIL"),
    "CHNGOV": ("China", "CHN", "GOV"), "USAGOV": ("United States", "USA", "GOV"),
}
# Places: name -> (GeoNames id, ISO3, lat, lon, feature code)
PLACES = {
    "Oslo": (3143244, "NOR", 59.91273, 10.74609, "PPLC"), "Havana": (3553478, "CUB", 23.13302, -82.38304, "PPLC"),
    "Arauca": (3689718, "COL", 7.08471, -70.75908, "PPLA"), "Doha": (290030, "QAT", 25.28545, 51.53096, "PPLC"),
    "Nairobi": (184745, "KEN", -1.28333, 36.81667, "PPLC"), "Sabina Shoal": (None, "PHL", None, None, None),
    "Manila": (1701668, "PHL", 14.6042, 120.9822, "PPLC"),
}
PLOVER = {"040": ("CONSULT", None), "043": ("CONSULT", "visit"), "030": ("AGREE", None), "036": ("AGREE", None),
          "0353": ("AGREE", None), "120": ("REJECT", None), "020": ("REQUEST", None), "051": ("SUPPORT", None),
          "057": ("SUPPORT", None), "190": ("ASSAULT", None), "112": ("ACCUSE", "disapprove"),
          "111": ("ACCUSE", "disapprove"), "141": ("PROTEST", "demo"), "175": ("ASSAULT", None),
          "154": ("MOBILIZE", "troops")}
QUAD = {"04": 1, "03": 1, "05": 1, "02": 1, "12": 3, "11": 3, "19": 4, "14": 3, "17": 4, "15": 4}
GOLDSTEIN = {"040": 1.0, "043": 2.8, "030": 4.0, "036": 4.0, "0353": 5.0, "120": -4.0, "020": 3.0, "051": 3.4,
             "057": 8.0, "190": -10.0, "112": -2.0, "111": -2.0, "141": -6.5, "175": -10.0, "154": -7.2}


@dataclass
class Fact:
    """An event a coder should find: ``evidence`` is a substring of its sentence; ``trigger`` a word in it."""

    evidence: str
    trigger: str
    source: str
    target: str | None
    cameo: str
    modality: str = "asserted"
    date: str | None = None
    place: str | None = None


@dataclass
class GenArticle:
    """One generated article and what the corpus view should make of it."""

    name: str
    outlet: str
    domain: str
    title: str
    published: str
    body: str
    language: str
    story: str
    copy_of: str | None = None
    kind: str = "original"  # original, report, exact, near, cut, translation
    facts: list[Fact] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://{self.domain}/news/{self.name}"


# -- the texts (written for eventwire; invented happenings) ---------------------------------------

A_EN = ("Colombia and ELN rebels agree to resume talks in Oslo", """OSLO - Colombia's government and the National Liberation Army (ELN) rebels met in Oslo on Tuesday for the first direct talks in eleven months, Norwegian officials said.

Norway's foreign ministry hosted the two delegations at a conference centre outside the Norwegian capital. The government delegation was led by chief negotiator Marta Ferreyra, while ELN commander Andrés Quintero headed the rebel side with 12 delegates.

"We came to Oslo to listen, and we will leave with a timetable," Ferreyra told reporters after the six-hour session.

The ELN agreed to release 23 hostages held in the department of Arauca before the next round, according to a joint statement read by a Norwegian diplomat. The rebels did not agree to a ceasefire, and the government rejected their demand to suspend military operations in the Catatumbo region.

An estimated 2,300 fighters remain under ELN command, according to the Colombian defence ministry. The United Nations welcomed the meeting and urged both sides to protect civilians.

A second round of talks will be held in Havana on 3 June, the statement said.""")

A_FACTS = [
    Fact("met in Oslo on Tuesday", "met", "COLGOV", "COLREB", "040", date="2024-05-14", place="Oslo"),
    Fact("hosted the two delegations", "hosted", "NORGOV", "COLGOV", "043", date="2024-05-14", place="Oslo"),
    Fact("agreed to release 23 hostages", "agreed", "COLREB", "COLGOV", "0353", date="2024-05-14"),
    Fact("did not agree to a ceasefire", "agree", "COLREB", "COLGOV", "030", modality="negation", date="2024-05-14"),
    Fact("rejected their demand", "rejected", "COLGOV", "COLREB", "120", date="2024-05-14"),
    Fact("urged both sides to protect civilians", "urged", "IGOUNO", "COLGOV", "020", date="2024-05-14"),
    Fact("will be held in Havana on 3 June", "held", "COLGOV", "COLREB", "040", modality="future",
         date="2024-06-03", place="Havana"),
]

A_REPORT = ("Norway brings Colombian government and ELN guerrillas back to the table", """Representatives of Colombia's government sat down with ELN guerrilla leaders near Oslo on Tuesday, ending eleven months without direct negotiations.

Norwegian diplomats, who have acted as guarantors of the process since 2022, hosted the meeting. Government negotiator Marta Ferreyra and rebel commander Andrés Quintero shook hands in front of cameras before the doors closed.

According to a joint statement, the guerrillas will free 23 hostages held in Arauca. Quintero said the group would not lay down its arms "while the army keeps bombing our camps in Catatumbo".

The talks are due to continue in Havana on 3 June.""")

A_REPORT_FACTS = [
    Fact("sat down with ELN guerrilla leaders near Oslo", "sat down", "COLGOV", "COLREB", "040", date="2024-05-14", place="Oslo"),
    Fact("hosted the meeting", "hosted", "NORGOV", "COLGOV", "043", date="2024-05-14", place="Oslo"),
    Fact("the guerrillas will free 23 hostages", "free", "COLREB", "COLGOV", "0353", modality="future", date="2024-05-14"),
    Fact("due to continue in Havana on 3 June", "continue", "COLGOV", "COLREB", "040", modality="future",
         date="2024-06-03", place="Havana"),
]

A_DE = ("Kolumbien und ELN-Rebellen vereinbaren Wiederaufnahme der Gespräche in Oslo", """OSLO - Die Regierung Kolumbiens und die Rebellen der Nationalen Befreiungsarmee (ELN) haben sich am Dienstag in Oslo zu den ersten direkten Gesprächen seit elf Monaten getroffen, teilten norwegische Regierungsvertreter mit.

Das norwegische Außenministerium empfing die beiden Delegationen in einem Konferenzzentrum außerhalb der norwegischen Hauptstadt. Die Regierungsdelegation wurde von Chefunterhändlerin Marta Ferreyra geleitet, während ELN-Kommandeur Andrés Quintero mit 12 Delegierten die Seite der Rebellen anführte.

„Wir sind nach Oslo gekommen, um zuzuhören, und wir werden mit einem Zeitplan abreisen", sagte Ferreyra nach der sechsstündigen Sitzung vor Journalisten.

Die ELN erklärte sich bereit, vor der nächsten Runde 23 Geiseln freizulassen, die im Departamento Arauca festgehalten werden, hieß es in einer gemeinsamen Erklärung, die ein norwegischer Diplomat verlas. Einer Waffenruhe stimmten die Rebellen nicht zu, und die Regierung wies ihre Forderung zurück, die Militäreinsätze in der Region Catatumbo auszusetzen.

Nach Angaben des kolumbianischen Verteidigungsministeriums stehen noch schätzungsweise 2.300 Kämpfer unter dem Kommando der ELN. Die Vereinten Nationen begrüßten das Treffen und riefen beide Seiten auf, die Zivilbevölkerung zu schützen.

Eine zweite Gesprächsrunde soll am 3. Juni in Havanna stattfinden, hieß es in der Erklärung.""")

B_EN = ("Colombian army says ELN fighters attacked base in Arauca", """ARAUCA, Colombia - Colombia's army said on Wednesday that ELN fighters attacked a military base near the border with Venezuela overnight, killing two soldiers and wounding five.

The attack came a day after the government and the rebels held talks in Oslo. The army commander for the region, General Felipe Rojas, accused the ELN of using the negotiations "as cover to regroup".

The ELN did not comment. Colombia's defence minister ordered 400 additional troops to the department of Arauca, the ministry said in a statement.

Residents of the town of Saravena said they heard explosions for more than an hour, and local schools stayed closed on Wednesday.""")

B_FACTS = [
    Fact("ELN fighters attacked a military base", "attacked", "COLREB", "COLMIL", "190", date="2024-05-14", place="Arauca"),
    Fact("accused the ELN of using the negotiations", "accused", "COLMIL", "COLREB", "112", date="2024-05-15"),
    Fact("ordered 400 additional troops", "ordered", "COLGOV", None, "154", date="2024-05-15", place="Arauca"),
]

B_ES = ("El Ejército colombiano dice que combatientes del ELN atacaron una base en Arauca", """ARAUCA, Colombia - El Ejército de Colombia informó el miércoles que combatientes del ELN atacaron durante la noche una base militar cerca de la frontera con Venezuela, con un saldo de dos soldados muertos y cinco heridos.

El ataque se produjo un día después de que el Gobierno y los rebeldes celebraran conversaciones en Oslo. El comandante del Ejército para la región, el general Felipe Rojas, acusó al ELN de utilizar las negociaciones "como tapadera para reagruparse".

El ELN no hizo comentarios. El ministro de Defensa de Colombia ordenó el envío de 400 soldados adicionales al departamento de Arauca, informó el ministerio en un comunicado.

Habitantes del municipio de Saravena dijeron que escucharon explosiones durante más de una hora, y las escuelas locales permanecieron cerradas el miércoles.""")

C_EN = ("Qatar to host UN conference on aid to Afghanistan in June", """DOHA - Qatar will host a United Nations conference on humanitarian aid to Afghanistan on 18 June, the Qatari foreign ministry said on Monday.

Envoys from 25 countries and representatives of the Taliban administration have been invited to the two-day meeting in Doha, ministry spokesman Khalid Al-Mansouri told a news conference.

The UN special envoy for Afghanistan, Ingrid Solberg, welcomed the invitation. "Millions of Afghans cannot wait for politics to be settled," she said in a statement, adding that the UN appeal for 2024 was only 16 percent funded.

The Taliban's chief spokesman said the movement was ready to attend if its delegation was treated as the country's official representatives. Several Western governments have said they will not meet the Taliban at ministerial level.

Qatar hosted two earlier UN meetings on Afghanistan, in May 2023 and February 2024.""")

C_FACTS = [
    Fact("Qatar will host a United Nations conference", "host", "QATGOV", "IGOUNO", "043", modality="future",
         date="2024-06-18", place="Doha"),
    Fact("Ingrid Solberg, welcomed the invitation", "welcomed", "IGOUNO", "QATGOV", "051", date="2024-05-13"),
    Fact("the movement was ready to attend", "attend", "AFGINS", "QATGOV", "036", modality="intent", date="2024-05-13"),
]

C_DE = ("Katar richtet im Juni UN-Konferenz zur Hilfe für Afghanistan aus", """DOHA - Katar wird am 18. Juni eine Konferenz der Vereinten Nationen zur humanitären Hilfe für Afghanistan ausrichten, teilte das katarische Außenministerium am Montag mit.

Gesandte aus 25 Ländern und Vertreter der Taliban-Verwaltung seien zu dem zweitägigen Treffen in Doha eingeladen worden, sagte Ministeriumssprecher Khalid Al-Mansouri auf einer Pressekonferenz.

Die UN-Sondergesandte für Afghanistan, Ingrid Solberg, begrüßte die Einladung. „Millionen Afghanen können nicht warten, bis die Politik geklärt ist", erklärte sie. Der UN-Hilfsappell für 2024 sei erst zu 16 Prozent finanziert.

Der Chefsprecher der Taliban sagte, die Bewegung sei zur Teilnahme bereit, wenn ihre Delegation als offizielle Vertretung des Landes behandelt werde. Mehrere westliche Regierungen haben erklärt, sie würden die Taliban nicht auf Ministerebene treffen.

Katar war bereits Gastgeber von zwei früheren UN-Treffen zu Afghanistan, im Mai 2023 und im Februar 2024.""")

D_EN = ("Kenya and Ethiopia sign deal on sharing Omo river water", """NAIROBI - Kenya and Ethiopia signed an agreement on Thursday to share the waters of the Omo river and protect Lake Turkana, ending years of dispute over a series of Ethiopian dams.

Kenya's special envoy Grace Mutua and Ethiopia's water minister Dawit Bekele signed the deal in Nairobi in front of diplomats from the African Union. Under the agreement, Ethiopia will release at least 1,200 cubic metres of water per second during the dry season.

"Lake Turkana feeds 300,000 people on our side of the border," Mutua said. Fishing communities around the lake have blamed the Gibe III dam for falling water levels since 2016.

The African Union praised both governments for the accord. A joint commission will meet every six months to review water flows, the statement said.""")

D_FACTS = [
    Fact("Kenya and Ethiopia signed an agreement on Thursday", "signed", "KENGOV", "ETHGOV", "057",
         date="2024-05-16", place="Nairobi"),
    Fact("The African Union praised both governments", "praised", "IGOAFU", "KENGOV", "051", date="2024-05-16"),
    Fact("Ethiopia will release at least 1,200 cubic metres", "release", "ETHGOV", "KENGOV", "030",
         modality="future", date="2024-05-16"),
]

D_REPORT = ("Ethiopia commits to minimum Omo flows in accord with Kenya", """Ethiopia has committed to releasing a minimum flow of 1,200 cubic metres per second from its dams on the Omo river under an accord signed with Kenya in Nairobi on Thursday.

The deal, signed by water minister Dawit Bekele and Kenyan envoy Grace Mutua, follows years of pressure from fishing communities at Lake Turkana, who say the Gibe III dam has shrunk the lake.

Environmental groups cautiously welcomed the accord but said the flow target was too low. A joint commission will review the figures twice a year.""")

D_REPORT_FACTS = [
    Fact("an accord signed with Kenya in Nairobi on Thursday", "signed", "KENGOV", "ETHGOV", "057",
         date="2024-05-16", place="Nairobi"),
]

E_EN = ("Kenyan police fire tear gas at fuel price protest in Nairobi", """NAIROBI - Kenyan police fired tear gas on Thursday to disperse hundreds of protesters who marched through central Nairobi against a rise in fuel prices.

The protesters, many of them motorcycle taxi drivers, blocked Moi Avenue for several hours and demanded that the government reverse a 12 percent increase announced last week. Police said 37 people were arrested.

The energy regulator said the increase reflected higher import costs. Opposition leader Samuel Kariuki called the police response "brutal" and urged the government to open talks with transport unions.""")

E_FACTS = [
    Fact("Kenyan police fired tear gas on Thursday", "fired", "KENCOP", "KENCVL", "175", date="2024-05-16", place="Nairobi"),
    Fact("blocked Moi Avenue for several hours", "blocked", "KENCVL", "KENGOV", "141", date="2024-05-16", place="Nairobi"),
    Fact("called the police response", "called", "KENOPP", "KENCOP", "111", date="2024-05-16"),
]

F_EN = ("Philippines accuses Chinese coast guard of ramming supply boat", """MANILA - The Philippines accused China's coast guard on Tuesday of ramming a Philippine supply boat near Sabina Shoal in the South China Sea, injuring three crew members.

The Philippine foreign ministry summoned China's ambassador, Huang Wenli, and lodged a formal protest, spokeswoman Teresa Dizon said. It was the 14th incident reported by Manila this year.

China's coast guard said the Philippine vessel had "deliberately" entered Chinese waters and was expelled "in accordance with the law".

The United States said it stood by its ally, and Japan expressed concern. Manila and Washington will hold joint naval exercises near the area from 20 May.""")

F_FACTS = [
    Fact("The Philippines accused China's coast guard on Tuesday", "accused", "PHLGOV", "CHNMIL", "112",
         date="2024-05-14", place="Sabina Shoal"),
    Fact("summoned China's ambassador", "summoned", "PHLGOV", "CHNGOV", "111", date="2024-05-14", place="Manila"),
]

F_FR = ("Les Philippines accusent les garde-côtes chinois d'avoir éperonné un navire de ravitaillement", """MANILLE - Les Philippines ont accusé mardi les garde-côtes chinois d'avoir éperonné un navire de ravitaillement philippin près du banc de Sabina, en mer de Chine méridionale, blessant trois membres d'équipage.

Le ministère philippin des Affaires étrangères a convoqué l'ambassadeur de Chine, Huang Wenli, et déposé une protestation officielle, a indiqué sa porte-parole Teresa Dizon. Il s'agit du 14e incident signalé par Manille cette année.

Les garde-côtes chinois ont affirmé que le navire philippin était entré « délibérément » dans les eaux chinoises et qu'il avait été expulsé « conformément à la loi ».

Les États-Unis ont déclaré soutenir leur allié, et le Japon a exprimé son inquiétude. Manille et Washington organiseront des exercices navals conjoints près de la zone à partir du 20 mai.""")

# Boilerplate other sites put around wire copy: some lines the extractor removes (cues), some it keeps.
HEADERS = ["This story was distributed by a news agency and edited by our newsroom.",
           "Share this article on Facebook",
           "Our correspondents contributed reporting.",
           "Updated with reactions from regional governments."]
FOOTERS = ["Read more: Regional leaders meet for security summit next month",
           "Sign up for our newsletter and get the top stories every morning",
           "Copyright 2024 all rights reserved.",
           "Reporting by our staff; editing by the world desk. Contact the newsroom with corrections.",
           "More on this topic: Drought threatens harvests across the region"]
EDITS = [("said", "stated"), ("on Tuesday", "on Tuesday afternoon"), ("officials", "authorities"),
         ("the government", "the administration"), ("told reporters", "told journalists"),
         ("rebels", "insurgents"), ("deal", "pact"), ("Thursday", "Thursday morning")]


def _wire_copy(body: str, rng: random.Random) -> str:
    """The body with another site's header and footer lines."""
    head = rng.sample(HEADERS, 2)
    foot = rng.sample(FOOTERS, 2)
    return "\n\n".join([head[0], body, foot[0], head[1], foot[1]])


def _edited(body: str, rng: random.Random) -> str:
    """The body with a few words replaced and one sentence of the third paragraph dropped."""
    for old, new in rng.sample(EDITS, len(EDITS)):
        if old in body:
            body = body.replace(old, new, 1)
    paras = body.split("\n\n")
    if len(paras) > 3:
        sents = paras[-2].split(". ")
        if len(sents) > 1:
            paras[-2] = ". ".join(sents[1:])
    return "\n\n".join(paras)


def _cut(body: str) -> str:
    """The first two paragraphs and a related link: a copy cut short."""
    return "\n\n".join(body.split("\n\n")[:2] + ["Read more: Full coverage on our website"])


def build(seed: int = 13) -> list[GenArticle]:
    """The corpus: 23 articles in 6 stories, 15 of them copies (see the module docstring).
    Deterministic for a seed."""
    rng = random.Random(seed)
    out: list[GenArticle] = []

    def add(name, outlet, domain, text, published, language, story, copy_of=None, kind="original", facts=()):
        title, body = text
        out.append(GenArticle(name, outlet, domain, title, published, body, language, story, copy_of, kind,
                              list(facts)))

    # A: talks in Oslo (original, wire copy, edited copy, German translation, independent report)
    add("a-original", "Andean Wire", "andeanwire.example", A_EN, "2024-05-14T16:20:00Z", "en", "A", facts=A_FACTS)
    add("a-wire-bogota", "Bogota Today", "bogotatoday.example", (A_EN[0], _wire_copy(A_EN[1], rng)),
        "2024-05-14T17:02:00Z", "en", "A", "a-original", "near", A_FACTS)
    add("a-edited", "Global Newsroom", "globalnewsroom.example", (A_EN[0], _edited(A_EN[1], rng)),
        "2024-05-14T18:40:00Z", "en", "A", "a-original", "near", A_FACTS)
    add("a-german", "Lateinamerika Nachrichten", "lateinamerika-nachrichten.example", A_DE,
        "2024-05-14T21:15:00+02:00", "de", "A", "a-original", "translation")
    add("a-report", "Nordic Post", "nordicpost.example", A_REPORT, "2024-05-14T18:05:00Z", "en", "A",
        kind="report", facts=A_REPORT_FACTS)
    # B: distractor, same topic, next day
    add("b-original", "Andean Wire", "andeanwire.example", B_EN, "2024-05-15T09:10:00Z", "en", "B", facts=B_FACTS)
    add("b-wire", "Bogota Today", "bogotatoday.example", (B_EN[0], _wire_copy(B_EN[1], rng)),
        "2024-05-15T10:00:00Z", "en", "B", "b-original", "near", B_FACTS)
    add("b-spanish", "El Diario Andino", "eldiarioandino.example", B_ES, "2024-05-15T13:30:00-05:00", "es", "B",
        "b-original", "translation")
    # C: conference in Doha (original, exact copy, cut copy, German translation)
    add("c-original", "Gulf Desk", "gulfdesk.example", C_EN, "2024-05-13T11:00:00+03:00", "en", "C", facts=C_FACTS)
    add("c-exact", "Asia Briefing", "asiabriefing.example", C_EN, "2024-05-13T12:30:00+03:00", "en", "C",
        "c-original", "exact", C_FACTS)
    add("c-cut", "Mideast Digest", "mideastdigest.example", (C_EN[0], _cut(C_EN[1])), "2024-05-13T13:10:00+03:00",
        "en", "C", "c-original", "cut", C_FACTS)
    add("c-german", "Nahost Rundschau", "nahost-rundschau.example", C_DE, "2024-05-13T15:45:00+02:00", "de", "C",
        "c-original", "translation")
    # D: water deal (original, two wire copies, an edited copy, an independent report)
    add("d-original", "East Africa Monitor", "eastafricamonitor.example", D_EN, "2024-05-16T11:00:00+03:00", "en", "D",
        facts=D_FACTS)
    add("d-wire-1", "Lake Region Times", "lakeregiontimes.example", (D_EN[0], _wire_copy(D_EN[1], rng)),
        "2024-05-16T11:40:00+03:00", "en", "D", "d-original", "near", D_FACTS)
    add("d-wire-2", "Horn Daily", "horndaily.example", (D_EN[0], _wire_copy(D_EN[1], rng)),
        "2024-05-16T12:05:00+03:00", "en", "D", "d-original", "near", D_FACTS)
    add("d-edited", "Savanna Herald", "savannaherald.example", (D_EN[0], _edited(D_EN[1], rng)),
        "2024-05-16T13:20:00+03:00", "en", "D", "d-original", "near", D_FACTS)
    add("d-report", "Horn Observer", "hornobserver.example", D_REPORT, "2024-05-16T15:30:00+03:00", "en", "D",
        kind="report", facts=D_REPORT_FACTS)
    # E: distractor, same city and day as D
    add("e-original", "East Africa Monitor", "eastafricamonitor.example", E_EN, "2024-05-16T17:45:00+03:00", "en", "E",
        facts=E_FACTS)
    add("e-wire", "Lake Region Times", "lakeregiontimes.example", (E_EN[0], _wire_copy(E_EN[1], rng)),
        "2024-05-16T18:30:00+03:00", "en", "E", "e-original", "near", E_FACTS)
    # F: South China Sea (original, French translation, wire copy, edited copy)
    add("f-original", "Manila Desk", "maniladesk.example", F_EN, "2024-05-14T08:00:00+08:00", "en", "F", facts=F_FACTS)
    add("f-french", "Le Courrier Asie", "courrier-asie.example", F_FR, "2024-05-14T10:30:00+02:00", "fr", "F",
        "f-original", "translation")
    add("f-wire", "Pacific Ledger", "pacificledger.example", (F_EN[0], _wire_copy(F_EN[1], rng)),
        "2024-05-14T09:10:00+08:00", "en", "F", "f-original", "near", F_FACTS)
    add("f-edited", "Island Courier", "islandcourier.example", (F_EN[0], _edited(F_EN[1], rng)),
        "2024-05-14T11:00:00+08:00", "en", "F", "f-original", "near", F_FACTS)
    return out


def write_jsonl(directory: Path, articles: list[GenArticle] | None = None) -> list[Path]:
    """Write the corpus as JSON Lines, one file per outlet (``url``, ``title``, ``published``,
    ``outlet``, ``language``, ``text``), for ``eventwire run``. Returns the files written."""
    articles = build() if articles is None else articles
    directory.mkdir(parents=True, exist_ok=True)
    by_outlet: dict[str, list[GenArticle]] = {}
    for a in articles:
        by_outlet.setdefault(a.domain, []).append(a)
    paths = []
    for domain, arts in sorted(by_outlet.items()):
        p = directory / f"{domain.split('.')[0]}.jsonl"
        with p.open("w", encoding="utf-8") as fh:
            for a in arts:
                fh.write(json.dumps({"url": a.url, "title": a.title, "published": a.published, "outlet": a.outlet,
                                     "language": a.language, "text": a.body}, ensure_ascii=False) + "\n")
        paths.append(p)
    return paths


def to_article(g: GenArticle, run_id: str = "gen"):
    """An :class:`eventwire.records.Article` for ``g`` with its sentences and coded events (the
    facts whose evidence is in its body), as the event coder would store them."""
    import re

    from eventwire.ids import content_id, stable_id
    from eventwire.records import Actor, Article, Event, Sentence

    doc_id = content_id(json.dumps([g.name, g.body]).encode("utf-8"))
    art = Article(article_id=stable_id("article", doc_id), doc_id=doc_id, title=g.title, body=g.body,
                  source=g.url, url=g.url, published=g.published, outlet=g.outlet, outlet_domain=g.domain,
                  language=g.language, extractor="generated")
    starts = [0] + [m.end() for m in re.finditer(r"(?<=[.!?\"])\s+", g.body)]
    ends = starts[1:] + [len(g.body)]
    art.sentences = [Sentence(i, s, e) for i, (s, e) in enumerate(zip(starts, ends))]

    def actor(code: str, text_pos: int) -> Actor:
        name, country, sector = ACTORS[code]
        return Actor(text=name, start=text_pos, end=text_pos + len(name), name=name, code=code, country=country,
                     sector=sector)

    for f in g.facts:
        pos = g.body.find(f.evidence)
        if pos < 0:
            continue
        sent = next(s for s in art.sentences if s.start <= pos < s.end)
        tpos = g.body.find(f.trigger, pos)
        plover_type, plover_mode = PLOVER[f.cameo]
        place = PLACES.get(f.place) if f.place else None
        art.events.append(Event(
            sent_idx=sent.idx, sentence_start=sent.start, sentence_end=sent.end, trigger=f.trigger,
            trigger_start=tpos, trigger_end=tpos + len(f.trigger),
            sources=[actor(f.source, pos)], targets=[actor(f.target, pos)] if f.target else [],
            cameo_code=f.cameo, cameo_base=f.cameo[:3], cameo_root=f.cameo[:2], plover_type=plover_type,
            plover_mode=plover_mode, quad_class=QUAD[f.cameo[:2]], goldstein=GOLDSTEIN[f.cameo],
            modality=f.modality, confidence=0.9, coder="corpus_gen", decided_by="dictionary",
            location_text=f.place, location_geonameid=place[0] if place else None,
            location_country=place[1] if place else None, location_lat=place[2] if place else None,
            location_lon=place[3] if place else None, date=f.date, date_granularity="day" if f.date else None))
    return art


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Write the generated corpus as JSON Lines, one file per outlet.")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--story", action="append", choices=list("ABCDEF"),
                    help="only these happenings (repeatable); default: all six")
    args = ap.parse_args()
    arts = [a for a in build() if not args.story or a.story in args.story]
    for p in write_jsonl(args.outdir, arts):
        print(p)
