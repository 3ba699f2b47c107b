"""The Steckbrief in a real browser (issue 14): on a generated city of 1,100 Planungsräume with social
indicators for 2020 only and population for 2021–2023, and on the demo Kreis in the public view.

Screenshots (``SOZIALRAUM_SCREENSHOTS=1``) go to /tmp/screens: steckbrief_grosse_stadt*.png, steckbrief_demo.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from .conftest import oeffne
from .test_pages_browser import assert_no_error, screenshot, wait_until_idle

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
BILDSCHIRM = 1000  # px: the viewport's height; a page may be six of them


def _hoehe(page) -> int:  # noqa: ANN001
    return page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")


def _haupttext(page) -> str:  # noqa: ANN001
    return page.inner_text('[data-testid="stMain"]')


def test_steckbrief_of_a_planungsraum_in_a_city_of_1100(stadt_planung, grosse_stadt: Path) -> None:  # noqa: ANN001
    import pandas as pd

    zuordnung = pd.read_csv(grosse_stadt / "zuordnung.csv", sep=";", dtype=str)
    heerstrasse = list(zuordnung.loc[zuordnung["name"] == "Heerstraße", "raum_id"])
    assert len(heerstrasse) == 2
    page = stadt_planung  # logged in, Planungsräume chosen (tests/browser/conftest.py)
    oeffne(page, "Steckbrief")
    wait_until_idle(page)
    assert_no_error(page)
    text = _haupttext(page)
    # Indicators exist for 2020 only: the block shows 2020 and says so; the summary compares them.
    assert "Für 2023 gibt es keine Sozialstrukturindikatoren; gezeigt wird 2020" in text
    assert "lässt sich keine Kennzahl" not in text
    assert "Der Indikator „" in text or "Keiner der Sozialstrukturindikatoren" in text
    assert "Stand 2020" in text
    # Both charts have values (no empty chart), the age chart of 2021–2023.
    # The Steckbrief's two charts; the city's case file has no structure columns, so no Fallstruktur charts.
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    # The chart's title is drawn in the browser after the script has run: wait for it, not for the text read above.
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("Junge Menschen nach Altersgruppe, 2021–2023",
                                                                    timeout=60_000)
    assert _hoehe(page) <= 6 * BILDSCHIRM, _hoehe(page)
    screenshot(page, "steckbrief_grosse_stadt")

    # The selection by id: two "Heerstraße" with their Sozialraum, found by typing.
    auswahl = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first
    auswahl.click()
    page.keyboard.type("Heerstra")
    optionen = page.get_by_role("option", name=re.compile("^Heerstraße"))
    expect(optionen).to_have_count(2)
    labels = optionen.all_inner_texts()
    assert len(set(labels)) == 2 and all(re.fullmatch(r"Heerstraße \(.+\)", t.strip()) for t in labels), labels
    zweite = labels[1].strip()
    optionen.nth(1).click()
    wait_until_idle(page)
    assert_no_error(page)
    expect(page.locator("h2", has_text=zweite).first).to_be_visible()
    raum = parse_qs(urlparse(page.url).query).get("raum")
    assert raum and raum[0] in heerstrasse
    # The other Heerstraße keeps its own id: the label names the Sozialraum of the chosen one.
    sozialraum = zuordnung.set_index("raum_id").at[raum[0], "sozialraum_name"]
    assert sozialraum in zweite
    assert _hoehe(page) <= 6 * BILDSCHIRM
    screenshot(page, "steckbrief_grosse_stadt_heerstrasse")

    # A copied link opens the same area (the URL keeps the raum_id).
    assert not page.blocked_requests


def test_steckbrief_of_the_demo_in_the_public_view(page, app_url: str) -> None:
    page.goto(f"{app_url}/steckbrief")
    wait_until_idle(page)
    assert_no_error(page)
    expect(page.locator("h2").first).to_be_visible(timeout=60_000)
    text = _haupttext(page)
    assert "Das Wichtigste" in text and "Sozialstruktur und Bedarfsindex" in text
    assert "lässt sich keine Kennzahl" not in text
    # The Steckbrief's two charts and the Fallstruktur's four tabs (age, sex, Hauptgrund, ending), one chart each.
    expect(page.locator(".js-plotly-plot")).to_have_count(6)
    # The public view (its "•" in the tables: tests/test_steckbrief_saetze.py, test_pages_oeffentlich.py).
    assert "Öffentliche Ansicht" in page.inner_text("body")
    assert _hoehe(page) <= 6 * BILDSCHIRM
    screenshot(page, "steckbrief_demo")
