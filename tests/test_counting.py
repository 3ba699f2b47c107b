"""Counting per calendar year against values worked out by hand (see conftest)."""

import pandas as pd
import pytest

from sozialraum_analytics.counting import count_by_month, count_cases_per_year

# (year, code, begonnen, beendet, andauernd) for Adorf's §34 cases A–E, by hand:
# 2022: A begins; A, D run at 31.12.              -> 1, 0, 2
# 2023: B (31.12.), C, E begin; A (31.12.), C end; B, D, E run at 31.12. -> 3, 2, 3
# 2024: E ends; B, D run                          -> 0, 1, 2
ADORF_34 = [
    (2022, 1, 0, 2),
    (2023, 3, 2, 3),
    (2024, 0, 1, 2),
]


@pytest.mark.parametrize("jahr, begonnen, beendet, andauernd", ADORF_34)
def test_counts_adorf_heimerziehung(kleinkreis, jahr, begonnen, beendet, andauernd):
    counts = count_cases_per_year(kleinkreis.tables["faelle"], range(2022, 2025))
    row = counts[(counts["jahr"] == jahr) & (counts["raum_id"] == "08111001") & (counts["hilfeart"] == "§34")]
    assert len(row) == 1
    assert row[["begonnen", "beendet", "andauernd"]].iloc[0].tolist() == [begonnen, beendet, andauernd]


def _case(beginn, ende=None, hilfeart="§34"):
    return {"raum_id": "08111001", "hilfeart": hilfeart, "basis": None, "setting": None,
            "beginn": pd.Timestamp(beginn), "ende": pd.Timestamp(ende) if ende else pd.NaT}


@pytest.mark.parametrize("beginn, ende, expected_2023", [
    # (begonnen, beendet, andauernd) in 2023
    ("2023-01-01", "2023-12-31", (1, 1, 0)),   # ends on 31.12.: beendet, not andauernd
    ("2023-12-31", None, (1, 0, 1)),           # starts on 31.12.: andauernd at the Stichtag
    ("2023-06-15", "2023-06-15", (1, 1, 0)),   # same day
    ("2019-01-01", None, (0, 0, 1)),           # ongoing for years
    ("2019-01-01", "2024-01-01", (0, 0, 1)),   # ends after the Stichtag
    ("2022-12-31", "2023-01-01", (0, 1, 0)),   # ends on the first day of the year
    ("2024-01-01", None, (0, 0, 0)),           # begins after the year
    ("2020-01-01", "2022-12-31", (0, 0, 0)),   # ended before the year
])
def test_single_case_edges(beginn, ende, expected_2023):
    frame = pd.DataFrame([_case(beginn, ende)])
    counts = count_cases_per_year(frame, [2023])
    assert tuple(counts[["begonnen", "beendet", "andauernd"]].iloc[0]) == expected_2023


def test_inanspruchnahme_is_not_begonnen_plus_andauernd(engine):
    kreis = engine.table("kreis").loc[(2023, "kreis", "gesamt")]
    # begonnen + andauernd would be 5 + 5 = 10; the official count is 5 + 3 = 8.
    assert kreis["inanspruchnahme"] == kreis["andauernd"] + kreis["beendet"] == 8


def test_gefaehrdung_counted_by_month_of_completion(kleinkreis):
    months = count_by_month(kleinkreis.tables["faelle"], "§8a")
    assert months["monat"].astype(str).tolist() == ["2024-01"]
    assert months["anzahl"].tolist() == [1]
