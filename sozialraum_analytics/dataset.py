"""The dataset every page and the CLI read: the contract's tables from one source.

The source is a folder (the demo Kreis in ``data/``, ``--daten`` or ``SOZIALRAUM_DATEN``) or a version
of the database store; :func:`datenquelle` chooses it for dashboard, CLI and exports alike. Pages never
read files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .einstellungen import einstellungen
from .formatting import jahre_text
from .jahresstand import JAHRESARTEN, zusammenfuehren
from .lesen import art_erkennen, datei_lesen, endungen
from .pruefbericht import ValidationReport
from .tables import ERGAENZENDE_ARTEN, GANZE_DATEI_ARTEN, KINDS, TABLES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = PROJECT_ROOT / "data"
DEMO_KREIS_NAME = "Musterkreis"
KREIS_ID = "kreis"

# Tables with case-level data, exact case counts or money: never handed to a page of the public view.
SENSIBEL = ("faelle", "fallzahlen", "kosten")
KIND_ORDER = KINDS  # the order of tables.KINDS


@dataclass
class Dataset:
    """The loaded tables (canonical columns), their reports and where they came from."""

    tables: dict[str, pd.DataFrame]
    reports: list[ValidationReport] = field(default_factory=list)
    quelle: str = ""
    synthetisch: bool = False
    kreis_name: str = "Kreis"
    gebiete: object | None = None  # GeoDataFrame with raum_id, name, geometry (EPSG:4326)
    geobasis: str = ""  # the credit the geometry needs on a map ("© GeoBasis-DE / BKG"), see geo.geobasis
    stand: dt.date | None = None
    version: int | None = None  # the store's data version behind every figure (None: a folder)
    # Counts (fallzahlen) and durations were computed by the database from case rows:
    # complete like case-level data, but no case row is in the app.
    aus_einzelfaellen: bool = False
    # Durations of ended cases grouped by the database: jahr, raum_id, hilfeart, basis, setting, tage, anzahl.
    dauern: pd.DataFrame | None = None
    # The public view's suppression patterns kept with a store version, by procedure (oeffentlich.Sperrmuster).
    sperrmuster: dict = field(default_factory=dict)
    # "Stand" per kind of data (label -> date), e.g. {"Fälle": 14.11.2024, "Bevölkerung": 31.12.2024}.
    staende: dict[str, dt.date] = field(default_factory=dict)
    # Kinds withheld from this copy (the public view's, see :meth:`ohne_einzeldaten`) and its years.
    zurueckgehalten: frozenset[str] = frozenset()
    feste_jahre: tuple[int, ...] | None = None
    # The Kreis's Bedarfsindex classes (bedarfsindex.Klasseneinteilung), kept with the store; None: −1, 0, +1.
    einteilung: object | None = None
    # A store version's case rows stay in the database: this reads the columns of the case structure
    # (fallstruktur.py) when a page first asks for it (None for a folder: its rows are in ``tables``).
    faelle_laden: Callable[[], pd.DataFrame | None] | None = None
    _strukturfaelle: object = field(default=None, repr=False, compare=False)  # fallstruktur.Strukturfaelle, once
    # planungsraeume() with the objects it was made from (asked for again and again: made once).
    _planungsraeume: tuple | None = field(default=None, repr=False, compare=False)

    def has(self, kind: str) -> bool:
        if kind == "gebiete":
            return self.gebiete is not None
        if kind in self.zurueckgehalten:
            return True
        frame = self.tables.get(kind)
        return frame is not None and len(frame) > 0

    def ohne_einzeldaten(self) -> Dataset:
        """A copy for the public view: no case rows, no exact case counts, no money, no check reports.

        It still says which kinds exist (``has``) and which years; the figures themselves come only
        from the protected engine.
        """
        withheld = frozenset(kind for kind in SENSIBEL if self.has(kind))
        return replace(self, tables={k: v for k, v in self.tables.items() if k not in SENSIBEL}, reports=[],
                       dauern=None, faelle_laden=None, _strukturfaelle=None, zurueckgehalten=withheld,
                       feste_jahre=tuple(self.years()))

    def strukturfaelle(self):  # noqa: ANN201 - fallstruktur.Strukturfaelle | None
        """The helps of the case file as the case structure needs them (:mod:`fallstruktur`), worked out once
        for every engine of this dataset; None without case rows (aggregated Fallzahlen have no structure).
        A store version's rows are read from the database here, then let go."""
        if self._strukturfaelle is None:
            from .counting import classify
            from .fallstruktur import strukturfaelle

            if self.has("faelle") and "faelle" in self.tables:
                zeilen = classify(self.tables["faelle"])
            else:
                zeilen = self.faelle_laden() if self.faelle_laden is not None else None
            self._strukturfaelle = strukturfaelle(zeilen) if zeilen is not None else False
        return self._strukturfaelle or None

    def stand_text(self) -> str:
        """``Stand: Fälle 14.11.2024 · Bevölkerung 31.12.2024`` (one date when all kinds agree)."""
        from .formatting import format_date

        if not self.staende:
            return f"Stand {format_date(self.stand)}" if self.stand else ""
        if len(set(self.staende.values())) == 1:
            return f"Stand {format_date(next(iter(self.staende.values())))}"
        return "Stand: " + " · ".join(f"{art} {format_date(datum)}" for art, datum in self.staende.items())

    def table(self, kind: str) -> pd.DataFrame | None:
        return self.tables.get(kind)

    @property
    def has_cases(self) -> bool:
        return self.has("faelle") or self.has("fallzahlen")

    def missing(self) -> list[str]:
        """German labels of the tables that are not there (not the ones that only refine a figure, such as the
        population projection: without it the Prognose carries the population forward linearly)."""
        out = []
        for kind in KIND_ORDER:
            if kind == "fallzahlen" and self.has("faelle") or kind == "faelle" and self.has("fallzahlen"):
                continue
            if kind in ERGAENZENDE_ARTEN:
                continue
            if not self.has(kind):
                out.append(TABLES[kind].label)
        return out

    def years(self) -> list[int]:
        """The reporting years: those with population if present, else those with cases, else with indicators."""
        if self.feste_jahre is not None:
            return list(self.feste_jahre)
        if self.has("bevoelkerung"):
            values = self.tables["bevoelkerung"]["jahr"].dropna().astype(int)
            if len(values):
                return list(range(int(values.min()), int(values.max()) + 1))
        if self.has("fallzahlen"):
            values = self.tables["fallzahlen"]["jahr"].dropna().astype(int)
            return list(range(int(values.min()), int(values.max()) + 1))
        if self.has("faelle"):
            faelle = self.tables["faelle"]
            first = int(faelle["beginn"].min().year)
            last_dates = [faelle["beginn"].max()] + ([faelle["ende"].max()] if "ende" in faelle else [])
            last = min(max(int(d.year) for d in last_dates if pd.notna(d)), dt.date.today().year)
            return list(range(first, last + 1))
        if self.has("indikatoren"):  # a social monitoring on its own: its years
            values = pd.to_numeric(self.tables["indikatoren"]["jahr"], errors="coerce").dropna().astype(int)
            return sorted(set(values))
        return []

    # --- areas ----------------------------------------------------------------------
    def planungsraeume(self) -> pd.DataFrame:
        """raum_id, name, sozialraum_id, sozialraum_name: the current assignment."""
        quellen = (self.has("zuordnung"), self.gebiete,
                   *(self.tables.get(kind) for kind in ("zuordnung", "bevoelkerung", "faelle", "fallzahlen", "indikatoren")))
        if self._planungsraeume is None or len(self._planungsraeume[0]) != len(quellen) or not all(
                a is b for a, b in zip(self._planungsraeume[0], quellen)):
            self._planungsraeume = (quellen, self._planungsraeume_bilden())
        return self._planungsraeume[1].copy()

    def _planungsraeume_bilden(self) -> pd.DataFrame:
        names = self._area_names()
        if self.has("zuordnung"):
            zuordnung = self.tables["zuordnung"]
            if "gueltig_ab" in zuordnung and zuordnung["gueltig_ab"].notna().any():
                zuordnung = zuordnung.sort_values("gueltig_ab", na_position="first").drop_duplicates(
                    "raum_id", keep="last")
            out = pd.DataFrame({"raum_id": zuordnung["raum_id"].astype(str),
                                "sozialraum_id": zuordnung["sozialraum_id"].astype(str)})
            given = zuordnung["name"].astype(object) if "name" in zuordnung else pd.Series(None, index=zuordnung.index)
            out["name"] = [g if isinstance(g, str) and g else names.get(r, r)
                           for g, r in zip(given.tolist(), out["raum_id"].tolist())]
            sr_names = zuordnung["sozialraum_name"].astype(object) if "sozialraum_name" in zuordnung else given * np.nan
            out["sozialraum_name"] = [n if isinstance(n, str) and n else f"Sozialraum {s}"
                                      for n, s in zip(sr_names.tolist(), out["sozialraum_id"].tolist())]
            # Labels are unique per level: "Heerstraße (Bezirksregion Nord)" when two areas share a name.
            sr = out.drop_duplicates("sozialraum_id")
            sr_label = dict(zip(sr["sozialraum_id"].tolist(), eindeutige_namen(sr["sozialraum_name"].tolist(),
                                                                                [None] * len(sr), sr["sozialraum_id"].tolist())))
            out["sozialraum_name"] = out["sozialraum_id"].map(sr_label)
            out["name"] = eindeutige_namen(out["name"].tolist(), out["sozialraum_name"].tolist(), out["raum_id"].tolist())
            return out[["raum_id", "name", "sozialraum_id", "sozialraum_name"]].sort_values("raum_id").reset_index(drop=True)
        ids = sorted(set(names) | self._ids_in_data())
        return pd.DataFrame({"raum_id": ids, "name": eindeutige_namen([names.get(i, i) for i in ids], [None] * len(ids), ids),
                             "sozialraum_id": [None] * len(ids), "sozialraum_name": [None] * len(ids)})

    def sozialraeume(self) -> pd.DataFrame:
        """sozialraum_id, sozialraum_name, number of Planungsräume."""
        pr = self.planungsraeume().dropna(subset=["sozialraum_id"])
        return (pr.groupby(["sozialraum_id", "sozialraum_name"], as_index=False)
                .agg(planungsraeume=("raum_id", "count")).sort_values("sozialraum_id").reset_index(drop=True))

    def sozialraum_von(self, jahre, raum_ids, *, eigene_id: bool = True) -> list:  # noqa: ANN001 - sequences
        """The Sozialraum of each (year, raum_id) pair by the assignment valid on 31.12. of that year: the one
        place a Planungsraum is mapped to its Sozialraum.

        An id without assignment stays itself with ``eigene_id`` (data given per Sozialraum already carries
        the Sozialraum's id), else None. ``jahre`` may be one year for all.
        """
        ids = [str(i) for i in raum_ids]
        if not self.zuordnung_mit_gueltigkeit():
            # One assignment for every year.
            frame = self.assignment([0])
            lookup = dict(zip(frame["raum_id"].tolist(), frame["sozialraum_id"].tolist()))
            return [lookup.get(i, i if eigene_id else None) for i in ids]
        jahre = [int(jahre)] * len(ids) if isinstance(jahre, (int, np.integer)) else [int(j) for j in jahre]
        frame = self.assignment(sorted(set(jahre)) or [0])
        lookup = dict(zip(zip(frame["jahr"].astype(int).tolist(), frame["raum_id"].tolist()),
                          frame["sozialraum_id"].tolist()))
        return [lookup.get((j, i), i if eigene_id else None) for j, i in zip(jahre, ids)]

    def zuordnung_mit_gueltigkeit(self) -> bool:
        """Whether the assignment changes over time (a ``gueltig_ab`` given)."""
        zuordnung = self.tables.get("zuordnung") if self.has("zuordnung") else None
        return zuordnung is not None and "gueltig_ab" in zuordnung and bool(zuordnung["gueltig_ab"].notna().any())

    def assignment(self, years: list[int]) -> pd.DataFrame:
        """jahr, raum_id, sozialraum_id: the assignment valid on 31.12. of each year."""
        if not self.has("zuordnung"):
            return pd.DataFrame(columns=["jahr", "raum_id", "sozialraum_id"])
        zuordnung = self.tables["zuordnung"]
        frames = []
        for year in years:
            rows = zuordnung
            if self.zuordnung_mit_gueltigkeit():
                stichtag = pd.Timestamp(year, 12, 31)
                valid = zuordnung["gueltig_ab"].isna() | (zuordnung["gueltig_ab"] <= stichtag)
                rows = zuordnung[valid].sort_values("gueltig_ab", na_position="first").drop_duplicates(
                    "raum_id", keep="last")
            frames.append(pd.DataFrame({"jahr": year, "raum_id": rows["raum_id"].astype(str).to_numpy(),
                                        "sozialraum_id": rows["sozialraum_id"].astype(str).to_numpy()}))
        return pd.concat(frames, ignore_index=True)

    def _area_names(self) -> dict[str, str]:
        if self.gebiete is None:
            return {}
        return dict(zip(self.gebiete["raum_id"].astype(str), self.gebiete["name"].astype(str)))

    def _ids_in_data(self) -> set[str]:
        ids: set[str] = set()
        for kind in ("bevoelkerung", "faelle", "fallzahlen", "indikatoren"):
            if self.has(kind):
                ids |= ids_in(self.tables[kind]["raum_id"])
        return ids

    def area_names(self) -> dict[str, str]:
        """Names of Planungsräume, Sozialräume and the Kreis by id."""
        names = self._area_names()
        pr = self.planungsraeume()
        names.update(dict(zip(pr["raum_id"], pr["name"])))
        if pr["sozialraum_id"].notna().any():
            names.update(dict(zip(pr["sozialraum_id"], pr["sozialraum_name"])))
        names[KREIS_ID] = self.kreis_name
        return names

    def cross_check(self) -> ValidationReport:
        """Warnings across tables: unknown areas, years without population."""
        report = ValidationReport("Datenbestand")
        pr = self.planungsraeume()
        known = set(pr["raum_id"].tolist()) if (self.has("zuordnung") or self.gebiete is not None) else None
        sozialraum_ids = set(pr["sozialraum_id"].dropna().tolist())
        if known:
            for kind in ("faelle", "fallzahlen", "bevoelkerung", "indikatoren", "kosten", "angebote"):
                if not self.has(kind) or "raum_id" not in self.tables[kind]:
                    continue
                ids = ids_in(self.tables[kind]["raum_id"])
                unknown = sorted(ids - known - sozialraum_ids)
                if unknown:
                    shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
                    report.warning(f"{TABLES[kind].label}: {len(unknown)} Gebietsschlüssel sind keinem Sozialraum "
                                   f"zugeordnet ({shown}); sie zählen nur im Kreis.")
        if self.has_cases and self.has("bevoelkerung"):
            population_years = set(np.unique(self.tables["bevoelkerung"]["jahr"].dropna().astype(int)).tolist())
            case_years = set(self.years())
            for year in sorted(case_years - population_years):
                report.warning(f"Für {year} fehlt die Bevölkerung; Eckwerte dieses Jahres fehlen.")
        if self.has("bevoelkerungsprognose"):
            from .vorausberechnung import jahre_hinweise

            for meldung in jahre_hinweise(self.tables["bevoelkerungsprognose"], self.tables.get("bevoelkerung")):
                report.warning(meldung)
        if self.has("bevoelkerung") and nur_insgesamt(self.tables["bevoelkerung"]):
            report.warning("Die Bevölkerung liegt nur insgesamt vor, ohne Altersgruppen: Werte je Einwohner und die "
                           "300-Einwohner-Regel gelten; Eckwerte und Ausgaben je junge Menschen (unter 21, unter 18, "
                           "18 bis unter 21) fehlen.")
        return report


