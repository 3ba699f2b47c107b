"""Prognose and Rückblick against numbers worked out by hand.

Model (see the module): Eckwert = Fälle / Bevölkerung × 1.000 follows an OLS line over the years;
Fälle = Eckwert × Bevölkerung / 1.000; band = OLS prediction interval of the Eckwert,
t(1+niveau)/2, n−2 · s · √(1 + 1/n + (j − j̄)² / Sxx), times Bevölkerung / 1.000.

For n = 4 (2 degrees of freedom) the t quantile has a closed form: t_p = (2p − 1) / √(2p(1 − p)), so

    niveau 0,8  (p = 0,9):   t = 0,8 / √0,18                     ≈ 1,885618
    niveau 0,95 (p = 0,975): t = 0,95 / √0,04875                 ≈ 4,302653
    niveau 0,5  (p = 0,75):  t = 0,5 / √0,375                    ≈ 0,816497

Series LINEAR (test 1): 2019–2023, Bevölkerung 10.000, Eckwert 50, 52, 54, 56, 58 (Fälle 500 … 580).
  Slope 2, Eckwert(j) = 50 + 2 (j − 2019), intercept at year 0 = 50 − 2 · 2019 = −3.988.
  2024–2026: Eckwert 60, 62, 64 -> Fälle 600, 620, 640; exact line, so the band has width 0.

Series NOISY (test 3): 2020–2023, Bevölkerung 10.000, Eckwert 10, 12, 11, 15 (Fälle 100, 120, 110, 150).
  j̄ = 2021,5, x = j − j̄ = −1,5 −0,5 0,5 1,5, Sxx = 2,25 + 0,25 + 0,25 + 2,25 = 5
  ȳ = 12, y − ȳ = −2 0 −1 3, Sxy = 3 + 0 − 0,5 + 4,5 = 7  ->  slope b = 7 / 5 = 1,4
  intercept at year 0 = 12 − 1,4 · 2021,5 = −2.818,1
  fitted 9,9 11,3 12,7 14,1; residuals 0,1 0,7 −1,7 0,9; SSR = 0,01 + 0,49 + 2,89 + 0,81 = 4,2
  s² = 4,2 / 2 = 2,1, s = √2,1 ≈ 1,449138
  2024: x = 2,5, Eckwert 12 + 1,4 · 2,5 = 15,5 (Fälle 155); √(1 + 1/4 + 6,25/5) = √2,5
        half width (80 %) = t · √2,1 · √2,5 = 0,8 · √(5,25 / 0,18) ≈ 4,320494 -> Fälle 155 ± 43,20494
  2025: x = 3,5, Eckwert 16,9 (Fälle 169); √(1 + 1/4 + 12,25/5) = √3,7
        half width (80 %) = 0,8 · √(2,1 · 3,7 / 0,18) = 0,8 · √43,16667 ≈ 5,256108 -> Fälle 169 ± 52,56108
"""

import math

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics.prognose import (
    PROGNOSE_SPALTEN,
    RUECKBLICK_SPALTEN,
    prognose_je_gebiet,
    prognostizieren,
    rueckblick,
)

T_80_DF2 = 0.8 / math.sqrt(0.18)


def reihe(jahre, eckwerte, bevoelkerung=10_000.0, ausgaben=None):
    """A series from Eckwerte (per 1.000) and population; Fälle = Eckwert × Bevölkerung / 1.000."""
    bevoelkerung = np.broadcast_to(np.asarray(bevoelkerung, dtype=float), (len(jahre),))
    daten = pd.DataFrame({"jahr": jahre, "faelle": np.asarray(eckwerte, dtype=float) * bevoelkerung / 1000,
                          "bevoelkerung": bevoelkerung})
    if ausgaben is not None:
        daten["ausgaben"] = np.asarray(ausgaben, dtype=float)
    return daten


LINEAR = reihe(range(2019, 2024), [50, 52, 54, 56, 58])
NOISY = reihe(range(2020, 2024), [10, 12, 11, 15])


def prognosejahre(prognose):
    return prognose.werte.loc[prognose.werte["art"] == "prognose"].reset_index(drop=True)


# --- 1. an exact line -------------------------------------------------------------------------------------


