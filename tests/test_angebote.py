"""Bestand und Bedarf on a small inventory worked out by hand: places per 1,000, gaps, double structures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics.angebote import bestand_bedarf, doppelstrukturen, im_jahr, versorgung
from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.kennzahlen import Engine

ROOT = Path(__file__).resolve().parent.parent

# Three Sozialräume. Kitas (0 to under 6) and Jugendtreffs (12 to under 21):
#   A: Kita 60 places + Kita 40 places (both 0–6: a possible double structure), Jugendtreff 0 –
#   B: Kita 50 places; Jugendtreff 30 places (12–18) and 20 places (16–21): overlapping → double
#   C: no Kita; Jugendtreff 25 places (12–14) and 10 places (14–21): 12–14 and 14–21 do not overlap
INVENTAR = pd.DataFrame({
    "angebot_id": ["K1", "K2", "K3", "J1", "J2", "J3", "J4"],
    "name": ["Kita Nord", "Kita Süd", "Kita B", "Treff B1", "Treff B2", "Treff C1", "Treff C2"],
    "traeger": ["Stadt", "Kirche", "AWO", "KJR", "Verein", "KJR", "Stadt"],
    "typ": ["Kita", "Kita", "Kita", "Jugendtreff", "Jugendtreff", "Jugendtreff", "Jugendtreff"],
    "raum_id": ["A", "A", "B", "B", "B", "C", "C"],
    "area": ["A", "A", "B", "B", "B", "C", "C"],
    "plaetze": [60, 40, 50, 30, 20, 25, 10],
    "alter_von": [0, 0, 0, 12, 16, 12, 14],
    "alter_bis": [6, 6, 6, 18, 21, 14, 21],
})
# Target groups: Kita ages 0–6, Jugendtreff 12–21 (the widest range of the type).
ZIELGRUPPE = pd.DataFrame({"area": ["A", "B", "C"] * 2, "typ": ["Kita"] * 3 + ["Jugendtreff"] * 3,
                           "zielgruppe": [200.0, 100.0, 100.0, 400.0, 500.0, 100.0]})
BEDARF = pd.DataFrame({"area": ["A", "B", "C"], "bedarfsindex": [1.4, -0.2, 0.5],
                       "bedarfsklasse": ["hoch", "durchschnittlich", "erhöht"]})


def test_places_per_1000_and_gaps_by_hand() -> None:
    """Kita: A 100 / 200 → 500 je 1.000; B 50 / 100 → 500; C 0 / 100 → 0; Kreis 150 / 400 → 375.
    Jugendtreff: A 0 / 400 → 0; B 50 / 500 → 100; C 35 / 100 → 350; Kreis 85 / 1.000 → 85.
    Gaps (need above the mean, i.e. index > 0, and fewer places than the Kreis):
    Kita C (0.5 > 0, 0 < 375) and Jugendtreff A (1.4 > 0, 0 < 85). Not: Kita A (500 ≥ 375),
    Jugendtreff C (350 ≥ 85), anything in B (index −0.2)."""
    tabelle = versorgung(INVENTAR, ZIELGRUPPE, BEDARF).set_index(["typ", "area"])
    expected = {("Kita", "A"): 500, ("Kita", "B"): 500, ("Kita", "C"): 0,
                ("Jugendtreff", "A"): 0, ("Jugendtreff", "B"): 100, ("Jugendtreff", "C"): 350}
    for key, value in expected.items():
        assert tabelle.loc[key, "plaetze_je_1000"] == pytest.approx(value)
    assert tabelle.loc[("Kita", "A"), "kreiswert"] == pytest.approx(375)
    assert tabelle.loc[("Jugendtreff", "C"), "kreiswert"] == pytest.approx(85)
    assert tabelle.loc[("Kita", "A"), "angebote"] == 2 and tabelle.loc[("Kita", "C"), "angebote"] == 0
    assert (tabelle.loc[("Jugendtreff", "B"), "alter_von"], tabelle.loc[("Jugendtreff", "B"), "alter_bis"]) == (12, 21)
    assert set(tabelle.index[tabelle["luecke"]]) == {("Kita", "C"), ("Jugendtreff", "A")}


def test_double_structures_by_hand() -> None:
    """Same type, same area, overlapping ages: K1/K2 in A (0–6 both) and J1/J2 in B (12–18 and 16–21
    share 16 and 17). C's 12–14 and 14–21 touch at 14 but do not overlap ("bis unter")."""
    paare = doppelstrukturen(INVENTAR)
    assert {(r.raum_id, r.angebot_1, r.angebot_2) for r in paare.itertuples()} == {("A", "K1", "K2"), ("B", "J1", "J2")}
    assert paare.set_index("angebot_1").loc["J1", "alter_2"] == "16–21"


def test_offers_of_a_year() -> None:
    frame = pd.DataFrame({"seit": pd.to_datetime(["2020-05-01", "2024-12-31", "2025-01-01", None]),
                          "bis": pd.to_datetime([None, None, None, "2023-12-31"])})
    assert list(im_jahr(frame, 2024).index) == [0, 1]


def test_types_without_places_get_no_rate() -> None:
    inventar = pd.DataFrame({"area": ["A"], "typ": ["Beratungsstelle"], "plaetze": [np.nan], "alter_von": [0],
                             "alter_bis": [27]})
    zielgruppe = pd.DataFrame({"area": ["A", "B"], "typ": ["Beratungsstelle"] * 2, "zielgruppe": [100.0, 50.0]})
    tabelle = versorgung(inventar, zielgruppe, None)
    assert tabelle["plaetze_je_1000"].isna().all() and tabelle["kreiswert"].isna().all()
    assert not tabelle["luecke"].any()


def test_on_the_demo_the_places_add_up_to_the_file() -> None:
    dataset = load_folder(ROOT / "data")
    tabelle, paare = bestand_bedarf(Engine(dataset), 2024)
    angebote = im_jahr(dataset.tables["angebote"], 2024)
    assert tabelle["plaetze"].sum() == pytest.approx(angebote["plaetze"].sum())
    assert tabelle["angebote"].sum() == len(angebote)
    assert set(tabelle["area"]) == set(Engine(dataset).areas("sozialraum"))
    assert {"A-054", "A-055"} <= set(paare["angebot_1"]) | set(paare["angebot_2"])


def test_offers_as_a_map_layer_with_escaped_tooltips() -> None:
    import folium

    from sozialraum_analytics.karte import angebote_layer, angebote_legende_html

    angebote = INVENTAR.assign(lat=[48.1, 48.2, 48.3, 48.4, 48.5, None, 48.6], lon=[8.1] * 7)
    angebote.loc[0, "name"] = "<img src=x onerror=alert(1)>"
    layer, farben = angebote_layer(angebote)
    fmap = folium.Map(tiles=None)
    layer.add_to(fmap)
    text = fmap.get_root().render()
    assert text.count("L.circleMarker(") == 6  # the offer without coordinates is left out
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert set(farben) == {"Kita", "Jugendtreff"}
    legende = angebote_legende_html({"<b>Kita</b>": farben["Kita"]})
    assert "&lt;b&gt;Kita&lt;/b&gt;" in legende and farben["Kita"] in legende
