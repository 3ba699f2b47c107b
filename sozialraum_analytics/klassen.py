"""Class schemes for choropleth maps: quantiles, natural breaks, equal intervals, standard deviation.

:func:`klassieren` turns one value per area into classes for a map legend. The breaks come from
mapclassify's definitions (written out here, with its tests as the reference); this module makes the
result uniform for every scheme:

* ``grenzen`` are k+1 edges: the minimum of the data, then the upper bound of each class; the last
  edge is the maximum. Classes are right-closed like mapclassify's (``lower < x <= upper``); the
  first class also holds the minimum itself. A value equal to an edge belongs to the class *below*.
* Missing values (NaN, None, ±inf) get class -1 and are not counted.
* The number of classes is the real one, which can be smaller than the requested ``k``:

  - all values equal: one class ``(v, v)`` for every scheme (mapclassify's EqualInterval would raise);
  - quantile and fisher_jenks: ``k`` is capped at the number of distinct values, and quantile breaks
    that coincide because of ties are merged (mapclassify's "pseudo quantiles"); a class left empty
    (interpolated breaks between two data values) is merged with the next, so no legend row says 0;
  - gleiche_intervalle keeps ``k``: equal widths are the point of the scheme, so empty inner classes
    (count 0) stay in the legend;
  - standardabweichung: classes lying entirely outside the data range (below the minimum or above the
    maximum) are dropped, and the outermost edges are the data minimum and maximum, not mean ± m·SD.

* No value at all (empty input or only missing values): a :class:`Klassierung` with ``k == 0``, empty
  ``grenzen`` and ``anzahl``, every ``klasse`` -1 – a map without data should show "ohne Wert", not fail.

Standard deviation scheme: ``k`` (3 to 7) picks the multiples of the *sample* standard deviation
(ddof=1, as mapclassify.StdMean computes it) around the mean that become inner breaks, see
:data:`SD_VIELFACHE`. Odd k leave the mean inside the middle class, even k make the mean a break.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .formatting import format_number

SCHEMATA: dict[str, str] = {
    "quantile": "Quantile",
    "fisher_jenks": "Natürliche Brüche (Fisher-Jenks)",
    "gleiche_intervalle": "Gleiche Intervalle",
    "standardabweichung": "Standardabweichung",
}

# k -> multiples of the SD around the mean used as inner breaks (k-1 of them, so k classes
# before classes outside the data range are dropped).
SD_VIELFACHE: dict[int, tuple[float, ...]] = {
    3: (-1, 1),
    4: (-1, 0, 1),
    5: (-2, -1, 1, 2),
    6: (-2, -1, 0, 1, 2),
    7: (-3, -2, -1, 1, 2, 3),
}


@dataclass(frozen=True, eq=False)  # eq=False: ndarray fields have no single truth value for ==
class Klassierung:
    """The classes of one map.

    Attributes
    ----------
    schema : str
        Scheme id, a key of :data:`SCHEMATA`.
    grenzen : tuple of float
        k+1 edges: minimum, then the upper bound of each class (the last is the maximum).
        Empty when ``k == 0``.
    klasse : numpy.ndarray
        Class index 0..k-1 per input value (same order as the input), -1 for a missing value.
        Read-only.
    anzahl : tuple of int
        Number of areas per class (missing values not counted).
    """

    schema: str
    grenzen: tuple[float, ...]
    klasse: np.ndarray
    anzahl: tuple[int, ...]

    @property
    def k(self) -> int:
        """Number of classes actually formed (0 without any value)."""
        return len(self.anzahl)

    def labels(self, dezimalen: int) -> list[str]:
        """Legend labels in German number format, e.g. ``["1,0 bis 4,0", "4,0 bis 7,0"]``.

        Parameters
        ----------
        dezimalen : int
            Decimal places shown in every label.
        """
        edges = [format_number(edge, dezimalen) for edge in self.grenzen]
        # A class of one value (an outlier alone) is that value, not "41,7 bis 41,7".
        return [unten if unten == oben else f"{unten} bis {oben}" for unten, oben in zip(edges[:-1], edges[1:])]

    def hinweis(self, gewuenscht: int) -> str:
        """Why the map has fewer classes than asked for (empty when it has as many)."""
        if self.k >= gewuenscht or self.k == 0:
            return ""
        if self.schema == "standardabweichung":
            return (f"{self.k} statt {gewuenscht} Klassen: die übrigen Grenzen (Mittelwert ± Vielfache der "
                    "Standardabweichung) lägen außerhalb der Werte.")
        return f"{self.k} statt {gewuenscht} Klassen: so viele verschiedene Werte gibt es nur."


def _quantile_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds at the percentiles 100/k, 2·100/k … 100, merged where ties make them equal
    (mapclassify's ``Quantiles``, whose percentiles are scipy's ``scoreatpercentile``, written out:
    mapclassify compiles a numba kernel when it is imported, 2 s in every new process)."""
    # More classes than distinct values would only add empty classes.
    k = min(k, len(np.unique(values)))
    x = np.sort(values)
    schritt = 100.0 / k
    prozente = np.arange(schritt, 100 + schritt, schritt)
    prozente[-1] = min(prozente[-1], 100.0)
    return np.unique([_perzentil(x, p) for p in prozente])


