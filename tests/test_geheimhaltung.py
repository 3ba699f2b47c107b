"""Suppression worked out by hand on small tables: which figures are hidden, what an attacker (our
own linear programme here, not the production one) can still know, and that it never fails."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from sozialraum_analytics.geheimhaltung import (
    GESPERRT,
    Zahlenwerk,
    bereiche,
    klein,
    mittel_erlaubt,
    rate_erlaubt,
    runden_auf_fuenf,
    spanne_geld,
    sperren_summen,
)


def werk(rows: list[list[int]], werte: list[float]) -> Zahlenwerk:
    return Zahlenwerk(sparse.csr_matrix(np.array(rows, dtype=float)), np.array(werte, dtype=float))


def spanne_des_angreifers(w: Zahlenwerk, gesperrt: np.ndarray, figur: int) -> tuple[float, float]:
    """Least and greatest value of a figure given every shown one (atoms ≥ 0), by scipy's linprog."""
    shown = np.flatnonzero(~gesperrt)
    a_eq = w.matrix[shown] if len(shown) else None
    b_eq = w.werte[shown] if len(shown) else None
    out = []
    for sign in (1.0, -1.0):
        result = linprog(sign * w.matrix[figur].toarray().ravel(), A_eq=a_eq, b_eq=b_eq, bounds=(0, None),
                         method="highs")
        out.append(-sign * np.inf if result.status == 3 else sign * result.fun)
    return out[0], out[1]


def test_one_sign_for_every_suppressed_figure() -> None:
    assert GESPERRT == "•"
    assert list(klein(np.array([0, 1, 4, 5, np.nan]))) == [False, True, True, False, False]


def test_a_small_count_beside_one_other_area_takes_that_area_not_the_kreis() -> None:
    """Areas A = 3 and B = 10, Kreis 13. The Kreis gives A away once B is shown: B is hidden (the Kreis
    total costs a hundredfold). The attacker then knows A + B = 13: A anywhere from 0 to 13."""
    w = werk([[1, 0], [0, 1], [1, 1]], [3, 10, 13])
    sperrung = sperren_summen(w, klein(w.werte), zuletzt=np.array([False, False, True]))
    assert list(sperrung.primaer) == [True, False, False]
    assert list(sperrung.sekundaer) == [False, True, False]
    assert spanne_des_angreifers(w, sperrung.gesperrt, 0) == pytest.approx((0, 13))
    assert spanne_des_angreifers(w, sperrung.gesperrt, 1) == pytest.approx((0, 13))


# Atoms of one area: § 28, § 29, § 30, § 33; groups as domain.md sums them.
GRUPPEN = {  # group: which of the four atoms it holds
    "gesamt": [1, 1, 1, 1], "gesamt_ohne_eb": [0, 1, 1, 1], "ambulant": [1, 1, 1, 0],
    "ambulant_ohne_eb": [0, 1, 1, 0], "stationaer": [0, 0, 0, 1],
    "§28": [1, 0, 0, 0], "§29": [0, 1, 0, 0], "§30": [0, 0, 1, 0], "§33": [0, 0, 0, 1],
}


def zwei_gebiete(a: list[int], b: list[int]) -> tuple[Zahlenwerk, list[str]]:
    """Areas A and B with atom counts a, b; rows: every group of A, of B, of the Kreis."""
    g = np.array(list(GRUPPEN.values()), dtype=float)
    rows = np.vstack([np.hstack([g, 0 * g]), np.hstack([0 * g, g]), np.hstack([g, g])])
    werte = rows @ np.array(a + b, dtype=float)
    namen = [f"{where} {group}" for where in ("A", "B", "Kreis") for group in GRUPPEN]
    return Zahlenwerk(sparse.csr_matrix(rows), werte), namen


def test_the_rectangle_by_hand() -> None:
    """A: § 28 20, § 29 3, § 30 10, § 33 8; B: § 28 30, § 29 6, § 30 12, § 33 9.

    § 29 in A (3) is small. Moving one case from § 30 to § 29 in A changes only those two figures of
    A; the Kreis then needs the opposite move in B: the cheapest figures to hide are § 30 in A and
    § 29, § 30 in B (§ 28 is larger, the Kreis totals cost a hundredfold). The attacker knows
    § 29 + § 30 = 13 in A, 18 in B, and the Kreis sums 9 and 22: § 29 in A = x, § 30 in A = 13 − x,
    § 29 in B = 9 − x, § 30 in B = 9 + x, so x lies anywhere in [0, 9]."""
    w, namen = zwei_gebiete([20, 3, 10, 8], [30, 6, 12, 9])
    n = len(GRUPPEN)
    sperrung = sperren_summen(w, klein(w.werte), zuletzt=np.arange(w.n) >= 2 * n)
    assert {namen[i] for i in np.flatnonzero(sperrung.primaer)} == {"A §29"}
    assert {namen[i] for i in np.flatnonzero(sperrung.sekundaer)} == {"A §30", "B §29", "B §30"}
    expected = {"A §29": (0, 9), "A §30": (4, 13), "B §29": (0, 9), "B §30": (9, 18)}
    for name, bereich in expected.items():
        assert spanne_des_angreifers(w, sperrung.gesperrt, namen.index(name)) == pytest.approx(bereich)
    low, high = bereiche(w, sperrung.gesperrt)  # the production attacker agrees
    assert (low[namen.index("A §29")], high[namen.index("A §29")]) == pytest.approx((0, 9))


