"""Map values, colours, escaped text and the offline folium map, against hand-worked figures.

Kleinkreis 2023, Eckwert "Hilfen gesamt" je 1.000 unter 21 (cases in conftest):
  Adorf   A, B, C, D, E  = 5 / 1,000 × 1,000 = 5,0     Bedorf F = 1 / 500 = 2,0
  Cedorf  G, H           = 2 / 2,000         = 1,0     Waldgebiet 0 / 30   = 0,0
  Kreis   8 / 3,530 × 1,000 = 2,2663…; Sozialräume Nord 6 / 1,500 = 4,0, Süd 2 / 2,030 = 0,985…
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sozialraum_analytics import karte as kb
from sozialraum_analytics.kartenwerte import gebietswerte, merkmale, zeitreihen

ROOT = Path(__file__).resolve().parents[1]
KREIS = 8 / 3530 * 1000


@pytest.mark.parametrize(("ebene", "raum_id", "wert", "rang"), [
    ("planungsraum", "08111001", 5.0, 1),
    ("planungsraum", "08111002", 2.0, 2),
    ("planungsraum", "08111003", 1.0, 3),
    ("planungsraum", "08111004", 0.0, None),  # 30 young people: a small base, shown without rank
    ("sozialraum", "SR1", 4.0, 1),
    ("sozialraum", "SR2", 2 / 2030 * 1000, 2),
])
def test_gebietswerte_value_rank_and_difference_to_the_kreis(engine, ebene: str, raum_id: str, wert: float,
                                                             rang: int | None) -> None:
    werte = gebietswerte(engine, merkmale(engine)["eckwert:gesamt"], ebene, 2023)
    assert werte.kreiswert == pytest.approx(KREIS)
    row = werte.werte.set_index("raum_id").loc[raum_id]
    assert row["wert"] == pytest.approx(wert)
    assert pd.isna(row["rang"]) if rang is None else row["rang"] == rang
    assert row["kleine_basis"] == (rang is None)
    assert row["differenz"] == pytest.approx(wert - KREIS)
    assert row["differenz_prozent"] == pytest.approx((wert / KREIS - 1) * 100)


def test_merkmale_offer_what_the_data_allow(engine) -> None:
    katalog = merkmale(engine)
    assert {"eckwert:gesamt", "eckwert:stationaer", "eckwert:§35a", "ausgaben_je:gesamt", "bedarfsindex",
            "indikator:sgb2_quote", "indikator:wohnflaeche"} <= set(katalog)
    assert katalog["eckwert:stationaer"].label == "Eckwert je 1.000 unter 21 Jahre: HzE stationär"
    assert katalog["indikator:wohnflaeche"].richtung == "niedrig"
    assert katalog["indikator:sgb2_quote"].richtung == "hoch"
    assert katalog["indikator:sgb2_quote"].einheit == "%"


def test_the_bedarfsindex_is_compared_with_the_mean_of_the_areas(engine) -> None:
    werte = gebietswerte(engine, merkmale(engine)["bedarfsindex"], "planungsraum", 2023)
    assert werte.kreiswert == 0.0 and werte.kreis_text == "Mittel der Gebiete"
    frame = werte.werte.set_index("raum_id")
    # Waldgebiet (150 inhabitants) gets no index and no rank; the others are standardised: mean 0.
    assert np.isnan(frame.at["08111004", "wert"]) and frame["rang"].isna()["08111004"]
    assert frame["wert"].dropna().mean() == pytest.approx(0.0, abs=1e-12)
    assert frame["differenz_prozent"].isna().all()


def test_a_year_without_values_gives_no_values_not_an_error(engine) -> None:
    werte = gebietswerte(engine, merkmale(engine)["indikator:sgb2_quote"], "planungsraum", 2022)
    assert werte.werte["wert"].isna().all() and werte.kreiswert is None


def test_zeitreihen_per_year_and_kreis(engine) -> None:
    reihen, kreis = zeitreihen(engine, merkmale(engine)["eckwert:gesamt"], "sozialraum")
    assert reihen.at[2023, "SR1"] == pytest.approx(4.0)
    assert kreis[2023] == pytest.approx(KREIS)
    assert list(reihen.index) == engine.jahre


# --- text is escaped --------------------------------------------------------------------
MARKUP = "<img src=x onerror=alert(1)>"


def test_tooltip_escapes_name_labels_and_values() -> None:
    text = kb.tooltip_html(MARKUP, [("Eckwert <b>", "1,0 & mehr")])
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "Eckwert &lt;b&gt;: 1,0 &amp; mehr" in text
    assert text.startswith("<b>") and "<br>" in text


def test_legend_escapes_and_states_indicator_unit_denominator_year_and_bounds() -> None:
    legende = kb.Legende(MARKUP, "je 1.000", "Bevölkerung <unter 21>", 2023, "Quantile",
                         (("#ffffb2", "0,0 bis 2,0", 2), ("#bd0026", "2,0 bis 5,0", 2)), ohne_wert=1)
    html = kb.legende_html(legende)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt; (je 1.000)" in html
    assert "Bezug: Bevölkerung &lt;unter 21&gt;" in html
    assert "2023 · Klassen: Quantile" in html
    assert "0,0 bis 2,0" in html and "2,0 bis 5,0" in html and "kein Wert" in html


# --- colours -----------------------------------------------------------------------------
@pytest.mark.parametrize("k", range(1, 10))
def test_sequential_palette_has_k_distinct_colours(k: int) -> None:
    farben = kb.palette(k)
    assert len(farben) == k and len(set(farben)) == k


def test_diverging_palette_is_white_at_zero_blue_below_red_above() -> None:
    # Class middles -22,5 / 0 / +22,5 of the largest bound 40: half-way to the darkest colours.
    farben = kb.palette(3, divergierend=True, grenzen=(-40.0, -5.0, 5.0, 40.0))
    assert farben == ["#92c5de", "#f7f7f7", "#f4a582"]
    farben = kb.palette(4, divergierend=True, grenzen=(-80.0, -60.0, 0.0, 60.0, 80.0))
    assert farben == ["#2166ac", "#92c5de", "#f4a582", "#b2182b"]
    with pytest.raises(ValueError, match="Grenzen"):
        kb.palette(3, divergierend=True, grenzen=(0.0, 1.0))


def test_areas_without_value_are_grey() -> None:
    assert kb.flaechen_farben(np.array([0, -1, 1]), ["#a", "#b"]) == ["#a", kb.OHNE_WERT, "#b"]


# --- the map ---------------------------------------------------------------------------------
@pytest.fixture
def quadrate():
    boxes = [shapely.box(8 + i * 0.01, 48, 8.01 + i * 0.01, 48.01) for i in range(3)]
    return gpd.GeoDataFrame({"raum_id": ["A", "B", "C"], "name": [MARKUP, "B", "C"]}, geometry=boxes, crs=4326)


def test_the_map_needs_nothing_from_the_internet(quadrate, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOZIALRAUM_KACHELN", raising=False)
    fmap = kb.karte(quadrate, ["#fff"] * 3, [kb.tooltip_html(n, []) for n in quadrate["name"]],
                    grenzen=quadrate.iloc[:1], kacheln=kb.kacheln_aus_umgebung())
    html = fmap.get_root().render()
    assert re.findall(r"https?://", html) == []
    assert '<script src="/app/static/leaflet/leaflet.js">' in html
    assert "/app/static/leaflet/leaflet.css" in html
    assert "L.tileLayer" not in html
    # The name reaches the page only escaped (JSON writes & as \u0026), never as a tag.
    assert "<img" not in html and "\\u003cimg" not in html
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html
    # The Sozialraum outlines do not catch the mouse, so tooltips and clicks reach the areas.
    assert '"interactive": false' in html


def test_a_configured_tile_server_is_used(quadrate, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOZIALRAUM_KACHELN", "https://karten.landkreis.example/{z}/{x}/{y}.png")
    monkeypatch.setenv("SOZIALRAUM_KACHELN_QUELLE", "© Landkreis <GIS>")
    fmap = kb.karte(quadrate, ["#fff"] * 3, ["x"] * 3, kacheln=kb.kacheln_aus_umgebung())
    html = fmap.get_root().render()
    assert "https://karten.landkreis.example/{z}/{x}/{y}.png" in html
    assert "Landkreis \\u0026lt;GIS\\u0026gt;" in html and "<GIS>" not in html and "\\u003cGIS" not in html


def test_leaflet_is_shipped_and_served_by_the_app() -> None:
    assert (ROOT / "static" / "leaflet" / "leaflet.js").stat().st_size > 100_000
    assert (ROOT / "static" / "leaflet" / "leaflet.css").is_file()
    assert (ROOT / "static" / "leaflet" / "LICENSE").is_file()
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableStaticServing"] is True


def test_withheld_areas_are_gesperrt_not_without_value() -> None:
    """Kreis of twelve cases, public view, 2024: both Sozialräume' totals are small and withheld.

    The map colours them in the "gesperrt" colour with their own legend entry, the tooltip says
    "gesperrt", the static map labels them "•"; none of it says "kein Wert"."""
    from sozialraum_analytics.dataset import load_folder
    from sozialraum_analytics.karte import anzeige_geometrie, sozialraum_flaechen
    from sozialraum_analytics.kennzahlen import Engine
    from sozialraum_analytics.oeffentlich import Schutz

    dataset = load_folder(ROOT / "tests" / "fixtures" / "winzkreis")
    engine = Engine(dataset, schutz=Schutz())
    werte = gebietswerte(engine, merkmale(engine)["eckwert:gesamt"], "sozialraum", 2024)
    assert werte.werte["gesperrt"].all() and werte.werte["wert"].isna().all()
    flaechen = sozialraum_flaechen(anzeige_geometrie(dataset.gebiete), dataset.planungsraeume())
    bild = kb.wertekarte(flaechen, werte)
    assert bild.legende.gesperrt == 2 and bild.legende.ohne_wert == 0
    assert set(bild.daten["farbe"]) == {kb.GESPERRT_FARBE}
    html_legende = kb.legende_html(bild.legende)
    assert "gesperrt" in html_legende and "kein Wert" not in html_legende
    karte_html = bild.karte.get_root().render()
    assert "gesperrt (Geheimhaltung)" in karte_html and "kein Wert" not in karte_html
    statisch = kb.statische_karte(flaechen, bild, "Eckwert 2024")
    assert any("gesperrt" in (t.name or "") for t in statisch.data)
    assert all("<b>•</b>" in a.text for a in statisch.layout.annotations)
    # In the planning view nothing is withheld.
    exakt = gebietswerte(Engine(dataset), merkmale(engine)["eckwert:gesamt"], "sozialraum", 2024)
    assert not exakt.werte["gesperrt"].any() and exakt.werte["wert"].notna().all()


def test_a_rate_on_a_small_base_is_marked_and_not_ranked(engine) -> None:
    """Waldgebiet: 0 cases on 30 young people. Its Eckwert (0,0) is shown, marked "kleine Basis", not ranked."""
    werte = gebietswerte(engine, merkmale(engine)["eckwert:gesamt"], "planungsraum", 2023)
    wald = werte.werte.set_index("raum_id").loc["08111004"]
    assert wald["kleine_basis"] and pd.isna(wald["rang"]) and wald["wert"] == 0.0
    assert list(werte.werte.sort_values("raum_id")["rang"].astype(object)) == [1, 2, 3, pd.NA]
    flaechen = gpd.GeoDataFrame({"raum_id": ["08111001", "08111002", "08111003", "08111004"],
                                 "name": ["Adorf", "Bedorf", "Cedorf", "Waldgebiet"]},
                                geometry=[shapely.box(i, 0, i + 1, 1) for i in range(4)], crs=4326)
    html = kb.wertekarte(flaechen, werte).karte.get_root().render()
    assert "kleine Basis: weniger als 300 junge Menschen, ohne Rang" in html and "Rang: 3 von 3" in html
    # Kosten je Hilfe rest on cases: Bedorf has 1 Hilfe, an average of one.
    kosten = gebietswerte(engine, merkmale(engine)["kosten_je_hilfe:gesamt"], "planungsraum", 2023)
    assert kosten.werte.set_index("raum_id").loc["08111002", "kleine_basis"]
