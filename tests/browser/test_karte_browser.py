"""The map in a real browser, offline: one polygon per area, escaped tooltips, clicks that keep the map."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from playwright.sync_api import expect

from .conftest import anmelden, oeffne, serve
from .test_pages_browser import assert_no_error, screenshot, wait_until_idle

pytestmark = pytest.mark.browser

MARKUP = "<img src=x onerror=alert(1)>"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def map_frame(page):  # noqa: ANN001, ANN201
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    return page.frame_locator(MAP_FRAME)


def polygons(page):  # noqa: ANN001, ANN201
    """The interactive area paths of the map (Sozialraum outlines are drawn non-interactive)."""
    frame = map_frame(page)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    return frame.locator("path.leaflet-interactive")


def area_count(data_dir: Path, ebene: str) -> int:
    zuordnung = pd.read_csv(data_dir / "zuordnung.csv", sep=";", dtype=str, encoding="utf-8-sig")
    return zuordnung["raum_id"].nunique() if ebene == "planungsraum" else zuordnung["sozialraum_id"].nunique()


def karte_oeffnen(page, url: str, ebene: str) -> None:  # noqa: ANN001
    """The map at ``ebene``: Sozialräume in the public view; Planungsräume only for a logged-in planner."""
    if ebene == "sozialraum":
        page.goto(f"{url}/karte?ebene=sozialraum")
        return
    anmelden(page, url)
    oeffne(page, "Karte")
    wait_until_idle(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Planungsraum", exact=True).click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('ebene') === 'planungsraum'")


@pytest.mark.parametrize("ebene", ["planungsraum", "sozialraum"])
def test_the_map_draws_one_polygon_per_area_offline(page, app_url: str, app_data_dir: Path, ebene: str) -> None:
    karte_oeffnen(page, app_url, ebene)
    wait_until_idle(page)
    expect(page.locator("h1", has_text="Karte").first).to_be_visible(timeout=30_000)
    paths = polygons(page)
    expect(paths).to_have_count(area_count(app_data_dir, ebene), timeout=30_000)
    assert_no_error(page)
    # Leaflet came from the app itself; nothing was even asked of the internet.
    assert page.blocked_requests == []
    legend = page.locator(".sra-legende")
    expect(legend).to_be_visible()
    assert "Eckwert" in legend.inner_text() and "Klassen" in legend.inner_text()
    screenshot(page, f"karte_{ebene}")


def test_the_map_does_not_rerun_in_a_loop(page, app_url: str) -> None:
    page.goto(f"{app_url}/karte?ebene=sozialraum")
    wait_until_idle(page)
    polygons(page)
    wait_until_idle(page)
    page.evaluate("""() => {
        window.__runs = 0;
        const app = document.querySelector('[data-testid="stApp"]');
        new MutationObserver(() => { if (app.dataset.testScriptState === 'running') window.__runs++; })
            .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }""")
    page.wait_for_timeout(4000)
    assert page.evaluate("() => window.__runs") == 0


def test_clicking_an_area_selects_it_and_keeps_the_map(page, app_url: str) -> None:
    page.goto(f"{app_url}/karte?ebene=sozialraum")
    wait_until_idle(page)
    paths = polygons(page)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(600)
    frame.evaluate("() => { window.__same_map = true; }")
    zoom_before = frame.evaluate("() => document.querySelector('.leaflet-map-pane').style.transform")
    box = paths.nth(2).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_text("Ausgewählt:")).to_be_visible(timeout=30_000)
    wait_until_idle(page)
    assert_no_error(page)
    assert "raum" in parse_qs(urlparse(page.url).query)
    # The same map document (not rebuilt), so pan and zoom stay as they were.
    assert frame.evaluate("() => window.__same_map === true")
    assert frame.evaluate("() => document.querySelector('.leaflet-map-pane').style.transform") == zoom_before
    expect(page.get_by_role("link", name="Steckbrief öffnen")).to_be_visible()


@pytest.fixture(scope="module")
def hostile_app_url(app_data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The demo Kreis with one Planungsraum renamed to markup, in the assignment and the geometry."""
    folder = tmp_path_factory.mktemp("hostile")
    for path in app_data_dir.iterdir():
        if path.is_file():
            shutil.copy(path, folder / path.name)
    zuordnung = (folder / "zuordnung.csv").read_text(encoding="utf-8-sig")
    first_row = zuordnung.splitlines()[1]
    raum_id, name = first_row.split(";")[:2]
    (folder / "zuordnung.csv").write_text(zuordnung.replace(f"{raum_id};{name};", f"{raum_id};{MARKUP};"),
                                          encoding="utf-8-sig")
    gebiete = json.loads((folder / "gebiete.geojson").read_text(encoding="utf-8"))
    for feature in gebiete["features"]:
        if feature["properties"]["raum_id"] == raum_id:
            feature["properties"]["name"] = MARKUP
    (folder / "gebiete.geojson").write_text(json.dumps(gebiete, ensure_ascii=False), encoding="utf-8")
    with serve(folder, tmp_path_factory.mktemp("hostile_log")) as url:
        yield url


