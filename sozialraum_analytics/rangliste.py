"""Rankings of many areas: which rows a bar chart shows, what a search finds, the series over the years.

A city of 1,100 Planungsräume does not fit in one bar chart. :func:`ausschnitt` keeps every area when
there are few (up to :data:`ALLE_BIS`), else the ``n`` highest and ``n`` lowest ranked ones plus the
areas a search found (:func:`suche`), in rank order, and counts the areas left out between them; the
table beside the chart keeps all. Rows are keyed by ``raum_id``: two areas may share a name, and
their labels (:meth:`~sozialraum_analytics.dataset.Dataset.area_names`) are unique per level.

The input is the ``werte`` frame of :func:`~sozialraum_analytics.kartenwerte.gebietswerte`
(``raum_id, name, wert, rang, kleine_basis, gesperrt`` and more).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .kartenwerte import Gebietswerte

ALLE_BIS = 30  # up to this many areas with a value a chart shows all of them
OBEN_UNTEN = 15  # otherwise so many at the top and so many at the bottom


def rangfolge(werte: pd.DataFrame) -> pd.DataFrame:
    """The areas with a value, highest first; those on a small base (no rank) after the ranked ones.

    >>> w = pd.DataFrame({"raum_id": ["a", "b", "c", "d"], "wert": [1.0, 3.0, None, 9.0],
    ...                   "kleine_basis": [False, False, False, True]})
    >>> list(rangfolge(w)["raum_id"])
    ['b', 'a', 'd']
    """
    mit_wert = werte.dropna(subset=["wert"])
    return mit_wert.sort_values(["kleine_basis", "wert", "raum_id"], ascending=[True, False, True], kind="mergesort")


@dataclass(frozen=True)
class Ausschnitt:
    """The rows of a ranking chart.

    ``zeilen``: rows of the ``werte`` frame, highest value first, small bases last, with two more
    columns: ``luecke_davor`` (how many ranked areas are left out right before this row) and
    ``treffer`` (found by the search). ``ausgelassen``: ranked areas not shown; ``klein_ausgelassen``:
    areas on a small base not shown (they stand in the table). ``alle``: every area with a value is shown.
    """

    zeilen: pd.DataFrame
    ausgelassen: int
    klein_ausgelassen: int

    @property
    def alle(self) -> bool:
        return self.ausgelassen == 0 and self.klein_ausgelassen == 0


def ausschnitt(werte: pd.DataFrame, n: int = OBEN_UNTEN, treffer: Iterable[str] = (),
               alle_bis: int = ALLE_BIS) -> Ausschnitt:
    """All areas with a value when there are at most ``alle_bis``; else the ``n`` highest and ``n``
    lowest ranked plus the ``treffer`` (ids), in rank order.

    >>> w = pd.DataFrame({"raum_id": [f"{i:02d}" for i in range(10)], "wert": [float(i) for i in range(10)],
    ...                   "kleine_basis": [False] * 9 + [True]})
    >>> a = ausschnitt(w, n=2, treffer=["04"], alle_bis=5)
    >>> list(a.zeilen["raum_id"]), list(a.zeilen["luecke_davor"]), a.ausgelassen, a.klein_ausgelassen
    (['08', '07', '04', '01', '00'], [0, 0, 2, 2, 0], 4, 1)
    """
    treffer = set(treffer)
    reihe = rangfolge(werte)
    geordnet = reihe[~reihe["kleine_basis"].astype(bool)]
    klein = reihe[reihe["kleine_basis"].astype(bool)]
    if len(reihe) <= alle_bis:
        zeigen_geordnet, zeigen_klein = geordnet, klein
    else:
        ids = list(geordnet["raum_id"])
        positionen = set(range(min(n, len(ids)))) | set(range(max(len(ids) - n, 0), len(ids)))
        positionen |= {i for i, r in enumerate(ids) if r in treffer}
        zeigen_geordnet = geordnet.iloc[sorted(positionen)]
        zeigen_klein = klein[klein["raum_id"].isin(treffer)]
    position = {r: i for i, r in enumerate(geordnet["raum_id"])}
    luecken, vorher = [], -1
    for raum_id in zeigen_geordnet["raum_id"]:
        luecken.append(position[raum_id] - vorher - 1)
        vorher = position[raum_id]
    zeilen = pd.concat([zeigen_geordnet, zeigen_klein])
    zeilen = zeilen.assign(luecke_davor=luecken + [0] * len(zeigen_klein),
                           treffer=zeilen["raum_id"].isin(treffer).to_numpy())
    return Ausschnitt(zeilen.reset_index(drop=True), len(geordnet) - len(zeigen_geordnet),
                      len(klein) - len(zeigen_klein))


def suche(werte: pd.DataFrame, text: str) -> list[str]:
    """The ids of the areas whose label or id contains ``text`` (any case), in label order.

    >>> w = pd.DataFrame({"raum_id": ["1", "2", "3"], "name": ["Heerstraße (Nord)", "Mitte", "heerstraße (Süd)"]})
    >>> suche(w, "HEERSTR"), suche(w, "2"), suche(w, "  ")
    (['1', '3'], ['2'], [])
    """
    gesucht = text.strip().casefold()
    if not gesucht:
        return []
    namen = werte["name"].astype(str).str.casefold()
    ids = werte["raum_id"].astype(str)
    gefunden = werte[namen.str.contains(gesucht, regex=False) | ids.str.casefold().str.contains(gesucht, regex=False)]
    return list(gefunden.sort_values(["name", "raum_id"])["raum_id"])


def vorauswahl(werte: pd.DataFrame, anzahl: int = 3) -> list[str]:
    """The ``anzahl`` ranked areas with the highest values (no small base): a chart's first choice.

    >>> w = pd.DataFrame({"raum_id": ["a", "b", "c"], "wert": [1.0, 3.0, 2.0], "kleine_basis": [False, True, False]})
    >>> vorauswahl(w, 2)
    ['c', 'a']
    """
    reihe = rangfolge(werte)
    return list(reihe[~reihe["kleine_basis"].astype(bool)]["raum_id"].head(anzahl))


@dataclass(frozen=True)
class Verlauf:
    """One Merkmal over the years with values.

    ``werte`` and ``gesperrt``: rows = years, columns = ``raum_id`` (``gesperrt``: withheld by the
    public view, so a gap is not "no value"); ``kreis``: the Kreis value per year (the mean of the
    areas for the Bedarfsindex).
    """

    werte: pd.DataFrame
    gesperrt: pd.DataFrame
    kreis: pd.Series

    @property
    def jahre(self) -> list[int]:
        return [int(j) for j in self.werte.index]

    def jahre_mit_wert(self, raum_id: str) -> list[int]:
        if raum_id not in self.werte.columns:
            return []
        spalte = self.werte[raum_id]
        return [int(j) for j in spalte[spalte.notna()].index]

    def gesperrte_jahre(self, raum_id: str) -> list[int]:
        if raum_id not in self.gesperrt.columns:
            return []
        spalte = self.gesperrt[raum_id]
        return [int(j) for j in spalte[spalte].index]


def verlauf(je_jahr: Mapping[int, Gebietswerte]) -> Verlauf:
    """The values of every year side by side (one :func:`gebietswerte` per year, cached by the caller)."""
    jahre = sorted(je_jahr)
    werte = pd.DataFrame({j: je_jahr[j].werte.set_index("raum_id")["wert"] for j in jahre}).T
    gesperrt = pd.DataFrame({j: je_jahr[j].werte.set_index("raum_id")["gesperrt"] for j in jahre}).T
    werte.index.name = gesperrt.index.name = "jahr"
    kreis = pd.Series({j: je_jahr[j].kreiswert for j in jahre}, dtype=float)
    return Verlauf(werte.astype(float), gesperrt.fillna(False).astype(bool), kreis)


def nach_jahren(verlauf_: Verlauf, ids: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split ``ids`` into those with values in at least two years (a line) and those with one only."""
    linien = [r for r in ids if len(verlauf_.jahre_mit_wert(r)) >= 2]
    einzeln = [r for r in ids if len(verlauf_.jahre_mit_wert(r)) == 1]
    return linien, einzeln
