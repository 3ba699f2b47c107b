"""Pages in a real browser on the demo folder: a bookmark as first request, the presentation, the
selection across pages, image downloads. (Every page of both views renders in test_ablage_browser.py,
on data imported into the store.) Screenshots go to /tmp/screens with SOZIALRAUM_SCREENSHOTS set."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENS = Path("/tmp/screens")
PAGES = {"uebersicht": "Übersicht", "entwicklung": "Entwicklung", "karte": "Karte", "vergleich": "Vergleich",
         "steckbrief": "Steckbrief", "steuerung": "Steuerung", "methodik": "Methodik", "anmelden": "Anmelden"}


def wait_until_idle(page) -> None:  # noqa: ANN001 - playwright Page
    """Wait until Streamlit has connected and finished running the script, then let charts settle."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"] [data-testid^=\"stStatusWidgetRunning\"]')")
    page.wait_for_timeout(500)
    # A rerun may have started meanwhile (e.g. the URL being synced): wait for it too.
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def assert_no_error(page) -> None:  # noqa: ANN001
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0, page.inner_text("body")[:2000]


def screenshot(page, name: str) -> None:  # noqa: ANN001
    """A screenshot of the whole page: the viewport grows to the height of the content.

    Only when ``SOZIALRAUM_SCREENSHOTS`` is set (to look at the pages: ``SOZIALRAUM_SCREENSHOTS=1 make test``,
    pictures in /tmp/screens); the test suite does not need the pictures and is faster without them.
    """
    if not os.environ.get("SOZIALRAUM_SCREENSHOTS"):
        return
    SCREENS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => Math.max(document.body.scrollHeight,"
        " ...[...document.querySelectorAll('[data-testid=\"stMain\"], [data-testid=\"stAppViewContainer\"],"
        " section.main')].map(e => e.scrollHeight))")
    original = page.viewport_size
    page.set_viewport_size({"width": original["width"], "height": max(original["height"], min(int(height), 12000))})
    page.wait_for_timeout(800)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)
    page.set_viewport_size(original)


def test_a_page_link_opened_first_runs_inside_the_app(page, app_url: str, app_data_dir: Path) -> None:
    """First request after the start goes straight to a page (a bookmark): sidebar and label must be there."""
    page.goto(f"{app_url}/entwicklung?jahr=2023&nenner=u18&skala=10000")
    wait_until_idle(page)
    assert_no_error(page)
    # The first request switches Streamlit out of its legacy pages mode and reruns once:
    # wait for the app's own frame (sidebar selection) instead of checking at one instant.
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Bezugsgröße des Eckwerts").wait_for(state="visible", timeout=30_000)
    wait_until_idle(page)
    assert_no_error(page)
    assert page.locator("h1", has_text="Entwicklung").first.is_visible()
    # Exactly our pages in the navigation (not the files of pages/ plus "app").
    links = page.locator('[data-testid="stSidebarNav"] a')
    # (The inner text also holds the icon's ligature name, e.g. "dashboard\n\nÜbersicht".)
    assert sorted(t.split("\n")[-1].strip() for t in links.all_inner_texts()) == sorted([*PAGES.values(),
                                                                                         "Präsentation"])
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for()
    assert "Eckwert je 10.000 unter 18 Jahre" in page.inner_text("body")
    query = parse_qs(urlparse(page.url).query)
    assert query == {"jahr": ["2023"], "ebene": ["sozialraum"], "nenner": ["u18"], "skala": ["10000"]}


def folie(page, nummer: int, kurz: str) -> None:  # noqa: ANN001
    """Wait until slide ``nummer`` is shown: its label in the slide navigation ("Folie 3 von 14: Karte")."""
    import re

    expect(page.get_by_text(re.compile(rf"^Folie {nummer} von \d+: {re.escape(kurz)}$")).first).to_be_visible(
        timeout=60_000)
    wait_until_idle(page)


