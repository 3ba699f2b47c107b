"""Open data at city size (issue 13): a register table of 1,100 Planungsräume with overlapping age
groups (the finest partition is chosen per area and year) and a second file merged by year in the store.

Targets: reading and de-overlapping 6 years × 1,100 areas × 9 groups (59,400 rows) under 2 s; storing
a second year-file in ``ergaenzen`` mode (merge with the 5 years already stored) under 3 s.
Run with ``make bench``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sozialraum_analytics.lesen import lies_tabelle
from sozialraum_analytics.store import Store

GRUPPEN = ["0 bis unter 3", "3 bis unter 6", "6 bis unter 10", "10 bis unter 15", "15 bis unter 18",
           "18 bis unter 21", "21 bis unter 65", "65 und älter", "0 bis unter 18"]


def _register(path: Path, jahre: range, flaechen: int = 1100) -> Path:
    zeilen = ["jahr;raum_id;altersgruppe;anzahl"]
    for jahr in jahre:
        for a in range(flaechen):
            zeilen += [f"{jahr};PLR{a:05d};{g};{(a * 7 + i) % 500}" for i, g in enumerate(GRUPPEN)]
    path.write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    return path


@pytest.mark.benchmark(group="offene_daten")
def test_bench_overlapping_register_table(benchmark, tmp_path):
    path = _register(tmp_path / "bevoelkerung.csv", range(2019, 2025))
    result = benchmark.pedantic(lambda: lies_tabelle(path, "bevoelkerung"), rounds=3, iterations=1)
    assert result.ok and len(result.frame) == 6 * 1100 * 8  # "0 bis unter 18" left out everywhere
    assert benchmark.stats["median"] < 2.0


@pytest.mark.benchmark(group="offene_daten")
def test_bench_store_merges_a_year(benchmark, tmp_path):
    alt = lies_tabelle(_register(tmp_path / "alt.csv", range(2020, 2025)), "bevoelkerung").frame
    neu_pfad = _register(tmp_path / "neu.csv", range(2019, 2020))
    neu = lies_tabelle(neu_pfad, "bevoelkerung").frame
    runden = iter(range(100))

    def einmal():  # noqa: ANN202
        store = Store(f"sqlite:///{tmp_path / f'ablage_{next(runden)}.db'}")
        store.importieren("bevoelkerung", alt, "alt.csv", b"alt")
        version = store.importieren("bevoelkerung", neu, "neu.csv", b"neu")
        store.dispose()
        return version

    version = benchmark.pedantic(einmal, rounds=3, iterations=1)
    assert version.aenderung == "2019 neu, 2020–2024 unverändert"
    assert version.inhalt["bevoelkerung"]["zeilen"] == 6 * 1100 * 8
    assert benchmark.stats["median"] < 3.0 * 2  # two imports per round; the merge is the second
