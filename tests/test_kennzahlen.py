"""Every Kennzahl against values worked out by hand on the Kleinkreis (see conftest).

Kreis 2023, "gesamt" (all help codes but §42 and §8a):
  begonnen  B, C, E (§34), F (§28), H (§35a)            = 5
  beendet   A, C (§34), F (§28)                          = 3
  andauernd B, D, E (§34), G (§31), H (§35a)             = 5
  Inanspruchnahme = 5 + 3                                = 8
Kreis 2022: A, D, G andauernd = 3; Kreis 2024: B, D, G andauernd + E, H beendet = 5.
Population under 21 (2023): 1000 + 500 + 2000 + 30 = 3530; SR1 1500; SR2 2030.
"""

import math

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics import registry
from sozialraum_analytics.kennzahlen import Engine, Optionen, compute_kennzahlen

MONTH = 365.25 / 12
AUSGABEN_2023 = 150_000.00 + 1_500.50 + 12_000 + 70_000.00

# (ebene, jahr, raum_id, hilfeart, kennzahl, expected by hand)
HAND = [
    ("kreis", 2023, "kreis", "gesamt", "begonnen", 5),
    ("kreis", 2023, "kreis", "gesamt", "beendet", 3),
    ("kreis", 2023, "kreis", "gesamt", "andauernd", 5),
    ("kreis", 2023, "kreis", "gesamt", "inanspruchnahme", 8),
    ("kreis", 2023, "kreis", "hze", "inanspruchnahme", 7),          # without H (§35a)
    ("kreis", 2023, "kreis", "hze_ohne_eb", "inanspruchnahme", 6),  # without F (§28)
    ("kreis", 2023, "kreis", "stationaer", "inanspruchnahme", 5),   # A–E
    ("kreis", 2023, "kreis", "ambulant", "inanspruchnahme", 2),     # F, G
    ("kreis", 2023, "kreis", "§35a_stationaer", "inanspruchnahme", 1),
    ("kreis", 2023, "kreis", "§34", "inanspruchnahme", 5),
    ("kreis", 2023, "kreis", "§42", "inobhutnahmen", 1),
    ("kreis", 2024, "kreis", "§8a", "gefaehrdungseinschaetzungen", 1),  # completed 05.01.2024
    ("kreis", 2023, "kreis", "§8a", "gefaehrdungseinschaetzungen", 0),
    ("kreis", 2023, "kreis", "gesamt", "bevoelkerung_u21", 3530),
    ("kreis", 2023, "kreis", "gesamt", "bevoelkerung_u18", 800 + 400 + 1600 + 20),
    ("kreis", 2023, "kreis", "gesamt", "bevoelkerung_18_21", 200 + 100 + 400 + 10),
    ("kreis", 2023, "kreis", "gesamt", "bevoelkerung_gesamt", 5000 + 2000 + 10000 + 150),
    ("kreis", 2023, "kreis", "gesamt", "eckwert_je_1000_u21", 8 / 3530 * 1000),
    ("kreis", 2023, "kreis", "gesamt", "ausgaben", AUSGABEN_2023),
    ("kreis", 2023, "kreis", "gesamt", "ausgaben_je_jugendeinwohner_u21", AUSGABEN_2023 / 3530),
    ("kreis", 2023, "kreis", "gesamt", "kosten_je_hilfe", AUSGABEN_2023 / 8),
    ("kreis", 2023, "kreis", "§34", "kosten_je_hilfe", 150_000 / 5),
    # A: 01.03.2022–31.12.2023 = 670 days, C: 0 days, F: 10.02.–10.08.2023 = 181 days
    ("kreis", 2023, "kreis", "gesamt", "dauer_mittel_monate", (670 + 0 + 181) / 3 / MONTH),
    ("kreis", 2023, "kreis", "gesamt", "dauer_median_monate", 181 / MONTH),
    ("kreis", 2023, "kreis", "hze", "anteil_stationaer", 5 / (2 + 0 + 5) * 100),
    ("kreis", 2023, "kreis", "hze_ohne_eb", "anteil_stationaer", 5 / (1 + 0 + 5) * 100),
    ("kreis", 2023, "kreis", "gesamt", "inanspruchnahme_vorjahr_abs", 8 - 3),
    ("kreis", 2023, "kreis", "gesamt", "inanspruchnahme_vorjahr_prozent", (8 / 3 - 1) * 100),
    ("kreis", 2024, "kreis", "gesamt", "inanspruchnahme_index", 5 / 3 * 100),
    ("kreis", 2024, "kreis", "gesamt", "inanspruchnahme_wachstum_prozent", (math.sqrt(5 / 3) - 1) * 100),
    ("kreis", 2024, "kreis", "gesamt", "inanspruchnahme_trend_steigung", 1.0),  # 3, 8, 5 over 2022–2024
    ("sozialraum", 2023, "SR1", "gesamt", "inanspruchnahme", 6),
    ("sozialraum", 2023, "SR1", "gesamt", "eckwert_je_1000_u21", 6 / 1500 * 1000),
    ("sozialraum", 2023, "SR2", "gesamt", "eckwert_je_1000_u21", 2 / 2030 * 1000),
    ("sozialraum", 2023, "SR1", "gesamt", "eckwert_je_1000_u21_kreiswert", 8 / 3530 * 1000),
    ("sozialraum", 2023, "SR1", "gesamt", "eckwert_je_1000_u21_abweichung_kreis_prozent", 76.5),
    ("planungsraum", 2023, "08111001", "§34", "begonnen", 3),
    ("planungsraum", 2023, "08111001", "§34", "andauernd", 3),
    ("planungsraum", 2024, "08111001", "gesamt", "bevoelkerung_u21", 1100),
    # Bedarfsindex 2023: z of (10, 20, 30) and of -(50, 40, 30) -> (-√1.5, 0, √1.5); Waldgebiet < 300 inh.
    ("planungsraum", 2023, "08111001", "", "bedarfsindex", -math.sqrt(1.5)),
    ("planungsraum", 2023, "08111002", "", "bedarfsindex", 0.0),
    ("planungsraum", 2023, "08111003", "", "bedarfsindex", math.sqrt(1.5)),
    ("planungsraum", 2023, "08111001", "", "bedarfsindex_klasse", 1),
    ("planungsraum", 2023, "08111003", "", "bedarfsindex_klasse", 4),
    ("planungsraum", 2023, "08111001", "", "indikator_sgb2_quote", 10),
    # Sozialraum: population-weighted mean, Adorf 5000 and Bedorf 2000 inhabitants.
    ("sozialraum", 2023, "SR1", "", "indikator_sgb2_quote", (10 * 5000 + 20 * 2000) / 7000),
]


