"""Counting cases per calendar year, by the official convention (AKJStat, Destatis).

For a calendar year j:

- begonnen(j): Beginn in j;
- beendet(j): Ende in j;
- andauernd(j), Stichtag 31.12.j: Beginn <= 31.12.j and (Ende empty or Ende > 31.12.j);
- Inanspruchnahme(j) = andauernd(j) + beendet(j) ("Hilfen insgesamt").

Case-level rows are first reduced to these counts per year, Planungsraum, help code and
setting group ("Fallzahlen"). Everything downstream works on Fallzahlen, which is why
aggregated input gives exactly the same indicators as the case-level data it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import hilfearten
from .zaehlen import bincount

FALLZAHLEN_COLUMNS = ["jahr", "raum_id", "hilfeart", "setting_gruppe", "bereich",
                      "begonnen", "beendet", "andauernd"]
DAYS_PER_MONTH = 365.25 / 12


def combine_codes(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Factorise several coded columns at once (the one place this is done).

    ``codes``: per column an integer code per row, −1 for a missing value; ``sizes``: the number of
    distinct values of each column. Returns a group id per row (0, 1, … in the order of the code
    tuples, a missing value first) and per column the code of each group (−1: missing).

    >>> ids, per_column = combine_codes([np.array([1, 0, 1, -1]), np.array([0, 0, 0, 2])], [2, 3])
    >>> ids.tolist(), [c.tolist() for c in per_column]
    ([2, 1, 2, 0], [[-1, 0, 1], [2, 0, 0]])
    """
    n = len(codes[0]) if codes else 0
    combined = np.zeros(n, dtype=np.int64)
    for column_codes, size in zip(codes, sizes):
        combined *= size + 1
        combined += np.asarray(column_codes)  # in place, whatever the codes' integer type
        combined += 1
    space = float(np.prod([size + 1 for size in sizes], dtype=np.float64))
    if space <= max(4 * n, 1 << 16):
        # Dense: which of the possible keys occur, numbered in order (no hashing).
        present = bincount(combined, minlength=int(space)) > 0
        group_ids, distinct = (np.cumsum(present) - 1)[combined], np.flatnonzero(present)
    else:
        group_ids, distinct = pd.factorize(combined, sort=True)
    per_column = []
    remaining = np.asarray(distinct, dtype=np.int64)
    for size in reversed(sizes):
        per_column.append(remaining % (size + 1) - 1)
        remaining = remaining // (size + 1)
    per_column.reverse()
    return np.asarray(group_ids, dtype=np.int64), per_column


SETTING_GRUPPEN = list(hilfearten.SETTINGS)
BEREICHE = [hilfearten.HZE, hilfearten.EINGLIEDERUNGSHILFE, hilfearten.INOBHUTNAHME, hilfearten.GEFAEHRDUNG]


def category_codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (−1: missing) and categories of a column; free for a categorical one."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("category")
    return values.cat.codes.to_numpy(), list(values.cat.categories)  # int8 or int16: small, no copy


def classify_codes(columns: list[tuple[np.ndarray, list]]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of setting group (into :data:`SETTING_GRUPPEN`) and bereich (into :data:`BEREICHE`) per row,
    −1 for none, from the coded columns hilfeart, basis, setting (``(codes, categories)`` each)."""
    positions, arten = hilfe_arten(columns)
    if not len(positions):
        return np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.int8)
    gruppe_codes = np.array([gruppe for _, gruppe, _ in arten], dtype=np.int8)
    bereich_codes = np.array([bereich for _, _, bereich in arten], dtype=np.int8)
    return gruppe_codes[positions], bereich_codes[positions]


def hilfe_arten(columns: list[tuple[np.ndarray, list]]) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Each row's kind of help: a number into the distinct (hilfeart, basis, setting) of the coded columns
    (``(codes, categories)`` each), and per kind the codes of hilfeart, setting group and bereich (−1: none).

    The rules of domain.md are applied once per distinct combination, not per row.
    """
    positions, per_column = combine_codes([c for c, _ in columns], [len(cats) for _, cats in columns])
    arten = []
    for key_codes in zip(*(c.tolist() for c in per_column)):
        code, basis, setting = (None if i < 0 else cats[i] for i, (_, cats) in zip(key_codes, columns))
        gruppe = hilfearten.setting_gruppe(code, setting, basis) if code else None
        bereich = hilfearten.bereich(code, basis) if code else None
        arten.append((key_codes[0], SETTING_GRUPPEN.index(gruppe) if gruppe else -1,
                      BEREICHE.index(bereich) if bereich else -1))
    return positions, arten


def _classify_columns(frame: pd.DataFrame) -> list[tuple[np.ndarray, list]]:
    columns = []
    for name in ("hilfeart", "basis", "setting"):
        values = frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)
        columns.append(category_codes(values))
    return columns


