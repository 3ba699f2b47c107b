"""Class schemes for choropleth maps against bounds worked out by hand.

Conventions checked here (mapclassify's): classes are right-closed, ``lower < x <= upper``, the first
class includes the minimum; a value equal to an upper bound belongs to that (lower) class.

Gleiche Intervalle, [1 … 10], k = 3:
  width = (10 − 1) / 3 = 3  ->  bounds 1, 4, 7, 10
  classes [1, 4] = 1 2 3 4 (4), (4, 7] = 5 6 7 (3), (7, 10] = 8 9 10 (3)

Quantile, [1 … 10], k = 4 (numpy's linear percentile, as scipy.stats.scoreatpercentile in mapclassify):
  position h = (n − 1)·p = 9·p on the sorted values x[0..9] = 1..10, value x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])
  p = .25: h = 2,25 -> 3 + 0,25 = 3,25;  p = .5: h = 4,5 -> 5,5;  p = .75: h = 6,75 -> 7,75;  p = 1 -> 10
  classes 1 2 3 (3), 4 5 (2), 6 7 (2), 8 9 10 (3)
Quantile, [1 … 9], k = 4: h = 8·p = 2, 4, 6, 8 -> bounds 3, 5, 7, 9 fall on data values:
  3, 5, 7 stay in the lower class -> counts 3 (1 2 3), 2 (4 5), 2 (6 7), 2 (8 9)

Fisher-Jenks, [1, 2, 3, 10, 11, 12, 30, 31], k = 3:
  the split {1,2,3} {10,11,12} {30,31} has within-class squared deviations 2 + 2 + 0,5 = 4,5; every other
  split puts a gap of at least 7 inside one class (≥ 7²/2 = 24,5), so the upper bounds are 3, 12, 31.

Standardabweichung, [7, 8, 9, 9, 10, 10, 12, 12, 13]:
  mean = 90 / 9 = 10; deviations −3 −2 −1 −1 0 0 2 2 3; sum of squares = 9+4+1+1+0+0+4+4+9 = 32
  mapclassify.StdMean uses the *sample* SD: √(32 / 8) = 2 (the population SD would be √(32/9) ≈ 1,886)
  k = 3 -> multiples (−1, 1):          breaks 8, 12           -> edges 7, 8, 12, 13
  k = 4 -> (−1, 0, 1):                 breaks 8, 10, 12       -> edges 7, 8, 10, 12, 13
  k = 5 -> (−2, −1, 1, 2):             breaks 6, 8, 12, 14    -> 6 < min 7 (empty class dropped), 14 > max -> 13
                                                              -> edges 7, 8, 12, 13
  k = 6 -> (−2, −1, 0, 1, 2):          breaks 6, 8, 10, 12, 14 -> edges 7, 8, 10, 12, 13
  k = 7 -> (−3, −2, −1, 1, 2, 3):      breaks 4, 6, 8, 12, 14, 16 -> edges 7, 8, 12, 13
  12 = mean + 1 SD sits in the class ending at 12; with the population SD (11,886) it would be one up.
"""

import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics.klassen import SCHEMATA, SD_VIELFACHE, Klassierung, klassieren

ONE_TO_TEN = list(range(1, 11))
ONE_TO_NINE = list(range(1, 10))
CLUSTERED = [1, 2, 3, 10, 11, 12, 30, 31]
SD_VALUES = [7, 8, 9, 9, 10, 10, 12, 12, 13]

