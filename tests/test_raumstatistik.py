"""Global Moran's I and LISA on grids of unit squares, against values worked out by hand.

Grids: cell ``r{row}c{col}`` is the square (col, row)–(col+1, row+1). Queen neighbours share an edge or
a corner. Weights are row-standardised, so the lag of cell i is the plain mean of its neighbours'
deviations d_j = y_j − ȳ, and (S0 = n)

    I = Σ d_i·lag_i / Σ d_i²            I_i (esda, local) = (n − 1)·d_i·lag_i / Σ d²

2 × 3 grid (2 rows, 3 columns), values 1 2 3 in each row::

    d e f        r1c0 r1c1 r1c2        1 2 3
    a b c        r0c0 r0c1 r0c2        1 2 3

  neighbours: a: b d e; b: a c d e f; c: b e f; d: a b e; e: a b c d f; f: b c e
  ȳ = 2, d = −1 0 1 −1 0 1 (a…f), Σd² = 4
  lag: a (0 − 1 + 0)/3 = −1/3; b (−1 + 1 − 1 + 0 + 1)/5 = 0; c (0 + 0 + 1)/3 = 1/3;
       d (−1 + 0 + 0)/3 = −1/3; e (−1 + 0 + 1 − 1 + 1)/5 = 0; f (0 + 1 + 0)/3 = 1/3
  Σ d·lag = 1/3 + 0 + 1/3 + 1/3 + 0 + 1/3 = 4/3  ->  I = (4/3)/4 = 1/3
  (with binary weights it would be 6/22 · 4/4 = 3/11: the row standardisation matters)
  local: a, c, d, f: 5·(1/3)/4 = 5/12; b, e: 0

3 × 3 grid, a single peak 9 in the centre, 0 elsewhere:
  ȳ = 1, d = 8 (centre), −1 (others), Σd² = 64 + 8 = 72
  lag: centre (8 × −1)/8 = −1; corner (8 − 1 − 1)/3 = 2; edge (8 − 1·4)/5 = 4/5
  Σ d·lag = 8·(−1) + 4·(−1·2) + 4·(−1·4/5) = −8 − 8 − 3,2 = −19,2  ->  I = −19,2/72 = −4/15
  local: centre 8·8·(−1)/72 = −8/9; corner 8·(−1)·2/72 = −2/9; edge 8·(−1)·(4/5)/72 = −4/45

3 × 3 grid, columns 10 | 5 | 0:
  ȳ = 5, d = 5, 0, −5 by column; scale to 1, 0, −1 (I is scale free): Σd² = 6
  left column: r0c0 (1 + 0 + 0)/3 = 1/3; r1c0 (1 + 1 + 0 + 0 + 0)/5 = 2/5; r2c0 1/3 -> Σ d·lag = 16/15
  right column likewise 16/15, middle 0  ->  I = (32/15)/6 = 16/45

3 × 3 checkerboard, 1 where row + col is even (corners, centre), else 0:
  ȳ = 5/9; in ninths d = 4 (even), −5 (odd); Σd² = 5·16 + 4·25 = 180
  lag: corner (−5 − 5 + 4)/3 = −2; centre (4·4 − 4·5)/8 = −1/2; edge (4 + 4 − 5 + 4 − 5)/5 = 2/5
  Σ d·lag = 4·(4·−2) + 4·(−1/2) + 4·(−5·2/5) = −32 − 2 − 8 = −42  ->  I = −42/180 = −7/30
  (diagonal Queen neighbours have the same colour, so the checkerboard is only mildly negative)

Expected value without pattern: −1/(n − 1). Permutations use the fixed seed of each test (stated there).
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from sozialraum_analytics.formatting import format_number
from sozialraum_analytics.raumstatistik import (
    CLUSTER_FARBEN,
    LOKAL_SPALTEN,
    MoranGlobal,
    RaumstatistikErgebnis,
    erklaerung,
    lokale_p_werte,
    moran,
    nachbarschaft,
)

SEED = 20241231


def grid(ncols: int, nrows: int, extra: dict | None = None) -> gpd.GeoDataFrame:
    """Unit squares r{row}c{col}, plus extra named geometries."""
    ids = [f"r{r}c{c}" for r in range(nrows) for c in range(ncols)]
    geoms = [box(c, r, c + 1, r + 1) for r in range(nrows) for c in range(ncols)]
    extra = extra or {}
    return gpd.GeoDataFrame({"raum_id": ids + list(extra)}, geometry=geoms + list(extra.values()), crs=4326)


def werte(ncols: int, nrows: int, value) -> pd.Series:
    """value(row, col) for every cell, indexed by raum_id."""
    return pd.Series({f"r{r}c{c}": float(value(r, c)) for r in range(nrows) for c in range(ncols)})


def columns_123(r, c):
    return c + 1


def centre_peak(r, c):
    return 9 if (r, c) == (1, 1) else 0


def columns_10_5_0(r, c):
    return (10, 5, 0)[c]


def checkerboard(r, c):
    return 1 if (r + c) % 2 == 0 else 0


# (name, columns, rows, values, I by hand)
HAND = [
    ("2x3 columns 1 2 3", 3, 2, columns_123, 1 / 3),
    ("3x3 centre peak", 3, 3, centre_peak, -4 / 15),
    ("3x3 columns 10 5 0", 3, 3, columns_10_5_0, 16 / 45),
    ("3x3 checkerboard", 3, 3, checkerboard, -7 / 30),
]


def test_queen_neighbours_of_the_2x3_grid():
    w = nachbarschaft(grid(3, 2))
    neighbours = {i: sorted(w.neighbors[i]) for i in w.id_order}
    assert w.id_order == ["r0c0", "r0c1", "r0c2", "r1c0", "r1c1", "r1c2"]
    assert neighbours == {
        "r0c0": ["r0c1", "r1c0", "r1c1"],
        "r0c1": ["r0c0", "r0c2", "r1c0", "r1c1", "r1c2"],
        "r0c2": ["r0c1", "r1c1", "r1c2"],
        "r1c0": ["r0c0", "r0c1", "r1c1"],
        "r1c1": ["r0c0", "r0c1", "r0c2", "r1c0", "r1c2"],
        "r1c2": ["r0c1", "r0c2", "r1c1"],
    }
    assert w.islands == []


def test_nachbarschaft_reports_islands_without_warning(recwarn):
    w = nachbarschaft(grid(2, 1, {"insel": box(50, 50, 51, 51)}))
    assert w.islands == ["insel"]
    assert not [r for r in recwarn if "island" in str(r.message).lower()]


def test_nachbarschaft_rejects_duplicate_ids():
    gebiete = grid(2, 1)
    gebiete.loc[1, "raum_id"] = "r0c0"
    with pytest.raises(ValueError, match="Gebietsschlüssel mehrfach: r0c0"):
        nachbarschaft(gebiete)


@pytest.mark.parametrize("name, ncols, nrows, value, expected", HAND, ids=[h[0] for h in HAND])
def test_global_moran_by_hand(name, ncols, nrows, value, expected):
    result = moran(grid(ncols, nrows), werte(ncols, nrows, value), permutationen=99, seed=SEED)
    n = ncols * nrows
    assert result.grund is None
    assert result.global_.i == pytest.approx(expected)
    assert result.global_.erwartung == pytest.approx(-1 / (n - 1))
    assert result.global_.n == n
    assert result.global_.permutationen == 99


# (name, columns, rows, values, {raum_id: (local I by hand, quadrant)})
LOCAL_HAND = [
    ("2x3 columns 1 2 3", 3, 2, columns_123, {
        "r0c0": (5 / 12, "LL"), "r0c1": (0, "LL"), "r0c2": (5 / 12, "HH"),
        "r1c0": (5 / 12, "LL"), "r1c1": (0, "LL"), "r1c2": (5 / 12, "HH"),
    }),
    ("3x3 centre peak", 3, 3, centre_peak, {
        "r1c1": (-8 / 9, "HL"),
        **{corner: (-2 / 9, "LH") for corner in ("r0c0", "r0c2", "r2c0", "r2c2")},
        **{edge: (-4 / 45, "LH") for edge in ("r0c1", "r1c0", "r1c2", "r2c1")},
    }),
]


@pytest.mark.parametrize("name, ncols, nrows, value, expected", LOCAL_HAND, ids=[h[0] for h in LOCAL_HAND])
def test_local_moran_by_hand(name, ncols, nrows, value, expected):
    """A value exactly at the mean (b, e in the 2×3 grid) counts as low in esda (quadrant LL, I = 0)."""
    lokal = moran(grid(ncols, nrows), werte(ncols, nrows, value), permutationen=99, seed=SEED).lokal.set_index("raum_id")
    for raum_id, (local_i, quadrant) in expected.items():
        assert lokal.loc[raum_id, "lokales_i"] == pytest.approx(local_i, abs=1e-12), raum_id
        assert lokal.loc[raum_id, "quadrant"] == quadrant, raum_id


def test_value_at_the_mean_is_never_significant():
    """Local I of a value at the mean is 0 in every permutation; esda's folded count would give p = 1/(N+1)."""
    lokal = moran(grid(3, 2), werte(3, 2, columns_123), permutationen=199, seed=SEED).lokal.set_index("raum_id")
    assert lokal.loc[["r0c1", "r1c1"], "p_sim"].tolist() == [1.0, 1.0]
    assert not lokal.loc[["r0c1", "r1c1"], "signifikant"].any()