def test_exact_line_is_continued_with_band_of_width_zero():
    prognose = prognostizieren(LINEAR, horizont=3)
    erwartet = pd.DataFrame({
        "jahr": [2024, 2025, 2026],
        "faelle": [600.0, 620.0, 640.0],
        "faelle_unten": [600.0, 620.0, 640.0],
        "faelle_oben": [600.0, 620.0, 640.0],
        "eckwert": [60.0, 62.0, 64.0],
        "bevoelkerung": [10_000.0] * 3,
    })
    pd.testing.assert_frame_equal(prognosejahre(prognose)[erwartet.columns], erwartet, check_dtype=False)
    assert prognose.steigung == pytest.approx(2)
    assert prognose.achsenabschnitt == pytest.approx(-3988)
    assert prognose.standardfehler == 0
    assert prognose.jahre_angepasst == (2019, 2020, 2021, 2022, 2023)
    assert any("exakt auf einer Geraden" in hinweis for hinweis in prognose.hinweise)


def test_observed_years_are_passed_through():
    werte = prognostizieren(LINEAR, horizont=3).werte
    assert list(werte.columns) == PROGNOSE_SPALTEN
    assert werte["art"].tolist() == ["beobachtet"] * 5 + ["prognose"] * 3
    beobachtet = werte.iloc[:5]
    assert beobachtet["faelle"].tolist() == [500, 520, 540, 560, 580]
    assert beobachtet["eckwert"].tolist() == pytest.approx([50, 52, 54, 56, 58])
    assert beobachtet[["faelle_unten", "faelle_oben", "ausgaben", "ausgaben_unten"]].isna().all().all()


def test_backtest_of_an_exact_line_has_no_error():
    ergebnis = rueckblick(LINEAR, zurueck=2)
    assert ergebnis.jahre_angepasst == (2019, 2020, 2021)
    assert ergebnis.jahre_zurueckgehalten == (2022, 2023)
    assert list(ergebnis.werte.columns) == RUECKBLICK_SPALTEN
    assert ergebnis.werte["prognose"].tolist() == pytest.approx([560, 580])
    assert ergebnis.werte["fehler"].tolist() == pytest.approx([0, 0], abs=1e-9)
    assert ergebnis.mae == pytest.approx(0, abs=1e-9)
    assert ergebnis.mape == pytest.approx(0, abs=1e-9)
    # A band of width 0 around an exact forecast still counts as a hit (up to rounding).
    assert ergebnis.werte["im_band"].tolist() == [True, True]
    assert ergebnis.abdeckung == 1.0


def test_gaps_in_the_years_use_the_real_year_numbers():
    # Eckwert 10 + (j − 2015) on every second year: 2024 -> 19, not the next point of the list (20).
    prognose = prognostizieren(reihe([2015, 2017, 2019, 2021, 2023], [10, 12, 14, 16, 18]), horizont=1)
    assert prognosejahre(prognose)["eckwert"].tolist() == pytest.approx([19])


def test_years_without_cases_are_left_out_of_the_trend_with_a_note():
    daten = LINEAR.copy()
    daten.loc[daten["jahr"] == 2021, "faelle"] = np.nan
    prognose = prognostizieren(daten, horizont=1)
    assert prognose.jahre_angepasst == (2019, 2020, 2022, 2023)
    assert prognosejahre(prognose)["faelle"].tolist() == pytest.approx([600])
    assert "Ohne Fälle oder Bevölkerung und daher nicht im Trend: 2021." in prognose.hinweise


# --- 2. population changing linearly ----------------------------------------------------------------------
# Bevölkerung 10.000, 10.100, …, 10.400 (2019–2023), Eckwert 50: Fälle 500, 505, …, 520.
# Linear population trend: 2024–2026 10.500, 10.600, 10.700 -> Fälle 50 · 10,5 = 525, 530, 535.

WACHSEND = reihe(range(2019, 2024), [50] * 5, bevoelkerung=[10_000, 10_100, 10_200, 10_300, 10_400])


def test_population_is_projected_linearly_when_no_projection_is_given():
    prognose = prognostizieren(WACHSEND, horizont=3)
    werte = prognosejahre(prognose)
    assert werte["bevoelkerung"].tolist() == pytest.approx([10_500, 10_600, 10_700])
    assert werte["faelle"].tolist() == pytest.approx([525, 530, 535])
    assert werte["eckwert"].tolist() == pytest.approx([50, 50, 50])
    assert (werte["faelle_oben"] - werte["faelle_unten"]).tolist() == pytest.approx([0, 0, 0])
    assert prognose.steigung == pytest.approx(0, abs=1e-9)
    assert any("2024–2026 linear fortgeschrieben aus 2019–2023" in hinweis for hinweis in prognose.hinweise)


