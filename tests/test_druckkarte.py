"""The print map (issue 17.5): one A4 landscape page, as PDF and PNG, against figures worked out by hand.

"Druckkreis" (written below), 2024, every case a § 34 begun on 15.01.2024 and ongoing at 31.12.: the
Inanspruchnahme is the number of cases. Young people (under 21) and cases per Planungsraum:

  08999001 Adorf       2.000 young, 20 cases -> Eckwert 20 / 2.000 × 1.000 = 10,0
  08999002 <b>x</b>    1.000 young, 30 cases ->                          30,0   (a name that looks like markup)
  08999003 Cedorf      1.000 young, 50 cases ->                          50,0   (a square with a hole: Winzig)
  08999004 Winzig        100 young,  2 cases ->                          20,0*  (small base; 300 m wide, inside Cedorf)
  08999005 Eberdorf    1.100 young,  3 cases -> 3 / 1.100 × 1.000 =       2,7272… -> "2,7"
  08999006 Fdorf         250 young,  7 cases ->                          28,0*  (small base)

Equal intervals, 3 classes (min 2,7272…, max 50): width (50 − 2,7272…) / 3 = 15,7575…, bounds
2,7272… | 18,4848… | 34,2424… | 50  ->  "2,7 bis 18,5", "18,5 bis 34,2", "34,2 bis 50,0"
  class 1: Eberdorf 2,7, Adorf 10,0                   -> 2
  class 2: Winzig 20,0, Fdorf 28,0, <b>x</b> 30,0      -> 3
  class 3: Cedorf 50,0                                -> 1

Sozialräume: Nord = Adorf + <b>x</b> (3.000 young, 50 cases: 16,7), Mitte = Cedorf + Winzig (1.100, 52: 47,3),
Süd = Eberdorf (3 cases: a count of 1 to 4, withheld in the public view), Klein = Fdorf (250 young: no rate in
the public view). Kreis: 112 cases / 5.450 young = 20,55… -> 20,6.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import shapely
from PIL import Image
from pypdf import PdfReader

from sozialraum_analytics import druckkarte as dk
from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.geheimhaltung import GESPERRT
from sozialraum_analytics.karte import GESPERRT_FARBE
from sozialraum_analytics.kennzahlen import Engine
from sozialraum_analytics.oeffentlich import NichtOeffentlich, Schutz

# raum_id, name, young people, cases, Sozialraum id and name
RAEUME = [("08999001", "Adorf", 2000, 20, "S1", "Nord"), ("08999002", "<b>x</b>", 1000, 30, "S1", "Nord"),
          ("08999003", "Cedorf", 1000, 50, "S2", "Mitte"), ("08999004", "Winzig", 100, 2, "S2", "Mitte"),
          ("08999005", "Eberdorf", 1100, 3, "S3", "Süd"), ("08999006", "Fdorf", 250, 7, "S4", "Klein")]


def _zelle(spalte: int, zeile: int):  # noqa: ANN202
    """A 0,1° square of a 3 × 2 grid near Offenburg (about 7,4 × 11 km)."""
    x, y = 7.8 + 0.1 * spalte, 48.5 - 0.1 * zeile
    return shapely.box(x, y - 0.1, x + 0.1, y)


def schreibe_druckkreis(ordner: Path, bkg: bool = True) -> Path:
    """The Druckkreis of the module docstring; ``bkg``: the geometry with the BKG's fields (AGS, GEN, BEZ)."""
    ordner.mkdir(parents=True, exist_ok=True)
    winzig = shapely.box(8.08, 48.47, 8.084, 48.474)  # inside Cedorf's square, about 300 × 450 m
    geometrien = [_zelle(0, 0), _zelle(1, 0), _zelle(2, 0).difference(winzig), winzig, _zelle(0, 1),
                  shapely.union(_zelle(1, 1), _zelle(2, 1))]
    features = [{"type": "Feature", "geometry": shapely.geometry.mapping(g),
                 "properties": ({"AGS": r, "GEN": n, "BEZ": "Gemeinde"} if bkg else {"raum_id": r, "name": n})}
                for (r, n, *_), g in zip(RAEUME, geometrien)]
    (ordner / "gebiete.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                                            encoding="utf-8")
    (ordner / "zuordnung.csv").write_text("raum_id;name;sozialraum_id;sozialraum_name\n" + "".join(
        f"{r};{n};{s};{sn}\n" for r, n, _j, _f, s, sn in RAEUME), encoding="utf-8")
    # 80 % under 18, 20 % 18 to under 21; adults beside them.
    (ordner / "bevoelkerung.csv").write_text("jahr;raum_id;altersgruppe;anzahl\n" + "".join(
        f"2024;{r};unter 18;{j * 4 // 5}\n2024;{r};18 bis unter 21;{j // 5}\n2024;{r};21 und älter;{4 * j}\n"
        for r, _n, j, *_ in RAEUME), encoding="utf-8")
    (ordner / "faelle.csv").write_text("fall_id;raum_id;hilfeart;beginn;ende\n" + "".join(
        f"{r}-{i};{r};§ 34;15.01.2024;\n" for r, _n, _j, f, *_ in RAEUME for i in range(f)), encoding="utf-8")
    return ordner


@pytest.fixture(scope="module")
def druckkreis(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - Dataset
    return load_folder(schreibe_druckkreis(tmp_path_factory.mktemp("druckkreis")))


@pytest.fixture(scope="module")
def planung(druckkreis) -> Engine:  # noqa: ANN001
    return Engine(druckkreis)


@pytest.fixture(scope="module")
def oeffentlich(druckkreis) -> Engine:  # noqa: ANN001
    return Engine(druckkreis, schutz=Schutz())


@pytest.fixture(scope="module")
def planungsraumkarte(planung: Engine) -> dk.Druckkarte:
    return dk.entwerfen(planung, "planungsraum", 2024, "eckwert:gesamt", schema="gleiche_intervalle", k=3)


def pdf_text(daten: bytes) -> str:
    """The PDF's text, its lines joined by spaces (a legend line may wrap anywhere)."""
    return " ".join(" ".join(seite.extract_text().split()) for seite in PdfReader(io.BytesIO(daten)).pages)


def test_the_pdf_is_one_a4_landscape_page(planungsraumkarte: dk.Druckkarte) -> None:
    reader = PdfReader(io.BytesIO(dk.pdf(planungsraumkarte.zeichnung)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # 297 × 210 mm in points (1 pt = 25,4 / 72 mm): 841,89 × 595,28.
    assert float(box.width) == pytest.approx(297 / 25.4 * 72, abs=0.1)
    assert float(box.height) == pytest.approx(210 / 25.4 * 72, abs=0.1)


def test_the_png_has_print_resolution(planungsraumkarte: dk.Druckkarte) -> None:
    with Image.open(io.BytesIO(dk.png(planungsraumkarte.zeichnung))) as bild:
        # 297 mm / 25,4 × 300 = 3.507,9 -> 3.508 px; 210 mm -> 2.480,3 -> 2.480 px.
        assert bild.size == (3508, 2480)
        assert bild.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert bild.mode == "RGB"
        # 3 mm inside Cedorf's border (away from its name) the pixel has Cedorf's class colour, #f03b20.
        cedorf = planungsraumkarte.flaechen.geometry.iloc[2]
        x, y = shapely.get_coordinates(cedorf.buffer(-3).exterior)[0]
        assert bild.getpixel((round(x / 25.4 * 300), round(y / 25.4 * 300))) == (0xf0, 0x3b, 0x20)


def test_the_legend_states_the_classes_worked_out_by_hand(planungsraumkarte: dk.Druckkarte) -> None:
    legende = planungsraumkarte.legende
    assert [(label, anzahl) for _farbe, label, anzahl in legende.klassen] == [
        ("2,7 bis 18,5", 2), ("18,5 bis 34,2", 3), ("34,2 bis 50,0", 1)]
    assert [farbe for farbe, *_ in legende.klassen] == ["#ffeda0", "#feb24c", "#f03b20"]  # the page's YlOrRd, k=3
    assert legende.gesperrt == 0 and legende.ohne_wert == 0
    daten = planungsraumkarte.daten.set_index("raum_id")
    assert daten.loc["08999003", "farbe"] == "#f03b20" and daten.loc["08999005", "farbe"] == "#ffeda0"
    text = pdf_text(dk.pdf(planungsraumkarte.zeichnung))
    for erwartet in ("Eckwert je 1.000 unter 21 Jahre: Hilfen gesamt 2024", "2,7 bis 18,5", "18,5 bis 34,2",
                     "34,2 bis 50,0", "Klassen: Gleiche Intervalle", "Anzahl Gebiete",
                     "Bezug: Bevölkerung 0 bis unter 21 Jahre am 31.12.",
                     # 112 / 5.450 × 1.000 = 20,55…
                     "Kreiswert: 20,6 je 1.000", "Planungsräume im Kreis",
                     "Planungsansicht – intern, nicht zur Veröffentlichung",
                     "Planungsansicht: exakte Zahlen, nicht zur Veröffentlichung",
                     "Geobasis: © GeoBasis-DE / BKG", "* kleine Basis: weniger als 300 junge Menschen (2 Gebiete)",
                     "1 Winzig (20,0*)"):
        assert erwartet in text, erwartet


def test_each_area_is_named_inside_itself_and_the_tiny_one_numbered(planungsraumkarte: dk.Druckkarte) -> None:
    beschriftung = planungsraumkarte.beschriftung
    texte = planungsraumkarte.zeichnung.texte
    for name, wert in (("Adorf", "10,0"), ("Cedorf", "50,0"), ("Eberdorf", "2,7"), ("Fdorf", "28,0*")):
        assert name in texte and wert in texte, name
    # Winzig (300 m, about 2 mm on paper) holds no name: number 1, and the key beside the map.
    assert beschriftung.benannt == 5 and beschriftung.ohne == 0
    assert beschriftung.nummern == [(1, "Winzig (20,0*)")]
    assert "1" in texte and "Winzig (20,0*)" in texte
    # Every name stands inside its own area (a label never crosses into a neighbour).
    flaechen = dict(zip(planungsraumkarte.flaechen["name"], planungsraumkarte.flaechen.geometry))
    for text in planungsraumkarte.zeichnung.elemente:
        if isinstance(text, dk.Text) and text.text in flaechen:
            assert flaechen[text.text].contains(shapely.Point(text.x, text.y)), text.text


def test_numbers_only_as_many_as_the_key_has_room_for() -> None:
    """A 100 × 100 mm area (named) and three 2 mm squares (no name fits): numbered in reading order, top left to
    bottom right (C top left, A top right, B below), when the key has room for three; else none at all."""
    import geopandas as gpd

    flaechen = gpd.GeoDataFrame({"name": ["Gross", "A", "B", "C"]}, geometry=[
        shapely.box(0, 0, 100, 100), shapely.box(150, 10, 152, 12), shapely.box(120, 60, 122, 62),
        shapely.box(120, 10, 122, 12)])
    farben, werte = ["#ffffb2"] * 4, ["1,0", "2,0", "3,0", None]
    mit = dk.beschriften(flaechen, farben, werte, nummern_max=3)
    assert mit.benannt == 1 and mit.ohne == 0 and mit.nummern == [(1, "C"), (2, "A (2,0)"), (3, "B (3,0)")]
    assert [t.text for t in mit.texte] == ["Gross", "1,0", "1", "2", "3"]
    ohne = dk.beschriften(flaechen, farben, werte, nummern_max=2)
    assert ohne.nummern == [] and ohne.ohne == 3 and [t.text for t in ohne.texte] == ["Gross", "1,0"]


@pytest.mark.parametrize("rechts", [shapely.box(10.1, 0, 20, 10),  # a gap of 0,1 mm
                                    shapely.box(9.9, 0, 20, 10),  # an overlap
                                    shapely.Polygon([(10, 0), (20, 0), (20, 10), (10, 10), (10.05, 5)])])
def test_borders_that_do_not_quite_meet_draw_no_line_inside_the_kreis(rechts) -> None:  # noqa: ANN001
    """Two 10 mm squares whose shared border does not quite match (a file simplified elsewhere): the Kreis's
    outline is one ring around both, not a line between them (GEOS's coverage union would keep two parts)."""
    import numpy as np

    umriss = dk._vereinigt(np.array([shapely.box(0, 0, 10, 10), rechts]))
    assert umriss.geom_type == "Polygon" and len(umriss.interiors) == 0
    assert umriss.area == pytest.approx(200, abs=1.1)


def test_a_second_print_reuses_the_geometry_on_paper(planung: Engine) -> None:
    """The PNG after the PDF: the geometry simplified for paper is kept (the costly part), the page is the same."""
    dk._PAPIER.clear()
    erste = dk.entwerfen(planung, "planungsraum", 2024, "eckwert:gesamt")
    assert len(dk._PAPIER) == 1
    zweite = dk.entwerfen(planung, "planungsraum", 2024, "eckwert:gesamt")
    assert len(dk._PAPIER) == 1 and zweite.zeichnung.texte == erste.zeichnung.texte
    assert all(a.equals(b) for a, b in zip(erste.flaechen.geometry, zweite.flaechen.geometry))


def test_a_name_that_looks_like_markup_is_printed_as_written(planungsraumkarte: dk.Druckkarte) -> None:
    assert "<b>x</b>" in planungsraumkarte.zeichnung.texte
    assert "<b>x</b>" in pdf_text(dk.pdf(planungsraumkarte.zeichnung))


def test_the_public_view_draws_withheld_areas_as_gesperrt(oeffentlich: Engine, planung: Engine) -> None:
    karte = dk.entwerfen(oeffentlich, "sozialraum", 2024, "eckwert:gesamt")
    daten = karte.daten.set_index("raum_id")
    # Süd: 3 cases, withheld; Klein: 250 young people, no rate in public. Both "gesperrt", never "kein Wert".
    assert daten.loc["S3", "gesperrt"] and daten.loc["S4", "gesperrt"]
    gesperrt = daten[daten["gesperrt"]]
    assert (gesperrt["farbe"] == GESPERRT_FARBE).all() and (gesperrt["klasse"] == -1).all()
    assert karte.legende.gesperrt == len(gesperrt) and karte.legende.ohne_wert == 0
    # Nord's 16,7 is shown unless the secondary suppression had to take it.
    assert daten.loc["S1", "wert"] == pytest.approx(50 / 3000 * 1000) or daten.loc["S1", "gesperrt"]
    daten_pdf = dk.pdf(karte.zeichnung)
    text = pdf_text(daten_pdf)
    assert f"{GESPERRT} gesperrt (Geheimhaltung)" in text and "kein Wert" not in text
    assert "Öffentliche Ansicht" in text and "Planungsansicht" not in text and "Geheimhaltung: Sperrung" in text
    assert karte.zeichnung.texte.count(GESPERRT) == len(gesperrt)  # "•" as the value of each withheld area
    # The exact values of the withheld areas appear nowhere: Süd 2,7 (3 / 1.100), Klein 28,0 (7 / 250).
    exakt = dk.entwerfen(planung, "sozialraum", 2024, "eckwert:gesamt").daten.set_index("raum_id")
    assert exakt.loc["S3", "wert"] == pytest.approx(3 / 1100 * 1000) and exakt.loc["S4", "wert"] == 28.0
    for raum in gesperrt.index:
        wert = f"{exakt.loc[raum, 'wert']:.1f}".replace(".", ",")
        assert wert not in text and wert not in "".join(karte.zeichnung.texte), raum


def test_the_public_view_has_no_planungsraum_map(oeffentlich: Engine) -> None:
    with pytest.raises(NichtOeffentlich):
        dk.entwerfen(oeffentlich, "planungsraum", 2024, "eckwert:gesamt")


def test_bad_requests_get_german_messages(planung: Engine) -> None:
    with pytest.raises(ValueError, match="Die Kennzahl „unsinn“ gibt es für diese Daten nicht; möglich: eckwert:gesamt"):
        dk.entwerfen(planung, "sozialraum", 2024, "unsinn")
    with pytest.raises(ValueError, match="Für 2019 gibt es keine Werte von „Eckwert .*“ je Sozialraum; Werte gibt es für 2024"):
        dk.entwerfen(planung, "sozialraum", 2019, "eckwert:gesamt")
    with pytest.raises(ValueError, match="Unbekanntes Format „svg“"):
        dk.druckkarte(planung, "sozialraum", 2024, "eckwert:gesamt", "svg")


def test_without_the_bkg_fields_no_geobasis_credit(tmp_path: Path) -> None:
    dataset = load_folder(schreibe_druckkreis(tmp_path, bkg=False))
    assert dataset.geobasis == ""
    text = pdf_text(dk.druckkarte(Engine(dataset), "sozialraum", 2024))
    assert "Geobasis" not in text and "BKG" not in text


def test_the_store_keeps_the_geobasis_credit_with_the_imported_geometry(tmp_path: Path) -> None:
    from sozialraum_analytics.dataset import load_store
    from sozialraum_analytics.lesen import datei_lesen
    from sozialraum_analytics.store import Store

    ordner = schreibe_druckkreis(tmp_path / "kreis")
    store = Store(f"sqlite:///{tmp_path / 'ablage.db'}")
    try:
        for art in ("zuordnung", "gebiete"):
            pfad = next(ordner.glob(f"{art}.*"))
            store.importieren(art, datei_lesen(pfad, art).frame, pfad.name, pfad.read_bytes())
        assert load_store(store).geobasis == "© GeoBasis-DE / BKG"
        # Geometry without the BKG's fields replaces it: the credit goes with it.
        eigene = schreibe_druckkreis(tmp_path / "eigene", bkg=False) / "gebiete.geojson"
        store.importieren("gebiete", datei_lesen(eigene, "gebiete").frame, eigene.name, eigene.read_bytes())
        assert load_store(store).geobasis == ""
    finally:
        store.dispose()


def test_the_command_line_writes_the_print_map(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from sozialraum_analytics.cli import main

    ordner = schreibe_druckkreis(tmp_path / "kreis")
    ziel = tmp_path / "karte.png"
    assert main(["karte", "--daten", str(ordner), "--ausgabe", str(ziel), "--jahr", "2024"]) == 0
    with Image.open(ziel) as bild:
        assert bild.size == (3508, 2480)  # the format from the file's ending
    assert "öffentliche Ansicht" in capsys.readouterr().err  # the safe view by default
    ziel = tmp_path / "karte.pdf"
    assert main(["karte", "--daten", str(ordner), "--out", str(ziel), "--ansicht", "planung", "--ebene",
                 "planungsraum", "--kennzahl", "eckwert:gesamt", "--klassierung", "gleiche_intervalle",
                 "--klassen", "3"]) == 0
    assert "2,7 bis 18,5" in pdf_text(ziel.read_bytes())
    assert main(["karte", "--daten", str(ordner), "--out", str(ziel), "--ebene", "planungsraum"]) == 1
    assert "nur Sozialräume" in capsys.readouterr().err
    assert main(["karte", "--daten", str(ordner), "--out", str(ziel), "--kennzahl", "eckwert:unsinn"]) == 1
    assert "möglich: eckwert:gesamt" in capsys.readouterr().err
    assert main(["karte", "--daten", str(ordner), "--out", str(ziel), "--klassierung", "jenks"]) == 2


# --- the city of 1,100 Planungsräume -----------------------------------------------------------------
@pytest.fixture(scope="module")
def grosse_stadt(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from benchmarks.generate import write_grosse_stadt

    return Engine(load_folder(write_grosse_stadt(tmp_path_factory.mktemp("stadt"))))


def test_the_city_of_1100_planungsraeume_names_its_sozialraeume_without_a_mess(grosse_stadt: Engine) -> None:
    """1.100 Planungsräume of about 5 mm on paper: none can hold its name, and 1.100 numbers cannot be read. The
    map names the Sozialräume (thick borders) where their names fit, and says so; no label overlaps another."""
    karte = dk.entwerfen(grosse_stadt, "planungsraum", 2023, "eckwert:gesamt")
    b = karte.beschriftung
    assert b.sozialraeume and b.benannt == 0 and b.nummern == [] and b.ohne == 1100
    assert len(karte.daten) == 1100 and sum(n for *_, n in karte.legende.klassen) == 1100
    kaesten = []
    for text in b.texte:
        assert text.text.startswith(("Bezirksregion", "Heerstraße")) or text.text.isdigit(), text.text
        breite, hoehe = dk.textbreite(text.text, text.pt, text.fett), text.pt * dk.MM_JE_PT
        kaesten.append(shapely.box(text.x - breite / 2, text.y - hoehe * 0.8, text.x + breite / 2, text.y))
    baum = shapely.STRtree(kaesten)
    paare = baum.query(kaesten, predicate="intersects")
    assert (paare[0] == paare[1]).all(), "zwei Beschriftungen überdecken sich"
    assert "Beschriftet sind die Sozialräume: die 1.100 Planungsräume sind für ihre Namen zu klein." in " ".join(
        karte.zeichnung.texte)
    # How long it takes is the benchmark's to say (benchmarks/test_bench_karte.py).
    assert dk.pdf(karte.zeichnung)[:5] == b"%PDF-" and dk.png(karte.zeichnung)[:8] == b"\x89PNG\r\n\x1a\n"
