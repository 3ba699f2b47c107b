"""The map of 1,100 Planungsräume (all Gemeinden of Baden-Württemberg), beside a bare folium map.

Targets (issue 3): with a warm cache (the simplified display geometry computed once, as the
dashboard caches it) the map builds in under 1 s, and its HTML is under 3 MB. The bare map is
``folium.GeoJson`` of the same unsimplified geometry in the same run. Run with ``make bench``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum_analytics.karte import anzeige_geometrie, wertekarte
from sozialraum_analytics.kartenwerte import Gebietswerte, Merkmal

from .generate import gemeinden_geometrie

RESULTS: dict[str, float] = {}
MB = 1_000_000


@pytest.fixture(scope="module")
def gemeinden():
    return gemeinden_geometrie(1100)


@pytest.fixture(scope="module")
def anzeige(gemeinden):
    """The warm cache: what ``ui.flaechen`` keeps between reruns."""
    return anzeige_geometrie(gemeinden)


@pytest.fixture(scope="module")
def werte(gemeinden):
    rng = np.random.default_rng(3)
    wert = rng.gamma(2.0, 6.0, len(gemeinden))
    frame = pd.DataFrame({"raum_id": gemeinden["raum_id"], "name": gemeinden["name"], "wert": wert})
    frame["rang"] = frame["wert"].rank(ascending=False, method="min").astype("Int64")
    kreiswert = float(wert.mean())
    frame["differenz"] = frame["wert"] - kreiswert
    frame["differenz_prozent"] = (frame["wert"] / kreiswert - 1) * 100
    merkmal = Merkmal("eckwert:stationaer", "kennzahl", "eckwert_je_1000_u21", "stationaer",
                      "Eckwert je 1.000 unter 21 Jahre: stationär", "je 1.000", "Bevölkerung 0 bis unter 21 Jahre", 1)
    return Gebietswerte(merkmal, "planungsraum", 2024, frame, kreiswert)


def build_map_html(anzeige, werte) -> str:
    """What the Karte page does per rerun: classes, colours, escaped tooltips, the map, its HTML
    (and the map's bounds, which st_folium asks for on every rerun)."""
    bild = wertekarte(anzeige, werte, "fisher_jenks", 5)
    html = bild.karte.get_root().render()
    bild.karte.get_bounds()
    return html


def build_bare_html(gemeinden) -> str:
    import folium

    fmap = folium.Map(tiles=None)
    folium.GeoJson(gemeinden.to_crs(4326)).add_to(fmap)
    return fmap.get_root().render()


def test_map_1100_areas_warm_cache(benchmark, anzeige, werte):
    html = benchmark.pedantic(build_map_html, args=(anzeige, werte), rounds=5, iterations=1, warmup_rounds=1)
    assert html.count('"type": "Feature"') + html.count('"type":"Feature"') >= 1100
    RESULTS["karte_s"] = benchmark.stats.stats.mean
    RESULTS["karte_mb"] = len(html.encode()) / MB


def test_bare_folium_geojson_unsimplified(benchmark, gemeinden):
    html = benchmark.pedantic(build_bare_html, args=(gemeinden,), rounds=1, iterations=1)
    RESULTS["bare_s"] = benchmark.stats.stats.mean
    RESULTS["bare_mb"] = len(html.encode()) / MB


def test_map_summary_against_targets(gemeinden, anzeige, werte):
    import time

    if "karte_s" not in RESULTS:
        build_map_html(anzeige, werte)
        start = time.perf_counter()
        html = build_map_html(anzeige, werte)
        RESULTS["karte_s"] = time.perf_counter() - start
        RESULTS["karte_mb"] = len(html.encode()) / MB
    if "bare_s" not in RESULTS:
        start = time.perf_counter()
        html = build_bare_html(gemeinden)
        RESULTS["bare_s"] = time.perf_counter() - start
        RESULTS["bare_mb"] = len(html.encode()) / MB
    print(f"\nKarte 1.100 Gebiete (warmer Cache): {RESULTS['karte_s']:.3f} s, {RESULTS['karte_mb']:.2f} MB; "
          f"bare folium.GeoJson unvereinfacht: {RESULTS['bare_s']:.3f} s, {RESULTS['bare_mb']:.2f} MB")
    assert RESULTS["karte_s"] < 1.0
    assert RESULTS["karte_mb"] < 3.0