def test_population_projection_of_the_caller_is_used():
    # 50 je 1.000 of 11.000 and 12.000 -> 550 and 600.
    vorgabe = pd.DataFrame({"jahr": [2025, 2024], "bevoelkerung": [12_000.0, 11_000.0]})
    prognose = prognostizieren(WACHSEND, horizont=2, bevoelkerung_prognose=vorgabe)
    assert prognosejahre(prognose)["faelle"].tolist() == pytest.approx([550, 600])
    assert any("aus der angegebenen Bevölkerungsprognose" in hinweis for hinweis in prognose.hinweise)


def test_population_observed_after_the_last_case_year_is_used():
    # The 2024 population (12.000) is known before the 2024 case statistics: 50 · 12 = 600.
    daten = pd.concat([WACHSEND, pd.DataFrame({"jahr": [2024], "faelle": [np.nan], "bevoelkerung": [12_000.0]})])
    werte = prognosejahre(prognostizieren(daten, horizont=1))
    assert werte[["jahr", "bevoelkerung", "faelle"]].values.tolist() == [[2024, 12_000, pytest.approx(600)]]


def test_years_the_population_projection_does_not_cover_are_projected_linearly():
    # 2024, 2025 from the projection: 50 · 11 = 550, 50 · 12 = 600; 2026, 2027 from the linear trend of the observed
    # population (10.000 + 100 per year from 2019): 10.700 and 10.800 -> 535 and 540. (A projection that ends before
    # the horizon used to be an error; a planner's projection may end early, and the note says which years are which.)
    vorgabe = pd.DataFrame({"jahr": [2024, 2025], "bevoelkerung": [11_000.0, 12_000.0]})
    prognose = prognostizieren(WACHSEND, horizont=4, bevoelkerung_prognose=vorgabe)
    werte = prognosejahre(prognose)
    assert werte["bevoelkerung"].tolist() == pytest.approx([11_000, 12_000, 10_700, 10_800])
    assert werte["faelle"].tolist() == pytest.approx([550, 600, 535, 540])
    assert werte["bevoelkerung_aus"].tolist() == ["angegebene Bevölkerungsprognose"] * 2 + ["lineare Fortschreibung"] * 2
    assert ("Bevölkerung der Prognosejahre: 2024–2025 aus der angegebenen Bevölkerungsprognose; 2026–2027 linear "
            "fortgeschrieben aus 2019–2023 (die Bevölkerungsprognose enthält diese Jahre nicht).") in prognose.hinweise
    assert prognose.bevoelkerung == ("Bevölkerung: angegebene Bevölkerungsprognose für 2024–2025; lineare "
                                     "Fortschreibung für 2026–2027")


# --- 3. a noisy series, OLS and prediction interval by hand (see the module docstring) ---------------------


def test_noisy_series_slope_intercept_and_standard_error():
    prognose = prognostizieren(NOISY, horizont=2)
    assert prognose.steigung == pytest.approx(1.4)
    assert prognose.achsenabschnitt == pytest.approx(-2818.1)
    assert prognose.standardfehler == pytest.approx(math.sqrt(2.1))


def test_noisy_series_forecast_and_band():
    werte = prognosejahre(prognostizieren(NOISY, horizont=2))
    halb = [0.8 * math.sqrt(5.25 / 0.18), 0.8 * math.sqrt(2.1 * 3.7 / 0.18)]
    assert halb == pytest.approx([4.320494, 5.256108], abs=1e-6)
    assert werte["eckwert"].tolist() == pytest.approx([15.5, 16.9])
    assert werte["eckwert_unten"].tolist() == pytest.approx([15.5 - halb[0], 16.9 - halb[1]])
    assert werte["eckwert_oben"].tolist() == pytest.approx([15.5 + halb[0], 16.9 + halb[1]])
    assert werte["faelle"].tolist() == pytest.approx([155, 169])
    assert werte["faelle_unten"].tolist() == pytest.approx([155 - 10 * halb[0], 169 - 10 * halb[1]])
    assert werte["faelle_oben"].tolist() == pytest.approx([155 + 10 * halb[0], 169 + 10 * halb[1]])


