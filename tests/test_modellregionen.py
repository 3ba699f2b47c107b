"""Modellregion evaluation (difference-in-differences on Eckwerte), against numbers worked out by hand.

Constructed panel ``KONSTRUIERT`` (no noise): eckwert = α_i + λ_t − 3 for model areas from 2021::

    α:  M1 30, M2 40 (Modellregionen), V1 24, V2 50 (Vergleichsregionen)
    λ:  2018 0, 2019 1, 2020 2, 2021 1, 2022 0, 2023 −1

  group means per year (mean of α in the group + λ_t, − 3 for the model group from 2021):
    Modellregion     (30 + 40)/2 = 35:  35  36  37 | 33  32  31
    Vergleichsregion (24 + 50)/2 = 37:  37  38  39 | 38  37  36
  2×2 DiD: Modell vor (35 + 36 + 37)/3 = 36, nach (33 + 32 + 31)/3 = 32  ->  −4
           Vergleich vor (37 + 38 + 39)/3 = 38, nach (38 + 37 + 36)/3 = 37  ->  −1
           δ = −4 − (−1) = −3, the effect put in.

Two periods, two model and two comparison areas (``ZWEI_MAL_ZWEI``, start 2021)::

    M1 30 -> 27 (Δ −3)   M2 40 -> 35 (Δ −5)   V1 20 -> 21 (Δ +1)   V2 50 -> 50 (Δ 0)
    Modell: vor (30 + 40)/2 = 35, nach (27 + 35)/2 = 31, Δ −4
    Vergleich: vor (20 + 50)/2 = 35, nach (21 + 50)/2 = 35,5, Δ +0,5
    δ = −4 − 0,5 = −4,5

  With two periods, two-way fixed effects is the regression of the areas' changes Δ_i on a
  model dummy: residual of area i in its two years ∓r_i/2 with r_i = Δ_i − (mean Δ of its group):
    r: M1 −3 + 4 = 1, M2 −5 + 4 = −1, V1 1 − 0,5 = 0,5, V2 0 − 0,5 = −0,5
  D residualised on both fixed effects (share of model areas p = 1/2): model (−1/4, +1/4),
  comparison (+1/4, −1/4); Σ d̃² = 8 · 1/16 = 1/2.
  Cluster scores s_i = Σ_t d̃·e: model (1 − p)·r_i/2 = r_i/4, comparison −p·r_i/2 = −r_i/4:
    s = 1/4, −1/4, 1/8, −1/8; Σ s² = 1/16 + 1/16 + 1/64 + 1/64 = 5/32
  sandwich (CR0) Σ s² / (Σ d̃²)² = (5/32) / (1/4) = 5/8
  CR1 factor G/(G − 1) · (N − 1)/(N − K) = 4/3 · 7/2 = 14/3  (N = 8; K = 4 areas + 1 year + D = 6)
  Var = 5/8 · 14/3 = 35/12, SE = √(35/12) = 1,70783; df = G − 1 = 3, t(3; 0,975) = 3,18245 (table)
  95-% interval −4,5 ± 5,43506 = [−9,93506; 0,93506]: contains 0.
  OLS for comparison: Σ e² = Σ r²/2 = 2,5/2 = 1,25, σ² = 1,25/(8 − 6) = 0,625, Var = 0,625/(1/2) = 1,25.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sozialraum_analytics.modellregionen import (
    MODELLREGION,
    VERGLEICHSREGION,
    DidErgebnis,
    differenz_von_differenzen,
)

ALPHA = {"M1": 30.0, "M2": 40.0, "V1": 24.0, "V2": 50.0}
LAMBDA = {2018: 0.0, 2019: 1.0, 2020: 2.0, 2021: 1.0, 2022: 0.0, 2023: -1.0}
MODELL = ["M1", "M2"]
VERGLEICH = ["V1", "V2"]


def konstruiert(effekt: float = -3.0, lam: dict[int, float] | None = None) -> pd.DataFrame:
    lam = LAMBDA if lam is None else lam
    rows = [(jahr, raum, alpha + jahreseffekt + (effekt if raum in MODELL and jahr >= 2021 else 0.0))
            for raum, alpha in ALPHA.items() for jahr, jahreseffekt in lam.items()]
    return pd.DataFrame(rows, columns=["jahr", "raum_id", "eckwert"])


KONSTRUIERT = konstruiert()

ZWEI_MAL_ZWEI = pd.DataFrame(
    [(2020, "M1", 30.0), (2021, "M1", 27.0), (2020, "M2", 40.0), (2021, "M2", 35.0),
     (2020, "V1", 20.0), (2021, "V1", 21.0), (2020, "V2", 50.0), (2021, "V2", 50.0)],
    columns=["jahr", "raum_id", "eckwert"],
)


def zufallspanel(seed: int, effekt: float, n_modell: int, n_vergleich: int, rauschen: float,
                 jahre: range = range(2016, 2024), start: int = 2021, rho: float = 0.0) -> pd.DataFrame:
    """Random area and year effects, AR(1) noise within an area (rho), the given effect from ``start``."""
    rng = np.random.default_rng(seed)
    raeume = [f"M{i:02d}" for i in range(n_modell)] + [f"V{i:02d}" for i in range(n_vergleich)]
    lam = dict(zip(jahre, np.cumsum(rng.normal(-0.5, 1.0, len(jahre)))))
    rows = []
    for raum in raeume:
        alpha = rng.normal(40.0, 8.0)
        fehler = rng.normal(0.0, rauschen)
        for jahr in jahre:
            fehler = rho * fehler + math.sqrt(1 - rho**2) * rng.normal(0.0, rauschen)
            rows.append((jahr, raum, alpha + lam[jahr] + fehler + (effekt if raum.startswith("M") and jahr >= start else 0.0)))
    return pd.DataFrame(rows, columns=["jahr", "raum_id", "eckwert"])


def gruppen(panel: pd.DataFrame) -> tuple[list[str], list[str]]:
    raeume = sorted(set(panel["raum_id"]))
    return [r for r in raeume if r.startswith("M")], [r for r in raeume if r.startswith("V")]


def zwei_mal_zwei_der_mittel(panel: pd.DataFrame, modell: list[str], start: int) -> float:
    """The classic DiD of the four cell means, computed independently of the package."""
    modell_mask = panel["raum_id"].isin(modell)
    nach = panel["jahr"] >= start
    m = panel.groupby([modell_mask, nach])["eckwert"].mean()
    return (m[(True, True)] - m[(True, False)]) - (m[(False, True)] - m[(False, False)])


# --- 1. constructed panel with a known effect -------------------------------------------------------

def test_constructed_panel_recovers_the_effect_exactly():
    ergebnis = differenz_von_differenzen(KONSTRUIERT, MODELL, VERGLEICH, 2021)
    assert isinstance(ergebnis, DidErgebnis)
    assert ergebnis.effekt == pytest.approx(-3.0, abs=1e-9)
    assert zwei_mal_zwei_der_mittel(KONSTRUIERT, MODELL, 2021) == pytest.approx(-3.0, abs=1e-9)
    assert (ergebnis.n_beobachtungen, ergebnis.n_modell, ergebnis.n_vergleich, ergebnis.start) == (24, 2, 2, 2021)
    # no noise at all: standard error exactly 0, the interval a point
    assert ergebnis.standardfehler == 0.0
    assert ergebnis.ki_unten == ergebnis.ki_oben == ergebnis.effekt
    assert ergebnis.p_wert == 0.0
    assert "ohne jede Streuung" in ergebnis.hinweis


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_balanced_panel_equals_the_two_by_two_did_of_group_means(seed):
    panel = zufallspanel(seed, effekt=-2.0, n_modell=4, n_vergleich=7, rauschen=3.0)
    modell, vergleich = gruppen(panel)
    ergebnis = differenz_von_differenzen(panel, modell, vergleich, 2021)
    assert ergebnis.effekt == pytest.approx(zwei_mal_zwei_der_mittel(panel, modell, 2021), abs=1e-9)


# --- 2. hand-computed 2×2 example with noise ---------------------------------------------------------

def test_two_by_two_by_hand():
    """δ = −4,5, SE = √(35/12), df 3 (module docstring)."""
    ergebnis = differenz_von_differenzen(ZWEI_MAL_ZWEI, MODELL, VERGLEICH, 2021)
    assert ergebnis.effekt == pytest.approx(-4.5, abs=1e-9)
    assert ergebnis.standardfehler == pytest.approx(math.sqrt(35 / 12), rel=1e-9)
    assert ergebnis.freiheitsgrade == 3
    assert ergebnis.ki_unten == pytest.approx(-9.93506, abs=1e-4)
    assert ergebnis.ki_oben == pytest.approx(0.93506, abs=1e-4)
    # t = −4,5/1,70783 = −2,6349; two-sided p with 3 df
    assert ergebnis.p_wert == pytest.approx(2 * stats.t.sf(4.5 / math.sqrt(35 / 12), 3), rel=1e-9)
    assert 0.05 < ergebnis.p_wert < 0.10
    assert not ergebnis.gesichert
    assert "CR1" in ergebnis.verfahren and "3 Freiheitsgraden" in ergebnis.verfahren
    assert ergebnis.hinweis == ""


def test_two_by_two_reading_in_full():
    """Model fell (−4), comparison rose (+0,5): "stärker gesunken" would be wrong, so the DiD wording."""
    ergebnis = differenz_von_differenzen(ZWEI_MAL_ZWEI, MODELL, VERGLEICH, 2021)
    assert ergebnis.lesart == (
        "In den Modellregionen liegt der Eckwert seit 2021 um 4,5 Hilfen je 1.000 niedriger, als nach der Entwicklung "
        "in den Vergleichsregionen zu erwarten wäre (95-%-Konfidenzintervall: −9,9 bis 0,9). "
        "Das Konfidenzintervall schließt 0 ein: der Unterschied kann Zufall sein; die Daten belegen keine Wirkung. "
        "Mittelwerte vor und ab 2021: Modellregionen 35,0 und 31,0, Vergleichsregionen 35,0 und 35,5 Hilfen je 1.000. "
        "Annahme: ohne Modellprojekt hätten sich beide Gruppen parallel entwickelt; "
        "ob das vor 2021 so war, zeigt der Verlauf der Mittelwerte."
    )


def test_confidence_level_changes_the_interval_and_its_label():
    """90 %: t(3; 0,95) = 2,35336 (table) -> −4,5 ± 4,01911 = [−8,51911; −0,48089]: excludes 0."""
    ergebnis = differenz_von_differenzen(ZWEI_MAL_ZWEI, MODELL, VERGLEICH, 2021, konfidenz=0.90)
    assert ergebnis.ki_unten == pytest.approx(-8.51911, abs=1e-4)
    assert ergebnis.ki_oben == pytest.approx(-0.48089, abs=1e-4)
    assert ergebnis.konfidenz == 0.90
    assert "90-%-Konfidenzintervall: −8,5 bis −0,5" in ergebnis.lesart
    assert "statistisch gesichert" in ergebnis.lesart


@pytest.mark.parametrize(
    ("effekt", "lam", "erwartet"),
    [
        # both groups fall, the model group by 3 more (see module docstring)
        (-3.0, LAMBDA, "ist der Eckwert seit 2021 um 3,0 Hilfen je 1.000 stärker gesunken als in den Vergleichsregionen"),
        # everything rises by 10 a year: model +30 − 3 vs. comparison +30 (both rise)
        (-3.0, {j: 10.0 * (j - 2018) for j in LAMBDA}, "um 3,0 Hilfen je 1.000 weniger stark gestiegen als"),
        (3.0, {j: 10.0 * (j - 2018) for j in LAMBDA}, "um 3,0 Hilfen je 1.000 stärker gestiegen als"),
        (3.0, {j: -10.0 * (j - 2018) for j in LAMBDA}, "um 3,0 Hilfen je 1.000 weniger stark gesunken als"),
        # λ flat: comparison unchanged, model +3
        (3.0, dict.fromkeys(LAMBDA, 0.0), "um 3,0 Hilfen je 1.000 stärker gestiegen als"),
        (0.0, LAMBDA, "hat sich der Eckwert seit 2021 praktisch genauso entwickelt wie in den Vergleichsregionen"),
    ],
)
def test_reading_names_the_direction(effekt, lam, erwartet):
    ergebnis = differenz_von_differenzen(konstruiert(effekt, lam), MODELL, VERGLEICH, 2021)
    assert erwartet in ergebnis.lesart
    assert "Annahme: ohne Modellprojekt hätten sich beide Gruppen parallel entwickelt" in ergebnis.lesart


def test_exact_zero_effect_is_not_called_significant():
    ergebnis = differenz_von_differenzen(konstruiert(0.0), MODELL, VERGLEICH, 2021)
    assert ergebnis.effekt == 0.0 and ergebnis.p_wert == 1.0
    assert "kann Zufall sein" in ergebnis.lesart


def test_unit_is_named_in_the_reading():
    ergebnis = differenz_von_differenzen(ZWEI_MAL_ZWEI, MODELL, VERGLEICH, 2021, einheit="Hilfen je 10.000")
    assert "um 4,5 Hilfen je 10.000 niedriger" in ergebnis.lesart
    assert ergebnis.einheit == "Hilfen je 10.000"


# --- 3. noisy panels ---------------------------------------------------------------------------------

def test_noisy_panel_with_true_effect_is_significant():
    panel = zufallspanel(20240501, effekt=-3.0, n_modell=12, n_vergleich=18, rauschen=2.0)
    modell, vergleich = gruppen(panel)
    ergebnis = differenz_von_differenzen(panel, modell, vergleich, 2021)
    assert ergebnis.ki_unten < -3.0 < ergebnis.ki_oben
    assert ergebnis.ki_oben < 0
    assert ergebnis.freiheitsgrade == 29
    assert "Der Unterschied ist statistisch gesichert." in ergebnis.lesart
    assert "kann Zufall sein" not in ergebnis.lesart


def test_noisy_panel_without_effect_is_not_significant():
    panel = zufallspanel(7, effekt=0.0, n_modell=5, n_vergleich=6, rauschen=10.0)
    modell, vergleich = gruppen(panel)
    ergebnis = differenz_von_differenzen(panel, modell, vergleich, 2021)
    assert ergebnis.ki_unten < 0 < ergebnis.ki_oben
    assert ergebnis.p_wert > 0.05
    assert ("Das Konfidenzintervall schließt 0 ein: der Unterschied kann Zufall sein; "
            "die Daten belegen keine Wirkung.") in ergebnis.lesart


def test_interval_coverage_with_serially_correlated_noise():
    """Errors correlated over the years of an area (AR(1), ρ = 0,7): the cluster-robust interval with
    t(G − 1) should still cover the true effect about 95 % of the time. 300 seeded panels, so the
    binomial standard error of the coverage is √(0,95 · 0,05 / 300) ≈ 1,3 points."""
    treffer = 0
    for seed in range(300):
        panel = zufallspanel(seed, effekt=-3.0, n_modell=6, n_vergleich=8, rauschen=3.0, rho=0.7)
        modell, vergleich = gruppen(panel)
        ergebnis = differenz_von_differenzen(panel, modell, vergleich, 2021)
        treffer += ergebnis.ki_unten <= -3.0 <= ergebnis.ki_oben
    assert 0.91 <= treffer / 300 <= 0.99


# --- 4. the cluster-robust standard error, computed independently --------------------------------------

def zweiweg_residuen(werte: pd.Series, raum: pd.Series, jahr: pd.Series) -> np.ndarray:
    """Residuals on area and year fixed effects by alternating demeaning (works for unbalanced panels)."""
    rest = werte.astype(float).copy()
    for _ in range(10_000):
        vorher = rest.copy()
        rest = rest - rest.groupby(raum).transform("mean")
        rest = rest - rest.groupby(jahr).transform("mean")
        if np.max(np.abs(rest - vorher)) < 1e-14:
            break
    return rest.to_numpy()


def test_cluster_se_matches_frisch_waugh_sandwich_on_unbalanced_panel():
    """By Frisch–Waugh–Lovell δ = Σ d̃ỹ / Σ d̃² with d̃, ỹ residualised on both fixed effects, and the
    cluster-robust variance is c · Σ_g (Σ_{t∈g} d̃ e)² / (Σ d̃²)² with c = G/(G−1) · (N−1)/(N−K)."""
    panel = zufallspanel(11, effekt=-1.5, n_modell=3, n_vergleich=4, rauschen=2.0, jahre=range(2018, 2024))
    panel.loc[[2, 15, 33], "eckwert"] = np.nan  # M00 2020, M02 2021, V02 2021: unbalanced
    modell, vergleich = gruppen(panel)
    ergebnis = differenz_von_differenzen(panel, modell, vergleich, 2021)

    daten = panel.dropna().reset_index(drop=True)
    d = (daten["raum_id"].isin(modell) & (daten["jahr"] >= 2021)).astype(float)
    d_rest = zweiweg_residuen(d, daten["raum_id"], daten["jahr"])
    y_rest = zweiweg_residuen(daten["eckwert"], daten["raum_id"], daten["jahr"])
    delta = d_rest @ y_rest / (d_rest @ d_rest)
    e = y_rest - delta * d_rest
    scores = pd.Series(d_rest * e).groupby(daten["raum_id"]).sum().to_numpy()
    n, g, k = len(daten), 7, 7 + 6 - 1 + 1
    var = g / (g - 1) * (n - 1) / (n - k) * (scores @ scores) / (d_rest @ d_rest) ** 2

    assert n == ergebnis.n_beobachtungen == 39
    assert ergebnis.effekt == pytest.approx(delta, abs=1e-9)
    assert ergebnis.standardfehler == pytest.approx(math.sqrt(var), rel=1e-7)
    assert ergebnis.freiheitsgrade == g - 1
    halbe_breite = stats.t.ppf(0.975, g - 1) * math.sqrt(var)
    assert ergebnis.ki_unten == pytest.approx(delta - halbe_breite, rel=1e-7)
    assert ergebnis.ki_oben == pytest.approx(delta + halbe_breite, rel=1e-7)


def test_two_areas_fall_back_to_ols_by_hand():
    """One model, one comparison area, 2019 2020 | 2021:
    M 30 32 28, V 20 21 22; difference z = M − V = 10 11 6.
    With two areas δ = mean z after − mean z before = 6 − 10,5 = −4,5.
    Residuals ±r_t/2 with r = z − period mean = −0,5 0,5 0: Σ e² = 0,5/2 = 0,25;
    N − K = 6 − (2 areas + 2 years + D) = 1, σ² = 0,25.
    d̃: M (−1/6, −1/6, 1/3), V the negative; Σ d̃² = 1/3 -> Var = 0,25 · 3 = 0,75, SE = 0,86603.
    t(1; 0,975) = 12,7062 (table) -> −4,5 ± 11,00395."""
    panel = pd.DataFrame(
        [(2019, "M", 30.0), (2020, "M", 32.0), (2021, "M", 28.0), (2019, "V", 20.0), (2020, "V", 21.0), (2021, "V", 22.0)],
        columns=["jahr", "raum_id", "eckwert"],
    )
    ergebnis = differenz_von_differenzen(panel, ["M"], ["V"], 2021)
    assert ergebnis.effekt == pytest.approx(-4.5, abs=1e-9)
    assert ergebnis.standardfehler == pytest.approx(math.sqrt(0.75), rel=1e-9)
    assert ergebnis.freiheitsgrade == 1
    assert ergebnis.ki_unten == pytest.approx(-15.50395, abs=1e-4)
    assert ergebnis.ki_oben == pytest.approx(6.50395, abs=1e-4)
    assert "OLS" in ergebnis.verfahren
    assert "Nur 2 Sozialräume: zu wenige für einen cluster-robusten Standardfehler" in ergebnis.hinweis


def test_zero_cluster_variance_falls_back_to_ols_by_hand():
    """KONSTRUIERT plus noise +ε_i in 2018 and −ε_i in 2019, ε = M1 1, M2 −1, V1 2, V2 −2.
    The noise sums to 0 per area, per year and over the treated cells, so it is the residual itself
    and δ stays −3. D residualised (p = 1/2, D̄_i = 1/2 for model areas, D̄_t = 0 | 1/2, D̄ = 1/4):
    model −1/4 before, +1/4 after; comparison +1/4 before, −1/4 after; Σ d̃² = 24/16 = 3/2.
    Each area's score Σ_t d̃·e = −1/4 · (ε_i − ε_i) = 0: the cluster-robust variance is 0 although
    the data scatter. OLS: Σ e² = 2 · (1 + 1 + 4 + 4) = 20, N − K = 24 − (4 + 5 + 1) = 14,
    Var = (20/14) / (3/2) = 20/21."""
    panel = KONSTRUIERT.copy()
    for raum, eps in {"M1": 1.0, "M2": -1.0, "V1": 2.0, "V2": -2.0}.items():
        panel.loc[(panel["raum_id"] == raum) & (panel["jahr"] == 2018), "eckwert"] += eps
        panel.loc[(panel["raum_id"] == raum) & (panel["jahr"] == 2019), "eckwert"] -= eps
    ergebnis = differenz_von_differenzen(panel, MODELL, VERGLEICH, 2021)
    assert ergebnis.effekt == pytest.approx(-3.0, abs=1e-9)
    assert ergebnis.standardfehler == pytest.approx(math.sqrt(20 / 21), rel=1e-9)
    assert ergebnis.freiheitsgrade == 14
    assert "OLS" in ergebnis.verfahren
    assert "Der cluster-robuste Standardfehler ist mit diesen Daten 0" in ergebnis.hinweis


def test_no_degrees_of_freedom_gives_no_interval():
    """Two areas, two years: N = 4 = K, the fit is exact by construction and says nothing about noise."""
    panel = pd.DataFrame([(2020, "M", 30.0), (2021, "M", 27.0), (2020, "V", 20.0), (2021, "V", 21.0)],
                         columns=["jahr", "raum_id", "eckwert"])
    ergebnis = differenz_von_differenzen(panel, ["M"], ["V"], 2021)
    assert ergebnis.effekt == pytest.approx(-4.0, abs=1e-9)  # (27 − 30) − (21 − 20)
    assert math.isnan(ergebnis.standardfehler) and math.isnan(ergebnis.ki_unten) and math.isnan(ergebnis.p_wert)
    assert "kein Freiheitsgrad" in ergebnis.hinweis
    assert "Ein Konfidenzintervall lässt sich aus so wenigen Daten nicht berechnen" in ergebnis.lesart
    assert not ergebnis.gesichert


# --- 5. missing cells and validation -------------------------------------------------------------------

def test_nan_cells_are_dropped_and_reported():
    panel = KONSTRUIERT.copy()
    panel.loc[(panel["raum_id"] == "M1") & (panel["jahr"] == 2019), "eckwert"] = np.nan
    panel.loc[(panel["raum_id"] == "V2") & (panel["jahr"] == 2022), "eckwert"] = np.nan
    ergebnis = differenz_von_differenzen(panel, MODELL, VERGLEICH, 2021)
    # the remaining cells still fit the model exactly, so the effect stays −3
    assert ergebnis.effekt == pytest.approx(-3.0, abs=1e-9)
    assert ergebnis.n_beobachtungen == 22
    assert ergebnis.hinweis.startswith("2 Werte ohne Eckwert (z. B. in der öffentlichen Ansicht geheimgehalten) weggelassen: "
                                       "M1 2019, V2 2022.")


def test_area_without_any_eckwert_drops_out():
    panel = pd.concat([KONSTRUIERT, pd.DataFrame({"jahr": list(LAMBDA), "raum_id": "M3", "eckwert": np.nan})])
    ergebnis = differenz_von_differenzen(panel, [*MODELL, "M3"], VERGLEICH, 2021)
    assert ergebnis.n_modell == 2
    assert "6 Werte ohne Eckwert" in ergebnis.hinweis
    assert "Ohne einen einzigen Eckwert fallen ganz heraus: M3." in ergebnis.hinweis


def test_other_areas_in_the_panel_are_ignored():
    andere = pd.DataFrame({"jahr": list(LAMBDA), "raum_id": "X", "eckwert": [1.0, 90.0, np.nan, 5.0, 7.0, 3.0]})
    ergebnis = differenz_von_differenzen(pd.concat([KONSTRUIERT, andere]), MODELL, VERGLEICH, 2021)
    assert ergebnis.effekt == pytest.approx(-3.0, abs=1e-9)
    assert ergebnis.n_beobachtungen == 24
    assert ergebnis.hinweis == "Die Eckwerte folgen dem Modell exakt, ohne jede Streuung: der Standardfehler ist 0."


def _ohne_vorher_fuer_modell() -> pd.DataFrame:
    panel = KONSTRUIERT.copy()
    panel.loc[panel["raum_id"].isin(MODELL) & (panel["jahr"] < 2021), "eckwert"] = np.nan
    return panel


@pytest.mark.parametrize(
    ("panel", "modell", "vergleich", "start", "konfidenz", "meldung"),
    [
        (KONSTRUIERT, [], VERGLEICH, 2021, 0.95, "Keine Modellregion gewählt"),
        (KONSTRUIERT, MODELL, [], 2021, 0.95, "Keine Vergleichsregion gewählt"),
        (KONSTRUIERT, MODELL, ["M2", "V1"], 2021, 0.95, "nicht zugleich Modell- und Vergleichsregion sein: M2"),
        (KONSTRUIERT, MODELL, ["V1", "X9"], 2021, 0.95, "Unbekannte Sozialräume (nicht in den Daten): X9"),
        (KONSTRUIERT, MODELL, VERGLEICH, 2018, 0.95, "Kein Jahr vor dem Start 2018 in den Daten (Jahre 2018–2023)"),
        (KONSTRUIERT, MODELL, VERGLEICH, 2024, 0.95, "Kein Jahr ab dem Start 2024 in den Daten (Jahre 2018–2023)"),
        (KONSTRUIERT[KONSTRUIERT["jahr"] == 2021], MODELL, VERGLEICH, 2021, 0.95,
         "mindestens zwei Jahre; die Daten enthalten nur 2021"),
        (KONSTRUIERT, MODELL, VERGLEICH, 2021, 1.5, "Das Konfidenzniveau muss zwischen 0 und 1 liegen"),
        (pd.concat([KONSTRUIERT, KONSTRUIERT.head(1)]), MODELL, VERGLEICH, 2021, 0.95,
         "Mehrere Eckwerte für denselben Sozialraum im selben Jahr: M1 2018"),
        (_ohne_vorher_fuer_modell(), MODELL, VERGLEICH, 2021, 0.95, "Für die Modellregionen gibt es keinen Eckwert vor 2021"),
        (KONSTRUIERT.drop(columns="eckwert"), MODELL, VERGLEICH, 2021, 0.95, "Im Panel fehlen die Spalten: eckwert"),
    ],
)
def test_validation_errors_are_german(panel, modell, vergleich, start, konfidenz, meldung):
    with pytest.raises(ValueError, match=re.escape(meldung)):
        differenz_von_differenzen(panel, modell, vergleich, start, konfidenz)


def test_effect_not_estimable_when_no_model_area_is_seen_before_and_after():
    """M1 only before 2021, M2 only from 2021: D is M2's area dummy, δ cannot be told from α_M2."""
    panel = KONSTRUIERT.copy()
    panel.loc[(panel["raum_id"] == "M1") & (panel["jahr"] >= 2021), "eckwert"] = np.nan
    panel.loc[(panel["raum_id"] == "M2") & (panel["jahr"] < 2021), "eckwert"] = np.nan
    with pytest.raises(ValueError, match="Der Effekt ist mit diesen Daten nicht schätzbar"):
        differenz_von_differenzen(panel, MODELL, VERGLEICH, 2021)


