"""The Übersicht for every kind of Kreis (issue 14): the package's choices (sozialraum_analytics.uebersicht)
and the page (AppTest) on indicators only, indicators with population of other years, estimated
population, missing costs, many areas and the public view."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics.bedarfsindex import Klasseneinteilung
from sozialraum_analytics.dataset import KREIS_ID, load_folder
from sozialraum_analytics.kennzahlen import Engine, Optionen
from sozialraum_analytics.uebersicht import (
    bedarfsuebersicht,
    indikatoren_uebersicht,
    jahr_fuer_wert,
    jahre_mit_wert,
    nenner_schaetzung,
)

from .test_pages import KLEINKREIS, metric, no_exception, open_page, plotly_specs, texts

UEBERSICHT = "pages/uebersicht.py"
ROOT = Path(__file__).resolve().parents[1]


# --- folders ----------------------------------------------------------------------------------------
def _nur_indikatoren(ordner: Path) -> Path:
    shutil.copy(KLEINKREIS / "indikatoren.csv", ordner / "indikatoren.csv")
    return ordner


def _indikatoren_2020_bevoelkerung_2021_2022(ordner: Path) -> Path:
    """The shape of the issue's city: indicators for 2020 only, population for 2021 and 2022, no cases."""
    indikatoren = (KLEINKREIS / "indikatoren.csv").read_text(encoding="utf-8-sig").replace("2023;", "2020;")
    (ordner / "indikatoren.csv").write_text(indikatoren, encoding="utf-8")
    bevoelkerung = pd.read_csv(KLEINKREIS / "bevoelkerung.csv", dtype=str, encoding="utf-8-sig")
    bevoelkerung = bevoelkerung[bevoelkerung["Jahr"] != "2024"]
    bevoelkerung["Jahr"] = bevoelkerung["Jahr"].map({"2022": "2021", "2023": "2022"})
    bevoelkerung.to_csv(ordner / "bevoelkerung.csv", index=False)
    shutil.copy(KLEINKREIS / "zuordnung.csv", ordner / "zuordnung.csv")
    return ordner


# Official age groups: "unter 21" = unter 18 + 18 bis unter 20 + 1/5 of 20 bis unter 25.
AMTLICH = {"08111001": (800, 140, 300, 3960), "08111002": (400, 70, 150, 1400),
           "08111003": (1600, 280, 600, 7500), "08111004": (20, 7, 15, 110)}


def _amtliche_altersgruppen(ordner: Path) -> Path:
    for name in ("faelle.csv", "zuordnung.csv"):
        shutil.copy(KLEINKREIS / name, ordner / name)
    zeilen = ["jahr;raum_id;altersgruppe;anzahl"]
    for jahr in (2022, 2023, 2024):
        for raum, anzahlen in AMTLICH.items():
            for gruppe, anzahl in zip(("unter 18", "18 bis unter 20", "20 bis unter 25", "25 und älter"), anzahlen):
                zeilen.append(f"{jahr};{raum};{gruppe};{anzahl}")
    (ordner / "bevoelkerung.csv").write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    return ordner