# (values, schema, k, edges by hand, counts, class per value)
HAND = [
    (ONE_TO_TEN, "gleiche_intervalle", 3, (1, 4, 7, 10), (4, 3, 3), [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]),
    (ONE_TO_TEN, "quantile", 4, (1, 3.25, 5.5, 7.75, 10), (3, 2, 2, 3), [0, 0, 0, 1, 1, 2, 2, 3, 3, 3]),
    (ONE_TO_NINE, "quantile", 4, (1, 3, 5, 7, 9), (3, 2, 2, 2), [0, 0, 0, 1, 1, 2, 2, 3, 3]),
    (CLUSTERED, "fisher_jenks", 3, (1, 3, 12, 31), (3, 3, 2), [0, 0, 0, 1, 1, 1, 2, 2]),
    (SD_VALUES, "standardabweichung", 3, (7, 8, 12, 13), (2, 6, 1), [0, 0, 1, 1, 1, 1, 1, 1, 2]),
    (SD_VALUES, "standardabweichung", 4, (7, 8, 10, 12, 13), (2, 4, 2, 1), [0, 0, 1, 1, 1, 1, 2, 2, 3]),
    (SD_VALUES, "standardabweichung", 5, (7, 8, 12, 13), (2, 6, 1), [0, 0, 1, 1, 1, 1, 1, 1, 2]),
    (SD_VALUES, "standardabweichung", 6, (7, 8, 10, 12, 13), (2, 4, 2, 1), [0, 0, 1, 1, 1, 1, 2, 2, 3]),
    (SD_VALUES, "standardabweichung", 7, (7, 8, 12, 13), (2, 6, 1), [0, 0, 1, 1, 1, 1, 1, 1, 2]),
]


@pytest.mark.parametrize("values, schema, k, edges, counts, classes", HAND,
                         ids=[f"{h[1]}-k{h[2]}-{i}" for i, h in enumerate(HAND)])
def test_bounds_counts_and_classes_by_hand(values, schema, k, edges, counts, classes):
    result = klassieren(values, schema, k)
    assert result.schema == schema
    assert result.grenzen == pytest.approx(edges)
    assert result.anzahl == counts
    assert result.klasse.tolist() == classes
    assert result.k == len(counts) == len(result.grenzen) - 1


# (values, schema, k, value on a bound, class it belongs to: the one the bound closes)
BOUNDARY = [
    (ONE_TO_TEN, "gleiche_intervalle", 3, 4, 0),
    (ONE_TO_TEN, "gleiche_intervalle", 3, 7, 1),
    (ONE_TO_NINE, "quantile", 4, 3, 0),
    (ONE_TO_NINE, "quantile", 4, 5, 1),
    (ONE_TO_NINE, "quantile", 4, 7, 2),
    (CLUSTERED, "fisher_jenks", 3, 3, 0),
    (CLUSTERED, "fisher_jenks", 3, 12, 1),
    (SD_VALUES, "standardabweichung", 4, 8, 0),   # mean − 1 SD
    (SD_VALUES, "standardabweichung", 4, 10, 1),  # the mean
    (SD_VALUES, "standardabweichung", 4, 12, 2),  # mean + 1 SD (sample SD; population SD would give 3)
]


@pytest.mark.parametrize("values, schema, k, value, expected", BOUNDARY)
def test_value_on_upper_bound_belongs_to_that_class(values, schema, k, value, expected):
    result = klassieren(values, schema, k)
    assert value in result.grenzen
    assert result.klasse[values.index(value)] == expected


def test_std_uses_the_sample_standard_deviation():
    """mean 10, sample SD 2: the k = 4 breaks are exactly 8, 10, 12 (population SD: 8,114 / 11,886)."""
    assert np.std(SD_VALUES, ddof=1) == pytest.approx(2)
    assert klassieren(SD_VALUES, "standardabweichung", 4).grenzen[1:4] == pytest.approx((8, 10, 12))


def test_std_drops_empty_classes_outside_the_data_range():
    """k = 5: mapclassify makes a class ≤ 6 below the minimum 7 and ends the top class at 14 > 13."""
    raw = mapclassify.StdMean(np.array(SD_VALUES, dtype=float), multiples=list(SD_VIELFACHE[5]))
    assert raw.bins.tolist() == pytest.approx([6, 8, 12, 14])
    assert raw.counts.tolist() == [0, 2, 6, 1]
    result = klassieren(SD_VALUES, "standardabweichung", 5)
    assert result.anzahl == (2, 6, 1)
    assert result.grenzen[0] == 7 and result.grenzen[-1] == 13