@pytest.mark.parametrize(
    ("niveau", "t"),
    [
        (0.8, 0.8 / math.sqrt(0.18)),        # ≈ 1,885618
        (0.95, 0.95 / math.sqrt(0.04875)),   # ≈ 4,302653
        (0.5, 0.5 / math.sqrt(0.375)),       # ≈ 0,816497
    ],
)
def test_band_half_width_follows_the_t_quantile(niveau, t):
    # 2024: half width of the Fälle = t · √2,1 · √2,5 · 10.000 / 1.000
    prognose = prognostizieren(NOISY, horizont=1, niveau=niveau)
    werte = prognosejahre(prognose)
    assert (werte["faelle_oben"] - werte["faelle"]).tolist() == pytest.approx([t * math.sqrt(5.25) * 10])
    assert prognose.niveau == niveau


def test_band_note_states_what_it_does_not_contain():
    hinweise = prognostizieren(NOISY).hinweise
    assert any(
        hinweis.startswith("Band: 80-%-Vorhersageintervall des Eckwert-Trends (t-Verteilung, 2 Freiheitsgrade)")
        and "Unsicherheit der Bevölkerungsentwicklung ist nicht enthalten" in hinweis
        for hinweis in hinweise
    )


def test_two_years_give_a_forecast_with_band_of_width_zero_and_a_note():
    # Eckwert 10, 14 -> 18 in 2024, 22 in 2025; no residual degree of freedom, so no band.
    prognose = prognostizieren(reihe([2022, 2023], [10, 14]), horizont=2)
    werte = prognosejahre(prognose)
    assert werte["faelle"].tolist() == pytest.approx([180, 220])
    assert werte["faelle_unten"].tolist() == pytest.approx([180, 220])
    assert werte["faelle_oben"].tolist() == pytest.approx([180, 220])
    assert math.isnan(prognose.standardfehler)
    assert any("nur 2 Jahren" in hinweis and "Breite 0" in hinweis for hinweis in prognose.hinweise)


# --- 4. Kosten ------------------------------------------------------------------------------------------
# LINEAR with Kosten je Fall 10.000, 10.500, …, 12.000 (2019–2023): Ausgaben = Fälle × Kosten je Fall
#   5.000.000, 5.460.000, 5.940.000, 6.440.000, 6.960.000.
# 2024–2026: Kosten je Fall 12.500, 13.000, 13.500; Fälle 600, 620, 640
#   -> Ausgaben 7.500.000, 8.060.000, 8.640.000.


def test_costs_follow_the_cost_per_case_trend():
    daten = reihe(range(2019, 2024), [50, 52, 54, 56, 58], ausgaben=[5_000_000, 5_460_000, 5_940_000, 6_440_000, 6_960_000])
    prognose = prognostizieren(daten, horizont=3)
    werte = prognosejahre(prognose)
    assert werte["kosten_je_fall"].tolist() == pytest.approx([12_500, 13_000, 13_500])
    assert werte["ausgaben"].tolist() == pytest.approx([7_500_000, 8_060_000, 8_640_000])
    assert werte["ausgaben_unten"].tolist() == pytest.approx([7_500_000, 8_060_000, 8_640_000])
    assert prognose.kosten_je_fall_steigung == pytest.approx(500)
    assert prognose.werte["kosten_je_fall"].iloc[:5].tolist() == pytest.approx([10_000, 10_500, 11_000, 11_500, 12_000])
    assert any("Veränderung +500 € je Jahr" in hinweis for hinweis in prognose.hinweise)


def test_cost_band_is_cost_per_case_times_the_case_band():
    # NOISY with Kosten je Fall 1.000 throughout: 2024 Ausgaben 155.000 ± 1.000 · 43,20494.
    daten = reihe(range(2020, 2024), [10, 12, 11, 15], ausgaben=[100_000, 120_000, 110_000, 150_000])
    werte = prognosejahre(prognostizieren(daten, horizont=1))
    halb = 1000 * 10 * T_80_DF2 * math.sqrt(5.25)
    assert werte[["ausgaben_unten", "ausgaben", "ausgaben_oben"]].iloc[0].tolist() == pytest.approx(
        [155_000 - halb, 155_000, 155_000 + halb]
    )


