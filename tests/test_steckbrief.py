"""The Steckbrief of an area against values worked out by hand on the Kleinkreis (see conftest).

SR1 "Nord" (Adorf, Bedorf) in 2023, population under 21: Adorf 800 + 200, Bedorf 400 + 100 = 1500;
Kreis 3530 (Cedorf 2000, Waldgebiet 30).

stationär (HzE §§ 33–35): A, C (§34, ended in 2023) + B, D, E (§34, ongoing on 31.12.) = 5 in SR1;
  H is § 35a (its own group), so the Kreis also has 5.
  Eckwert SR1   5 / 1500 × 1000 = 3,333… -> "3,3"
  Eckwert Kreis 5 / 3530 × 1000 = 1,416… -> "1,4"
  Abweichung    (3,333 / 1,416 − 1) × 100 = (3530 / 1500 − 1) × 100 = 135,33 % -> "135 %"
  Ausgaben je Jugendeinwohner: 150.000 € (§34 Adorf) / 1500 = 100,00 € against 150.000 / 3530 = 42,49 €:
  the same 135,33 %.
gesamt: A, C, F ended + B, D, E ongoing = 6 -> 6 / 1500 × 1000 = 4,0 against 8 / 3530 × 1000 = 2,27;
  (3530 / 2000 − 1) × 100 = 76,5 % -> "77 %" (half up; the engine's float is 76,49999999999999).
  Ausgaben (150.000 + 1.500,50) / 1500 = 101,00 € against 233.500,50 / 3530 = 66,15 € -> +52,69 %.
ambulant: F -> 1 / 1500 against 2 / 3530 (F, G): (3530 / 3000 − 1) × 100 = 17,67 %, under 20 %: no sentence;
  Ausgaben 1.500,50 / 1500 = 1,00 € against 13.500,50 / 3530 = 3,82 € -> −73,84 %.
teilstationär: no case in the Kreis: Kreis Eckwert 0, no percentage, no sentence.
§ 35a: none in SR1, H in the Kreis: 0,0 against 1 / 3530 × 1000 = 0,28 -> −100 %; Ausgaben 0 against
  70.000 / 3530 = 19,83 € -> −100 %.
Ranked by |deviation|: 135,33 (Eckwert stationär), 135,33 (Ausgaben stationär), 100 (Eckwert § 35a),
  100 (Ausgaben § 35a), 76,5 (Eckwert gesamt) | cut at five: 73,84 (Ausgaben ambulant), 52,69 (Ausgaben gesamt).
Trend: 2022 SR1 gesamt A, D ongoing = 2 -> 2 / 1500 × 1000 = 1,3; 2023 4,0: +200 %.
Bedarfsindex (Sozialraum, population-weighted indicators): sgb2_quote SR1 (10 × 5000 + 20 × 2000) / 7000
  = 12,86, SR2 (30 × 10000 + 100 × 150) / 10150 = 31,03; wohnflaeche SR1 47,14, SR2 30 (Waldgebiet unknown).
  Two areas: every z is ∓1 (wohnflaeche flipped: low = need), index SR1 −1,00 ("durchschnittlich", −1 … 0),
  SR2 +1,00 ("erhöht", 0 … +1).
Waldgebiet: 150 inhabitants (30 under 21) < 300: no Bedarfsindex. Costs exist for 2023 only.
"""

import dataclasses
import math
import re

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics.dataset import DEMO_DIR, load_folder
from sozialraum_analytics.formatting import format_number
from sozialraum_analytics.kennzahlen import Engine, Optionen
from sozialraum_analytics.readers import read_table
from sozialraum_analytics.steckbrief import HILFEN, aussagen, steckbrief

NORD_2023 = (
    "Die Inanspruchnahme stationärer Hilfen zur Erziehung liegt 135 % über dem Kreiswert "
    "(Eckwert 3,3 gegenüber 1,4 je 1.000 unter 21-Jährige).",
    "Die Ausgaben je Jugendeinwohner für stationäre Hilfen zur Erziehung liegen 135 % über dem Kreiswert "
    "(100,00 € gegenüber 42,49 € je Einwohner unter 21 Jahren).",
    "Die Inanspruchnahme der Eingliederungshilfe nach § 35a liegt 100 % unter dem Kreiswert "
    "(Eckwert 0,0 gegenüber 0,3 je 1.000 unter 21-Jährige).",
    "Die Ausgaben je Jugendeinwohner für die Eingliederungshilfe nach § 35a liegen 100 % unter dem Kreiswert "
    "(0,00 € gegenüber 19,83 € je Einwohner unter 21 Jahren).",
    "Die Inanspruchnahme der Hilfen gesamt liegt 77 % über dem Kreiswert (Eckwert 4,0 gegenüber 2,3 je 1.000 unter 21-Jährige).",
    "Der Eckwert der Hilfen gesamt ist gegenüber 2022 um 200 % gestiegen (von 1,3 auf 4,0 je 1.000 unter 21-Jährige).",
    "Der Bedarfsindex liegt mit -1,00 in der Klasse „durchschnittlich“.",
)