def _grid_with_left_out_areas():
    """3×3 columns 10 | 5 | 0, plus: "insel" far away (value 3), "leer" right of r0c2 without value,
    "hinter_leer" right of "leer" with value 7 – its only neighbour has no value, so it is an island too.
    """
    gebiete = grid(3, 3, {"insel": box(50, 50, 51, 51), "leer": box(3, 0, 4, 1), "hinter_leer": box(4, 0, 5, 1)})
    values = pd.concat([werte(3, 3, columns_10_5_0), pd.Series({"insel": 3.0, "leer": np.nan, "hinter_leer": 7.0})])
    return gebiete, values


def test_islands_and_missing_values_are_left_out():
    gebiete, values = _grid_with_left_out_areas()
    result = moran(gebiete, values, permutationen=199, seed=SEED)
    g = result.global_
    assert g.n == 9
    assert g.inseln == ("insel", "hinter_leer")
    assert g.ohne_wert == ("leer",)
    # the left-out areas do not change the statistic of the 3×3 grid (by hand: 16/45, E = −1/8)
    assert g.i == pytest.approx(16 / 45)
    assert g.erwartung == pytest.approx(-1 / 8)
    lokal = result.lokal.set_index("raum_id")
    assert lokal.loc[["insel", "hinter_leer", "leer"], "cluster"].tolist() == ["ohne Nachbarn", "ohne Nachbarn", "ohne Wert"]
    left_out = lokal.loc[["insel", "hinter_leer", "leer"]]
    assert left_out["lokales_i"].isna().all() and left_out["p_sim"].isna().all()
    assert left_out["quadrant"].tolist() == [None, None, None]
    assert not left_out["signifikant"].any()
    assert lokal.loc["leer", "wert"] != lokal.loc["leer", "wert"]  # NaN
    assert lokal.loc["hinter_leer", "wert"] == 7.0