@pytest.mark.parametrize(
    ("ausgaben", "hinweis"),
    [
        ([np.nan, np.nan, np.nan, 6_440_000, np.nan],
         "Keine Ausgabenprognose: Ausgaben und Fälle liegen für weniger als 2 Jahre vor (2022)"),
        (None, "Keine Ausgabenprognose: die Daten enthalten keine Ausgaben."),
    ],
)
def test_no_cost_forecast_without_two_years_of_costs(ausgaben, hinweis):
    prognose = prognostizieren(reihe(range(2019, 2024), [50, 52, 54, 56, 58], ausgaben=ausgaben), horizont=2)
    werte = prognosejahre(prognose)
    assert werte[["kosten_je_fall", "ausgaben", "ausgaben_unten", "ausgaben_oben"]].isna().all().all()
    assert math.isnan(prognose.kosten_je_fall_steigung)
    assert any(text.startswith(hinweis) for text in prognose.hinweise)


# --- 5. back-test with a known deviation ------------------------------------------------------------------
# Fit 2018–2021 (Bevölkerung 10.000): Eckwert 10, 12, 14, 16, an exact line -> 2022: 180, 2023: 200 Fälle,
# band of width 0. Fit NOISY 2020–2023 -> 2024: 155 ± 43,20494, 2025: 169 ± 52,56108.
#
#   held out (actual)   fehler = prognose − faelle   MAE                 MAPE                                   in band
#   200, 150            −20, +50                     (20 + 50)/2 = 35    (10 % + 33,333 %)/2 = 21,6667 %         no, no
#   0, 150              +180, +50                    (180 + 50)/2 = 115  only 2023: 50/150 = 33,333 %            no, no
#   150, 250 (NOISY)    +5, −81                      (5 + 81)/2 = 43     (3,3333 % + 32,4 %)/2 = 17,8667 %       yes, no

RUECKBLICK = [
    ([10, 12, 14, 16], [2022, 2023], [200, 150], [180, 200], [-20, 50], [-10, 100 / 3], 35, 65 / 3, [False, False]),
    ([10, 12, 14, 16], [2022, 2023], [0, 150], [180, 200], [180, 50], [np.nan, 100 / 3], 115, 100 / 3, [False, False]),
    ([10, 12, 11, 15], [2024, 2025], [150, 250], [155, 169], [5, -81], [10 / 3, -32.4], 43, (10 / 3 + 32.4) / 2, [True, False]),
]


@pytest.mark.parametrize(
    ("angepasst", "jahre", "faelle", "prognose", "fehler", "fehler_prozent", "mae", "mape", "im_band"), RUECKBLICK
)
def test_backtest_errors_by_hand(angepasst, jahre, faelle, prognose, fehler, fehler_prozent, mae, mape, im_band):
    start = jahre[0] - len(angepasst)
    daten = reihe(range(start, jahre[-1] + 1), [*angepasst, *(np.asarray(faelle) / 10)])
    ergebnis = rueckblick(daten, zurueck=2)
    erwartet = pd.DataFrame({"jahr": jahre, "faelle": faelle, "prognose": prognose, "fehler": fehler,
                             "fehler_prozent": fehler_prozent, "im_band": im_band})
    pd.testing.assert_frame_equal(ergebnis.werte[erwartet.columns], erwartet, check_dtype=False)
    assert ergebnis.mae == pytest.approx(mae)
    assert ergebnis.mape == pytest.approx(mape)
    assert ergebnis.abdeckung == sum(im_band) / 2
    assert ergebnis.jahre_angepasst == tuple(range(start, jahre[0]))


def test_backtest_band_of_the_noisy_fit():
    daten = reihe(range(2020, 2026), [10, 12, 11, 15, 15, 25])
    werte = rueckblick(daten, zurueck=2).werte
    halb = [10 * T_80_DF2 * math.sqrt(5.25), 10 * T_80_DF2 * math.sqrt(2.1 * 3.7)]
    assert werte["unten"].tolist() == pytest.approx([155 - halb[0], 169 - halb[1]])
    assert werte["oben"].tolist() == pytest.approx([155 + halb[0], 169 + halb[1]])


def test_backtest_notes_years_with_zero_cases_and_the_population_used():
    hinweise = rueckblick(reihe(range(2018, 2024), [10, 12, 14, 16, 0, 15]), zurueck=2).hinweise
    assert "Jahre mit 0 Fällen gehen nicht in den prozentualen Fehler ein: 2022." in hinweise
    assert any("tatsächliche Bevölkerung" in hinweis for hinweis in hinweise)