# (raum_id, jahr, hilfeart, column, expected by hand; NaN = must be missing)
HAND = [
    ("SR1", 2023, "stationaer", "inanspruchnahme", 5),
    ("SR1", 2023, "stationaer", "eckwert", 5 / 1500 * 1000),
    ("SR1", 2023, "stationaer", "eckwert_kreis", 5 / 3530 * 1000),
    ("SR1", 2023, "stationaer", "eckwert_abweichung_prozent", (3530 / 1500 - 1) * 100),
    ("SR1", 2023, "stationaer", "ausgaben", 150_000),
    ("SR1", 2023, "stationaer", "ausgaben_je_jugendeinwohner", 100),
    ("SR1", 2023, "stationaer", "ausgaben_je_jugendeinwohner_kreis", 150_000 / 3530),
    ("SR1", 2023, "gesamt", "eckwert", 4.0),
    ("SR1", 2023, "gesamt", "eckwert_abweichung_prozent", 76.5),
    ("SR1", 2023, "gesamt", "eckwert_vorjahr", 2 / 1500 * 1000),
    ("SR1", 2023, "gesamt", "eckwert_veraenderung_prozent", 200),
    ("SR1", 2023, "gesamt", "ausgaben_je_jugendeinwohner_abweichung_prozent",
     (151_500.50 / 1500) / (233_500.50 / 3530) * 100 - 100),
    ("SR1", 2023, "ambulant", "eckwert_abweichung_prozent", (3530 / 3000 - 1) * 100),
    ("SR1", 2023, "teilstationaer", "eckwert_kreis", 0),
    ("SR1", 2023, "teilstationaer", "eckwert_abweichung_prozent", math.nan),  # Kreis value 0
    ("SR1", 2023, "§35a", "ausgaben_je_jugendeinwohner_abweichung_prozent", -100),
    ("SR2", 2023, "§35a", "inanspruchnahme", 1),
    ("SR2", 2023, "§35a", "eckwert", 1 / 2030 * 1000),
    ("SR2", 2023, "§35a", "ausgaben", 70_000),
    ("SR1", 2022, "gesamt", "eckwert_vorjahr", math.nan),  # first year
    ("SR1", 2022, "gesamt", "ausgaben", math.nan),  # no cost rows for 2022: missing, not 0
    ("SR1", 2024, "stationaer", "ausgaben_je_jugendeinwohner", math.nan),
]

ANGEBOTE_CSV = """angebot_id;name;typ;traeger;raum_id;plaetze;alter_von;alter_bis;seit;bis
A1;Kita Adorf;Kita;Gemeinde Adorf;08111001;80;0;6;01.01.2010;
A2;Jugendtreff Bedorf;Jugendtreff;Gemeinde Bedorf;8111002;30;12;18;01.01.2015;31.08.2021
A3;Beratungsstelle Nord;Beratungsstelle;Caritas;SR1;;0;27;;
A4;Familienzentrum Adorf;Familienzentrum;AWO;08111001;50;0;12;01.09.2024;
"""


@pytest.fixture(scope="module")
def nord(engine):
    return steckbrief(engine, "SR1", 2023)


@pytest.fixture(scope="module")
def demo_engine():
    return Engine(load_folder(DEMO_DIR))


def _row(frame: pd.DataFrame, column: str, key: str) -> pd.Series:
    rows = frame[frame[column] == key]
    assert len(rows) == 1, f"{key} fehlt oder ist doppelt"
    return rows.iloc[0]


@pytest.mark.parametrize("raum_id, jahr, hilfeart, column, expected", HAND)
def test_hilfen_hand_worked(engine, raum_id, jahr, hilfeart, column, expected):
    value = _row(steckbrief(engine, raum_id, jahr).hilfen, "hilfeart", hilfeart)[column]
    assert value == pytest.approx(expected, rel=1e-9, abs=1e-9, nan_ok=True)


