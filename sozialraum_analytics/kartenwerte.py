"""One value per area for a chosen indicator: what the map, the ranking and the spatial statistics show.

A *Merkmal* is an indicator a planner can pick for a map: an Eckwert of a help group, the Ausgaben
je Jugendeinwohner, the Kosten je Hilfe, the Anteil stationär, the Bedarfsindex, its dynamics
(:mod:`.dynamik`: the Dynamikindex and, for the map only, the four groups of status and dynamics) or a
social indicator. Its id is short and fits a URL (``eckwert:stationaer``, ``indikator:sgb2_quote_u15``).
The values come from the :class:`~sozialraum_analytics.kennzahlen.Engine`; nothing is computed
twice. :func:`gebietswerte` adds the rank and the difference to the Kreis value of the same year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .dataset import KREIS_ID
from .dynamik import ABSTAND, DYNAMIK_LABEL, GRUPPEN_LABEL, status_und_dynamik
from .geheimhaltung import MIN_FAELLE_MITTEL, MIN_JUNGE_MENSCHEN
from .hilfearten import HILFEGRUPPEN_BY_ID
from .kennzahlen import Engine
from .registry import describe, indikator_label

# Help groups offered on the map: the totals and the setting groups (domain.md's table).
KARTEN_HILFEGRUPPEN = ("gesamt", "hze", "hze_ohne_eb", "ambulant", "teilstationaer", "stationaer", "§35a")


@dataclass(frozen=True)
class Merkmal:
    """A mappable indicator. ``spalte`` is the engine's column (or the social indicator's id)."""

    id: str
    art: str  # kennzahl, bedarfsindex, dynamik, gruppe (status and dynamics: a category, not a number), indikator
    spalte: str
    hilfeart: str
    label: str
    einheit: str
    nenner: str
    dezimalen: int
    # "hoch" where a higher value means more need (as the indicator file's richtung column);
    # the Bedarfsindex and the Eckwerte point up.
    richtung: str = "hoch"

    @property
    def einheit_text(self) -> str:
        """``je 1.000`` / ``%`` / ``EUR`` for a legend; empty for a plain count or index."""
        return "" if self.einheit in ("Hilfen", "Index", "laut Datei") else self.einheit


def _kennzahl_merkmal(kind: str, spalte: str, hilfeart: str) -> Merkmal:
    info = describe(spalte)
    gruppe = HILFEGRUPPEN_BY_ID[hilfeart].label
    return Merkmal(f"{kind}:{hilfeart}", "kennzahl", spalte, hilfeart, f"{info.label}: {gruppe}", info.einheit,
                   info.nenner, info.dezimalen)


def merkmale(engine: Engine, kategorien: bool = True) -> dict[str, Merkmal]:
    """The indicators the data allow, by id, in the order a planner looks for them.

    ``kategorien``: with the four groups of status and dynamics (art ``gruppe``), which only a map can
    show: a ranking or a trend of group numbers says nothing.
    """
    optionen = engine.optionen
    out: dict[str, Merkmal] = {}
    if engine.dataset.has_cases and engine.dataset.has("bevoelkerung"):
        for hilfeart in KARTEN_HILFEGRUPPEN:
            m = _kennzahl_merkmal("eckwert", optionen.eckwert, hilfeart)
            out[m.id] = m
    if engine.dataset.has("kosten") and engine.dataset.has("bevoelkerung"):
        m = _kennzahl_merkmal("ausgaben_je", optionen.ausgaben_je, "gesamt")
        out[m.id] = m
    if engine.dataset.has("kosten") and engine.dataset.has_cases:
        m = _kennzahl_merkmal("kosten_je_hilfe", "kosten_je_hilfe", "gesamt")
        out[m.id] = m
    if engine.dataset.has_cases:
        m = _kennzahl_merkmal("anteil_stationaer", "anteil_stationaer", "hze")
        out[m.id] = m
    if engine.dataset.has("indikatoren"):
        out["bedarfsindex"] = Merkmal("bedarfsindex", "bedarfsindex", "bedarfsindex", "", "Bedarfsindex",
                                      "Standardabweichungen", "Mittel der Gebiete = 0", 2)
        if _hat_dynamik(engine):
            out["dynamik"] = Merkmal("dynamik", "dynamik", "dynamikindex", "", DYNAMIK_LABEL, "Standardabweichungen",
                                     "Mittel der Gebiete = 0", 2)
            if kategorien:
                out["status_dynamik"] = Merkmal("status_dynamik", "gruppe", "gruppe", "", GRUPPEN_LABEL, "",
                                                "Bedarfsindex und Dynamik", 0)
        tabelle = engine.dataset.tables["indikatoren"]
        for indikator, rows in tabelle.groupby("indikator", sort=False):
            einheit = rows["einheit"].dropna().iloc[0] if "einheit" in rows and rows["einheit"].notna().any() else ""
            richtung = (rows["richtung"].dropna().iloc[0] if "richtung" in rows and rows["richtung"].notna().any()
                        else "hoch")
            mid = f"indikator:{indikator}"
            out[mid] = Merkmal(mid, "indikator", str(indikator), "", indikator_label(str(indikator)), str(einheit),
                               "laut Datei", 1, str(richtung))
    return out


def _hat_dynamik(engine: Engine) -> bool:
    """Whether some year can have dynamics: given changes, or status indicators two years apart."""
    tabelle = engine.dataset.tables["indikatoren"]
    if engine.veraenderungsindikatoren:
        return True
    jahre = set(int(j) for j in tabelle["jahr"].dropna().unique())
    return any(j - ABSTAND in jahre for j in jahre)


@dataclass(frozen=True)
class Gebietswerte:
    """The values of one Merkmal at one level and year.

    ``werte`` has one row per area of the level: ``raum_id, name, wert, rang`` (1 = highest value,
    ties share the best rank, no rank without a value), ``differenz`` and ``differenz_prozent`` to
    ``kreiswert`` (missing where the Kreis value is missing or 0), ``gesperrt`` (True where the
    public view withholds the value, also a rate or average on a small base: shown as "gesperrt", never
    as "kein Wert") and ``kleine_basis``
    (a rate on fewer than 300 young people or an average on fewer than 10 cases: shown with a note,
    without rank). The dynamics and the groups (art ``dynamik``, ``gruppe``) add ``bedarfsindex,
    bedarfsklasse, dynamikindex, dynamik, gruppe, gruppe_text`` and ``kategorie`` (the class a map colours:
    positiv / stabil / negativ, or the group's text; missing where the area has none); a group has no rank.
    """

    merkmal: Merkmal
    ebene: str
    jahr: int
    werte: pd.DataFrame
    kreiswert: float | None

    @property
    def kreis_text(self) -> str:
        return "Mittel der Gebiete" if self.merkmal.art in ("bedarfsindex", "dynamik") else "Kreiswert"


def _engine_werte(engine: Engine, merkmal: Merkmal, ebene: str, jahr: int) -> tuple[pd.Series, float | None]:
    if merkmal.art == "kennzahl":
        table = engine.table(ebene)
        kreis = engine.table("kreis")
        if jahr not in engine.jahre:
            return pd.Series(dtype=float), None
        rows = table.xs((jahr, merkmal.hilfeart), level=("jahr", "hilfeart"))[merkmal.spalte]
        kreiswert = kreis.at[(jahr, KREIS_ID, merkmal.hilfeart), merkmal.spalte]
        return rows.astype(float), None if pd.isna(kreiswert) else float(kreiswert)
    if merkmal.art == "bedarfsindex":
        index = engine.bedarfsindex(ebene, jahr)
        if index is None:
            return pd.Series(dtype=float), None
        # The index is standardised across the areas: their mean is 0 by construction.
        return index.set_index("area")["bedarfsindex"].astype(float), 0.0
    if merkmal.art in ("dynamik", "gruppe"):
        frame = status_dynamik(engine, ebene, jahr)
        if frame is None:
            return pd.Series(dtype=float), None
        # The dynamics index is standardised across the areas (mean 0); a group has no Kreis value.
        return (frame["dynamikindex"], 0.0) if merkmal.art == "dynamik" else (frame["gruppe"].astype(float), None)
    indikatoren = engine.indikatoren(ebene)
    rows = indikatoren[(indikatoren["jahr"] == jahr) & (indikatoren["indikator"] == merkmal.spalte)]
    kreis = engine.indikatoren("kreis")
    kreis = kreis[(kreis["jahr"] == jahr) & (kreis["indikator"] == merkmal.spalte)]["wert"]
    return rows.set_index("area")["wert"].astype(float), float(kreis.iloc[0]) if len(kreis) else None


STATUS_DYNAMIK_SPALTEN = ["bedarfsindex", "bedarfsklasse", "dynamikindex", "dynamik", "gruppe", "gruppe_text"]


def status_dynamik(engine: Engine, ebene: str, jahr: int) -> pd.DataFrame | None:
    """Status and dynamics of the areas of ``ebene`` in ``jahr``, indexed by raum_id: the columns
    :data:`STATUS_DYNAMIK_SPALTEN` (``bedarfsklasse`` the Kreis's class name); None without dynamics.
    An area without status has dynamics but no group."""
    dynamik = engine.dynamik(ebene, jahr)
    if dynamik is None or not dynamik.werte["dynamikindex"].notna().any():
        return None
    status = engine.bedarfsindex(ebene, jahr)
    if status is None:
        status = pd.DataFrame({"area": pd.Series(dtype=object), "bedarfsindex": pd.Series(dtype=float),
                               "klasse": pd.Series(dtype=float), "klasse_label": pd.Series(dtype=object)})
    status = status.rename(columns={"area": "raum_id"})
    frame = status_und_dynamik(status[["raum_id", "bedarfsindex", "klasse"]], dynamik).set_index("raum_id")
    frame["bedarfsklasse"] = status.set_index("raum_id")["klasse_label"].reindex(frame.index)
    return frame[STATUS_DYNAMIK_SPALTEN]


def jahre_mit_werten(engine: Engine, merkmal: Merkmal, ebene: str) -> list[int]:
    """The years in which at least one area of ``ebene`` has a value of ``merkmal``."""
    if merkmal.art == "kennzahl":
        table = engine.table(ebene)
        if merkmal.spalte not in table.columns or not len(table):
            return []
        werte = table[merkmal.spalte]
        werte = werte[werte.index.get_level_values("hilfeart") == merkmal.hilfeart]
        return sorted(int(j) for j in werte[werte.notna()].index.get_level_values("jahr").unique())
    indikatoren = engine.indikatoren(ebene)
    if indikatoren.empty:
        return []
    if merkmal.art == "bedarfsindex":
        jahre = sorted(int(j) for j in indikatoren["jahr"].unique())
        return [j for j in jahre if (index := engine.bedarfsindex(ebene, j)) is not None
                and index["bedarfsindex"].notna().any()]
    if merkmal.art in ("dynamik", "gruppe"):
        jahre = sorted(int(j) for j in indikatoren["jahr"].unique())
        spalte = "dynamikindex" if merkmal.art == "dynamik" else "gruppe"
        return [j for j in jahre if (frame := status_dynamik(engine, ebene, j)) is not None
                and frame[spalte].notna().any()]
    rows = indikatoren[(indikatoren["indikator"] == merkmal.spalte) & indikatoren["wert"].notna()]
    return sorted(int(j) for j in rows["jahr"].unique())


def jahr_mit_werten(engine: Engine, merkmal: Merkmal, ebene: str, jahr: int | None) -> tuple[int | None, str]:
    """The year to show ``merkmal`` for: ``jahr`` when it has values, else the latest year that has,
    with a German note saying so and naming the years with values (empty when ``jahr`` is kept)."""
    from .formatting import jahre_text

    jahre = jahre_mit_werten(engine, merkmal, ebene)
    if jahr in jahre:
        return jahr, ""
    if not jahre:
        return jahr, f"Zu „{merkmal.label}“ gibt es in keinem Jahr Werte."
    frueher = [j for j in jahre if jahr is None or j <= jahr]
    gezeigt = frueher[-1] if frueher else jahre[-1]
    return gezeigt, (f"Für {jahr} gibt es keine Werte von „{merkmal.label}“; gezeigt wird {gezeigt}. "
                     f"Werte gibt es für {jahre_text(jahre)}.")


def gebietswerte(engine: Engine, merkmal: Merkmal, ebene: str, jahr: int) -> Gebietswerte:
    """Every area of ``ebene`` with its value in ``jahr``, its rank and its difference to the Kreis."""
    values, kreiswert = _engine_werte(engine, merkmal, ebene, jahr)
    areas = engine.areas(ebene)
    names = engine.dataset.area_names()
    wert = values.reindex(areas).to_numpy(dtype=float) if len(values) else np.full(len(areas), np.nan)
    frame = pd.DataFrame({"raum_id": areas, "name": [names.get(a, a) for a in areas], "wert": wert})
    frame["rang"] = frame["wert"].rank(ascending=False, method="min").astype("Int64")
    if kreiswert is None:
        frame["differenz"] = np.nan
        frame["differenz_prozent"] = np.nan
    else:
        frame["differenz"] = frame["wert"] - kreiswert
        frame["differenz_prozent"] = (frame["wert"] / kreiswert - 1) * 100 if kreiswert else np.nan
    basis, grenze = _basis(engine, merkmal, ebene, jahr, areas)
    # Withheld is not missing: a suppressed count's measure, and in the public view a rate on fewer than 300
    # young people or an average on fewer than 10 cases (not shown there at all) are "gesperrt".
    klein = (basis > 0) & (basis < grenze) if engine.oeffentlich else np.zeros(len(areas), dtype=bool)
    frame["gesperrt"] = (_gesperrt(engine, merkmal, ebene, jahr, areas) | klein) & frame["wert"].isna()
    # A rate on fewer than 300 young people, an average on fewer than 10 cases: shown, marked, not ranked.
    frame["kleine_basis"] = frame["wert"].notna() & (basis < grenze)
    frame["rang"] = frame["wert"].where(~frame["kleine_basis"]).rank(ascending=False, method="min").astype("Int64")
    if merkmal.art in ("dynamik", "gruppe"):
        extra = status_dynamik(engine, ebene, jahr)
        extra = (extra.reindex(areas) if extra is not None else
                 pd.DataFrame(np.nan, index=areas, columns=STATUS_DYNAMIK_SPALTEN).astype(object))
        for spalte in STATUS_DYNAMIK_SPALTEN:
            frame[spalte] = extra[spalte].to_numpy()
        frame["kategorie"] = frame["dynamik" if merkmal.art == "dynamik" else "gruppe_text"]
        if merkmal.art == "gruppe":
            frame["rang"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    return Gebietswerte(merkmal, ebene, jahr, frame, kreiswert)


def status_dynamik_tabelle(werte: Gebietswerte) -> pd.DataFrame:
    """The areas of a dynamics or group map for its table: the groups map attention first (then by the
    status), the dynamics map by rank; areas without dynamics last."""
    frame = werte.werte
    if werte.merkmal.art == "gruppe":
        return frame.sort_values(["gruppe", "bedarfsindex"], ascending=[True, False], na_position="last",
                                 kind="stable").reset_index(drop=True)
    return frame.sort_values("rang", na_position="last", kind="stable").reset_index(drop=True)


KLEINE_BASIS = {"rate": (MIN_JUNGE_MENSCHEN, f"kleine Basis: weniger als {MIN_JUNGE_MENSCHEN} junge Menschen"),
                "mittel": (MIN_FAELLE_MITTEL, f"kleine Basis: weniger als {MIN_FAELLE_MITTEL} Fälle")}


def basis_art(merkmal: Merkmal) -> str | None:
    """What a Merkmal rests on: ``rate`` (young people), ``mittel`` (cases) or nothing to check."""
    if merkmal.art != "kennzahl":
        return None
    if merkmal.id.startswith(("eckwert", "ausgaben_je")):
        return "rate"
    if merkmal.id.startswith(("kosten_je_hilfe", "anteil_stationaer")):
        return "mittel"
    return None


def _basis(engine: Engine, merkmal: Merkmal, ebene: str, jahr: int, areas: list[str]) -> tuple[np.ndarray, float]:
    art = basis_art(merkmal)
    if art is None or jahr not in engine.jahre:
        return np.full(len(areas), np.inf), 0.0
    table = engine.table(ebene)
    opt = engine.optionen
    if art == "rate":
        nenner = opt.ausgaben_nenner if merkmal.id.startswith("ausgaben_je") else opt.nenner
        spalte = f"bevoelkerung_{nenner}"
    else:
        spalte = "inanspruchnahme"
    if spalte not in table:
        return np.full(len(areas), np.inf), 0.0
    werte = table.xs((jahr, merkmal.hilfeart), level=("jahr", "hilfeart"))[spalte].reindex(areas)
    return werte.to_numpy(dtype=float, na_value=np.inf), float(KLEINE_BASIS[art][0])


def _gesperrt(engine: Engine, merkmal: Merkmal, ebene: str, jahr: int, areas: list[str]) -> np.ndarray:
    if not engine.oeffentlich or merkmal.art != "kennzahl" or jahr not in engine.jahre:
        return np.zeros(len(areas), dtype=bool)
    vermerk = engine.sperrvermerk(ebene, merkmal.spalte)
    codes = vermerk.xs((jahr, merkmal.hilfeart), level=("jahr", "hilfeart")).reindex(areas).fillna(0)
    return codes.to_numpy() != 0


def zeitreihen(engine: Engine, merkmal: Merkmal, ebene: str) -> tuple[pd.DataFrame, pd.Series]:
    """The Merkmal over all years: rows = years, columns = areas; and the Kreis value per year."""
    rows, kreis = {}, {}
    for jahr in engine.jahre:
        werte = gebietswerte(engine, merkmal, ebene, jahr)
        rows[jahr] = werte.werte.set_index("raum_id")["wert"]
        kreis[jahr] = np.nan if werte.kreiswert is None else werte.kreiswert
    frame = pd.DataFrame(rows).T.sort_index() if rows else pd.DataFrame()
    frame.index.name = "jahr"
    return frame, pd.Series(kreis, dtype=float).sort_index()


def bedarf_und_hilfe(engine: Engine, ebene: str, jahr: int, hilfeart: str = "gesamt") -> pd.DataFrame:
    """Bedarfsindex against Eckwert per area (are the helps where the needs are?).

    Columns ``raum_id, name, bedarfsindex, klasse_label, eckwert``; areas without index (under 300
    inhabitants) keep a missing index.
    """
    eckwert = gebietswerte(engine, _kennzahl_merkmal("eckwert", engine.optionen.eckwert, hilfeart), ebene, jahr)
    frame = eckwert.werte[["raum_id", "name", "wert"]].rename(columns={"wert": "eckwert"})
    index = engine.bedarfsindex(ebene, jahr)
    if index is None:
        frame["bedarfsindex"] = np.nan
        frame["klasse_label"] = None
    else:
        frame = frame.merge(index[["area", "bedarfsindex", "klasse_label"]].rename(columns={"area": "raum_id"}),
                            on="raum_id", how="left")
    return frame[["raum_id", "name", "bedarfsindex", "klasse_label", "eckwert"]]
