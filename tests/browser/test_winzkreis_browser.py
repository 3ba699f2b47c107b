"""A Kreis of three Gemeinden, two Sozialräume and twelve cases, imported into the store as a planner does
(``importieren``), in the public view of a real browser: every page answers, none shows an error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, serve
from .test_pages_browser import assert_no_error, screenshot, wait_until_idle

pytestmark = pytest.mark.browser
WINZKREIS = Path(__file__).resolve().parents[1] / "fixtures" / "winzkreis"
SEITEN = {"uebersicht": "Übersicht", "entwicklung": "Entwicklung", "karte": "Karte", "vergleich": "Vergleich",
          "steckbrief": "Steckbrief", "steuerung": "Steuerung", "methodik": "Methodik"}


@pytest.fixture(scope="module")
def winzkreis_url(tmp_path_factory: pytest.TempPathFactory):
    log_dir = tmp_path_factory.mktemp("winzkreis_app")
    env = {**os.environ, "SOZIALRAUM_ABLAGE": str(log_dir / "ablage")}
    env.pop("SOZIALRAUM_DB", None)
    for art in ("zuordnung", "gebiete", "bevoelkerung", "faelle", "kosten", "indikatoren", "angebote"):
        path = WINZKREIS / (f"{art}.geojson" if art == "gebiete" else f"{art}.csv")
        result = subprocess.run([sys.executable, "-m", "sozialraum_analytics", "importieren", "--art", art, str(path)],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    with serve(None, log_dir) as url:
        yield url


@pytest.mark.parametrize("slug", list(SEITEN))
def test_every_public_page_answers_for_twelve_cases(page, winzkreis_url: str, slug: str) -> None:
    page.goto(f"{winzkreis_url}/{slug}")
    wait_until_idle(page)
    expect(page.locator("h1", has_text=SEITEN[slug]).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Öffentliche Ansicht").first).to_be_visible()
    assert_no_error(page)
    text = page.inner_text('[data-testid="stMain"]')
    assert "Traceback" not in text and "RuntimeError" not in text and str(ROOT) not in text
    screenshot(page, f"winzkreis_{slug}")


def test_the_presentation_answers_for_twelve_cases(page, winzkreis_url: str) -> None:
    page.goto(f"{winzkreis_url}/praesentation")
    wait_until_idle(page)
    expect(page.get_by_text("Folie 1 von").first).to_be_visible(timeout=120_000)
    assert_no_error(page)
    screenshot(page, "winzkreis_praesentation")
