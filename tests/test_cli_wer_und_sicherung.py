"""Issue 15 on the command line: who imported (``--benutzer`` or the operating-system account, marked as
such), and ``sichern`` / ``wiederherstellen`` of the store with its accounts."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from sozialraum_analytics import konten
from sozialraum_analytics.cli import main
from sozialraum_analytics.store import Store

from .conftest import KLEINKREIS


@pytest.fixture
def ablage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    ordner = tmp_path / "ablage"
    monkeypatch.setenv("SOZIALRAUM_ABLAGE", str(ordner))
    monkeypatch.delenv("SOZIALRAUM_DB", raising=False)
    monkeypatch.delenv("SOZIALRAUM_KONTEN", raising=False)
    monkeypatch.setattr(konten, "N", 2**10)  # the hash's cost is not the point here
    return ordner


def _versionen() -> list:
    store = Store()
    try:
        return store.versionen()
    finally:
        store.dispose()


def test_the_cli_records_the_named_planner_or_the_marked_os_account(ablage: Path) -> None:
    assert main(["importieren", "--art", "zuordnung", "--benutzer", "Frau Planerin", str(KLEINKREIS / "zuordnung.csv")]) == 0
    assert main(["importieren", "--art", "bevoelkerung", str(KLEINKREIS / "bevoelkerung.csv")]) == 0
    zweite, erste = _versionen()
    assert erste.benutzer == "Frau Planerin"
    assert zweite.benutzer == f"{getpass.getuser()} (Betriebssystemkonto)"


def test_sichern_and_wiederherstellen_bring_back_versions_and_accounts(ablage: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture) -> None:
    assert main(["importieren", "--art", "zuordnung", "--benutzer", "planung", str(KLEINKREIS / "zuordnung.csv")]) == 0
    assert main(["importieren", "--art", "faelle", "--benutzer", "planung", str(KLEINKREIS / "faelle.csv")]) == 0
    konten.anlegen("planung", "geheim-2026")
    vorher = [(v.id, v.benutzer, v.aktion) for v in _versionen()]
    datei = tmp_path / "sicherung.zip"
    capsys.readouterr()
    assert main(["sichern", str(datei)]) == 0
    assert datei.stat().st_mode & 0o777 == 0o600
    assert main(["sichern", str(datei)]) == 1  # an existing backup is never replaced silently
    assert "--ueberschreiben" in capsys.readouterr().err
    # Everything gone, then back from the file.
    for pfad in ablage.iterdir():
        pfad.unlink()
    assert _versionen() == []
    assert main(["wiederherstellen", str(datei)]) == 0
    assert [(v.id, v.benutzer, v.aktion) for v in _versionen()] == vorher
    assert konten.pruefen("planung", "geheim-2026")
    # A second restore over data needs the flag.
    assert main(["wiederherstellen", str(datei)]) == 1
    assert main(["wiederherstellen", "--ueberschreiben", str(datei)]) == 0