def test_area_without_geometry_has_no_neighbours():
    gebiete, values = _grid_with_left_out_areas()
    gebiete.loc[gebiete["raum_id"] == "insel", "geometry"] = None
    result = moran(gebiete, values, permutationen=19, seed=SEED)
    assert result.global_.inseln == ("insel", "hinter_leer")
    assert result.lokal.set_index("raum_id").loc["insel", "cluster"] == "ohne Nachbarn"


def test_lokal_has_one_row_per_area_in_input_order():
    gebiete, values = _grid_with_left_out_areas()
    values = values.drop("r2c2")  # a missing id is "ohne Wert"
    values["nicht_im_kreis"] = 99.0  # an id without geometry is ignored
    lokal = moran(gebiete, values, permutationen=19, seed=SEED).lokal
    assert list(lokal.columns) == LOKAL_SPALTEN
    assert lokal["raum_id"].tolist() == gebiete["raum_id"].tolist()
    assert lokal.set_index("raum_id").loc["r2c2", "cluster"] == "ohne Wert"
    assert lokal["signifikant"].dtype == bool


def test_same_seed_same_p_values_and_no_side_effect_on_numpy():
    gebiete, values = _grid_with_left_out_areas()
    np.random.seed(5)
    expected_draw = np.random.random()
    np.random.seed(5)
    first = moran(gebiete, values, permutationen=199, seed=SEED)
    assert np.random.random() == expected_draw  # the global generator is restored
    second = moran(gebiete, values, permutationen=199, seed=SEED)
    assert first.global_.p_sim == second.global_.p_sim
    assert first.global_.z == second.global_.z
    pd.testing.assert_series_equal(first.lokal["p_sim"], second.lokal["p_sim"])


