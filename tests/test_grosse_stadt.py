"""A city as it comes (issue 14): two areas of the same name, indicators for one year and population
for other years. Labels identify one area each; pages open on a year that has values."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from sozialraum_analytics import karte
from sozialraum_analytics.dataset import eindeutige_namen, load_folder
from sozialraum_analytics.kartenwerte import gebietswerte, jahr_mit_werten, jahre_mit_werten, merkmale
from sozialraum_analytics.kennzahlen import Engine

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def stadt(tmp_path: Path) -> Path:
    """Four Planungsräume in two Sozialräume; "Heerstraße" in both. Population 2021–2023 (1.000 each),
    indicators only for 2020, four cases in 2022."""
    (tmp_path / "zuordnung.csv").write_text(
        "raum_id;name;sozialraum_id;sozialraum_name\n"
        "P1;Heerstraße;S1;Charlottenburg-Nord\nP2;Westend;S1;Charlottenburg-Nord\n"
        "P3;Heerstraße;S2;Spandau-Mitte\nP4;Wilhelmstadt;S2;Spandau-Mitte\n", encoding="utf-8")
    gpd.GeoDataFrame({"raum_id": ["P1", "P2", "P3", "P4"], "name": ["Heerstraße", "Westend", "Heerstraße",
                                                                   "Wilhelmstadt"]},
                     geometry=[shapely.box(i, 0, i + 1, 1) for i in range(4)], crs=4326).to_file(
        tmp_path / "gebiete.geojson", driver="GeoJSON")
    (tmp_path / "bevoelkerung.csv").write_text(
        "jahr;raum_id;alter_von;alter_bis;anzahl\n"
        + "".join(f"{j};P{i};0;20;{1000 * i}\n{j};P{i};21;99;{1000 * i}\n" for j in (2021, 2022, 2023)
                  for i in range(1, 5)), encoding="utf-8")
    # sgb2: P1 10, P2 20, P3 30, P4 40 (z-scores −1,34, −0,45, +0,45, +1,34).
    (tmp_path / "indikatoren.csv").write_text(
        "jahr;raum_id;indikator;wert\n" + "".join(f"2020;P{i};sgb2;{10 * i}\n" for i in range(1, 5)),
        encoding="utf-8")
    return tmp_path


def test_repeated_names_become_labels_that_identify_one_area():
    assert eindeutige_namen(["Heerstraße", "Westend", "Heerstraße"], ["Nord", "Nord", "Süd"], ["1", "2", "3"]) == \
        ["Heerstraße (Nord)", "Westend", "Heerstraße (Süd)"]
    # The same name in the same Sozialraum: the id tells them apart.
    assert eindeutige_namen(["A", "A", "B"], ["S", "S", "S"], ["1", "2", "3"]) == ["A (S) (1)", "A (S) (2)", "B"]
    assert eindeutige_namen(["A", "B"], [None, None], ["1", "2"]) == ["A", "B"]


def test_both_heerstrassen_keep_their_own_values_on_the_map(stadt: Path):
    dataset = load_folder(stadt)
    names = dataset.area_names()
    assert names["P1"] == "Heerstraße (Charlottenburg-Nord)" and names["P3"] == "Heerstraße (Spandau-Mitte)"
    engine = Engine(dataset)
    merkmal = merkmale(engine)["indikator:sgb2"]
    werte = gebietswerte(engine, merkmal, "planungsraum", 2020)
    by_id = werte.werte.set_index("raum_id")
    assert by_id.loc["P1", "wert"] == 10 and by_id.loc["P3", "wert"] == 30
    assert by_id.loc["P1", "rang"] == 4 and by_id.loc["P3", "rang"] == 2
    flaechen = dataset.gebiete.assign(name=[names[r] for r in dataset.gebiete["raum_id"]])
    html = karte.wertekarte(flaechen, werte).karte.get_root().render()
    for raum, wert in (("P1", "10,0"), ("P3", "30,0")):
        # The tooltip (JSON inside the page): the area's own label with its own value.
        tooltip = json.dumps(f"<b>{names[raum]}</b><br>sgb2: {wert}")[1:-1].replace("<", "\\u003c").replace(
            ">", "\\u003e")
        assert tooltip in html, raum


def test_the_year_shown_is_one_with_values(stadt: Path):
    engine = Engine(load_folder(stadt))
    katalog = merkmale(engine)
    assert jahre_mit_werten(engine, katalog["bedarfsindex"], "planungsraum") == [2020]
    assert jahr_mit_werten(engine, katalog["bedarfsindex"], "planungsraum", 2020) == (2020, "")
    jahr, hinweis = jahr_mit_werten(engine, katalog["bedarfsindex"], "planungsraum", 2023)
    assert jahr == 2020
    assert hinweis == ("Für 2023 gibt es keine Werte von „Bedarfsindex“; gezeigt wird 2020. Werte gibt es für 2020.")
    assert not any(k.startswith("eckwert") for k in katalog)  # no cases: no Eckwert offered at all


def test_the_karte_opens_on_the_indicator_year(stadt: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(stadt))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"ebene": "planungsraum", "kennzahl": "bedarfsindex"})
    at.session_state["_angemeldet_als"] = "test"
    at.run()
    at.switch_page("pages/karte.py")
    at.run()
    assert not at.exception
    assert any("gezeigt wird 2020" in i.value for i in at.info)
    assert any("Bedarfsindex · 2020 · Planungsräume" in c.value for c in at.caption)
    tabelle = at.dataframe[0].value
    assert "Bedarfsklasse" in tabelle.columns
    klassen = dict(zip(tabelle["Gebiet"], tabelle["Bedarfsklasse"]))
    # Index = z of sgb2: P1 −1,34 (niedrig), P2 −0,45 (durchschnittlich), P3 +0,45 (erhöht), P4 +1,34 (hoch).
    assert klassen == {"Heerstraße (Charlottenburg-Nord)": "niedrig", "Westend": "durchschnittlich",
                       "Heerstraße (Spandau-Mitte)": "erhöht", "Wilhelmstadt": "hoch"}
    # The index's own classes are the default scheme, with their names in the legend.
    assert at.selectbox(key="karte_schema_True").value == "bedarfsklassen"
    legende = " ".join(str(e.proto.body) for e in at.get("html") if "sra-legende" in str(e.proto.body))
    for name in ("niedrig", "durchschnittlich", "erhöht", "hoch"):
        assert name in legende


def test_entwicklung_draws_no_line_of_a_single_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Population for 2023 only: the Kreis's years are those with population, so every series of areas has
    one point. No line is drawn, two notes say why, and the Kreis's bars of the one year stay."""
    import shutil

    from tests.test_pages import KLEINKREIS, no_exception, open_page, plotly_specs, texts

    for name in ("faelle.csv", "zuordnung.csv"):
        shutil.copy(KLEINKREIS / name, tmp_path / name)
    zeilen = (KLEINKREIS / "bevoelkerung.csv").read_text(encoding="utf-8-sig").splitlines()
    (tmp_path / "bevoelkerung.csv").write_text("\n".join([zeilen[0], *(z for z in zeilen[1:] if z.startswith("2023"))]),
                                               encoding="utf-8")
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(tmp_path))
    at = open_page("pages/entwicklung.py", {"jahr": "2023"})
    no_exception(at)
    assert "Eckwerte gibt es nur für ein Jahr: eine Entwicklung lässt sich nicht zeichnen." in texts(at)
    assert "Fallzahlen der gewählten Gebiete gibt es nur für ein Jahr" in texts(at)
    titel = [spec["layout"]["title"]["text"] for spec in plotly_specs(at)]
    assert titel == ["Inanspruchnahme 2023", "HzE nach Setting 2023"]
    assert not [trace for spec in plotly_specs(at) for trace in spec["data"] if trace.get("type") == "scatter"]
