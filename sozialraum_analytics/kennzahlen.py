"""The indicator engine: every Kennzahl per year, area level and help group.

``compute_kennzahlen(dataset, ebene)`` returns a tidy long table with the documented
columns ``jahr, ebene, raum_id, raum_name, hilfeart, kennzahl, wert``:

- ``ebene``: ``planungsraum``, ``sozialraum`` or ``kreis`` (raum_id ``kreis``);
- ``hilfeart``: a help group of :data:`hilfearten.HILFEGRUPPEN` (``gesamt``, ``hze``,
  ``stationaer``, ``§34`` …); empty for indicators that are not about help (Bedarfsindex,
  social indicators);
- ``kennzahl``: an id that :func:`registry.describe` explains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import hilfearten, registry, trends
from .altersgruppen import DENOMINATORS, population_in_range
from .bedarfsindex import KLASSEN, compute_bedarfsindex
from .counting import classify, count_cases_per_year, durations_of_ended, fallzahlen_from_aggregate
from .dataset import KREIS_ID, Dataset

EBENEN = ("planungsraum", "sozialraum", "kreis")
EBENE_LABELS = {"planungsraum": "Planungsraum", "sozialraum": "Sozialraum", "kreis": "Kreis"}
COUNTS = ["begonnen", "beendet", "andauernd"]
LONG_COLUMNS = ["jahr", "ebene", "raum_id", "raum_name", "hilfeart", "kennzahl", "wert"]


@dataclass(frozen=True)
class Optionen:
    """Choices a planner makes; every chart names them."""

    nenner: str = "u21"  # denominator of the Eckwert: u21, u18, 18_21
    skala: int = 1000  # per 1,000 (KVJS) or 10,000 (AKJStat)
    ausgaben_nenner: str = "u21"  # Ausgaben je Jugendeinwohner: u21 or u18
    basisjahr: int | None = None  # index base year, default the first year
    trend_von: int | None = None  # period of mean growth and slope, default all years
    trend_bis: int | None = None
    gewichte: tuple[tuple[str, float], ...] = ()  # Bedarfsindex weights; empty = equal
    klassen: str = "sd"  # Bedarfsindex classes: "sd" or "quantile"

    @property
    def eckwert(self) -> str:
        return registry.eckwert_id(self.skala, self.nenner)

    @property
    def ausgaben_je(self) -> str:
        return registry.ausgaben_je_id(self.ausgaben_nenner)


TREND_BASES = ("inanspruchnahme", "eckwert", "ausgaben")
COMPARED = ("eckwert", "ausgaben_je", "kosten_je_hilfe", "anteil_stationaer")


class Engine:
    """Computes once per dataset and options; ``table(ebene)`` gives the wide results."""

    def __init__(self, dataset: Dataset, optionen: Optionen | None = None, jahre: list[int] | None = None):
        self.dataset = dataset
        self.optionen = optionen or Optionen()
        self.jahre = list(jahre) if jahre else dataset.years()
        self._fallzahlen = self._build_fallzahlen()
        self._ausgaben = self._build_ausgaben()
        self._dauer = self._build_dauer()
        self._population = self._build_population()
        self._wide: dict[str, pd.DataFrame] = {}

    # --- inputs at Planungsraum level ------------------------------------------------
    def _build_fallzahlen(self) -> pd.DataFrame | None:
        if not self.jahre:
            return None
        if self.dataset.has("faelle"):
            return count_cases_per_year(self.dataset.tables["faelle"], self.jahre)
        if self.dataset.has("fallzahlen"):
            counts = fallzahlen_from_aggregate(self.dataset.tables["fallzahlen"])
            return counts[counts["jahr"].isin(self.jahre)]
        return None

    def _build_ausgaben(self) -> pd.DataFrame | None:
        frames = []
        if self.dataset.has("kosten"):
            kosten = self.dataset.tables["kosten"]
            kosten = kosten[kosten["hilfeart"].notna() & kosten["jahr"].notna()]
            frames.append(classify(kosten).assign(ausgaben=kosten["betrag"].astype(float)))
        if self.dataset.has("fallzahlen") and not self.dataset.has("kosten") \
                and "ausgaben" in self.dataset.tables["fallzahlen"]:
            fz = self.dataset.tables["fallzahlen"]
            fz = fz[fz["hilfeart"].notna() & fz["jahr"].notna()]
            frames.append(classify(fz).assign(ausgaben=fz["ausgaben"].astype(float)))
        if not frames:
            return None
        rows = pd.concat(frames, ignore_index=True)
        if "raum_id" not in rows:
            rows["raum_id"] = None
        rows["raum_id"] = rows["raum_id"].astype(object).where(rows["raum_id"].notna(), None)
        rows["jahr"] = rows["jahr"].astype(np.int64)
        return rows[["jahr", "raum_id", "hilfeart", "setting_gruppe", "bereich", "ausgaben"]]

    def _build_dauer(self) -> pd.DataFrame | None:
        if not self.dataset.has("faelle") or not self.jahre:
            return None
        return durations_of_ended(self.dataset.tables["faelle"], self.jahre)

    def _build_population(self) -> pd.DataFrame | None:
        if not self.dataset.has("bevoelkerung"):
            return None
        bev = self.dataset.tables["bevoelkerung"].dropna(subset=["jahr", "raum_id", "alter_von"])
        bev = bev.assign(raum_id=bev["raum_id"].astype(str), jahr=bev["jahr"].astype(np.int64))
        frames = []
        for key, bereich in DENOMINATORS.items():
            part = population_in_range(bev, bereich)
            frames.append(part.assign(nenner=key))
        return pd.concat(frames, ignore_index=True)

    # --- levels -----------------------------------------------------------------------
    def _area(self, frame: pd.DataFrame, ebene: str) -> pd.Series:
        """The area id at ``ebene`` for rows with jahr and raum_id (NaN: not at this level)."""
        raum = frame["raum_id"].astype(object)
        if ebene == "kreis":
            return pd.Series(KREIS_ID, index=frame.index, dtype=object)
        pr = self.dataset.planungsraeume()
        sozialraum_ids = set(pr["sozialraum_id"].dropna())
        if ebene == "planungsraum":
            if self.dataset.has("zuordnung") or self.dataset.gebiete is not None:
                return raum.where(raum.isin(set(pr["raum_id"])))
            return raum
        assignment = self.dataset.assignment(sorted(set(frame["jahr"].dropna().astype(int))) or self.jahre)
        lookup = assignment.set_index(["jahr", "raum_id"])["sozialraum_id"]
        keys = pd.MultiIndex.from_arrays([frame["jahr"].astype(np.int64), raum.astype(str)])
        area = pd.Series(lookup.reindex(keys).to_numpy(), index=frame.index, dtype=object)
        # Data that arrives at Sozialraum level already carries the Sozialraum's id.
        return area.where(area.notna(), raum.where(raum.isin(sozialraum_ids)))

    def _sum_by_group(self, rows: pd.DataFrame, ebene: str, values: list[str]) -> pd.DataFrame:
        """Sums of ``values`` per (jahr, area, help group), every group of the catalogue."""
        rows = rows.assign(area=self._area(rows, ebene).to_numpy())
        rows = rows[rows["area"].notna()]
        base = rows.groupby(["jahr", "area", "hilfeart", "setting_gruppe", "bereich"], observed=True,
                            dropna=False, as_index=False)[values].sum(min_count=1)
        code = base["hilfeart"].astype(object)
        bereich = base["bereich"].astype(object)
        setting = base["setting_gruppe"].astype(object)
        frames = []
        for gruppe in hilfearten.HILFEGRUPPEN:
            mask = gruppe.mask(code, bereich, setting)
            part = base[mask.to_numpy()].groupby(["jahr", "area"], as_index=False)[values].sum(min_count=1)
            frames.append(part.assign(hilfeart=gruppe.id))
        return pd.concat(frames, ignore_index=True)

    def _grid(self, ebene: str) -> pd.MultiIndex:
        """Every (jahr, area, help group) that should have a row."""
        areas: set[str] = set()
        if self._fallzahlen is not None:
            areas |= set(self._area(self._fallzahlen, ebene).dropna())
        if self._population is not None:
            areas |= set(self._area(self._population, ebene).dropna())
        groups = [g.id for g in hilfearten.HILFEGRUPPEN]
        return pd.MultiIndex.from_product([self.jahre, sorted(areas), groups], names=["jahr", "area", "hilfeart"])

    # --- the wide table -----------------------------------------------------------------
    def table(self, ebene: str) -> pd.DataFrame:
        """Wide results: index (jahr, area, hilfeart), one column per Kennzahl."""
        if ebene not in self._wide:
            self._wide[ebene] = self._compute(ebene)
        return self._wide[ebene]

    def _compute(self, ebene: str) -> pd.DataFrame:
        opt = self.optionen
        grid = self._grid(ebene)
        wide = pd.DataFrame(index=grid)
        if self._fallzahlen is not None:
            sums = self._sum_by_group(self._fallzahlen, ebene, COUNTS).set_index(["jahr", "area", "hilfeart"])
            wide = wide.join(sums[COUNTS])
            wide[COUNTS] = wide[COUNTS].fillna(0.0) if self.dataset.has("faelle") else wide[COUNTS]
            if self.dataset.has("fallzahlen") and not self.dataset.has("faelle"):
                wide[COUNTS] = wide[COUNTS].fillna(0.0)
            wide["inanspruchnahme"] = wide["andauernd"] + wide["beendet"]
            protection = wide.index.get_level_values("hilfeart").isin(["§42", "§8a"])
            wide.loc[protection, "inanspruchnahme"] = np.nan
            is42 = wide.index.get_level_values("hilfeart") == "§42"
            is8a = wide.index.get_level_values("hilfeart") == "§8a"
            wide["inobhutnahmen"] = np.where(is42, wide["beendet"], np.nan)
            wide["gefaehrdungseinschaetzungen"] = np.where(is8a, wide["beendet"], np.nan)
        if self._population is not None:
            pop = self._population.assign(area=self._area(self._population, ebene).to_numpy())
            pop = pop[pop["area"].notna()]
            pop = pop.groupby(["jahr", "area", "nenner"], as_index=False).agg(
                anzahl=("anzahl", lambda s: s.sum(min_count=1)))
            pop = pop.pivot_table(index=["jahr", "area"], columns="nenner", values="anzahl", dropna=False)
            for key in DENOMINATORS:
                column = f"bevoelkerung_{key}"
                if key in pop.columns:
                    values = pop[key].reindex(pd.MultiIndex.from_arrays(
                        [wide.index.get_level_values("jahr"), wide.index.get_level_values("area")]))
                    wide[column] = values.to_numpy()
            if "inanspruchnahme" in wide:
                wide[opt.eckwert] = wide["inanspruchnahme"] / wide[f"bevoelkerung_{opt.nenner}"].where(
                    lambda s: s > 0) * opt.skala
                is41 = wide.index.get_level_values("hilfeart") == "§41"
                eck41 = registry.eckwert_id(opt.skala, "18_21")
                if eck41 != opt.eckwert:
                    wide[eck41] = np.where(is41, wide["inanspruchnahme"] / wide["bevoelkerung_18_21"].where(
                        lambda s: s > 0) * opt.skala, np.nan)
        if self._ausgaben is not None:
            ausgaben = self._sum_by_group(self._ausgaben, ebene, ["ausgaben"]).set_index(["jahr", "area", "hilfeart"])
            wide = wide.join(ausgaben["ausgaben"])
            if f"bevoelkerung_{opt.ausgaben_nenner}" in wide:
                wide[opt.ausgaben_je] = wide["ausgaben"] / wide[f"bevoelkerung_{opt.ausgaben_nenner}"].where(
                    lambda s: s > 0)
            if "inanspruchnahme" in wide:
                wide["kosten_je_hilfe"] = wide["ausgaben"] / wide["inanspruchnahme"].where(lambda s: s > 0)
        if self._dauer is not None and len(self._dauer):
            wide = wide.join(self._durations(ebene))
        if "inanspruchnahme" in wide:
            wide = self._anteil_stationaer(wide)
        wide = self._trends(wide)
        wide = self._compare_with_kreis(wide, ebene)
        return wide.sort_index()

    def _durations(self, ebene: str) -> pd.DataFrame:
        rows = self._dauer.assign(area=self._area(self._dauer, ebene).to_numpy())
        rows = rows[rows["area"].notna()]
        code = rows["hilfeart"].astype(object)
        bereich = rows["bereich"].astype(object)
        setting = rows["setting_gruppe"].astype(object)
        frames = []
        for gruppe in hilfearten.HILFEGRUPPEN:
            part = rows[gruppe.mask(code, bereich, setting).to_numpy()]
            stats = part.groupby(["jahr", "area"])["monate"].agg(["mean", "median", "count"])
            frames.append(stats.assign(hilfeart=gruppe.id).set_index("hilfeart", append=True))
        out = pd.concat(frames).rename(columns={"mean": "dauer_mittel_monate", "median": "dauer_median_monate",
                                                "count": "dauer_anzahl"})
        return out

    def _anteil_stationaer(self, wide: pd.DataFrame) -> pd.DataFrame:
        values = wide["inanspruchnahme"].unstack("hilfeart")
        anteil = pd.DataFrame(index=values.index)
        total = values["ambulant"] + values["teilstationaer"] + values["stationaer"]
        anteil["hze"] = values["stationaer"] / total.where(total > 0) * 100
        total_ohne = values["ambulant_ohne_eb"] + values["teilstationaer"] + values["stationaer"]
        anteil["hze_ohne_eb"] = values["stationaer"] / total_ohne.where(total_ohne > 0) * 100
        stacked = anteil.stack(future_stack=True).rename("anteil_stationaer")
        stacked.index = stacked.index.set_names(["jahr", "area", "hilfeart"])
        return wide.join(stacked)

    def _trend_bases(self, wide: pd.DataFrame) -> list[str]:
        names = {"inanspruchnahme": "inanspruchnahme", "eckwert": self.optionen.eckwert, "ausgaben": "ausgaben"}
        return [names[b] for b in TREND_BASES if names[b] in wide]

    def _trends(self, wide: pd.DataFrame) -> pd.DataFrame:
        if not self.jahre:
            return wide
        opt = self.optionen
        von = opt.trend_von or self.jahre[0]
        bis = opt.trend_bis or self.jahre[-1]
        for base in self._trend_bases(wide):
            series = wide[base].unstack("jahr").reindex(columns=self.jahre)
            parts = {
                f"{base}_vorjahr_abs": trends.vorjahr_abs(series),
                f"{base}_vorjahr_prozent": trends.vorjahr_prozent(series),
                f"{base}_index": trends.index(series, opt.basisjahr if opt.basisjahr in self.jahre else None),
            }
            for name, frame in parts.items():
                stacked = frame.stack(future_stack=True)
                stacked.index = stacked.index.reorder_levels([2, 0, 1]).set_names(["jahr", "area", "hilfeart"])
                wide[name] = stacked.reindex(wide.index).to_numpy()
            if bis > von and von in series.columns and bis in series.columns:
                at_end = pd.MultiIndex.from_arrays([np.full(len(series), bis), series.index.get_level_values(0),
                                                    series.index.get_level_values(1)])
                for name, values in ((f"{base}_wachstum_prozent", trends.wachstum_prozent(series, von, bis)),
                                     (f"{base}_trend_steigung", trends.trend_steigung(series, von, bis))):
                    column = pd.Series(values.to_numpy(), index=at_end)
                    wide[name] = column.reindex(wide.index).to_numpy()
        return wide

    def _compare_with_kreis(self, wide: pd.DataFrame, ebene: str) -> pd.DataFrame:
        names = {"eckwert": self.optionen.eckwert, "ausgaben_je": self.optionen.ausgaben_je,
                 "kosten_je_hilfe": "kosten_je_hilfe", "anteil_stationaer": "anteil_stationaer"}
        columns = [names[c] for c in COMPARED if names[c] in wide]
        if not columns:
            return wide
        kreis = wide if ebene == "kreis" else self.table("kreis")
        kreis_values = kreis[columns].droplevel("area")
        kreis_values = kreis_values[~kreis_values.index.duplicated()]
        keys = pd.MultiIndex.from_arrays([wide.index.get_level_values("jahr"), wide.index.get_level_values("hilfeart")])
        for column in columns:
            reference = kreis_values[column].reindex(keys).to_numpy()
            wide[f"{column}_kreiswert"] = reference
            with np.errstate(invalid="ignore", divide="ignore"):
                wide[f"{column}_abweichung_kreis_prozent"] = np.where(
                    reference > 0, (wide[column].to_numpy() / reference - 1) * 100, np.nan)
        return wide

    # --- needs ------------------------------------------------------------------------
    def indikatoren(self, ebene: str) -> pd.DataFrame:
        """Social indicators per jahr, area: planungsraum as given, above population-weighted."""
        if not self.dataset.has("indikatoren"):
            return pd.DataFrame(columns=["jahr", "area", "indikator", "wert", "richtung"])
        ind = self.dataset.tables["indikatoren"].dropna(subset=["jahr", "raum_id", "indikator"])
        ind = ind.assign(jahr=ind["jahr"].astype(np.int64), raum_id=ind["raum_id"].astype(str))
        richtung = ind["richtung"] if "richtung" in ind else pd.Series(None, index=ind.index, dtype=object)
        ind = ind.assign(richtung=richtung, area=self._area(ind, ebene).to_numpy())
        ind = ind[ind["area"].notna()]
        if ebene == "planungsraum":
            return ind[["jahr", "area", "indikator", "wert", "richtung"]].reset_index(drop=True)
        weights = self._total_population()
        ind = ind.merge(weights, on=["jahr", "raum_id"], how="left")
        ind["gewicht"] = ind["einwohner"].fillna(0.0)
        ind = ind[ind["wert"].notna()]
        ind["gw"] = ind["wert"] * ind["gewicht"]
        grouped = ind.groupby(["jahr", "area", "indikator"], as_index=False).agg(
            gw=("gw", "sum"), gewicht=("gewicht", "sum"), wert_mittel=("wert", "mean"),
            richtung=("richtung", "first"))
        grouped["wert"] = np.where(grouped["gewicht"] > 0, grouped["gw"] / grouped["gewicht"].where(
            grouped["gewicht"] > 0), grouped["wert_mittel"])
        return grouped[["jahr", "area", "indikator", "wert", "richtung"]]

    def _total_population(self) -> pd.DataFrame:
        if self._population is None:
            return pd.DataFrame(columns=["jahr", "raum_id", "einwohner"])
        total = self._population[self._population["nenner"] == "gesamt"]
        return total.rename(columns={"anzahl": "einwohner"})[["jahr", "raum_id", "einwohner"]]

    def bedarfsindex(self, ebene: str, jahr: int) -> pd.DataFrame | None:
        """Bedarfsindex of ``jahr``: area, z_*, bedarfsindex, klasse, klasse_label."""
        ind = self.indikatoren(ebene)
        if ind.empty or jahr not in set(ind["jahr"]):
            return None
        wide = self.table(ebene)
        if "bevoelkerung_gesamt" in wide:
            einwohner = wide.xs(("gesamt", jahr), level=("hilfeart", "jahr"))["bevoelkerung_gesamt"]
        else:
            einwohner = pd.Series(np.inf, index=pd.Index(sorted(set(ind["area"]))))
        result = compute_bedarfsindex(ind.rename(columns={"area": "raum_id"}), einwohner, jahr,
                                      dict(self.optionen.gewichte) or None, self.optionen.klassen)
        werte = result.werte.rename(columns={"raum_id": "area"})
        werte["klasse_label"] = werte["klasse"].map(KLASSEN) if self.optionen.klassen == "sd" else werte["klasse"]
        return werte

    # --- long output ------------------------------------------------------------------
    def long(self, ebene: str, jahre: list[int] | None = None) -> pd.DataFrame:
        """The documented long table for one level."""
        wide = self.table(ebene)
        if jahre:
            wide = wide[wide.index.get_level_values("jahr").isin(jahre)]
        emitted = self._emitted_columns(wide)
        stacked = wide[emitted].stack(future_stack=True).dropna()
        long = stacked.rename("wert").reset_index().rename(columns={"area": "raum_id", "level_3": "kennzahl"})
        # Population is not help-specific: the other denominators are listed under "gesamt" only.
        extra_pop = long["kennzahl"].str.startswith("bevoelkerung_") & (
            long["kennzahl"] != f"bevoelkerung_{self.optionen.nenner}") & (long["hilfeart"] != "gesamt")
        long = long[~extra_pop]
        frames = [long]
        frames.append(self._long_needs(ebene, jahre))
        out = pd.concat(frames, ignore_index=True)
        names = self.dataset.area_names()
        out["raum_name"] = out["raum_id"].map(names).fillna(out["raum_id"])
        out["ebene"] = ebene
        return out[LONG_COLUMNS].reset_index(drop=True)

    def _emitted_columns(self, wide: pd.DataFrame) -> list[str]:
        hidden = {"dauer_anzahl"}
        return [c for c in wide.columns if c not in hidden]

    def _long_needs(self, ebene: str, jahre: list[int] | None) -> pd.DataFrame:
        ind = self.indikatoren(ebene)
        if ind.empty:
            return pd.DataFrame(columns=["jahr", "raum_id", "hilfeart", "kennzahl", "wert"])
        if jahre:
            ind = ind[ind["jahr"].isin(jahre)]
        rows = [pd.DataFrame({"jahr": ind["jahr"], "raum_id": ind["area"], "hilfeart": "",
                              "kennzahl": "indikator_" + ind["indikator"].astype(str), "wert": ind["wert"]})]
        if ebene != "kreis":
            for jahr in sorted(set(ind["jahr"])):
                result = self.bedarfsindex(ebene, int(jahr))
                if result is None:
                    continue
                for kennzahl, column in (("bedarfsindex", "bedarfsindex"), ("bedarfsindex_klasse", "klasse")):
                    rows.append(pd.DataFrame({"jahr": int(jahr), "raum_id": result["area"], "hilfeart": "",
                                              "kennzahl": kennzahl, "wert": result[column]}))
        return pd.concat(rows, ignore_index=True).dropna(subset=["wert"])


def compute_kennzahlen(dataset: Dataset, ebene: str = "sozialraum", optionen: Optionen | None = None,
                       jahre: list[int] | None = None) -> pd.DataFrame:
    """All Kennzahlen of one level as the documented long table (see module docstring)."""
    if ebene not in EBENEN:
        raise ValueError(f"Unbekannte Ebene {ebene!r}; erlaubt: {', '.join(EBENEN)}")
    return Engine(dataset, optionen).long(ebene, jahre)
