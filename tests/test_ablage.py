"""Starting from the demo files and the Kreis's name kept with the data (store, CLI, dataset)."""

from __future__ import annotations

from pathlib import Path

from sozialraum_analytics.ablage import DEMO_DATEIEN, demo_importieren, kreisname_aus_amtlich
from sozialraum_analytics.cli import main
from sozialraum_analytics.dataset import load_store
from sozialraum_analytics.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "genesis_classic"


def test_the_kreis_name_from_an_official_table(tmp_path: Path) -> None:
    classic = tmp_path / "12411-02-03-5.csv"
    classic.write_text("GENESIS-Tabelle: 12411-02-03-5\n;;Insgesamt\nDG;Deutschland;1\n08317;  Ortenaukreis, Landkreis;7\n"
                       "08317001;      Achern, Stadt;3\n", encoding="cp1252")
    assert kreisname_aus_amtlich(classic, "08317") == "Ortenaukreis"
    flat = tmp_path / "flat.csv"
    flat.write_text("statistics_code;1_variable_attribute_code;1_variable_attribute_label;value\n"
                    "12411;08317;Ortenaukreis, Landkreis;7\n", encoding="utf-8")
    assert kreisname_aus_amtlich(flat, "08317") == "Ortenaukreis"
    assert kreisname_aus_amtlich(classic, "09999") is None
    if (REALDATA / "12411-01-01-4.csv").exists():  # the real export, where present beside the project
        assert kreisname_aus_amtlich(REALDATA / "12411-01-01-4.csv", "08317") == "Ortenaukreis"


def test_a_store_started_from_the_demo_keeps_the_kreis_name(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'ablage.db'}")
    versionen = demo_importieren(store, ohne="bevoelkerung", benutzer="planerin")
    assert len(versionen) == len(DEMO_DATEIEN) - 1
    assert sorted(store.aktuelle_version().inhalt) == sorted(set(DEMO_DATEIEN) - {"bevoelkerung"})
    assert store.kreisname() == "Musterkreis"
    assert load_store(store).kreis_name == "Musterkreis"
    store.dispose()


def test_the_cli_stores_the_kreis_name_with_the_data(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'ablage.db'}"
    monkeypatch.setenv("SOZIALRAUM_DB", url)
    monkeypatch.delenv("SOZIALRAUM_KREISNAME", raising=False)
    assert main(["importieren", "--art", "zuordnung", "--kreisname", "Winzkreis",
                 str(FIXTURES / "winzkreis" / "zuordnung.csv")]) == 0
    store = Store(url)
    assert store.kreisname() == "Winzkreis" and load_store(store).kreis_name == "Winzkreis"
    # The same file again: no new version, exit 0.
    assert main(["importieren", "--art", "zuordnung", str(FIXTURES / "winzkreis" / "zuordnung.csv")]) == 0
    assert len(store.versionen()) == 1
    store.dispose()
