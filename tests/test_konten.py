"""Local accounts (salted scrypt hashes, CLI) and the login that guards the planning view."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import stat
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sozialraum_analytics import konten

from .conftest import cli

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def _ohne_fehlversuche():
    """Every test starts without remembered wrong passwords (the count lives in the process)."""
    konten.zuruecksetzen()
    yield
    konten.zuruecksetzen()


@pytest.fixture
def schnell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap hashes where the scrypt parameters do not matter (N=2^17 costs most of a second each)."""
    monkeypatch.setattr(konten, "N", 2**10)


class Uhr:
    """A clock the test moves forward: no sleeping."""

    def __init__(self) -> None:
        self.jetzt = 1000.0

    def __call__(self) -> float:
        return self.jetzt


@pytest.fixture
def uhr(monkeypatch: pytest.MonkeyPatch) -> Uhr:
    u = Uhr()
    monkeypatch.setattr(konten, "uhr", u)
    return u


@pytest.fixture
def geprueft(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every password hash check (to see that a refused attempt checked nothing)."""
    calls: list[str] = []
    original = konten.hash_pruefen

    def spy(passwort: str, gespeichert: str) -> bool:
        calls.append(passwort)
        return original(passwort, gespeichert)

    monkeypatch.setattr(konten, "hash_pruefen", spy)
    return calls


def test_accounts_are_salted_hashes_in_a_private_file(tmp_path: Path, schnell: None) -> None:
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
    env = {"SOZIALRAUM_KONTEN": str(tmp_path / "k.txt")}
    result = cli("konto", "anlegen", "planung", "--passwort-stdin", input="ein-langes-passwort\n", env=env)
    assert result.returncode == 0, result.stderr
    assert konten.pruefen("planung", "ein-langes-passwort", tmp_path / "k.txt")
    listed = cli("konto", "liste", env=env)
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


def test_new_hashes_use_scrypt_with_n_2_17(tmp_path: Path) -> None:
    datei = tmp_path / "konten.txt"
    konten.anlegen("anna", "geheimes-passwort", datei)
    verfahren, n, r, p, salt, digest = konten.lesen(datei)["anna"].split("$")
    assert (verfahren, int(n), int(r), int(p)) == ("scrypt", 2**17, 8, 1)
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert not konten.veraltet(konten.lesen(datei)["anna"])


def _alter_hash(passwort: str) -> str:
    """A hash as versions before 2^17 wrote it (N=2^14)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(passwort.encode(), salt=salt, n=2**14, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32)
    return f"scrypt${2**14}$8$1${salt.hex()}${digest.hex()}"


def test_an_old_hash_is_accepted_and_upgraded_at_the_next_login(tmp_path: Path) -> None:
    datei = tmp_path / "konten.txt"
    alt = _alter_hash("altes-passwort-123")
    datei.write_text(f"# alt\nalt:{alt}\nandere:{_alter_hash('anderes-passwort')}\n", encoding="utf-8")
    os.chmod(datei, 0o600)
    assert konten.veraltet(alt)
    assert not konten.anmelden("alt", "falsches-passwort", datei)
    assert konten.lesen(datei)["alt"] == alt  # a wrong password upgrades nothing
    ergebnis = konten.anmelden("alt", "altes-passwort-123", datei)
    assert ergebnis.ok and ergebnis.kennung == konten.kennung(alt)
    neu = konten.lesen(datei)["alt"]
    assert neu.startswith(f"scrypt${2**17}$8$1$") and not konten.veraltet(neu)
    assert konten.kennung(neu) == konten.kennung(alt)  # same salt: open sessions stay valid
    assert konten.lesen(datei)["andere"].startswith(f"scrypt${2**14}$")  # others wait for their own login
    assert stat.S_IMODE(os.stat(datei).st_mode) == 0o600
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))
    assert konten.pruefen("alt", "altes-passwort-123", datei)
    assert konten.anmelden("alt", "altes-passwort-123", datei)


