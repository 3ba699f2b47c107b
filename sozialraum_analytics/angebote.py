"""Bestand und Bedarf: the offers inventory per area against the Bedarfsindex.

domain.md, Steering tools: offers (type, provider, places, area, target ages) per area, places per
1,000 of the target age group, set against the Bedarfsindex; offers of the same type in the same
area and age group are flagged as possible double structures.

Conventions (documented on the page):
- An offer exists in year j when ``seit`` ≤ 31.12.j and ``bis`` is empty or ≥ 01.01.j.
- Ages are "von … bis unter …" like the population table: Kita 0–6 means 0 to under 6.
- The target age group of a *type* is the widest range of its offers in the Kreis (all Kitas 0–6,
  Jugendtreffs 12–27 …), so that places per 1,000 compare areas on the same base.
- **Lücke** (gap): above-average need (Bedarfsindex > 0, i.e. above the mean of the areas) and
  fewer places per 1,000 than the Kreis for that type (including none at all).
- **Mögliche Doppelstruktur**: two offers of the same type in the same Planungsraum whose age
  ranges overlap. A hint to look at, not a verdict (a town may need two Kitas).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from .altersgruppen import Altersbereich, population_in_range
from .dataset import Dataset
from .kennzahlen import Engine

SPALTEN_VERSORGUNG = ["area", "typ", "angebote", "plaetze", "alter_von", "alter_bis", "zielgruppe",
                      "plaetze_je_1000", "kreiswert", "bedarfsindex", "bedarfsklasse", "luecke"]


def im_jahr(angebote: pd.DataFrame, jahr: int) -> pd.DataFrame:
    """The offers that existed in ``jahr`` (seit ≤ 31.12., bis empty or ≥ 01.01.)."""
    seit = pd.to_datetime(angebote["seit"]) if "seit" in angebote else pd.Series(pd.NaT, index=angebote.index)
    bis = pd.to_datetime(angebote["bis"]) if "bis" in angebote else pd.Series(pd.NaT, index=angebote.index)
    besteht = (seit.isna() | (seit <= pd.Timestamp(jahr, 12, 31))) & (bis.isna() | (bis >= pd.Timestamp(jahr, 1, 1)))
    return angebote[besteht.to_numpy()]


def _ueberlappen(von1: float, bis1: float, von2: float, bis2: float) -> bool:
    """[von1, bis1) and [von2, bis2) share an age; a missing bound is open."""
    lo = max(np.nan_to_num(von1, nan=0.0), np.nan_to_num(von2, nan=0.0))
    hi = min(np.nan_to_num(bis1, nan=np.inf), np.nan_to_num(bis2, nan=np.inf))
    return lo < hi


def doppelstrukturen(angebote: pd.DataFrame) -> pd.DataFrame:
    """Pairs of offers of the same ``typ`` in the same ``raum_id`` with overlapping ages.

    Columns: raum_id, typ, angebot_1, name_1, traeger_1, alter_1, angebot_2, name_2, traeger_2, alter_2.
    """
    columns = ["raum_id", "typ", "angebot_1", "name_1", "traeger_1", "alter_1",
               "angebot_2", "name_2", "traeger_2", "alter_2"]
    rows = []

    def alter(row: pd.Series) -> str:
        von = "" if pd.isna(row.get("alter_von")) else f"{int(row['alter_von'])}"
        bis = "" if pd.isna(row.get("alter_bis")) else f"{int(row['alter_bis'])}"
        return f"{von}–{bis}" if von or bis else "ohne Angabe"

    frame = angebote.reset_index(drop=True)
    for (raum, typ), gruppe in frame.groupby([frame["raum_id"].astype(str), frame["typ"].astype(str)], sort=True):
        for (_, a), (_, b) in combinations(gruppe.iterrows(), 2):
            if _ueberlappen(a.get("alter_von"), a.get("alter_bis"), b.get("alter_von"), b.get("alter_bis")):
                rows.append([raum, typ, a.get("angebot_id"), a.get("name"), a.get("traeger"), alter(a),
                             b.get("angebot_id"), b.get("name"), b.get("traeger"), alter(b)])
    return pd.DataFrame(rows, columns=columns)


def _zahlen(values: pd.Series) -> pd.Series:
    """Numbers as float64 with NaN for missing (nullable Int64/Float64 and object columns alike)."""
    return pd.Series(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan), index=values.index)


def zielalter(angebote: pd.DataFrame) -> pd.DataFrame:
    """typ, alter_von, alter_bis: the widest age range of each type's offers (the type's target group)."""
    frame = angebote.assign(typ=angebote["typ"].astype(str))
    out = frame.groupby("typ", sort=True).agg(alter_von=("alter_von", "min"), alter_bis=("alter_bis", "max"))
    return out.reset_index()


def versorgung(angebote: pd.DataFrame, zielgruppe: pd.DataFrame, bedarf: pd.DataFrame | None) -> pd.DataFrame:
    """Places per 1,000 of the target group per area and type, against the Bedarfsindex.

    ``angebote``: area, typ, plaetze, alter_von, alter_bis (one row per offer, already in the year);
    ``zielgruppe``: area, typ, zielgruppe (young people of the type's target ages in the area; every
    area of the level, also those without any offer); ``bedarf``: area, bedarfsindex, bedarfsklasse.
    Returns :data:`SPALTEN_VERSORGUNG`; ``kreiswert`` = all places of the type / all its target group.
    """
    # Tables from the store come with nullable types (pd.NA): plain floats with NaN from here on.
    angebote = angebote.assign(**{c: _zahlen(angebote[c]) for c in ("plaetze", "alter_von", "alter_bis")})
    zielgruppe = zielgruppe.assign(zielgruppe=_zahlen(zielgruppe["zielgruppe"]))
    alter = zielalter(angebote) if len(angebote) else pd.DataFrame(columns=["typ", "alter_von", "alter_bis"])
    offers = angebote.assign(typ=angebote["typ"].astype(str))
    summe = (offers.groupby(["area", "typ"], sort=True)
             .agg(angebote=("typ", "size"), plaetze=("plaetze", lambda p: p.sum(min_count=1))).reset_index())
    frame = zielgruppe.merge(summe, on=["area", "typ"], how="left").merge(alter, on="typ", how="left")
    frame["angebote"] = frame["angebote"].fillna(0).astype(int)
    # No offer of the type in the area: 0 places, but only for types whose places are known at all
    # (Beratungsstellen have no places; their per-1,000 figure stays empty).
    mit_plaetzen = set(offers.loc[offers["plaetze"].notna(), "typ"])
    frame.loc[(frame["angebote"] == 0) & frame["typ"].isin(mit_plaetzen), "plaetze"] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["plaetze_je_1000"] = np.where(frame["zielgruppe"] > 0, frame["plaetze"] / frame["zielgruppe"] * 1000,
                                            np.nan)
        total = frame.groupby("typ")[["plaetze", "zielgruppe"]].transform(lambda s: s.sum(min_count=1))
        frame["kreiswert"] = np.where(total["zielgruppe"] > 0, total["plaetze"] / total["zielgruppe"] * 1000, np.nan)
    if bedarf is not None and len(bedarf):
        frame = frame.merge(bedarf[["area", "bedarfsindex", "bedarfsklasse"]], on="area", how="left")
    else:
        frame["bedarfsindex"] = np.nan
        frame["bedarfsklasse"] = None
    frame["bedarfsindex"] = _zahlen(frame["bedarfsindex"])
    frame["luecke"] = (frame["bedarfsindex"] > 0) & (frame["plaetze_je_1000"] < frame["kreiswert"])
    return frame[SPALTEN_VERSORGUNG].sort_values(["typ", "area"]).reset_index(drop=True)


def bestand_bedarf(engine: Engine, jahr: int, ebene: str = "sozialraum") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(Versorgung per area and type, possible double structures) of ``jahr`` from the engine's data.

    Population comes from the population table (ages of each type's target group), the Bedarfsindex
    from the engine of the same level: of ``jahr``, else of the latest earlier year with an index
    (``tabelle.attrs["bedarfsjahr"]`` says which; None without any).
    """
    dataset = engine.dataset
    if not dataset.has("angebote"):
        raise ValueError("Für Bestand und Bedarf fehlt die Tabelle „Angebote (Bestand)“.")
    angebote = im_jahr(dataset.tables["angebote"], jahr)
    angebote = angebote[angebote["raum_id"].notna()].assign(raum_id=lambda f: f["raum_id"].astype(str))
    if ebene == "sozialraum":
        angebote = angebote.assign(area=dataset.sozialraum_von(jahr, angebote["raum_id"], eigene_id=False))
    else:
        angebote = angebote.assign(area=angebote["raum_id"])
    angebote = angebote[angebote["area"].notna()]
    areas = engine.areas(ebene)
    zielgruppen = []
    if dataset.has("bevoelkerung") and len(angebote):
        bev = dataset.tables["bevoelkerung"]
        bev = bev[bev["jahr"] == jahr]
        for row in zielalter(angebote).itertuples(index=False):
            bereich = Altersbereich(str(row.typ), str(row.typ), int(np.nan_to_num(row.alter_von)),
                                    None if pd.isna(row.alter_bis) else int(row.alter_bis))
            je_pr = population_in_range(bev, bereich, keys=("raum_id",))
            je_pr["raum_id"] = je_pr["raum_id"].astype(str)
            if ebene == "sozialraum":
                je_pr["area"] = dataset.sozialraum_von(jahr, je_pr["raum_id"], eigene_id=False)
            else:
                je_pr["area"] = je_pr["raum_id"]
            summe = je_pr.groupby("area")["anzahl"].sum(min_count=1).reindex(areas)
            zielgruppen.append(pd.DataFrame({"area": areas, "typ": str(row.typ), "zielgruppe": summe.to_numpy()}))
    zielgruppe = pd.concat(zielgruppen, ignore_index=True) if zielgruppen else pd.DataFrame(
        columns=["area", "typ", "zielgruppe"])
    # The need of the year, else of the latest year before it with an index (a monitoring is not yearly).
    bedarfsjahr = engine.bedarfsindex_jahr(ebene, jahr)
    index = engine.bedarfsindex(ebene, bedarfsjahr) if bedarfsjahr is not None else None
    bedarf = None
    if index is not None:
        bedarf = index.rename(columns={"klasse_label": "bedarfsklasse"})[["area", "bedarfsindex", "bedarfsklasse"]]
    tabelle = versorgung(angebote[["area", "typ", "plaetze", "alter_von", "alter_bis"]], zielgruppe, bedarf)
    tabelle.attrs["bedarfsjahr"] = bedarfsjahr if bedarf is not None else None
    return tabelle, doppelstrukturen(angebote)