def _p_by_definition(y, nachbarn, ziehungen):
    """Conditional permutation written out in exact fractions: area i keeps its deviation d_i; its k_i neighbours
    take the deviations of the other areas at the first k_i positions of each draw (the other areas in their
    order, i left out); I_i = (n − 1)·d_i·lag_i / Σd² with lag the mean of the neighbours' d (I is scale free)."""
    from fractions import Fraction

    n, anzahl = len(y), len(ziehungen)
    mittel = Fraction(sum(y), n)
    d = [Fraction(v) - mittel for v in y]
    skala = Fraction(n - 1) / sum(v * v for v in d)
    p = []
    for i in range(n):
        k = len(nachbarn[i])
        beobachtet = d[i] * sum(d[j] for j in nachbarn[i]) / k * skala
        andere = [j for j in range(n) if j != i]
        groesser = sum(d[i] * sum(d[andere[pos]] for pos in zug[:k]) / k * skala >= beobachtet for zug in ziehungen)
        p.append((min(groesser, anzahl - groesser) + 1) / (anzahl + 1))
    return p


@pytest.mark.parametrize("ncols, nrows, value", [(3, 2, columns_123), (3, 3, centre_peak), (4, 3, checkerboard),
                                                 (3, 3, columns_10_5_0)])
def test_local_p_values_are_the_conditional_permutation(ncols, nrows, value):
    """The p-values of ``lokale_p_werte`` (vectorised, in floating point) equal the definition written out draw by
    draw in exact fractions, ties included (these grids have many: equal values, equal neighbour means)."""
    w = nachbarschaft(grid(ncols, nrows))
    w.transform = "r"
    y = werte(ncols, nrows, value).loc[w.id_order].to_numpy()
    z = (y - y.mean()) / y.std()
    matrix = w.sparse.tocsr()
    beobachtet = (len(z) - 1) * z * (matrix @ z) / (z @ z)
    rng = np.random.default_rng(7)
    k = int(np.diff(matrix.indptr).max())
    ziehungen = np.stack([rng.choice(len(z) - 1, size=k, replace=False) for _ in range(60)])
    nachbarn = [matrix.indices[matrix.indptr[i]:matrix.indptr[i + 1]].tolist() for i in range(len(z))]
    erwartet = _p_by_definition([int(v) for v in y], nachbarn, ziehungen.tolist())
    assert lokale_p_werte(z, matrix, beobachtet, ziehungen).tolist() == pytest.approx(erwartet, abs=1e-15)


def test_the_hot_spots_need_no_compiled_code_of_esda():
    """esda's own conditional permutation is compiled with numba on its first call, 25 s of CPU in every new
    process (the dashboard's first hot-spot map); ``moran`` must not call it."""
    import esda.crand

    moran(grid(6, 6), werte(6, 6, lambda r, c: 10 if c < 3 else 0), permutationen=99, seed=SEED)
    kompiliert = [name for name in ("compute_chunk", "vec_permutations", "_prepare_univariate")
                  if getattr(getattr(esda.crand, name), "signatures", [])]
    assert kompiliert == []


