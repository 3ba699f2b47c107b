"""Confidentiality: small counts suppressed, partners chosen by hand-worked rules, and an attacker who
tries to recover every suppressed cell from the shown cells and all line totals — and recovers none."""

from __future__ import annotations

import numpy as np
import pytest

from sozialraum_analytics.geheimhaltung import (
    mittel_erlaubt,
    rate_erlaubt,
    runden_auf_fuenf,
    sperren,
    spielraum,
)


def cells(mask: np.ndarray) -> set[tuple[int, ...]]:
    return {tuple(int(i) for i in c) for c in np.argwhere(mask)}


def test_a_two_by_two_table_with_one_small_count_hides_all_four() -> None:
    """[[3, 10], [20, 30]]: 3 is small; row 0 needs a partner (10), column 0 too (20), and then
    column 1 holds 10 alone, so 30 goes as well. The attacker knows only the totals: 3 in [0, 13]."""
    werte = np.array([[3, 10], [20, 30]])
    result = sperren(werte)
    assert cells(result.primaer) == {(0, 0)}
    assert cells(result.sekundaer) == {(0, 1), (1, 0), (1, 1)}
    low, high = spielraum(werte, result.gesperrt)
    assert (low[0, 0], high[0, 0]) == pytest.approx((0, 13))


def test_a_three_by_three_table_by_hand() -> None:
    """[[2, 7, 9], [6, 8, 12], [11, 5, 14]]: 2 is small.
    Columns first: column 0 holds 2 alone -> its smallest other, 6. Then rows: row 0 -> 7, row 1
    (6 alone) -> 8. Now every row and column holds 0 or 2: the rectangle 2, 7 / 6, 8.
    The attacker: a + b = 9, a + c = 8, c + d = 14, b + d = 15, all ≥ 0, so b = 9 − a, c = 8 − a,
    d = 6 + a and a (the 2) can be anything from 0 to 8."""
    werte = np.array([[2, 7, 9], [6, 8, 12], [11, 5, 14]])
    result = sperren(werte)
    assert cells(result.sekundaer) == {(0, 1), (1, 0), (1, 1)}
    low, high = spielraum(werte, result.gesperrt)
    assert (low[0, 0], high[0, 0]) == pytest.approx((0, 8))
    assert (low[1, 1], high[1, 1]) == pytest.approx((6, 14))
    assert np.isnan(low[0, 2])  # shown cells have no range


def test_two_per_line_is_not_enough_the_attacker_is_run_too() -> None:
    """A 5×5 table where every line holds 0 or 2 suppressed cells, yet the suppressed cells form
    chains joined by a single cell that the totals pin down; :func:`sperren` adds partners."""
    werte = np.array([[22, 18, 12, 1, 4], [16, 10, 20, 3, 5], [16, 8, 10, 10, 0], [7, 8, 8, 14, 11],
                      [6, 11, 9, 7, 3]])
    naive = sperren(werte, angriff_pruefen=False)
    low, high = spielraum(werte, naive.gesperrt)
    assert (naive.gesperrt & (high - low < 0.5)).any()
    safe = sperren(werte)
    low, high = spielraum(werte, safe.gesperrt)
    assert (high - low >= 0.5)[safe.gesperrt].all()
    assert cells(naive.gesperrt) < cells(safe.gesperrt)


def test_without_small_counts_nothing_is_hidden() -> None:
    werte = np.array([[0, 10], [20, 30]])  # 0 is not "small": nothing to protect
    result = sperren(werte)
    assert not result.gesperrt.any()


@pytest.mark.parametrize("seed", range(12))
def test_the_attacker_recovers_no_suppressed_cell(seed: int) -> None:
    """Sozialräume × help codes × years with many small counts: every suppressed cell keeps a range."""
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(3, 7)), int(rng.integers(3, 6)), int(rng.integers(2, 4)))
    werte = rng.poisson(rng.choice([2.0, 6.0, 15.0], size=shape))
    result = sperren(werte)
    assert (result.gesperrt[(werte >= 1) & (werte <= 4)]).all()  # every small count is hidden
    low, high = spielraum(werte, result.gesperrt)
    hidden = result.gesperrt
    assert (high[hidden] - low[hidden] >= 0.5).all()
    # The true values lie in the attacker's ranges (the published totals are the real ones).
    assert (low[hidden] - 1e-6 <= werte[hidden]).all() and (werte[hidden] <= high[hidden] + 1e-6).all()


@pytest.mark.parametrize(("wert", "gerundet"), [(0, 0), (1, 0), (2, 0), (2.5, 5), (3, 5), (7, 5), (7.5, 10), (12, 10), (13, 15)])
def test_rounding_to_multiples_of_five(wert: float, gerundet: float) -> None:
    assert runden_auf_fuenf(np.array([wert]))[0] == gerundet


@pytest.mark.parametrize(("junge", "erlaubt"), [(None, False), (np.nan, False), (299, False), (300, True), (5000, True)])
def test_rates_need_300_young_people(junge, erlaubt: bool) -> None:  # noqa: ANN001
    assert rate_erlaubt(junge) is erlaubt


@pytest.mark.parametrize(("faelle", "erlaubt"), [(9, False), (10, True), (None, False)])
def test_averages_need_10_cases(faelle, erlaubt: bool) -> None:  # noqa: ANN001
    assert mittel_erlaubt(faelle) is erlaubt
