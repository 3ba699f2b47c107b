"""The print map (A4 landscape, PDF and PNG) of a city of 1,100 Planungsräume with VG250-detailed borders.

What is measured is what a click on "Karte drucken" costs once the engine has its figures (the page's engine
is warm): simplifying the geometry for paper, classes, names, legend, and writing the PDF and the PNG (300 dpi).
Target: the whole under 5 s on the project's 2-core machine. Run with ``make bench``.
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

ZIEL_S = 5.0


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    ordner = write_grosse_stadt(Path(tmp_path_factory.mktemp("druckkarte")), vertex_spacing_m=40.0)
    engine = Engine(load_folder(ordner))
    engine.table("planungsraum")  # warm, as on the page
    return engine


def test_print_map_of_1100_areas(engine: Engine) -> None:
    punkte = int(sum(len(g.exterior.coords) for g in engine.dataset.gebiete.geometry if g.geom_type == "Polygon"))
    dk.druckkarte(engine, "planungsraum", 2023, "eckwert:gesamt")  # imports, fonts
    zeiten: dict[str, list[float]] = {"entwerfen": [], "pdf": [], "png": []}
    for _ in range(3):
        start = time.perf_counter()
        karte = dk.entwerfen(engine, "planungsraum", 2023, "eckwert:gesamt")
        mitte = time.perf_counter()
        pdf = dk.pdf(karte.zeichnung)
        pdf_ende = time.perf_counter()
        png = dk.png(karte.zeichnung)
        ende = time.perf_counter()
        zeiten["entwerfen"].append(mitte - start)
        zeiten["pdf"].append(pdf_ende - mitte)
        zeiten["png"].append(ende - pdf_ende)
    median = {k: statistics.median(v) for k, v in zeiten.items()}
    gesamt = sum(median.values())
    print(f"\nDruckkarte 1.100 Planungsräume ({punkte:,} Punkte): Entwurf {median['entwerfen']:.2f} s, "
          f"PDF {median['pdf']:.2f} s ({len(pdf) / 1e6:.2f} MB), PNG {median['png']:.2f} s ({len(png) / 1e6:.2f} MB), "
          f"zusammen {gesamt:.2f} s (Median aus 3)")
    assert gesamt < ZIEL_S
