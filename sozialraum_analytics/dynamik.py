"""Dynamik beside Status: how the areas' social structure changed, as social monitorings publish it.

The Berlin Monitoring Soziale Stadtentwicklung sets a **status index** (where an area stands: here the
:mod:`~sozialraum_analytics.bedarfsindex`) beside a **dynamics index** (how it changed over the last two
years). For the dynamics each indicator's change is taken in its own unit (percentage points for shares),
z-standardised across the areas with the sign turned where a lower value means more need, the z-values
averaged with the same weights as the status and standardised again. Classes at ±1 standard deviation:
*negativ* (need grew markedly, above +1), *stabil*, *positiv* (need fell markedly, below −1); a value
exactly on ±1 is *stabil*, as a value on a status boundary belongs to the class nearer to the mean.

Status and dynamics together give four groups:

=====================================  ===================================  ==================
group                                  status (Bedarfsindex)                dynamics
=====================================  ===================================  ==================
1 besonderer Aufmerksamkeitsbedarf     above the mean (index > 0)           negativ
2 Bedarf hoch, Entwicklung stabil      above the mean                       stabil or positiv
3 beobachten                           at or below the mean (index ≤ 0)     negativ
4 unauffällig                          at or below the mean                 stabil or positiv
=====================================  ===================================  ==================

Areas under 300 inhabitants, and areas without both years of an indicator in use, get no dynamics
(as they get no status). Pure computation: no Streamlit.

**Given change indicators.** A monitoring may publish the changes itself ("Veränderung des Anteils der
Arbeitslosen … in Prozentpunkten vom 31.12.2016 zum 31.12.2018", Berlin's *Dynamikindikatoren*). Such an
indicator is recognised by :func:`ist_veraenderung`: its unit is percentage points (a level is never
measured in percentage points, only a difference of two shares), or its name begins with "Veränderung",
"Änderung", "Verä." or "Dynamik"; in a file whose indicators are Berlin's ``S1``, ``S2`` … the columns
``D1``, ``D2`` … are the changes (:func:`veraenderungsindikatoren`). A given change is never part of the
status (the Bedarfsindex leaves it out) and is not differenced again: where the year has given changes,
they *are* the dynamics (standardised, signed by their own ``richtung``, weighted and classed as above),
and the indicators of two years are not compared. The period is the one the names state ("2020–2022",
"2020 bis 2022", "vom 31.12.2020 zum 31.12.2022"), else the usual two years.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .bedarfsindex import MIN_EINWOHNER, zscore
from .dialect import fold

ABSTAND = 2  # years between the two states compared, as in the Berlin MSS
DYNAMIKKLASSEN = ("positiv", "stabil", "negativ")
GRUPPEN = {1: "besonderer Aufmerksamkeitsbedarf", 2: "hoher Bedarf, Entwicklung stabil oder positiv",
           3: "Entwicklung negativ: beobachten", 4: "unauffällig"}
# The groups where a table has little room (slides): the same four, in a word or two.
GRUPPEN_KURZ = {1: "besondere Aufmerksamkeit", 2: "hoher Bedarf", 3: "beobachten", 4: "unauffällig"}
# How the classes read in a legend (the bounds in standard deviations of the dynamics index).
DYNAMIKKLASSEN_BEREICHE = {"positiv": "unter −1", "stabil": "−1 bis +1", "negativ": "über +1"}
# Labels of the two map measures and of an area without dynamics (never drawn like a class).
DYNAMIK_LABEL = "Dynamikindex"
GRUPPEN_LABEL = "Status und Dynamik"
KEINE_ANGABE = "keine Angabe (zu wenige Einwohner oder Daten)"


@dataclass(frozen=True)
class Dynamik:
    """The dynamics of ``jahr`` against ``basisjahr``.

    ``werte``: one row per area with ``raum_id``, ``d_<indikator>`` (change in the indicator's unit),
    ``dz_<indikator>`` (its z-value, sign turned where low means need), ``dynamikindex`` and ``dynamik``
    (positiv / stabil / negativ; missing where the area has no dynamics). ``gegeben``: the given change
    indicators the dynamics rest on (empty: the indicators of two years were differenced).
    """

    jahr: int
    basisjahr: int
    gewichte: dict[str, float]
    werte: pd.DataFrame
    ausgeschlossen: tuple[str, ...]
    gegeben: tuple[str, ...] = ()


# Percentage points as monitorings write them ("Prozentpunkte", "%-Punkte", "%-Pkt.", "pp", "Pp.").
_PROZENTPUNKTE = re.compile(r"^(prozent-?punkte?|%-?punkte?|%-?pkt\.?|pp\.?|%p)$")
_VERAENDERUNG = ("veraenderung", "verae.", "aenderung", "dynamik")
_STATUS_BERLIN, _DYNAMIK_BERLIN = re.compile(r"^S\d+$"), re.compile(r"^D\d+$")


def ist_veraenderung(indikator: str, einheit: str | None = None) -> bool:
    """Whether an indicator is a given change (see the module's text): percentage points, or a name that
    begins with Veränderung, Änderung, Verä. or Dynamik.

    >>> ist_veraenderung("sgb2_quote", "Prozentpunkte"), ist_veraenderung("Veränderung SGB-II-Quote 2020–2022")
    (True, True)
    >>> ist_veraenderung("Dynamik 1"), ist_veraenderung("sgb2_quote", "%"), ist_veraenderung("Arbeitslose", "%-Pkt.")
    (True, False, True)
    """
    name = fold(str(indikator))
    if einheit is not None and not pd.isna(einheit) and _PROZENTPUNKTE.match(fold(str(einheit)).replace(" ", "")):
        return True
    return name.startswith(_VERAENDERUNG)


def veraenderungsindikatoren(indikatoren: pd.DataFrame) -> tuple[str, ...]:
    """The names of the given change indicators in a long indicator table (``indikator``, optional ``einheit``).

    >>> t = pd.DataFrame({"indikator": ["S1", "S2", "D1", "D2", "x"], "einheit": [None, None, None, None, "pp"]})
    >>> veraenderungsindikatoren(t)
    ('D1', 'D2', 'x')
    """
    if indikatoren is None or "indikator" not in indikatoren or not len(indikatoren):
        return ()
    einheit = indikatoren["einheit"] if "einheit" in indikatoren else pd.Series(None, index=indikatoren.index)
    paare = pd.DataFrame({"indikator": indikatoren["indikator"].astype(str), "einheit": einheit.to_numpy()})
    namen = set(paare["indikator"])
    berlin = any(_STATUS_BERLIN.match(n) for n in namen)
    gegeben = {n for n, e in paare.drop_duplicates().itertuples(index=False, name=None) if ist_veraenderung(n, e)}
    gegeben |= {n for n in namen if berlin and _DYNAMIK_BERLIN.match(n)}
    return tuple(sorted(gegeben))


_ZEITRAUM = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:[–—-]|bis|zum\s+(?:\d{1,2}\.\d{1,2}\.)?)\s*((?:19|20)\d\d)(?!\d)")


def zeitraum(indikator: str) -> tuple[int, int] | None:
    """The period a change indicator's name states, else None.

    >>> zeitraum("Veränderung SGB-II-Quote 2020–2022"), zeitraum("Arbeitslose vom 31.12.2016 zum 31.12.2018")
    ((2020, 2022), (2016, 2018))
    >>> zeitraum("Veränderung 2021 bis 2023 in Prozentpunkten"), zeitraum("Dynamik 1")
    ((2021, 2023), None)
    """
    treffer = _ZEITRAUM.search(str(indikator))
    if treffer is None:
        return None
    von, bis = int(treffer.group(1)), int(treffer.group(2))
    return (von, bis) if von < bis else None


def dynamikklasse(index: pd.Series) -> pd.Series:
    """positiv below −1, negativ above +1, stabil between (±1 included); missing stays missing.

    >>> list(dynamikklasse(pd.Series([-1.5, -1.0, 0.2, 1.0, 1.01, np.nan])))
    ['positiv', 'stabil', 'stabil', 'stabil', 'negativ', nan]
    """
    klasse = pd.Series(np.where(index > 1, "negativ", np.where(index < -1, "positiv", "stabil")),
                       index=index.index, dtype=object)
    return klasse.where(index.notna())


def compute_dynamik(indikatoren: pd.DataFrame, einwohner: pd.Series, jahr: int, abstand: int = ABSTAND,
                    gewichte: dict[str, float] | None = None, veraenderungen: Collection[str] = ()) -> Dynamik:
    """The dynamics index of ``jahr`` against ``jahr − abstand``.

    ``indikatoren``: long rows jahr, raum_id, indikator, wert, richtung ("hoch"/"niedrig"), as for the
    Bedarfsindex; ``einwohner``: population per raum_id in ``jahr`` (areas under 300 are left out).
    Only indicators present in both years enter; ``gewichte`` as for the status (default: equal).
    ``veraenderungen``: the indicators that are given changes (:func:`veraenderungsindikatoren`); where
    ``jahr`` has any, the dynamics rest on them alone (a given change without a weight of its own counts 1).
    """
    veraenderungen = set(veraenderungen)

    def breit(j: int) -> pd.DataFrame:
        rows = indikatoren[indikatoren["jahr"] == j]
        wide = rows.pivot_table(index="raum_id", columns="indikator", values="wert", aggfunc="first", observed=True)
        wide.index = wide.index.astype(str)
        return wide

    jetzt = breit(jahr)
    gegeben = [n for n in jetzt.columns if n in veraenderungen]
    if gegeben:
        # The file states the change: taken as it is, over the period its names state.
        perioden = {zeitraum(n) for n in gegeben}
        periode = perioden.pop() if len(perioden) == 1 else None
        basisjahr = periode[0] if periode is not None and periode[1] == jahr else jahr - abstand
        namen = gegeben
        gewichte = {n: float(gewichte.get(n, 1.0)) if gewichte else 1.0 for n in namen}
        raeume = jetzt.index
        aenderung = jetzt.reindex(columns=namen).astype(float)
    else:
        basisjahr = jahr - abstand
        vorher = breit(basisjahr)
        namen = [n for n in jetzt.columns if n in vorher.columns and n not in veraenderungen]
        gewichte = {n: 1.0 for n in namen} if not gewichte else {n: float(gewichte.get(n, 0.0)) for n in namen}
        raeume = jetzt.index.union(vorher.index)
        aenderung = None
    richtung = (indikatoren.dropna(subset=["richtung"]).drop_duplicates("indikator").set_index("indikator")["richtung"]
                if "richtung" in indikatoren else pd.Series(dtype=object))
    used = [n for n in namen if gewichte[n] > 0]
    if aenderung is None:
        aenderung = jetzt.reindex(index=raeume, columns=used).astype(float) - vorher.reindex(index=raeume, columns=used)
    aenderung = aenderung.reindex(columns=used)
    einwohner = einwohner.copy()
    einwohner.index = einwohner.index.astype(str)
    einwohner = einwohner.reindex(raeume)
    klein = einwohner.isna() | (einwohner < MIN_EINWOHNER)
    vollstaendig = aenderung.notna().all(axis=1) if used else pd.Series(False, index=raeume)
    geeignet = ~klein & vollstaendig
    werte = pd.DataFrame(index=raeume)
    for name in used:
        werte[f"d_{name}"] = aenderung[name]
    for name in used:
        vorzeichen = -1.0 if richtung.get(name) == "niedrig" else 1.0
        werte[f"dz_{name}"] = vorzeichen * zscore(aenderung.loc[geeignet, name])
    summe = sum(gewichte[n] for n in used)
    if used and summe > 0 and geeignet.any():
        mittel = sum(werte[f"dz_{n}"] * gewichte[n] for n in used) / summe
        index = zscore(mittel[geeignet]).reindex(raeume)
    else:
        index = pd.Series(np.nan, index=raeume)
    werte["dynamikindex"] = index
    werte["dynamik"] = dynamikklasse(index)
    werte = werte.rename_axis("raum_id").reset_index()
    return Dynamik(jahr, basisjahr, gewichte, werte, tuple(sorted(raeume[~geeignet])), tuple(used if gegeben else ()))


def gruppe(bedarfsindex: float, dynamik: str | None) -> int | None:
    """The group 1–4 of an area (see the module's table); None without status or dynamics.

    >>> gruppe(0.4, "negativ"), gruppe(0.4, "positiv"), gruppe(0.0, "negativ"), gruppe(-2.0, "stabil")
    (1, 2, 3, 4)
    """
    if bedarfsindex is None or pd.isna(bedarfsindex) or dynamik not in DYNAMIKKLASSEN:
        return None
    hoch = bedarfsindex > 0
    negativ = dynamik == "negativ"
    return (1 if negativ else 2) if hoch else (3 if negativ else 4)


def status_und_dynamik(status: pd.DataFrame, dynamik: Dynamik) -> pd.DataFrame:
    """Status and dynamics per area with the group: raum_id, bedarfsindex, klasse, dynamikindex, dynamik,
    gruppe, gruppe_text; the areas with besonderem Aufmerksamkeitsbedarf first, then by the status index."""
    frame = status[["raum_id", "bedarfsindex", "klasse"]].merge(
        dynamik.werte[["raum_id", "dynamikindex", "dynamik"]], on="raum_id", how="outer")
    frame["gruppe"] = [gruppe(b, d) for b, d in zip(frame["bedarfsindex"], frame["dynamik"])]
    frame["gruppe"] = frame["gruppe"].astype("Int64")
    frame["gruppe_text"] = frame["gruppe"].map(GRUPPEN)
    return frame.sort_values(["gruppe", "bedarfsindex"], ascending=[True, False], na_position="last",
                             kind="stable").reset_index(drop=True)


def klassenwechsel(klassen: pd.DataFrame) -> pd.DataFrame:
    """When each area last changed its class: ``klassen`` has rows raum_id, jahr, klasse (a name).

    Returns one row per area that changed at all: raum_id, von, nach, seit (the first year of the current
    class), text ("von erhöht nach hoch seit 2022"). Years without a class for the area are skipped,
    so a gap does not count as a change.

    >>> k = pd.DataFrame({"raum_id": ["A"] * 3, "jahr": [2020, 2021, 2022], "klasse": ["erhöht", "erhöht", "hoch"]})
    >>> klassenwechsel(k)["text"].tolist()
    ['von erhöht nach hoch seit 2022']
    """
    zeilen = []
    gegeben = klassen.dropna(subset=["klasse"]).sort_values(["raum_id", "jahr"], kind="stable")
    for raum_id, reihe in gegeben.groupby("raum_id", sort=True):
        werte = list(zip(reihe["jahr"].astype(int), reihe["klasse"].astype(str)))
        for i in range(len(werte) - 1, 0, -1):
            if werte[i][1] != werte[i - 1][1]:
                von, (seit, nach) = werte[i - 1][1], werte[i]
                zeilen.append({"raum_id": str(raum_id), "von": von, "nach": nach, "seit": seit,
                               "text": f"von {von} nach {nach} seit {seit}"})
                break
    return pd.DataFrame(zeilen, columns=["raum_id", "von", "nach", "seit", "text"])
