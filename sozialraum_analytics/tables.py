"""The tables of the data contract: canonical columns, their aliases and types.

Adding a column or an alias means touching this file only; the readers are driven by it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .dialect import normalise_header

# Column types the readers know how to parse.
KEY = "key"  # area key: text, AGS padded back to 8 digits
TEXT = "text"
ID = "id"  # text that is unique per row (case numbers): not dictionary-encoded
INT = "int"
NUMBER = "number"
DATE = "date"
YEAR = "year"
HILFEART = "hilfeart"
SETTING = "setting"
RICHTUNG = "richtung"


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    label: str = ""  # what is expected, in German, for messages
    leer_erlaubt: bool = False  # a required column whose empty cells are missing values, not errors

    def keys(self) -> set[str]:
        return {normalise_header(self.name)} | {normalise_header(a) for a in self.aliases}


@dataclass(frozen=True)
class TableSpec:
    kind: str
    label: str
    file_pattern: str
    columns: tuple[ColumnSpec, ...]
    description: str = ""

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


_RAUM = ColumnSpec(
    "raum_id", KEY, True,
    ("AGS", "Gemeindeschlüssel", "Gemeindekennziffer", "GKZ", "Kennziffer", "id", "Raum", "Raum-ID",
     "Planungsraum-ID", "Planungsraum_id", "Regionalschlüssel", "RS", "Gebiet", "Gebiets-ID",
     # as cities publish them (Berlin: PLR_ID, BZR_ID; ARS = Amtlicher Regionalschlüssel)
     "PLR_ID", "PLR", "BZR_ID", "AREA_ID", "GEBIET_ID", "Stadtteil-Nr", "Stadtteilnummer", "ARS"),
    "ein Gebietsschlüssel (z. B. AGS 08317001)",
)
_JAHR = ColumnSpec("jahr", YEAR, True, ("Jahr", "Berichtsjahr", "Stichjahr", "Zeit", "Stichtag"),
                   "eine Jahreszahl wie 2023 (auch 202012 oder 31.12.2020)")

TABLES: dict[str, TableSpec] = {}
# Every kind of table a planner brings, in the order they are loaded and listed (the one list: folder,
# store, CLI and pages take it from here).
KINDS = ("zuordnung", "gebiete", "bevoelkerung", "bevoelkerungsprognose", "faelle", "fallzahlen", "kosten",
         "indikatoren", "angebote", "vergleichswerte")
# Kinds that only refine or set beside a figure the others already give, never listed as missing; with what the
# dashboard does without them.
ERGAENZENDE_ARTEN = {"bevoelkerungsprognose": "Prognose: lineare Fortschreibung",
                     "vergleichswerte": "ohne Vergleich mit anderen Gebieten"}
# Kinds of which one file holds the whole (one base year, one variant): a later file replaces it, never merged by year.
GANZE_DATEI_ARTEN = ("bevoelkerungsprognose",)
# Kinds of people by age group (alter_von, alter_bis derived from whatever age columns a file has).
ALTERSARTEN = ("bevoelkerung", "bevoelkerungsprognose")


def _register(spec: TableSpec) -> TableSpec:
    TABLES[spec.kind] = spec
    return spec


_register(TableSpec("zuordnung", "Zuordnung Planungsraum → Sozialraum", "zuordnung*.csv", (
    _RAUM,
    ColumnSpec("name", TEXT, False, ("Gemeinde", "Gemeindename", "Planungsraum", "Name", "GEN",
                                      "Planungsraumname"), "ein Name"),
    ColumnSpec("sozialraum_id", KEY, True, ("Sozialraum-ID", "Sozialraum Nr", "Sozialraum-Nr", "SR-Nr",
                                             "SR", "SR-ID", "Sozialraumnummer"), "die Kennung des Sozialraums"),
    ColumnSpec("sozialraum_name", TEXT, False, ("Sozialraum", "Sozialraumname", "Sozialraum-Name",
                                                 "SR-Name"), "der Name des Sozialraums"),
    ColumnSpec("gueltig_ab", DATE, False, ("gültig ab", "gueltig_ab", "ab", "gültig_von"),
               "ein Datum wie 01.01.2020"),
), "Welcher Planungsraum gehört zu welchem Sozialraum."))

# The age columns of the kinds of people by age group (ALTERSARTEN): a file has one of these shapes.
_ALTERSSPALTEN = (
    ColumnSpec("altersgruppe", TEXT, False, ("Altersgruppe", "Altersgruppen", "Alter von bis"),
               'eine Altersgruppe wie "6 bis unter 10"'),
    ColumnSpec("alter_von", INT, False, ("Alter von", "von Alter", "Alter_ab"), "ein Alter in Jahren"),
    ColumnSpec("alter_bis", INT, False, ("Alter bis", "bis Alter", "Alter_bis_unter"), "ein Alter in Jahren"),
    ColumnSpec("alter", INT, False, ("Alter", "Alter in Jahren", "Altersjahr"), "ein Alter in Jahren"),
)

_register(TableSpec("bevoelkerung", "Bevölkerung nach Alter", "bevoelkerung*.csv", (
    _JAHR, _RAUM, *_ALTERSSPALTEN,
    ColumnSpec("anzahl", NUMBER, True, ("Anzahl", "Einwohner", "Bevölkerung", "Bevoelkerung", "Personen",
                                         "Wert", "Insgesamt"), "eine Anzahl Einwohner"),
), "Bevölkerung am 31.12. des Jahres nach Altersgruppen."))

_register(TableSpec("bevoelkerungsprognose", "Bevölkerungsvorausberechnung (amtlich)", "bevoelkerungsprognose*.csv", (
    _JAHR, _RAUM, *_ALTERSSPALTEN,
    ColumnSpec("anzahl", NUMBER, True, ("Anzahl", "Einwohner", "Bevölkerung", "Bevoelkerung", "Personen", "Wert",
                                         "Vorausberechnete Bevölkerung", "Vorausberechneter Bevölkerungsstand",
                                         "Insgesamt"), "eine Anzahl Einwohner"),
    ColumnSpec("variante", TEXT, False, ("Variante", "Varianten", "Prognosevariante", "Szenario",
                                          "Variante der Bevölkerungsvorausberechnung"),
               'eine Variante wie "Hauptvariante"'),
    ColumnSpec("quelle", TEXT, False, ("Quelle", "Herausgeber", "Datenquelle"),
               "die Quelle, z. B. Statistisches Landesamt Baden-Württemberg"),
), "Vorausberechnete Bevölkerung am 31.12. künftiger Jahre nach Altersgruppen (Statistisches Landesamt, eine "
   "Variante); die Prognose nimmt sie statt der linearen Fortschreibung."))

_register(TableSpec("faelle", "Fälle (Einzelfalldaten)", "faelle*.csv", (
    ColumnSpec("fall_id", ID, False, ("Fall-Nr", "Fallnummer", "Aktenzeichen", "Fall", "Fall-ID", "Fallnr"),
               "eine Fallnummer"),
    _RAUM,
    ColumnSpec("hilfeart", HILFEART, True, ("Hilfeart", "Art der Hilfe", "Leistung", "Hilfe", "Paragraph",
                                             "Leistungsart"), "eine Hilfeart wie § 34 oder Heimerziehung"),
    ColumnSpec("setting", SETTING, False, ("Setting", "Hilfeform", "Form"), "ambulant, teilstationär oder stationär"),
    ColumnSpec("beginn", DATE, True, ("Beginn", "Hilfebeginn", "Beginn der Hilfe", "Beginndatum", "von", "Start"),
               "ein Datum wie 31.12.2023"),
    ColumnSpec("ende", DATE, False, ("Ende", "Hilfeende", "Ende der Hilfe", "Endedatum", "bis", "Beendigung"),
               "ein Datum wie 31.12.2023 oder leer (laufend)"),
    ColumnSpec("geburtsjahr", YEAR, False, ("Geburtsjahr", "Jahrgang"), "eine Jahreszahl"),
    ColumnSpec("alter", INT, False, ("Alter", "Alter bei Beginn", "Alter bei Hilfebeginn"),
               "ein Alter in Jahren (bei Beginn der Hilfe)"),
    ColumnSpec("geschlecht", TEXT, False, ("Geschlecht", "Sex"), "m, w oder d"),
    # The case structure (fallstruktur.py): who the young person is across helps, why the help was granted,
    # how it ended. Free text, classified by the official categories of the HzE statistics when it is read.
    ColumnSpec("person_id", TEXT, False, ("Personen-ID", "Person-ID", "Person", "Personennummer", "Personen-Nr",
                                          "Kind-ID", "Klient-ID", "Klienten-ID", "Klientennummer", "Klienten-Nr",
                                          "ID junger Mensch", "Pseudonym"),
               "eine Kennung des jungen Menschen (pseudonymisiert)"),
    ColumnSpec("hauptgrund", TEXT, False, ("Hauptgrund", "Grund der Hilfe", "Hilfegrund", "Anlass", "Anlass der Hilfe",
                                           "Grund für die Hilfegewährung", "Hauptgrund für die Hilfegewährung",
                                           "Hauptgrund der Hilfe", "Grund der Hilfegewährung", "Hilfeanlass"),
               "der Hauptgrund für die Hilfegewährung, z. B. Gefährdung des Kindeswohls"),
    # Not "beendigung": the end date's alias "Beendigung" must keep meaning the date.
    ColumnSpec("beendigungsgrund", TEXT, False, ("Beendigungsgrund", "Grund der Beendigung", "Grund für die Beendigung",
                                                 "Ende-Grund", "Endegrund", "Grund des Endes", "Abschlussgrund",
                                                 "Art der Beendigung", "Beendigungsart"),
               "der Grund der Beendigung, z. B. gemäß Hilfeplan"),
), "Eine Zeile je Hilfe, pseudonymisiert."))

_register(TableSpec("fallzahlen", "Fallzahlen (aggregiert)", "fallzahlen*.csv", (
    _JAHR, _RAUM,
    ColumnSpec("hilfeart", HILFEART, True, ("Hilfeart", "Art der Hilfe", "Leistung", "Hilfe"), "eine Hilfeart wie § 34"),
    ColumnSpec("setting", SETTING, False, ("Setting", "Hilfeform"), "ambulant, teilstationär oder stationär"),
    # Either the case flow (all three) or only the Hilfen insgesamt (FALLZAHLEN_VARIANTEN, checked by the reader).
    ColumnSpec("begonnen", INT, False, ("begonnene Hilfen", "Beginn", "begonnen im Jahr", "neu"), "eine Anzahl"),
    ColumnSpec("beendet", INT, False, ("beendete Hilfen", "Ende", "beendet im Jahr"), "eine Anzahl"),
    ColumnSpec("andauernd", INT, False, ("andauernde Hilfen", "am 31.12. andauernd", "laufend", "Bestand"),
               "eine Anzahl"),
    ColumnSpec("inanspruchnahme", INT, False, ("Hilfen insgesamt", "Hilfen gesamt", "Inanspruchnahme", "Insgesamt",
                                               "Anzahl Hilfen", "Anzahl der Hilfen", "Fälle insgesamt",
                                               "Hilfen (Inanspruchnahme)"),
               "eine Anzahl (Hilfen insgesamt = am 31.12. andauernde + im Jahr beendete Hilfen)"),
    ColumnSpec("ausgaben", NUMBER, False, ("Ausgaben", "Kosten", "Betrag"), "ein Betrag in Euro"),
), "Begonnene, beendete und am 31.12. andauernde Hilfen je Jahr, Gebiet und Hilfeart "
   "(oder nur die Hilfen insgesamt, wie Städte sie veröffentlichen)."))
# The columns a fallzahlen file needs besides jahr, raum_id, hilfeart: the case flow, or the Hilfen insgesamt
# (= andauernd + beendet) alone; then begonnene, beendete and andauernde Hilfen are unknown, never 0.
FALLZAHLEN_VERLAUF = ("begonnen", "beendet", "andauernd")
FALLZAHLEN_VARIANTEN = (FALLZAHLEN_VERLAUF, ("inanspruchnahme",))
HINWEIS_NUR_INSGESAMT = (
    "Die Fallzahlen enthalten nur die Hilfen insgesamt (Inanspruchnahme){jahre}: begonnene, beendete und am 31.12. "
    "andauernde Hilfen fehlen deshalb (nicht 0), ebenso Inobhutnahmen und Gefährdungseinschätzungen, die als beendete "
    "Maßnahmen zählen. Inanspruchnahme, Eckwerte, Kosten je Hilfe und Anteil stationär beruhen auf den Hilfen insgesamt.")

_register(TableSpec("kosten", "Ausgaben", "kosten*.csv", (
    _JAHR,
    ColumnSpec("raum_id", KEY, False, _RAUM.aliases, _RAUM.label),
    ColumnSpec("hilfeart", HILFEART, True, ("Hilfeart", "Art der Hilfe", "Leistung", "Hilfe"), "eine Hilfeart wie § 34"),
    ColumnSpec("setting", SETTING, False, ("Setting", "Hilfeform"), "ambulant, teilstationär oder stationär"),
    ColumnSpec("betrag", NUMBER, True, ("Betrag", "Ausgaben", "Kosten", "Euro", "EUR", "Summe"), "ein Betrag in Euro"),
), "Ausgaben in Euro je Jahr und Hilfeart, je Gebiet oder für den ganzen Kreis."))

_register(TableSpec("indikatoren", "Sozialstrukturindikatoren", "indikatoren*.csv", (
    _JAHR, _RAUM,
    ColumnSpec("indikator", TEXT, True, ("Indikator", "Merkmal", "Kennzahl"), "der Name eines Indikators"),
    ColumnSpec("wert", NUMBER, True, ("Wert", "Value"), "eine Zahl", leer_erlaubt=True),
    ColumnSpec("einheit", TEXT, False, ("Einheit", "Unit"), "eine Einheit wie %"),
    ColumnSpec("richtung", RICHTUNG, False, ("Richtung", "Bedarfsrichtung"), "hoch=bedarf oder niedrig=bedarf"),
), "Sozialstrukturdaten je Gebiet und Jahr (lang; breit mit einer Spalte je Indikator geht auch)."))

_register(TableSpec("angebote", "Angebote (Bestand)", "angebote*.csv", (
    ColumnSpec("angebot_id", TEXT, False, ("Angebot-ID", "ID", "Nr"), "eine Kennung"),
    ColumnSpec("name", TEXT, True, ("Name", "Angebot", "Bezeichnung", "Einrichtung"), "ein Name"),
    ColumnSpec("typ", TEXT, True, ("Typ", "Art", "Angebotsart", "Angebotstyp"), "eine Angebotsart wie Kita"),
    ColumnSpec("traeger", TEXT, False, ("Träger", "Traeger", "Anbieter"), "ein Träger"),
    _RAUM,
    ColumnSpec("plaetze", INT, False, ("Plätze", "Plaetze", "Kapazität", "Kapazitaet"), "eine Anzahl Plätze"),
    ColumnSpec("alter_von", INT, False, ("Alter von", "ab Alter"), "ein Alter in Jahren"),
    ColumnSpec("alter_bis", INT, False, ("Alter bis", "bis Alter"), "ein Alter in Jahren"),
    ColumnSpec("lat", NUMBER, False, ("Breite", "Latitude", "Breitengrad", "y"), "eine geographische Breite"),
    ColumnSpec("lon", NUMBER, False, ("Länge", "Laenge", "Longitude", "Längengrad", "x", "lng"),
               "eine geographische Länge"),
    ColumnSpec("seit", DATE, False, ("Seit", "Beginn", "ab"), "ein Datum"),
    ColumnSpec("bis", DATE, False, ("Bis", "Ende"), "ein Datum"),
), "Bestehende Angebote mit Träger, Plätzen und Zielalter."))

# Published values of other regions (Land, Bund, a group of similar Kreise) to set the Kreis against. The reader
# (readers._check_vergleichswerte) turns kennzahl into a registry id with its denominator and scale
# (vergleichswerte.kennzahl_lesen) and hilfeart into a help group (hilfearten.parse_hilfegruppe; empty = gesamt).
_register(TableSpec("vergleichswerte", "Vergleichswerte (andere Gebiete)", "vergleichswerte*.csv", (
    _JAHR,
    ColumnSpec("bezug", TEXT, True, ("Bezug", "Vergleichsraum", "Vergleichsgebiet", "Vergleichsregion", "Region",
                                      "Referenz", "Referenzraum", "Vergleich", "Vergleichsgruppe"),
               "das Vergleichsgebiet, z. B. Land Baden-Württemberg"),
    ColumnSpec("kennzahl", TEXT, True, ("Kennzahl", "Indikator", "Merkmal", "Kennzahl-ID"),
               "eine vergleichbare Kennzahl wie eckwert_je_1000_u21"),
    ColumnSpec("hilfeart", TEXT, False, ("Hilfeart", "Hilfegruppe", "Art der Hilfe", "Leistung", "Hilfe"),
               "eine Hilfeart oder Hilfegruppe wie Hilfen gesamt, HzE, stationär oder § 34 (leer: Hilfen gesamt)"),
    ColumnSpec("wert", NUMBER, True, ("Wert", "Vergleichswert", "Referenzwert", "Value"), "eine Zahl"),
    ColumnSpec("quelle", TEXT, True, ("Quelle", "Datenquelle", "Herkunft", "Source", "Quellenangabe"),
               "die Quelle des Werts, z. B. KVJS-Bericht 2024"),
), "Veröffentlichte Werte anderer Gebiete (Land, Bund, ähnliche Kreise) je Jahr, Kennzahl und Hilfeart, mit Quelle."))

# Geometries are read by the geo module; the spec names their columns for messages.
_register(TableSpec("gebiete", "Gebiete (Geometrie)", "gebiete*.geojson", (
    _RAUM,
    ColumnSpec("name", TEXT, False, ("GEN", "Name", "Gemeinde", "Gemeindename"), "ein Name"),
), "Umrisse der Planungsräume (GeoJSON)."))


def match_columns(headers: list[str], spec: TableSpec, mapping: dict[str, str] | None = None, *,
                  aliasrang: bool = False) -> dict[str, str]:
    """Map a file's headers to canonical names: ``{header as written: canonical}`` (the one matcher of
    tables, geometries and the command line's guess by columns).

    A user mapping wins; then exact canonical names; then aliases. Each canonical name is taken once.
    Which header takes it: the first header that matches (a table's columns are the planner's own, so an
    extra column never hides a real one); with ``aliasrang`` the header of the alias listed first (a
    geometry layer carries several official keys, ARS, AGS, RS …: the alias order says which one is the
    area's key).

    >>> spec = TABLES["gebiete"]
    >>> match_columns(["ARS", "AGS", "GEN"], spec)
    {'ARS': 'raum_id', 'GEN': 'name'}
    >>> match_columns(["ARS", "AGS", "GEN"], spec, aliasrang=True)
    {'AGS': 'raum_id', 'GEN': 'name'}
    """
    mapping = dict(mapping or {})
    result: dict[str, str] = {}
    taken: set[str] = set()
    for header, canonical in mapping.items():
        if header in headers and canonical:
            result[header] = canonical
            taken.add(canonical)
    for exact_first in (True, False):
        if aliasrang:
            frei: dict[str, str] = {}
            for header in headers:
                if header not in result:
                    frei.setdefault(normalise_header(header), header)
            for column in spec.columns:
                if column.name in taken:
                    continue
                keys = [column.name] if exact_first else [column.name, *column.aliases]
                header = next((frei[k] for k in map(normalise_header, keys) if k in frei and frei[k] not in result),
                              None)
                if header is not None:
                    result[header] = column.name
                    taken.add(column.name)
            continue
        for header in headers:
            if header in result:
                continue
            key = normalise_header(header)
            for column in spec.columns:
                if column.name in taken:
                    continue
                keys = {normalise_header(column.name)} if exact_first else column.keys()
                if key in keys:
                    result[header] = column.name
                    taken.add(column.name)
                    break
    return result