def test_a_markup_name_is_shown_as_text_in_the_tooltip(page, hostile_app_url: str) -> None:
    dialogs: list[str] = []

    def melden(dialog) -> None:  # noqa: ANN001 - playwright Dialog
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", melden)
    try:
        _markup_als_text(page, hostile_app_url, dialogs)
    finally:
        page.remove_listener("dialog", melden)  # the worker's tab goes on to the next test


def _markup_als_text(page, hostile_app_url: str, dialogs: list[str]) -> None:  # noqa: ANN001
    karte_oeffnen(page, hostile_app_url, "planungsraum")
    wait_until_idle(page)
    paths = polygons(page)
    frame = map_frame(page)
    tooltip = frame.locator(".leaflet-tooltip")
    found = False
    for i in range(paths.count()):
        box = paths.nth(i).bounding_box()
        if box is None:
            continue
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(150)
        if tooltip.count() and MARKUP in tooltip.first.inner_text():
            found = True
            break
    assert found, "no area shows the markup name as text in its tooltip"
    assert frame.locator('img[src="x"]').count() == 0
    assert page.locator('img[src="x"]').count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    assert_no_error(page)
    # The table below the map shows it as text as well.
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()


def test_a_click_on_a_half_visible_map_selects_without_a_focus_frame(page, app_url: str) -> None:
    """The map only half on screen (the page scrolled): a click on an area still selects it, and the map
    draws no focus frame. The areas' names stand on the map."""
    page.goto(f"{app_url}/karte?ebene=sozialraum")
    wait_until_idle(page)
    paths = polygons(page)
    frame = map_frame(page)
    expect(frame.locator(".sra-name").first).to_be_visible()
    assert frame.locator(".sra-name").count() == 10
    iframe = page.locator(MAP_FRAME)
    top = iframe.bounding_box()["y"]
    page.mouse.wheel(0, top + 320)  # the upper part of the map scrolled out of view
    page.wait_for_timeout(500)
    visible = [paths.nth(i).bounding_box() for i in range(paths.count())]
    box = max((b for b in visible if b and b["y"] > 0), key=lambda b: b["y"])
    page.mouse.click(box["x"] + box["width"] / 2, min(box["y"] + box["height"] / 2, 990))
    expect(page.get_by_text("Ausgewählt:")).to_be_visible(timeout=30_000)
    outline = frame.locator(".leaflet-container").evaluate(
        "el => { const f = el.ownerDocument.activeElement; return f ? getComputedStyle(f).outlineStyle : 'none'; }")
    assert outline in ("none", "")
    assert frame.locator(".leaflet-container").get_attribute("tabindex") is None


def test_the_map_of_status_and_dynamics_in_the_public_view(page, app_url: str) -> None:
    """The four groups of status and dynamics (public view, Sozialräume, offline): one polygon per Sozialraum,
    the groups in the German legend, a tooltip naming group, dynamics and status."""
    page.goto(f"{app_url}/karte?ebene=sozialraum&kennzahl=status_dynamik")
    wait_until_idle(page)
    paths = polygons(page)
    expect(paths).to_have_count(10, timeout=30_000)
    assert_no_error(page)
    assert page.blocked_requests == []
    legende = page.locator(".sra-legende").first.inner_text()
    assert "Status und Dynamik" in legende and "besonderer Aufmerksamkeitsbedarf" in legende
    assert "4 unauffällig" in legende
    tooltip = map_frame(page).locator(".leaflet-tooltip")
    texte = []
    for i in range(paths.count()):  # the middle of a box may lie outside its area: try each until one answers
        box = paths.nth(i).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(200)
        if tooltip.count() and "Gruppe:" in (text := tooltip.first.inner_text()):
            texte.append(text)
            break
    assert texte and "Dynamikindex:" in texte[0] and "Bedarfsindex:" in texte[0], texte
    screenshot(page, "karte_status_dynamik")
