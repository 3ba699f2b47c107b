"""Importing 1,000,000 case rows into the store and counting them per year (issue 15, point 3).

The floor, in the same run: the bare bulk load of the same file as Arrow into the same database,
``pyarrow.csv.read_csv`` and one ``adbc_ingest`` into a fresh table of an empty store (SQLite in the
store's WAL mode, with the checkpoint after the commit as the store's writer does it). Against it the store's import
(read and validate the CSV, store it as a version in one transaction, through ADBC, with the yearly
counts worked out on the way) plus reading the yearly counts back. Target: within 2x of the floor,
for the embedded SQLite store and for PostgreSQL (a throwaway local server, as in the tests).
Each figure is the best of a few rounds, each into a fresh database. Run with ``make bench``.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from sozialraum_analytics.readers import read_table
from sozialraum_analytics.store import Store
from tests.postgres import neue_pg_datenbank, postgres_server

from .test_bench_pipeline import read_floor

ROUNDS = 3
TARGET = 2.0
RESULTS: dict[str, float] = {}


def import_and_count(url: str, path: Path) -> int:
    """Read and validate the CSV, store it as a version (one transaction), read the yearly counts."""
    result = read_table(path, "faelle")
    assert result.ok
    store = Store(url)
    try:
        store.importieren("faelle", result.frame, path.name, path.read_bytes())
        counts = store.fallzahlen()
    finally:
        store.dispose()
    return int(counts["begonnen"].sum())


def bulk_load(path: Path, sqlite_file: Path | None = None, pg_uri: str | None = None) -> int:
    """The floor: pyarrow's CSV reader and one ADBC bulk ingest of that table into a fresh table."""
    table = read_floor(str(path))
    if sqlite_file is not None:
        import adbc_driver_sqlite.dbapi as dbapi

        conn = dbapi.connect(str(sqlite_file))
    else:
        import adbc_driver_postgresql.dbapi as dbapi

        conn = dbapi.connect(pg_uri)
    with conn:
        with conn.cursor() as cursor:
            if sqlite_file is not None:  # as the store's writer: the checkpoint follows the commit, not in it
                cursor.execute("PRAGMA wal_autocheckpoint=0")
            rows = cursor.adbc_ingest("faelle_roh", table, mode="create")
        conn.commit()
    return rows


def _timed(func, *args, **kwargs) -> float:  # noqa: ANN001, ANN002, ANN003
    start = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - start


@pytest.fixture(scope="module")
def pg_url():
    with postgres_server() as url:
        yield url


def _libpq(url: str) -> str:
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_store_import_and_yearly_counts(kreis_1m, tmp_path: Path, pg_url: str) -> None:
    csv = kreis_1m / "faelle.csv"
    runs = itertools.count()

    def sqlite_store() -> str:
        url = f"sqlite:///{tmp_path / f'store_{next(runs)}.db'}"
        Store(url).dispose()  # an empty store, as after installation: the schema is not the import
        return url

    def pg_store() -> str:
        url = neue_pg_datenbank(pg_url, "bench_")
        Store(url).dispose()
        return url

    floor_sqlite, floor_pg, store_sqlite, store_pg, validation = [], [], [], [], []
    for _ in range(ROUNDS):  # interleaved, so that a busy moment of the machine hits both alike
        validation.append(_timed(read_table, csv, "faelle"))  # part of the import: for the breakdown
        # The floor goes into the same kind of database as the import: an empty store (SQLite: its WAL mode).
        target = sa.engine.make_url(sqlite_store()).database
        floor_sqlite.append(_timed(bulk_load, csv, sqlite_file=target))
        url = sqlite_store()
        store_sqlite.append(_timed(import_and_count, url, csv))
        uri = _libpq(pg_store())
        floor_pg.append(_timed(bulk_load, csv, pg_uri=uri))
        url = pg_store()
        store_pg.append(_timed(import_and_count, url, csv))
    assert import_and_count(sqlite_store(), csv) == 1_000_000  # every case begins once
    assert import_and_count(pg_store(), csv) == 1_000_000
    RESULTS.update({"validation": min(validation), "floor_sqlite": min(floor_sqlite), "floor_pg": min(floor_pg),
                    "sqlite": min(store_sqlite), "postgresql": min(store_pg)})
    ratio_sqlite = RESULTS["sqlite"] / RESULTS["floor_sqlite"]
    ratio_pg = RESULTS["postgresql"] / RESULTS["floor_pg"]
    print(f"\nImport + Jahreszählung von 1.000.000 Fällen gegen das bloße Laden (pyarrow.csv.read_csv + adbc_ingest), "
          f"beste von {ROUNDS} Runden:\n"
          f"  SQLite:     {RESULTS['sqlite']:.2f} s gegen {RESULTS['floor_sqlite']:.2f} s = {ratio_sqlite:.2f}x\n"
          f"  PostgreSQL: {RESULTS['postgresql']:.2f} s gegen {RESULTS['floor_pg']:.2f} s = {ratio_pg:.2f}x\n"
          f"  darin das Lesen und Prüfen der Datei (read_table): {RESULTS['validation']:.2f} s; Ziel je ≤ {TARGET:g}x")
    assert ratio_sqlite <= TARGET, f"SQLite store beyond {TARGET}x the bulk load ({ratio_sqlite:.2f}x)"
    assert ratio_pg <= TARGET, f"PostgreSQL store beyond {TARGET}x the bulk load ({ratio_pg:.2f}x)"
