"""The versioned store against the embedded SQLite and a real PostgreSQL server, with faults injected.

Kleinkreis 2023 counted by the database, all codes but §42 and §8a (see conftest):
  begonnen B, C, E, F, H = 5; beendet A, C, F = 3; andauernd B, D, E, G, H = 5.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from sozialraum_analytics import cli
from sozialraum_analytics.dataset import load_folder, load_store
from sozialraum_analytics.kennzahlen import Engine
from sozialraum_analytics.readers import read_table
from sozialraum_analytics.store import DATEN, SCHEMA_VERSION, Store, StoreError, importe, versionen

from .conftest import KLEINKREIS, neue_pg_datenbank

ROOT = Path(__file__).resolve().parents[1]
KINDS = ["zuordnung", "bevoelkerung", "faelle", "kosten", "indikatoren"]




@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sozialraum.db'}"
    return neue_pg_datenbank(request.getfixturevalue("pg_url"), "t")


@pytest.fixture
def store(store_url: str):
    s = Store(store_url)
    yield s
    s.dispose()


def read(kind: str) -> tuple[pd.DataFrame, bytes]:
    path = KLEINKREIS / f"{kind}.csv"
    result = read_table(path, kind)
    assert result.ok
    return result.frame, path.read_bytes()


def fill(store: Store, kinds=KINDS) -> None:  # noqa: ANN001
    for kind in kinds:
        frame, raw = read(kind)
        store.importieren(kind, frame, f"{kind}.csv", raw, benutzer="test")


def row_count(store: Store, kind: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(DATEN[kind])).scalar_one()


# --- schema and versions --------------------------------------------------------------------
def test_the_schema_is_migrated_once(store: Store, store_url: str) -> None:
    assert store.schema_version() == SCHEMA_VERSION
    again = Store(store_url)
    assert again.migrate() == SCHEMA_VERSION  # already there: nothing to do
    again.dispose()


def test_each_import_is_a_version_with_file_hash_rows_and_user(store: Store) -> None:
    import hashlib

    frame, raw = read("faelle")
    version = store.importieren("faelle", frame, "faelle.csv", raw, benutzer="planerin")
    assert version.id == 1 and version.aktion == "Import" and version.benutzer == "planerin"
    info = version.inhalt["faelle"]
    assert info["datei"] == "faelle.csv" and info["zeilen"] == len(frame) == 10
    assert info["sha256"] == hashlib.sha256(raw).hexdigest()
    fill(store, ["zuordnung"])
    assert sorted(store.aktuelle_version().inhalt) == ["faelle", "zuordnung"]
    assert [v.id for v in store.versionen()] == [2, 1]


@pytest.mark.parametrize("kind", KINDS)
def test_tables_come_back_as_they_were_read(store: Store, kind: str) -> None:
    frame, raw = read(kind)
    store.importieren(kind, frame, f"{kind}.csv", raw)
    back = store.tabelle(kind)
    assert len(back) == len(frame)
    for column in frame.columns:
        if column == "zeile" or column not in back:
            continue
        left = frame[column].astype(object).where(frame[column].notna(), None).tolist()
        right = back[column].astype(object).where(back[column].notna(), None).tolist()
        if column in ("beginn", "ende", "seit", "bis", "gueltig_ab"):
            left = [None if v is None else pd.Timestamp(v).date() for v in left]
            right = [None if v is None else pd.Timestamp(v).date() for v in right]
        assert [str(v) if v is not None else None for v in left] == [str(v) if v is not None else None for v in right], column


def test_kennzahlen_from_the_store_equal_those_from_the_files(store: Store) -> None:
    fill(store)
    from_files = Engine(load_folder(KLEINKREIS)).long("sozialraum")
    from_store = Engine(load_store(store)).long("sozialraum")
    key = ["jahr", "raum_id", "hilfeart", "kennzahl"]
    a = from_files.astype({"raum_id": str, "hilfeart": str, "kennzahl": str}).set_index(key)["wert"].sort_index()
    b = from_store.astype({"raum_id": str, "hilfeart": str, "kennzahl": str}).set_index(key)["wert"].sort_index()
    pd.testing.assert_series_equal(a, b)
    assert load_store(store).version == store.aktuelle_version().id


def test_the_database_counts_the_cases_per_year(store: Store) -> None:
    fill(store, ["faelle"])
    counts = store.fallzahlen()
    hze = counts[~counts["hilfeart"].astype(str).isin(["§42", "§8a"])]
    year = hze.groupby("jahr")[["begonnen", "beendet", "andauernd"]].sum()
    assert year.loc[2023].tolist() == [5, 3, 5]
    assert year.loc[2022].tolist() == [2, 0, 3]  # A and G begin; A, D, G ongoing at 31.12.2022
    # And the same as the engine's own count from the rows, for every year, area and code.
    engine = Engine(load_folder(KLEINKREIS))
    kreis = engine.table("kreis")
    for jahr in (2022, 2023, 2024):
        assert kreis.at[(jahr, "kreis", "gesamt"), "begonnen"] == year.loc[jahr, "begonnen"]
        assert kreis.at[(jahr, "kreis", "gesamt"), "andauernd"] == year.loc[jahr, "andauernd"]


def test_rollback_is_a_new_version_and_the_difference_is_shown(store: Store) -> None:
    fill(store, ["faelle"])
    frame, raw = read("faelle")
    changed = frame.iloc[:-2].copy()  # two cases removed
    second = store.importieren("faelle", changed, "faelle_neu.csv", raw + b"x")
    diff = store.unterschied(1, second.id).set_index("art")
    assert diff.loc["faelle", ["zeilen_vorher", "zeilen_nachher", "hinzugefuegt", "entfernt"]].tolist() == [10, 8, 0, 2]
    back = store.zuruecknehmen(1)
    assert back.id == 3 and back.aktion == "Rücknahme auf Version 1"
    assert back.inhalt["faelle"]["datei"] == "faelle.csv"
    assert len(store.tabelle("faelle")) == 10
    with pytest.raises(StoreError, match="Version 99 gibt es nicht"):
        store.zuruecknehmen(99)


# --- all or nothing ----------------------------------------------------------------------------
def test_an_error_halfway_leaves_the_previous_version(store: Store) -> None:
    fill(store, ["faelle"])
    before = store.aktuelle_version()
    big = pd.concat([read("faelle")[0]] * 5000, ignore_index=True)  # 50,000 rows, three batches

    def boom(done: int, total: int) -> None:
        if done >= 20_000:
            raise RuntimeError("Stromausfall nach der Hälfte")

    with pytest.raises(RuntimeError, match="Stromausfall"):
        store.importieren("faelle", big, "gross.csv", b"gross", fortschritt=boom)
    assert store.aktuelle_version() == before
    assert row_count(store, "faelle") == 10
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(importe)).scalar_one() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(versionen)).scalar_one() == 1


KILL_SCRIPT = """
import sys, time, pathlib
import pandas as pd
from sozialraum_analytics.readers import read_table
from sozialraum_analytics.store import Store
store = Store(sys.argv[1])
frame = read_table(sys.argv[2], "faelle").frame
big = pd.concat([frame] * 5000, ignore_index=True)
def pause(done, total):
    pathlib.Path(sys.argv[3]).write_text(str(done))
    time.sleep(60)
