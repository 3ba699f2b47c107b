"""Local accounts (salted scrypt hashes, CLI) and the login that guards the planning view."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sozialraum_analytics import konten

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def test_accounts_are_salted_hashes_in_a_private_file(tmp_path: Path) -> None:
    datei = tmp_path / "konten.txt"
    konten.anlegen("anna", "geheimes-passwort", datei)
    konten.anlegen("ben", "geheimes-passwort", datei)
    text = datei.read_text()
    assert "geheimes-passwort" not in text
    gespeichert = konten.lesen(datei)
    assert gespeichert["anna"].startswith("scrypt$") and gespeichert["anna"] != gespeichert["ben"]  # own salt
    assert stat.S_IMODE(os.stat(datei).st_mode) == 0o600
    assert konten.pruefen("anna", "geheimes-passwort", datei)
    assert not konten.pruefen("anna", "geheimes-passwortX", datei)
    assert not konten.pruefen("carla", "geheimes-passwort", datei)
    with pytest.raises(konten.KontoFehler, match="mindestens 10 Zeichen"):
        konten.anlegen("carla", "kurz", datei)
    with pytest.raises(konten.KontoFehler, match="gibt es schon"):
        konten.anlegen("anna", "anderes-passwort", datei)
    konten.entfernen("anna", datei)
    assert not konten.pruefen("anna", "geheimes-passwort", datei)


def test_cli_creates_an_account(tmp_path: Path) -> None:
    env = dict(os.environ, SOZIALRAUM_KONTEN=str(tmp_path / "k.txt"))
    result = subprocess.run([sys.executable, "-m", "sozialraum_analytics", "konto", "anlegen", "planung",
                             "--passwort-stdin"], input="ein-langes-passwort\n", cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert konten.pruefen("planung", "ein-langes-passwort", tmp_path / "k.txt")
    listed = subprocess.run([sys.executable, "-m", "sozialraum_analytics", "konto", "liste"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert listed.stdout.split() == ["planung"]


def _app(angemeldet: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if angemeldet:
        at.session_state["_angemeldet_als"] = angemeldet
    at.run()
    return at


@pytest.mark.parametrize("seite", ["pages/importieren.py", "pages/daten.py"])
def test_an_anonymous_session_cannot_open_the_planning_pages(seite: str) -> None:
    """The server does not register the planning pages for an anonymous session: no URL leads there."""
    at = _app()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(seite)
    assert any("Öffentliche Ansicht" in s.value for s in at.success)


def test_login_with_a_local_account_opens_the_planning_view(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    datei = tmp_path / "konten.txt"
    konten.anlegen("planung", "richtiges-passwort", datei)
    monkeypatch.setenv("SOZIALRAUM_KONTEN", str(datei))
    at = _app()
    at.switch_page("pages/anmelden.py")
    at.run()
    at.text_input[0].input("planung")
    at.text_input[1].input("falsches-passwort")
    at.button[0].click()
    at.run()
    assert any("falsch" in e.value for e in at.error)
    assert "_angemeldet_als" not in at.session_state
    at.text_input[1].input("richtiges-passwort")
    at.button[0].click()
    at.run()
    assert at.session_state["_angemeldet_als"] == "planung"
    at.switch_page("pages/importieren.py")
    at.run()
    assert not at.exception
    assert at.title[0].value == "Daten importieren"


def test_with_an_oidc_provider_configured_the_login_page_offers_it() -> None:
    """Server deployments: an [auth] section in the secrets (Keycloak, Entra ID) adds st.login's button."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "sozialraum", "client_secret": "geheim",
                          "server_metadata_url": "https://idp.invalid/realms/kreis/.well-known/openid-configuration"}
    at.run()
    at.switch_page("pages/anmelden.py")
    at.run()
    assert not at.exception
    assert [b.label for b in at.button][0] == "Mit dem Organisationskonto anmelden"
    plain = AppTest.from_file(APP, default_timeout=180)
    plain.run()
    plain.switch_page("pages/anmelden.py")
    plain.run()
    assert "Mit dem Organisationskonto anmelden" not in [b.label for b in plain.button]