def test_hilfen_rows_and_labels(nord):
    assert list(nord.hilfen["hilfeart"]) == list(HILFEN) == ["gesamt", "ambulant", "teilstationaer", "stationaer", "§35a"]
    assert _row(nord.hilfen, "hilfeart", "stationaer")["label"] == "HzE stationär"


def test_aussagen_nord_2023(nord):
    assert tuple(a.text for a in nord.aussagen) == NORD_2023


def test_aussage_stationaer_carries_its_figures(nord):
    first = nord.aussagen[0]
    assert (first.kennzahl, first.hilfeart, first.tabelle) == ("eckwert_je_1000_u21", "stationaer", "hilfen")
    assert first.wert == pytest.approx(5 / 1500 * 1000)
    assert first.kreiswert == pytest.approx(5 / 3530 * 1000)
    assert first.abweichung_prozent == pytest.approx((3530 / 1500 - 1) * 100)


@pytest.mark.parametrize("schwelle, max_aussagen, expected", [
    (0.2, 2, NORD_2023[:2] + NORD_2023[5:]),
    (0.6, 5, NORD_2023),  # 76,5 % still counts; 73,84 % and 52,69 % are cut by the limit anyway
    (0.77, 9, NORD_2023[:4] + NORD_2023[5:]),  # 76,5 % < 77 %
    (0.5, 9, NORD_2023[:5] + (
        "Die Ausgaben je Jugendeinwohner für ambulante Hilfen zur Erziehung liegen 74 % unter dem Kreiswert "
        "(1,00 € gegenüber 3,82 € je Einwohner unter 21 Jahren).",
        "Die Ausgaben je Jugendeinwohner für die Hilfen gesamt liegen 53 % über dem Kreiswert "
        "(101,00 € gegenüber 66,15 € je Einwohner unter 21 Jahren).") + NORD_2023[5:]),
    (2.0, 5, ("Keine der Kennzahlen weicht um 200 % oder mehr vom Kreiswert ab.",) + NORD_2023[5:]),
])
def test_schwelle_and_max_aussagen(engine, schwelle, max_aussagen, expected):
    result = steckbrief(engine, "SR1", 2023, schwelle=schwelle, max_aussagen=max_aussagen)
    assert tuple(a.text for a in result.aussagen) == expected


def test_deviation_of_exactly_the_threshold_counts(nord):
    """1,2 / 1,0 − 1 is 0.19999999999999996 in binary: still 20 %."""
    hilfen = nord.hilfen.copy()
    hilfen[["eckwert", "eckwert_kreis", "eckwert_abweichung_prozent"]] = [1.2, 1.0, (1.2 / 1.0 - 1) * 100]
    hilfen[["ausgaben_je_jugendeinwohner", "eckwert_veraenderung_prozent"]] = math.nan
    texts = [a.text for a in aussagen(hilfen, nord.indikatoren.iloc[:0], 2023)]
    assert texts[0] == ("Die Inanspruchnahme der Hilfen gesamt liegt 20 % über dem Kreiswert "
                        "(Eckwert 1,2 gegenüber 1,0 je 1.000 unter 21-Jährige).")
    assert len(texts) == len(HILFEN)


def test_kreis_value_zero_gives_no_sentence(nord):
    """Even if a deviation were given, a Kreis value of 0 is no base for a percentage."""
    hilfen = nord.hilfen.copy()
    hilfen["eckwert_kreis"] = 0.0
    hilfen["eckwert_abweichung_prozent"] = 500.0
    hilfen["ausgaben_je_jugendeinwohner"] = math.nan
    result = aussagen(hilfen, nord.indikatoren.iloc[:0], 2023)
    assert [a.kennzahl for a in result] == ["abweichung_kreis_prozent", "eckwert_je_1000_u21_vorjahr_prozent"]
    assert result[0].text == "Für 2023 lässt sich keine Kennzahl mit dem Kreiswert vergleichen."


def test_teilstationaer_without_cases_in_the_kreis_is_never_mentioned(engine):
    for ebene, areas in (("sozialraum", ["SR1", "SR2"]), ("planungsraum", engine.areas("planungsraum"))):
        for raum_id in areas:
            for jahr in engine.jahre:
                result = steckbrief(engine, raum_id, jahr, ebene, schwelle=0.0, max_aussagen=99)
                assert _row(result.hilfen, "hilfeart", "teilstationaer")["eckwert_kreis"] == 0
                assert "teilstationaer" not in {a.hilfeart for a in result.aussagen}


