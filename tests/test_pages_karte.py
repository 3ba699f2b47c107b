"""Karte, Vergleich and Steckbrief run headless (AppTest): what they show comes from the package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.formatting import format_number
from sozialraum_analytics.karte import anzeige_geometrie, sozialraum_flaechen
from sozialraum_analytics.kartenwerte import gebietswerte, merkmale
from sozialraum_analytics.kennzahlen import Engine
from sozialraum_analytics.raumstatistik import moran

from .test_pages import DEMO, KLEINKREIS, no_exception, open_page, plotly_specs, texts


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(DEMO))
    return DEMO


@pytest.fixture(scope="module")
def demo_engine() -> Engine:
    return Engine(load_folder(DEMO))


def numbers(trace: dict, axis: str) -> list[float]:
    """Values of a plotly trace axis, also when plotly sent them as a typed array (``bdata``)."""
    import base64

    import numpy as np

    value = trace[axis]
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return list(value)


def html_blocks(at) -> str:  # noqa: ANN001
    return "\n".join(str(e.proto.body) for e in at.get("html"))


def test_karte_shows_the_chosen_indicator_with_legend_and_ranked_table(demo: Path, demo_engine: Engine) -> None:
    at = open_page("pages/karte.py", {"jahr": "2023", "kennzahl": "eckwert:stationaer"})
    no_exception(at)
    assert at.selectbox(key="w_kennzahl").value == "eckwert:stationaer"
    assert at.query_params["kennzahl"] == "eckwert:stationaer"
    legend = html_blocks(at)
    assert "Eckwert je 1.000 unter 21 Jahre: HzE stationär (je 1.000)" in legend
    assert "2023" in legend and "Quantile" in legend and "Bezug: Bevölkerung 0 bis unter 21 Jahre am 31.12." in legend
    expected = gebietswerte(demo_engine, merkmale(demo_engine)["eckwert:stationaer"], "sozialraum", 2023).werte
    table = at.dataframe[0].value
    assert len(table) == len(expected) == 10
    best = expected.sort_values("wert", ascending=False).iloc[0]
    assert table.iloc[0]["Gebiet"] == best["name"] and table.iloc[0]["Rang"] == 1
    assert table.iloc[0].iloc[1] == pytest.approx(best["wert"])
    caption = texts(at)
    kreis = gebietswerte(demo_engine, merkmale(demo_engine)["eckwert:stationaer"], "sozialraum", 2023).kreiswert
    assert f"Kreiswert: {format_number(kreis, 1)}" in caption


def test_karte_a_copied_link_reproduces_indicator_level_and_selected_area(demo: Path) -> None:
    at = open_page("pages/karte.py", {"ebene": "planungsraum", "kennzahl": "bedarfsindex", "raum": "08999002"})
    no_exception(at)
    assert at.selectbox(key="w_kennzahl").value == "bedarfsindex"
    assert at.radio(key="auswahl_ebene").value == "planungsraum"
    assert "**Ausgewählt:** Amselwang" in [m.value.split("  \n")[0] for m in at.markdown]
    assert "Gebiete unter 300 Einwohnern erhalten keinen Bedarfsindex." in html_blocks(at)
    # The indicator carries over to the Vergleich page.
    at.switch_page("pages/vergleich.py")
    at.run()
    no_exception(at)
    assert at.selectbox(key="w_kennzahl").value == "bedarfsindex"


def test_karte_hot_spots_state_morans_i_of_the_package(demo: Path, demo_engine: Engine) -> None:
    at = open_page("pages/karte.py", {"ebene": "planungsraum", "jahr": "2024"})
    at.radio(key="karte_darstellung").set_value("lisa")
    at.run()
    no_exception(at)
    dataset = demo_engine.dataset
    werte = gebietswerte(demo_engine, merkmale(demo_engine)["eckwert:gesamt"], "planungsraum", 2024).werte
    ergebnis = moran(dataset.gebiete, werte.set_index("raum_id")["wert"])
    text = texts(at).replace("\\", "")
    assert f"Moran's I = {format_number(ergebnis.global_.i, 2)}" in text
    assert "Hot Spot" in html_blocks(at)


def test_karte_deviation_uses_a_diverging_legend(demo: Path) -> None:
    at = open_page("pages/karte.py", {"jahr": "2024"})
    at.radio(key="karte_darstellung").set_value("abweichung")
    at.run()
    no_exception(at)
    legend = html_blocks(at)
    assert "Abweichung: " in legend and "% zum Kreiswert" in legend
    # Blue (below) and red (above the Kreis) from the diverging palette.
    assert "#2166ac" in legend or "#4393c3" in legend or "#92c5de" in legend
    assert "#f4a582" in legend or "#d6604d" in legend or "#b2182b" in legend


@pytest.mark.parametrize(("angemeldet", "ansicht"), [(True, "planung"), (False, "oeffentlich")])
def test_karte_offers_the_print_map_in_both_views(demo: Path, angemeldet: bool, ansicht: str) -> None:
    """"Karte drucken": PDF (A4 landscape) and PNG of the shown measure, named after the view it is made in."""
    at = open_page("pages/karte.py", {"jahr": "2024", "kennzahl": "eckwert:stationaer"}, angemeldet=angemeldet)
    no_exception(at)
    knoepfe = {e.proto.label: e.proto for e in at.get("download_button")}
    assert {"Karte drucken (PDF, A4 quer)", "Karte drucken (PNG, 300 dpi)"} <= set(knoepfe)
    assert "Karte als PNG" not in knoepfe  # the print map replaces the former image
    assert all(k.help for k in knoepfe.values())


def test_karte_without_geometry_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(KLEINKREIS))
    at = open_page("pages/karte.py")
    no_exception(at)
    assert "**Für die Karte fehlen Daten:** Gebiete (Geometrie)." in texts(at)
    assert not [e for e in at.get("html") if "sra-legende" in str(e.proto.body)]  # no legend without geometry


def test_vergleich_ranks_scatters_and_draws_small_multiples(demo: Path, demo_engine: Engine) -> None:
    at = open_page("pages/vergleich.py", {"jahr": "2024", "kennzahl": "eckwert:gesamt"})
    no_exception(at)
    specs = plotly_specs(at)
    ranking, scatter, trends = specs[0], specs[1], specs[2]
    bars = ranking["data"][0]
    expected = gebietswerte(demo_engine, merkmale(demo_engine)["eckwert:gesamt"], "sozialraum", 2024).werte
    x = numbers(bars, "x")
    assert len(x) == 10
    assert x == sorted(x, reverse=True)  # highest first; the axis is reversed, so it stands on top
    assert ranking["layout"]["yaxis"]["autorange"] == "reversed"
    assert max(x) == pytest.approx(expected["wert"].max())
    # The Kreis mean lines of the scatter: x = 0 (mean of the index), y = the Kreis Eckwert.
    shapes = scatter["layout"]["shapes"]
    assert any(s.get("x0") == 0 and s.get("x1") == 0 for s in shapes)
    kreis = gebietswerte(demo_engine, merkmale(demo_engine)["eckwert:gesamt"], "sozialraum", 2024).kreiswert
    assert any(s.get("y0") == pytest.approx(kreis) for s in shapes)
    assert len(numbers(scatter["data"][0], "x")) == 10
    # One panel per Sozialraum, each with the Kreis line and the area's line.
    assert len(trends["data"]) == 20


def test_steckbrief_follows_the_area_selected_elsewhere(demo: Path) -> None:
    at = open_page("pages/steckbrief.py", {"raum": "08999002"})  # a Planungsraum: its Sozialraum is shown
    no_exception(at)
    pr = load_folder(DEMO).planungsraeume().set_index("raum_id")
    assert at.selectbox(key="w_steckbrief_gebiet").value == pr.at["08999002", "sozialraum_id"]
    assert at.query_params["raum"] == pr.at["08999002", "sozialraum_id"]
    assert any("Das Wichtigste" in s.value for s in at.subheader)


def test_steckbrief_of_the_fixture_states_the_hand_worked_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nord (SR1) in 2023: 6 Hilfen gesamt / 1,500 unter 21 × 1,000 = 4,0 against the Kreis 8 / 3,530 = 2,27."""
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(KLEINKREIS))
    at = open_page("pages/steckbrief.py", {"jahr": "2023", "raum": "SR1"})
    no_exception(at)
    hilfen = at.dataframe[0].value.set_index("Hilfegruppe")
    gesamt = hilfen.loc["Hilfen gesamt"]
    assert gesamt["Inanspruchnahme"] == 6
    assert gesamt["Eckwert"] == pytest.approx(4.0)
    assert gesamt["Eckwert Kreis"] == pytest.approx(8 / 3530 * 1000)
    assert gesamt["Abweichung Eckwert"] == pytest.approx((4.0 / (8 / 3530 * 1000) - 1) * 100)
    summary = [m.value for m in at.markdown if m.value.startswith("- ")][0].replace("\\", "")
    assert "Die Inanspruchnahme der Hilfen gesamt liegt 77 % über dem Kreiswert (Eckwert 4,0 gegenüber 2,3" in summary


