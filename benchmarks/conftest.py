"""Benchmark inputs, generated once per run into a temporary folder (fixed seed)."""

import pytest

from .generate import write_cases, write_population, write_zuordnung

ROWS = 1_000_000


@pytest.fixture(scope="session")
def kreis_1m(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kreis_1m")
    write_cases(folder / "faelle.csv", rows=ROWS)
    write_population(folder / "bevoelkerung.csv")
    write_zuordnung(folder / "zuordnung.csv")
    return folder