@pytest.mark.parametrize("jahr, trend", [
    (2022, None),  # no previous year
    (2024, "Der Eckwert der Hilfen gesamt ist gegenüber 2023 um 53 % gesunken (von 4,0 auf 1,9 je 1.000 unter 21-Jährige)."),
])
def test_year_without_costs(engine, jahr, trend):
    """No cost rows in 2022 and 2024: Ausgaben stay missing and give no sentence; nothing crashes."""
    result = steckbrief(engine, "SR1", jahr)
    assert result.hilfen["ausgaben_je_jugendeinwohner"].isna().all()
    assert not [a for a in result.aussagen if a.kennzahl.startswith("ausgaben")]
    assert [a.text for a in result.aussagen if a.kennzahl.endswith("_vorjahr_prozent")] == ([trend] if trend else [])


def test_trend_sentence_2024_by_hand(engine):
    """SR1 2024: B, D ongoing + E ended (§34) = 3 over 900 + 200 + 400 + 100 = 1600 -> 1,875 against 4,0: −53,1 %."""
    gesamt = _row(steckbrief(engine, "SR1", 2024).hilfen, "hilfeart", "gesamt")
    assert gesamt["eckwert"] == pytest.approx(3 / 1600 * 1000)
    assert gesamt["eckwert_veraenderung_prozent"] == pytest.approx((3 / 1600 / (6 / 1500) - 1) * 100)


@pytest.mark.parametrize("raum_id, wert, klasse, hinweis, satz", [
    ("08111004", math.nan, "", "kein Bedarfsindex: weniger als 300 Einwohner", None),
    ("08111001", -math.sqrt(1.5), "niedrig", "", "Der Bedarfsindex liegt mit -1,22 in der Klasse „niedrig“."),
    ("08111002", 0.0, "durchschnittlich", "", "Der Bedarfsindex liegt mit 0,00 in der Klasse „durchschnittlich“."),
    ("08111003", math.sqrt(1.5), "hoch", "", "Der Bedarfsindex liegt mit 1,22 in der Klasse „hoch“."),
])
def test_bedarfsindex_of_planungsraeume(engine, raum_id, wert, klasse, hinweis, satz):
    """Waldgebiet (150 inhabitants, 30 under 21) gets no index: a row that says why, and no sentence."""
    result = steckbrief(engine, raum_id, 2023, "planungsraum")
    row = _row(result.indikatoren, "indikator", "bedarfsindex")
    assert row["wert"] == pytest.approx(wert, nan_ok=True, abs=1e-9)
    assert (row["klasse"], row["hinweis"]) == (klasse, hinweis)
    assert [a.text for a in result.aussagen if a.kennzahl == "bedarfsindex"] == ([satz] if satz else [])


def test_indikatoren_against_the_kreis(nord):
    """Kreis: population-weighted over all four Planungsräume (Waldgebiet's unknown wohnflaeche left out)."""
    sgb2 = _row(nord.indikatoren, "indikator", "sgb2_quote")
    kreis = (10 * 5000 + 20 * 2000 + 30 * 10000 + 100 * 150) / 17150
    assert (sgb2["einheit"], sgb2["richtung"]) == ("%", "hoch")
    assert sgb2["wert"] == pytest.approx((10 * 5000 + 20 * 2000) / 7000)
    assert sgb2["kreiswert"] == pytest.approx(kreis)
    assert sgb2["abweichung"] == pytest.approx((10 * 5000 + 20 * 2000) / 7000 - kreis)
    wohnflaeche = _row(nord.indikatoren, "indikator", "wohnflaeche")
    assert wohnflaeche["kreiswert"] == pytest.approx((50 * 5000 + 40 * 2000 + 30 * 10000) / 17000)
    assert list(nord.indikatoren["indikator"]) == ["sgb2_quote", "wohnflaeche", "bedarfsindex"]
    assert tuple(_row(nord.indikatoren, "indikator", "bedarfsindex")[["wert", "klasse"]]) == (-1.0, "durchschnittlich")


