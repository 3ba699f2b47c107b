"""The Übersicht beyond the engine's tables: which year a figure is shown for, which population
denominators are estimated, the Bedarfsindex and the social indicators at a glance.

Every value comes from the :class:`~sozialraum_analytics.kennzahlen.Engine`; this module only picks
years, counts classes and sorts. Areas are keyed by their id (``raum_id``); ``name`` is the unique
label of :meth:`~sozialraum_analytics.dataset.Dataset.area_names`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from .altersgruppen import DENOMINATORS, share_in_range
from .dataset import Dataset
from .kartenwerte import jahr_mit_werten, merkmale
from .kennzahlen import Engine


def jahre_mit_wert(tabelle: pd.DataFrame | None, area: str, hilfeart: str, spalte: str) -> list[int]:
    """The years in which the engine's wide ``tabelle`` has a value of ``spalte`` for ``area`` and ``hilfeart``.

    >>> index = pd.MultiIndex.from_tuples([(2022, "kreis", "gesamt"), (2023, "kreis", "gesamt")],
    ...                                   names=["jahr", "area", "hilfeart"])
    >>> jahre_mit_wert(pd.DataFrame({"ausgaben": [10.0, np.nan]}, index=index), "kreis", "gesamt", "ausgaben")
    [2022]
    """
    if tabelle is None or spalte not in tabelle.columns or not len(tabelle):
        return []
    index = tabelle.index
    maske = (index.get_level_values("area") == area) & (index.get_level_values("hilfeart") == hilfeart)
    werte = tabelle.loc[maske, spalte]
    return sorted(int(j) for j in werte[werte.notna()].index.get_level_values("jahr").unique())


def jahr_fuer_wert(jahre: list[int], jahr: int | None) -> int | None:
    """The year to show a figure for: ``jahr`` when it has a value, else the latest earlier year with one,
    else the latest year with one; ``None`` when no year has one (the rule of
    :func:`~sozialraum_analytics.kartenwerte.jahr_mit_werten`).

    >>> jahr_fuer_wert([2020, 2022], 2023), jahr_fuer_wert([2020, 2022], 2022), jahr_fuer_wert([2025], 2023)
    (2022, 2022, 2025)
    >>> jahr_fuer_wert([], 2023) is None
    True
    """
    if not jahre:
        return None
    if jahr in jahre:
        return jahr
    frueher = [j for j in jahre if jahr is None or j <= jahr]
    return frueher[-1] if frueher else jahre[-1]


# --- estimated denominators -----------------------------------------------------------------------
@dataclass(frozen=True)
class Schaetzung:
    """A population denominator of one year that holds a share of an age group straddling its limit.

    With the official groups "unter 21" is 0 bis unter 20 plus 1/5 of "20 bis unter 25": the five
    years of that group are taken as equally strong (linear interpolation, as the engine computes it
    in :func:`~sozialraum_analytics.altersgruppen.population_in_range`).
    """

    nenner: str
    jahr: int
    anteile: tuple[tuple[str, Fraction], ...]  # (age group, share counted in the denominator)

    @property
    def text(self) -> str:
        """``Geschätzt: 0 bis unter 21 Jahre enthält 1/5 der Altersgruppe „20 bis unter 25 Jahre“ …``."""
        teile = " und ".join(f"{anteil} der Altersgruppe „{gruppe}“" for gruppe, anteil in self.anteile)
        return (f"Geschätzt: {DENOMINATORS[self.nenner].label} ({self.jahr}) enthält {teile}; die Altersjahre einer "
                "Gruppe gelten als gleich stark besetzt (lineare Aufteilung der amtlichen Altersgruppen).")


def nenner_schaetzung(dataset: Dataset, nenner: str, jahr: int | None) -> Schaetzung | None:
    """How the population ``nenner`` (``u21``, ``u18``, ``18_21``) of ``jahr`` is estimated; ``None`` when it is
    an exact sum of the file's age groups (or there is no population of that year)."""
    tabelle = dataset.tables.get("bevoelkerung")
    if tabelle is None or jahr is None or nenner not in DENOMINATORS or "alter_von" not in tabelle:
        return None
    rows = tabelle[(tabelle["jahr"] == jahr) & tabelle["alter_von"].notna()]
    if rows.empty or "alter_bis" not in rows:
        return None
    bereich = DENOMINATORS[nenner]
    von = rows["alter_von"].to_numpy(dtype=float)
    bis = rows["alter_bis"].to_numpy(dtype=float, na_value=np.nan)
    anteil, _exakt = share_in_range(von, bis, bereich.von, bereich.bis)
    geteilt = (anteil > 0) & (anteil < 1)  # NaN (an open group that cannot be split) compares False
    gruppen = sorted({(int(v), int(b)) for v, b in zip(von[geteilt], bis[geteilt])})
    if not gruppen:
        return None
    anteile = []
    for v, b in gruppen:
        innen = min(b, bereich.bis if bereich.bis is not None else b) - max(v, bereich.von)
        anteile.append((f"{v} bis unter {b} Jahre", Fraction(innen, b - v)))
    return Schaetzung(nenner, int(jahr), tuple(anteile))