def angebotsarten(versorgung: pd.DataFrame) -> list[str]:
    """The types of a :func:`versorgung` table in the order to offer them: types with places first (Kita,
    Jugendtreff …), by their places in the Kreis, most first, then by name; types without any places
    (Beratungsstellen) after them, by name."""
    mit_plaetzen = set(versorgung.loc[versorgung["plaetze"].notna(), "typ"])
    plaetze_je_typ = versorgung.groupby("typ")["plaetze"].sum()
    return sorted(set(versorgung["typ"]), key=lambda t: (t not in mit_plaetzen, -plaetze_je_typ.get(t, 0), t))


def angebotsbestand(dataset: Dataset, jahr: int, typ: str | None = None) -> pd.DataFrame:
    """The list of the offers of ``typ`` (every type when None) that exist in ``jahr``, one row each.

    Columns as a list shows them: Angebot, Träger (None without the column), Planungsraum and Sozialraum
    (names; "" for a Planungsraum without Sozialraum in ``jahr``), Plätze, Alter ("0 bis unter 6" or
    "ohne Angabe"); sorted by Sozialraum, Planungsraum and Angebot.
    """
    namen = dataset.area_names()
    einzeln = im_jahr(dataset.tables["angebote"], jahr)
    if typ is not None:
        einzeln = einzeln[einzeln["typ"].astype(str) == typ]
    sozialraeume = dataset.sozialraum_von(jahr, einzeln["raum_id"], eigene_id=False)
    return pd.DataFrame({
        "Angebot": einzeln["name"].astype(str).to_numpy(),
        "Träger": einzeln["traeger"].astype(object).to_numpy() if "traeger" in einzeln else None,
        "Planungsraum": [namen.get(str(r), str(r)) for r in einzeln["raum_id"]],
        "Sozialraum": [namen.get(sozialraum, "") for sozialraum in sozialraeume],
        "Plätze": pd.to_numeric(einzeln["plaetze"]).to_numpy(),
        "Alter": [f"{int(v)} bis unter {int(b)}" if pd.notna(v) and pd.notna(b) else "ohne Angabe"
                  for v, b in zip(einzeln["alter_von"], einzeln["alter_bis"])],
    }).sort_values(["Sozialraum", "Planungsraum", "Angebot"])