def test_year_without_indicators_shows_the_latest_year_with_indicators_and_says_so(engine):
    """The Kleinkreis has indicators for 2023 only: 2024 shows them (and the index) of 2023, named as such."""
    result = steckbrief(engine, "SR1", 2024)
    assert result.jahre["indikatoren"] == 2023
    assert result.hinweis("indikatoren") == ("Für 2024 gibt es keine Sozialstrukturindikatoren; gezeigt wird 2023 "
                                             "(Werte gibt es für 2023).")
    assert list(result.indikatoren.columns) == ["indikator", "label", "einheit", "richtung", "wert", "kreiswert",
                                                "abweichung", "abweichung_prozent", "klasse", "hinweis"]
    same = steckbrief(engine, "SR1", 2023).indikatoren
    pd.testing.assert_frame_equal(result.indikatoren, same)
    assert all("Stand 2023" in a.text for a in result.alle_aussagen if a.tabelle == "indikatoren")


@pytest.mark.parametrize("ebene, raum_id, expected", [
    ("sozialraum", "SR1", {"0 bis unter 18": 1200, "18 bis unter 21": 300, "21 und älter": 5500}),
    ("sozialraum", "SR2", {"0 bis unter 18": 1620, "18 bis unter 21": 410, "21 und älter": 8120}),
    ("planungsraum", "08111004", {"0 bis unter 18": 20, "18 bis unter 21": 10, "21 und älter": 120}),
    ("kreis", "kreis", {"0 bis unter 18": 2820, "18 bis unter 21": 710, "21 und älter": 13620}),
])
def test_bevoelkerung_by_age_group(engine, ebene, raum_id, expected):
    """The Kleinkreis has only unter 18 / 18 bis unter 21 / 21 und älter: no cut at 6 or 15 exists."""
    bev = steckbrief(engine, raum_id, 2023, ebene).bevoelkerung
    assert list(bev.columns) == ["jahr", "altersgruppe", "einwohner"]
    assert sorted(set(bev["jahr"])) == [2022, 2023, 2024]
    year = bev[bev["jahr"] == 2023]
    assert dict(zip(year["altersgruppe"].astype(str), year["einwohner"])) == expected


def test_bevoelkerung_bands_of_the_demo(demo_engine):
    """Demo groups 0–3, 3–6, 6–10, 10–14, 14–18 …: no boundary at 15, so school age ends at 14."""
    bev = steckbrief(demo_engine, "SR03", 2024).bevoelkerung
    assert list(bev["altersgruppe"].cat.categories) == [
        "0 bis unter 6", "6 bis unter 14", "14 bis unter 18", "18 bis unter 21", "21 und älter"]
    assert sorted(set(bev["jahr"])) == demo_engine.jahre


@pytest.mark.parametrize("ebene", ["sozialraum", "planungsraum"])
def test_bevoelkerung_under_21_equals_the_engines_denominator(engine, demo_engine, ebene):
    """One definition: the bands below 21 add up to the engine's population under 21, every area and year."""
    for eng in (engine, demo_engine):
        table = eng.table(ebene)
        for raum_id in eng.areas(ebene)[:6]:
            bev = steckbrief(eng, raum_id, eng.jahre[-1], ebene).bevoelkerung
            young = bev[~bev["altersgruppe"].astype(str).str.startswith("21")].groupby("jahr")["einwohner"].sum()
            expected = [table.loc[(jahr, raum_id, "gesamt"), "bevoelkerung_u21"] for jahr in young.index]
            assert np.allclose(young.to_numpy(), expected)


@pytest.fixture(scope="module")
def mit_angeboten(kleinkreis, tmp_path_factory):
    path = tmp_path_factory.mktemp("angebote") / "angebote.csv"
    path.write_text(ANGEBOTE_CSV, encoding="utf-8")
    result = read_table(path, "angebote")
    assert result.ok
    return Engine(dataclasses.replace(kleinkreis, tables={**kleinkreis.tables, "angebote": result.frame}))


@pytest.mark.parametrize("ebene, raum_id, jahr, expected", [
    # A2 closed in 2021; A3 carries the Sozialraum's id; A4 opens in September 2024.
    ("sozialraum", "SR1", 2023, ["A3", "A1"]),
    ("sozialraum", "SR1", 2024, ["A3", "A4", "A1"]),
    ("planungsraum", "08111001", 2023, ["A1"]),
    ("sozialraum", "SR2", 2023, []),
    ("planungsraum", "08111002", 2023, []),
    ("kreis", "kreis", 2024, ["A3", "A4", "A1"]),
])
def test_angebote_in_the_area(mit_angeboten, ebene, raum_id, jahr, expected):
    angebote = steckbrief(mit_angeboten, raum_id, jahr, ebene).angebote
    assert list(angebote["angebot_id"]) == expected
    assert {"name", "typ", "traeger", "raum_id", "plaetze", "raum_name"} <= set(angebote.columns)