# --- the Bedarfsindex at a glance -----------------------------------------------------------------
@dataclass(frozen=True)
class Bedarfsuebersicht:
    """The Bedarfsindex of one level and year.

    ``gebiete``: one row per area of the level: ``raum_id, name, bedarfsindex, klasse`` (1 = lowest
    need … k), ``klasse_label``; the highest index first (ties by ``raum_id``), areas without index
    (under 300 inhabitants or an indicator missing) last. ``klassen``: one row per class of the Kreis's
    :class:`~sozialraum_analytics.bedarfsindex.Klasseneinteilung`, from the lowest need to the highest:
    ``klasse, name, bereich, anzahl`` (empty classes too: they are part of the method).
    """

    ebene: str
    jahr: int
    gebiete: pd.DataFrame
    klassen: pd.DataFrame

    @property
    def mit_index(self) -> pd.DataFrame:
        return self.gebiete[self.gebiete["bedarfsindex"].notna()]

    @property
    def ohne_index(self) -> int:
        return int(self.gebiete["bedarfsindex"].isna().sum())

    def spitze(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` areas with the highest index."""
        return self.mit_index.head(n)


def bedarfsuebersicht(engine: Engine, ebene: str, jahr: int | None) -> Bedarfsuebersicht | None:
    """The Bedarfsindex of ``ebene`` in ``jahr`` with its classes; ``None`` when the data give none."""
    index = engine.bedarfsindex(ebene, jahr) if jahr is not None else None
    if index is None or not index["bedarfsindex"].notna().any():
        return None
    areas = engine.areas(ebene)
    namen = engine.dataset.area_names()
    werte = index.set_index("area").reindex(areas)
    gebiete = pd.DataFrame({"raum_id": areas, "name": [namen.get(a, a) for a in areas],
                            "bedarfsindex": werte["bedarfsindex"].to_numpy(dtype=float),
                            "klasse": werte["klasse"].to_numpy(dtype=float),
                            "klasse_label": werte["klasse_label"].to_numpy(dtype=object)})
    gebiete = gebiete.sort_values(["bedarfsindex", "raum_id"], ascending=[False, True], na_position="last",
                                  kind="mergesort").reset_index(drop=True)
    if engine.optionen.klassen == "sd":
        einteilung = engine.einteilung
        namen_k, bereiche = list(einteilung.namen), einteilung.bereiche()
    else:  # quantiles: classes 1 … 4, highest need = 4
        k = int(np.nanmax(gebiete["klasse"])) if gebiete["klasse"].notna().any() else 4
        namen_k, bereiche = [f"{i}. Quartil" for i in range(1, k + 1)], [""] * k
    anzahl = gebiete["klasse"].value_counts()
    klassen = pd.DataFrame({"klasse": range(1, len(namen_k) + 1), "name": namen_k, "bereich": bereiche,
                            "anzahl": [int(anzahl.get(float(i), 0)) for i in range(1, len(namen_k) + 1)]})
    return Bedarfsuebersicht(ebene, int(jahr), gebiete, klassen)


# --- the social indicators at a glance ------------------------------------------------------------
INDIKATOR_SPALTEN = ["indikator", "label", "einheit", "richtung", "jahr", "kreiswert", "minimum", "median",
                     "maximum", "gebiete", "hoechster_raum_id"]


def indikatoren_uebersicht(engine: Engine, ebene: str, jahr: int | None) -> pd.DataFrame:
    """One row per social indicator, each for ``jahr`` or, where it has no values then, its latest year with values.

    Columns: ``indikator, label, einheit, richtung`` (``hoch``: a high value means more need),
    ``jahr`` (the year shown), ``kreiswert`` (the engine's Kreis value: population-weighted where the
    population is known), ``minimum, median, maximum`` over the areas of ``ebene``, ``gebiete`` (areas
    with a value) and ``hoechster_raum_id`` (the area with the highest value; the lowest id on a tie).
    """
    katalog = [m for m in merkmale(engine).values() if m.art == "indikator"]
    if not katalog:
        return pd.DataFrame(columns=INDIKATOR_SPALTEN)
    werte = engine.indikatoren(ebene)
    kreis = engine.indikatoren("kreis")
    zeilen = []
    for merkmal in katalog:
        gezeigt, _hinweis = jahr_mit_werten(engine, merkmal, ebene, jahr)
        teil = werte[(werte["jahr"] == gezeigt) & (werte["indikator"] == merkmal.spalte) & werte["wert"].notna()]
        teil = teil.sort_values(["wert", "area"], ascending=[False, True], kind="mergesort")
        kreiswert = kreis[(kreis["jahr"] == gezeigt) & (kreis["indikator"] == merkmal.spalte)]["wert"].dropna()
        zeilen.append({"indikator": merkmal.spalte, "label": merkmal.label, "einheit": merkmal.einheit,
                       "richtung": merkmal.richtung, "jahr": gezeigt if len(teil) else None,
                       "kreiswert": float(kreiswert.iloc[0]) if len(kreiswert) else np.nan,
                       "minimum": teil["wert"].min(), "median": teil["wert"].median(), "maximum": teil["wert"].max(),
                       "gebiete": len(teil), "hoechster_raum_id": teil["area"].iloc[0] if len(teil) else None})
    return pd.DataFrame(zeilen, columns=INDIKATOR_SPALTEN)


# --- Dynamik beside Status ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Dynamikuebersicht:
    """Status and dynamics of the areas of ``ebene`` from ``basisjahr`` to ``jahr`` (:mod:`.dynamik`).

    ``gebiete``: one row per area with status and dynamics, attention first: raum_id, name, bedarfsindex,
    klasse_label, dynamikindex, dynamik, gruppe, gruppe_text and wechsel (the last change of the area's status
    class over the indicator years up to ``jahr``, "von erhöht nach hoch seit 2022"; empty when it never
    changed). ``gegeben``: the labels of the given change indicators the dynamics rest on (empty: the
    indicators of both years were compared). ``ohne``: the areas of the level without status or dynamics
    (under 300 inhabitants or without the data), by id.
    """

    ebene: str
    jahr: int
    basisjahr: int
    gegeben: tuple[str, ...]
    gebiete: pd.DataFrame
    ohne: tuple[str, ...]

    def gruppen(self) -> pd.DataFrame:
        """The four groups with their number of areas and the areas' names (attention first):
        gruppe, gruppe_text, anzahl, namen."""
        from .dynamik import GRUPPEN

        return pd.DataFrame([{"gruppe": g, "gruppe_text": text,
                              "anzahl": int((self.gebiete["gruppe"] == g).sum()),
                              "namen": list(self.gebiete.loc[self.gebiete["gruppe"] == g, "name"])}
                             for g, text in GRUPPEN.items()])


def dynamik_uebersicht(engine: Engine, ebene: str, jahr: int | None) -> Dynamikuebersicht | None:
    """Status and dynamics of every area with an index in ``jahr``, attention first (:mod:`.dynamik`);
    ``None`` without dynamics."""
    from .dynamik import klassenwechsel, status_und_dynamik
    from .registry import indikator_label

    dynamik = engine.dynamik(ebene, jahr) if jahr is not None else None
    status = engine.bedarfsindex(ebene, jahr) if dynamik is not None else None
    if status is None or not dynamik.werte["dynamikindex"].notna().any():
        return None
    tabelle = status_und_dynamik(status.rename(columns={"area": "raum_id"})[["raum_id", "bedarfsindex", "klasse"]],
                                 dynamik)
    tabelle = tabelle[tabelle["bedarfsindex"].notna() & tabelle["dynamik"].notna()].reset_index(drop=True)
    klassen = status.set_index("area")["klasse_label"]
    tabelle["klasse_label"] = [klassen.get(r) for r in tabelle["raum_id"]]
    jahre = sorted(int(j) for j in set(engine.indikatoren(ebene)["jahr"]) if j <= jahr)
    verlauf = [engine.bedarfsindex(ebene, j) for j in jahre]
    alle = pd.concat([v.assign(jahr=j)[["area", "jahr", "klasse_label"]] for j, v in zip(jahre, verlauf) if v is not None])
    wechsel = klassenwechsel(alle.rename(columns={"area": "raum_id", "klasse_label": "klasse"})).set_index("raum_id")
    tabelle["wechsel"] = [wechsel["text"].get(r, "") for r in tabelle["raum_id"]]
    namen = engine.dataset.area_names()
    tabelle.insert(1, "name", [namen.get(r, r) for r in tabelle["raum_id"]])
    gebiete = tabelle[["raum_id", "name", "bedarfsindex", "klasse_label", "dynamikindex", "dynamik", "gruppe",
                       "gruppe_text", "wechsel"]]
    ohne = tuple(a for a in engine.areas(ebene) if a not in set(gebiete["raum_id"]))
    return Dynamikuebersicht(ebene, int(jahr), int(dynamik.basisjahr),
                             tuple(indikator_label(n) for n in dynamik.gegeben), gebiete, ohne)
