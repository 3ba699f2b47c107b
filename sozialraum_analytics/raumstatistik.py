"""Spatial autocorrelation of one value per area: global Moran's I and local Moran (LISA).

Neighbours are Queen contiguity (a shared border or a shared corner), weights are row-standardised,
so every area's neighbourhood counts as much as any other's whatever its number of neighbours.

Which areas enter the statistic:

1. Areas without a value (NaN, ±inf, or no entry in ``werte`` – e.g. areas under 300 inhabitants
   without a Bedarfsindex) are left out first: cluster "ohne Wert".
2. The neighbours are built among the remaining areas. An area without any neighbour among them
   (an island, also an area whose only neighbours have no value, or an area without geometry) is
   left out too: cluster "ohne Nachbarn". Dropping islands changes no one else's neighbours.
3. Moran's I and LISA are computed on the rest (``n`` areas).

If fewer than 3 areas remain, or all of them have the same value, no statistic is computed: the result
then has ``global_ = None`` and a German ``grund``, and the areas with a value are "nicht signifikant"
(there is no evidence of a pattern) with NaN statistics. The lokal table is complete in every case, so
a map can always be drawn.

p-values are pseudo p-values from random permutations, one-sided in the direction of the observed
value ("folded", as GeoDa and esda show them): ``(extremer + 1) / (permutationen + 1)``. The local ones
come from the conditional permutation of :func:`lokale_p_werte`, esda's method written here in numpy (esda's
own is compiled with numba on first use, 25 s in every new process). The seed fixes them, so the same data
give the same map on every page load. An area whose value is exactly the
mean gets local p = 1 (its local I is 0 whatever its neighbours; esda would report the smallest p).
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .formatting import format_number, format_percent

if TYPE_CHECKING:
    import geopandas as gpd
    from libpysal.weights import W

HOT_SPOT = "Hot Spot (hoch – hoch)"
COLD_SPOT = "Cold Spot (niedrig – niedrig)"
AUSREISSER_HOCH = "Ausreißer: hoch unter niedrigen"
AUSREISSER_NIEDRIG = "Ausreißer: niedrig unter hohen"
NICHT_SIGNIFIKANT = "nicht signifikant"
OHNE_NACHBARN = "ohne Nachbarn"
OHNE_WERT = "ohne Wert"

# ColorBrewer RdBu: distinguishable with red-green colour blindness; outliers in the lighter tones.
CLUSTER_FARBEN: dict[str, str] = {
    HOT_SPOT: "#b2182b",
    COLD_SPOT: "#2166ac",
    AUSREISSER_HOCH: "#ef8a62",
    AUSREISSER_NIEDRIG: "#67a9cf",
    NICHT_SIGNIFIKANT: "#eeeeee",
    OHNE_NACHBARN: "#ffffff",
    OHNE_WERT: "#ffffff",
}

# esda's quadrant codes (geoda_quads=False): 1 = own value high, neighbours high; 2 = low/high;
# 3 = low/low; 4 = high/low. A value exactly at the mean counts as low, as in esda.
QUADRANTEN: dict[int, str] = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
QUADRANT_CLUSTER: dict[str, str] = {
    "HH": HOT_SPOT,
    "LL": COLD_SPOT,
    "HL": AUSREISSER_HOCH,
    "LH": AUSREISSER_NIEDRIG,
}

MIN_GEBIETE = 3
# Relative difference below which a permuted local I counts as equal to the observed one: the same
# arrangement of values, summed in another order, may differ in the last bits.
GLEICH = 1e-9

LOKAL_SPALTEN = ["raum_id", "wert", "lokales_i", "quadrant", "p_sim", "signifikant", "cluster"]

# esda's global Moran draws from numpy's *global* generator (it permutes with np.random.permutation and
# has no seed argument).
# Streamlit runs sessions in threads, so the seeding and the draws must not interleave.
_RNG_LOCK = threading.Lock()


@dataclass(frozen=True)
class MoranGlobal:
    """Global Moran's I of the areas used.

    Attributes
    ----------
    i : float
        Moran's I (row-standardised Queen weights).
    erwartung : float
        Expected value without spatial pattern, −1/(n−1).
    z : float
        z-value of I against the permutation distribution (esda's ``z_sim``).
    p_sim : float
        Pseudo p-value from the permutations.
    permutationen : int
        Number of permutations.
    n : int
        Number of areas in the statistic (with value and at least one neighbour with value).
    inseln : tuple of str
        raum_id of areas with a value but no neighbour with a value (left out).
    ohne_wert : tuple of str
        raum_id of areas without a value (left out).
    """

    i: float
    erwartung: float
    z: float
    p_sim: float
    permutationen: int
    n: int
    inseln: tuple[str, ...]
    ohne_wert: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # eq=False: comparing DataFrames with == is elementwise
class RaumstatistikErgebnis:
    """Global and local result for one indicator.

    Attributes
    ----------
    global_ : MoranGlobal or None
        None when no statistic could be computed (see ``grund``).
    lokal : pandas.DataFrame
        One row per input area in input order. Columns:
        ``raum_id`` (str), ``wert`` (float, NaN without value), ``lokales_i`` (float, local Moran's
        I; NaN if not used), ``quadrant`` ("HH", "LH", "LL", "HL" or None if not used), ``p_sim``
        (float, NaN if not used), ``signifikant`` (bool: used and p_sim < alpha), ``cluster`` (German
        label, a key of :data:`CLUSTER_FARBEN`).
    alpha : float
        Significance level used for ``signifikant``.
    grund : str or None
        German reason why no statistic was computed; None when ``global_`` is set.
    """

    global_: MoranGlobal | None
    lokal: pd.DataFrame
    alpha: float
    grund: str | None = None


def nachbarschaft(gebiete: gpd.GeoDataFrame) -> W:
    """Queen contiguity weights between the areas.

    Parameters
    ----------
    gebiete : geopandas.GeoDataFrame
        Columns ``raum_id`` and ``geometry`` (polygons, EPSG:4326; contiguity only needs shared
        vertices, so the CRS does not matter). At least one row.

    Returns
    -------
    libpysal.weights.W
        Ids are the raum_id as str, in the order of ``gebiete``. The islands warning of libpysal is
        silenced; the islands are in ``w.islands``.
    """
    from libpysal.weights import Queen

    ids = gebiete["raum_id"].astype(str).tolist()
    if not ids:
        raise ValueError("Für eine Nachbarschaft werden Gebiete gebraucht; die Gebietstabelle ist leer.")
    doppelt = sorted({i for i in ids if ids.count(i) > 1})
    if doppelt:
        raise ValueError(f"Gebietsschlüssel mehrfach: {', '.join(doppelt)}")
    return Queen.from_dataframe(gebiete, ids=ids, use_index=False, silence_warnings=True)


@contextlib.contextmanager
def _seeded_global_rng(seed: int) -> Iterator[None]:
    """Seed numpy's global generator for esda, then restore it so callers see no side effect."""
    with _RNG_LOCK:
        state = np.random.get_state()
        np.random.seed(seed)
        try:
            with warnings.catch_warnings():
                # Tiny n give 0/0 in esda's analytic variances, which we do not use.
                warnings.filterwarnings("ignore", category=RuntimeWarning)
                yield
        finally:
            np.random.set_state(state)


def _ziehungen(rng: np.random.Generator, n: int, k: int, permutationen: int) -> np.ndarray:
    """``permutationen`` rows of ``k`` distinct positions among the ``n − 1`` other areas (esda's
    conditional permutation draws the same way: one row per permutation, shared by all areas)."""
    return np.stack([rng.choice(n - 1, size=k, replace=False) for _ in range(permutationen)])


def lokale_p_werte(z: np.ndarray, gewichte, lokales_i: np.ndarray, ziehungen: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """Pseudo p-values of the local Moran's I by conditional permutation (Anselin 1995), as esda computes them.

    Area i keeps its own value; its ``k_i`` neighbours get the values of ``k_i`` other areas, drawn by the first
    ``k_i`` positions of each row of ``ziehungen`` among the areas without i. The permuted local I is
    ``(n − 1)·z_i·Σ w_ij·z_j / Σ z²``. With ``groesser`` the permutations at or above the observed I (equal up to
    rounding, :data:`GLEICH`, counts as equal), the count in the direction of the observed value is
    ``min(groesser, P − groesser)`` and p = (count + 1) / (P + 1).

    Parameters
    ----------
    z : numpy.ndarray
        Standardised values of the n areas.
    gewichte : scipy.sparse.csr_matrix
        Row-standardised weights (n × n, no area its own neighbour).
    lokales_i : numpy.ndarray
        The observed local I of each area.
    ziehungen : numpy.ndarray
        (P, k_max) positions among n − 1 areas, distinct within a row.

    A chain a – b – c – d with the values 1, 1, −1, −1 and two draws (by hand: a's one neighbour gets b or d,
    0,75 or −0,75 against its observed 0,75, so one draw is at least as extreme: p = (1 + 1) / 3):

    >>> import numpy as np
    >>> from scipy.sparse import csr_matrix
    >>> z = np.array([1.0, 1.0, -1.0, -1.0])
    >>> w = csr_matrix(np.array([[0, 1, 0, 0], [0.5, 0, 0.5, 0], [0, 0.5, 0, 0.5], [0, 0, 1, 0]]))
    >>> beobachtet = 3 * z * (w @ z) / (z @ z)
    >>> [round(float(p), 3) for p in lokale_p_werte(z, w, beobachtet, np.array([[0, 1], [2, 0]]))]
    [0.667, 0.333, 0.667, 0.667]
    """
    n, permutationen = len(z), len(ziehungen)
    skala = (n - 1) / float(z @ z)
    groesser = np.empty(n, dtype=np.int64)
    for i in range(n):
        von, bis = gewichte.indptr[i], gewichte.indptr[i + 1]
        andere = ziehungen[:, : bis - von]
        andere = andere + (andere >= i)  # positions among the others → areas, skipping i
        simuliert = z[i] * (z[andere] @ gewichte.data[von:bis]) * skala
        # A permuted I equal to the observed one counts as at or above it, also when rounding put it a hair below.
        groesser[i] = np.count_nonzero(simuliert >= lokales_i[i] - GLEICH * max(1.0, abs(lokales_i[i])))
    return (np.minimum(groesser, permutationen - groesser) + 1.0) / (permutationen + 1.0)


def _values_by_area(ids: pd.Series, werte: pd.Series) -> pd.Series:
    werte = werte.copy()
    werte.index = werte.index.astype(str)
    if werte.index.duplicated().any():
        doppelt = sorted(set(werte.index[werte.index.duplicated()]))
        raise ValueError(f"Mehrere Werte für dieselben Gebiete: {', '.join(doppelt)}")
    values = pd.to_numeric(werte.reindex(ids.tolist())).to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(np.where(np.isfinite(values), values, np.nan), index=ids.tolist())


def moran(gebiete: gpd.GeoDataFrame, werte: pd.Series, permutationen: int = 999, seed: int = 20241231,
          alpha: float = 0.05) -> RaumstatistikErgebnis:
    """Global Moran's I and LISA for one value per area.

    Parameters
    ----------
    gebiete : geopandas.GeoDataFrame
        Columns ``raum_id``, ``geometry``.
    werte : pandas.Series
        Values indexed by raum_id; NaN (or a missing id) means "ohne Wert". Ids not in ``gebiete``
        are ignored.
    permutationen : int
        Random permutations for the pseudo p-values (at least 1; 999 gives p down to 0,001).
    seed : int
        Fixes the permutations, so the result is reproducible.
    alpha : float
        Significance level for the local clusters.

    Returns
    -------
    RaumstatistikErgebnis
        Always a result; ``global_`` is None with a German ``grund`` when fewer than 3 areas are
        usable or their values do not vary (see module docstring).
    """
    # Imported here, as geo.py does with geopandas: esda and libpysal take seconds to import and
    # only the spatial statistics need them.
    import esda

    if permutationen < 1:
        raise ValueError(f"Es wird mindestens eine Permutation gebraucht (angegeben: {permutationen}).")
    frame = gebiete[["raum_id", "geometry"]].copy()
    frame["raum_id"] = frame["raum_id"].astype(str)
    wert = _values_by_area(frame["raum_id"], werte)

    mit_wert = wert.notna().to_numpy()
    hat_geometrie = (frame.geometry.notna() & ~frame.geometry.is_empty).to_numpy()
    kandidaten = frame[mit_wert & hat_geometrie]
    inseln = set(frame.loc[mit_wert & ~hat_geometrie, "raum_id"])
    if len(kandidaten):
        inseln |= {str(i) for i in nachbarschaft(kandidaten).islands}
    genutzt = kandidaten[~kandidaten["raum_id"].isin(inseln)]
    ids = frame["raum_id"].tolist()
    ohne_wert = tuple(i for i, m in zip(ids, mit_wert) if not m)
    inseln_geordnet = tuple(i for i in ids if i in inseln)

    lokal = pd.DataFrame({
        "raum_id": ids,
        "wert": wert.to_numpy(),
        "lokales_i": np.nan,
        "quadrant": pd.Series([None] * len(ids), dtype=object),
        "p_sim": np.nan,
        "signifikant": False,
        "cluster": pd.Series([NICHT_SIGNIFIKANT] * len(ids), dtype=object),
    })
    lokal.loc[lokal["raum_id"].isin(inseln), "cluster"] = OHNE_NACHBARN
    lokal.loc[~mit_wert, "cluster"] = OHNE_WERT

    y = wert.loc[genutzt["raum_id"]].to_numpy()
    if len(y) < MIN_GEBIETE:
        grund = (f"Für eine räumliche Statistik werden mindestens {MIN_GEBIETE} Gebiete mit Wert und mit einem "
                 f"angrenzenden Gebiet mit Wert gebraucht; vorhanden sind {len(y)}.")
        return RaumstatistikErgebnis(None, lokal, alpha, grund)
    if np.ptp(y) == 0:
        grund = (f"Alle {len(y)} auswertbaren Gebiete haben denselben Wert; "
                 "ein räumliches Muster lässt sich daher nicht berechnen.")
        return RaumstatistikErgebnis(None, lokal, alpha, grund)

    w = nachbarschaft(genutzt)
    y = wert.loc[w.id_order].to_numpy()
    with _seeded_global_rng(seed):
        global_moran = esda.Moran(y, w, transformation="r", permutations=permutationen)
        # The local I and quadrants from esda; their p-values from the permutations below (esda's own
        # are compiled with numba on first use in every process: 25 s of CPU for the first hot-spot map).
        lisa = esda.Moran_Local(y, w, transformation="r", permutations=0)
    is_ = np.asarray(lisa.Is, dtype=float)
    ziehungen = _ziehungen(np.random.default_rng(seed), w.n, int(max(w.cardinalities.values())), permutationen)
    p_sim = lokale_p_werte(np.asarray(lisa.z, dtype=float), lisa.w.sparse.tocsr(), is_, ziehungen)

    rows = lokal.set_index("raum_id").index.get_indexer(w.id_order)
    quadrant = [QUADRANTEN[int(q)] for q in lisa.q]
    # A value exactly at the mean has local I = 0 under every permutation; esda's folded count then
    # reports the smallest possible p. Nothing can be extreme there, so p is 1.
    p_sim[np.asarray(lisa.z) == 0] = 1.0
    signifikant = p_sim < alpha
    lokal.loc[rows, "lokales_i"] = is_
    lokal.loc[rows, "p_sim"] = p_sim
    lokal.loc[rows, "signifikant"] = signifikant
    lokal.loc[rows, "quadrant"] = pd.Series(quadrant, index=rows, dtype=object)
    lokal.loc[rows, "cluster"] = pd.Series(
        [QUADRANT_CLUSTER[q] if s else NICHT_SIGNIFIKANT for q, s in zip(quadrant, signifikant)], index=rows, dtype=object)
    lokal["signifikant"] = lokal["signifikant"].astype(bool)

    ergebnis = MoranGlobal(
        i=float(global_moran.I), erwartung=float(global_moran.EI), z=float(global_moran.z_sim), p_sim=float(global_moran.p_sim),
        permutationen=int(permutationen), n=int(w.n), inseln=inseln_geordnet, ohne_wert=ohne_wert,
    )
    return RaumstatistikErgebnis(ergebnis, lokal, alpha)


# ----------------------------------------------------------------------------------------------
# Plain-language explanation

_MUSTER_TEXT: dict[str, str] = {
    "haeufung": "Gebiete mit ähnlichen Werten von „{label}“ liegen gehäuft nebeneinander.",
    "schachbrett": "benachbarte Gebiete unterscheiden sich bei „{label}“ eher (schachbrettartig).",
    "zufall": "für „{label}“ ist kein räumliches Muster nachweisbar (zufällige Verteilung kann nicht ausgeschlossen werden).",
}


def _muster(moran_global: MoranGlobal, alpha: float) -> str:
    # Significance decides, not the size of I: a small I can be significant with many areas, a large
    # one not with few. The direction is measured against −1/(n−1), the value without pattern.
    if not moran_global.p_sim < alpha:
        return "zufall"
    return "haeufung" if moran_global.i > moran_global.erwartung else "schachbrett"


def _anzahl(n: int, einzahl: str, mehrzahl: str) -> str:
    return f"{format_number(n, 0)} {einzahl if n == 1 else mehrzahl}"


def _p_text(p: float) -> str:
    text = format_number(p, 3)
    # With more than 999 permutations p can be below what three decimals show.
    return "p < 0,001" if text == "0,000" else f"p = {text}"


def _alpha_text(alpha: float) -> str:
    prozent = alpha * 100
    return format_percent(prozent, 0 if abs(prozent - round(prozent)) < 1e-9 else 1)


def _global_satz(ergebnis: RaumstatistikErgebnis, label: str) -> str:
    g = ergebnis.global_
    if g is None:
        return ergebnis.grund or ""
    kopf = (f"Moran's I = {format_number(g.i, 2)} ({_p_text(g.p_sim)} bei {format_number(g.permutationen, 0)} "
            f"Permutationen, {_anzahl(g.n, 'Gebiet', 'Gebiete')})")
    return f"{kopf}: {_MUSTER_TEXT[_muster(g, ergebnis.alpha)].format(label=label)}"


def _lokal_satz(ergebnis: RaumstatistikErgebnis) -> str:
    if ergebnis.global_ is None:
        return ""
    zahl = ergebnis.lokal["cluster"].value_counts()
    hot, cold = int(zahl.get(HOT_SPOT, 0)), int(zahl.get(COLD_SPOT, 0))
    aus = int(zahl.get(AUSREISSER_HOCH, 0)) + int(zahl.get(AUSREISSER_NIEDRIG, 0))
    niveau = f"Signifikanzniveau {_alpha_text(ergebnis.alpha)}"
    if hot + cold + aus == 0:
        return f"Lokal (LISA, {niveau}) ist kein Gebiet auffällig."
    return (f"Lokal (LISA, {niveau}) gibt es {_anzahl(hot, 'Hot Spot', 'Hot Spots')} (hohe Werte neben hohen), "
            f"{_anzahl(cold, 'Cold Spot', 'Cold Spots')} (niedrige neben niedrigen) und "
            f"{_anzahl(aus, 'Ausreißer', 'Ausreißer')}.")


def _ausgelassen_satz(ergebnis: RaumstatistikErgebnis) -> str:
    zahl = ergebnis.lokal["cluster"].value_counts()
    teile = []
    ohne_wert = int(zahl.get(OHNE_WERT, 0))
    ohne_nachbarn = int(zahl.get(OHNE_NACHBARN, 0))
    if ohne_wert:
        teile.append(f"{_anzahl(ohne_wert, 'Gebiet', 'Gebiete')} ohne Wert (etwa zu wenige Einwohner oder fehlende Daten)")
    if ohne_nachbarn:
        teile.append(f"{_anzahl(ohne_nachbarn, 'Gebiet', 'Gebiete')} ohne Nachbarn (kein angrenzendes Gebiet mit Wert)")
    return f"Nicht berücksichtigt: {' und '.join(teile)}." if teile else ""


def erklaerung(ergebnis: RaumstatistikErgebnis, kennzahl_label: str) -> str:
    """Two to four German sentences for planners; every figure comes from ``ergebnis``.

    Parameters
    ----------
    ergebnis : RaumstatistikErgebnis
        From :func:`moran`.
    kennzahl_label : str
        The indicator's German name as shown on the page, e.g. ``"Eckwert stationär"``.
    """
    saetze = [_global_satz(ergebnis, kennzahl_label), _lokal_satz(ergebnis), _ausgelassen_satz(ergebnis)]
    return " ".join(s for s in saetze if s)
