"""Areas: versioned assignment (gueltig_ab) and data arriving at Sozialraum level."""

import shutil

import pytest

from sozialraum_analytics.dataset import load_folder
from sozialraum_analytics.kennzahlen import Engine

from .conftest import KLEINKREIS


@pytest.fixture()
def moved(tmp_path):
    """Kleinkreis where Bedorf moves from SR1 to SR2 on 01.01.2024."""
    for path in KLEINKREIS.iterdir():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "zuordnung.csv").write_text(
        "raum_id;name;sozialraum_id;sozialraum_name;gueltig_ab\n"
        "08111001;Adorf;SR1;Nord;\n08111002;Bedorf;SR1;Nord;\n08111003;Cedorf;SR2;Süd;\n"
        "08111004;Waldgebiet;SR2;Süd;\n08111002;Bedorf;SR2;Süd;01.01.2024\n", encoding="utf-8")
    return load_folder(tmp_path)


def test_assignment_follows_gueltig_ab(moved):
    wide = Engine(moved).table("sozialraum")
    # Population under 21: 2023 SR1 = Adorf 1000 + Bedorf 500; 2024 SR1 = Adorf 1100 only.
    assert wide.loc[(2023, "SR1", "gesamt"), "bevoelkerung_u21"] == 1500
    assert wide.loc[(2024, "SR1", "gesamt"), "bevoelkerung_u21"] == 1100
    assert wide.loc[(2024, "SR2", "gesamt"), "bevoelkerung_u21"] == 2000 + 30 + 500
    # Bedorf's §28 case F (2023) stays with SR1 in 2023.
    assert wide.loc[(2023, "SR1", "§28"), "inanspruchnahme"] == 1
    assert moved.planungsraeume().set_index("raum_id").loc["08111002", "sozialraum_id"] == "SR2"


def test_data_at_sozialraum_level(tmp_path):
    """Fallzahlen keyed by a Sozialraum id count for that Sozialraum and the Kreis, not for a Planungsraum."""
    shutil.copy(KLEINKREIS / "zuordnung.csv", tmp_path / "zuordnung.csv")
    shutil.copy(KLEINKREIS / "bevoelkerung.csv", tmp_path / "bevoelkerung.csv")
    (tmp_path / "fallzahlen.csv").write_text(
        "jahr;raum_id;hilfeart;begonnen;beendet;andauernd\n"
        "2023;SR2;§ 33;2;1;4\n2023;08111001;§ 33;1;0;1\n", encoding="utf-8")
    engine = Engine(load_folder(tmp_path))
    assert engine.table("sozialraum").loc[(2023, "SR2", "§33"), "inanspruchnahme"] == 5
    assert engine.table("sozialraum").loc[(2023, "SR1", "§33"), "inanspruchnahme"] == 1
    assert engine.table("kreis").loc[(2023, "kreis", "§33"), "inanspruchnahme"] == 6
    assert engine.table("planungsraum").xs("§33", level="hilfeart").loc[2023, "inanspruchnahme"].sum() == 1


def test_special_values_in_aggregate_make_sums_unknown(tmp_path):
    """A confidential '.' count is missing with its reason, and a sum over it is unknown, never 0."""
    shutil.copy(KLEINKREIS / "zuordnung.csv", tmp_path / "zuordnung.csv")
    (tmp_path / "fallzahlen.csv").write_text(
        "jahr;raum_id;hilfeart;begonnen;beendet;andauernd\n"
        "2023;08111001;§ 33;.;0;1\n2023;08111002;§ 33;1;0;1\n", encoding="utf-8")
    dataset = load_folder(tmp_path)
    assert dataset.tables["fallzahlen"]["begonnen_grund"].iloc[0] == "unbekannt oder geheim"
    wide = Engine(dataset).table("sozialraum")
    assert wide.loc[(2023, "SR1", "§33"), "andauernd"] == 2
    assert wide.loc[(2023, "SR1", "§33"), "begonnen"] != wide.loc[(2023, "SR1", "§33"), "begonnen"]  # NaN