def _perzentil(x: np.ndarray, prozent: float) -> float:
    """The percentile of the sorted ``x``, interpolated linearly between neighbouring values, with the
    arithmetic of ``scipy.stats.scoreatpercentile`` (weights j − idx and idx − i), so bounds are bit for bit
    those of mapclassify.

    >>> _perzentil(np.arange(1.0, 11.0), 25)   # idx 2,25: 3·0,75 + 4·0,25
    3.25
    """
    idx = prozent / 100.0 * (len(x) - 1)
    i = int(idx)
    if i == idx:
        return float(x[i])
    gewichte = np.array([i + 1 - idx, idx - i], dtype=float)
    return float(np.add.reduce(x[i:i + 2] * gewichte) / gewichte.sum())


# Up to this many values Fisher-Jenks is exact (a cost matrix of 3,000² floats, 72 MB).
FISHER_JENKS_MAX = 3000


def _fisher_jenks_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of the exact Fisher-Jenks classes (least squared deviation from class means).

    Fisher's dynamic programme over the sorted values, vectorised with numpy: mapclassify's
    pure-Python version (without numba) needs seconds for the 1,100 Gemeinden of a Land.
    With fewer distinct values than ``k`` each value is its own class, the best partition there is.
    """
    x = np.sort(values)
    k = min(k, len(np.unique(x)))
    if len(x) > FISHER_JENKS_MAX:
        # The i x j cost matrix grows with the square of the areas: beyond a Land's Gemeinden,
        # classify evenly spaced order statistics (the sorted values' own quantiles) instead.
        x = x[np.linspace(0, len(x) - 1, FISHER_JENKS_MAX).round().astype(int)]
    n = len(x)
    if k <= 1:
        return np.array([x[-1]])
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def cost(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Squared deviations of x[i..j] (inclusive) from its mean; inf where i > j."""
        m = (j - i + 1).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            c = s2[j + 1] - s2[i] - (s1[j + 1] - s1[i]) ** 2 / m
        return np.where(m > 0, np.maximum(c, 0.0), np.inf)

    # best[c, j]: least cost of splitting x[0..j] into c + 1 classes; start[c, j]: where the last begins.
    best = np.full((k, n), np.inf)
    start = np.zeros((k, n), dtype=np.int64)
    best[0] = cost(np.zeros(n, dtype=np.int64), np.arange(n))
    # cost of every possible class x[i..j], computed once (rows i, columns j; inf below the diagonal).
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    costs = cost(np.broadcast_to(i, (n, n)), np.broadcast_to(j, (n, n)))
    for c in range(1, k):
        # The last class is x[i..j]; the classes before it cover x[0..i-1], so i >= c.
        previous = np.concatenate([[np.inf], best[c - 1, :-1]])
        previous[:c] = np.inf
        candidates = previous[:, None] + costs
        start[c] = np.argmin(candidates, axis=0)
        best[c] = candidates[start[c], np.arange(n)]
    bounds, j = [], n - 1
    for c in range(k - 1, -1, -1):
        bounds.append(x[j])
        j = start[c, j] - 1
    return np.array(bounds[::-1])