def test_markup_in_names_stays_text_on_the_new_pages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("bevoelkerung.csv", "faelle.csv", "indikatoren.csv"):
        shutil.copy(KLEINKREIS / name, tmp_path / name)
    zuordnung = (KLEINKREIS / "zuordnung.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "zuordnung.csv").write_text(zuordnung.replace("Nord", "<b>Nord</b> **fett**"), encoding="utf-8")
    monkeypatch.setenv("SOZIALRAUM_DATEN", str(tmp_path))
    at = open_page("pages/vergleich.py", {"jahr": "2023", "raum": "SR1"})
    no_exception(at)
    axis = plotly_specs(at)[0]["layout"]["yaxis"]  # bars are keyed by id, the tick texts are the names
    assert "&lt;b&gt;Nord&lt;/b&gt; **fett**" in axis["ticktext"]
    assert axis["tickvals"][axis["ticktext"].index("&lt;b&gt;Nord&lt;/b&gt; **fett**")] == "SR1"
    at = open_page("pages/steckbrief.py", {"jahr": "2023", "raum": "SR1"})
    no_exception(at)
    assert "<b>" not in texts(at)
    assert any("&lt;b&gt;Nord&lt;/b&gt; \\*\\*fett\\*\\*" in h.value for h in at.header)


def test_display_geometry_keeps_shared_borders_and_sozialraeume_are_unions() -> None:
    """Coverage simplification: neighbours still touch, and 40 Planungsräume join into 10 Sozialräume."""
    import shapely

    dataset = load_folder(DEMO)
    anzeige = anzeige_geometrie(dataset.gebiete)
    assert len(anzeige) == len(dataset.gebiete) and anzeige.crs.to_epsg() == 4326
    assert shapely.coverage_is_valid(anzeige.geometry.to_numpy())
    coords = shapely.get_coordinates(anzeige.geometry.to_numpy())
    assert (abs(coords * 1e5 - (coords * 1e5).round()) < 1e-6).all()  # 5 decimals
    sozialraeume = sozialraum_flaechen(anzeige, dataset.planungsraeume())
    assert sorted(sozialraeume["raum_id"]) == [f"SR{i:02d}" for i in range(1, 11)]
    assert sozialraeume.to_crs(25832).area.sum() == pytest.approx(anzeige.to_crs(25832).area.sum(), rel=1e-9)


def test_karte_of_the_bedarfsindex_shows_no_empty_percent_column(demo: Path) -> None:
    at = open_page("pages/karte.py", {"kennzahl": "bedarfsindex", "jahr": "2024"})
    no_exception(at)
    table = at.dataframe[0].value
    assert list(table.columns) == ["Gebiet", "Bedarfsindex", "Bedarfsklasse", "Rang", "Differenz zum Mittel der Gebiete"]
    assert "Mittel der Gebiete: 0,00" not in texts(at)
    at.radio(key="karte_darstellung").set_value("lisa")
    at.run()
    no_exception(at)
    assert at.dataframe[0].value.columns[-1] == "Muster (LISA)"
