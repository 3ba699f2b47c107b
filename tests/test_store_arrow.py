"""Arrow all the way (issue 15, point 3): imports go in through ADBC, the yearly counts are saved with them.

The counts saved at import time (the engine's counting rule, :func:`counting.count_cases_per_year`)
must equal exactly what the database's two GROUP BYs gave before (``Store.fallzahlen_gruppiert``),
on the small fixture, on the demo Kreis and on rows with missing keys.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from sozialraum_analytics.readers import read_table
from sozialraum_analytics.store import DATEN, Store, faelle_jahreszahlen

from .conftest import KLEINKREIS, neue_pg_datenbank

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data"




@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path: Path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'sozialraum.db'}"
    else:
        url = neue_pg_datenbank(request.getfixturevalue("pg_url"), "a")
    s = Store(url)
    yield s
    s.dispose()


def _import(store: Store, path: Path) -> None:
    result = read_table(path, "faelle")
    assert result.ok
    store.importieren("faelle", result.frame, path.name, path.read_bytes(), benutzer="test")


def _stored_rows(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(faelle_jahreszahlen)).scalar_one()


@pytest.mark.parametrize("path", [KLEINKREIS / "faelle.csv", DEMO / "faelle.csv"], ids=["kleinkreis", "demo"])
def test_counts_saved_with_the_import_equal_the_database_grouping(store: Store, path: Path) -> None:
    _import(store, path)
    assert _stored_rows(store) > 0  # counted when saved
    saved, grouped = store.fallzahlen(), store.fallzahlen_gruppiert()
    pd.testing.assert_frame_equal(saved, grouped)
    assert int(saved["begonnen"].sum()) == len(read_table(path, "faelle").frame)


def test_missing_keys_are_groups_of_their_own_as_in_the_database(store: Store) -> None:
    frame = read_table(KLEINKREIS / "faelle.csv", "faelle").frame
    frame = pd.concat([frame] * 3, ignore_index=True)
    frame["fall_id"] = [f"F{i}" for i in range(len(frame))]
    for column, rows in (("raum_id", [0, 4]), ("hilfeart", [1, 5]), ("setting", [2]), ("basis", [3, 6])):
        frame[column] = frame[column].astype(object)
        frame.loc[rows, column] = None
    frame.loc[7, "ende"] = pd.NaT
    store.importieren("faelle", frame, "luecken.csv", b"luecken", benutzer="test")
    assert _stored_rows(store) > 0
    pd.testing.assert_frame_equal(store.fallzahlen(), store.fallzahlen_gruppiert())


def test_rows_the_rule_counts_otherwise_are_left_to_the_database(store: Store) -> None:
    """An Ende before the Beginn (the reader refuses it, a caller might not): no saved counts, the
    database counts as before."""
    frame = read_table(KLEINKREIS / "faelle.csv", "faelle").frame
    frame.loc[0, "ende"] = frame.loc[0, "beginn"] - pd.Timedelta(days=400)
    store.importieren("faelle", frame, "verkehrt.csv", b"verkehrt", benutzer="test")
    assert _stored_rows(store) == 0
    pd.testing.assert_frame_equal(store.fallzahlen(), store.fallzahlen_gruppiert())


def test_an_import_saved_before_the_counts_were_kept_is_counted_by_the_database(store: Store) -> None:
    _import(store, KLEINKREIS / "faelle.csv")
    saved = store.fallzahlen()
    with store.engine.begin() as conn:  # as an import of an earlier release: no saved counts
        conn.execute(faelle_jahreszahlen.delete())
    pd.testing.assert_frame_equal(store.fallzahlen(), saved)


def test_the_rows_are_stored_as_before(store: Store) -> None:
    """Dates as dates (SQLite: ISO text), numbers as numbers, missing values as NULL."""
    _import(store, KLEINKREIS / "faelle.csv")
    f = DATEN["faelle"]
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(f.c.fall_id, f.c.beginn, f.c.ende, f.c.geburtsjahr).order_by(f.c.fall_id)).all()
        if store.sqlite:
            raw = conn.exec_driver_sql("SELECT beginn, typeof(beginn), typeof(geburtsjahr) FROM daten_faelle "
                                       "ORDER BY fall_id LIMIT 1").one()
            assert len(raw[0]) == 10 and raw[0][4] == "-" and raw[1:] == ("text", "integer")
    assert all(isinstance(r.beginn, dt.date) for r in rows)
    assert any(r.ende is None for r in rows) and all(isinstance(r.geburtsjahr, int) for r in rows if r.geburtsjahr)
    frame = read_table(KLEINKREIS / "faelle.csv", "faelle").frame
    back = store.tabelle("faelle")
    pd.testing.assert_frame_equal(back[["fall_id", "beginn", "ende"]].astype({"fall_id": object}).sort_values(
        "fall_id").reset_index(drop=True), frame[["fall_id", "beginn", "ende"]].astype({"fall_id": object}).sort_values(
        "fall_id").reset_index(drop=True), check_dtype=False)


SQLITE_IN_PROCESS = """
import sys
from sozialraum_analytics.readers import read_table
from sozialraum_analytics.store import Store
store = Store(sys.argv[1])
path = sys.argv[2]
store.importieren("faelle", read_table(path, "faelle").frame, "faelle.csv", b"x")
print(store.fallzahlen()["begonnen"].sum())
print("adbc_driver_sqlite" in sys.modules)
"""


def test_the_sqlite_driver_never_opens_the_store_in_this_process(tmp_path: Path) -> None:
    """ADBC's SQLite is a second copy of SQLite: in one process with Python's own it would not see the
    other's file locks. The SQLite import writes in a child process, this one never loads the driver."""
    url = f"sqlite:///{tmp_path / 'sozialraum.db'}"
    out = subprocess.run([sys.executable, "-c", SQLITE_IN_PROCESS, url, str(KLEINKREIS / "faelle.csv")], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["10", "False"]


# --- the rows of one import without a B-tree (migration 10) ------------------------------------------
def _sqlite_store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'sozialraum.db'}")


