"""The login's protection on a real server: the form makes a guesser wait, the server logs logins,
idle and removed accounts' sessions end."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import KONTO, PASSWORT, oeffne, serve
from .test_pages_browser import wait_until_idle

pytestmark = pytest.mark.browser
IDLE_MINUTEN = "0.1"  # six seconds, so the test can wait for it


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """The app on an empty store with a short idle limit; yields its URL and folder (server.log, ablage/)."""
    log_dir = tmp_path_factory.mktemp("anmeldung_app")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOZIALRAUM_SITZUNG_MINUTEN", IDLE_MINUTEN)
        with serve(None, log_dir) as url:
            yield url, log_dir


@pytest.fixture
def tab(page):  # noqa: ANN001, ANN201
    """The worker's tab (tests/browser/conftest.py) at 1400×900."""
    page.set_viewport_size({"width": 1400, "height": 900})
    return page


def _versuch(page, passwort: str) -> str:  # noqa: ANN001 - playwright Page
    """Submit the form; the error it answers with ('' after a login)."""
    page.get_by_label("Benutzername").fill(KONTO)
    page.get_by_label("Passwort").fill(passwort)
    page.get_by_role("button", name="Anmelden").click()
    wait_until_idle(page)
    fehler = page.locator('[data-testid="stAlertContentError"] [data-testid="stMarkdownContainer"]')
    return fehler.first.inner_text() if fehler.count() else ""


def _anmelden(page, url: str) -> None:  # noqa: ANN001
    page.goto(f"{url}/anmelden")
    wait_until_idle(page)
    assert _versuch(page, PASSWORT) == ""
    expect(page.get_by_text("Angemeldet als").first).to_be_visible()


def test_the_login_protects_itself(tab, server) -> None:  # noqa: ANN001
    url, log_dir = server
    tab.goto(f"{url}/anmelden")
    wait_until_idle(tab)
    for _ in range(4):
        assert _versuch(tab, "falsches-passwort") == "Benutzername oder Passwort ist falsch."
    assert _versuch(tab, "falsches-passwort").endswith("Bitte in 1 Sekunde erneut versuchen.")
    time.sleep(1.2)
    assert _versuch(tab, "falsches-passwort").endswith("Bitte in 2 Sekunden erneut versuchen.")
    time.sleep(2.2)
    assert _versuch(tab, "falsches-passwort").endswith("Bitte in 4 Sekunden erneut versuchen.")
    # The right password during the wait is refused, with how long to wait.
    assert re.fullmatch(r"Zu viele falsche Passwörter für dieses Konto\. Bitte in [1-4] Sekunden? erneut versuchen\.",
                        _versuch(tab, PASSWORT))
    time.sleep(4.2)
    assert _versuch(tab, PASSWORT) == ""
    expect(tab.get_by_text("Angemeldet als").first).to_be_visible()

    # Idle longer than SOZIALRAUM_SITZUNG_MINUTEN: the next click finds the session ended.
    time.sleep(7)
    oeffne(tab, "Methodik")
    expect(tab.get_by_text("Ihre Sitzung wurde nach 0,1 Minuten ohne Aktivität beendet.")).to_be_visible()
    expect(tab.locator('[data-testid="stSidebarNav"] a', has_text="Daten importieren")).to_have_count(0)

    # Removing the account ends its open session at the next click.
    _anmelden(tab, url)
    from sozialraum_analytics.konten import entfernen

    entfernen(KONTO, log_dir / "ablage" / "konten.txt")
    oeffne(tab, "Methodik")
    expect(tab.get_by_text("Ihr Konto wurde entfernt oder sein Passwort geändert")).to_be_visible()
    expect(tab.locator('[data-testid="stSidebarNav"] a', has_text="Daten importieren")).to_have_count(0)

    # The server log has every login, never a password.
    log = (log_dir / "server.log").read_text(errors="replace")
    assert log.count(f"Anmeldung fehlgeschlagen: Konto '{KONTO}'") == 7, log
    assert "Anmeldung abgelehnt (Wartezeit nach falschen Passwörtern" in log
    assert log.count(f"Anmeldung erfolgreich: Konto '{KONTO}'") == 2, log  # (st.context has no address for localhost)
    assert f"Sitzung beendet (keine Aktivität): Konto '{KONTO}'" in log
    assert f"Sitzung beendet (Konto entfernt oder Passwort geändert): Konto '{KONTO}'" in log
    assert PASSWORT not in log and "falsches-passwort" not in log