@pytest.fixture
def ordner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A folder made by one of the builders above, served to the app."""
    def make(builder) -> Path:  # noqa: ANN001
        folder = builder(tmp_path)
        monkeypatch.setenv("SOZIALRAUM_DATEN", str(folder))
        return folder
    return make


# --- the package ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("jahre", "jahr", "erwartet"), [
    ([2020, 2021, 2022], 2021, 2021),  # the chosen year has values
    ([2020], 2023, 2020),  # indicators 2020, sidebar 2023
    ([2019, 2022], 2021, 2019),  # the latest earlier year, not a later one
    ([2025], 2023, 2025),  # only later years: the latest
    ([2022, 2023], None, 2023),
    ([], 2023, None),  # no year: the tile is left out
])
def test_jahr_fuer_wert(jahre: list[int], jahr: int | None, erwartet: int | None) -> None:
    assert jahr_fuer_wert(jahre, jahr) == erwartet


def test_the_costs_of_the_fixture_exist_for_2023_only() -> None:
    kreis = Engine(load_folder(KLEINKREIS)).table("kreis")
    assert jahre_mit_wert(kreis, KREIS_ID, "gesamt", "ausgaben") == [2023]
    assert jahre_mit_wert(kreis, KREIS_ID, "gesamt", "inanspruchnahme") == [2022, 2023, 2024]
    assert jahre_mit_wert(kreis, KREIS_ID, "gesamt", "gibt_es_nicht") == []
    assert jahre_mit_wert(None, KREIS_ID, "gesamt", "ausgaben") == []


@pytest.mark.parametrize(("nenner", "anteile"), [
    ("u21", (("20 bis unter 25 Jahre", Fraction(1, 5)),)),
    ("18_21", (("20 bis unter 25 Jahre", Fraction(1, 5)),)),
    ("u18", None),  # unter 18 is a group of its own: exact
])
def test_a_denominator_from_official_age_groups_is_estimated(tmp_path: Path, nenner: str, anteile) -> None:  # noqa: ANN001
    dataset = load_folder(_amtliche_altersgruppen(tmp_path))
    schaetzung = nenner_schaetzung(dataset, nenner, 2023)
    if anteile is None:
        assert schaetzung is None
    else:
        assert schaetzung.anteile == anteile
        assert "1/5 der Altersgruppe „20 bis unter 25 Jahre“" in schaetzung.text
        assert "(2023)" in schaetzung.text


def test_exact_age_groups_and_missing_years_are_not_estimated() -> None:
    dataset = load_folder(KLEINKREIS)  # unter 18, 18 bis unter 21, 21 und älter
    assert all(nenner_schaetzung(dataset, n, 2023) is None for n in ("u21", "u18", "18_21"))
    assert nenner_schaetzung(dataset, "u21", 1990) is None
    assert nenner_schaetzung(dataset, "u21", None) is None


def test_the_bedarfsindex_at_a_glance_counts_the_classes_and_ranks_by_id() -> None:
    """sgb2_quote 10, 20, 30, 100 and wohnflaeche 50, 40, 30, • (Waldgebiet lacks one: no index).
    Index Cedorf +1,22 (hoch), Bedorf 0 (durchschnittlich), Adorf −1,22 (niedrig)."""
    bedarf = bedarfsuebersicht(Engine(load_folder(KLEINKREIS)), "planungsraum", 2023)
    assert bedarf.jahr == 2023
    assert list(bedarf.gebiete["raum_id"]) == ["08111003", "08111002", "08111001", "08111004"]
    assert list(bedarf.gebiete["name"]) == ["Cedorf", "Bedorf", "Adorf", "Waldgebiet"]
    np.testing.assert_allclose(bedarf.gebiete["bedarfsindex"].iloc[:3], [1.224745, 0.0, -1.224745], atol=1e-6)
    assert bedarf.ohne_index == 1
    assert list(bedarf.spitze(2)["raum_id"]) == ["08111003", "08111002"]
    pd.testing.assert_frame_equal(bedarf.klassen, pd.DataFrame({
        "klasse": range(1, 5), "name": ["niedrig", "durchschnittlich", "erhöht", "hoch"],
        "bereich": ["unter −1", "−1 bis 0", "über 0 bis +1", "über +1"], "anzahl": [1, 1, 0, 1]}))


def test_the_bedarfsindex_classes_carry_the_kreis_names() -> None:
    einteilung = Klasseneinteilung((-0.5, 0.5), ("gering", "mittel", "stark"))
    bedarf = bedarfsuebersicht(Engine(load_folder(KLEINKREIS), Optionen(einteilung=einteilung)), "planungsraum", 2023)
    assert list(bedarf.klassen["name"]) == ["gering", "mittel", "stark"]
    assert list(bedarf.klassen["anzahl"]) == [1, 1, 1]
    assert list(bedarf.gebiete["klasse_label"].iloc[:3]) == ["stark", "mittel", "gering"]


def test_no_index_without_indicators_of_that_year() -> None:
    engine = Engine(load_folder(KLEINKREIS))
    assert bedarfsuebersicht(engine, "planungsraum", 2022) is None
    assert bedarfsuebersicht(engine, "planungsraum", None) is None


def test_the_indicators_show_their_own_year(tmp_path: Path) -> None:
    engine = Engine(load_folder(_indikatoren_2020_bevoelkerung_2021_2022(tmp_path)))
    assert engine.jahre == [2021, 2022]
    tabelle = indikatoren_uebersicht(engine, "planungsraum", 2022).set_index("indikator")
    assert list(tabelle["jahr"]) == [2020, 2020]
    sgb2 = tabelle.loc["sgb2_quote"]
    assert (sgb2["minimum"], sgb2["median"], sgb2["maximum"], sgb2["gebiete"]) == (10, 25, 100, 4)
    assert sgb2["hoechster_raum_id"] == "08111004"
    # No population of 2020: the Kreis value is the plain mean of the areas.
    assert sgb2["kreiswert"] == pytest.approx(40.0)
    wohnflaeche = tabelle.loc["wohnflaeche"]
    assert (wohnflaeche["gebiete"], wohnflaeche["richtung"], wohnflaeche["hoechster_raum_id"]) == (3, "niedrig",
                                                                                                     "08111001")


# --- the page ---------------------------------------------------------------------------------------
def _frame(at, spalte: str) -> pd.DataFrame:  # noqa: ANN001
    """The first table on the page with the column ``spalte``."""
    for element in at.dataframe:
        if spalte in element.value.columns:
            return element.value
    raise AssertionError(f"keine Tabelle mit der Spalte {spalte!r}: {[list(e.value.columns) for e in at.dataframe]}")


def _chart(at, titel: str) -> dict:  # noqa: ANN001
    specs = [s for s in plotly_specs(at) if s["layout"]["title"]["text"].startswith(titel)]
    assert specs, [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    return specs[0]


def _keine_striche(at) -> None:  # noqa: ANN001
    assert not [m.label for m in at.metric if m.value == "–"], [(m.label, m.value) for m in at.metric]


def test_an_indicator_only_kreis_shows_the_index_and_the_indicators(ordner) -> None:  # noqa: ANN001
    ordner(_nur_indikatoren)
    at = open_page(UEBERSICHT)
    no_exception(at)
    assert not at.metric  # no tile at all rather than a set of dashes
    infos = [i.value for i in at.info]
    fehlt = [i for i in infos if i.startswith("**Nicht geladen:**")]
    assert len(fehlt) == 1, infos  # one note on what is missing
    assert "Fälle (Einzelfalldaten) oder Fallzahlen (aggregiert)" in fehlt[0] and "Bevölkerung" in fehlt[0]
    # Without the assignment there are no Sozialräume: the planning view shows the Planungsräume.
    assert "gezeigt werden die Planungsräume" in texts(at)
    assert "Bedarfsindex der Planungsräume im Jahr 2023" in texts(at)
    klassen = _chart(at, "Planungsräume je Bedarfsklasse 2023")
    assert klassen["layout"]["xaxis"]["ticktext"] == ["niedrig<br>(unter −1)", "durchschnittlich<br>(−1 bis 0)",
                                                      "erhöht<br>(über 0 bis +1)", "hoch<br>(über +1)"]
    assert [t for t in klassen["data"][0]["text"]] == ["1", "1", "0", "1"]
    index = _frame(at, "Bedarfsindex")
    assert list(index.index) == ["08111003", "08111002", "08111001", "08111004"]  # keyed by id
    assert list(index["Bedarfsklasse"].iloc[:3]) == ["hoch", "durchschnittlich", "niedrig"]
    indikatoren = _frame(at, "Indikator")
    assert list(indikatoren["Jahr"]) == ["2023", "2023"]
    assert list(indikatoren["Maximum"]) == ["100,0", "50,0"]


def test_indicators_and_population_of_other_years_show_the_indicator_year(ordner) -> None:  # noqa: ANN001
    """The acceptance test of issue 14: indicators for 2020, population for 2021–2022, the sidebar on 2022."""
    ordner(_indikatoren_2020_bevoelkerung_2021_2022)
    at = open_page(UEBERSICHT, {"ebene": "planungsraum"})
    no_exception(at)
    assert at.selectbox(key="auswahl_jahr").value == 2022
    page = texts(at)
    assert "Bedarfsindex der Planungsräume im Jahr 2020" in page
    assert "Für 2022 gibt es keine Werte von „Bedarfsindex“; gezeigt wird 2020" in page.replace("\\", "")
    _chart(at, "Planungsräume je Bedarfsklasse 2020")
    index = _frame(at, "Bedarfsindex")
    assert list(index["Planungsraum"].iloc[:3]) == ["Cedorf", "Bedorf", "Adorf"]
    assert list(_frame(at, "Indikator")["Jahr"]) == ["2020", "2020"]
    # The population is there: its tile, no dashes for the case figures.
    assert metric(at, "Bevölkerung unter 21").value == "3.530"
    assert [m.label for m in at.metric] == ["Bevölkerung unter 21 Jahre"]
    _keine_striche(at)


def test_the_under_21_tile_says_it_is_estimated(ordner) -> None:  # noqa: ANN001
    ordner(_amtliche_altersgruppen)
    at = open_page(UEBERSICHT, {"jahr": "2023"})
    no_exception(at)
    # 2,820 + 497 + 1/5 × 1,065 = 3,530
    bevoelkerung = metric(at, "Bevölkerung unter 21 Jahre")
    assert bevoelkerung.label == "Bevölkerung unter 21 Jahre (geschätzt)"
    assert bevoelkerung.value == "3.530"
    assert metric(at, "Eckwert je 1.000 unter 21 Jahre").label.endswith("(Näherung)")
    assert "1/5 der Altersgruppe „20 bis unter 25 Jahre“" in texts(at)
    assert metric(at, "Inanspruchnahme gesamt").label == "Inanspruchnahme gesamt"
    # Under 18 is an official group of its own: exact, no mark.
    at = open_page(UEBERSICHT, {"jahr": "2023", "nenner": "u18"})
    no_exception(at)
    assert metric(at, "Bevölkerung unter 18 Jahre").label == "Bevölkerung unter 18 Jahre"
    assert "geschätzt" not in texts(at).lower()


def test_tiles_without_data_are_left_out_with_one_note(subset) -> None:  # noqa: ANN001
    subset("zuordnung.csv", "bevoelkerung.csv", "faelle.csv", "indikatoren.csv")  # no costs
    at = open_page(UEBERSICHT, {"jahr": "2023"})
    no_exception(at)
    assert [m.label for m in at.metric] == ["Inanspruchnahme gesamt", "Eckwert je 1.000 unter 21 Jahre",
                                            "Anteil stationär (HzE)", "Inobhutnahmen (§ 42)",
                                            "Bevölkerung unter 21 Jahre"]
    _keine_striche(at)
    notes = [i.value for i in at.info if "Ausgaben" in i.value]
    assert notes == ["**Nicht geladen:** Ausgaben. Deshalb fehlen hier die Ausgaben (gesamt, je Einwohner, je Hilfe). "
                     "Die Seite **Datenbestand** zeigt, was jede Tabelle ermöglicht."]


def test_a_tile_without_values_in_the_chosen_year_shows_its_latest_year(kleinkreis_ordner: Path) -> None:
    at = open_page(UEBERSICHT, {"jahr": "2024"})  # the costs end in 2023
    no_exception(at)
    assert metric(at, "Inanspruchnahme gesamt").label == "Inanspruchnahme gesamt"
    ausgaben = metric(at, "Ausgaben gesamt")
    assert ausgaben.label == "Ausgaben gesamt (2023)"
    assert ausgaben.value.startswith("233.50")
    assert "Eine Jahreszahl in Klammern: für 2024 gibt es dazu keine Werte" in texts(at)
    _keine_striche(at)


@pytest.fixture(scope="module")
def stadt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generator of issue 14 with 200 Planungsräume: cases 2019–2023, population 2021–2023, indicators 2020."""
    from benchmarks.generate import write_grosse_stadt

    return write_grosse_stadt(tmp_path_factory.mktemp("stadt"), areas=200, sozialraeume=20)