def test_each_sqlite_import_keeps_its_rowid_range_and_the_reads_use_it(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    kosten = read_table(KLEINKREIS / "kosten.csv", "kosten").frame
    store.importieren("kosten", kosten, "kosten.csv", b"1", benutzer="test")
    _import(store, KLEINKREIS / "faelle.csv")
    store.importieren("kosten", kosten.iloc[:4], "kosten4.csv", b"2", benutzer="test", modus="ersetzen")
    with store.engine.connect() as conn:
        bereiche = conn.exec_driver_sql("SELECT art, zeile_von, zeile_bis, zeilen FROM importe ORDER BY id").all()
        ids = conn.exec_driver_sql("SELECT rowid, import_id FROM daten_kosten ORDER BY rowid").all()
        plan = " ".join(str(r) for r in conn.execute(sa.text(
            "EXPLAIN QUERY PLAN " + str(sa.select(DATEN["kosten"].c.betrag).where(
                store._zeilen_von(conn, DATEN["kosten"], 3)).compile(compile_kwargs={"literal_binds": True})))).all())
    n = len(kosten)
    assert bereiche == [("kosten", 1, n, n), ("faelle", 1, 10, 10), ("kosten", n + 1, n + 4, 4)]
    assert ids == [(i, 1) for i in range(1, n + 1)] + [(n + i, 3) for i in range(1, 5)]
    assert "rowid>? AND rowid<?" in plan  # a range of the table, not a scan
    assert len(store.tabelle("kosten")) == 4 and len(store.tabelle("kosten", store.version(1))) == n
    store.dispose()


def test_a_rowid_range_that_does_not_check_out_is_not_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Renumbered rows (a VACUUM may renumber rowids) would make the range pick the wrong rows: the range
    is checked before use, and the rows are then found by import_id alone, with the same result."""
    store = _sqlite_store(tmp_path)
    _import(store, KLEINKREIS / "faelle.csv")
    before = (store.tabelle("faelle"), store.fallzahlen_gruppiert(), store.dauern(), store.letztes_datum())
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE importe SET zeile_von = zeile_von + 1, zeile_bis = zeile_bis + 1")
    with store.engine.connect() as conn:
        condition = str(store._zeilen_von(conn, DATEN["faelle"], 1))
    assert "rowid" not in condition and "import_id" in condition
    after = (store.tabelle("faelle"), store.fallzahlen_gruppiert(), store.dauern(), store.letztes_datum())
    for a, b in zip(before[:3], after[:3]):
        pd.testing.assert_frame_equal(a, b)
    assert before[3] == after[3]
    assert "Zeilenbereich von Import 1 passt nicht" in caplog.text
    store.dispose()


def test_the_writer_process_ends_after_its_checkpoint(tmp_path: Path) -> None:
    """The import answers once committed; the writer copies the new pages into the database file after
    that and ends on its own (no process left behind, the WAL emptied)."""
    import time

    store = _sqlite_store(tmp_path)
    _import(store, KLEINKREIS / "faelle.csv")
    store.dispose()
    wal = tmp_path / "sozialraum.db-wal"
    deadline = time.monotonic() + 30
    while wal.exists() and wal.stat().st_size and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not wal.exists() or wal.stat().st_size == 0
    again = _sqlite_store(tmp_path)
    assert int(again.fallzahlen()["begonnen"].sum()) == 10
    again.dispose()


def test_counts_saved_in_the_first_form_read_the_same(store: Store) -> None:
    """Counts saved by the first release of migration 9 (unsorted, keys as counted) are put into the
    returned form when read."""
    import pyarrow as pa

    from sozialraum_analytics.store import _jahreszahlen

    _import(store, DEMO / "faelle.csv")
    saved = store.fallzahlen()
    erste = _jahreszahlen(read_table(DEMO / "faelle.csv", "faelle").frame).sample(frac=1, random_state=3)
    table = pa.Table.from_pandas(erste, preserve_index=False).replace_schema_metadata(None)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    with store.engine.begin() as conn:
        conn.execute(faelle_jahreszahlen.update().values(daten=sink.getvalue().to_pybytes()))
    pd.testing.assert_frame_equal(store.fallzahlen(), saved)


def _sortiert(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["jahr", "raum_id", "hilfeart", "basis", "setting", "tage"]
    out = frame.astype({k: object for k in ["raum_id", "hilfeart", "basis", "setting"]})
    out = out.fillna({k: "" for k in ["raum_id", "hilfeart", "basis", "setting"]})
    return out.sort_values(keys).reset_index(drop=True)[[*keys, "anzahl"]]


@pytest.mark.parametrize("path", [KLEINKREIS / "faelle.csv", DEMO / "faelle.csv"], ids=["kleinkreis", "demo"])
def test_durations_saved_with_the_import_equal_the_database_grouping(store: Store, path: Path) -> None:
    _import(store, path)
    saved, grouped = store.dauern(), store.dauern_gruppiert()
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(faelle_jahreszahlen.c.dauern)).scalar() is not None  # grouped when saved
    pd.testing.assert_frame_equal(_sortiert(saved), _sortiert(grouped))
    assert list(saved.columns) == list(grouped.columns) and saved.dtypes.equals(grouped.dtypes)
    frame = read_table(path, "faelle").frame
    assert int(saved["anzahl"].sum()) == int((frame["ende"].notna() & frame["beginn"].notna()).sum())


def test_durations_by_hand_with_missing_keys(store: Store) -> None:
    """Three ended cases of one group (10, 10 and 400 days), one without area, one still running."""
    frame = pd.DataFrame({
        "fall_id": ["a", "b", "c", "d", "e"],
        "raum_id": pd.Categorical(["1", "1", "1", None, "1"]),
        "hilfeart": pd.Categorical(["§34"] * 5),
        "basis": [None] * 5,
        "setting": pd.Categorical([None] * 5),
        "beginn": pd.to_datetime(["2023-01-01", "2023-03-01", "2022-11-27", "2023-01-01", "2023-01-01"]).astype("datetime64[s]"),
        "ende": pd.to_datetime(["2023-01-11", "2023-03-11", "2024-01-01", "2023-02-01", None]).astype("datetime64[s]"),
    })
    store.importieren("faelle", frame, "hand.csv", b"hand", benutzer="test")
    saved = _sortiert(store.dauern())
    assert saved.values.tolist() == [[2023, "", "§34", "", "", 31, 1], [2023, "1", "§34", "", "", 10, 2],
                                     [2024, "1", "§34", "", "", 400, 1]]
    pd.testing.assert_frame_equal(saved, _sortiert(store.dauern_gruppiert()))


# --- tables come back as Arrow --------------------------------------------------------------------------
def _demo_tables() -> dict[str, pd.DataFrame]:
    import geopandas as gpd

    out = {kind: read_table(DEMO / f"{kind}.csv", kind).frame
           for kind in ("zuordnung", "bevoelkerung", "faelle", "kosten", "indikatoren", "angebote")}
    out["gebiete"] = gpd.read_file(DEMO / "gebiete.geojson")[["raum_id", "name", "geometry"]]
    return out


def test_tables_read_as_arrow_equal_the_sqlalchemy_read(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of the demo, with empty cells: the Arrow read (PostgreSQL in this process, SQLite in the
    reader process, here from the first row on) gives the same frame as the read through SQLAlchemy."""
    import sozialraum_analytics.store as store_modul

    tables = _demo_tables()
    tables["faelle"].loc[:1500, ["ende", "geburtsjahr"]] = None  # empty cells first (the driver infers types)
    for kind, frame in tables.items():
        store.importieren(kind, frame, f"{kind}.csv", kind.encode(), benutzer="test")
    monkeypatch.setattr(store_modul, "ARROW_LESEN_AB", 0)
    arrow = {kind: store.tabelle(kind) for kind in tables}
    monkeypatch.setattr(store, "_arrow_lesen", lambda query, zeilen: None)
    alt = {kind: store.tabelle(kind) for kind in tables}
    for kind in tables:
        a, b = arrow[kind], alt[kind]
        if kind == "gebiete":
            assert a["raum_id"].tolist() == b["raum_id"].tolist() and a.geometry.equals(b.geometry)
            continue
        pd.testing.assert_frame_equal(a, b, check_dtype=True, obj=kind)
    assert arrow["faelle"]["ende"].isna().sum() >= 1501


def test_a_failing_reader_process_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    import sozialraum_analytics.store as store_modul

    store = _sqlite_store(tmp_path)
    _import(store, KLEINKREIS / "faelle.csv")
    expected = store.tabelle("faelle")
    monkeypatch.setattr(store_modul, "ARROW_LESEN_AB", 0)
    monkeypatch.setattr(store_modul, "_LESER", "import sys; sys.exit('kaputt')")
    pd.testing.assert_frame_equal(store.tabelle("faelle"), expected)
    assert "Lesen über Arrow fehlgeschlagen" in caplog.text and "kaputt" in caplog.text
    store.dispose()
