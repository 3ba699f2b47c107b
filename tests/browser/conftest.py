"""A real Streamlit server and a headless Debian chromium for the browser tests.

The server runs ``app.py`` on a free port on 127.0.0.1 with ``SOZIALRAUM_DATEN`` set to
the demo Kreis in ``data/`` (or the small fixture Kreis while ``data/`` is empty).
Every request that does not go to this machine is blocked: the app must work offline.

Under ``pytest -n 3 --dist loadgroup`` (make test) the browser tests run in three xdist groups, one per
worker, grouped by the servers they use (:data:`GRUPPEN`): a server (a session or module fixture) exists
in one worker only, and every worker carries browser work beside the other tests. Each worker has one
Chromium and one tab; every test starts a new Streamlit session in it (``page.goto``). Three workers on two
cores: a browser test waits for its server and its browser much of the time, and the third fills it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sozialraum_analytics.tables import KINDS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
STARTUP_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _app_data_dir() -> Path:
    demo = ROOT / "data"
    if demo.is_dir() and any(demo.glob("*.csv")):
        return demo
    return ROOT / "tests" / "fixtures" / "kleinkreis"


def _healthy(url: str) -> bool:
    # No proxy: the health check must reach this machine directly.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="session")
def app_data_dir() -> Path:
    """The folder the server reads: the demo Kreis, or the fixture while data/ is empty."""
    return _app_data_dir()


KONTO, PASSWORT = "planung", "test-passwort-2026"


def anmelden(page, url: str) -> None:  # noqa: ANN001 - playwright Page
    """Log in as the test planner on the Anmelden page (the session then has the planning view).

    A local login lasts as long as the browser tab's session: after ``page.goto`` it is gone, so
    tests move on through the sidebar (:func:`oeffne`).
    """
    from playwright.sync_api import expect

    page.goto(f"{url}/anmelden")
    page.get_by_label("Benutzername").fill(KONTO)
    page.get_by_label("Passwort").fill(PASSWORT)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Angemeldet als").first).to_be_visible(timeout=60_000)


def oeffne(page, titel: str) -> None:  # noqa: ANN001
    """Go to a page through the sidebar navigation (keeps the session)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=titel).first.click()