# --- 6. group means for the chart -------------------------------------------------------------------

def test_mittelwerte_by_hand():
    """The table in the module docstring: Modell 35 36 37 33 32 31, Vergleich 37 38 39 38 37 36."""
    ergebnis = differenz_von_differenzen(KONSTRUIERT, MODELL, VERGLEICH, 2021)
    erwartet = pd.DataFrame({
        "jahr": [j for j in range(2018, 2024) for _ in range(2)],
        "gruppe": [MODELLREGION, VERGLEICHSREGION] * 6,
        "eckwert_mittel": [35.0, 37.0, 36.0, 38.0, 37.0, 39.0, 33.0, 38.0, 32.0, 37.0, 31.0, 36.0],
    })
    pd.testing.assert_frame_equal(ergebnis.mittelwerte, erwartet)


def test_mittelwerte_skip_missing_cells_unweighted():
    """M1 2019 missing: the Modellregion mean in 2019 is M2 alone, 40 + 1 = 41."""
    panel = KONSTRUIERT.copy()
    panel.loc[(panel["raum_id"] == "M1") & (panel["jahr"] == 2019), "eckwert"] = np.nan
    mittel = differenz_von_differenzen(panel, MODELL, VERGLEICH, 2021).mittelwerte
    zeile = mittel[(mittel["jahr"] == 2019) & (mittel["gruppe"] == MODELLREGION)]
    assert zeile["eckwert_mittel"].tolist() == [41.0]
    assert len(mittel) == 12