def test_clustered_columns_give_significant_positive_i_with_hh_and_ll():
    """Columns 10 | 5 | 0 (I = 16/45 by hand), seed 20241231, 999 permutations.

    Only 4 of the 1680 arrangements of three 10s, 5s and 0s reach this I (columns or rows, either
    way round), so p_sim is near its minimum 0,001.
    """
    result = moran(grid(3, 3), werte(3, 3, columns_10_5_0), permutationen=999, seed=SEED)
    assert result.global_.i > 0
    assert result.global_.p_sim < 0.05
    lokal = result.lokal.set_index("raum_id")
    assert lokal.loc[["r0c0", "r1c0", "r2c0"], "quadrant"].tolist() == ["HH"] * 3
    assert lokal.loc[["r0c2", "r1c2", "r2c2"], "quadrant"].tolist() == ["LL"] * 3


def test_halves_give_hot_and_cold_spots():
    """6×6 grid, left three columns 10, right three 0; seed 20241231, 999 permutations.

    An inner cell of column 1 has 8 neighbours, all 10. Conditional randomisation draws 8 of the other
    35 cells (17 tens, 18 zeros): P(all 8 are tens) = C(17,8)/C(35,8) = 24310/23535820 ≈ 0,001, so
    these cells are hot spots at 5 % (column 4 likewise cold spots). No cell is an outlier.
    """
    result = moran(grid(6, 6), werte(6, 6, lambda r, c: 10 if c < 3 else 0), permutationen=999, seed=SEED)
    lokal = result.lokal.set_index("raum_id")
    hot = [f"r{r}c1" for r in range(1, 5)]
    cold = [f"r{r}c4" for r in range(1, 5)]
    assert set(lokal.loc[hot, "cluster"]) == {"Hot Spot (hoch – hoch)"}
    assert set(lokal.loc[cold, "cluster"]) == {"Cold Spot (niedrig – niedrig)"}
    left = lokal[[int(i[-1]) < 3 for i in lokal.index]]
    assert "Cold Spot (niedrig – niedrig)" not in set(left["cluster"])
    assert not lokal["cluster"].str.startswith("Ausreißer").any()
    assert lokal["signifikant"].equals(lokal["p_sim"] < 0.05)


@pytest.mark.parametrize("ncols, nrows, value", [
    (3, 3, checkerboard),  # −7/30 by hand, not significant with 9 areas
    (6, 4, lambda r, c: c % 2),  # stripes: 6 of 8 Queen neighbours differ inside the grid
], ids=["checkerboard-3x3", "stripes-6x4"])
def test_alternating_patterns_give_negative_i(ncols, nrows, value):
    result = moran(grid(ncols, nrows), werte(ncols, nrows, value), permutationen=199, seed=SEED)
    assert result.global_.i < result.global_.erwartung < 0


@pytest.mark.parametrize("gebiete, values, reason", [
    (grid(2, 1), pd.Series({"r0c0": 1.0, "r0c1": 2.0}), "mindestens 3 Gebiete"),
    # three areas with value, but one is an island -> 2 usable
    (grid(2, 1, {"insel": box(9, 9, 10, 10)}), pd.Series({"r0c0": 1.0, "r0c1": 2.0, "insel": 3.0}), "vorhanden sind 2"),
    (grid(3, 3), werte(3, 3, lambda r, c: 4.0), "Alle 9 auswertbaren Gebiete haben denselben Wert"),
    (grid(2, 2), pd.Series(dtype=float), "vorhanden sind 0"),
], ids=["two-areas", "island-leaves-two", "no-variance", "no-values"])
def test_no_statistic_gives_a_german_reason(gebiete, values, reason):
    result = moran(gebiete, values, permutationen=19, seed=SEED)
    assert result.global_ is None
    assert reason in result.grund
    assert erklaerung(result, "Eckwert stationär").startswith(result.grund)
    assert len(result.lokal) == len(gebiete)
    assert result.lokal["lokales_i"].isna().all()
    assert not result.lokal["signifikant"].any()


def test_three_areas_are_enough():
    result = moran(grid(3, 1), pd.Series({"r0c0": 1.0, "r0c1": 2.0, "r0c2": 4.0}), permutationen=19, seed=SEED)
    assert result.global_ is not None and result.global_.n == 3


def test_invalid_permutations():
    with pytest.raises(ValueError, match="mindestens eine Permutation"):
        moran(grid(3, 3), werte(3, 3, centre_peak), permutationen=0)


