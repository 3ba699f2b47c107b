"""The login's protection in the app: throttled form, sessions that end (account removed, password
changed, idle too long) and the login log of the server."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sozialraum_analytics import konten

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
KONTO, PASSWORT = "planung", "richtiges-passwort"


@pytest.fixture(autouse=True)
def _konto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One account in a file of this test; cheap hashes; no remembered failures; the default idle limit."""
    monkeypatch.setattr(konten, "N", 2**10)
    monkeypatch.delenv("SOZIALRAUM_SITZUNG_MINUTEN", raising=False)
    datei = tmp_path / "konten.txt"
    konten.anlegen(KONTO, PASSWORT, datei)
    monkeypatch.setenv("SOZIALRAUM_KONTEN", str(datei))
    konten.zuruecksetzen()
    yield datei
    konten.zuruecksetzen()


def _anmeldeseite() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("pages/anmelden.py")
    at.run()
    return at


def _versuch(at: AppTest, passwort: str, name: str = KONTO) -> None:
    at.text_input(key="anmelden_name").input(name)
    at.text_input(key="anmelden_passwort").input(passwort)
    at.button[0].click()
    at.run()


def _angemeldet() -> AppTest:
    at = _anmeldeseite()
    _versuch(at, PASSWORT)
    assert at.session_state["_angemeldet_als"] == KONTO
    return at


def _planungsseite_erreichbar(at: AppTest) -> bool:
    """Whether the import page opens (after a logout the app does not register it, the page refuses itself)."""
    try:
        at.switch_page("pages/importieren.py")
    except ValueError:
        return False
    at.run()
    return "Daten importieren" in [t.value for t in at.title]


def _infos(at: AppTest) -> str:
    return "\n".join(i.value for i in at.info)


def test_the_form_says_how_long_to_wait_after_five_wrong_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    jetzt = [5000.0]
    monkeypatch.setattr(konten, "uhr", lambda: jetzt[0])
    at = _anmeldeseite()
    for _ in range(4):
        _versuch(at, "falsches-passwort")
        assert [e.value for e in at.error] == ["Benutzername oder Passwort ist falsch."]
    _versuch(at, "falsches-passwort")
    assert "Zu viele falsche Passwörter für dieses Konto. Bitte in 1 Sekunde erneut versuchen." in at.error[0].value
    _versuch(at, PASSWORT)  # the right password during the wait: refused
    assert [e.value for e in at.error] == [
        "Zu viele falsche Passwörter für dieses Konto. Bitte in 1 Sekunde erneut versuchen."]
    assert "_angemeldet_als" not in at.session_state
    jetzt[0] += 1
    _versuch(at, PASSWORT)
    assert not at.error
    assert at.session_state["_angemeldet_als"] == KONTO
    assert any("Angemeldet als" in s.value for s in at.success)


def test_removing_the_account_ends_its_open_session(_konto: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sozialraum_analytics.konten")
    at = _angemeldet()
    assert _planungsseite_erreichbar(at)
    konten.entfernen(KONTO, _konto)
    at.run()
    assert not at.exception
    assert "_angemeldet_als" not in at.session_state
    assert "Ihr Konto wurde entfernt oder sein Passwort geändert: Sie sind abgemeldet." in _infos(at)
    assert not _planungsseite_erreichbar(at)
    messages = [r.getMessage() for r in caplog.records if r.name == "sozialraum_analytics.konten"]
    assert "Anmeldung erfolgreich: Konto 'planung'" in messages
    assert "Sitzung beendet (Konto entfernt oder Passwort geändert): Konto 'planung'" in messages


def test_a_new_password_ends_the_open_sessions_an_upgrade_does_not(_konto: Path) -> None:
    at = _angemeldet()
    gespeichert = konten.lesen(_konto)[KONTO]
    # An upgrade keeps the salt (another session's login rehashing an old hash): the session goes on.
    konten._schreiben({KONTO: konten.hash_erzeugen(PASSWORT, konten._teile(gespeichert)[3])}, _konto)
    at.run()
    assert at.session_state["_angemeldet_als"] == KONTO
    konten.anlegen(KONTO, "ein-neues-passwort", _konto, ersetzen=True)
    at.run()
    assert "_angemeldet_als" not in at.session_state
    assert "Sie sind abgemeldet" in _infos(at)


def test_an_idle_session_ends_after_the_set_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _angemeldet()
    at.session_state["_letzte_aktivitaet"] = time.monotonic() - 59 * 60
    at.run()
    assert at.session_state["_angemeldet_als"] == KONTO  # 59 of 60 minutes: still there, and counted as activity
    assert time.monotonic() - at.session_state["_letzte_aktivitaet"] < 60
    at.session_state["_letzte_aktivitaet"] = time.monotonic() - 61 * 60
    at.run()
    assert not at.exception
    assert "_angemeldet_als" not in at.session_state
    assert "Ihre Sitzung wurde nach 60 Minuten ohne Aktivität beendet." in _infos(at)
    assert not _planungsseite_erreichbar(at)


@pytest.mark.parametrize(("einstellung", "bleibt"), [("120", True), ("30", False), ("0", True)])
def test_the_idle_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch, einstellung: str, bleibt: bool) -> None:
    monkeypatch.setenv("SOZIALRAUM_SITZUNG_MINUTEN", einstellung)
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["_angemeldet_als"] = "test"  # also sessions set up without the form
    at.session_state["_letzte_aktivitaet"] = time.monotonic() - 61 * 60
    at.run()
    assert not at.exception
    assert ("_angemeldet_als" in at.session_state) is bleibt