def test_std_keeps_empty_classes_inside_the_data_range():
    """[0 ×9, 100]: mean 10, SS = 9·10² + 90² = 9000, sample SD = √(9000/9) = √1000 ≈ 31,623.

    k = 6 -> breaks 10 + m·31,623 for m = −2 … 2: −53,2  −21,6  10  41,6  73,2; the two negative ones
    lie below the minimum 0 and go; 41,6 and 73,2 close empty classes between 10 and 100 and stay.
    """
    values = [0] * 9 + [100]
    result = klassieren(values, "standardabweichung", 6)
    sd = np.sqrt(1000)
    assert result.grenzen == pytest.approx((0, 10, 10 + sd, 10 + 2 * sd, 100))
    assert result.anzahl == (9, 0, 0, 1)


@pytest.mark.parametrize("schema", ["quantile", "fisher_jenks", "gleiche_intervalle"])
def test_classes_agree_with_mapclassify_when_nothing_is_dropped(schema):
    values = np.random.default_rng(7).gamma(2.0, 10.0, size=60)
    classifier = {"quantile": mapclassify.Quantiles, "fisher_jenks": mapclassify.FisherJenks,
                  "gleiche_intervalle": mapclassify.EqualInterval}[schema]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FisherJenks without numba warns about its speed
        raw = classifier(values, k=5)
    result = klassieren(values, schema, 5)
    assert result.grenzen[1:] == pytest.approx(tuple(raw.bins))
    assert result.klasse.tolist() == raw.yb.tolist()
    assert result.anzahl == tuple(raw.counts.tolist())


def test_missing_values_get_class_minus_one_and_are_not_counted():
    """Finite values 3, 1, 2; quantile k = 2: median (h = 2·0,5 = 1 on 1, 2, 3) = 2 -> edges 1, 2, 3."""
    result = klassieren([np.nan, 3, None, 1, np.inf, 2], "quantile", 2)
    assert result.grenzen == (1, 2, 3)
    assert result.klasse.tolist() == [-1, 1, -1, 0, -1, 0]
    assert result.anzahl == (2, 1)


@pytest.mark.parametrize("werte", [
    [1.0, None, 2.0, 4.0],
    np.array([1.0, np.nan, 2.0, 4.0]),
    pd.Series([1.0, np.nan, 2.0, 4.0]),
    pd.Series([1.0, pd.NA, 2.0, 4.0], dtype="Float64"),
    pd.Series([1, pd.NA, 2, 4], dtype="Int64"),
], ids=["list", "ndarray", "series", "Float64", "Int64"])
def test_input_containers(werte):
    """1, 2, 4 in equal intervals k = 3: width (4 − 1) / 3 = 1 -> edges 1, 2, 3, 4.

    2 lies on the first upper bound -> class 0; the class (2, 3] stays empty; 4 -> class 2.
    """
    result = klassieren(werte, "gleiche_intervalle", 3)
    assert result.grenzen == pytest.approx((1, 2, 3, 4))
    assert result.klasse.tolist() == [0, -1, 0, 2]
    assert result.anzahl == (2, 0, 1)


@pytest.mark.parametrize("schema, k", [("quantile", 4), ("fisher_jenks", 4), ("gleiche_intervalle", 4),
                                       ("standardabweichung", 5)])
def test_all_values_equal_give_one_class(schema, k):
    result = klassieren([4.0, 4.0, np.nan, 4.0], schema, k)
    assert result.k == 1
    assert result.grenzen == (4.0, 4.0)
    assert result.anzahl == (3,)
    assert result.klasse.tolist() == [0, 0, -1, 0]
    assert result.labels(1) == ["4,0"]  # one value, not "4,0 bis 4,0"


# (values, schema, k, edges, counts): fewer distinct values or fewer values than k
FEWER = [
    # 2 distinct values: k capped at 2, median of 1 1 1 2 (h = 1,5) = 1 -> edges 1, 1, 2
    ([1, 1, 1, 2], "quantile", 4, (1, 1, 2), (3, 1)),
    # mapclassify.FisherJenks would raise; capped at 2 classes, one per distinct value
    ([1, 1, 2], "fisher_jenks", 3, (1, 1, 2), (2, 1)),
    # 3 values, k = 5 -> 3 terciles: h = 2·(1/3) = 0,667 -> 1,667; h = 1,333 -> 2,333
    ([1, 2, 3], "quantile", 5, (1, 5 / 3, 7 / 3, 3), (1, 1, 1)),
    ([1, 2, 3], "fisher_jenks", 5, (1, 1, 2, 3), (1, 1, 1)),
    # equal intervals keep k: width 0,4 -> empty classes (1,4; 1,8] and (2,2; 2,6] stay
    ([1, 2, 3], "gleiche_intervalle", 5, (1, 1.4, 1.8, 2.2, 2.6, 3), (1, 0, 1, 0, 1)),
    # mean 2, sample SD 1; k = 7 -> breaks −1, 0, 1, 3, 4, 5: only 1 lies in [min, max) -> edges 1, 1, 3
    ([1, 2, 3], "standardabweichung", 7, (1, 1, 3), (1, 2)),
]