def _equal_interval_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds min + width, min + 2·width …, the last the maximum (mapclassify's ``EqualInterval``)."""
    hoechster, kleinster = values.max(), values.min()
    breite = (hoechster - kleinster) * 1.0 / k
    grenzen = np.arange(kleinster + breite, hoechster + breite, breite)[:k]
    grenzen[-1] = hoechster
    return grenzen


def _std_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Mean + m·SD (sample SD) for the multiples of :data:`SD_VIELFACHE`, then the maximum when above the
    last (mapclassify's ``StdMean``)."""
    sd, mittel = values.std(ddof=1), values.mean()
    grenzen = [mittel + sd * m for m in SD_VIELFACHE[k]]
    if grenzen[-1] < values.max():
        grenzen.append(values.max())
    return np.array(grenzen)


_BINS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "quantile": _quantile_bins,
    "fisher_jenks": _fisher_jenks_bins,
    "gleiche_intervalle": _equal_interval_bins,
    "standardabweichung": _std_bins,
}


def _check_k_any(k: int) -> None:
    if k < 1:
        raise ValueError(f"Die Zahl der Klassen muss mindestens 1 sein (angegeben: {k}).")


def _check_k_std(k: int) -> None:
    if k not in SD_VIELFACHE:
        raise ValueError(f"Für die Klassierung nach Standardabweichung sind {min(SD_VIELFACHE)} bis "
                         f"{max(SD_VIELFACHE)} Klassen möglich (angegeben: {k}).")


_CHECK_K: dict[str, Callable[[int], None]] = {
    "quantile": _check_k_any,
    "fisher_jenks": _check_k_any,
    "gleiche_intervalle": _check_k_any,
    "standardabweichung": _check_k_std,
}


def _as_floats(werte: Sequence[float] | pd.Series | np.ndarray) -> np.ndarray:
    series = werte if isinstance(werte, pd.Series) else pd.Series(list(werte), dtype=object)
    values = pd.to_numeric(series).to_numpy(dtype=float, na_value=np.nan)
    # An infinite ratio (division by a zero population) cannot be placed in a class.
    return np.where(np.isfinite(values), values, np.nan)


def _edges(values: np.ndarray, bins: np.ndarray) -> tuple[float, ...]:
    """Minimum, the breaks inside the data range, maximum."""
    low, high = float(values.min()), float(values.max())
    bins = np.unique(np.asarray(bins, dtype=float))
    # A break below the minimum closes a class that is empty and lies outside the data (only the
    # SD scheme produces these); breaks at or above the maximum all collapse into the maximum.
    inner = bins[(bins >= low) & (bins < high)]
    return (low, *(float(b) for b in inner), high)


def klassieren(werte: Sequence[float] | pd.Series | np.ndarray, schema: str, k: int) -> Klassierung:
    """Classify one value per area for a choropleth map.

    Parameters
    ----------
    werte : sequence of float or pandas.Series
        One value per area; NaN/None/±inf mean "no value" (class -1).
    schema : str
        A key of :data:`SCHEMATA`.
    k : int
        Requested number of classes (standardabweichung: 3 to 7, see :data:`SD_VIELFACHE`).
        The result may have fewer classes, see the module docstring.

    Returns
    -------
    Klassierung

    Raises
    ------
    ValueError
        Unknown scheme or impossible ``k`` (German message for the page).
    """
    if schema not in _BINS:
        moeglich = ", ".join(f"{label} ({key})" for key, label in SCHEMATA.items())
        raise ValueError(f"Unbekanntes Klassierungsschema „{schema}“. Möglich sind: {moeglich}.")
    _CHECK_K[schema](k)

    values = _as_floats(werte)
    present = ~np.isnan(values)
    klasse = np.full(len(values), -1, dtype=int)
    data = values[present]

    if data.size == 0:
        grenzen: tuple[float, ...] = ()
    elif data.min() == data.max():
        # One class for any scheme: breaks of a constant are meaningless (EqualInterval raises,
        # StdMean would divide a zero SD into identical breaks).
        grenzen = (float(data.min()), float(data.max()))
    else:
        grenzen = _edges(data, _BINS[schema](data, k))

    if grenzen:
        # side="left" makes the classes right-closed: x == upper bound -> that class.
        klasse[present] = np.searchsorted(np.asarray(grenzen[1:]), data, side="left")
    anzahl = tuple(int(c) for c in np.bincount(klasse[present], minlength=max(len(grenzen) - 1, 0)))
    if schema in ("quantile", "fisher_jenks") and 0 in anzahl and len(anzahl) > 1:
        # An empty class says nothing (interpolated quantile breaks between two values): merged with
        # the next one. Equal intervals and standard deviations keep theirs: equal widths and distance
        # from the mean are the point of those schemes.
        leer = [i for i, n in enumerate(anzahl) if n == 0]
        grenzen = tuple(g for i, g in enumerate(grenzen) if i == 0 or i - 1 not in leer or i == len(grenzen) - 1)
        if len(grenzen) >= 2 and grenzen[-2] == grenzen[-1]:
            grenzen = grenzen[:-2] + grenzen[-1:]
        klasse[present] = np.searchsorted(np.asarray(grenzen[1:]), data, side="left")
        anzahl = tuple(int(c) for c in np.bincount(klasse[present], minlength=max(len(grenzen) - 1, 0)))
    klasse.setflags(write=False)
    return Klassierung(schema=schema, grenzen=grenzen, klasse=klasse, anzahl=anzahl)