def test_many_areas_a_short_chart_and_tables_keyed_by_id(monkeypatch: pytest.MonkeyPatch, stadt: Path) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(stadt))
    at = open_page(UEBERSICHT, {"ebene": "planungsraum", "jahr": "2023"})
    no_exception(at)
    zuordnung = pd.read_csv(stadt / "zuordnung.csv", sep=";", dtype=str)
    names = load_folder(stadt).area_names()
    # The table keeps all areas (it scrolls), keyed by id, labelled uniquely.
    gebiete = _frame(at, "Inanspruchnahme")
    assert len(gebiete) == 200 and set(gebiete.index) == set(zuordnung["raum_id"])
    assert gebiete["Planungsraum"].is_unique
    assert list(gebiete["Planungsraum"]) == [names[r] for r in gebiete.index]
    assert sum(n.startswith("Heerstraße (") for n in gebiete["Planungsraum"]) == 2
    # The chart shows the 15 highest, keyed by id, with the labels as ticks.
    ranking = _chart(at, "Eckwert je 1.000 unter 21 Jahre, Hilfen gesamt 2023")
    bars = ranking["data"][0]
    assert len(bars["y"]) == 15 and ranking["layout"]["yaxis"]["type"] == "category"
    assert list(bars["y"]) == list(gebiete.index[:15])  # top to bottom (the axis is reversed)
    assert ranking["layout"]["yaxis"]["tickvals"] == bars["y"]
    # Needs: the indicator year (2020) while the sidebar says 2023; top 10 and all in an expander.
    assert "Bedarfsindex der Planungsräume im Jahr 2020" in texts(at)
    top = _frame(at, "Bedarfsindex")
    assert len(top) == 10 and top["Bedarfsindex"].is_monotonic_decreasing
    assert [e.label for e in at.expander] == ["Alle 200 Planungsräume mit Bedarfsindex"]
    alle = [e.value for e in at.dataframe if "Bedarfsindex" in e.value.columns][1]
    assert len(alle) == 200 and list(alle.index[:10]) == list(top.index)
    assert set(_frame(at, "Indikator")["Jahr"]) == {"2020"}


def test_the_public_view_keeps_its_protection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(KLEINKREIS))
    at = open_page(UEBERSICHT, {"jahr": "2024", "ebene": "planungsraum"}, angemeldet=False)
    no_exception(at)
    # An average on fewer than 10 cases is withheld: "•", not a gap and not a dash.
    assert metric(at, "Kosten je Hilfe").value == "•"
    assert metric(at, "Anteil stationär").value == "•"
    _keine_striche(at)
    gebiete = _frame(at, "Inanspruchnahme")
    assert list(gebiete.index) == ["SR1", "SR2"] and list(gebiete.columns[:2]) == ["Sozialraum", "Inanspruchnahme"]
    assert not gebiete["Inanspruchnahme"].astype(str).isin(["1", "2", "3", "4"]).any()
    # The Bedarfsindex is shown for the Sozialräume only (no Planungsräume in the public view).
    assert "Bedarfsindex der Sozialräume im Jahr 2023" in texts(at)
    assert set(_frame(at, "Bedarfsindex").index) == {"SR1", "SR2"}
    assert "Planungsräume" not in json.dumps(plotly_specs(at), ensure_ascii=False)


@pytest.fixture
def kleinkreis_ordner(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(KLEINKREIS))
    return KLEINKREIS
