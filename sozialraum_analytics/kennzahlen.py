"""The indicator engine: every Kennzahl per year, area level and help group.

``compute_kennzahlen(dataset, ebene)`` returns a tidy long table with the documented
columns ``jahr, ebene, raum_id, raum_name, hilfeart, kennzahl, wert``:

- ``ebene``: ``planungsraum``, ``sozialraum`` or ``kreis`` (raum_id ``kreis``);
- ``hilfeart``: a help group of :data:`hilfearten.HILFEGRUPPEN` (``gesamt``, ``hze``,
  ``stationaer``, ``§34`` …); empty for indicators that are not about help (Bedarfsindex,
  social indicators);
- ``kennzahl``: an id that :func:`registry.describe` explains.

Internally every measure is a cube years × areas × help groups, filled from the
Fallzahlen with one ``bincount`` and summed into help groups with a membership matrix;
rates, trends and the comparison with the Kreis are then plain array arithmetic.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import counting, hilfearten, registry, trends
from .altersgruppen import DENOMINATORS, populations_in_ranges
from .bedarfsindex import STANDARD_EINTEILUNG, Klasseneinteilung, compute_bedarfsindex
from .counting import (
    DAYS_PER_MONTH,
    Fallcodes,
    calendar_year_of,
    classify,
    combine_codes,
    counts_per_year,
    fallcodes,
    fallzahlen_from_aggregate,
)
from .dataset import KREIS_ID, Dataset
from .dauer import Geordnet, in_gruppen, je_zelle, ordnen
from .zaehlen import bincount

if TYPE_CHECKING:
    from .oeffentlich import Schutz

EBENEN = ("planungsraum", "sozialraum", "kreis")
EBENE_LABELS = {"planungsraum": "Planungsraum", "sozialraum": "Sozialraum", "kreis": "Kreis"}
COUNTS = ("begonnen", "beendet", "andauernd")
LONG_COLUMNS = ["jahr", "ebene", "raum_id", "raum_name", "hilfeart", "kennzahl", "wert"]
GROUPS = [g.id for g in hilfearten.HILFEGRUPPEN]
_G = {g: i for i, g in enumerate(GROUPS)}


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
    einteilung: Klasseneinteilung | None = None  # boundaries and names of the "sd" classes; None: the Kreis's

    @property
    def eckwert(self) -> str:
        return registry.eckwert_id(self.skala, self.nenner)

    @property
    def ausgaben_je(self) -> str:
        return registry.ausgaben_je_id(self.ausgaben_nenner)


@dataclass(frozen=True)
class _Rows:
    """Input rows reduced to integer positions: year, Planungsraum key, help combination."""

    jahr: np.ndarray  # calendar years
    raum: np.ndarray  # code into raum_ids, −1 where not given
    raum_ids: list[str]
    combo: np.ndarray  # index into Engine._combos
    values: dict[str, np.ndarray]


def _codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (−1 = missing) and the distinct values of a column, cheap for categoricals."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64), [str(c) for c in values.cat.categories]
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    return codes.astype(np.int64), [str(u) for u in uniques]


def _combine(columns: list[tuple[np.ndarray, list]]) -> tuple[np.ndarray, list[tuple]]:
    """Factorize several coded columns at once: positions and the distinct value tuples (None: missing)."""
    positions, per_column = combine_codes([codes for codes, _ in columns], [len(uniques) for _, uniques in columns])
    decoded = [np.array([*uniques, None], dtype=object)[digits] for digits, (_, uniques) in zip(per_column, columns)]
    return positions, list(zip(*decoded)) if decoded else []


class Engine:
    """Computes once per dataset and options; ``table(ebene)`` gives the wide results."""

    def __init__(self, dataset: Dataset, optionen: Optionen | None = None, jahre: list[int] | None = None,
                 schutz: Schutz | None = None):
        self._dataset = dataset
        self.schutz = schutz
        self.optionen = optionen or Optionen()
        self.jahre = sorted(jahre) if jahre else dataset.years()
        self._year_pos = {y: i for i, y in enumerate(self.jahre)}
        self._combos: dict[tuple, int] = {}
        self._area_cache: dict[str, tuple[str, ...]] = {}
        self._area_tables: dict[tuple, np.ndarray] = {}
        self._cells: dict[tuple, object] = {}  # per input rows and level: _zellen, the flat cube index
        self._pr = dataset.planungsraeume()
        self._dauer_geordnet: Geordnet | Future | None = None  # the ended cases in order of days, for all levels
        with ThreadPoolExecutor(3, thread_name_prefix="sozialraum-einlesen") as pool:
            # The population beside the cases; the calendar years of the cases in the two other threads.
            population = pool.submit(self._build_population)
            # Case rows are reduced once to codes (no copy of the table) for counting and durations.
            self._fallcodes = fallcodes(dataset.tables["faelle"]) if dataset.has("faelle") and self.jahre else None
            self._fallzahlen = self._build_fallzahlen(pool)
            self._ausgaben = self._rows_from(self._build_ausgaben(), ["ausgaben"])
            self._dauer = self._build_dauer()
            self._population = population.result()
        self._dauer_cubes: dict[str, dict[str, np.ndarray] | Future] = {}
        self._vorn: dict[str, dict[str, np.ndarray]] = {}
        self._trends: dict[str, dict[str, np.ndarray]] = {}
        self._membership = self._membership_matrix()
        self._wide: dict[str, pd.DataFrame] = {}
        self._indikatoren: dict[str, pd.DataFrame] = {}
        self._bedarfsindex: dict[tuple[str, int], pd.DataFrame | None] = {}
        self._dynamik: dict[tuple[str, int], object] = {}
        self._veraenderungen: tuple[str, ...] | None = None
        self._cubes: dict[str, dict[str, np.ndarray]] = {}
        self._basis_cache: dict[str, dict[str, np.ndarray]] = {}
        self._vorausberechnung: dict[tuple[str, str], object] = {}

    # --- the view ----------------------------------------------------------------------
    @property
    def oeffentlich(self) -> bool:
        """Whether this engine's figures obey the confidentiality rules (the public view)."""
        return self.schutz is not None

    @property
    def dataset(self) -> Dataset:
        """The data behind the figures; in the public view without case rows, case counts and money."""
        if self.schutz is None:
            return self._dataset
        if self._redigiert is None:
            self._redigiert = self._dataset.ohne_einzeldaten()
        return self._redigiert

    _redigiert: Dataset | None = None

    def mit_optionen(self, optionen: Optionen) -> Engine:
        """The same data, years and protection with other options (denominator, scale …)."""
        if optionen == self.optionen:
            return self
        return Engine(self._dataset, optionen, self.jahre, self.schutz)

    def sperrvermerk(self, ebene: str, kennzahl: str | None = None) -> pd.Series:
        """Per (jahr, area, hilfeart) of :meth:`table`: 0 shown, 1 primary, 2 secondary suppression.

        Counts and what derives from them by default; money (``kennzahl="ausgaben"`` …) has its own.
        """
        index = self.table(ebene).index
        if self.schutz is None:
            return pd.Series(np.zeros(len(index), dtype=np.int8), index=index)
        return pd.Series(self.schutz.vermerke(self, ebene, kennzahl).ravel(), index=index)

    # --- inputs -----------------------------------------------------------------------
    def _build_fallzahlen(self, pool: ThreadPoolExecutor) -> _Rows | None:
        if not self.jahre:
            return None
        if self._fallcodes is not None:
            return self._fallzahlen_aus_faellen(self._fallcodes, pool)
        if self._dataset.has("fallzahlen"):
            return self._rows_from(_aus_aggregat(self._dataset.tables["fallzahlen"]), [*COUNTS, "inanspruchnahme"])
        return None

    def _fallzahlen_aus_faellen(self, codes: Fallcodes, pool: ThreadPoolExecutor) -> _Rows | None:
        """The Fallzahlen of :func:`counting.count_cases_per_year` from the coded case rows: one row per year and
        (Planungsraum, help combination) that has cases. The calendar years are worked out in ``pool``, beside
        the grouping."""
        if not len(codes.raum):
            return None
        jahre = [pool.submit(calendar_year_of, dates) for dates in (codes.beginn, codes.ende)]
        combo = self._combo_ids(codes)
        self._faelle_combo = combo
        group_ids, (raum, group_combo) = combine_codes([codes.raum, combo], [len(codes.raum_ids), len(self._combos)])
        n_groups, n_years, first = len(raum), len(self.jahre), self.jahre[0]
        beginn_jahr, self._ende_jahr = (future.result() for future in jahre)
        # The ended cases and their order by days (where the durations start) beside the counting.
        self._dauer_vorab = pool.submit(self._dauer_aus_faellen)
        begonnen, beendet, andauernd = counts_per_year(group_ids, n_groups, beginn_jahr - first,
                                                       self._ende_jahr - first, n_years)
        values = {"begonnen": begonnen, "beendet": beendet, "andauernd": andauernd, "inanspruchnahme": andauernd + beendet}
        return _Rows(np.tile(np.array(self.jahre, dtype=np.int64), n_groups), np.repeat(raum, n_years), codes.raum_ids,
                     np.repeat(group_combo, n_years), {k: v.ravel().astype(float) for k, v in values.items()})

    def _combo_ids(self, codes: Fallcodes) -> np.ndarray:
        """Combination id (code, setting group, bereich) of each coded case row, registered in code order (a
        missing setting group or bereich first), as :func:`_combine` numbers them."""
        combo_of_art = np.zeros(len(codes.arten), dtype=np.int64)
        for art in sorted(range(len(codes.arten)), key=lambda i: tuple(c + 1 for c in codes.arten[i])):
            hilfeart, gruppe, bereich = codes.arten[art]
            key = (codes.hilfearten[hilfeart], counting.SETTING_GRUPPEN[gruppe] if gruppe >= 0 else None,
                   counting.BEREICHE[bereich] if bereich >= 0 else None)
            combo_of_art[art] = self._combos.setdefault(key, len(self._combos))
        return combo_of_art[codes.art] if len(codes.art) else np.zeros(0, dtype=np.int64)

    def hinweise(self) -> list[str]:
        """German notes on figures the input cannot give, to show with them (never a silent 0).

        A fallzahlen table with only the Hilfen insgesamt (as cities publish them) has no begonnene,
        beendete or andauernde Hilfen: those figures are missing, the note says why.
        """
        from .formatting import jahre_text
        from .tables import HINWEIS_NUR_INSGESAMT

        tabelle = self._dataset.tables.get("fallzahlen")
        if self._dataset.has("faelle") or tabelle is None or "inanspruchnahme" not in tabelle or not self.jahre:
            return []
        je_jahr = pd.DataFrame({
            "jahr": tabelle["jahr"].astype("Int64"),
            "verlauf": tabelle.reindex(columns=list(COUNTS)).notna().any(axis=1),
            "insgesamt": tabelle["inanspruchnahme"].notna(),
        }).dropna(subset=["jahr"]).groupby("jahr").any()
        je_jahr = je_jahr[je_jahr.index.isin(self.jahre)]
        nur_insgesamt = [int(j) for j in je_jahr.index[~je_jahr["verlauf"] & je_jahr["insgesamt"]]]
        if not nur_insgesamt:
            return []
        jahre = "" if len(nur_insgesamt) == len(je_jahr) else f" für {jahre_text(nur_insgesamt)}"
        return [HINWEIS_NUR_INSGESAMT.format(jahre=jahre)]

    def _jahre_mit(self, column: str) -> np.ndarray:
        """Per year of the engine: whether any input row holds a known value of the count ``column``."""
        rows = self._fallzahlen
        year = self._year_positions(rows.jahr)
        known = (year >= 0) & ~np.isnan(rows.values[column])
        return bincount(year[known], minlength=len(self.jahre)) > 0

    def _build_ausgaben(self) -> pd.DataFrame | None:
        frames = []
        if self._dataset.has("kosten"):
            kosten = self._dataset.tables["kosten"]
            kosten = kosten[kosten["hilfeart"].notna() & kosten["jahr"].notna()]
            frames.append(classify(kosten).assign(ausgaben=kosten["betrag"].astype(float)))
        elif self._dataset.has("fallzahlen") and "ausgaben" in self._dataset.tables["fallzahlen"]:
            fz = self._dataset.tables["fallzahlen"]
            fz = fz[fz["hilfeart"].notna() & fz["jahr"].notna()]
            frames.append(classify(fz).assign(ausgaben=fz["ausgaben"].astype(float)))
        if not frames:
            return None
        rows = pd.concat(frames, ignore_index=True)
        if "raum_id" not in rows:
            rows["raum_id"] = None
        return rows

    def _combo_index(self, frame: pd.DataFrame) -> np.ndarray:
        """Integer id per (code, setting group, bereich), shared by all inputs."""
        positions, keys = _combine([_codes(frame[c]) for c in ("hilfeart", "setting_gruppe", "bereich")])
        lookup = np.array([self._combos.setdefault(key, len(self._combos)) for key in keys], dtype=np.int64)
        return lookup[positions] if len(positions) else np.zeros(0, dtype=np.int64)

    def _rows_from(self, frame: pd.DataFrame | None, columns: list[str]) -> _Rows | None:
        if frame is None or frame.empty:
            return None
        raum_codes, raum_ids = _codes(frame["raum_id"])
        return _Rows(frame["jahr"].to_numpy(dtype=np.int64), raum_codes, raum_ids, self._combo_index(frame),
                     {c: frame[c].to_numpy(dtype=float, na_value=np.nan) for c in columns})

    def _build_dauer(self) -> tuple[_Rows, np.ndarray] | None:
        if not self.jahre:
            return None
        if self._fallcodes is not None:
            if self._fallzahlen is None:
                return None
            rows, self._dauer_geordnet = self._dauer_vorab.result()
            return rows
        if self._dataset.dauern is not None:
            # Durations grouped by the database (days × count): one row per case again, as numbers
            # only, so means and exact medians come out as from the case rows.
            dauern = self._dataset.dauern
            dauern = classify(dauern[dauern["jahr"].isin(self.jahre)].reset_index(drop=True))
            ended = dauern.loc[np.repeat(np.arange(len(dauern)), dauern["anzahl"].to_numpy())].reset_index(drop=True)
            return self._rows_from(ended, ["tage"])
        return None

    def _dauer_aus_faellen(self) -> tuple[_Rows | None, Geordnet | None]:
        """Cases ended in the years, with their duration in whole days (counting.durations_of_ended), and their
        order by days (:func:`.dauer.ordnen`, shared by the levels)."""
        codes, jahre = self._fallcodes, self.jahre
        if jahre == list(range(jahre[0], jahre[-1] + 1)):
            inside = (self._ende_jahr >= jahre[0]) & (self._ende_jahr <= jahre[-1])
        else:
            inside = np.isin(self._ende_jahr, np.asarray(jahre))
        rows = np.flatnonzero(inside)  # positions once, then taken from every column
        if not len(rows):
            return None, None
        days = (codes.ende.take(rows) - codes.beginn.take(rows)).astype("timedelta64[D]").astype(np.int64)
        combo = self._faelle_combo.take(rows)
        return (_Rows(self._ende_jahr.take(rows), codes.raum.take(rows), codes.raum_ids, combo, {"tage": days.astype(float)}),
                ordnen(combo, days, int(combo.max()) + 1))

    def _build_population(self) -> pd.DataFrame | None:
        """jahr, raum_id and one column per denominator (population in that age range)."""
        if not self._dataset.has("bevoelkerung"):
            return None
        bev = self._dataset.tables["bevoelkerung"].dropna(subset=["jahr", "raum_id", "alter_von"])
        bev = bev.assign(raum_id=bev["raum_id"].astype(str), jahr=bev["jahr"].astype(np.int64))
        return populations_in_ranges(bev, DENOMINATORS)[["jahr", "raum_id", *DENOMINATORS]]

    def bevoelkerungsvorausberechnung(self, ebene: str, nenner: str = "u21"):  # noqa: ANN201 - vorausberechnung.GebietsVorausberechnung | None
        """The imported population projection for the Prognose: the population of denominator ``nenner`` per area of
        ``ebene`` (``kreis``, ``sozialraum``, ``planungsraum``) and year, with its source and notes
        (:func:`vorausberechnung.je_gebiet`); None when the data hold no projection."""
        if not self._dataset.has("bevoelkerungsprognose"):
            return None
        gebiete = self.areas(ebene)  # the public view allows its levels only
        if (ebene, nenner) not in self._vorausberechnung:
            from .vorausberechnung import je_gebiet

            self._vorausberechnung[(ebene, nenner)] = je_gebiet(
                self._dataset.tables["bevoelkerungsprognose"], ebene, nenner, self._dataset, self._population, gebiete)
        return self._vorausberechnung[(ebene, nenner)]

    def _membership_matrix(self) -> np.ndarray:
        """combos × help groups: 1 where the combination counts in the group."""
        combos = sorted(self._combos.items(), key=lambda item: item[1])
        code, setting, bereich = (np.array([key[i] for key, _ in combos], dtype=object) for i in range(3))
        matrix = np.zeros((len(combos), len(GROUPS)))
        for position, gruppe in enumerate(hilfearten.HILFEGRUPPEN):
            if len(combos):
                matrix[:, position] = gruppe.mask(code, bereich, setting)
        return matrix

    # --- the case structure (fallstruktur.py) ---------------------------------------------
    def strukturfaelle(self):  # noqa: ANN201 - fallstruktur.Strukturfaelle | None
        """The helps of the case file as the case structure needs them (the dataset's, see
        :meth:`Dataset.strukturfaelle`; in the public view too: its figures come only through the protection)."""
        return self._dataset.strukturfaelle()

    # --- levels -----------------------------------------------------------------------
    def areas(self, ebene: str) -> list[str]:
        """The area ids of a level, sorted."""
        if self.schutz is not None:
            self.schutz.pruefe_ebene(ebene)
        return list(self._areas(ebene))

    def _areas(self, ebene: str) -> tuple[str, ...]:
        if ebene not in self._area_cache:
            self._area_cache[ebene] = tuple(self._compute_areas(ebene))
        return self._area_cache[ebene]

    def _compute_areas(self, ebene: str) -> list[str]:
        if ebene == "kreis":
            return [KREIS_ID]
        if ebene == "sozialraum":
            return sorted(set(self._pr["sozialraum_id"].dropna()))
        if self._dataset.has("zuordnung") or self._dataset.gebiete is not None:
            return sorted(self._pr["raum_id"])
        ids: set[str] = set()
        for rows in (self._fallzahlen, self._ausgaben):
            if rows is not None:
                ids |= set(rows.raum_ids)
        if self._population is not None:
            ids |= set(self._population["raum_id"])
        ids |= set(self._pr["raum_id"])  # also the areas of a social monitoring on its own
        return sorted(str(i) for i in ids)

    def _area_positions(self, ebene: str, jahr: np.ndarray, raum: np.ndarray, raum_ids: list[str]) -> np.ndarray:
        """Position of each row's area at ``ebene``; −1 where the row is not part of that level."""
        if ebene == "kreis" or not len(jahr):
            return np.zeros(len(jahr), dtype=np.int64)
        first = int(jahr.min())
        table = self._area_table(ebene, first, int(jahr.max()) - first + 1, raum_ids)
        if table.strides[0] == 0:  # the same in every year (Planungsräume)
            return table[0][raum]  # a missing raum (−1) takes the last column: −1
        return table.ravel()[(jahr - first) * table.shape[1] + raum % table.shape[1]]

    def _area_table(self, ebene: str, first: int, span: int, raum_ids: list[str]) -> np.ndarray:
        """Years ``first`` … × ``raum_ids`` (and a last column −1): the area position at ``ebene``, −1 for none
        (computed once per level and list of ids)."""
        key = (ebene, first, span, tuple(raum_ids))
        if key not in self._area_tables:
            position = {a: i for i, a in enumerate(self._areas(ebene))}
            if ebene == "planungsraum" or not self._dataset.zuordnung_mit_gueltigkeit():
                # The same in every year: the Planungsräume, and the Sozialräume of an assignment without dates.
                areas = raum_ids if ebene == "planungsraum" else self._dataset.sozialraum_von(first, raum_ids)
                row = np.array([position.get(a, -1) for a in areas] + [-1], dtype=np.int64)
                table = np.broadcast_to(row, (span, len(row)))
            else:
                # The Sozialraum of each (year, id) by the assignment valid in that year.
                sozialraeume = self._dataset.sozialraum_von(np.repeat(np.arange(first, first + span), len(raum_ids)),
                                                           list(raum_ids) * span)
                table = np.full((span, len(raum_ids) + 1), -1, dtype=np.int64)
                table[:, :-1] = np.array([position.get(s, -1) for s in sozialraeume],
                                         dtype=np.int64).reshape(span, len(raum_ids))
            self._area_tables[key] = table
        return self._area_tables[key]

    def _zellen(self, rows: _Rows, ebene: str) -> tuple[np.ndarray | slice, np.ndarray, np.ndarray]:
        """The rows that count at ``ebene`` (a mask, or all), their cell (year × area) and year position
        (computed once)."""
        key = (id(rows), ebene)
        if key not in self._cells:
            if (id(rows), "jahr") not in self._cells:
                self._cells[id(rows), "jahr"] = self._year_positions(rows.jahr)
            year = self._cells[id(rows), "jahr"]
            area = self._area_positions(ebene, rows.jahr, rows.raum, rows.raum_ids)
            valid = (year >= 0) & (area >= 0)
            if valid.all():  # every row: no copies
                self._cells[key] = (slice(None), year * len(self._areas(ebene)) + area, year)
            else:
                self._cells[key] = (valid, year[valid] * len(self._areas(ebene)) + area[valid], year[valid])
        return self._cells[key]

    def _year_positions(self, jahr: np.ndarray) -> np.ndarray:
        first = self.jahre[0] if self.jahre else 0
        lookup = np.full(len(self.jahre) and (self.jahre[-1] - first + 1), -1, dtype=np.int64)
        for year, position in self._year_pos.items():
            lookup[year - first] = position
        offset = jahr - first
        inside = (offset >= 0) & (offset < len(lookup))
        if len(lookup) == len(self.jahre):  # the years follow each other: the offset is the position
            return np.where(inside, offset, -1)
        return np.where(inside, lookup[np.clip(offset, 0, max(len(lookup) - 1, 0))], -1)

    def _cube(self, rows: _Rows, column: str, ebene: str, zero_when_absent: bool = False) -> np.ndarray:
        """Sum of ``column`` per year × area × help group; NaN where an unknown value enters."""
        n_years, n_areas, n_combos = len(self.jahre), len(self._areas(ebene)), len(self._combos)
        valid, cell, year = self._zellen(rows, ebene)
        if (id(rows), ebene, "flat") not in self._cells:
            self._cells[id(rows), ebene, "flat"] = cell * n_combos + rows.combo[valid]
        flat = self._cells[id(rows), ebene, "flat"]
        values = rows.values[column][valid]
        unknown = np.isnan(values)
        size = n_years * n_areas * n_combos
        shape = (n_years, n_areas, n_combos)
        # Counts are whole numbers: summed into groups without BLAS (exact in any order). Money keeps the
        # product with the membership matrix.
        into_groups = ((lambda cube: in_gruppen(cube, self._membership, axis=2)) if column in (*COUNTS, "inanspruchnahme")
                       else (lambda cube: cube @ self._membership))
        if unknown.any():
            sums = bincount(flat, weights=np.where(unknown, 0.0, values), minlength=size)
            flags = bincount(flat, weights=unknown.astype(float), minlength=size)
            unknown_cube = in_gruppen(flags.reshape(shape), self._membership, axis=2) > 0
        else:
            sums = bincount(flat, weights=values, minlength=size)
            unknown_cube = np.zeros((n_years, n_areas, len(GROUPS)), dtype=bool)
        cube = into_groups(sums.reshape(shape))
        if not zero_when_absent:
            # Aggregated tables (costs, Fallzahlen): a year with no row at this level is
            # not reported, which is not the same as 0.
            reported = bincount(year, minlength=n_years) > 0
            unknown_cube |= ~reported[:, None, None]
        return np.where(unknown_cube, np.nan, cube)

    def _population_cubes(self, ebene: str) -> dict[str, np.ndarray]:
        """Population per year × area for each denominator (NaN where a member's count is unknown)."""
        frame = self._population
        n_years, n_areas = len(self.jahre), len(self._areas(ebene))
        jahr = frame["jahr"].to_numpy(dtype=np.int64)
        year = self._year_positions(jahr)
        area = self._area_positions(ebene, jahr, *_codes(frame["raum_id"]))
        valid = (year >= 0) & (area >= 0)
        flat = year[valid] * n_areas + area[valid]
        seen = bincount(flat, minlength=n_years * n_areas) > 0
        cubes = {}
        for key in DENOMINATORS:
            values = frame[key].to_numpy(dtype=float)[valid]
            unknown = np.isnan(values)
            sums = bincount(flat, weights=np.where(unknown, 0.0, values), minlength=n_years * n_areas)
            flags = bincount(flat, weights=unknown.astype(float), minlength=n_years * n_areas) > 0
            cubes[key] = np.where(seen & ~flags, sums, np.nan).reshape(n_years, n_areas)
        return cubes

    def _duration_cubes(self, ebene: str) -> dict[str, np.ndarray]:
        """Mean, median and count of the durations of cases ended per year × area × group (:mod:`.dauer`)."""
        self._dauer_starten(ebene)
        cubes = self._dauer_cubes[ebene]
        if not isinstance(cubes, dict):
            cubes = self._dauer_cubes[ebene] = cubes.result()
        return cubes

    def _dauer_starten(self, ebene: str) -> None:
        """Start the durations of ``ebene`` in the background (:meth:`_duration_cubes` waits for them).

        Outside the public view the three levels are computed together, in two threads, sharing the
        rows' order by days (:func:`.dauer.ordnen`).
        """
        if ebene in self._dauer_cubes:
            return
        rows = self._dauer
        levels = [ebene] if self.schutz is not None else [e for e in EBENEN if e not in self._dauer_cubes]
        if (id(rows), "jahr") not in self._cells:
            self._cells[id(rows), "jahr"] = self._year_positions(rows.jahr)  # shared; each level's cells in its thread
        pool = ThreadPoolExecutor(2, thread_name_prefix="sozialraum-dauer")
        if self._dauer_geordnet is None:  # durations from the database: the order first, the levels wait for it
            self._dauer_geordnet = pool.submit(ordnen, rows.combo, rows.values["tage"].astype(np.int64),
                                               int(rows.combo.max()) + 1 if len(rows.combo) else 1)
        for level in levels:
            self._dauer_cubes[level] = pool.submit(self._duration_level, level)
        pool.shutdown(wait=False)

    def _duration_level(self, ebene: str) -> dict[str, np.ndarray]:
        rows = self._dauer
        n_years, n_areas = len(self.jahre), len(self._areas(ebene))
        shape = (n_years, n_areas, len(GROUPS))
        out = {name: np.full(shape, np.nan) for name in ("dauer_mittel_monate", "dauer_median_monate")}
        out["dauer_anzahl"] = np.zeros(shape)
        if not len(rows.jahr):
            return out
        valid, cell, _ = self._zellen(rows, ebene)
        if not isinstance(valid, slice):  # −1: the row does not count at this level
            every_row = np.full(len(valid), -1, dtype=np.int64)
            every_row[valid] = cell
            cell = every_row
        geordnet = self._dauer_geordnet
        count, total, median = je_zelle(cell, rows.combo, rows.values["tage"], n_years * n_areas, self._membership,
                                        geordnet.result() if isinstance(geordnet, Future) else geordnet)
        present = count > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            out["dauer_mittel_monate"] = np.where(present, total / count / DAYS_PER_MONTH, np.nan).reshape(shape)
        out["dauer_median_monate"] = np.where(present, median / DAYS_PER_MONTH, np.nan).reshape(shape)
        out["dauer_anzahl"] = count.reshape(shape)
        return out

    # --- the cubes --------------------------------------------------------------------
    def cubes(self, ebene: str) -> dict[str, np.ndarray]:
        """Every measure as an array years × areas × help groups (see :meth:`table`)."""
        if ebene not in self._cubes:
            self._cubes[ebene] = self._compute(ebene)
        return self._cubes[ebene]

    def _compute(self, ebene: str) -> dict[str, np.ndarray]:
        if self.schutz is not None:
            self.schutz.pruefe_ebene(ebene)
            cubes = self.schutz.anwenden(self, ebene)
            self._add_trends(cubes)
        else:
            cubes = dict(self.basis(ebene))
            cubes.update(self._trends_vorn(ebene))
        self._add_comparison(cubes, ebene)
        return cubes

    def _trends_vorn(self, ebene: str) -> dict[str, np.ndarray]:
        """The trends of the exact counts, rates and money of ``ebene`` (not of durations: computed once, also
        while the durations are still being computed)."""
        if ebene not in self._trends:
            trends_only: dict[str, np.ndarray] = dict(self._basis_ohne_dauer(ebene))
            before = set(trends_only)
            self._add_trends(trends_only)
            self._trends[ebene] = {name: cube for name, cube in trends_only.items() if name not in before}
        return self._trends[ebene]

    def basis(self, ebene: str) -> dict[str, np.ndarray]:
        """The exact measures of each cell before trends (computed once; the protection starts from them)."""
        if ebene not in self._basis_cache:
            self._basis_cache[ebene] = self._basis(ebene)
        return self._basis_cache[ebene]

    def atome(self, art: str) -> np.ndarray:
        """Help combinations (code × setting group × bereich) that carry cases (``art="faelle"``) or money
        (``"ausgaben"``) anywhere in the data: combinations × help groups, 1 where one counts in a group.

        The protection's attacker knows that the other combinations are 0 in every area and year.
        """
        rows = self._fallzahlen if art == "faelle" else self._ausgaben
        if rows is None:
            return np.zeros((0, len(GROUPS)))
        values = sum(np.nan_to_num(np.abs(v)) for v in rows.values.values())
        carried = bincount(rows.combo, weights=values, minlength=len(self._combos)) > 0
        return self._membership[carried]

    def _basis(self, ebene: str) -> dict[str, np.ndarray]:
        """The measures of each cell (counts, population, rates, money, durations), before trends."""
        if self._dauer is not None:
            self._dauer_starten(ebene)  # in the background while the counts are summed up
        cubes = dict(self._basis_ohne_dauer(ebene))
        if self._dauer is not None:
            if self.schutz is None and not self._dauer_fertig(ebene):
                # While this level's durations are computed, the other levels' counts (a core is free as
                # soon as the smaller levels' durations are done).
                for other in EBENEN:
                    self._basis_ohne_dauer(other)
                for other in EBENEN:
                    self._trends_vorn(other)
            cubes.update(self._duration_cubes(ebene))
        if "inanspruchnahme" in cubes:
            cubes["anteil_stationaer"] = _anteil_stationaer(cubes["inanspruchnahme"])
        return cubes

    def _dauer_fertig(self, ebene: str) -> bool:
        cubes = self._dauer_cubes.get(ebene)
        return cubes is not None and (isinstance(cubes, dict) or cubes.done())

    def _basis_ohne_dauer(self, ebene: str) -> dict[str, np.ndarray]:
        """Counts, population, rates and money of each cell (computed once; :meth:`_basis` adds the rest)."""
        if ebene in self._vorn:
            return self._vorn[ebene]
        opt = self.optionen
        shape = (len(self.jahre), len(self.areas(ebene)), len(GROUPS))
        cubes: dict[str, np.ndarray] = {}
        group = np.array(GROUPS, dtype=object)
        protection = np.isin(group, ["§42", "§8a"])
        if self._fallzahlen is not None:
            # Case-level data (also when the database counted it) counts every year: no case is a real 0.
            complete = self._dataset.has("faelle") or self._dataset.aus_einzelfaellen
            for column in (*COUNTS, "inanspruchnahme"):
                if column == "inanspruchnahme" and self._fallcodes is not None:
                    # From case rows it is andauernd + beendet row by row: the same sums (whole numbers).
                    cubes[column] = cubes["andauernd"] + cubes["beendet"]
                    continue
                cube = self._cube(self._fallzahlen, column, ebene, zero_when_absent=complete)
                if not complete:
                    # A count the input does not hold for a year (a table of only Hilfen insgesamt has no
                    # begonnen, beendet, andauernd) is unknown there, not 0 (see :meth:`hinweise`).
                    cube[~self._jahre_mit(column)] = np.nan
                cubes[column] = cube
            # Inanspruchnahme = andauernd + beendet per row (else the Hilfen insgesamt as given).
            cubes["inanspruchnahme"] = np.where(protection, np.nan, cubes["inanspruchnahme"])
            cubes["inobhutnahmen"] = np.where(group == "§42", cubes["beendet"], np.nan)
            cubes["gefaehrdungseinschaetzungen"] = np.where(group == "§8a", cubes["beendet"], np.nan)
        if self._population is not None:
            for key, population in self._population_cubes(ebene).items():
                cubes[f"bevoelkerung_{key}"] = np.broadcast_to(population[:, :, None], shape).copy()
            if "inanspruchnahme" in cubes:
                cubes[opt.eckwert] = _rate(cubes["inanspruchnahme"], cubes[f"bevoelkerung_{opt.nenner}"], opt.skala)
                eck41 = registry.eckwert_id(opt.skala, "18_21")
                if eck41 != opt.eckwert:
                    cubes[eck41] = np.where(group == "§41", _rate(cubes["inanspruchnahme"],
                                                                  cubes["bevoelkerung_18_21"], opt.skala), np.nan)
        if self._ausgaben is not None:
            cubes["ausgaben"] = self._cube(self._ausgaben, "ausgaben", ebene)
            if f"bevoelkerung_{opt.ausgaben_nenner}" in cubes:
                cubes[opt.ausgaben_je] = _rate(cubes["ausgaben"], cubes[f"bevoelkerung_{opt.ausgaben_nenner}"], 1)
            if "inanspruchnahme" in cubes:
                cubes["kosten_je_hilfe"] = _rate(cubes["ausgaben"], cubes["inanspruchnahme"], 1)
        self._vorn[ebene] = cubes
        return cubes

    def _add_trends(self, cubes: dict[str, np.ndarray]) -> None:
        if not self.jahre:
            return
        opt, jahre = self.optionen, self.jahre
        von = opt.trend_von if opt.trend_von in jahre else jahre[0]
        bis = opt.trend_bis if opt.trend_bis in jahre else jahre[-1]
        for base in ("inanspruchnahme", opt.eckwert, "ausgaben"):
            if base not in cubes:
                continue
            values = cubes[base]
            cubes[f"{base}_vorjahr_abs"] = trends.vorjahr_abs(values, jahre)
            cubes[f"{base}_vorjahr_prozent"] = trends.vorjahr_prozent(values, jahre)
            cubes[f"{base}_index"] = trends.index(values, jahre, opt.basisjahr)
            if bis > von:
                # Period figures are shown in the period's last year.
                for name, func in (("wachstum_prozent", trends.wachstum_prozent),
                                   ("trend_steigung", trends.trend_steigung)):
                    cube = np.full(values.shape, np.nan)
                    cube[jahre.index(bis)] = func(values, jahre, von, bis)
                    cubes[f"{base}_{name}"] = cube

    def _add_comparison(self, cubes: dict[str, np.ndarray], ebene: str) -> None:
        opt = self.optionen
        kreis = cubes if ebene == "kreis" else self.cubes("kreis")
        for column in (opt.eckwert, opt.ausgaben_je, "kosten_je_hilfe", "anteil_stationaer"):
            if column not in cubes:
                continue
            reference = np.broadcast_to(kreis[column][:, :1, :], cubes[column].shape)
            cubes[f"{column}_kreiswert"] = reference.copy()
            with np.errstate(invalid="ignore", divide="ignore"):
                cubes[f"{column}_abweichung_kreis_prozent"] = np.where(
                    reference > 0, (cubes[column] / reference - 1) * 100, np.nan)

    # --- tables -----------------------------------------------------------------------
    def table(self, ebene: str) -> pd.DataFrame:
        """Wide results: index (jahr, area, hilfeart), one column per Kennzahl."""
        if ebene not in self._wide:
            cubes = self.cubes(ebene)
            index = pd.MultiIndex.from_product([self.jahre, self.areas(ebene), GROUPS],
                                               names=["jahr", "area", "hilfeart"])
            # The columns are the cubes themselves (no copy of some hundred MB; nothing changes a cube once made).
            self._wide[ebene] = pd.DataFrame({name: cube.ravel() for name, cube in cubes.items()}, index=index,
                                             copy=False)
        return self._wide[ebene]

    def long(self, ebene: str, jahre: list[int] | None = None) -> pd.DataFrame:
        """The documented long table for one level: cell by cell, Kennzahlen in computed order."""
        if self.schutz is not None:
            self.schutz.pruefe_ebene(ebene)
        cubes = {name: cube for name, cube in self.cubes(ebene).items() if name != "dauer_anzahl"}
        areas = np.array(self.areas(ebene), dtype=object)
        names = list(cubes)
        n_years, n_areas, n_groups = len(self.jahre), len(areas), len(GROUPS)
        matrix = np.stack([cube.reshape(-1) for cube in cubes.values()], axis=1) if names else np.zeros((0, 0))
        keep = ~np.isnan(matrix)
        cell_group = np.arange(matrix.shape[0]) % n_groups
        for k, name in enumerate(names):
            if name.startswith("bevoelkerung_") and name != f"bevoelkerung_{self.optionen.nenner}":
                # Population is not help-specific: other denominators are listed under "gesamt" only.
                keep[:, k] &= cell_group == _G["gesamt"]
        if jahre:
            year_of_cell = np.repeat(np.array(self.jahre), n_areas * n_groups)
            keep &= np.isin(year_of_cell, jahre)[:, None]
        cell, k = np.nonzero(keep)
        year_pos, rest = np.divmod(cell, n_areas * n_groups)
        area_pos, group_pos = np.divmod(rest, n_groups)
        area_names = self._dataset.area_names()
        name_codes, name_labels = pd.factorize(pd.Series([area_names.get(a, a) for a in areas], dtype=object))
        # Categoricals from codes: millions of rows without millions of Python strings.
        frame = pd.DataFrame({
            "jahr": np.array(self.jahre, dtype=np.int64)[year_pos] if n_years else np.zeros(0, dtype=np.int64),
            "ebene": pd.Categorical.from_codes(np.zeros(len(cell), dtype=np.int8), categories=[ebene]),
            "raum_id": pd.Categorical.from_codes(area_pos, categories=list(areas)),
            "raum_name": pd.Categorical.from_codes(name_codes[area_pos], categories=name_labels),
            "hilfeart": pd.Categorical.from_codes(group_pos, categories=GROUPS),
            "kennzahl": pd.Categorical.from_codes(k, categories=names),
            "wert": matrix[cell, k],
        })
        needs = self._long_needs(ebene, jahre)
        if len(needs):
            needs = needs.assign(ebene=ebene, raum_name=needs["raum_id"].map(area_names).fillna(needs["raum_id"]))
            frame = pd.concat([frame, needs], ignore_index=True)
        return frame[LONG_COLUMNS]

    # --- needs ------------------------------------------------------------------------
    def indikatoren(self, ebene: str) -> pd.DataFrame:
        """Social indicators per jahr, area: Planungsraum as given, above population-weighted (computed once)."""
        if ebene not in self._indikatoren:
            self._indikatoren[ebene] = self._compute_indikatoren(ebene)
        return self._indikatoren[ebene]

    def _compute_indikatoren(self, ebene: str) -> pd.DataFrame:
        columns = ["jahr", "area", "indikator", "wert", "richtung"]
        if not self._dataset.has("indikatoren"):
            return pd.DataFrame(columns=columns)
        ind = self._dataset.tables["indikatoren"].dropna(subset=["jahr", "raum_id", "indikator"])
        jahr = ind["jahr"].to_numpy(dtype=np.int64)
        areas = np.array(self.areas(ebene), dtype=object)
        position = self._area_positions(ebene, jahr, *_codes(ind["raum_id"]))
        richtung = ind["richtung"].astype(object) if "richtung" in ind else pd.Series(None, index=ind.index)
        frame = pd.DataFrame({"jahr": jahr, "raum_id": ind["raum_id"].astype(str).to_numpy(),
                              "area": np.where(position >= 0, areas[np.clip(position, 0, None)] if len(areas) else None,
                                               None),
                              "indikator": ind["indikator"].astype(str).to_numpy(),
                              "wert": ind["wert"].to_numpy(dtype=float), "richtung": richtung.to_numpy()})
        frame = frame[frame["area"].notna()]
        if ebene == "planungsraum":
            return frame[columns].reset_index(drop=True)
        if self._population is not None:
            weights = self._population.rename(columns={"gesamt": "einwohner"})[["jahr", "raum_id", "einwohner"]]
            frame = frame.merge(weights, on=["jahr", "raum_id"], how="left")
        else:
            frame["einwohner"] = np.nan
        frame = frame[frame["wert"].notna()].assign(gewicht=lambda f: f["einwohner"].fillna(0.0))
        frame["gw"] = frame["wert"] * frame["gewicht"]
        grouped = frame.groupby(["jahr", "area", "indikator"], as_index=False).agg(
            gw=("gw", "sum"), gewicht=("gewicht", "sum"), wert_mittel=("wert", "mean"), richtung=("richtung", "first"))
        weighted = grouped["gw"] / grouped["gewicht"].where(grouped["gewicht"] > 0)
        grouped["wert"] = weighted.fillna(grouped["wert_mittel"])
        return grouped[columns]

    def bedarfsindex(self, ebene: str, jahr: int) -> pd.DataFrame | None:
        """Bedarfsindex of ``jahr``: area, z_*, bedarfsindex, klasse, klasse_label (computed once)."""
        if (ebene, jahr) not in self._bedarfsindex:
            self._bedarfsindex[ebene, jahr] = self._compute_bedarfsindex(ebene, jahr)
        return self._bedarfsindex[ebene, jahr]

    def _einwohner(self, ebene: str, jahr: int, ind: pd.DataFrame) -> pd.Series:
        """Population per area in ``jahr`` for the 300-inhabitant rule; without population every area counts."""
        if self._population is not None and jahr in self._year_pos:
            population = self.cubes(ebene)["bevoelkerung_gesamt"][self._year_pos[jahr], :, 0]
            return pd.Series(population, index=self.areas(ebene))
        return pd.Series(np.inf, index=sorted(set(ind["area"])))

    @property
    def veraenderungsindikatoren(self) -> tuple[str, ...]:
        """The indicators of the data that are given changes (:func:`.dynamik.veraenderungsindikatoren`):
        part of the dynamics, never of the status."""
        if self._veraenderungen is None:
            from .dynamik import veraenderungsindikatoren

            self._veraenderungen = (veraenderungsindikatoren(self._dataset.tables["indikatoren"])
                                    if self._dataset.has("indikatoren") else ())
        return self._veraenderungen

    def _status_indikatoren(self, ebene: str) -> pd.DataFrame:
        """The indicators of the status: all but the given changes."""
        ind = self.indikatoren(ebene)
        if not self.veraenderungsindikatoren:
            return ind
        return ind[~ind["indikator"].isin(self.veraenderungsindikatoren)]

    def _compute_bedarfsindex(self, ebene: str, jahr: int) -> pd.DataFrame | None:
        ind = self._status_indikatoren(ebene)
        if ind.empty or jahr not in set(ind["jahr"]):
            return None
        einwohner = self._einwohner(ebene, jahr, ind)
        result = compute_bedarfsindex(ind.rename(columns={"area": "raum_id"}), einwohner, jahr,
                                      dict(self.optionen.gewichte) or None, self.optionen.klassen, self.einteilung)
        werte = result.werte.rename(columns={"raum_id": "area"})
        werte["klasse_label"] = werte["klasse"].map(self.einteilung.name) if self.optionen.klassen == "sd" \
            else werte["klasse"]
        return werte

    def dynamik(self, ebene: str, jahr: int):  # noqa: ANN201 - dynamik.Dynamik | None
        """Dynamics of the needs indicators from ``jahr`` − 2 to ``jahr`` (:mod:`~sozialraum_analytics.dynamik`),
        with the status's weights and population rule (an area needs 300 inhabitants in both years); from the
        given change indicators of ``jahr`` where the data have them. None without given changes in ``jahr``
        and without status indicators in both years (computed once)."""
        if (ebene, jahr) not in self._dynamik:
            self._dynamik[ebene, jahr] = self._compute_dynamik(ebene, jahr)
        return self._dynamik[ebene, jahr]

    def _compute_dynamik(self, ebene: str, jahr: int):  # noqa: ANN202
        from .dynamik import ABSTAND, compute_dynamik

        ind = self.indikatoren(ebene)
        if ind.empty:
            return None
        gegeben = ind["indikator"].isin(self.veraenderungsindikatoren)
        status_jahre = set(ind.loc[~gegeben, "jahr"])
        differenz = not (gegeben & (ind["jahr"] == jahr)).any()
        if differenz and not {jahr, jahr - ABSTAND} <= status_jahre:
            return None
        einwohner = self._einwohner(ebene, jahr, ind)
        if differenz:
            # A change rests on both years: the value of a year in which the area had fewer than 300
            # inhabitants (too unstable, a privacy risk) must not enter it either.
            vorher = self._einwohner(ebene, jahr - ABSTAND, ind)
            einwohner = pd.concat([einwohner, vorher], axis=1).min(axis=1)
        return compute_dynamik(ind.rename(columns={"area": "raum_id"}), einwohner, jahr,
                               gewichte=dict(self.optionen.gewichte) or None,
                               veraenderungen=self.veraenderungsindikatoren)

    def bedarfsindex_jahr(self, ebene: str, jahr: int) -> int | None:
        """The year whose Bedarfsindex stands for ``jahr``: ``jahr`` itself, else the latest earlier year
        with an index (a social monitoring is not renewed every year); None without any."""
        indikatoren = self.indikatoren(ebene)
        if indikatoren.empty:
            return None
        for kandidat in sorted((int(j) for j in indikatoren["jahr"].unique() if j <= jahr), reverse=True):
            index = self.bedarfsindex(ebene, kandidat)
            if index is not None and index["bedarfsindex"].notna().any():
                return kandidat
        return None

    @property
    def einteilung(self) -> Klasseneinteilung:
        """The Bedarfsindex classes: the option's, else the Kreis's (stored with its data), else −1, 0, +1."""
        return self.optionen.einteilung or self._dataset.einteilung or STANDARD_EINTEILUNG

    def _long_needs(self, ebene: str, jahre: list[int] | None) -> pd.DataFrame:
        ind = self.indikatoren(ebene)
        columns = ["jahr", "raum_id", "hilfeart", "kennzahl", "wert"]
        if ind.empty:
            return pd.DataFrame(columns=columns)
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
        return pd.concat(rows, ignore_index=True).dropna(subset=["wert"])[columns]