@pytest.mark.parametrize("values, schema, k, edges, counts", FEWER)
def test_fewer_values_than_classes(values, schema, k, edges, counts):
    result = klassieren(values, schema, k)
    assert result.grenzen == pytest.approx(edges)
    assert result.anzahl == counts
    assert result.k == len(counts)
    # fewer classes than requested, except equal intervals, whose empty classes stay
    assert result.k == k if schema == "gleiche_intervalle" else result.k < k


@pytest.mark.parametrize("werte", [[], [np.nan, None], pd.Series([], dtype=float)], ids=["leer", "nur-nan", "leere-series"])
@pytest.mark.parametrize("schema", list(SCHEMATA))
def test_no_values_give_zero_classes(werte, schema):
    result = klassieren(werte, schema, 3)
    assert result.k == 0
    assert result.grenzen == ()
    assert result.anzahl == ()
    assert result.klasse.tolist() == [-1] * len(werte)
    assert result.labels(1) == []


@pytest.mark.parametrize("schema, k, message", [
    ("jenks", 3, "Unbekanntes Klassierungsschema „jenks“"),
    ("quantile", 0, "mindestens 1"),
    ("gleiche_intervalle", -2, "mindestens 1"),
    ("standardabweichung", 2, "3 bis 7 Klassen"),
    ("standardabweichung", 8, "3 bis 7 Klassen"),
])
def test_invalid_schema_or_k_raise_german_errors(schema, k, message):
    with pytest.raises(ValueError, match=message):
        klassieren([1, 2, 3, 4], schema, k)


def test_error_names_the_possible_schemes():
    with pytest.raises(ValueError) as info:
        klassieren([1, 2], "unbekannt", 3)
    for key, label in SCHEMATA.items():
        assert key in str(info.value) and label in str(info.value)


# (values, schema, k, decimals, labels)
LABELS = [
    (ONE_TO_TEN, "gleiche_intervalle", 3, 0, ["1 bis 4", "4 bis 7", "7 bis 10"]),
    (ONE_TO_TEN, "quantile", 4, 2, ["1,00 bis 3,25", "3,25 bis 5,50", "5,50 bis 7,75", "7,75 bis 10,00"]),
    # min 1234,5, max 5000,25, width 1882,875 -> middle 3117,375; rounded half up: 3.117,4 and 5.000,3
    ([1234.5, 2000, 5000.25], "gleiche_intervalle", 2, 1, ["1.234,5 bis 3.117,4", "3.117,4 bis 5.000,3"]),
    (SD_VALUES, "standardabweichung", 3, 1, ["7,0 bis 8,0", "8,0 bis 12,0", "12,0 bis 13,0"]),
]


@pytest.mark.parametrize("values, schema, k, decimals, labels", LABELS)
def test_german_labels(values, schema, k, decimals, labels):
    assert klassieren(values, schema, k).labels(decimals) == labels


def test_order_of_input_does_not_change_the_classes():
    shuffled = [30, 1, 12, 3, 31, 10, 2, 11]
    result = klassieren(shuffled, "fisher_jenks", 3)
    assert result.grenzen == (1, 3, 12, 31)
    assert result.klasse.tolist() == [2, 0, 1, 0, 2, 1, 0, 1]


def test_result_is_immutable():
    result = klassieren(ONE_TO_TEN, "quantile", 4)
    assert isinstance(result, Klassierung)
    with pytest.raises(ValueError):
        result.klasse[0] = 3
    with pytest.raises(AttributeError):
        result.schema = "fisher_jenks"


