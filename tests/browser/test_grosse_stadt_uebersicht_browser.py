"""The Übersicht on the city of issue 14 (1,100 Planungsräume, cases 2019–2023, population 2021–2023,
indicators for 2020 only) and on that city's indicators alone, in a real browser: at most six screens,
tables of all areas scroll in a fixed height, the needs of 2020 shown while the sidebar says 2023.
The city is imported through the store; its load times are measured in ``make bench``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import anmelden, oeffne, serve
from .test_pages_browser import assert_no_error, screenshot, wait_until_idle

pytestmark = pytest.mark.browser
BILDSCHIRM = 1000  # px: the viewport's height
TABELLE_HOEHE = 420  # px: pages/uebersicht.py's fixed height of a table of many areas


def _hoehe(page) -> int:  # noqa: ANN001 - playwright Page
    return page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")


def _laden(page, titel: str) -> None:  # noqa: ANN001
    oeffne(page, titel)
    wait_until_idle(page)


def _planungsraeume(page, url: str) -> None:  # noqa: ANN001
    page.set_default_timeout(180_000)
    anmelden(page, url)
    page.locator('[data-testid="stSidebar"]').get_by_text("Planungsraum", exact=True).first.click()
    wait_until_idle(page)


def _tabellen_scrollen(page) -> None:  # noqa: ANN001
    # The tables are drawn after the headings: wait for them (a busy machine draws them seconds later).
    expect(page.locator('[data-testid="stDataFrame"]:visible').first).to_be_visible(timeout=60_000)
    hoehen = page.locator('[data-testid="stDataFrame"]:visible').evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)")
    assert hoehen and max(hoehen) <= TABELLE_HOEHE + 5, hoehen


def test_the_uebersicht_of_1100_planungsraeume(stadt_planung) -> None:  # noqa: ANN001
    page = stadt_planung  # logged in, Planungsräume chosen (tests/browser/conftest.py)
    _laden(page, "Übersicht")
    assert_no_error(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Bedarfsindex der Planungsräume im Jahr 2020")).to_be_visible()
    expect(main.get_by_text("Für 2023 gibt es keine Werte von „Bedarfsindex“; gezeigt wird 2020.")).to_be_visible()
    expect(main.get_by_text("die 15 Planungsräume mit dem höchsten Eckwert")).to_be_visible()
    expect(main.get_by_text("Alle 1.100 Planungsräume mit Bedarfsindex")).to_be_visible()
    # No costs in this city: their tiles are left out (one note), never a row of dashes.
    expect(main.get_by_text("Deshalb fehlen hier die Ausgaben")).to_be_visible()
    werte = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert len(werte) == 5 and "–" not in werte, werte
    _tabellen_scrollen(page)
    hoehe = _hoehe(page)
    screenshot(page, "grosse_stadt_uebersicht")
    assert hoehe <= 6 * BILDSCHIRM, hoehe


def test_the_uebersicht_of_indicators_only(page, grosse_stadt: Path, tmp_path_factory) -> None:  # noqa: ANN001
    ordner = tmp_path_factory.mktemp("nur_indikatoren")
    for name in ("indikatoren.csv", "zuordnung.csv"):
        shutil.copy(grosse_stadt / name, ordner / name)
    with serve(ordner, tmp_path_factory.mktemp("nur_indikatoren_app")) as url:
        _planungsraeume(page, url)
        _laden(page, "Übersicht")
        assert_no_error(page)
        main = page.locator('[data-testid="stMain"]')
        expect(main.get_by_text("Bedarfsindex der Planungsräume im Jahr 2020")).to_be_visible()
        expect(main.get_by_text("Planungsräume je Bedarfsklasse 2020")).to_be_visible()
        expect(main.locator("h3", has_text="Sozialstrukturindikatoren")).to_be_visible()
        expect(main.get_by_text("Nicht geladen:")).to_have_count(1)
        assert page.locator('[data-testid="stMetric"]').count() == 0  # no tiles of dashes
        _tabellen_scrollen(page)
        assert _hoehe(page) <= 6 * BILDSCHIRM
        screenshot(page, "nur_indikatoren_uebersicht")
