"""Backup and restore (issue 15): on the embedded SQLite and a real PostgreSQL server.

A restored store holds every version (ids, actions, users, content, tables), every milestone with
its history and every account; a backup taken while imports go on is consistent; a backup from a
newer schema, of the other database, or over a store with data (without the flag) is refused.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import stat
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from sozialraum_analytics import konten
from sozialraum_analytics import meilensteine as ms
from sozialraum_analytics.migrationen import schritt
from sozialraum_analytics.readers import read_table
from sozialraum_analytics.sicherung import Bericht, SicherungFehler, lesen, sichern, wiederherstellen
from sozialraum_analytics.store import SCHEMA_VERSION, Store

from .conftest import KLEINKREIS, neue_pg_datenbank

_counter = itertools.count()
PASSWORT = {"anna": "anna-geheim-123", "ben": "ben-passwort-456"}
_KONTEN_VORLAGE: list[bytes] = []




@pytest.fixture(params=["sqlite", "postgresql"])
def neue_url(request, tmp_path: Path):
    """A factory of empty stores of one kind: a new SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        return lambda: f"sqlite:///{tmp_path / f'store{next(_counter)}' / 'sozialraum.db'}"
    base = request.getfixturevalue("pg_url")
    return lambda: neue_pg_datenbank(base, "s")


def read(kind: str) -> tuple[pd.DataFrame, bytes]:
    path = KLEINKREIS / f"{kind}.csv"
    result = read_table(path, kind)
    assert result.ok
    return result.frame, path.read_bytes()


def befuellen(url: str, kontendatei: Path) -> None:
    """Three imports, a changed file, a rollback, the Kreis name, three milestones (changed, deleted), two accounts."""
    s = Store(url)
    for kind in ("zuordnung", "bevoelkerung", "faelle"):
        frame, raw = read(kind)
        s.importieren(kind, frame, f"{kind}.csv", raw, benutzer="anna")
    frame, raw = read("faelle")
    s.importieren("faelle", frame.iloc[:-2].copy(), "faelle_neu.csv", raw + b"x", benutzer="ben", modus="ersetzen")
    s.zuruecknehmen(3, benutzer="carla")
    s.einstellung_setzen("kreisname", "Kleinkreis", "anna")
    erster = ms.anlegen(s, ms.Meilenstein("Bestandsaufnahme", dt.date(2025, 3, 31), "in Arbeit", "SR1", "JHP", "Notiz"),
                        "anna")
    zweiter = ms.anlegen(s, ms.Meilenstein("Regionalbudget", dt.date(2025, 1, 15)), "ben")
    ms.anlegen(s, ms.Meilenstein("Fachtag", dt.date(2025, 9, 1)), "ben")
    ms.aendern(s, erster, ms.Meilenstein("Bestandsaufnahme", dt.date(2025, 4, 30), "erledigt", "SR1"), "ben", stand=1)
    ms.loeschen(s, zweiter, "anna")
    s.dispose()
    if not _KONTEN_VORLAGE:  # scrypt is slow on purpose: the two accounts are made once, then copied
        for name, passwort in PASSWORT.items():
            konten.anlegen(name, passwort, kontendatei)
        _KONTEN_VORLAGE.append(kontendatei.read_bytes())
    else:
        kontendatei.parent.mkdir(parents=True, exist_ok=True)
        kontendatei.write_bytes(_KONTEN_VORLAGE[0])
        kontendatei.chmod(0o600)


def assert_gleich(a_url: str, b_url: str) -> None:
    """Same versions (ids, times, actions, users, content), same tables per version, same milestones."""
    a, b = Store(a_url), Store(b_url)
    try:
        assert b.schema_version() == SCHEMA_VERSION
        versions = a.versionen()
        assert versions and b.versionen() == versions
        for version in versions:
            for kind in version.inhalt:
                pd.testing.assert_frame_equal(b.tabelle(kind, version), a.tabelle(kind, version))
        pd.testing.assert_frame_equal(ms.liste(b), ms.liste(a))
        pd.testing.assert_frame_equal(ms.historie(b), ms.historie(a))
        assert b.einstellungen_schluessel() == a.einstellungen_schluessel()
    finally:
        a.dispose()
        b.dispose()