store.importieren("faelle", big, "gross.csv", b"gross", fortschritt=pause)
"""


def test_a_killed_import_leaves_the_previous_version(store: Store, store_url: str, tmp_path: Path) -> None:
    fill(store, ["faelle"])
    before = store.aktuelle_version()
    marker = tmp_path / "halbzeit"
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, store_url, str(KLEINKREIS / "faelle.csv"), str(marker)],
                               cwd=ROOT)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, "the import ended before it was half done"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    store.dispose()
    reopened = Store(store_url)
    assert reopened.aktuelle_version() == before
    assert row_count(reopened, "faelle") == 10
    # And the store takes the next import as usual.
    frame, raw = read("faelle")
    assert reopened.importieren("faelle", frame, "faelle.csv", raw + b"\n").id == 2  # a new file
    reopened.dispose()


def test_two_imports_at_once_keep_both_tables(store_url: str) -> None:
    errors: list[BaseException] = []

    def run(kind: str) -> None:
        s = Store(store_url)
        try:
            frame, raw = read(kind)
            for i in range(3):
                s.importieren(kind, frame, f"{kind}.csv", raw + f"\n# {i}".encode())  # three different files
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            s.dispose()

    Store(store_url).dispose()  # schema first
    threads = [threading.Thread(target=run, args=(k,)) for k in ("faelle", "bevoelkerung", "kosten")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = Store(store_url)
    current = s.aktuelle_version()
    assert current.id == 9
    assert sorted(current.inhalt) == ["bevoelkerung", "faelle", "kosten"]
    # Each version holds every table imported before it: none was lost by a concurrent writer.
    sizes = [len(v.inhalt) for v in reversed(s.versionen())]
    assert sizes == sorted(sizes) and sizes[-1] == 3
    s.dispose()


def test_readers_see_the_old_version_during_an_import(store: Store, store_url: str) -> None:
    fill(store, ["faelle"])
    started, release = threading.Event(), threading.Event()
    seen: list[int] = []

    def pause(done: int, total: int) -> None:
        started.set()
        release.wait(30)

    def writer() -> None:
        s = Store(store_url)
        frame, raw = read("faelle")
        s.importieren("faelle", pd.concat([frame] * 3000, ignore_index=True), "gross.csv", b"gross" + raw,
                      fortschritt=pause)
        s.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(30)
    reader = Store(store_url)
    seen.append(reader.aktuelle_version().id)
    assert len(reader.tabelle("faelle")) == 10
    release.set()
    thread.join()
    seen.append(reader.aktuelle_version().id)
    reader.dispose()
    assert seen == [1, 2]


# --- command line -----------------------------------------------------------------------------
def test_cli_imports_lists_and_computes_from_the_store(store_url: str, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("SOZIALRAUM_DB", store_url)
    for kind in KINDS:
        assert cli.main(["importieren", "--art", kind, str(KLEINKREIS / f"{kind}.csv")]) == 0
    out = capsys.readouterr().out
    assert "Gespeichert als Version 5: indikatoren aus indikatoren.csv" in out
    assert cli.main(["versionen"]) == 0
    listing = capsys.readouterr().out
    assert listing.splitlines()[0].startswith("Version 5 · ") and "faelle (faelle.csv, 10 Zeilen)" in listing
    assert cli.main(["kennzahlen", "--jahr", "2023", "--ebene", "kreis", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "Datenbank, Version 5" in captured.err
    import json

    values = {(r["hilfeart"], r["kennzahl"]): r["wert"] for r in json.loads(captured.out)}
    assert values[("gesamt", "inanspruchnahme")] == 8


def test_cli_stores_nothing_from_a_bad_file(store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("SOZIALRAUM_DB", store_url)
    bad = tmp_path / "faelle.csv"
    bad.write_text("fall_id;raum_id;hilfeart;beginn;ende\nF1;08111001;§ 34;31.02.2023;\n", encoding="utf-8")
    assert cli.main(["importieren", "--art", "faelle", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Zeile 2" in err and "31.02.2023" in err and "Nichts gespeichert" in err
    s = Store(store_url)
    assert s.aktuelle_version() is None
    s.dispose()


def test_cli_imports_an_official_genesis_export_for_one_kreis(store_url: str, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture) -> None:
    """The fixture Musterkreis 08999: Adorf 4,600 + Bärental 1,050 + Cedorf 470 = 6,120 (the Kreis row);
    under 21 = 1,064 (0 to under 20) + 1/5 × 315 (20 to under 25) = 1,127."""
    monkeypatch.setenv("SOZIALRAUM_DB", store_url)
    official = Path(__file__).parent / "fixtures" / "amtlich" / "12411-02-03-5_musterkreis_cp1252_crlf.csv"
    assert cli.main(["importieren", "--art", "bevoelkerung", "--kreis", "08999", str(official)]) == 0
    captured = capsys.readouterr()
    assert "unter 21 Jahre wird aus den amtlichen Altersgruppen geschätzt" in captured.err
    s = Store(store_url)
    stored = s.tabelle("bevoelkerung")
    assert stored["anzahl"].sum() == 6120 and set(stored["raum_id"].astype(str)) == {"08999001", "08999002", "08999003"}
    engine = Engine(load_store(s))
    assert engine.table("kreis").at[(2015, "kreis", "gesamt"), "bevoelkerung_u21"] == pytest.approx(1127.0)
    s.dispose()


def test_the_demo_kreis_from_the_database_equals_the_demo_from_its_files(tmp_path: Path) -> None:
    """26,000 cases: counts and durations grouped by the database give every Kennzahl of the case rows."""
    demo = ROOT / "data"
    s = Store(f"sqlite:///{tmp_path / 'demo.db'}")
    for kind in ("zuordnung", "bevoelkerung", "faelle", "kosten"):
        path = demo / f"{kind}.csv"
        s.importieren(kind, read_table(path, kind).frame, path.name, path.read_bytes())
    from_db = load_store(s)
    assert "faelle" not in from_db.tables and from_db.aus_einzelfaellen  # no case row in the app
    key = ["jahr", "raum_id", "hilfeart", "kennzahl"]
    for ebene in ("planungsraum", "kreis"):
        a = Engine(load_folder(demo)).long(ebene).astype({"raum_id": str, "hilfeart": str, "kennzahl": str})
        b = Engine(from_db).long(ebene).astype({"raum_id": str, "hilfeart": str, "kennzahl": str})
        a = a[a["kennzahl"].str.match(r"^(begonnen|beendet|andauernd|inanspruchnahme|dauer|eckwert|inobhut|gefaehrdung)")]
        b = b[b["kennzahl"].str.match(r"^(begonnen|beendet|andauernd|inanspruchnahme|dauer|eckwert|inobhut|gefaehrdung)")]
        pd.testing.assert_series_equal(a.set_index(key)["wert"].sort_index(), b.set_index(key)["wert"].sort_index())
    assert from_db.stand == load_folder(demo).stand
    s.dispose()


def test_the_datenbestand_page_shows_the_stored_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no data folder set, the dashboard reads the store: files, counts and version are named."""
    from streamlit.testing.v1 import AppTest

    url = f"sqlite:///{tmp_path / 'seite.db'}"
    s = Store(url)
    fill(s)
    s.dispose()
    monkeypatch.delenv("SOZIALRAUM_DATEN", raising=False)
    monkeypatch.setenv("SOZIALRAUM_DB", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["_angemeldet_als"] = "test"  # the Datenbestand page belongs to the planning view
    at.run()
    at.switch_page("pages/daten.py")
    at.run()
    assert not at.exception
    tables = at.table[0].value.set_index("Tabelle")
    assert tables.loc["Fälle (Einzelfalldaten)", "Status"] == "✓ in der Datenbank (dort je Jahr gezählt)"
    assert tables.loc["Fälle (Einzelfalldaten)", "Datei"] == "faelle.csv"
    assert tables.loc["Fälle (Einzelfalldaten)", "Zeilen"] == "10"
    text = "\n".join(str(m.value) for m in at.markdown) + "\n".join(str(c.value) for c in at.caption)
    assert "Datenbank, Version 5" in text and "Datenversion 5" in text
    assert any("beim Import geprüft" in i.value for i in at.info)


# --- Meilensteine: in the database, with their history -------------------------------------------
def test_milestones_keep_every_state(store: Store) -> None:
    import datetime as dt

    from sozialraum_analytics import meilensteine as ms

    first = ms.anlegen(store, ms.Meilenstein("Bestandsaufnahme abgeschlossen", dt.date(2025, 3, 31), "in Arbeit",
                                             "SR01", "Jugendhilfeplanung", "=Notiz"), "anna")
    second = ms.anlegen(store, ms.Meilenstein("Regionalbudget beschlossen", dt.date(2025, 1, 15)), "ben")
    assert ms.aendern(store, first, ms.Meilenstein("Bestandsaufnahme abgeschlossen", dt.date(2025, 4, 30),
                                                   "erledigt", "SR01", "Jugendhilfeplanung"), "ben", stand=1) == 2
    with pytest.raises(ms.MeilensteinFehler, match="inzwischen von jemand anderem"):
        ms.aendern(store, first, ms.Meilenstein("x", dt.date(2025, 1, 1)), "carla", stand=1)
    with pytest.raises(ms.MeilensteinFehler, match="braucht einen Titel"):
        ms.anlegen(store, ms.Meilenstein(" ", dt.date(2025, 1, 1)), "anna")
    with pytest.raises(ms.MeilensteinFehler, match="Unbekannter Status"):
        ms.anlegen(store, ms.Meilenstein("y", dt.date(2025, 1, 1), "fertig"), "anna")
    liste = ms.liste(store)
    assert list(liste["id"]) == [second, first]  # by due date
    assert liste.set_index("id").loc[first, "status"] == "erledigt"
    assert liste.set_index("id").loc[second, "raum_id"] is None  # all Sozialräume
    ms.loeschen(store, second, "anna")
    assert list(ms.liste(store)["id"]) == [first]
    history = ms.historie(store)
    assert sorted(zip(history["meilenstein_id"], history["stand"], history["aktion"], history["benutzer"])) == sorted([
        (first, 1, "angelegt", "anna"), (second, 1, "angelegt", "ben"), (first, 2, "geändert", "ben"),
        (second, 2, "gelöscht", "anna")])
    old = ms.historie(store, first).set_index("stand")
    assert old.loc[1, "faellig"] == dt.date(2025, 3, 31) and old.loc[1, "status"] == "in Arbeit"
    assert old.loc[1, "notiz"] == "=Notiz" and old.loc[2, "notiz"] is None
    late = ms.ueberfaellig(ms.liste(store), dt.date(2025, 6, 1))
    assert not late.any()  # the only one left is done


def test_an_older_database_gets_the_milestone_tables(store_url: str) -> None:
    old = Store(store_url, migrieren=False)
    assert old.migrate(bis=2) == 0  # the schema as migration 2 left it
    assert old.schema_version() == 2
    assert not sa.inspect(old.engine).has_table("meilensteine")
    old.dispose()
    again = Store(store_url)
    assert again.schema_version() == SCHEMA_VERSION == 14
    assert again.sperrmuster(1) == {}  # migration 4: the table of suppression patterns
    assert sa.inspect(again.engine).has_table("daten_vergleichswerte")  # migration 13: reference values
    assert again.kreisname() is None  # migration 5: the Kreis's settings
    spalten = {c["name"] for c in sa.inspect(again.engine).get_columns("daten_fallzahlen")}
    assert {"inanspruchnahme", "inanspruchnahme_grund"} <= spalten  # migration 6: Hilfen insgesamt
    from sozialraum_analytics import meilensteine as ms

    assert ms.liste(again).empty
    again.dispose()


def test_an_identical_file_makes_no_new_version(store: Store) -> None:
    from sozialraum_analytics.store import Unveraendert

    fill(store, ["faelle"])
    frame, raw = read("faelle")
    before = store.aktuelle_version()
    with pytest.raises(Unveraendert, match=f"dieselbe wie „faelle.csv“ in Version {before.id}"):
        store.importieren("faelle", frame, "faelle_kopie.csv", raw)
    assert store.aktuelle_version().id == before.id


def test_the_difference_names_changed_values_with_examples(store: Store) -> None:
    """Population of Adorf 2023 under 18: 800 -> 812. The row keeps its key (year, area, ages): one changed."""
    fill(store, ["bevoelkerung"])
    frame, raw = read("bevoelkerung")
    neu = frame.copy()
    zeile = neu.index[(neu["jahr"] == 2023) & (neu["raum_id"].astype(str) == "08111001") & (neu["alter_bis"] == 18)][0]
    neu.loc[zeile, "anzahl"] = 812
    second = store.importieren("bevoelkerung", neu, "bevoelkerung_neu.csv", raw + b"\n")
    diff = store.unterschied(1, second.id).set_index("art")
    assert diff.loc["bevoelkerung", ["hinzugefuegt", "entfernt", "geaendert"]].tolist() == [0, 0, 1]
    assert diff.loc["bevoelkerung", "beispiele"] == "2023, 08111001, 0, 18: anzahl: 800 → 812"


# --- a second writer waits, says so once, and goes on -----------------------------------------------
def _hold_the_write_lock(store_url: str, seconds: float) -> tuple[threading.Thread, threading.Event]:
    holding = threading.Event()

    def hold() -> None:
        holder = Store(store_url)
        with holder._transaction():
            holding.set()
            time.sleep(seconds)
        holder.dispose()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(30)
    return thread, holding


def test_a_waiting_import_waits_with_a_message(store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    from sozialraum_analytics.store import WARTEN_MELDUNG

    Store(store_url).dispose()  # schema first
    waiter = Store(store_url)
    waiter.warten_versuch_s = 0.2  # short tries: the message comes at once, not after a minute
    thread, _ = _hold_the_write_lock(store_url, 2.0)
    said: list[str] = []
    frame, raw = read("kosten")
    start = time.monotonic()
    with caplog.at_level("WARNING", logger="sozialraum_analytics.store"):
        version = waiter.importieren("kosten", frame, "kosten.csv", raw, benutzer="test", beim_warten=said.append)
    waited = time.monotonic() - start
    thread.join()
    assert said == [WARTEN_MELDUNG]  # once, however many tries
    assert WARTEN_MELDUNG in caplog.messages
    assert waited >= 1.0 and version.id == 1 and len(waiter.tabelle("kosten")) == len(frame)
    # Without another writer nobody waits and nothing is said.
    said.clear()
    waiter.zuruecknehmen(1, beim_warten=said.append)
    assert said == []
    waiter.dispose()


def test_a_writer_gives_up_after_the_limit_with_a_german_message(store_url: str) -> None:
    Store(store_url).dispose()
    waiter = Store(store_url)
    waiter.warten_versuch_s, waiter.warten_max_s = 0.1, 0.5
    thread, _ = _hold_the_write_lock(store_url, 2.0)
    frame, raw = read("kosten")
    said: list[str] = []
    with pytest.raises(StoreError, match="seit 0,5 Sekunden von einem anderen Import belegt; nichts gespeichert"):
        waiter.importieren("kosten", frame, "kosten.csv", raw, beim_warten=said.append)
    thread.join()
    assert len(said) == 1 and waiter.aktuelle_version() is None
    # The lock is free again: the same import goes through, on the same (pooled) connection.
    assert waiter.importieren("kosten", frame, "kosten.csv", raw).id == 1
    waiter.dispose()


@pytest.mark.parametrize(("value", "seconds"), [("", 1800.0), ("600", 600.0), ("2,5", 2.5)])
def test_the_waiting_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      value: str, seconds: float) -> None:
    monkeypatch.setenv("SOZIALRAUM_WARTEN_MAX_S", value)
    s = Store(f"sqlite:///{tmp_path / 'w.db'}")
    assert s.warten_max_s == seconds
    s.dispose()


def test_a_bad_waiting_limit_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOZIALRAUM_WARTEN_MAX_S", "eine Stunde")
    with pytest.raises(StoreError, match="SOZIALRAUM_WARTEN_MAX_S muss eine Zahl von Sekunden sein"):
        Store(f"sqlite:///{tmp_path / 'w.db'}")


def test_without_a_name_the_operating_system_account_is_marked(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "jhp")
    frame, raw = read("kosten")
    version = store.importieren("kosten", frame, "kosten.csv", raw)
    assert version.benutzer == "jhp (Betriebssystemkonto)"
    assert version.inhalt["kosten"]["benutzer"] == "jhp (Betriebssystemkonto)"