def _ergebnis(i, p_sim, clusters=(), alpha=0.05, n=20, permutationen=999):
    lokal = pd.DataFrame({"raum_id": [f"g{k}" for k in range(len(clusters))], "cluster": list(clusters)})
    return RaumstatistikErgebnis(MoranGlobal(i, -1 / (n - 1), 0.0, p_sim, permutationen, n, (), ()), lokal, alpha)


# (I, p_sim, alpha, phrase expected)
MUSTER = [
    (0.42, 0.003, 0.05, "Moran's I = 0,42 (p = 0,003 bei 999 Permutationen, 20 Gebiete): Gebiete mit ähnlichen Werten "
                        "von „Eckwert stationär“ liegen gehäuft nebeneinander."),
    (0.02, 0.41, 0.05, "kein räumliches Muster nachweisbar (zufällige Verteilung kann nicht ausgeschlossen werden)"),
    (0.42, 0.08, 0.05, "kein räumliches Muster nachweisbar"),  # large I, but not significant
    (0.42, 0.08, 0.10, "liegen gehäuft nebeneinander"),  # same I at α = 10 %
    (-0.35, 0.004, 0.05, "Moran's I = -0,35 (p = 0,004 bei 999 Permutationen, 20 Gebiete): benachbarte Gebiete "
                         "unterscheiden sich bei „Eckwert stationär“ eher (schachbrettartig)."),
    (0.5, 0.0001, 0.05, "p < 0,001"),
]


@pytest.mark.parametrize("i, p_sim, alpha, phrase", MUSTER)
def test_erklaerung_names_the_pattern(i, p_sim, alpha, phrase):
    assert phrase in erklaerung(_ergebnis(i, p_sim, alpha=alpha), "Eckwert stationär")


@pytest.mark.parametrize("clusters, phrase", [
    (["Hot Spot (hoch – hoch)"] * 2 + ["Cold Spot (niedrig – niedrig)"] + ["Ausreißer: hoch unter niedrigen"],
     "gibt es 2 Hot Spots (hohe Werte neben hohen), 1 Cold Spot (niedrige neben niedrigen) und 1 Ausreißer."),
    (["nicht signifikant"] * 3, "ist kein Gebiet auffällig."),
    (["ohne Wert", "ohne Nachbarn", "ohne Nachbarn"],
     "Nicht berücksichtigt: 1 Gebiet ohne Wert (etwa zu wenige Einwohner oder fehlende Daten) und "
     "2 Gebiete ohne Nachbarn (kein angrenzendes Gebiet mit Wert)."),
])
def test_erklaerung_counts_clusters_and_left_out_areas(clusters, phrase):
    assert phrase in erklaerung(_ergebnis(0.3, 0.001, clusters), "Eckwert")


def test_erklaerung_uses_the_figures_of_the_result():
    gebiete, values = _grid_with_left_out_areas()
    result = moran(gebiete, values, permutationen=199, seed=SEED)
    text = erklaerung(result, "Eckwert stationär")
    g = result.global_
    assert f"Moran's I = {format_number(g.i, 2)} (p = {format_number(g.p_sim, 3)} bei 199 Permutationen, 9 Gebiete)" in text
    assert format_number(g.i, 2) == "0,36"  # 16/45
    assert "1 Gebiet ohne Wert" in text and "2 Gebiete ohne Nachbarn" in text
    assert "Signifikanzniveau 5 %" in text
    assert 2 <= text.count(". ") + 1 <= 4


def test_cluster_colours():
    assert CLUSTER_FARBEN == {
        "Hot Spot (hoch – hoch)": "#b2182b",
        "Cold Spot (niedrig – niedrig)": "#2166ac",
        "Ausreißer: hoch unter niedrigen": "#ef8a62",
        "Ausreißer: niedrig unter hohen": "#67a9cf",
        "nicht signifikant": "#eeeeee",
        "ohne Nachbarn": "#ffffff",
        "ohne Wert": "#ffffff",
    }
    gebiete, values = _grid_with_left_out_areas()
    assert set(moran(gebiete, values, permutationen=19, seed=SEED).lokal["cluster"]) <= set(CLUSTER_FARBEN)
