"""Regionalbudget: distribute a total budget to the Sozialräume by a formula, Hamburg Jugendeinwohnerwert style.

A formula (``Formel``) has three parts, given as fractions of the total that sum to 1:

* **Sockel**: split equally among the Sozialräume, so every area gets it, even one with 0 Einwohner;
* **Einwohner**: by the population of the target age group (for example under 21);
* **Bedarf**: by need-weighted points = Einwohner × the weight of the area's Bedarfsindex class
  (Hamburg JEW: a young inhabitant of an area with high need counts more). Default weights
  niedrig 0,8, durchschnittlich 1,0, erhöht 1,2, hoch 1,5. An area without a class (too small for
  the index, or data missing) counts with weight 1,0, and its row says so in ``hinweis``.

Amounts are euro cents, and the areas' budgets add up exactly to the total, since a budget decision
is booked to the cent. Each area's exact share is a ``Fraction`` (no float rounding); it is floored,
and the cents left over go one each to the areas with the largest remainders (largest remainder,
Hare–Niemeyer). Tie rule: equal remainders go to the larger exact share first, then to the smaller
``raum_id`` (as text), so the result does not depend on the row order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Integral, Real
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .altersgruppen import DENOMINATORS
from .bedarfsindex import KLASSEN
from .dialect import parse_number
from .formatting import format_number

if TYPE_CHECKING:
    from .kennzahlen import Engine

STANDARD_GEWICHTE: Mapping[str, float] = MappingProxyType({"niedrig": 0.8, "durchschnittlich": 1.0, "erhöht": 1.2, "hoch": 1.5})
GEWICHT_OHNE_KLASSE = 1.0
HINWEIS_OHNE_KLASSE = "keine Bedarfsklasse: Gewicht 1,0 angenommen"
SPALTEN = ("raum_id", "name", "einwohner", "bedarfsklasse")
# Shares typed as floats, such as 1/3 three times, miss 1 by a last binary digit; that close counts as 1.
TOLERANZ = 1e-9


def _ist_zahl(wert: Any) -> bool:
    return isinstance(wert, Real) and not isinstance(wert, bool) and math.isfinite(wert)


def _bruch(wert: Any) -> Fraction:
    """The exact value the user wrote: 0.8 -> 4/5, not the binary float 0.8000000000000000444…"""
    if isinstance(wert, Fraction):
        return wert
    if isinstance(wert, Integral):
        return Fraction(int(wert))
    return Fraction(repr(float(wert)))


def _prozent(anteil: Any) -> str:
    """0.2 -> "20 %", 1/3 -> "33,33 %"."""
    return format_number(float(anteil) * 100, 2).rstrip("0").rstrip(",") + " %"


@dataclass(frozen=True)
class Formel:
    """One scenario of the Regionalbudget: its name, the three shares (fractions summing to 1) and the class weights.

    ``gewichte`` needs a weight ≥ 0 for each Bedarfsindex class (hoch, erhöht, durchschnittlich, niedrig).
    Shares and weights may be floats (taken as the decimal number they show), ints or ``Fraction``.
    """

    name: str
    anteil_sockel: float
    anteil_einwohner: float
    anteil_bedarf: float
    gewichte: Mapping[str, float] = field(default_factory=lambda: dict(STANDARD_GEWICHTE))

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("Jedes Szenario braucht einen Namen.")
        anteile = {"Sockel": self.anteil_sockel, "Einwohner": self.anteil_einwohner, "Bedarf": self.anteil_bedarf}
        for teil, anteil in anteile.items():
            if not _ist_zahl(anteil):
                raise ValueError(f"Szenario „{self.name}“: Der Anteil {teil} muss eine Zahl sein (angegeben: {anteil!r}).")
            if anteil < 0:
                raise ValueError(f"Szenario „{self.name}“: Der Anteil {teil} darf nicht negativ sein (angegeben: {_prozent(anteil)}).")
        summe = sum(_bruch(anteil) for anteil in anteile.values())
        if abs(summe - 1) > TOLERANZ:
            einzeln = ", ".join(f"{teil} {_prozent(anteil)}" for teil, anteil in anteile.items())
            raise ValueError(f"Szenario „{self.name}“: Die Anteile für Sockel, Einwohner und Bedarf müssen zusammen 100 % "
                             f"ergeben, angegeben sind {_prozent(summe)} ({einzeln}).")
        gewichte = dict(self.gewichte)
        unbekannt = [klasse for klasse in gewichte if klasse not in KLASSEN.values()]
        if unbekannt:
            raise ValueError(f"Szenario „{self.name}“: Unbekannte Bedarfsklasse in den Gewichten: {', '.join(map(str, unbekannt))}. "
                             f"Möglich sind: {', '.join(KLASSEN.values())}.")
        fehlend = [klasse for klasse in KLASSEN.values() if klasse not in gewichte]
        if fehlend:
            raise ValueError(f"Szenario „{self.name}“: Es fehlt ein Gewicht für die Bedarfsklasse {', '.join(fehlend)}.")
        for klasse, gewicht in gewichte.items():
            if not _ist_zahl(gewicht) or gewicht < 0:
                raise ValueError(f"Szenario „{self.name}“: Das Gewicht der Bedarfsklasse {klasse} muss eine Zahl ≥ 0 sein "
                                 f"(angegeben: {gewicht!r}).")
        object.__setattr__(self, "gewichte", MappingProxyType(gewichte))

    def anteile(self) -> tuple[Fraction, Fraction, Fraction]:
        """Sockel, Einwohner and Bedarf as exact fractions that sum to exactly 1."""
        teile = [_bruch(anteil) for anteil in (self.anteil_sockel, self.anteil_einwohner, self.anteil_bedarf)]
        summe = sum(teile)
        sockel, einwohner, bedarf = (teil / summe for teil in teile)
        return sockel, einwohner, bedarf


def _pruefe_gesamt(gesamt_cent: Any) -> None:
    if not isinstance(gesamt_cent, Integral) or isinstance(gesamt_cent, bool):
        raise ValueError(f"Das Gesamtbudget muss eine ganze Zahl von Cent sein (angegeben: {gesamt_cent!r}).")
    if gesamt_cent < 0:
        raise ValueError(f"Das Gesamtbudget darf nicht negativ sein (angegeben: {gesamt_cent} Cent).")


def _klasse(wert: Any, raum_id: str) -> str | None:
    """A class label ("hoch", …) or code (4 … 1, as ``bedarfsindex`` gives them) -> label; empty -> None."""
    if isinstance(wert, str):
        text = wert.strip().lower()
        if not text:
            return None
        if text in KLASSEN.values():
            return text
    elif wert is None or pd.isna(wert):
        return None
    elif _ist_zahl(wert) and wert in KLASSEN:
        return KLASSEN[int(wert)]
    raise ValueError(f"Unbekannte Bedarfsklasse „{wert}“ bei raum_id {raum_id}. Möglich sind: {', '.join(KLASSEN.values())} "
                     "(oder 4 bis 1) oder leer.")


def _pruefe_gebiete(gebiete: pd.DataFrame) -> tuple[list[str], pd.Series, list[str | None]]:
    """raum_id as text, einwohner as numbers, the class labels; German errors naming the rows that are wrong."""
    fehlend = [spalte for spalte in SPALTEN if spalte not in gebiete.columns]
    if fehlend:
        raise ValueError(f"In der Tabelle der Sozialräume fehlen Spalten: {', '.join(fehlend)}.")
    if gebiete.empty:
        raise ValueError("Die Tabelle der Sozialräume ist leer; es gibt keinen Sozialraum, an den verteilt werden kann.")
    if gebiete["raum_id"].isna().any():
        zeilen = [str(nummer + 1) for nummer in np.flatnonzero(gebiete["raum_id"].isna())]
        raise ValueError(f"Sozialraum ohne raum_id in Zeile {', '.join(zeilen)}.")
    raum_id = gebiete["raum_id"].astype(str).str.strip()
    doppelt = sorted(raum_id[raum_id.duplicated()].unique())
    if doppelt:
        raise ValueError(f"raum_id mehrfach vergeben: {', '.join(doppelt)}. Jeder Sozialraum darf nur eine Zeile haben.")
    einwohner = pd.to_numeric(gebiete["einwohner"], errors="coerce")
    ungueltig = einwohner.isna() | np.isinf(einwohner.astype(float))
    if ungueltig.any():
        raise ValueError(f"Fehlende oder ungültige Einwohnerzahl bei raum_id {', '.join(raum_id[ungueltig])}.")
    negativ = einwohner < 0
    if negativ.any():
        einzeln = ", ".join(f"{rid} ({format_number(wert)})" for rid, wert in zip(raum_id[negativ], einwohner[negativ]))
        raise ValueError(f"Negative Einwohnerzahl bei raum_id {einzeln}.")
    klassen = [_klasse(wert, rid) for wert, rid in zip(gebiete["bedarfsklasse"], raum_id)]
    return list(raum_id), einwohner, klassen


def _nach_schluessel(betrag: Fraction, schluessel: list[Fraction], teil: str, anteil: Fraction) -> list[Fraction]:
    """``betrag`` split in proportion to ``schluessel`` (population or points)."""
    if betrag == 0:
        return [Fraction(0)] * len(schluessel)
    summe = sum(schluessel)
    if summe == 0:
        raise ValueError(f"Der Anteil {teil} ({_prozent(anteil)}) kann nicht verteilt werden: alle Sozialräume haben "
                         f"0 {'Einwohner' if teil == 'Einwohner' else 'Bedarfspunkte (Einwohner × Gewicht)'}.")
    return [betrag * wert / summe for wert in schluessel]


def _groesster_rest(exakt: Sequence[Fraction], gesamt: int, raum_ids: Sequence[str]) -> list[int]:
    """Floor each exact share, then one cent each to the largest remainders (tie: larger share, then raum_id)."""
    budget = [math.floor(anteil) for anteil in exakt]
    reihenfolge = sorted(range(len(exakt)), key=lambda i: (-(exakt[i] - budget[i]), -exakt[i], raum_ids[i]))
    for i in reihenfolge[:gesamt - sum(budget)]:
        budget[i] += 1
    return budget


def verteilen(gesamt_cent: int, gebiete: pd.DataFrame, formel: Formel) -> pd.DataFrame:
    """The Regionalbudget of each Sozialraum under ``formel``; the budgets sum exactly to ``gesamt_cent``.

    ``gebiete``: one row per Sozialraum with raum_id, name, einwohner (population of the target age group)
    and bedarfsklasse ("hoch", "erhöht", "durchschnittlich", "niedrig", the codes 4 … 1, or empty).

    Returns one row per Sozialraum, in the input order:

    - raum_id (text), name, einwohner: as given;
    - bedarfsklasse: the class label, ``None`` if the area has none;
    - gewicht: the weight of that class (1,0 without class); punkte: einwohner × gewicht;
    - sockel_cent, einwohner_cent, bedarf_cent: the exact parts of the formula in cents (floats, for display);
    - budget_cent (int): the budget, exact share rounded by largest remainder, so the column sums to gesamt_cent;
    - anteil_prozent: budget_cent as percent of gesamt_cent (NaN if gesamt_cent is 0);
    - hinweis: "keine Bedarfsklasse: Gewicht 1,0 angenommen" for areas without class, else "".
    """
    _pruefe_gesamt(gesamt_cent)
    raum_ids, einwohner, klassen = _pruefe_gebiete(gebiete)
    anteil_sockel, anteil_einwohner, anteil_bedarf = formel.anteile()
    gesamt = Fraction(int(gesamt_cent))
    anzahl = len(raum_ids)
    einwohner_exakt = [_bruch(wert) for wert in einwohner]
    gewichte = [_bruch(formel.gewichte[klasse] if klasse else GEWICHT_OHNE_KLASSE) for klasse in klassen]
    punkte = [wert * gewicht for wert, gewicht in zip(einwohner_exakt, gewichte)]
    sockel = [gesamt * anteil_sockel / anzahl] * anzahl
    nach_einwohnern = _nach_schluessel(gesamt * anteil_einwohner, einwohner_exakt, "Einwohner", anteil_einwohner)
    nach_bedarf = _nach_schluessel(gesamt * anteil_bedarf, punkte, "Bedarf", anteil_bedarf)
    exakt = [s + e + b for s, e, b in zip(sockel, nach_einwohnern, nach_bedarf)]
    budget = _groesster_rest(exakt, int(gesamt_cent), raum_ids)
    return pd.DataFrame({
        "raum_id": raum_ids,
        "name": gebiete["name"].to_numpy(),
        "einwohner": gebiete["einwohner"].to_numpy(),
        "bedarfsklasse": pd.Series(klassen, dtype=object),
        "gewicht": [float(gewicht) for gewicht in gewichte],
        "punkte": [float(wert) for wert in punkte],
        "sockel_cent": [float(wert) for wert in sockel],
        "einwohner_cent": [float(wert) for wert in nach_einwohnern],
        "bedarf_cent": [float(wert) for wert in nach_bedarf],
        "budget_cent": pd.Series(budget, dtype="int64"),
        "anteil_prozent": [wert * 100 / gesamt_cent if gesamt_cent else math.nan for wert in budget],
        "hinweis": ["" if klasse else HINWEIS_OHNE_KLASSE for klasse in klassen],
    })


def szenarien(gesamt_cent: int, gebiete: pd.DataFrame, formeln: list[Formel]) -> pd.DataFrame:
    """Several formulas side by side, each against the first one.

    One row per Sozialraum: raum_id, name; then for each scenario "<Name> (Cent)" (its budget_cent);
    then for each scenario after the first "<Name>: Änderung zu <erster Name> (Cent)" (difference in cents)
    and "<Name>: Änderung zu <erster Name> (%)" (difference in percent of the first scenario's budget,
    NaN where that is 0).
    """
    if not formeln:
        raise ValueError("Für den Vergleich wird mindestens ein Szenario gebraucht.")
    namen = [formel.name for formel in formeln]
    doppelt = sorted({name for name in namen if namen.count(name) > 1})
    if doppelt:
        raise ValueError(f"Szenarionamen mehrfach vergeben: {', '.join(doppelt)}. Jedes Szenario braucht einen eigenen Namen.")
    ergebnisse = [verteilen(gesamt_cent, gebiete, formel) for formel in formeln]
    tabelle = ergebnisse[0][["raum_id", "name"]].copy()
    for name, ergebnis in zip(namen, ergebnisse):
        tabelle[f"{name} (Cent)"] = ergebnis["budget_cent"]
    basis_name, basis = namen[0], ergebnisse[0]["budget_cent"]
    for name, ergebnis in zip(namen[1:], ergebnisse[1:]):
        aenderung = ergebnis["budget_cent"] - basis
        tabelle[f"{name}: Änderung zu {basis_name} (Cent)"] = aenderung
        tabelle[f"{name}: Änderung zu {basis_name} (%)"] = aenderung * 100 / basis.where(basis != 0)
    return tabelle


def gewichte_je_klasse(gewichte: Mapping[str, float] = STANDARD_GEWICHTE) -> tuple[float, ...]:
    """The weights by class number, 1 (lowest need) first: (0,8, 1,0, 1,2, 1,5) with the default weights.

    The Kreis may name its four classes otherwise; the weights follow the rank, as in :func:`verteilen`.
    """
    return tuple(gewichte[KLASSEN[nummer]] for nummer in sorted(KLASSEN))


def gesamtbudget_cent(eingabe: str) -> int | None:
    """The total budget as a planner writes it ("1.250.000,00", "1.250.000 €") in cents; None when it is
    not an amount (no number, or negative)."""
    betrag = parse_number(eingabe.replace("€", ""), "de")
    if betrag is None or betrag < 0:
        return None
    return int(round(betrag * 100))


def sozialraeume(engine: Engine, jahr: int, nenner: str = "u21") -> pd.DataFrame:
    """The input of :func:`verteilen` from the engine: one row per Sozialraum, in the engine's order.

    raum_id, name; einwohner: the population of the ``nenner`` age group ("u21", "u18", "18_21") in ``jahr``;
    bedarfsklasse: the class number 1 (lowest need) … k of the Bedarfsindex of ``jahr``, else of the latest
    earlier year with an index, None where the area has none. ``attrs["bedarfsjahr"]`` says which year's
    index (None without any). Raises ``ValueError`` when that population is missing.
    """
    tabelle = engine.table("sozialraum")
    spalte = f"bevoelkerung_{nenner}"
    if spalte not in tabelle.columns:
        bereich = DENOMINATORS[nenner].label if nenner in DENOMINATORS else nenner
        raise ValueError(f"Für das Regionalbudget fehlt die Bevölkerung von {bereich}.")
    areas = engine.areas("sozialraum")
    namen = engine.dataset.area_names()
    bedarfsjahr = engine.bedarfsindex_jahr("sozialraum", jahr)
    index = engine.bedarfsindex("sozialraum", bedarfsjahr) if bedarfsjahr is not None else None
    klassen = index.set_index("area")["klasse"] if index is not None else pd.Series(dtype=object)
    einwohner = tabelle.xs((jahr, "gesamt"), level=("jahr", "hilfeart"))[spalte].reindex(areas)
    gebiete = pd.DataFrame({"raum_id": areas, "name": [namen.get(a, a) for a in areas],
                            "einwohner": einwohner.to_numpy(), "bedarfsklasse": [klassen.get(a) for a in areas]})
    gebiete.attrs["bedarfsjahr"] = bedarfsjahr
    return gebiete


def szenarien_in_euro(vergleich: pd.DataFrame) -> pd.DataFrame:
    """The :func:`szenarien` table for people: "Sozialraum" (the name), then every column after raum_id and
    name, the cent columns in euro and named "… (€)", the percent columns as they are."""
    anzeige = pd.DataFrame({"Sozialraum": vergleich["name"]})
    for spalte in vergleich.columns[2:]:
        anzeige[spalte.replace(" (Cent)", " (€)")] = (vergleich[spalte] / 100 if spalte.endswith("(Cent)")
                                                      else vergleich[spalte])
    return anzeige
