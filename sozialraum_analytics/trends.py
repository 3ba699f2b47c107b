"""Trend measures over the years: change to the previous year, index, growth, slope.

All functions take a table with one row per series and one column per year
(ascending) and return a table of the same shape or one value per series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def vorjahr_abs(wide: pd.DataFrame) -> pd.DataFrame:
    """x(j) − x(j−1); empty for the first year and where the previous year is not adjacent."""
    return _adjacent(wide, lambda now, before: now - before)


def vorjahr_prozent(wide: pd.DataFrame) -> pd.DataFrame:
    """(x(j) / x(j−1) − 1) × 100; empty where the previous year is 0."""
    def pct(now: pd.Series, before: pd.Series) -> pd.Series:
        return (now / before.where(before != 0) - 1) * 100

    return _adjacent(wide, pct)


def _adjacent(wide: pd.DataFrame, func) -> pd.DataFrame:  # noqa: ANN001
    out = pd.DataFrame(np.nan, index=wide.index, columns=wide.columns)
    for year in wide.columns:
        if year - 1 in wide.columns:
            out[year] = func(wide[year].astype(float), wide[year - 1].astype(float))
    return out


def index(wide: pd.DataFrame, basisjahr: int | None = None) -> pd.DataFrame:
    """x(j) / x(base) × 100, base year = first year unless given; empty where x(base) is 0."""
    base_year = basisjahr if basisjahr is not None else wide.columns.min()
    base = wide[base_year].astype(float)
    return wide.astype(float).div(base.where(base != 0), axis=0) * 100


def wachstum_prozent(wide: pd.DataFrame, von: int, bis: int) -> pd.Series:
    """Mean annual growth ((x(b)/x(a))^(1/(b−a)) − 1) × 100 between years a and b."""
    start, end = wide[von].astype(float), wide[bis].astype(float)
    valid = (start > 0) & (end >= 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = (np.power(end / start, 1.0 / (bis - von)) - 1) * 100
    return growth.where(valid)


def trend_steigung(wide: pd.DataFrame, von: int, bis: int) -> pd.Series:
    """Least-squares slope of x over the years von…bis (per year); missing years are skipped."""
    years = [y for y in wide.columns if von <= y <= bis]
    values = wide[years].astype(float).to_numpy()
    x = np.array(years, dtype=float)
    mask = ~np.isnan(values)
    n = mask.sum(axis=1)
    xs = np.where(mask, x, 0.0)
    ys = np.where(mask, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_x = xs.sum(axis=1) / n
        mean_y = ys.sum(axis=1) / n
        dx = np.where(mask, x - mean_x[:, None], 0.0)
        dy = np.where(mask, values - mean_y[:, None], 0.0)
        slope = (dx * dy).sum(axis=1) / (dx * dx).sum(axis=1)
    return pd.Series(np.where(n >= 2, slope, np.nan), index=wide.index)
