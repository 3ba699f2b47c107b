"""Open data through the Import page in a real browser (issue 13): a second year of population is
added, not swapped in; a social monitoring with -9999 and class columns imports with the options of
the page; the Kreis's own Bedarfsindex classes appear in the map legend."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..conftest import ablage_kopieren
from .conftest import anmelden, oeffne, serve
from .test_ablage_browser import englisch
from .test_pages_browser import assert_no_error, screenshot, wait_until_idle

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def leere_ablage(tmp_path_factory: pytest.TempPathFactory):
    with serve(None, tmp_path_factory.mktemp("offene_daten_app")) as url:
        yield url


@pytest.fixture(scope="module")
def demo_mit_klassen(tmp_path_factory: pytest.TempPathFactory, demo_ablage_vorlage: Path):
    """The demo Kreis imported into the store (a copy of the run's demo store, tests/conftest.py), with
    Berlin-like classes (−1, +1, +1,5)."""
    from sozialraum_analytics.bedarfsindex import Klasseneinteilung
    from sozialraum_analytics.store import Store

    log_dir = tmp_path_factory.mktemp("klassen_app")
    datei = ablage_kopieren(demo_ablage_vorlage, log_dir / "ablage" / "sozialraum.db")
    store = Store(f"sqlite:///{datei}")
    try:
        store.klasseneinteilung_setzen(Klasseneinteilung((-1, 1, 1.5), ("gering", "mittel", "erhöht", "hoch")))
    finally:
        store.dispose()
    with serve(None, log_dir) as url:
        yield url


@pytest.fixture(scope="module")
def ablage_mit_bevoelkerung(tmp_path_factory: pytest.TempPathFactory):
    """A store holding one version (a small population file): the dashboard shows the store, not the demo.

    Its own store, so that no test depends on what an earlier test imported (a module's tests need
    not run one after another in the same worker).
    """
    from sozialraum_analytics.readers import read_table
    from sozialraum_analytics.store import Store

    log_dir = tmp_path_factory.mktemp("bevoelkerung_app")
    datei = log_dir / "bevoelkerung.csv"
    datei.write_text("jahr;raum_id;alter_von;alter_bis;anzahl\n2024;P1;0;20;500\n", encoding="utf-8")
    gelesen = read_table(datei, "bevoelkerung")
    assert gelesen.ok, gelesen.report
    store = Store(f"sqlite:///{log_dir / 'ablage' / 'sozialraum.db'}")
    try:
        store.importieren("bevoelkerung", gelesen.frame, datei.name, datei.read_bytes())
    finally:
        store.dispose()
    with serve(None, log_dir) as url:
        yield url


def _art_waehlen(page, label: str) -> None:  # noqa: ANN001
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()  # "Art der Daten"
    page.locator('[role="option"]', has_text=label).first.click(timeout=30_000)
    wait_until_idle(page)
    expect(page.get_by_text(f"Datei „{label}“").first).to_be_visible(timeout=30_000)


def _mehrfach_waehlen(page, auswahl, option: str) -> None:  # noqa: ANN001
    """Choose one option of a multiselect and wait until its tag shows: a click that a rerun swallowed
    (the list re-rendered under the pointer) is made again, at most three times."""
    tag = auswahl.locator(f'[data-testid="stMultiSelectTagsContainer"] [data-tag][aria-label="{option}"]')
    for _ in range(3):
        if tag.count():
            return
        auswahl.click()
        page.get_by_role("option", name=option, exact=True).first.click(timeout=30_000)
        wait_until_idle(page)
    expect(tag).to_have_count(1, timeout=10_000)


def _hochladen(page, path: Path) -> None:  # noqa: ANN001
    page.locator('input[type="file"]').first.set_input_files(str(path))
    wait_until_idle(page)


def test_a_second_year_is_added_and_the_page_says_so(page, leere_ablage: str, tmp_path: Path) -> None:
    spaeter = tmp_path / "bevoelkerung_2021_2023.csv"
    spaeter.write_text("jahr;raum_id;alter_von;alter_bis;anzahl\n"
                       + "".join(f"{j};P1;0;20;{j - 1900}\n" for j in (2021, 2022, 2023)), encoding="utf-8")
    frueher = tmp_path / "bevoelkerung_2020.csv"
    frueher.write_text("jahr;raum_id;alter_von;alter_bis;anzahl\n2020;P1;0;20;120\n", encoding="utf-8")
    anmelden(page, leere_ablage)
    oeffne(page, "Daten importieren")
    wait_until_idle(page)
    _art_waehlen(page, "Bevölkerung nach Alter")
    _hochladen(page, spaeter)
    expect(page.get_by_text("Keine Fehler und keine Warnungen.")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Als neue Version speichern").click()
    expect(page.get_by_text("Gespeichert als Version 1")).to_be_visible(timeout=60_000)
    wait_until_idle(page)
    _hochladen(page, frueher)
    expect(page.get_by_text("Keine Fehler und keine Warnungen.")).to_be_visible(timeout=30_000)
    # The page asks: add (default) or replace; and says what adding does.
    expect(page.get_by_text("Jahre: 2020 neu, 2021–2023 unverändert.")).to_be_visible(timeout=30_000)
    page.get_by_text("ersetzen (nur die neue Datei gilt)").click()
    wait_until_idle(page)
    expect(page.get_by_text("Jahre: 2020 neu, 2021–2023 entfernt.")).to_be_visible(timeout=30_000)
    page.get_by_text("ergänzen (Jahre der neuen Datei ersetzen diese Jahre").click()
    wait_until_idle(page)
    screenshot(page, "importieren_ergaenzen")
    assert englisch(page) == []
    page.get_by_role("button", name="Als neue Version speichern").click()
    expect(page.get_by_text("Gespeichert als Version 2")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Jahre: 2020 neu, 2021–2023 unverändert.").first).to_be_visible()
    assert_no_error(page)


def test_a_social_monitoring_with_codes_and_class_columns(page, leere_ablage: str) -> None:
    anmelden(page, leere_ablage)
    oeffne(page, "Daten importieren")
    wait_until_idle(page)
    _art_waehlen(page, "Sozialstrukturindikatoren")
    _hochladen(page, FIXTURES / "monitoring" / "mss_2021_indexind.csv")
    # Without options: the code is named, and the published index counts as an indicator.
    expect(page.get_by_text("Warnungen: bitte prüfen").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("sieht nach einem Fehlwert-Code aus").first).to_be_attached()
    page.get_by_text("Fehlwert-Codes und Indikatorspalten").click()
    page.get_by_role("textbox", name="Fehlwert-Codes (leer lassen, wenn es keine gibt)").fill("-9999")
    page.keyboard.press("Enter")
    wait_until_idle(page)
    auswahl = page.locator('[data-testid="stMultiSelect"]').first
    for spalte in ("S1", "S2", "S3", "S4"):
        _mehrfach_waehlen(page, auswahl, spalte)
    page.keyboard.press("Escape")
    wait_until_idle(page)
    expect(page.get_by_text("Breites Format erkannt: 4 Indikatorspalten (S1, S2, S3, S4).").first).to_be_visible(
        timeout=30_000)
    expect(page.get_by_text("Keine Fehler und keine Warnungen.")).to_be_visible(timeout=30_000)
    screenshot(page, "importieren_monitoring")
    page.get_by_role("button", name="Als neue Version speichern").click()
    expect(page.get_by_text("Gespeichert als Version")).to_be_visible(timeout=60_000)
    assert_no_error(page)


def test_the_kreis_classes_are_set_on_the_page(page, ablage_mit_bevoelkerung: str) -> None:
    anmelden(page, ablage_mit_bevoelkerung)
    oeffne(page, "Daten importieren")
    wait_until_idle(page)
    page.get_by_text("Klassen des Bedarfsindex").click()
    page.get_by_role("textbox", name="Grenzen", exact=True).fill("1; -1")
    page.get_by_role("button", name="Klassen speichern").click()
    expect(page.get_by_text("Die Klassengrenzen müssen aufsteigen")).to_be_visible(timeout=30_000)
    page.get_by_role("textbox", name="Grenzen", exact=True).fill("-1; 1; 1,5")
    page.get_by_role("textbox", name="Namen der Klassen (vom niedrigsten zum höchsten Bedarf)").fill(
        "Status hoch; Status mittel; Status niedrig; Status sehr niedrig")
    page.get_by_role("button", name="Klassen speichern").click()
    expect(page.get_by_text("Gespeichert: 1 = Status hoch (unter −1), 2 = Status mittel (−1 bis +1), 3 = Status "
                            "niedrig (über +1 bis +1,5), 4 = Status sehr niedrig (über +1,5).")).to_be_visible(
        timeout=30_000)
    wait_until_idle(page)
    oeffne(page, "Methodik")
    wait_until_idle(page)
    expect(page.get_by_text("Klassen (vom Kreis festgelegt):").first).to_be_visible(timeout=30_000)
    assert "4 = Status sehr niedrig (über +1,5)" in page.inner_text('[data-testid="stMain"]')
    assert_no_error(page)


def test_the_map_legend_names_the_kreis_classes(page, demo_mit_klassen: str) -> None:
    page.goto(f"{demo_mit_klassen}/karte?kennzahl=bedarfsindex")
    wait_until_idle(page)
    legende = page.get_by_role("group", name="Legende")
    expect(legende).to_contain_text("Klassen: Bedarfsklassen (Standardabweichungen)", timeout=60_000)
    text = " ".join(legende.inner_text().split())
    # Public view, Sozialräume of the demo Kreis: the Kreis's names and boundaries, with the areas per class.
    for zeile in ("1 gering: unter −1", "2 mittel: −1 bis +1", "3 erhöht: über +1 bis +1,5", "4 hoch: über +1,5"):
        assert zeile in text, text
    screenshot(page, "karte_bedarfsklassen")
    assert_no_error(page)


def test_a_geopackage_with_two_layers_asks_which(page, leere_ablage: str, tmp_path: Path) -> None:
    import geopandas as gpd
    import shapely

    path = tmp_path / "lor.gpkg"
    gpd.GeoDataFrame({"PLR_ID": ["01100101", "01100102"], "PLR_NAME": ["Stülerstraße", "Tiergarten"]},
                     geometry=[shapely.box(13.30, 52.50, 13.31, 52.51), shapely.box(13.31, 52.50, 13.32, 52.51)],
                     crs=4326).to_file(path, layer="lor_planungsraeume_2021")
    gpd.GeoDataFrame({"BZR_ID": ["011001"], "BZR_NAME": ["Tiergarten Süd"]},
                     geometry=[shapely.box(13.30, 52.50, 13.32, 52.51)], crs=4326).to_file(
        path, layer="lor_bezirksregionen_2021")
    anmelden(page, leere_ablage)
    oeffne(page, "Daten importieren")
    wait_until_idle(page)
    _art_waehlen(page, "Gebiete (Geometrie)")
    _hochladen(page, path)
    expect(page.get_by_text("Die Datei enthält 2 Ebenen: welche sind die Gebiete?")).to_be_visible(timeout=30_000)
    assert page.get_by_text("Prüfung", exact=True).count() == 0  # nothing read before the choice
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').last.click()
    page.locator('[role="option"]', has_text="lor_planungsraeume_2021").first.click(timeout=30_000)
    wait_until_idle(page)
    expect(page.get_by_text("Keine Fehler und keine Warnungen.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Stülerstraße").first).to_be_attached()
    screenshot(page, "importieren_ebenen")
    assert englisch(page) == []
    assert_no_error(page)