def _aus_aggregat(tabelle: pd.DataFrame) -> pd.DataFrame:
    """The aggregated ``fallzahlen`` table as the engine's counts, with ``inanspruchnahme``.

    Counts the table does not hold are unknown (NaN), never 0: a city's table of Hilfen insgesamt
    has no begonnen, beendet, andauernd. Inanspruchnahme = andauernd + beendet where the case flow
    is known, else the Hilfen insgesamt as given (the reader checked that both agree).
    """
    out = fallzahlen_from_aggregate(tabelle.assign(**{c: np.nan for c in COUNTS if c not in tabelle}))
    inanspruchnahme = out["andauernd"] + out["beendet"]
    if "inanspruchnahme" in tabelle:
        # Grouped exactly as fallzahlen_from_aggregate groups (same rows, keys and order).
        rows = classify(tabelle[tabelle["hilfeart"].notna() & tabelle["raum_id"].notna() & tabelle["jahr"].notna()])
        keys = ["jahr", "raum_id", "hilfeart", "setting_gruppe", "bereich"]
        gegeben = (rows.assign(jahr=rows["jahr"].astype(np.int64), inanspruchnahme=rows["inanspruchnahme"].astype(float))
                   .groupby(keys, observed=True, dropna=False, sort=True)["inanspruchnahme"].sum(min_count=1))
        inanspruchnahme = inanspruchnahme.fillna(pd.Series(gegeben.to_numpy(), index=out.index))
    return out.assign(inanspruchnahme=inanspruchnahme)


def _rate(numerator: np.ndarray, denominator: np.ndarray, scale: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator * scale, np.nan)


def _anteil_stationaer(inanspruchnahme: np.ndarray) -> np.ndarray:
    """stationär / (ambulant + teilstationär + stationär) × 100 for HzE, with and without §28."""
    out = np.full(inanspruchnahme.shape, np.nan)
    stationaer = inanspruchnahme[:, :, _G["stationaer"]]
    teil = inanspruchnahme[:, :, _G["teilstationaer"]]
    for group, ambulant in (("hze", "ambulant"), ("hze_ohne_eb", "ambulant_ohne_eb")):
        total = inanspruchnahme[:, :, _G[ambulant]] + teil + stationaer
        out[:, :, _G[group]] = _rate(stationaer, total, 100)
    return out


def compute_kennzahlen(dataset: Dataset, ebene: str = "sozialraum", optionen: Optionen | None = None,
                       jahre: list[int] | None = None) -> pd.DataFrame:
    """All Kennzahlen of one level as the documented long table (see module docstring)."""
    if ebene not in EBENEN:
        raise ValueError(f"Unbekannte Ebene {ebene!r}; erlaubt: {', '.join(EBENEN)}")
    return Engine(dataset, optionen).long(ebene, jahre)