def test_four_helps_of_one_case_each_under_a_total_of_four_never_fails() -> None:
    """One area (so the Kreis repeats it): § 28, § 29, § 30, § 33 with one case each, total 4.

    Every figure is 1 to 4 and hidden. With two signs ("< 5" for these) the attacker would know each
    is at least 1 and the total at most 4: all pinned at 1, whatever else were hidden. With one sign
    it knows nothing, and nothing more needs hiding."""
    g = np.array(list(GRUPPEN.values()), dtype=float)
    rows = np.vstack([g, g])
    w = Zahlenwerk(sparse.csr_matrix(rows), rows @ np.array([1.0, 1, 1, 1]))
    sperrung = sperren_summen(w, klein(w.werte))
    assert sperrung.gesperrt.all() and not sperrung.sekundaer.any()
    low, high = spanne_des_angreifers(w, sperrung.gesperrt, 0)
    assert low == 0 and high == np.inf


def test_one_area_with_one_small_count_hides_the_kreis_total_too() -> None:
    """A single Sozialraum: the Kreis repeats every figure. § 29 (2) is small in both; moving a case
    from § 30 to § 29 changes § 30 in the area and in the Kreis, so both are hidden, the Kreis one
    although it costs a hundredfold: nothing else can protect the Sozialraum's count."""
    w, namen = zwei_gebiete([20, 2, 10, 8], [0, 0, 0, 0])
    n = len(GRUPPEN)
    keep = [i for i in range(w.n) if not namen[i].startswith("B")]
    w = Zahlenwerk(w.matrix[keep][:, :4], w.werte[keep])
    namen = [namen[i] for i in keep]
    sperrung = sperren_summen(w, klein(w.werte), zuletzt=np.arange(w.n) >= n)
    assert {namen[i] for i in np.flatnonzero(sperrung.primaer)} == {"A §29", "Kreis §29"}
    assert {namen[i] for i in np.flatnonzero(sperrung.sekundaer)} == {"A §30", "Kreis §30"}
    for i in np.flatnonzero(sperrung.gesperrt):
        low, high = spanne_des_angreifers(w, sperrung.gesperrt, i)
        assert np.floor(high + 1e-6) - np.ceil(low - 1e-6) >= 1, namen[i]


def test_hidden_money_that_sums_give_away_gets_partners() -> None:
    """Ausgaben in euros, § 35 hidden in A and B with their counts: stationär = § 33 + § 34 + § 35.

    A: § 33 50.000, § 34 40.000, § 35 10.000, stationär 100.000; B: 30.000, 20.000, 5.000, 55.000.
    Shown as they are, stationär − § 33 − § 34 gives § 35 to the cent. The cheapest protection moves
    money between § 34 and § 35 in A and back in B: § 34 of A and B are hidden too. Then § 35 in A
    can be anything from 0 to 15.000 €."""
    # atoms per area: §33, §34, §35; rows per area: stationaer, §33, §34, §35
    g = np.array([[1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
    rows = np.vstack([np.hstack([g, 0 * g]), np.hstack([0 * g, g]), np.hstack([g, g])])
    w = Zahlenwerk(sparse.csr_matrix(rows), rows @ np.array([50_000, 40_000, 10_000, 30_000, 20_000, 5_000.0]))
    namen = [f"{where} {group}" for where in ("A", "B", "Kreis") for group in ("stationaer", "§33", "§34", "§35")]
    start = np.isin(namen, ["A §35", "B §35"])
    assert spanne_des_angreifers(w, start, namen.index("A §35")) == pytest.approx((10_000, 10_000))
    sperrung = sperren_summen(w, start, schuetzen=w.werte > 0, spanne=spanne_geld, zuletzt=np.arange(w.n) >= 8)
    assert {namen[i] for i in np.flatnonzero(sperrung.sekundaer)} == {"A §34", "B §34"}
    assert spanne_des_angreifers(w, sperrung.gesperrt, namen.index("A §35")) == pytest.approx((0, 15_000))


def test_money_needs_ten_percent_room() -> None:
    assert list(spanne_geld(np.array([0.0, 5.0, 50_000.0]))) == [1.0, 1.0, 5_000.0]


def test_rounding_to_five_and_the_thresholds() -> None:
    assert list(runden_auf_fuenf(np.array([0, 2, 3, 7, 12.5, 13]))) == [0, 0, 5, 5, 15, 15]
    assert np.isnan(runden_auf_fuenf(np.array([np.nan]))[0])
    assert rate_erlaubt(300) and not rate_erlaubt(299) and not rate_erlaubt(None) and not rate_erlaubt(np.nan)
    assert mittel_erlaubt(10) and not mittel_erlaubt(9) and not mittel_erlaubt(None)
