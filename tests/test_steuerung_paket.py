"""The package functions behind the Steuerung page, on a small Kreis worked out by hand.

"Minikreis" (written to a temporary folder): Planungsräume Adorf P1 and Bedorf P2 (Sozialraum S1 "Nord"),
Cedorf P3 (S2 "Süd"), Dedorf P4 (S3 "West"); 1.000 inhabitants of 21 and older in each.

    Bevölkerung        unter 18  18 bis unter 21   (2022 and 2023; 2024 the same but Cedorf unter 18: 500)
      P1 Adorf           300        100
      P2 Bedorf          150         50
      P3 Cedorf          400        100
      P4 Dedorf          200         50
    under 21 per Sozialraum: S1 400 + 200 = 600, S2 500 (2024: 600), S3 250; Kreis 1.350 (2024: 1.450)
    under 18: S2 400 (2024: 500)

    Hilfen insgesamt (§ 34)   2022  2023  2024
      P1 Adorf                  6     6     3
      P2 Bedorf                 3     6     3
      P3 Cedorf                 5     4     6
      P4 Dedorf                 2     3     2
    Kreis                      16    19    14
    Eckwert je 1.000 unter 21:
      S1  9/600 = 15    12/600 = 20     6/600 = 10
      S2  5/500 = 10     4/500 =  8     6/600 = 10
      S3  2/250 =  8     3/250 = 12     2/250 =  8

    Ausgaben § 34: Adorf 2022 60.000 €, 2023 66.000 €; Cedorf 2024 90.000 €.

    SGB-II-Quote 2023 (the only indicator and year): Adorf, Bedorf, Cedorf 5 %, Dedorf 20 %
      per Sozialraum 5, 5, 20; mean 10, population sd √((25 + 25 + 100)/3) = √50
      Bedarfsindex −5/√50 = −0,71 (S1, S2), 10/√50 = +1,41 (S3); classes at −1, 0, +1:
      S1, S2 class 2 (durchschnittlich), S3 class 4 (hoch). 2024 has no index: it takes 2023's.

    Angebote: K1 Kita Adorf (Stadt, 40 places, 0–6, since 2015), K2 Kita Cedorf (AWO, 25 places, 1–6,
    from 01.08.2024), T1 Treff Bedorf (KJR, until 31.12.2022), B1 Beratung Dedorf (Diakonie, no places,
    no ages).
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sozialraum_analytics import budget
from sozialraum_analytics.angebote import angebotsarten, angebotsbestand, bestand_bedarf
from sozialraum_analytics.dataset import KREIS_ID, load_folder
from sozialraum_analytics.kennzahlen import Engine
from sozialraum_analytics.modellregionen import differenz_von_differenzen, eckwert_panel, vergleich_moeglich
from sozialraum_analytics.prognose import gebietsreihe

ROOT = Path(__file__).resolve().parent.parent
ECKWERT = "eckwert_je_1000_u21"
UNTER_18 = {"P1": 300, "P2": 150, "P3": 400, "P4": 200}
ACHTZEHN_BIS_21 = {"P1": 100, "P2": 50, "P3": 100, "P4": 50}
HILFEN = {2022: (6, 3, 5, 2), 2023: (6, 6, 4, 3), 2024: (3, 3, 6, 2)}


@pytest.fixture(scope="module")
def minikreis(tmp_path_factory: pytest.TempPathFactory):
    ordner = tmp_path_factory.mktemp("minikreis")
    (ordner / "zuordnung.csv").write_text("raum_id;name;sozialraum_id;sozialraum_name\nP1;Adorf;S1;Nord\n"
                                          "P2;Bedorf;S1;Nord\nP3;Cedorf;S2;Süd\nP4;Dedorf;S3;West\n", encoding="utf-8")
    zeilen = ["jahr;raum_id;altersgruppe;anzahl"]
    for jahr in (2022, 2023, 2024):
        for raum, anzahl in UNTER_18.items():
            anzahl = 500 if (jahr, raum) == (2024, "P3") else anzahl
            zeilen += [f"{jahr};{raum};unter 18;{anzahl}", f"{jahr};{raum};18 bis unter 21;{ACHTZEHN_BIS_21[raum]}",
                       f"{jahr};{raum};21 und älter;1000"]
    (ordner / "bevoelkerung.csv").write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    zeilen = ["jahr;raum_id;hilfeart;inanspruchnahme"]
    for jahr, anzahlen in HILFEN.items():
        zeilen += [f"{jahr};P{i};§ 34;{anzahl}" for i, anzahl in enumerate(anzahlen, start=1)]
    (ordner / "fallzahlen.csv").write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    (ordner / "kosten.csv").write_text("jahr;raum_id;hilfeart;betrag\n2022;P1;§ 34;60000\n2023;P1;§ 34;66000\n"
                                       "2024;P3;§ 34;90000\n", encoding="utf-8")
    (ordner / "indikatoren.csv").write_text("jahr;raum_id;indikator;wert;einheit;richtung\n" + "".join(
        f"2023;{raum};SGB-II-Quote;{wert};%;hoch=bedarf\n" for raum, wert in (("P1", 5), ("P2", 5), ("P3", 5), ("P4", 20))),
        encoding="utf-8")
    (ordner / "angebote.csv").write_text(
        "angebot_id;name;typ;traeger;raum_id;plaetze;alter_von;alter_bis;seit;bis\n"
        "K1;Kita Adorf;Kita;Stadt;P1;40;0;6;01.01.2015;\nK2;Kita Cedorf;Kita;AWO;P3;25;1;6;01.08.2024;\n"
        "T1;Treff Bedorf;Jugendtreff;KJR;P2;20;12;21;;31.12.2022\nB1;Beratung Dedorf;Beratungsstelle;Diakonie;P4;;;;;\n",
        encoding="utf-8")
    dataset = load_folder(ordner)
    assert all(report.ok for report in dataset.reports), [report.lines() for report in dataset.reports]
    return dataset


@pytest.fixture(scope="module")
def engine(minikreis):  # noqa: ANN001, ANN201
    return Engine(minikreis)


# --- Bestand und Bedarf -------------------------------------------------------------------------------------


def test_angebotsarten_places_first_then_by_name() -> None:
    """Kita 100 + 50 = 150 places, Jugendtreff and Spielmobil 85 each (a tie: by name), Elterncafé 0 places
    (known, so still among the types with places), Beratungsstelle no places at all: last."""
    versorgung = pd.DataFrame({"typ": ["Kita", "Kita", "Spielmobil", "Jugendtreff", "Beratungsstelle", "Beratungsstelle",
                                       "Elterncafé"],
                               "plaetze": [100, 50, 85, 85, np.nan, np.nan, 0]})
    assert angebotsarten(versorgung) == ["Kita", "Jugendtreff", "Spielmobil", "Elterncafé", "Beratungsstelle"]


def test_angebotsarten_on_the_minikreis(engine) -> None:  # noqa: ANN001
    """2024: Kita 40 + 25 = 65 places; the Beratungsstelle has none; the Treff ended in 2022."""
    versorgung, _ = bestand_bedarf(engine, 2024)
    assert angebotsarten(versorgung) == ["Kita", "Beratungsstelle"]


def test_angebotsbestand_lists_the_offers_of_a_year(minikreis) -> None:  # noqa: ANN001
    """2023: K1 and B1 (K2 opens in August 2024, T1 closed end of 2022); Nord before West."""
    expected = pd.DataFrame({"Angebot": ["Kita Adorf", "Beratung Dedorf"], "Träger": ["Stadt", "Diakonie"],
                             "Planungsraum": ["Adorf", "Dedorf"], "Sozialraum": ["Nord", "West"],
                             "Plätze": [40.0, np.nan], "Alter": ["0 bis unter 6", "ohne Angabe"]})
    bestand = angebotsbestand(minikreis, 2023).reset_index(drop=True)
    assert_frame_equal(bestand.astype({"Träger": object, "Plätze": float}), expected, check_dtype=False)


def test_angebotsbestand_of_one_type(minikreis) -> None:  # noqa: ANN001
    bestand = angebotsbestand(minikreis, 2024, "Kita")
    assert bestand["Angebot"].tolist() == ["Kita Adorf", "Kita Cedorf"]
    assert bestand["Sozialraum"].tolist() == ["Nord", "Süd"]
    assert bestand["Plätze"].tolist() == [40, 25]
    assert bestand["Alter"].tolist() == ["0 bis unter 6", "1 bis unter 6"]
    assert angebotsbestand(minikreis, 2022, "Jugendtreff")["Angebot"].tolist() == ["Treff Bedorf"]


# --- Regionalbudget -----------------------------------------------------------------------------------------


def test_gewichte_je_klasse_follow_the_rank() -> None:
    assert budget.gewichte_je_klasse() == (0.8, 1.0, 1.2, 1.5)
    eigene = {"hoch": 2, "niedrig": 0.5, "erhöht": 1.5, "durchschnittlich": 1}
    assert budget.gewichte_je_klasse(eigene) == (0.5, 1, 1.5, 2)


@pytest.mark.parametrize(("eingabe", "cent"), [
    ("1.000.000,00", 100_000_000), ("1.234,5 €", 123_450), ("€ 12.000", 1_200_000), ("0", 0), ("7,01", 701),
    ("abc", None), ("", None), ("-5,00", None),
])
def test_gesamtbudget_cent(eingabe: str, cent: int | None) -> None:
    assert budget.gesamtbudget_cent(eingabe) == cent


def test_sozialraeume_from_the_engine(engine) -> None:  # noqa: ANN001
    """2024: under 21 S1 600, S2 600, S3 250; classes of the 2023 index: 2, 2, 4."""
    gebiete = budget.sozialraeume(engine, 2024, "u21")
    assert gebiete["raum_id"].tolist() == ["S1", "S2", "S3"]
    assert gebiete["name"].tolist() == ["Nord", "Süd", "West"]
    assert gebiete["einwohner"].tolist() == [600, 600, 250]
    assert gebiete["bedarfsklasse"].tolist() == [2, 2, 4]
    assert gebiete.attrs["bedarfsjahr"] == 2023
    # under 18 in 2022: S1 300 + 150, S2 400, S3 200; no index before 2023.
    frueher = budget.sozialraeume(engine, 2022, "u18")
    assert frueher["einwohner"].tolist() == [450, 400, 200]
    assert frueher["bedarfsklasse"].tolist() == [None, None, None] and frueher.attrs["bedarfsjahr"] is None
    with pytest.raises(ValueError, match="fehlt die Bevölkerung"):
        budget.sozialraeume(engine, 2024, "u99")


def test_sozialraeume_feed_the_distribution(engine) -> None:  # noqa: ANN001
    """Bedarf 100 % of 1.000 Cent: punkte S1 600 × 1,0, S2 600 × 1,0, S3 250 × 1,5 = 375 (sum 1.575):
    exact 380,95, 380,95, 238,10; floors 380 + 380 + 238 = 998, the two cents left to S1 and S2 (remainder
    0,95 each): 381, 381, 238."""
    ergebnis = budget.verteilen(1000, budget.sozialraeume(engine, 2024, "u21"), budget.Formel("Nur Bedarf", 0, 0, 1))
    assert ergebnis["gewicht"].tolist() == [1.0, 1.0, 1.5]
    assert ergebnis["budget_cent"].tolist() == [381, 381, 238]


def test_szenarien_in_euro() -> None:
    vergleich = pd.DataFrame({"raum_id": ["A", "B"], "name": ["Nord", "Süd"], "A (Cent)": [60_000_001, 39_999_999],
                              "B (Cent)": [50_000_000, 50_000_000], "B: Änderung zu A (Cent)": [-10_000_001, 10_000_001],
                              "B: Änderung zu A (%)": [-16.5, 25.0]})
    expected = pd.DataFrame({"Sozialraum": ["Nord", "Süd"], "A (€)": [600_000.01, 399_999.99],
                             "B (€)": [500_000.0, 500_000.0], "B: Änderung zu A (€)": [-100_000.01, 100_000.01],
                             "B: Änderung zu A (%)": [-16.5, 25.0]})
    assert_frame_equal(budget.szenarien_in_euro(vergleich), expected)


# --- Modellregionen -----------------------------------------------------------------------------------------


def test_eckwert_panel_from_the_engine(engine) -> None:  # noqa: ANN001
    expected = pd.DataFrame({"jahr": [2022] * 3 + [2023] * 3 + [2024] * 3, "raum_id": ["S1", "S2", "S3"] * 3,
                             "eckwert": [15.0, 10.0, 8.0, 20.0, 8.0, 12.0, 10.0, 10.0, 8.0]})
    assert_frame_equal(eckwert_panel(engine, ECKWERT, "gesamt"), expected, check_dtype=False)
    with pytest.raises(ValueError, match="fehlt der Eckwert"):
        eckwert_panel(engine, "eckwert_je_1000_u99", "gesamt")


def test_eckwert_panel_feeds_the_did(engine) -> None:  # noqa: ANN001
    """Modell S1, Vergleich S2 and S3, start 2024 (balanced: δ = the 2×2 DiD of the means):
    Modell vor (15 + 20)/2 = 17,5, nach 10: −7,5; Vergleich vor ((10 + 8)/2 + (8 + 12)/2)/2 = 9,5, nach 9: −0,5;
    δ = −7,5 − (−0,5) = −7."""
    ergebnis = differenz_von_differenzen(eckwert_panel(engine, ECKWERT, "gesamt"), ["S1"], ["S2", "S3"], 2024)
    assert ergebnis.effekt == pytest.approx(-7.0)


def test_vergleich_moeglich(minikreis, engine) -> None:  # noqa: ANN001
    assert vergleich_moeglich(engine, ECKWERT)
    assert not vergleich_moeglich(engine, "eckwert_je_1000_u99")
    assert not vergleich_moeglich(Engine(minikreis, jahre=[2023]), ECKWERT)  # one year only
    assert not vergleich_moeglich(engine, ECKWERT, ebene="kreis")  # one area only


# --- Prognose -----------------------------------------------------------------------------------------------


def test_gebietsreihe_of_the_kreis_and_of_an_area(engine) -> None:  # noqa: ANN001
    expected = pd.DataFrame({"jahr": [2022, 2023, 2024], "faelle": [16.0, 19.0, 14.0],
                             "bevoelkerung": [1350.0, 1350.0, 1450.0], "ausgaben": [60_000.0, 66_000.0, 90_000.0]})
    assert_frame_equal(gebietsreihe(engine, KREIS_ID, "gesamt"), expected, check_dtype=False)
    sued = gebietsreihe(engine, "S2", "stationaer", "u18")
    assert sued["faelle"].tolist() == [5, 4, 6]
    assert sued["bevoelkerung"].tolist() == [400, 400, 500]
    assert sued["ausgaben"].tolist()[-1] == 90_000
    with pytest.raises(ValueError, match="fehlen Fälle oder Bevölkerung"):
        gebietsreihe(engine, "S1", "gesamt", "u99")


# --- the page -----------------------------------------------------------------------------------------------


def test_the_steuerung_page_computes_no_figures_itself() -> None:
    """pages/steuerung.py asks the package: it reads no engine table, builds no DataFrame, parses no
    number and retypes no budget weight."""
    quelle = (ROOT / "pages" / "steuerung.py").read_text(encoding="utf-8")
    aufrufe = {knoten.func.attr for knoten in ast.walk(ast.parse(quelle))
               if isinstance(knoten, ast.Call) and isinstance(knoten.func, ast.Attribute)}
    assert not aufrufe & {"table", "xs", "merge", "DataFrame", "bedarfsindex", "assignment", "reindex"}
    assert "parse_number" not in quelle
    assert not any(f'"{gewicht}"' in quelle for gewicht in ("0,8", "1,0", "1,2", "1,5"))
