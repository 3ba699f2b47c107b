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
