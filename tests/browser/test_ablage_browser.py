"""Data that went through the store as planners bring it (``importieren``), in a real browser: the demo
Kreis in both views, and a Kreis of three Gemeinden, two Sozialräume and twelve cases in the public
view. Every page answers; none shows an error, a traceback or a server path."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from ..conftest import ablage_kopieren
from .conftest import ROOT, anmelden, importiert, oeffne, serve
from .test_pages_browser import assert_no_error, screenshot, wait_until_idle

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OEFFENTLICH = {"uebersicht": "Übersicht", "entwicklung": "Entwicklung", "karte": "Karte", "vergleich": "Vergleich",
               "steckbrief": "Steckbrief", "steuerung": "Steuerung", "methodik": "Methodik"}
PLANUNG = {**OEFFENTLICH, "daten": "Datenbestand", "importieren": "Daten importieren"}


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory, demo_ablage_vorlage: Path):
    """The demo Kreis imported with the command line, file by file (the run's store, tests/conftest.py)."""
    log_dir = tmp_path_factory.mktemp("demo_ablage_app")
    ablage_kopieren(demo_ablage_vorlage, log_dir / "ablage" / "sozialraum.db")
    with serve(None, log_dir) as url:
        yield url


@pytest.fixture(scope="module")
def winzkreis_url(tmp_path_factory: pytest.TempPathFactory):
    log_dir = tmp_path_factory.mktemp("winzkreis_app")
    importiert(FIXTURES / "winzkreis", log_dir)
    with serve(None, log_dir) as url:
        yield url


# English a user must not see (Streamlit's own texts, Python values, English number forms).
ENGLISCH = [r"\bUpload\b", r"per file", r"\bPress\b", r"\bsubmit\b", r"\bBrowse\b", r"Drag and drop", r"\bChoose\b",
            r"\bSelect\b", r"\bNone\b", r"\bNaN\b", r"\bnan\b", r"\bTrue\b", r"\bFalse\b", r"\bError\b",
            r"\bDownload\b", r"\bLoading\b", r"\bNo results\b", r"\bClear\b", r"\bSearch\b", r"\bShow\b",
            r"\d{4}-\d{2}-\d{2}", r"\d{2}:\d{2}:\d{2}", r"\b\d+(\.\d+)?[kMG]\b", r"\b\d+\.\d{1,2}\b(?![.\d])"]


def englisch(page) -> list[str]:  # noqa: ANN001
    """English words and number forms in the page's visible text and its charts' axis labels."""
    import re

    text = page.inner_text("body")
    text += "\n" + "\n".join(page.locator(".js-plotly-plot .xtick text, .js-plotly-plot .ytick text").all_text_contents())
    # What stands in input fields (a number field's "1000000.00") is not part of the inner text.
    text += "\n" + "\n".join(page.locator("input:visible").evaluate_all("els => els.map(e => e.value)"))
    text = re.sub(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b", "", text)  # German dates
    text = re.sub(r"§\s?\d+\.\d", "", text)  # § 27.2
    return [m.group(0) for muster in ENGLISCH for m in re.finditer(muster, text)]


def _seite_ok(page, titel: str, name: str) -> None:  # noqa: ANN001
    # expect() waits for the settled page (Streamlit may rerun once for the URL) and fails when the
    # content never appears.
    expect(page.locator("h1", has_text=titel).first).to_be_visible(timeout=60_000)
    slug = name.rsplit("_", 1)[-1]
    if slug == "entwicklung":
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length >= 2")
    if slug == "uebersicht":
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 7")
    if slug == "steckbrief":
        # The case structure from the store's case rows (read when first asked for), in both views.
        expect(page.get_by_role("tab", name="Grund der Beendigung")).to_be_visible(timeout=60_000)
    if slug in OEFFENTLICH:
        # The selection is in the URL, so a copied link shows the same view.
        page.wait_for_function("() => ['jahr', 'ebene', 'nenner', 'skala'].every(k => "
                               "new URL(location.href).searchParams.has(k))")
    wait_until_idle(page)
    assert_no_error(page)
    text = page.inner_text('[data-testid="stMain"]')
    assert "Traceback" not in text and "Error" not in text and str(ROOT) not in text, name
    if slug in OEFFENTLICH:
        assert set(parse_qs(urlparse(page.url).query)) >= {"jahr", "ebene", "nenner", "skala"}
    assert englisch(page) == [], name
    screenshot(page, name)


def _oeffentlich(page, url: str, prefix: str) -> None:  # noqa: ANN001
    # One session, moving through the sidebar as a visitor does (a new page load per page is slow).
    page.goto(f"{url}/uebersicht")
    for slug, titel in OEFFENTLICH.items():
        if slug != "uebersicht":
            oeffne(page, titel)
        _seite_ok(page, titel, f"{prefix}_{slug}")
        expect(page.get_by_text("Öffentliche Ansicht").first).to_be_visible()
    page.goto(f"{url}/praesentation")
    wait_until_idle(page)
    expect(page.get_by_text("Folie 1 von").first).to_be_visible(timeout=120_000)
    assert_no_error(page)
    screenshot(page, f"{prefix}_praesentation")


def test_the_public_view_of_the_imported_demo(page, demo_url: str) -> None:
    _oeffentlich(page, demo_url, "ablage_oeffentlich")


def test_the_planning_view_of_the_imported_demo(page, demo_url: str) -> None:
    anmelden(page, demo_url)
    for slug, titel in PLANUNG.items():
        oeffne(page, titel)
        _seite_ok(page, titel, f"ablage_planung_{slug}")
        expect(page.get_by_text("Planungsansicht").first).to_be_visible()


def test_the_public_view_of_twelve_cases(page, winzkreis_url: str) -> None:
    _oeffentlich(page, winzkreis_url, "winzkreis")
