"""The Steckbrief's sentences follow its tables (issue 14), against values worked out by hand.

"Kleinstadt" (written below into a temporary folder): four Planungsräume, two named "Heerstraße"
in different Sozialräume; population for 2021–2023 only, social indicators for 2020 only.

  P1 Heerstraße (Nord): under 21 = 800 + 200 = 1000   P2 Mitte (Nord):        400 + 100 = 500
  P3 Heerstraße (Süd):              800 + 200 = 1000   P4 Hafen (Süd):         400 + 100 = 500
  Kreis under 21: 3000.
  Cases: § 34 Heimerziehung, ongoing since 01.01.2021: two in P1, one in P3 (no costs).
  Eckwert Hilfen gesamt (= stationär) 2021–2023: P1 2 / 1000 × 1000 = 2,0; P2 0,0; P3 1,0; P4 0,0;
  Kreis 3 / 3000 × 1000 = 1,0. P1 +100 %, P2 and P4 −100 %, P3 0 %. Ambulant, teilstationär and
  § 35a have no case in the Kreis (value 0): no base for a percentage.
  Indicators 2020 (no population in 2020: the Kreis value is the plain mean of the four):
    sgb2_quote (%):  P1 12,5  P2 11,5  P3 9  P4 7   -> Kreis 40 / 4 = 10:  P1 +25 %, P2 +15 %, P3 −10 %, P4 −30 %
    arbeitslose ( ): P1 6     P2 4     P3 5  P4 5   -> Kreis 20 / 4 = 5:   P1 +20 %, P2 −20 %, P3 0 %,   P4 0 %
  (6 / 5 − 1 is 0.19999999999999996 in binary: still 20 %, stated as for the Eckwerte.)

The Kleinkreis (tests/conftest.py) keeps its Eckwert sentences; its indicators of SR1 Nord in 2023:
  sgb2_quote  SR1 (10 × 5000 + 20 × 2000) / 7000 = 12,857 against the Kreis 405000 / 17150 = 23,615: −45,6 % -> "46 %"
  wohnflaeche SR1 (50 × 5000 + 40 × 2000) / 7000 = 47,143 against 630000 / 17000 = 37,059:         +27,2 % -> "27 %"
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import pytest

from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.formatting import format_number
from sozialraum_analytics.kennzahlen import Engine
from sozialraum_analytics.steckbrief import aussagen, aussagen_sozialstruktur, gezeigtes_jahr, steckbrief

from .test_steckbrief import NORD_2023

ZUORDNUNG = """raum_id;name;sozialraum_id;sozialraum_name
11000001;Heerstraße;S1;Nord
11000002;Mitte;S1;Nord
11000003;Heerstraße;S2;Süd
11000004;Hafen;S2;Süd
"""
EINWOHNER = {"11000001": (800, 200, 4000), "11000002": (400, 100, 1500), "11000003": (800, 200, 3000),
             "11000004": (400, 100, 1500)}
FAELLE = """fall_id;raum_id;hilfeart;setting;beginn;ende
F1;11000001;§ 34;stationär;01.01.2021;
F2;11000001;§ 34;stationär;01.01.2021;
F3;11000003;§ 34;stationär;01.01.2021;
"""
INDIKATOREN = {"11000001": (12.5, 6), "11000002": (11.5, 4), "11000003": (9, 5), "11000004": (7, 5)}
P1, P2, P3, P4 = "11000001", "11000002", "11000003", "11000004"

STATIONAER_P1 = ("Die Inanspruchnahme stationärer Hilfen zur Erziehung liegt 100 % über dem Kreiswert "
                 "(Eckwert 2,0 gegenüber 1,0 je 1.000 unter 21-Jährige).")
GESAMT_P1 = ("Die Inanspruchnahme der Hilfen gesamt liegt 100 % über dem Kreiswert "
             "(Eckwert 2,0 gegenüber 1,0 je 1.000 unter 21-Jährige).")
TREND_P1 = "Der Eckwert der Hilfen gesamt ist gegenüber 2022 etwa gleich geblieben (von 2,0 auf 2,0 je 1.000 unter 21-Jährige)."


def _schreiben(ordner: Path, insgesamt: bool = False) -> Path:
    ordner.mkdir(parents=True, exist_ok=True)
    (ordner / "zuordnung.csv").write_text(ZUORDNUNG, encoding="utf-8")
    (ordner / "faelle.csv").write_text(FAELLE, encoding="utf-8")
    zeilen = ["jahr;raum_id;altersgruppe;anzahl"]
    for jahr in (2021, 2022, 2023):
        for raum, (u18, u21, rest) in EINWOHNER.items():
            if insgesamt:
                zeilen.append(f"{jahr};{raum};insgesamt;{u18 + u21 + rest}")
            else:
                zeilen += [f"{jahr};{raum};unter 18;{u18}", f"{jahr};{raum};18 bis unter 21;{u21}",
                           f"{jahr};{raum};21 und älter;{rest}"]
    (ordner / "bevoelkerung.csv").write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    zeilen = ["jahr;raum_id;indikator;wert;einheit;richtung"]
    for raum, (quote, arbeitslose) in INDIKATOREN.items():
        zeilen += [f"2020;{raum};sgb2_quote;{format_number(quote, 1)};%;hoch=bedarf",
                   f"2020;{raum};arbeitslose;{format_number(arbeitslose, 0)};;hoch=bedarf"]
    (ordner / "indikatoren.csv").write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    return ordner


@pytest.fixture(scope="module")
def stadt(tmp_path_factory):
    return load_folder(_schreiben(tmp_path_factory.mktemp("kleinstadt")))


@pytest.fixture(scope="module")
def stadt_engine(stadt):
    """The years of the population (2021–2023): the indicators of 2020 are shown where 2023 is chosen."""
    return Engine(stadt)


@pytest.fixture(scope="module")
def stadt_2020(stadt):
    """2020 chosen as in the issue: cases and indicators, but no population (no Eckwert)."""
    return Engine(stadt, jahre=[2020, 2021, 2022, 2023])


def _texte(result) -> list[str]:  # noqa: ANN001
    return [a.text for a in result.alle_aussagen]


# --- the hand-worked tables -----------------------------------------------------------------------
@pytest.mark.parametrize("raum, indikator, wert, kreis, prozent", [
    (P1, "sgb2_quote", 12.5, 10.0, 25.0),
    (P2, "sgb2_quote", 11.5, 10.0, 15.0),
    (P4, "sgb2_quote", 7.0, 10.0, -30.0),
    (P1, "arbeitslose", 6.0, 5.0, 20.0),
    (P3, "arbeitslose", 5.0, 5.0, 0.0),
])
def test_indicator_table_of_2020_by_hand(stadt_engine, raum, indikator, wert, kreis, prozent):
    result = steckbrief(stadt_engine, raum, 2023, "planungsraum")
    row = result.indikatoren.set_index("indikator").loc[indikator]
    assert (row["wert"], row["kreiswert"]) == pytest.approx((wert, kreis))
    assert row["abweichung"] == pytest.approx(wert - kreis)
    assert row["abweichung_prozent"] == pytest.approx(prozent)


def test_each_part_shows_its_year_and_says_so(stadt_engine):
    result = steckbrief(stadt_engine, P1, 2023, "planungsraum")
    assert result.jahre == {"hilfen": 2023, "indikatoren": 2020, "bevoelkerung": 2023}
    assert result.hinweise["indikatoren"] == ("Für 2023 gibt es keine Sozialstrukturindikatoren; gezeigt wird 2020 "
                                              "(Werte gibt es für 2020).")
    assert result.hinweise["hilfen"] == result.hinweise["hilfen_diagramm"] == result.hinweise["bevoelkerung"] == ""
    assert result.hilfen.set_index("hilfeart").at["gesamt", "eckwert"] == pytest.approx(2.0)


def test_unique_labels_for_areas_of_the_same_name(stadt_engine):
    names = {r: steckbrief(stadt_engine, r, 2023, "planungsraum").raum_name for r in (P1, P3)}
    assert names[P1] != names[P3]
    assert names[P1].startswith("Heerstraße") and "Nord" in names[P1] and "Süd" in names[P3]


# --- the sentences --------------------------------------------------------------------------------
@pytest.mark.parametrize("raum, expected", [
    # 25 % and 20 % above: stated, largest first, with the year of the indicators.
    (P1, [GESAMT_P1, STATIONAER_P1, TREND_P1,
          "Der Indikator „sgb2_quote“ liegt 25 % über dem Kreiswert (12,5 % gegenüber 10,0 %; Stand 2020).",
          "Der Indikator „arbeitslose“ liegt 20 % über dem Kreiswert (6,00 gegenüber 5,00; Stand 2020)."]),
    # sgb2_quote 15 % above: not stated; arbeitslose 20 % below: stated.
    (P2, ["Die Inanspruchnahme der Hilfen gesamt liegt 100 % unter dem Kreiswert "
          "(Eckwert 0,0 gegenüber 1,0 je 1.000 unter 21-Jährige).",
          "Die Inanspruchnahme stationärer Hilfen zur Erziehung liegt 100 % unter dem Kreiswert "
          "(Eckwert 0,0 gegenüber 1,0 je 1.000 unter 21-Jährige).",  # no trend: the previous year's value is 0
          "Der Indikator „arbeitslose“ liegt 20 % unter dem Kreiswert (4,00 gegenüber 5,00; Stand 2020)."]),
    # Nothing deviates in either kind, but they are of different years: each kind says it of itself.
    (P3, ["Bei den Hilfen weicht keine Kennzahl um 20 % oder mehr vom Kreiswert ab.",
          "Der Eckwert der Hilfen gesamt ist gegenüber 2022 etwa gleich geblieben (von 1,0 auf 1,0 je 1.000 unter 21-Jährige).",
          "Keiner der Sozialstrukturindikatoren weicht um 20 % oder mehr vom Kreiswert ab (Stand 2020)."]),
])
def test_sentences_of_2023_with_indicators_of_2020(stadt_engine, raum, expected):
    result = steckbrief(stadt_engine, raum, 2023, "planungsraum")
    texts = [t for t in _texte(result) if not t.startswith("Der Bedarfsindex")]
    assert texts == expected


def test_the_issue_case_2020_compares_the_indicators(stadt_2020):
    """2020: the helps have counts but no Eckwert (no population); the indicators compare with the Kreis.
    The summary must not say that nothing can be compared."""
    result = steckbrief(stadt_2020, P1, 2020, "planungsraum")
    assert result.jahre == {"hilfen": 2020, "indikatoren": 2020, "bevoelkerung": 2023}
    assert result.hilfen["eckwert"].isna().all()
    assert _texte(result)[:3] == [
        "Für 2020 lässt sich bei den Hilfen keine Kennzahl mit dem Kreiswert vergleichen.",
        "Der Indikator „sgb2_quote“ liegt 25 % über dem Kreiswert (12,5 % gegenüber 10,0 %).",
        "Der Indikator „arbeitslose“ liegt 20 % über dem Kreiswert (6,00 gegenüber 5,00).",
    ]
    assert not any("lässt sich keine Kennzahl" in t for t in _texte(result))
    assert result.hinweise["hilfen_diagramm"] == "Keine Eckwerte: für 2020 gibt es keine Bevölkerung nach Alter."
    assert result.hinweise["bevoelkerung"] == "Für 2020 gibt es keine Bevölkerung nach Alter; das Diagramm zeigt 2021–2023."


def test_the_bedarfsindex_sentence_names_the_year_of_the_indicators(stadt_engine):
    result = steckbrief(stadt_engine, P1, 2023, "planungsraum")
    index = result.indikatoren.set_index("indikator").loc["bedarfsindex"]
    satz = _texte(result)[-1]
    assert satz == f"Der Bedarfsindex liegt mit {format_number(index['wert'], 2)} in der Klasse „{index['klasse']}“ (Stand 2020)."


def test_kleinkreis_eckwert_sentences_unchanged_and_indicators_stated(nord):
    """The Eckwert sentences of Nord 2023 stay as they were; the two indicators 20 % or more off follow them."""
    assert tuple(a.text for a in nord.aussagen) == NORD_2023
    assert [a.text for a in nord.aussagen_sozialstruktur] == [
        "Der Indikator „sgb2_quote“ liegt 46 % unter dem Kreiswert (12,9 % gegenüber 23,6 %).",
        "Der Indikator „wohnflaeche“ liegt 27 % über dem Kreiswert (47,1 m² gegenüber 37,1 m²).",
    ]
    sgb2 = nord.aussagen_sozialstruktur[0]
    assert sgb2.abweichung_prozent == pytest.approx((90_000 / 7000) / (405_000 / 17_150) * 100 - 100)
    assert _texte(nord)[-1] == NORD_2023[-1]  # the Bedarfsindex closes the summary


@pytest.fixture(scope="module")
def nord(engine):
    return steckbrief(engine, "SR1", 2023)


def _leer(hilfen):  # noqa: ANN001, ANN202
    """The helps without any comparison (no Kreis value)."""
    return hilfen.assign(eckwert_kreis=math.nan, eckwert_abweichung_prozent=math.nan,
                         ausgaben_je_jugendeinwohner_kreis=math.nan,
                         ausgaben_je_jugendeinwohner_abweichung_prozent=math.nan, eckwert_veraenderung_prozent=math.nan)


@pytest.mark.parametrize("hilfen_vergleichbar, indikatoren, erster, sozial", [
    # Neither kind can be compared: one sentence for all.
    (False, "ohne_kreis", "Für 2023 lässt sich keine Kennzahl mit dem Kreiswert vergleichen.", []),
    # No indicator rows at all: as before.
    (False, "keine", "Für 2023 lässt sich keine Kennzahl mit dem Kreiswert vergleichen.", []),
    # Helps cannot be compared, the indicators can: say which.
    (False, "mit_kreis", "Für 2023 lässt sich bei den Hilfen keine Kennzahl mit dem Kreiswert vergleichen.",
     ["Der Indikator „sgb2_quote“ liegt 46 % unter dem Kreiswert (12,9 % gegenüber 23,6 %).",
      "Der Indikator „wohnflaeche“ liegt 27 % über dem Kreiswert (47,1 m² gegenüber 37,1 m²)."]),
    # Helps compare, the indicators cannot.
    (True, "ohne_kreis", NORD_2023[0],
     ["Für 2023 lässt sich keiner der Sozialstrukturindikatoren mit dem Kreiswert vergleichen."]),
])
def test_nothing_to_compare_in_one_kind(nord, hilfen_vergleichbar, indikatoren, erster, sozial):
    hilfen = nord.hilfen if hilfen_vergleichbar else _leer(nord.hilfen)
    ind = {"mit_kreis": nord.indikatoren, "keine": nord.indikatoren.iloc[:0],
           "ohne_kreis": nord.indikatoren.assign(kreiswert=math.nan, abweichung=math.nan, abweichung_prozent=math.nan)}
    ind = ind[indikatoren]
    assert aussagen(hilfen, ind, 2023)[0].text == erster
    assert [a.text for a in aussagen_sozialstruktur(hilfen, ind, 2023)] == sozial


def test_no_deviation_in_one_kind_does_not_speak_for_the_other(nord):
    """Helps within 200 %, an indicator beyond: "Keine der Kennzahlen" would contradict the indicator sentence."""
    ind = nord.indikatoren.copy()
    ind.loc[ind["indikator"] == "sgb2_quote", ["wert", "abweichung_prozent"]] = [70.845, 300.0]
    texts = [a.text for a in aussagen(nord.hilfen, ind, 2023, schwelle=2.0)]
    assert texts[0] == "Bei den Hilfen weicht keine Kennzahl um 200 % oder mehr vom Kreiswert ab."
    assert [a.text for a in aussagen_sozialstruktur(nord.hilfen, ind, 2023, schwelle=2.0)] == [
        "Der Indikator „sgb2_quote“ liegt 300 % über dem Kreiswert (70,8 % gegenüber 23,6 %)."]


@pytest.mark.parametrize("jahre, jahr, expected", [
    ([2020], 2023, (2020, "Für 2023 gibt es keine Werte; gezeigt wird 2020 (Werte gibt es für 2020).")),
    ([2021, 2022, 2023], 2020, (2023, "Für 2020 gibt es keine Werte; gezeigt wird 2023 (Werte gibt es für 2021–2023).")),
    ([2019, 2023], 2021, (2019, "Für 2021 gibt es keine Werte; gezeigt wird 2019 (Werte gibt es für 2019, 2023).")),
    ([2021, 2022], 2022, (2022, "")),
    ([], 2022, (2022, "")),
])
def test_gezeigtes_jahr(jahre, jahr, expected):
    assert gezeigtes_jahr(jahre, jahr, "Werte") == expected


# --- every figure of every sentence is a figure of its table --------------------------------------
_ZAHL = re.compile(r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?")


def _figures(text: str) -> list[str]:
    text = re.sub(r"„[^“]*“|§ 35a|gegenüber \d{4}|je [\d.]+ |(?:unter|bis) \d+|Stand \d{4}|Für \d{4}", "", text)
    return _ZAHL.findall(text)


def _check(result) -> int:  # noqa: ANN001
    tables = {"hilfen": (result.hilfen, "hilfeart"), "indikatoren": (result.indikatoren, "indikator")}
    for aussage in result.alle_aussagen:
        figures = _figures(aussage.text)
        if not aussage.spalten:
            assert len(figures) <= 1, aussage.text  # the threshold at most
            continue
        frame, key = tables[aussage.tabelle]
        row = frame[frame[key] == (aussage.hilfeart if aussage.tabelle == "hilfen" else aussage.kennzahl)]
        assert len(row) == 1, aussage.text
        row = row.iloc[0]
        assert len(figures) == len(aussage.spalten), aussage.text
        for figure, spalte in zip(figures, aussage.spalten):
            decimals = len(figure.split(",")[1]) if "," in figure else 0
            value = row[spalte]
            shown = format_number(abs(value) if spalte.endswith("_prozent") else value, decimals)
            assert figure == shown, f"{aussage.text}: {figure} ≠ {spalte} {shown}"
        if aussage.tabelle == "indikatoren" and not math.isnan(aussage.kreiswert):
            assert (" über dem Kreiswert" in aussage.text) == (row["abweichung_prozent"] > 0)
            assert abs(row["abweichung_prozent"]) >= 20 - 1e-9
    # Never "nothing to compare" while a table below compares.
    saetze = " ".join(a.text for a in result.alle_aussagen)
    if "lässt sich keine Kennzahl mit dem Kreiswert vergleichen" in saetze:
        assert result.hilfen["eckwert_abweichung_prozent"].isna().all()
        assert result.indikatoren["abweichung_prozent"].isna().all()
    return len(result.alle_aussagen)


def test_every_sentence_follows_its_table(engine, stadt_engine, stadt_2020):
    checked = 0
    for eng in (engine, stadt_engine, stadt_2020):
        for ebene in ("sozialraum", "planungsraum", "kreis"):
            for raum_id in eng.areas(ebene):
                for jahr in eng.jahre:
                    checked += _check(steckbrief(eng, raum_id, jahr, ebene))
    assert checked > 150


def test_every_sentence_follows_its_table_on_the_demo():
    from sozialraum_analytics.dataset import DEMO_DIR

    demo = Engine(load_folder(DEMO_DIR))
    assert sum(_check(steckbrief(demo, r, demo.jahre[-1])) for r in demo.areas("sozialraum")) > 30


# --- notes instead of empty charts, also in the PDF -----------------------------------------------
@pytest.fixture(scope="module")
def nur_insgesamt(tmp_path_factory):
    return Engine(load_folder(_schreiben(tmp_path_factory.mktemp("insgesamt"), insgesamt=True)))


def test_population_in_total_only_gives_notes_not_empty_charts(nur_insgesamt):
    from sozialraum_analytics.ausschussbericht import steckbrief_figuren, steckbrief_tabellen

    result = steckbrief(nur_insgesamt, P1, 2023, "planungsraum")
    assert list(result.bevoelkerung["altersgruppe"].astype(str).unique()) == ["insgesamt"]
    assert result.hinweise["bevoelkerung"] == "Keine Altersgruppen: die Bevölkerung liegt nur insgesamt vor."
    assert result.hinweise["hilfen_diagramm"] == "Keine Eckwerte: die Bevölkerung liegt nur insgesamt vor, ohne Altersgruppen."
    assert steckbrief_figuren(result, "Kleinstadt") == {}
    tabellen = {t.titel: t for t in steckbrief_tabellen(nur_insgesamt, result)}
    bev = tabellen["Bevölkerung 2023"]
    assert bev.daten.to_dict("list") == {"Altersgruppe": ["insgesamt"], "Einwohner": [5000]}
    assert bev.hinweis == "Keine Altersgruppen: die Bevölkerung liegt nur insgesamt vor."
    assert "Keine Eckwerte" in tabellen["Hilfen im Vergleich zum Kreis 2023"].hinweis
    assert "gezeigt wird 2020" in tabellen["Sozialstruktur und Bedarfsindex 2020"].hinweis


def test_the_pdf_has_no_empty_chart_and_says_what_is_missing(nur_insgesamt):
    from pypdf import PdfReader

    from sozialraum_analytics import export
    from sozialraum_analytics.ausschussbericht import steckbrief_bericht

    sb = steckbrief_bericht(nur_insgesamt, "S1", 2023)
    assert sb.figuren == {}
    reader = PdfReader(io.BytesIO(export.steckbrief_pdf(sb, bilder_png={})))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert sum(len(p.images) for p in reader.pages) == 0
    for satz in ("Keine Altersgruppen: die Bevölkerung liegt nur insgesamt vor.",
                 "Für 2023 lässt sich bei den Hilfen keine Kennzahl mit dem Kreiswert vergleichen.",
                 "Für 2023 gibt es keine Sozialstrukturindikatoren; gezeigt wird 2020"):
        assert satz in text


def test_public_view_keeps_its_protection(stadt):
    """Counts of 1 to 4 are "•" in the public Steckbrief; no sentence states a figure of a withheld cell."""
    from sozialraum_analytics.ausschussbericht import steckbrief_bericht
    from sozialraum_analytics.geheimhaltung import GESPERRT
    from sozialraum_analytics.oeffentlich import Schutz

    oeffentlich = Engine(stadt, schutz=Schutz())
    sb = steckbrief_bericht(oeffentlich, "S1", 2023)
    counts = list(sb.tabellen[0].daten["Inanspruchnahme"])
    assert GESPERRT in counts and not [v for v in counts if isinstance(v, int) and 1 <= v <= 4]
    profil = steckbrief(oeffentlich, "S1", 2023)
    withheld = {h for h, v in zip(profil.hilfen["hilfeart"], counts) if v == GESPERRT}
    assert not [a for a in profil.alle_aussagen if a.hilfeart in withheld]
    assert sb.kopf.oeffentlich