@pytest.fixture(scope="module")
def long(engine):
    return {ebene: engine.long(ebene) for ebene in ("kreis", "sozialraum", "planungsraum")}


@pytest.mark.parametrize("ebene, jahr, raum_id, hilfeart, kennzahl, expected", HAND)
def test_hand_worked(long, ebene, jahr, raum_id, hilfeart, kennzahl, expected):
    rows = long[ebene]
    hit = rows[(rows["jahr"] == jahr) & (rows["raum_id"] == raum_id) & (rows["hilfeart"] == hilfeart)
               & (rows["kennzahl"] == kennzahl)]
    assert len(hit) == 1, f"{kennzahl} fehlt oder ist doppelt"
    assert hit["wert"].iloc[0] == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_every_registered_kennzahl_has_a_hand_worked_value():
    from tests.test_fallstruktur import HAND_JE_KENNZAHL

    covered = {registry.base_of(row[4]) for row in HAND} | {k for k, rows in HAND_JE_KENNZAHL.items() if rows}
    assert set(registry.KENNZAHLEN) - covered == set()


def test_every_kennzahl_is_documented():
    for kennzahl in registry.KENNZAHLEN.values():
        for field in ("label", "einheit", "formel", "nenner", "quelle", "beschreibung", "gruppe"):
            assert getattr(kennzahl, field).strip(), f"{kennzahl.id}: {field} fehlt"


def test_every_emitted_id_is_described(long):
    for rows in long.values():
        for kennzahl in rows["kennzahl"].unique():
            assert registry.describe(kennzahl).label


