"""Aggregated input (fallzahlen) gives the same indicators as the case-level data it came from."""

import shutil

import pandas as pd
import pytest

from sozialraum_analytics.counting import fallzahlen_table_from_faelle
from sozialraum_analytics.dataset import DEMO_DIR, load_folder
from sozialraum_analytics.formatting import write_german_csv
from sozialraum_analytics.kennzahlen import Engine

from .conftest import KLEINKREIS

CASE_ONLY = ("dauer_mittel_monate", "dauer_median_monate")


def _aggregated_copy(source, tmp_path):
    dataset = load_folder(source)
    target = tmp_path / "aggregiert"
    target.mkdir()
    for path in source.iterdir():
        if not path.name.startswith("faelle"):
            shutil.copy(path, target / path.name)
    write_german_csv(fallzahlen_table_from_faelle(dataset.tables["faelle"], dataset.years()), target / "fallzahlen.csv")
    return dataset, load_folder(target, kreis_name=dataset.kreis_name)


def _comparable(dataset, ebene):
    long = Engine(dataset).long(ebene)
    long = long[~long["kennzahl"].isin(CASE_ONLY)]
    return long.sort_values(["jahr", "raum_id", "hilfeart", "kennzahl"]).reset_index(drop=True)


@pytest.mark.parametrize("source", [KLEINKREIS, DEMO_DIR], ids=["kleinkreis", "demo"])
@pytest.mark.parametrize("ebene", ["planungsraum", "sozialraum", "kreis"])
def test_same_indicators_from_aggregate(tmp_path, source, ebene):
    cases, aggregated = _aggregated_copy(source, tmp_path)
    assert aggregated.has("fallzahlen") and not aggregated.has("faelle")
    assert all(r.ok for r in aggregated.reports), [r.lines() for r in aggregated.reports]
    expected, actual = _comparable(cases, ebene), _comparable(aggregated, ebene)
    pd.testing.assert_frame_equal(actual, expected, check_exact=False, rtol=1e-12)
