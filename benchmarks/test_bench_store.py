"""Importing 1,000,000 case rows into the store and counting them per year in the database.

Beside the floor ``pyarrow.csv.read_csv`` of the same file in the same run (issue 4: target
within 5x). Measured for the embedded SQLite store and for PostgreSQL (a throwaway local
server, as in the tests). Run with ``make bench``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sozialraum_analytics.readers import read_table
from sozialraum_analytics.store import Store
from tests.postgres import postgres_server

from .test_bench_pipeline import read_floor

RESULTS: dict[str, float] = {}


def import_and_count(url: str, path: Path) -> int:
    """Read and validate the CSV, store it as a version (one transaction), count per year in the database."""
    result = read_table(path, "faelle")
    assert result.ok
    store = Store(url)
    try:
        store.importieren("faelle", result.frame, path.name, path.read_bytes())
        counts = store.fallzahlen()
    finally:
        store.dispose()
    return int(counts["begonnen"].sum())


def _timed(func) -> float:  # noqa: ANN001
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


@pytest.fixture(scope="module")
def pg_url():
    with postgres_server() as url:
        yield url


def test_store_import_and_yearly_counts(kreis_1m, tmp_path: Path, pg_url: str) -> None:
    csv = kreis_1m / "faelle.csv"
    RESULTS["floor"] = min(_timed(lambda: read_floor(str(csv))) for _ in range(3))
    sqlite_url = f"sqlite:///{tmp_path / 'bench.db'}"
    RESULTS["sqlite"] = _timed(lambda: import_and_count(sqlite_url, csv))
    assert import_and_count(f"sqlite:///{tmp_path / 'check.db'}", csv) == 1_000_000  # every case begins once
    RESULTS["postgresql"] = _timed(lambda: import_and_count(pg_url, csv))
    print(f"\nUntergrenze pyarrow.csv.read_csv: {RESULTS['floor']:.3f} s; Import + Jahreszählung: SQLite "
          f"{RESULTS['sqlite']:.1f} s ({RESULTS['sqlite'] / RESULTS['floor']:.0f}x), PostgreSQL "
          f"{RESULTS['postgresql']:.1f} s ({RESULTS['postgresql'] / RESULTS['floor']:.0f}x)")
    assert RESULTS["sqlite"] / RESULTS["floor"] <= 5, "import into the embedded store is beyond 5x the floor"