def test_the_presentation_shows_slides_in_the_public_view(page, app_url: str) -> None:
    """Each step is checked on the slide's own content (its heading, table or chart), not on the footer under
    every slide, which names the public view on all of them."""
    main = page.locator('[data-testid="stMain"]')
    titel = main.locator(".folie h1")  # only the title slide has one
    ueberschrift = main.locator("h2").first  # every other slide's heading
    page.goto(f"{app_url}/praesentation")
    wait_until_idle(page)
    expect(page.get_by_text("Folie 1 von").first).to_be_visible(timeout=120_000)
    folie(page, 1, "Titel")
    expect(titel).to_have_text("Hilfen zur Erziehung im Musterkreis")
    # The title slide itself states the committee's view (the footer says so on every slide).
    expect(main.locator(".folie p", has_text="Bericht für den Jugendhilfeausschuss")).to_be_visible()
    expect(main.locator(".folie p", has_text="Öffentliche Ansicht (Jugendhilfeausschuss)")).to_be_visible()
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    screenshot(page, "praesentation_1")
    page.get_by_role("button", name="Weiter ▶").click()
    folie(page, 2, "Kreis")
    expect(titel).to_have_count(0)
    expect(ueberschrift).to_have_text(re.compile(r"^Hilfen gesamt je Sozialraum \d{4}$"))
    # The slide's table: no count of 1 to 4 in any cell (a suppressed one shows "•").
    cells = [c.strip() for c in page.locator("table.folientabelle td").all_inner_texts()]
    assert len(cells) >= 20 and not {"1", "2", "3", "4"} & set(cells), cells
    assert_no_error(page)
    screenshot(page, "praesentation_2")
    page.get_by_role("button", name="◀ Zurück").click()
    folie(page, 1, "Titel")
    expect(titel).to_have_text("Hilfen zur Erziehung im Musterkreis")
    expect(ueberschrift).to_have_count(0)
    # Keys, as a presenter's clicker sends them (PageDown/PageUp) and the arrow keys.
    page.keyboard.press("ArrowRight")
    folie(page, 2, "Kreis")
    expect(ueberschrift).to_have_text(re.compile(r"^Hilfen gesamt je Sozialraum \d{4}$"))
    page.keyboard.press("PageDown")
    folie(page, 3, "Karte")
    # The map slide: its heading and the map, no table.
    expect(ueberschrift).to_have_text(re.compile(r"^Karte: Eckwert je Sozialraum \d{4}$"))
    expect(main.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    expect(page.locator("table.folientabelle")).to_have_count(0)
    screenshot(page, "praesentation_3")
    page.keyboard.press("PageUp")
    folie(page, 2, "Kreis")
    expect(ueberschrift).to_have_text(re.compile(r"^Hilfen gesamt je Sozialraum \d{4}$"))
    expect(page.locator("table.folientabelle")).to_have_count(1)
    page.keyboard.press("ArrowLeft")
    folie(page, 1, "Titel")
    expect(titel).to_have_text("Hilfen zur Erziehung im Musterkreis")
    # A way back to the dashboard.
    page.get_by_role("link", name="Zurück zum Dashboard").click()
    expect(page.locator("h1", has_text="Übersicht").first).to_be_visible(timeout=60_000)


def test_the_navigation_keeps_the_selection(page, app_url: str) -> None:
    from .conftest import anmelden

    anmelden(page, app_url)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Übersicht").click()
    wait_until_idle(page)
    # The Kreis beside the demo's invented reference values, labelled with their source (issue 17.2).
    main = page.locator('[data-testid="stMain"]')
    expect(main.locator("h3", has_text="Musterkreis im Vergleich mit anderen Gebieten")).to_be_visible(timeout=60_000)
    quellen = main.locator('[data-testid="stCaptionContainer"]', has_text="Quellen:")
    expect(quellen.first).to_contain_text("Beispielwerte (Demo, erfunden, keine amtlichen Zahlen)")
    page.locator('[data-testid="stSidebar"]').get_by_text("Planungsraum", exact=True).click()
    wait_until_idle(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="2022").click()
    wait_until_idle(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Entwicklung").click()
    page.wait_for_url("**/entwicklung**")
    wait_until_idle(page)
    assert_no_error(page)
    query = parse_qs(urlparse(page.url).query)
    assert query.get("jahr") == ["2022"] and query.get("ebene") == ["planungsraum"]
    assert "Planungsräume" in page.inner_text('[data-testid="stMain"]')


def test_a_chart_downloads_as_png_and_svg_with_source_and_view(page, app_url: str) -> None:
    import re

    page.goto(f"{app_url}/entwicklung")
    wait_until_idle(page)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=re.compile("PNG")).first.click()
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=re.compile("SVG")).first.click()
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "Öffentliche Ansicht" in svg and "Quelle: Demo-Daten" in svg and "Eckwert je 1.000 unter 21 Jahre" in svg
    assert "Planungsansicht" not in svg
    # The Eckwert chart's reference lines (the demo's invented Vergleichswerte) carry their source into the image.
    assert "Musterland (Beispiel)" in svg and "Vergleichswerte (grau)" in svg and "Beispielwerte (Demo" in svg
    assert not page.blocked_requests


def test_a_chart_made_in_the_planning_view_says_so(page, app_url: str) -> None:
    """The footer names the view the image was made in, even though it is drawn later, on the click."""
    import re

    from .conftest import anmelden, oeffne

    anmelden(page, app_url)
    oeffne(page, "Entwicklung")
    wait_until_idle(page)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=re.compile("SVG")).first.click()
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Planungsansicht (nicht zur Veröffentlichung)" in svg and "Öffentliche Ansicht" not in svg
    assert "Bezugsgröße: Eckwert je 1.000 unter 21 Jahre" in svg


def test_the_map_downloads_for_print_as_pdf_and_png(page, app_url: str) -> None:
    """Karte drucken: one A4 landscape page (PDF) and the same page at 300 dpi (PNG), in the public view."""
    import io

    from PIL import Image
    from pypdf import PdfReader

    page.goto(f"{app_url}/karte?ebene=sozialraum")
    wait_until_idle(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Karte drucken (PDF, A4 quer)").click()
    assert download.value.suggested_filename.endswith("_oeffentlich.pdf")
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width)) == 842 and round(float(reader.pages[0].mediabox.height)) == 595
    text = reader.pages[0].extract_text()
    assert "Öffentliche Ansicht" in text and "Planungsansicht" not in text
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Karte drucken (PNG, 300 dpi)").click()
    with Image.open(download.value.path()) as bild:
        assert bild.size == (3508, 2480)
