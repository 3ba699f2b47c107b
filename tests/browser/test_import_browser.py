"""Upload a file through the Import page in a real browser; the dashboard then shows the new version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import KONTO, anmelden, oeffne, serve
from .test_ablage_browser import englisch
from .test_pages_browser import assert_no_error, screenshot, wait_until_idle

pytestmark = pytest.mark.browser
KLEINKREIS = Path(__file__).resolve().parents[1] / "fixtures" / "kleinkreis"


@pytest.fixture(scope="module")
def store_app_url(tmp_path_factory: pytest.TempPathFactory):
    """The app on its own empty store (no data folder): the demo until the first import."""
    with serve(None, tmp_path_factory.mktemp("store_app")) as url:
        yield url


def test_an_uploaded_file_becomes_the_version_the_dashboard_shows(page, store_app_url: str) -> None:
    anmelden(page, store_app_url)
    oeffne(page, "Daten importieren")
    wait_until_idle(page)
    expect(page.get_by_text("Noch keine Version gespeichert")).to_be_visible(timeout=30_000)
    page.locator('input[type="file"]').first.set_input_files(str(KLEINKREIS / "zuordnung.csv"))
    expect(page.get_by_text("Keine Fehler und keine Warnungen.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Vorschau (4 Zeilen)")).to_be_visible()
    wait_until_idle(page)
    assert englisch(page) == []  # the uploader, its file row and the preview in German
    # A first import says what the dashboard will show instead of silently dropping the demo Kreis.
    expect(page.get_by_text("Erster Import.").first).to_be_visible()
    expect(page.get_by_text("Danach zeigt das Dashboard:").first).to_be_visible()
    assert "Es fehlen dann:" in page.inner_text('[data-testid="stMain"]')
    page.get_by_role("button", name="Als neue Version speichern").click()
    expect(page.get_by_text("Gespeichert als Version 1")).to_be_visible(timeout=60_000)
    wait_until_idle(page)
    assert_no_error(page)
    screenshot(page, "importieren")
    # The dashboard now reads version 1 of the store and names it.
    oeffne(page, "Datenbestand")
    wait_until_idle(page)
    expect(page.get_by_text("Datenbank, Version 1").first).to_be_visible(timeout=30_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Datenversion 1")).to_be_visible()
    assert "Demo-Daten" not in page.inner_text("body")
    assert_no_error(page)
    # The version records the logged-in planner, not the server's account; the page says who and when.
    zeile = page.locator('[data-testid="stTable"] tr', has_text="zuordnung.csv").first.inner_text()
    assert re.search(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}, " + KONTO, zeile), zeile
    assert "Betriebssystemkonto" not in page.locator('[data-testid="stTable"]').first.inner_text()


def test_a_file_with_errors_is_not_stored(page, store_app_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "faelle.csv"
    bad.write_text("fall_id;raum_id;hilfeart;beginn;ende\nF1;08111001;§ 34;31.02.2023;\n", encoding="utf-8")
    anmelden(page, store_app_url)
    oeffne(page, "Daten importieren")
    wait_until_idle(page)
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()  # "Art der Daten"
    # Wait for the list to open (under load it takes a moment), then choose the kind.
    page.locator('[role="option"]', has_text="Fälle (Einzelfalldaten)").first.click(timeout=30_000)
    wait_until_idle(page)
    expect(page.get_by_text("Datei „Fälle (Einzelfalldaten)“").first).to_be_visible(timeout=30_000)
    page.locator('input[type="file"]').first.set_input_files(str(bad))
    expect(page.get_by_text("Fehler: die Datei kann so nicht importiert werden")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("31.02.2023").first).to_be_attached()  # a cell of the report table
    assert page.get_by_role("button", name="Als neue Version speichern").count() == 0


def test_an_anonymous_visitor_gets_no_upload(page, store_app_url: str) -> None:
    """Without login the server does not know the planning pages: the link leads to the public Übersicht."""
    for path in ("importieren", "daten"):
        page.goto(f"{store_app_url}/{path}")
        wait_until_idle(page)
        expect(page.get_by_text("Öffentliche Ansicht").first).to_be_visible(timeout=60_000)
        assert page.locator('input[type="file"]').count() == 0
        assert page.locator("h1", has_text="Daten importieren").count() == 0
        assert page.locator("h1", has_text="Datenbestand").count() == 0
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Daten importieren" not in nav and "Datenbestand" not in nav and "Anmelden" in nav
