"""The print map (A4 landscape, PDF and PNG) of a city of 1,100 Planungsräume with VG250-detailed borders.

What is measured is what a click on "Karte drucken" costs once the engine has its figures (the page's engine
is warm): simplifying the geometry for paper, classes, names, legend, and writing the PDF and the PNG (300 dpi);
the first click (the geometry simplified for paper) and a further one (PNG after PDF, another measure: the
geometry on paper kept). Target: a first click under 10 s, a further one under 5 s, on the project's 2-core
machine. Run with ``make bench``.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from sozialraum_analytics import druckkarte as dk
from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.kennzahlen import Engine

from .generate import write_grosse_stadt

ZIEL_ERSTER_S = 10.0
ZIEL_WEITERER_S = 5.0


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    ordner = write_grosse_stadt(Path(tmp_path_factory.mktemp("druckkarte")), vertex_spacing_m=40.0)
    engine = Engine(load_folder(ordner))
    engine.table("planungsraum")  # warm, as on the page
    return engine


def _einmal(engine: Engine) -> tuple[float, float, float, int, int]:
    start = time.perf_counter()
    karte = dk.entwerfen(engine, "planungsraum", 2023, "eckwert:gesamt")
    mitte = time.perf_counter()
    pdf = dk.pdf(karte.zeichnung)
    pdf_ende = time.perf_counter()
    png = dk.png(karte.zeichnung)
    return mitte - start, pdf_ende - mitte, time.perf_counter() - pdf_ende, len(pdf), len(png)


def test_print_map_of_1100_areas(engine: Engine) -> None:
    punkte = int(sum(len(g.exterior.coords) for g in engine.dataset.gebiete.geometry if g.geom_type == "Polygon"))
    dk.pdf(dk.entwerfen(engine, "planungsraum", 2023, "eckwert:gesamt").zeichnung)  # imports, fonts
    erste, weitere = [], []
    for _ in range(3):
        dk._PAPIER.clear()  # a first click: the geometry on paper not yet kept
        erste.append(_einmal(engine))
        weitere.append(_einmal(engine))
    for name, laeufe in (("erster Klick", erste), ("weiterer Klick", weitere)):
        entwurf, pdf, png = (statistics.median(lauf[i] for lauf in laeufe) for i in range(3))
        print(f"\nDruckkarte 1.100 Planungsräume ({punkte:,} Punkte), {name}: Entwurf {entwurf:.2f} s, "
              f"PDF {pdf:.2f} s ({laeufe[0][3] / 1e6:.2f} MB), PNG {png:.2f} s ({laeufe[0][4] / 1e6:.2f} MB), "
              f"zusammen {entwurf + pdf + png:.2f} s (Median aus 3)")
    gesamt = [sum(statistics.median(lauf[i] for lauf in laeufe) for i in range(3)) for laeufe in (erste, weitere)]
    assert gesamt[0] < ZIEL_ERSTER_S and gesamt[1] < ZIEL_WEITERER_S
