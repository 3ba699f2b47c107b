"""The indicator registry: every Kennzahl declared once, with its German label, unit,
formula, denominator and source. The Methodik page, the CLI and the charts read it.

Some ids carry their parameters (``eckwert_je_1000_u21``, ``inanspruchnahme_vorjahr_prozent``):
:func:`describe` resolves any id the engine emits to its declaration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .altersgruppen import DENOMINATORS


@dataclass(frozen=True)
class Kennzahl:
    """One indicator. ``nenner`` names the denominator (or "–")."""

    id: str
    label: str
    einheit: str
    formel: str
    nenner: str
    quelle: str
    beschreibung: str
    gruppe: str
    dezimalen: int = 0
    richtung: str = ""  # "hoch=bedarf" / "niedrig=bedarf" for needs indicators


_AKJ = "AKJStat HzE-Monitor; Destatis Qualitätsbericht Kinder- und Jugendhilfe Teil I"
_KVJS = "KVJS-Berichterstattung Hilfen zur Erziehung Baden-Württemberg"

KENNZAHLEN: dict[str, Kennzahl] = {}


def _declare(k: Kennzahl) -> Kennzahl:
    KENNZAHLEN[k.id] = k
    return k


_declare(Kennzahl("begonnen", "Begonnene Hilfen", "Hilfen", "Anzahl der Hilfen mit Beginn im Jahr j", "–", _AKJ,
                  "Hilfen, die im Kalenderjahr begonnen haben. Ein Wechsel der Hilfeart beendet eine Hilfe und "
                  "beginnt eine neue.", "Fallzahlen"))
_declare(Kennzahl("beendet", "Beendete Hilfen", "Hilfen", "Anzahl der Hilfen mit Ende im Jahr j", "–", _AKJ,
                  "Hilfen, die im Kalenderjahr beendet wurden (auch am 31.12.).", "Fallzahlen"))
_declare(Kennzahl("andauernd", "Am 31.12. andauernde Hilfen", "Hilfen",
                  "Anzahl der Hilfen mit Beginn ≤ 31.12.j und (Ende leer oder Ende > 31.12.j)", "–", _AKJ,
                  "Bestand am Stichtag 31.12.: eine am 31.12. beendete Hilfe zählt als beendet, nicht als andauernd; "
                  "eine am 31.12. begonnene als andauernd.", "Fallzahlen"))
_declare(Kennzahl("inanspruchnahme", "Inanspruchnahme (Hilfen insgesamt)", "Hilfen",
                  "andauernd(j) + beendet(j)", "–", _AKJ,
                  "Die amtliche Zahl „Hilfen insgesamt“: alle Hilfen, die im Jahr liefen, gezählt als am 31.12. "
                  "andauernde plus im Jahr beendete. Nicht begonnene plus andauernde und nicht die Zahl der Zeilen.",
                  "Fallzahlen"))
_declare(Kennzahl("inobhutnahmen", "Inobhutnahmen (§ 42)", "Maßnahmen", "Anzahl der im Jahr beendeten Inobhutnahmen",
                  "–", "Destatis Statistik der vorläufigen Schutzmaßnahmen",
                  "Keine Hilfe zur Erziehung: gezählt werden die im Jahr beendeten Maßnahmen.", "Schutzauftrag"))
_declare(Kennzahl("gefaehrdungseinschaetzungen", "Gefährdungseinschätzungen (§ 8a)", "Verfahren",
                  "Anzahl der im Jahr abgeschlossenen Verfahren", "–", "Destatis Statistik § 8a-Verfahren",
                  "Keine Hilfe zur Erziehung: gezählt nach dem Monat des Abschlusses (Ende).", "Schutzauftrag"))
_declare(Kennzahl("bevoelkerung", "Bevölkerung", "Personen", "Einwohner der Altersgruppe am 31.12.j", "–",
                  "Statistische Ämter, Fortschreibung des Bevölkerungsstandes",
                  "Bevölkerung am 31.12. des Jahres in der genannten Altersgruppe. Wo amtliche Altersgruppen die "
                  "Grenze nicht genau treffen (z. B. 20 bis unter 25), wird linear anteilig gerechnet.", "Bevölkerung"))
_declare(Kennzahl("eckwert", "Eckwert", "je 1.000", "Inanspruchnahme / Bevölkerung × Skala", "Bevölkerung",
                  _KVJS + "; " + _AKJ,
                  "Hilfen je 1.000 (KVJS) oder je 10.000 (AKJStat) junge Menschen der Altersgruppe. "
                  "Standard: unter 21 Jahre, je 1.000. Für § 41 zusätzlich je 1.000 der 18- bis unter 21-Jährigen.",
                  "Eckwerte", 1))
_declare(Kennzahl("ausgaben", "Ausgaben", "EUR", "Summe der Ausgaben im Jahr", "–", _KVJS,
                  "Ausgaben in Euro im Kalenderjahr laut Kostentabelle.", "Ausgaben"))
_declare(Kennzahl("ausgaben_je_jugendeinwohner", "Ausgaben je Jugendeinwohner", "EUR je Einwohner",
                  "Ausgaben / Bevölkerung unter 21", "Bevölkerung", _KVJS + "; AKJStat (unter 18)",
                  "Ausgaben je jungem Menschen unter 21 Jahren (Option: unter 18 Jahren, AKJStat).", "Ausgaben", 2))
_declare(Kennzahl("kosten_je_hilfe", "Kosten je Hilfe", "EUR je Hilfe", "Ausgaben / Inanspruchnahme", "Inanspruchnahme",
                  _KVJS, "Durchschnittliche Ausgaben je Hilfe im Jahr.", "Ausgaben"))
_declare(Kennzahl("dauer_mittel_monate", "Dauer beendeter Hilfen (Mittelwert)", "Monate",
                  "Mittelwert von (Ende − Beginn) in Tagen / 30,4375 über die im Jahr beendeten Hilfen", "–", _AKJ,
                  "Nur aus Einzelfalldaten; eine am selben Tag begonnene und beendete Hilfe dauert 0 Monate.",
                  "Dauer", 1))
_declare(Kennzahl("dauer_median_monate", "Dauer beendeter Hilfen (Median)", "Monate",
                  "Median von (Ende − Beginn) in Tagen / 30,4375 über die im Jahr beendeten Hilfen", "–", _AKJ,
                  "Nur aus Einzelfalldaten; robust gegen einzelne sehr lange Hilfen.", "Dauer", 1))
_declare(Kennzahl("anteil_stationaer", "Anteil stationärer Hilfen", "%",
                  "stationär / (ambulant + teilstationär + stationär) × 100 (Inanspruchnahme)", "–", _KVJS,
                  "Für HzE mit und ohne Erziehungsberatung (§ 28).", "Struktur", 1))
# The case structure (fallstruktur.py): shares of the helps by a feature of the case file, and young people.
_DESTATIS_HZE = "Destatis, Statistik der erzieherischen Hilfen (Kinder- und Jugendhilfestatistik Teil I); AKJStat"
_declare(Kennzahl("fallstruktur_anteil", "Anteil an den Hilfen (Fallstruktur)", "%",
                  "Hilfen der Kategorie / alle Hilfen der Basis × 100",
                  "Hilfen der Basis: im Jahr begonnene, Hilfen insgesamt oder (Beendigung) im Jahr beendete", _DESTATIS_HZE,
                  "Wie sich die Hilfen eines Jahres je Gebiet und Hilfegruppe verteilen: nach Alter bei Hilfebeginn "
                  "(AKJStat-Altersgruppen; ohne Spalte Alter ist es Jahr des Beginns minus Geburtsjahr, also das im "
                  "Jahr des Beginns erreichte Alter), Geschlecht, Hauptgrund der Hilfegewährung (Destatis-Kategorien; "
                  "andere Texte als eigene Kategorie) und Grund der Beendigung (gemäß Hilfeplan, abweichend vom "
                  "Hilfeplan = Abbruch, sonstige Gründe). Amtlich: Alter und Gründe der im Jahr begonnenen, "
                  "Beendigung der im Jahr beendeten Hilfen; die öffentliche Ansicht zeigt die Verteilung der Hilfen "
                  "insgesamt. „ohne Angabe“ zählt im Nenner mit.", "Fallstruktur", 1))
_declare(Kennzahl("junge_menschen", "Junge Menschen (verschiedene Personen)", "Personen",
                  "Anzahl verschiedener Personen-IDs unter den Hilfen des Jahres", "–", "eigene Berechnung aus der "
                  "Falldatei (Personen-ID)",
                  "Eine Person mit zwei Hilfen ist zwei Fälle und ein junger Mensch. Nur mit Personen-ID in der "
                  "Falldatei; eine Hilfe ohne ID zählt als eigene Person. Wer Hilfen in zwei Sozialräumen hat, zählt "
                  "in beiden und im Kreis einmal: nicht über Gebiete oder Hilfearten summierbar, deshalb in der "
                  "öffentlichen Ansicht auf 5 gerundet.", "Fallstruktur"))
_declare(Kennzahl("hilfen_je_person", "Hilfen je jungem Menschen", "Hilfen je Person",
                  "Fälle (Hilfen) / junge Menschen", "Junge Menschen", "eigene Berechnung",
                  "Wie viele Hilfen ein junger Mensch im Jahr im Mittel hat; 1,00 heißt: keine Person mit mehreren "
                  "Hilfen.", "Fallstruktur", 2))
# Trends: the suffix names the method, the rest the indicator it applies to.
_declare(Kennzahl("vorjahr_abs", "Veränderung zum Vorjahr", "wie Kennzahl", "x(j) − x(j−1)", "–", "eigene Berechnung",
                  "Absolute Veränderung gegenüber dem Vorjahr.", "Trend", 1))
_declare(Kennzahl("vorjahr_prozent", "Veränderung zum Vorjahr in %", "%", "(x(j) / x(j−1) − 1) × 100", "–",
                  "eigene Berechnung", "Relative Veränderung gegenüber dem Vorjahr; leer, wenn das Vorjahr 0 ist.",
                  "Trend", 1))
_declare(Kennzahl("index", "Index (Basisjahr = 100)", "Index", "x(j) / x(Basisjahr) × 100", "–", "eigene Berechnung",
                  "Entwicklung gegenüber dem Basisjahr (Standard: erstes Jahr der Daten).", "Trend", 1))
_declare(Kennzahl("wachstum_prozent", "Mittleres jährliches Wachstum", "% pro Jahr",
                  "((x(b) / x(a))^(1/(b−a)) − 1) × 100", "–", "eigene Berechnung",
                  "Durchschnittliche jährliche Wachstumsrate zwischen erstem (a) und letztem (b) Jahr des Zeitraums; "
                  "ausgewiesen im letzten Jahr.", "Trend", 1))
_declare(Kennzahl("trend_steigung", "Linearer Trend (Steigung)", "je Jahr",
                  "Steigung der Regressionsgeraden von x über die Jahre a…b (kleinste Quadrate)", "–",
                  "eigene Berechnung", "Um wie viel die Kennzahl im Mittel pro Jahr zu- oder abnimmt; ausgewiesen im "
                  "letzten Jahr des Zeitraums.", "Trend", 2))
_declare(Kennzahl("kreiswert", "Kreiswert", "wie Kennzahl", "Wert des Kreises im selben Jahr", "–", "eigene Berechnung",
                  "Der Vergleichswert des ganzen Kreises für dieselbe Kennzahl und dasselbe Jahr.", "Vergleich", 1))
_declare(Kennzahl("abweichung_kreis_prozent", "Abweichung vom Kreiswert in %", "%",
                  "(x / Kreiswert − 1) × 100", "–", "eigene Berechnung",
                  "Wie viel Prozent der Wert des Gebiets über (+) oder unter (−) dem Kreiswert liegt.", "Vergleich", 1))
_declare(Kennzahl("bedarfsindex", "Bedarfsindex", "z-Wert",
                  "z-Standardisierung des gewichteten Mittels der z-Werte der Indikatoren", "–",
                  "nach Berlin Monitoring Soziale Stadtentwicklung, Hamburg RISE, Münster",
                  "Je Jahr wird jeder Indikator über die Gebiete z-standardisiert (Vorzeichen umgekehrt, wo ein "
                  "niedriger Wert mehr Bedarf bedeutet), gewichtet gemittelt (Standard: gleiche Gewichte) und das "
                  "Mittel erneut standardisiert. Gebiete unter 300 Einwohnern erhalten keinen Index.", "Bedarf", 2))
_declare(Kennzahl("bedarfsindex_klasse", "Bedarfsklasse", "Klasse",
                  "Standard: 4 = hoch (> +1), 3 = erhöht (0 … +1), 2 = durchschnittlich (−1 … 0), 1 = niedrig (< −1)",
                  "–", "nach Berlin Monitoring Soziale Stadtentwicklung",
                  "Klassen nach Standardabweichungen des Bedarfsindex, 1 = niedrigster Bedarf; Grenzen und Namen legt "
                  "der Kreis fest (Seite Daten importieren, z. B. −1, +1, +1,5 wie Berlin), wahlweise Quantile.",
                  "Bedarf"))
_declare(Kennzahl("indikator", "Sozialstrukturindikator", "laut Datei", "Wert aus der Indikatorendatei; im Sozialraum "
                  "bevölkerungsgewichtetes Mittel der Planungsräume", "Bevölkerung (Gewicht)", "laut Datei",
                  "Sozialstrukturdaten wie SGB-II-Quote der unter 15-Jährigen, Anteil Alleinerziehender, "
                  "Arbeitslosenquote, GISD (RKI).", "Bedarf", 1))

TREND_SUFFIXES = ("vorjahr_abs", "vorjahr_prozent", "index", "wachstum_prozent", "trend_steigung")
COMPARISON_SUFFIXES = ("kreiswert", "abweichung_kreis_prozent")
_SCALE = {1000: "1.000", 10000: "10.000", 100: "100"}


def eckwert_id(skala: int = 1000, nenner: str = "u21") -> str:
    return f"eckwert_je_{skala}_{nenner}"


def ausgaben_je_id(nenner: str = "u21") -> str:
    return f"ausgaben_je_jugendeinwohner_{nenner}"


def describe(kennzahl_id: str) -> Kennzahl:
    """The declaration of any id the engine emits, with its parameters filled in.

    >>> describe("eckwert_je_10000_u18").label
    'Eckwert je 10.000 unter 18 Jahre'
    """
    if kennzahl_id in KENNZAHLEN:
        return KENNZAHLEN[kennzahl_id]
    if m := re.fullmatch(r"eckwert_je_(\d+)_(u21|u18|18_21|gesamt)", kennzahl_id):
        skala, nenner = int(m[1]), DENOMINATORS[m[2]]
        base = KENNZAHLEN["eckwert"]
        scale = _SCALE.get(skala, str(skala))
        short = nenner.label.replace("0 bis unter", "unter").replace(" Jahre", "")
        return replace(base, id=kennzahl_id, label=f"Eckwert je {scale} {short} Jahre", einheit=f"je {scale}",
                       nenner=f"Bevölkerung {nenner.label} am 31.12.")
    if m := re.fullmatch(r"ausgaben_je_jugendeinwohner_(u21|u18|18_21|gesamt)", kennzahl_id):
        nenner = DENOMINATORS[m[1]]
        base = KENNZAHLEN["ausgaben_je_jugendeinwohner"]
        return replace(base, id=kennzahl_id, nenner=f"Bevölkerung {nenner.label} am 31.12.",
                       formel=f"Ausgaben / Bevölkerung {nenner.label}")
    if m := re.fullmatch(r"bevoelkerung_(u21|u18|18_21|gesamt)", kennzahl_id):
        nenner = DENOMINATORS[m[1]]
        base = KENNZAHLEN["bevoelkerung"]
        return replace(base, id=kennzahl_id, label=f"Bevölkerung {nenner.label}")
    if m := re.fullmatch(r"indikator_(.+)", kennzahl_id):
        return replace(KENNZAHLEN["indikator"], id=kennzahl_id, label=m[1])
    for suffix in TREND_SUFFIXES + COMPARISON_SUFFIXES:
        if kennzahl_id.endswith("_" + suffix):
            base = describe(kennzahl_id[: -len(suffix) - 1])
            method = KENNZAHLEN[suffix]
            einheit = base.einheit if method.einheit == "wie Kennzahl" else method.einheit
            return replace(method, id=kennzahl_id, label=f"{base.label}: {method.label}", einheit=einheit,
                           nenner=base.nenner)
    raise KeyError(f"Unbekannte Kennzahl: {kennzahl_id}")


def anzeige_dezimalen(kennzahl_id: str) -> int:
    """Decimal places the dashboard shows for an emitted id; a Kreiswert or trend "wie Kennzahl" keeps
    those of its Kennzahl (``ausgaben_je_jugendeinwohner_u21_kreiswert`` -> 2)."""
    info = describe(kennzahl_id)
    for suffix in TREND_SUFFIXES + COMPARISON_SUFFIXES:
        if kennzahl_id.endswith("_" + suffix) and KENNZAHLEN[suffix].einheit == "wie Kennzahl":
            return max(info.dezimalen, describe(kennzahl_id[: -len(suffix) - 1]).dezimalen)
    return info.dezimalen


def base_of(kennzahl_id: str) -> str:
    """The declared registry entry an emitted id comes from (``eckwert_je_1000_u21`` -> ``eckwert``)."""
    if kennzahl_id in KENNZAHLEN:
        return kennzahl_id
    for suffix in TREND_SUFFIXES + COMPARISON_SUFFIXES:
        if kennzahl_id.endswith("_" + suffix) and kennzahl_id != suffix:
            return suffix
    for prefix in ("eckwert", "ausgaben_je_jugendeinwohner", "bevoelkerung", "indikator"):
        if kennzahl_id.startswith(prefix + "_"):
            return prefix
    raise KeyError(f"Unbekannte Kennzahl: {kennzahl_id}")


# German names of the social indicators planners typically bring (domain.md, "Needs"); an id not
# listed here is shown as it stands in the file.
INDIKATOR_LABELS = {
    "sgb2_quote_u15": "SGB-II-Quote unter 15 Jahre",
    "alleinerziehende_anteil": "Anteil Alleinerziehender",
    "arbeitslosenquote": "Arbeitslosenquote",
    "migration_u18_anteil": "Anteil unter 18-Jähriger mit Migrationshintergrund",
    "gisd_score": "GISD (Deprivationsindex, RKI)",
    "wohnflaeche_je_einwohner": "Wohnfläche je Einwohner",
}


def indikator_label(indikator: str) -> str:
    """``sgb2_quote_u15`` -> ``SGB-II-Quote unter 15 Jahre``; unknown ids unchanged."""
    return INDIKATOR_LABELS.get(indikator, indikator)
