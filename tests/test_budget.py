"""Regionalbudget: Sockel + Einwohner + Bedarf, shares exact to the cent by largest remainder.

Every expected number below is worked out by hand in the docstring or comment beside it.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sozialraum_analytics.budget import HINWEIS_OHNE_KLASSE, Formel, szenarien, verteilen

STATUS_QUO = Formel("Status quo", 0.2, 0.5, 0.3)


def _gebiete(einwohner: list[float], klassen: list[object] | None = None, raum_ids: list[str] | None = None) -> pd.DataFrame:
    raum_ids = raum_ids or [chr(ord("A") + i) for i in range(len(einwohner))]
    return pd.DataFrame({"raum_id": raum_ids, "name": [f"Sozialraum {rid}" for rid in raum_ids], "einwohner": einwohner,
                         "bedarfsklasse": klassen if klassen is not None else [None] * len(einwohner)})


DREI = _gebiete([1000, 2000, 3000], ["hoch", "durchschnittlich", "niedrig"])


def test_three_areas_worked_by_hand() -> None:
    """100.000,00 € = 10.000.000 Cent; Sockel 20 %, Einwohner 50 %, Bedarf 30 %; default weights.

    Sockel: 2.000.000 / 3 = 666.666 2/3 each.
    Einwohner: 5.000.000 × 1000/6000, 2000/6000, 3000/6000 = 833.333 1/3, 1.666.666 2/3, 2.500.000.
    Bedarf: punkte A 1000 × 1,5 (hoch) = 1500, B 2000 × 1,0 = 2000, C 3000 × 0,8 (niedrig) = 2400; sum 5900.
      3.000.000 × 1500/5900 = 45.000.000/59 = 762.711 51/59 (59 × 762.711 = 44.999.949)
      3.000.000 × 2000/5900 = 60.000.000/59 = 1.016.949 9/59 (59 × 1.016.949 = 59.999.991)
      3.000.000 × 2400/5900 = 72.000.000/59 = 1.220.338 58/59 (59 × 1.220.338 = 71.999.942)
    Exact totals:
      A = 666.666 2/3 + 833.333 1/3 + 762.711 51/59 = 2.262.711 + 51/59 (0,864)
      B = 666.666 2/3 + 1.666.666 2/3 + 1.016.949 9/59 = 3.350.282 + 1/3 + 9/59 (0,486)
      C = 666.666 2/3 + 2.500.000 + 1.220.338 58/59 = 4.387.004 + 2/3 + 58/59 = 4.387.005 + 0,650
    Floors 2.262.711 + 3.350.282 + 4.387.005 = 9.999.998: 2 cents left, to the largest remainders A (0,864)
    and C (0,650): 2.262.712, 3.350.282, 4.387.006 (sum 10.000.000).
    """
    expected = pd.DataFrame({
        "raum_id": ["A", "B", "C"],
        "name": ["Sozialraum A", "Sozialraum B", "Sozialraum C"],
        "einwohner": [1000, 2000, 3000],
        "bedarfsklasse": pd.Series(["hoch", "durchschnittlich", "niedrig"], dtype=object),
        "gewicht": [1.5, 1.0, 0.8],
        "punkte": [1500.0, 2000.0, 2400.0],
        "sockel_cent": [2_000_000 / 3] * 3,
        "einwohner_cent": [5_000_000 / 6, 10_000_000 / 6, 2_500_000.0],
        "bedarf_cent": [45_000_000 / 59, 60_000_000 / 59, 72_000_000 / 59],
        "budget_cent": [2_262_712, 3_350_282, 4_387_006],
        "anteil_prozent": [22.62712, 33.50282, 43.87006],
        "hinweis": ["", "", ""],
    })
    assert_frame_equal(verteilen(10_000_000, DREI, STATUS_QUO), expected, check_exact=False, rtol=1e-12)


# (gesamt, einwohner, klassen, raum_ids, anteile sockel/einwohner/bedarf, expected budget_cent, why)
GROESSTER_REST = [
    (100, [0, 0, 0], None, None, (1, 0, 0), [34, 33, 33],
     "100/3 = 33 1/3 each, 1 cent left, all remainders and shares equal: smallest raum_id A"),
    (100, [0, 0, 0], None, ["C", "B", "A"], (1, 0, 0), [33, 33, 34],
     "the same in reverse row order: still A gets the cent, the rule does not depend on row order"),
    (1, [5, 5, 5], None, None, (1, 0, 0), [1, 0, 0], "1/3 each: the one cent to A"),
    (10, [1, 2, 4], None, None, (0, 1, 0), [1, 3, 6],
     "10/7, 20/7, 40/7 = 1 3/7, 2 6/7, 5 5/7; floors 8, 2 left: remainders 6/7 (B) and 5/7 (C), not the largest area first"),
    (2, [1, 3], None, None, (0, 1, 0), [0, 2],
     "0,5 and 1,5: equal remainders, the larger exact share B wins before raum_id"),
    (1000, [0, 100], None, None, (0.5, 0.5, 0), [250, 750], "an area with 0 Einwohner still gets its Sockel 500/2 = 250"),
    (0, [10, 20], ["hoch", "niedrig"], None, (0.2, 0.5, 0.3), [0, 0], "nothing to distribute"),
    (7, [1, 1], ["hoch", "niedrig"], None, (0, 0, 1), [5, 2],
     "punkte 1,5 and 0,8 (sum 2,3): 7 × 15/23 = 4 13/23, 7 × 8/23 = 2 10/23; 1 left to A (13/23 > 10/23)"),
]


@pytest.mark.parametrize(("gesamt", "einwohner", "klassen", "raum_ids", "anteile", "expected", "why"), GROESSTER_REST,
                         ids=[row[-1][:40] for row in GROESSTER_REST])
def test_largest_remainder(gesamt: int, einwohner: list[int], klassen: list[object] | None, raum_ids: list[str] | None,
                           anteile: tuple[float, float, float], expected: list[int], why: str) -> None:
    ergebnis = verteilen(gesamt, _gebiete(einwohner, klassen, raum_ids), Formel("Test", *anteile))
    assert ergebnis["budget_cent"].tolist() == expected, why
    assert ergebnis["budget_cent"].sum() == gesamt


def test_configurable_weights() -> None:
    """Bedarf 100 % of 900 Cent; weights hoch 2, niedrig 0,5: punkte 100 × 2 = 200 and 100 × 0,5 = 50 (sum 250):
    900 × 200/250 = 720 and 900 × 50/250 = 180."""
    formel = Formel("Starker Bedarf", 0, 0, 1, {"niedrig": 0.5, "durchschnittlich": 1, "erhöht": 1.5, "hoch": 2})
    ergebnis = verteilen(900, _gebiete([100, 100], ["hoch", "niedrig"]), formel)
    assert ergebnis["budget_cent"].tolist() == [720, 180]
    assert ergebnis["punkte"].tolist() == [200.0, 50.0]


def _exakt(gesamt: int, einwohner: list[int], gewichte: list[Fraction], anteile: tuple[Fraction, ...]) -> list[Fraction]:
    """Reference formula, written out independently of the module."""
    sockel, nach_einwohnern, nach_bedarf = (gesamt * anteil for anteil in anteile)
    punkte = [e * g for e, g in zip(einwohner, gewichte)]
    return [sockel / len(einwohner)
            + (nach_einwohnern * e / sum(einwohner) if nach_einwohnern else 0)
            + (nach_bedarf * p / sum(punkte) if nach_bedarf else 0)
            for e, p in zip(einwohner, punkte)]


def test_random_inputs_sum_exactly_and_stay_within_a_cent() -> None:
    rng = np.random.default_rng(20240601)
    gewicht = {"niedrig": Fraction(4, 5), "durchschnittlich": Fraction(1), "erhöht": Fraction(6, 5), "hoch": Fraction(3, 2),
               None: Fraction(1)}
    for _ in range(40):
        anzahl = int(rng.integers(1, 15))
        gesamt = int(rng.integers(0, 10**10))
        einwohner = [int(e) for e in rng.integers(0, 20_000, size=anzahl)]
        einwohner[0] += 1  # at least one young inhabitant, else the Einwohner share cannot be distributed
        klassen = [None if k == "-" else str(k) for k in rng.choice(["niedrig", "durchschnittlich", "erhöht", "hoch", "-"], anzahl)]
        sockel = int(rng.integers(0, 101))
        nach_einwohnern = int(rng.integers(0, 101 - sockel))
        prozente = (sockel, nach_einwohnern, 100 - sockel - nach_einwohnern)
        formel = Formel("Zufall", *(p / 100 for p in prozente))
        ergebnis = verteilen(gesamt, _gebiete(einwohner, klassen), formel)
        exakt = _exakt(gesamt, einwohner, [gewicht[k] for k in klassen], tuple(Fraction(p, 100) for p in prozente))
        assert sum(exakt) == gesamt
        assert ergebnis["budget_cent"].sum() == gesamt
        assert all(abs(budget - anteil) < 1 for budget, anteil in zip(ergebnis["budget_cent"].tolist(), exakt))


@pytest.mark.parametrize(("anteile", "gewichte", "meldung"), [
    ((0.2, 0.5, 0.2), None, r"müssen zusammen 100 % ergeben, angegeben sind 90 % \(Sockel 20 %, Einwohner 50 %, Bedarf 20 %\)"),
    ((0.5, 0.5, 0.5), None, r"angegeben sind 150 %"),
    ((-0.1, 0.6, 0.5), None, r"Der Anteil Sockel darf nicht negativ sein \(angegeben: -10 %\)"),
    ((0.5, float("nan"), 0.5), None, r"Der Anteil Einwohner muss eine Zahl sein"),
    ((0.2, 0.5, 0.3), {"niedrig": 0.8, "durchschnittlich": 1.0, "hoch": 1.5}, r"Es fehlt ein Gewicht für die Bedarfsklasse erhöht"),
    ((0.2, 0.5, 0.3), {"niedrig": 0.8, "durchschnittlich": 1.0, "erhöht": 1.2, "hoch": 1.5, "sehr hoch": 2.0},
     r"Unbekannte Bedarfsklasse in den Gewichten: sehr hoch"),
    ((0.2, 0.5, 0.3), {"niedrig": -0.8, "durchschnittlich": 1.0, "erhöht": 1.2, "hoch": 1.5},
     r"Das Gewicht der Bedarfsklasse niedrig muss eine Zahl ≥ 0 sein"),
])
def test_formel_rejects(anteile: tuple[float, float, float], gewichte: dict[str, float] | None, meldung: str) -> None:
    with pytest.raises(ValueError, match=meldung):
        Formel("Falsch", *anteile, **({"gewichte": gewichte} if gewichte else {}))


def test_formel_takes_thirds_and_fractions_exactly() -> None:
    """1/3 as a float three times sums to 0,999…9; that counts as 1 and becomes exactly 1/3 each."""
    assert Formel("Drittel", 1 / 3, 1 / 3, 1 / 3).anteile() == (Fraction(1, 3),) * 3
    brueche = (Fraction(1, 3), Fraction(1, 6), Fraction(1, 2))
    assert Formel("Brüche", *brueche).anteile() == brueche
    assert Formel("Dezimal", 0.1, 0.2, 0.7).anteile() == (Fraction(1, 10), Fraction(1, 5), Fraction(7, 10))


@pytest.mark.parametrize(("gesamt", "gebiete", "meldung"), [
    (1000, _gebiete([100, -5, 20]), r"Negative Einwohnerzahl bei raum_id B \(-5\)"),
    (1000, _gebiete([100, 200, 300], raum_ids=["A", "B", "A"]), r"raum_id mehrfach vergeben: A\."),
    (1000, _gebiete([]), r"Die Tabelle der Sozialräume ist leer"),
    (1000, _gebiete([100, 200]).drop(columns="bedarfsklasse"), r"fehlen Spalten: bedarfsklasse"),
    (1000, _gebiete([100, float("nan")]), r"Fehlende oder ungültige Einwohnerzahl bei raum_id B"),
    (1000, _gebiete([100, 200], ["hoch", "sehr hoch"]), r"Unbekannte Bedarfsklasse „sehr hoch“ bei raum_id B"),
    (1000, _gebiete([0, 0]), r"Der Anteil Einwohner \(50 %\) kann nicht verteilt werden: alle Sozialräume haben 0 Einwohner"),
    (1000.0, _gebiete([100, 200]), r"Das Gesamtbudget muss eine ganze Zahl von Cent sein"),
    (-1, _gebiete([100, 200]), r"Das Gesamtbudget darf nicht negativ sein"),
])
def test_verteilen_rejects(gesamt: int, gebiete: pd.DataFrame, meldung: str) -> None:
    with pytest.raises(ValueError, match=meldung):
        verteilen(gesamt, gebiete, Formel("Halb und halb", 0.5, 0.5, 0))


def test_szenarien_side_by_side() -> None:
    """Status quo (see test_three_areas_worked_by_hand): 2.262.712, 3.350.282, 4.387.006.

    Nur Einwohner (100 %): 10.000.000 × 1/6, 2/6, 3/6 = 1.666.666 2/3, 3.333.333 1/3, 5.000.000; floors sum
    to 9.999.999, the 1 cent left goes to A (remainder 2/3): 1.666.667, 3.333.333, 5.000.000.
    Änderung: A 1.666.667 − 2.262.712 = −596.045; B 3.333.333 − 3.350.282 = −16.949;
    C 5.000.000 − 4.387.006 = +612.994 (−596.045 − 16.949 + 612.994 = 0: the total is the same).
    """
    tabelle = szenarien(10_000_000, DREI, [STATUS_QUO, Formel("Nur Einwohner", 0, 1, 0)])
    expected = pd.DataFrame({
        "raum_id": ["A", "B", "C"],
        "name": ["Sozialraum A", "Sozialraum B", "Sozialraum C"],
        "Status quo (Cent)": [2_262_712, 3_350_282, 4_387_006],
        "Nur Einwohner (Cent)": [1_666_667, 3_333_333, 5_000_000],
        "Nur Einwohner: Änderung zu Status quo (Cent)": [-596_045, -16_949, 612_994],
        "Nur Einwohner: Änderung zu Status quo (%)": [-596_045 / 2_262_712 * 100, -16_949 / 3_350_282 * 100,
                                                      612_994 / 4_387_006 * 100],
    })
    assert_frame_equal(tabelle, expected, check_exact=False, rtol=1e-12)


def test_szenarien_rejects_same_name_twice_and_no_scenario() -> None:
    with pytest.raises(ValueError, match="Szenarionamen mehrfach vergeben: Status quo"):
        szenarien(100, DREI, [STATUS_QUO, Formel("Status quo", 1, 0, 0)])
    with pytest.raises(ValueError, match="mindestens ein Szenario"):
        szenarien(100, DREI, [])


@pytest.mark.parametrize("fehlt", [None, np.nan, pd.NA, "", "  "])
def test_area_without_class_counts_with_weight_one_and_is_reported(fehlt: object) -> None:
    """Bedarf 100 % of 1000 Cent; A hoch: 100 × 1,5 = 150 punkte, B without class: 100 × 1,0 = 100 punkte;
    sum 250: A 1000 × 150/250 = 600, B 1000 × 100/250 = 400."""
    ergebnis = verteilen(1000, _gebiete([100, 100], ["hoch", fehlt]), Formel("Nur Bedarf", 0, 0, 1))
    assert ergebnis["budget_cent"].tolist() == [600, 400]
    assert ergebnis["gewicht"].tolist() == [1.5, 1.0]
    assert ergebnis["bedarfsklasse"].tolist() == ["hoch", None]
    assert ergebnis["hinweis"].tolist() == ["", HINWEIS_OHNE_KLASSE]
    assert HINWEIS_OHNE_KLASSE == "keine Bedarfsklasse: Gewicht 1,0 angenommen"


def test_class_codes_from_the_bedarfsindex_are_understood() -> None:
    """bedarfsindex gives classes as 4 … 1 (float, NaN where no index); 4.0 = hoch, 1 = niedrig, " Erhöht " = erhöht."""
    ergebnis = verteilen(1000, _gebiete([100, 100, 100, 100], [4.0, 1, " Erhöht ", np.nan]), STATUS_QUO)
    assert ergebnis["bedarfsklasse"].tolist() == ["hoch", "niedrig", "erhöht", None]
    assert ergebnis["gewicht"].tolist() == [1.5, 0.8, 1.2, 1.0]