def modus(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the round trip ------------------------------------------------------------------------------
def test_a_restored_store_holds_every_version_milestone_and_account(neue_url, tmp_path: Path) -> None:
    quelle, ziel = neue_url(), neue_url()
    konten_a, konten_b = tmp_path / "a" / "konten.txt", tmp_path / "b" / "konten.txt"
    befuellen(quelle, konten_a)
    archiv = tmp_path / "sicherung.zip"
    bericht = sichern(archiv, quelle, konten=konten_a)
    assert isinstance(bericht, Bericht) and bericht.datei == archiv
    assert modus(archiv) == 0o600  # case-level data and password hashes
    assert (bericht.versionen, bericht.importe, bericht.meilensteine, bericht.konten) == (5, 4, 3, 2)
    assert bericht.text.startswith(f"Gesichert nach {archiv} (")
    assert "5 Datenversionen, 4 Importe, 3 Meilensteine, 2 Konten" in bericht.text
    with zipfile.ZipFile(archiv) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert zf.namelist()[0] == "manifest.json" and "konten.txt" in zf.namelist()
    assert manifest["schema_version"] == SCHEMA_VERSION and manifest["format"] == 1
    assert manifest["anzahl"] == {"versionen": 5, "importe": 4, "meilensteine": 3, "meilenstein_staende": 5}
    assert lesen(archiv).versionen == 5

    zurueck = wiederherstellen(archiv, ziel, konten=konten_b)
    assert zurueck.aktion == "wiederhergestellt" and zurueck.schema_jetzt == SCHEMA_VERSION
    assert zurueck.text.startswith(f"Wiederhergestellt aus {archiv} ")
    assert_gleich(quelle, ziel)
    b = Store(ziel)
    version = b.aktuelle_version()
    assert (version.id, version.aktion, version.benutzer) == (5, "Rücknahme auf Version 3", "carla")
    assert b.version(4).inhalt["faelle"]["datei"] == "faelle_neu.csv" and len(b.tabelle("faelle", b.version(4))) == 8
    # The restored store goes on: the next import is version 6 (PostgreSQL's sequences came back too).
    frame, raw = read("kosten")
    assert b.importieren("kosten", frame, "kosten.csv", raw, benutzer="anna").id == 6
    neu = ms.anlegen(b, ms.Meilenstein("Nach der Wiederherstellung", dt.date(2026, 1, 1)), "anna")
    assert neu == 4
    b.dispose()
    assert konten.lesen(konten_b) == konten.lesen(konten_a) and modus(konten_b) == 0o600
    assert konten.pruefen("ben", PASSWORT["ben"], konten_b)
    assert not konten.pruefen("anna", "falsches-passwort", konten_b)


def test_a_backup_while_imports_go_on_is_consistent(neue_url, tmp_path: Path) -> None:
    quelle = neue_url()
    s = Store(quelle)
    frame, raw = read("faelle")
    s.importieren("faelle", frame, "faelle.csv", raw, benutzer="anna")
    stop, fehler = threading.Event(), []

    def importe() -> None:
        writer = Store(quelle)
        try:
            for i in itertools.count(1):
                if stop.is_set() or i > 200:
                    break
                writer.importieren("faelle", frame.iloc[: 1 + i % 9].copy(), f"faelle_{i}.csv", raw + str(i).encode(),
                                   benutzer="ben", modus="ersetzen")
        except BaseException as error:  # noqa: BLE001 - reported below
            fehler.append(error)
        finally:
            writer.dispose()

    thread = threading.Thread(target=importe)
    thread.start()
    try:
        berichte = []
        for n in range(2):
            while s.aktuelle_versionsnummer() < 3 * (n + 1):  # imports are under way
                assert thread.is_alive()
                time.sleep(0.01)
            berichte.append(sichern(tmp_path / f"waehrend{n}.zip", quelle))
    finally:
        stop.set()
        thread.join()
        s.dispose()
    assert fehler == []
    assert berichte[1].versionen > berichte[0].versionen  # the second backup saw the imports go on
    for n, bericht in enumerate(berichte):
        ziel = neue_url()
        wiederherstellen(bericht.datei, ziel, konten=tmp_path / f"konten{n}.txt")
        b = Store(ziel)
        versions = b.versionen()
        # Exactly the versions counted in the same snapshot, each complete: its rows are all there.
        assert [v.id for v in versions] == list(range(bericht.versionen, 0, -1)) and bericht.versionen >= 3 * (n + 1)
        for version in versions:
            assert len(b.tabelle("faelle", version)) == version.inhalt["faelle"]["zeilen"]
        b.dispose()


# --- refusals ---------------------------------------------------------------------------------------
def _mit_manifest(archiv: Path, neu: Path, **aenderung) -> Path:  # noqa: ANN003
    with zipfile.ZipFile(archiv) as src, zipfile.ZipFile(neu, "w") as dst:
        for item in src.infolist():
            daten = src.read(item.filename)
            if item.filename == "manifest.json":
                daten = json.dumps({**json.loads(daten), **aenderung}).encode()
            dst.writestr(item, daten)
    return neu


def test_restore_refuses_a_newer_schema_and_a_store_with_data(neue_url, tmp_path: Path) -> None:
    quelle = neue_url()
    konten_a = tmp_path / "konten.txt"
    befuellen(quelle, konten_a)
    archiv = sichern(tmp_path / "sicherung.zip", quelle, konten=konten_a).datei
    neuer = _mit_manifest(archiv, tmp_path / "neuer.zip", schema_version=SCHEMA_VERSION + 1)
    ziel = neue_url()
    with pytest.raises(SicherungFehler, match=rf"Schema-Version {SCHEMA_VERSION + 1}, dieses Programm kennt "
                                              rf"höchstens Schema-Version {SCHEMA_VERSION}"):
        wiederherstellen(neuer, ziel, konten=tmp_path / "leer.txt")
    assert not (tmp_path / "leer.txt").exists()

    # A store with data is not overwritten without the flag; the accounts file neither.
    s = Store(quelle)
    frame, raw = read("kosten")
    s.importieren("kosten", frame, "kosten.csv", raw, benutzer="dora")  # version 6, after the backup
    ms.anlegen(s, ms.Meilenstein("Nach der Sicherung", dt.date(2026, 1, 1)), "dora")
    s.dispose()
    konten.anlegen("dora", "dora-passwort-789", konten_a)
    with pytest.raises(SicherungFehler, match=r"enthält schon Daten.*Überschreiben \(Befehlszeile: --ueberschreiben\)"):
        wiederherstellen(archiv, quelle, konten=konten_a)
    leer = neue_url()
    with pytest.raises(SicherungFehler, match="Kontendatei .* enthält schon Konten"):
        wiederherstellen(archiv, leer, konten=konten_a)
    s = Store(quelle)
    assert s.aktuelle_versionsnummer() == 6 and len(ms.liste(s)) == 3
    s.dispose()
    assert "dora" in konten.lesen(konten_a)

    # With the flag: back to the backup's state (version 6, the new milestone and dora are gone),
    # while a dashboard keeps the store open: it sees the restored state at its next query.
    dashboard = Store(quelle)
    assert dashboard.aktuelle_versionsnummer() == 6
    wiederherstellen(archiv, quelle, konten=konten_a, ueberschreiben=True)
    assert dashboard.aktuelle_versionsnummer() == 5 and len(ms.liste(dashboard)) == 2
    dashboard.dispose()
    s = Store(quelle)
    assert s.aktuelle_versionsnummer() == 5 and len(ms.liste(s)) == 2 and len(ms.historie(s)) == 5
    s.dispose()
    assert sorted(konten.lesen(konten_a)) == ["anna", "ben"]


def _altes_schema(url: str, bis: int) -> None:
    """A store as an older release left it: the migrations up to ``bis``, one import of two cases."""
    if url.startswith("sqlite"):
        Path(sa.engine.make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE schema_info (version INTEGER NOT NULL)"))
        for number in range(1, bis + 1):
            schritt(number)(conn)
        conn.execute(sa.text(f"INSERT INTO schema_info (version) VALUES ({bis})"))
        conn.execute(sa.text("INSERT INTO importe (id, art, datei, sha256, zeilen, zeit, benutzer) "
                             "VALUES (1, 'faelle', 'faelle.csv', 'abc', 2, CURRENT_TIMESTAMP, 'anna')"))
        conn.execute(sa.text("INSERT INTO versionen (id, zeit, benutzer, aktion, import_id) "
                             "VALUES (1, CURRENT_TIMESTAMP, 'anna', 'Import', 1)"))
        conn.execute(sa.text("INSERT INTO versionsinhalt (version_id, art, import_id) VALUES (1, 'faelle', 1)"))
        conn.execute(sa.text("INSERT INTO daten_faelle (import_id, fall_id, raum_id, hilfeart, beginn) VALUES "
                             "(1, 'F1', '08111001', '§34', '2023-01-01'), (1, 'F2', '08111002', '§31', '2023-02-01')"))
    engine.dispose()


def test_an_older_backup_is_migrated_and_replaces_a_newer_store(neue_url, tmp_path: Path) -> None:
    """A backup of schema 4 (no settings table yet) over a store of today's schema with settings."""
    alt = neue_url()
    _altes_schema(alt, 4)
    archiv = sichern(tmp_path / "alt.zip", alt, konten=tmp_path / "keine.txt").datei
    assert lesen(archiv).schema_version == 4 and lesen(archiv).konten is None and lesen(archiv).versionen == 1
    ziel = neue_url()
    befuellen(ziel, tmp_path / "konten.txt")
    bericht = wiederherstellen(archiv, ziel, konten=tmp_path / "konten.txt", ueberschreiben=True)
    assert bericht.schema_version == 4 and bericht.schema_jetzt == SCHEMA_VERSION
    assert f"von Version 4 auf {SCHEMA_VERSION} aktualisiert" in bericht.text and "keine Kontendatei" in bericht.text
    s = Store(ziel)
    assert s.schema_version() == SCHEMA_VERSION and s.kreisname() is None  # today's tables, the backup's content
    assert s.aktuelle_versionsnummer() == 1 and s.version(1).inhalt["faelle"]["zeilen"] == 2
    assert ms.liste(s).empty
    s.dispose()
    assert sorted(konten.lesen(tmp_path / "konten.txt")) == ["anna", "ben"]  # a backup without accounts keeps them


def test_a_backup_goes_only_into_the_same_kind_of_database(pg_url: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sozialraum.db'}"
    Store(url).dispose()
    archiv = sichern(tmp_path / "s.zip", url, konten=tmp_path / "k.txt").datei
    with pytest.raises(SicherungFehler, match="stammt aus SQLite, der Datenbestand liegt in PostgreSQL"):
        wiederherstellen(archiv, pg_url, konten=tmp_path / "k.txt")


def test_backup_refusals_and_folder_names(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sozialraum.db'}"
    with pytest.raises(SicherungFehler, match="liegt keine Datenbank"):
        sichern(tmp_path / "x.zip", url)
    Store(url).dispose()
    ordner = tmp_path / "sicherungen"
    ordner.mkdir()
    bericht = sichern(ordner, url, konten=tmp_path / "k.txt")
    assert bericht.datei.parent == ordner and bericht.datei.name.startswith("sozialraum-sicherung-")
    assert [p.name for p in ordner.iterdir()] == [bericht.datei.name]  # no temporary file left
    with pytest.raises(SicherungFehler, match="gibt es schon"):
        sichern(bericht.datei, url)
    assert sichern(bericht.datei, url, ueberschreiben=True).datei == bericht.datei
    falsch = _mit_manifest(bericht.datei, tmp_path / "falsch.zip", sha256="0" * 64)
    with pytest.raises(SicherungFehler, match="beschädigt"):
        wiederherstellen(falsch, f"sqlite:///{tmp_path / 'neu.db'}")
    assert not (tmp_path / "neu.db").exists()
    kaputt = tmp_path / "kaputt.zip"
    kaputt.write_text("keine Sicherung")
    with pytest.raises(SicherungFehler, match="keine Sicherung von Sozialraum-Analytics"):
        wiederherstellen(kaputt, f"sqlite:///{tmp_path / 'neu.db'}")


def test_without_arguments_the_configured_store_and_accounts_are_used(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """As the command line calls it: the store and konten.txt of SOZIALRAUM_ABLAGE."""
    monkeypatch.delenv("SOZIALRAUM_DB", raising=False)
    monkeypatch.delenv("SOZIALRAUM_KONTEN", raising=False)
    monkeypatch.setenv("SOZIALRAUM_ABLAGE", str(tmp_path / "alt"))
    befuellen(f"sqlite:///{tmp_path / 'alt' / 'sozialraum.db'}", tmp_path / "alt" / "konten.txt")
    bericht = sichern(tmp_path / "sicherung.zip")
    assert (bericht.versionen, bericht.konten) == (5, 2)
    monkeypatch.setenv("SOZIALRAUM_ABLAGE", str(tmp_path / "neu"))
    zurueck = wiederherstellen(bericht.datei)
    assert zurueck.ziel == str(tmp_path / "neu" / "sozialraum.db")
    assert_gleich(f"sqlite:///{tmp_path / 'alt' / 'sozialraum.db'}", f"sqlite:///{tmp_path / 'neu' / 'sozialraum.db'}")
    assert konten.pruefen("ben", PASSWORT["ben"], tmp_path / "neu" / "konten.txt")
    assert modus(tmp_path / "neu" / "sozialraum.db") == 0o600