def test_scheme_labels():
    assert SCHEMATA == {
        "quantile": "Quantile",
        "fisher_jenks": "Natürliche Brüche (Fisher-Jenks)",
        "gleiche_intervalle": "Gleiche Intervalle",
        "standardabweichung": "Standardabweichung",
    }
    assert sorted(SD_VIELFACHE) == [3, 4, 5, 6, 7]
    assert all(len(m) == k - 1 for k, m in SD_VIELFACHE.items())


@pytest.mark.parametrize("seed", range(40))
def test_fisher_jenks_matches_mapclassify_on_random_inputs(seed: int) -> None:
    """Our vectorised Fisher-Jenks against mapclassify's reference: the same least within-class
    sum of squares (and the same bounds where the optimum is unique)."""
    import warnings

    import mapclassify

    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(8, 70)), int(rng.integers(2, 8))
    values = np.round(rng.gamma(2.0, 5.0, n), int(rng.integers(0, 3)))
    k = min(k, len(np.unique(values)))
    ours = np.array(klassieren(values, "fisher_jenks", k).grenzen[1:])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = mapclassify.FisherJenks(values, k=k).bins

    def within(bounds: np.ndarray) -> float:
        classes = np.searchsorted(bounds, values, side="left")
        return sum(((values[classes == c] - values[classes == c].mean()) ** 2).sum() for c in np.unique(classes))

    assert within(ours) == pytest.approx(within(reference), abs=1e-9)
    assert len(ours) == len(reference)


def test_fisher_jenks_beyond_the_exact_limit_uses_order_statistics() -> None:
    from sozialraum_analytics.klassen import FISHER_JENKS_MAX

    values = np.concatenate([np.full(FISHER_JENKS_MAX, 1.0), np.full(FISHER_JENKS_MAX, 10.0),
                             np.full(FISHER_JENKS_MAX, 100.0)])
    result = klassieren(values, "fisher_jenks", 3)
    assert result.grenzen == (1.0, 1.0, 10.0, 100.0)
    assert result.anzahl == (FISHER_JENKS_MAX,) * 3


def test_no_empty_quantile_class_and_a_single_value_is_its_own_label():
    """[1 ×4, 5 ×4], quantile k = 3: the breaks (1 and 3,67) would leave (1; 3,67] empty: merged away.
    Fisher-Jenks puts an outlier alone: its label is the value, not "41,7 bis 41,7"."""
    result = klassieren([1] * 4 + [5] * 4, "quantile", 3)
    assert 0 not in result.anzahl and sum(result.anzahl) == 8
    jenks = klassieren([41.7, 80, 81, 82, 90, 91, 92], "fisher_jenks", 3)
    assert jenks.anzahl == (1, 3, 3)
    assert jenks.labels(1)[0] == "41,7"
    assert jenks.hinweis(3) == ""


def test_the_standard_deviation_scheme_says_why_it_has_fewer_classes():
    result = klassieren([1, 2, 3], "standardabweichung", 7)
    assert result.k == 2
    assert "2 statt 7 Klassen" in result.hinweis(7) and "außerhalb der Werte" in result.hinweis(7)


@pytest.mark.parametrize("seed", range(30))
def test_the_breaks_are_mapclassifys_bit_for_bit(seed: int) -> None:
    """Quantiles, equal intervals and mean ± SD are written out in klassen (mapclassify compiles a numba kernel
    when it is imported); on random values with ties, each k, they give mapclassify's own bounds exactly."""
    from sozialraum_analytics.klassen import _equal_interval_bins, _quantile_bins, _std_bins

    rng = np.random.default_rng(seed)
    values = np.round(rng.gamma(2.0, 5.0, int(rng.integers(5, 300))), int(rng.integers(0, 3)))
    for k in range(2, 9):
        kq = min(k, len(np.unique(values)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert _quantile_bins(values, k).tolist() == mapclassify.Quantiles(values, k=kq).bins.tolist()
        assert _equal_interval_bins(values, k).tolist() == mapclassify.EqualInterval(values, k=k).bins.tolist()
        if k in SD_VIELFACHE:
            erwartet = mapclassify.StdMean(values, multiples=list(SD_VIELFACHE[k])).bins.tolist()
            assert _std_bins(values, k).tolist() == erwartet
