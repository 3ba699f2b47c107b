"""The Vergleich page of a city of 1,100 Planungsräume in a real browser (issue 14): it stays within six
screens, ranks the top and bottom with a table of all, and a search finds both areas named "Heerstraße".

The city (``grosse_stadt_url``) is generated, never committed, and imported through the store. Its load
time against the Methodik page is measured in ``make bench`` (benchmarks/test_bench_seiten.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import oeffne
from .test_pages_browser import assert_no_error, screenshot, wait_until_idle

pytestmark = pytest.mark.browser

BILDSCHIRM = 1000  # px: the page fixture's viewport is 1600×1000


def seite_laden(page, titel: str) -> None:  # noqa: ANN001
    """Open a page through the sidebar and wait until the script has finished."""
    oeffne(page, titel)
    wait_until_idle(page)


def hoehe(page) -> int:  # noqa: ANN001
    return page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")


def test_the_vergleich_of_a_large_city_is_short_and_quick(stadt_planung) -> None:  # noqa: ANN001
    page = stadt_planung  # logged in, Planungsräume chosen (tests/browser/conftest.py)
    seite_laden(page, "Vergleich")
    assert_no_error(page)
    # Issue 14: 14,000 px before.
    assert hoehe(page) <= 6 * BILDSCHIRM
    main = page.locator('[data-testid="stMain"]')
    assert page.locator(".js-plotly-plot").count() <= 3
    expect(main.get_by_text("weitere Planungsräume (in der Tabelle)").first).to_be_visible()
    expect(main.get_by_text("Alle 1.100 Planungsräume")).to_be_visible()
    screenshot(page, "vergleich_grosse_stadt")


def test_a_search_finds_both_heerstrassen_in_the_ranking(stadt_planung) -> None:  # noqa: ANN001
    page = stadt_planung  # logged in, Planungsräume chosen (tests/browser/conftest.py)
    seite_laden(page, "Vergleich")
    suche = page.get_by_role("textbox", name="Planungsraum suchen (Name oder Schlüssel)")
    suche.fill("Heerstraße")
    suche.press("Enter")
    wait_until_idle(page)
    assert_no_error(page)
    ranking = page.locator(".js-plotly-plot").first
    achse = [t.strip() for t in ranking.locator(".ytick text").all_text_contents()]
    assert any(t.endswith("Heerstraße (Bezirksregion 002)") for t in achse), achse
    assert any(t.endswith("Heerstraße (Bezirksregion 142)") for t in achse), achse
    screenshot(page, "vergleich_grosse_stadt_suche")