def test_angebote_name_their_planungsraum(mit_angeboten):
    angebote = steckbrief(mit_angeboten, "SR1", 2023).angebote
    assert dict(zip(angebote["angebot_id"], angebote["raum_name"])) == {"A1": "Adorf", "A3": "Nord"}


def test_no_angebote_table_gives_an_empty_table(nord, mit_angeboten):
    with_offers = steckbrief(mit_angeboten, "SR1", 2023).angebote
    assert nord.angebote.empty
    assert list(nord.angebote.columns) == list(with_offers.columns)


def test_without_population_and_costs(kleinkreis):
    """Cases only: no Eckwert, no Ausgaben; the summary says nothing can be compared, the tables stay."""
    tables = {k: v for k, v in kleinkreis.tables.items() if k not in ("bevoelkerung", "kosten")}
    result = steckbrief(Engine(dataclasses.replace(kleinkreis, tables=tables)), "SR1", 2023)
    assert result.bevoelkerung.empty
    assert _row(result.hilfen, "hilfeart", "stationaer")["inanspruchnahme"] == 5
    assert result.hilfen["eckwert"].isna().all()
    # The indicators of 2023 do compare with the Kreis, so the sentence speaks of the helps only.
    assert [a.text for a in result.aussagen][0] == ("Für 2023 lässt sich bei den Hilfen keine Kennzahl mit dem "
                                                    "Kreiswert vergleichen.")
    # Without population the index has no size limit: Waldgebiet lacks it for its unknown wohnflaeche.
    wald = steckbrief(Engine(dataclasses.replace(kleinkreis, tables=tables)), "08111004", 2023, "planungsraum")
    assert _row(wald.indikatoren, "indikator", "bedarfsindex")["hinweis"] == "kein Bedarfsindex: Indikatoren unvollständig"


def test_unknown_population_count(kleinkreis):
    """Adorf's under-18 count of 2023 unknown: SR1 has no total in that band, no Eckwert, no Eckwert sentence."""
    bev = kleinkreis.tables["bevoelkerung"].copy()
    unknown = (bev["jahr"] == 2023) & (bev["raum_id"].astype(str) == "08111001") & (bev["alter_bis"] == 18)
    bev.loc[unknown, "anzahl"] = np.nan
    result = steckbrief(Engine(dataclasses.replace(kleinkreis, tables={**kleinkreis.tables, "bevoelkerung": bev})), "SR1", 2023)
    bands = result.bevoelkerung.set_index(["jahr", result.bevoelkerung["altersgruppe"].astype(str)])["einwohner"]
    assert math.isnan(bands[(2023, "0 bis unter 18")])
    assert bands[(2023, "18 bis unter 21")] == 300
    assert bands[(2022, "0 bis unter 18")] == 1200
    assert result.hilfen["eckwert"].isna().all()
    assert not [a for a in result.aussagen if a.kennzahl.startswith(("eckwert", "ausgaben"))]
    assert result.aussagen[0].text == "Für 2023 lässt sich bei den Hilfen keine Kennzahl mit dem Kreiswert vergleichen."
    assert _row(result.indikatoren, "indikator", "bedarfsindex")["hinweis"] == "kein Bedarfsindex: Einwohnerzahl unbekannt"


def test_other_optionen(engine):
    """Per 10,000 under 18: SR1 5 / (800 + 400) × 10000 = 41,7 against 5 / 2820 × 10000 = 17,7: +135 %."""
    optionen = Optionen(nenner="u18", skala=10000, ausgaben_nenner="u18")
    result = steckbrief(engine, "SR1", 2023, optionen=optionen)
    assert result.optionen == optionen
    assert _row(result.hilfen, "hilfeart", "stationaer")["eckwert"] == pytest.approx(5 / 1200 * 10000)
    assert result.aussagen[0].kennzahl == "eckwert_je_10000_u18"
    assert result.aussagen[0].text == ("Die Inanspruchnahme stationärer Hilfen zur Erziehung liegt 135 % über dem Kreiswert "
                                       "(Eckwert 41,7 gegenüber 17,7 je 10.000 unter 18-Jährige).")
    assert result.aussagen[1].text.endswith("(125,00 € gegenüber 53,19 € je Einwohner unter 18 Jahren).")