def test_backtest_mape_is_missing_when_all_held_out_years_have_zero_cases():
    # Fit 2018–2020 (Eckwert 10, 12, 14) -> 2021: 160, 2022: 180 against 0 and 0.
    ergebnis = rueckblick(reihe(range(2018, 2023), [10, 12, 14, 0, 0]), zurueck=2)
    assert ergebnis.mae == pytest.approx((160 + 180) / 2)
    assert math.isnan(ergebnis.mape)


# --- 6. validation and clipping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("daten", "kwargs", "meldung"),
    [
        (reihe([2023], [50]), {}, r"Für eine Prognose braucht es mindestens 2 Jahre mit Fällen und Bevölkerung; vorhanden: 1 \("),
        (reihe([2022, 2023], [50, np.nan]), {}, r"mindestens 2 Jahre .*vorhanden: 1 \(2022\)"),
        (reihe([2022, 2023], [50, 52], bevoelkerung=0), {}, r"mindestens 2 Jahre .*vorhanden: 0 \(keine\)"),
        (LINEAR, {"horizont": 0}, r"Prognosehorizont muss zwischen 1 und 10 Jahren liegen \(angegeben: 0\)"),
        (LINEAR, {"horizont": 11}, r"Prognosehorizont muss zwischen 1 und 10 Jahren liegen \(angegeben: 11\)"),
        (LINEAR, {"horizont": 2.5}, "Prognosehorizont muss zwischen 1 und 10"),
        (LINEAR, {"niveau": 1.0}, "Niveau des Unsicherheitsbands muss zwischen 0 und 1 liegen"),
        (LINEAR, {"niveau": 80}, "Niveau des Unsicherheitsbands muss zwischen 0 und 1 liegen"),
        (LINEAR.drop(columns="bevoelkerung"), {}, r"Es fehlen Spalten: bevoelkerung\. Erwartet: jahr, faelle, bevoelkerung"),
        (LINEAR.rename(columns={"jahr": "Jahr", "faelle": "Fälle"}), {}, "Es fehlen Spalten: jahr, faelle"),
        (LINEAR.assign(jahr=[2019, 2020, 2020, 2021, 2021]), {}, "Jedes Jahr darf nur einmal vorkommen; mehrfach: 2020–2021"),
        (LINEAR.assign(jahr=[2019, 2020, 2021.5, 2022, 2023]), {}, "ganze Jahreszahl"),
        (LINEAR.assign(faelle=[500, -1, 540, 560, 580]), {}, "Negative Werte in der Spalte faelle: 2020"),
        (LINEAR.assign(faelle=[500, "viele", 540, 560, 580]), {}, "Die Spalte faelle enthält Werte, die keine Zahlen sind: 'viele'"),
        (LINEAR, {"bevoelkerung_prognose": pd.DataFrame({"jahr": [2024]})}, "braucht die Spalten jahr und bevoelkerung"),
    ],
)
def test_prognose_rejects_bad_input_in_german(daten, kwargs, meldung):
    with pytest.raises(ValueError, match=meldung):
        prognostizieren(daten, **kwargs)


@pytest.mark.parametrize(
    ("daten", "kwargs", "meldung"),
    [
        (reihe(range(2020, 2024), [10, 12, 11, 15]), {"zurueck": 2},
         r"Für einen Rückblick über 2 Jahre \(dazu mindestens 3 Jahre zum Anpassen\) braucht es mindestens 5 Jahre"),
        (reihe(range(2021, 2024), [10, 12, 11]), {"zurueck": 1}, "mindestens 4 Jahre mit Fällen und Bevölkerung; vorhanden: 3"),
        (LINEAR, {"zurueck": 0}, r"mindestens 1 Jahr zurückgehalten werden \(angegeben: 0\)"),
        (LINEAR, {"niveau": 0}, "Niveau des Unsicherheitsbands"),
        (LINEAR.drop(columns="faelle"), {}, "Es fehlen Spalten: faelle"),
    ],
)
def test_rueckblick_rejects_bad_input_in_german(daten, kwargs, meldung):
    with pytest.raises(ValueError, match=meldung):
        rueckblick(daten, **kwargs)