@contextmanager
def serve(data_dir: Path | None, log_dir: Path) -> Iterator[str]:
    """Run ``streamlit run app.py`` on ``data_dir`` (None: the store); yields its base URL, stops it afterwards.

    The server gets its own empty store in ``log_dir`` (``SOZIALRAUM_ABLAGE``), never a real one.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = log_dir / "server.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1", SOZIALRAUM_ABLAGE=str(log_dir / "ablage"))
    env.pop("SOZIALRAUM_KONTEN", None)
    # One planner account in the server's own account file (konten.txt beside its store).
    from sozialraum_analytics.konten import anlegen

    anlegen(KONTO, PASSWORT, log_dir / "ablage" / "konten.txt", ersetzen=True)
    env.pop("SOZIALRAUM_DB", None)
    env.pop("SOZIALRAUM_DATEN", None)
    if data_dir is not None:
        env["SOZIALRAUM_DATEN"] = str(data_dir)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.port", str(port), "--server.headless", "true", "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false",
             # No file watching: nothing changes the app's files during a test, and Streamlit's watcher
             # walks every imported module after each script run and polls their files meanwhile.
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"Streamlit ended with code {process.returncode}:\n{log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail(f"Streamlit not healthy after {STARTUP_TIMEOUT:.0f} s:\n"
                            f"{log_path.read_text(errors='replace')}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def app_url(app_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a running ``streamlit run app.py`` on the demo Kreis."""
    with serve(app_data_dir, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


# The cases last: each import works out the public view's protection of its version, which costs little until
# there are cases; so it is worked out in full once, for the version the server shows.
ARTEN = tuple(sorted(KINDS, key=lambda art: art == "faelle"))


def importiert(folder: Path, log_dir: Path) -> None:
    """Import every file of ``folder`` (``zuordnung.csv``, ``gebiete.geojson`` …) into the store a server on
    ``log_dir`` reads (``serve(None, log_dir)``), through ``importieren`` as planners do; kinds without a file
    are left out."""
    from sozialraum_analytics.cli import main

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOZIALRAUM_DB", str(log_dir / "ablage" / "sozialraum.db"))
        mp.delenv("SOZIALRAUM_DATEN", raising=False)
        for art in ARTEN:
            path = folder / (f"{art}.geojson" if art == "gebiete" else f"{art}.csv")
            if path.exists():
                assert main(["importieren", "--art", art, str(path)]) == 0, path


@pytest.fixture(scope="session")
def grosse_stadt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmark generator's city (issue 14): 1,100 Planungsräume in 143 Sozialräume, cases 2019–2023,
    population 2021–2023, indicators for 2020 only, "Heerstraße" twice. Generated once per run, never committed."""
    from benchmarks.generate import write_grosse_stadt

    return write_grosse_stadt(tmp_path_factory.mktemp("grosse_stadt"))


@pytest.fixture(scope="session")
def grosse_stadt_url(grosse_stadt: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on the city imported through the store, the path planners use."""
    log_dir = tmp_path_factory.mktemp("grosse_stadt_app")
    importiert(grosse_stadt, log_dir)
    with serve(None, log_dir) as url:
        yield url


@pytest.fixture(scope="session")
def _stadt_tab(_tab, grosse_stadt_url: str):  # noqa: ANN001, ANN202
    """A second tab of the worker, logged in on the city's server, at the level of Planungsräume."""
    tab = _tab.context.new_page()
    tab.blocked_requests = []
    tab.route("**/*", _nur_lokal(tab.blocked_requests))
    tab.set_default_timeout(180_000)
    try:
        yield tab
    finally:
        tab.close()


@pytest.fixture
def stadt_planung(_stadt_tab, grosse_stadt_url: str):  # noqa: ANN001, ANN201
    """The planner's session on the city of 1,100 Planungsräume at the level of Planungsräume, shared by the tests
    of the city's planning view (a login and the switch to 1,100 areas each cost seconds of the server's and the
    browser's time). Each test moves on through the sidebar; the session is opened again where a test ended it.
    ``page.blocked_requests`` lists what was blocked during the test."""
    from playwright.sync_api import expect

    tab = _stadt_tab
    tab.blocked_requests.clear()
    tab.set_viewport_size(VIEWPORT)
    tab.set_default_timeout(180_000)
    zurueck = tab.get_by_role("link", name="Zurück zum Dashboard")
    if tab.url.startswith(grosse_stadt_url) and zurueck.count():  # the presentation hides the navigation
        zurueck.first.click()
        expect(tab.locator("h1", has_text="Übersicht").first).to_be_visible()
        _warten(tab)
    angemeldet = tab.url.startswith(grosse_stadt_url) and tab.get_by_text("Angemeldet als").count() > 0
    if not angemeldet:
        anmelden(tab, grosse_stadt_url)
    if "ebene=planungsraum" not in tab.url:
        tab.locator('[data-testid="stSidebar"]').get_by_text("Planungsraum", exact=True).first.click()
        tab.wait_for_function("() => new URL(location.href).searchParams.get('ebene') === 'planungsraum'")
        _warten(tab)
    return tab


def _warten(tab) -> None:  # noqa: ANN001
    from .test_pages_browser import wait_until_idle

    wait_until_idle(tab)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (Playwright's own browser download is not used)."""
    if not CHROMIUM.exists():
        # The browser tests are part of `make test`, which installs chromium; never pass without them.
        pytest.fail("Browser-Tests brauchen /usr/bin/chromium: `make browser` (als root) oder "
                    "apt-get install chromium chromium-driver.")
    from playwright.sync_api import expect, sync_playwright

    # An assertion waits as long as a step may (Playwright's 5 s default is shorter than one rerun of a
    # 1,100-area page on a busy 2-core machine: a chart still being laid out reads as "hidden").
    expect.set_options(timeout=30_000)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


VIEWPORT = {"width": 1600, "height": 1000}


def _nur_lokal(blocked: list[str]):  # noqa: ANN202
    def only_local(route) -> None:  # noqa: ANN001 - playwright Route
        parsed = urlparse(route.request.url)
        if parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()
    return only_local


@pytest.fixture(scope="session")
def _tab(browser):  # noqa: ANN001, ANN202
    """The worker's one tab (a new tab and context cost Chromium a second or two of CPU each, per test)."""
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE", timezone_id="Europe/Berlin")
    tab = context.new_page()
    tab.blocked_requests = []
    tab.route("**/*", _nur_lokal(tab.blocked_requests))
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def page(_tab):  # noqa: ANN001, ANN201
    """The worker's tab at 1600×1000, on an empty page: the test's first ``goto`` starts a new Streamlit session
    (no login, no selection of an earlier test). Its requests may only go to this machine.

    ``page.blocked_requests`` lists what was blocked during the test (the app must not need it).
    """
    tab = _tab
    tab.goto("about:blank")  # ends the earlier test's session on its server
    tab.context.clear_cookies()
    tab.blocked_requests.clear()
    tab.set_viewport_size(VIEWPORT)
    tab.set_default_timeout(60_000)
    return tab


# The browser tests' xdist groups, by the servers they use, about equal in time: the demo folder's server
# (``app_url``, the Kreis with a markup name) with the login server; the demo store and the Kreis of twelve cases
# with the Import page's stores of open data; the city of 1,100 Planungsräume with the upload's store.
GRUPPEN = {
    "test_pages_browser.py": "browser_demo",
    "test_karte_browser.py": "browser_demo",
    "test_grosse_stadt_steckbrief_browser.py::test_steckbrief_of_the_demo_in_the_public_view": "browser_demo",
    "test_anmeldung_browser.py": "browser_demo",
    "test_ablage_browser.py": "browser_ablage",
    "test_offene_daten_browser.py": "browser_ablage",
    "test_grosse_stadt_browser.py": "browser_stadt",
    "test_grosse_stadt_steckbrief_browser.py": "browser_stadt",
    "test_grosse_stadt_uebersicht_browser.py": "browser_stadt",
    "test_grosse_stadt_vergleich_browser.py": "browser_stadt",
    "test_import_browser.py": "browser_stadt",
}


def gruppe(nodeid: str) -> str:
    """The xdist group of a browser test (by its module, or the test itself where :data:`GRUPPEN` names it)."""
    name = nodeid.replace("\\", "/").rsplit("/", 1)[-1]
    modul = name.split("::", 1)[0]
    return GRUPPEN.get(name.split("[", 1)[0], GRUPPEN.get(modul, "browser_demo"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items) -> None:  # noqa: ANN001
    """With ``pytest -n 3 --dist loadgroup`` (make test) the browser tests run in three groups (:data:`GRUPPEN`), each in
    one worker, one test after the other: one Chromium per worker, and a server (session or module fixture) exists
    once. xdist hands out the largest work units first, so each worker starts with a group and takes single tests
    of the rest when it is done. (``tryfirst``: xdist reads the group in its own hook of the same name.)"""
    for item in items:
        if _ist_browsertest(item):
            item.add_marker(pytest.mark.xdist_group(gruppe(item.nodeid)))


def _ist_browsertest(item) -> bool:  # noqa: ANN001
    return "tests/browser/" in str(item.fspath).replace("\\", "/")