@pytest.mark.parametrize("raum_id, jahr, ebene, message", [
    ("SR9", 2023, "sozialraum", "Gebiet 'SR9'"),
    ("SR1", 2019, "sozialraum", "Für 2019 liegen keine Daten vor"),
    ("SR1", 2023, "gemeinde", "Unbekannte Ebene"),
])
def test_unknown_area_or_year(engine, raum_id, jahr, ebene, message):
    with pytest.raises(ValueError, match=message):
        steckbrief(engine, raum_id, jahr, ebene)


# --- every figure of every sentence is a figure of the named table ------------------------
_ZAHL = re.compile(r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?")


def _figures(text: str) -> list[str]:
    """The numbers a sentence states, without the words around them (class name, §, year, scale, ages)."""
    text = re.sub(r"„[^“]*“|§ 35a|gegenüber \d{4}|je [\d.]+ |(?:unter|bis) \d+", "", text)
    return _ZAHL.findall(text)


def _check_traceable(result, schwelle: str = "20") -> None:  # noqa: ANN001
    tables = {"hilfen": (result.hilfen, "hilfeart"), "indikatoren": (result.indikatoren, "indikator")}
    for aussage in result.alle_aussagen:
        # A sentence on a part of another year names that year ("Stand 2023"), the part's year.
        stand = re.search(r"Stand (\d{4})", aussage.text)
        if stand:
            assert int(stand[1]) == result.jahre[aussage.tabelle] != result.jahr, aussage.text
        figures = _figures(re.sub(r"Stand \d{4}", "", aussage.text))
        if not aussage.spalten:
            assert figures in ([], [schwelle]), aussage.text
            continue
        frame, key = tables[aussage.tabelle]
        row = _row(frame, key, aussage.hilfeart if aussage.tabelle == "hilfen" else aussage.kennzahl)
        assert len(figures) == len(aussage.spalten), aussage.text
        for figure, spalte in zip(figures, aussage.spalten):
            value = row[spalte]
            decimals = len(figure.split(",")[1]) if "," in figure else 0
            shown = format_number(abs(value) if spalte.endswith("_prozent") else value, decimals)
            assert figure == shown, f"{aussage.text}: {figure} ≠ {spalte} {shown}"
        own = next(s for s in aussage.spalten if not s.endswith(("_prozent", "_kreis", "_vorjahr")))
        assert aussage.wert == row[own]
        if aussage.tabelle == "hilfen" and not math.isnan(aussage.kreiswert):
            assert aussage.kreiswert == row[aussage.spalten[2]] > 0
            assert aussage.abweichung_prozent == row[aussage.spalten[0]]
            assert (" über dem Kreiswert" in aussage.text) == (aussage.abweichung_prozent > 0)


def test_every_figure_is_traceable_on_the_kleinkreis(engine):
    checked = 0
    for ebene in ("sozialraum", "planungsraum", "kreis"):
        for raum_id in engine.areas(ebene):
            for jahr in engine.jahre:
                for schwelle in (0.2, 0.01):
                    result = steckbrief(engine, raum_id, jahr, ebene, schwelle=schwelle, max_aussagen=99)
                    _check_traceable(result, format_number(schwelle * 100))
                    checked += len(result.aussagen)
    assert checked > 100


def test_every_figure_is_traceable_on_the_demo(demo_engine):
    checked = 0
    for raum_id in demo_engine.areas("sozialraum"):
        for jahr in (demo_engine.jahre[0], *demo_engine.jahre[-2:]):  # first year: no trend sentence
            result = steckbrief(demo_engine, raum_id, jahr)
            _check_traceable(result)
            deviations = [a for a in result.aussagen if a.kennzahl in ("eckwert_je_1000_u21", "ausgaben_je_jugendeinwohner_u21")]
            assert len(deviations) <= 5
            assert [abs(a.abweichung_prozent) for a in deviations] == sorted((abs(a.abweichung_prozent) for a in deviations),
                                                                              reverse=True)
            checked += len(result.aussagen)
    for raum_id in demo_engine.areas("planungsraum")[:5]:
        _check_traceable(steckbrief(demo_engine, raum_id, demo_engine.jahre[-1], "planungsraum", max_aussagen=99))
    assert checked > 100
