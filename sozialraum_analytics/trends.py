"""Trend measures over the years: change to the previous year, index, growth, slope.

Every function takes an array whose first axis is the years (ascending, as listed in
``jahre``) and works along that axis, so the same definition serves one series, a
table of series (years × areas) or the engine's cube (years × areas × help groups).
"""

from __future__ import annotations

import numpy as np


def _previous(values: np.ndarray, jahre: list[int]) -> np.ndarray:
    """x(j−1) aligned with x(j); NaN where the previous calendar year is not in the data."""
    previous = np.full(values.shape, np.nan)
    for position in range(1, len(jahre)):
        if jahre[position] - jahre[position - 1] == 1:
            previous[position] = values[position - 1]
    return previous


def vorjahr_abs(values: np.ndarray, jahre: list[int]) -> np.ndarray:
    """x(j) − x(j−1); NaN in the first year.

    >>> vorjahr_abs(np.array([3.0, 8.0, 5.0]), [2022, 2023, 2024]).tolist()
    [nan, 5.0, -3.0]
    """
    return np.asarray(values, dtype=float) - _previous(np.asarray(values, dtype=float), jahre)


def vorjahr_prozent(values: np.ndarray, jahre: list[int]) -> np.ndarray:
    """(x(j) / x(j−1) − 1) × 100; NaN where the previous year is 0 or missing.

    >>> vorjahr_prozent(np.array([4.0, 5.0]), [2023, 2024]).tolist()
    [nan, 25.0]
    """
    values = np.asarray(values, dtype=float)
    previous = _previous(values, jahre)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(previous != 0, (values / previous - 1) * 100, np.nan)


def index(values: np.ndarray, jahre: list[int], basisjahr: int | None = None) -> np.ndarray:
    """x(j) / x(Basisjahr) × 100; base = first year unless given; NaN where the base is 0.

    >>> index(np.array([4.0, 5.0, 2.0]), [2022, 2023, 2024]).tolist()
    [100.0, 125.0, 50.0]
    """
    values = np.asarray(values, dtype=float)
    base = values[jahre.index(basisjahr) if basisjahr in jahre else 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(base != 0, values / base * 100, np.nan)


def wachstum_prozent(values: np.ndarray, jahre: list[int], von: int, bis: int) -> np.ndarray:
    """Mean annual growth ((x(b) / x(a))^(1/(b−a)) − 1) × 100 between years a and b.

    >>> round(float(wachstum_prozent(np.array([100.0, 110.0, 121.0]), [2022, 2023, 2024], 2022, 2024)), 6)
    10.0
    """
    values = np.asarray(values, dtype=float)
    start, end = values[jahre.index(von)], values[jahre.index(bis)]
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = (np.power(end / start, 1.0 / (bis - von)) - 1) * 100
    return np.where((start > 0) & (end >= 0), growth, np.nan)


def trend_steigung(values: np.ndarray, jahre: list[int], von: int, bis: int) -> np.ndarray:
    """Least-squares slope of x over the years von…bis (per year); missing years skipped.

    >>> float(trend_steigung(np.array([3.0, 8.0, 5.0]), [2022, 2023, 2024], 2022, 2024))
    1.0
    """
    values = np.asarray(values, dtype=float)
    positions = [i for i, year in enumerate(jahre) if von <= year <= bis]
    y = values[positions]
    x = np.array([jahre[i] for i in positions], dtype=float).reshape((-1,) + (1,) * (y.ndim - 1))
    present = ~np.isnan(y)
    n = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_x = np.where(present, x, 0).sum(axis=0) / n
        mean_y = np.where(present, y, 0).sum(axis=0) / n
        dx = np.where(present, x - mean_x, 0.0)
        dy = np.where(present, y - mean_y, 0.0)
        slope = (dx * dy).sum(axis=0) / (dx * dx).sum(axis=0)
    return np.where(n >= 2, slope, np.nan)