def test_five_wrong_passwords_make_the_login_wait_longer_and_longer(tmp_path: Path, schnell: None, uhr: Uhr,
                                                                    geprueft: list[str]) -> None:
    datei = tmp_path / "konten.txt"
    konten.anlegen("anna", "richtiges-passwort", datei)
    for _ in range(4):
        ergebnis = konten.anmelden("anna", "falsch-falsch", datei)
        assert not ergebnis and ergebnis.meldung == "Benutzername oder Passwort ist falsch."
    fuenfter = konten.anmelden("anna", "falsch-falsch", datei)
    assert fuenfter.meldung == ("Benutzername oder Passwort ist falsch. Zu viele falsche Passwörter für dieses "
                                "Konto. Bitte in 1 Sekunde erneut versuchen.")
    # During the wait even the right password is refused, without being checked.
    vorher = len(geprueft)
    gesperrt = konten.anmelden("anna", "richtiges-passwort", datei)
    assert not gesperrt and len(geprueft) == vorher
    assert gesperrt.meldung == "Zu viele falsche Passwörter für dieses Konto. Bitte in 1 Sekunde erneut versuchen."
    # The delay doubles with every further wrong password: 2, 4, 8 seconds …
    rest = 1.0
    for erwartet in (2, 4, 8):
        uhr.jetzt += rest
        ergebnis = konten.anmelden("anna", "falsch-falsch", datei)
        assert ergebnis.warten == erwartet
        assert ergebnis.meldung.endswith(f"Bitte in {erwartet} Sekunden erneut versuchen.")
        uhr.jetzt += erwartet / 2
        gesperrt = konten.anmelden("anna", "richtiges-passwort", datei)
        assert not gesperrt and gesperrt.warten == erwartet / 2
        rest = erwartet / 2
    uhr.jetzt += 3
    assert konten.anmelden("anna", "richtiges-passwort", datei).meldung.endswith(
        "Bitte in 1 Sekunde erneut versuchen.")
    uhr.jetzt += 1
    assert konten.anmelden("anna", "richtiges-passwort", datei)  # after the wait the right one works
    for _ in range(4):  # … and the count starts anew
        assert konten.anmelden("anna", "falsch-falsch", datei).meldung == "Benutzername oder Passwort ist falsch."
    assert konten.wartezeit(4) == 0 and konten.wartezeit(5) == 1 and konten.wartezeit(12) == 128
    assert konten.wartezeit(15) == konten.wartezeit(1000) == 15 * 60
    assert konten.dauer_text(900) == "15 Minuten" and konten.dauer_text(61) == "2 Minuten"


def test_a_guessing_run_gets_only_a_handful_of_answers(tmp_path: Path, schnell: None, uhr: Uhr,
                                                       geprueft: list[str]) -> None:
    """Before: 200 wrong passwords in 128 s were all checked. Now only about a dozen are."""
    datei = tmp_path / "konten.txt"
    konten.anlegen("anna", "richtiges-passwort", datei)
    for versuch in range(200):
        konten.anmelden("anna", f"rate-{versuch:04d}-passwort", datei)
        uhr.jetzt += 128 / 200
    assert len(geprueft) <= 13
    assert not konten.anmelden("anna", "richtiges-passwort", datei)


def test_unknown_names_are_throttled_alike(tmp_path: Path, schnell: None, uhr: Uhr) -> None:
    datei = tmp_path / "konten.txt"
    konten.anlegen("anna", "richtiges-passwort", datei)
    for name in ("anna", "niemand"):
        meldungen = [konten.anmelden(name, "falsch-falsch", datei).meldung for _ in range(7)]
        assert meldungen[:4] == ["Benutzername oder Passwort ist falsch."] * 4
        assert meldungen[5] == "Zu viele falsche Passwörter für dieses Konto. Bitte in 1 Sekunde erneut versuchen."
        if name == "anna":
            bekannt = meldungen
    assert meldungen == bekannt  # the answers do not tell which names exist
    # Other names are not affected.
    assert konten.anmelden("ben", "falsch-falsch", datei).meldung == "Benutzername oder Passwort ist falsch."


def test_logins_are_logged_without_the_password(tmp_path: Path, schnell: None, uhr: Uhr,
                                                caplog: pytest.LogCaptureFixture) -> None:
    datei = tmp_path / "konten.txt"
    konten.anlegen("anna", "richtiges-passwort", datei)
    caplog.set_level(logging.INFO, logger="sozialraum_analytics.konten")
    assert konten.anmelden("anna", "richtiges-passwort", datei, herkunft="10.0.0.7")
    assert not konten.anmelden("anna", "falsches-passwort", datei)
    assert not konten.anmelden("niemand", "geraten-geraten", datei)
    for _ in range(5):
        konten.anmelden("anna", "falsches-passwort", datei)
    records = [r for r in caplog.records if r.name == "sozialraum_analytics.konten"]
    messages = [r.getMessage() for r in records]
    assert messages[0] == "Anmeldung erfolgreich: Konto 'anna' von 10.0.0.7" and records[0].levelno == logging.INFO
    assert messages[1] == "Anmeldung fehlgeschlagen: Konto 'anna', 1. Fehlversuch in Folge"
    assert records[1].levelno == logging.WARNING
    assert messages[2] == "Anmeldung fehlgeschlagen: Konto 'niemand' (unbekanntes Konto), 1. Fehlversuch in Folge"
    assert messages[-1].startswith("Anmeldung abgelehnt (Wartezeit nach falschen Passwörtern")
    assert not any("passwort" in m.lower().replace("passwörtern", "") for m in messages)