def ids_in(values: pd.Series) -> set[str]:
    """The distinct ids of a column as text; of a categorical column the categories in use (no text per row).

    >>> sorted(ids_in(pd.Series(["b", "a", None, "b"], dtype="category")))
    ['a', 'b']
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        used = np.bincount(codes[codes >= 0].astype(np.int64), minlength=len(values.cat.categories)) > 0
        return {str(c) for c in values.cat.categories[used]}
    return set(values.dropna().astype(str).unique())


def eindeutige_namen(namen: list[str], zusatz: list[str | None], ids: list[str]) -> list[str]:
    """Names as labels that identify one area each: a repeated name gets its ``zusatz`` (the
    Sozialraum) in brackets, and where that does not tell them apart, its id.

    >>> eindeutige_namen(["Heerstraße", "Mitte", "Heerstraße"], ["Nord", "Nord", "Süd"], ["1", "2", "3"])
    ['Heerstraße (Nord)', 'Mitte', 'Heerstraße (Süd)']
    >>> eindeutige_namen(["A", "A"], [None, None], ["1", "2"])
    ['A (1)', 'A (2)']
    """
    from collections import Counter

    haeufig = Counter(namen)
    out = [f"{n} ({z})" if haeufig[n] > 1 and z and z != n else n for n, z in zip(namen, zusatz)]
    noch = Counter(out)
    return [f"{n} ({i})" if noch[n] > 1 and n != i else n for n, i in zip(out, ids)]


def nur_insgesamt(bevoelkerung: pd.DataFrame) -> bool:
    """True when the population has no age groups, only totals per area ("insgesamt")."""
    if "alter_bis" not in bevoelkerung:
        return True
    return bool(pd.to_numeric(bevoelkerung["alter_bis"], errors="coerce").isna().all()) and \
        bool((pd.to_numeric(bevoelkerung.get("alter_von", pd.Series([0])), errors="coerce").fillna(0) == 0).all())


def load_folder(directory: Path | str, *, synthetisch: bool | None = None, kreis_name: str | None = None) -> Dataset:
    """Load the contract's files from a folder, recognised by name (``faelle*.csv`` …).

    Files with errors are not used; their reports say why. Several files of one kind
    (``faelle_2023.csv``, ``faelle_2024.csv``) are stacked; for kinds per year the years of a
    later file (by name) replace those of an earlier one, with a warning, as the store's
    ``ergaenzen`` mode does.
    """
    directory = Path(directory)
    tables: dict[str, list[pd.DataFrame]] = {}
    reports: list[ValidationReport] = []
    gebiete = None
    geobasis = ""
    genutzt: list[str] = []
    quellen: dict[str, list[str]] = {}
    dateien = []
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        if path.name.startswith(".") or not path.is_file():
            continue
        kind = art_erkennen(path)  # by name, or an official export by its statistics code (12411-02-03-5.csv)
        if kind is None or path.suffix.lower() not in endungen(kind, auf_der_platte=True):
            continue
        dateien.append((path, kind))
    kreis = einstellungen().kreis
    # Two files at a time (much of the reading releases the GIL); taken in the order of their names.
    with ThreadPoolExecutor(2, thread_name_prefix="sozialraum-ordner") as pool:
        gelesen = [pool.submit(datei_lesen, path, kind, kreis=kreis) for path, kind in dateien]
        ergebnisse = [future.result() for future in gelesen]
    for (path, kind), result in zip(dateien, ergebnisse):
        if kind == "gebiete":
            reports.append(result.report)
            if result.ok:
                gebiete = result.frame
                geobasis = result.frame.attrs.get("geobasis", "")
                genutzt.append(path.name)
            continue
        reports.append(result.report)
        if result.ok:
            if kind in GANZE_DATEI_ARTEN and kind in tables:
                # One projection (one base year, one variant) at a time: the later file, never two mixed.
                result.report.warning(f"Der Ordner enthält mehrere Dateien dieser Art; es gilt {path.name} (Dateien nach "
                                      f"Namen geordnet), nicht {', '.join(quellen[kind])}.")
                tables[kind], quellen[kind] = [result.frame], []
            elif kind in JAHRESARTEN and kind in tables:
                # As the store's default mode: a later file's years replace those years (said so).
                zusammen = zusammenfuehren(kind, tables[kind][0], result.frame)
                if zusammen.ersetzt:
                    result.report.warning(
                        f"Die Jahre {jahre_text(zusammen.ersetzt)} stehen auch in einer früheren Datei dieser Art "
                        f"({', '.join(quellen[kind])}); es gilt {path.name} (Dateien nach Namen geordnet).")
                tables[kind] = [zusammen.frame]
            else:
                tables.setdefault(kind, []).append(result.frame)
            quellen.setdefault(kind, []).append(path.name)
            genutzt.append(path.name)
    stacked = {kind: frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
               for kind, frames in tables.items()}
    for frame in stacked.values():
        # Categorical columns from several files may differ in categories.
        for column in frame.columns:
            if column in ("raum_id", "sozialraum_id") and not isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype(str).where(frame[column].notna(), None).astype("category")
    is_demo = directory.resolve() == DEMO_DIR.resolve()
    dataset = Dataset(
        tables=stacked, reports=reports,
        # As a planner cites it: the files, never the server's folder.
        quelle=("Demo-Daten „Musterkreis“ (synthetisch erzeugt, keine echten Personen oder Orte)" if is_demo
                else "Dateien " + ", ".join(genutzt) if genutzt else "keine lesbaren Dateien"),
        synthetisch=is_demo if synthetisch is None else synthetisch,
        kreis_name=kreis_name or (DEMO_KREIS_NAME if is_demo else einstellungen().kreisname),
        gebiete=gebiete, geobasis=geobasis,
    )
    dataset.stand = _latest_date(dataset)
    dataset.staende = _staende(dataset, dataset.stand if dataset.has("faelle") else None)
    cross = dataset.cross_check()
    if cross.problems:
        reports.append(cross)
    return dataset


def _staende(dataset: Dataset, faelle_datum: dt.date | None) -> dict[str, dt.date]:
    """The Stand of each kind of data: the latest case date, else 31.12. of the latest year."""
    out: dict[str, dt.date] = {}
    for kind, label in (("faelle", "Fälle"), ("fallzahlen", "Fälle"), ("bevoelkerung", "Bevölkerung"),
                        ("kosten", "Ausgaben"), ("indikatoren", "Indikatoren")):
        if label in out or not dataset.has(kind):
            continue
        if label == "Fälle" and faelle_datum is not None:
            out[label] = faelle_datum
            continue
        frame = dataset.tables.get(kind)
        if frame is not None and "jahr" in frame:
            years = pd.to_numeric(frame["jahr"], errors="coerce").dropna()
            if len(years):
                out[label] = dt.date(int(years.max()), 12, 31)
    return out


def _latest_date(dataset: Dataset) -> dt.date | None:
    if dataset.has("faelle"):
        faelle = dataset.tables["faelle"]
        dates = [faelle["beginn"].max()] + ([faelle["ende"].max()] if "ende" in faelle else [])
        dates = [d for d in dates if pd.notna(d)]
        if dates:
            return max(dates).date()
    years = dataset.years()
    return dt.date(years[-1], 12, 31) if years else None


def default_data_dir() -> Path:
    """``SOZIALRAUM_DATEN`` if set, else the demo Kreis (the folder a folder source reads)."""
    return einstellungen().daten or DEMO_DIR


# Why a source was chosen (Datenquelle.grund), in the order of :func:`datenquelle`.
OPTION, EINSTELLUNG, DATENBANK, DEMO = "option", "einstellung", "datenbank", "demo"


@dataclass(frozen=True)
class Datenquelle:
    """Where the data come from: a folder (``ordner``) or version ``version`` of the store at ``url``."""

    grund: str  # OPTION, EINSTELLUNG, DATENBANK or DEMO
    ordner: Path | None = None
    url: str | None = None
    version: int | None = None

    @property
    def ist_datenbank(self) -> bool:
        return self.grund == DATENBANK


def datenquelle(daten: str | Path | None = None, *, store=None) -> Datenquelle:  # noqa: ANN001 - store.Store
    """The one order in which dashboard, command line and exports choose their data:

    1. a folder given explicitly (the command line's ``--daten ORDNER``);
    2. the folder of the setting ``SOZIALRAUM_DATEN``;
    3. the current version of the store (``SOZIALRAUM_DB``, default ``sozialraum.db`` in
       ``SOZIALRAUM_ABLAGE``), once anything was imported;
    4. the demo Kreis in ``data/`` (an empty store).

    ``store``: the store to ask, or a function returning it (the dashboard's cached one); without it
    one is opened for the question. It is asked only when steps 1 and 2 did not decide: a folder
    source never touches the database.
    """
    if daten:
        return Datenquelle(OPTION, ordner=Path(daten))
    configured = einstellungen().daten
    if configured is not None:
        return Datenquelle(EINSTELLUNG, ordner=configured)
    own = store is None
    if own:
        from .store import Store

        store = Store()
    elif callable(store):
        store = store()
    try:
        version = store.aktuelle_versionsnummer()
        if version is not None:
            return Datenquelle(DATENBANK, url=store.url, version=version)
    finally:
        if own:
            store.dispose()
    return Datenquelle(DEMO, ordner=DEMO_DIR)


def datenbestand(quelle: Datenquelle) -> Dataset:
    """The dataset of a :func:`datenquelle` (command line and exports; the dashboard caches its own).

    A folder that does not exist raises FileNotFoundError with a German message.
    """
    if quelle.ist_datenbank:
        from .store import Store

        store = Store(quelle.url)
        try:
            return load_store(store, quelle.version)
        finally:
            store.dispose()
    if not quelle.ordner.is_dir():
        raise FileNotFoundError(f"Der Datenordner {quelle.ordner} existiert nicht.")
    return load_folder(quelle.ordner)


def load_store(store, version: int | None = None, *, kreis_name: str | None = None) -> Dataset:  # noqa: ANN001
    """The dataset of one version of a :class:`~sozialraum_analytics.store.Store` (default: the current)."""
    chosen = store.version(version) if version is not None else store.aktuelle_version()
    tables: dict[str, pd.DataFrame] = {}
    gebiete = dauern = None
    stand = None
    if chosen is not None:
        for kind in chosen.inhalt:
            if kind == "faelle":
                # Case rows stay in the database: it counts them per year and groups their durations.
                tables["fallzahlen"] = store.fallzahlen(chosen)
                dauern = store.dauern(chosen)
                stand = store.letztes_datum(chosen)
                continue
            frame = store.tabelle(kind, chosen)
            if kind == "gebiete":
                gebiete = frame
            elif frame is not None:
                tables[kind] = frame
    dataset = Dataset(
        tables=tables, reports=[],
        quelle=(f"Datenbank, Version {chosen.id} vom {chosen.zeit:%d.%m.%Y %H:%M}" if chosen else "Datenbank (leer)"),
        kreis_name=kreis_name or store.kreisname() or einstellungen().kreisname, gebiete=gebiete,
        geobasis=store.geobasis(chosen.inhalt["gebiete"]["import_id"]) if chosen and "gebiete" in chosen.inhalt else "",
        version=chosen.id if chosen else None, aus_einzelfaellen=chosen is not None and "faelle" in chosen.inhalt,
        dauern=dauern, faelle_laden=Fallzeilen(store.url, chosen.id) if chosen and "faelle" in chosen.inhalt else None)
    dataset.stand = stand or _latest_date(dataset)
    dataset.staende = _staende(dataset, stand)
    if chosen is not None:
        dataset.sperrmuster = store.sperrmuster(chosen.id)
    dataset.einteilung = store.klasseneinteilung()
    cross = dataset.cross_check()
    if cross.problems:
        dataset.reports.append(cross)
    return dataset


# The case file's columns the case structure reads (fallstruktur.py).
STRUKTURSPALTEN = ("raum_id", "hilfeart", "basis", "setting", "beginn", "ende", "geburtsjahr", "alter", "geschlecht",
                   "person_id", "hauptgrund", "beendigungsgrund")


@dataclass(frozen=True)
class Fallzeilen:
    """Reads a store version's case rows (the columns of :data:`STRUKTURSPALTEN`) when called: the dataset
    keeps no case row, the structure is worked out from them once and they are let go."""

    url: str
    version: int

    def __call__(self) -> pd.DataFrame | None:
        from .store import Store

        store = Store(self.url)
        try:
            return store.tabelle("faelle", store.version(self.version), spalten=STRUKTURSPALTEN)
        finally:
            store.dispose()
