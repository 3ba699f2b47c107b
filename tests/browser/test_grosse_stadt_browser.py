"""Every page on a city of 1,100 Planungsräume (issue 14), generated, never committed, and imported
through the store as planners bring it: no exception, no error, no page taller than six screens, in
the planning view at the level of Planungsräume and in the public view (Sozialräume).

The load times and their ratio to the Methodik page are measured in ``make bench``
(benchmarks/test_bench_seiten.py), not here: speed targets live in benchmarks.
"""

from __future__ import annotations

import pytest

from .conftest import oeffne
from .test_pages_browser import screenshot, wait_until_idle

pytestmark = pytest.mark.browser
SEITEN = ["Übersicht", "Entwicklung", "Karte", "Vergleich", "Steckbrief", "Steuerung", "Methodik", "Datenbestand",
          "Daten importieren", "Präsentation"]  # the presentation hides the navigation: last
OEFFENTLICH = ["Übersicht", "Entwicklung", "Karte", "Vergleich", "Steckbrief", "Steuerung", "Methodik"]
BILDSCHIRM = 1000  # px: the viewport's height


def _probleme(page, seiten: list[str], name: str) -> list[str]:  # noqa: ANN001 - playwright Page
    probleme = []
    for seite in seiten:
        oeffne(page, seite)
        wait_until_idle(page)
        fehler = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
        if fehler.count():
            probleme.append(f"{seite}: {fehler.first.inner_text()[:300]}")
        if "Traceback" in page.inner_text("body"):
            probleme.append(f"{seite}: Traceback")
        hoehe = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        if hoehe > 6 * BILDSCHIRM:
            probleme.append(f"{seite}: {hoehe} px hoch (mehr als 6 Bildschirme)")
        screenshot(page, f"{name}_{seite}")
    return probleme


def test_every_page_works_for_1100_planungsraeume(stadt_planung) -> None:  # noqa: ANN001
    # Logged in, Planungsräume chosen (tests/browser/conftest.py).
    assert _probleme(stadt_planung, SEITEN, "grosse_stadt") == []


def test_every_public_page_works_for_143_sozialraeume(page, grosse_stadt_url: str) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 1600, "height": BILDSCHIRM})
    page.set_default_timeout(180_000)
    page.goto(f"{grosse_stadt_url}/uebersicht")
    wait_until_idle(page)
    assert "Öffentliche Ansicht" in page.inner_text("body")
    assert _probleme(page, OEFFENTLICH, "grosse_stadt_oeffentlich") == []