def test_tiny_area_gets_no_bedarfsindex(long):
    rows = long["planungsraum"]
    assert rows[(rows["raum_id"] == "08111004") & (rows["kennzahl"] == "bedarfsindex")].empty


def test_eckwert_options_per_10000_under_18(kleinkreis):
    wide = Engine(kleinkreis, Optionen(nenner="u18", skala=10000)).table("kreis")
    assert wide.loc[(2023, "kreis", "gesamt"), "eckwert_je_10000_u18"] == pytest.approx(8 / 2820 * 10000)
    # §41 also gets the 18-to-under-21 denominator.
    assert "eckwert_je_10000_18_21" in wide.columns


def test_levels_add_up(engine):
    """Planungsräume sum to their Sozialraum, Sozialräume to the Kreis (counts)."""
    pr = engine.table("planungsraum")["inanspruchnahme"].groupby(["jahr", "hilfeart"]).sum(min_count=1)
    sr = engine.table("sozialraum")["inanspruchnahme"].groupby(["jahr", "hilfeart"]).sum(min_count=1)
    kreis = engine.table("kreis")["inanspruchnahme"].droplevel("area")
    assert np.allclose(pr.sort_index(), kreis.reindex(pr.sort_index().index), equal_nan=True)
    assert np.allclose(sr.sort_index(), kreis.reindex(sr.sort_index().index), equal_nan=True)


def test_long_table_columns(kleinkreis):
    long = compute_kennzahlen(kleinkreis, "sozialraum")
    assert list(long.columns) == ["jahr", "ebene", "raum_id", "raum_name", "hilfeart", "kennzahl", "wert"]
    assert set(long["raum_id"]) == {"SR1", "SR2"}
    assert set(long.loc[long["raum_id"] == "SR2", "raum_name"]) == {"Süd"}


@pytest.mark.parametrize("jahr", [2022, 2024])
def test_years_without_cost_rows_are_missing_not_zero(long, jahr):
    """kosten.csv has only 2023: other years have no Ausgaben (not 0 €) and no derived rates."""
    rows = long["kreis"]
    hit = rows[(rows["jahr"] == jahr) & rows["kennzahl"].isin(["ausgaben", "kosten_je_hilfe", "ausgaben_je_jugendeinwohner_u21"])]
    assert hit.empty


@pytest.mark.parametrize("value, decimals, expected", [
    (2.25, 1, "2,3"), (233500.5, 0, "233.501"), (-0.04, 1, "0,0"), (1234567.891, 2, "1.234.567,89"), (-1234.5, 0, "-1.235"),
])
def test_format_number_rounds_half_up(value, decimals, expected):
    from sozialraum_analytics.formatting import format_number

    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("hilfeart, codes", [("gesamt", None), ("§34", ["§34"]), ("§28", ["§28"])])
def test_durations_match_a_direct_computation_on_the_demo(hilfeart, codes):
    """Mean and median duration per Sozialraum and year against plain pandas on the demo cases."""
    from sozialraum_analytics.dataset import DEMO_DIR, load_folder

    dataset = load_folder(DEMO_DIR)
    wide = Engine(dataset).table("sozialraum").xs(hilfeart, level="hilfeart")
    faelle = dataset.tables["faelle"].dropna(subset=["ende"])
    faelle = faelle[~faelle["hilfeart"].isin(["§42", "§8a"])] if codes is None else faelle[faelle["hilfeart"].isin(codes)]
    zuordnung = dict(zip(dataset.tables["zuordnung"]["raum_id"].astype(str), dataset.tables["zuordnung"]["sozialraum_id"].astype(str)))
    direct = pd.DataFrame({
        "jahr": faelle["ende"].dt.year.to_numpy(),
        "area": faelle["raum_id"].astype(str).map(zuordnung).to_numpy(),
        "monate": (faelle["ende"] - faelle["beginn"]).dt.days.to_numpy() / (365.25 / 12),
    })
    direct = direct[direct["jahr"].between(2014, 2024)].groupby(["jahr", "area"])["monate"].agg(["mean", "median"])
    engine_values = wide.loc[direct.index]
    assert np.allclose(engine_values["dauer_mittel_monate"], direct["mean"])
    assert np.allclose(engine_values["dauer_median_monate"], direct["median"])