def classify(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``setting_gruppe`` and ``bereich`` to rows holding hilfeart, basis, setting (:func:`classify_codes`)."""
    gruppe_codes, bereich_codes = classify_codes(_classify_columns(frame))
    out = frame.copy()
    # Build the categoricals from integer codes: no hashing of a million strings.
    out["setting_gruppe"] = pd.Categorical.from_codes(gruppe_codes, categories=SETTING_GRUPPEN)
    out["bereich"] = pd.Categorical.from_codes(bereich_codes, categories=BEREICHE)
    return out


def calendar_year(dates: pd.Series) -> np.ndarray:
    """Calendar year of each date; missing -> a very large year (still open)."""
    return calendar_year_of(dates.to_numpy(dtype="datetime64[s]"))


def calendar_year_of(values: np.ndarray) -> np.ndarray:
    """:func:`calendar_year` of a datetime64 array (NaT: still open, year 10,000)."""
    missing = np.isnat(values)
    if missing.all():
        return np.full(len(values), 10_000, dtype=np.int64)
    days = values.astype("datetime64[D]").view(np.int64)
    # The year of each day from a table over the days that occur (far cheaper than a calendar per row).
    first = int(days.min(where=~missing, initial=np.iinfo(np.int64).max))
    last = int(days.max(where=~missing, initial=np.iinfo(np.int64).min))
    table = np.arange(first, last + 1, dtype=np.int64).astype("datetime64[D]").astype("datetime64[Y]").astype(
        np.int64) + 1970
    offset = days - first
    offset[missing] = 0
    years = table[offset]
    years[missing] = 10_000
    return years


def counts_per_year(group_ids: np.ndarray, n_groups: int, start: np.ndarray, end: np.ndarray,
                    n_years: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """begonnen, beendet, andauernd per group and year (groups × years) by the convention above.

    ``start`` and ``end``: per case the year of Beginn and Ende as offsets from the first year (an open
    case ends beyond the last year).

    >>> b, e, a = counts_per_year(np.array([0, 0]), 1, np.array([0, 1]), np.array([1, 99]), 3)
    >>> b.tolist(), e.tolist(), a.tolist()
    ([[1, 1, 0]], [[0, 1, 0]], [[1, 1, 1]])
    """
    def per_year(offsets: np.ndarray) -> np.ndarray:
        inside = (offsets >= 0) & (offsets < n_years)
        flat = group_ids[inside] * n_years + offsets[inside]
        return bincount(flat, minlength=n_groups * n_years).reshape(n_groups, n_years)

    begonnen = per_year(start)
    beendet = per_year(end)
    # andauernd in the years start <= y < end: +1 at start, -1 at end, cumulative sum.
    width = n_years + 1
    s = np.clip(start, 0, n_years)
    e = np.clip(end, 0, n_years)
    diff = bincount(group_ids * width + s, minlength=n_groups * width) - bincount(
        group_ids * width + e, minlength=n_groups * width)
    andauernd = np.cumsum(diff.reshape(n_groups, width), axis=1)[:, :n_years]
    return begonnen, beendet, andauernd


@dataclass(frozen=True)
class Fallcodes:
    """The counted case rows (hilfeart, beginn and raum_id given) as integer codes and dates, in file order.

    What the engine needs from a million case rows, without copying the table.
    """

    raum: np.ndarray  # code into raum_ids
    raum_ids: list[str]
    art: np.ndarray  # number into arten
    arten: list[tuple[int, int, int]]  # codes of hilfeart (into hilfearten), setting group, bereich (counting.hilfe_arten)
    hilfearten: list[str]
    beginn: np.ndarray  # datetime64[s]
    ende: np.ndarray  # datetime64[s], NaT: still open


def fallcodes(faelle: pd.DataFrame) -> Fallcodes:
    """The rows :func:`count_cases_per_year` counts, coded as it groups them (same kinds, same areas)."""
    beginn = faelle["beginn"].to_numpy(dtype="datetime64[s]")
    valid = faelle["hilfeart"].notna().to_numpy() & ~np.isnat(beginn) & faelle["raum_id"].notna().to_numpy()
    every = bool(valid.all())

    def rows(values: np.ndarray) -> np.ndarray:
        return values if every else values[valid]

    columns = _classify_columns(faelle)
    art, arten = hilfe_arten([(rows(codes), categories) for codes, categories in columns])
    raum = faelle["raum_id"]
    # As count_cases_per_year: the areas of a categorical as they are, else those of the counted rows.
    if isinstance(raum.dtype, pd.CategoricalDtype):
        raum_codes, raum_ids = category_codes(raum)
        raum_codes = rows(raum_codes)
    else:
        raum_codes, raum_ids = category_codes(raum if every else raum[valid])
    ende = (faelle["ende"].to_numpy(dtype="datetime64[s]") if "ende" in faelle
            else np.full(len(faelle), np.datetime64("NaT", "s")))
    return Fallcodes(raum_codes.astype(np.int64), [str(r) for r in raum_ids], art, arten, [str(h) for h in columns[0][1]],
                     rows(beginn), rows(ende))


def count_cases_per_year(faelle: pd.DataFrame, years: list[int] | range) -> pd.DataFrame:
    """Fallzahlen from case-level rows: one row per year, Planungsraum, code, setting group.

    ``faelle`` needs columns raum_id, hilfeart, beginn, ende (and basis, setting if known).
    Rows without a valid hilfeart or beginn are not counted (the validation report names them).
    """
    years = list(years)
    cases = faelle[faelle["hilfeart"].notna() & faelle["beginn"].notna() & faelle["raum_id"].notna()]
    if "setting_gruppe" not in cases:
        cases = classify(cases)
    group_cols = ["raum_id", "hilfeart", "setting_gruppe", "bereich"]
    group_ids, groups = _factorize_groups(cases, group_cols)
    n_groups, first, n_years = len(groups), years[0], len(years)
    start = calendar_year(cases["beginn"]) - first
    end = calendar_year(cases["ende"]) - first if "ende" in cases else np.full(len(cases), 10_000 - first)
    begonnen, beendet, andauernd = counts_per_year(group_ids, n_groups, start, end, n_years)

    out = groups.loc[groups.index.repeat(n_years)].reset_index(drop=True)
    out.insert(0, "jahr", np.tile(np.array(years, dtype=np.int64), n_groups))
    out["begonnen"] = begonnen.ravel()
    out["beendet"] = beendet.ravel()
    out["andauernd"] = andauernd.ravel()
    return out[FALLZAHLEN_COLUMNS]


def _factorize_groups(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group id per row and the distinct groups, cheap on categorical columns."""
    codes = []
    for column in columns:
        values = frame[column]
        if not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype("category")
        codes.append((values.cat.codes.to_numpy().astype(np.int64), values.cat.categories))
    group_ids, per_column = combine_codes([c for c, _ in codes], [len(cats) for _, cats in codes])
    return group_ids, pd.DataFrame({column: pd.Categorical.from_codes(position, categories=categories)
                                    for column, position, (_, categories) in zip(columns, per_column, codes)})


def fallzahlen_from_aggregate(fallzahlen: pd.DataFrame) -> pd.DataFrame:
    """The aggregated input (``fallzahlen`` table) in the same shape as counted cases."""
    rows = fallzahlen[fallzahlen["hilfeart"].notna() & fallzahlen["raum_id"].notna()
                      & fallzahlen["jahr"].notna()]
    rows = classify(rows)
    out = rows[["jahr", "raum_id", "hilfeart", "setting_gruppe", "bereich", "begonnen", "beendet", "andauernd"]].copy()
    out["jahr"] = out["jahr"].astype(np.int64)
    for column in ("begonnen", "beendet", "andauernd"):
        out[column] = out[column].astype(float)
    return out.groupby(["jahr", "raum_id", "hilfeart", "setting_gruppe", "bereich"], observed=True, dropna=False,
                       as_index=False, sort=True)[["begonnen", "beendet", "andauernd"]].sum(min_count=1)


def durations_of_ended(faelle: pd.DataFrame, years: list[int] | range) -> pd.DataFrame:
    """Cases ended in the given years with their duration in months.

    Duration = (Ende − Beginn) in days / 30.4375 (the mean month of 365.25 / 12 days);
    a case beginning and ending on the same day lasts 0 months.
    """
    if "ende" not in faelle:
        return pd.DataFrame(columns=["jahr", "raum_id", "hilfeart", "setting_gruppe", "bereich", "monate"])
    cases = faelle[faelle["hilfeart"].notna() & faelle["beginn"].notna() & faelle["ende"].notna()
                   & faelle["raum_id"].notna()]
    if "setting_gruppe" not in cases:
        cases = classify(cases)
    year = calendar_year(cases["ende"])
    inside = np.isin(year, np.asarray(list(years)))
    cases = cases[inside]
    days = (cases["ende"].to_numpy(dtype="datetime64[s]") - cases["beginn"].to_numpy(dtype="datetime64[s]")
            ).astype("timedelta64[D]").astype(np.int64)
    out = cases[["raum_id", "hilfeart", "setting_gruppe", "bereich"]].reset_index(drop=True)
    out.insert(0, "jahr", year[inside])
    out["tage"] = days
    out["monate"] = days / DAYS_PER_MONTH
    return out


def count_by_month(faelle: pd.DataFrame, code: str = "§8a") -> pd.DataFrame:
    """Completed measures of ``code`` per month of completion (Ende): §8a is counted so."""
    rows = faelle[(faelle["hilfeart"] == code) & faelle["ende"].notna()]
    month = rows["ende"].dt.to_period("M")
    out = rows.assign(monat=month).groupby(["raum_id", "monat"], observed=True).size()
    return out.rename("anzahl").reset_index()


def fallzahlen_table_from_faelle(faelle: pd.DataFrame, years: list[int] | range) -> pd.DataFrame:
    """Case-level data as the contract's aggregated ``fallzahlen`` table (for export)."""
    counts = count_cases_per_year(faelle, years)
    counts = counts[(counts[["begonnen", "beendet", "andauernd"]].sum(axis=1) > 0)]
    hilfeart = counts["hilfeart"].astype(str).str.replace("§", "§ ", regex=False)
    continued_35a = (counts["hilfeart"] == "§41") & (counts["bereich"] == hilfearten.EINGLIEDERUNGSHILFE)
    hilfeart = hilfeart.where(~continued_35a, "§ 41 i.V.m. § 35a")
    return pd.DataFrame({
        "jahr": counts["jahr"].to_numpy(), "raum_id": counts["raum_id"].astype(str).to_numpy(),
        "hilfeart": hilfeart.to_numpy(),
        "setting": counts["setting_gruppe"].map(hilfearten.SETTING_LABELS).astype(object).fillna("").to_numpy(),
        "begonnen": counts["begonnen"].to_numpy(), "beendet": counts["beendet"].to_numpy(),
        "andauernd": counts["andauernd"].to_numpy(),
    })