def test_negative_forecast_is_clipped_at_zero():
    # Eckwert 30, 20, 10 (Bevölkerung 1.000) -> trend 0 in 2024, −10 in 2025, −20 in 2026: all set to 0.
    prognose = prognostizieren(reihe([2021, 2022, 2023], [30, 20, 10], bevoelkerung=1000), horizont=3)
    werte = prognosejahre(prognose)
    for spalte in ("faelle", "faelle_unten", "faelle_oben", "eckwert", "eckwert_unten", "eckwert_oben"):
        assert werte[spalte].tolist() == pytest.approx([0, 0, 0], abs=1e-9), spalte
    assert prognose.steigung == pytest.approx(-10)
    assert "Der Trend fällt unter 0; Prognose auf 0 gesetzt: 2025–2026." in prognose.hinweise


def test_only_the_lower_end_of_the_band_is_clipped():
    # NOISY turned upside down (Eckwert 15, 11, 12, 10): slope −1,4, 2024 Eckwert 12 − 3,5 = 8,5
    # ± 4,320494 -> no clipping; in 2029 (x = 7,5): 12 − 10,5 = 1,5, the lower end (< 0) becomes 0.
    prognose = prognostizieren(reihe(range(2020, 2024), [15, 11, 12, 10]), horizont=6)
    werte = prognosejahre(prognose)
    halb_2029 = T_80_DF2 * math.sqrt(2.1) * math.sqrt(1 + 1 / 4 + 7.5**2 / 5)
    assert werte["eckwert"].iloc[-1] == pytest.approx(1.5)
    assert werte["eckwert_unten"].iloc[-1] == 0
    assert werte["eckwert_oben"].iloc[-1] == pytest.approx(1.5 + halb_2029)
    assert not any("unter 0" in hinweis for hinweis in prognose.hinweise)


# --- panel ------------------------------------------------------------------------------------------------


def test_prognose_je_gebiet_forecasts_every_area_and_explains_the_others():
    panel = pd.concat([
        LINEAR.assign(raum_id="SR1"),
        WACHSEND.assign(raum_id="SR2"),
        reihe([2023], [40]).assign(raum_id="SR3"),
    ])
    ergebnis = prognose_je_gebiet(panel, horizont=1)
    prognose = ergebnis.werte.loc[ergebnis.werte["art"] == "prognose"]
    assert list(ergebnis.werte.columns) == ["raum_id", *PROGNOSE_SPALTEN]
    assert prognose[["raum_id", "jahr"]].values.tolist() == [["SR1", 2024], ["SR2", 2024]]
    assert prognose["faelle"].tolist() == pytest.approx([600, 525])
    gruende = ergebnis.hinweise.loc[ergebnis.hinweise["raum_id"] == "SR3", "hinweis"].tolist()
    assert gruende == [
        "Keine Prognose: Für eine Prognose braucht es mindestens 2 Jahre mit Fällen und Bevölkerung; vorhanden: 1 (2023)."
    ]


def test_prognose_je_gebiet_takes_a_long_population_projection():
    panel = pd.concat([LINEAR.assign(raum_id="SR1"), WACHSEND.assign(raum_id="SR2")])
    vorgabe = pd.DataFrame({"raum_id": ["SR1", "SR2"], "jahr": [2024, 2024], "bevoelkerung": [20_000.0, 11_000.0]})
    werte = prognose_je_gebiet(panel, horizont=1, bevoelkerung_prognose=vorgabe).werte
    # SR1: 60 je 1.000 of 20.000 = 1.200; SR2: 50 je 1.000 of 11.000 = 550.
    assert werte.loc[werte["art"] == "prognose", "faelle"].tolist() == pytest.approx([1200, 550])


def test_prognose_je_gebiet_needs_raum_id():
    with pytest.raises(ValueError, match="Es fehlt die Spalte raum_id"):
        prognose_je_gebiet(LINEAR)


def test_forecast_starts_after_the_last_year_with_cases_even_without_its_population():
    # 2023 has cases but no population: it stays a "beobachtet" row outside the trend, the forecast starts in 2024.
    daten = LINEAR.copy()
    daten.loc[daten["jahr"] == 2023, "bevoelkerung"] = np.nan
    prognose = prognostizieren(daten, horizont=1)
    assert prognose.werte[["jahr", "art"]].values.tolist()[-2:] == [[2023, "beobachtet"], [2024, "prognose"]]
    assert prognose.werte["faelle"].iloc[-2] == 580
    assert prognosejahre(prognose)["faelle"].tolist() == pytest.approx([600])
    assert "Ohne Fälle oder Bevölkerung und daher nicht im Trend: 2023." in prognose.hinweise
