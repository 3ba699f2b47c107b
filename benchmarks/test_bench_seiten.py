"""Every page of the dashboard on a city of 1,100 Planungsräume, in headless Chromium (issue 14).

The city comes from :func:`generate.write_grosse_stadt` (143 Sozialräume, cases, population 2021–2023,
indicators for 2020). A planner logs in, switches to Planungsräume and opens each page through the
sidebar: once cold, then three times warm (median). Printed per page: cold and warm seconds, the ratio
of warm to the Methodik page (the lightest) in the same run, and the height in screens (1600×1000).

Targets: warm within 3× Methodik, no page taller than 6 screens. Run with ``make bench``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEITEN = ["Methodik", "Übersicht", "Entwicklung", "Karte", "Vergleich", "Steckbrief", "Steuerung", "Datenbestand",
          "Daten importieren", "Präsentation"]
BILDSCHIRM = 1000


def test_page_load_times_in_the_browser(tmp_path_factory):
    pytest.importorskip("playwright")
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import anmelden, oeffne, serve
    from tests.browser.test_pages_browser import wait_until_idle

    from .generate import write_grosse_stadt

    ordner = write_grosse_stadt(tmp_path_factory.mktemp("grosse_stadt"))
    zeilen = {}
    with serve(ordner, tmp_path_factory.mktemp("grosse_stadt_app")) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1600, "height": BILDSCHIRM})
        page.set_default_timeout(180_000)
        anmelden(page, url)
        page.get_by_text("Planungsraum", exact=True).first.click()
        wait_until_idle(page)

        def laden(seite: str) -> float:
            if not page.locator('[data-testid="stSidebarNav"]').is_visible():
                # The presentation hides the navigation: back through its own link.
                page.get_by_text("Zurück zum Dashboard").first.click()
                wait_until_idle(page)
            start = time.perf_counter()
            oeffne(page, seite)
            wait_until_idle(page)
            return time.perf_counter() - start

        for seite in SEITEN:
            kalt = laden(seite)
            warm = []
            for _ in range(3):
                laden("Methodik" if seite != "Methodik" else "Datenbestand")
                warm.append(laden(seite))
            hoehe = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            zeilen[seite] = (kalt, statistics.median(warm), hoehe / BILDSCHIRM)
            print(f"{seite}: kalt {kalt:.1f} s, warm {statistics.median(warm):.1f} s, {hoehe / BILDSCHIRM:.1f} Bildschirme",
                  flush=True)
        browser.close()
    methodik = zeilen["Methodik"][1]
    print(f"\n{'Seite':18s} {'kalt':>7s} {'warm':>7s} {'× Methodik':>11s} {'Bildschirme':>12s}")
    for seite, (kalt, warm, hoch) in zeilen.items():
        print(f"{seite:18s} {kalt:6.1f}s {warm:6.1f}s {warm / methodik:10.1f}× {hoch:11.1f}")
    zu_langsam = {s: round(w / methodik, 1) for s, (_k, w, _h) in zeilen.items() if w > 3 * methodik}
    zu_hoch = {s: round(h, 1) for s, (_k, _w, h) in zeilen.items() if h > 6}
    assert zu_langsam == {} and zu_hoch == {}
